//! Rows of a click log from a byte range fed in chunks of any size:
//! lines framed (a CSV record may span lines inside quotes), each parsed
//! into the fields of [`ClickField`] (CSV by column; NDJSON by key, with
//! serde_json) and handed to a [`RowSink`], or refused with its line and
//! the reason.

use std::borrow::Cow;

use crate::clicks::columns::{ClickColumns, ClickField};
use crate::clicks::json::{json_text, JsonRow};
use crate::clicks::plan::{ClickFormat, ClickPlan};
use crate::text::encoding::Encoding;
use crate::text::transcode::{decode_windows_1252, Transcoder};

/// A record longer than this is refused (an unclosed quote, most likely).
pub const CLICK_RECORD_LIMIT: usize = 1 << 20;

/// One data row: its line (1-based, where it starts) and its fields, empty
/// when absent.
pub struct Row<'a> {
    /// Physical line of the row's start.
    pub line: u64,
    /// Per [`crate::clicks::columns::FIELDS`] entry.
    pub fields: [&'a [u8]; 8],
    /// The row as written (UTF-8; for rejection reports).
    pub raw: &'a [u8],
    /// The fields the row has (bits `1 << index`): a CSV's columns; the
    /// keys of an NDJSON object (a key's absence is not an empty value).
    pub present: u8,
}

impl<'a> Row<'a> {
    /// A field's bytes (empty when the log has no such column or key).
    pub fn get(&self, f: ClickField) -> &'a [u8] {
        self.fields[f.index()]
    }
}

/// Where rows go.
pub trait RowSink {
    /// A row whose fields could be read (it may still be refused later:
    /// no ad id, no timestamp).
    fn row(&mut self, row: &Row);
    /// A line that is not a row: `reason` says why.
    fn malformed(&mut self, line: u64, reason: &str, raw: &[u8]);
}

/// Reads one byte range of a click log (starting at a line start).
pub struct RowReader {
    format: ClickFormat,
    encoding: Encoding,
    transcoder: Option<Transcoder>,
    /// Lines still to skip (a CSV's header at the start of the file).
    skip: u64,
    /// Line number of the next line.
    line: u64,
    /// The start of the first line: a UTF-8 byte-order mark is dropped.
    at_file_start: bool,
    /// A line cut by a chunk's end.
    carry: Vec<u8>,
    /// A CSV record spanning lines (inside quotes) and its first line.
    pending: Vec<u8>,
    pending_line: u64,
    csv: csv_core::Reader,
    out: Vec<u8>,
    ends: Vec<usize>,
    scratch: [String; 8],
}

impl RowReader {
    /// A reader for the range starting at `first_line` (1-based); `from_file_start`
    /// for the range that starts at byte 0 (its header lines are skipped).
    pub fn new(plan: &ClickPlan, first_line: u64, from_file_start: bool) -> RowReader {
        let delimiter = match plan.format {
            ClickFormat::Csv { delimiter, .. } => delimiter,
            ClickFormat::Ndjson { .. } => b',',
        };
        RowReader {
            format: plan.format.clone(),
            encoding: plan.encoding,
            transcoder: plan.encoding.needs_transcoding().then(|| Transcoder::new(plan.encoding)),
            skip: if from_file_start && plan.data_start == 0 { plan.header_lines } else { 0 },
            line: first_line,
            at_file_start: from_file_start,
            carry: Vec::new(),
            pending: Vec::new(),
            pending_line: 0,
            csv: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            out: Vec::new(),
            ends: vec![0; 64],
            scratch: Default::default(),
        }
    }

    /// Whether a CSV record is open (inside quotes) at this point.
    pub fn in_record(&self) -> bool {
        !self.pending.is_empty()
    }

    /// The line number the next line will have.
    pub fn next_line(&self) -> u64 {
        self.line
    }

