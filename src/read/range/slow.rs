//! The csv-core side of a range: every line the fast path declines is
//! read here, record by record, and turned into a row or a skipped row.

use super::*;

/// csv-core state for a record that is not on the fast path.
pub(super) struct Slow {
    /// Bytes go to csv-core until a line ends outside any record.
    pub(super) active: bool,
    /// csv-core has consumed part of a record.
    pub(super) pending: bool,
    /// Line (relative to the range) where the pending record starts.
    pub(super) start_line: u64,
    pub(super) buf: Vec<u8>,
    pub(super) len: usize,
    pub(super) ends: Vec<usize>,
    pub(super) nends: usize,
    pub(super) too_long: bool,
    /// The record's raw bytes, when it spans calls: its first
    /// [`RECORD_LIMIT`], for `rejected_rows.csv` (cut to [`RAW_LIMIT`])
    /// and to read on after its first line if it turns out unterminated.
    pub(super) raw: Vec<u8>,
    /// Raw bytes of the pending record consumed so far (all of them).
    pub(super) raw_total: usize,
    /// The pending record spans more than one line.
    pub(super) multi_line: bool,
    /// The last date field read here, its day and its evidence
    /// ([`crate::text::date::parse_date_in`]): rows of a day usually come
    /// together.
    pub(super) last_date: (Vec<u8>, (Option<Day>, u8)),
}

impl Slow {
    /// Forgets the record just handled (its output, raw bytes, flags).
    pub(super) fn end_record(&mut self) {
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
    /// A line the fast path does not take: blank, or for csv-core.
    pub(super) fn slow_line(&mut self, line: &[u8]) {
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
    pub(super) fn slow_feed(&mut self, mut input: &[u8]) {
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
    pub(super) fn slow_record(&mut self, whole_raw: &[u8]) {
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
                                *last = (text.to_vec(), crate::text::date::parse_date_in(text, self.layout.date_order));
                            }
                            let (day, evidence) = last.1;
                            if evidence & self.layout.date_report != 0 {
                                self.partial.dates.note(evidence, line, text);
                            }
                            match day {
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
                        rounded_spend: rounded.then(|| field(self.layout.sums[Sum::Spend.index()].expect("spend is required"))),
                        checked: false,
                    };
                    self.partial.rows_read += 1;
                    self.partial.rows_aggregated += 1;
                    let (today, decimal) = (self.layout.today, self.layout.format.decimal());
                    if let Err(f) = sink_accept(&mut self.norm, &mut self.daily, &mut self.table, &mut self.partial, today, decimal, &row) {
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
    pub(super) fn unterminated(&mut self, rest: &[u8]) {
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

}


/// A record that repeats the `header` names (normalized): `Some(true)` in
/// the header's order, `Some(false)` in another order, `None` if it does
/// not. Only malformed rows are asked, and most are turned away by their
/// campaign cell (`campaign`: its column) alone.
pub(super) fn repeats_header<'a>(header: &[Box<[u8]>], campaign: usize, count: usize, field: &impl Fn(usize) -> &'a [u8]) -> Option<bool> {
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
pub(super) fn strip_bom(field: &[u8]) -> &[u8] {
    field.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(field)
}

/// A header cell as compared for repeats: no byte-order mark, trimmed,
/// ASCII lower case.
pub(super) fn normalize_cell(cell: &[u8]) -> Vec<u8> {
    crate::text::number::trim(strip_bom(cell)).to_ascii_lowercase()
}

/// A csv-core reader for data rows.
pub(super) fn csv_reader(delimiter: u8) -> Reader {
    let mut csv = ReaderBuilder::new().delimiter(delimiter).build();
    // Let csv-core see its first bytes now, so that it never strips a
    // byte-order mark from a data line (the fast path would not).
    let _ = csv.read_record(b"\n", &mut [0u8; 1], &mut [0usize; 1]);
    csv
}

pub(super) fn count_newlines(bytes: &[u8]) -> u64 {
    // csv-core hands over one record at a time: short slices are counted
    // faster by a plain loop than by memchr's setup.
    if bytes.len() <= 128 {
        bytes.iter().filter(|&&b| b == b'\n').count() as u64
    } else {
        memchr::memchr_iter(b'\n', bytes).count() as u64
    }
}
