//! The anomaly rule's window kept sorted as it rolls (issue 16): the values
//! of the days before a day, one inserted and one removed per day instead
//! of the whole window sorted again for each day; and the median of their
//! deviations from the median found by merging, not sorting (the values
//! below the median and those above it are each in order of deviation
//! already).
//!
//! Exact, in `i128`: a window is only made for values whose cross products
//! n·d all fit ([`SortedWindow::new`]), so that comparisons need no
//! checks; every other step is checked and `None` on overflow, and the
//! caller then computes that day the general way
//! ([`crate::derive::anomaly::score`]). Values are non-negative fractions
//! n / d with d > 0.

/// A fraction n / d, d > 0.
pub type Frac = (i128, i128);

/// The window's values, in ascending order (equal values in the order
/// they came).
#[derive(Debug, Clone, Default)]
pub struct SortedWindow {
    v: Vec<Frac>,
    /// Scratch: the deviations of the last [`deviation_median`](Self::deviation_median).
    dev: Vec<Frac>,
}

impl SortedWindow {
    /// A window for values n / d with 0 ≤ n ≤ `n_max` and 1 ≤ d ≤ `d_max`;
    /// `None` when n_max · d_max does not fit (comparisons could overflow).
    pub fn new(n_max: i128, d_max: i128) -> Option<SortedWindow> {
        n_max.checked_mul(d_max)?;
        Some(SortedWindow { v: Vec::with_capacity(32), dev: Vec::with_capacity(32) })
    }

    /// a < b (bounded by [`new`](Self::new): no overflow).
    #[inline]
    fn less(a: Frac, b: Frac) -> bool {
        a.0 * b.1 < b.0 * a.1
    }

    /// Adds a value (after the values equal to it).
    pub fn insert(&mut self, f: Frac) {
        let at = self.v.partition_point(|&e| !Self::less(f, e));
        self.v.insert(at, f);
    }

    /// Removes a value added before (the same numerator and denominator).
    ///
    /// Panics if there is none.
    pub fn remove(&mut self, f: Frac) {
        let from = self.v.partition_point(|&e| Self::less(e, f));
        let at = from + self.v[from..].iter().position(|&e| e == f).expect("a value added before");
        self.v.remove(at);
    }

    /// The number of values.
    pub fn count(&self) -> usize {
        self.v.len()
    }

    /// The median (the mean of the two middle values for an even count),
    /// in lowest terms; `None` without values or on overflow.
    pub fn median(&self) -> Option<Frac> {
        middle(self.v.len(), |i| self.v[i])
    }

    /// With `m` = M / D the median: each value's deviation |n/d − M/D| is
    /// A / (d·D); returns the median of the deviations as a / d — the
    /// deviations' median is a / (d·D) — in lowest terms; the deviations
    /// (A, d) are kept for [`deviation_sum`](Self::deviation_sum).
    /// `None` without values or on overflow.
    pub fn deviation_median(&mut self, m: Frac) -> Option<Frac> {
        self.dev.clear();
        let (n_max, d_max) = self.v.iter().fold((0, 1), |(n, d), &(a, b)| (a.max(n), b.max(d)));
        // Values and the median are not negative: A is between −M·d and
        // n·D, and a deviation's cross products are at most A_max·d_max.
        debug_assert!(m.0 >= 0 && m.1 > 0 && self.v.iter().all(|&(n, d)| n >= 0 && d > 0));
        n_max.checked_mul(m.1)?.checked_mul(d_max)?;
        m.0.checked_mul(d_max)?.checked_mul(d_max)?;
        for &(n, d) in &self.v {
            self.dev.push((n * m.1 - m.0 * d, d));
        }
        // Values below the median (A < 0) come first; going down from the
        // split their deviations grow, as they do going up from it.
        let split = self.dev.partition_point(|&(a, _)| a < 0);
        let (mut lo, mut hi) = (split, split);
        let n = self.dev.len();
        let mut order = || {
            let take_lo = match (lo > 0, hi < n) {
                (true, true) => {
                    let (l, h) = (self.dev[lo - 1], self.dev[hi]);
                    Self::less((-l.0, l.1), h)
                }
                (l, _) => l,
            };
            if take_lo {
                lo -= 1;
                (-self.dev[lo].0, self.dev[lo].1)
            } else {
                hi += 1;
                self.dev[hi - 1]
            }
        };
        if n == 0 {
            return None;
        }
        // The deviations in ascending order up to the middle one (or two).
        let (mut prev, mut last) = ((0, 1), (0, 1));
        for _ in 0..=n / 2 {
            (prev, last) = (last, order());
        }
        match n % 2 {
            1 => Some(reduce(last)),
            _ => mean(prev, last),
        }
    }

