//! The (campaign, day) group: every distinct (campaign id, day) pair of a
//! range, exactly (no hashing of ids), with the line it was first seen on,
//! up to [`PAIR_LIMIT`] pairs per range. The duplicate check asks it
//! whether a row's pair is new ([`DayPairs::note_packed`],
//! [`DayPairs::note_long`]) and counts a warning when it is not
//! ([`crate::Quality`]); the campaign table's
//! [`day_window`](crate::group::day_window) bits are a cache in front of it.
//!
//! Ids of up to [`PACKED_MAX`](crate::group::key::PACKED_MAX) bytes are
//! kept packed ([`crate::group::key::pack`]) with the day; longer ones as
//! their bytes after the day.
//!
//! Memory: about 40 bytes a pair (a packed id and its day, the line, the
//! hash table's control byte and spare room; a long id adds its bytes), so
//! [`PAIR_LIMIT`] (250,000) pairs take ~10 MB per range. The cap stays
//! because without it the group grows with the file's distinct pairs, not
//! with its campaigns: the 1 GB sample file has ~26.8 M rows, and a file of
//! 1 M campaigns, each on a few dozen days, could need ~1 GB. With it every
//! range is bounded; past it new pairs are not remembered, so later repeats
//! of them are not found: the duplicate count is a lower bound,
//! [`DayPairs::capped`] says so, and the report says so too.
//!
//! Groups of adjacent ranges merge exactly with [`DayPairs::merge`]: a pair
//! of the later range that the earlier one already holds is a duplicate
//! across ranges, and keeps the earlier range's first line.

use std::borrow::Cow;
use std::collections::hash_map::Entry;

use rustc_hash::FxHashMap;

use crate::group::key::{pack, unpack};
use crate::text::date::Day;

/// Distinct (campaign, day) pairs remembered per range (about 40 bytes each:
/// ~10 MB; more cost the 1 M-campaign bench file a tenth of its time).
pub const PAIR_LIMIT: usize = 250_000;

/// What noting a pair found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Noted {
    /// The pair was not held: it is remembered now, with this line.
    New,
    /// The pair was held already, first seen on line `first`.
    Duplicate {
        /// The line the pair was first seen on.
        first: u64,
    },
    /// The pair was not held and the group is full ([`PAIR_LIMIT`]): it is
    /// not remembered, and [`DayPairs::capped`] is now true.
    Capped,
}

/// Pairs of a later range that the earlier one already held, found by
/// [`DayPairs::merge`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CrossDuplicates {
    /// How many.
    pub count: u64,
    /// Each of them, when asked for (in no particular order).
    pub each: Vec<CrossDuplicate>,
}

/// A pair of a later range that the earlier one already held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrossDuplicate {
    /// The campaign id.
    pub id: Box<[u8]>,
    /// The day.
    pub day: Day,
    /// The line the later range first saw it on.
    pub line: u64,
    /// The line the earlier range first saw it on.
    pub first: u64,
}

/// The distinct (campaign, day) pairs of a range and the line each was
/// first seen on, up to [`PAIR_LIMIT`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DayPairs {
    /// Short ids: (packed id, day) -> first line.
    packed: FxHashMap<(u64, u64, Day), u64>,
    /// Long ids: [`pair_key`] -> first line.
    long: FxHashMap<Box<[u8]>, u64>,
    /// Some pairs were not remembered (past [`PAIR_LIMIT`]).
    capped: bool,
}

impl DayPairs {
    /// Pairs remembered.
    #[inline(always)]
    pub fn len(&self) -> usize {
        self.packed.len() + self.long.len()
    }

    /// True if no pair is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// True if some pairs were not remembered (past [`PAIR_LIMIT`]): the
    /// duplicates found are a lower bound. Callers stop noting pairs then.
    #[inline(always)]
    pub fn capped(&self) -> bool {
        self.capped
    }

    /// Sets [`capped`](Self::capped) (a result read back from its wire form).
    pub fn set_capped(&mut self, capped: bool) {
        self.capped = capped;
    }

    /// Notes the pair of a packed id ([`crate::group::key::pack`]) and
    /// `day`, seen at `line`.
    #[inline(always)]
    pub fn note_packed(&mut self, lo: u64, hi: u64, day: Day, line: u64) -> Noted {
        let full = self.len() >= PAIR_LIMIT;
        match self.packed.entry((lo, hi, day)) {
            Entry::Occupied(e) => Noted::Duplicate { first: *e.get() },
            Entry::Vacant(e) => {
                if full {
                    self.capped = true;
                    return Noted::Capped;
                }
                e.insert(line);
                Noted::New
            }
        }
    }

