//! Click logs (issue 17): raw click events from an ad server, CSV or
//! NDJSON, counted per ad in 1-minute, 5-minute and 1-hour windows,
//! exactly once per click id, with unique users (DataSketches HLL) and
//! rule-based fraud flags.
//!
//! Layers, bottom first: [`columns`] (names) and [`timestamp`] → [`json`]
//! → [`plan`] (the top of a file) → [`source`] (rows from chunks) →
//! [`valid`] (a row is a click or rejected) → [`keys`], [`rules`],
//! [`users`] → [`scan`] (pass 1) → [`settle`] (between the passes) →
//! [`tally`] (pass 2) → [`job`] (the passes over ranges), [`codec`]
//! (what the browser's workers exchange) → [`report`]
//! (the files) → [`stats`] (the query).
//!
//! ```
//! use adagg::clicks::{run_clicks, ClickOptions};
//! let log = b"{\"click_id\":\"c1\",\"ad_id\":\"a1\",\"user_id\":\"u1\",\"timestamp\":1736952000}\n\
//!             {\"click_id\":\"c1\",\"ad_id\":\"a1\",\"user_id\":\"u1\",\"timestamp\":1736952001}\n";
//! let report = run_clicks(log, &ClickOptions::default(), 1, 1 << 16).unwrap();
//! assert_eq!(report.window_csv(0).lines().nth(1), Some("a1,2025-01-15T14:40:00Z,1,1,1,0,"));
//! ```

pub mod codec;
pub mod columns;
pub mod job;
pub mod json;
pub mod keys;
pub mod plan;
pub mod report;
pub mod rules;
pub mod scan;
pub mod settle;
pub mod source;
pub mod stats;
pub mod tally;
pub mod timestamp;
pub mod users;
pub mod valid;

pub use job::{ClickOptions, RangeScan, RangeTally, BROWSER_ID_LIMIT, NATIVE_ID_LIMIT};
pub use plan::{click_split_points, sniff_clicks, ClickFormat, ClickPlan};
pub use report::ClickReport;
pub use stats::{stats_json, StatsQuery};

use crate::clicks::job::range_first_lines;
use crate::clicks::settle::settle;

/// Runs a whole log held in memory: `parts` ranges (fewer when short;
/// one when a CSV record spans a split), each fed in `chunk`-byte pieces.
/// Shells that read files run [`RangeScan`] and [`RangeTally`] themselves,
/// one range per thread or worker; this is the same sequence.
pub fn run_clicks(bytes: &[u8], options: &ClickOptions, parts: usize, chunk: usize) -> Result<ClickReport, String> {
    let prefix = &bytes[..bytes.len().min(1 << 20)];
    let plan = sniff_clicks(prefix, prefix.len() == bytes.len()).ok_or_else(not_a_click_log)?;
    let mut points = click_split_points(&plan, bytes.len() as u64, parts, |at| {
        memchr::memchr(b'\n', &bytes[at as usize..]).map(|i| at + i as u64)
    });
    let range = |points: &[u64], i: usize| &bytes[points[i] as usize..points[i + 1] as usize];
    let pass1 = |points: &[u64]| {
        (0..points.len() - 1)
            .map(|i| {
                let r = range(points, i);
                let mut s = RangeScan::new(&plan, options, i, r.len() as u64);
                for c in r.chunks(chunk.max(1)) {
                    s.feed(c);
                }
                s.finish()
            })
            .collect::<Vec<_>>()
    };
    let mut scans = pass1(&points);
    if scans.iter().rev().skip(1).any(|(_, _, open)| *open) {
        points = vec![points[0], bytes.len() as u64];
        scans = pass1(&points);
    }
    let lines: Vec<u64> = scans.iter().map(|(_, n, _)| *n).collect();
    let firsts = range_first_lines(&plan, &lines);
    let settled = settle(scans.into_iter().map(|(s, _, _)| s).collect(), options.id_limit, options.rules.velocity_max);
    let mut total: Option<tally::Tally> = None;
    for (i, first_line) in firsts.into_iter().enumerate() {
        let mut t = RangeTally::new(&plan, options, &settled, i, first_line);
        for c in range(&points, i).chunks(chunk.max(1)) {
            t.feed(c);
        }
        let t = t.finish();
        match &mut total {
            None => total = Some(t),
            Some(all) => all.append(t),
        }
    }
    let total = total.expect("at least one range");
    Ok(ClickReport::new(&plan, options, total, &settled))
}

/// The message for a file that is not a click log.
pub fn not_a_click_log() -> String {
    "not a click log: NDJSON (one JSON object per line) or a CSV whose header names an ad id (ad_id) and a timestamp (timestamp, ts, event_time or click_time)".into()
}