    /// The sum of the deviations of the last
    /// [`deviation_median`](Self::deviation_median), Σ |A| / d (the
    /// deviations' sum is that over D), over the least common multiple of
    /// the denominators; `None` on overflow.
    pub fn deviation_sum(&self) -> Option<Frac> {
        let mut s: Frac = (0, 1);
        for &(a, d) in &self.dev {
            let g = gcd(s.1, d);
            let l = (s.1 / g).checked_mul(d)?;
            let n = s.0.checked_mul(l / s.1)?.checked_add(a.checked_abs()?.checked_mul(l / d)?)?;
            s = (n, l);
        }
        Some(s)
    }
}

/// The median of `n` ascending values `at(0..n)`, in lowest terms.
fn middle(n: usize, at: impl Fn(usize) -> Frac) -> Option<Frac> {
    match n {
        0 => None,
        n if n % 2 == 1 => Some(reduce(at(n / 2))),
        n => mean(at(n / 2 - 1), at(n / 2)),
    }
}

/// (a + b) / 2, in lowest terms.
fn mean(a: Frac, b: Frac) -> Option<Frac> {
    let n = a.0.checked_mul(b.1)?.checked_add(b.0.checked_mul(a.1)?)?;
    let d = a.1.checked_mul(b.1)?.checked_mul(2)?;
    Some(reduce((n, d)))
}

/// The greatest common divisor of `a` and `b` (non-negative; 0 for two 0s).
fn gcd(a: i128, b: i128) -> i128 {
    let (a, b) = (a.unsigned_abs(), b.unsigned_abs());
    match (u64::try_from(a), u64::try_from(b)) {
        // In 64 bits when both fit (most do): a division instruction, not
        // a call.
        (Ok(mut a), Ok(mut b)) => {
            while b != 0 {
                (a, b) = (b, a % b);
            }
            a.into()
        }
        _ => {
            let (mut a, mut b) = (a, b);
            while b != 0 {
                (a, b) = (b, a % b);
            }
            a as i128
        }
    }
}

