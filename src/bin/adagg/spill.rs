//! `rejected_rows.csv` for files of any size: every range writes its
//! rejected rows to a temporary file as they come, as the core's records
//! ([`adagg::rejected_records`]: lines relative to the range, the rest of
//! each CSV line already made), and once the ranges are merged they are
//! copied out in file order with their absolute line numbers. Memory stays
//! bounded by one slice of input, whatever the number of bad rows. (The page
//! does the same with Blobs: `www/core/rejected.js`.)

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use adagg::{rejected_records, Encoding, Partial, Rejected};

/// A temporary directory, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// A new empty directory under the system's temporary directory.
    pub fn new() -> std::io::Result<TempDir> {
        static SEQ: AtomicUsize = AtomicUsize::new(0);
        let n = SEQ.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("adagg-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        Ok(TempDir(dir))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What a finished range left for `rejected_rows.csv`.
struct Done {
    start: u64,
    end: u64,
    newlines: u64,
    /// Its spill file (none when it rejected no row).
    path: Option<PathBuf>,
}

/// The spill files of one run, one per range run.
pub struct Spills {
    encoding: Encoding,
    dir: TempDir,
    seq: AtomicUsize,
    done: Mutex<Vec<Done>>,
}

/// The rejected rows of one range, written as they come (its file is
/// created with the first row: `adagg normalize` runs many small ranges,
/// most of which reject nothing).
pub struct Spill {
    path: PathBuf,
    out: Option<BufWriter<File>>,
    encoding: Encoding,
}

impl Spills {
    /// Spill files in a new temporary directory, for a file in `encoding`.
    pub fn new(encoding: Encoding) -> std::io::Result<Spills> {
        Ok(Spills { encoding, dir: TempDir::new()?, seq: AtomicUsize::new(0), done: Mutex::new(Vec::new()) })
    }

    /// A spill file for a range being run.
    pub fn open(&self) -> std::io::Result<Spill> {
        let path = self.dir.0.join(format!("{}.bin", self.seq.fetch_add(1, Ordering::Relaxed)));
        Ok(Spill { out: None, path, encoding: self.encoding })
    }

    /// Records a finished range: the rejected rows still in its result go
    /// to its spill file (and out of `partial`), then its bounds and line
    /// count are kept for [`write_rows`](Self::write_rows).
    pub fn finish(&self, mut spill: Spill, partial: &mut Partial) -> std::io::Result<()> {
        spill.write(std::mem::take(&mut partial.rejected))?;
        let path = match spill.out {
            Some(mut out) => {
                out.flush()?;
                Some(spill.path)
            }
            None => None,
        };
        let (start, end, newlines) = (partial.start, partial.end, partial.newlines);
        self.done.lock().expect("spill list").push(Done { start, end, newlines, path });
        Ok(())
    }

    /// The ranges from `start` to `end` in file order (re-run ranges
    /// replace the first try), as [`write_rows`](Self::write_rows) walks them.
    fn walk(&self, start: u64, end: u64) -> Vec<(Option<PathBuf>, u64)> {
        let done = self.done.lock().expect("spill list");
        let (mut at, mut out) = (start, Vec::new());
        // The last run of the range that starts here; an empty run (a range
        // run again from where the one before it ended, finding nothing
        // left) never hides the run that read the bytes from there.
        while let Some(range) = done.iter().rev().find(|d| d.start == at && d.end > at) {
            out.push((range.path.clone(), range.newlines));
            if range.end <= at || range.end >= end {
                break;
            }
            at = range.end;
        }
        out
    }

    /// Writes the rows of `rejected_rows.csv` (not its header) to `w`: the
    /// ranges from `start` to `end` in file order (re-run ranges replace
    /// the first try), `first_line` being the file line of the first
    /// range's line 1, each row after `prefix` (a `file,` cell for several
    /// inputs).
    pub fn write_rows(&self, w: &mut impl Write, start: u64, end: u64, first_line: u64, prefix: &[u8]) -> std::io::Result<u64> {
        let (mut shift, mut rows) = (first_line - 1, 0);
        // The range that starts here (the last run of it, if it ran twice).
        for (path, newlines) in self.walk(start, end) {
            if let Some(path) = path {
                let mut r = BufReader::new(File::open(&path)?);
                while let Some((line, tail)) = read_record(&mut r)? {
                    w.write_all(prefix)?;
                    write!(w, "{}", line + shift)?;
                    w.write_all(&tail)?;
                    rows += 1;
                }
            }
            shift += newlines;
        }
        Ok(rows)
    }
}

impl Spill {
    /// Appends rejected rows (lines relative to the range).
    pub fn write(&mut self, rows: Vec<Rejected>) -> std::io::Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let out = match &mut self.out {
            Some(out) => out,
            None => self.out.insert(BufWriter::new(File::create(&self.path)?)),
        };
        out.write_all(&rejected_records(self.encoding, &rows))
    }
}

/// One record of [`adagg::rejected_records`]: its line and the rest of
/// its CSV line.
fn read_record(r: &mut impl Read) -> std::io::Result<Option<(u64, Vec<u8>)>> {
    let mut head = [0u8; 12];
    match r.read_exact(&mut head) {
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
        other => other?,
    }
    let word = |i: usize| u32::from_le_bytes(head[i..i + 4].try_into().expect("4 bytes"));
    let line = u64::from(word(0)) | u64::from(word(4)) << 32;
    let mut tail = vec![0u8; word(8) as usize];
    r.read_exact(&mut tail)?;
    Ok(Some((line, tail)))
}
