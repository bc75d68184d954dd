//! Budget hints (issue 16): per campaign, a heuristic "scale up / hold /
//! scale down" tag from its CPA (or ROAS when the file has revenue) in the
//! last 7 and 28 days against the median of the eligible campaigns.
//! These are heuristics, not advice; every number behind a tag is written
//! beside it ([`crate::report::hints`]).
//!
//! The rule, exactly (every comparison on exact fractions, no floating
//! point):
//!
//! - **Windows**: the 7 and the 28 calendar days ending on the latest date
//!   of the file (across all campaigns), that day included; each
//!   campaign's sums over them from its daily series (days without rows
//!   are zeros, days outside its series add nothing).
//! - **Metric**: CPA = spend / conversions (lower is better) when the file
//!   has no revenue column, else ROAS = revenue / spend (higher is better).
//! - **Eligible** in a window: spend ≥ the minimum spend (default 100.00),
//!   conversions ≥ the minimum conversions (default 10), and the metric
//!   defined there (CPA: conversions > 0; ROAS: spend > 0).
//! - **Median** per window of the eligible campaigns' metric (the mean of
//!   the two middle ones for an even count).
//! - **Tag**, only for a campaign eligible in both windows when each window
//!   has at least [`MIN_ELIGIBLE`] eligible campaigns: for CPA, "scale up"
//!   when CPA_7 ≤ [`LOW`] × median_7 and CPA_28 ≤ median_28, "scale down"
//!   when CPA_7 ≥ [`HIGH`] × median_7 and CPA_28 ≥ median_28; for ROAS the
//!   mirror (scale up when ROAS_7 ≥ [`HIGH`] × median_7 and ROAS_28 ≥
//!   median_28, scale down when ROAS_7 ≤ [`LOW`] × median_7 and ROAS_28 ≤
//!   median_28); else "hold" (also when both would hold, which needs a
//!   median of 0).

use num_bigint::BigInt;

use crate::derive::anomaly::{median, sort, Frac};
use crate::derive::series::Series;
use crate::schema::totals::{Sum, Totals};
use crate::text::date::Day;

/// The two windows, in days, in the order rows carry them.
pub const HINT_WINDOWS: [usize; 2] = [7, 28];

/// Campaigns a window needs eligible before any campaign gets a tag.
pub const MIN_ELIGIBLE: usize = 3;

/// 0.8: a 7-day value at or beyond this share of the median (below it for
/// CPA, see [`HIGH`] for ROAS) counts as clearly better (CPA) or worse
/// (ROAS), as a fraction.
pub const LOW: (i64, i64) = (8, 10);

/// 1.2: the other side of [`LOW`] (CPA at or above 1.2 × the median is
/// clearly worse; ROAS at or above it clearly better).
pub const HIGH: (i64, i64) = (12, 10);

/// The default minimum spend in a window: 100.00 (in micro-units).
pub const DEFAULT_HINT_MIN_SPEND: u64 = 100_000_000;

/// The default minimum conversions in a window.
pub const DEFAULT_HINT_MIN_CONVERSIONS: u64 = 10;

/// The guardrails of budget hints: what a campaign needs in a window to be
/// eligible there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HintOptions {
    /// Minimum spend in the window, in micro-units.
    pub min_spend: u64,
    /// Minimum conversions in the window.
    pub min_conversions: u64,
}

impl Default for HintOptions {
    /// 100.00 and 10.
    fn default() -> HintOptions {
        HintOptions { min_spend: DEFAULT_HINT_MIN_SPEND, min_conversions: DEFAULT_HINT_MIN_CONVERSIONS }
    }
}

/// The metric hints are computed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HintMetric {
    /// Spend / conversions, lower is better (files without revenue).
    Cpa,
    /// Revenue / spend, higher is better (files with a revenue column).
    Roas,
}

