//! Reading the top of a file: its encoding, its delimiter, where the header
//! row is (report-title rows above it are skipped), and which column holds
//! which field. The result, a [`Plan`], is all a range aggregator needs to
//! start anywhere in the file.

use crate::text::encoding::Encoding;
use csv_core::{ReadRecordResult, ReaderBuilder};

use crate::error::Error;
use crate::schema::aliases::{lookup, normalize, Column};
use crate::schema::locale::Lang;
use crate::schema::field::Field;
use crate::schema::platform::Platform;
use crate::text::date::{parse_date_in, DateOrder, AMBIGUOUS, DAY_FIRST, DOTTED, MONTH_FIRST};
use crate::text::number::NumberFormat;

/// The header must lie within this many bytes of the start of the file.
pub const HEADER_LIMIT: usize = 1 << 20;
/// The header must be among this many first records.
pub const HEADER_SEARCH: usize = 64;
/// Delimiters tried, in order of preference.
pub const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// Choices the user can force instead of detection.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// Field delimiter.
    pub delimiter: Option<u8>,
    /// Text encoding.
    pub encoding: Option<Encoding>,
    /// Columns for fields, by header name (case-insensitive), overriding
    /// the aliases.
    pub map: Vec<(Field, String)>,
    /// Stop at the first malformed data row instead of skipping it.
    pub strict: bool,
    /// Today, as a day number ([`crate::text::date`]): later dates get a
    /// warning. The core has no clock; the shell passes it.
    pub today: Option<crate::text::date::Day>,
    /// Keep the daily series (issue 16), as this says.
    pub daily: Option<DailyPlan>,
    /// Day first or month first for `1/2/2025` (default: decided from the
    /// first MiB, [`DateChoice`]).
    pub date_order: DateOrder,
    /// The file was read before and a date at this line (with this text)
    /// proved `date_order`: read again in that order ([`DateHow::Reread`]).
    pub date_reread: Option<(u64, String)>,
}

/// How the order of `1/2/2025`-style dates was chosen for a file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(target_arch = "wasm32", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(target_arch = "wasm32", serde(rename_all = "camelCase"))]
pub enum DateHow {
    /// Nothing to choose: no date column, or no `a/b/yyyy` date among the
    /// first 64 data rows (ISO dates, named months).
    #[default]
    NotNeeded,
    /// Given by the user (`--date-order`, the page's setting).
    Given,
    /// Proven by the data rows of the first MiB: more dates there can only
    /// be read this way than the other; the first of them.
    Sample {
        /// Its line.
        line: u64,
        /// Its text.
        text: String,
    },
    /// Proven by a date further on, found while reading in the other
    /// order: the shell read the file again in this one.
    Reread {
        /// Its line.
        line: u64,
        /// Its text.
        text: String,
    },
    /// Every `a/b/yyyy` date of the first MiB fits both orders: this one is
    /// assumed (month first; day first when they are written with `.` or
    /// `-`), and a shell should say so and offer the other.
    Assumed,
}

/// The order `1/2/2025`-style dates are read in ([`DateOrder::MonthFirst`]
/// or [`DateOrder::DayFirst`]) and how it was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(target_arch = "wasm32", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(target_arch = "wasm32", serde(rename_all = "camelCase"))]
pub struct DateChoice {
    /// The order read in.
    pub order: DateOrder,
    /// How it was chosen.
    pub how: DateHow,
}

impl Default for DateChoice {
    /// Month first, nothing to choose.
    fn default() -> DateChoice {
        DateChoice { order: DateOrder::MonthFirst, how: DateHow::NotNeeded }
    }
}

impl DateChoice {
    /// The evidence bits ([`crate::text::date`]) a reader counts, with
    /// their lines, in [`crate::agg::partial::Partial::dates`]: those that
    /// contradict a proven or given order; both kinds when nothing was
    /// proven (any of them is news).
    pub fn report(&self) -> u8 {
        match self.how {
            DateHow::NotNeeded | DateHow::Assumed => DAY_FIRST | MONTH_FIRST,
            _ => self.order.against(),
        }
    }

    /// The order to read in: never [`DateOrder::Auto`].
    pub fn order(&self) -> DateOrder {
        match self.order {
            DateOrder::Auto => DateOrder::MonthFirst,
            o => o,
        }
    }
}

/// How to read the data rows of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(target_arch = "wasm32", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(target_arch = "wasm32", serde(rename_all = "camelCase"))]
pub struct Plan {
    /// Text encoding of the file.
    pub encoding: Encoding,
    /// Field delimiter.
    pub delimiter: u8,
    /// `1.234,56` numbers (`;` files).
    pub decimal_comma: bool,
    /// The header's column names, as written (trimmed).
    pub header: Vec<String>,
    /// 1-based line of the header row.
    pub header_line: u64,
    /// Non-blank rows above the header (report titles, date ranges...).
    pub preamble_rows: u64,
    /// For each required field (in [`Field::ALL`] order), its column index.
    /// The campaign column is the campaign ID when there is one, else the name.
    pub columns: [usize; 5],
    /// A campaign-name column shown beside the ID, when the file has both.
    pub name_column: Option<usize>,
    /// The date column, if any.
    pub date_column: Option<usize>,
    /// The revenue (conversion value) column, if any: revenue is optional.
    #[cfg_attr(target_arch = "wasm32", serde(default))]
    pub revenue_column: Option<usize>,
    /// Offset just past the header record: where data rows start (in the
    /// UTF-8 text, for files that are transcoded).
    pub data_start: u64,
    /// 1-based physical line number of the byte at `data_start`.
    pub data_start_line: u64,
    /// Stop at the first malformed data row ([`Options::strict`]).
    #[cfg_attr(target_arch = "wasm32", serde(default))]
    pub strict: bool,
    /// Today ([`Options::today`]).
    #[cfg_attr(target_arch = "wasm32", serde(default))]
    pub today: Option<crate::text::date::Day>,
    /// Notes about the header for the summary: two columns for one field
    /// (`header: "clicks" appears twice (columns 4 and 7); column 4 is used`).
    #[cfg_attr(target_arch = "wasm32", serde(default))]
    pub header_warnings: Vec<String>,
    /// Keep the daily series ([`crate::agg::daily`]), as this says.
    #[cfg_attr(target_arch = "wasm32", serde(default))]
    pub daily: Option<DailyPlan>,
    /// The order `1/2/2025`-style dates are read in, and why.
    #[cfg_attr(target_arch = "wasm32", serde(default))]
    pub dates: DateChoice,
    /// The header's language when it is not English
    /// ([`crate::schema::aliases::language`]): its total words are read
    /// ([`crate::row::record::Layout::totals`]) and its number forms
    /// ([`NumberFormat::wide`]). Decided once, here.
    #[cfg_attr(target_arch = "wasm32", serde(default))]
    pub lang: Option<Lang>,
}

