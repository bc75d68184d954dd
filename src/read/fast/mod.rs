//! The fast path for plain lines: no quotes, no stray `\r`, numbers made of
//! digits only. It parses such a line in one pass without copying, straight
//! into the campaign [`Table`]; anything else is declined and goes through
//! csv-core (see [`crate::read::range`]).
//!
//! Invariant, checked by differential tests: whenever a line is accepted,
//! csv-core plus [`crate::row::record::parse_record`] give the same campaign and
//! values for it.
//!
//! Lines are parsed field by field with SWAR (SIMD within a register):
//! eight bytes at a time in a `u64`, which is fast natively and in wasm32
//! alike, with no unsafe code. A text field is found with one exact
//! "byte below c" test per word (every byte that could end it or make it
//! unusual is small: `\n`, `\r`, `"` and the usual delimiters); a number
//! with one "not a digit" test and a multiply-based conversion. The line
//! ends where its last field does, so there is no separate newline search.

use std::cell::Cell;
use std::ops::Range;

use crate::agg::sink::RowSink;
use crate::agg::quality::Quality;
use crate::group::key::PACKED_MAX;
use crate::group::table::{long as long_ids, Table};
use crate::row::accepted::{AcceptedRow, RowDate};
use crate::row::record::Layout;
use crate::row::record::RECORD_LIMIT;
use crate::schema::field::Field;
use crate::schema::totals::{Sum, SumKind, Totals, REQUIRED, SUMS};
use crate::text::date::Day;
use crate::text::date::DateOrder;
use crate::text::date::NO_DAY;

mod parse;
mod plain;
mod run;
mod swar;
mod window;
#[cfg(test)]
mod tests;

use parse::*;
use swar::*;
use window::*;
pub use run::row;
use run::*;

/// What the fast path does with one column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    /// A text column whose value does not matter.
    Skip,
    /// The date: parsed for the data-quality checks.
    Date,
    /// The campaign name shown beside the id: where it is.
    Name,
    /// Column 0 when it is not the campaign: it still must not look like a
    /// total row (`Total: ...`).
    SkipFirst,
    /// The campaign id.
    Campaign,
    /// A summed count.
    Count(Sum),
    /// A summed amount of money.
    Money(Sum),
}

/// A precomputed per-column plan for parsing lines.
#[derive(Debug, Clone)]
pub struct FastParser {
    cols: Box<[Col]>,
    delimiter: u8,
    /// The decimal separator of money fields.
    decimal: u8,
    /// Bytes below this may end a text field or make it unusual.
    below: u8,
    /// The delimiter is below `below` (else it is tested on its own).
    delim_below: bool,
    /// False for delimiters the fast path cannot handle: it declines all.
    enabled: bool,
    /// Later dates are declined (csv-core's path warns about them).
    max_day: Day,
    /// The last `YYYY-MM-DD` date read (its two words) and its day: rows
    /// of a day usually come together.
    last_date: Cell<(u64, u64, Day)>,
    /// The last date field of another form and of at most 16 bytes (its
    /// bytes as two zero-padded words, its length) and what it parsed to.
    /// Apart from `last_date` so that the ISO check stays a compare of two
    /// words with constant masks (one cache for both cost 1.5% on the
    /// 1 GB file).
    last_other: Cell<(u64, u64, usize, Option<Day>)>,
    /// The order `1/2/2025`-style dates are read in.
    date_order: DateOrder,
    /// Dates with this evidence are declined: csv-core's path counts them
    /// with their line ([`Layout::date_report`]).
    date_report: u8,
}


/// One accepted line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    /// Index just past the line's `\n`.
    pub end: usize,
    /// Where the campaign id is.
    pub campaign: usize,
    /// Its length (at least 1).
    pub campaign_len: usize,
    /// The id packed as by [`crate::group::key::pack`] when it has at most
    /// [`PACKED_MAX`] bytes, else `(0, 0)`.
    pub key: (u64, u64),
    /// The metrics.
    pub values: Totals,
    /// The date, or [`NO_DAY`].
    pub day: Day,
    /// Where the campaign name is and its length (untrimmed; 0 without a
    /// name column).
    pub name: (usize, usize),
}

