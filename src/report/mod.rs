//! The final result of a run: both rankings and what happened to every row.

pub mod campaign_list;
pub mod csv;
pub mod daily;
pub mod dates;
pub mod hints;
pub mod platforms;

use crate::agg::partial::{Partial, Rejected, REJECTED_LIMIT};
use crate::agg::quality::{Quality, Warn, Warned};
use crate::group::day_pairs::PAIR_LIMIT;
use crate::derive::rank::{RankSpec, Ranked, Ranking, TopK};
use crate::error::{SkipKind, Skipped};
use crate::read::plan::Plan;
use crate::report::csv::{csv_text_field, kpi_csv, push_csv_text_field, ranking_csv_with};
use crate::run::files::split_platform_key;
use crate::schema::metric::{Metric, CPA, CTR, METRICS};
use crate::text::encoding::Encoding;

/// Counters and examples describing a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Data records seen (blank lines excluded).
    pub rows_read: u64,
    /// Records added to a campaign.
    pub rows_aggregated: u64,
    /// Records skipped.
    pub rows_skipped: u64,
    /// Skipped records by reason, most frequent first.
    pub skipped_by_reason: Vec<(String, u64)>,
    /// The first skipped malformed records (`line N: reason`), in file order.
    pub first_skipped: Vec<Skipped>,
    /// The first rows skipped as not data (total and footer rows, a
    /// repeated header), with their lines, so that a user sees what was
    /// left out of the rankings.
    pub not_data: Vec<Skipped>,
    /// Distinct campaigns.
    pub campaigns: u64,
    /// Bytes of the file read.
    pub bytes: u64,
    /// The header's column names.
    pub header: Vec<String>,
    /// 1-based line of the header row.
    pub header_line: u64,
    /// Rows above the header that were skipped (report titles...).
    pub preamble_rows: u64,
    /// Detected (or forced) text encoding.
    pub encoding: String,
    /// Detected (or forced) delimiter, as a word for `\t`.
    pub delimiter: String,
    /// `field -> column` as used.
    pub mapping: Vec<(String, String)>,
    /// Notes for the user that are not errors (e.g. no data rows).
    pub warnings: Vec<String>,
    /// Data-quality warnings about rows that were aggregated.
    pub quality: QualitySummary,
    /// The order of day and month the dates were read in, how it was
    /// chosen and the dates that prove one ([`dates::DateOutcome`]; its
    /// [`asked`](dates::DateOutcome::asked) is the case to ask the user).
    pub dates: dates::DateOutcome,
}

/// Data-quality warnings of a run ([`crate::agg::quality`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QualitySummary {
    /// Rows per kind of warning, in [`Warn::ALL`] order.
    pub counts: Vec<(Warn, u64)>,
    /// The first examples of each kind: `line 12: CMP001: clicks 300 > impressions 200`.
    pub examples: Vec<String>,
    /// The file has a date column (else dates and duplicates are not checked).
    pub dates_checked: bool,
    /// Too many distinct (campaign, date) pairs to remember them all: the
    /// duplicate count is a lower bound.
    pub duplicates_capped: bool,
}

impl QualitySummary {
    fn new(quality: Quality, plan: &Plan) -> QualitySummary {
        let text = |b: &[u8]| String::from_utf8_lossy(&plan.encoding.to_utf8(b)).into_owned();
        let mut examples = quality.examples;
        examples.sort_by(Warned::order);
        QualitySummary {
            counts: Warn::ALL
                .iter()
                .map(|&k| (k, quality.counts[k.index()]))
                .collect(),
            examples: examples
                .iter()
                .map(|w| match w.kind {
                    Warn::Duplicate => {
                        format!(
                            "line {}: {} on {}, as on line {}",
                            w.line,
                            text(&w.campaign),
                            w.detail,
                            w.earlier
                        )
                    }
                    _ => format!("line {}: {}: {}", w.line, text(&w.campaign), w.detail),
                })
                .collect(),
            dates_checked: plan.date_column.is_some(),
            duplicates_capped: quality.pairs.capped(),
        }
    }

    /// Rows with at least one warning of some kind (a row may count twice).
    pub fn total(&self) -> u64 {
        self.counts.iter().map(|(_, n)| n).sum()
    }
}

