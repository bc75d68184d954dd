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

use crate::row::record::RECORD_LIMIT;
use crate::text::date::NO_DAY;
use crate::text::date::Day;
use crate::schema::field::Field;
use crate::agg::quality::Quality;
use rustc_hash::FxHashMap;
use crate::row::record::Layout;
use crate::group::key::PACKED_MAX;
use crate::group::table::{long as long_ids, Table};
use crate::schema::totals::{RowValues, Totals};

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
    Campaign,
    /// A count stored in `RowValues` slot 0 (impressions), 1 (clicks) or 3 (conversions).
    Count(u8),
    Money,
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
    pub values: RowValues,
    /// The date, or [`NO_DAY`].
    pub day: Day,
    /// Where the campaign name is and its length (untrimmed; 0 without a
    /// name column).
    pub name: (usize, usize),
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

/// The columns of `campaign_id,date,impressions,clicks,spend,conversions`.
const CANONICAL: [Col; 6] = [
    Col::Campaign,
    Col::Date,
    Col::Count(0),
    Col::Count(1),
    Col::Money,
    Col::Count(3),
];

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
        cols[layout.metrics[0]] = Col::Count(0);
        cols[layout.metrics[1]] = Col::Count(1);
        cols[layout.metrics[2]] = Col::Money;
        cols[layout.metrics[3]] = Col::Count(3);
        let decimal = if layout.format.decimal_comma {
            b','
        } else {
            b'.'
        };
        let (below, delim_below) = match delimiter {
            0..=0x22 => (0x23, true),
            0x23..=0x2F => (delimiter + 1, true),
            _ => (0x23, false),
        };
        let enabled = delimiter < 0x80
            && !matches!(delimiter, b'\n' | b'\r' | b'"' | b'0'..=b'9')
            && delimiter != decimal;
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
            self.parse::<_, true, false>(Checked(buf), p)
        } else {
            self.parse::<_, false, false>(Checked(buf), p)
        }
    }

    /// [`parse`](Self::parse) for the hot loops: through a window on the
    /// line when the buffer goes on far enough (loads need no bounds
    /// checks), else, or for lines too long for it, checked loads.
    #[inline(always)]
    fn parse_at<const B: bool, const C: bool, const D: u8>(
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
    fn windowed<const B: bool, const C: bool, const D: u8>(
        &self,
        win: Window,
        plain: &mut PlainRetry,
    ) -> Option<Line> {
        if D != 0 && plain.worth_trying() {
            if let Some(line) = self.plain::<D>(win) {
                plain.misses = 0;
                return Some(line);
            }
            plain.miss();
        }
        self.parse::<_, B, C>(win, 0)
    }

    /// The common layout, when the whole line is within the window's first
    /// 64 bytes, its id has at most [`long_ids::MAX`] bytes, and its only bytes below `below` are the five delimiters and
    /// the line break (or `\r\n`): the field bounds all come from one mask,
    /// so that fields do not wait for each other.
    #[inline(always)]
    fn plain<const D: u8>(&self, win: Window) -> Option<Line> {
        let d = D;
        debug_assert!(D == self.delimiter && self.delim_below && *self.cols == CANONICAL);
        let w: [u64; 8] = std::array::from_fn(|i| win.word(8 * i));
        let mut m = mask64::<D>(win, &w);
        let mut next = || {
            let at = m.trailing_zeros() as usize;
            m &= m.wrapping_sub(1);
            at
        };
        let [p1, p2, p3, p4, p5, p6] = std::array::from_fn(|_| next());
        if p6 >= 64 {
            return None;
        }
        let b = |i: usize| win.0[i];
        if (b(p1) ^ d) | (b(p2) ^ d) | (b(p3) ^ d) | (b(p4) ^ d) | (b(p5) ^ d) != 0 {
            return None;
        }
        let end = match b(p6) {
            b'\n' => p6 + 1,
            b'\r' if b(p6 + 1) == b'\n' => p6 + 2,
            _ => return None,
        };
        if p1 == 0 || p1 > long_ids::MAX || may_be_special(w[0]) {
            return None;
        }
        let day = self.day(win, p1 + 1, p2)?;
        let key = match p1 <= PACKED_MAX {
            true => (w[0] & KEY_MASKS[p1].0, w[1] & KEY_MASKS[p1].1 | (p1 as u64) << 56),
            false => (0, 0),
        };
        let values = RowValues {
            impressions: digits_in(win, p2 + 1, p3)?,
            clicks: digits_in(win, p3 + 1, p4)?,
            spend_micros: self.money_in(win, p4 + 1, p5)?,
            conversions: digits_in(win, p5 + 1, p6)?,
        };
        if !self.unremarkable(&values, day) {
            return None;
        }
        Some(Line {
            end,
            campaign: 0,
            campaign_len: p1,
            key,
            values,
            day,
            name: (0, 0),
        })
    }

    /// The money field `win[s..e]` when it has at most 8 bytes: digits,
    /// or digits, the decimal separator and up to 6 digits.
    #[inline(always)]
    fn money_in(&self, win: Window, s: usize, e: usize) -> Option<u64> {
        let len = e - s;
        if len > 8 {
            return None;
        }
        let w = win.word(s);
        let a = w ^ ZEROS;
        let i = non_digits(a).trailing_zeros() as usize / 8;
        if i >= len {
            return Some(value_of(a, len) * 1_000_000);
        }
        let frac = len - i - 1;
        if (w >> (8 * i)) as u8 != self.decimal || frac > 6 || len == 1 {
            return None;
        }
        // Squeeze the separator out: the digits before it and after it.
        let keep = (1u64 << (8 * i)) - 1;
        let a = (a & keep) | ((a >> 8) & !keep);
        if non_digits(a).trailing_zeros() < 8 * (len as u32 - 1) {
            return None;
        }
        Some(value_of(a, len - 1) * POW10[6 - frac])
    }

    /// The date field `buf[s..e]` as a day number: `YYYY-MM-DD` read here,
    /// other forms by [`crate::text::date::parse_date`]. `None` for a field that is
    /// not a date (csv-core's path warns about it). The last date of each
    /// kind is remembered: rows of a day usually come together.
    #[inline(always)]
    fn day<S: Src>(&self, buf: S, s: usize, e: usize) -> Option<Day> {
        let len = e - s;
        if len == 10 {
            let (w, t) = (buf.word(s), buf.word(s + 8) & 0xFFFF);
            let (lw, lt, day) = self.last_date.get();
            if (w ^ lw) | (t ^ lt) == 0 {
                return Some(day);
            }
            if let Some(day) = iso_date(w, t) {
                self.last_date.set((w, t, day));
                return Some(day);
            }
        }
        if len == 0 || len > 16 {
            return buf.date(s, e);
        }
        let keep = |n: usize| if n >= 8 { u64::MAX } else { (1u64 << (8 * n)) - 1 };
        let w = buf.word(s) & keep(len);
        let t = if len > 8 { buf.word(s + 8) & keep(len - 8) } else { 0 };
        let (lw, lt, llen, day) = self.last_other.get();
        if (w ^ lw) | (t ^ lt) == 0 && llen == len {
            return day;
        }
        let day = buf.date(s, e);
        self.last_other.set((w, t, len, day));
        day
    }

    /// False for rows with a data-quality warning other than duplicates:
    /// csv-core's path counts those.
    #[inline(always)]
    fn unremarkable(&self, v: &RowValues, day: Day) -> bool {
        (v.clicks <= v.impressions) & (v.conversions <= v.clicks) & (day <= self.max_day)
    }

    #[inline(never)]
    fn parse_cold<const B: bool, const C: bool>(&self, buf: &[u8], p: usize) -> Option<Line> {
        self.parse::<_, B, C>(Checked(buf), p)
    }

    /// Aggregates the lines from `buf[p]` on into `table`, while they start
    /// at or before `limit` and the fast path takes them.
    pub fn run(
        &self,
        buf: &[u8],
        p: usize,
        limit: usize,
        table: &mut Table,
        side: &mut RowExtras,
        line0: u64,
    ) -> Run {
        if !self.enabled {
            return Run {
                pos: p,
                lines: 0,
                halt: Halt::Declined,
            };
        }
        // The one-mask parser for the common layout, with the delimiter
        // as a constant, for commas and tabs.
        match (self.delim_below, *self.cols == CANONICAL, self.delimiter) {
            (true, true, b',') => {
                self.run_direct::<true, true, b','>(buf, p, limit, table, side, line0)
            }
            (true, true, b'\t') => {
                self.run_direct::<true, true, b'\t'>(buf, p, limit, table, side, line0)
            }
            (true, true, _) => {
                self.run_direct::<true, true, 0>(buf, p, limit, table, side, line0)
            }
            (true, false, _) => {
                self.run_direct::<true, false, 0>(buf, p, limit, table, side, line0)
            }
            (false, true, _) => {
                self.run_direct::<false, true, 0>(buf, p, limit, table, side, line0)
            }
            (false, false, _) => {
                self.run_direct::<false, false, 0>(buf, p, limit, table, side, line0)
            }
        }
    }

    /// One line at a time (tables that stay in cache).
    fn run_direct<const B: bool, const C: bool, const D: u8>(
        &self,
        buf: &[u8],
        mut p: usize,
        limit: usize,
        table: &mut Table,
        side: &mut RowExtras,
        line0: u64,
    ) -> Run {
        let mut lines = 0;
        let mut plain = PlainRetry::default();
        loop {
            if table.is_large() {
                let more =
                    self.run_batched::<B, C, D>(buf, p, limit, table, side, line0 + lines);
                return Run {
                    lines: lines + more.lines,
                    ..more
                };
            }
            // The common case: through windows.
            while p <= limit {
                let Some(win) = window(buf, p) else { break };
                let Some(line) = self.windowed::<B, C, D>(win, &mut plain) else {
                    break;
                };
                let added = if line.key.1 != 0 {
                    let v = Totals::from(line.values);
                    table.add_small_on(line.key.0, line.key.1, &v, line.day)
                } else {
                    add(table, buf, p, &line).map(|()| None)
                };
                let bit = match added {
                    Ok(bit) => bit,
                    Err(f) => {
                        let id = p + line.campaign..p + line.campaign + line.campaign_len;
                        return Run {
                            pos: p,
                            lines,
                            halt: Halt::Overflow(f, id),
                        };
                    }
                };
                let cached = bit.map(|bit| (&mut *table, bit));
                record_extras(side, buf, p, &line, line0 + lines + 1, cached);
                p += line.end;
                lines += 1;
                if table.is_large() {
                    break;
                }
            }
            if p > limit {
                return Run {
                    pos: p,
                    lines,
                    halt: Halt::Limit,
                };
            }
            if table.is_large() {
                continue;
            }
            // Near the end of the buffer, a long line, or one to decline.
            let Some(line) = self.parse_cold::<B, C>(buf, p) else {
                return Run {
                    pos: p,
                    lines,
                    halt: Halt::Declined,
                };
            };
            if let Err(f) = add(table, buf, 0, &line) {
                return Run {
                    pos: p,
                    lines,
                    halt: Halt::Overflow(f, line.campaign..line.campaign + line.campaign_len),
                };
            }
            record_extras(side, buf, 0, &line, line0 + lines + 1, None);
            p = line.end;
            lines += 1;
        }
    }

    /// For tables larger than the caches: parses [`BATCH`] lines, touches
    /// their slots (all the loads in a row, so that their cache misses
    /// overlap), then adds the batch before, whose slots were touched a
    /// batch of parsing ago and are in cache by now.
    fn run_batched<const B: bool, const C: bool, const D: u8>(
        &self,
        buf: &[u8],
        mut p: usize,
        limit: usize,
        table: &mut Table,
        side: &mut RowExtras,
        line0: u64,
    ) -> Run {
        let empty = Line {
            end: 0,
            campaign: 0,
            campaign_len: 0,
            key: (0, 0),
            values: RowValues::default(),
            day: NO_DAY,
            name: (0, 0),
        };
        // Two batches: the one being parsed and the one before, with the
        // home slots of their lines and the table size those are for.
        let mut batches = [[empty; BATCH]; 2];
        let mut homes = [[0usize; BATCH]; 2];
        let mut sizes = [0usize; 2];
        let mut plain = PlainRetry::default();
        // Lines in the previous batch, and where the first of them starts.
        let (mut pending, mut pending_at) = (0, p);
        let mut lines = 0;
        for k in (0..2).cycle() {
            let [a, b] = &mut batches;
            let (cur, prev) = if k == 0 { (a, &*b) } else { (b, &*a) };
            let start = p;
            let mut n = 0;
            let mut halt = None;
            while n < BATCH {
                if p > limit {
                    halt = Some(Halt::Limit);
                    break;
                }
                let Some(line) = self.parse_at::<B, C, D>(buf, p, &mut plain) else {
                    halt = Some(Halt::Declined);
                    break;
                };
                cur[n] = line;
                // Hashed here, where it overlaps with the parsing.
                homes[k][n] = home(table, buf, &line);
                p = line.end;
                n += 1;
            }
            // All the slot loads in a row, so that their misses overlap.
            let sink = homes[k][..n]
                .iter()
                .fold(0, |sink, &home| sink ^ table.touch(home));
            std::hint::black_box(sink);
            sizes[k] = table.size();
            let todo = [
                (&prev[..pending], &homes[1 - k], sizes[1 - k], pending_at),
                (&cur[..n], &homes[k], sizes[k], start),
            ];
            // The previous batch; at the end, this one too.
            let todo = if halt.is_some() {
                &todo[..]
            } else {
                &todo[..1]
            };
            for &(batch, homes, size, mut at) in todo {
                for (line, &home) in batch.iter().zip(homes) {
                    let added = if table.size() != size {
                        add(table, buf, 0, line)
                    } else if line.key.1 != 0 {
                        table.add_at(home, line.key.0, line.key.1, &Totals::from(line.values))
                    } else {
                        let id = &buf[line.campaign..line.campaign + line.campaign_len];
                        table.add_long_at(home, id, &Totals::from(line.values))
                    };
                    if let Err(f) = added {
                        let id = line.campaign..line.campaign + line.campaign_len;
                        return Run {
                            pos: at,
                            lines,
                            halt: Halt::Overflow(f, id),
                        };
                    }
                    record_extras(side, buf, 0, line, line0 + lines + 1, None);
                    at = line.end;
                    lines += 1;
                }
            }
            if let Some(halt) = halt {
                return Run {
                    pos: p,
                    lines,
                    halt,
                };
            }
            (pending, pending_at) = (n, start);
        }
        unreachable!("cycle() does not end")
    }

    /// The line parser, for the two ways of finding text field ends (`B`),
    /// and for the common layout written out (`C`) or any layout.
    #[inline(always)]
    fn parse<S: Src, const B: bool, const C: bool>(&self, buf: S, p: usize) -> Option<Line> {
        let mut row = Row {
            values: [0; 4],
            campaign: (0, 0),
            key: (0, 0),
            day: NO_DAY,
            name: (0, 0),
        };
        let (end, term) = if C {
            let [c0, c1, c2, c3, c4, c5] = CANONICAL;
            let q = self.next(self.field::<S, B>(c0, buf, p, &mut row)?)?;
            let q = self.next(self.field::<S, B>(c1, buf, q, &mut row)?)?;
            let q = self.next(self.field::<S, B>(c2, buf, q, &mut row)?)?;
            let q = self.next(self.field::<S, B>(c3, buf, q, &mut row)?)?;
            let q = self.next(self.field::<S, B>(c4, buf, q, &mut row)?)?;
            self.field::<S, B>(c5, buf, q, &mut row)?
        } else {
            let (last, init) = self.cols.split_last()?;
            let mut q = p;
            for &col in init {
                q = self.next(self.field::<S, B>(col, buf, q, &mut row)?)?;
            }
            self.field::<S, B>(*last, buf, q, &mut row)?
        };
        // Longer lines go to csv-core, which applies the limit; lines that
        // do not fit in a window are parsed again with checked loads.
        if end - p > S::LINE_MAX {
            return None;
        }
        let end = match term {
            b'\n' => end + 1,
            b'\r' if buf.byte(end + 1) == Some(b'\n') => end + 2,
            _ => return None,
        };
        let [impressions, clicks, spend_micros, conversions] = row.values;
        let values = RowValues {
            impressions,
            clicks,
            spend_micros,
            conversions,
        };
        if !self.unremarkable(&values, row.day) {
            return None;
        }
        Some(Line {
            end,
            campaign: row.campaign.0,
            campaign_len: row.campaign.1,
            key: row.key,
            values,
            day: row.day,
            name: row.name,
        })
    }

    /// Where the next field starts, after a field that ended with `term` at `end`.
    #[inline(always)]
    fn next(&self, (end, term): (usize, u8)) -> Option<usize> {
        (term == self.delimiter).then_some(end + 1)
    }

    /// Parses the field of column `col` at `q` into `row`: where it ends
    /// and the byte there.
    #[inline(always)]
    fn field<S: Src, const B: bool>(
        &self,
        col: Col,
        buf: S,
        q: usize,
        row: &mut Row,
    ) -> Option<(usize, u8)> {
        Some(match col {
            Col::Count(slot) => {
                let (v, len, term) = number(buf, q)?;
                row.values[slot as usize & 3] = v;
                (q + len, term)
            }
            Col::Money => {
                let (units, len, term) = number(buf, q)?;
                if len > 12 {
                    return None;
                }
                if term == self.decimal {
                    let (frac, flen, term) = fraction(buf, q + len + 1)?;
                    if len + flen == 0 {
                        return None;
                    }
                    row.values[2] = units * 1_000_000 + frac;
                    (q + len + 1 + flen, term)
                } else {
                    row.values[2] = units * 1_000_000;
                    (q + len, term)
                }
            }
            Col::Skip => {
                let t = self.text::<S, B>(buf, q)?;
                (t.end, t.term)
            }
            Col::Name => {
                let t = self.text::<S, B>(buf, q)?;
                row.name = (q, t.end - q);
                (t.end, t.term)
            }
            Col::Date => {
                let t = self.text::<S, B>(buf, q)?;
                row.day = self.day(buf, q, t.end)?;
                (t.end, t.term)
            }
            Col::SkipFirst => {
                let t = self.text::<S, B>(buf, q)?;
                if may_be_special(t.w0) || (t.low && is_blank(t.w0 as u8)) {
                    return None;
                }
                (t.end, t.term)
            }
            Col::Campaign => {
                let t = self.text::<S, B>(buf, q)?;
                let len = t.end - q;
                if len == 0 || may_be_special(t.w0) {
                    return None;
                }
                // Only a field with small bytes in it can need trimming.
                if t.low && (is_blank(t.w0 as u8) || buf.byte(t.end - 1).is_none_or(is_blank)) {
                    return None;
                }
                if len <= PACKED_MAX {
                    // The id's bytes, zero-padded, the length on top.
                    row.key = (
                        t.w0 & KEY_MASKS[len].0,
                        t.w1 & KEY_MASKS[len].1 | (len as u64) << 56,
                    );
                }
                row.campaign = (q, len);
                (t.end, t.term)
            }
        })
    }

    /// Bytes that may end a text field or make it unusual: high bit set in
    /// each such byte (exactly).
    #[inline(always)]
    fn candidates<const B: bool>(&self, w: u64) -> u64 {
        let m = below(w, self.below);
        if B {
            m
        } else {
            m | below(w ^ (ONES * u64::from(self.delimiter)), 1)
        }
    }

    /// The unquoted text field at `q`.
    #[inline(always)]
    fn text<S: Src, const B: bool>(&self, buf: S, q: usize) -> Option<Text> {
        let (w0, w1) = (buf.word(q), buf.word(q + 8));
        let mut m =
            u128::from(self.candidates::<B>(w1)) << 64 | u128::from(self.candidates::<B>(w0));
        let mut at = q;
        let mut low = false;
        loop {
            while m != 0 {
                let k = (m.trailing_zeros() / 8) as usize;
                let b = buf.byte(at + k)?;
                if b == self.delimiter || matches!(b, b'\n' | b'\r' | b'"') {
                    return Some(Text {
                        end: at + k,
                        term: b,
                        w0,
                        w1,
                        low,
                    });
                }
                // A space, a tab, another control byte: part of the field.
                low = true;
                m &= m - 1;
            }
            at += 16;
            if at > S::SCAN_MAX {
                return None;
            }
            let (v0, v1) = (buf.word(at), buf.word(at + 8));
            m = u128::from(self.candidates::<B>(v1)) << 64 | u128::from(self.candidates::<B>(v0));
        }
    }
}