impl Line {
    /// Where the campaign id is, for a line found at `buf[base]`.
    #[inline(always)]
    pub fn campaign_at(&self, base: usize) -> Range<usize> {
        base + self.campaign..base + self.campaign + self.campaign_len
    }
}

/// Why [`FastParser::run`] returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Halt {
    /// The line at `pos` is not for the fast path (or not complete).
    Declined,
    /// `pos` is past the limit.
    Limit,
    /// Adding the line at `pos` (campaign id at the range) overflowed.
    Overflow(Field, Range<usize>),
}

/// What [`FastParser::run`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    /// Where it stopped: the start of a line.
    pub pos: usize,
    /// Lines aggregated (each ended by a `\n`).
    pub lines: u64,
    /// Why it stopped.
    pub halt: Halt,
}

impl Col {
    /// The column of summed field `s`.
    const fn sum(s: Sum) -> Col {
        match s.kind() {
            SumKind::Count => Col::Count(s),
            SumKind::Money => Col::Money(s),
        }
    }
}

/// Columns of the canonical layout: the campaign id, the date, then the
/// required summed fields in [`Sum::ALL`] order (FV-SEC001's
/// `campaign_id,date,impressions,clicks,spend,conversions`). A file with
/// an optional sum (revenue) is parsed field by field.
const CANONICAL: [Col; 2 + REQUIRED] = {
    let mut cols = [Col::Campaign; 2 + REQUIRED];
    cols[1] = Col::Date;
    let mut i = 0;
    while i < REQUIRED {
        cols[2 + i] = Col::sum(Sum::ALL[i]);
        i += 1;
    }
    cols
};

/// [`CANONICAL`] with every sum, the optional ones too:
/// `campaign_id,date,impressions,clicks,spend,conversions,revenue`.
const CANONICAL_ALL: [Col; 2 + SUMS] = {
    let mut cols = [Col::Campaign; 2 + SUMS];
    cols[1] = Col::Date;
    let mut i = 0;
    while i < SUMS {
        cols[2 + i] = Col::sum(Sum::ALL[i]);
        i += 1;
    }
    cols
};

/// The `below` of a delimiter up to `'/'`: see [`FastParser::new`].
const fn below_for(delimiter: u8) -> u8 {
    if delimiter <= 0x22 {
        0x23
    } else {
        delimiter + 1
    }
}

/// For ids of each length up to [`PACKED_MAX`]: the bits of the first two
/// words that are theirs.
const KEY_MASKS: [(u64, u64); PACKED_MAX + 1] = {
    let mut masks = [(0, 0); PACKED_MAX + 1];
    let mut len = 1;
    while len <= PACKED_MAX {
        masks[len] = if len <= 8 {
            (u64::MAX >> (64 - 8 * len), 0)
        } else {
            (u64::MAX, u64::MAX >> (128 - 8 * len))
        };
        len += 1;
    }
    masks
};

/// Lines parsed ahead of their table updates when the table is large.
const BATCH: usize = 64;

impl FastParser {
    /// Builds the per-column plan for `layout` and the file's `delimiter`.
    pub fn new(layout: &Layout, delimiter: u8) -> FastParser {
        let mut cols = vec![Col::Skip; layout.field_count];
        cols[0] = Col::SkipFirst;
        if let Some(c) = layout.date {
            cols[c] = Col::Date;
        }
        if let Some(c) = layout.name {
            cols[c] = Col::Name;
        }
        cols[layout.campaign] = Col::Campaign;
        for s in Sum::ALL {
            if let Some(c) = layout.sums[s.index()] {
                cols[c] = Col::sum(s);
            }
        }
        let decimal = layout.format.decimal();
        let (below, delim_below) = match delimiter {
            0..=0x22 => (0x23, true),
            0x23..=0x2F => (delimiter + 1, true),
            _ => (0x23, false),
        };
        // A language's total words must begin with `total` for lines to be
        // accepted here: [`may_be_special`] declines only those (German's
        // `Gesamt`, Japanese `合計`: every line goes through csv-core, which
        // reads them; such exports are small). English has none.
        let totals_seen = layout.totals.iter().all(|w| w.len() >= 5 && w[..5].eq_ignore_ascii_case(b"total"));
        let enabled = delimiter < 0x80
            && !matches!(delimiter, b'\n' | b'\r' | b'"' | b'0'..=b'9')
            && delimiter != decimal
            && totals_seen;
        FastParser {
            cols: cols.into(),
            delimiter,
            decimal,
            below,
            delim_below,
            enabled,
            max_day: layout.today.unwrap_or(Day::MAX),
            last_date: Cell::new((
                u64::from_le_bytes(*b"1970-01-"),
                u64::from(u16::from_le_bytes(*b"01")),
                0,
            )),
            last_other: Cell::new((0, 0, 0, None)),
            date_order: layout.date_order,
            date_report: layout.date_report,
        }
    }

