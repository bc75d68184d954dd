//! Workbook sheets as CSV text (issue 18): `.xlsx` (and `.xlsm`, `.xlsb`),
//! `.xls` and `.ods` through `calamine`. The shells turn the chosen sheet
//! into CSV here and feed that CSV through the unchanged CSV pipeline, so
//! every rule of the README's "What it computes" applies to a workbook as to
//! the CSV the analyst would have saved from it.
//!
//! - [`book_kind`]: what kind of workbook the first bytes (and the file
//!   name) say a file is, or `None` for anything else (CSV text, a `.zip`).
//! - [`sheet_csv`]: the workbook's bytes to one sheet's CSV text, the named
//!   sheet or the first whose first rows hold a header the aliases
//!   recognise ([`crate::sniff_with`]), and the sheets there are.
//!
//! # The CSV
//!
//! UTF-8, `,` between fields, RFC 4180 quoting (a field with `,`, `"`, CR
//! or LF is quoted, its quotes doubled), LF after every line. Line N is
//! sheet row N: rows above the first used one and empty rows are empty
//! lines (the reader skips blank lines and counts them), so a rejected
//! row's `line N` is the row Excel shows as N. Every other line has the
//! same number of fields, from column A to the last column with a value in
//! the whole sheet (columns left of the used range are empty fields), as
//! Excel's own "Save as CSV" pads them: a data row whose last cells are
//! empty still has the header's field count.
//!
//! Cells as the analyst sees them:
//! - text as it is;
//! - numbers: integers as integers (`12000`), other numbers as the shortest
//!   decimal that reads back as the same binary number, never in exponent
//!   notation (`45.5`, `0.30000000000000004`, `0.0000001`): the CSV number
//!   rules then apply unchanged (spend rounded to 6 decimals, with the
//!   data-quality warning on float noise; a count of `12.5` rejected); a
//!   currency or percent format is not applied (`$1,100.50` is `1100.5`);
//!   `-0` is `0`; a number that is not finite (which Excel cannot store)
//!   is the text `NaN`;
//! - dates (numbers with a date format): `YYYY-MM-DD`, or
//!   `YYYY-MM-DD HH:MM:SS` when the time (rounded to the second) is not
//!   midnight ([`serial_text`]: both date systems, and the 1900 system's
//!   phantom 1900-02-29); durations (`[h]:mm:ss` formats) as their number
//!   of days; ISO 8601 dates and durations (`.ods`) as they are;
//! - formulas: their cached value, as the file holds it (a workbook written
//!   by a program that does not compute formulas has none: empty);
//! - booleans `TRUE` / `FALSE`; error values as their text (`#DIV/0!`), so
//!   a row with one in a metric is rejected as not a number;
//! - a merged cell is its top-left cell's value (the others are empty):
//!   merged report titles above the header are preamble rows, which the
//!   reader skips already.
//!
//! # Memory
//!
//! `.xlsx` sheets are read cell by cell as their XML is unzipped
//! (calamine's `worksheet_cells_reader`), never as a grid of values: the
//! workbook's bytes, its shared strings (calamine's `Vec<String>`, one per
//! distinct text), the CSV text as it grows, and 4 bytes a row (line
//! lengths, to pad the rows written before a wider row at the end) are all
//! it holds. Measured on `gen --rows 1000000 --campaigns 50 --xlsx` (a
//! 34.7 MB workbook whose sheet XML is 239 MB unzipped, strings inline; a
//! 38.2 MB CSV of 1,000,001 lines), release build: peak RSS 78 MB (the
//! workbook, the CSV, 4 MB of line lengths), 2.4 s of CPU (2.5 s wall on
//! an idle core; calamine's XML parsing and inflating are most of it).
//! The CSV `Vec` doubles as it grows; an allocator that cannot grow in
//! place (wasm's) briefly holds the old and the new buffer.
//!
//! `.xls`, `.xlsb` and `.ods` are read as calamine's grid of values
//! (`worksheet_range`; `.xls` and `.ods` load every sheet when the
//! workbook is opened): tens of bytes a cell more, for files that are
//! small in practice (`.xls` holds at most 65,536 rows).

use std::io::Cursor;

use calamine::{CellErrorType, Data, DataRef, ExcelDateTime, ExcelDateTimeType, Ods, Reader, SheetType, SheetVisible, Xls, Xlsb, Xlsx};

use crate::error::Error;
use crate::read::plan::{sniff_with, Options, HEADER_LIMIT};
use crate::text::date::{civil_from_day, Day};
use crate::text::encoding::Encoding;

