//! Top-k selection by any metric of [`crate::schema::metric`]: exact
//! ratios compared by cross-multiplying in 128 bits, never as rounded or
//! floating-point values, ties broken by campaign id in byte order; in
//! either direction, among the campaigns that pass minimum-volume
//! [`Guardrails`].

use std::cmp::Ordering;

use crate::group::table::Table;
use crate::schema::metric::{Better, Metric};
use crate::schema::platform::Platform;
use crate::schema::totals::{Sum, Totals};

/// Minimum volumes a campaign needs to be ranked: it is eligible when each
/// of its totals is at least the minimum of that sum (money in micros, so
/// a minimum spend compares exactly). All zero (the default): no guardrail.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Guardrails {
    /// The minimum per sum, by [`Sum::index`] (money in micro-units).
    pub min: Totals,
}

impl Guardrails {
    /// No minimum.
    pub const NONE: Guardrails = Guardrails { min: Totals { sums: [0; crate::schema::totals::SUMS] } };

    /// These guardrails with a minimum of `value` (in the sum's own scale:
    /// micros for money) for `sum`.
    pub fn with(mut self, sum: Sum, value: u64) -> Guardrails {
        self.min.sums[sum.index()] = value;
        self
    }

    /// True when `t` meets every minimum.
    #[inline(always)]
    pub fn admit(&self, t: &Totals) -> bool {
        t.sums.iter().zip(&self.min.sums).all(|(v, m)| v >= m)
    }

    /// True when there is no minimum.
    pub fn is_none(&self) -> bool {
        *self == Guardrails::NONE
    }
}

/// A ranking as written by a user (`--rank`, the widget's `rank`,
/// `aggregateFile`'s `rank`): `METRIC[:asc|:desc]`, the metric one of
/// [`KPIS`](crate::schema::metric::KPIS) by key (any case), the direction
/// its natural one when not given. The error says what was wrong.
pub fn parse_rank(value: &str) -> Result<(&'static Metric, Better), String> {
    let (key, direction) = match value.split_once(':') {
        Some((key, direction)) => (key, Some(direction)),
        None => (value, None),
    };
    let metric = crate::schema::metric::metric_by_key(key.trim())
        .ok_or_else(|| format!("unknown metric {key:?} (one of ctr, cpc, cpm, cvr, cpa, roas)"))?;
    let better = match direction {
        None => metric.better,
        Some(d) => Better::from_name(&d.trim().to_ascii_lowercase())
            .ok_or_else(|| format!("direction must be asc or desc, not {d:?}"))?,
    };
    Ok((metric, better))
}

/// A guardrail's minimum for `sum` as written by a user, in the sum's own
/// scale: a whole number for counts, a plain decimal of at most 6 places
/// for money (micro-units; more places are refused, not rounded). At
/// least 0.
pub fn parse_minimum(sum: Sum, value: &str) -> Result<u64, String> {
    let v = value.trim();
    if sum.scale() == 1 {
        return v.parse::<u64>().map_err(|_| format!("expected a whole number of at least 0, not {value:?}"));
    }
    let bad = || format!("expected an amount of at least 0 such as 25 or 12.50, not {value:?}");
    let (int, frac) = v.split_once('.').unwrap_or((v, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (int.is_empty() && frac.is_empty()) || !digits(int) || !digits(frac) || frac.len() > 6 {
        return Err(bad());
    }
    let int: u64 = if int.is_empty() { 0 } else { int.parse().map_err(|_| bad())? };
    let frac: u64 = format!("{frac:0<6}").parse().map_err(|_| bad())?;
    int.checked_mul(sum.scale()).and_then(|m| m.checked_add(frac)).ok_or_else(bad)
}

/// What a ranking asks for: a metric, which end first, how many rows, and
/// the guardrails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RankSpec {
    /// The metric ranked by.
    pub metric: &'static Metric,
    /// Which end ranks first ([`Metric::better`] by default).
    pub better: Better,
    /// Rows kept.
    pub top: usize,
    /// Minimum volumes.
    pub guardrails: Guardrails,
}

impl RankSpec {
    /// The top `top` by `metric`, its natural direction, no guardrails.
    pub fn new(metric: &'static Metric, top: usize) -> RankSpec {
        RankSpec { metric, better: metric.better, top, guardrails: Guardrails::NONE }
    }
}

/// One campaign with its totals, as ranked and written out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ranked {
    /// Campaign id (raw bytes).
    pub campaign_id: Box<[u8]>,
    /// Its totals.
    pub totals: Totals,
    /// The last campaign name seen for it, when the file also has names.
    pub name: Option<Box<[u8]>>,
    /// Its platform, when several platforms were loaded and kept apart
    /// ([`crate::run::files`]); `None` otherwise.
    pub platform: Option<Platform>,
    /// Its revenue is absent (several files, none of its rows from one
    /// with a revenue column): revenue and ROAS are empty, not zero.
    pub revenue_absent: bool,
}

