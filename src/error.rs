//! Errors: fatal ones that stop a run ([`Error`]) and the reasons a single
//! data row is skipped ([`SkipKind`]).

use std::fmt;

use crate::schema::field::Field;
use crate::schema::totals::{Sum, SUMS};

/// A problem that stops the whole run: nothing is computed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The input has no bytes (or only blank lines).
    Empty,
    /// No complete header record within the first `limit` bytes.
    HeaderTooLong {
        /// The limit in bytes.
        limit: usize,
    },
    /// The first `limit` bytes are blank lines, and more bytes follow (a
    /// file of blank lines only is [`Error::Empty`]).
    BlankLines {
        /// The limit in bytes.
        limit: usize,
    },
    /// Required columns that the header does not name.
    MissingColumns {
        /// The fields not found.
        missing: Vec<Field>,
        /// The header's column names.
        found: Vec<String>,
    },
    /// A campaign's total no longer fits in 64 bits.
    Overflow {
        /// The total that overflowed.
        field: Field,
        /// The campaign.
        campaign: String,
        /// The line of the row that made it overflow (relative to its range
        /// until the range results are merged); `None` when the total
        /// overflowed only as range results were merged, before the run
        /// that finds the line ([`Error::needs_line`]).
        line: Option<u64>,
    },
    /// A campaign id that is not valid UTF-8 in a file read as UTF-8 (its
    /// first MiB was): read on, distinct ids would print alike.
    NotUtf8 {
        /// The id, invalid bytes as `\xE9`.
        campaign: String,
        /// Its line (relative until merged), `None` until located.
        line: Option<u64>,
    },
    /// A line repeats the header's column names in another order (two
    /// exports joined): reading on by the first header's order would sum
    /// one column as another.
    HeaderReordered {
        /// The line (relative until merged).
        line: u64,
        /// The repeated header's column names.
        columns: Vec<String>,
    },
    /// Partial results that do not cover adjacent byte ranges.
    NotContiguous {
        /// End of the earlier range.
        end: u64,
        /// Start of the range after it.
        next_start: u64,
    },
    /// Bytes that are not a serialized partial result of this version.
    CorruptPartial,
    /// The shell could not read the input (file system or File API error).
    Read(String),
    /// Strict mode: the first malformed data row.
    Strict(Skipped),
}

impl Error {
    /// A total of campaign `id` overflowed while merging (no line to name).
    pub fn merge_overflow(field: Field, id: &[u8]) -> Error {
        Error::Overflow { field, campaign: String::from_utf8_lossy(id).into_owned(), line: None }
    }

    /// An id that is not valid UTF-8, its invalid bytes escaped.
    pub fn not_utf8(id: &[u8], line: Option<u64>) -> Error {
        Error::NotUtf8 { campaign: escape_invalid(id), line }
    }

    /// A problem found without its line (a total that overflowed only when
    /// ranges merged, an id found invalid in a range's table): the shell
    /// runs the file again in one pass that stops at it and names the line
    /// ([`crate::Pass::Locate`]).
    pub fn needs_line(&self) -> bool {
        matches!(self, Error::Overflow { line: None, .. } | Error::NotUtf8 { line: None, .. })
    }

    /// The line this error names, if any, for shifting relative lines.
    pub fn line_mut(&mut self) -> Option<&mut u64> {
        match self {
            Error::Overflow { line, .. } | Error::NotUtf8 { line, .. } => line.as_mut(),
            Error::HeaderReordered { line, .. } => Some(line),
            Error::Strict(row) => Some(&mut row.line),
            _ => None,
        }
    }
}

/// `bytes` as text, each byte of an invalid UTF-8 sequence as `\xE9`.
pub fn escape_invalid(mut bytes: &[u8]) -> String {
    let mut out = String::new();
    loop {
        match std::str::from_utf8(bytes) {
            Ok(s) => {
                out.push_str(s);
                return out;
            }
            Err(e) => {
                let (good, rest) = bytes.split_at(e.valid_up_to());
                out.push_str(std::str::from_utf8(good).unwrap_or_default());
                let bad = e.error_len().unwrap_or(rest.len());
                for b in &rest[..bad] {
                    out.push_str(&format!("\\x{b:02X}"));
                }
                bytes = &rest[bad..];
            }
        }
    }
}

