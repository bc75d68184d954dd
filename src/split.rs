//! Splitting the data part of a file into byte ranges for parallel
//! aggregation, and stitching the range results back together exactly.
//!
//! Range `j` covers nominal offsets `[points[j], points[j+1])`. Every range
//! but the first starts after the first `\n` at or after its nominal start
//! ([`Start::AfterNewline`]); every range stops at the first line boundary
//! after its nominal end. So adjacent ranges meet at the same line start,
//! unless a quoted field carries a line break across a split point: then the
//! range before reads on to its true record end, the starts differ, and the
//! next range is run again from that exact offset ([`Start::Exact`]).

use crate::aggregator::{Aggregator, Finished, Start};
use crate::error::Error;
use crate::partial::Partial;
use crate::plan::Plan;

/// Nominal split offsets: `n + 1` points from `plan.data_start` to `len`.
pub fn split_points(plan: &Plan, len: u64, n: usize) -> Vec<u64> {
    let n = n.max(1) as u64;
    let start = plan.data_start.min(len);
    let span = len - start;
    (0..=n).map(|j| start + span * j / n).collect()
}

/// How a range is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    /// The fast path where it can, csv-core for the rest.
    Fast,
    /// Every line through csv-core ([`Aggregator::locating`]), from the
    /// start of the data to the first problem: run once when the fast pass
    /// found a problem without its line ([`Error::needs_line`]).
    Locate,
}

/// Runs every range with `run(start, stop_after, Pass::Fast)` (in any order
/// or in parallel, as `run_all` decides), then merges them in file order,
/// re-running a range from the exact end of the previous one when they do
/// not meet. `run_all` receives all first-pass jobs at once.
///
/// A range's result, errors included, counts only once the range is known
/// to start where the one before it ended: a range that started inside a
/// quoted field may have read its text as rows (and found a false
/// overflow) and is run again. A problem found without its line (a total
/// that overflows only when two ranges merge) is located by one more run
/// over the data with [`Pass::Locate`], which stops at the first problem.
pub fn run_ranges<T, R, A>(points: &[u64], run_all: A, run: R) -> Result<T, Error>
where
    T: RangeResult,
    A: FnOnce(Vec<(Start, u64)>) -> Vec<Result<T, Error>>,
    R: Fn(Start, u64, Pass) -> Result<T, Error>,
{
    let n = points.len() - 1;
    let jobs: Vec<(Start, u64)> = (0..n)
        .map(|j| {
            let start = if j == 0 { Start::Exact(points[0]) } else { Start::AfterNewline(points[j]) };
            (start, stop_after(points, j))
        })
        .collect();
    let mut results = run_all(jobs).into_iter();
    let merged = (|| -> Result<T, Error> {
        let mut merged = results.next().expect("at least one range")?;
        for j in 1..n {
            if merged.stopped() {
                break; // nothing after the first malformed row (strict mode) or error counts
            }
            let mut next = results.next().expect("one result per range")?;
            if next.start() != merged.end() {
                next = run(Start::Exact(merged.end()), stop_after(points, j), Pass::Fast)?;
            }
            merged.append(next)?;
        }
        Ok(merged)
    })();
    let unlocated = match &merged {
        Err(e) => e.needs_line(),
        Ok(m) => m.halt().is_some_and(Error::needs_line),
    };
    if !unlocated {
        return merged;
    }
    let located = run(Start::Exact(points[0]), u64::MAX, Pass::Locate)?;
    match located.halt() {
        Some(_) => Ok(located),
        None => merged, // not found again: report it as it was found
    }
}

/// What a range gives: a [`Partial`], or a [`Finished`] that keeps its
/// campaign table (merged table to table).
pub trait RangeResult: Sized {
    /// First byte of the range.
    fn start(&self) -> u64;
    /// One past its last byte.
    fn end(&self) -> u64;
    /// Nothing after it counts: strict mode stopped it, or an error.
    fn stopped(&self) -> bool;
    /// The error that stopped it ([`Partial::halt`]).
    fn halt(&self) -> Option<&Error>;
    /// Appends the result of the range that follows.
    fn append(&mut self, next: Self) -> Result<(), Error>;
}

impl RangeResult for Partial {
    fn start(&self) -> u64 {
        self.start
    }
    fn end(&self) -> u64 {
        self.end
    }
    fn stopped(&self) -> bool {
        Partial::stopped(self)
    }
    fn halt(&self) -> Option<&Error> {
        self.halt.as_ref()
    }
    fn append(&mut self, next: Self) -> Result<(), Error> {
        Partial::append(self, next)
    }
}

impl RangeResult for Finished {
    fn start(&self) -> u64 {
        self.partial.start
    }
    fn end(&self) -> u64 {
        self.partial.end
    }
    fn stopped(&self) -> bool {
        self.partial.stopped()
    }
    fn halt(&self) -> Option<&Error> {
        self.partial.halt.as_ref()
    }
    fn append(&mut self, next: Self) -> Result<(), Error> {
        Finished::append(self, next)
    }
}

/// The last range never stops early; the others stop after their nominal end.
fn stop_after(points: &[u64], j: usize) -> u64 {
    if j + 2 == points.len() {
        u64::MAX
    } else {
        points[j + 1]
    }
}

/// Aggregates one range of `bytes` (the whole file in memory): a reference
/// driver used by tests and as an example for shells that hold a buffer.
pub fn run_range_in_memory(plan: &Plan, bytes: &[u8], start: Start, stop_after: u64, chunk: usize, pass: Pass) -> Result<Partial, Error> {
    let mut agg = Aggregator::for_range(plan, start, stop_after);
    if pass == Pass::Locate {
        agg.locating();
    }
    let from = match start {
        Start::Exact(at) | Start::AfterNewline(at) => at as usize,
    };
    for piece in bytes[from.min(bytes.len())..].chunks(chunk.max(1)) {
        agg.feed(piece);
        if agg.is_done() {
            break;
        }
    }
    agg.finish()
}