/// Whether [`FastParser::plain`] is worth trying: it gives up after a
/// run of lines it does not take (they all go to [`FastParser::parse`]
/// then), and tries again now and then.
#[derive(Default)]
struct PlainRetry {
    /// Lines in a row it did not take.
    misses: u32,
    /// Lines to go before trying again.
    skip: u32,
}

impl PlainRetry {
    const GIVE_UP: u32 = 16;
    /// Lines between tries once given up.
    const RETRY: u32 = 4096;

    #[inline(always)]
    fn worth_trying(&mut self) -> bool {
        if self.skip == 0 {
            return true;
        }
        self.skip -= 1;
        false
    }

    #[inline(always)]
    fn miss(&mut self) {
        self.misses += 1;
        if self.misses == Self::GIVE_UP {
            // One more miss after the pause gives up again.
            (self.misses, self.skip) = (Self::GIVE_UP - 1, Self::RETRY);
        }
    }
}

/// A line's bit in the campaign table's cache of (campaign, date) pairs.
pub type PairBit<'a> = Option<(&'a mut Table, crate::group::day_window::DayBit)>;

/// Where the fast path records what it finds besides the totals.
pub struct RowExtras<'a> {
    /// (campaign, date) pairs for the duplicate check.
    pub quality: &'a mut Quality,
    /// The last name seen per campaign id (files with a name column).
    pub names: &'a mut FxHashMap<Box<[u8]>, Box<[u8]>>,
}

