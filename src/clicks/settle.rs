//! Between the passes: the ranges' click ids merged in file order (an id's
//! first row is the one in the earliest range; a later range's first row
//! of it is a duplicate, and its buckets lose that click), the buckets
//! summed over the log, and each click's status byte completed: duplicate,
//! in a bucket over the velocity limit.

use rustc_hash::FxHashSet;

use crate::clicks::scan::{status, Scan, NO_BUCKET};

/// What pass 2 needs to know of the whole log.
#[derive(Debug, Default)]
pub struct Settled {
    /// Per range, per click in order, its [`status`] bits.
    pub status: Vec<Vec<u8>>,
    /// The fields (bits) some row of the log has.
    pub keys_seen: u8,
    /// Distinct click ids (the de-duplication set's size).
    pub ids: u64,
    /// Some ids were not kept (past the limit): their clicks are counted
    /// without the check.
    pub ids_over_limit: bool,
}

/// Merges the ranges' scans, in file order. `limit`: ids kept at most;
/// `velocity_max`: a bucket is hot above it.
///
/// The ranges' id lists are sorted by key (by [`Scan::done`]), so the
/// ids of the ranges before a range are kept as one sorted list too, and
/// each range is merged into it in one sequential walk (no hash table).
pub fn settle(mut scans: Vec<Scan>, limit: usize, velocity_max: u32) -> Settled {
    let mut out = Settled::default();
    // Sorted keys of the ranges so far.
    let mut seen: Vec<[u64; 2]> = Vec::new();
    // Buckets of rows that an earlier range makes duplicates: not in velocity.
    let mut minus: Vec<u128> = Vec::new();
    for scan in scans.iter_mut() {
        out.ids_over_limit |= scan.ids_over_limit;
        out.keys_seen |= scan.keys_seen;
        let ids = std::mem::take(&mut scan.ids);
        let mut fresh: Vec<[u64; 2]> = Vec::with_capacity(ids.len().min(limit.saturating_sub(seen.len())));
        let mut at = 0;
        for row in ids {
            while at < seen.len() && seen[at] < row.key {
                at += 1;
            }
            let seq = row.seq as usize;
            if at < seen.len() && seen[at] == row.key {
                scan.status[seq] |= status::DUPLICATE;
                if let Some(b) = scan.row_buckets.get_mut(seq) {
                    minus.extend(b.iter().copied().filter(|&k| k != NO_BUCKET));
                    *b = [NO_BUCKET; 2];
                }
            } else if seen.len() + fresh.len() >= limit {
                out.ids_over_limit = true;
                scan.status[seq] |= status::UNCHECKED;
            } else {
                fresh.push(row.key);
            }
        }
        seen = merge_sorted(seen, fresh);
    }
    out.ids = seen.len() as u64;
    drop(seen);
    minus.sort_unstable();
    let hot = hot_buckets(&scans, &minus, u64::from(velocity_max));
    for scan in scans {
        let mut st = scan.status;
        if !hot.is_empty() {
            for (s, b) in st.iter_mut().zip(&scan.row_buckets) {
                if *s & status::DUPLICATE == 0 {
                    if b[0] != NO_BUCKET && hot.contains(&b[0]) {
                        *s |= status::IP_HOT;
                    }
                    if b[1] != NO_BUCKET && hot.contains(&b[1]) {
                        *s |= status::USER_HOT;
                    }
                }
            }
        }
        out.status.push(st);
    }
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

/// The buckets whose clicks over every range, less `minus` (sorted), are
/// more than `max`: the ranges' sorted counts merged in one pass.
fn hot_buckets(scans: &[Scan], minus: &[u128], max: u64) -> FxHashSet<u128> {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    let mut heap: BinaryHeap<Reverse<(u128, usize)>> = BinaryHeap::new();
    let mut at = vec![0usize; scans.len()];
    for (i, s) in scans.iter().enumerate() {
        if let Some(&(k, _)) = s.bucket_counts.first() {
            heap.push(Reverse((k, i)));
        }
    }
    let mut hot = FxHashSet::default();
    let mut m = 0;
    while let Some(&Reverse((key, _))) = heap.peek() {
        let mut total = 0u64;
        while let Some(&Reverse((k, i))) = heap.peek() {
            if k != key {
                break;
            }
            heap.pop();
            total += u64::from(scans[i].bucket_counts[at[i]].1);
            at[i] += 1;
            if let Some(&(next, _)) = scans[i].bucket_counts.get(at[i]) {
                heap.push(Reverse((next, i)));
            }
        }
        while m < minus.len() && minus[m] < key {
            m += 1;
        }
        while m < minus.len() && minus[m] == key {
            total -= 1;
            m += 1;
        }
        if total > max {
            hot.insert(key);
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