impl HintMetric {
    /// Its name in `budget_hints.csv` (`CPA`, `ROAS`).
    pub fn name(self) -> &'static str {
        match self {
            HintMetric::Cpa => "CPA",
            HintMetric::Roas => "ROAS",
        }
    }

    /// Decimals written: those of its KPI column (2 for both).
    pub fn decimals(self) -> u32 {
        match self {
            HintMetric::Cpa => crate::schema::metric::CPA.decimals,
            HintMetric::Roas => crate::schema::metric::ROAS.decimals,
        }
    }

    /// Its value over sums `w` as an exact fraction, `None` where it is
    /// undefined (CPA without conversions, ROAS without spend).
    fn value(self, w: &HintWindow) -> Option<Frac<BigInt>> {
        match self {
            HintMetric::Cpa => (w.conversions > 0)
                .then(|| (BigInt::from(w.spend), BigInt::from(w.conversions) * BigInt::from(crate::text::number::MICROS))),
            HintMetric::Roas => (w.spend > 0).then(|| (BigInt::from(w.revenue), BigInt::from(w.spend))),
        }
    }
}

/// A heuristic tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Hint {
    /// Clearly better than the median in the last 7 days and not worse over 28.
    ScaleUp,
    /// Neither.
    Hold,
    /// Clearly worse than the median in the last 7 days and not better over 28.
    ScaleDown,
}

impl Hint {
    /// Every tag, in the order the summary counts them.
    pub const ALL: [Hint; 3] = [Hint::ScaleUp, Hint::Hold, Hint::ScaleDown];

    /// As written: `scale up`, `hold`, `scale down`.
    pub fn text(self) -> &'static str {
        match self {
            Hint::ScaleUp => "scale up",
            Hint::Hold => "hold",
            Hint::ScaleDown => "scale down",
        }
    }
}

/// One campaign's sums over one window and what they give.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HintWindow {
    /// The window's length in days (7 or 28).
    pub days: usize,
    /// Spend in micro-units.
    pub spend: u64,
    /// Conversions.
    pub conversions: u64,
    /// Revenue in micro-units (0 without a revenue column).
    pub revenue: u64,
    /// The metric over these sums, exactly; `None` when undefined.
    pub value: Option<Frac<BigInt>>,
    /// Eligible for this window's median (and for a tag).
    pub eligible: bool,
}

/// One campaign's hint: its windows, the tag (`None`: not eligible, see
/// `reason`) and why, as a short fixed phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BudgetHint {
    /// The campaign id (raw bytes).
    pub id: Box<[u8]>,
    /// Its sums over the last 7 and 28 days ([`HINT_WINDOWS`] order).
    pub windows: [HintWindow; 2],
    /// The tag, or `None` when the campaign gets none.
    pub hint: Option<Hint>,
    /// Why: `below min spend in the last 7 days`, `fewer than 3 eligible
    /// campaigns in the last 28 days`, or for a tag the values against the
    /// medians (`CPA 7d 0.80x median, 28d 0.95x median`).
    pub reason: String,
}

/// Every campaign's hint and the numbers shared by all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BudgetHints {
    /// CPA or ROAS.
    pub metric: HintMetric,
    /// The guardrails used.
    pub options: HintOptions,
    /// The latest date of the file, where both windows end (`None`: no
    /// series at all).
    pub last_day: Option<Day>,
    /// The eligible campaigns' median per window (`None`: none eligible).
    pub medians: [Option<Frac<BigInt>>; 2],
    /// Eligible campaigns per window.
    pub eligible: [usize; 2],
    /// One per series, in the series' order (campaign id, byte order).
    pub rows: Vec<BudgetHint>,
}

impl BudgetHints {
    /// Rows with this tag (`None`: rows without one).
    pub fn count(&self, hint: Option<Hint>) -> usize {
        self.rows.iter().filter(|r| r.hint == hint).count()
    }
}

/// `a ≤ k · b` (`a`, `b` fractions with positive denominators, `k` a
/// positive constant).
fn at_most(a: &Frac<BigInt>, k: (i64, i64), b: &Frac<BigInt>) -> bool {
    &a.0 * &b.1 * BigInt::from(k.1) <= BigInt::from(k.0) * &b.0 * &a.1
}

