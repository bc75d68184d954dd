//! `adagg normalize`: every accepted row of each input as one canonical
//! line in `DIR/normalized.csv` (input order, the header once, several
//! inputs one after another), and `DIR/rejected_rows.csv`.
//!
//! A UTF-8 or Windows-1252 file is cut into chunks of about [`CHUNK`]
//! input bytes ([`split_points`]). `-t N` worker threads take the chunks in
//! file order and format each one's lines into a buffer of its own; the
//! buffers are written to `normalized.csv` strictly in file order, each as
//! soon as the ones before it are written, by whichever worker is free to
//! ([`Pipeline`]), while at most [`in_flight`] chunks are taken and not yet
//! written: memory stays flat whatever the file's size (buffers are
//! reused), and no part file is written and copied after.
//!
//! Chunks are the ranges of [`adagg::run_ranges`], lined up the same way:
//! a chunk that does not start where the one before it ended (a quoted line
//! break crossed its nominal start) is run again from exactly there, its
//! first output dropped; nothing after a chunk that stopped (strict mode,
//! an error) counts; a problem found without its line is located by one
//! more [`Pass::Locate`] run from the start of the data. Each chunk run
//! spills its rejected rows ([`Spills`]), which numbers lines chunk by
//! chunk as it does range by range. With one thread the calling thread
//! runs and writes the chunks one after another. UTF-16 files are read as
//! one stream ([`normalize_sequential`]).

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::{Condvar, Mutex};
use std::time::Instant;

use adagg::{first_pass, split_points, Aggregator, Job, Options, Partial, Pass, Plan, Report, ReportOptions, Start, NORMALIZED_HEADER};

use crate::cli::{feed_job, input_platform, read_plan, sources, spill_err, timing_lines, unpacked_lines, write_rejected, Args, FileRun, BLOCK, SLICE};
use crate::input::Source;
use crate::spill::Spills;

/// Nominal input bytes per chunk (a chunk ends at the first line boundary
/// after its nominal end).
const CHUNK: u64 = 1 << 20;

/// Bytes read past a chunk's nominal end at a time: its last line ends
/// there as a rule, so a whole [`BLOCK`] more would be read for nothing.
const TAIL: u64 = 64 << 10;

/// Bytes written per `write` call. Larger writes are not faster, and on
/// the bench machine (a VM) writes of 1 MiB and more into the page cache
/// were at times ten times slower (sys time), 4 MiB chunks written whole
/// tripled normalize's sys time; 256 KiB writes never were.
const WRITE: usize = 256 << 10;

/// Chunks taken by the workers and not yet written, at most: every worker
/// busy with one, and as many done and waiting for the one before them.
fn in_flight(workers: usize) -> usize {
    2 * workers + 2
}