/// `f` in lowest terms.
pub fn reduce((n, d): Frac) -> Frac {
    match gcd(n, d) {
        0 | 1 => (n, d),
        g => (n / g, d / g),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(values: &[Frac]) -> SortedWindow {
        let mut w = SortedWindow::new(1 << 40, 1 << 40).unwrap();
        for &v in values {
            w.insert(v);
        }
        w
    }

    fn value(f: Frac) -> f64 {
        f.0 as f64 / f.1 as f64
    }

    /// Hand-checked: 3, 1, 2, 9, 8, 7, 6, 5, 4 sort to 1..=9, median 5;
    /// deviations 0,1,1,2,2,3,3,4,4: their median 2.
    #[test]
    fn sorted_median_and_deviations() {
        let mut w = window(&[(3, 1), (1, 1), (2, 1), (9, 1), (8, 1), (7, 1), (6, 1), (5, 1), (4, 1)]);
        assert_eq!(w.v.iter().map(|v| v.0).collect::<Vec<_>>(), (1..=9).collect::<Vec<_>>());
        let m = w.median().unwrap();
        assert_eq!(m, (5, 1));
        assert_eq!(w.deviation_median(m), Some((2, 1)));
        let mut a: Vec<i128> = w.dev.iter().map(|d| d.0.abs()).collect();
        a.sort();
        assert_eq!(a, [0, 1, 1, 2, 2, 3, 3, 4, 4]);
    }

    /// Even count: the median of 1..=8 is 4.5 (9/2); deviations 0.5, 0.5,
    /// 1.5, 1.5, 2.5, 2.5, 3.5, 3.5 are A/(d·2) with A = 1,1,3,3,5,5,7,7:
    /// their median (3 + 5)/2 = 4, i.e. MAD 4/2 = 2.
    #[test]
    fn even_counts_take_the_mean_of_the_middle_two() {
        let mut w = window(&(1..=8).map(|n| (n, 1)).collect::<Vec<_>>());
        let m = w.median().unwrap();
        assert_eq!(m, (9, 2));
        assert_eq!(w.deviation_median(m), Some((4, 1)));
    }

    /// Rolling: inserting and removing keeps the order; fractions with
    /// different denominators compare by value; removing takes the same
    /// representation out when equal values differ in it.
    #[test]
    fn rolls_with_fractions_and_equal_values() {
        let mut w = window(&[(1, 2), (1, 3), (0, 1), (2, 4), (0, 7)]);
        assert_eq!(w.v, [(0, 1), (0, 7), (1, 3), (1, 2), (2, 4)]);
        w.remove((0, 7));
        w.remove((1, 2));
        assert_eq!(w.v, [(0, 1), (1, 3), (2, 4)]);
        assert_eq!(w.median(), Some((1, 3)));
        w.insert((5, 1));
        // 0, 1/3, 1/2, 5: median (1/3 + 1/2)/2 = 5/12.
        assert_eq!(w.median(), Some((5, 12)));
        let m = w.median().unwrap();
        // Deviations 5/12, 1/12, 1/12, 55/12: median (1/12 + 5/12)/2 = 1/4.
        let mad = w.deviation_median(m).unwrap();
        assert!((value(mad) / m.1 as f64 - 0.25).abs() < 1e-12, "{mad:?}");
    }

    /// The deviation median agrees with sorting every deviation, on
    /// pseudo-random windows of every size up to 28.
    #[test]
    fn deviation_median_agrees_with_a_sort() {
        let mut x = 12345u64;
        let mut next = |k: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % k
        };
        for n in 1..=28 {
            for _ in 0..20 {
                let values: Vec<Frac> = (0..n).map(|_| (next(50) as i128, 1 + next(6) as i128)).collect();
                let mut w = window(&values);
                let m = w.median().unwrap();
                let got = w.deviation_median(m).unwrap();
                let mut dev: Vec<f64> = values.iter().map(|&(a, d)| ((a * m.1 - m.0 * d) as f64 / d as f64).abs()).collect();
                dev.sort_by(|a, b| a.partial_cmp(b).unwrap());
                let want = match n % 2 {
                    1 => dev[n / 2],
                    _ => (dev[n / 2 - 1] + dev[n / 2]) / 2.0,
                };
                assert!((value(got) - want).abs() < 1e-9, "{values:?}: {got:?} vs {want}");
            }
        }
    }

    /// 5/12, 1/12, 1/12, 55/12 over D = 12: A/d = 5/1, 3/3, 4/4, 55/1;
    /// sum 62 (744/12 over the denominators' least common multiple).
    #[test]
    fn deviation_sums_over_the_common_denominator() {
        let mut w = window(&[(0, 1), (1, 3), (2, 4), (5, 1)]);
        w.deviation_median((5, 12)).unwrap();
        assert_eq!(w.deviation_sum(), Some((744, 12)));
        let mut w = window(&[(1, 1_000_000), (0, 1), (3, 1_000_000)]);
        w.deviation_median((0, 1)).unwrap();
        assert_eq!(w.deviation_sum(), Some((4, 1_000_000)));
    }

    #[test]
    fn overflowing_bounds_make_no_window() {
        assert!(SortedWindow::new(i128::MAX / 2, 3).is_none());
        assert!(SortedWindow::new(u64::MAX.into(), 1 << 62).is_some());
    }
}