/// The default cell limit: 50 M (campaign, day) cells.
pub const DEFAULT_DAILY_LIMIT: u64 = 50_000_000;

/// The default cell limit in a browser tab: 2 M cells. Each day of a
/// series becomes a row of `daily.csv` and of both rolling files (about
/// 220 bytes together, held as Blobs by the tab) besides its sums in the
/// merging worker's wasm memory (at most 4 GB); 50 M would be some 11 GB
/// of CSV, a crashed tab. `dailyLimit` raises it.
pub const BROWSER_DAILY_LIMIT: u64 = 2_000_000;

/// What a run keeps of the daily series (issue 16): the plan carries
/// it to every range, in every shell.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(target_arch = "wasm32", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(target_arch = "wasm32", serde(rename_all = "camelCase"))]
pub struct DailyPlan {
    /// At most this many (campaign, day) cells (from JS: absent for
    /// [`BROWSER_DAILY_LIMIT`]).
    #[cfg_attr(target_arch = "wasm32", serde(default = "browser_daily_limit"))]
    pub limit: u64,
    /// Only these campaigns' cells (the second pass past the limit).
    pub only: Option<Vec<String>>,
}

/// [`BROWSER_DAILY_LIMIT`], for serde.
#[cfg(target_arch = "wasm32")]
fn browser_daily_limit() -> u64 {
    BROWSER_DAILY_LIMIT
}

impl Default for DailyPlan {
    fn default() -> DailyPlan {
        DailyPlan { limit: DEFAULT_DAILY_LIMIT, only: None }
    }
}



impl Plan {
    /// Number of fields every data row must have.
    pub fn field_count(&self) -> usize {
        self.header.len()
    }

    /// Column index of a required `field`.
    pub fn column(&self, field: Field) -> usize {
        self.columns[Field::ALL
            .iter()
            .position(|f| *f == field)
            .expect("a required field")]
    }

    /// Column index of any `field`: `None` for an optional one the file
    /// does not have.
    pub fn column_of(&self, field: Field) -> Option<usize> {
        match field {
            Field::Revenue => self.revenue_column,
            _ => Some(self.column(field)),
        }
    }

    /// The file has a revenue column.
    pub fn has_revenue(&self) -> bool {
        self.revenue_column.is_some()
    }

    /// How numbers are written.
    pub fn number_format(&self) -> NumberFormat {
        NumberFormat {
            decimal_comma: self.decimal_comma,
            wide: self.lang.is_some(),
        }
    }

    /// `field -> column name` for every mapped field, for the summary.
    pub fn mapping(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Field::ALL
            .iter()
            .zip(&self.columns)
            .map(|(f, &c)| (f.name().to_string(), self.header[c].clone()))
            .collect();
        if let Some(c) = self.revenue_column {
            out.push((Field::Revenue.name().into(), self.header[c].clone()));
        }
        if let Some(c) = self.name_column {
            out.push(("campaign_name".into(), self.header[c].clone()));
        }
        if let Some(c) = self.date_column {
            out.push(("date".into(), self.header[c].clone()));
        }
        out
    }

    /// The platform the header's names tell ([`Platform::detect`]).
    pub fn platform(&self) -> Platform {
        Platform::detect(&self.header)
    }

    /// The campaign column is a name column (the file has no id column):
    /// its header is a campaign-name alias.
    pub fn key_is_name(&self) -> bool {
        let column = self.column(Field::CampaignId);
        self.name_column.is_none() && matches!(lookup(&self.header[column]), Some((Column::CampaignName, _)))
    }

    /// True when the file must be read as one range (see
    /// [`Encoding::needs_transcoding`]).
    pub fn sequential(&self) -> bool {
        self.encoding.needs_transcoding()
    }
}

/// Reads the header from the first bytes of the file, detecting encoding
/// and delimiter. See [`sniff_with`].
pub fn sniff(prefix: &[u8], at_eof: bool) -> Result<Option<Plan>, Error> {
    sniff_with(prefix, at_eof, &Options::default())
}