/// One ranking: a metric and its best campaigns, best first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ranking {
    /// The metric ranked by.
    pub metric: &'static Metric,
    /// The best campaigns, best first.
    pub rows: Vec<Ranked>,
    /// What was asked for (metric, direction, rows, guardrails).
    pub spec: RankSpec,
    /// Campaigns the metric is defined for that a guardrail turned away
    /// (a campaign without the metric, e.g. no conversions for CPA, is
    /// not counted: it was never rankable).
    pub removed: u64,
    /// Campaigns the metric is defined for and that pass the guardrails.
    pub eligible: u64,
}

/// The best `k` campaigns by `metric` (those it is defined for), best
/// first, in O(n log k) without sorting everything.
pub fn top_k(campaigns: &Table, k: usize, metric: &'static Metric) -> Vec<Ranked> {
    rank(campaigns, RankSpec::new(metric, k)).rows
}

/// The ranking `spec` asks for, over every campaign of `campaigns`.
pub fn rank(campaigns: &Table, spec: RankSpec) -> Ranking {
    let mut top = TopK::with_spec(spec);
    campaigns.for_each(|id, totals| top.offer(id, totals));
    top.into_ranking()
}

/// The best `k` campaigns by one metric offered so far, best first:
/// several rankings can be kept in one pass over the campaigns.
pub struct TopK {
    k: usize,
    best: Vec<Ranked>,
    metric: &'static Metric,
    spec: RankSpec,
    /// Guardrails to check (`None`: no minimum, nothing to check).
    guardrails: Option<Guardrails>,
    removed: u64,
    eligible: u64,
    /// The metric's sums, as indices into [`Totals::sums`].
    sums: (usize, usize),
    /// `(numerator, denominator)` of the last of `best` once it is full:
    /// most campaigns are turned away by one comparison with it.
    worst: Option<(u64, u64)>,
}

impl TopK {
    /// An empty ranking of `k` rows by `metric`.
    pub fn new(k: usize, metric: &'static Metric) -> Self {
        TopK::with_spec(RankSpec::new(metric, k))
    }

    /// An empty ranking as `spec` asks for.
    pub fn with_spec(spec: RankSpec) -> Self {
        let (k, metric) = (spec.top, spec.metric);
        let sums = (metric.numerator as usize, metric.denominator as usize);
        let guardrails = (!spec.guardrails.is_none()).then_some(spec.guardrails);
        TopK { k, best: Vec::with_capacity(k.min(1 << 16) + 1), metric, spec, guardrails, removed: 0, eligible: 0, sums, worst: None }
    }

