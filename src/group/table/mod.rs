//! The campaign table used while aggregating on the fast path.
//!
//! Ids of up to 15 bytes (nearly all of them) are packed into two words,
//! the length in the top byte, and kept inline in an open-addressing table
//! with linear probing: a lookup is a multiply-shift hash, one slot load and
//! two integer compares, and key and totals share the slot, so a table far
//! larger than the caches costs about one cache miss per row. Ids of 16 to
//! 24 bytes (Meta's and TikTok's 17- to 19-digit ids) are kept inline the
//! same way in a table of their own ([`long`]); only longer ones go to an
//! ordinary map keyed by bytes. The table is the one form campaigns have
//! from the reader to the report: [`crate::Partial`] carries it, ranges
//! merge table to table ([`Table::merge`]), and the codec writes it in slot
//! order.
//!
//! Large tables place ids by the low bits of a hash of the id's bytes (Fx,
//! as rustc-hash's maps do), so that merging a table walked in slot order,
//! or decoded from one, sweeps memory in order instead of jumping around.

use crate::group::day_window::{DayBit, DayWindows};
use crate::group::key::{pack, unpack, CampaignMap, PACKED_MAX};
use crate::schema::field::Field;
use crate::schema::totals::{Sum, SumKind, Totals, OPTIONAL, REQUIRED};
use crate::text::date::Day;

mod hash;
pub mod long;
mod walk;

use hash::*;
#[doc(hidden)]
pub use hash::places_like_the_map;

use long::{Key as LongKey, LongTable};


/// Longest id a large table keeps in its compact slots.
const COMPACT_MAX: u64 = 11;

/// Marks a home slot from [`Table::home_long`]: one in the long ids' table.
const LONG_HOME: usize = 1 << (usize::BITS - 1);

/// Marks a compact slot whose campaign outgrew its 32-bit counters: its
/// totals are in [`Table::wide`].
const WIDE: u32 = 0x8000_0000;

/// One slot of a small table: the packed id (`hi == 0` marks an empty
/// slot; a packed id never has `hi == 0` since its length, at least 1, is
/// in the top byte).
#[derive(Debug, Clone, Copy, Default)]
#[repr(C)]
struct Slot {
    lo: u64,
    hi: u64,
    totals: Totals,
    /// Its [`DayWindow`](crate::group::day_window::DayWindow) in [`Table::days`].
    days: u32,
}

/// How many of the required sums are counts: a large table keeps them in
/// 32 bits.
const NARROW: usize = {
    let mut n = 0;
    let mut i = 0;
    while i < REQUIRED {
        if matches!(Sum::ALL[i].kind(), SumKind::Count) {
            n += 1;
        }
        i += 1;
    }
    n
};

/// The required sums a large table's slot keeps in 32 bits (the counts),
/// then the ones in 64 (money), by [`Sum::index`]. The optional sums
/// (revenue) are kept beside the slots, in [`Extra`].
const COMPACT_ORDER: [usize; REQUIRED] = {
    let mut order = [0; REQUIRED];
    let (mut narrow, mut wide) = (0, NARROW);
    let mut i = 0;
    while i < REQUIRED {
        if matches!(Sum::ALL[i].kind(), SumKind::Count) {
            order[narrow] = i;
            narrow += 1;
        } else {
            order[wide] = i;
            wide += 1;
        }
        i += 1;
    }
    order
};

/// One slot of a large table, half a cache line: ids of up to
/// [`COMPACT_MAX`] bytes, counts in 32 bits (campaigns that outgrow them
/// move to [`Table::wide`]), money in 64. A table far larger than the
/// caches costs one cache line per row, not one and a half.
#[derive(Debug, Clone, Copy, Default)]
#[repr(C, align(32))]
struct Compact {
    /// Id bytes 0..8.
    lo: u64,
    /// Id bytes 8..11, the length in the top byte, [`WIDE`]; 0 when empty.
    hi: u32,
    /// The counts, in [`COMPACT_ORDER`].
    narrow: [u32; NARROW],
    /// The required money sums, in [`COMPACT_ORDER`] after the counts.
    wide: [u64; REQUIRED - NARROW],
}

impl Compact {
    /// The packed `hi` of [`pack`] for this slot's id.
    fn hi64(&self) -> u64 {
        u64::from(self.hi & 0x00FF_FFFF) | u64::from((self.hi & !WIDE) >> 24) << 56
    }

