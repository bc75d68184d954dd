//! Daily series and rolling windows (issue 16), from the merged
//! (campaign, day) cells ([`crate::agg::daily::Daily`]).
//!
//! A campaign's series runs from its first to its last dated row, every
//! calendar day; a day without rows inside it has zero measures. The
//! rolling window of `w` days ending on day D sums the series' days
//! D−w+1..=D (D included; days before the series' first are not in it);
//! every KPI of a window is computed from the window's sums, never as an
//! average of daily ratios.

use crate::group::day_key::split_day_key;
use crate::group::table::Table;
use crate::schema::totals::{Sum, Totals};
use crate::text::date::Day;
use rustc_hash::FxHashMap;

/// One campaign's daily series: its dated cells, sparse; every calendar
/// day from the first to the last is a day of the series
/// ([`dense`](Self::dense): the days without rows as zeros).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    /// The campaign id (raw bytes, as in the campaign table).
    pub id: Box<[u8]>,
    /// Its first dated day.
    pub first: Day,
    /// Its dated cells, by day.
    pub cells: Vec<(Day, Totals)>,
}

impl Series {
    /// The day of the series' `i`-th day.
    pub fn day(&self, i: usize) -> Day {
        self.first + i as Day
    }

    /// Days in the series (first to last, both included).
    pub fn len(&self) -> usize {
        self.cells.last().map_or(0, |&(last, _)| (i64::from(last) - i64::from(self.first) + 1) as usize)
    }

    /// True for a series without days (never made by [`series`]).
    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// Every day's sums, the days without rows as zeros.
    pub fn dense(&self) -> Vec<Totals> {
        let mut out = vec![Totals::default(); self.len()];
        for &(day, t) in &self.cells {
            out[(i64::from(day) - i64::from(self.first)) as usize] = t;
        }
        out
    }

    /// The rolling sums of `window` days ending on each day of the series.
    pub fn rolling(&self, window: usize) -> Vec<Totals> {
        let days = self.dense();
        let mut out = Vec::with_capacity(days.len());
        let mut sum = [0u64; crate::schema::totals::SUMS];
        for (i, day) in days.iter().enumerate() {
            for (s, v) in sum.iter_mut().zip(day.sums()) {
                *s += v; // a window's sum is at most the campaign's total: no overflow
            }
            if i >= window {
                for (s, v) in sum.iter_mut().zip(days[i - window].sums()) {
                    *s -= v;
                }
            }
            out.push(Totals::new(sum));
        }
        out
    }
}

/// Every campaign's series, by id ascending (byte order).
pub fn series(cells: &Table) -> Vec<Series> {
    let mut all: Vec<(Box<[u8]>, Day, Totals)> = Vec::with_capacity(cells.len());
    cells.for_each(|key, t| {
        let (id, day) = split_day_key(key);
        all.push((id.into(), day, *t));
    });
    all.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut out: Vec<Series> = Vec::new();
    for (id, day, t) in all {
        match out.last_mut() {
            Some(s) if s.id == id => s.cells.push((day, t)),
            _ => out.push(Series { id, first: day, cells: vec![(day, t)] }),
        }
    }
    out
}

/// The series kept within `limit` days in all: every one if they fit;
/// else the campaigns with the most spend (`spend(id)`; ties by id), in
/// that order, while they fit, then in id order again. Returns them and,
/// when some were left out, how many series there were.
pub fn within_limit(all: Vec<Series>, limit: u64, spend: impl Fn(&[u8]) -> u64) -> (Vec<Series>, Option<usize>) {
    let total: u64 = all.iter().map(|s| s.len() as u64).sum();
    if total <= limit {
        return (all, None);
    }
    let count = all.len();
    let mut by_spend: Vec<(u64, Series)> = all.into_iter().map(|s| (spend(&s.id), s)).collect();
    by_spend.sort_unstable_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.id.cmp(&b.1.id)));
    let mut kept = Vec::new();
    let mut used = 0u64;
    for (_, s) in by_spend {
        let len = s.len() as u64;
        if used + len > limit {
            break;
        }
        used += len;
        kept.push(s);
    }
    kept.sort_unstable_by(|a, b| a.id.cmp(&b.id));
    (kept, Some(count))
}

