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

use crate::text::encoding::Encoding;
use std::sync::Arc;

use rustc_hash::FxHashSet;

use crate::agg::accept::Accumulate;
use crate::agg::partial::Partial;
use crate::agg::sink::RowSink;
pub use crate::read::plan::DailyPlan;
use crate::group::day_key::day_key;
use crate::group::day_window::DayBit;
pub use crate::group::day_key::Daily;
use crate::group::table::Table;
use crate::row::accepted::{AcceptedRow, RowDate};
use crate::schema::field::Field;
use crate::schema::totals::{Sum, Totals};
use crate::text::date::{Day, NO_DAY};

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
    /// Each campaign's current cell, by the number of its day window in
    /// the small campaign table ([`DayBit::window`]): a row whose day is
    /// its campaign's current one adds to it with no hashing or key
    /// compare; another day adds the cell to `table` and starts the next.
    /// (Rows without a bit go through `cache`.)
    runs: Vec<Pending>,
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

impl Pending {
    /// Adds `row`'s values. The row's campaign total took them without
    /// overflow, and a cell's sums are part of it: no overflow here either.
    #[inline(always)]
    fn add<R: AcceptedRow>(&mut self, row: &R) {
        for (t, x) in self.totals.sums.iter_mut().zip(row.values().sums) {
            *t += x;
        }
    }
}

const EMPTY: Pending = Pending { lo: 0, hi: 0, day: 0, totals: Totals::new([0; crate::schema::totals::SUMS]) };

/// An empty entry of [`DailyCells::runs`]: no row's day is [`NO_DAY`].
const NO_RUN: Pending = Pending { day: NO_DAY, ..EMPTY };

impl DailyCells {
    /// Cells as `plan` asks, for a file in `encoding` (its ids in
    /// `plan.only` are text, [`top_by_spend`]: encoded back to the file's
    /// bytes).
    pub fn new(plan: &DailyPlan, encoding: Encoding) -> DailyCells {
        let raw = |s: &String| -> Box<[u8]> { encoding.from_utf8(s).map_or_else(|| s.as_bytes().into(), Vec::into_boxed_slice) };
        let only = plan.only.as_ref().map(|ids| Arc::new(ids.iter().map(raw).collect()));
        DailyCells {
            table: Table::new(),
            limit: plan.limit,
            only,
            key: Vec::with_capacity(64),
            capped: false,
            days: (Day::MAX, Day::MIN),
            cache: Box::new([EMPTY; CACHE]),
            runs: Vec::new(),
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
            entry.add(row);
            return Ok(());
        }
        let old = std::mem::replace(entry, Pending { lo, hi, day, totals: row.values() });
        self.flush(&old)
    }

    /// Adds a dated row's values to its cell, its campaign's day window
    /// being number `bit`'s ([`Accumulate::accept_small_on`]; else as
    /// [`add`](Self::add)).
    #[inline(always)]
    fn add_on<R: AcceptedRow>(&mut self, row: &R, bit: Option<DayBit>) -> Result<(), Field> {
        let (Some(bit), false, None, RowDate::Day(day)) = (bit, self.capped, &self.only, row.date()) else {
            return self.add(row);
        };
        match self.runs.get_mut(bit.window()) {
            Some(run) if run.day == day => {
                run.add(row);
                Ok(())
            }
            _ => self.next_run(bit.window(), row, day),
        }
    }