/// Records an accepted line, found at line `line_no`, besides its totals:
/// its (campaign, date) pair and its campaign name. Its positions are
/// relative to `buf[base]`.
///
/// `cached` is the pair's bit in the campaign table's cache of pairs
/// already in the duplicate check's map ([`crate::group::day_window`]), if it has
/// one: a set bit saves the map lookup, and a pair the map takes sets it.
#[inline(always)]
pub fn record_extras(side: &mut RowExtras, buf: &[u8], base: usize, line: &Line, line_no: u64, cached: PairBit) {
    if line.name.1 != 0 {
        name(side, buf, base, line);
    }
    if line.day == NO_DAY || side.quality.pairs_capped {
        return;
    }
    if line.key.1 != 0 {
        let (lo, hi) = line.key;
        if let Some((table, bit)) = cached {
            if table.day_seen(bit) {
                side.quality.known_duplicate(lo, hi, line.day, line_no);
            } else if side.quality.note_packed_pair(lo, hi, line.day, line_no) {
                table.set_day_seen(bit);
            }
            return;
        }
        side.quality.note_packed_pair(lo, hi, line.day, line_no);
    } else {
        let id = &buf[base + line.campaign..base + line.campaign + line.campaign_len];
        side.quality.note_pair(None, id, line.day, line_no);
    }
}

/// The campaign name of an accepted line becomes the last one seen.
#[inline(never)]
fn name(side: &mut RowExtras, buf: &[u8], base: usize, line: &Line) {
    let id = &buf[base + line.campaign..base + line.campaign + line.campaign_len];
    let name = crate::text::number::trim(&buf[base + line.name.0..base + line.name.0 + line.name.1]);
    crate::agg::partial::set_name(side.names, id, name);
}

/// The home slot in `table` of the campaign of a line found at `buf[0]`
/// (see [`Table::touch`]).
#[inline(always)]
fn home(table: &Table, buf: &[u8], line: &Line) -> usize {
    if line.key.1 != 0 {
        table.home(line.key.0, line.key.1)
    } else {
        table.home_long(&buf[line.campaign..line.campaign + line.campaign_len])
    }
}

/// Adds an accepted line to the table; its positions are relative to
/// `buf[base]`.
#[inline(always)]
pub fn add(table: &mut Table, buf: &[u8], base: usize, line: &Line) -> Result<(), Field> {
    let totals = Totals::from(line.values);
    if line.key.1 != 0 {
        table.add_packed(line.key.0, line.key.1, &totals)
    } else {
        table.add_long(
            &buf[base + line.campaign..base + line.campaign + line.campaign_len],
            &totals,
        )
    }
}

/// The window on the line at `p`, if the buffer goes on far enough.
#[inline(always)]
fn window(buf: &[u8], p: usize) -> Option<Window<'_>> {
    buf.get(p..)
        .and_then(|rest| rest.first_chunk::<{ WINDOW + 8 }>())
        .map(Window)
}

/// What the fields parsed so far gave.
struct Row {
    values: [u64; 4],
    campaign: (usize, usize),
    key: (u64, u64),
    day: Day,
    name: (usize, usize),
}