/// A kind of workbook [`sheet_csv`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BookKind {
    /// Office Open XML (`.xlsx`, `.xlsm`, `.xltx`, `.xltm`): a zip archive.
    Xlsx,
    /// Excel's binary workbook in a zip archive (`.xlsb`).
    Xlsb,
    /// Excel 97–2003 (`.xls`, BIFF8 in a compound file); also what an
    /// encrypted `.xlsx` is (a compound file), which [`sheet_csv`] reports
    /// as password-protected.
    Xls,
    /// OpenDocument spreadsheet (`.ods`, `.ots`): a zip archive.
    Ods,
}

impl BookKind {
    /// The usual file extension, with its dot: `.xlsx`, `.xlsb`, `.xls`,
    /// `.ods`.
    pub fn extension(self) -> &'static str {
        match self {
            BookKind::Xlsx => ".xlsx",
            BookKind::Xlsb => ".xlsb",
            BookKind::Xls => ".xls",
            BookKind::Ods => ".ods",
        }
    }
}

/// [`book_kind`] needs at most this many first bytes of a file (fewer when
/// the file is shorter).
pub const BOOK_PREFIX: usize = 512;

/// A compound file's first bytes (`.xls`, an encrypted `.xlsx`).
const CFB_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
/// A zip archive's first local file header.
const ZIP_MAGIC: [u8; 4] = *b"PK\x03\x04";
/// The `mimetype` member's text of an OpenDocument spreadsheet (and, with
/// `-template` after it, of a template).
const ODS_MIMETYPE: &[u8] = b"application/vnd.oasis.opendocument.spreadsheet";

/// The kind of workbook a file is, from its first bytes (up to
/// [`BOOK_PREFIX`]) and its name; `None` when it is not one (CSV text, a
/// `.zip` archive, anything else).
///
/// The bytes decide, the name's extension (any case) only tells zip-based
/// kinds apart:
/// - a compound file (`D0 CF 11 E0 A1 B1 1A E1`) is [`BookKind::Xls`],
///   whatever its name (an encrypted `.xlsx` is one too);
/// - a zip archive (`PK\3\4`) is [`BookKind::Ods`] when its first member
///   is OpenDocument's stored `mimetype` naming a spreadsheet, or its name
///   ends in `.ods` / `.ots`; [`BookKind::Xlsb`] when the name ends in
///   `.xlsb`; `None` when the name ends in `.zip` (an archive of exports,
///   not a workbook); else [`BookKind::Xlsx`] (the name ends in `.xlsx`,
///   `.xlsm`, or says nothing).
pub fn book_kind(prefix: &[u8], name: &str) -> Option<BookKind> {
    let prefix = &prefix[..prefix.len().min(BOOK_PREFIX)];
    if prefix.starts_with(&CFB_MAGIC) {
        return Some(BookKind::Xls);
    }
    if !prefix.starts_with(&ZIP_MAGIC) {
        return None;
    }
    let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    if is_ods_mimetype(prefix) {
        return Some(BookKind::Ods);
    }
    match extension.as_str() {
        "ods" | "ots" => Some(BookKind::Ods),
        "xlsb" => Some(BookKind::Xlsb),
        "zip" => None,
        _ => Some(BookKind::Xlsx),
    }
}

/// The first zip member is `mimetype`, stored, and names a spreadsheet.
fn is_ods_mimetype(prefix: &[u8]) -> bool {
    let u16_at = |i: usize| prefix.get(i..i + 2).map(|b| usize::from(u16::from_le_bytes([b[0], b[1]])));
    let (Some(method), Some(name_len), Some(extra_len)) = (u16_at(8), u16_at(26), u16_at(28)) else {
        return false;
    };
    let data = 30 + name_len + extra_len;
    method == 0
        && prefix.get(30..30 + name_len) == Some(b"mimetype".as_slice())
        && prefix.get(data..data + ODS_MIMETYPE.len()) == Some(ODS_MIMETYPE)
}

/// One sheet of a workbook as CSV text ([`sheet_csv`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetCsv {
    /// The CSV text (see the module's documentation): line N is sheet row N.
    pub csv: Vec<u8>,
    /// The sheet it is.
    pub sheet: String,
    /// The workbook's worksheets in workbook order (chart sheets left out;
    /// hidden ones in).
    pub sheets: Vec<String>,
    /// Lines of `csv`: the number of the sheet's last row with a value
    /// (0 for an empty sheet).
    pub rows: u64,
}