/// What a report computes besides the summary: the rankings, and whether
/// to keep every campaign (`all_campaigns.csv`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportOptions {
    /// The rankings, in this order.
    pub rankings: Vec<RankSpec>,
    /// Keep every campaign with its totals ([`Report::all`]), by id.
    pub all: bool,
}

impl ReportOptions {
    /// The FV-SEC001 default: the top `k` of each of [`METRICS`] (CTR,
    /// CPA), natural direction, no guardrails, no list of all campaigns.
    pub fn fv_sec001(k: usize) -> ReportOptions {
        ReportOptions { rankings: METRICS.iter().map(|&m| RankSpec::new(m, k)).collect(), all: false }
    }
}

/// Rankings plus summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// One ranking per [`ReportOptions::rankings`] (by default, per metric
    /// of [`METRICS`]), in that order.
    pub rankings: Vec<Ranking>,
    /// Every campaign, by id ascending in byte order, when
    /// [`ReportOptions::all`] asked for it.
    pub all: Option<Vec<Ranked>>,
    /// Some input had a revenue column: without one, `total_revenue` and
    /// ROAS are empty (absent, not zero) and ROAS is never ranked.
    pub has_revenue: bool,
    /// The input has a campaign-name column beside the id: the KPI files
    /// carry `campaign_name` after `campaign_id`.
    pub has_names: bool,
    /// Several platforms were loaded and kept apart: every ranked row has
    /// its platform, and the ranking files carry `platform` first.
    pub has_platforms: bool,
    /// What happened to every row.
    pub summary: Summary,
    /// Skipped data rows for `rejected_rows.csv` (absolute lines).
    pub rejected: Vec<Rejected>,
    /// Skipped data rows not listed (beyond the limit).
    pub rejected_omitted: u64,
    /// The error that stopped the run: strict mode's first malformed row,
    /// or a total that overflowed, a header repeated in another order, an
    /// id that is not UTF-8 ([`Partial::halt`]), with its line.
    pub stop_error: Option<crate::Error>,
    encoding: Encoding,
}

impl Report {
    /// Ranks the merged result of a whole file (`partial` must start at
    /// `plan.data_start`), keeping the top `k` of each ranking.
    pub fn new(plan: &Plan, partial: Partial, k: usize) -> Report {
        Report::build(plan, partial, &ReportOptions::fv_sec001(k))
    }

    /// Ranks the merged result of a whole file as `options` ask. A ranking
    /// by a metric that needs revenue (ROAS) when no input had a revenue
    /// column has no rows (the shells say why, see [`Report::has_revenue`]).
    pub fn with_options(plan: &Plan, partial: Partial, options: &ReportOptions) -> Report {
        Report::build(plan, partial, options)
    }

