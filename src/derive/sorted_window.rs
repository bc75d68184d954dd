//! The anomaly rule's window kept sorted as it rolls (issue 16): the values
//! of the days before a day, one inserted and one removed per day instead
//! of the whole window sorted again for each day; and the median of their
//! deviations from the median found by merging, not sorting (the values
//! below the median and those above it are each in order of deviation
//! already).
//!
//! Exact, in `i64` or `i128` ([`WindowInt`]): a window is only made for
//! values whose cross products n·d all fit ([`SortedWindow::new`]), so
//! that comparisons need no checks; every other step is checked and `None`
//! on overflow, and the caller then tries that day again in `i128`
//! ([`SortedWindow::widen_into`]) or computes it the general way
//! ([`crate::derive::anomaly::score`]). Values are non-negative fractions
//! n / d with d > 0. `i64` first: in wasm a 128-bit multiplication or
//! division is a call, in 64 bits one instruction.

/// A fraction n / d, d > 0.
pub type Frac<T = i128> = (T, T);

/// The integers a window computes in: `i64` or `i128`.
pub trait WindowInt: Copy + Ord + std::fmt::Debug + Into<i128> + TryFrom<i128> {
    /// 0.
    const ZERO: Self;
    /// 1.
    const ONE: Self;
    /// 2.
    const TWO: Self;
    /// a·b where it is known to fit.
    fn mul(self, o: Self) -> Self;
    /// a − b where it is known to fit.
    fn sub(self, o: Self) -> Self;
    /// −a where it is known to fit.
    fn neg(self) -> Self;
    /// a·b, `None` on overflow.
    fn checked_mul(self, o: Self) -> Option<Self>;
    /// a + b, `None` on overflow.
    fn checked_add(self, o: Self) -> Option<Self>;
    /// a − b, `None` on overflow.
    fn checked_sub(self, o: Self) -> Option<Self>;
    /// |a|, `None` on overflow.
    fn checked_abs(self) -> Option<Self>;
    /// The greatest common divisor of `a` and `b` (non-negative; 0 for two 0s).
    fn gcd(a: Self, b: Self) -> Self;
    /// a / b (b > 0).
    fn div(self, o: Self) -> Self;
}

macro_rules! window_int {
    ($t:ty, $u:ty) => {
        impl WindowInt for $t {
            const ZERO: Self = 0;
            const ONE: Self = 1;
            const TWO: Self = 2;
            #[inline(always)]
            fn mul(self, o: Self) -> Self {
                self * o
            }
            #[inline(always)]
            fn sub(self, o: Self) -> Self {
                self - o
            }
            #[inline(always)]
            fn neg(self) -> Self {
                -self
            }
            #[inline(always)]
            fn checked_mul(self, o: Self) -> Option<Self> {
                <$t>::checked_mul(self, o)
            }
            #[inline(always)]
            fn checked_add(self, o: Self) -> Option<Self> {
                <$t>::checked_add(self, o)
            }
            #[inline(always)]
            fn checked_sub(self, o: Self) -> Option<Self> {
                <$t>::checked_sub(self, o)
            }
            #[inline(always)]
            fn checked_abs(self) -> Option<Self> {
                <$t>::checked_abs(self)
            }
            fn gcd(a: Self, b: Self) -> Self {
                let (a, b) = (a.unsigned_abs(), b.unsigned_abs());
                // In 64 bits when both fit (most do): a division
                // instruction, not a call.
                match (u64::try_from(a), u64::try_from(b)) {
                    (Ok(mut a), Ok(mut b)) => {
                        while b != 0 {
                            (a, b) = (b, a % b);
                        }
                        a as $t
                    }
                    _ => {
                        let (mut a, mut b): ($u, $u) = (a, b);
                        while b != 0 {
                            (a, b) = (b, a % b);
                        }
                        a as $t
                    }
                }
            }
            #[inline(always)]
            fn div(self, o: Self) -> Self {
                self / o
            }
        }
    };
}

window_int!(i64, u64);
window_int!(i128, u128);

/// The window's values, in ascending order (equal values in the order
/// they came).
#[derive(Debug, Clone, Default)]
pub struct SortedWindow<T = i128> {
    v: Vec<Frac<T>>,
    /// Scratch: the deviations of the last [`deviation_median`](Self::deviation_median).
    dev: Vec<Frac<T>>,
}

impl<T: WindowInt> SortedWindow<T> {
    /// A window for values n / d with 0 ≤ n ≤ `n_max` and 1 ≤ d ≤ `d_max`;
    /// `None` when n_max · d_max does not fit (comparisons could overflow).
    pub fn new(n_max: T, d_max: T) -> Option<SortedWindow<T>> {
        n_max.checked_mul(d_max)?;
        Some(SortedWindow { v: Vec::with_capacity(32), dev: Vec::with_capacity(32) })
    }

    /// The same values in `i128`, into `wide` (for a day whose steps
    /// overflow `T`).
    pub fn widen_into(&self, wide: &mut SortedWindow<i128>) {
        wide.v.clear();
        wide.v.extend(self.v.iter().map(|&(n, d)| (n.into(), d.into())));
    }

    /// a < b (bounded by [`new`](Self::new): no overflow).
    #[inline]
    fn less(a: Frac<T>, b: Frac<T>) -> bool {
        a.0.mul(b.1) < b.0.mul(a.1)
    }

    /// Adds a value (after the values equal to it).
    pub fn insert(&mut self, f: Frac<T>) {
        let at = self.v.partition_point(|&e| !Self::less(f, e));
        self.v.insert(at, f);
    }

