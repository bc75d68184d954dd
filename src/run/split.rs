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

use crate::agg::partial::Partial;
use crate::error::Error;
use crate::read::plan::Plan;
use crate::read::range::{Aggregator, Start};

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

/// The first pass: range `j` from `points[j]` (exactly for the first,
/// after the next line break for the others) to the first line boundary
/// after `points[j + 1]` (the last to the end).
pub fn first_pass(points: &[u64]) -> Vec<(Start, u64)> {
    (0..points.len() - 1)
        .map(|j| {
            let start = if j == 0 { Start::Exact(points[0]) } else { Start::AfterNewline(points[j]) };
            (start, stop_after(points, j))
        })
        .collect()
}

/// Where a range's result lies, as [`align`] needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// First byte read.
    pub start: u64,
    /// One past the last byte read.
    pub end: u64,
    /// Nothing after it counts ([`Partial::stopped`]).
    pub stopped: bool,
}

/// What to do next to line up the range results in file order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// The first `n` results meet end to start (or the last of them
    /// stopped): merge them in order, and only them.
    Merge(usize),
    /// Result `index` does not start where the one before it ended (a
    /// quoted line break crossed a split point): run that range again
    /// from exactly `start`, to the first line boundary after `stop_after`.
    Rerun {
        /// The range to run again.
        index: usize,
        /// Its true first byte: the end of the range before.
        start: u64,
        /// Where it stops, as in its first pass.
        stop_after: u64,
    },
}

/// The next step in lining up the results of the ranges of `points`:
/// `spans` are the results so far, in file order (a prefix when a later
/// range failed: `Merge` then counts the failed range, so that merging
/// meets its error in file order). The CLI ([`run_ranges`]) and the web
/// shell (`alignRanges`, which only dispatches what this decides) both
/// line up ranges with it.
pub fn align(points: &[u64], spans: &[Span]) -> Align {
    let n = points.len() - 1;
    for j in 0..n {
        let Some(here) = spans.get(j) else { return Align::Merge(j + 1) };
        if here.stopped || j + 1 == n {
            return Align::Merge(j + 1); // nothing after a stop counts
        }
        let Some(next) = spans.get(j + 1) else { return Align::Merge(j + 2) };
        if next.start != here.end {
            return Align::Rerun { index: j + 1, start: here.end, stop_after: stop_after(points, j + 1) };
        }
    }
    Align::Merge(n)
}

/// Runs every range with `run(start, stop_after, Pass::Fast)` (in any order
/// or in parallel, as `run_all` decides), then merges them in file order,
/// re-running a range from the exact end of the previous one when they do
/// not meet ([`align`]). `run_all` receives all first-pass jobs at once.
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
    let mut results = run_all(first_pass(points));
    let merged = (|| -> Result<T, Error> {
        let count = loop {
            let spans: Vec<Span> = results
                .iter()
                .map_while(|r| r.as_ref().ok())
                .map(|t| Span { start: t.start(), end: t.end(), stopped: t.stopped() })
                .collect();
            match align(points, &spans) {
                Align::Merge(count) => break count,
                Align::Rerun { index, start, stop_after } => {
                    results[index] = run(Start::Exact(start), stop_after, Pass::Fast);
                }
            }
        };
        let mut ranges = results.drain(..count);
        let mut merged = ranges.next().expect("at least one range")?;
        for next in ranges {
            merged.append(next?)?;
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

/// What a range gives: a [`Partial`].
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

#[cfg(test)]
mod tests {
    use super::*;

    fn span(start: u64, end: u64) -> Span {
        Span { start, end, stopped: false }
    }

    #[test]
    fn ranges_that_meet_merge_and_others_run_again() {
        let points = [10, 20, 30, 40];
        assert_eq!(align(&points, &[span(10, 21), span(21, 31), span(31, 40)]), Align::Merge(3));
        // A quoted line break crossed 20: range 1 runs again from 25.
        assert_eq!(align(&points, &[span(10, 25), span(21, 31), span(31, 40)]), Align::Rerun { index: 1, start: 25, stop_after: 30 });
        // The last range runs to the end.
        assert_eq!(align(&points, &[span(10, 21), span(21, 35), span(31, 40)]), Align::Rerun { index: 2, start: 35, stop_after: u64::MAX });
        // Nothing after a stop counts.
        let stopped = Span { start: 21, end: 24, stopped: true };
        assert_eq!(align(&points, &[span(10, 21), stopped, span(99, 100)]), Align::Merge(2));
        // A failed range (missing span) is merged, so its error surfaces.
        assert_eq!(align(&points, &[span(10, 21)]), Align::Merge(2));
        assert_eq!(align(&points, &[]), Align::Merge(1));
        assert_eq!(first_pass(&points), [(Start::Exact(10), 20), (Start::AfterNewline(20), 30), (Start::AfterNewline(30), u64::MAX)]);
    }
}
