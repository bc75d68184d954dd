//! Anomaly flags (issue 16): the robust rolling z-score.
//!
//! For each campaign, each day D and each of spend, conversions, CTR and
//! CPA, the day's value x is compared with the values of the 28 calendar
//! days before D (D excluded, within the campaign's series). For spend and
//! conversions a day without rows counts as 0; for CTR and CPA a day whose
//! ratio is undefined is left out. At least 7 values are needed. median =
//! the middle value (the mean of the two middle ones for an even count);
//! MAD = the median of |v − median|; z = 0.6745·(x − median)/MAD; when MAD
//! = 0, z = (x − median)/(1.2533·meanAD) with meanAD the mean of
//! |v − median|, and no z when meanAD is 0 too. A day whose own value is
//! undefined gets no flag. Flagged: |z| ≥ the threshold (3.5 by default).
//!
//! Everything is exact: every value is a ratio of integers, and so are the
//! median, MAD, meanAD and z (the constants are the decimals 0.6745 and
//! 1.2533). Windows are computed in `i128` with checked operations, and
//! again in big integers (`num-bigint`) when a product would not fit.

use std::cmp::Ordering;

use num_bigint::BigInt;

use crate::derive::series::Series;
use crate::derive::float_window::FloatWindow;
use crate::derive::sorted_window::{SortedWindow, WindowInt};
use crate::schema::totals::{Sum, Totals};
use crate::text::date::Day;

/// Days before D a value is taken from.
pub const WINDOW: usize = 28;
/// Values needed for a z.
pub const MIN_VALUES: usize = 7;

/// A measure checked for anomalies, in the order `anomalies.csv` lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum AnomalyMetric {
    /// Spend (a day without rows: 0).
    Spend,
    /// Conversions (a day without rows: 0).
    Conversions,
    /// Clicks / impressions (undefined without impressions).
    Ctr,
    /// Spend / conversions (undefined without conversions).
    Cpa,
}

impl AnomalyMetric {
    /// Every metric, in file order.
    pub const ALL: [AnomalyMetric; 4] = [AnomalyMetric::Spend, AnomalyMetric::Conversions, AnomalyMetric::Ctr, AnomalyMetric::Cpa];

    /// Its name in `anomalies.csv`.
    pub fn name(self) -> &'static str {
        match self {
            AnomalyMetric::Spend => "spend",
            AnomalyMetric::Conversions => "conversions",
            AnomalyMetric::Ctr => "CTR",
            AnomalyMetric::Cpa => "CPA",
        }
    }

    /// Decimals of its value and median in `anomalies.csv`.
    pub fn decimals(self) -> u32 {
        match self {
            AnomalyMetric::Ctr => 4,
            _ => 2,
        }
    }

    /// A day's value as numerator / denominator (money in units), or
    /// `None` where it is undefined.
    pub fn value(self, t: &Totals) -> Option<(i128, i128)> {
        let micros = 1_000_000i128;
        match self {
            AnomalyMetric::Spend => Some((t[Sum::Spend] as i128, micros)),
            AnomalyMetric::Conversions => Some((t[Sum::Conversions] as i128, 1)),
            AnomalyMetric::Ctr => (t[Sum::Impressions] > 0).then(|| (t[Sum::Clicks] as i128, t[Sum::Impressions] as i128)),
            AnomalyMetric::Cpa => (t[Sum::Conversions] > 0).then(|| (t[Sum::Spend] as i128, t[Sum::Conversions] as i128 * micros)),
        }
    }

    /// A day without rows counts (as 0) rather than being left out.
    fn counts_empty_days(self) -> bool {
        matches!(self, AnomalyMetric::Spend | AnomalyMetric::Conversions)
    }
}

/// An exact non-negative or signed fraction n / d, d > 0.
pub(crate) type Frac<T> = (T, T);

/// The integer arithmetic a window needs: `i128` (checked: `None` on
/// overflow) or [`BigInt`] (always `Some`); budget hints
/// ([`crate::derive::hints`]) use it too.
pub(crate) trait Exact: Clone + Ord + Sized {
    fn of(v: i128) -> Self;
    fn mul(&self, o: &Self) -> Option<Self>;
    fn add(&self, o: &Self) -> Option<Self>;
    fn sub(&self, o: &Self) -> Option<Self>;
    fn big(&self) -> BigInt;
    fn is_zero(&self) -> bool {
        *self == Self::of(0)
    }
    /// `f` in lowest terms where that is cheap (else as it is).
    fn reduce(f: Frac<Self>) -> Frac<Self> {
        f
    }
}

