//! [`AcceptedRow`]: one data row that parsed, as every reader hands it on;
//! [`Row`] is its plain form (csv-core's path), the fast path reads the same
//! answers straight from the line it parsed. What a row *does* (sums,
//! checks, the duplicate check, the name) is decided in one place,
//! [`crate::agg::accept`], whichever reader found it.

use crate::schema::totals::Totals;
use crate::text::date::Day;

/// The date cell of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowDate<'a> {
    /// The file has no date column (or the row no such cell).
    Absent,
    /// A date, as a day number.
    Day(Day),
    /// A cell that is not a date (the text, for the warning).
    NotADate(&'a [u8]),
}

/// One data row that parsed: its campaign, values, date and name. Slices
/// point into the reader's buffer.
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    /// Line of the row's first byte, counted from the start of its range.
    pub line: u64,
    /// The campaign id.
    pub campaign: &'a [u8],
    /// The id packed as by [`crate::group::key::pack`] when it has at most
    /// [`crate::group::key::PACKED_MAX`] bytes, else `(0, 0)`.
    pub key: (u64, u64),
    /// Impressions, clicks, spend (micros), conversions.
    pub values: Totals,
    /// The date cell.
    pub date: RowDate<'a>,
    /// The campaign name, trimmed (empty without a name column).
    pub name: &'a [u8],
    /// The spend cell, when its value was rounded to micros (for the
    /// warning).
    pub rounded_spend: Option<&'a [u8]>,
    /// The reader has already turned away every row that a value or date
    /// rule warns about ([`crate::agg::quality::Quality::warns`]; the fast
    /// path sends those to csv-core), so those checks are known to pass.
    pub checked: bool,
}

/// What a reader tells about a row that parsed. Readers answer from their
/// own form of the row (the fast path from the positions of a line it
/// parsed, without copying anything), so that [`crate::agg::accept`] asks
/// only for what it needs.
pub trait AcceptedRow {
    /// Line of the row's first byte, counted from the start of its range.
    fn line(&self) -> u64;
    /// The campaign id.
    fn campaign(&self) -> &[u8];
    /// The id packed as by [`crate::group::key::pack`], or `(0, 0)`.
    fn key(&self) -> (u64, u64);
    /// Impressions, clicks, spend (micros), conversions.
    fn values(&self) -> Totals;
    /// The date cell.
    fn date(&self) -> RowDate<'_>;
    /// The campaign name, trimmed (empty without a name column).
    fn name(&self) -> &[u8];
    /// The spend cell, when its value was rounded to micros.
    fn rounded_spend(&self) -> Option<&[u8]>;
    /// The reader has already turned away every row that a value or date
    /// rule warns about ([`crate::agg::quality::Quality::warns`]).
    fn checked(&self) -> bool;
    /// The reader's bytes from the campaign id's first byte to the end of
    /// what it holds, and how many of them are the rest of the row's line
    /// (its line break included), when the row is a line read as it stands
    /// (the fast path: no quotes, nothing trimmed); `None` otherwise. The
    /// normalizer copies numbers already written as it writes them from
    /// there ([`crate::agg::normalize`]).
    #[inline(always)]
    fn line_from_campaign(&self) -> Option<(&[u8], usize)> {
        None
    }
}

impl AcceptedRow for Row<'_> {
    #[inline(always)]
    fn line(&self) -> u64 {
        self.line
    }
    #[inline(always)]
    fn campaign(&self) -> &[u8] {
        self.campaign
    }
    #[inline(always)]
    fn key(&self) -> (u64, u64) {
        self.key
    }
    #[inline(always)]
    fn values(&self) -> Totals {
        self.values
    }
    #[inline(always)]
    fn date(&self) -> RowDate<'_> {
        self.date
    }
    #[inline(always)]
    fn name(&self) -> &[u8] {
        self.name
    }
    #[inline(always)]
    fn rounded_spend(&self) -> Option<&[u8]> {
        self.rounded_spend
    }
    #[inline(always)]
    fn checked(&self) -> bool {
        self.checked
    }
}
