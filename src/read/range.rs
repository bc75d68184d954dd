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

use crate::error::{Error, SkipKind, Skipped};
use crate::read::fast::{self, FastParser, Halt, Line};
use crate::agg::partial::Partial;
use crate::read::plan::Plan;
use crate::row::record::{describe, parse_row, Layout, RAW_LIMIT, RECORD_LIMIT};
use crate::group::table::Table;
use crate::text::date::Day;
use crate::agg::accept::Accumulate;
use crate::row::accepted::{Row, RowDate};

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

/// csv-core state for a record that is not on the fast path.
struct Slow {
    /// Bytes go to csv-core until a line ends outside any record.
    active: bool,
    /// csv-core has consumed part of a record.
    pending: bool,
    /// Line (relative to the range) where the pending record starts.
    start_line: u64,
    buf: Vec<u8>,
    len: usize,
    ends: Vec<usize>,
    nends: usize,
    too_long: bool,
    /// The record's raw bytes, when it spans calls: its first
    /// [`RECORD_LIMIT`], for `rejected_rows.csv` (cut to [`RAW_LIMIT`])
    /// and to read on after its first line if it turns out unterminated.
    raw: Vec<u8>,
    /// Raw bytes of the pending record consumed so far (all of them).
    raw_total: usize,
    /// The pending record spans more than one line.
    multi_line: bool,
    /// The last date field read here and its day: rows of a day usually
    /// come together.
    last_date: (Vec<u8>, Option<Day>),
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
}