/// `adagg normalize`: `DIR/normalized.csv` and `DIR/rejected_rows.csv`.
pub fn run_normalize(args: &Args) -> Result<(), String> {
    let started = Instant::now();
    std::fs::create_dir_all(&args.output).map_err(|e| format!("cannot create {}: {e}", args.output.display()))?;
    let path = args.output.join("normalized.csv");
    let (inputs, _spooled) = sources(args)?;
    let several = inputs.len() > 1;
    let mut runs = Vec::with_capacity(inputs.len());
    let mut text = String::new();
    // Each file's rows after the ones before it: the header once.
    for (i, input) in inputs.iter().enumerate() {
        let named = |e: String| match several {
            true => input.named(e),
            false => e,
        };
        let before = match i > 0 {
            true => std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0),
            false => 0,
        };
        let failed = |e: String| {
            let _ = std::fs::remove_file(&path);
            named(e)
        };
        let base = input.options(&args.options);
        let mut run = normalize_file(input, args, &base, &path, i > 0).map_err(failed)?;
        // The whole file proves the other order of day and month: its rows
        // are written again in that order.
        if let Some((order, line, text)) = adagg::date_outcome(&run.0.plan, &run.0.partial.dates).reread() {
            if run.0.partial.stop_error().is_none() {
                // The merged result's lines count from the first data line.
                let line = line + run.0.plan.data_start_line - 1;
                let options = adagg::Options { date_order: order, date_reread: Some((line, text)), ..base.clone() };
                if i > 0 {
                    let file = std::fs::OpenOptions::new().write(true).open(&path).map_err(|e| failed(e.to_string()))?;
                    file.set_len(before).map_err(|e| failed(e.to_string()))?;
                }
                run = normalize_file(input, args, &options, &path, i > 0).map_err(failed)?;
            }
        }
        let (run, platform, how) = run;
        let report = Report::with_options(&run.plan, run.partial.clone(), &ReportOptions { rankings: Vec::new(), all: false });
        if let Some(err) = &report.stop_error {
            let _ = std::fs::remove_file(&path);
            return Err(named(err.to_string()));
        }
        if several {
            text += &format!("file {}\n", input.label);
        }
        text += &format!("platform:        {platform} ({how})\n");
        for line in report.summary.to_string().lines() {
            if line.starts_with("campaigns:") {
                continue;
            }
            match line.strip_prefix("rows aggregated: ") {
                Some(n) => text += &format!("rows written:    {n}\n"),
                None => text += &format!("{line}\n"),
            }
        }
        if report.summary.quality.dates_checked {
            text += "note: normalize does not check duplicate (campaign, date) rows\n";
        }
        if several {
            text += "\n";
        }
        runs.push(run);
    }
    let rejected = args.output.join("rejected_rows.csv");
    text += &unpacked_lines(&inputs, &runs);
    write_rejected(&rejected, &inputs, &runs).map_err(|e| format!("cannot write {}: {e}", rejected.display()))?;
    let secs = started.elapsed().as_secs_f64();
    let len = runs.iter().map(|r| r.len).sum();
    let threads = runs.iter().map(|r| r.threads).max().unwrap_or(1);
    text += &timing_lines(len, secs, threads);
    text += &format!("wrote {} and {}\n", path.display(), rejected.display());
    let _ = std::io::Write::write_all(&mut std::io::stdout(), text.as_bytes());
    Ok(())
}

/// One input's normalized rows into `path` (after the rows already there
/// when `append`): the run, the platform written and how it was found.
fn normalize_file(input: &Source, args: &Args, options: &adagg::Options, path: &Path, append: bool) -> Result<(FileRun, String, &'static str), String> {
    let len = input.len().map_err(|e| format!("cannot read {}: {e}", input.label))?;
    let plan = read_plan(input, options)?;
    // normalize writes any --platform text as given.
    let (platform, how) = match &input.platform {
        Some(text) => (text.clone(), "--platform"),
        None => {
            let (p, how) = input_platform(input, &plan);
            (p.name().to_string(), how)
        }
    };
    let spills = Spills::new(plan.encoding).map_err(|e| format!("cannot create a temporary directory: {e}"))?;
    let (plan, partial, threads) = if let (false, Some(file)) = (plan.sequential(), input.path()) {
        let data = len - plan.data_start.min(len);
        let threads = args.threads.min((data >> 20) as usize + 1);
        let points = split_points(&plan, len, data.div_ceil(CHUNK).max(1) as usize);
        let chunks = Chunks { path: file, plan: &plan, jobs: first_pass(&points), spills: &spills, platform: &platform };
        let partial = normalize_chunks(&chunks, threads, path, append).map_err(|e| e.to_string())?;
        (plan, partial, threads)
    } else {
        let (plan, partial) = normalize_sequential(input, options, &spills, path, &platform, append).map_err(|e| e.to_string())?;
        (plan, partial, 1)
    };
    let bounds = (partial.start, partial.end);
    let len = if input.path().is_some() { len } else { partial.end };
    Ok((FileRun { plan, partial, spills, bounds, threads, len, options: options.clone() }, platform, how))
}

/// The chunks of one file and how each is run.
struct Chunks<'a> {
    path: &'a Path,
    plan: &'a Plan,
    /// Each chunk's first-pass start and where it stops ([`first_pass`]).
    jobs: Vec<(Start, u64)>,
    spills: &'a Spills,
    platform: &'a str,
}

/// A chunk's result and its lines.
type Done = Result<(Partial, Vec<u8>), adagg::Error>;