/// Reads the header from the first bytes of the file.
///
/// Returns `Ok(None)` when `prefix` may end before the header does and more
/// bytes exist (`at_eof == false`), or when the file has a date column, the
/// order of day and month is to be decided ([`Options::date_order`] auto)
/// and `prefix` is shorter than [`HEADER_LIMIT`]: call again with a longer
/// prefix (the first MiB decides, [`DateChoice`]). The
/// header is the first of the first [`HEADER_SEARCH`] records whose columns
/// name every required field; rows above it are skipped.
pub fn sniff_with(prefix: &[u8], at_eof: bool, options: &Options) -> Result<Option<Plan>, Error> {
    // Not UTF-8: Shift_JIS when the bytes decode as it without an error
    // and the header is then Japanese; else Windows-1252 (below).
    if options.encoding.is_none()
        && Encoding::detect(prefix, at_eof) == Encoding::Windows1252
        && crate::text::transcode::shift_jis_clean(prefix, at_eof)
    {
        let sjis = Options { encoding: Some(Encoding::ShiftJis), ..options.clone() };
        match sniff_with(prefix, at_eof, &sjis) {
            Ok(Some(plan)) if plan.lang == Some(Lang::Ja) => return Ok(Some(plan)),
            Ok(None) => return Ok(None),
            _ => {}
        }
    }
    let encoding = options
        .encoding
        .unwrap_or_else(|| Encoding::detect(prefix, at_eof));
    let text: std::borrow::Cow<[u8]> = if encoding.needs_transcoding() {
        crate::text::transcode::Transcoder::new(encoding).decode(prefix, at_eof).to_vec().into()
    } else {
        prefix.into()
    };
    let at_limit = prefix.len() >= HEADER_LIMIT;
    // Blank lines first: the file is empty if they run to its end; no
    // header is looked for past the limit.
    let body = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&text);
    let blank = blank_prefix(body);
    if blank == body.len() {
        return match (at_eof, at_limit) {
            (true, _) => Err(Error::Empty),
            (false, true) => Err(Error::BlankLines { limit: HEADER_LIMIT }),
            (false, false) => Ok(None),
        };
    }
    if blank >= HEADER_LIMIT {
        return Err(Error::BlankLines { limit: HEADER_LIMIT });
    }
    let delimiters: Vec<u8> = match options.delimiter {
        Some(d) => vec![d],
        None => DELIMITERS.to_vec(),
    };
    let mut best: Option<(Found, u8)> = None;
    let mut closest: Option<Candidate> = None;
    let mut complete = true;
    for &d in &delimiters {
        let scan = scan_records(&text, d, at_eof || at_limit);
        complete &= scan.complete;
        for (index, rec) in scan.records.iter().enumerate() {
            let names: Vec<String> = rec
                .fields
                .iter()
                .map(|f| decode_name(f, encoding))
                .collect();
            match resolve(&names, &options.map) {
                Ok(found) => {
                    let found = Found {
                        index,
                        rec_end: rec.end,
                        rec_line: rec.line,
                        names,
                        ..found
                    };
                    let better = match &best {
                        None => true,
                        Some((b, _)) => {
                            (index, std::cmp::Reverse(found.names.len()))
                                < (b.index, std::cmp::Reverse(b.names.len()))
                        }
                    };
                    if better {
                        best = Some((found, d));
                    }
                    break;
                }
                Err(candidate) => {
                    if closest.as_ref().is_none_or(|c| candidate.score > c.score) {
                        closest = Some(candidate);
                    }
                }
            }
        }
    }
    match best {
        Some((found, delimiter)) => {
            let data_start = found.rec_end;
            let data_start_line = 1 + memchr::memchr_iter(b'\n', &text[..data_start]).count() as u64;
            let dates = match (&options.date_reread, options.date_order, found.date_column) {
                (Some((line, text)), order, _) if order != DateOrder::Auto => {
                    DateChoice { order, how: DateHow::Reread { line: *line, text: text.clone() } }
                }
                (_, DateOrder::Auto, None) => DateChoice::default(),
                (_, DateOrder::Auto, Some(column)) => {
                    // The first MiB decides: wait for it (or the end of the
                    // file), unless the first DATE_PEEK rows already show no
                    // a/b/yyyy date (an ISO file sniffs as it always did).
                    if !at_eof && prefix.len() < HEADER_LIMIT {
                        let (choice, peeked) = sample_dates(&text, delimiter, column, data_start, data_start_line, false);
                        if !peeked {
                            return Ok(None);
                        }
                        choice
                    } else {
                    let sample: std::borrow::Cow<[u8]> = match (encoding.needs_transcoding(), prefix.len() > HEADER_LIMIT) {
                        (true, true) => crate::text::transcode::Transcoder::new(encoding).decode(&prefix[..HEADER_LIMIT], false).to_vec().into(),
                        _ => text[..text.len().min(HEADER_LIMIT)].into(),
                    };
                    let whole = at_eof && prefix.len() <= HEADER_LIMIT;
                    sample_dates(&sample, delimiter, column, data_start, data_start_line, whole).0
                    }
                }
                (_, order, _) => DateChoice { order, how: DateHow::Given },
            };
            Ok(Some(Plan {
                encoding,
                delimiter,
                decimal_comma: delimiter == b';',
                header_line: found.rec_line,
                preamble_rows: found.index as u64,
                columns: found.columns,
                name_column: found.name_column,
                date_column: found.date_column,
                revenue_column: found.revenue_column,
                data_start: data_start as u64,
                data_start_line,
                lang: crate::schema::aliases::language(&found.names),
                header: found.names,
                strict: options.strict,
                today: options.today,
                header_warnings: found.warnings,
                daily: options.daily.clone(),
                dates,
            }))
        }
        None if !complete => Ok(None),
        None => match closest {
            // Not blank (see above), yet no record: the first one is too
            // long to be a header.
            None => Err(Error::HeaderTooLong { limit: HEADER_LIMIT }),
            Some(c) => Err(Error::MissingColumns {
                missing: c.missing,
                found: c.names,
            }),
        },
    }
}

/// The first size of the output buffers of csv-core readers here (grown
/// as a record needs).
const OUT_START: usize = 64 << 10;

/// Data rows looked at for an `a/b/yyyy` date before the sample is read.
pub const DATE_PEEK: usize = 64;