    #[inline(always)]
    fn totals(&self) -> Totals {
        let mut t = Totals::default();
        for (k, &i) in COMPACT_ORDER.iter().enumerate() {
            t.sums[i] = match k < NARROW {
                true => self.narrow[k].into(),
                false => self.wide[k - NARROW],
            };
        }
        t
    }

    /// Stores the required sums of `t` if its counts fit in 32 bits (the
    /// optional ones go to [`Extra`]).
    #[inline(always)]
    fn set(&mut self, t: &Totals) -> bool {
        let narrow: [u64; NARROW] = std::array::from_fn(|k| t.sums[COMPACT_ORDER[k]]);
        if narrow.iter().fold(0, |acc, &v| acc | v) >> 32 != 0 {
            return false;
        }
        self.narrow = narrow.map(|v| v as u32);
        self.wide = std::array::from_fn(|k| t.sums[COMPACT_ORDER[NARROW + k]]);
        true
    }
}

const _: () = assert!(std::mem::size_of::<Compact>() == 32, "a large table's slot is half a cache line");

/// The optional sums (revenue) of a large table's slots, beside them (one
/// entry per slot, same index): allocated only once a row has a non-zero
/// optional sum, so that a file without revenue keeps 32-byte slots and
/// never touches it. Measured against 48-byte slots: see the README.
#[derive(Debug, Clone, Default)]
pub(crate) struct Extra(Vec<[u64; OPTIONAL]>);

/// The optional sums of `t`.
#[inline(always)]
pub(crate) fn optional(t: &Totals) -> [u64; OPTIONAL] {
    std::array::from_fn(|k| t.sums[REQUIRED + k])
}

impl Extra {
    /// True until some slot has a non-zero optional sum.
    #[inline(always)]
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Puts slot `i`'s optional sums into `t`.
    #[inline(always)]
    pub(crate) fn fill(&self, i: usize, t: &mut Totals) {
        if let Some(e) = self.0.get(i) {
            t.sums[REQUIRED..].copy_from_slice(e);
        }
    }

    /// Keeps the optional sums of `t` for slot `i` of `slots` slots.
    #[inline(always)]
    pub(crate) fn set(&mut self, i: usize, t: &Totals, slots: usize) {
        let o = optional(t);
        if self.0.is_empty() {
            if o == [0; OPTIONAL] {
                return;
            }
            self.allocate(slots);
        }
        self.0[i] = o;
    }

    #[cold]
    #[inline(never)]
    fn allocate(&mut self, slots: usize) {
        self.0 = vec![[0; OPTIONAL]; slots];
    }

    /// Loads slot `i`'s entry, if allocated (see [`Table::touch`]).
    #[inline(always)]
    pub(crate) fn touch(&self, i: usize) -> u64 {
        self.0.get(i).map_or(0, |e| e[0])
    }
}

/// The compact `hi` for the packed `hi` of an id of at most
/// [`COMPACT_MAX`] bytes.
#[inline(always)]
fn compact_hi(hi: u64) -> u32 {
    (hi as u32 & 0x00FF_FFFF) | ((hi >> 56) as u32) << 24
}

/// Per-campaign totals keyed by id bytes. Equal tables hold the same
/// campaigns with the same totals, wherever they sit.
#[derive(Debug, Clone)]
pub struct Table {
    /// The slots of a small table (empty once large).
    slots: Vec<Slot>,
    /// The slots of a large table (empty while small).
    compact: Vec<Compact>,
    /// The optional sums of `compact`'s slots, once a row has one.
    extra: Extra,
    /// `64 - log2(slots.len())`: small tables pick the home slot with the
    /// top bits of [`hash`]; large ones use the low bits of [`fx_hash`].
    shift: u32,
    /// Occupied slots.
    len: usize,
    /// Grow when `len` reaches this.
    grow_at: usize,
    /// Large tables: ids of 12 to [`PACKED_MAX`] bytes, and campaigns
    /// marked [`WIDE`].
    wide: rustc_hash::FxHashMap<(u64, u64), Totals>,
    /// Ids of [`long::MIN`] to [`long::MAX`] bytes.
    long: LongTable,
    /// Ids longer than [`long::MAX`].
    longer: CampaignMap,
    /// The days seen per campaign of a small table (none once large).
    days: DayWindows,
}