impl Chunks<'_> {
    /// Runs the chunk that begins at `start` and stops after `stop_after`:
    /// its result (its rejected rows spilled) and its lines, formatted into
    /// `lines` (emptied first; kept empty for [`Pass::Locate`], which only
    /// looks for a problem's line). `reader`: the file (opened on first
    /// use) and a read buffer.
    fn run(&self, start: Start, stop_after: u64, pass: Pass, lines: Vec<u8>, reader: &mut Reader) -> Done {
        let path = self.path;
        let io = |e: std::io::Error| adagg::Error::Read(format!("{}: {e}", path.display()));
        let (file, block) = reader.get(path).map_err(io)?;
        let mut at = match start {
            Start::Exact(at) | Start::AfterNewline(at) => at,
        };
        file.seek(SeekFrom::Start(at)).map_err(io)?;
        let mut agg = Aggregator::normalizing(self.plan, start, stop_after, Some(self.platform));
        let keep = pass == Pass::Fast;
        if !keep {
            agg.locating();
        }
        agg.keep_all_rejected();
        // Written over, not cleared first.
        agg.normalize_into(lines);
        let mut spill = self.spills.open().map_err(spill_err)?;
        while !agg.is_done() {
            // Up to the nominal end, then a little at a time.
            let want = match at <= stop_after {
                true => (stop_after - at).saturating_add(TAIL),
                false => TAIL,
            };
            let want = want.min(block.len() as u64) as usize;
            let n = file.read(&mut block[..want]).map_err(io)?;
            if n == 0 {
                break;
            }
            at += n as u64;
            for slice in block[..n].chunks(SLICE) {
                agg.feed(slice);
                spill.write(agg.take_rejected()).map_err(spill_err)?;
                if !keep {
                    agg.normalized().clear();
                }
                if agg.is_done() {
                    break;
                }
            }
        }
        let (mut partial, mut lines) = agg.finish_normalized()?;
        if !keep {
            lines.clear();
        }
        self.spills.finish(spill, &mut partial).map_err(spill_err)?;
        Ok((partial, lines))
    }
}

/// A thread's handle on the input and its read buffer, made when first
/// needed.
#[derive(Default)]
struct Reader {
    file: Option<File>,
    block: Vec<u8>,
}

impl Reader {
    /// The file (opened now if not yet) and the read buffer.
    fn get(&mut self, path: &Path) -> std::io::Result<(&mut File, &mut [u8])> {
        if self.file.is_none() {
            self.file = Some(File::open(path)?);
            self.block = vec![0u8; BLOCK];
        }
        Ok((self.file.as_mut().expect("opened"), &mut self.block))
    }
}

/// The chunks of one file being normalized by several threads. Each
/// worker takes the next chunk and runs it; then, if no other thread is
/// writing, it becomes the writer ([`drain`](Self::drain)): it writes
/// every finished chunk that comes next in file order, so the thread that
/// ran the next chunk usually writes it at once, its lines still in cache,
/// and no thread waits on another to be scheduled to write.
struct Pipeline<'a> {
    chunks: &'a Chunks<'a>,
    state: Mutex<State>,
    /// Signalled when a chunk is written or the run ends.
    changed: Condvar,
    /// The output and the merged result: held by the thread writing.
    writer: Mutex<Writer>,
    /// Chunks taken and not yet written, at most.
    limit: usize,
}

/// What the threads share about the chunks.
struct State {
    /// The next chunk to take.
    next: usize,
    /// The next chunk to write (all before it are written).
    head: usize,
    /// Finished chunks waiting for the ones before them.
    done: BTreeMap<usize, Done>,
    /// The run is over (every chunk written, or one stopped or failed):
    /// take and write nothing more.
    over: bool,
    /// Buffers of written chunks, for the next ones.
    pool: Vec<Vec<u8>>,
}

/// The writing side: `normalized.csv` and the chunks merged so far.
struct Writer {
    out: File,
    /// For errors: the output's path.
    path: std::path::PathBuf,
    merged: Option<Partial>,
    /// The run's result, once over.
    result: Option<Result<Partial, adagg::Error>>,
}