/// A text field found by [`FastParser::text`].
struct Text {
    /// Index of the byte that ends it.
    end: usize,
    /// That byte: the delimiter, `\n`, `\r` or `"`.
    term: u8,
    /// The sixteen bytes from the field's start.
    w0: u64,
    w1: u64,
    /// The field has bytes below `below` (spaces, tabs...).
    low: bool,
}

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// True when the eight bytes at a field's start begin with `total` in any
/// case (the row may be a total row) or with a UTF-8 byte-order mark (two
/// exports joined: the mark is dropped): csv-core's path decides such rows
/// by [`crate::row::record`]'s rules.
#[inline(always)]
fn may_be_special(w: u64) -> bool {
    ((w | 0x20_2020_2020) & 0xFF_FFFF_FFFF == u64::from_le_bytes(*b"total\0\0\0")) | (w & 0xFF_FFFF == 0xBF_BBEF)
}

/// Bytes of a line in a window of this many (and 8 more) are read
/// without bounds checks.
const WINDOW: usize = 512;

/// Where a line's bytes come from.
trait Src: Copy {
    /// Lines longer than this (with their line break) are declined.
    const LINE_MAX: usize;
    /// Text fields are not scanned past this offset.
    const SCAN_MAX: usize;
    /// Eight bytes from `o` (little-endian).
    fn word(self, o: usize) -> u64;
    /// The byte at `o`, `None` past the end.
    fn byte(self, o: usize) -> Option<u8>;
    /// The date in bytes `from..to`, by [`crate::text::date::parse_date`].
    fn date(self, from: usize, to: usize) -> Option<Day>;
}

/// The rest of the buffer, bounds-checked; zeros past its end.
#[derive(Clone, Copy)]
struct Checked<'a>(&'a [u8]);

/// The start of a line and the `WINDOW + 8` bytes from it. Offsets wrap
/// around within the window; anything read from a wrapped offset ends up
/// at a position past the window, which [`Src::LINE_MAX`] rejects.
#[derive(Clone, Copy)]
struct Window<'a>(&'a [u8; WINDOW + 8]);

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
    fn date(self, from: usize, to: usize) -> Option<Day> {
        crate::text::date::parse_date(self.0.get(from..to)?)
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
    fn date(self, from: usize, to: usize) -> Option<Day> {
        crate::text::date::parse_date(self.0.get(from..to)?)
    }
}

/// `YYYY-MM-DD` as a day number, from its first eight bytes `w` and its
/// last two `t`, if it is a valid date.
#[cold]
#[inline(never)]
fn iso_date(w: u64, t: u64) -> Option<Day> {
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

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Eight bytes from `p` (little-endian), zero-padded past the end.
#[inline(always)]
fn load(b: &[u8], p: usize) -> u64 {
    // One compare (the bound is loop-invariant); the slice's own checks
    // then fold away.
    if p < b.len().saturating_sub(7) {
        u64::from_le_bytes(b[p..p + 8].try_into().expect("8 bytes"))
    } else {
        load_tail(b, p)
    }
}

#[cold]
#[inline(never)]
fn load_tail(b: &[u8], p: usize) -> u64 {
    let mut w = [0u8; 8];
    let rest = b.get(p..).unwrap_or(&[]);
    let n = rest.len().min(8);
    w[..n].copy_from_slice(&rest[..n]);
    u64::from_le_bytes(w)
}

/// Bit `i` set for each of the window's first 64 bytes that is below
/// `below_for(D)` (`w`: those bytes as words): with 16-byte vectors where
/// the target has them (SSE2 natively on x86-64, `simd128` in wasm), else
/// eight bytes at a time in words.
#[inline(always)]
fn mask64<const D: u8>(win: Window, w: &[u64; 8]) -> u64 {
    #[cfg(any(target_arch = "x86_64", all(target_arch = "wasm32", target_feature = "simd128")))]
    {
        let _ = w;
        let bytes: &[u8; 64] = win.0.first_chunk().expect("a window holds 64 bytes");
        simd::below64(bytes, below_for(D))
    }
    #[cfg(not(any(target_arch = "x86_64", all(target_arch = "wasm32", target_feature = "simd128"))))]
    {
        let _ = win;
        mask64_swar(w, below_for(D))
    }
}

/// [`mask64`] in words: bit `j` of byte `i` marks byte `j` of word `i`,
/// then transposed, bit `8i + j` marks byte `8i + j`.
#[cfg_attr(any(target_arch = "x86_64", all(target_arch = "wasm32", target_feature = "simd128")), allow(dead_code))]
#[inline(always)]
fn mask64_swar(w: &[u64; 8], c: u8) -> u64 {
    let mut m = 0;
    for (i, &x) in w.iter().enumerate() {
        m |= below(x, c) >> (7 - i);
    }
    transpose8(m)
}

/// 16 bytes at a time with the target's vector instructions.
#[cfg(any(target_arch = "x86_64", all(target_arch = "wasm32", target_feature = "simd128")))]
mod simd {
    /// Bit `i` set for each byte `bytes[i]` below `c` (unsigned).
    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    pub fn below64(bytes: &[u8; 64], c: u8) -> u64 {
        use std::arch::x86_64::*;
        // SAFETY: SSE2 is part of the x86-64 baseline, and the unaligned
        // loads read 16 bytes each within `bytes`.
        unsafe {
            let limit = _mm_set1_epi8(c as i8);
            let zero = _mm_setzero_si128();
            let at_or_above = |i: usize| {
                let v = _mm_loadu_si128(bytes.as_ptr().add(16 * i).cast());
                // c - b saturates to 0 exactly when b >= c.
                _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_subs_epu8(limit, v), zero)) as u32 as u64
            };
            !(at_or_above(0) | at_or_above(1) << 16 | at_or_above(2) << 32 | at_or_above(3) << 48)
        }
    }

    /// Bit `i` set for each byte `bytes[i]` below `c` (unsigned).
    #[cfg(target_arch = "wasm32")]
    #[inline(always)]
    pub fn below64(bytes: &[u8; 64], c: u8) -> u64 {
        use std::arch::wasm32::*;
        let limit = u8x16_splat(c);
        let below = |i: usize| {
            // SAFETY: the 16 bytes from 16 * i are within `bytes`; wasm
            // loads need no alignment.
            let v = unsafe { v128_load(bytes.as_ptr().add(16 * i).cast()) };
            u64::from(u8x16_bitmask(u8x16_lt(v, limit)))
        };
        below(0) | below(1) << 16 | below(2) << 32 | below(3) << 48
    }
}

/// High bit set in exactly the bytes of `w` that are below `c` (`c <= 0x80`).
#[inline(always)]
fn below(w: u64, c: u8) -> u64 {
    !((w | HIGHS).wrapping_sub(ONES * u64::from(c)) | w) & HIGHS
}

/// High bit set in the bytes of `a` (a word xor `'0'`s) that were not
/// ASCII digits; the lowest set bit is exact (a carry out of a non-digit
/// may flag the digit above it, which only ever follows).
#[inline(always)]
fn non_digits(a: u64) -> u64 {
    (a.wrapping_add(ONES * 0x76) | a) & HIGHS
}

const ZEROS: u64 = ONES * b'0' as u64;

/// The transpose of the 8x8 bit matrix whose row `r` is byte `r` (bit `c`
/// of byte `r` goes to bit `r` of byte `c`).
#[cfg_attr(any(target_arch = "x86_64", all(target_arch = "wasm32", target_feature = "simd128")), allow(dead_code))]
#[inline(always)]
fn transpose8(x: u64) -> u64 {
    let t = (x ^ (x >> 7)) & 0x00AA_00AA_00AA_00AA;
    let x = x ^ t ^ (t << 7);
    let t = (x ^ (x >> 14)) & 0x0000_CCCC_0000_CCCC;
    let x = x ^ t ^ (t << 14);
    let t = (x ^ (x >> 28)) & 0x0000_0000_F0F0_F0F0;
    x ^ t ^ (t << 28)
}

/// The value of the first `len` (at most 8) digit values of `a` (a word
/// xor `'0'`s), the most significant first.
#[inline(always)]
fn value_of(a: u64, len: usize) -> u64 {
    eight_digits(a.checked_shl(64 - 8 * len as u32).unwrap_or(0))
}

