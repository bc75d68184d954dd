//! `rejected_rows.csv` for files of any size: every range writes its
//! rejected rows to a temporary file as they come (lines relative to the
//! range), and once the ranges are merged they are copied out in file order
//! with their absolute line numbers. Memory stays bounded by one slice of
//! input, whatever the number of bad rows.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use adagg::{rejected_row, Encoding, Rejected, REJECTED_HEADER};

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
    path: PathBuf,
}

/// The spill files of one run, one per range run.
pub struct Spills {
    dir: TempDir,
    seq: AtomicUsize,
    done: Mutex<Vec<Done>>,
}

/// The rejected rows of one range, written as they come.
pub struct Spill {
    path: PathBuf,
    out: BufWriter<File>,
}

impl Spills {
    /// Spill files in a new temporary directory.
    pub fn new() -> std::io::Result<Spills> {
        Ok(Spills { dir: TempDir::new()?, seq: AtomicUsize::new(0), done: Mutex::new(Vec::new()) })
    }

    /// A spill file for a range being run.
    pub fn open(&self) -> std::io::Result<Spill> {
        let path = self.dir.0.join(format!("{}.bin", self.seq.fetch_add(1, Ordering::Relaxed)));
        Ok(Spill { out: BufWriter::new(File::create(&path)?), path })
    }

    /// Records a finished range: its bounds and line count (from its
    /// result) and its spill file.
    pub fn finish(&self, mut spill: Spill, start: u64, end: u64, newlines: u64) -> std::io::Result<()> {
        spill.out.flush()?;
        self.done.lock().expect("spill list").push(Done { start, end, newlines, path: spill.path });
        Ok(())
    }

    /// Writes `rejected_rows.csv` to `out`: the ranges from `start` to `end`
    /// in file order (re-run ranges replace the first try), `first_line`
    /// being the file line of the first range's line 1.
    pub fn write_csv(&self, out: &Path, encoding: Encoding, start: u64, end: u64, first_line: u64) -> std::io::Result<u64> {
        let done = self.done.lock().expect("spill list");
        let mut w = BufWriter::new(File::create(out)?);
        w.write_all(REJECTED_HEADER.as_bytes())?;
        let (mut at, mut shift, mut rows) = (start, first_line - 1, 0);
        loop {
            // The range that starts here (the last run of it, if it ran twice).
            let Some(range) = done.iter().rev().find(|d| d.start == at) else { break };
            let mut r = BufReader::new(File::open(&range.path)?);
            while let Some(row) = read_row(&mut r)? {
                w.write_all(rejected_row(encoding, row.line + shift, &row.reason, &row.raw).as_bytes())?;
                rows += 1;
            }
            shift += range.newlines;
            if range.end <= at || range.end >= end {
                break;
            }
            at = range.end;
        }
        w.flush()?;
        Ok(rows)
    }
}

impl Spill {
    /// Appends rejected rows (lines relative to the range).
    pub fn write(&mut self, rows: Vec<Rejected>) -> std::io::Result<()> {
        for r in rows {
            self.out.write_all(&r.line.to_le_bytes())?;
            for bytes in [r.reason.as_bytes(), &r.raw[..]] {
                self.out.write_all(&(bytes.len() as u64).to_le_bytes())?;
                self.out.write_all(bytes)?;
            }
        }
        Ok(())
    }
}

fn read_row(r: &mut impl Read) -> std::io::Result<Option<Rejected>> {
    let mut word = [0u8; 8];
    match r.read_exact(&mut word) {
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
        other => other?,
    }
    let line = u64::from_le_bytes(word);
    let mut bytes = || -> std::io::Result<Vec<u8>> {
        r.read_exact(&mut word)?;
        let mut b = vec![0u8; u64::from_le_bytes(word) as usize];
        r.read_exact(&mut b)?;
        Ok(b)
    };
    let reason = String::from_utf8_lossy(&bytes()?).into_owned();
    let raw = bytes()?;
    Ok(Some(Rejected { line, reason, raw }))
}