    fn build(plan: &Plan, mut partial: Partial, options: &ReportOptions) -> Report {
        let has_revenue = partial.has_revenue || plan.has_revenue();
        partial.number_lines_from(plan.data_start_line);
        let mut skipped_by_reason: Vec<(String, u64)> = partial
            .skipped
            .iter()
            .enumerate()
            .filter(|(_, &n)| n > 0)
            .map(|(class, &n)| (SkipKind::class_label(class), n))
            .collect();
        skipped_by_reason.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let mut warnings = plan.header_warnings.clone();
        if partial.rows_read == 0 {
            warnings.push("the file has a header but no data rows".to_string());
        } else if partial.rows_aggregated == 0 {
            warnings.push(
                "no row could be used: every data row was skipped (see the reasons)".to_string(),
            );
        }
        let encoding = plan.encoding;
        // Every ranking, the list and the count in one pass over the campaigns.
        let mut tops: Vec<TopK> = options
            .rankings
            .iter()
            .map(|&spec| match spec.metric.needs_optional() && !has_revenue {
                true => TopK::with_spec(RankSpec { top: 0, ..spec }), // absent: nothing is defined
                false => TopK::with_spec(spec),
            })
            .collect();
        let absent: Vec<bool> = options.rankings.iter().map(|s| s.metric.needs_optional() && !has_revenue).collect();
        let needs_revenue: Vec<bool> = options.rankings.iter().map(|s| s.metric.needs_optional()).collect();
        let check_revenue = !partial.no_revenue.is_empty();
        let mut all = options.all.then(Vec::new);
        let mut count = 0usize;
        partial.campaigns.for_each(|id, t| {
            count += 1;
            // Windows-1252 and Shift_JIS ids are ranked (and tied) by their
            // UTF-8 text; Windows-1252's decoding is one-to-one, so ids stay
            // distinct (Shift_JIS's too, but for byte pairs with no
            // character, U+FFFD, and the few duplicate CP932 codes of one
            // character).
            let text = encoding.to_utf8(id);
            let id = &text[..];
            // Revenue absent for this campaign (several files): not ranked
            // by a metric that needs it.
            if check_revenue && partial.no_revenue.contains(id) {
                for ((top, &absent), &needs) in tops.iter_mut().zip(&absent).zip(&needs_revenue) {
                    if !absent && !needs {
                        top.offer(id, t);
                    }
                }
            } else {
                for (top, &absent) in tops.iter_mut().zip(&absent) {
                    if !absent {
                        top.offer(id, t);
                    }
                }
            }
            if let Some(all) = &mut all {
                all.push(Ranked { campaign_id: id.into(), totals: *t, name: None, platform: None, revenue_absent: false });
            }
        });
        if let Some(all) = &mut all {
            all.sort_unstable_by(|a, b| a.campaign_id.cmp(&b.campaign_id));
        }
        let names: rustc_hash::FxHashMap<Box<[u8]>, Box<[u8]>> = std::mem::take(&mut partial.names)
            .into_iter()
            .map(|(id, name)| match encoding.legacy() {
                true => (encoding.to_utf8(&id).into_owned().into(), encoding.to_utf8(&name).into_owned().into()),
                false => (id, name),
            })
            .collect();
        let by_platform = partial.platform_keys;
        let no_revenue = std::mem::take(&mut partial.no_revenue);
        // Names by key; then a key of several platforms split into the
        // platform and the id.
        let with_names = |mut rows: Vec<Ranked>| {
            for r in &mut rows {
                r.name = names.get(&r.campaign_id).cloned();
                r.revenue_absent = !no_revenue.is_empty() && no_revenue.contains(&r.campaign_id);
                if by_platform {
                    let (platform, id) = split_platform_key(&r.campaign_id);
                    r.platform = platform;
                    r.campaign_id = id.into();
                }
            }
            rows
        };
        Report {
            stop_error: partial.stop_error(),
            rejected: std::mem::take(&mut partial.rejected),
            rejected_omitted: partial.rejected_omitted,
            encoding: plan.encoding,
            rankings: tops
                .into_iter()
                .map(|top| {
                    let mut ranking = top.into_ranking();
                    ranking.rows = with_names(std::mem::take(&mut ranking.rows));
                    ranking
                })
                .collect(),
            all: all.map(with_names),
            has_revenue,
            has_names: plan.name_column.is_some(),
            has_platforms: by_platform,
            summary: Summary {
                rows_read: partial.rows_read,
                rows_aggregated: partial.rows_aggregated,
                rows_skipped: partial.rows_skipped(),
                skipped_by_reason,
                first_skipped: std::mem::take(&mut partial.examples),
                not_data: std::mem::take(&mut partial.not_data),
                campaigns: count as u64,
                bytes: partial.end,
                header: plan.header.clone(),
                header_line: plan.header_line,
                preamble_rows: plan.preamble_rows,
                encoding: plan.encoding.name().to_string(),
                delimiter: match plan.delimiter {
                    b'\t' => "tab".to_string(),
                    d => (d as char).to_string(),
                },
                mapping: plan.mapping(),
                warnings,
                quality: QualitySummary::new(std::mem::take(&mut partial.quality), plan),
                dates: dates::date_outcome(plan, &partial.dates),
            },
        }
    }

    /// The ranking by `metric` (one of [`METRICS`]), best first.
    pub fn ranking(&self, metric: &Metric) -> &[Ranked] {
        self.rankings.iter().find(|r| r.metric == metric).map_or(&[], |r| &r.rows)
    }

    /// The ranking file for `metric`: `top10_<key>.csv`'s contents.
    pub fn ranking_csv(&self, metric: &Metric) -> String {
        ranking_csv_with(self.ranking(metric), self.has_platforms)
    }

    /// A ranking in the FV-SEC001 format (`top10_ctr.csv`), with
    /// `platform` first when several platforms were kept apart.
    pub fn standard_ranking_csv(&self, ranking: &Ranking) -> String {
        ranking_csv_with(&ranking.rows, self.has_platforms)
    }

