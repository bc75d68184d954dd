//! Between the passes: the ranges' click ids merged in file order (an id's
//! first row is the one in the earliest range; a later range's first row
//! of it is a duplicate, and its buckets lose that click), the buckets
//! summed over the log, and each click's status byte completed: duplicate,
//! in a bucket over the velocity limit.

use rustc_hash::{FxHashMap, FxHashSet};

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
pub fn settle(mut scans: Vec<Scan>, limit: usize, velocity_max: u32) -> Settled {
    let mut out = Settled::default();
    let mut seen: FxHashSet<u128> = FxHashSet::default();
    seen.reserve(scans.iter().map(|s| s.ids.len()).sum::<usize>().min(limit));
    for scan in scans.iter_mut() {
        out.ids_over_limit |= scan.ids_over_limit;
        out.keys_seen |= scan.keys_seen;
        for (key, seq) in std::mem::take(&mut scan.ids) {
            if seen.contains(&key) {
                // A retry of an earlier range's click: not in velocity.
                scan.status[seq as usize] |= status::DUPLICATE;
                if let Some(b) = scan.row_buckets.get(seq as usize) {
                    for &i in b {
                        if i != NO_BUCKET {
                            scan.bucket_counts[i as usize] -= 1;
                        }
                    }
                }
            } else if seen.len() >= limit {
                out.ids_over_limit = true;
                scan.status[seq as usize] |= status::UNCHECKED;
            } else {
                seen.insert(key);
            }
        }
    }
    out.ids = seen.len() as u64;
    drop(seen);
    let mut totals: FxHashMap<u128, u64> = FxHashMap::default();
    totals.reserve(scans.iter().map(|s| s.bucket_keys.len()).sum());
    for scan in &scans {
        for (key, n) in scan.bucket_keys.iter().zip(&scan.bucket_counts) {
            *totals.entry(*key).or_default() += u64::from(*n);
        }
    }
    for scan in scans {
        let hot: Vec<bool> = scan.bucket_keys.iter().map(|k| totals[k] > u64::from(velocity_max)).collect();
        let mut st = scan.status;
        for (s, b) in st.iter_mut().zip(&scan.row_buckets) {
            if *s & status::DUPLICATE == 0 {
                if b[0] != NO_BUCKET && hot[b[0] as usize] {
                    *s |= status::IP_HOT;
                }
                if b[1] != NO_BUCKET && hot[b[1] as usize] {
                    *s |= status::USER_HOT;
                }
            }
        }
        out.status.push(st);
    }
    out
}

impl Settled {
    /// Bytes the de-duplication set held, about: a 128-bit key per id at
    /// the table's 7/8 load, plus a control byte.
    pub fn id_set_bytes(&self) -> u64 {
        self.ids * 16 * 8 / 7 + self.ids
    }
}