    /// Considers one campaign (its id is copied only if it is kept).
    /// Always inlined: the report calls it per campaign and ranking, and
    /// outlined it cost the 17-digit-id file 1.3% more instructions.
    #[inline(always)]
    pub fn offer(&mut self, id: &[u8], totals: &Totals) {
        let sums = totals.sums();
        let value = (sums[self.sums.0], sums[self.sums.1]);
        if value.1 == 0 {
            return; // not defined for this campaign
        }
        if let Some(g) = &self.guardrails {
            if !g.admit(totals) {
                self.removed += 1;
                return;
            }
        }
        self.eligible += 1;
        if self.k == 0 {
            return;
        }
        if let Some(worst) = self.worst {
            match self.metric.order_values_by(self.spec.better, value, worst) {
                Ordering::Greater => return,
                Ordering::Equal if id >= &self.best[self.k - 1].campaign_id[..] => return,
                _ => {}
            }
        }
        self.insert(id, totals);
    }

    #[inline(never)]
    fn insert(&mut self, id: &[u8], totals: &Totals) {
        let (k, metric, better) = (self.k, self.metric, self.spec.better);
        let item = (id, totals);
        let at = self.best.partition_point(|b| metric.order_by(better, key(b), item) == Ordering::Less);
        self.best.insert(at, Ranked { campaign_id: id.into(), totals: *totals, name: None, platform: None, revenue_absent: false });
        self.best.truncate(k);
        if self.best.len() == k {
            let last = &self.best[k - 1].totals;
            self.worst = Some((metric.numerator.of(last), metric.denominator.of(last)));
        }
    }

    /// The metric ranked by.
    pub fn metric(&self) -> &'static Metric {
        self.metric
    }

    /// The ranking, best first.
    pub fn into_vec(self) -> Vec<Ranked> {
        self.best
    }

    /// The ranking with what was asked and how many were removed.
    pub fn into_ranking(self) -> Ranking {
        Ranking { metric: self.metric, spec: self.spec, removed: self.removed, eligible: self.eligible, rows: self.best }
    }
}

