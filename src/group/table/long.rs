//! The campaign table's part for ids of [`MIN`] to [`MAX`] bytes, such as
//! the 17- to 19-digit ids of Meta and TikTok.
//!
//! Each id is kept inline, zero-padded in three words with its length in a
//! fourth, next to its totals: one slot is one cache line, so a lookup in a
//! table far larger than the caches costs one miss, which the fast path
//! starts a batch ahead ([`LongTable::touch`]), as for short ids. There is
//! no allocation per id.
//!
//! Slots are placed by the top bits of [`hash`]: walking a table in slot
//! order meets ids in the order of their hash, whatever the table's size,
//! so growing, and merging one table into another, sweep the target's
//! memory in order instead of jumping around.

use crate::schema::field::Field;
use crate::schema::totals::{Totals, REQUIRED};

use super::Extra;

/// Shortest id kept here (shorter ones are packed in two words).
pub const MIN: usize = super::PACKED_MAX + 1;

/// Longest id kept here.
pub const MAX: usize = 24;

/// Tables of this many slots or more are larger than the caches.
const LARGE: usize = 1 << 14;

/// Slots of a table's first allocation.
const INITIAL: usize = 64;

/// An id of [`MIN`] to [`MAX`] bytes: bytes 0..24, little-endian,
/// zero-padded, and the length (never 0, which marks an empty slot).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Key {
    words: [u64; 3],
    len: u64,
}

impl Key {
    /// The key of `id`, if it has [`MIN`] to [`MAX`] bytes.
    #[inline(always)]
    pub fn new(id: &[u8]) -> Option<Key> {
        let len = id.len();
        if !(MIN..=MAX).contains(&len) {
            return None;
        }
        let word = |at: usize| u64::from_le_bytes(id[at..at + 8].try_into().expect("8 bytes"));
        // Bytes 16..len: the id's last 8 bytes, the ones before 16 shifted out.
        let tail = (u128::from(word(len - 8)) >> (8 * (MAX - len))) as u64;
        Some(Key {
            words: [word(0), word(8), tail],
            len: len as u64,
        })
    }

    /// Whether `self` and `other` are the same id: word by word (a
    /// derived `==` compares with vectors, whose loads of a key just
    /// written word by word would stall).
    #[inline(always)]
    fn is(&self, other: &Key) -> bool {
        let [a, b, c] = self.words;
        let [x, y, z] = other.words;
        (a ^ x) | (b ^ y) | (c ^ z) | (self.len ^ other.len) == 0
    }

    /// The id's bytes, written into `buf`.
    pub fn bytes<'a>(&self, buf: &'a mut [u8; MAX]) -> &'a [u8] {
        for (chunk, w) in buf.chunks_exact_mut(8).zip(self.words) {
            chunk.copy_from_slice(&w.to_le_bytes());
        }
        &buf[..self.len as usize]
    }
}

/// Hash of a key; its top bits place it. Folded multiplies: every bit of
/// the key reaches the top bits.
#[inline(always)]
fn hash(k: &Key) -> u64 {
    const K: [u64; 3] = [0x243f_6a88_85a3_08d3, 0x1319_8a2e_0370_7344, 0xa409_3822_299f_31d0];
    let fold = |a: u64, b: u64| {
        let p = u128::from(a) * u128::from(b);
        p as u64 ^ (p >> 64) as u64
    };
    let h = fold(k.words[0] ^ K[0], k.words[1] ^ K[1]);
    fold(h ^ k.words[2], K[2] ^ k.len)
}

/// One slot: a key and its totals, one cache line.
#[derive(Debug, Clone, Copy, Default)]
#[repr(C, align(64))]
struct Slot {
    key: Key,
    /// The required sums; the optional ones (revenue) are in
    /// [`LongTable::extra`], so that a slot stays one cache line.
    sums: [u64; REQUIRED],
}

impl Slot {
    fn new(key: Key, t: &Totals) -> Slot {
        Slot { key, sums: std::array::from_fn(|k| t.sums[k]) }
    }

    /// Its totals, without the optional sums.
    #[inline(always)]
    fn totals(&self) -> Totals {
        let mut t = Totals::default();
        t.sums[..REQUIRED].copy_from_slice(&self.sums);
        t
    }
}

/// Per-campaign totals of ids of [`MIN`] to [`MAX`] bytes.
#[derive(Debug, Clone, Default)]
pub struct LongTable {
    /// A power of two of them, or none before the first id.
    slots: Vec<Slot>,
    /// `64 - log2(slots.len())`.
    shift: u32,
    /// Occupied slots.
    len: usize,
    /// Grow when `len` reaches this.
    grow_at: usize,
    /// The optional sums of the slots, once a row has one.
    extra: Extra,
}

impl LongTable {
    /// Distinct ids.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Slots: changes when the table grows (and home slots move).
    #[inline(always)]
    pub fn size(&self) -> usize {
        self.slots.len()
    }

    /// True when the table is too large for the caches to hold.
    #[inline(always)]
    pub fn is_large(&self) -> bool {
        self.slots.len() >= LARGE
    }