    /// Notes the pair of an id that is not packed (longer than
    /// [`PACKED_MAX`](crate::group::key::PACKED_MAX) bytes) and `day`,
    /// seen at `line`. Looks up without allocating (files with long ids and
    /// few campaigns come here for every row).
    #[inline(never)]
    pub fn note_long(&mut self, id: &[u8], day: Day, line: u64) -> Noted {
        let mut buf = [0u8; 64];
        let owned: Box<[u8]>;
        let key = match buf.get_mut(..DAY_BYTES + id.len()) {
            Some(key) => {
                key[..DAY_BYTES].copy_from_slice(&day.to_le_bytes());
                key[DAY_BYTES..].copy_from_slice(id);
                &*key
            }
            None => {
                owned = pair_key(id, day);
                &owned
            }
        };
        if let Some(&first) = self.long.get(key) {
            return Noted::Duplicate { first };
        }
        if self.len() >= PAIR_LIMIT {
            self.capped = true;
            return Noted::Capped;
        }
        self.long.insert(key.into(), line);
        Noted::New
    }

    /// The first line of the pair of a packed id and `day`, if remembered.
    #[inline]
    pub fn first_packed(&self, lo: u64, hi: u64, day: Day) -> Option<u64> {
        self.packed.get(&(lo, hi, day)).copied()
    }

    /// The first line of the pair of `id` (as in the file) and `day`, if
    /// remembered.
    pub fn first_line(&self, id: &[u8], day: Day) -> Option<u64> {
        match pack(id) {
            Some((lo, hi)) => self.first_packed(lo, hi, day),
            None => self.long.get(&pair_key(id, day)).copied(),
        }
    }

    /// Adds the pairs of the range that follows (its lines already
    /// shifted to this range's), as long as there is room; a pair both
    /// hold keeps this range's first line and is a duplicate across the
    /// ranges. Returns those duplicates: their count, and each of them if
    /// `each` is true. Either range's [`capped`](Self::capped) makes the
    /// result capped.
    pub fn merge(&mut self, mut next: DayPairs, each: bool) -> CrossDuplicates {
        let mut cross = CrossDuplicates::default();
        for (key, line) in next.packed.drain() {
            if let Some(&first) = self.packed.get(&key) {
                cross.count += 1;
                if each {
                    cross.each.push(CrossDuplicate { id: unpack(key.0, key.1), day: key.2, line, first });
                }
            } else if self.len() < PAIR_LIMIT {
                self.packed.insert(key, line);
            } else {
                self.capped = true;
            }
        }
        for (key, line) in next.long.drain() {
            if let Some(&first) = self.long.get(&key) {
                cross.count += 1;
                if each {
                    let (id, day) = split_pair_key(&key);
                    cross.each.push(CrossDuplicate { id: id.into(), day, line, first });
                }
            } else if self.len() < PAIR_LIMIT {
                self.long.insert(key, line);
            } else {
                self.capped = true;
            }
        }
        self.capped |= next.capped;
        cross
    }

    /// Adds `shift` to every first line.
    pub fn shift_lines(&mut self, shift: u64) {
        self.packed.values_mut().for_each(|l| *l += shift);
        self.long.values_mut().for_each(|l| *l += shift);
    }

    /// The remembered pairs, for serialization: `(id, day, first line)`.
    pub fn iter(&self) -> impl Iterator<Item = (Cow<'_, [u8]>, Day, u64)> {
        let packed = self
            .packed
            .iter()
            .map(|(&(lo, hi, day), &line)| (Cow::Owned(unpack(lo, hi).into_vec()), day, line));
        let long = self.long.iter().map(|(key, &line)| {
            let (id, day) = split_pair_key(key);
            (Cow::Borrowed(id), day, line)
        });
        packed.chain(long)
    }

    /// Restores a pair listed by [`iter`](Self::iter) (whatever the
    /// limit); false if it was there already.
    pub fn insert(&mut self, id: &[u8], day: Day, line: u64) -> bool {
        match pack(id) {
            Some((lo, hi)) => self.packed.insert((lo, hi, day), line).is_none(),
            None => self.long.insert(pair_key(id, day), line).is_none(),
        }
    }
}

/// Bytes of a day at the start of a [`pair_key`].
const DAY_BYTES: usize = std::mem::size_of::<Day>();

/// The key of a pair of a long id in [`DayPairs`]'s map: the day
/// (little-endian), then the id.
fn pair_key(id: &[u8], day: Day) -> Box<[u8]> {
    [&day.to_le_bytes()[..], id].concat().into()
}