impl Pipeline<'_> {
    /// The next chunk to run and a buffer for its lines, once fewer than
    /// [`limit`](Self::limit) are taken and not written; `None` when there
    /// is none left to take.
    fn take(&self) -> Option<(usize, Vec<u8>)> {
        let mut s = self.state.lock().expect("chunk state");
        loop {
            if s.over || s.next == self.chunks.jobs.len() {
                return None;
            }
            if s.next - s.head < self.limit {
                break;
            }
            s = self.changed.wait(s).expect("chunk state");
        }
        let k = s.next;
        s.next += 1;
        Some((k, s.pool.pop().unwrap_or_default()))
    }

    /// A worker: runs chunks until none is left, writing what it can.
    fn work(&self) {
        let _guard = EndOnPanic(self);
        let mut reader = Reader::default();
        while let Some((k, lines)) = self.take() {
            let (start, stop_after) = self.chunks.jobs[k];
            let done = self.chunks.run(start, stop_after, Pass::Fast, lines, &mut reader);
            self.state.lock().expect("chunk state").done.insert(k, done);
            self.drain(&mut reader);
        }
    }

    /// Writes the finished chunks that come next, unless another thread
    /// is writing (it then writes them: whoever stops writing looks again
    /// for a next chunk that came meanwhile).
    fn drain(&self, reader: &mut Reader) {
        loop {
            let mut writer = match self.writer.try_lock() {
                Ok(writer) => writer,
                Err(std::sync::TryLockError::WouldBlock) => return,
                Err(std::sync::TryLockError::Poisoned(_)) => panic!("a writer panicked"),
            };
            loop {
                let (k, done) = {
                    let mut s = self.state.lock().expect("chunk state");
                    let k = s.head;
                    match s.done.remove(&k) {
                        Some(done) if !s.over => (k, done),
                        _ => break,
                    }
                };
                let over = match self.write(&mut writer, k, done, reader) {
                    Ok(true) => Ok(writer.merged.take().expect("a chunk merged")),
                    Ok(false) => continue,
                    Err(e) => Err(e),
                };
                writer.result = Some(over);
                self.end();
                return;
            }
            drop(writer);
            let s = self.state.lock().expect("chunk state");
            if s.over || !s.done.contains_key(&s.head) {
                return;
            }
        }
    }

    /// Writes chunk `k` (the next in file order) and merges its result, as
    /// [`adagg::run_ranges`] lines up ranges: a chunk that does not start
    /// where the ones before it end is run again from there (a quoted line
    /// break crossed its nominal start); a chunk's error counts once the
    /// chunks before it are lined up. True when the run is over: every
    /// chunk written, or this one stopped (nothing after it counts).
    fn write(&self, writer: &mut Writer, k: usize, done: Done, reader: &mut Reader) -> Result<bool, adagg::Error> {
        let end = writer.merged.as_ref().map(|m| m.end);
        let (partial, lines) = match (done?, end) {
            ((first, dropped), Some(end)) if first.start != end => {
                self.state.lock().expect("chunk state").pool.push(dropped);
                self.chunks.run(Start::Exact(end), self.chunks.jobs[k].1, Pass::Fast, Vec::new(), reader)?
            }
            (done, _) => done,
        };
        let path = &writer.path;
        for piece in lines.chunks(WRITE) {
            writer.out.write_all(piece).map_err(|e| adagg::Error::Read(format!("writing {}: {e}", path.display())))?;
        }
        {
            let mut s = self.state.lock().expect("chunk state");
            s.head += 1;
            s.pool.push(lines);
            self.changed.notify_all();
        }
        let merged = match &mut writer.merged {
            Some(m) => {
                m.append(partial)?;
                m
            }
            None => writer.merged.insert(partial),
        };
        Ok(merged.stopped() || k + 1 == self.chunks.jobs.len())
    }

    /// Ends the run: the workers take nothing more.
    fn end(&self) {
        self.state.lock().expect("chunk state").over = true;
        self.changed.notify_all();
    }
}

/// Ends the run if a worker panics, so that the others stop waiting (the
/// panic then reaches the caller).
struct EndOnPanic<'a, 'b>(&'a Pipeline<'b>);

impl Drop for EndOnPanic<'_, '_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.end();
        }
    }
}

