//! Pass 1 over a range: which click ids it holds (each id's first row in
//! the range), how many not-duplicate clicks each velocity bucket (ad,
//! minute, IP or user) has in it, and per click what pass 2 will need
//! (a status byte, its buckets). [`crate::clicks::settle`] merges the
//! ranges in file order and completes the status bytes.
//!
//! Ids are not looked up in a hash table as they come (a cache miss per
//! click on a table of millions): each click's id key is appended to a
//! list, and [`Scan::done`] sorts the list once and marks the later rows
//! of each key as duplicates. Settle then merges the ranges' sorted lists.

use crate::clicks::keys::{bucket_key, canonical_ip, id_key, BucketKind};

/// No bucket (an empty IP or user, or the rule is off). Keys are never 0.
pub const NO_BUCKET: u128 = 0;
use crate::clicks::source::{Row, RowSink};
use crate::clicks::valid::accept;

/// Status bits of a click ([`Scan::status`], completed by settle).
pub mod status {
    /// A retry of a click id seen earlier in file order.
    pub const DUPLICATE: u8 = 1;
    /// In an IP bucket over the velocity limit.
    pub const IP_HOT: u8 = 2;
    /// In a user bucket over the velocity limit.
    pub const USER_HOT: u8 = 4;
    /// Its id was past the de-duplication limit: counted unchecked.
    pub const UNCHECKED: u8 = 8;
}

/// What pass 1 learns of a range.
#[derive(Debug, Default)]
pub struct Scan {
    /// Each click id (its key) and its first row's number in the range:
    /// every id row until [`Scan::done`], which sorts them by key and
    /// keeps each key's first row.
    pub ids: Vec<IdRow>,
    /// Velocity buckets and the range's not-duplicate clicks in each,
    /// sorted by key (made by [`Scan::count_buckets`]: sorting once costs
    /// less than a hash table's cache misses per click).
    pub bucket_counts: Vec<(u128, u32)>,
    /// Per click (in order), its IP and user bucket keys (when a velocity
    /// rule is on; [`NO_BUCKET`] for none, and for a duplicate).
    pub row_buckets: Vec<[u128; 2]>,
    /// Per click, its [`status`] bits so far.
    pub status: Vec<u8>,
    /// The fields (bits) some row of the range has.
    pub keys_seen: u8,
    /// Ids not kept: the range alone has more than the limit.
    pub ids_over_limit: bool,
    /// The id list holds `limit` distinct ids: no more are added.
    full: bool,
    limit: usize,
    ip_on: bool,
    user_on: bool,
    scratch: Vec<u8>,
    ip_text: String,
}

/// A click id's key and the click's number in its range (24 bytes: the
/// key as two words, not a 16-byte-aligned `u128`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct IdRow {
    /// The key's high and low 64 bits (so that the order is the key's).
    pub key: [u64; 2],
    /// The click's number in the range.
    pub seq: u32,
}

impl IdRow {
    /// The row of key `key`, click `seq`.
    pub fn new(key: u128, seq: u32) -> IdRow {
        IdRow { key: [(key >> 64) as u64, key as u64], seq }
    }
}

impl Scan {
    /// A scan counting IP buckets (`ip_on`) and user buckets (`user_on`),
    /// keeping at most `limit` ids; `expected` clicks (a guess from the
    /// range's size) sizes its tables once.
    pub fn new(ip_on: bool, user_on: bool, limit: usize, expected: usize) -> Scan {
        let mut s = Scan { ip_on, user_on, limit, ..Scan::default() };
        s.ids.reserve(expected.min(limit));
        s.status.reserve(expected);
        if ip_on || user_on {
            s.row_buckets.reserve(expected);
        }
        s
    }

    fn bucket(&mut self, kind: BucketKind, ad: &[u8], minute: i64, who: &[u8]) -> u128 {
        if who.is_empty() {
            return NO_BUCKET;
        }
        bucket_key(kind, ad, minute, who, &mut self.scratch) | 1
    }

    /// Sorts the ids by key and keeps each key's first row; the later rows
    /// become duplicates and lose their buckets.
    fn compact(&mut self) {
        self.ids.sort_unstable();
        let mut kept = 0;
        for i in 0..self.ids.len() {
            let row = self.ids[i];
            if kept > 0 && self.ids[kept - 1].key == row.key {
                self.duplicate(row.seq as usize);
            } else {
                self.ids[kept] = row;
                kept += 1;
            }
        }
        self.ids.truncate(kept);
    }