/// The id and the day of a [`pair_key`].
fn split_pair_key(key: &[u8]) -> (&[u8], Day) {
    let (day, id) = key.split_at(DAY_BYTES);
    (id, Day::from_le_bytes(day.try_into().expect("a day's bytes")))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LONG: &[u8] = b"a campaign name longer than sixteen bytes";
    const VERY_LONG: &[u8] = &[b'x'; 100]; // past the lookup's stack buffer

    fn note(p: &mut DayPairs, id: &[u8], day: Day, line: u64) -> Noted {
        match pack(id) {
            Some((lo, hi)) => p.note_packed(lo, hi, day, line),
            None => p.note_long(id, day, line),
        }
    }

    #[test]
    fn new_then_duplicate_with_the_first_line() {
        let mut p = DayPairs::default();
        assert!(p.is_empty());
        for id in [&b"A"[..], LONG, VERY_LONG] {
            assert_eq!(note(&mut p, id, 1, 10), Noted::New);
            assert_eq!(note(&mut p, id, 2, 11), Noted::New, "another day");
            assert_eq!(note(&mut p, id, 1, 12), Noted::Duplicate { first: 10 });
            assert_eq!(p.first_line(id, 1), Some(10));
            assert_eq!(p.first_line(id, 3), None);
        }
        assert_eq!(p.len(), 6);
        assert!(!p.capped());
        let (lo, hi) = pack(b"A").unwrap();
        assert_eq!(p.first_packed(lo, hi, 2), Some(11));
    }

    #[test]
    fn full_refuses_new_pairs_and_says_so() {
        let mut p = DayPairs::default();
        for i in 0..PAIR_LIMIT as u64 {
            assert_eq!(p.note_packed(i, 1 << 56, 0, i + 1), Noted::New);
        }
        assert!(!p.capped());
        assert_eq!(p.note_packed(7, 1 << 56, 0, 9), Noted::Duplicate { first: 8 }, "known pairs still found");
        assert!(!p.capped());
        assert_eq!(note(&mut p, LONG, 0, 9), Noted::Capped);
        assert!(p.capped());
        assert_eq!(note(&mut p, b"new", 0, 9), Noted::Capped);
        assert_eq!(p.len(), PAIR_LIMIT);
    }

    #[test]
    fn merge_finds_cross_duplicates_and_keeps_the_earlier_line() {
        let mut a = DayPairs::default();
        let mut b = DayPairs::default();
        for (id, day, line) in [(&b"A"[..], 1, 1), (LONG, 1, 2), (b"B", 1, 3)] {
            note(&mut a, id, day, line);
        }
        for (id, day, line) in [(&b"A"[..], 1, 1), (LONG, 1, 2), (b"B", 2, 3)] {
            note(&mut b, id, day, line);
        }
        b.shift_lines(3);
        let mut without = a.clone();
        let mut cross = a.merge(b.clone(), true);
        cross.each.sort_by_key(|d| d.line);
        assert_eq!(cross.count, 2);
        assert_eq!(
            cross.each,
            [
                CrossDuplicate { id: b"A"[..].into(), day: 1, line: 4, first: 1 },
                CrossDuplicate { id: LONG.into(), day: 1, line: 5, first: 2 },
            ]
        );
        assert_eq!(a.len(), 4);
        assert_eq!(a.first_line(b"A", 1), Some(1));
        assert_eq!(a.first_line(b"B", 2), Some(6));
        let counted = without.merge(b, false);
        assert_eq!((counted.count, counted.each.len()), (2, 0));
        assert_eq!(without, a);
    }

    #[test]
    fn merge_stops_at_the_limit_and_keeps_the_flag() {
        let mut full = DayPairs::default();
        for i in 0..PAIR_LIMIT as u64 {
            full.note_packed(i, 1 << 56, 0, i + 1);
        }
        let mut next = DayPairs::default();
        note(&mut next, b"new", 0, 1);
        let mut a = full.clone();
        a.merge(next, false);
        assert!(a.capped());
        assert_eq!(a.len(), PAIR_LIMIT);
        let mut capped = DayPairs::default();
        capped.set_capped(true);
        let mut b = DayPairs::default();
        b.merge(capped, false);
        assert!(b.capped());
    }

    #[test]
    fn iter_and_insert_round_trip() {
        let mut p = DayPairs::default();
        for (i, id) in [&b"A"[..], b"B", LONG, VERY_LONG].into_iter().enumerate() {
            note(&mut p, id, i as Day - 1, i as u64 + 1);
        }
        let mut q = DayPairs::default();
        for (id, day, line) in p.iter() {
            assert!(q.insert(&id, day, line));
            assert!(!q.insert(&id, day, line), "already there");
        }
        assert_eq!(q, p);
    }
}