    /// Reads the complete lines of `chunk` (with what earlier chunks left).
    pub fn feed(&mut self, chunk: &[u8], sink: &mut impl RowSink) {
        let decoded: Cow<[u8]> = match (&mut self.transcoder, self.encoding) {
            (Some(t), _) => Cow::Owned(t.decode(chunk, false).to_vec()),
            (None, Encoding::Windows1252) => Cow::Owned(decode_windows_1252(chunk)),
            _ => Cow::Borrowed(chunk),
        };
        let mut text: &[u8] = &decoded;
        if self.at_file_start && !text.is_empty() {
            self.at_file_start = false;
            text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text);
        }
        let mut rest = text;
        if !self.carry.is_empty() {
            match memchr::memchr(b'\n', rest) {
                None => {
                    self.carry.extend_from_slice(rest);
                    return;
                }
                Some(i) => {
                    let mut line = std::mem::take(&mut self.carry);
                    line.extend_from_slice(&rest[..i]);
                    self.line_done(&line, sink);
                    line.clear();
                    self.carry = line;
                    rest = &rest[i + 1..];
                }
            }
        }
        while let Some(i) = memchr::memchr(b'\n', rest) {
            self.line_done(&rest[..i], sink);
            rest = &rest[i + 1..];
        }
        self.carry.extend_from_slice(rest);
    }

    /// Reads what is left: a last line without a line break, an unclosed
    /// quoted record.
    pub fn finish(mut self, sink: &mut impl RowSink) {
        if let Some(t) = &mut self.transcoder {
            let tail = t.decode(&[], true).to_vec();
            self.transcoder = None;
            let enc = self.encoding;
            self.encoding = Encoding::Utf8;
            self.feed(&tail, sink);
            self.encoding = enc;
        }
        if !self.carry.is_empty() {
            let line = std::mem::take(&mut self.carry);
            self.line_done(&line, sink);
        }
        if !self.pending.is_empty() {
            let record = std::mem::take(&mut self.pending);
            self.csv_record(&record, self.pending_line, sink);
        }
    }

    fn line_done(&mut self, line: &[u8], sink: &mut impl RowSink) {
        let number = self.line;
        self.line += 1;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if self.skip > 0 {
            self.skip -= 1;
            return;
        }
        match self.format {
            ClickFormat::Ndjson { .. } => {
                if !line.iter().all(u8::is_ascii_whitespace) {
                    self.json_line(line, number, sink);
                }
            }
            ClickFormat::Csv { .. } => {
                let quotes_open = |b: &[u8]| memchr::memchr_iter(b'"', b).count() % 2 == 1;
                if !self.pending.is_empty() {
                    self.pending.push(b'\n');
                    self.pending.extend_from_slice(line);
                    if quotes_open(&self.pending) && self.pending.len() <= CLICK_RECORD_LIMIT {
                        return;
                    }
                    let record = std::mem::take(&mut self.pending);
                    if record.len() > CLICK_RECORD_LIMIT {
                        sink.malformed(self.pending_line, "record longer than 1 MiB (an unclosed quote?)", &record[..1024]);
                    } else {
                        self.csv_record(&record, self.pending_line, sink);
                    }
                    return;
                }
                if line.is_empty() {
                    return;
                }
                if quotes_open(line) {
                    self.pending.extend_from_slice(line);
                    self.pending_line = number;
                    return;
                }
                self.csv_record(line, number, sink);
            }
        }
    }

    fn csv_record(&mut self, record: &[u8], line: u64, sink: &mut impl RowSink) {
        let ClickFormat::Csv { columns, .. } = &self.format else { unreachable!() };
        self.out.resize(record.len() + 1, 0);
        let mut nfields = 0;
        let mut input = record;
        let mut nout = 0;
        loop {
            let (res, nin, o, e) = self.csv.read_record(input, &mut self.out[nout..], &mut self.ends[nfields..]);
            // csv-core numbers the ends from the record's start across calls.
            input = &input[nin..];
            nout += o;
            nfields += e;
            match res {
                csv_core::ReadRecordResult::InputEmpty => input = &[],
                csv_core::ReadRecordResult::OutputEndsFull => self.ends.resize(self.ends.len() * 2, 0),
                csv_core::ReadRecordResult::OutputFull => self.out.resize(self.out.len() * 2, 0),
                csv_core::ReadRecordResult::Record | csv_core::ReadRecordResult::End => break,
            }
        }
        let columns: &ClickColumns = columns;
        if nfields != columns.width {
            let reason = format!("{nfields} fields where the header has {}", columns.width);
            sink.malformed(line, &reason, record);
            return;
        }
        let mut fields: [&[u8]; 8] = [&[]; 8];
        let mut present = 0u8;
        for (i, (slot, col)) in fields.iter_mut().zip(columns.column).enumerate() {
            if let Some(c) = col {
                present |= 1 << i;
                let start = if c == 0 { 0 } else { self.ends[c - 1] };
                *slot = &self.out[start..self.ends[c]];
            }
        }
        sink.row(&Row { line, fields, raw: record, present });
    }

    fn json_line(&mut self, line: &[u8], number: u64, sink: &mut impl RowSink) {
        let first = line.iter().find(|b| !b.is_ascii_whitespace());
        if first != Some(&b'{') {
            sink.malformed(number, "not a JSON object", line);
            return;
        }
        // The whole line checked as UTF-8 once (fast over ASCII), so that
        // serde_json does not check each string again.
        let text = match std::str::from_utf8(line) {
            Ok(t) => t,
            Err(e) => {
                sink.malformed(number, &format!("invalid JSON: not UTF-8 at byte {}", e.valid_up_to() + 1), line);
                return;
            }
        };
        let parsed: Result<JsonRow, _> = serde_json::from_str(text);
        let values = match parsed {
            Ok(v) => v.0,
            Err(e) => {
                sink.malformed(number, &format!("invalid JSON: {e}"), line);
                return;
            }
        };
        let mut escaped = [false; 8];
        for (i, v) in values.iter().enumerate() {
            if let Some(v) = v {
                let s = v.get();
                if s.starts_with('"') && s.contains('\\') {
                    match serde_json::from_str::<String>(s) {
                        Ok(t) => {
                            self.scratch[i] = t;
                            escaped[i] = true;
                        }
                        Err(e) => {
                            sink.malformed(number, &format!("invalid JSON: {e}"), line);
                            return;
                        }
                    }
                }
            }
        }
        let mut fields: [&[u8]; 8] = [&[]; 8];
        let mut present = 0u8;
        for (i, v) in values.iter().enumerate() {
            if v.is_some() {
                present |= 1 << i;
            }
            fields[i] = match v {
                _ if escaped[i] => self.scratch[i].as_bytes(),
                Some(v) => json_text(v.get()),
                None => &[],
            };
        }
        sink.row(&Row { line: number, fields, raw: line, present });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clicks::plan::sniff_clicks;

    #[derive(Default)]
    struct Collect(Vec<String>);
    impl RowSink for Collect {
        fn row(&mut self, row: &Row) {
            let f: Vec<String> = row.fields.iter().map(|b| String::from_utf8_lossy(b).into_owned()).collect();
            self.0.push(format!("{}:{}", row.line, f.join("|")));
        }
        fn malformed(&mut self, line: u64, reason: &str, _raw: &[u8]) {
            self.0.push(format!("{line}!{reason}"));
        }
    }

    fn read(text: &[u8], chunk: usize) -> Vec<String> {
        let plan = sniff_clicks(text, true).unwrap();
        let mut r = RowReader::new(&plan, crate::clicks::job::plan_first_line(&plan), true);
        let mut sink = Collect::default();
        for c in text[plan.data_start as usize..].chunks(chunk) {
            r.feed(c, &mut sink);
        }
        r.finish(&mut sink);
        sink.0
    }

    #[test]
    fn csv_rows_in_any_chunks() {
        let text = b"ad_id,timestamp,user_id,cost\r\na1,1736952000,u1,0.5\r\n\"a,2\",17,\"u\"\"x\",\n\"multi\nline\",5,u,1\nbad,1\na9,9,u9,2";
        let want = vec![
            "2:a1|1736952000||u1||||0.5",
            "3:a,2|17||u\"x||||",
            "4:multi\nline|5||u||||1",
            "6!2 fields where the header has 4",
            "7:a9|9||u9||||2",
        ];
        for chunk in [1, 2, 3, 7, 1000] {
            assert_eq!(read(text, chunk), want, "chunk {chunk}");
        }
    }

    #[test]
    fn ndjson_rows_in_any_chunks() {
        let text = "{\"ad_id\":\"a1\",\"timestamp\":1736952000,\"user_id\":\"u\\u00e9\",\"extra\":{\"x\":[1,2]}}\n\n[1]\n{\"ad_id\":7,\"ts\":\"2025-01-15T14:40:00Z\",\"ip\":null}\n{\"ad_id\":\"a\"\n{\"AD ID\":\"b\",\"event_time\":1}";
        let want = vec![
            "1:a1|1736952000||ué||||",
            "3!not a JSON object",
            "4:7|2025-01-15T14:40:00Z||||||",
            "5!invalid JSON: EOF while parsing an object at line 1 column 12",
            "6:b|1||||||",
        ];
        for chunk in [1, 2, 5, 1000] {
            assert_eq!(read(text.as_bytes(), chunk), want, "chunk {chunk}");
        }
    }

    #[test]
    fn utf16_and_windows_1252() {
        let mut utf16 = vec![0xFF, 0xFE];
        for u in "ad_id\tts\nx\u{e9}\t5\n".encode_utf16() {
            utf16.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(read(&utf16, 3), vec!["2:xé|5||||||"]);
        assert_eq!(read(b"ad_id,ts\nx\xe9,5\n", 1), vec!["2:xé|5||||||"]);
    }
}