/// A campaign id as the table holds it.
#[derive(Clone, Copy)]
enum Id<'a> {
    /// Packed in two words ([`pack`]).
    Packed(u64, u64),
    /// Longer than [`PACKED_MAX`].
    Long(&'a [u8]),
}

impl Id<'_> {
    fn to_box(self) -> Box<[u8]> {
        match self {
            Id::Packed(lo, hi) => unpack(lo, hi),
            Id::Long(id) => id.into(),
        }
    }
}

const INITIAL_BITS: u32 = 8;

/// Tables of this many slots or more are large (see [`Table::is_large`]).
const LARGE: usize = 1 << 15;

impl Default for Table {
    fn default() -> Table {
        Table::new()
    }
}

impl Table {
    /// An empty table.
    pub fn new() -> Table {
        let n = 1 << INITIAL_BITS;
        Table {
            slots: vec![Slot::default(); n],
            compact: Vec::new(),
            extra: Extra::default(),
            shift: 64 - INITIAL_BITS,
            len: 0,
            grow_at: n / 2 + n / 8,
            wide: Default::default(),
            long: LongTable::default(),
            longer: CampaignMap::default(),
            days: DayWindows::default(),
        }
    }

    /// No campaign yet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Distinct campaigns (keys), without walking the slots.
    pub fn len(&self) -> usize {
        self.len
            + self
                .wide
                .keys()
                .filter(|&&(_, hi)| hi >> 56 > COMPACT_MAX)
                .count()
            + self.long.len()
            + self.longer.len()
    }

    /// True when the table is too large for the caches to hold (the packed
    /// ids' table or the long ids' one), and [`touch`](Self::touch)ing a
    /// batch ahead pays.
    #[inline(always)]
    pub fn is_large(&self) -> bool {
        self.packed_large() || self.long.is_large()
    }

    /// True when packed ids are in compact slots.
    #[inline(always)]
    fn packed_large(&self) -> bool {
        !self.compact.is_empty()
    }

    /// Slots: changes when the table grows (and home slots move).
    #[inline(always)]
    pub fn size(&self) -> usize {
        self.slots.len() + self.compact.len() + self.long.size()
    }

    /// Home slot of a packed key.
    #[inline(always)]
    pub fn home(&self, lo: u64, hi: u64) -> usize {
        if self.packed_large() {
            self.home_large(lo, hi)
        } else {
            (hash(lo, hi) >> self.shift) as usize
        }
    }

    #[inline(always)]
    fn home_large(&self, lo: u64, hi: u64) -> usize {
        fx_hash(lo, hi) as usize & (self.compact.len() - 1)
    }

    /// Home slot of an id longer than [`PACKED_MAX`], for
    /// [`add_long_at`](Self::add_long_at): in the long ids' table (marked
    /// [`LONG_HOME`]) when it has at most [`long::MAX`] bytes.
    #[inline(always)]
    pub fn home_long(&self, id: &[u8]) -> usize {
        match LongKey::new(id) {
            Some(key) => LONG_HOME | self.long.home(&key),
            None => 0,
        }
    }

    /// Loads a word of a home slot of a large table (from [`home`](Self::home)
    /// or [`home_long`](Self::home_long)), so that a caller can start the
    /// cache misses of a batch of rows before it needs their slots: a
    /// prefetch without `unsafe`. Returns the word.
    #[inline(always)]
    pub fn touch(&self, home: usize) -> u64 {
        if home & LONG_HOME != 0 {
            return self.long.touch(home & !LONG_HOME);
        }
        self.compact.get(home).map_or(0, |s| s.lo) ^ self.extra.touch(home)
    }

    /// Adds a row for the packed id `(lo, hi)` (see [`pack`]). On overflow
    /// nothing changes and the field is returned.
    #[inline(always)]
    pub fn add_packed(&mut self, lo: u64, hi: u64, v: &Totals) -> Result<(), Field> {
        self.add_at(self.home(lo, hi), lo, hi, v)
    }

    /// [`add_packed`](Self::add_packed) for a table that is not
    /// [large](Self::is_large).
    #[inline(always)]
    pub fn add_small(&mut self, lo: u64, hi: u64, v: &Totals) -> Result<(), Field> {
        self.add_small_on(lo, hi, v, crate::text::date::NO_DAY).map(|_| ())
    }

