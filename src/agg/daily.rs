//! The daily series' accumulator (issue 16): per (campaign, day) sums of
//! every measure, in a [`Table`] keyed by [`day_key`] — the same slots and
//! exact sums as the campaigns. [`DailySink`] is the aggregate job's sink
//! ([`Accumulate`]) plus this: a row with a date also adds to its cell.
//!
//! Memory is bounded: past [`DailyPlan::limit`] cells a range (or a merge)
//! drops its cells and says so ([`Partial::daily_capped`]); the shell then
//! reads the file again keeping cells only for the top campaigns by spend
//! ([`DailyPlan::only`], chosen by [`top_by_spend`]).

// The default wasm module compiles the daily sink out (see build.rs).
#![cfg_attr(not(daily_series), allow(dead_code))]

use std::sync::Arc;

use rustc_hash::FxHashSet;

use crate::agg::accept::Accumulate;
use crate::agg::partial::Partial;
use crate::agg::sink::RowSink;
pub use crate::read::plan::DailyPlan;
use crate::group::day_key::day_key;
pub use crate::group::day_key::Daily;
use crate::group::table::Table;
use crate::row::accepted::{AcceptedRow, RowDate};
use crate::schema::field::Field;
use crate::schema::totals::{Sum, Totals};
use crate::text::date::Day;

/// A range's (campaign, day) cells while it is read.
pub struct DailyCells {
    /// The cells, keyed by [`day_key`].
    pub table: Table,
    limit: u64,
    only: Option<Arc<FxHashSet<Box<[u8]>>>>,
    key: Vec<u8>,
    /// Over the limit: the cells were dropped.
    pub capped: bool,
    /// The first and last day of any dated row (for the second pass's
    /// budget: [`top_by_spend`]).
    days: (Day, Day),
    /// Recent cells' sums not yet added to `table`: rows come in runs of
    /// the same (campaign, day), so most rows add to a cached cell and the
    /// table sees one add per run.
    cache: Box<[Pending; CACHE]>,
}

/// Cells held in [`DailyCells::cache`].
const CACHE: usize = 256;

/// A cached cell: its campaign's packed key, its day, its sums so far.
#[derive(Clone, Copy)]
struct Pending {
    lo: u64,
    hi: u64,
    day: Day,
    totals: Totals,
}

const EMPTY: Pending = Pending { lo: 0, hi: 0, day: 0, totals: Totals::new([0; crate::schema::totals::SUMS]) };

impl DailyCells {
    /// Cells as `plan` asks.
    pub fn new(plan: &DailyPlan) -> DailyCells {
        let only = plan.only.as_ref().map(|ids| Arc::new(ids.iter().map(|s| s.as_bytes().into()).collect()));
        DailyCells {
            table: Table::new(),
            limit: plan.limit,
            only,
            key: Vec::with_capacity(64),
            capped: false,
            days: (Day::MAX, Day::MIN),
            cache: Box::new([EMPTY; CACHE]),
        }
    }

    /// Adds a dated row's values to its cell.
    #[inline(always)]
    fn add<R: AcceptedRow>(&mut self, row: &R) -> Result<(), Field> {
        let RowDate::Day(day) = row.date() else {
            return Ok(());
        };
        self.days = (self.days.0.min(day), self.days.1.max(day));
        if self.capped {
            return Ok(());
        }
        if let Some(only) = &self.only {
            if !only.contains(row.campaign()) {
                return Ok(());
            }
        }
        let (lo, hi) = row.key();
        if hi == 0 {
            day_key(&mut self.key, row.campaign(), day);
            return self.table.add(&self.key, &row.values());
        }
        let at = ((lo ^ hi.rotate_left(23) ^ (day as u32 as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)).wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as usize;
        let entry = &mut self.cache[at % CACHE];
        if entry.hi == hi && entry.lo == lo && entry.day == day {
            // The campaign's total took these values without overflow, and
            // a cell's sums are part of it: no overflow here either.
            let v = row.values();
            for (t, x) in entry.totals.sums.iter_mut().zip(v.sums) {
                *t += x;
            }
            return Ok(());
        }
        let old = std::mem::replace(entry, Pending { lo, hi, day, totals: row.values() });
        self.flush(&old)
    }

    /// Adds a cached cell to the table.
    fn flush(&mut self, p: &Pending) -> Result<(), Field> {
        if p.hi == 0 {
            return Ok(()); // an empty entry
        }
        let id = crate::group::key::unpack(p.lo, p.hi);
        day_key(&mut self.key, &id, p.day);
        self.table.add(&self.key, &p.totals)
    }

    /// Adds every cached cell to the table.
    fn flush_all(&mut self) -> Result<(), Field> {
        for i in 0..CACHE {
            let p = std::mem::replace(&mut self.cache[i], EMPTY);
            self.flush(&p)?;
        }
        Ok(())
    }

    /// Drops the cells once there are more than the limit (checked between
    /// slices of input, so memory stays within one slice of the limit).
    pub fn check_limit(&mut self) {
        // Cached cells are at most CACHE more than the table holds.
        if !self.capped && (self.table.len() + CACHE) as u64 > self.limit && self.flush_all().is_ok() && self.table.len() as u64 > self.limit {
            self.capped = true;
            self.table = Table::new();
        }
    }

    /// Moves the cells into `partial` (and whether they were capped).
    pub fn finish(mut self, partial: &mut Partial) {
        // A cell's sums are within its campaign's, which did not overflow.
        self.flush_all().expect("a cell's sums fit as its campaign's do");
        self.check_limit();
        partial.daily = Some(Daily { cells: self.table, capped: self.capped, limit: self.limit, days: self.days });
    }
}

/// The aggregate job's sink plus the daily cells.
pub struct DailySink<'a> {
    acc: Accumulate<'a>,
    daily: &'a mut DailyCells,
}

impl<'a> DailySink<'a> {
    /// Rows into `acc` and `daily`.
    pub fn new(acc: Accumulate<'a>, daily: &'a mut DailyCells) -> DailySink<'a> {
        DailySink { acc, daily }
    }
}

impl RowSink for DailySink<'_> {
    #[inline(always)]
    fn table(&self) -> &Table {
        self.acc.table
    }
    #[inline(always)]
    fn accept<R: AcceptedRow>(&mut self, row: &R) -> Result<(), Field> {
        self.acc.accept(row)?;
        self.daily.add(row)
    }
    #[inline(always)]
    fn accept_small<R: AcceptedRow>(&mut self, row: &R) -> Result<(), Field> {
        self.acc.accept_small(row)?;
        self.daily.add(row)
    }
    #[inline(always)]
    fn accept_at<R: AcceptedRow>(&mut self, row: &R, home: usize, size: usize) -> Result<(), Field> {
        self.acc.accept_at(row, home, size)?;
        self.daily.add(row)
    }
}

/// The top campaigns by total spend (ties by id) whose cells fit `limit`
/// when each has at most `span` days: the campaigns a capped run keeps
/// daily cells for on its second pass.
pub fn top_by_spend(campaigns: &Table, limit: u64, span: u64) -> Vec<String> {
    let keep = (limit / span.max(1)).max(1) as usize;
    let mut all: Vec<(u64, Box<[u8]>)> = Vec::new();
    campaigns.for_each(|id, t| all.push((t[Sum::Spend], id.into())));
    all.sort_unstable_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    all.truncate(keep);
    all.into_iter().map(|(_, id)| String::from_utf8_lossy(&id).into_owned()).collect()
}
