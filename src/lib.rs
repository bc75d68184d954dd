//! adagg: aggregates ad-performance CSV files (FV-SEC001:
//! `campaign_id,date,impressions,clicks,spend,conversions`) into per-campaign
//! totals and the top campaigns by CTR and by lowest CPA.
//!
//! The core is sans-IO: bytes in, aggregates out, no files, no JS, no clocks.
//!
//! ```
//! let csv = b"campaign_id,date,impressions,clicks,spend,conversions\n\
//!             CMP001,2025-01-01,12000,300,45.50,12\n";
//! let mut job = adagg::Job::new();
//! for chunk in csv.chunks(7) {
//!     job.feed(chunk).unwrap();
//! }
//! let (plan, partial) = job.finish().unwrap();
//! let report = adagg::Report::new(&plan, partial, 10);
//! assert!(report.ctr_csv().ends_with("CMP001,12000,300,45.50,12,0.0250,3.79\n"));
//! ```
//!
//! Parallel runs: [`sniff`] the header once, split the data into byte ranges
//! with [`split_points`], run one [`Aggregator`] per range
//! ([`Start::AfterNewline`] for all but the first), then
//! [`Partial::append`] the results in order and build a [`Report`].
#![deny(missing_docs)]

// Bottom layer first (tests/layers.rs keeps every use pointing down).
mod error;
mod text;
pub mod schema;
mod row;
mod group;
mod agg;
mod read;
pub mod unpack;
mod run;
mod derive;
mod report;
pub mod clicks;

pub use row::record;
pub use text::date;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use read::range::{Aggregator, Start};
pub use row::record::{RAW_LIMIT, RECORD_LIMIT};
pub use error::{Error, SkipKind, Skipped};
pub use schema::field::Field;
pub use run::job::{normalize_bytes, Job};
pub use run::files::{combine, platform_key, split_platform_key, Combined, FileResult, FileSummary, PlatformTotals};
pub use agg::normalize::NORMALIZED_HEADER;
pub use schema::platform::Platform;
pub use text::number::{parse_count, parse_micros, NumError};
pub use report::csv::{cell, csv_text_field, kpi_csv, ranking_csv, HEADER, KPI_HEADER, NAME_HEADER};
pub use agg::partial::{Partial, Rejected, EXAMPLES, REJECTED_LIMIT};
pub use read::plan::{only_blank_lines, sniff, sniff_with, still_blank, Options, Plan, HEADER_LIMIT};
pub use text::encoding::Encoding;
pub use text::date::DateOrder;
pub use read::plan::{DateChoice, DateHow};
pub use agg::partial::{DateEvidence, DateProof};
pub use report::dates::{date_outcome, DateOutcome};
pub use agg::quality::{Quality, Warn, Warned, WARN_EXAMPLES};
pub use group::day_pairs::PAIR_LIMIT;
pub use report::campaign_list::{CampaignList, NAME_KEY, PLATFORM_KEY};
pub use report::platforms::{files_text, platform_totals_csv, PLATFORM_TOTALS_HEADER};
pub use report::daily::{anomalies_csv, series_csv, ANOMALIES_HEADER, DAILY_HEADER};
pub use derive::series::{series, within_limit, within_limit_by_spend, Series};
pub use derive::anomaly::{anomalies, parse_threshold, Anomaly, AnomalyMetric, Threshold};
pub use agg::daily::{top_by_spend, Daily};
pub use derive::hints::{budget_hints, BudgetHint, BudgetHints, Hint, HintMetric, HintOptions, HintWindow, DEFAULT_HINT_MIN_CONVERSIONS, DEFAULT_HINT_MIN_SPEND, HIGH, HINT_WINDOWS, LOW, MIN_ELIGIBLE};
pub use report::hints::{budget_hint_cells, budget_hints_csv, budget_hints_text, BUDGET_HINTS_HEADER};
pub use read::plan::{DailyPlan, BROWSER_DAILY_LIMIT, DEFAULT_DAILY_LIMIT};
pub use derive::rank::{parse_minimum, parse_rank, rank, top_k, Guardrails, RankSpec, Ranked, Ranking, TopK};
pub use report::{aggregate_bytes, rejected_records, rejected_row, rejected_row_tail, QualitySummary, Report, ReportOptions, Summary, REJECTED_HEADER};
pub use run::split::{align, first_pass, run_range_in_memory, run_ranges, split_points, Align, Pass, RangeResult, Span};
pub use schema::metric::{metric_by_key, Better, Metric, KPIS, METRICS};
pub use schema::totals::{Sum, Totals};
pub use text::transcode::Transcoder;
#[doc(hidden)]
pub use group::table::places_like_the_map;