impl Exact for i128 {
    fn of(v: i128) -> Self {
        v
    }
    fn mul(&self, o: &Self) -> Option<Self> {
        self.checked_mul(*o)
    }
    fn add(&self, o: &Self) -> Option<Self> {
        self.checked_add(*o)
    }
    fn sub(&self, o: &Self) -> Option<Self> {
        self.checked_sub(*o)
    }
    fn big(&self) -> BigInt {
        BigInt::from(*self)
    }
    fn reduce((n, d): Frac<i128>) -> Frac<i128> {
        let (mut a, mut b) = (n.unsigned_abs(), d.unsigned_abs());
        while b != 0 {
            (a, b) = (b, a % b);
        }
        match a {
            0 | 1 => (n, d),
            g => (n / g as i128, d / g as i128),
        }
    }
}

impl Exact for BigInt {
    fn of(v: i128) -> Self {
        BigInt::from(v)
    }
    fn mul(&self, o: &Self) -> Option<Self> {
        Some(self * o)
    }
    fn add(&self, o: &Self) -> Option<Self> {
        Some(self + o)
    }
    fn sub(&self, o: &Self) -> Option<Self> {
        Some(self - o)
    }
    fn big(&self) -> BigInt {
        self.clone()
    }
}

/// a <=> b, or `None` on overflow.
pub(crate) fn cmp<T: Exact>(a: &Frac<T>, b: &Frac<T>) -> Option<Ordering> {
    Some(a.0.mul(&b.1)?.cmp(&b.0.mul(&a.1)?))
}

fn abs<T: Exact>(a: Frac<T>) -> Frac<T> {
    match a.0 < T::of(0) {
        true => (T::of(0).sub(&a.0).expect("negation of a difference fits"), a.1),
        false => a,
    }
}

/// Sorts `v` exactly; `None` (nothing sorted) when a comparison could
/// overflow: every cross product n·d is bounded first, so that the
/// comparison is a total order.
pub(crate) fn sort<T: Exact>(v: &mut [Frac<T>]) -> Option<()> {
    let zero = T::of(0);
    let (mut n, mut d) = (zero.clone(), zero.clone());
    for (a, b) in v.iter() {
        let a = if *a < zero { zero.sub(a)? } else { a.clone() };
        n = n.max(a);
        d = d.max(b.clone());
    }
    n.mul(&d)?;
    v.sort_by(|a, b| cmp(a, b).expect("bounded above"));
    Some(())
}

/// The median of sorted values (the mean of the two middle ones for an even count).
pub(crate) fn median<T: Exact>(sorted: &[Frac<T>]) -> Option<Frac<T>> {
    let n = sorted.len();
    if n % 2 == 1 {
        return Some(sorted[n / 2].clone());
    }
    let (a, b) = (&sorted[n / 2 - 1], &sorted[n / 2]);
    Some((a.0.mul(&b.1)?.add(&b.0.mul(&a.1)?)?, a.1.mul(&b.1)?.mul(&T::of(2))?))
}

/// A day's z, median and the window's values' count, or why there is none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Score {
    /// The day's value.
    pub value: Frac<BigInt>,
    /// The window's median.
    pub median: Frac<BigInt>,
    /// z (signed).
    pub z: Frac<BigInt>,
}

/// The z of `x` against `window` (the values, in any order), as the rule
/// above says; `None` when there are fewer than [`MIN_VALUES`] values or
/// MAD and meanAD are both 0.
pub fn score(window: &[Frac<i128>], x: Frac<i128>) -> Option<Score> {
    if window.len() < MIN_VALUES {
        return None;
    }
    let mut small: Vec<Frac<i128>> = window.to_vec();
    match score_in(&mut small, x) {
        Some(result) => result,
        None => {
            let mut big: Vec<Frac<BigInt>> = window.iter().map(|&(n, d)| (BigInt::from(n), BigInt::from(d))).collect();
            score_in(&mut big, (BigInt::from(x.0), BigInt::from(x.1))).expect("big integers do not overflow")
        }
    }
}