    fn duplicate(&mut self, seq: usize) {
        self.status[seq] |= status::DUPLICATE;
        if let Some(b) = self.row_buckets.get_mut(seq) {
            *b = [NO_BUCKET; 2];
        }
    }

    /// Clicks read.
    pub fn clicks(&self) -> u64 {
        self.status.len() as u64
    }

    /// Ends the range: its ids sorted by key, each key's later rows marked
    /// duplicates (their buckets dropped) and only its first row kept.
    /// Settle then marks the rows that earlier ranges make duplicates
    /// ([`Scan::apply_cross`]) before the buckets are counted.
    pub fn done(mut self) -> Scan {
        self.compact();
        self.ids.shrink_to_fit();
        self
    }

    /// Marks the clicks (by number) that an earlier range makes duplicates
    /// (their buckets dropped) and those whose id was past the limit.
    pub fn apply_cross(&mut self, duplicates: &[u32], unchecked: &[u32]) {
        for &seq in duplicates {
            self.duplicate(seq as usize);
        }
        for &seq in unchecked {
            self.status[seq as usize] |= status::UNCHECKED;
        }
    }

    /// Counts the buckets: the keys of the range's not-duplicate clicks,
    /// sorted, as (key, clicks) in [`Scan::bucket_counts`].
    pub fn count_buckets(&mut self) {
        let mut keys: Vec<u128> = self.row_buckets.iter().flatten().copied().filter(|&k| k != NO_BUCKET).collect();
        keys.sort_unstable();
        let mut counts: Vec<(u128, u32)> = Vec::new();
        for k in keys {
            match counts.last_mut() {
                Some((last, n)) if *last == k => *n += 1,
                _ => counts.push((k, 1)),
            }
        }
        self.bucket_counts = counts;
    }

    /// Completes the status bytes with the buckets over the velocity limit
    /// (`hot`, from every range), and returns them.
    pub fn mark_hot(self, hot: &[u128]) -> Vec<u8> {
        let mut st = self.status;
        if !hot.is_empty() {
            let hot: rustc_hash::FxHashSet<u128> = hot.iter().copied().collect();
            for (s, b) in st.iter_mut().zip(&self.row_buckets) {
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
        st
    }
}

impl RowSink for Scan {
    fn row(&mut self, row: &Row) {
        self.keys_seen |= row.present;
        let Ok(click) = accept(row) else { return };
        let seq = self.status.len();
        let mut st = 0;
        if !click.click_id.is_empty() {
            let key = id_key(click.click_id);
            let past = seq > u32::MAX as usize;
            if !self.full && (self.ids.len() >= self.limit || past) {
                // The list holds `limit` rows (or the range 2^32 clicks):
                // keep only the first row of each id, and stop adding when
                // that is still the limit.
                self.compact();
                self.full = self.ids.len() >= self.limit || past;
            }
            if self.full {
                // Past the limit an id is still found among those kept
                // (a duplicate, counted once), else counted unchecked.
                let row = IdRow::new(key, 0);
                if self.ids.binary_search_by(|r| r.key.cmp(&row.key)).is_ok() {
                    st = status::DUPLICATE;
                } else {
                    self.ids_over_limit = true;
                    st = status::UNCHECKED;
                }
            } else {
                self.ids.push(IdRow::new(key, seq as u32));
            }
        }
        self.status.push(st);
        if self.ip_on || self.user_on {
            let mut b = [NO_BUCKET; 2];
            if st & status::DUPLICATE == 0 {
                let minute = click.ms.div_euclid(60_000);
                if self.ip_on && !click.ip.is_empty() {
                    let mut text = std::mem::take(&mut self.ip_text);
                    b[0] = self.bucket(BucketKind::Ip, click.ad, minute, canonical_ip(click.ip, &mut text));
                    self.ip_text = text;
                }
                if self.user_on {
                    b[1] = self.bucket(BucketKind::User, click.ad, minute, click.user);
                }
            }
            self.row_buckets.push(b);
        }
    }

    fn malformed(&mut self, _line: u64, _reason: &str, _raw: &[u8]) {}
}
