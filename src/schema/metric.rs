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

/// A KPI: `factor · numerator / denominator`, defined for the campaigns
/// whose denominator sum is above zero, written with `decimals` places
/// rounded half away from zero from the exact value.
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
    /// A constant the ratio is multiplied by (1000 for CPM, else 1).
    pub factor: u64,
    /// Which end ranks first.
    pub better: Better,
    /// Places written.
    pub decimals: u32,
}

const fn kpi(
    key: &'static str,
    header: &'static str,
    numerator: Sum,
    denominator: Sum,
    factor: u64,
    better: Better,
    decimals: u32,
) -> Metric {
    Metric { key, header, numerator, denominator, factor, better, decimals }
}

/// Click-through rate: clicks / impressions, highest first, 4 decimals.
pub const CTR: Metric = kpi("ctr", "CTR", Sum::Clicks, Sum::Impressions, 1, Better::Higher, 4);

/// Cost per click: spend / clicks, lowest first, 2 decimals.
pub const CPC: Metric = kpi("cpc", "CPC", Sum::Spend, Sum::Clicks, 1, Better::Lower, 2);

/// Cost per mille: 1000 · spend / impressions, lowest first, 2 decimals.
pub const CPM: Metric = kpi("cpm", "CPM", Sum::Spend, Sum::Impressions, 1000, Better::Lower, 2);

/// Conversion rate: conversions / clicks, highest first, 4 decimals.
pub const CVR: Metric = kpi("cvr", "CVR", Sum::Conversions, Sum::Clicks, 1, Better::Higher, 4);

/// Cost per acquisition: spend / conversions, lowest first, 2 decimals;
/// campaigns without conversions have none.
pub const CPA: Metric = kpi("cpa", "CPA", Sum::Spend, Sum::Conversions, 1, Better::Lower, 2);

/// Return on ad spend: revenue / spend, highest first, 2 decimals; absent
/// (not zero) when the input has no revenue column.
pub const ROAS: Metric = kpi("roas", "ROAS", Sum::Revenue, Sum::Spend, 1, Better::Higher, 2);

/// The FV-SEC001 rankings, in output column order: `top10_ctr.csv` and
/// `top10_cpa.csv`, the default job (and the web shell's result).
pub const METRICS: [&Metric; 2] = [&CTR, &CPA];

/// Every KPI, in the column order of `all_campaigns.csv` and the ranking
/// files asked for by metric (`--rank`).
pub const KPIS: [&Metric; 6] = [&CTR, &CPC, &CPM, &CVR, &CPA, &ROAS];

impl Better {
    /// `asc` (lowest first) or `desc` (highest first).
    pub fn name(self) -> &'static str {
        match self {
            Better::Higher => "desc",
            Better::Lower => "asc",
        }
    }

    /// [`Better`] from `asc` or `desc`.
    pub fn from_name(name: &str) -> Option<Better> {
        match name {
            "desc" => Some(Better::Higher),
            "asc" => Some(Better::Lower),
            _ => None,
        }
    }
}

/// The KPI of `key` (`ctr`, `cpc`, `cpm`, `cvr`, `cpa`, `roas`; any case).
pub fn metric_by_key(key: &str) -> Option<&'static Metric> {
    KPIS.into_iter().find(|m| m.key.eq_ignore_ascii_case(key))
}

impl Metric {
    /// Whether the metric is defined for these totals (its denominator is
    /// above zero).
    #[inline]
    pub fn defined(&self, t: &Totals) -> bool {
        self.denominator.of(t) > 0
    }

    /// Whether it needs an optional sum (ROAS needs revenue): without that
    /// column in the input it is absent, never zero.
    pub fn needs_optional(&self) -> bool {
        !self.numerator.required() || !self.denominator.required()
    }

    /// The exact value as `(numerator, denominator)` in one scale (the
    /// numerator's scale is moved to the denominator and the other way).
    fn ratio(&self, t: &Totals) -> (u128, u128) {
        let n = u128::from(self.numerator.of(t)) * u128::from(self.denominator.scale()) * u128::from(self.factor);
        let d = u128::from(self.denominator.of(t)) * u128::from(self.numerator.scale());
        (n, d)
    }