/// Why [`sheet_csv`] gives no CSV. Its `Display` is a message for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SheetError {
    /// Not a workbook of this kind, or a damaged one.
    NotWorkbook {
        /// The kind it was read as.
        kind: BookKind,
        /// calamine's error text.
        message: String,
    },
    /// The workbook is encrypted with a password.
    Password,
    /// The named sheet is not in the workbook.
    NotFound {
        /// The name asked for.
        sheet: String,
        /// The worksheets there are.
        sheets: Vec<String>,
    },
    /// The named sheet's first rows hold no header the aliases (and the
    /// options' column map) recognise.
    NoHeader {
        /// The sheet.
        sheet: String,
        /// Why, as for a CSV file ([`Error::MissingColumns`] gives the
        /// closest row's names, for a form that maps them).
        error: Error,
        /// The worksheets there are.
        sheets: Vec<String>,
    },
    /// No sheet was named, and no worksheet's first rows hold a header the
    /// aliases recognise (or the workbook has no worksheet).
    NoSheetWithHeader {
        /// Each worksheet, in the order they were tried (visible ones
        /// first), and why it has no header.
        tried: Vec<(String, Error)>,
        /// The worksheets there are, in workbook order.
        sheets: Vec<String>,
    },
}

impl std::fmt::Display for SheetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let list = |names: &mut dyn Iterator<Item = &String>| names.map(|s| s.as_str()).collect::<Vec<_>>().join(", ");
        match self {
            SheetError::NotWorkbook { kind, message } => {
                write!(f, "not a readable {} workbook (damaged, or another kind of file): {message}", kind.extension())
            }
            SheetError::Password => write!(f, "the workbook is password-protected; adagg cannot read it (save a copy without a password, or export the sheet as CSV)"),
            SheetError::NotFound { sheet, sheets } => write!(f, "sheet {sheet:?} not found (sheets: {})", list(&mut sheets.iter())),
            SheetError::NoHeader { sheet, error, sheets } => {
                write!(f, "sheet {sheet:?} {} (sheets: {})", why(error), list(&mut sheets.iter()))
            }
            SheetError::NoSheetWithHeader { tried, .. } if tried.is_empty() => write!(f, "the workbook has no worksheet"),
            SheetError::NoSheetWithHeader { tried, sheets } => {
                write!(f, "no sheet has a header row adagg recognises (sheets: {}): ", list(&mut sheets.iter()))?;
                let reasons: Vec<String> = tried.iter().map(|(s, e)| format!("sheet {s:?} {}", why(e))).collect();
                write!(f, "{}; choose a sheet and map its columns, or export the data as CSV", reasons.join("; "))
            }
        }
    }
}

/// Why a sheet has no header, after its name.
fn why(error: &Error) -> String {
    match error {
        Error::Empty => "is empty".into(),
        Error::BlankLines { limit } => format!("has only empty rows in its first {} KiB", limit / 1024),
        e => format!("has no header row adagg recognises: {e}"),
    }
}

impl std::error::Error for SheetError {}

/// A sheet as CSV text: `sheet` names it (exactly, else ignoring case);
/// without a name, the first worksheet in workbook order (visible ones
/// before hidden ones) whose first rows hold a header the aliases (and
/// `options.map`) recognise: [`crate::sniff_with`] on the sheet's CSV up to
/// [`HEADER_LIMIT`], with `options` but `,` and UTF-8 (which the shells
/// must use too when they read the CSV). A named sheet must have such a
/// header too ([`SheetError::NoHeader`] says why not, as for a CSV file).
///
/// `kind` is [`book_kind`]'s. Errors: [`SheetError`] (a damaged file,
/// a password, no such sheet, no header).
///
/// Memory and time: see the module's documentation (1,000,000 rows of
/// `.xlsx`: peak RSS 78 MB, 2.5 s). A sheet without a header is read only
/// until [`HEADER_LIMIT`] bytes of CSV are written.
pub fn sheet_csv(bytes: &[u8], kind: BookKind, sheet: Option<&str>, options: &Options) -> Result<SheetCsv, SheetError> {
    let mut book = Book::open(bytes, kind)?;
    let sheets = book.worksheets();
    // The CSV is UTF-8 with commas whatever the options say about the file.
    let sniffing = Options { delimiter: Some(b','), encoding: Some(Encoding::Utf8), ..options.clone() };
    if let Some(wanted) = sheet {
        let name = sheets
            .iter()
            .find(|s| s.as_str() == wanted)
            .or_else(|| sheets.iter().find(|s| s.to_lowercase() == wanted.to_lowercase()))
            .cloned()
            .ok_or_else(|| SheetError::NotFound { sheet: wanted.to_string(), sheets: sheets.clone() })?;
        return match book.sheet(&name, &sniffing)? {
            Ok((csv, rows)) => Ok(SheetCsv { csv, sheet: name, sheets, rows }),
            Err(error) => Err(SheetError::NoHeader { sheet: name, error, sheets }),
        };
    }
    let mut tried = Vec::new();
    for name in book.in_order() {
        match book.sheet(&name, &sniffing)? {
            Ok((csv, rows)) => return Ok(SheetCsv { csv, sheet: name, sheets, rows }),
            Err(error) => tried.push((name, error)),
        }
    }
    Err(SheetError::NoSheetWithHeader { tried, sheets })
}