    /// Starts the cell of `row` (on `day`) as its campaign's current one
    /// (campaign number `window`), adding the one before to the table.
    #[inline(never)]
    fn next_run<R: AcceptedRow>(&mut self, window: usize, row: &R, day: Day) -> Result<(), Field> {
        // Every row of a cell has its day: the span is kept per cell here.
        self.days = (self.days.0.min(day), self.days.1.max(day));
        if window >= self.runs.len() {
            self.runs.resize(window + 1, NO_RUN);
        }
        let (lo, hi) = row.key();
        let old = std::mem::replace(&mut self.runs[window], Pending { lo, hi, day, totals: row.values() });
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

    /// Adds every cached cell and current cell to the table.
    fn flush_all(&mut self) -> Result<(), Field> {
        for i in 0..CACHE {
            let p = std::mem::replace(&mut self.cache[i], EMPTY);
            self.flush(&p)?;
        }
        for i in 0..self.runs.len() {
            let p = std::mem::replace(&mut self.runs[i], NO_RUN);
            self.flush(&p)?;
        }
        Ok(())
    }

    /// Drops the cells once there are more than the limit (checked between
    /// slices of input, so memory stays within one slice of the limit).
    pub fn check_limit(&mut self) {
        // Cached and current cells are at most CACHE and one per
        // campaign more than the table holds.
        if !self.capped && (self.table.len() + CACHE + self.runs.len()) as u64 > self.limit && self.flush_all().is_ok() && self.table.len() as u64 > self.limit {
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
        let bit = self.acc.accept_small_on(row)?;
        self.daily.add_on(row, bit)
    }
    #[inline(always)]
    fn accept_at<R: AcceptedRow>(&mut self, row: &R, home: usize, size: usize) -> Result<(), Field> {
        self.acc.accept_at(row, home, size)?;
        self.daily.add(row)
    }
}

/// Every campaign's total spend and id, highest spend first (ties by id
/// in byte order): the order the daily series keeps campaigns in when not
/// all fit, and the chart's top campaigns.
pub fn by_spend(campaigns: &Table) -> Vec<(u64, Box<[u8]>)> {
    let mut all: Vec<(u64, Box<[u8]>)> = Vec::with_capacity(campaigns.len());
    campaigns.for_each(|id, t| all.push((t[Sum::Spend], id.into())));
    all.sort_unstable_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    all
}

/// The top campaigns by total spend (ties by id) whose cells fit `limit`
/// when each has at most `span` days: the campaigns a capped run keeps
/// daily cells for on its second pass; their ids as text (a Windows-1252
/// or Shift_JIS file's ids decoded: `encoding` is the file's).
pub fn top_by_spend(campaigns: &Table, limit: u64, span: u64, encoding: Encoding) -> Vec<String> {
    let keep = (limit / span.max(1)).max(1) as usize;
    let mut all = by_spend(campaigns);
    all.truncate(keep);
    // As text, losslessly for a Windows-1252 file ([`DailyCells::new`]
    // encodes them back); a UTF-8 file's ids are UTF-8 (the reader checks).
    // (Shift_JIS: losslessly for ids that decode without U+FFFD.)
    let text = |id: &[u8]| String::from_utf8_lossy(&encoding.to_utf8(id)).into_owned();
    all.into_iter().map(|(_, id)| text(&id)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::group::day_key::split_day_key;
    use crate::group::key::pack;

    fn cells_of(table: &Table) -> Vec<(Vec<u8>, Day, Totals)> {
        let mut all = Vec::new();
        table.for_each(|k, t| {
            let (id, day) = split_day_key(k);
            all.push((id.to_vec(), day, *t));
        });
        all.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
        all
    }

    /// Hand-checked: rows of two campaigns interleaved over three days,
    /// some through the small table's path (each campaign's current cell,
    /// by its day window) and some through the general one (the cache),
    /// days going back, a day outside the window, rows without a date:
    /// every (campaign, day) cell is the sum of its rows, as a table fed
    /// row by row has it; the campaigns' totals are as without the series.
    #[test]
    fn current_cells_and_the_cache_sum_each_cell() {
        let rows: [(&str, Option<Day>, u64, bool); 11] = [
            ("A", Some(100), 1, true),
            ("B", Some(100), 2, true),
            ("A", Some(100), 4, false),
            ("A", Some(101), 8, true),
            ("B", Some(100), 16, true),
            ("A", Some(100), 32, true),
            ("B", None, 64, true),
            ("A", Some(101), 128, false),
            ("B", Some(102), 256, true),
            ("A", Some(100 + 600), 512, true),
            ("B", Some(102), 1024, true),
        ];
        let plan = DailyPlan { limit: 1_000, only: None };
        let mut cells = DailyCells::new(&plan, Encoding::Utf8);
        let (mut campaigns, mut partial) = (Table::new(), Partial::new(0));
        let mut expected = Table::new();
        let mut key = Vec::new();
        for (i, &(id, day, v, small)) in rows.iter().enumerate() {
            let values = Totals::required([v, 0, v * 1_000_000, 0]);
            let row = crate::row::accepted::Row {
                line: i as u64 + 1,
                campaign: id.as_bytes(),
                key: pack(id.as_bytes()).unwrap(),
                values,
                date: day.map_or(RowDate::Absent, RowDate::Day),
                name: b"",
                rounded_spend: None,
                checked: true,
            };
            let mut sink = DailySink::new(Accumulate::new(&mut campaigns, &mut partial, None, b'.'), &mut cells);
            match small {
                true => sink.accept_small(&row).unwrap(),
                false => RowSink::accept(&mut sink, &row).unwrap(),
            }
            if let Some(day) = day {
                day_key(&mut key, id.as_bytes(), day);
                expected.add(&key, &values).unwrap();
            }
        }
        assert!(!cells.runs.is_empty(), "the small path's current cells were used");
        cells.finish(&mut partial);
        let daily = partial.daily.take().unwrap();
        assert!(!daily.capped);
        assert_eq!(daily.days, (100, 700));
        let got = cells_of(&daily.cells);
        assert_eq!(got, cells_of(&expected));
        let sums: Vec<u64> = got.iter().map(|c| c.2[Sum::Impressions]).collect();
        assert_eq!(sums, [1 + 4 + 32, 8 + 128, 512, 2 + 16, 256 + 1024]);
        let mut a = None;
        campaigns.for_each(|id, t| {
            if id == b"A" {
                a = Some(t[Sum::Impressions]);
            }
        });
        assert_eq!(a, Some(1 + 4 + 8 + 32 + 128 + 512));
    }

    /// Past the limit (checked with the current cells counted), the cells
    /// are dropped, as before.
    #[test]
    fn the_limit_counts_current_cells() {
        let plan = DailyPlan { limit: 2, only: None };
        let mut cells = DailyCells::new(&plan, Encoding::Utf8);
        let (mut campaigns, mut partial) = (Table::new(), Partial::new(0));
        for (i, id) in ["A", "B", "C"].iter().enumerate() {
            let row = crate::row::accepted::Row {
                line: i as u64 + 1,
                campaign: id.as_bytes(),
                key: pack(id.as_bytes()).unwrap(),
                values: Totals::required([1, 0, 0, 0]),
                date: RowDate::Day(5),
                name: b"",
                rounded_spend: None,
                checked: true,
            };
            DailySink::new(Accumulate::new(&mut campaigns, &mut partial, None, b'.'), &mut cells).accept_small(&row).unwrap();
            cells.check_limit();
            assert_eq!(cells.capped, i == 2, "{i}");
        }
    }
}