    /// [`add_small`](Self::add_small) for a row on `day`; also returns
    /// the (campaign, day) bit of the duplicate check's cache, if the day
    /// falls in the campaign's window (see [`crate::group::day_window`]).
    #[inline(always)]
    pub fn add_small_on(&mut self, lo: u64, hi: u64, v: &Totals, day: Day) -> Result<Option<DayBit>, Field> {
        debug_assert!(!self.packed_large());
        let mask = self.slots.len() - 1;
        let mut i = (hash(lo, hi) >> self.shift) as usize;
        loop {
            let s = &mut self.slots[i];
            if s.lo == lo && s.hi == hi {
                add(&mut s.totals, v)?;
                let window = s.days as usize;
                return Ok(self.days.bit(window, day));
            }
            if s.hi == 0 {
                let window = self.insert_small(i, lo, hi, v);
                return Ok(self.days.bit(window, day));
            }
            i = (i + 1) & mask;
        }
    }

    /// True if the pair of `bit` (from [`add_small_on`](Self::add_small_on))
    /// is known to be in the duplicate check's map.
    #[inline(always)]
    pub fn day_seen(&self, bit: DayBit) -> bool {
        self.days.is_set(bit)
    }

    /// Records that the pair of `bit` is in the duplicate check's map.
    #[inline(always)]
    pub fn set_day_seen(&mut self, bit: DayBit) {
        self.days.set(bit)
    }

    /// [`add_packed`](Self::add_packed) with the home slot from
    /// [`home`](Self::home), the table not having grown since.
    #[inline(always)]
    pub fn add_at(&mut self, home: usize, lo: u64, hi: u64, v: &Totals) -> Result<(), Field> {
        if !self.packed_large() {
            return self.add_small(lo, hi, v);
        }
        if hi >> 56 > COMPACT_MAX {
            return self.add_wide(lo, hi, v);
        }
        let chi = compact_hi(hi);
        let mask = self.compact.len() - 1;
        let mut i = home;
        loop {
            let s = &mut self.compact[i];
            if s.lo == lo && s.hi & !WIDE == chi {
                if s.hi & WIDE != 0 {
                    return self.add_wide(lo, hi, v);
                }
                if !self.extra.is_empty() || optional(v) != [0; OPTIONAL] {
                    return self.add_with_extra(i, lo, hi, v);
                }
                // No optional sum anywhere yet (a file without revenue):
                // the slot holds all of it.
                let mut t = s.totals();
                add(&mut t, v)?;
                if !s.set(&t) {
                    s.hi |= WIDE;
                    self.wide.insert((lo, hi), t);
                }
                return Ok(());
            }
            if s.hi == 0 {
                return self.insert_large(i, lo, hi, v);
            }
            i = (i + 1) & mask;
        }
    }

    /// [`add_at`](Self::add_at) for a found compact slot `i` once some
    /// row has an optional sum: those live in [`Extra`].
    #[inline(never)]
    fn add_with_extra(&mut self, i: usize, lo: u64, hi: u64, v: &Totals) -> Result<(), Field> {
        let s = &mut self.compact[i];
        let mut t = s.totals();
        self.extra.fill(i, &mut t);
        add(&mut t, v)?;
        if !s.set(&t) {
            s.hi |= WIDE;
            self.wide.insert((lo, hi), t);
        } else {
            self.extra.set(i, &t, self.compact.len());
        }
        Ok(())
    }

    #[inline(never)]
    fn add_wide(&mut self, lo: u64, hi: u64, v: &Totals) -> Result<(), Field> {
        match self.wide.get_mut(&(lo, hi)) {
            Some(t) => add(t, v),
            None => {
                self.wide.insert((lo, hi), *v);
                Ok(())
            }
        }
    }

    /// Puts a new campaign in slot `i`; returns its day window.
    #[inline(never)]
    fn insert_small(&mut self, i: usize, lo: u64, hi: u64, v: &Totals) -> usize {
        let days = self.days.push();
        self.slots[i] = Slot { lo, hi, totals: *v, days: days as u32 };
        self.len += 1;
        if self.len >= self.grow_at {
            self.grow();
        }
        days
    }

