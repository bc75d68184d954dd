//! Top-k selection by exact ratios: CTR (clicks / impressions, highest
//! first) and CPA (spend / conversions, lowest first), ties broken by
//! campaign id in byte order. Ratios are compared by cross-multiplying in
//! 128 bits, never as rounded or floating-point values.

use std::cmp::Ordering;

use crate::partial::CampaignMap;
use crate::totals::Totals;

/// One campaign with its totals, as ranked and written out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ranked {
    /// Campaign id (raw bytes).
    pub campaign_id: Box<[u8]>,
    /// Its totals.
    pub totals: Totals,
    /// The last campaign name seen for it, when the file also has names.
    pub name: Option<Box<[u8]>>,
}

/// Compares `a/b` with `c/d` exactly (`b`, `d` > 0).
fn cmp_ratio(a: u64, b: u64, c: u64, d: u64) -> Ordering {
    (u128::from(a) * u128::from(d)).cmp(&(u128::from(c) * u128::from(b)))
}

/// Higher CTR first, then campaign id ascending.
pub fn ctr_order(a: (&[u8], &Totals), b: (&[u8], &Totals)) -> Ordering {
    cmp_ratio(b.1.clicks, b.1.impressions, a.1.clicks, a.1.impressions).then_with(|| a.0.cmp(b.0))
}

/// Lower CPA first, then campaign id ascending.
pub fn cpa_order(a: (&[u8], &Totals), b: (&[u8], &Totals)) -> Ordering {
    cmp_ratio(a.1.spend_micros, a.1.conversions, b.1.spend_micros, b.1.conversions).then_with(|| a.0.cmp(b.0))
}

/// The best `k` campaigns among those `eligible`, best first, in
/// O(n log k) without sorting everything.
pub fn top_k(
    campaigns: &CampaignMap,
    k: usize,
    eligible: impl Fn(&Totals) -> bool,
    order: impl Fn((&[u8], &Totals), (&[u8], &Totals)) -> Ordering,
) -> Vec<Ranked> {
    let mut top = TopK::new(k, eligible, order);
    for (id, totals) in campaigns {
        top.offer(id, totals);
    }
    top.into_vec()
}

/// The best `k` campaigns offered so far, best first: several rankings
/// can be kept in one pass over the campaigns.
pub struct TopK<E, O> {
    k: usize,
    best: Vec<Ranked>,
    eligible: E,
    order: O,
}

impl<E, O> TopK<E, O>
where
    E: Fn(&Totals) -> bool,
    O: Fn((&[u8], &Totals), (&[u8], &Totals)) -> Ordering,
{
    /// An empty ranking of `k` rows of the campaigns `eligible`, by `order`.
    pub fn new(k: usize, eligible: E, order: O) -> Self {
        TopK { k, best: Vec::with_capacity(k + 1), eligible, order }
    }

    /// Considers one campaign (its id is copied only if it is kept).
    #[inline]
    pub fn offer(&mut self, id: &[u8], totals: &Totals) {
        let k = self.k;
        if k == 0 || !(self.eligible)(totals) {
            return;
        }
        let item = (id, totals);
        if self.best.len() == k && (self.order)(item, key(&self.best[k - 1])) != Ordering::Less {
            return;
        }
        let at = self.best.partition_point(|b| (self.order)(key(b), item) == Ordering::Less);
        self.best.insert(at, Ranked { campaign_id: id.into(), totals: *totals, name: None });
        self.best.truncate(k);
    }

    /// The ranking, best first.
    pub fn into_vec(self) -> Vec<Ranked> {
        self.best
    }
}

/// A ranked row as [`ctr_order`] and [`cpa_order`] take it.
fn key(r: &Ranked) -> (&[u8], &Totals) {
    (&r.campaign_id, &r.totals)
}

/// The top `k` by CTR (campaigns with impressions only).
pub fn top_ctr(campaigns: &CampaignMap, k: usize) -> Vec<Ranked> {
    top_k(campaigns, k, |t| t.impressions > 0, ctr_order)
}

/// The top `k` by lowest CPA (campaigns with conversions only).
pub fn top_cpa(campaigns: &CampaignMap, k: usize) -> Vec<Ranked> {
    top_k(campaigns, k, |t| t.conversions > 0, cpa_order)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(rows: &[(&str, u64, u64, u64, u64)]) -> CampaignMap {
        rows.iter()
            .map(|&(id, i, c, s, v)| {
                (id.as_bytes().into(), Totals { impressions: i, clicks: c, spend_micros: s, conversions: v })
            })
            .collect()
    }

    fn ids(r: &[Ranked]) -> Vec<String> {
        r.iter().map(|r| String::from_utf8(r.campaign_id.to_vec()).unwrap()).collect()
    }

    #[test]
    fn ctr_ranking_with_ties_and_zero_impressions() {
        let m = map(&[("B", 100, 5, 0, 0), ("A", 200, 10, 0, 0), ("C", 3, 1, 0, 0), ("Z", 0, 0, 0, 0), ("D", 1000, 1, 0, 0)]);
        assert_eq!(ids(&top_ctr(&m, 10)), ["C", "A", "B", "D"]);
        assert_eq!(ids(&top_ctr(&m, 2)), ["C", "A"]);
    }

    #[test]
    fn cpa_ranking_excludes_zero_conversions() {
        let m = map(&[("X", 0, 0, 10, 0), ("B", 0, 0, 30, 3), ("A", 0, 0, 20, 2), ("C", 0, 0, 5, 1)]);
        assert_eq!(ids(&top_cpa(&m, 10)), ["C", "A", "B"]);
    }

    #[test]
    fn exact_comparison_beats_floats() {
        // 1/3 vs 333333333333333333/999999999999999999 are equal; a float
        // division would call them equal too, so use values that differ by
        // less than f64 can see.
        let big = 1u64 << 60;
        let m = map(&[("a", big + 1, big, 0, 0), ("b", big, big - 1, 0, 0)]);
        // a: big/(big+1) = 1 - 1/(big+1); b: (big-1)/big = 1 - 1/big; a > b.
        assert_eq!(ids(&top_ctr(&m, 2)), ["a", "b"]);
    }
}
