//! Pass 1 over a range: which click ids it holds (each id's first row in
//! the range) and how many not-duplicate clicks each velocity bucket
//! (ad, minute, IP or user) has in it. [`crate::clicks::settle`] merges
//! the ranges in file order.

use rustc_hash::FxHashMap;

use crate::clicks::keys::{bucket_key, id_key, BucketKind};
use crate::clicks::source::{Row, RowSink};
use crate::clicks::valid::accept;

/// No bucket (an empty IP or user, or the rule is off).
pub const NO_BUCKET: u32 = u32::MAX;

/// A click id's first row in a range.
#[derive(Debug, Clone, Copy)]
pub struct FirstSeen {
    /// The row's number among the range's clicks (0-based).
    pub seq: u64,
    /// Its IP bucket's index in [`Scan::bucket_keys`] (or [`NO_BUCKET`]).
    pub ip_bucket: u32,
    /// Its user bucket's index.
    pub user_bucket: u32,
}

/// What pass 1 learns of a range.
#[derive(Debug, Default)]
pub struct Scan {
    /// Each click id (its key) and its first row.
    pub ids: FxHashMap<u128, FirstSeen>,
    /// Velocity buckets: keys, and the not-duplicate clicks of each.
    pub bucket_keys: Vec<u128>,
    /// Parallel to `bucket_keys`.
    pub bucket_counts: Vec<u32>,
    bucket_index: FxHashMap<u128, u32>,
    /// Clicks read (rows that are clicks).
    pub clicks: u64,
    /// Ids not kept: the range alone has more than the limit.
    pub ids_over_limit: bool,
    limit: usize,
    ip_on: bool,
    user_on: bool,
    scratch: Vec<u8>,
}

impl Scan {
    /// A scan counting IP buckets (`ip_on`) and user buckets (`user_on`),
    /// keeping at most `limit` ids.
    pub fn new(ip_on: bool, user_on: bool, limit: usize) -> Scan {
        Scan { ip_on, user_on, limit, ..Scan::default() }
    }

    fn bucket(&mut self, kind: BucketKind, ad: &[u8], minute: i64, who: &[u8]) -> u32 {
        if who.is_empty() {
            return NO_BUCKET;
        }
        let key = bucket_key(kind, ad, minute, who, &mut self.scratch);
        let next = self.bucket_keys.len() as u32;
        let i = *self.bucket_index.entry(key).or_insert(next);
        if i == next {
            self.bucket_keys.push(key);
            self.bucket_counts.push(0);
        }
        self.bucket_counts[i as usize] += 1;
        i
    }

    /// Drops what only the scan itself needed.
    pub fn done(mut self) -> Scan {
        self.bucket_index = FxHashMap::default();
        self
    }
}

impl RowSink for Scan {
    fn row(&mut self, row: &Row) {
        let Ok(click) = accept(row) else { return };
        let seq = self.clicks;
        self.clicks += 1;
        if !click.click_id.is_empty() {
            let key = id_key(click.click_id);
            if self.ids.contains_key(&key) {
                return; // a retry within the range: not counted by velocity
            }
            if self.ids.len() >= self.limit {
                self.ids_over_limit = true;
            } else {
                self.ids.insert(key, FirstSeen { seq, ip_bucket: NO_BUCKET, user_bucket: NO_BUCKET });
            }
        }
        let minute = click.ms.div_euclid(60_000);
        let ip_bucket = if self.ip_on { self.bucket(BucketKind::Ip, click.ad, minute, click.ip) } else { NO_BUCKET };
        let user_bucket = if self.user_on { self.bucket(BucketKind::User, click.ad, minute, click.user) } else { NO_BUCKET };
        if !click.click_id.is_empty() {
            if let Some(first) = self.ids.get_mut(&id_key(click.click_id)) {
                first.ip_bucket = ip_bucket;
                first.user_bucket = user_bucket;
            }
        }
    }

    fn malformed(&mut self, _line: u64, _reason: &str, _raw: &[u8]) {}
}
