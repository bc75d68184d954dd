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
use crate::fast::{self, FastParser, Halt, Line};
use crate::partial::Partial;
use crate::plan::Plan;
use crate::record::{describe, parse_row, Layout};
use crate::table::Table;
use crate::date::Day;
use crate::totals::Totals;

/// Records longer than this many bytes (after unquoting) are skipped.
pub const RECORD_LIMIT: usize = 1 << 20;
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
    /// The record's raw bytes (its first [`RAW_LIMIT`]), for `rejected_rows.csv`.
    raw: Vec<u8>,
    /// The last date field read here and its day: rows of a day usually
    /// come together.
    last_date: (Vec<u8>, Option<Day>),
}

/// Raw bytes kept of a rejected record.
pub const RAW_LIMIT: usize = 1024;

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
    /// File line number of the range's first line, when known.
    first_line: Option<u64>,
    fatal: Option<Error>,
    /// Stop at the first malformed data row.
    strict: bool,
    /// The shell takes rejected rows as they come ([`Aggregator::take_rejected`]):
    /// keep them all, not only the first [`crate::REJECTED_LIMIT`].
    keep_all_rejected: bool,
    partial: Partial,
    /// Campaigns of every aggregated row (fast path and csv-core alike);
    /// moved into `partial.campaigns` by [`finish`](Self::finish).
    table: Table,
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
        let mut csv = ReaderBuilder::new().delimiter(plan.delimiter).build();
        // Let csv-core see its first bytes now, so that it never strips a
        // byte-order mark from a data line (the fast path would not).
        let _ = csv.read_record(b"\n", &mut [0u8; 1], &mut [0usize; 1]);
        let (offset, seeking) = match start {
            Start::Exact(at) => (at, false),
            Start::AfterNewline(at) => (at, true),
        };
        let first_line = match start {
            Start::Exact(at) if at == plan.data_start => Some(plan.data_start_line),
            _ => None,
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
                last_date: (Vec::new(), None),
            },
            offset,
            seeking,
            stopped: !seeking && offset > stop_after,
            stop_after,
            carry: Vec::new(),
            first_line,
            fatal: None,
            strict: plan.strict,
            keep_all_rejected: false,
            partial: Partial::new(offset),
            table: Table::new(),
        }
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
    pub fn take_rejected(&mut self) -> Vec<crate::partial::Rejected> {
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
                        self.carry = line;
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
        if !self.stopped && !self.seeking {
            if !self.carry.is_empty() {
                let line = std::mem::take(&mut self.carry);
                self.line(&line);
            }
            if self.slow.active {
                self.slow_feed(b"");
            }
        }
        let mut table = std::mem::take(&mut self.table);
        if drain {
            if let Err((field, id)) = table.drain_into(&mut self.partial.campaigns) {
                // Only when stopped early: the result is an error anyway.
                self.fatal.get_or_insert(Error::merge_overflow(field, &id));
            }
            table = Table::new();
        }
        if let Some(err) = self.fatal {
            return Err(err);
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
            let held = std::mem::take(&mut self.carry);
            self.slow.active = true;
            self.slow_feed(&held);
            self.slow_feed(bytes);
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
            let mut side = fast::Side { quality: &mut self.partial.quality, names: &mut self.partial.names };
            let run = self.fast.run(input, pos, limit, &mut self.table, &mut side, self.partial.newlines);
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
        if let Err(field) = fast::add(&mut self.table, text, 0, parsed) {
            let id = &text[parsed.campaign..parsed.campaign + parsed.campaign_len];
            self.overflow(field, id, self.partial.newlines + 1);
        }
        let mut side = fast::Side { quality: &mut self.partial.quality, names: &mut self.partial.names };
        fast::see(&mut side, text, 0, parsed, self.partial.newlines + 1, None);
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
            if s.pending && !whole && s.raw.len() < RAW_LIMIT {
                let room = RAW_LIMIT - s.raw.len();
                s.raw
                    .extend_from_slice(&record_bytes[..record_bytes.len().min(room)]);
            }
            s.len += nout;
            s.nends += nend;
            self.partial.newlines += count_newlines(consumed);
            self.offset += nin as u64;
            input = &input[nin..];
            match res {
                ReadRecordResult::Record => {
                    let raw = match whole && self.slow.pending {
                        true => &record_bytes[..record_bytes.len().min(RAW_LIMIT)],
                        false => &[][..],
                    };
                    self.slow_record(raw);
                    if input.is_empty() && !eof {
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
        let field = |i: usize| &buf[if i == 0 { 0 } else { ends[i - 1] }..ends[i]];
        let raw = if s.raw.is_empty() { whole_raw } else { &s.raw[..] };
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
            self.strict_stop(kind, line);
        } else {
            match parse_row(&self.layout, ends.len(), field) {
                Ok((campaign, values, rounded)) => {
                    if let Some(col) = self.layout.name.filter(|&c| c < ends.len()) {
                        self.partial
                            .set_name(campaign, crate::number::trim(field(col)));
                    }
                    self.partial.rows_read += 1;
                    self.partial.rows_aggregated += 1;
                    if let Err(f) = self.table.add(campaign, &Totals::from(values)) {
                        let campaign = campaign.to_vec();
                        self.overflow(f, &campaign, line);
                    } else {
                        let q = &mut self.partial.quality;
                        q.check_values(line, campaign, &values);
                        if rounded {
                            let decimal = if self.layout.format.decimal_comma { b',' } else { b'.' };
                            q.spend_rounded(line, campaign, field(self.layout.metrics[2]), values.spend_micros, decimal);
                        }
                        if let Some(col) = self.layout.date.filter(|&c| c < ends.len()) {
                            let text = field(col);
                            let last = &mut s.last_date;
                            if last.0 != text {
                                *last = (text.to_vec(), crate::date::parse_date(text));
                            }
                            if let Some(day) = q.check_day(line, campaign, text, last.1, self.layout.today) {
                                q.see(crate::table::pack(campaign), campaign, day, line);
                            }
                        }
                    }
                }
                Err(kind) => {
                    let message = describe(&self.layout, kind, field);
                    if kind != SkipKind::Footer {
                        self.partial.reject_within(line, message.clone(), raw, limit);
                    }
                    if self.strict
                        && kind != SkipKind::Footer
                        && self.partial.examples.len() >= crate::partial::EXAMPLES
                    {
                        // Keep the row that stops the run as the last example.
                        self.partial.examples.pop();
                    }
                    self.partial.skip_row(kind, || Skipped {
                        line,
                        kind,
                        message,
                    });
                    self.strict_stop(kind, line);
                }
            }
        }
        let s = &mut self.slow;
        s.len = 0;
        s.nends = 0;
        s.pending = false;
        s.too_long = false;
        s.raw.clear();
    }

    fn rejected_limit(&self) -> usize {
        if self.keep_all_rejected {
            usize::MAX
        } else {
            crate::partial::REJECTED_LIMIT
        }
    }

    /// Strict mode: a malformed data row ends the range.
    fn strict_stop(&mut self, kind: SkipKind, _line: u64) {
        if self.strict && kind != SkipKind::Footer {
            self.partial.strict_stopped = true;
            self.stopped = true;
        }
    }

    fn overflow(&mut self, field: crate::field::Field, campaign: &[u8], line: u64) {
        if self.fatal.is_none() {
            self.fatal = Some(Error::Overflow {
                field,
                campaign: String::from_utf8_lossy(campaign).into_owned(),
                line: self.first_line.map(|first| first + line - 1),
            });
        }
        self.stopped = true;
    }
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
        if self.partial.strict_stopped {
            return Ok(()); // nothing after the first malformed row counts
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