impl Slow {
    /// Forgets the record just handled (its output, raw bytes, flags).
    fn end_record(&mut self) {
        self.len = 0;
        self.nends = 0;
        self.pending = false;
        self.too_long = false;
        self.raw.clear();
        self.raw_total = 0;
        self.multi_line = false;
    }
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
                last_date: (Vec::new(), None),
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
        }
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
        pos
    }

    /// Ends the input: processes a last line without `\n` and returns the
    /// range's result.
    pub fn finish(self) -> Result<Partial, Error> {
        self.end(true).map(|(partial, _)| partial)
    }

    /// [`Aggregator::finish`] for a result that is to be serialized (handed
    /// to another Web Worker): the campaigns stay in the fast path's table
    /// and are written from there by [`Finished::to_bytes`], with no map
    /// of boxed ids built and freed in between (a third of a range's time
    /// with a million campaigns).
    pub fn finish_for_transfer(self) -> Result<Finished, Error> {
        self.end(false).map(|(partial, table)| Finished { partial, table })
    }

    /// Ends the input. The table's campaigns move into the partial when
    /// `drain` is set; otherwise they stay in the table that is returned.
    fn end(mut self, drain: bool) -> Result<(Partial, Table), Error> {
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
        if drain {
            if let Err((field, id)) = table.drain_into(&mut self.partial.campaigns) {
                // Only when stopped early: the result is an error anyway.
                self.partial.halt.get_or_insert(Error::merge_overflow(field, &id));
            }
            table = Table::new();
        }
        if self.seeking {
            self.partial = Partial::new(self.offset);
            table = Table::new();
        }
        self.partial.end = self.offset;
        Ok((self.partial, table))
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
            let (line0, decimal) = (self.partial.newlines, self.decimal());
            let mut sink = Accumulate::new(&mut self.table, &mut self.partial, self.layout.today, decimal);
            let run = self.fast.run(input, pos, limit, &mut sink, line0);
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
        let decimal = self.decimal();
        if let Err(field) = Accumulate::new(&mut self.table, &mut self.partial, self.layout.today, decimal).accept(&row) {
            self.overflow(field, row.campaign, row.line);
        }
        self.partial.rows_read += 1;
        self.partial.rows_aggregated += 1;
        self.offset += len as u64;
        self.partial.newlines += newlines;
    }

    /// A line the fast path does not take: blank, or for csv-core.
    fn slow_line(&mut self, line: &[u8]) {
        let body = match line {
            [b @ .., b'\r', b'\n'] | [b @ .., b'\n'] => b,
            b => b,
        };
        if body.is_empty() {
            self.offset += line.len() as u64;
            self.partial.newlines += (line.last() == Some(&b'\n')) as u64;
            return;
        }
        self.slow.active = true;
        self.slow_feed(line);
        if line.ends_with(b"\n") && !self.slow.pending {
            self.slow.active = false;
        }
    }

    /// Feeds bytes to csv-core; an empty `input` means end of input.
    fn slow_feed(&mut self, mut input: &[u8]) {
        let eof = input.is_empty();
        if eof && self.slow.pending && self.slow.multi_line {
            // A record that spans lines, open at the end of the input: a
            // line break ends it unless csv-core is inside a quoted field.
            // (Reader::clone does not keep csv-core's state, so the probe is
            // the reader itself.)
            let s = &mut self.slow;
            if s.buf.len() - s.len < 2 {
                s.buf.resize(s.buf.len() + 2, 0);
            }
            if s.ends.len() - s.nends < 2 {
                s.ends.resize(s.ends.len() + 2, 0);
            }
            let (res, _, nout, nend) = self.csv.read_record(b"\n", &mut s.buf[s.len..], &mut s.ends[s.nends..]);
            if matches!(res, ReadRecordResult::Record) {
                s.len += nout;
                s.nends += nend;
                self.slow_record(&[]);
            } else {
                // Inside a quoted field that began on an earlier line: a
                // stray quote, not a record.
                self.unterminated(&[]);
            }
            return;
        }
        loop {
            let s = &mut self.slow;
            let (res, nin, nout, nend) =
                self.csv
                    .read_record(input, &mut s.buf[s.len..], &mut s.ends[s.nends..]);
            let consumed = &input[..nin];
            let mut record_bytes = consumed;
            if !s.pending {
                if let Some(k) = consumed.iter().position(|&b| b != b'\r' && b != b'\n') {
                    s.pending = true;
                    s.start_line = self.partial.newlines + 1 + count_newlines(&consumed[..k]);
                    record_bytes = &consumed[k..];
                } else if nout > 0 || nend > 0 {
                    s.pending = true;
                    s.start_line = self.partial.newlines + 1;
                }
            }
            // The raw bytes are copied only for a record that spans calls;
            // one read whole is taken from the input as it is.
            let whole = matches!(res, ReadRecordResult::Record) && s.raw.is_empty();
            if s.pending && !whole {
                // Kept whole until past the limit (so that all of it can be
                // read again if it turns out unterminated), then no more.
                if s.raw.len() <= RECORD_LIMIT {
                    s.multi_line |= memchr(b'\n', record_bytes).is_some();
                    s.raw.extend_from_slice(record_bytes);
                }
                s.raw_total += record_bytes.len();
            }
            s.len += nout;
            s.nends += nend;
            self.partial.newlines += count_newlines(consumed);
            self.offset += nin as u64;
            input = &input[nin..];
            let s = &self.slow;
            if s.pending && s.multi_line && s.raw_total > RECORD_LIMIT && !matches!(res, ReadRecordResult::Record) {
                // A quoted field has run across lines past the record limit.
                self.unterminated(input);
                return;
            }
            match res {
                ReadRecordResult::Record => {
                    let raw = match whole && self.slow.pending {
                        true => record_bytes,
                        false => &[][..],
                    };
                    self.slow_record(raw);
                    // Strict mode or an error stopped the range at this
                    // record: not one byte more (a line can hold several
                    // records, after a bare `\r`).
                    if (input.is_empty() && !eof) || self.stopped {
                        return;
                    }
                }
                ReadRecordResult::OutputFull => {
                    let s = &mut self.slow;
                    if s.buf.len() < RECORD_LIMIT {
                        s.buf.resize(s.buf.len() * 2, 0);
                    } else {
                        s.too_long = true;
                        s.len = 0;
                    }
                }
                ReadRecordResult::OutputEndsFull => {
                    let s = &mut self.slow;
                    if s.ends.len() < FIELD_LIMIT {
                        s.ends.resize(s.ends.len() * 2, 0);
                    } else {
                        s.too_long = true;
                        s.nends = 0;
                    }
                }
                ReadRecordResult::InputEmpty => {
                    if input.is_empty() {
                        return;
                    }
                }
                ReadRecordResult::End => return,
            }
        }
    }

    /// csv-core completed a record: parse it and count it.
    /// `whole_raw`: the record's raw bytes when it was read in one call
    /// (else they are in `slow.raw`).
    fn slow_record(&mut self, whole_raw: &[u8]) {
        let limit = self.rejected_limit();
        let s = &mut self.slow;
        let line = s.start_line;
        let (buf, ends) = (&s.buf[..], &s.ends[..s.nends]);
        // A byte-order mark at the start of a line (exports joined) is dropped.
        let field = |i: usize| match i {
            0 => strip_bom(&buf[..ends[0]]),
            i => &buf[ends[i - 1]..ends[i]],
        };
        let raw = if s.raw.is_empty() { whole_raw } else { &s.raw[..] };
        let raw = &raw[..raw.len().min(RAW_LIMIT)];
        if s.too_long {
            let kind = SkipKind::TooLong {
                limit: RECORD_LIMIT,
            };
            self.partial.skip_row(kind, || Skipped {
                line,
                kind,
                message: kind.to_string(),
            });
            self.partial.reject_within(line, kind.to_string(), raw, limit);
            self.strict_stop(kind);
        } else {
            match parse_row(&self.layout, ends.len(), field) {
                Ok((campaign, _, _)) if self.utf8_ids && !campaign.is_ascii() && std::str::from_utf8(campaign).is_err() => {
                    self.partial.halt = Some(Error::not_utf8(campaign, Some(line)));
                    self.stopped = true;
                }
                Ok((campaign, values, rounded)) => {
                    let date = match self.layout.date.filter(|&c| c < ends.len()) {
                        None => RowDate::Absent,
                        Some(col) => {
                            let text = field(col);
                            let last = &mut s.last_date;
                            if last.0 != text {
                                *last = (text.to_vec(), crate::text::date::parse_date(text));
                            }
                            match last.1 {
                                Some(day) => RowDate::Day(day),
                                None => RowDate::NotADate(text),
                            }
                        }
                    };
                    let row = Row {
                        line,
                        campaign,
                        key: crate::group::key::pack(campaign).unwrap_or((0, 0)),
                        values,
                        date,
                        name: match self.layout.name.filter(|&c| c < ends.len()) {
                            Some(col) => crate::text::number::trim(field(col)),
                            None => &[],
                        },
                        rounded_spend: rounded.then(|| field(self.layout.metrics[2])),
                        checked: false,
                    };
                    self.partial.rows_read += 1;
                    self.partial.rows_aggregated += 1;
                    let decimal = if self.layout.format.decimal_comma { b',' } else { b'.' };
                    let mut sink = Accumulate::new(&mut self.table, &mut self.partial, self.layout.today, decimal);
                    if let Err(f) = sink.accept(&row) {
                        let campaign = campaign.to_vec();
                        self.overflow(f, &campaign, line);
                    }
                }
                Err(kind) if !kind.is_not_data() && let Some(same_order) = repeats_header(&self.header, self.layout.campaign, ends.len(), &field) => {
                    if same_order {
                        let kind = SkipKind::HeaderRepeat;
                        self.partial.skip_row(kind, || Skipped { line, kind, message: kind.to_string() });
                    } else {
                        let columns = (0..ends.len())
                            .map(|i| String::from_utf8_lossy(crate::text::number::trim(field(i))).into_owned())
                            .collect();
                        self.partial.halt = Some(Error::HeaderReordered { line, columns });
                        self.stopped = true;
                    }
                }
                Err(kind) => {
                    let message = describe(&self.layout, kind, field);
                    if !kind.is_not_data() {
                        self.partial.reject_within(line, message.clone(), raw, limit);
                    }
                    if self.strict
                        && !kind.is_not_data()
                        && self.partial.examples.len() >= crate::agg::partial::EXAMPLES
                    {
                        // Keep the row that stops the run as the last example.
                        self.partial.examples.pop();
                    }
                    self.partial.skip_row(kind, || Skipped {
                        line,
                        kind,
                        message,
                    });
                    self.strict_stop(kind);
                }
            }
        }
        self.slow.end_record();
    }

    /// The pending record has a quoted field that runs across lines past the
    /// record limit, or to the end of the input: a stray `"`. Its first line
    /// is skipped (reported with its line), and reading goes on from the
    /// line after it, then `rest` (the input not yet consumed): at most one
    /// line is lost, and never silently.
    #[cold]
    fn unterminated(&mut self, rest: &[u8]) {
        let kind = SkipKind::Unterminated { limit: RECORD_LIMIT };
        let limit = self.rejected_limit();
        let s = &mut self.slow;
        let line = s.start_line;
        let raw = std::mem::take(&mut s.raw);
        let first = memchr(b'\n', &raw).map_or(raw.len(), |i| i + 1);
        // The bytes consumed past the first line, and every line break in
        // them, are read again.
        let again = &raw[first..];
        self.offset -= (s.raw_total - first) as u64;
        self.partial.newlines -= count_newlines(again);
        self.partial.reject_within(line, kind.to_string(), &raw[..first.min(RAW_LIMIT)], limit);
        self.partial.skip_row(kind, || Skipped { line, kind, message: kind.to_string() });
        self.slow.end_record();
        self.slow.active = false;
        self.csv = csv_reader(self.delimiter);
        self.rewinds += 1;
        self.strict_stop(kind);
        if self.stopped {
            return;
        }
        let mut bytes = std::mem::take(&mut self.refeed);
        bytes.clear();
        bytes.extend_from_slice(again);
        bytes.extend_from_slice(rest);
        self.feed(&bytes);
        bytes.clear();
        self.refeed = bytes;
    }

    /// The file's decimal separator.
    fn decimal(&self) -> u8 {
        if self.layout.format.decimal_comma {
            b','
        } else {
            b'.'
        }
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

/// A record that repeats the `header` names (normalized): `Some(true)` in
/// the header's order, `Some(false)` in another order, `None` if it does
/// not. Only malformed rows are asked, and most are turned away by their
/// campaign cell (`campaign`: its column) alone.
fn repeats_header<'a>(header: &[Box<[u8]>], campaign: usize, count: usize, field: &impl Fn(usize) -> &'a [u8]) -> Option<bool> {
    if count != header.len() || count <= campaign {
        return None;
    }
    // Without allocating: most malformed rows stop here.
    let key = crate::text::number::trim(strip_bom(field(campaign)));
    if !header.iter().any(|h| h.eq_ignore_ascii_case(key)) {
        return None;
    }
    let cells: Vec<Vec<u8>> = (0..count).map(|i| normalize_cell(field(i))).collect();
    if cells.iter().zip(header).all(|(a, b)| a[..] == b[..]) {
        return Some(true);
    }
    let mut a: Vec<&[u8]> = cells.iter().map(|c| &c[..]).collect();
    let mut b: Vec<&[u8]> = header.iter().map(|h| &h[..]).collect();
    a.sort_unstable();
    b.sort_unstable();
    (a == b).then_some(false)
}