/// The largest total of `field`: `18446744073709551615`, or for spend (in
/// micro-units) `18446744073709.551615`.
fn limit_of(field: Field) -> String {
    match field {
        Field::Spend => format!("{}.{:06}", u64::MAX / 1_000_000, u64::MAX % 1_000_000),
        _ => u64::MAX.to_string(),
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Empty => write!(f, "the file is empty: expected a header row such as campaign_id,date,impressions,clicks,spend,conversions"),
            Error::HeaderTooLong { limit } => write!(f, "no complete header row in the first {} KiB of the file", limit / 1024),
            Error::BlankLines { limit } => write!(f, "no header row in the first {} KiB of the file: only blank lines", limit / 1024),
            Error::MissingColumns { missing, found } => {
                let names: Vec<&str> = missing.iter().map(|m| m.name()).collect();
                let plural = if missing.len() == 1 { "column" } else { "columns" };
                write!(f, "header row: missing required {plural}: {}", names.join(", "))?;
                let shown: Vec<&str> = found.iter().take(20).map(|s| s.as_str()).collect();
                write!(f, " (the header has: {})", shown.join(", "))
            }
            Error::Overflow { field, campaign, line } => {
                if let Some(line) = line {
                    write!(f, "line {line}: ")?;
                }
                write!(f, "total {} of campaign {campaign:?} exceeds {}", field.name(), limit_of(*field))
            }
            Error::NotUtf8 { campaign, line } => {
                if let Some(line) = line {
                    write!(f, "line {line}: ")?;
                }
                write!(
                    f,
                    "campaign_id \"{campaign}\" is not valid UTF-8, though the start of the file is: \
                     read on, distinct ids would print alike. If the file is Windows-1252 (Excel's \
                     \"CSV\" on Windows), choose that encoding (CLI: --encoding windows-1252; \
                     page: Input format)"
                )
            }
            Error::HeaderReordered { line, columns } => write!(
                f,
                "line {line}: the header is repeated with its columns in another order ({}); \
                 two exports joined? adagg reads one column order per file: split the file at \
                 line {line}, or export both parts with the same columns",
                columns.join(",")
            ),
            Error::NotContiguous { end, next_start } => write!(
                f,
                "internal error: partial results do not meet (one ends at byte {end}, the next starts at {next_start})"
            ),
            Error::CorruptPartial => write!(f, "internal error: corrupt partial result"),
            Error::Read(msg) => write!(f, "cannot read the file: {msg}"),
            Error::Strict(row) => write!(f, "{row} (strict mode stops at the first malformed row)"),
        }
    }
}

impl std::error::Error for Error {}

/// Why a data row was skipped. Cheap to copy; the full message with the
/// offending value is built only for the rows that are reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SkipKind {
    /// The row has a different number of fields than the header.
    FieldCount {
        /// The header's field count.
        expected: usize,
        /// This record's field count.
        found: usize,
    },
    /// `campaign_id` is empty (after trimming spaces).
    EmptyCampaign,
    /// A metric is not a number (`abc`, `12.5` for a count, empty, ...).
    NotANumber(Field),
    /// A metric is negative.
    Negative(Field),
    /// A metric does not fit in 64 bits.
    TooLarge(Field),
    /// A total or footer row (`Total: Account`, a copyright line): never
    /// added to a campaign.
    Footer,
    /// The record is longer than the per-record limit.
    TooLong {
        /// The limit in bytes.
        limit: usize,
    },
    /// A line that repeats the header, columns in the same order (two
    /// exports joined with `cat`): not data, never added to a campaign.
    HeaderRepeat,
    /// A quoted field ran past the record limit or to the end of the file
    /// (a stray `"`): the record's first line is skipped and reading goes
    /// on at the line after it, so no more than that line is lost.
    Unterminated {
        /// The limit in bytes.
        limit: usize,
    },
}

/// The first [`SkipKind::class`] of each reason about a summed field (one
/// class per [`Sum`], in [`Sum::ALL`] order), and of the reasons after them.
const NOT_A_NUMBER: usize = 3;
const NEGATIVE: usize = NOT_A_NUMBER + SUMS;
const TOO_LARGE: usize = NEGATIVE + SUMS;
const FOOTER: usize = TOO_LARGE + SUMS;
const HEADER_REPEAT: usize = FOOTER + 1;
const UNTERMINATED: usize = HEADER_REPEAT + 1;

