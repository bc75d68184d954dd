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

mod aggregator;
mod aliases;
mod codec;
pub mod date;
mod day_window;
mod error;
mod fast;
mod field;
mod job;
mod key;
mod number;
mod output;
mod partial;
mod plan;
mod quality;
mod rank;
pub mod record;
mod report;
pub mod schema;
mod split;
mod table;
mod totals;
mod transcode;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use aggregator::{Aggregator, Finished, Start};
pub use record::{RAW_LIMIT, RECORD_LIMIT};
pub use error::{Error, SkipKind, Skipped};
pub use field::Field;
pub use job::{aggregate_bytes, Job};
pub use number::{parse_count, parse_micros, NumError};
pub use output::{cell, csv_text_field, ranking_csv, HEADER};
pub use partial::{Partial, Rejected, EXAMPLES, REJECTED_LIMIT};
pub use plan::{only_blank_lines, sniff, sniff_with, still_blank, Encoding, Options, Plan, HEADER_LIMIT};
pub use quality::{Quality, Warn, Warned, PAIR_LIMIT, WARN_EXAMPLES};
pub use rank::{top_k, Ranked, Ranking, TopK};
pub use report::{rejected_records, rejected_row, rejected_row_tail, QualitySummary, Report, Summary, REJECTED_HEADER};
pub use split::{align, first_pass, run_range_in_memory, run_ranges, split_points, Align, Pass, RangeResult, Span};
pub use totals::{RowValues, Totals};
pub use transcode::Transcoder;
#[doc(hidden)]
pub use table::places_like_the_map;