/// [`score`] in `T`; the outer `None` is an overflow.
///
/// With the median m = N/D (in lowest terms), each deviation |v − m| is
/// A/(d·D) with A = |n·D − N·d|: D is common to all of them, so they are
/// sorted (and their median taken) as A/d, which keeps the products small;
/// z, one per day, is then formed in big integers.
fn score_in<T: Exact>(v: &mut [Frac<T>], x: Frac<T>) -> Option<Option<Score>> {
    sort(v)?;
    let m = T::reduce(median(v)?);
    let mut dev: Vec<Frac<T>> = Vec::with_capacity(v.len());
    for (n, d) in v.iter() {
        let a = n.mul(&m.1)?.sub(&m.0.mul(d)?)?;
        dev.push(abs((a, d.clone())));
    }
    let b = x.0.mul(&m.1)?.sub(&m.0.mul(&x.1)?)?;
    sort(&mut dev)?;
    let mad = T::reduce(median(&dev)?); // MAD = mad / D
    let (b, dx) = (b.big(), x.1.big());
    let z = if !mad.0.is_zero() {
        // 0.6745 · (b / (dx·D)) / (mad.n / (mad.d·D)) = 6745 · b · mad.d / (10000 · dx · mad.n)
        (BigInt::from(6745) * &b * mad.1.big(), BigInt::from(10_000) * &dx * mad.0.big())
    } else {
        // meanAD = S / (n·D) with S = Σ A/d; z = (b / (dx·D)) / (1.2533 · meanAD)
        //        = 10000 · n · b · S.d / (12533 · dx · S.n)
        let mut sum: Frac<BigInt> = (BigInt::from(0), BigInt::from(1));
        for (a, d) in &dev {
            let (a, d) = (a.big(), d.big());
            sum = (&sum.0 * &d + &a * &sum.1, &sum.1 * &d);
        }
        if sum.0 == BigInt::from(0) {
            return Some(None);
        }
        let n = BigInt::from(dev.len());
        (BigInt::from(10_000) * n * &b * &sum.1, BigInt::from(12_533) * &dx * &sum.0)
    };
    Some(Some(Score { value: (x.0.big(), dx), median: (m.0.big(), m.1.big()), z }))
}

/// |z| ≥ `threshold` (a fraction), exactly.
pub fn flagged(z: &Frac<BigInt>, threshold: &Frac<BigInt>) -> bool {
    let n = match z.0.sign() {
        num_bigint::Sign::Minus => -z.0.clone(),
        _ => z.0.clone(),
    };
    n * &threshold.1 >= &threshold.0 * &z.1
}

/// `n / d` rounded half away from zero to `decimals` places, as text
/// (`-3.71`, `0.0500`): a plain number.
pub fn format_frac(f: &Frac<BigInt>, decimals: u32) -> String {
    let negative = (f.0.sign() == num_bigint::Sign::Minus) != (f.1.sign() == num_bigint::Sign::Minus);
    let n = f.0.magnitude() * num_bigint::BigUint::from(10u32).pow(decimals);
    let d = f.1.magnitude();
    let (mut q, r) = (&n / d, &n % d);
    if r * 2u32 >= *d {
        q += 1u32;
    }
    let digits = q.to_string();
    let width = decimals as usize + 1;
    let digits = format!("{digits:0>width$}");
    let (int, frac) = digits.split_at(digits.len() - decimals as usize);
    let sign = if negative && q != num_bigint::BigUint::from(0u32) { "-" } else { "" };
    match decimals {
        0 => format!("{sign}{int}"),
        _ => format!("{sign}{int}.{frac}"),
    }
}

/// One flagged (campaign, day, metric).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anomaly {
    /// The campaign id.
    pub id: Box<[u8]>,
    /// The day.
    pub day: Day,
    /// The metric.
    pub metric: AnomalyMetric,
    /// Its value, median and z.
    pub score: Score,
}

/// The |z| from which a day is flagged (exact).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Threshold(Frac<BigInt>);

impl Default for Threshold {
    /// 3.5.
    fn default() -> Threshold {
        Threshold((BigInt::from(35), BigInt::from(10)))
    }
}

