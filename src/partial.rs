//! The result of aggregating one byte range, and exact merging of results
//! of adjacent ranges (what the workers and threads hand back).

use rustc_hash::FxHashMap;

use crate::error::{Error, SkipKind, Skipped};
use crate::field::Field;
use crate::quality::Quality;
use crate::totals::{RowValues, Totals};

/// How many skipped rows are kept as examples.
pub const EXAMPLES: usize = 20;

/// How many rejected rows are kept for `rejected_rows.csv` (each at most
/// [`crate::RAW_LIMIT`] bytes of raw text); the rest are only counted.
pub const REJECTED_LIMIT: usize = 100_000;

/// A skipped data row for `rejected_rows.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// 1-based physical line where the record starts (relative until merged).
    pub line: u64,
    /// Why it was skipped, with the offending value.
    pub reason: String,
    /// The record as written in the file, cut to 1 KiB.
    pub raw: Vec<u8>,
}

/// Records `name` (unless empty) as the last name seen for `campaign`.
pub fn set_name(names: &mut FxHashMap<Box<[u8]>, Box<[u8]>>, campaign: &[u8], name: &[u8]) {
    match names.get_mut(campaign) {
        _ if name.is_empty() => {}
        Some(n) if &n[..] == name => {}
        Some(n) => *n = name.into(),
        None => {
            names.insert(campaign.into(), name.into());
        }
    }
}

/// Totals keyed by campaign id (raw bytes, trimmed).
pub type CampaignMap = FxHashMap<Box<[u8]>, Totals>;

/// Aggregates and counters of one contiguous byte range of the file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Partial {
    /// First byte of the range (a record start).
    pub start: u64,
    /// One past the last byte consumed (a record boundary or end of file).
    pub end: u64,
    /// `\n` bytes in the range: physical lines, used to number lines.
    pub newlines: u64,
    /// Data records seen (blank lines excluded).
    pub rows_read: u64,
    /// Records added to a campaign.
    pub rows_aggregated: u64,
    /// Skipped records by reason class ([`SkipKind::class`]).
    pub skipped: [u64; SkipKind::CLASSES],
    /// The first skipped records, lines relative to `start` (1 = the line
    /// at `start`) until merged into a whole-file result.
    pub examples: Vec<Skipped>,
    /// Per-campaign totals.
    pub campaigns: CampaignMap,
    /// Skipped data rows (total/footer rows excluded), up to [`REJECTED_LIMIT`].
    pub rejected: Vec<Rejected>,
    /// Skipped data rows beyond [`REJECTED_LIMIT`], counted only.
    pub rejected_omitted: u64,
    /// Strict mode stopped this range at a malformed row (the last example).
    pub strict_stopped: bool,
    /// Last campaign name seen per campaign id (files with both columns).
    pub names: FxHashMap<Box<[u8]>, Box<[u8]>>,
    /// Data-quality warnings about aggregated rows.
    pub quality: Quality,
}

impl Partial {
    /// An empty result for a range starting at `start`.
    pub fn new(start: u64) -> Partial {
        Partial {
            start,
            end: start,
            ..Partial::default()
        }
    }

    /// Strict mode: the first malformed row, once lines are numbered.
    pub fn strict_error(&self) -> Option<Error> {
        self.strict_stopped
            .then(|| {
                self.examples
                    .iter()
                    .rev()
                    .find(|e| e.kind != SkipKind::Footer)
                    .cloned()
            })
            .flatten()
            .map(Error::Strict)
    }

    /// Rows skipped for any reason.
    pub fn rows_skipped(&self) -> u64 {
        self.skipped.iter().sum()
    }

    /// Adds one good row.
    #[inline]
    pub fn add_row(&mut self, campaign: &[u8], values: RowValues) -> Result<(), Field> {
        self.rows_read += 1;
        self.rows_aggregated += 1;
        let totals = Totals::from(values);
        match self.campaigns.get_mut(campaign) {
            Some(t) => t.add(&totals),
            None => {
                self.campaigns.insert(campaign.into(), totals);
                Ok(())
            }
        }
    }

    /// Counts one skipped row; `example` builds its report line if still needed.
    pub fn skip_row(&mut self, kind: SkipKind, example: impl FnOnce() -> Skipped) {
        self.rows_read += 1;
        self.skipped[kind.class()] += 1;
        if self.examples.len() < EXAMPLES {
            self.examples.push(example());
        }
    }

    /// Records `name` as the last name seen for `campaign`.
    pub fn set_name(&mut self, campaign: &[u8], name: &[u8]) {
        set_name(&mut self.names, campaign, name);
    }

    /// Keeps a rejected row for `rejected_rows.csv` (line breaks at its end dropped).
    pub fn reject(&mut self, line: u64, reason: String, raw: &[u8]) {
        self.reject_within(line, reason, raw, REJECTED_LIMIT);
    }

    /// [`reject`](Self::reject), keeping at most `limit` rows.
    pub fn reject_within(&mut self, line: u64, reason: String, raw: &[u8], limit: usize) {
        if self.rejected.len() >= limit {
            self.rejected_omitted += 1;
            return;
        }
        let mut raw = raw;
        while let [rest @ .., b'\r' | b'\n'] = raw {
            raw = rest;
        }
        self.rejected.push(Rejected {
            line,
            reason,
            raw: raw.to_vec(),
        });
    }

    /// Appends the result of the range that follows this one.
    pub fn append(&mut self, mut next: Partial) -> Result<(), Error> {
        if self.strict_stopped {
            return Ok(()); // nothing after the first malformed row counts
        }
        if self.end != next.start {
            return Err(Error::NotContiguous {
                end: self.end,
                next_start: next.start,
            });
        }
        for ex in &mut next.examples {
            ex.line += self.newlines;
        }
        self.quality
            .append(std::mem::take(&mut next.quality), self.newlines);
        let room = EXAMPLES.saturating_sub(self.examples.len());
        self.examples.extend(next.examples.into_iter().take(room));
        for r in &mut next.rejected {
            r.line += self.newlines;
        }
        let room = REJECTED_LIMIT.saturating_sub(self.rejected.len());
        let extra = next.rejected.len().saturating_sub(room) as u64;
        self.rejected.extend(next.rejected.into_iter().take(room));
        self.rejected_omitted += next.rejected_omitted + extra;
        self.end = next.end;
        self.strict_stopped = next.strict_stopped;
        self.newlines += next.newlines;
        self.rows_read += next.rows_read;
        self.rows_aggregated += next.rows_aggregated;
        for (a, b) in self.skipped.iter_mut().zip(next.skipped) {
            *a += b;
        }
        // Later in the file wins: the last name seen.
        self.names.extend(next.names);
        if next.campaigns.len() > self.campaigns.len() {
            std::mem::swap(&mut self.campaigns, &mut next.campaigns);
        }
        for (id, totals) in next.campaigns {
            match self.campaigns.get_mut(&id) {
                Some(t) => t.add(&totals).map_err(|field| Error::merge_overflow(field, &id))?,
                None => {
                    self.campaigns.insert(id, totals);
                }
            }
        }
        Ok(())
    }

    /// Shifts example line numbers so that line 1 of the range is line
    /// `first_line` of the file.
    pub fn number_lines_from(&mut self, first_line: u64) {
        for ex in &mut self.examples {
            ex.line += first_line - 1;
        }
        for r in &mut self.rejected {
            r.line += first_line - 1;
        }
        self.quality.shift_lines(first_line - 1);
    }
}