    /// A ranking in the KPI format (`top{N}_{metric}.csv` asked for by
    /// metric): [`crate::KPI_HEADER`], with `campaign_name` when the input
    /// has names.
    pub fn kpi_ranking_csv(&self, ranking: &Ranking) -> String {
        kpi_csv(&ranking.rows, self.has_revenue, self.has_names, self.has_platforms)
    }

    /// `all_campaigns.csv`: every campaign with every KPI, by id (empty
    /// but for its header unless [`ReportOptions::all`] asked for it).
    pub fn all_campaigns_csv(&self) -> String {
        kpi_csv(self.all.as_deref().unwrap_or(&[]), self.has_revenue, self.has_names, self.has_platforms)
    }

    /// Lines for the summary about the KPIs: why ROAS is absent, and per
    /// ranking its direction, guardrails and how many campaigns they
    /// removed.
    pub fn kpi_notes(&self) -> Vec<String> {
        let mut out = Vec::new();
        if !self.has_revenue {
            out.push(
                "ROAS: absent (total_revenue and ROAS empty): the input has no revenue column \
                 (revenue, Conv. value, Purchases conversion value, ...; or --map revenue=COLUMN)"
                    .to_string(),
            );
        }
        for r in &self.rankings {
            let g = &r.spec.guardrails;
            let mut rails = Vec::new();
            for (sum, label) in [
                (crate::Sum::Impressions, "impressions"),
                (crate::Sum::Clicks, "clicks"),
                (crate::Sum::Conversions, "conversions"),
                (crate::Sum::Spend, "spend"),
                (crate::Sum::Revenue, "revenue"),
            ] {
                let min = g.min[sum];
                if min > 0 {
                    let value = match sum.scale() {
                        1 => min.to_string(),
                        scale => {
                            let frac = format!("{:06}", min % scale);
                            let frac = frac.trim_end_matches('0');
                            match frac.is_empty() {
                                true => (min / scale).to_string(),
                                false => format!("{}.{frac}", min / scale),
                            }
                        }
                    };
                    rails.push(format!("{label} >= {value}"));
                }
            }
            let rails = match rails.is_empty() {
                true => "no guardrails".to_string(),
                false => format!("guardrails {}: removed {} campaigns", rails.join(", "), r.removed),
            };
            let absent = match r.metric.needs_optional() && !self.has_revenue {
                true => " (absent: no revenue column)",
                false => "",
            };
            out.push(format!(
                "ranking {} {}: top {} of {} eligible, {rails}{absent}",
                r.metric.key,
                r.spec.better.name(),
                r.rows.len(),
                r.eligible
            ));
        }
        out
    }

    /// `top10_ctr.csv` contents.
    pub fn ctr_csv(&self) -> String {
        self.ranking_csv(&CTR)
    }

    /// `top10_cpa.csv` contents.
    pub fn cpa_csv(&self) -> String {
        self.ranking_csv(&CPA)
    }

    /// `rejected_rows.csv`: `line,reason,raw_line` for every skipped data
    /// row (raw line cut to 1 KiB), safe to open in a spreadsheet.
    pub fn rejected_csv(&self) -> String {
        let mut out = String::from(REJECTED_HEADER);
        for r in &self.rejected {
            out.push_str(&rejected_row(self.encoding, r.line, &r.reason, &r.raw));
        }
        if self.rejected_omitted > 0 {
            let note = format!(
                "{} more rejected rows not listed (limit {REJECTED_LIMIT})",
                self.rejected_omitted
            );
            out.push_str(&format!(",{},\n", csv_text_field(note.as_bytes())));
        }
        out
    }
}

/// The header line of `rejected_rows.csv`.
pub const REJECTED_HEADER: &str = "line,reason,raw_line\n";

/// One line of `rejected_rows.csv` (with its `\n`), for shells that write
/// rejected rows as they come: the raw bytes are decoded from the file's
/// `encoding` and every cell is spreadsheet-safe.
pub fn rejected_row(encoding: Encoding, line: u64, reason: &str, raw: &[u8]) -> String {
    let mut out = line.to_string();
    push_rejected_row_tail(&mut out, encoding, reason, raw);
    out
}

/// [`rejected_row`] without its line number: `,reason,raw\n`.
pub fn rejected_row_tail(encoding: Encoding, reason: &str, raw: &[u8]) -> String {
    let mut out = String::with_capacity(reason.len() + raw.len() + 8);
    push_rejected_row_tail(&mut out, encoding, reason, raw);
    out
}