/// An open workbook, read from a byte slice.
enum Book<'a> {
    Xlsx(Xlsx<Cursor<&'a [u8]>>),
    Xlsb(Xlsb<Cursor<&'a [u8]>>),
    Xls(Xls<Cursor<&'a [u8]>>),
    Ods(Ods<Cursor<&'a [u8]>>),
}

/// calamine's error of a workbook of `kind` as ours.
fn book_error<E: std::fmt::Display>(kind: BookKind, password: bool) -> impl FnOnce(E) -> SheetError {
    move |e| match password {
        true => SheetError::Password,
        false => SheetError::NotWorkbook { kind, message: e.to_string() },
    }
}

impl<'a> Book<'a> {
    fn open(bytes: &'a [u8], kind: BookKind) -> Result<Book<'a>, SheetError> {
        let cursor = || Cursor::new(bytes);
        match kind {
            BookKind::Xlsx => match Xlsx::new(cursor()) {
                Ok(b) => Ok(Book::Xlsx(b)),
                // A zip that is no .xlsx may be an .xlsb with another name.
                Err(e) => match Xlsb::new(cursor()) {
                    Ok(b) => Ok(Book::Xlsb(b)),
                    Err(_) => Err(book_error(kind, matches!(e, calamine::XlsxError::Password))(e)),
                },
            },
            BookKind::Xlsb => Xlsb::new(cursor()).map(Book::Xlsb).map_err(|e| book_error(kind, matches!(e, calamine::XlsbError::Password))(e)),
            BookKind::Ods => Ods::new(cursor()).map(Book::Ods).map_err(|e| book_error(kind, matches!(e, calamine::OdsError::Password))(e)),
            BookKind::Xls => match Xls::new(cursor()) {
                Ok(b) => Ok(Book::Xls(b)),
                Err(calamine::XlsError::Password) => Err(SheetError::Password),
                // An encrypted .xlsx is a compound file with an
                // `EncryptedPackage` stream, which Xlsx::new recognises.
                Err(e) => match Xlsx::new(cursor()) {
                    Err(calamine::XlsxError::Password) => Err(SheetError::Password),
                    _ => Err(book_error(kind, false)(e)),
                },
            },
        }
    }

    fn metadata(&self) -> &[calamine::Sheet] {
        match self {
            Book::Xlsx(b) => b.sheets_metadata(),
            Book::Xlsb(b) => b.sheets_metadata(),
            Book::Xls(b) => b.sheets_metadata(),
            Book::Ods(b) => b.sheets_metadata(),
        }
    }

    /// The worksheets' names in workbook order.
    fn worksheets(&self) -> Vec<String> {
        self.metadata().iter().filter(|s| s.typ == SheetType::WorkSheet).map(|s| s.name.clone()).collect()
    }

    /// The worksheets in the order they are tried: visible ones first.
    fn in_order(&self) -> Vec<String> {
        let sheets: Vec<&calamine::Sheet> = self.metadata().iter().filter(|s| s.typ == SheetType::WorkSheet).collect();
        let visible = sheets.iter().filter(|s| s.visible == SheetVisible::Visible);
        let hidden = sheets.iter().filter(|s| s.visible != SheetVisible::Visible);
        visible.chain(hidden).map(|s| s.name.clone()).collect()
    }

    /// The sheet's CSV and its line count, or why it has no header (the
    /// outer error: the workbook could not be read).
    fn sheet(&mut self, name: &str, sniffing: &Options) -> Result<Result<(Vec<u8>, u64), Error>, SheetError> {
        let kind = self.kind();
        if let Book::Xlsx(book) = self {
            let mut out = SheetWriter::new(sniffing);
            let streamed = {
                let mut cells = book.worksheet_cells_reader(name).map_err(book_error(kind, false))?;
                loop {
                    let Some(cell) = cells.next_cell().map_err(book_error(kind, false))? else {
                        break Ok(());
                    };
                    let (row, col) = cell.get_position();
                    let Some(value) = Value::of_ref(cell.get_value()) else {
                        continue;
                    };
                    match out.cell(row, col, value) {
                        Ok(()) => {}
                        Err(stop) => break Err(stop),
                    }
                }
            };
            match streamed {
                Ok(()) => return Ok(out.finish()),
                Err(Stop::NoHeader(e)) => return Ok(Err(e)),
                // Cells out of row order (never written so by Excel or the
                // usual libraries): read the sheet as a grid instead.
                Err(Stop::OutOfOrder) => {}
            }
        }
        let range = match self {
            Book::Xlsx(b) => b.worksheet_range(name).map_err(book_error(kind, false))?,
            Book::Xlsb(b) => b.worksheet_range(name).map_err(book_error(kind, false))?,
            Book::Xls(b) => b.worksheet_range(name).map_err(book_error(kind, false))?,
            Book::Ods(b) => b.worksheet_range(name).map_err(book_error(kind, false))?,
        };
        let mut out = SheetWriter::new(sniffing);
        let (top, left) = range.start().unwrap_or((0, 0));
        for (r, c, data) in range.used_cells() {
            let Some(value) = Value::of(data) else {
                continue;
            };
            match out.cell(top + r as u32, left + c as u32, value) {
                Ok(()) => {}
                Err(Stop::NoHeader(e)) => return Ok(Err(e)),
                Err(Stop::OutOfOrder) => unreachable!("a range's cells are in row order"),
            }
        }
        Ok(out.finish())
    }

    fn kind(&self) -> BookKind {
        match self {
            Book::Xlsx(_) => BookKind::Xlsx,
            Book::Xlsb(_) => BookKind::Xlsb,
            Book::Xls(_) => BookKind::Xls,
            Book::Ods(_) => BookKind::Ods,
        }
    }
}

/// A cell's value that writes something.
enum Value<'a> {
    Text(&'a str),
    Int(i64),
    Float(f64),
    Bool(bool),
    Date(ExcelDateTime),
    Error(&'a CellErrorType),
}

impl<'a> Value<'a> {
    fn of(data: &'a Data) -> Option<Value<'a>> {
        Some(match data {
            Data::Empty => return None,
            Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) if s.is_empty() => return None,
            Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Value::Text(s),
            Data::Int(i) => Value::Int(*i),
            Data::Float(f) => Value::Float(*f),
            Data::Bool(b) => Value::Bool(*b),
            Data::DateTime(d) => Value::Date(*d),
            Data::Error(e) => Value::Error(e),
        })
    }

    fn of_ref(data: &'a DataRef<'a>) -> Option<Value<'a>> {
        Some(match data {
            DataRef::Empty => return None,
            DataRef::SharedString("") => return None,
            DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) if s.is_empty() => return None,
            DataRef::SharedString(s) => Value::Text(s),
            DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Value::Text(s),
            DataRef::Int(i) => Value::Int(*i),
            DataRef::Float(f) => Value::Float(*f),
            DataRef::Bool(b) => Value::Bool(*b),
            DataRef::DateTime(d) => Value::Date(*d),
            DataRef::Error(e) => Value::Error(e),
        })
    }

    fn write(&self, out: &mut Vec<u8>) {
        match self {
            Value::Text(s) => push_text(out, s),
            Value::Int(i) => out.extend_from_slice(itoa::Buffer::new().format(*i).as_bytes()),
            Value::Float(f) => push_number(out, *f),
            Value::Bool(true) => out.extend_from_slice(b"TRUE"),
            Value::Bool(false) => out.extend_from_slice(b"FALSE"),
            Value::Date(d) if d.is_duration() => push_number(out, d.as_f64()),
            Value::Date(d) => match serial_text(d.as_f64(), is_1904(d)) {
                Some(text) => out.extend_from_slice(text.as_bytes()),
                None => push_number(out, d.as_f64()),
            },
            Value::Error(e) => out.extend_from_slice(e.to_string().as_bytes()),
        }
    }
}

/// calamine keeps a date's system private; its `PartialEq` tells it.
fn is_1904(d: &ExcelDateTime) -> bool {
    let kind = if d.is_duration() { ExcelDateTimeType::TimeDelta } else { ExcelDateTimeType::DateTime };
    *d == ExcelDateTime::new(d.as_f64(), kind, true)
}

/// A number as the shortest decimal that reads back as it, without
/// exponent (Rust's `Display` for `f64`); `-0` as `0`; `NaN` when it is
/// not finite.
fn push_number(out: &mut Vec<u8>, f: f64) {
    use std::io::Write;
    if !f.is_finite() {
        out.extend_from_slice(b"NaN");
    } else if f == 0.0 {
        out.push(b'0');
    } else if f.fract() == 0.0 && f.abs() < 9.007_199_254_740_992e15 {
        // An integer (2^53 and below are exact): the same digits, faster.
        out.extend_from_slice(itoa::Buffer::new().format(f as i64).as_bytes());
    } else {
        let _ = write!(out, "{f}");
    }
}

/// A text field, quoted when it holds `,`, `"`, CR or LF.
fn push_text(out: &mut Vec<u8>, s: &str) {
    let b = s.as_bytes();
    if memchr::memchr3(b',', b'"', b'\n', b).is_none() && memchr::memchr(b'\r', b).is_none() {
        out.extend_from_slice(b);
        return;
    }
    out.push(b'"');
    for part in b.split_inclusive(|&c| c == b'"') {
        out.extend_from_slice(part);
        if part.last() == Some(&b'"') {
            out.push(b'"');
        }
    }
    out.push(b'"');
}

/// Days from 1970-01-01 to 1899-12-30, the day before serial 1 − 1 in the
/// 1900 system's days from 1900-03-01 on (serial 61 is 1900-03-01).
const EPOCH_1900: Day = -25_569;
/// Days from 1970-01-01 to 1904-01-01 (serial 0 of the 1904 system).
const EPOCH_1904: Day = -24_107;
/// The last serial Excel shows as a date in each system (9999-12-31).
const LAST_1900: u64 = 2_958_465;
const LAST_1904: u64 = LAST_1900 - 1_462;

/// The text of an Excel date serial: `YYYY-MM-DD`, or
/// `YYYY-MM-DD HH:MM:SS` when the time, rounded to the second, is not
/// midnight; `None` (the shell writes the number) for a negative serial or
/// one past 9999-12-31.
///
/// The 1900 system (`date1904` false) counts 1900-01-01 as 1 and keeps
/// Lotus 1-2-3's phantom 1900-02-29 as serial 60, written as Excel shows
/// it, `1900-02-29` (not a date: the reader counts it as a date that does
/// not parse, a data-quality warning, rather than move it to a real day);
/// serials 1–59 are the days before it, 61 is 1900-03-01. Its day 0
/// (Excel's `1900-01-00`) holds times without a date: `HH:MM:SS` alone.
/// The 1904 system counts 1904-01-01 as 0.
pub fn serial_text(serial: f64, date1904: bool) -> Option<String> {
    // Negative, or NaN.
    if serial.is_nan() || serial < 0.0 {
        return None;
    }
    let seconds = (serial * 86_400.0).round();
    let last = if date1904 { LAST_1904 } else { LAST_1900 };
    if seconds >= ((last + 1) * 86_400) as f64 {
        return None;
    }
    let seconds = seconds as u64;
    let (days, time) = (seconds / 86_400, seconds % 86_400);
    let mut text = String::with_capacity(19);
    let clock = |text: &mut String| {
        use std::fmt::Write;
        let _ = write!(text, "{:02}:{:02}:{:02}", time / 3600, time / 60 % 60, time % 60);
    };
    let day = match (date1904, days) {
        (true, d) => EPOCH_1904 + d as Day,
        (false, 0) => {
            clock(&mut text);
            return Some(text);
        }
        (false, 60) => {
            text.push_str("1900-02-29");
            if time > 0 {
                text.push(' ');
                clock(&mut text);
            }
            return Some(text);
        }
        (false, d @ 1..=59) => EPOCH_1900 + 1 + d as Day,
        (false, d) => EPOCH_1900 + d as Day,
    };
    let (y, m, d) = civil_from_day(day);
    {
        use std::fmt::Write;
        let _ = write!(text, "{y:04}-{m:02}-{d:02}");
    }
    if time > 0 {
        text.push(' ');
        clock(&mut text);
    }
    Some(text)
}

/// Why a sheet is no longer read.
enum Stop {
    /// Its first rows hold no header.
    NoHeader(Error),
    /// A cell before one already written (the streamed `.xlsx` reader).
    OutOfOrder,
}

/// Writes a sheet's cells, given in row order, as CSV lines, and decides
/// whether the sheet has a header once [`HEADER_LIMIT`] bytes are written
/// (or at the end).
struct SheetWriter<'o> {
    out: Vec<u8>,
    /// Each closed line's length, LF included (1: an empty row).
    lens: Vec<u32>,
    /// `(first line, width)`: lines from the first one on were padded to
    /// this many fields (until the next entry).
    widths: Vec<(usize, u32)>,
    /// Fields a row has: one past the last column with a value so far.
    width: u32,
    /// The open line's row, and fields written on it.
    open: Option<(u32, u32)>,
    /// Where the open line starts in `out`.
    line_start: usize,
    /// The first rows were found to hold a header (when they do not,
    /// writing stops).
    header: bool,
    options: &'o Options,
}

impl<'o> SheetWriter<'o> {
    fn new(options: &'o Options) -> Self {
        SheetWriter { out: Vec::new(), lens: Vec::new(), widths: Vec::new(), width: 0, open: None, line_start: 0, header: false, options }
    }

    /// Writes the cell at 0-based `(row, col)`.
    fn cell(&mut self, row: u32, col: u32, value: Value) -> Result<(), Stop> {
        let written = match self.open {
            Some((r, written)) if r == row => {
                if col < written {
                    return Err(Stop::OutOfOrder);
                }
                written
            }
            Some((r, _)) if row < r => return Err(Stop::OutOfOrder),
            _ => {
                self.close()?;
                if (row as usize) < self.lens.len() {
                    return Err(Stop::OutOfOrder);
                }
                // Empty rows (and the rows above the first) as empty lines.
                while self.lens.len() < row as usize {
                    self.out.push(b'\n');
                    self.lens.push(1);
                }
                self.open = Some((row, 0));
                self.line_start = self.out.len();
                0
            }
        };
        // Empty fields up to `col`, and the separator before it.
        let commas = (col - written) as usize + usize::from(written > 0);
        self.out.resize(self.out.len() + commas, b',');
        value.write(&mut self.out);
        self.open = Some((row, col + 1));
        self.width = self.width.max(col + 1);
        Ok(())
    }

    /// Closes the open line: pads it to the width, then LF.
    fn close(&mut self) -> Result<(), Stop> {
        let Some((_, written)) = self.open.take() else {
            return Ok(());
        };
        let start = self.line_start;
        self.out.resize(self.out.len() + (self.width - written) as usize, b',');
        self.out.push(b'\n');
        let len = self.out.len() - start;
        self.lens.push(u32::try_from(len).expect("a row's CSV is under 4 GiB"));
        if self.widths.last().is_none_or(|&(_, w)| w != self.width) {
            self.widths.push((self.lens.len() - 1, self.width));
        }
        if !self.header && self.out.len() >= HEADER_LIMIT {
            self.decide(false)?;
        }
        Ok(())
    }

    fn decide(&mut self, at_eof: bool) -> Result<(), Stop> {
        let prefix = &self.out[..self.out.len().min(HEADER_LIMIT)];
        match sniff_with(prefix, at_eof && self.out.len() <= HEADER_LIMIT, self.options) {
            Ok(_) => {
                self.header = true;
                Ok(())
            }
            Err(e) => Err(Stop::NoHeader(e)),
        }
    }

    /// The CSV and its line count, or why the sheet has no header.
    fn finish(mut self) -> Result<(Vec<u8>, u64), Error> {
        let closed = self.close();
        if let Err(Stop::NoHeader(e)) = closed {
            return Err(e);
        }
        self.pad();
        if !self.header {
            if let Err(Stop::NoHeader(e)) = self.decide(true) {
                return Err(e);
            }
        }
        let rows = self.lens.len() as u64;
        Ok((self.out, rows))
    }

    /// Pads the lines closed before the width grew to the final width, in
    /// place: from the end, each line moves right by the padding of the
    /// lines before it.
    fn pad(&mut self) {
        let width = self.width;
        let Some(&(settled, _)) = self.widths.last() else {
            return;
        };
        // Lines before `settled` were written narrower (the empty ones stay empty).
        let mut pads = Vec::with_capacity(settled);
        let mut entry = 0;
        for (i, &len) in self.lens[..settled].iter().enumerate() {
            while entry + 1 < self.widths.len() && self.widths[entry + 1].0 <= i {
                entry += 1;
            }
            pads.push(if len == 1 { 0 } else { (width - self.widths[entry].1) as usize });
        }
        let total: usize = pads.iter().sum();
        if total == 0 {
            return;
        }
        let old = self.out.len();
        let settled_at: usize = self.lens[..settled].iter().map(|&l| l as usize).sum();
        self.out.resize(old + total, b',');
        self.out.copy_within(settled_at..old, settled_at + total);
        // Lines settled-1 down to 0: `shift` is the padding of the lines
        // up to and including line i.
        let mut shift = total;
        let mut end = settled_at;
        for i in (0..settled).rev() {
            let len = self.lens[i] as usize;
            let start = end - len;
            let pad = pads[i];
            let before = shift - pad;
            // The line without its LF moves by `before`, then the padding, then LF.
            self.out.copy_within(start..end - 1, start + before);
            self.out[end - 1 + before..end - 1 + shift].fill(b',');
            self.out[end - 1 + shift] = b'\n';
            self.lens[i] += pad as u32;
            shift = before;
            end = start;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serials_in_both_date_systems() {
        let t = |s: f64, b: bool| serial_text(s, b);
        assert_eq!(t(1.0, false).as_deref(), Some("1900-01-01"));
        assert_eq!(t(59.0, false).as_deref(), Some("1900-02-28"));
        assert_eq!(t(60.0, false).as_deref(), Some("1900-02-29"));
        assert_eq!(t(61.0, false).as_deref(), Some("1900-03-01"));
        assert_eq!(t(45658.0, false).as_deref(), Some("2025-01-01"));
        assert_eq!(t(45658.5, false).as_deref(), Some("2025-01-01 12:00:00"));
        assert_eq!(t(45658.0 + 1.0 / 86_400.0 * 3_723.4, false).as_deref(), Some("2025-01-01 01:02:03"));
        assert_eq!(t(45_658.999_999_9, false).as_deref(), Some("2025-01-02"));
        assert_eq!(t(0.75, false).as_deref(), Some("18:00:00"));
        assert_eq!(t(2_958_465.0, false).as_deref(), Some("9999-12-31"));
        assert_eq!(t(2_958_466.0, false), None);
        assert_eq!(t(-1.0, false), None);
        assert_eq!(t(f64::NAN, false), None);
        assert_eq!(t(0.0, true).as_deref(), Some("1904-01-01"));
        assert_eq!(t(1.0, true).as_deref(), Some("1904-01-02"));
        assert_eq!(t(45658.0 - 1462.0, true).as_deref(), Some("2025-01-01"));
        assert_eq!(t(2_957_003.0, true).as_deref(), Some("9999-12-31"));
        assert_eq!(t(2_957_004.0, true), None);
    }

    /// calamine's own conversion agrees (its day 0 of 1900 is 1899-12-31,
    /// where we write the time alone).
    #[test]
    fn serials_agree_with_calamine() {
        for date1904 in [false, true] {
            let mut serial = 1.0;
            while serial < 2_957_000.0 {
                let d = ExcelDateTime::new(serial, ExcelDateTimeType::DateTime, date1904);
                let (y, m, day, h, min, s, _) = d.to_ymd_hms_milli();
                let want = if (h, min, s) == (0, 0, 0) {
                    format!("{y:04}-{m:02}-{day:02}")
                } else {
                    format!("{y:04}-{m:02}-{day:02} {h:02}:{min:02}:{s:02}")
                };
                assert_eq!(serial_text(serial, date1904).unwrap(), want, "{serial} {date1904}");
                assert_eq!(is_1904(&d), date1904);
                serial += 997.25;
            }
        }
    }

    #[test]
    fn kinds_from_bytes_and_names() {
        let mut ods = b"PK\x03\x04\x14\x00\x00\x00\x00\x00".to_vec();
        ods.resize(26, 0);
        ods.extend_from_slice(&[8, 0, 0, 0]);
        ods.extend_from_slice(b"mimetype");
        ods.extend_from_slice(ODS_MIMETYPE);
        assert_eq!(book_kind(&ods, ""), Some(BookKind::Ods));
        assert_eq!(book_kind(&ods, "x.xlsx"), Some(BookKind::Ods));
        let zip = b"PK\x03\x04\x14\x00\x00\x00\x08\x00rest";
        assert_eq!(book_kind(zip, ""), Some(BookKind::Xlsx));
        assert_eq!(book_kind(zip, "a.XLSM"), Some(BookKind::Xlsx));
        assert_eq!(book_kind(zip, "a.xlsb"), Some(BookKind::Xlsb));
        assert_eq!(book_kind(zip, "a.ods"), Some(BookKind::Ods));
        assert_eq!(book_kind(zip, "exports.zip"), None);
        assert_eq!(book_kind(&CFB_MAGIC, "a.xlsx"), Some(BookKind::Xls));
        assert_eq!(book_kind(b"campaign_id,date\n", "a.xlsx"), None);
        assert_eq!(book_kind(b"PK", "a.xlsx"), None);
    }

    #[test]
    fn text_fields_quoted_as_rfc_4180_says() {
        let q = |s: &str| {
            let mut out = Vec::new();
            push_text(&mut out, s);
            String::from_utf8(out).unwrap()
        };
        assert_eq!(q("plain text"), "plain text");
        assert_eq!(q("a,b"), "\"a,b\"");
        assert_eq!(q("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(q("two\nlines"), "\"two\nlines\"");
        assert_eq!(q("cr\r"), "\"cr\r\"");
    }

    #[test]
    fn numbers_shortest_and_without_exponent() {
        let n = |f: f64| {
            let mut out = Vec::new();
            push_number(&mut out, f);
            String::from_utf8(out).unwrap()
        };
        assert_eq!(n(12000.0), "12000");
        assert_eq!(n(45.5), "45.5");
        assert_eq!(n(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(n(1e-7), "0.0000001");
        assert_eq!(n(1e21), "1000000000000000000000");
        assert_eq!(n(-0.0), "0");
        assert_eq!(n(f64::INFINITY), "NaN");
    }

    /// Rows come out padded to the widest row, wherever it is, and line N
    /// is row N.
    #[test]
    fn rows_padded_to_the_widest_in_place() {
        let options = Options::default();
        let mut w = SheetWriter::new(&options);
        w.header = true; // no sniffing here
        let cells: &[(u32, u32, &str)] = &[(1, 0, "title"), (3, 1, "a"), (3, 2, "b"), (4, 0, "x,y"), (6, 4, "wide"), (7, 0, "z")];
        for &(r, c, s) in cells {
            w.cell(r, c, Value::Text(s)).ok().unwrap();
        }
        let (csv, rows) = w.finish().ok().unwrap();
        assert_eq!(String::from_utf8(csv).unwrap(), "\ntitle,,,,\n\n,a,b,,\n\"x,y\",,,,\n\n,,,,wide\nz,,,,\n");
        assert_eq!(rows, 8);
    }
}