/// A ranked row as [`Metric::order`] takes it.
fn key(r: &Ranked) -> (&[u8], &Totals) {
    (&r.campaign_id, &r.totals)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::metric::{CPA, CTR};

    #[test]
    fn parses_what_users_write() {
        use crate::schema::metric::ROAS;
        assert_eq!(parse_rank("roas"), Ok((&ROAS, Better::Higher)));
        assert_eq!(parse_rank("CPA:desc"), Ok((&CPA, Better::Higher)));
        assert_eq!(parse_rank("ctr: ASC "), Ok((&CTR, Better::Lower)));
        assert!(parse_rank("cpx").unwrap_err().contains("unknown metric"));
        assert!(parse_rank("ctr:up").unwrap_err().contains("asc or desc"));
        assert_eq!(parse_minimum(Sum::Clicks, " 10 "), Ok(10));
        assert!(parse_minimum(Sum::Clicks, "1.5").is_err());
        assert!(parse_minimum(Sum::Clicks, "-1").is_err());
        assert_eq!(parse_minimum(Sum::Spend, "12.5"), Ok(12_500_000));
        assert_eq!(parse_minimum(Sum::Spend, ".000001"), Ok(1));
        assert_eq!(parse_minimum(Sum::Spend, "3"), Ok(3_000_000));
        assert!(parse_minimum(Sum::Spend, "0.0000001").is_err(), "more than 6 places are refused");
        assert!(parse_minimum(Sum::Spend, "1e3").is_err());
        assert!(parse_minimum(Sum::Spend, "").is_err());
        assert!(parse_minimum(Sum::Spend, "99999999999999").is_err(), "overflow is refused");
    }

    fn map(rows: &[(&str, u64, u64, u64, u64)]) -> Table {
        let mut table = Table::new();
        for &(id, i, c, s, v) in rows {
            table.add(id.as_bytes(), &Totals::required([i, c, s, v])).unwrap();
        }
        table
    }

    fn ids(r: &[Ranked]) -> Vec<String> {
        r.iter().map(|r| String::from_utf8(r.campaign_id.to_vec()).unwrap()).collect()
    }

    #[test]
    fn ctr_ranking_with_ties_and_zero_impressions() {
        let m = map(&[("B", 100, 5, 0, 0), ("A", 200, 10, 0, 0), ("C", 3, 1, 0, 0), ("Z", 0, 0, 0, 0), ("D", 1000, 1, 0, 0)]);
        assert_eq!(ids(&top_k(&m, 10, &CTR)), ["C", "A", "B", "D"]);
        assert_eq!(ids(&top_k(&m, 2, &CTR)), ["C", "A"]);
    }

    #[test]
    fn cpa_ranking_excludes_zero_conversions() {
        let m = map(&[("X", 0, 0, 10, 0), ("B", 0, 0, 30, 3), ("A", 0, 0, 20, 2), ("C", 0, 0, 5, 1)]);
        assert_eq!(ids(&top_k(&m, 10, &CPA)), ["C", "A", "B"]);
    }

    #[test]
    fn exact_comparison_beats_floats() {
        // 1/3 vs 333333333333333333/999999999999999999 are equal; a float
        // division would call them equal too, so use values that differ by
        // less than f64 can see.
        let big = 1u64 << 60;
        let m = map(&[("a", big + 1, big, 0, 0), ("b", big, big - 1, 0, 0)]);
        // a: big/(big+1) = 1 - 1/(big+1); b: (big-1)/big = 1 - 1/big; a > b.
        assert_eq!(ids(&top_k(&m, 2, &CTR)), ["a", "b"]);
    }

    #[test]
    fn guardrails_direction_and_exact_ratios() {
        use crate::schema::metric::{CPC, ROAS};
        let big = 1u64 << 60;
        // a and b differ by less than an f64 sees (a first); c (0.9) has few clicks.
        let m = map(&[("a", big + 1, big, 0, 0), ("b", big, big - 1, 0, 0), ("c", 10, 9, 0, 0), ("z", 0, 0, 0, 0)]);
        let spec = RankSpec::new(&CTR, 10);
        let all = rank(&m, spec);
        assert_eq!((ids(&all.rows), all.removed, all.eligible), (vec!["a".to_string(), "b".into(), "c".into()], 0, 3));
        let g = Guardrails::NONE.with(Sum::Clicks, 1000);
        let r = rank(&m, RankSpec { guardrails: g, ..spec });
        assert_eq!((ids(&r.rows), r.removed, r.eligible), (vec!["a".to_string(), "b".into()], 1, 2), "z has no CTR: not counted");
        let r = rank(&m, RankSpec { guardrails: g, better: Better::Lower, ..spec });
        assert_eq!(ids(&r.rows), ["b", "a"]);
        let g = Guardrails::NONE.with(Sum::Impressions, big + 1);
        assert_eq!(ids(&rank(&m, RankSpec { guardrails: g, ..spec }).rows), ["a"]);
        // Ties by id in both directions; spend compared in micros.
        let mut t = Table::new();
        for (id, clicks, spend, rev) in [("y", 2, 1_000_000, 3_000_000), ("x", 4, 2_000_000, 6_000_000), ("w", 4, 1_999_999, 1)] {
            t.add(id.as_bytes(), &Totals::new([100, clicks, spend, 0, rev])).unwrap();
        }
        assert_eq!(ids(&top_k(&t, 10, &CPC)), ["w", "x", "y"]);
        let asc = RankSpec { better: Better::Higher, ..RankSpec::new(&CPC, 10) };
        assert_eq!(ids(&rank(&t, asc).rows), ["x", "y", "w"]);
        let g = Guardrails::NONE.with(Sum::Spend, 2_000_000);
        let r = rank(&t, RankSpec { guardrails: g, ..RankSpec::new(&ROAS, 10) });
        assert_eq!((ids(&r.rows), r.removed), (vec!["x".to_string()], 2));
        for k in [Sum::Impressions, Sum::Conversions] {
            let r = rank(&t, RankSpec { guardrails: Guardrails::NONE.with(k, 101), ..RankSpec::new(&CPC, 10) });
            assert_eq!((r.rows.len(), r.removed), (0, 3));
        }
    }
}