    /// Best first by this metric (both defined), then campaign id in byte
    /// order. Exact: cross-multiplied in 128 bits, never rounded.
    #[inline]
    pub fn order(&self, a: (&[u8], &Totals), b: (&[u8], &Totals)) -> Ordering {
        self.order_by(self.better, a, b)
    }

    /// [`order`](Self::order) with `better` first (a ranking may ask for
    /// the other end).
    #[inline]
    pub fn order_by(&self, better: Better, a: (&[u8], &Totals), b: (&[u8], &Totals)) -> Ordering {
        let value = |t: &Totals| (self.numerator.of(t), self.denominator.of(t));
        self.order_values_by(better, value(a.1), value(b.1)).then_with(|| a.0.cmp(b.0))
    }

    /// Best first by this metric, for `(numerator, denominator)` sums (both
    /// defined); equal values are `Equal`. The scales (and the factor) are
    /// the same on both sides, so the raw sums compare.
    #[inline(always)]
    pub fn order_values(&self, a: (u64, u64), b: (u64, u64)) -> Ordering {
        self.order_values_by(self.better, a, b)
    }

    /// [`order_values`](Self::order_values) with `better` first.
    #[inline(always)]
    pub fn order_values_by(&self, better: Better, (an, ad): (u64, u64), (bn, bd): (u64, u64)) -> Ordering {
        let low_first = (u128::from(an) * u128::from(bd)).cmp(&(u128::from(bn) * u128::from(ad)));
        match better {
            Better::Higher => low_first.reverse(),
            Better::Lower => low_first,
        }
    }

    /// The value as written: `decimals` places, half away from zero; empty
    /// when the metric is not defined.
    pub fn format(&self, t: &Totals) -> String {
        let mut out = String::new();
        self.push(&mut out, t);
        out
    }

    /// [`format`](Self::format), appended to `out`.
    #[inline]
    pub fn push(&self, out: &mut String, t: &Totals) {
        if self.defined(t) {
            let (n, d) = self.ratio(t);
            push_ratio(out, n, d, self.decimals);
        }
    }
}

/// `num / den` rounded half away from zero to `decimals` places (den > 0).
pub fn format_ratio(num: u128, den: u128, decimals: u32) -> String {
    let mut out = String::new();
    push_ratio(&mut out, num, den, decimals);
    out
}

/// [`format_ratio`], appended to `out` (no allocation: the daily files
/// write hundreds of thousands of cells).
pub fn push_ratio(out: &mut String, num: u128, den: u128, decimals: u32) {
    let scale = 10u64.pow(decimals);
    // floor((2·num·scale + den) / (2·den)): half up, for non-negative values.
    // In 64 bits when it fits (most cells): one division instruction, where
    // 128 bits is a call (and in wasm a slow one).
    let small = match (u64::try_from(num), u64::try_from(den)) {
        (Ok(n), Ok(d)) => n.checked_mul(scale * 2).and_then(|t| t.checked_add(d)).zip(d.checked_mul(2)).map(|(t, twice)| t / twice),
        _ => None,
    };
    let scaled = small.map_or_else(|| (num * u128::from(scale) * 2 + den) / (den * 2), u128::from);
    let (int, frac) = match u64::try_from(scaled) {
        Ok(v) => (u128::from(v / scale), v % scale),
        Err(_) => (scaled / u128::from(scale), (scaled % u128::from(scale)) as u64),
    };
    match u64::try_from(int) {
        Ok(v) => out.push_str(itoa::Buffer::new().format(v)),
        Err(_) => out.push_str(itoa::Buffer::new().format(int)),
    }
    if decimals > 0 {
        out.push('.');
        push_padded(out, frac, decimals);
    }
}

/// `v` (below 10^`width`) with `width` digits, zero-padded.
pub fn push_padded(out: &mut String, mut v: u64, width: u32) {
    let mut buf = [b'0'; 20];
    let width = width as usize;
    for b in buf[..width].iter_mut().rev() {
        *b = b'0' + (v % 10) as u8;
        v /= 10;
    }
    debug_assert_eq!(v, 0, "wider than {width} digits");
    out.extend(buf[..width].iter().map(|&b| char::from(b)));
}