/// The order of `1/2/2025`-style dates, from the data rows of `sample`
/// (the file's first MiB as text; `whole`: the whole file) from byte
/// `data_start` (at line `line`), the date in column `column`. Only when
/// one of the first [`DATE_PEEK`] rows has an `a/b/yyyy` date is the rest
/// read. The order more of its dates can only be read in wins (a tie: the
/// one proven first), proven by its first such date; without any,
/// [`DateHow::Assumed`] when some dates fit both orders (month first,
/// or day first if the first of them is written with `.` or `-`). The
/// flag: the first [`DATE_PEEK`] rows were there and had none (the rest
/// need not be read).
fn sample_dates(sample: &[u8], delimiter: u8, column: usize, data_start: usize, line: u64, whole: bool) -> (DateChoice, bool) {
    let mut reader = ReaderBuilder::new().delimiter(delimiter).build();
    let cap = sample.len().saturating_sub(data_start) + 1;
    let mut out = vec![0u8; cap.min(OUT_START)];
    let mut ends = vec![0usize; 4096];
    let (mut pos, mut line, mut rows) = (data_start.min(sample.len()), line, 0usize);
    // Per kind: how many, and the first (line, text).
    let mut proofs: [(u64, Option<(u64, String)>); 2] = [(0, None), (0, None)];
    let mut ambiguous: Option<bool> = None; // Some(dotted) of the first that fits both
    loop {
        // The record's first line: after blank lines.
        let blank = sample[pos..].iter().take_while(|&&b| b == b'\r' || b == b'\n').count();
        line += memchr::memchr_iter(b'\n', &sample[pos..pos + blank]).count() as u64;
        let start = pos + blank;
        let mut input = &sample[start..];
        let (mut nout, mut nend) = (0, 0);
        let done = loop {
            let (res, nin, o, e) = reader.read_record(input, &mut out[nout..], &mut ends[nend..]);
            input = &input[nin..];
            (nout, nend) = (nout + o, nend + e);
            match res {
                ReadRecordResult::Record => break false,
                // All of the sample read: the end of the file ends the last
                // record (an empty input tells csv-core so); else it is cut.
                ReadRecordResult::InputEmpty if whole && nin > 0 => {}
                ReadRecordResult::OutputFull if out.len() < cap => out.resize(cap.min(out.len() * 2), 0),
                _ => break true,
            }
        };
        if done {
            break;
        }
        let end = sample.len() - input.len();
        if column < nend {
            let cell = &out[if column == 0 { 0 } else { ends[column - 1] }..ends[column]];
            let (_, evidence) = parse_date_in(cell, DateOrder::MonthFirst);
            for (i, kind) in [DAY_FIRST, MONTH_FIRST].into_iter().enumerate() {
                if evidence & kind != 0 {
                    proofs[i].0 += 1;
                    proofs[i].1.get_or_insert_with(|| (line, String::from_utf8_lossy(crate::text::number::trim(cell)).into_owned()));
                }
            }
            if evidence & AMBIGUOUS != 0 && ambiguous.is_none() {
                ambiguous = Some(evidence & DOTTED != 0);
            }
        }
        rows += 1;
        if rows >= DATE_PEEK && proofs[0].0 + proofs[1].0 == 0 && ambiguous.is_none() {
            return (DateChoice::default(), true); // no a/b/yyyy date among the first rows: not read further
        }
        line += memchr::memchr_iter(b'\n', &sample[start..end]).count() as u64;
        pos = end;
    }
    let [(days, day_proof), (months, month_proof)] = proofs;
    let first = |p: &Option<(u64, String)>| p.as_ref().map_or(u64::MAX, |p| p.0);
    let day_wins = days > months || (days == months && first(&day_proof) < first(&month_proof));
    let choice = match (day_proof, month_proof) {
        (Some((line, text)), _) if day_wins => DateChoice { order: DateOrder::DayFirst, how: DateHow::Sample { line, text } },
        (_, Some((line, text))) => DateChoice { order: DateOrder::MonthFirst, how: DateHow::Sample { line, text } },
        _ => match ambiguous {
            Some(true) => DateChoice { order: DateOrder::DayFirst, how: DateHow::Assumed },
            Some(false) => DateChoice { order: DateOrder::MonthFirst, how: DateHow::Assumed },
            None => DateChoice::default(),
        },
    };
    (choice, false)
}

/// Length of the run of `\r` and `\n` that `text` starts with.
fn blank_prefix(text: &[u8]) -> usize {
    text.iter().take_while(|&&b| b == b'\r' || b == b'\n').count()
}

/// True when the first bytes of a file hold nothing but line breaks
/// (after a byte-order mark; in UTF-16, zero bytes are part of them).
pub fn only_blank_lines(prefix: &[u8]) -> bool {
    let utf16 = prefix.starts_with(&[0xFF, 0xFE]) || prefix.starts_with(&[0xFE, 0xFF]);
    match utf16 {
        true => prefix[2..].iter().all(|&b| matches!(b, b'\r' | b'\n' | 0)),
        false => {
            let body = prefix.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(prefix);
            blank_prefix(body) == body.len()
        }
    }
}

/// For a shell told [`Error::BlankLines`] about a file's first bytes
/// `prefix`: true when `more` bytes that follow them are line breaks too.
/// A file that is blank lines to its end is [`Error::Empty`].
pub fn still_blank(prefix: &[u8], more: &[u8]) -> bool {
    let utf16 = prefix.starts_with(&[0xFF, 0xFE]) || prefix.starts_with(&[0xFE, 0xFF]);
    more.iter().all(|&b| matches!(b, b'\r' | b'\n') || (utf16 && b == 0))
}

/// One record of the top of the file.
struct Rec {
    fields: Vec<Vec<u8>>,
    /// Offset just past the record.
    end: usize,
    /// 1-based line where it starts.
    line: u64,
}

struct Scan {
    records: Vec<Rec>,
    /// All records that may hold the header were seen.
    complete: bool,
}

/// The first [`HEADER_SEARCH`] complete records of `text`.
fn scan_records(text: &[u8], delimiter: u8, at_eof: bool) -> Scan {
    let mut reader = ReaderBuilder::new().delimiter(delimiter).build();
    // Grown as records need it (zeroing a MiB per delimiter would cost more
    // than reading the header).
    let cap = text.len().min(HEADER_LIMIT) + 1;
    let mut out = vec![0u8; cap.min(OUT_START)];
    let mut ends = vec![0usize; 4096];
    let mut records = Vec::new();
    let mut pos = 0;
    while records.len() < HEADER_SEARCH {
        // Skip blank lines to find where the record starts.
        let bom = if pos == 0 && text.starts_with(b"\xEF\xBB\xBF") {
            3
        } else {
            0
        };
        let start = pos
            + bom
            + text[pos + bom..]
                .iter()
                .take_while(|&&b| b == b'\r' || b == b'\n')
                .count();
        let line = 1 + memchr::memchr_iter(b'\n', &text[..start]).count() as u64;
        let (mut nout, mut nend) = (0, 0);
        let mut input = &text[pos..];
        loop {
            if input.is_empty() && !at_eof {
                return Scan {
                    records,
                    complete: false,
                };
            }
            let (res, nin, o, e) = reader.read_record(input, &mut out[nout..], &mut ends[nend..]);
            input = &input[nin..];
            pos += nin;
            nout += o;
            nend += e;
            match res {
                ReadRecordResult::Record => break,
                ReadRecordResult::End => {
                    return Scan {
                        records,
                        complete: true,
                    }
                }
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull if out.len() < cap => out.resize(cap.min(out.len() * 2), 0),
                // A record too long to be a header: stop looking.
                ReadRecordResult::OutputFull | ReadRecordResult::OutputEndsFull => {
                    return Scan {
                        records,
                        complete: true,
                    }
                }
            }
        }
        let mut fields = Vec::with_capacity(nend);
        let mut s = 0;
        for &e in &ends[..nend] {
            fields.push(out[s..e].to_vec());
            s = e;
        }
        records.push(Rec {
            fields,
            end: pos,
            line,
        });
    }
    Scan {
        records,
        complete: true,
    }
}