impl SkipKind {
    /// Number of distinct reason classes (see [`SkipKind::class`]).
    pub const CLASSES: usize = UNTERMINATED + 1;

    /// A dense index that groups reasons for counting: same class, same
    /// summary line (`clicks is not a number`), whatever the values.
    pub fn class(self) -> usize {
        let sum = |f: Field| Sum::of_field(f).expect("a summed field").index();
        match self {
            SkipKind::FieldCount { .. } => 0,
            SkipKind::EmptyCampaign => 1,
            SkipKind::TooLong { .. } => 2,
            SkipKind::NotANumber(f) => NOT_A_NUMBER + sum(f),
            SkipKind::Negative(f) => NEGATIVE + sum(f),
            SkipKind::TooLarge(f) => TOO_LARGE + sum(f),
            SkipKind::Footer => FOOTER,
            SkipKind::HeaderRepeat => HEADER_REPEAT,
            SkipKind::Unterminated { .. } => UNTERMINATED,
        }
    }

    /// The reason of `class` ([`SkipKind::class`]); `limit` and `found` are
    /// the values of the reasons that have them (a limit or an expected
    /// field count, and the count found). `None` for no class.
    pub fn from_class(class: usize, limit: usize, found: usize) -> Option<SkipKind> {
        let sum = |base: usize| Sum::ALL[class - base].field();
        Some(match class {
            0 => SkipKind::FieldCount { expected: limit, found },
            1 => SkipKind::EmptyCampaign,
            2 => SkipKind::TooLong { limit },
            c if c < NEGATIVE => SkipKind::NotANumber(sum(NOT_A_NUMBER)),
            c if c < TOO_LARGE => SkipKind::Negative(sum(NEGATIVE)),
            c if c < FOOTER => SkipKind::TooLarge(sum(TOO_LARGE)),
            FOOTER => SkipKind::Footer,
            HEADER_REPEAT => SkipKind::HeaderRepeat,
            UNTERMINATED => SkipKind::Unterminated { limit },
            _ => return None,
        })
    }

    /// Rows that are not data at all (total rows, a repeated header): listed
    /// apart from malformed rows, never in `rejected_rows.csv`, and never
    /// a reason for strict mode to stop.
    pub fn is_not_data(self) -> bool {
        matches!(self, SkipKind::Footer | SkipKind::HeaderRepeat)
    }

    /// The summary line of a class, as shown in "skipped by reason".
    pub fn class_label(class: usize) -> String {
        match SkipKind::from_class(class, 0, 0) {
            Some(SkipKind::FieldCount { .. }) => "wrong number of fields".into(),
            Some(SkipKind::EmptyCampaign) => "campaign_id is empty".into(),
            Some(SkipKind::TooLong { .. }) => "record too long".into(),
            Some(SkipKind::NotANumber(f)) => format!("{f} is not a number"),
            Some(SkipKind::Negative(f)) => format!("{f} is negative"),
            Some(SkipKind::TooLarge(f)) => format!("{f} is too large"),
            Some(SkipKind::Footer) => "total or footer row (never added to a campaign)".into(),
            Some(SkipKind::HeaderRepeat) => "header line repeated (files joined?)".into(),
            Some(SkipKind::Unterminated { .. }) => {
                "unterminated quote (line skipped, reading resumed on the next line)".into()
            }
            None => "unknown".into(),
        }
    }
}

impl fmt::Display for SkipKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            SkipKind::FieldCount { expected, found } => {
                write!(f, "expected {expected} fields, found {found}")
            }
            SkipKind::TooLong { limit } => write!(f, "record longer than {} KiB", limit / 1024),
            SkipKind::Unterminated { limit } => write!(
                f,
                "a quoted field opened on this line is not closed within {} KiB or before the end of the file (a stray \"?): this line is skipped, reading resumes on the next line",
                limit / 1024
            ),
            other => f.write_str(&SkipKind::class_label(other.class())),
        }
    }
}

/// One skipped row, as reported to the user: `line 12: clicks is not a number ("abc")`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// 1-based physical line where the record starts (relative to the start
    /// of its range until the partial results are merged).
    pub line: u64,
    /// The reason class.
    pub kind: SkipKind,
    /// The reason with the offending value.
    pub message: String,
}

impl fmt::Display for Skipped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}