    /// The canonical layout the columns are, by its number of sums
    /// ([`CANONICAL`]: the required ones, [`CANONICAL_ALL`]: all), or 0.
    fn canonical(&self) -> usize {
        match &*self.cols {
            c if c == CANONICAL => REQUIRED,
            c if c == CANONICAL_ALL => SUMS,
            _ => 0,
        }
    }

    /// The number of sums of the file's canonical layout ([`CANONICAL`]:
    /// the required ones, [`CANONICAL_ALL`]: all) when its delimiter is
    /// `,` and its decimal separator `.`, else 0: the lines whose numbers
    /// a normalizer may copy as they stand (see
    /// [`crate::agg::normalize::Normalizer::copy_numbers`]).
    pub fn comma_canonical(&self) -> usize {
        match self.delimiter == b',' && self.decimal == b'.' {
            true => self.canonical(),
            false => 0,
        }
    }

    /// Declines every line: all go to csv-core, which checks everything
    /// (the pass that finds the line of a problem, [`crate::Pass::Locate`]).
    pub fn disable(&mut self) {
        self.enabled = false;
    }

    /// Parses the line that starts at `buf[p]` and ends with `\n` (or
    /// `\r\n`) within `buf`, or declines it. Bytes after the `\n` do not
    /// matter.
    #[inline]
    pub fn line(&self, buf: &[u8], p: usize) -> Option<Line> {
        if !self.enabled {
            return None;
        }
        if self.delim_below {
            self.parse::<_, true, 0>(Checked(buf), p)
        } else {
            self.parse::<_, false, 0>(Checked(buf), p)
        }
    }

    /// [`parse`](Self::parse) for the hot loops: through a window on the
    /// line when the buffer goes on far enough (loads need no bounds
    /// checks), else, or for lines too long for it, checked loads.
    #[inline(always)]
    fn parse_at<const B: bool, const C: usize, const D: u8>(
        &self,
        buf: &[u8],
        p: usize,
        plain: &mut PlainRetry,
    ) -> Option<Line> {
        if let Some(win) = window(buf, p) {
            if let Some(line) = self.windowed::<B, C, D>(win, plain) {
                return Some(Line {
                    end: p + line.end,
                    campaign: p + line.campaign,
                    name: (p + line.name.0, line.name.1),
                    ..line
                });
            }
        }
        self.parse_cold::<B, C>(buf, p)
    }

    /// A line through a window: [`plain`](Self::plain) first when it may
    /// apply and has been paying, else [`parse`](Self::parse).
    #[inline(always)]
    fn windowed<const B: bool, const C: usize, const D: u8>(
        &self,
        win: Window,
        plain: &mut PlainRetry,
    ) -> Option<Line> {
        if D != 0 && plain.worth_trying() {
            if let Some(line) = self.plain::<C, D>(win) {
                plain.misses = 0;
                return Some(line);
            }
            plain.miss();
        }
        self.parse::<_, B, C>(win, 0)
    }

    #[inline(never)]
    fn parse_cold<const B: bool, const C: usize>(&self, buf: &[u8], p: usize) -> Option<Line> {
        self.parse::<_, B, C>(Checked(buf), p)
    }
}