fn decode_name(raw: &[u8], encoding: Encoding) -> String {
    let text = String::from_utf8_lossy(&encoding.to_utf8(raw)).into_owned();
    text.trim_matches(|c: char| c.is_whitespace()).to_string()
}

/// A header that maps every required field.
struct Found {
    index: usize,
    rec_end: usize,
    rec_line: u64,
    names: Vec<String>,
    columns: [usize; 5],
    name_column: Option<usize>,
    date_column: Option<usize>,
    revenue_column: Option<usize>,
    /// See [`Plan::header_warnings`].
    warnings: Vec<String>,
}

/// A row that is not the header, and how close it came.
struct Candidate {
    score: usize,
    missing: Vec<Field>,
    names: Vec<String>,
}

/// Maps header names to fields: the user's map first, then aliases.
fn resolve(names: &[String], map: &[(Field, String)]) -> Result<Found, Candidate> {
    // Per Column kind: the required fields (0..=4), the name (5), the date
    // (6), revenue (7).
    const REVENUE: usize = 7;
    let mut best: Vec<Option<(usize, usize)>> = vec![None; 8]; // per Column kind: (rank, col)
    let mut named: Vec<Vec<usize>> = vec![Vec::new(); 8]; // per Column kind: every column naming it
    let slot_of = |f: Field| match f {
        Field::Revenue => REVENUE,
        f => Field::ALL.iter().position(|x| *x == f).expect("field"),
    };
    let slot = |c: Column| match c {
        Column::Field(f) => slot_of(f),
        Column::CampaignName => 5,
        Column::Date => 6,
    };
    for (j, name) in names.iter().enumerate() {
        if let Some((col, rank)) = lookup(name) {
            let s = slot(col);
            named[s].push(j);
            if best[s].is_none_or(|(r, _)| rank < r) {
                best[s] = Some((rank, j));
            }
        }
    }
    let mut columns: [Option<usize>; 5] = std::array::from_fn(|i| best[i].map(|(_, c)| c));
    let mut name_column = best[5].map(|(_, c)| c);
    let date_column = best[6].map(|(_, c)| c);
    let mut revenue_column = best[REVENUE].map(|(_, c)| c);
    // No ID column: the name is the key.
    if columns[0].is_none() {
        columns[0] = name_column.take();
    }
    let key_is_name = columns[0].is_some() && best[0].is_none();
    for (field, wanted) in map {
        let i = slot_of(*field);
        let wanted = normalize(wanted);
        named[i] = (0..names.len()).filter(|&j| normalize(&names[j]) == wanted).collect();
        match i {
            REVENUE => revenue_column = named[i].first().copied(),
            _ => columns[i] = named[i].first().copied(),
        }
        if *field == Field::CampaignId && name_column == columns[i] {
            name_column = None;
        }
    }
    let mut warnings = Vec::new();
    for (s, cols) in named.iter().enumerate() {
        let used = match s {
            0..=4 => columns[s],
            5 if key_is_name => columns[0],
            5 => name_column,
            REVENUE => revenue_column,
            _ => date_column,
        };
        let field = match s {
            0..=4 => Field::ALL[s].name(),
            5 if key_is_name => Field::CampaignId.name(),
            5 => "campaign_name",
            REVENUE => Field::Revenue.name(),
            _ => "date",
        };
        if let (true, Some(used)) = (cols.len() > 1, used) {
            warnings.push(duplicate_columns(names, cols, used, field));
        }
    }
    let missing: Vec<Field> = Field::ALL
        .iter()
        .zip(&columns)
        .filter(|(_, c)| c.is_none())
        .map(|(f, _)| *f)
        .collect();
    if !missing.is_empty() {
        return Err(Candidate {
            score: 5 - missing.len(),
            missing,
            names: names.to_vec(),
        });
    }
    Ok(Found {
        index: 0,
        rec_end: 0,
        rec_line: 0,
        names: Vec::new(),
        columns: columns.map(|c| c.expect("all found")),
        name_column,
        date_column,
        revenue_column,
        warnings,
    })
}