/// A threshold as the user writes it (`3.5`): a positive decimal with up
/// to 6 places.
pub fn parse_threshold(text: &str) -> Result<Threshold, String> {
    let micros = crate::text::number::parse_micros(text.trim().as_bytes())
        .map_err(|_| format!("expected a positive number like 3.5, not {text:?}"))?;
    if micros == 0 {
        return Err(format!("expected a positive number like 3.5, not {text:?}"));
    }
    Ok(Threshold((BigInt::from(micros), BigInt::from(1_000_000u32))))
}

/// Every flag of every series, sorted by day descending, then campaign id,
/// then metric (spend, conversions, CTR, CPA).
///
/// Each (series, metric) rolls a [`FloatWindow`] along its days, and a day
/// it shows surely below the threshold is done (most days). Other days
/// are scored exactly: each (series, metric) also rolls a [`SortedWindow`] — in
/// `i64` when its values' cross products fit there, else in `i128` — and
/// scores each day from it ([`rolled_score`]); a day that would overflow
/// `i64` is tried again in `i128`, and one that would overflow that too,
/// or a series whose values are too large for any window, is scored the
/// general way ([`score`]). All are exact, so the flags are the same.
///
/// The window holds each value n / d as n / (d / g), with g the common
/// factor of the series' denominators (spend's micro-units): values all
/// scaled alike have the same z, and smaller numbers fit `i64` more often.
pub fn anomalies(series: &[Series], threshold: &Threshold) -> Vec<Anomaly> {
    let small_threshold = match (i128::try_from(&threshold.0 .0), i128::try_from(&threshold.0 .1)) {
        (Ok(n), Ok(d)) => Some((n, d)),
        _ => None,
    };
    let float_threshold = small_threshold.map(|(n, d)| n as f64 / d as f64);
    let threshold = &threshold.0;
    let mut out = Vec::new();
    let mut window: Vec<Frac<i128>> = Vec::with_capacity(WINDOW);
    let mut wide = SortedWindow::<i128>::default();
    for s in series {
        let days = s.dense();
        for metric in AnomalyMetric::ALL {
            let values: Vec<Option<Frac<i128>>> = days.iter().map(|t| metric.value(t)).collect();
            // A day's entry in the window of later days: days without
            // rows count as 0 for spend and conversions.
            let empty = metric.counts_empty_days().then_some((0, 1));
            let entry = |v: Option<Frac<i128>>| v.or(empty);
            let g = values.iter().flatten().fold(0, |g, &(_, d)| WindowInt::gcd(g, d)).max(1);
            // Each day's entry with its denominator over g (0 stays 0 / 1), and as a float.
            let scaled: Vec<Option<Frac<i128>>> = values
                .iter()
                .map(|&v| match v {
                    Some((n, d)) => Some((n, d / g)),
                    None => empty,
                })
                .collect();
            let floats: Vec<f64> = scaled.iter().map(|v| v.map_or(f64::NAN, |(n, d)| n as f64 / d as f64)).collect();
            let (n_max, d_max) = scaled.iter().flatten().fold((0, 1), |(n, d), &(a, b)| (a.max(n), b.max(d)));
            let mut rolled = Rolled::new(n_max, d_max);
            let mut quick = FloatWindow::new();
            for (i, x) in values.iter().enumerate() {
                // The window of day i: days i − WINDOW..i.
                if let Some(j) = i.checked_sub(1).filter(|&j| scaled[j].is_some()) {
                    quick.insert(floats[j]);
                    if let (Some(w), Some(v)) = (&mut rolled, scaled[j]) {
                        w.insert(v);
                    }
                }
                if let Some(j) = i.checked_sub(WINDOW + 1).filter(|&j| scaled[j].is_some()) {
                    quick.remove(floats[j]);
                    if let (Some(w), Some(v)) = (&mut rolled, scaled[j]) {
                        w.remove(v);
                    }
                }
                let Some(x) = *x else { continue };
                // Fewer than MIN_VALUES values: no z, no flag.
                if quick.count() < MIN_VALUES || float_threshold.is_some_and(|t| quick.surely_below(floats[i], t)) {
                    continue;
                }
                let rolled_score = rolled.as_mut().and_then(|w| w.score((x.0, x.1 / g), threshold, small_threshold, &mut wide));
                let score = match rolled_score {
                    // Value and median back in the day's scale.
                    Some(score) => score.map(|s| Score { value: (x.0.into(), x.1.into()), median: (s.median.0, s.median.1 * g), z: s.z }),
                    None => {
                        window.clear();
                        window.extend(values[i.saturating_sub(WINDOW)..i].iter().filter_map(|&v| entry(v)));
                        score(&window, x).filter(|score| flagged(&score.z, threshold))
                    }
                };
                if let Some(score) = score {
                    out.push(Anomaly { id: s.id.clone(), day: s.day(i), metric, score });
                }
            }
        }
    }
    out.sort_by(|a, b| b.day.cmp(&a.day).then_with(|| a.id.cmp(&b.id)).then(a.metric.cmp(&b.metric)));
    out
}

