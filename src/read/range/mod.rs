//! The sans-IO aggregator for one byte range: push bytes in with
//! [`Aggregator::feed`] (any chunking, 1-byte chunks included), take the
//! [`Partial`] out with [`Aggregator::finish`].
//!
//! Lines without anything unusual go through [`FastParser`]; any other line
//! (quotes, stray `\r`, a bad number, a wrong field count...) is handed to
//! csv-core, which keeps the parse until a line ends outside a record, when
//! the fast path takes over again. csv-core is therefore always the
//! authority: the fast path only ever accepts lines it reads identically.
//!
//! For parallel runs a range can start mid-file ([`Start::AfterNewline`])
//! and stop at the first line boundary past a given offset, so that adjacent
//! ranges meet exactly; [`Partial::append`] checks that they do.

use csv_core::{ReadRecordResult, Reader, ReaderBuilder};
use memchr::memchr;

use crate::agg::accept::Accumulate;
use crate::agg::daily::DailyCells;
#[cfg(daily_series)]
use crate::agg::daily::DailySink;
use crate::agg::normalize::{NormalizeSink, Normalizer};
use crate::agg::sink::RowSink;
use crate::agg::partial::Partial;
use crate::error::{Error, SkipKind, Skipped};
use crate::group::table::Table;
use crate::read::fast::{self, FastParser, Halt, Line};
use crate::read::plan::Plan;
use crate::row::accepted::{AcceptedRow, Row, RowDate};
use crate::row::record::{describe, parse_row, Layout, RAW_LIMIT, RECORD_LIMIT};
use crate::schema::totals::Sum;
use crate::text::date::Day;

mod slow;

use slow::*;

/// Records with more fields than this are skipped.
const FIELD_LIMIT: usize = 1 << 16;

/// Where a range begins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// Exactly at this offset, which is known to be a record start (the
    /// plan's `data_start`, or the end of the previous range).
    Exact(u64),
    /// At the first line start after the first `\n` at or after this offset
    /// (a nominal split point). Bytes are fed from this offset.
    AfterNewline(u64),
}



/// Aggregates the data rows of one byte range.
pub struct Aggregator {
    layout: Layout,
    fast: FastParser,
    csv: Reader,
    slow: Slow,
    /// Absolute offset of the next byte to be fed.
    offset: u64,
    seeking: bool,
    stopped: bool,
    /// Stop at the first line boundary strictly after this offset.
    stop_after: u64,
    /// Start of a line not yet complete (fast path only; bounded).
    carry: Vec<u8>,
    /// Stop at the first malformed data row.
    strict: bool,
    /// Bytes to read again after an unterminated quote: from the line after
    /// the one the record began on (see [`Aggregator::unterminated`]).
    refeed: Vec<u8>,
    /// Unterminated records so far (each one reads bytes again).
    rewinds: u64,
    delimiter: u8,
    /// The shell takes rejected rows as they come ([`Aggregator::take_rejected`]):
    /// keep them all, not only the first [`crate::REJECTED_LIMIT`].
    keep_all_rejected: bool,
    /// The header's names, trimmed and lower-cased: a line that repeats
    /// them is not data (files joined with `cat`).
    header: Vec<Box<[u8]>>,
    /// Ids must be valid UTF-8 (a file read as UTF-8): distinct byte strings
    /// must never print alike.
    utf8_ids: bool,
    partial: Partial,
    /// Campaigns of every aggregated row (fast path and csv-core alike);
    /// moved into `partial.campaigns` by [`finish`](Self::finish).
    table: Table,
    /// Normalizing instead of aggregating ([`Aggregator::normalizing`]):
    /// rows go to this sink's output, the table stays empty.
    norm: Option<Box<Normalizer>>,
    /// The daily series' cells, when the plan asks for them.
    daily: Option<Box<DailyCells>>,
}

impl Aggregator {
    /// An aggregator for the whole data part of a file described by `plan`.
    pub fn new(plan: &Plan) -> Aggregator {
        Aggregator::for_range(plan, Start::Exact(plan.data_start), u64::MAX)
    }

