//! The native command line: `adagg --input ad_data.csv --output results/`.
//!
//! A thin shell over the sans-IO core: reads the file in large blocks, one
//! byte range per thread, and writes `top10_ctr.csv`, `top10_cpa.csv` and
//! `rejected_rows.csv` (every skipped row, spilled to disk as found: see
//! [`spill`]).

#[cfg(not(target_arch = "wasm32"))]
mod spill;

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use crate::spill::{Spill, Spills};
    use std::fs::File;
    use std::io::{Read, Seek, SeekFrom};
    use std::path::{Path, PathBuf};
    use std::time::Instant;

    use adagg::{
        run_ranges, sniff_with, split_points, Aggregator, Encoding, Field, Job, Options, Partial, Pass,
        Plan, Report, Start, HEADER_LIMIT,
    };

    const USAGE: &str = "\
usage: adagg --input FILE --output DIR [options]

Aggregates an ad-performance CSV (campaign_id,date,impressions,clicks,spend,
conversions, or a Google Ads / Meta / LinkedIn / TikTok / Microsoft
Advertising export) and writes DIR/top10_ctr.csv, DIR/top10_cpa.csv and DIR/rejected_rows.csv
(every skipped data row: line, reason, the raw line cut to 1 KiB).

  -i, --input FILE        the CSV file to read
  -o, --output DIR        where to write the results (created if missing)
  -t, --threads N         worker threads (default: all cores)
      --top N             rows per ranking (default: 10)
      --map FIELD=COLUMN  use COLUMN (a header name) for FIELD, one of
                          campaign_id, impressions, clicks, spend,
                          conversions; repeatable; overrides the aliases
      --delimiter D       , ; tab or | (default: detected)
      --encoding E        utf-8, utf-16le, utf-16be, windows-1252
                          (default: detected)
      --strict            stop at the first malformed row and fail
                          (default: skip and count malformed rows)
      --today YYYY-MM-DD  dates after this get a data-quality warning
                          (default: tomorrow in UTC, so that no time
                          zone sees its own today as the future)
  -h, --help              this text";

    /// Bytes read per `read` call.
    const BLOCK: usize = 4 << 20;
    /// Bytes fed at once: rejected rows are taken after each slice, so this
    /// bounds the memory they use (a 256 KiB slice holds at most 128 Ki rows).
    const SLICE: usize = 256 << 10;

    fn spill_err(e: std::io::Error) -> adagg::Error {
        adagg::Error::Read(format!("writing rejected rows to a temporary file: {e}"))
    }

    /// Feeds `block` in slices, spilling rejected rows after each one.
    fn feed_spilling(agg: &mut Aggregator, block: &[u8], spill: &mut Spill) -> Result<(), adagg::Error> {
        for slice in block.chunks(SLICE) {
            agg.feed(slice);
            spill.write(agg.take_rejected()).map_err(spill_err)?;
            if agg.is_done() {
                break;
            }
        }
        Ok(())
    }

    struct Args {
        input: PathBuf,
        output: PathBuf,
        threads: usize,
        top: usize,
        options: Options,
    }

    fn parse_map(value: &str) -> Result<(Field, String), String> {
        let (field, column) = value
            .split_once('=')
            .ok_or_else(|| format!("--map takes FIELD=COLUMN, not {value:?}"))?;
        let field = Field::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(field.trim()))
            .ok_or_else(|| format!("--map: unknown field {field:?} (one of campaign_id, impressions, clicks, spend, conversions)"))?;
        Ok((field, column.trim().to_string()))
    }

    fn parse_delimiter(value: &str) -> Result<u8, String> {
        match value {
            "," | "comma" => Ok(b','),
            ";" | "semicolon" => Ok(b';'),
            "\t" | "tab" | "\\t" => Ok(b'\t'),
            "|" | "pipe" => Ok(b'|'),
            _ => Err(format!("--delimiter: expected , ; tab or |, not {value:?}")),
        }
    }

    /// Why the command line was not taken; `usage` when the usage text
    /// helps (an unknown option or argument, a required one missing).
    struct ArgError {
        message: String,
        usage: bool,
    }

    impl ArgError {
        fn usage(message: impl ToString) -> ArgError {
            ArgError { message: message.to_string(), usage: true }
        }

        /// A bad value of a known option.
        fn value(message: impl ToString) -> ArgError {
            ArgError { message: message.to_string(), usage: false }
        }

        fn from_lexopt(e: lexopt::Error) -> ArgError {
            let usage = matches!(
                e,
                lexopt::Error::UnexpectedOption(_) | lexopt::Error::UnexpectedArgument(_) | lexopt::Error::UnexpectedValue { .. }
            );
            ArgError { message: e.to_string(), usage }
        }
    }

    fn parse_args() -> Result<Args, ArgError> {
        use lexopt::prelude::*;
        let mut parser = lexopt::Parser::from_env();
        let (mut input, mut output, mut threads, mut top) = (None, None, None, 10);
        let mut options = Options::default();
        while let Some(arg) = parser.next().map_err(ArgError::from_lexopt)? {
            match arg {
                Short('i') | Long("input") => {
                    input = Some(PathBuf::from(parser.value().map_err(ArgError::value)?))
                }
                Short('o') | Long("output") => {
                    output = Some(PathBuf::from(parser.value().map_err(ArgError::value)?))
                }
                Short('t') | Long("threads") => {
                    threads = Some(
                        parser
                            .value()
                            .map_err(ArgError::value)?
                            .parse::<usize>()
                            .map_err(ArgError::value)?,
                    )
                }
                Long("top") => {
                    top = parser
                        .value()
                        .map_err(ArgError::value)?
                        .parse::<usize>()
                        .map_err(ArgError::value)?
                }
                Long("strict") => options.strict = true,
                Long("today") => {
                    let value = parser
                        .value()
                        .map_err(ArgError::value)?
                        .to_string_lossy()
                        .into_owned();
                    options.today = Some(
                        adagg::date::parse_date(value.as_bytes())
                            .ok_or_else(|| ArgError::value(format!("--today: not a date: {value:?}")))?,
                    );
                }
                Long("map") => options.map.push(
                    parse_map(&parser.value().map_err(ArgError::value)?.to_string_lossy()).map_err(ArgError::value)?,
                ),
                Long("delimiter") => {
                    options.delimiter = Some(
                        parse_delimiter(&parser.value().map_err(ArgError::value)?.to_string_lossy()).map_err(ArgError::value)?,
                    )
                }
                Long("encoding") => {
                    let label = parser
                        .value()
                        .map_err(ArgError::value)?
                        .to_string_lossy()
                        .into_owned();
                    options.encoding = Some(
                        Encoding::from_label(&label)
                            .ok_or_else(|| ArgError::value(format!("--encoding: unknown encoding {label:?}")))?,
                    );
                }
                Short('h') | Long("help") => {
                    println!("{USAGE}");
                    std::process::exit(0);
                }
                other => return Err(ArgError::usage(other.unexpected().to_string())),
            }
        }
        if options.today.is_none() {
            let secs = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            options.today = Some((secs / 86_400) as i32 + 1);
        }
        let threads = threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
            .max(1);
        Ok(Args {
            input: input.ok_or_else(|| ArgError::usage("missing --input FILE"))?,
            output: output.ok_or_else(|| ArgError::usage("missing --output DIR"))?,
            threads,
            top,
            options,
        })
    }

    fn open(path: &Path) -> Result<File, String> {
        File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))
    }

    /// Reads the header from the start of the file.
    fn read_plan(path: &Path, options: &Options) -> Result<Plan, String> {
        let mut file = open(path)?;
        let mut prefix = Vec::new();
        let mut block = vec![0u8; 64 << 10];
        loop {
            let n = file
                .read(&mut block)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            prefix.extend_from_slice(&block[..n]);
            let mut at_eof = n == 0;
            if !at_eof && prefix.len() >= HEADER_LIMIT {
                // The header is looked for in the first HEADER_LIMIT bytes
                // only; whether more follow tells a file of blank lines
                // (empty) from one with no header in time.
                let more = file.read(&mut [0u8; 1]).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                at_eof = more == 0;
            }
            match sniff_with(&prefix, at_eof, options) {
                Ok(Some(plan)) => return Ok(plan),
                Ok(None) => {}
                Err(err @ adagg::Error::BlankLines { .. }) if adagg::only_blank_lines(&prefix) => {
                    // Empty if the blank lines run to the end of the file.
                    loop {
                        let n = file.read(&mut block).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                        if n == 0 {
                            return Err(adagg::Error::Empty.to_string());
                        }
                        if !adagg::still_blank(&prefix, &block[..n]) {
                            return Err(err.to_string());
                        }
                    }
                }
                Err(err) => return Err(err.to_string()),
            }
            if at_eof || prefix.len() >= HEADER_LIMIT {
                return Err(adagg::Error::HeaderTooLong { limit: HEADER_LIMIT }.to_string());
            }
        }
    }

    /// Aggregates one range, reading from `start` until the range is done.
    fn run_range(
        path: &Path,
        plan: &Plan,
        start: Start,
        stop_after: u64,
        pass: Pass,
        spills: &Spills,
    ) -> Result<Partial, adagg::Error> {
        let io = |e: std::io::Error| adagg::Error::Read(format!("{}: {e}", path.display()));
        let mut file = File::open(path).map_err(io)?;
        let from = match start {
            Start::Exact(at) | Start::AfterNewline(at) => at,
        };
        file.seek(SeekFrom::Start(from)).map_err(io)?;
        let mut agg = Aggregator::for_range(plan, start, stop_after);
        if pass == Pass::Locate {
            agg.locating();
        }
        agg.keep_all_rejected();
        let mut spill = spills.open().map_err(spill_err)?;
        let mut block = vec![0u8; BLOCK];
        while !agg.is_done() {
            let n = file.read(&mut block).map_err(io)?;
            if n == 0 {
                break;
            }
            feed_spilling(&mut agg, &block[..n], &mut spill)?;
        }
        // The campaign table stays as it is: ranges merge table to table,
        // and the report ranks from it.
        let mut partial = agg.finish()?;
        spills.finish(spill, &mut partial).map_err(spill_err)?;
        Ok(partial)
    }

    /// One byte range per thread, merged in file order.
    fn run_parallel(
        path: &Path,
        plan: &Plan,
        len: u64,
        threads: usize,
        spills: &Spills,
    ) -> Result<Partial, adagg::Error> {
        let points = split_points(plan, len, threads);
        let run_one = |start, stop, pass| run_range(path, plan, start, stop, pass, spills);
        run_ranges(
            &points,
            |jobs| {
                std::thread::scope(|s| {
                    let handles: Vec<_> = jobs
                        .into_iter()
                        .map(|(start, stop)| s.spawn(move || run_one(start, stop, Pass::Fast)))
                        .collect();
                    handles
                        .into_iter()
                        .map(|h| h.join().expect("worker thread"))
                        .collect()
                })
            },
            run_one,
        )
    }

    /// Files that must be transcoded (UTF-16) are read as one stream.
    fn run_sequential(path: &Path, options: &Options, spills: &Spills) -> Result<(Plan, Partial), adagg::Error> {
        let io = |e: std::io::Error| adagg::Error::Read(format!("{}: {e}", path.display()));
        let mut file = File::open(path).map_err(io)?;
        let mut job = Job::with_options(options.clone());
        job.keep_all_rejected();
        let mut spill = spills.open().map_err(spill_err)?;
        let mut block = vec![0u8; BLOCK];
        loop {
            let n = file.read(&mut block).map_err(io)?;
            if n == 0 {
                break;
            }
            // UTF-16 decodes to at most 1.5 times as many bytes.
            for slice in block[..n].chunks(SLICE / 2) {
                job.feed(slice)?;
                spill.write(job.take_rejected()).map_err(spill_err)?;
            }
        }
        let (plan, mut partial) = job.finish()?;
        spills.finish(spill, &mut partial).map_err(spill_err)?;
        Ok((plan, partial))
    }

    fn peak_rss_mib() -> Option<f64> {
        let status = std::fs::read_to_string("/proc/self/status").ok()?;
        let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
        let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kib / 1024.0)
    }

    fn run(args: &Args) -> Result<(), String> {
        let started = Instant::now();
        let len = open(&args.input)?
            .metadata()
            .map_err(|e| e.to_string())?
            .len();
        let plan = read_plan(&args.input, &args.options)?;
        let spills = Spills::new(plan.encoding).map_err(|e| format!("cannot create a temporary directory: {e}"))?;
        let (plan, report, (data_start, data_end), threads) = if plan.sequential() {
            let (plan, partial) =
                run_sequential(&args.input, &args.options, &spills).map_err(|e| e.to_string())?;
            let bounds = (partial.start, partial.end);
            let report = Report::new(&plan, partial, args.top);
            (plan, report, bounds, 1)
        } else {
            let threads = args
                .threads
                .min(((len - plan.data_start.min(len)) >> 20) as usize + 1);
            let partial =
                run_parallel(&args.input, &plan, len, threads, &spills).map_err(|e| e.to_string())?;
            let bounds = (partial.start, partial.end);
            let report = Report::new(&plan, partial, args.top);
            (plan, report, bounds, threads)
        };
        if let Some(err) = &report.stop_error {
            return Err(err.to_string());
        }
        std::fs::create_dir_all(&args.output)
            .map_err(|e| format!("cannot create {}: {e}", args.output.display()))?;
        // One file per ranking (`top10_ctr.csv`, `top10_cpa.csv`).
        let mut written = Vec::new();
        for ranking in &report.rankings {
            let path = args.output.join(format!("top10_{}.csv", ranking.metric.key));
            std::fs::write(&path, adagg::ranking_csv(&ranking.rows))
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            written.push(path.display().to_string());
        }
        let rejected = args.output.join("rejected_rows.csv");
        spills
            .write_csv(&rejected, data_start, data_end, plan.data_start_line)
            .map_err(|e| format!("cannot write {}: {e}", rejected.display()))?;
        let secs = started.elapsed().as_secs_f64();
        // The results are written: a closed stdout (`adagg … | head`) is
        // not an error, so the summary is written without panicking on it.
        let mut text = report.summary.to_string();
        text += &format!(
            "bytes:           {} ({:.1} MB)\nelapsed:         {:.3} s ({:.0} MB/s, {} thread{})\n",
            len,
            len as f64 / 1e6,
            secs,
            len as f64 / 1e6 / secs.max(1e-9),
            threads,
            if threads == 1 { "" } else { "s" }
        );
        if let Some(mib) = peak_rss_mib() {
            text += &format!("peak memory:     {mib:.1} MiB\n");
        }
        text += &format!("wrote {} and {}\n", written.join(", "), rejected.display());
        let _ = std::io::Write::write_all(&mut std::io::stdout(), text.as_bytes());
        Ok(())
    }

    pub fn main() {
        let args = match parse_args() {
            Ok(args) => args,
            Err(e) => {
                eprintln!("adagg: error: {}", e.message);
                if e.usage {
                    eprintln!("\n{USAGE}");
                }
                std::process::exit(1);
            }
        };
        if let Err(msg) = run(&args) {
            eprintln!("adagg: error: {msg}");
            std::process::exit(1);
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    cli::main();
}

#[cfg(target_arch = "wasm32")]
fn main() {}