/// The field `win[s..e]` as a count when it is at most 8 digits.
#[inline(always)]
fn digits_in(win: Window, s: usize, e: usize) -> Option<u64> {
    let len = e - s;
    if len > 8 {
        return None;
    }
    let a = win.word(s) ^ ZEROS;
    if (non_digits(a).trailing_zeros() as usize) < 8 * len {
        return None;
    }
    Some(value_of(a, len))
}

/// Powers of ten up to a million.
const POW10: [u64; 7] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000];

/// The run of ASCII digits at `q`: its value, its length and the byte
/// after it (0 past the end of `buf`). `None` for runs of 20 or more.
#[inline(always)]
fn number<S: Src>(buf: S, q: usize) -> Option<(u64, usize, u8)> {
    let w = buf.word(q);
    let a = w ^ ZEROS;
    let nd = non_digits(a);
    if nd == 0 {
        return long_number(buf, q);
    }
    let tz = nd.trailing_zeros(); // 8 * len + 7
    let len = (tz / 8) as usize;
    // The digits to the top of the word, zeros (leading) below them.
    let v = eight_digits((a << 1) << (70 - tz));
    Some((v, len, (w >> (tz & 56)) as u8))
}

/// [`number`] for runs of eight digits or more.
#[cold]
#[inline(never)]
fn long_number<S: Src>(buf: S, q: usize) -> Option<(u64, usize, u8)> {
    let mut v = 0u64;
    let mut len = 0;
    loop {
        match buf.byte(q + len) {
            Some(b) if b.is_ascii_digit() => {
                if len == 19 {
                    return None;
                }
                v = v * 10 + u64::from(b - b'0');
                len += 1;
            }
            b => return Some((v, len, b.unwrap_or(0))),
        }
    }
}

/// The fractional digits of a money field at `q`, as micros: value, length
/// (at most 6) and the byte after them.
#[inline(always)]
fn fraction<S: Src>(buf: S, q: usize) -> Option<(u64, usize, u8)> {
    let w = buf.word(q);
    let a = w ^ ZEROS;
    let tz = non_digits(a).trailing_zeros();
    let len = (tz / 8) as usize;
    if len > 6 {
        return None;
    }
    // Digits at bytes 2.. of a zero-padded eight-digit number: micros.
    let v = eight_digits((a & ((1u64 << (tz & 56)) - 1)) << 16);
    Some((v, len, (w >> (tz & 56)) as u8))
}