    /// An aggregator for the range that begins at `start` and ends at the
    /// first line boundary after byte `stop_after` (or at the end of input).
    pub fn for_range(plan: &Plan, start: Start, stop_after: u64) -> Aggregator {
        let layout = Layout::new(plan);
        let csv = csv_reader(plan.delimiter);
        let (offset, seeking) = match start {
            Start::Exact(at) => (at, false),
            Start::AfterNewline(at) => (at, true),
        };
        Aggregator {
            fast: FastParser::new(&layout, plan.delimiter),
            layout,
            csv,
            slow: Slow {
                active: false,
                pending: false,
                start_line: 0,
                buf: vec![0; 4096],
                len: 0,
                ends: vec![0; 64],
                nends: 0,
                too_long: false,
                raw: Vec::new(),
                raw_total: 0,
                multi_line: false,
                last_date: (Vec::new(), (None, 0)),
            },
            offset,
            seeking,
            stopped: !seeking && offset > stop_after,
            stop_after,
            carry: Vec::new(),
            strict: plan.strict,
            refeed: Vec::new(),
            rewinds: 0,
            delimiter: plan.delimiter,
            keep_all_rejected: false,
            header: plan.header.iter().map(|h| normalize_cell(h.as_bytes()).into()).collect(),
            utf8_ids: plan.encoding == crate::text::encoding::Encoding::Utf8,
            partial: Partial::new(offset),
            table: Table::new(),
            norm: None,
            // The default wasm module has no daily sink (its copies of the
            // fast path are another ~56 kB gzip of download): see build.rs.
            daily: match cfg!(daily_series) {
                true => plan.daily.as_ref().map(|d| Box::new(DailyCells::new(d, plan.encoding))),
                false => None,
            },
        }
    }

    /// A reader for the same range as [`for_range`](Self::for_range) that
    /// writes each accepted row as one line of the normalized table
    /// ([`crate::agg::normalize`]) instead of aggregating it: take the lines
    /// with [`normalized`](Self::normalized) as they come, and the last ones
    /// from [`finish_normalized`](Self::finish_normalized). Rows are
    /// skipped, counted and rejected exactly as when aggregating; no
    /// header line is written. `platform`: the `platform` column's text
    /// (default: the one detected from the header, [`Plan::platform`]).
    pub fn normalizing(plan: &Plan, start: Start, stop_after: u64, platform: Option<&str>) -> Aggregator {
        let mut agg = Aggregator::for_range(plan, start, stop_after);
        agg.daily = None; // normalizing keeps no series
        let platform = platform.map_or_else(|| plan.platform().name().to_string(), str::to_string);
        agg.norm = Some(Box::new(Normalizer::new(
            &platform,
            plan.has_revenue(),
            plan.name_column.is_none() && plan.key_is_name(),
            plan.encoding,
            agg.utf8_ids,
        )));
        let sums = agg.fast.comma_canonical();
        agg.norm.as_mut().expect("set above").copy_numbers(sums);
        agg
    }

    /// The normalized lines written so far and not yet taken (empty unless
    /// [`normalizing`](Self::normalizing)): write them out and clear the
    /// buffer, so that memory stays bounded by what one
    /// [`feed`](Self::feed) call writes.
    ///
    /// Panics unless the reader is [`normalizing`](Self::normalizing).
    pub fn normalized(&mut self) -> &mut Vec<u8> {
        self.norm.as_mut().expect("a normalizing reader").lines()
    }

    /// Writes the next normalized lines into `buf`, over the bytes it holds
    /// (none of them kept; see [`Normalizer::reuse`]): a buffer taken
    /// before, given back without clearing it.
    ///
    /// Panics unless the reader is [`normalizing`](Self::normalizing).
    pub fn normalize_into(&mut self, buf: Vec<u8>) {
        self.norm.as_mut().expect("a normalizing reader").reuse(buf);
    }

