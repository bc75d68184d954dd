//! Where a line's bytes come from: a checked slice, or a fixed window read
//! without bounds checks.

use super::*;

/// Bytes of a line in a window of this many (and 8 more) are read
/// without bounds checks.
pub(super) const WINDOW: usize = 512;

/// Where a line's bytes come from.
pub(super) trait Src: Copy {
    /// Lines longer than this (with their line break) are declined.
    const LINE_MAX: usize;
    /// Text fields are not scanned past this offset.
    const SCAN_MAX: usize;
    /// Eight bytes from `o` (little-endian).
    fn word(self, o: usize) -> u64;
    /// The byte at `o`, `None` past the end.
    fn byte(self, o: usize) -> Option<u8>;
    /// The date in bytes `from..to` read in `order`, by
    /// [`crate::text::date::parse_date_in`]; `None` when its evidence is in
    /// `report` (the line is declined: csv-core's path counts it).
    fn date(self, from: usize, to: usize, order: DateOrder, report: u8) -> Option<Day>;
}

/// The rest of the buffer, bounds-checked; zeros past its end.
#[derive(Clone, Copy)]
pub(super) struct Checked<'a>(pub(super) &'a [u8]);

/// The start of a line and the `WINDOW + 8` bytes from it. Offsets wrap
/// around within the window; anything read from a wrapped offset ends up
/// at a position past the window, which [`Src::LINE_MAX`] rejects.
#[derive(Clone, Copy)]
pub(super) struct Window<'a>(pub(super) &'a [u8; WINDOW + 8]);

impl Src for Checked<'_> {
    const LINE_MAX: usize = RECORD_LIMIT;
    const SCAN_MAX: usize = usize::MAX;
    #[inline(always)]
    fn word(self, o: usize) -> u64 {
        load(self.0, o)
    }
    #[inline(always)]
    fn byte(self, o: usize) -> Option<u8> {
        self.0.get(o).copied()
    }
    #[cold]
    fn date(self, from: usize, to: usize, order: DateOrder, report: u8) -> Option<Day> {
        other_date(self.0.get(from..to)?, order, report)
    }
}

impl Src for Window<'_> {
    const LINE_MAX: usize = WINDOW - 16;
    const SCAN_MAX: usize = WINDOW;
    #[inline(always)]
    fn word(self, o: usize) -> u64 {
        let o = o & (WINDOW - 1);
        u64::from_le_bytes(self.0[o..o + 8].try_into().expect("8 bytes"))
    }
    #[inline(always)]
    fn byte(self, o: usize) -> Option<u8> {
        Some(self.0[o & (WINDOW - 1)])
    }
    #[cold]
    fn date(self, from: usize, to: usize, order: DateOrder, report: u8) -> Option<Day> {
        other_date(self.0.get(from..to)?, order, report)
    }
}

/// A date field of another form than `YYYY-MM-DD` (see [`Src::date`]).
fn other_date(field: &[u8], order: DateOrder, report: u8) -> Option<Day> {
    match crate::text::date::parse_date_in(field, order) {
        (day, evidence) if evidence & report == 0 => day,
        _ => None,
    }
}

/// `YYYY-MM-DD` as a day number, from its first eight bytes `w` and its
/// last two `t`, if it is a valid date.
#[cold]
#[inline(never)]
pub(super) fn iso_date(w: u64, t: u64) -> Option<Day> {
    const MASK: u64 = 0xFF << 32 | 0xFF << 56;
    const DASHES: u64 = (b'-' as u64) << 32 | (b'-' as u64) << 56;
    if w & MASK != DASHES {
        return None;
    }
    let a = (w ^ ZEROS) & !MASK;
    let t = t ^ 0x3030;
    if non_digits(a) | non_digits(t) != 0 {
        return None;
    }
    let d = |x: u64, i: u32| ((x >> (8 * i)) & 0xF) as u32;
    let year = d(a, 0) * 1000 + d(a, 1) * 100 + d(a, 2) * 10 + d(a, 3);
    crate::text::date::day_from_civil(year, d(a, 5) * 10 + d(a, 6), d(t, 0) * 10 + d(t, 1))
}