/// [`rejected_row_tail`] appended to `out`.
fn push_rejected_row_tail(out: &mut String, encoding: Encoding, reason: &str, raw: &[u8]) {
    let decoded = encoding.to_utf8(raw);
    let raw = &decoded[..];
    out.push(',');
    push_csv_text_field(out, reason.as_bytes());
    out.push(',');
    push_csv_text_field(out, raw);
    out.push('\n');
}

/// Rejected rows as records for a shell that numbers their lines later
/// (`www/core/rejected.js`): per row, its line as two little-endian `u32`s (low,
/// high), the byte length of its [`rejected_row_tail`] as a `u32`, then the tail.
pub fn rejected_records(encoding: Encoding, rows: &[Rejected]) -> Vec<u8> {
    let size: usize = rows.iter().map(|r| 24 + r.reason.len() + r.raw.len()).sum();
    let mut out = String::with_capacity(size);
    let mut heads = Vec::with_capacity(rows.len());
    for r in rows {
        // A 12-byte head (filled in below: the tail's length is known after it).
        let at = out.len();
        out.push_str("............");
        push_rejected_row_tail(&mut out, encoding, &r.reason, &r.raw);
        heads.push((at, r.line));
    }
    let mut out = out.into_bytes();
    for (i, &(at, line)) in heads.iter().enumerate() {
        let end = heads.get(i + 1).map_or(out.len(), |&(next, _)| next);
        let head = &mut out[at..at + 12];
        head[..4].copy_from_slice(&(line as u32).to_le_bytes());
        head[4..8].copy_from_slice(&((line >> 32) as u32).to_le_bytes());
        head[8..].copy_from_slice(&((end - at - 12) as u32).to_le_bytes());
    }
    out
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mapping: Vec<String> = self
            .mapping
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        writeln!(
            f,
            "input:           {}, delimiter {}, header on line {}",
            self.encoding, self.delimiter, self.header_line
        )?;
        writeln!(f, "columns:         {}", mapping.join(", "))?;
        if let Some(note) = self.dates.note() {
            writeln!(f, "dates:           {note}")?;
        }
        if self.preamble_rows > 0 {
            writeln!(
                f,
                "skipped above the header: {} rows (report title, date range...)",
                self.preamble_rows
            )?;
        }
        writeln!(f, "rows read:       {}", self.rows_read)?;
        writeln!(f, "rows aggregated: {}", self.rows_aggregated)?;
        writeln!(f, "rows skipped:    {}", self.rows_skipped)?;
        for (reason, n) in &self.skipped_by_reason {
            writeln!(f, "  {n:>12}  {reason}")?;
        }
        writeln!(f, "campaigns:       {}", self.campaigns)?;
        if !self.first_skipped.is_empty() {
            writeln!(f, "first skipped rows:")?;
            for s in &self.first_skipped {
                writeln!(f, "  {s}")?;
            }
        }
        if !self.not_data.is_empty() {
            writeln!(f, "skipped as not data (total rows, repeated headers):")?;
            for s in &self.not_data {
                writeln!(f, "  {s}")?;
            }
        }
        let q = &self.quality;
        if q.total() == 0 {
            writeln!(f, "data-quality warnings: none")?;
        } else {
            writeln!(f, "data-quality warnings (rows kept):")?;
            for (kind, n) in q.counts.iter().filter(|(_, n)| *n > 0) {
                writeln!(f, "  {n:>12}  {}", kind.label())?;
            }
            writeln!(f, "first warnings:")?;
            for e in &q.examples {
                writeln!(f, "  {e}")?;
            }
        }
        if !q.dates_checked {
            writeln!(
                f,
                "note: no date column: dates and duplicate (campaign, date) rows not checked"
            )?;
        }
        if q.duplicates_capped {
            writeln!(f, "note: over {PAIR_LIMIT} distinct (campaign, date) pairs in a part of the file: duplicates after that not checked")?;
        }
        for w in &self.warnings {
            writeln!(f, "warning: {w}")?;
        }
        Ok(())
    }
}

/// Aggregates a whole file held in memory and ranks the top `k`.
pub fn aggregate_bytes(bytes: &[u8], k: usize) -> Result<Report, crate::Error> {
    let mut job = crate::Job::new();
    job.feed(bytes)?;
    let (plan, partial) = job.finish()?;
    Ok(Report::new(&plan, partial, k))
}