/// Value of eight digit values (bytes 0..=9, not ASCII), the most
/// significant in the lowest byte.
#[inline(always)]
fn eight_digits(w: u64) -> u64 {
    let w = w.wrapping_mul(2561) >> 8;
    let w = (w & 0x00FF_00FF_00FF_00FF).wrapping_mul(6_553_601) >> 16;
    (w & 0x0000_FFFF_0000_FFFF).wrapping_mul(42_949_672_960_001) >> 32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::number::NumberFormat;
    use crate::row::record::parse_row;

    /// A small deterministic generator (xorshift).
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    const LAYOUT: Layout = Layout {
        field_count: 6,
        campaign: 0,
        metrics: [2, 3, 4, 5],
        format: NumberFormat {
            decimal_comma: false,
        },
        date: None,
        name: None,
        today: None,
    };

    /// 2030-01-01.
    const TODAY: Day = 21_915;

    /// [`LAYOUT`] with its date column checked.
    const DATED: Layout = Layout {
        date: Some(1),
        name: None,
        today: Some(TODAY),
        ..LAYOUT
    };

    fn parser() -> FastParser {
        FastParser::new(&LAYOUT, b',')
    }

    #[test]
    fn dates_and_remarkable_rows() {
        let p = FastParser::new(&DATED, b',');
        let jan31 = crate::text::date::day_from_civil(2025, 1, 31).unwrap();
        for line in [
            "C,2025-01-31,10,5,1.00,2\n",
            "C,1/31/2025,10,5,1.00,2\n",
            "C, 2025-01-31 00:00:00,10,5,1.00,2\n",
            "C,2025-01-31,10,10,1.00,10\n",
        ] {
            assert_eq!(
                p.line(line.as_bytes(), 0).map(|l| l.day),
                Some(jan31),
                "{line}"
            );
            let mut padded = line.as_bytes().to_vec();
            padded.resize(line.len() + WINDOW + 8, b'\n');
            assert_eq!(hot(&p, &padded, 0).map(|l| l.day), Some(jan31), "{line}");
        }
        assert_eq!(
            p.line(b"C,2030-01-01,1,1,1,1\n", 0).map(|l| l.day),
            Some(TODAY)
        );
        for line in [
            "C,2025-02-30,10,5,1.00,2\n",
            "C,2030-01-02,10,5,1.00,2\n",
            "C,d,10,5,1.00,2\n",
            "C,,10,5,1.00,2\n",
            "C,2025-01-31,10,11,1.00,2\n",
            "C,2025-01-31,10,5,1.00,6\n",
        ] {
            assert_eq!(p.line(line.as_bytes(), 0), None, "{line}");
            let mut padded = line.as_bytes().to_vec();
            padded.resize(line.len() + WINDOW + 8, b'\n');
            assert_eq!(hot(&p, &padded, 0), None, "{line}");
        }
        // Without a date column nothing is checked but the counts.
        assert!(parser().line(b"C,2025-02-30,10,5,1.00,2\n", 0).is_some());
        assert!(parser().line(b"C,2025-01-31,10,11,1.00,2\n", 0).is_none());
    }

    /// Parses a whole line (with its `\n`) and returns the campaign id too.
    fn parse<'a>(p: &FastParser, line: &'a [u8]) -> Option<(&'a [u8], RowValues)> {
        let l = p.line(line, 0)?;
        assert_eq!(l.end, line.len(), "{}", String::from_utf8_lossy(line));
        Some((&line[l.campaign..l.campaign + l.campaign_len], l.values))
    }

    #[test]
    fn accepts_plain_rows() {
        let p = parser();
        let (c, v) = parse(&p, b"CMP001,2025-01-01,12000,300,45.50,12\n").unwrap();
        assert_eq!(c, b"CMP001");
        assert_eq!(
            v,
            RowValues {
                impressions: 12000,
                clicks: 300,
                spend_micros: 45_500_000,
                conversions: 12
            }
        );
        assert_eq!(
            parse(&p, b"X,,0,0,7,0\n").unwrap().1.spend_micros,
            7_000_000
        );
        assert_eq!(
            parse(&p, b"X,,0,0,0.000001,0\r\n").unwrap().1.spend_micros,
            1
        );
        assert_eq!(parse(&p, b"X,,0,0,.5,0\n").unwrap().1.spend_micros, 500_000);
        assert_eq!(
            parse(&p, b"X,,0,0,7.,0\n").unwrap().1.spend_micros,
            7_000_000
        );
        assert_eq!(parse(&p, b"X,,,0,,\n").unwrap().1, RowValues::default());
        let (c, v) = parse(&p, b"Summer Sale 2024 - Search,d,9999999999999999999,123456789012,999999999999.999999,123456789012\n").unwrap();
        assert_eq!(c, b"Summer Sale 2024 - Search");
        assert_eq!(v.impressions, 9_999_999_999_999_999_999);
        assert_eq!(v.spend_micros, 999_999_999_999_999_999);
        assert_eq!(v.conversions, 123_456_789_012);
        let l = p.line(b"CMP0254214,2025-01-01,4,3,2,1\nnext", 0).unwrap();
        assert_eq!(l.key, crate::group::key::pack(b"CMP0254214").unwrap());
        assert_eq!(l.end, 30);
    }

    #[test]
    fn declines_everything_else() {
        let p = parser();
        for line in [
            &b"\"CMP001\",d,1,2,3,4\n"[..],
            b"CMP001,d,1,2,3\n",
            b"CMP001,d,1,2,3,4,5\n",
            b"CMP001,d,1,abc,3,4\n",
            b"CMP001,d,1,2,-3,4\n",
            b"CMP001,d,1,2,3.,4.\n",
            b"CMP001,d,1,2,.,4\n",
            b"CMP001,d,1,2,1.1234567,4\n",
            b"CMP001,d,1,2,1.429999948,4\n",
            b"CMP001,d,1,2,1e-05,4\n",
            b"CMP001,d,1,2,1.5E3,4\n",
            b"CMP001,d,1,2,2.5e+2,4\n",
            b"CMP001,d,1,2,25e0,4\n",
            b"CMP001,d,4.8e1,2,3,4\n",
            b"CMP001,d,1,2,3,1e0\n",
            b"CMP001,d,1,2,3,1e0\r\n",
            b"CMP001,d,1,2,1234567890123,4\n",
            b"CMP001,d, 1,2,3,4\n",
            b",d,1,2,3,4\n",
            b" CMP001,d,1,2,3,4\n",
            b"CMP001 ,d,1,2,3,4\n",
            b"CMP001\t,d,1,2,3,4\n",
            b"CMP001,d,1,2,3,4\r\r\n",
            b"CMP001,d,1,2,3,4\r",
            b"CMP001,d,1,2,3,4",
            b"CMP\r001,d,1,2,3,4\n",
            b"CMP001,\"d\",1,2,3,4\n",
            b"CMP001,d\",1,2,3,4\n",
            b"CMP001,d,1,2,3,99999999999999999999\n",
            b"Total,d,1,2,3,4\n",
            b"TOTAL: account,d,1,2,3,4\n",
            b"\n",
            b"\r\n",
            b"",
        ] {
            assert_eq!(p.line(line, 0), None, "{}", String::from_utf8_lossy(line));
        }
    }

    #[test]
    fn other_layouts_delimiters_and_formats() {
        let eu = Layout {
            field_count: 7,
            campaign: 2,
            metrics: [6, 5, 3, 4],
            format: NumberFormat {
                decimal_comma: true,
            },
            date: None,
            name: None,
            today: None,
        };
        let p = FastParser::new(&eu, b';');
        let (c, v) = parse(&p, b"x;2025;CMP 1;1,25;7;20;300\n").unwrap();
        assert_eq!(c, b"CMP 1");
        assert_eq!(
            v,
            RowValues {
                impressions: 300,
                clicks: 20,
                spend_micros: 1_250_000,
                conversions: 7
            }
        );
        assert_eq!(p.line(b"x;2025;CMP 1;1.25;7;20;300\n", 0), None);
        assert_eq!(p.line(b"Totals;2025;CMP 1;1,25;7;20;300\n", 0), None);
        assert_eq!(p.line(b" total;2025;CMP 1;1,25;7;20;300\n", 0), None);
        assert!(p.line(b"tot;2025;CMP 1;1,25;7;20;300\n", 0).is_some());
        let t = FastParser::new(&LAYOUT, b'\t');
        assert!(t.line(b"A B\td,e\t9\t2\t3.5\t1\n", 0).is_some());
        assert_eq!(t.line(b"A\t\"d\"\t1\t2\t3.5\t4\n", 0), None);
        // A delimiter that could be part of a number: never fast.
        assert_eq!(
            FastParser::new(&LAYOUT, b'.').line(b"A.d.1.2.3.4\n", 0),
            None
        );
    }

    #[test]
    fn swar_masks_match_bytewise() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let interesting = [
            0u8, 1, 9, 10, 13, 0x20, 0x22, 0x23, 0x2C, 0x2D, 0x2F, 0x30, 0x39, 0x3A, 0x7F, 0x80,
            0xFF,
        ];
        for round in 0..200_000 {
            let bytes: [u8; 8] = std::array::from_fn(|_| {
                if round % 2 == 0 {
                    interesting[rng.below(interesting.len())]
                } else {
                    rng.next() as u8
                }
            });
            let w = u64::from_le_bytes(bytes);
            for c in [1u8, 0x0B, 0x23, 0x2D, 0x30, 0x7F, 0x80] {
                let expected = bytes
                    .iter()
                    .enumerate()
                    .fold(0, |m, (i, &b)| m | u64::from(b < c) << (8 * i + 7));
                assert_eq!(below(w, c), expected, "{bytes:?} < {c}");
            }
            let first = bytes
                .iter()
                .position(|b| !b.is_ascii_digit())
                .map_or(64, |i| 8 * i as u32 + 7);
            assert_eq!(non_digits(w ^ ZEROS).trailing_zeros(), first, "{bytes:?}");
        }
    }

    /// The 64-byte mask (vectors where the target has them) against the
    /// word-wise one and against bytes, for every threshold in use.
    #[test]
    fn mask64_matches_words_and_bytes() {
        let mut rng = Rng(0x5EED_0F48);
        let interesting = [0u8, 9, 10, 13, 0x22, 0x23, 0x2C, 0x2D, 0x2F, 0x30, 0x7F, 0x80, 0xFF];
        for round in 0..50_000 {
            let mut bytes = [0u8; WINDOW + 8];
            for b in bytes.iter_mut().take(64) {
                *b = if round % 2 == 0 {
                    interesting[rng.below(interesting.len())]
                } else {
                    rng.next() as u8
                };
            }
            let win = Window(&bytes);
            let w: [u64; 8] = std::array::from_fn(|i| win.word(8 * i));
            let expected = |c: u8| (0..64).fold(0u64, |m, i| m | u64::from(bytes[i] < c) << i);
            assert_eq!(mask64::<b','>(win, &w), expected(below_for(b',')), "{bytes:?}");
            assert_eq!(mask64::<b'\t'>(win, &w), expected(below_for(b'\t')), "{bytes:?}");
            assert_eq!(mask64::<b'-'>(win, &w), expected(below_for(b'-')), "{bytes:?}");
            for c in [below_for(b','), below_for(b'-'), 0x30] {
                assert_eq!(mask64_swar(&w, c), expected(c), "{bytes:?} < {c}");
            }
        }
    }

    /// Digit runs, fractions and text fields against byte-wise versions,
    /// at every position of buffers that end at every length.
    #[test]
    fn swar_fields_match_bytewise() {
        let mut rng = Rng(0x0123_4567_89AB_CDEF);
        let alphabet = b"0123456789012345678901234567890123456789,.\n\r\" \tabT\0\xff";
        let p = parser();
        let semi = FastParser::new(&LAYOUT, b';');
        for _ in 0..20_000 {
            let len = rng.below(40);
            let buf: Vec<u8> = (0..len)
                .map(|_| alphabet[rng.below(alphabet.len())])
                .collect();
            for q in 0..=len {
                let run = buf[q..].iter().take_while(|b| b.is_ascii_digit()).count();
                let after = buf.get(q + run).copied().unwrap_or(0);
                let value = buf[q..q + run].iter().fold(0u64, |v, &d| {
                    v.wrapping_mul(10).wrapping_add(u64::from(d - b'0'))
                });
                let expected = (run < 20).then_some((value, run, after));
                assert_eq!(
                    number(Checked(&buf), q),
                    expected,
                    "{:?} at {q}",
                    String::from_utf8_lossy(&buf)
                );
                let expected = (run <= 6).then(|| (value * 10u64.pow(6 - run as u32), run, after));
                assert_eq!(
                    fraction(Checked(&buf), q),
                    expected,
                    "{:?} at {q}",
                    String::from_utf8_lossy(&buf)
                );
                for (parser, delim) in [(&p, b','), (&semi, b';')] {
                    let end = buf[q..]
                        .iter()
                        .position(|&b| b == delim || matches!(b, b'\n' | b'\r' | b'"'))
                        .map(|i| q + i);
                    let got = parser
                        .text::<_, true>(Checked(&buf), q)
                        .filter(|_| parser.delim_below);
                    let got = got.or_else(|| {
                        parser
                            .text::<_, false>(Checked(&buf), q)
                            .filter(|_| !parser.delim_below)
                    });
                    assert_eq!(
                        got.as_ref().map(|t| t.end),
                        end,
                        "{:?} at {q}",
                        String::from_utf8_lossy(&buf)
                    );
                    if let (Some(t), Some(end)) = (got, end) {
                        assert_eq!(t.term, buf[end]);
                        assert_eq!(
                            t.low,
                            buf[q..end]
                                .iter()
                                .any(|&b| b < 0x23 || (delim == b',' && b < 0x2D))
                        );
                        let mut first = [0u8; 16];
                        let n = buf.len().saturating_sub(q).min(16);
                        first[..n].copy_from_slice(&buf[q..q + n]);
                        assert_eq!((t.w0, t.w1), (load(&first, 0), load(&first, 8)));
                    }
                }
            }
        }
        for s in [
            "",
            "0",
            "7",
            "12",
            "1234567",
            "12345678",
            "123456789",
            "9999999999999999999",
        ] {
            assert_eq!(
                number(Checked(s.as_bytes()), 0).map(|n| n.0),
                Some(s.parse().unwrap_or(0))
            );
        }
    }

    /// Through a window, the same results as through checked loads on the
    /// same bytes, wherever the result lies inside the window; wrapped
    /// offsets only ever give positions past it.
    #[test]
    fn window_matches_checked() {
        let mut rng = Rng(0x5555_AAAA_1234_4321);
        let alphabet = b"0123456789012345678901234567890123456789,;.\n\r\" \tabT\0\xff";
        let p = FastParser::new(&DATED, b',');
        let semi = FastParser::new(&LAYOUT, b';');
        let mut win = [0u8; WINDOW + 8];
        for round in 0..3_000 {
            // Sparse or dense in candidates, so that fields get long.
            let sparse = round % 2 == 0;
            for b in win.iter_mut() {
                *b = if sparse && rng.below(40) != 0 {
                    b'x'
                } else {
                    alphabet[rng.below(alphabet.len())]
                };
            }
            for q in (0..WINDOW + 8).step_by(1 + rng.below(7)) {
                let (w, c) = (Window(&win), Checked(&win[..]));
                let inside = |end: usize| end < WINDOW - 16;
                for (a, b) in [
                    (number(w, q), number(c, q)),
                    (fraction(w, q), fraction(c, q)),
                ] {
                    if let Some((_, len, _)) = b.filter(|&(_, len, _)| inside(q + len)) {
                        assert_eq!(a, b, "at {q} ({len})");
                    }
                }
                for parser in [&p, &semi] {
                    let (a, b) = if parser.delim_below {
                        (parser.text::<_, true>(w, q), parser.text::<_, true>(c, q))
                    } else {
                        (parser.text::<_, false>(w, q), parser.text::<_, false>(c, q))
                    };
                    match (a, b) {
                        (Some(a), Some(b)) if inside(b.end) => {
                            assert_eq!(
                                (a.end, a.term, a.w0, a.w1, a.low),
                                (b.end, b.term, b.w0, b.w1, b.low)
                            )
                        }
                        (Some(a), _) => assert!(!inside(a.end), "at {q}: {}", a.end),
                        _ => {}
                    }
                    if q >= WINDOW {
                        // Wrapped: anything found lies past the window.
                        assert!(parser.text::<_, true>(w, q).is_none_or(|t| t.end >= WINDOW));
                        assert!(number(w, q).is_none_or(|(_, len, _)| q + len >= WINDOW));
                    }
                }
            }
        }
        // Whole lines, short and longer than the window, through the hot
        // loop's entry point and directly.
        for id_len in [1, 15, 16, 100, WINDOW - 40, WINDOW, 3 * WINDOW] {
            let id = "C".repeat(id_len);
            let text = format!("{id},2025-01-01,9,2,3.5,1\n").repeat(3) + &"x".repeat(WINDOW + 8);
            let l = p
                .parse_at::<true, true, b','>(text.as_bytes(), 0, &mut PlainRetry::default())
                .unwrap();
            assert_eq!(Some(l), p.line(text.as_bytes(), 0));
            assert_eq!(
                (l.end, l.campaign, l.campaign_len),
                (id_len + 22, 0, id_len)
            );
            let l2 = p
                .parse_at::<true, false, 0>(text.as_bytes(), l.end, &mut PlainRetry::default())
                .unwrap();
            assert_eq!(
                (l2.end, l2.campaign, l2.campaign_len),
                (2 * l.end, l.end, id_len)
            );
            assert_eq!(l2.values, l.values);
        }
        assert_eq!(
            eight_digits(u64::from_le_bytes(*b"12345678") ^ ZEROS),
            12_345_678
        );
    }

    /// [`FastParser::parse_at`] as [`FastParser::run`] picks it.
    fn hot(parser: &FastParser, buf: &[u8], p: usize) -> Option<Line> {
        let plain = &mut PlainRetry::default();
        match (
            parser.delim_below,
            *parser.cols == CANONICAL,
            parser.delimiter,
        ) {
            (true, true, b',') => parser.parse_at::<true, true, b','>(buf, p, plain),
            (true, true, b'\t') => parser.parse_at::<true, true, b'\t'>(buf, p, plain),
            (true, true, _) => parser.parse_at::<true, true, 0>(buf, p, plain),
            (true, false, _) => parser.parse_at::<true, false, 0>(buf, p, plain),
            (false, true, _) => parser.parse_at::<false, true, 0>(buf, p, plain),
            (false, false, _) => parser.parse_at::<false, false, 0>(buf, p, plain),
        }
    }

    /// The one-mask parser of plain lines takes nearly all lines of the
    /// usual shape, and gives what the field-by-field parser gives.
    #[test]
    fn plain_matches_parse() {
        let mut rng = Rng(0x0F0F_1234_ABCD_9876);
        let p = FastParser::new(&DATED, b',');
        let tab = FastParser::new(&DATED, b'\t');
        let (mut taken, mut same) = (0, 0);
        for round in 0..200_000 {
            let (parser, d) = if round % 3 == 0 {
                (&tab, b'\t')
            } else {
                (&p, b',')
            };
            let mut line = Vec::new();
            let text = |rng: &mut Rng, line: &mut Vec<u8>, n: usize| {
                line.extend((0..n).map(|_| b"ABCXYZabtoTL0123456789_-.:/"[rng.below(27)]));
            };
            let digits = |rng: &mut Rng, line: &mut Vec<u8>, n: usize| {
                line.extend((0..n).map(|_| b'0' + rng.below(10) as u8))
            };
            let n = 1 + rng.below(16);
            text(&mut rng, &mut line, n);
            line.push(d);
            if rng.below(8) == 0 {
                let n = rng.below(12);
                text(&mut rng, &mut line, n);
            } else {
                // A date, sometimes not a valid one.
                line.extend_from_slice(b"20");
                digits(&mut rng, &mut line, 2);
                line.push(b'-');
                line.push(b'0' + rng.below(2) as u8);
                digits(&mut rng, &mut line, 1);
                line.push(b'-');
                line.push(b'0' + rng.below(3) as u8);
                digits(&mut rng, &mut line, 1);
            }
            for f in 0..4 {
                line.push(d);
                let max = if rng.below(10) == 0 { 12 } else { 7 };
                let n = rng.below(max);
                digits(&mut rng, &mut line, n);
                if f == 2 && rng.below(3) != 0 {
                    line.push(b'.');
                    let n = rng.below(8);
                    digits(&mut rng, &mut line, n);
                }
            }
            line.extend_from_slice(if rng.below(5) == 0 { b"\r\n" } else { b"\n" });
            if rng.below(20) == 0 {
                // Something unusual somewhere.
                let at = rng.below(line.len());
                line[at] = b" \t\"\r\n,.;x\0"[rng.below(10)];
            }
            let expected = parser.line(&line, 0);
            let mut padded = line.clone();
            padded.resize(line.len() + WINDOW + 8, b'7');
            let got = plain_of(parser, window(&padded, 0).unwrap());
            if let Some(l) = got {
                taken += 1;
                assert_eq!(Some(l), expected, "{:?}", String::from_utf8_lossy(&line));
            }
            if expected.is_some() && line.len() <= 64 {
                same += 1;
            }
        }
        // Most of what the other parser takes in 64 bytes (not: ids of 25
        // bytes or more or starting with "total", fields of more than 8 bytes).
        assert!(taken > same * 6 / 10, "{taken} of {same}");
        for line in [
            "CMP038,2025-01-01,19247,1533,767.66,50\n",
            "CMP0254214,2025-01-01,44842,317,626.82,7\r\n",
            "10000000004770584,2025-03-15,10901,573,1133.65,31\n",
            "123456789012345678901234,2025-03-15,10901,573,1133.65,31\n",
            "X,2025-12-31,,,,\n",
        ] {
            let mut padded = line.as_bytes().to_vec();
            padded.resize(line.len() + WINDOW + 8, b'\n');
            assert_eq!(
                plain_of(&p, window(&padded, 0).unwrap()),
                p.line(line.as_bytes(), 0),
                "{line}"
            );
            assert!(p.line(line.as_bytes(), 0).is_some());
        }
    }

    /// [`FastParser::plain`] for a comma or tab parser.
    fn plain_of(parser: &FastParser, win: Window) -> Option<Line> {
        match parser.delimiter {
            b',' => parser.plain::<b','>(win),
            b'\t' => parser.plain::<b'\t'>(win),
            _ => unreachable!(),
        }
    }

    /// csv-core plus the shared record semantics: the authority.
    fn reference(layout: &Layout, delimiter: u8, line: &[u8]) -> Option<(Vec<u8>, RowValues, bool)> {
        let mut rdr = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
        let _ = rdr.read_record(b"\n", &mut [0u8; 1], &mut [0usize; 1]);
        let mut out = vec![0u8; line.len() + 1];
        let mut ends = vec![0usize; line.len() + 1];
        let (res, nin, _, nend) = rdr.read_record(line, &mut out, &mut ends);
        // Only lines that are one whole record compare (csv-core may leave
        // the `\n` of a `\r\n` for its next call).
        if res != csv_core::ReadRecordResult::Record || line[nin..].iter().any(|&b| b != b'\n') {
            return None;
        }
        let field = |i: usize| &out[if i == 0 { 0 } else { ends[i - 1] }..ends[i]];
        parse_row(layout, nend, field)
            .ok()
            .map(|(c, v, rounded)| (c.to_vec(), v, rounded))
    }

    #[test]
    fn accepted_lines_match_csv_core() {
        let mut rng = Rng(0xDEAD_BEEF_1234_5678);
        let layouts = [
            (DATED, b','),
            (
                Layout {
                    field_count: 7,
                    campaign: 2,
                    metrics: [6, 5, 3, 4],
                    format: NumberFormat {
                        decimal_comma: true,
                    },
                    date: None,
                    // A campaign-name column beside the id.
                    name: Some(1),
                    today: None,
                },
                b';',
            ),
            (
                Layout {
                    field_count: 5,
                    campaign: 4,
                    metrics: [0, 1, 2, 3],
                    format: NumberFormat::default(),
                    date: None,
                    name: None,
                    today: None,
                },
                b'\t',
            ),
            (
                Layout {
                    field_count: 6,
                    campaign: 0,
                    metrics: [2, 3, 4, 5],
                    format: NumberFormat::default(),
                    date: Some(1),
                    name: None,
                    today: Some(TODAY),
                },
                b'|',
            ),
        ];
        let pieces: [&[u8]; 27] = [
            b"0",
            b"7",
            b"12",
            b"12345",
            b"99999999",
            b"123456789012",
            b"99999999999999999999",
            b".",
            b",",
            b";",
            b"\t",
            b"|",
            b" ",
            b"\"",
            b"\r",
            b"\n",
            b"-",
            b"CMP",
            b"total",
            b"TOTAL:",
            b"\xc2\xa0",
            b"a",
            b"\0",
            b"00000",
            b"e",
            b"E-5",
            b"e+2",
        ];
        let mut accepted = 0;
        let mut plain_taken = 0;
        for round in 0..300_000 {
            let (layout, delim) = &layouts[round % layouts.len()];
            let parser = FastParser::new(layout, *delim);
            let mut line = Vec::new();
            // Half the lines mostly plain (and mostly accepted), half noisy.
            let noisy = round % 2 == 0;
            let odd = |rng: &mut Rng| noisy || rng.below(40) == 0;
            let digits = |rng: &mut Rng, line: &mut Vec<u8>, max: usize| {
                let n = if rng.below(8) == 0 {
                    rng.below(21)
                } else {
                    rng.below(max + 1)
                };
                line.extend((0..n).map(|_| b'0' + rng.below(10) as u8));
            };
            for f in 0..layout.field_count + usize::from(odd(&mut rng) && rng.below(3) == 0) {
                if f > 0 {
                    line.push(if odd(&mut rng) && rng.below(10) == 0 {
                        b','
                    } else {
                        *delim
                    });
                }
                if odd(&mut rng) && rng.below(2) == 0 {
                    for _ in 0..rng.below(4) {
                        line.extend_from_slice(pieces[rng.below(pieces.len())]);
                    }
                } else if let Some(i) = [0, 1, 3].into_iter().find(|&i| layout.metrics[i] == f) {
                    // Mostly impressions >= clicks >= conversions.
                    digits(&mut rng, &mut line, [6, 4, 0, 2][i]);
                } else if layout.metrics[2] == f {
                    digits(&mut rng, &mut line, 5);
                    if rng.below(3) != 0 {
                        line.push(if layout.format.decimal_comma {
                            b','
                        } else {
                            b'.'
                        });
                        digits(&mut rng, &mut line, 7);
                    }
                    if rng.below(8) == 0 {
                        // Exponent notation: csv-core's path reads it, never the fast path.
                        line.extend_from_slice([&b"e-05"[..], b"E3", b"e+2", b"e0"][rng.below(4)]);
                    }
                } else if layout.date == Some(f) && rng.below(4) != 0 {
                    let dates: [&[u8]; 8] = [
                        b"2025-01-31",
                        b"2029-12-31",
                        b"2030-01-02",
                        b"2025-02-30",
                        b"1/31/2025",
                        b"31.01.2025",
                        b"2025-1-31",
                        b"Jan 31, 2025",
                    ];
                    // Half of them plain ISO dates that are not in the future.
                    let k = if rng.below(2) == 0 {
                        rng.below(2)
                    } else {
                        rng.below(dates.len())
                    };
                    line.extend_from_slice(dates[k]);
                } else {
                    for _ in 0..1 + rng.below(4) {
                        line.extend_from_slice(
                            [&b"CMP"[..], b"a", b" ", b"12", b"-", b"tot", b"\xc3\xa9"]
                                [rng.below(7)],
                        );
                    }
                }
            }
            line.extend_from_slice(if rng.below(4) == 0 { b"\r\n" } else { b"\n" });
            // One physical line.
            line.truncate(line.iter().position(|&b| b == b'\n').unwrap() + 1);
            // The hot loop's way (windowed, the common layout unrolled)
            // agrees with the plain way.
            let mut padded = line.clone();
            padded.resize(line.len() + WINDOW + 8, b'"');
            assert_eq!(hot(&parser, &padded, 0), parser.line(&line, 0));
            if parser.delim_below && *parser.cols == CANONICAL {
                let win = window(&padded, 0).unwrap();
                if let Some(l) = plain_of(&parser, win) {
                    plain_taken += 1;
                    assert_eq!(
                        Some(l),
                        parser.line(&line, 0),
                        "{:?}",
                        String::from_utf8_lossy(&line)
                    );
                }
            }
            if let Some(l) = parser.line(&line, 0) {
                accepted += 1;
                assert_eq!(l.end, line.len());
                // Never a spend rounded to micros: csv-core's path warns about it.
                let got = (
                    line[l.campaign..l.campaign + l.campaign_len].to_vec(),
                    l.values,
                    false,
                );
                assert_eq!(
                    Some(got),
                    reference(layout, *delim, &line),
                    "{:?}",
                    String::from_utf8_lossy(&line)
                );
                // Nothing csv-core's path would warn about (but duplicates).
                let v = l.values;
                assert!(v.clicks <= v.impressions && v.conversions <= v.clicks);
                if let Some(c) = layout.date {
                    let body = line.strip_suffix(b"\n").unwrap();
                    let body = body.strip_suffix(b"\r").unwrap_or(body);
                    let date = body.split(|b| b == delim).nth(c).unwrap();
                    assert_eq!(
                        crate::text::date::parse_date(date),
                        Some(l.day),
                        "{:?}",
                        String::from_utf8_lossy(&line)
                    );
                    assert!(l.day <= TODAY);
                } else {
                    assert_eq!(l.day, NO_DAY);
                }
                if let Some(c) = layout.name {
                    let body = line.strip_suffix(b"\n").unwrap();
                    let body = body.strip_suffix(b"\r").unwrap_or(body);
                    let name = body.split(|b| b == delim).nth(c).unwrap();
                    assert_eq!(&line[l.name.0..l.name.0 + l.name.1], name);
                    // Through the hot loop's window too.
                    let mut padded = line.clone();
                    padded.resize(line.len() + WINDOW + 8, b'"');
                    assert_eq!(hot(&parser, &padded, 0).map(|h| h.name), Some(l.name));
                } else {
                    assert_eq!(l.name, (0, 0));
                }
                // The same line followed by more bytes, or cut short.
                let mut longer = line.clone();
                longer.extend_from_slice(b"CMP,1\"\r\n");
                assert_eq!(parser.line(&longer, 0), Some(l));
                assert_eq!(parser.line(&line[..line.len() - 1], 0), None);
            }
        }
        // Fewer than before dates were checked: lines with a date that is
        // not one, or in the future, are declined by design.
        assert!(accepted > 20_000, "only {accepted} accepted");
        // (plain_matches_parse covers the plain parser in depth.)
        assert!(plain_taken > 250, "only {plain_taken} taken by plain");
    }
}
