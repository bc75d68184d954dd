//! Between the passes: the ranges' click ids merged in file order (an id's
//! first row is the one in the earliest range), each later range's
//! buckets corrected for its rows that an earlier range makes
//! duplicates, the buckets summed over the log, and those over the
//! velocity limit named.

use rustc_hash::{FxHashMap, FxHashSet};

use crate::clicks::scan::{Scan, NO_BUCKET};

/// What pass 2 needs to know of the whole log.
#[derive(Debug, Default)]
pub struct Settled {
    /// Each click id (key) and its first row: range << 44 | seq.
    pub first: FxHashMap<u128, u64>,
    /// Buckets with more not-duplicate clicks than the velocity limit.
    pub hot: FxHashSet<u128>,
    /// Some ids were not kept (past the limit): their clicks are counted
    /// without the check.
    pub ids_over_limit: bool,
}

/// Packs a range and a row number into one file-order position.
pub fn position(range: usize, seq: u64) -> u64 {
    ((range as u64) << 44) | seq
}

/// Merges the ranges' scans, in file order. `limit`: ids kept at most;
/// `velocity_max`: a bucket is hot above it.
pub fn settle(scans: Vec<Scan>, limit: usize, velocity_max: u32) -> Settled {
    let mut out = Settled::default();
    out.first.reserve(scans.iter().map(|s| s.ids.len()).sum::<usize>().min(limit));
    let mut totals: FxHashMap<u128, u64> = FxHashMap::default();
    for (range, mut scan) in scans.into_iter().enumerate() {
        out.ids_over_limit |= scan.ids_over_limit;
        for (key, seen) in std::mem::take(&mut scan.ids) {
            if out.first.contains_key(&key) {
                // A duplicate of an earlier range's row: not in velocity.
                for b in [seen.ip_bucket, seen.user_bucket] {
                    if b != NO_BUCKET {
                        scan.bucket_counts[b as usize] -= 1;
                    }
                }
            } else if out.first.len() >= limit {
                out.ids_over_limit = true;
            } else {
                out.first.insert(key, position(range, seen.seq));
            }
        }
        for (key, n) in scan.bucket_keys.iter().zip(&scan.bucket_counts) {
            *totals.entry(*key).or_default() += u64::from(*n);
        }
    }
    out.hot = totals.into_iter().filter(|(_, n)| *n > u64::from(velocity_max)).map(|(k, _)| k).collect();
    out
}

impl Settled {
    /// Bytes the de-duplication set holds, about: 24 bytes per id (its
    /// 128-bit key and first row) at the table's 7/8 load, plus a control
    /// byte. The same whatever the split (not the table's capacity).
    pub fn id_set_bytes(&self) -> u64 {
        self.first.len() as u64 * 24 * 8 / 7 + self.first.len() as u64
    }
}