/// Every chunk of `chunks` normalized into `out` in file order (after
/// earlier inputs' rows when `append`, else after the header) by `threads`
/// workers (the calling thread alone for one): the merged result, as
/// [`adagg::run_ranges`] gives it.
fn normalize_chunks(chunks: &Chunks, threads: usize, out: &Path, append: bool) -> Result<Partial, adagg::Error> {
    let wr = |e: std::io::Error| adagg::Error::Read(format!("writing {}: {e}", out.display()));
    let (file, old) = match append {
        true => (std::fs::OpenOptions::new().append(true).open(out).map_err(wr)?, None),
        false => {
            let (mut w, old) = replace(out).map_err(wr)?;
            w.write_all(format!("{NORMALIZED_HEADER}\n").as_bytes()).map_err(wr)?;
            (w, old)
        }
    };
    let workers = threads.clamp(1, chunks.jobs.len());
    let pipeline = Pipeline {
        chunks,
        state: Mutex::new(State { next: 0, head: 0, done: BTreeMap::new(), over: false, pool: Vec::new() }),
        changed: Condvar::new(),
        writer: Mutex::new(Writer { out: file, path: out.to_path_buf(), merged: None, result: None }),
        limit: in_flight(workers),
    };
    match workers {
        1 => {
            drop(old);
            pipeline.work();
        }
        _ => std::thread::scope(|s| {
            // The old file's pages freed meanwhile.
            s.spawn(move || drop(old));
            for _ in 0..workers {
                s.spawn(|| pipeline.work());
            }
        }),
    }
    let merged = pipeline.writer.into_inner().expect("writer").result.expect("every chunk written");
    let unlocated = match &merged {
        Err(e) => e.needs_line(),
        Ok(m) => m.halt.as_ref().is_some_and(adagg::Error::needs_line),
    };
    if !unlocated {
        return merged;
    }
    // As run_ranges does: the problem's line, from the start of the data.
    let first = chunks.jobs[0].0;
    let (located, _) = chunks.run(first, u64::MAX, Pass::Locate, Vec::new(), &mut Reader::default())?;
    match located.halt {
        Some(_) => Ok(located),
        None => merged, // not found again: report it as it was found
    }
}

/// A new empty file at `path`, and the file it replaces (open, unlinked:
/// its pages are freed when it is dropped, which the caller can do on
/// another thread). A regular file with no other link is replaced rather
/// than truncated: ext4 (`auto_da_alloc`) flushes a file truncated to
/// zero when it is closed, which made closing `normalized.csv` take 0.4 s
/// of the run's time when it existed before (as when the bench runs it
/// again). Anything else (a link, a file that cannot be read) is
/// truncated as [`File::create`] does.
fn replace(path: &Path) -> std::io::Result<(File, Option<File>)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let replaceable = std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file() && m.nlink() == 1 && m.len() > 0);
        if let Some(old) = replaceable.then(|| File::open(path).ok()).flatten() {
            std::fs::remove_file(path)?;
            return Ok((File::create(path)?, Some(old)));
        }
    }
    Ok((File::create(path)?, None))
}

