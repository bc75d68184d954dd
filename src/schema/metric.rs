//! Metrics as data: every KPI is an exact ratio of two summed columns,
//! with the direction that ranks it, its decimals and the campaigns it is
//! defined for. Rankings, the output files and the columns the web shell
//! draws are all driven by [`METRICS`]; a new KPI is one entry here.

use std::cmp::Ordering;

use crate::schema::totals::{Sum, Totals};

/// Which end of a ranking is best.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    /// The highest value first (CTR).
    Higher,
    /// The lowest value first (CPA).
    Lower,
}

/// A KPI: `numerator / denominator`, defined for the campaigns whose
/// denominator sum is above zero, written with `decimals` places rounded
/// half away from zero from the exact value.
#[derive(Debug, PartialEq, Eq)]
pub struct Metric {
    /// Its key in JS results and its file name's stem (`ctr` → `top10_ctr.csv`).
    pub key: &'static str,
    /// Its output column's header (`CTR`).
    pub header: &'static str,
    /// The summed column divided.
    pub numerator: Sum,
    /// The summed column divided by.
    pub denominator: Sum,
    /// Which end ranks first.
    pub better: Better,
    /// Places written.
    pub decimals: u32,
}

/// Click-through rate: clicks / impressions, highest first, 4 decimals.
pub const CTR: Metric =
    Metric { key: "ctr", header: "CTR", numerator: Sum::Clicks, denominator: Sum::Impressions, better: Better::Higher, decimals: 4 };

/// Cost per acquisition: spend / conversions, lowest first, 2 decimals;
/// campaigns without conversions have none.
pub const CPA: Metric =
    Metric { key: "cpa", header: "CPA", numerator: Sum::Spend, denominator: Sum::Conversions, better: Better::Lower, decimals: 2 };

/// Every metric, in output column order; each is also a ranking.
pub const METRICS: [&Metric; 2] = [&CTR, &CPA];

impl Metric {
    /// Whether the metric is defined for these totals (its denominator is
    /// above zero).
    #[inline]
    pub fn defined(&self, t: &Totals) -> bool {
        self.denominator.of(t) > 0
    }

    /// The exact value as `(numerator, denominator)` in one scale (the
    /// numerator's scale is moved to the denominator and the other way).
    fn ratio(&self, t: &Totals) -> (u128, u128) {
        let n = u128::from(self.numerator.of(t)) * u128::from(self.denominator.scale());
        let d = u128::from(self.denominator.of(t)) * u128::from(self.numerator.scale());
        (n, d)
    }

    /// Best first by this metric (both defined), then campaign id in byte
    /// order. Exact: cross-multiplied in 128 bits, never rounded.
    #[inline]
    pub fn order(&self, a: (&[u8], &Totals), b: (&[u8], &Totals)) -> Ordering {
        let value = |t: &Totals| (self.numerator.of(t), self.denominator.of(t));
        self.order_values(value(a.1), value(b.1)).then_with(|| a.0.cmp(b.0))
    }

    /// Best first by this metric, for `(numerator, denominator)` sums (both
    /// defined); equal values are `Equal`. The scales are the same on both
    /// sides, so the raw sums compare.
    #[inline(always)]
    pub fn order_values(&self, (an, ad): (u64, u64), (bn, bd): (u64, u64)) -> Ordering {
        let low_first = (u128::from(an) * u128::from(bd)).cmp(&(u128::from(bn) * u128::from(ad)));
        match self.better {
            Better::Higher => low_first.reverse(),
            Better::Lower => low_first,
        }
    }

    /// The value as written: `decimals` places, half away from zero; empty
    /// when the metric is not defined.
    pub fn format(&self, t: &Totals) -> String {
        if !self.defined(t) {
            return String::new();
        }
        let (n, d) = self.ratio(t);
        format_ratio(n, d, self.decimals)
    }
}

/// `num / den` rounded half away from zero to `decimals` places (den > 0).
pub fn format_ratio(num: u128, den: u128, decimals: u32) -> String {
    let scale = 10u128.pow(decimals);
    let scaled = (num * scale * 2 + den) / (den * 2);
    let (int, frac) = (scaled / scale, scaled % scale);
    if decimals == 0 {
        return int.to_string();
    }
    format!("{int}.{frac:0width$}", width = decimals as usize)
}

/// A sum as written: units as an integer, money with 2 decimals (half
/// away from zero).
pub fn format_sum(sum: Sum, t: &Totals) -> String {
    match sum.scale() {
        1 => sum.of(t).to_string(),
        scale => format_ratio(u128::from(sum.of(t)), u128::from(scale), 2),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(i: u64, c: u64, s: u64, v: u64) -> Totals {
        Totals::new([i, c, s, v])
    }

    #[test]
    fn rounding_half_away_from_zero() {
        assert_eq!(CPA.format(&t(0, 0, 125_000, 1)), "0.13"); // 0.125
        assert_eq!(CPA.format(&t(0, 0, 124_999, 1)), "0.12");
        assert_eq!(CTR.format(&t(20000, 1, 0, 0)), "0.0001"); // 0.00005
        assert_eq!(CTR.format(&t(20001, 1, 0, 0)), "0.0000");
        assert_eq!(CTR.format(&t(3, 2, 0, 0)), "0.6667");
        assert_eq!(format_sum(Sum::Spend, &t(0, 0, 4_995_000, 0)), "5.00"); // 4.995
        assert_eq!(format_sum(Sum::Spend, &t(0, 0, 4_994_999, 0)), "4.99");
        assert_eq!(CTR.format(&t(0, 0, 0, 0)), "");
        assert_eq!(CPA.format(&t(0, 0, 5, 0)), "");
        assert_eq!(CTR.format(&t(5, 5, 0, 0)), "1.0000");
        assert_eq!(format_sum(Sum::Spend, &t(0, 0, u64::MAX, 0)), "18446744073709.55");
        assert_eq!(CPA.format(&t(0, 0, u64::MAX, 1)), "18446744073709.55");
        assert_eq!(format_sum(Sum::Clicks, &t(0, 7, 0, 0)), "7");
    }

    #[test]
    fn order_by_direction_then_id() {
        let (a, b) = (t(100, 10, 0, 0), t(100, 20, 0, 0));
        assert_eq!(CTR.order((b"x", &b), (b"a", &a)), Ordering::Less, "higher CTR first");
        assert_eq!(CTR.order((b"a", &a), (b"b", &a)), Ordering::Less, "ties by id");
        let (cheap, dear) = (t(0, 0, 5, 1), t(0, 0, 10, 1));
        assert_eq!(CPA.order((b"z", &cheap), (b"a", &dear)), Ordering::Less, "lower CPA first");
    }
}