    /// Removes a value added before (the same numerator and denominator).
    ///
    /// Panics if there is none.
    pub fn remove(&mut self, f: Frac<T>) {
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
    pub fn median(&self) -> Option<Frac<T>> {
        middle(self.v.len(), |i| self.v[i])
    }

    /// With `m` = M / D the median: each value's deviation |n/d − M/D| is
    /// A / (d·D); returns the median of the deviations as a / d — the
    /// deviations' median is a / (d·D) — in lowest terms; the deviations
    /// (A, d) are kept for [`deviation_sum`](Self::deviation_sum).
    /// `None` without values or on overflow.
    pub fn deviation_median(&mut self, m: Frac<T>) -> Option<Frac<T>> {
        self.dev.clear();
        let (n_max, d_max) = self.v.iter().fold((T::ZERO, T::ONE), |(n, d), &(a, b)| (a.max(n), b.max(d)));
        // Values and the median are not negative: A is between −M·d and
        // n·D, and a deviation's cross products are at most A_max·d_max.
        debug_assert!(m.0 >= T::ZERO && m.1 > T::ZERO && self.v.iter().all(|&(n, d)| n >= T::ZERO && d > T::ZERO));
        n_max.checked_mul(m.1)?.checked_mul(d_max)?;
        m.0.checked_mul(d_max)?.checked_mul(d_max)?;
        for &(n, d) in &self.v {
            self.dev.push((n.mul(m.1).sub(m.0.mul(d)), d));
        }
        // Values below the median (A < 0) come first; going down from the
        // split their deviations grow, as they do going up from it.
        let split = self.dev.partition_point(|&(a, _)| a < T::ZERO);
        let (mut lo, mut hi) = (split, split);
        let n = self.dev.len();
        let mut order = || {
            let take_lo = match (lo > 0, hi < n) {
                (true, true) => {
                    let (l, h) = (self.dev[lo - 1], self.dev[hi]);
                    Self::less((l.0.neg(), l.1), h)
                }
                (l, _) => l,
            };
            if take_lo {
                lo -= 1;
                (self.dev[lo].0.neg(), self.dev[lo].1)
            } else {
                hi += 1;
                self.dev[hi - 1]
            }
        };
        if n == 0 {
            return None;
        }
        // The deviations in ascending order up to the middle one (or two).
        let (mut prev, mut last) = ((T::ZERO, T::ONE), (T::ZERO, T::ONE));
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
    pub fn deviation_sum(&self) -> Option<Frac<T>> {
        let mut s: Frac<T> = (T::ZERO, T::ONE);
        for &(a, d) in &self.dev {
            let g = T::gcd(s.1, d);
            let l = s.1.div(g).checked_mul(d)?;
            let n = s.0.checked_mul(l.div(s.1))?.checked_add(a.checked_abs()?.checked_mul(l.div(d))?)?;
            s = (n, l);
        }
        Some(s)
    }
}

/// The median of `n` ascending values `at(0..n)`, in lowest terms.
fn middle<T: WindowInt>(n: usize, at: impl Fn(usize) -> Frac<T>) -> Option<Frac<T>> {
    match n {
        0 => None,
        n if n % 2 == 1 => Some(reduce(at(n / 2))),
        n => mean(at(n / 2 - 1), at(n / 2)),
    }
}

/// (a + b) / 2, in lowest terms.
fn mean<T: WindowInt>(a: Frac<T>, b: Frac<T>) -> Option<Frac<T>> {
    let n = a.0.checked_mul(b.1)?.checked_add(b.0.checked_mul(a.1)?)?;
    let d = a.1.checked_mul(b.1)?.checked_mul(T::TWO)?;
    Some(reduce((n, d)))
}

/// `f` in lowest terms.
pub fn reduce<T: WindowInt>((n, d): Frac<T>) -> Frac<T> {
    let g = T::gcd(n, d);
    match g == T::ZERO || g == T::ONE {
        true => (n, d),
        false => (n.div(g), d.div(g)),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A seeded xorshift: `next(k)` is a pseudo-random number below k.
    pub(crate) fn xorshift(mut x: u64) -> impl FnMut(u64) -> u64 {
        move |k| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % k
        }
    }

    fn window(values: &[Frac]) -> SortedWindow {
        let mut w = SortedWindow::<i128>::new(1 << 40, 1 << 40).unwrap();
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
        let mut next = xorshift(12345);
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

    /// The same window in `i64` and in `i128` gives the same medians and
    /// deviation medians, and `widen_into` copies it.
    #[test]
    fn i64_and_i128_agree() {
        let mut next = xorshift(777);
        for n in 1..=28 {
            let values: Vec<Frac> = (0..n).map(|_| (next(1 << 20) as i128, 1 + next(1000) as i128)).collect();
            let mut big = window(&values);
            let mut small = SortedWindow::<i64>::new(1 << 20, 1000).unwrap();
            for &(a, b) in &values {
                small.insert((a as i64, b as i64));
            }
            let m = small.median().unwrap();
            assert_eq!((m.0 as i128, m.1 as i128), big.median().unwrap());
            let got = small.deviation_median(m).map(|(a, b)| (a as i128, b as i128));
            assert_eq!(got, big.deviation_median(big.median().unwrap()));
            let mut wide = SortedWindow::<i128>::default();
            small.widen_into(&mut wide);
            assert_eq!(wide.v, big.v);
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
        assert!(SortedWindow::<i128>::new(i128::MAX / 2, 3).is_none());
        assert!(SortedWindow::<i128>::new(u64::MAX.into(), 1 << 62).is_some());
        assert!(SortedWindow::<i64>::new(1 << 32, 1 << 31).is_none());
        assert!(SortedWindow::<i64>::new(1 << 31, 1 << 31).is_some());
    }
}