/// The note for columns `cols` (0-based) that all name `field`, of which
/// `used` is read: `header: "clicks" appears twice (columns 4 and 7);
/// column 4 is used`, or with different names `header: columns 4 ("Link
/// clicks") and 7 ("Clicks (all)") all name clicks; column 4 is used`.
fn duplicate_columns(names: &[String], cols: &[usize], used: usize, field: &str) -> String {
    let list = |item: &dyn Fn(usize) -> String| {
        let items: Vec<String> = cols.iter().map(|&j| item(j)).collect();
        let (last, init) = items.split_last().expect("two or more");
        format!("{} and {last}", init.join(", "))
    };
    let what = if cols.iter().all(|&j| names[j] == names[cols[0]]) {
        let times = match cols.len() {
            2 => "twice".to_string(),
            n => format!("{n} times"),
        };
        format!("{:?} appears {times} (columns {})", names[cols[0]], list(&|j| (j + 1).to_string()))
    } else {
        let both = if cols.len() == 2 { "both" } else { "all" };
        format!("columns {} {both} name {field}", list(&|j| format!("{} ({:?})", j + 1, names[j])))
    };
    format!("header: {what}; column {} is used", used + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(input: &str) -> Plan {
        sniff(input.as_bytes(), true).unwrap().unwrap()
    }

    /// The first MiB decides the order of day and month: each form of
    /// evidence, none (assumed), both (the majority, its first line), the
    /// first rows without an `a/b/yyyy` date (nothing to choose), a given
    /// order, dotted dates assumed day first.
    #[test]
    fn date_order_from_the_first_mib() {
        let dates = |rows: &[&str]| {
            let mut text = "campaign_id,date,impressions,clicks,spend,conversions\n".to_string();
            for d in rows {
                text += &format!("C,{d},1,1,1.00,1\n");
            }
            plan(&text).dates
        };
        let sample = |order, line: u64, text: &str| DateChoice { order, how: DateHow::Sample { line, text: text.into() } };
        assert_eq!(dates(&["1/2/2025", "13/02/2025", "3/2/2025"]), sample(DateOrder::DayFirst, 3, "13/02/2025"));
        assert_eq!(dates(&["1/2/2025", "02/13/2025"]), sample(DateOrder::MonthFirst, 3, "02/13/2025"));
        assert_eq!(dates(&["1/2/2025", "2/1/2025"]), DateChoice { order: DateOrder::MonthFirst, how: DateHow::Assumed });
        assert_eq!(dates(&["01.02.2025"]), DateChoice { order: DateOrder::DayFirst, how: DateHow::Assumed });
        // Both: two day-first dates against one month-first.
        assert_eq!(dates(&["1/13/2025", "13/1/2025", "14/1/2025"]), sample(DateOrder::DayFirst, 3, "13/1/2025"));
        // A tie: the first.
        assert_eq!(dates(&["1/13/2025", "13/1/2025"]), sample(DateOrder::MonthFirst, 2, "1/13/2025"));
        assert_eq!(dates(&["2025-01-13", "Jan 2, 2025"]), DateChoice::default());
        // Only the first DATE_PEEK rows are looked at for an a/b/yyyy date.
        let mut rows = vec!["2025-01-01"; DATE_PEEK];
        rows.push("13/1/2025");
        assert_eq!(dates(&rows), DateChoice::default());
        rows[DATE_PEEK - 1] = "1/2/2025";
        assert_eq!(dates(&rows), sample(DateOrder::DayFirst, DATE_PEEK as u64 + 2, "13/1/2025"));
        // Blank lines and a quoted line break keep the line numbers right.
        let text = "campaign_id,date,impressions,clicks,spend,conversions\n\nC,1/2/2025,1,1,1.00,1\n\"a\nb\",13/2/2025,1,1,1.00,1\r\nC,1/2/2025,1,1,1.00,1";
        assert_eq!(plan(text).dates, sample(DateOrder::DayFirst, 4, "13/2/2025"));
        // Given; no date column.
        let given = Options { date_order: DateOrder::DayFirst, ..Options::default() };
        let p = sniff_with(b"campaign_id,date,impressions,clicks,spend,conversions\nC,1/13/2025,1,1,1,1\n", true, &given).unwrap().unwrap();
        assert_eq!(p.dates, DateChoice { order: DateOrder::DayFirst, how: DateHow::Given });
        assert_eq!(p.dates.report(), crate::text::date::MONTH_FIRST);
        assert_eq!(plan("campaign_id,impressions,clicks,spend,conversions\nC,1,1,1,1\n").dates, DateChoice::default());
        // A prefix of the first MiB that is not the whole file: its last
        // (cut) row is not read.
        let mut text = "campaign_id,date,impressions,clicks,spend,conversions\n".to_string();
        while text.len() < HEADER_LIMIT - 20 {
            text += "C,1/2/2025,1,1,1.00,1\n";
        }
        text += "C,13/2/2025,1,1,1.00,1\n";
        let cut = sniff(&text.as_bytes()[..HEADER_LIMIT], false).unwrap().unwrap();
        assert_eq!(cut.dates, DateChoice { order: DateOrder::MonthFirst, how: DateHow::Assumed });
        assert_eq!(sniff(text.as_bytes(), true).unwrap().unwrap().dates.how, DateHow::Assumed, "the sample is the first MiB");
    }

    #[test]
    fn standard_header() {
        let head = b"campaign_id,date,impressions,clicks,spend,conversions\nCMP001,";
        // The order of day and month is decided from the first MiB: wait for it.
        assert_eq!(sniff(head, false).unwrap(), None);
        let given = Options { date_order: DateOrder::MonthFirst, ..Options::default() };
        let plan = sniff_with(head, false, &given).unwrap().unwrap();
        assert_eq!(plan.dates, DateChoice { order: DateOrder::MonthFirst, how: DateHow::Given });
        assert_eq!(plan.columns, [0, 2, 3, 4, 5]);
        assert_eq!(plan.data_start, 54);
        assert_eq!(plan.data_start_line, 2);
        assert_eq!(
            (plan.delimiter, plan.encoding, plan.header_line),
            (b',', Encoding::Utf8, 1)
        );
    }

    #[test]
    fn any_order_any_case_bom_and_blank_lines() {
        let input = "\u{feff}\n\r\n Spend ,Clicks,x,\"CAMPAIGN_ID\",Conversions,impressions\r\n";
        let plan = plan(input);
        assert_eq!(plan.columns, [3, 5, 1, 0, 4]);
        assert_eq!(plan.header[0], "Spend");
        assert_eq!(plan.header_line, 3);
        // csv-core stops after the `\r` of the CRLF: the `\n` is a blank line.
        assert_eq!(plan.data_start as usize, input.len() - 1);
        assert_eq!(plan.data_start_line, 3);
    }

    #[test]
    fn incomplete_header_asks_for_more() {
        assert_eq!(sniff(b"campaign_id,date,impr", false), Ok(None));
        assert!(
            sniff(b"campaign_id,impressions,clicks,spend,conversions", true)
                .unwrap()
                .is_some()
        );
    }

    #[test]
    fn missing_and_duplicate_columns() {
        let err = sniff(b"campaign_id,impressions,spend\n", true).unwrap_err();
        assert_eq!(
            err.to_string(),
            "header row: missing required columns: clicks, conversions (the header has: campaign_id, impressions, spend)"
        );
        let plan = plan("campaign_id,impressions,clicks,spend,conversions,clicks\n");
        assert_eq!(plan.columns, [0, 1, 2, 3, 4]);
        assert_eq!(plan.header_warnings, ["header: \"clicks\" appears twice (columns 3 and 6); column 3 is used"]);
    }

    /// Issue 12, defect 8: two columns for one field are named, with the
    /// one that is read (the leftmost of the best alias).
    #[test]
    fn duplicate_columns_are_reported() {
        let p = plan("campaign_id,date,impressions,Clicks,spend,conversions,clicks\n");
        assert_eq!(p.columns, [0, 2, 3, 4, 5]);
        assert_eq!(p.header_warnings, ["header: columns 4 (\"Clicks\") and 7 (\"clicks\") both name clicks; column 4 is used"]);
        let p = plan("spend,campaign_id,Spend,impressions,clicks,conversions,spend,date,Day\n");
        assert_eq!(p.columns, [1, 3, 4, 0, 5]);
        assert_eq!(
            p.header_warnings,
            [
                "header: columns 1 (\"spend\"), 3 (\"Spend\") and 7 (\"spend\") all name spend; column 1 is used",
                "header: columns 8 (\"date\") and 9 (\"Day\") both name date; column 8 is used",
            ]
        );
        let p = plan("campaign_id,impressions,clicks,spend,conversions,clicks,clicks\n");
        assert_eq!(p.header_warnings, ["header: \"clicks\" appears 3 times (columns 3, 6 and 7); column 3 is used"]);
        // The better alias wins wherever it is, and is the one named as used.
        let p = plan("Campaign,Impressions,Link clicks,Clicks,Cost,Conversions\n");
        assert_eq!(p.columns, [0, 1, 3, 4, 5]);
        assert_eq!(p.header_warnings, ["header: columns 3 (\"Link clicks\") and 4 (\"Clicks\") both name clicks; column 4 is used"]);
        // The campaign name as the key, twice.
        let p = plan("Campaign,Campaign name,Impressions,Clicks,Cost,Conversions\n");
        assert_eq!(p.header_warnings, ["header: columns 1 (\"Campaign\") and 2 (\"Campaign name\") both name campaign_id; column 1 is used"]);
        // No note for an ID and a name, for a mapped field's other aliases,
        // or for a column that maps to nothing.
        let p = plan("Campaign,Campaign ID,Impressions,Clicks,Cost,Conversions,note,note\n");
        assert!(p.header_warnings.is_empty(), "{:?}", p.header_warnings);
        let opts = Options { map: vec![(Field::Clicks, "Clicks".into())], ..Options::default() };
        let p = sniff_with(b"campaign_id,impressions,Link clicks,Clicks,spend,conversions\n", true, &opts).unwrap().unwrap();
        assert_eq!((p.columns[2], p.header_warnings.len()), (3, 0));
        // A mapped name that appears twice.
        let opts = Options { map: vec![(Field::Conversions, "Purchases".into())], ..Options::default() };
        let p = sniff_with(b"campaign_id,impressions,clicks,spend,Purchases,purchases\n", true, &opts).unwrap().unwrap();
        assert_eq!(p.header_warnings, ["header: columns 5 (\"Purchases\") and 6 (\"purchases\") both name conversions; column 5 is used"]);
    }

    #[test]
    fn empty_inputs() {
        assert_eq!(sniff(b"", true), Err(Error::Empty));
        assert_eq!(sniff(b"\n\r\n\n", true), Err(Error::Empty));
        assert_eq!(sniff(b"\xEF\xBB\xBF\n\n", true), Err(Error::Empty));
        assert_eq!(sniff(b"", false), Ok(None));
        assert_eq!(sniff(b"\n\n", false), Ok(None));
    }

    /// Issue 12, defect 7: blank lines past the limit are not an empty file.
    #[test]
    fn blank_lines_past_the_limit() {
        let blank = vec![b'\n'; HEADER_LIMIT];
        // More bytes follow (the caller says it is not at the end).
        let err = sniff(&blank, false).unwrap_err();
        assert_eq!(err, Error::BlankLines { limit: HEADER_LIMIT });
        assert_eq!(err.to_string(), "no header row in the first 1024 KiB of the file: only blank lines");
        // Blank lines to the end: empty, however many.
        assert_eq!(sniff(&blank, true), Err(Error::Empty));
        assert_eq!(sniff(&vec![b'\n'; 3 * HEADER_LIMIT], true), Err(Error::Empty));
        // A header after the limit is too late, even in a longer prefix.
        let mut late = vec![b'\n'; HEADER_LIMIT + 10];
        late.extend_from_slice(b"campaign_id,impressions,clicks,spend,conversions\nA,1,1,1,1\n");
        assert_eq!(sniff(&late, true), Err(Error::BlankLines { limit: HEADER_LIMIT }));
        // Just before the limit, it is found.
        let mut early = vec![b'\n'; HEADER_LIMIT - 100];
        early.extend_from_slice(b"campaign_id,impressions,clicks,spend,conversions\n");
        assert_eq!(sniff(&early, false).unwrap().unwrap().header_line, HEADER_LIMIT as u64 - 99);
        // UTF-16 blank lines too.
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(std::iter::repeat_n([b'\n', 0], HEADER_LIMIT / 2).flatten());
        assert_eq!(sniff(&utf16, false), Err(Error::BlankLines { limit: HEADER_LIMIT }));
        assert_eq!(sniff(&utf16, true), Err(Error::Empty));
    }

    /// A first record too long to be a header is not an empty file either.
    #[test]
    fn first_record_too_long() {
        let mut long = b"title ".repeat(HEADER_LIMIT / 3);
        long.extend_from_slice(b"\ncampaign_id,impressions,clicks,spend,conversions\n");
        let err = sniff(&long, false).unwrap_err();
        assert_eq!(err, Error::HeaderTooLong { limit: HEADER_LIMIT });
        assert_eq!(err.to_string(), "no complete header row in the first 1024 KiB of the file");
    }

    #[test]
    fn google_ads_title_rows_and_aliases() {
        let p = plan("Campaign performance report\n\"January 1, 2025 - January 31, 2025\"\nCampaign,Campaign ID,Day,Impr.,Clicks,Cost,Conversions\nSpring,123,2025-01-01,\"1,000\",10,$5.00,1.00\n");
        assert_eq!((p.header_line, p.preamble_rows), (3, 2));
        assert_eq!(p.columns, [1, 3, 4, 5, 6]);
        assert_eq!((p.name_column, p.date_column), (Some(0), Some(2)));
    }

    #[test]
    fn semicolon_decimal_comma_not_fooled() {
        let p = plan("Campaign;Impressions;Clicks;Spend;Conversions\nA;1.234;5;12,50;1\n");
        assert_eq!((p.delimiter, p.decimal_comma), (b';', true));
        assert_eq!(p.columns, [0, 1, 2, 3, 4]);
        let p =
            plan("campaign_id\tclicks\timpressions\tspend\tconversions\nA\t1,234\t5\t12.50\t1\n");
        assert_eq!((p.delimiter, p.decimal_comma), (b'\t', false));
    }

    #[test]
    fn microsoft_preamble_and_meta_names() {
        let ms = "\"Report Name: Campaign\"\n\"Report Time: 1/1/2025\"\n\"Time Zone: UTC\"\n\"Rows: 3\"\n\n\"AccountId\",\"CampaignId\",\"CampaignName\",\"Impressions\",\"Clicks\",\"Spend\",\"Conversions\"\n";
        let p = plan(ms);
        assert_eq!((p.header_line, p.preamble_rows), (6, 4));
        assert_eq!(p.columns, [1, 3, 4, 5, 6]);
        assert_eq!(p.name_column, Some(2));
        let meta = plan(
            "Campaign name,Reporting starts,Impressions,Link clicks,Amount spent (USD),Results\n",
        );
        assert_eq!(meta.columns, [0, 2, 3, 4, 5]);
        assert_eq!(meta.name_column, None);
    }

    #[test]
    fn user_mapping_overrides() {
        let opts = Options {
            map: vec![
                (Field::CampaignId, "Ad set".into()),
                (Field::Conversions, "Purchases".into()),
            ],
            ..Options::default()
        };
        let p = sniff_with(b"Ad set,Impressions,Clicks,Spend,Purchases\n", true, &opts)
            .unwrap()
            .unwrap();
        assert_eq!(p.columns, [0, 1, 2, 3, 4]);
        // Meta's `Purchases` is the conversions when no other column is.
        let err = sniff(b"Ad set,Impressions,Clicks,Spend,Purchases\n", true).unwrap_err();
        assert!(err.to_string().contains("missing required column: campaign_id (the header"), "{err}");
        let p = sniff(b"Campaign,Impressions,Clicks,Spend,Purchases,Results\n", true).unwrap().unwrap();
        assert_eq!(p.columns, [0, 1, 2, 3, 5], "Results before Purchases");
        assert_eq!(p.revenue_column, None);
        let p = sniff(b"Campaign,Impressions,Clicks,Spend,Purchases,Purchases conversion value\n", true)
            .unwrap()
            .unwrap();
        assert_eq!((p.columns[4], p.revenue_column), (4, Some(5)));
        let opts = Options { map: vec![(Field::Revenue, "Sales".into())], ..Options::default() };
        let p = sniff_with(b"Campaign,Impressions,Clicks,Spend,Conversions,Sales\n", true, &opts).unwrap().unwrap();
        assert_eq!(p.revenue_column, Some(5));
    }

    /// A header in another language gives its language (total words,
    /// number forms); a Japanese header in Shift_JIS gives Shift_JIS, and a
    /// file that is not UTF-8 without one stays Windows-1252.
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn languages_and_shift_jis() {
        let fr = sniff("Jour;Nom de la campagne;Montant dépensé (USD);Impressions;Clics sur un lien;Résultats\n01/08/2026;Été;1 234,56;10;1;0\n".as_bytes(), true)
            .unwrap()
            .unwrap();
        assert_eq!((fr.lang, fr.delimiter, fr.encoding), (Some(Lang::Fr), b';', Encoding::Utf8));
        assert_eq!(fr.number_format(), NumberFormat { decimal_comma: true, wide: true });
        let en = plan("campaign_id,impressions,clicks,spend,conversions\nC1,1,1,1,1\n");
        assert_eq!((en.lang, en.number_format()), (None, NumberFormat::default()));
        let text = "日付,キャンペーン,キャンペーン ID,表示回数,クリック数,費用,コンバージョン\n2026/09/01,夏のセール,111,\"1,000\",10,\"¥15,000\",1\n";
        let sjis = encoding_rs::SHIFT_JIS.encode(text).0.into_owned();
        assert!(std::str::from_utf8(&sjis).is_err());
        let p = sniff(&sjis, true).unwrap().unwrap();
        assert_eq!((p.encoding, p.lang), (Encoding::ShiftJis, Some(Lang::Ja)));
        assert_eq!(p.header[1], "キャンペーン");
        assert_eq!(p.columns[0], 2, "the id column");
        // Cut within a pair: more bytes are asked for, not Windows-1252 taken.
        let cut = sjis.iter().position(|&b| b >= 0x81).unwrap() + 1;
        assert_eq!(sniff(&sjis[..cut], false).unwrap(), None);
        // A Windows-1252 file whose bytes happen to be valid Shift_JIS pairs stays Windows-1252.
        let cp = b"campaign_id,impressions,clicks,spend,conversions\nD\xe9ja,1,1,1,1\n";
        assert!(crate::text::transcode::shift_jis_clean(cp, true));
        assert_eq!(sniff(cp, true).unwrap().unwrap().encoding, Encoding::Windows1252);
        // Forced, it is what the user says.
        let forced = sniff_with(&sjis, true, &Options { encoding: Some(Encoding::Windows1252), ..Options::default() });
        assert!(forced.is_err(), "no header in Windows-1252");
    }

    #[test]
    fn encodings() {
        let text =
            "campaign_id\tImpressions\tClicks\tCost\tConversions\r\nCaf\u{e9}\t1\t1\t1\t1\r\n";
        let mut utf16: Vec<u8> = vec![0xFF, 0xFE];
        utf16.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
        let p = sniff(&utf16, true).unwrap().unwrap();
        assert_eq!((p.encoding, p.delimiter), (Encoding::Utf16Le, b'\t'));
        assert_eq!(p.data_start as usize, text.find("\nCaf").unwrap());
        let cp1252 = b"campaign_id,impressions,clicks,spend,conversions\nCaf\xe9,1,1,1,1\n";
        assert_eq!(
            sniff(cp1252, true).unwrap().unwrap().encoding,
            Encoding::Windows1252
        );
        assert_eq!(
            Encoding::detect("caf\u{e9}".as_bytes(), true),
            Encoding::Utf8
        );
        assert_eq!(
            Encoding::detect(&"caf\u{e9}".as_bytes()[..4], false),
            Encoding::Utf8
        );
    }
}
