//! The result of aggregating one byte range, and exact merging of results
//! of adjacent ranges (what the workers and threads hand back).

use rustc_hash::FxHashMap;

use crate::agg::quality::Quality;
use crate::error::{Error, SkipKind, Skipped};
use crate::group::table::Table;
use crate::schema::field::Field;
use crate::schema::totals::Totals;

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

/// The first row of one kind of date evidence ([`crate::text::date`]:
/// a date that can only be day first, or only month first), and how many.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateProof {
    /// Rows with such a date.
    pub rows: u64,
    /// The first one's line (relative to the range until merged).
    pub line: u64,
    /// Its date cell, as written (trimmed, at most 40 bytes).
    pub text: String,
}

/// Dates that contradict the order a range was read in, or any evidence
/// when none was proven ([`crate::read::plan::DateChoice::report`]), by
/// kind; merged like the other counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DateEvidence {
    /// Dates that can only be day first (`13/01/2025`).
    pub day_first: Option<DateProof>,
    /// Dates that can only be month first (`01/13/2025`).
    pub month_first: Option<DateProof>,
}

impl DateEvidence {
    /// Counts a row at `line` whose date `text` carries `evidence`
    /// ([`crate::text::date::DAY_FIRST`], [`crate::text::date::MONTH_FIRST`]).
    #[cold]
    pub fn note(&mut self, evidence: u8, line: u64, text: &[u8]) {
        let kind = match evidence & crate::text::date::DAY_FIRST != 0 {
            true => &mut self.day_first,
            false => &mut self.month_first,
        };
        match kind {
            Some(p) => p.rows += 1,
            None => {
                let text = crate::text::number::trim(text);
                let text = String::from_utf8_lossy(&text[..text.len().min(40)]).into_owned();
                *kind = Some(DateProof { rows: 1, line, text });
            }
        }
    }

    /// Nothing was counted.
    pub fn is_empty(&self) -> bool {
        self.day_first.is_none() && self.month_first.is_none()
    }

    /// Adds the evidence of the range after this one (lines already shifted).
    fn append(&mut self, next: DateEvidence) {
        for (mine, theirs) in [(&mut self.day_first, next.day_first), (&mut self.month_first, next.month_first)] {
            match (mine.as_mut(), theirs) {
                (Some(m), Some(t)) => m.rows += t.rows,
                (None, t) => *mine = t,
                (Some(_), None) => {}
            }
        }
    }

    fn shift_lines(&mut self, shift: u64) {
        for p in [&mut self.day_first, &mut self.month_first].into_iter().flatten() {
            p.line += shift;
        }
    }
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
    /// The first skipped records (malformed ones; see `not_data`), lines
    /// relative to `start` (1 = the line at `start`) until merged into a
    /// whole-file result.
    pub examples: Vec<Skipped>,
    /// The first rows skipped as not data (total and footer rows, a
    /// repeated header: [`SkipKind::is_not_data`]), lines as in `examples`.
    pub not_data: Vec<Skipped>,
    /// Per-campaign totals: the range's campaign table itself, the one
    /// form they have from the reader to the report.
    pub campaigns: Table,
    /// Skipped data rows (total/footer rows excluded), up to [`REJECTED_LIMIT`].
    pub rejected: Vec<Rejected>,
    /// Skipped data rows beyond [`REJECTED_LIMIT`], counted only.
    pub rejected_omitted: u64,
    /// Strict mode stopped this range at a malformed row (the last example).
    pub strict_stopped: bool,
    /// The error that stopped this range before its end: a total that
    /// overflowed, a header repeated in another order, an id that is not
    /// UTF-8. Its line is relative like the examples' until merged. A
    /// range's error is only final once the range is known to start where
    /// the one before it ended: that is why it travels in the result (a
    /// range that started inside a quoted field is run again, error and
    /// all, [`crate::run_ranges`]). Nothing after it counts.
    pub halt: Option<Error>,
    /// Last campaign name seen per campaign id (files with both columns).
    pub names: FxHashMap<Box<[u8]>, Box<[u8]>>,
    /// Data-quality warnings about aggregated rows.
    pub quality: Quality,
    /// The input had a revenue column (merged with OR): without one,
    /// revenue sums are 0 and ROAS is absent, not zero.
    pub has_revenue: bool,
    /// Campaign keys are `platform` `\0` `id` ([`crate::run::files`]):
    /// several platforms loaded and kept apart. Never set on a range's
    /// result.
    pub platform_keys: bool,
    /// Keys of campaigns none of whose rows came from a file with a
    /// revenue column, when other files had one ([`crate::run::files`]):
    /// their revenue and ROAS are absent, not zero. Empty for a range.
    pub no_revenue: rustc_hash::FxHashSet<Box<[u8]>>,
    /// The daily series, when the plan asked for it (`agg::daily`).
    pub daily: Option<crate::group::day_key::Daily>,
    /// Dates that prove an order of day and month the range was not read
    /// in (or any, when none was proven): see [`DateEvidence`].
    pub dates: DateEvidence,
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