/// A (series, metric)'s rolled window, in the smallest integers its
/// values' cross products fit.
enum Rolled {
    Small(SortedWindow<i64>),
    Big(SortedWindow<i128>),
}

impl Rolled {
    /// A window for values n / d with n ≤ `n_max`, d ≤ `d_max`; `None`
    /// when their cross products do not fit `i128`.
    fn new(n_max: i128, d_max: i128) -> Option<Rolled> {
        if let (Ok(n), Ok(d)) = (i64::try_from(n_max), i64::try_from(d_max)) {
            if let Some(w) = SortedWindow::new(n, d) {
                return Some(Rolled::Small(w));
            }
        }
        SortedWindow::new(n_max, d_max).map(Rolled::Big)
    }

    fn insert(&mut self, (n, d): Frac<i128>) {
        match self {
            // Within the bounds the window was made for.
            Rolled::Small(w) => w.insert((n as i64, d as i64)),
            Rolled::Big(w) => w.insert((n, d)),
        }
    }

    fn remove(&mut self, (n, d): Frac<i128>) {
        match self {
            Rolled::Small(w) => w.remove((n as i64, d as i64)),
            Rolled::Big(w) => w.remove((n, d)),
        }
    }

    /// [`rolled_score`] of `x`, in `i128` (the window copied into `wide`)
    /// when `i64` overflows; `None` when `i128` does too.
    fn score(&mut self, x: Frac<i128>, threshold: &Frac<BigInt>, small: Option<Frac<i128>>, wide: &mut SortedWindow<i128>) -> Option<Option<Score>> {
        match self {
            Rolled::Small(w) => {
                let x64 = (i64::try_from(x.0).ok()?, i64::try_from(x.1).ok()?);
                if let Some(score) = rolled_score(w, x64, threshold, small) {
                    return Some(score);
                }
                w.widen_into(wide);
                rolled_score(wide, x, threshold, small)
            }
            Rolled::Big(w) => rolled_score(w, x, threshold, small),
        }
    }
}