    /// [`finish`](Self::finish) for a [`normalizing`](Self::normalizing)
    /// reader: the range's result (no campaigns; `rows_aggregated` is the
    /// rows written) and the lines not yet taken.
    pub fn finish_normalized(mut self) -> Result<(Partial, Vec<u8>), Error> {
        let partial = self.finish_rows()?;
        Ok((partial, std::mem::take(self.normalized())))
    }

    /// Sends every line through csv-core, which checks everything, and
    /// stops at the first problem: the pass that names the line of a
    /// problem a faster pass found without one ([`crate::Pass::Locate`]).
    pub fn locating(&mut self) {
        self.fast.disable();
    }

    /// True once the range has reached its end: further input is not
    /// needed (and [`feed`](Self::feed) consumes nothing more).
    pub fn is_done(&self) -> bool {
        self.stopped
    }

    /// Keeps every rejected row instead of the first
    /// [`crate::REJECTED_LIMIT`]: for shells that write them out as they
    /// come with [`take_rejected`](Self::take_rejected), so that memory
    /// stays bounded by what one [`feed`](Self::feed) call holds.
    pub fn keep_all_rejected(&mut self) {
        self.keep_all_rejected = true;
    }

    /// Takes the rejected rows found so far (lines relative to the range:
    /// line 1 is the range's first line). They are then no longer part of
    /// the result of [`finish`](Self::finish).
    pub fn take_rejected(&mut self) -> Vec<crate::agg::partial::Rejected> {
        std::mem::take(&mut self.partial.rejected)
    }

    /// Data rows seen so far.
    pub fn rows_read(&self) -> u64 {
        self.partial.rows_read
    }

    /// Absolute offset of the next byte expected.
    pub fn position(&self) -> u64 {
        self.offset + self.carry.len() as u64
    }

    /// Consumes bytes that follow the ones fed so far. Returns how many were
    /// consumed: all of them, unless the range ended inside `input`.
    pub fn feed(&mut self, input: &[u8]) -> usize {
        if self.stopped {
            return 0;
        }
        let mut pos = 0;
        if self.seeking {
            match memchr(b'\n', input) {
                None => {
                    self.offset += input.len() as u64;
                    return input.len();
                }
                Some(i) => {
                    pos = i + 1;
                    self.offset += pos as u64;
                    self.seeking = false;
                    self.partial = Partial::new(self.offset);
                    if self.offset > self.stop_after {
                        self.stopped = true;
                        return pos;
                    }
                }
            }
        }
        while pos < input.len() && !self.stopped {
            let rest = &input[pos..];
            if self.slow.active {
                let piece = match memchr(b'\n', rest) {
                    Some(i) => &rest[..=i],
                    None => rest,
                };
                pos += piece.len();
                self.slow_feed(piece);
                if piece.ends_with(b"\n") && !self.slow.pending {
                    self.slow.active = false;
                    self.check_stop();
                }
            } else if !self.carry.is_empty() {
                match memchr(b'\n', rest) {
                    Some(i) => {
                        let mut line = std::mem::take(&mut self.carry);
                        line.extend_from_slice(&rest[..=i]);
                        pos += i + 1;
                        self.line(&line);
                        line.clear();
                        // (Bytes read again after a stray quote may have left
                        // a line start of their own.)
                        if self.carry.is_empty() {
                            self.carry = line;
                        }
                        self.check_stop();
                    }
                    None => {
                        pos = input.len();
                        self.hold(rest);
                    }
                }
            } else {
                pos = self.hot(input, pos);
            }
        }
        if let Some(daily) = &mut self.daily {
            daily.check_limit();
        }
        pos
    }

    /// Ends the input: processes a last line without `\n` and returns the
    /// range's result.
    /// The campaign table goes into the result as it is.
    pub fn finish(mut self) -> Result<Partial, Error> {
        self.finish_rows()
    }