/// `a ≥ k · b`.
fn at_least(a: &Frac<BigInt>, k: (i64, i64), b: &Frac<BigInt>) -> bool {
    &a.0 * &b.1 * BigInt::from(k.1) >= BigInt::from(k.0) * &b.0 * &a.1
}

/// `value / median` with 2 decimals, or `median 0`.
fn share(value: &Frac<BigInt>, median: &Frac<BigInt>) -> String {
    if median.0 == BigInt::from(0) {
        return "median 0".to_string();
    }
    let ratio = (&value.0 * &median.1, &value.1 * &median.0);
    format!("{}x median", crate::derive::anomaly::format_frac(&ratio, 2))
}

/// Sums of `s` over the `days` days ending on `last`.
fn window(s: &Series, last: Day, days: usize) -> Totals {
    let from = i64::from(last) - days as i64 + 1;
    let mut sum = [0u64; crate::schema::totals::SUMS];
    for (_, t) in s.cells.iter().filter(|(d, _)| i64::from(*d) >= from && *d <= last) {
        for (a, v) in sum.iter_mut().zip(t.sums()) {
            *a += v; // at most the campaign's total: no overflow
        }
    }
    Totals::new(sum)
}

/// The hints for every series ([`crate::derive::series::series`], by
/// campaign id): CPA when `has_revenue` is false, else ROAS; see the
/// module's rule.
pub fn budget_hints(series: &[Series], has_revenue: bool, options: &HintOptions) -> BudgetHints {
    let metric = if has_revenue { HintMetric::Roas } else { HintMetric::Cpa };
    let last_day = series.iter().filter_map(|s| s.cells.last().map(|&(d, _)| d)).max();
    let mut rows: Vec<BudgetHint> = series
        .iter()
        .map(|s| {
            let windows = HINT_WINDOWS.map(|days| {
                let t = last_day.map(|last| window(s, last, days)).unwrap_or_default();
                let mut w = HintWindow {
                    days,
                    spend: t[Sum::Spend],
                    conversions: t[Sum::Conversions],
                    revenue: if has_revenue { t[Sum::Revenue] } else { 0 },
                    value: None,
                    eligible: false,
                };
                w.value = metric.value(&w);
                w.eligible = w.value.is_some() && w.spend >= options.min_spend && w.conversions >= options.min_conversions;
                w
            });
            BudgetHint { id: s.id.clone(), windows, hint: None, reason: String::new() }
        })
        .collect();
    let mut medians: [Option<Frac<BigInt>>; 2] = [None, None];
    let mut eligible = [0usize; 2];
    for (i, m) in medians.iter_mut().enumerate() {
        let mut values: Vec<Frac<BigInt>> =
            rows.iter().filter(|r| r.windows[i].eligible).filter_map(|r| r.windows[i].value.clone()).collect();
        eligible[i] = values.len();
        if !values.is_empty() {
            sort(&mut values).expect("big integers do not overflow");
            *m = Some(median(&values).expect("big integers do not overflow"));
        }
    }
    for r in &mut rows {
        r.reason = match ineligible(metric, options, &r.windows) {
            Some(why) => why,
            None => match eligible.iter().position(|&n| n < MIN_ELIGIBLE) {
                Some(i) => format!("fewer than {MIN_ELIGIBLE} eligible campaigns in the last {} days", HINT_WINDOWS[i]),
                None => {
                    let (m7, m28) = (medians[0].as_ref().expect("eligible"), medians[1].as_ref().expect("eligible"));
                    let (v7, v28) = (r.windows[0].value.as_ref().expect("eligible"), r.windows[1].value.as_ref().expect("eligible"));
                    let (up, down) = match metric {
                        HintMetric::Cpa => (
                            at_most(v7, LOW, m7) && at_most(v28, (1, 1), m28),
                            at_least(v7, HIGH, m7) && at_least(v28, (1, 1), m28),
                        ),
                        HintMetric::Roas => (
                            at_least(v7, HIGH, m7) && at_least(v28, (1, 1), m28),
                            at_most(v7, LOW, m7) && at_most(v28, (1, 1), m28),
                        ),
                    };
                    r.hint = Some(match (up, down) {
                        (true, false) => Hint::ScaleUp,
                        (false, true) => Hint::ScaleDown,
                        _ => Hint::Hold,
                    });
                    format!("{} 7d {}, 28d {}", metric.name(), share(v7, m7), share(v28, m28))
                }
            },
        };
    }
    BudgetHints { metric, options: *options, last_day, medians, eligible, rows }
}