/// [`within_limit`] with each campaign's total spend from `campaigns`
/// (looked up only when the series do not all fit).
pub fn within_limit_by_spend(all: Vec<Series>, limit: u64, campaigns: &Table) -> (Vec<Series>, Option<usize>) {
    if all.iter().map(|s| s.len() as u64).sum::<u64>() <= limit {
        return (all, None);
    }
    let mut spend: FxHashMap<Box<[u8]>, u64> = FxHashMap::default();
    campaigns.for_each(|id, t| {
        spend.insert(id.into(), t[Sum::Spend]);
    });
    within_limit(all, limit, |id| spend.get(id).copied().unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::group::day_key::day_key;
    use crate::text::date::parse_date;

    fn t(i: u64, c: u64, s: u64, v: u64) -> Totals {
        Totals::required([i, c, s, v])
    }

    fn cells(rows: &[(&str, &str, Totals)]) -> Table {
        let mut table = Table::new();
        let mut key = Vec::new();
        for (id, date, v) in rows {
            day_key(&mut key, id.as_bytes(), parse_date(date.as_bytes()).unwrap());
            table.add(&key, v).unwrap();
        }
        table
    }

    /// Hand-checked: gaps are zero days, unsorted cells come out in order,
    /// a single day is a series of one, the same day added twice (two
    /// workers' ranges) is one day.
    #[test]
    fn series_with_gaps_single_days_and_windows() {
        let table = cells(&[
            ("B", "2025-03-05", t(10, 1, 1_000_000, 0)),
            ("A", "2025-03-04", t(300, 3, 3_000_000, 1)),
            ("A", "2025-03-01", t(100, 1, 1_000_000, 0)),
            ("A", "2025-03-01", t(100, 1, 1_000_000, 1)),
        ]);
        let all = series(&table);
        assert_eq!(all.len(), 2);
        let a = &all[0];
        assert_eq!(&a.id[..], b"A");
        assert_eq!(a.first, parse_date(b"2025-03-01").unwrap());
        assert_eq!(a.dense(), vec![t(200, 2, 2_000_000, 1), Totals::default(), Totals::default(), t(300, 3, 3_000_000, 1)]);
        assert_eq!(a.rolling(2), vec![t(200, 2, 2_000_000, 1), t(200, 2, 2_000_000, 1), Totals::default(), t(300, 3, 3_000_000, 1)]);
        assert_eq!(a.rolling(7)[3], t(500, 5, 5_000_000, 2), "7 days: the whole series so far");
        assert_eq!(all[1].dense(), vec![t(10, 1, 1_000_000, 0)]);
        assert_eq!(all[1].rolling(28), all[1].dense());
        // Within a limit of 4 days: A (4 days, spend 5) fits, B then does not.
        let (kept, total) = within_limit(all.clone(), 4, |id| if id == b"A" { 5 } else { 1 });
        assert_eq!((kept.len(), total), (1, Some(2)));
        assert_eq!(&kept[0].id[..], b"A");
        let (kept, total) = within_limit(all, 5, |_| 0);
        assert_eq!((kept.len(), total), (2, None));
    }

    #[test]
    fn rolling_drops_days_past_the_window() {
        let cells: Vec<(Day, Totals)> = (1..=30).map(|d| (d as Day - 1, t(d, 0, 0, 0))).collect();
        let s = Series { id: b"X"[..].into(), first: 0, cells };
        let r = s.rolling(7);
        assert_eq!(r[0][crate::Sum::Impressions], 1);
        assert_eq!(r[6][crate::Sum::Impressions], 28); // 1..=7
        assert_eq!(r[29][crate::Sum::Impressions], (24..=30).sum::<u64>());
        assert_eq!(s.rolling(28)[29][crate::Sum::Impressions], (3..=30).sum::<u64>());
    }
}