    fn finish_rows(&mut self) -> Result<Partial, Error> {
        // The last line, and a record still open at the end of the input;
        // an unterminated one is read again from its second line, which may
        // leave another last line.
        while !self.stopped && !self.seeking {
            let rewinds = self.rewinds;
            if !self.carry.is_empty() {
                let line = std::mem::take(&mut self.carry);
                self.line(&line);
            }
            if self.slow.active {
                self.slow_feed(b"");
            }
            if self.rewinds == rewinds {
                break;
            }
        }
        let mut table = std::mem::take(&mut self.table);
        if self.utf8_ids && self.partial.halt.is_none() {
            // The fast path does not check ids; the csv-core path does, with
            // the line. Checking each distinct id once costs next to nothing.
            let mut bad = None;
            table.for_each(|id, _| {
                if bad.is_none() && !id.is_ascii() && std::str::from_utf8(id).is_err() {
                    bad = Some(Error::not_utf8(id, None));
                }
            });
            self.partial.halt = bad;
        }
        if self.seeking {
            self.partial = Partial::new(self.offset);
            table = Table::new();
        }
        self.partial.campaigns = table;
        if let Some(daily) = self.daily.take() {
            daily.finish(&mut self.partial);
        }
        self.partial.end = self.offset;
        self.partial.has_revenue = self.layout.sums[Sum::Revenue.index()].is_some();
        Ok(std::mem::take(&mut self.partial))
    }

    fn check_stop(&mut self) {
        if !self.slow.active && self.offset > self.stop_after {
            self.stopped = true;
        }
    }

    /// Keeps the start of an incomplete line; a line longer than the limit
    /// goes to csv-core in pieces instead, so memory stays bounded.
    fn hold(&mut self, bytes: &[u8]) {
        if self.carry.len() + bytes.len() <= RECORD_LIMIT {
            self.carry.extend_from_slice(bytes);
        } else {
            let mut held = std::mem::take(&mut self.carry);
            held.extend_from_slice(bytes);
            self.slow.active = true;
            self.slow_feed(&held);
        }
    }

    /// The hot loop: whole lines straight from the input, as many as the
    /// fast path takes at once; the others one by one. Returns where it
    /// stopped: at the end of `input`, or where csv-core took over, or where
    /// the range ended.
    fn hot(&mut self, input: &[u8], mut pos: usize) -> usize {
        loop {
            // Lines that start at or before `limit` are in the range.
            let Some(room) = self.stop_after.checked_sub(self.offset) else {
                self.stopped = true;
                return pos;
            };
            let limit = usize::try_from(room).map_or(usize::MAX, |room| pos.saturating_add(room));
            let (line0, decimal) = (self.partial.newlines, self.layout.format.decimal());
            let run = match (&mut self.norm, &mut self.daily) {
                (None, None) => {
                    let mut sink = Accumulate::new(&mut self.table, &mut self.partial, self.layout.today, decimal);
                    self.fast.run(input, pos, limit, &mut sink, line0)
                }
                #[cfg(daily_series)]
                (None, Some(daily)) => {
                    let acc = Accumulate::new(&mut self.table, &mut self.partial, self.layout.today, decimal);
                    self.fast.run(input, pos, limit, &mut DailySink::new(acc, daily), line0)
                }
                #[cfg(not(daily_series))]
                (None, Some(_)) => unreachable!("no daily sink in this build"),
                (Some(norm), _) => {
                    let mut sink = NormalizeSink::new(norm, &self.table, &mut self.partial, self.layout.today, decimal);
                    self.fast.run(input, pos, limit, &mut sink, line0)
                }
            };
            self.offset += (run.pos - pos) as u64;
            self.partial.newlines += run.lines;
            self.partial.rows_read += run.lines;
            self.partial.rows_aggregated += run.lines;
            pos = run.pos;
            match run.halt {
                Halt::Limit => {
                    self.stopped = true;
                    return pos;
                }
                Halt::Overflow(field, id) => {
                    self.overflow(field, &input[id], self.partial.newlines + 1);
                    return pos;
                }
                Halt::Declined => {
                    let rest = &input[pos..];
                    let Some(i) = memchr(b'\n', rest) else {
                        if !rest.is_empty() {
                            self.hold(rest);
                        }
                        return input.len();
                    };
                    pos += i + 1;
                    self.slow_line(&rest[..=i]);
                    if self.slow.active || self.stopped {
                        return pos;
                    }
                    if self.offset > self.stop_after {
                        self.stopped = true;
                        return pos;
                    }
                }
            }
        }
    }