/// Why a campaign is not eligible in one of its windows (the 7 days
/// first; spend before conversions), or `None` when it is in both.
fn ineligible(metric: HintMetric, options: &HintOptions, windows: &[HintWindow; 2]) -> Option<String> {
    windows.iter().find(|w| !w.eligible).map(|w| {
        let what = if w.spend < options.min_spend {
            "below min spend"
        } else if w.conversions < options.min_conversions {
            "below min conversions"
        } else {
            match metric {
                HintMetric::Cpa => "no conversions",
                HintMetric::Roas => "no spend",
            }
        };
        format!("{what} in the last {} days", w.days)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const M: u64 = 1_000_000;

    /// A series of one campaign: `(day, spend in units, conversions, revenue in units)`.
    fn s(id: &str, cells: &[(Day, u64, u64, u64)]) -> Series {
        Series {
            id: id.as_bytes().into(),
            first: cells[0].0,
            cells: cells.iter().map(|&(d, sp, c, rev)| (d, Totals::new([1000, 100, sp * M, c, rev * M]))).collect(),
        }
    }

    /// A campaign with the same `spend`/`conv` on day 100 (in both windows)
    /// and `(spend28, conv28)` more on day 80 (in the 28 days only).
    fn camp(id: &str, spend: u64, conv: u64, spend28: u64, conv28: u64) -> Series {
        s(id, &[(80, spend28, conv28, 0), (100, spend, conv, 0)])
    }

    fn by_id<'a>(h: &'a BudgetHints, id: &str) -> &'a BudgetHint {
        h.rows.iter().find(|r| &r.id[..] == id.as_bytes()).unwrap()
    }

    fn text(f: &Option<Frac<BigInt>>) -> String {
        crate::derive::anomaly::format_frac(f.as_ref().unwrap(), 2)
    }

    /// Hand-checked, odd count: CPAs 7d 10, 20, 30 (median 20); A at 10
    /// ≤ 16 scales up, C at 30 ≥ 24 scales down, B holds.
    #[test]
    fn cpa_odd_count_up_hold_down() {
        let all = [camp("A", 100, 10, 0, 0), camp("B", 200, 10, 0, 0), camp("C", 300, 10, 0, 0)];
        let h = budget_hints(&all, false, &HintOptions::default());
        assert_eq!(h.metric, HintMetric::Cpa);
        assert_eq!(h.eligible, [3, 3]);
        assert_eq!((text(&h.medians[0]), text(&h.medians[1])), ("20.00".into(), "20.00".into()));
        assert_eq!(by_id(&h, "A").hint, Some(Hint::ScaleUp));
        assert_eq!(by_id(&h, "A").reason, "CPA 7d 0.50x median, 28d 0.50x median");
        assert_eq!(by_id(&h, "B").hint, Some(Hint::Hold));
        assert_eq!(by_id(&h, "C").hint, Some(Hint::ScaleDown));
        assert_eq!((h.count(Some(Hint::ScaleUp)), h.count(Some(Hint::Hold)), h.count(Some(Hint::ScaleDown)), h.count(None)), (1, 1, 1, 0));
    }

    /// Ties at exactly 0.8 × and 1.2 × the median tag (≤ and ≥); one
    /// micro-unit past them holds. Even count: the median is the mean of
    /// the two middle ones.
    #[test]
    fn ties_at_the_thresholds_and_an_even_count() {
        // 7d CPAs: 16, 20, 20, 24 → median (20 + 20) / 2 = 20; 0.8 × 20 = 16, 1.2 × 20 = 24.
        let all = [camp("A", 160, 10, 0, 0), camp("B", 200, 10, 0, 0), camp("C", 200, 10, 0, 0), camp("D", 240, 10, 0, 0)];
        let h = budget_hints(&all, false, &HintOptions::default());
        assert_eq!(text(&h.medians[0]), "20.00");
        assert_eq!(by_id(&h, "A").hint, Some(Hint::ScaleUp));
        assert_eq!(by_id(&h, "A").reason, "CPA 7d 0.80x median, 28d 0.80x median");
        assert_eq!(by_id(&h, "D").hint, Some(Hint::ScaleDown));
        assert_eq!(by_id(&h, "D").reason, "CPA 7d 1.20x median, 28d 1.20x median");
        // Even count with distinct middles: 10, 20, 30, 50 → 25.
        let all = [camp("A", 100, 10, 0, 0), camp("B", 200, 10, 0, 0), camp("C", 300, 10, 0, 0), camp("D", 500, 10, 0, 0)];
        let h = budget_hints(&all, false, &HintOptions::default());
        assert_eq!(text(&h.medians[0]), "25.00");
        // 0.8 × 25 = 20: B at 20 scales up; C at 30 = 1.2 × 25 scales down.
        assert_eq!(by_id(&h, "B").hint, Some(Hint::ScaleUp));
        assert_eq!(by_id(&h, "C").hint, Some(Hint::ScaleDown));
        // Just past the tie: 16.000001 > 16 holds.
        let mut all = vec![camp("B", 200, 10, 0, 0), camp("C", 200, 10, 0, 0), camp("D", 240, 10, 0, 0)];
        all.insert(0, Series { id: b"A"[..].into(), first: 100, cells: vec![(100, Totals::new([0, 0, 160 * M + 10, 10, 0]))] });
        let h = budget_hints(&all, false, &HintOptions::default());
        assert_eq!(by_id(&h, "A").hint, Some(Hint::Hold));
    }

    /// The 28 days must agree: a good week on a bad month holds.
    #[test]
    fn the_28_days_must_agree() {
        // 7d CPA of A 10 (scale-up territory), but 28 days (day 80 adds 900 for 10) at 50 vs the median.
        let all = [camp("A", 100, 10, 900, 10), camp("B", 200, 10, 0, 0), camp("C", 300, 10, 0, 0)];
        let h = budget_hints(&all, false, &HintOptions::default());
        // 28d CPAs: A 1000/20 = 50, B 20, C 30 → median 30; A's 50 > 30.
        assert_eq!(text(&h.medians[1]), "30.00");
        assert_eq!(by_id(&h, "A").hint, Some(Hint::Hold));
        assert_eq!(by_id(&h, "A").reason, "CPA 7d 0.50x median, 28d 1.67x median");
    }

    /// Ineligible campaigns get no tag and the first reason; they are not
    /// in the medians; fewer than 3 eligible tags nobody.
    #[test]
    fn eligibility_and_reasons() {
        let all = [
            camp("A", 100, 10, 0, 0),
            camp("B", 200, 10, 0, 0),
            camp("C", 300, 10, 0, 0),
            camp("low-spend-7", 99, 10, 500, 20),
            camp("low-conv-7", 100, 9, 500, 20),
            camp("also-ok", 100, 10, 0, 0),
            s("old", &[(60, 1000, 100, 0), (70, 1000, 100, 0)]), // nothing in 28 days
            s("late-28", &[(72, 1000, 100, 0), (73, 1000, 100, 0), (100, 100, 10, 0)]), // day 73 is in the 28 days ending on 100
        ];
        let h = budget_hints(&all, false, &HintOptions::default());
        assert_eq!(h.last_day, Some(100));
        assert_eq!(by_id(&h, "low-spend-7").reason, "below min spend in the last 7 days");
        assert_eq!(by_id(&h, "low-spend-7").hint, None);
        assert_eq!(by_id(&h, "low-conv-7").reason, "below min conversions in the last 7 days");
        assert_eq!(by_id(&h, "old").reason, "below min spend in the last 7 days");
        assert_eq!(by_id(&h, "old").windows[1].spend, 0);
        assert_eq!(by_id(&h, "late-28").windows[1].spend, 1100 * M);
        assert_eq!(by_id(&h, "late-28").windows[0].spend, 100 * M);
        // 7d eligible: A B C also-ok late-28 (5); 28d: + low-spend-7, low-conv-7 (7).
        assert_eq!(h.eligible, [5, 7]);
        // A 28-day-only shortfall.
        let all = [camp("A", 100, 10, 0, 0), camp("B", 200, 10, 0, 0), camp("C", 300, 10, 0, 0), s("X", &[(100, 100, 10, 0)])];
        let opts = HintOptions { min_spend: 100 * M, min_conversions: 10 };
        let h = budget_hints(&all, false, &opts);
        assert_eq!(h.eligible, [4, 4]);
        let opts = HintOptions { min_spend: 100 * M, min_conversions: 11 };
        let h = budget_hints(&all, false, &opts);
        assert_eq!(h.eligible, [0, 0]);
        assert_eq!(h.count(None), 4);
        // Only two eligible: no tags.
        let all = [camp("A", 100, 10, 0, 0), camp("B", 200, 10, 0, 0), camp("C", 300, 9, 0, 0)];
        let h = budget_hints(&all, false, &HintOptions::default());
        assert_eq!(by_id(&h, "A").reason, "fewer than 3 eligible campaigns in the last 7 days");
        assert_eq!(by_id(&h, "A").hint, None);
        assert_eq!(text(&h.medians[0]), "15.00");
        // No minimums: CPA without conversions is still undefined.
        let all = [camp("A", 100, 0, 0, 0)];
        let h = budget_hints(&all, false, &HintOptions { min_spend: 0, min_conversions: 0 });
        assert_eq!(by_id(&h, "A").reason, "no conversions in the last 7 days");
    }

    /// With revenue the metric is ROAS, higher is better: the mirror.
    #[test]
    fn roas_mirrored() {
        // ROAS 7d (= 28d): A 1.0, B 2.0, C 3.0 → median 2; ≥ 2.4 scales up, ≤ 1.6 scales down.
        let all = [
            s("A", &[(100, 100, 10, 100)]),
            s("B", &[(100, 100, 10, 200)]),
            s("C", &[(100, 100, 10, 300)]),
            s("D", &[(100, 100, 10, 240)]),
        ];
        let h = budget_hints(&all, true, &HintOptions::default());
        assert_eq!(h.metric, HintMetric::Roas);
        // 1, 2, 2.4, 3 → median 2.2; 1.2 × 2.2 = 2.64, 0.8 × 2.2 = 1.76.
        assert_eq!(text(&h.medians[0]), "2.20");
        assert_eq!(by_id(&h, "A").hint, Some(Hint::ScaleDown));
        assert_eq!(by_id(&h, "B").hint, Some(Hint::Hold));
        assert_eq!(by_id(&h, "C").hint, Some(Hint::ScaleUp));
        assert_eq!(by_id(&h, "C").reason, "ROAS 7d 1.36x median, 28d 1.36x median");
        assert_eq!(by_id(&h, "D").hint, Some(Hint::Hold));
        assert_eq!(by_id(&h, "C").windows[0].revenue, 300 * M);
        // Without revenue the same series are judged by CPA (all 10: hold).
        let h = budget_hints(&all, false, &HintOptions::default());
        assert_eq!(h.metric, HintMetric::Cpa);
        assert_eq!(h.count(Some(Hint::Hold)), 4);
        assert_eq!(by_id(&h, "C").windows[0].revenue, 0);
    }

    #[test]
    fn no_series_no_hints() {
        let h = budget_hints(&[], false, &HintOptions::default());
        assert_eq!((h.last_day, h.rows.len(), h.eligible), (None, 0, [0, 0]));
    }
}