    /// The error that ends the run, once lines are numbered: the range's
    /// [`halt`](Self::halt), or in strict mode the first malformed row.
    pub fn stop_error(&self) -> Option<Error> {
        if let Some(err) = &self.halt {
            return Some(err.clone());
        }
        self.strict_stopped
            .then(|| self.examples.last().cloned())
            .flatten()
            .map(Error::Strict)
    }

    /// Nothing after this range counts: strict mode stopped it, or an error.
    pub fn stopped(&self) -> bool {
        self.strict_stopped || self.halt.is_some()
    }

    /// Rows skipped for any reason.
    pub fn rows_skipped(&self) -> u64 {
        self.skipped.iter().sum()
    }

    /// Adds one good row.
    #[inline]
    pub fn add_row(&mut self, campaign: &[u8], values: Totals) -> Result<(), Field> {
        self.rows_read += 1;
        self.rows_aggregated += 1;
        self.campaigns.add(campaign, &values)
    }

    /// Counts one skipped row; `example` builds its report line if still needed.
    pub fn skip_row(&mut self, kind: SkipKind, example: impl FnOnce() -> Skipped) {
        self.rows_read += 1;
        self.skipped[kind.class()] += 1;
        let list = match kind.is_not_data() {
            true => &mut self.not_data,
            false => &mut self.examples,
        };
        if list.len() < EXAMPLES {
            list.push(example());
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
        if self.stopped() {
            return Ok(()); // nothing after the first malformed row or error counts
        }
        if self.end != next.start {
            return Err(Error::NotContiguous {
                end: self.end,
                next_start: next.start,
            });
        }
        next.shift_lines(self.newlines);
        self.quality.append(std::mem::take(&mut next.quality), 0);
        for (list, more) in [(&mut self.examples, next.examples), (&mut self.not_data, next.not_data)] {
            let room = EXAMPLES.saturating_sub(list.len());
            list.extend(more.into_iter().take(room));
        }
        self.halt = next.halt.take();
        let room = REJECTED_LIMIT.saturating_sub(self.rejected.len());
        let extra = next.rejected.len().saturating_sub(room) as u64;
        self.rejected.extend(next.rejected.into_iter().take(room));
        self.rejected_omitted += next.rejected_omitted + extra;
        self.end = next.end;
        self.has_revenue |= next.has_revenue;
        self.platform_keys |= next.platform_keys;
        self.dates.append(std::mem::take(&mut next.dates));
        self.no_revenue.extend(std::mem::take(&mut next.no_revenue));
        self.strict_stopped = next.strict_stopped;
        self.newlines += next.newlines;
        self.rows_read += next.rows_read;
        self.rows_aggregated += next.rows_aggregated;
        for (a, b) in self.skipped.iter_mut().zip(next.skipped) {
            *a += b;
        }
        // Later in the file wins: the last name seen.
        self.names.extend(next.names);
        match (&mut self.daily, next.daily.take()) {
            (Some(d), Some(n)) => d.merge(n).map_err(|(field, key)| Error::merge_overflow(field, &key))?,
            (None, Some(n)) => self.daily = Some(n),
            _ => {}
        }
        // The smaller table is merged into the larger, slot by slot.
        if next.campaigns.size() > self.campaigns.size() {
            std::mem::swap(&mut self.campaigns, &mut next.campaigns);
        }
        self.campaigns.merge(next.campaigns).map_err(|(field, id)| Error::merge_overflow(field, &id))
    }

    /// Shifts example line numbers so that line 1 of the range is line
    /// `first_line` of the file.
    pub fn number_lines_from(&mut self, first_line: u64) {
        self.shift_lines(first_line - 1);
    }

    /// Adds `shift` to every line number this result holds.
    fn shift_lines(&mut self, shift: u64) {
        for ex in self.examples.iter_mut().chain(&mut self.not_data) {
            ex.line += shift;
        }
        for r in &mut self.rejected {
            r.line += shift;
        }
        if let Some(line) = self.halt.as_mut().and_then(Error::line_mut) {
            *line += shift;
        }
        self.quality.shift_lines(shift);
        self.dates.shift_lines(shift);
    }
}