/// A sum as written: units as an integer, money with 2 decimals (half
/// away from zero).
pub fn format_sum(sum: Sum, t: &Totals) -> String {
    let mut out = String::new();
    push_sum(&mut out, sum, t);
    out
}

/// [`format_sum`], appended to `out`.
#[inline]
pub fn push_sum(out: &mut String, sum: Sum, t: &Totals) {
    match sum.scale() {
        1 => out.push_str(itoa::Buffer::new().format(sum.of(t))),
        scale => push_ratio(out, u128::from(sum.of(t)), u128::from(scale), 2),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(i: u64, c: u64, s: u64, v: u64) -> Totals {
        Totals::required([i, c, s, v])
    }

    fn r(i: u64, c: u64, s: u64, v: u64, rev: u64) -> Totals {
        Totals::new([i, c, s, v, rev])
    }

    /// `push_ratio` (64 bits when it fits) equals the plain 128-bit
    /// formula, at the edges of the 64-bit path and past them.
    #[test]
    fn ratio_text_equals_the_128_bit_formula() {
        let reference = |num: u128, den: u128, decimals: u32| {
            let scale = 10u128.pow(decimals);
            let scaled = (num * scale * 2 + den) / (den * 2);
            match decimals {
                0 => (scaled / scale).to_string(),
                _ => format!("{}.{:0w$}", scaled / scale, scaled % scale, w = decimals as usize),
            }
        };
        let m = u128::from(u64::MAX);
        let edges = [0, 1, 2, 3, 5, 7, 999, 1_000_000, m / 20_001, m / 20_000, m / 200, m / 2, m - 1, m, m + 1, m * 3, 1 << 100];
        for &num in &edges {
            for &den in &[1, 2, 3, 7, 1_000_000, m / 2, m, m + 1, 1 << 90] {
                for decimals in [0, 2, 4] {
                    assert_eq!(format_ratio(num, den, decimals), reference(num, den, decimals), "{num} / {den}, {decimals}");
                }
            }
        }
    }

    #[test]
    fn every_kpi_with_a_zero_denominator_is_empty() {
        // Every sum but the denominator non-zero: still undefined.
        for m in KPIS {
            let mut sums = [7u64; 5];
            sums[m.denominator.index()] = 0;
            assert_eq!(m.format(&Totals::new(sums)), "", "{}", m.key);
            assert!(!m.defined(&Totals::new(sums)));
        }
        assert_eq!(CPC.format(&r(10, 0, 5_000_000, 1, 0)), "");
        assert_eq!(CPM.format(&r(0, 1, 5_000_000, 1, 0)), "");
        assert_eq!(CVR.format(&r(10, 0, 1, 1, 0)), "");
        assert_eq!(ROAS.format(&r(10, 1, 0, 1, 9_000_000)), "");
        // A zero numerator is a defined zero.
        assert_eq!(ROAS.format(&r(10, 1, 1_000_000, 1, 0)), "0.00");
        assert_eq!(CVR.format(&r(10, 3, 0, 0, 0)), "0.0000");
    }

    #[test]
    fn each_kpi_exact_and_rounded_half_away_from_zero() {
        // 1000 impressions, 8 clicks, 12.345 spend, 3 conversions, 40.005 revenue.
        let x = r(1000, 8, 12_345_000, 3, 40_005_000);
        assert_eq!(CTR.format(&x), "0.0080");
        assert_eq!(CPC.format(&x), "1.54"); // 1.543125
        assert_eq!(CPM.format(&x), "12.35"); // 12.345 exactly: half away from zero
        assert_eq!(CVR.format(&x), "0.3750");
        assert_eq!(CPA.format(&x), "4.12"); // 4.115
        assert_eq!(ROAS.format(&x), "3.24"); // 3.2405...
        assert_eq!(CPM.format(&r(3, 0, 1, 0, 0)), "0.00"); // 0.000333...
        assert_eq!(CPM.format(&r(1, 0, u64::MAX, 0, 0)), "18446744073709551.62");
        assert_eq!(ROAS.format(&r(0, 0, 1, 0, u64::MAX)), "18446744073709551615.00");
        assert_eq!(metric_by_key("ROAS"), Some(&ROAS));
        assert_eq!(metric_by_key("cpx"), None);
        assert!(ROAS.needs_optional() && !CPM.needs_optional());
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
