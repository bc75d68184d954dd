//! The anomaly rule's quick test (issue 16): the window's values as
//! floats, kept sorted as it rolls, and a bound on |z| that allows for
//! every rounding. Most days are far from the threshold; when the bound
//! is below it, the day is surely not flagged and the exact median and
//! MAD ([`crate::derive::sorted_window`]) are not needed. When unsure,
//! the exact way decides, so the flags are exactly the rule's.

/// Deviations the test keeps on the stack: windows up to twice this.
const HALF: usize = 32;

/// The window's values as floats, ascending.
#[derive(Debug, Clone, Default)]
pub struct FloatWindow {
    v: Vec<f64>,
}

impl FloatWindow {
    /// An empty window.
    pub fn new() -> FloatWindow {
        FloatWindow { v: Vec::with_capacity(2 * HALF) }
    }

    /// Adds a value (a fraction's float, never NaN).
    pub fn insert(&mut self, f: f64) {
        let at = self.v.partition_point(|&e| e <= f);
        self.v.insert(at, f);
    }

    /// Removes a value added before (the same float: the same fraction
    /// gives the same float).
    ///
    /// Panics if there is none.
    pub fn remove(&mut self, f: f64) {
        let at = self.v.partition_point(|&e| e < f);
        assert!(self.v.get(at) == Some(&f), "a value added before");
        self.v.remove(at);
    }

    /// The number of values.
    pub fn count(&self) -> usize {
        self.v.len()
    }

    /// Whether a day of value `x` is surely not flagged at |z| ≥
    /// `threshold` against these values; `false` when unsure (and for a
    /// window of no values or more than 63).
    ///
    /// Each value n / d as a float is within 3.01·u of its value (u = 2⁻⁵³:
    /// n, d and the quotient each rounded once), so each order statistic
    /// of the floats is within 3.01·u·vmax of the exact one (vmax: the
    /// largest value or x); the median (one more rounding) within
    /// 4.1·u·vmax; each deviation |v − m| within 8.2·u·vmax, hence MAD
    /// (their median, one more rounding) within 9.3·u·vmax, and |x − m|
    /// within 8.2·u·vmax. With e = 80·u·vmax (a margin of 8), MAD ≥ MADf −
    /// e and |x − m| ≤ Df + e, so when MADf > e, |z| = 0.6745·|x − m| / MAD
    /// is at most 0.6745·(Df + e) / (MADf − e); that bound below the
    /// threshold (by 10⁻⁹, for its own few roundings) means no flag. MAD
    /// near 0 (the meanAD case among them) is left to the exact way.
    pub fn surely_below(&self, x: f64, threshold: f64) -> bool {
        let (v, n) = (&self.v, self.v.len());
        if n == 0 || n / 2 + 1 > HALF {
            return false;
        }
        let vmax = v[n - 1].max(x);
        let e = 40.0 * f64::EPSILON * vmax; // 80·u
        let m = middle(n, |i| v[i]);
        // The deviations in ascending order, merged from the values below
        // m (going down) and those from m up, to the middle one (or two).
        let split = v.partition_point(|&e| e < m);
        let (mut lo, mut hi) = (split, split);
        let mut ordered = [0.0f64; HALF];
        for slot in ordered.iter_mut().take(n / 2 + 1) {
            let take_lo = lo > 0 && (hi == n || m - v[lo - 1] < v[hi] - m);
            *slot = match take_lo {
                true => {
                    lo -= 1;
                    m - v[lo]
                }
                false => {
                    hi += 1;
                    v[hi - 1] - m
                }
            };
        }
        let mad = middle(n, |i| ordered[i]);
        if mad - e <= 0.0 {
            return false;
        }
        0.6745 * ((x - m).abs() + e) / (mad - e) * (1.0 + 1e-9) < threshold * (1.0 - 1e-9)
    }
}

/// The median of `n` ascending values `at(0..)` (the mean of the two
/// middle ones for an even count).
fn middle(n: usize, at: impl Fn(usize) -> f64) -> f64 {
    match n % 2 {
        1 => at(n / 2),
        _ => (at(n / 2 - 1) + at(n / 2)) / 2.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(values: &[f64]) -> FloatWindow {
        let mut w = FloatWindow::new();
        for &v in values {
            w.insert(v);
        }
        w
    }

    /// Values 1..=9: median 5, MAD 2; x = 15 gives z = 3.3725 exactly, x =
    /// 16 gives 3.70975. Surely below only with room to spare: never at or
    /// just under the exact z.
    #[test]
    fn sure_only_with_room() {
        let w = window(&[3.0, 1.0, 2.0, 9.0, 8.0, 7.0, 6.0, 5.0, 4.0]);
        assert!(w.surely_below(15.0, 3.5));
        assert!(!w.surely_below(15.0, 3.3725), "z equals the threshold: flagged");
        assert!(!w.surely_below(15.0, 3.3724));
        assert!(!w.surely_below(16.0, 3.5));
        // x = 0: z = 0.6745 · 5 / 2 = 1.68625 (a drop).
        assert!(!w.surely_below(0.0, 1.68625));
        assert!(w.surely_below(0.0, 1.6863));
        assert!(w.surely_below(5.0, 0.1), "x at the median: z = 0");
    }

    /// MAD = 0 (seven equal values): never sure, whatever x.
    #[test]
    fn mad_zero_is_never_sure() {
        let w = window(&[4.0; 7]);
        assert!(!w.surely_below(4.0, 3.5));
        assert!(!w.surely_below(1e9, 3.5));
    }

    /// An empty window, or one too long for the stack: unsure.
    #[test]
    fn empty_or_too_long_is_unsure() {
        assert!(!FloatWindow::new().surely_below(1.0, 3.5));
        assert!(!window(&(0..64).map(f64::from).collect::<Vec<_>>()).surely_below(31.0, 3.5));
        assert!(window(&(0..63).map(f64::from).collect::<Vec<_>>()).surely_below(31.0, 3.5));
    }

    /// Removing takes the value out; the order is kept.
    #[test]
    fn rolls() {
        let mut w = window(&[0.5, 0.25, 2.0, 0.25]);
        w.remove(0.25);
        w.remove(2.0);
        assert_eq!(w.v, [0.25, 0.5]);
        w.insert(0.0);
        assert_eq!(w.v, [0.0, 0.25, 0.5]);
    }
}