/// UTF-16 files: one stream, written straight to `out`.
/// `append`: after earlier inputs' rows, without the header.
fn normalize_sequential(source: &Source, options: &Options, spills: &Spills, out: &Path, platform: &str, append: bool) -> Result<(Plan, Partial), adagg::Error> {
    let wr = |e: std::io::Error| adagg::Error::Read(format!("writing {}: {e}", out.display()));
    let target = match append {
        true => std::fs::OpenOptions::new().append(true).open(out),
        false => File::create(out),
    };
    let mut w = BufWriter::with_capacity(1 << 20, target.map_err(wr)?);
    // The job writes the header first: dropped when appending.
    let mut header = if append { NORMALIZED_HEADER.len() + 1 } else { 0 };
    let mut job = Job::normalizing(options.clone(), Some(platform.to_string()));
    let spill = feed_job(source, &mut job, spills, |job| {
        if let Some(lines) = job.normalized() {
            let cut = header.min(lines.len());
            header -= cut;
            w.write_all(&lines[cut..]).map_err(wr)?;
            lines.clear();
        }
        Ok(())
    })?;
    let (plan, mut partial, rest) = job.finish_normalized()?;
    w.write_all(&rest[header.min(rest.len())..]).map_err(wr)?;
    w.flush().map_err(wr)?;
    spills.finish(spill, &mut partial).map_err(spill_err)?;
    Ok((plan, partial))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spill::TempDir;

    /// What a run of `input` gives: the merged result (or its error), the
    /// lines written after the header (only when the run succeeded: on an
    /// error the file is removed) and the rows of `rejected_rows.csv`.
    type Outcome = (Result<Partial, String>, Vec<u8>, Vec<u8>);

    /// `input` normalized in chunks of `chunk` bytes by `threads` workers.
    fn run(input: &[u8], options: &Options, chunk: u64, threads: usize) -> Outcome {
        let dir = TempDir::new().unwrap();
        let path = dir.0.join("in.csv");
        std::fs::write(&path, input).unwrap();
        let plan = read_plan(&Source::file(&path), options).unwrap();
        let spills = Spills::new(plan.encoding).unwrap();
        let len = input.len() as u64;
        let points = split_points(&plan, len, (len - plan.data_start).div_ceil(chunk).max(1) as usize);
        let chunks = Chunks { path: &path, plan: &plan, jobs: first_pass(&points), spills: &spills, platform: "generic" };
        let out = dir.0.join("normalized.csv");
        let merged = normalize_chunks(&chunks, threads, &out, false).map_err(|e| e.to_string());
        let (mut lines, mut rejected) = (Vec::new(), Vec::new());
        if let Ok(m) = &merged {
            if m.stop_error().is_none() {
                lines = std::fs::read(&out).unwrap();
                spills.write_rows(&mut rejected, m.start, m.end, plan.data_start_line, b"").unwrap();
            }
        }
        (merged, lines, rejected)
    }

    /// A file with quoted line breaks (one record far longer than a chunk),
    /// blank lines, bad rows and, at `bad_id`, an id that is not UTF-8.
    fn input(rows: usize, bad_id: Option<usize>, unterminated: bool) -> Vec<u8> {
        let mut text = b"campaign_id,date,impressions,clicks,spend,conversions\n".to_vec();
        for i in 0..rows {
            let row = match i {
                _ if Some(i) == bad_id => format!("c\u{1}{i},2024-01-02,1,1,1,1\n").replace('\u{1}', "\u{7f}"),
                _ if i % 50 == 7 => format!("\"q\n{i}\nx\",2024-01-02,10,1,1.5,0\n"),
                _ if i % 97 == 3 => format!("c{i},2024-01-02,abc,1,1,1\n"),
                _ if i % 333 == 5 => format!("\"{}\",2024-01-03,1,1,1,1\n", "long\n".repeat(400)),
                _ if i % 41 == 9 => "\n".to_string(),
                _ => format!("c{},2024-01-{:02},{i},{},{i}.25,1\n", i % 37, i % 28 + 1, i % 10),
            };
            let mut row = row.into_bytes();
            if Some(i) == bad_id {
                row[1] = 0xFF;
            }
            text.extend_from_slice(&row);
        }
        if unterminated {
            text.extend_from_slice(b"\"open,2024-01-02,1,1,1,1\nc1,2024-01-02,1,1,1,1\n");
        }
        text
    }

    #[test]
    fn chunks_give_the_one_range_output() {
        let utf8 = Options { encoding: Some(adagg::Encoding::Utf8), ..Options::default() };
        let strict = Options { strict: true, ..utf8.clone() };
        let cases = [
            (input(2000, None, false), &utf8),
            (input(2000, None, false), &strict),
            (input(2000, Some(1500), false), &utf8),
            (input(1200, None, true), &utf8),
        ];
        for (i, (bytes, options)) in cases.into_iter().enumerate() {
            let whole = run(&bytes, options, u64::MAX, 1);
            let stop = whole.0.as_ref().map(|m| (m.rows_aggregated, m.stop_error().map(|e| e.to_string())));
            match i {
                0 | 3 => assert!(matches!(stop, Ok((1000.., None))) && !whole.2.is_empty(), "case {i}: {stop:?}"),
                _ => assert!(matches!(stop, Ok((_, Some(_)))), "case {i}: {stop:?}"),
            }
            for chunk in [97, 256, 1000, 4096] {
                for threads in [1, 2, 3] {
                    assert!(run(&bytes, options, chunk, threads) == whole, "case {i}, chunk {chunk}, {threads} threads");
                }
            }
        }
    }
}
