//! The days a campaign has been seen on, as a cache in front of the
//! duplicate check's map of (campaign, date) pairs
//! ([`crate::group::day_pairs`]).
//!
//! The campaign table keeps one [`DayWindow`] per campaign of a small
//! table, beside its totals: one bit per day of a [`SPAN`]-day window, set
//! once the pair is in the map. A row whose bit is set is a duplicate
//! with no hashing at all: its campaign's slot was just found to add its
//! totals. That is most rows of a file that repeats its pairs (the
//! FV-SEC001 sample repeats each ~1,500 times), where the map lookup cost
//! the wasm parser a quarter of its time.
//!
//! A bit only ever says "in the map": a clear bit, a day outside the
//! window or a campaign without a window all go to the map, the one source
//! of truth (it never loses a pair), so no merge or growth needs care.

use crate::text::date::Day;
use crate::text::date::NO_DAY;

/// Days per window: 512 (about 17 months).
pub const SPAN: i32 = 512;

/// Days before its campaign's first day that a window begins: files sorted
/// either way, and ranges that begin mid-file, stay inside it.
pub const BEFORE: i32 = SPAN / 2;

/// One campaign's days.
#[derive(Debug, Clone, Copy)]
pub struct DayWindow {
    /// The first day seen ([`NO_DAY`] until then).
    first: Day,
    bits: [u64; SPAN as usize / 64],
}

impl Default for DayWindow {
    fn default() -> DayWindow {
        DayWindow { first: NO_DAY, bits: [0; SPAN as usize / 64] }
    }
}

/// A (campaign, day) bit: its window (an index the table gives) and its
/// place in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayBit {
    window: u32,
    offset: u32,
}

impl DayBit {
    /// Its window's number: its campaign's, among the table's campaigns
    /// (the same for every day of the campaign while the table keeps
    /// windows).
    #[inline(always)]
    pub fn window(self) -> usize {
        self.window as usize
    }
}

impl DayWindow {
    /// The bit of `day` in window number `window` (this one), if `day` is
    /// a day and falls in the window.
    #[inline(always)]
    pub fn bit(&mut self, window: usize, day: Day) -> Option<DayBit> {
        if self.first == NO_DAY {
            if day == NO_DAY {
                return None;
            }
            self.first = day;
        }
        let offset = day.wrapping_sub(self.first).wrapping_add(BEFORE) as u32;
        (offset < SPAN as u32 && day != NO_DAY).then_some(DayBit { window: window as u32, offset })
    }
}

/// [`DayWindow`]s by index.
#[derive(Debug, Clone, Default)]
pub struct DayWindows(Vec<DayWindow>);

impl DayWindows {
    /// A new, empty window; returns its index.
    pub fn push(&mut self) -> usize {
        self.0.push(DayWindow::default());
        self.0.len() - 1
    }

    /// The bit of `day` in window `window`, if there is one.
    #[inline(always)]
    pub fn bit(&mut self, window: usize, day: Day) -> Option<DayBit> {
        self.0.get_mut(window)?.bit(window, day)
    }

    /// True if the pair of `bit` is known to be in the map.
    #[inline(always)]
    pub fn is_set(&self, bit: DayBit) -> bool {
        let w = &self.0[bit.window as usize];
        w.bits[bit.offset as usize / 64] >> (bit.offset % 64) & 1 != 0
    }

    /// Records that the pair of `bit` is in the map.
    #[inline(always)]
    pub fn set(&mut self, bit: DayBit) {
        let w = &mut self.0[bit.window as usize];
        w.bits[bit.offset as usize / 64] |= 1 << (bit.offset % 64);
    }

    /// Drops every window (a table that stops keeping them).
    pub fn clear(&mut self) {
        self.0 = Vec::new();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_per_window_and_day() {
        let mut w = DayWindows::default();
        let (a, b) = (w.push(), w.push());
        assert_eq!(w.bit(a, NO_DAY), None, "no day, no bit");
        let first = w.bit(a, 1000).expect("first day");
        assert!(!w.is_set(first));
        w.set(first);
        let again = w.bit(a, 1000).unwrap();
        assert!(w.is_set(again));
        let other = w.bit(b, 1000).unwrap();
        assert!(!w.is_set(other), "windows are apart");
        for day in [1000 - BEFORE, 1001, 1000 + SPAN - BEFORE - 1] {
            let bit = w.bit(a, day).expect("inside");
            assert!(!w.is_set(bit), "{day}");
            w.set(bit);
            assert!(w.is_set(bit), "{day}");
        }
        for day in [1000 - BEFORE - 1, 1000 + SPAN - BEFORE, NO_DAY, Day::MAX] {
            assert_eq!(w.bit(a, day), None, "{day}");
        }
        assert_eq!(w.bit(7, 1000), None, "no such window");
        w.clear();
        assert_eq!(w.bit(a, 1000), None);
    }
}
