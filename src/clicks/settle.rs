//! Between the passes: the ranges' click ids merged in file order (an id's
//! first row is the one in the earliest range; a later range's first row
//! of it is a duplicate, and its buckets lose that click), the buckets
//! summed over the log, and each click's status byte completed: duplicate,
//! in a bucket over the velocity limit.

use crate::clicks::scan::{IdRow, Scan};

/// What pass 2 needs to know of the whole log.
#[derive(Debug, Default)]
pub struct Settled {
    /// Per range, per click in order, its [`crate::clicks::scan::status`] bits.
    pub status: Vec<Vec<u8>>,
    /// The fields (bits) some row of the log has.
    pub keys_seen: u8,
    /// Distinct click ids (the de-duplication set's size).
    pub ids: u64,
    /// Some ids were not kept (past the limit): their clicks are counted
    /// without the check.
    pub ids_over_limit: bool,
}

/// What settle tells one range of its ids: the clicks an earlier range
/// makes duplicates, and those past the id limit (by number in the range).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Cross {
    /// Clicks whose id an earlier range holds.
    pub duplicates: Vec<u32>,
    /// Clicks whose id was not kept (past the limit): counted unchecked.
    pub unchecked: Vec<u32>,
}

/// The ranges' ids (each list sorted by key, one row per key, from
/// [`Scan::done`]) merged in file order: per range, its [`Cross`]; then the
/// ids kept and whether the limit was reached. The ids of the ranges
/// before a range are one sorted list, and each range is merged into it in
/// one sequential walk (no hash table).
pub fn cross_ranges(ranges: &[&[IdRow]], limit: usize) -> (Vec<Cross>, u64, bool) {
    let mut seen: Vec<[u64; 2]> = Vec::new();
    let mut over = false;
    let mut out = Vec::with_capacity(ranges.len());
    for ids in ranges {
        let mut cross = Cross::default();
        let mut fresh: Vec<[u64; 2]> = Vec::with_capacity(ids.len().min(limit.saturating_sub(seen.len())));
        let mut at = 0;
        for row in ids.iter() {
            while at < seen.len() && seen[at] < row.key {
                at += 1;
            }
            if at < seen.len() && seen[at] == row.key {
                cross.duplicates.push(row.seq);
            } else if seen.len() + fresh.len() >= limit {
                over = true;
                cross.unchecked.push(row.seq);
            } else {
                fresh.push(row.key);
            }
        }
        seen = merge_sorted(seen, fresh);
        out.push(cross);
    }
    (out, seen.len() as u64, over)
}

/// Merges the ranges' scans, in file order. `limit`: ids kept at most;
/// `velocity_max`: a bucket is hot above it. The same steps as the
/// browser's workers take with their ranges ([`crate::clicks::codec`]
/// carries what they exchange): [`cross_ranges`], [`Scan::apply_cross`]
/// and [`Scan::count_buckets`] per range, [`hot_buckets`], then
/// [`Scan::mark_hot`] per range.
pub fn settle(mut scans: Vec<Scan>, limit: usize, velocity_max: u32) -> Settled {
    let mut out = Settled::default();
    let ids: Vec<Vec<IdRow>> = scans.iter_mut().map(|s| std::mem::take(&mut s.ids)).collect();
    let lists: Vec<&[IdRow]> = ids.iter().map(|v| v.as_slice()).collect();
    let (cross, kept, over) = cross_ranges(&lists, limit);
    drop(ids);
    out.ids = kept;
    out.ids_over_limit = over;
    for (scan, c) in scans.iter_mut().zip(&cross) {
        out.ids_over_limit |= scan.ids_over_limit;
        out.keys_seen |= scan.keys_seen;
        scan.apply_cross(&c.duplicates, &c.unchecked);
        scan.count_buckets();
    }
    let counts: Vec<&[(u128, u32)]> = scans.iter().map(|s| s.bucket_counts.as_slice()).collect();
    let hot = hot_buckets(&counts, u64::from(velocity_max));
    out.status = scans.into_iter().map(|s| s.mark_hot(&hot)).collect();
    out
}

/// Two sorted lists as one (no key is in both).
fn merge_sorted(a: Vec<[u64; 2]>, b: Vec<[u64; 2]>) -> Vec<[u64; 2]> {
    if a.is_empty() {
        return b;
    }
    if b.is_empty() {
        return a;
    }
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i] < b[j] {
            out.push(a[i]);
            i += 1;
        } else {
            out.push(b[j]);
            j += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

/// The buckets whose clicks over every range are more than `max`, sorted:
/// the ranges' sorted counts merged in one pass.
pub fn hot_buckets(counts: &[&[(u128, u32)]], max: u64) -> Vec<u128> {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    let mut heap: BinaryHeap<Reverse<(u128, usize)>> = BinaryHeap::new();
    let mut at = vec![0usize; counts.len()];
    for (i, c) in counts.iter().enumerate() {
        if let Some(&(k, _)) = c.first() {
            heap.push(Reverse((k, i)));
        }
    }
    let mut hot = Vec::new();
    while let Some(&Reverse((key, _))) = heap.peek() {
        let mut total = 0u64;
        while let Some(&Reverse((k, i))) = heap.peek() {
            if k != key {
                break;
            }
            heap.pop();
            total += u64::from(counts[i][at[i]].1);
            at[i] += 1;
            if let Some(&(next, _)) = counts[i].get(at[i]) {
                heap.push(Reverse((next, i)));
            }
        }
        if total > max {
            hot.push(key);
        }
    }
    hot
}

impl Settled {
    /// Bytes the de-duplication set held, about: a 128-bit key and a
    /// 32-bit row number per id in its range's sorted list (24 bytes).
    pub fn id_set_bytes(&self) -> u64 {
        self.ids * 24
    }
}
