//! A click job in two passes over the same byte ranges (the shells run
//! the ranges of a pass in parallel): pass 1 ([`RangeScan`]) learns the
//! click ids and velocity buckets, [`settle`] merges them in file order,
//! pass 2 ([`RangeTally`]) judges and counts every row, and the tallies
//! are appended in file order. Results do not depend on how the log is
//! split: an id's first row and every bucket's count are the whole log's.

use crate::clicks::columns::ClickField;
use crate::clicks::plan::{ClickFormat, ClickPlan};
use crate::clicks::rules::{RuleOptions, BOT_USER_AGENT, IP_BLOCKLIST, IP_VELOCITY, USER_VELOCITY};
use crate::clicks::scan::Scan;
use crate::clicks::settle::Settled;
use crate::clicks::source::RowReader;
use crate::clicks::tally::Tally;
use crate::clicks::users::DEFAULT_LG_K;

/// Distinct click ids kept by default in the browser (each costs about
/// 25 bytes in the set).
pub const BROWSER_ID_LIMIT: usize = 20_000_000;
/// Distinct click ids kept by default natively.
pub const NATIVE_ID_LIMIT: usize = 200_000_000;

/// The user's choices for a click job.
#[derive(Debug, Clone)]
pub struct ClickOptions {
    /// The fraud rules.
    pub rules: RuleOptions,
    /// HLL lg_k.
    pub lg_k: u8,
    /// Distinct click ids kept for exactly-once counting.
    pub id_limit: usize,
}

impl Default for ClickOptions {
    fn default() -> Self {
        ClickOptions { rules: RuleOptions::default(), lg_k: DEFAULT_LG_K, id_limit: NATIVE_ID_LIMIT }
    }
}

/// The rules in force for a log: not switched off, and with what they
/// need (an IP, a user agent or a user column; a blocklist). `keys_seen`:
/// for NDJSON, the keys some row of the log has (all, in pass 1).
pub fn active_rules(plan: &ClickPlan, keys_seen: u8, options: &ClickOptions) -> u8 {
    let has = |f: ClickField| match plan.format {
        ClickFormat::Ndjson { .. } => keys_seen & (1 << f.index()) != 0,
        _ => plan.has(f),
    };
    let mut on = 0;
    if has(ClickField::Ip) && !options.rules.blocklist.is_empty() {
        on |= IP_BLOCKLIST;
    }
    if has(ClickField::UserAgent) {
        on |= BOT_USER_AGENT;
    }
    if has(ClickField::Ip) {
        on |= IP_VELOCITY;
    }
    if has(ClickField::UserId) {
        on |= USER_VELOCITY;
    }
    on & !options.rules.off
}

/// Pass 1 over one range, fed in chunks.
pub struct RangeScan {
    reader: RowReader,
    scan: Scan,
    first_line: u64,
}

impl RangeScan {
    /// The scan of range `index` (0: it starts at the plan's data start)
    /// of `len` bytes.
    pub fn new(plan: &ClickPlan, options: &ClickOptions, index: usize, len: u64) -> RangeScan {
        let active = active_rules(plan, u8::MAX, options);
        let first_line = if index == 0 { plan_first_line(plan) } else { 0 };
        RangeScan {
            reader: RowReader::new(plan, first_line, index == 0),
            // ~180 bytes a click (CSV) or more (NDJSON): tables sized once.
            scan: Scan::new(active & IP_VELOCITY != 0, active & USER_VELOCITY != 0, options.id_limit, (len / 180) as usize),
            first_line,
        }
    }

    /// Reads the next bytes of the range.
    pub fn feed(&mut self, chunk: &[u8]) {
        self.reader.feed(chunk, &mut self.scan);
    }

    /// The scan, the number of lines the range has, and whether it ended
    /// inside a quoted CSV field (the split was wrong: read as one range).
    pub fn finish(self) -> (Scan, u64, bool) {
        let open = self.reader.in_record();
        let mut scan = self.scan;
        let last = self.reader.next_line();
        self.reader.finish(&mut scan);
        let lines = last - self.first_line;
        (scan.done(), lines, open)
    }
}

/// The line number of the plan's first data line.
pub fn plan_first_line(plan: &ClickPlan) -> u64 {
    if plan.data_start == 0 {
        1
    } else {
        plan.header_lines + 1
    }
}

/// The first line of each range, from pass 1's line counts.
pub fn range_first_lines(plan: &ClickPlan, lines: &[u64]) -> Vec<u64> {
    let mut at = plan_first_line(plan);
    lines
        .iter()
        .map(|n| {
            let first = at;
            at += n;
            first
        })
        .collect()
}

/// Pass 2 over one range, fed in chunks.
pub struct RangeTally<'s> {
    reader: RowReader,
    tally: Tally<'s>,
}

impl<'s> RangeTally<'s> {
    /// The tally of range `index`, whose first line is `first_line`.
    pub fn new(plan: &ClickPlan, options: &'s ClickOptions, settled: &'s Settled, index: usize, first_line: u64) -> RangeTally<'s> {
        RangeTally::with_status(plan, options, &settled.status[index], settled.keys_seen, index, first_line)
    }

    /// The tally of range `index` whose clicks have these `status` bytes,
    /// in a log whose rows have the fields `keys_seen` (a worker that
    /// holds one range's status, not [`Settled`]).
    pub fn with_status(plan: &ClickPlan, options: &'s ClickOptions, status: &'s [u8], keys_seen: u8, index: usize, first_line: u64) -> RangeTally<'s> {
        let active = active_rules(plan, keys_seen, options);
        RangeTally { reader: RowReader::new(plan, first_line, index == 0), tally: Tally::new(status, &options.rules, active, options.lg_k) }
    }

    /// Reads the next bytes of the range.
    pub fn feed(&mut self, chunk: &[u8]) {
        self.reader.feed(chunk, &mut self.tally);
    }

    /// The range's tally.
    pub fn finish(mut self) -> Tally<'s> {
        self.reader.finish(&mut self.tally);
        self.tally
    }
}