    #[inline(never)]
    fn insert_large(&mut self, i: usize, lo: u64, hi: u64, v: &Totals) -> Result<(), Field> {
        let s = &mut self.compact[i];
        (s.lo, s.hi) = (lo, compact_hi(hi));
        if !s.set(v) {
            s.hi |= WIDE;
            self.wide.insert((lo, hi), *v);
        } else {
            self.extra.set(i, v, self.compact.len());
        }
        self.len += 1;
        if self.len >= self.grow_at {
            self.grow();
        }
        Ok(())
    }

    /// Doubles the table, or quadruples it once large (fewer rehashes of
    /// many entries); past [`LARGE`] slots, in compact slots.
    fn grow(&mut self) {
        let bits = 64 - self.shift + if self.packed_large() { 2 } else { 1 };
        let n = 1usize << bits;
        self.shift = 64 - bits;
        self.grow_at = n / 2 + n / 8;
        if n < LARGE {
            let old = std::mem::replace(&mut self.slots, vec![Slot::default(); n]);
            for s in old.into_iter().filter(|s| s.hi != 0) {
                let mut i = (hash(s.lo, s.hi) >> self.shift) as usize;
                while self.slots[i].hi != 0 {
                    i = (i + 1) & (n - 1);
                }
                self.slots[i] = s;
            }
            return;
        }
        let old = std::mem::take(&mut self.compact);
        let old_extra = std::mem::take(&mut self.extra);
        self.compact = vec![Compact::default(); n];
        self.len = 0;
        self.days.clear();
        // From a small table: ids too long for compact slots go wide.
        let small = std::mem::take(&mut self.slots)
            .into_iter()
            .filter(|s| s.hi != 0)
            .map(|s| (s.lo, s.hi, s.totals));
        let large = old.into_iter().enumerate().filter(|(_, s)| s.hi != 0).map(|(j, s)| {
            let mut t = s.totals();
            old_extra.fill(j, &mut t);
            (s.lo, s.hi64(), t)
        });
        let widened = |(_, hi, _): &(u64, u64, Totals)| hi >> 56 > COMPACT_MAX;
        let (long, moved): (Vec<_>, Vec<_>) = small.partition(widened);
        for (lo, hi, t) in long {
            self.wide.insert((lo, hi), t);
        }
        for (lo, hi, t) in moved.into_iter().chain(large) {
            let mut i = self.home_large(lo, hi);
            while self.compact[i].hi != 0 {
                i = (i + 1) & (n - 1);
            }
            let s = &mut self.compact[i];
            (s.lo, s.hi) = (lo, compact_hi(hi));
            if self.wide.contains_key(&(lo, hi)) || !s.set(&t) {
                s.hi |= WIDE;
                self.wide.entry((lo, hi)).or_insert(t);
            } else {
                self.extra.set(i, &t, n);
            }
            self.len += 1;
        }
    }

    /// Adds a row for an id longer than [`PACKED_MAX`] (any id, in fact).
    #[inline(never)]
    pub fn add_long(&mut self, id: &[u8], v: &Totals) -> Result<(), Field> {
        if let Some((lo, hi)) = pack(id) {
            return self.add_packed(lo, hi, v);
        }
        if let Some(key) = LongKey::new(id) {
            return self.long.add(&key, v);
        }
        match self.longer.get_mut(id) {
            Some(t) => add(t, v),
            None => {
                self.longer.insert(id.into(), *v);
                Ok(())
            }
        }
    }

    /// [`add_long`](Self::add_long) with the home slot from
    /// [`home_long`](Self::home_long), the table not having grown since.
    #[inline(always)]
    pub fn add_long_at(&mut self, home: usize, id: &[u8], v: &Totals) -> Result<(), Field> {
        match LongKey::new(id) {
            Some(key) if home & LONG_HOME != 0 => self.long.add_at(home & !LONG_HOME, &key, v),
            _ => self.add_long(id, v),
        }
    }

    /// Adds totals (a row's, or several) for any non-empty id.
    pub fn add(&mut self, id: &[u8], v: &Totals) -> Result<(), Field> {
        match pack(id) {
            Some((lo, hi)) => self.add_packed(lo, hi, v),
            None => self.add_long(id, v),
        }
    }
}

/// `t += v`, overflow-checked; on overflow nothing changes.
#[inline(always)]
fn add(t: &mut Totals, v: &Totals) -> Result<(), Field> {
    t.add(v)
}

#[cfg(test)]
mod tests;