/// [`score`] of `x` against the values in `w`, and only when |z| ≥
/// `threshold` (else `Some(None)`, as for a day without a z): in `T` up
/// to z's last products, which are in big integers when they would not
/// fit (`small`: the threshold in `i128`, if it fits); `None` when an
/// earlier step would overflow. The same formulas as
/// [`score_in`]'s, so the same z: the median in lowest terms, MAD as the
/// deviations' median over the median's denominator, meanAD as their sum
/// over the count (the sum over the least common multiple of the
/// denominators: the same value as the product's).
fn rolled_score<T: WindowInt>(w: &mut SortedWindow<T>, x: Frac<T>, threshold: &Frac<BigInt>, small: Option<Frac<i128>>) -> Option<Option<Score>> {
    if w.count() < MIN_VALUES {
        return Some(None);
    }
    let m = w.median()?;
    let mad = w.deviation_median(m)?;
    let b = x.0.checked_mul(m.1)?.checked_sub(m.0.checked_mul(x.1)?)?;
    // z = (n, d) as in `score_in`, with MAD = mad / D or meanAD = sum / (count·D).
    let of = |v: i128| T::try_from(v).ok();
    let (n, d) = if mad.0 != T::ZERO {
        ((of(6745)?, b, mad.1), (of(10_000)?, x.1, mad.0))
    } else {
        let sum = w.deviation_sum()?;
        if sum.0 == T::ZERO {
            return Some(None);
        }
        ((of(10_000 * w.count() as i128)?, b, sum.1), (of(12_533)?, x.1, sum.0))
    };
    let product = |(a, b, c): (T, T, T)| a.checked_mul(b)?.checked_mul(c);
    let z = match (product(n), product(d)) {
        // In T when it fits, and the threshold too: most days are not flagged.
        (Some(zn), Some(zd)) => {
            if let Some(t) = small.and_then(|(tn, td)| Some((of(tn)?, of(td)?))) {
                match (zn.checked_abs().and_then(|a| a.checked_mul(t.1)), t.0.checked_mul(zd)) {
                    (Some(l), Some(r)) if l < r => return Some(None),
                    _ => {}
                }
            }
            (BigInt::from(zn.into()), BigInt::from(zd.into()))
        }
        _ => {
            let big = |(a, b, c): (T, T, T)| BigInt::from(a.into()) * BigInt::from(b.into()) * BigInt::from(c.into());
            (big(n), big(d))
        }
    };
    if !flagged(&z, threshold) {
        return Some(None);
    }
    Some(Some(Score { value: (x.0.into().into(), x.1.into().into()), median: (m.0.into().into(), m.1.into().into()), z }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ints(v: &[i128]) -> Vec<Frac<i128>> {
        v.iter().map(|&n| (n, 1)).collect()
    }

    fn z_text(window: &[Frac<i128>], x: Frac<i128>) -> Option<String> {
        score(window, x).map(|s| format_frac(&s.z, 2))
    }

    /// Hand-checked: values 1..=9 (median 5, deviations 0,1,1,2,2,3,3,4,4:
    /// MAD 2): x = 15 gives z = 0.6745 · 10 / 2 = 3.3725 → 3.37 (not ≥ 3.5);
    /// x = 16: 3.70975 → 3.71, flagged; x = −6 (a drop): −3.70975 → −3.71.
    #[test]
    fn z_on_a_hand_checked_window() {
        let w = ints(&[3, 1, 2, 9, 8, 7, 6, 5, 4]);
        assert_eq!(z_text(&w, (15, 1)).as_deref(), Some("3.37"));
        let t = parse_threshold("3.5").unwrap().0;
        assert_eq!(Threshold::default().0 .0.clone() * &t.1, t.0.clone() * &Threshold::default().0 .1);
        assert!(!flagged(&score(&w, (15, 1)).unwrap().z, &t));
        assert!(flagged(&score(&w, (16, 1)).unwrap().z, &t));
        assert_eq!(z_text(&w, (-6, 1)).as_deref(), Some("-3.71"));
        assert!(flagged(&score(&w, (-6, 1)).unwrap().z, &t));
        assert_eq!(format_frac(&score(&w, (16, 1)).unwrap().median, 2), "5.00");
    }

    /// Even count: median is the mean of the two middle values.
    #[test]
    fn even_count_median() {
        let w = ints(&[1, 2, 3, 4, 5, 6, 7, 8]);
        let s = score(&w, (4, 1)).unwrap();
        assert_eq!(format_frac(&s.median, 2), "4.50");
        // deviations 0.5,0.5,1.5,1.5,2.5,2.5,3.5,3.5: MAD 2; z = 0.6745·(−0.5)/2 = −0.168625
        assert_eq!(format_frac(&s.z, 4), "-0.1686");
    }

    /// MAD = 0: meanAD fallback; meanAD = 0 too: no z; fewer than 7: no z.
    #[test]
    fn mad_zero_fallback_and_too_few_values() {
        // 7 zeros and one 8: median 0, deviations seven 0s and an 8: MAD 0;
        // meanAD = 1; z = (5 − 0) / 1.2533 = 3.98946...
        let w = ints(&[0, 0, 0, 0, 8, 0, 0, 0]);
        assert_eq!(z_text(&w, (5, 1)).as_deref(), Some("3.99"));
        assert_eq!(z_text(&ints(&[4; 10]), (100, 1)), None, "all equal: no z");
        assert_eq!(z_text(&ints(&[1, 2, 3, 4, 5, 6]), (100, 1)), None, "six values");
        assert!(z_text(&ints(&[1, 2, 3, 4, 5, 6, 7]), (100, 1)).is_some(), "seven values");
    }

    /// Huge ratios overflow i128 products: the big-integer path gives the
    /// same answer as a scaled small case.
    #[test]
    fn big_integers_when_i128_overflows() {
        let k: i128 = 1 << 60;
        let small: Vec<Frac<i128>> = (1..=9).map(|n| (n, 7)).collect();
        let big: Vec<Frac<i128>> = (1..=9).map(|n| (n * k, 7 * k)).collect();
        assert_eq!(z_text(&small, (16, 7)), z_text(&big, (16 * k, 7 * k)));
        assert_eq!(z_text(&big, (16 * k, 7 * k)).as_deref(), Some("3.71"));
    }

    #[test]
    fn formatting_rounds_half_away_from_zero() {
        let f = |n: i64, d: i64| (BigInt::from(n), BigInt::from(d));
        assert_eq!(format_frac(&f(5, 1000), 2), "0.01");
        assert_eq!(format_frac(&f(-5, 1000), 2), "-0.01");
        assert_eq!(format_frac(&f(-4, 1000), 2), "0.00");
        assert_eq!(format_frac(&f(1, 3), 4), "0.3333");
        assert_eq!(format_frac(&f(123_456, 100), 2), "1234.56");
    }
}

#[cfg(test)]
mod year_tests {
    use super::*;
    use crate::schema::totals::Totals;

    /// A year of one campaign: noise of ±10% around fixed rates, from Weyl
    /// sequences (offset by `seed`; evenly spread over any 28 days, so a
    /// window's MAD is near the noise's own), and, when `incidents`, spikes
    /// (×3) and drops (÷4) on given days.
    fn year(seed: u64, incidents: &[(usize, bool)]) -> Series {
        let noise = |d: usize, k: u64, n: u64| ((d as u64 + 1).wrapping_mul(k).wrapping_add(seed << 40) >> 40) % n;
        let cells = (0..365)
            .map(|d| {
                let imp = 100_000 + noise(d, 0x9E37_79B9_7F4A_7C15, 20_000);
                let clicks = 3_000 + noise(d, 0xC2B2_AE3D_27D4_EB4F, 600);
                let spend = 1_000_000_000 + noise(d, 0x1656_67B1_9E37_79F9, 200_000_000);
                let conv = 100 + noise(d, 0xD6E8_FEB8_6659_FD93, 20);
                let t = match incidents.iter().find(|&&(day, _)| day == d) {
                    Some((_, true)) => Totals::required([imp, clicks * 3, spend * 3, conv * 3]),
                    Some((_, false)) => Totals::required([imp, clicks / 4, spend / 4, conv / 4]),
                    None => Totals::required([imp, clicks, spend, conv]),
                };
                (d as Day, t)
            })
            .collect();
        Series { id: b"CMP1"[..].into(), first: 0, cells }
    }

    /// Issue 16: every injected spike and drop is flagged on every metric
    /// it moves; uniform noise alone (its MAD-scaled deviations stay under
    /// 1.35) is never flagged.
    #[test]
    fn injected_incidents_are_flagged_and_noise_is_not() {
        let t = Threshold::default();
        for seed in [1u64, 7, 42] {
            assert_eq!(anomalies(&[year(seed, &[])], &t), vec![], "seed {seed}: clean noise");
        }
        let incidents = [(40, true), (100, false), (180, true), (250, false), (364, true)];
        let flags = anomalies(&[year(7, &incidents)], &t);
        for (day, spike) in incidents {
            for metric in [AnomalyMetric::Spend, AnomalyMetric::Conversions, AnomalyMetric::Ctr] {
                let f = flags.iter().find(|a| a.day == day as Day && a.metric == metric);
                let f = f.unwrap_or_else(|| panic!("day {day} {metric:?} not flagged: {flags:?}"));
                assert_eq!(f.score.z.0.sign() == num_bigint::Sign::Minus, !spike, "day {day} {metric:?}: the sign of z");
            }
        }
        // Only the incidents: nothing else (CPA moves little: spend and
        // conversions move together).
        assert!(flags.iter().all(|a| incidents.iter().any(|&(d, _)| d as Day == a.day)), "{flags:?}");
        // Newest first.
        assert!(flags.windows(2).all(|w| w[0].day >= w[1].day));
    }

    /// The general way for every day (the code before the rolled window).
    fn general(series: &[Series], threshold: &Threshold) -> Vec<Anomaly> {
        let mut out = Vec::new();
        for s in series {
            let days = s.dense();
            for metric in AnomalyMetric::ALL {
                let values: Vec<Option<Frac<i128>>> = days.iter().map(|t| metric.value(t)).collect();
                for (i, x) in values.iter().enumerate() {
                    let Some(x) = *x else { continue };
                    let window: Vec<Frac<i128>> = values[i.saturating_sub(WINDOW)..i]
                        .iter()
                        .filter_map(|v| v.or(metric.counts_empty_days().then_some((0, 1))))
                        .collect();
                    if let Some(score) = score(&window, x).filter(|s| flagged(&s.z, &threshold.0)) {
                        out.push(Anomaly { id: s.id.clone(), day: s.day(i), metric, score });
                    }
                }
            }
        }
        out.sort_by(|a, b| b.day.cmp(&a.day).then_with(|| a.id.cmp(&b.id)).then(a.metric.cmp(&b.metric)));
        out
    }

    /// The rolled window flags exactly what scoring each day on its own
    /// does, to the printed digits: sparse series (gaps, days with no
    /// conversions or impressions, MAD = 0), noisy ones, huge values (the
    /// general path), several thresholds.
    #[test]
    fn rolled_windows_flag_as_the_general_way() {
        let mut next = crate::derive::sorted_window::tests::xorshift(0x2545_F491_4F6C_DD1D);
        let mut all = Vec::new();
        for c in 0..60u64 {
            let scale = [1, 10, 1_000_000, 1 << 40][c as usize % 4];
            let sparse = c % 3 == 0;
            let mut cells: Vec<(Day, Totals)> = Vec::new();
            for d in 0..120 {
                if sparse && next(4) != 0 {
                    continue;
                }
                let imp = if next(9) == 0 { 0 } else { 1000 + next(200) } * scale;
                let clicks = next(40) * scale.min(1000);
                let conv = if sparse { next(2) } else { 20 + next(5) * next(2) };
                let spend = if next(25) == 0 { 90_000_000 } else { next(3) * 1_000_000 + next(1000) } * scale.min(1000);
                cells.push((d as Day, Totals::required([imp, clicks.min(imp), spend, conv])));
            }
            if !cells.is_empty() {
                all.push(Series { id: format!("C{c:02}").into_bytes().into(), first: cells[0].0, cells });
            }
        }
        for t in ["3.5", "1", "0.5", "12"] {
            let t = parse_threshold(t).unwrap();
            let (rolled, general) = (anomalies(&all, &t), general(&all, &t));
            assert!(rolled.len() > 10, "{}", rolled.len());
            let text = |v: &[Anomaly]| crate::report::daily::anomalies_csv(v, crate::text::encoding::Encoding::Utf8);
            assert_eq!(text(&rolled), text(&general));
        }
    }

    /// A z exactly at the threshold is flagged (|z| ≥ t): the quick float
    /// test must leave such a day to the exact way. Conversions 3, 1, 2, 9,
    /// 8, 7, 6, 5, 4 then 15: median 5, MAD 2, z = 0.6745 · 10 / 2 = 3.3725.
    #[test]
    fn a_z_equal_to_the_threshold_is_flagged() {
        let conv = [3, 1, 2, 9, 8, 7, 6, 5, 4, 15];
        let cells: Vec<(Day, Totals)> = conv.iter().enumerate().map(|(d, &c)| (d as Day, Totals::required([1000, 10, 5_000_000, c]))).collect();
        let s = [Series { id: b"C"[..].into(), first: 0, cells }];
        let conversions = |t: &str| anomalies(&s, &parse_threshold(t).unwrap()).into_iter().filter(|a| a.metric == AnomalyMetric::Conversions).count();
        assert_eq!(conversions("3.3725"), 1);
        assert_eq!(conversions("3.372499"), 1);
        assert_eq!(conversions("3.372501"), 0);
    }

    /// Day 6 has 6 days before it: no flag whatever its value; the first
    /// day with 7 values before it can be flagged.
    #[test]
    fn the_first_week_has_too_few_values() {
        let flags = anomalies(&[year(3, &[(6, true), (7, true)])], &Threshold::default());
        assert!(flags.iter().all(|a| a.day == 7), "{flags:?}");
        assert!(!flags.is_empty());
    }
}