/// A UTF-8 byte-order mark at the start of `field` dropped.
fn strip_bom(field: &[u8]) -> &[u8] {
    field.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(field)
}

/// A header cell as compared for repeats: no byte-order mark, trimmed,
/// ASCII lower case.
fn normalize_cell(cell: &[u8]) -> Vec<u8> {
    crate::text::number::trim(strip_bom(cell)).to_ascii_lowercase()
}

/// A csv-core reader for data rows.
fn csv_reader(delimiter: u8) -> Reader {
    let mut csv = ReaderBuilder::new().delimiter(delimiter).build();
    // Let csv-core see its first bytes now, so that it never strips a
    // byte-order mark from a data line (the fast path would not).
    let _ = csv.read_record(b"\n", &mut [0u8; 1], &mut [0usize; 1]);
    csv
}

fn count_newlines(bytes: &[u8]) -> u64 {
    // csv-core hands over one record at a time: short slices are counted
    // faster by a plain loop than by memchr's setup.
    if bytes.len() <= 128 {
        bytes.iter().filter(|&&b| b == b'\n').count() as u64
    } else {
        memchr::memchr_iter(b'\n', bytes).count() as u64
    }
}

/// A range's result as [`Aggregator::finish_for_transfer`] leaves it: the
/// campaigns still in the table (`partial.campaigns` is empty; [`append`](Self::append)
/// moves any that a caller put there into the table, so that they are
/// never in both).
#[derive(Debug)]
pub struct Finished {
    /// Everything else.
    pub partial: Partial,
    pub(crate) table: Table,
}

impl Finished {
    /// The bytes [`Partial::to_bytes`] would give for the whole result;
    /// [`Partial::from_bytes`] reads them.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.partial.encode(Some(&self.table))
    }

    /// [`Partial::append`] for results that keep their tables: the tables
    /// are merged slot by slot (no map of boxed ids), and every campaign
    /// ends up in the table.
    pub fn append(&mut self, mut next: Finished) -> Result<(), Error> {
        if self.partial.stopped() {
            return Ok(()); // nothing after the first malformed row or error counts
        }
        let table = std::mem::take(&mut next.table);
        self.partial.append(next.partial)?;
        self.table.merge(table).map_err(|(field, id)| Error::merge_overflow(field, &id))?;
        for (id, totals) in std::mem::take(&mut self.partial.campaigns) {
            self.table.add(&id, &totals).map_err(|field| Error::merge_overflow(field, &id))?;
        }
        Ok(())
    }

    /// The result as a [`Partial`], its campaigns moved into the map.
    pub fn into_partial(mut self) -> Result<Partial, Error> {
        let table = std::mem::take(&mut self.table);
        table.drain_into(&mut self.partial.campaigns).map_err(|(field, id)| Error::merge_overflow(field, &id))?;
        Ok(self.partial)
    }
}