    /// One complete line (ending in `\n`, or the last line of the input).
    #[inline]
    fn line(&mut self, line: &[u8]) {
        if line.ends_with(b"\n") {
            self.line_in(line, line.len());
        } else {
            // The last line: read as if it had a `\n`, which csv-core would
            // read the same (end of input ends its record too).
            let mut text = line.to_vec();
            text.push(b'\n');
            match self.fast.line(&text, 0) {
                Some(parsed) if parsed.end == text.len() => {
                    self.accept(&text, &parsed, line.len(), 0)
                }
                _ => self.slow_line(line),
            }
        }
    }

    /// The line `text[..len]`, ending in `\n`; `text` may go on past it.
    #[inline]
    fn line_in(&mut self, text: &[u8], len: usize) {
        match self.fast.line(text, 0) {
            Some(parsed) if parsed.end == len => self.accept(text, &parsed, len, 1),
            _ => self.slow_line(&text[..len]),
        }
    }

    /// Counts a line the fast path parsed from `text`: `len` bytes, with
    /// `newlines` line breaks.
    fn accept(&mut self, text: &[u8], parsed: &Line, len: usize, newlines: u64) {
        let row = fast::row(text, 0, parsed, self.partial.newlines + 1);
        if let Err(field) = self.sink_accept(&row) {
            self.overflow(field, row.campaign(), row.line());
        }
        self.partial.rows_read += 1;
        self.partial.rows_aggregated += 1;
        self.offset += len as u64;
        self.partial.newlines += newlines;
    }

    /// Hands an accepted row to this reader's sink: the campaign table, or
    /// the normalized table.
    #[inline(always)]
    fn sink_accept<R: AcceptedRow>(&mut self, row: &R) -> Result<(), crate::schema::field::Field> {
        let (today, decimal) = (self.layout.today, self.layout.format.decimal());
        sink_accept(&mut self.norm, &mut self.daily, &mut self.table, &mut self.partial, today, decimal, row)
    }

    fn rejected_limit(&self) -> usize {
        if self.keep_all_rejected {
            usize::MAX
        } else {
            crate::agg::partial::REJECTED_LIMIT
        }
    }

    /// Strict mode: a malformed data row ends the range.
    fn strict_stop(&mut self, kind: SkipKind) {
        if self.strict && !kind.is_not_data() {
            self.partial.strict_stopped = true;
            self.stopped = true;
        }
    }

    /// A total overflowed at `line` (relative to the range): the range stops.
    fn overflow(&mut self, field: crate::schema::field::Field, campaign: &[u8], line: u64) {
        if self.partial.halt.is_none() {
            self.partial.halt = Some(Error::Overflow {
                field,
                campaign: String::from_utf8_lossy(campaign).into_owned(),
                line: Some(line),
            });
        }
        self.stopped = true;
    }
}

/// [`Aggregator::sink_accept`] on the fields it needs (for a caller that
/// holds a row borrowed from another field).
#[inline(always)]
fn sink_accept<R: AcceptedRow>(
    norm: &mut Option<Box<Normalizer>>,
    daily: &mut Option<Box<DailyCells>>,
    table: &mut Table,
    partial: &mut Partial,
    today: Option<Day>,
    decimal: u8,
    row: &R,
) -> Result<(), crate::schema::field::Field> {
    match (norm, daily) {
        (None, None) => Accumulate::new(table, partial, today, decimal).accept(row),
        #[cfg(daily_series)]
        (None, Some(daily)) => RowSink::accept(&mut DailySink::new(Accumulate::new(table, partial, today, decimal), daily), row),
        #[cfg(not(daily_series))]
        (None, Some(_)) => unreachable!("no daily sink in this build"),
        (Some(norm), _) => RowSink::accept(&mut NormalizeSink::new(norm, table, partial, today, decimal), row),
    }
}