    /// Home slot of `key` (0 before the first id).
    #[inline(always)]
    pub fn home(&self, key: &Key) -> usize {
        if self.slots.is_empty() {
            return 0;
        }
        (hash(key) >> self.shift) as usize
    }

    /// Loads a word of slot `home` (see [`super::Table::touch`]).
    #[inline(always)]
    pub fn touch(&self, home: usize) -> u64 {
        self.slots.get(home).map_or(0, |s| s.key.len) ^ self.extra.touch(home)
    }

    /// Adds `v` to the totals of `key`. On overflow nothing changes and
    /// the field is returned.
    #[inline(always)]
    pub fn add(&mut self, key: &Key, v: &Totals) -> Result<(), Field> {
        self.add_at(self.home(key), key, v)
    }

    /// [`add`](Self::add) with the home slot from [`home`](Self::home),
    /// the table not having grown since.
    #[inline(always)]
    pub fn add_at(&mut self, home: usize, key: &Key, v: &Totals) -> Result<(), Field> {
        if self.slots.is_empty() {
            return self.insert_first(key, v);
        }
        let n = self.slots.len();
        let mask = n - 1;
        let mut i = home;
        loop {
            let s = &mut self.slots[i];
            if s.key.is(key) {
                let mut t = s.totals();
                self.extra.fill(i, &mut t);
                t.add(v)?;
                s.sums.copy_from_slice(&t.sums[..REQUIRED]);
                self.extra.set(i, &t, n);
                return Ok(());
            }
            if s.key.len == 0 {
                return self.insert(i, key, v);
            }
            i = (i + 1) & mask;
        }
    }

    #[inline(never)]
    fn insert_first(&mut self, key: &Key, v: &Totals) -> Result<(), Field> {
        self.resize(INITIAL);
        self.add(key, v)
    }

    /// Puts a new id in slot `i`.
    #[inline(never)]
    fn insert(&mut self, i: usize, key: &Key, v: &Totals) -> Result<(), Field> {
        self.slots[i] = Slot::new(*key, v);
        self.extra.set(i, v, self.slots.len());
        self.len += 1;
        if self.len >= self.grow_at {
            self.resize(self.slots.len() * 2);
        }
        Ok(())
    }

    /// Moves every id into a table of `n` slots (a power of two), in
    /// slot order: in the new table's order too.
    fn resize(&mut self, n: usize) {
        let old = std::mem::replace(&mut self.slots, vec![Slot::default(); n]);
        let old_extra = std::mem::take(&mut self.extra);
        self.shift = 64 - n.trailing_zeros();
        self.grow_at = n / 2 + n / 8;
        for (j, s) in old.into_iter().enumerate().filter(|(_, s)| s.key.len != 0) {
            let i = self.vacancy(&s.key);
            self.slots[i] = s;
            if !old_extra.is_empty() {
                let mut t = Totals::default();
                old_extra.fill(j, &mut t);
                self.extra.set(i, &t, n);
            }
        }
    }

    /// The first empty slot from the home of `key` (which is not here).
    fn vacancy(&self, key: &Key) -> usize {
        let mask = self.slots.len() - 1;
        let mut i = self.home(key);
        while self.slots[i].key.len != 0 {
            i = (i + 1) & mask;
        }
        i
    }

    /// Adds every id of `other`, in its slot order (the order of their
    /// homes here too). On overflow, returns the field and the id.
    pub fn merge(&mut self, other: LongTable) -> Result<(), (Field, Box<[u8]>)> {
        if other.len > self.len {
            // Merge the smaller table into the larger: addition commutes.
            let mine = std::mem::replace(self, other);
            return self.merge(mine);
        }
        // Not grown ahead: the two may share most of their ids. Growing
        // on the way is a sweep in order too.
        for (j, s) in other.slots.iter().enumerate().filter(|(_, s)| s.key.len != 0) {
            let mut t = s.totals();
            other.extra.fill(j, &mut t);
            self.add(&s.key, &t).map_err(|field| {
                let mut buf = [0u8; MAX];
                (field, s.key.bytes(&mut buf).into())
            })?;
        }
        Ok(())
    }

    /// Calls `f` with the id and totals of every campaign, in slot order.
    pub fn for_each(&self, mut f: impl FnMut(&[u8], &Totals)) {
        let mut buf = [0u8; MAX];
        for (i, s) in self.slots.iter().enumerate().filter(|(_, s)| s.key.len != 0) {
            let mut t = s.totals();
            self.extra.fill(i, &mut t);
            f(s.key.bytes(&mut buf), &t);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_differ_by_length() {
        let id = b"123456789012345678901234";
        for len in MIN..=MAX {
            let key = Key::new(&id[..len]).unwrap();
            assert_eq!(key.bytes(&mut [0; MAX]), &id[..len]);
        }
        assert_eq!(Key::new(&id[..MIN - 1]), None);
        assert_eq!(Key::new(b"1234567890123456789012345"), None);
        let zero = [0u8; MAX];
        assert_ne!(Key::new(&zero[..MIN]), Key::new(&zero[..MIN + 1]));
    }
}
