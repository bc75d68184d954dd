//! Hostile and real-world inputs (issue 12), at the core's level: each one
//! run as one range and split into 2, 3 and 5 parallel ranges, fed in tiny
//! and large chunks. Every way must give the same outcome (rankings,
//! rejected rows, summary, or the same error with its line), and no row may
//! be lost or total changed without a message.

use adagg::{run_range_in_memory, run_ranges, sniff_with, split_points, Options, Partial, Pass, Report};

/// What a user sees: the two rankings, rejected_rows.csv and the summary,
/// or the error that stopped the run.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Done { ctr: String, cpa: String, rejected: String, summary: String },
    Failed(String),
}

fn outcome(input: &[u8], ranges: usize, chunk: usize) -> Outcome {
    outcome_with(input, ranges, chunk, false)
}

fn outcome_with(input: &[u8], ranges: usize, chunk: usize, strict: bool) -> Outcome {
    let options = Options { today: adagg::date::parse_date(b"2030-01-01"), strict, ..Options::default() };
    // As the shells do: the encoding and the header from the first MiB.
    let prefix = &input[..input.len().min(adagg::HEADER_LIMIT)];
    let plan = match sniff_with(prefix, prefix.len() == input.len(), &options) {
        Ok(Some(plan)) => plan,
        Ok(None) => return Outcome::Failed("no header".into()),
        Err(e) => return Outcome::Failed(e.to_string()),
    };
    let points = split_points(&plan, input.len() as u64, ranges);
    let run = |start, stop, pass| run_range_in_memory(&plan, input, start, stop, chunk, pass);
    let merged: Result<Partial, _> = run_ranges(&points, |jobs| jobs.into_iter().map(|(s, e)| run(s, e, Pass::Fast)).collect(), run);
    let report = match merged {
        Ok(partial) => Report::new(&plan, partial, 10),
        Err(e) => return Outcome::Failed(e.to_string()),
    };
    if let Some(err) = &report.stop_error {
        return Outcome::Failed(err.to_string());
    }
    Outcome::Done { ctr: report.ctr_csv(), cpa: report.cpa_csv(), rejected: report.rejected_csv(), summary: report.summary.to_string() }
}

/// The outcome, after checking that every split and chunking gives it.
fn every_way(input: &[u8]) -> Outcome {
    let chunks: &[usize] = if input.len() < 4096 { &[1, 2, 7, 64, usize::MAX] } else { &[3, 4096, 1 << 20, usize::MAX] };
    let first = outcome(input, 1, usize::MAX);
    for &ranges in &[1, 2, 3, 5] {
        for &chunk in chunks {
            assert_eq!(outcome(input, ranges, chunk), first, "{ranges} ranges, chunks of {chunk} bytes");
        }
    }
    first
}

const HEADER: &str = "campaign_id,date,impressions,clicks,spend,conversions\n";

fn repeat(line: &str, n: usize) -> String {
    format!("{line}\n").repeat(n)
}

fn ids(csv: &str) -> Vec<&str> {
    csv.lines().skip(1).map(|l| l.split(',').next().unwrap()).collect()
}

fn done(o: Outcome) -> (String, String, String, String) {
    match o {
        Outcome::Done { ctr, cpa, rejected, summary } => (ctr, cpa, rejected, summary),
        Outcome::Failed(e) => panic!("failed: {e}"),
    }
}

fn failed(o: Outcome) -> String {
    match o {
        Outcome::Failed(e) => e,
        other => panic!("expected an error, got {other:?}"),
    }
}

#[test]
fn campaigns_named_like_totals_are_data_and_total_rows_are_listed() {
    let input = format!(
        "{HEADER}Total Recall,2025-01-01,100,50,5.00,1\nTotals Sale,2025-01-01,100,40,5.00,1\nTOTAL GYM Spring,2025-01-02,10,1,1.00,1\nTotal-Spring,2025-01-02,10,1,1.00,1\nTotal,,220,92,12.00,3\n"
    );
    let (ctr, _, rejected, summary) = done(every_way(input.as_bytes()));
    assert_eq!(ids(&ctr), ["Total Recall", "Totals Sale", "TOTAL GYM Spring", "Total-Spring"]);
    assert!(summary.contains("skipped as not data (total rows, repeated headers):\n  line 6: total or footer row (never added to a campaign): \"Total\"\n"), "{summary}");
    assert_eq!(rejected, "line,reason,raw_line\n", "a total row is not a rejected data row");
    // An extra first column that starts with Total.
    let input = "advertiser,campaign_id,date,impressions,clicks,spend,conversions\nTotal Wine & More,TW1,2025-01-01,100,50,5.00,1\nTotal: Account,--,--,100,50,5.00,1\n";
    let (ctr, _, _, summary) = done(every_way(input.as_bytes()));
    assert_eq!(ids(&ctr), ["TW1"]);
    assert!(summary.contains("line 3: total or footer row (never added to a campaign): \"Total: Account\""), "{summary}");
}

#[test]
fn an_overflow_names_its_line_in_any_range_and_when_ranges_merge() {
    // In a later range.
    let input = format!("{HEADER}{}BIG,2025-01-02,18446744073709551615,1,1.00,1\nBIG,2025-01-03,1,1,1.00,1\n", repeat("F,2025-01-01,1000,1,1.00,1", 60_000));
    assert_eq!(failed(every_way(input.as_bytes())), "line 60003: total impressions of campaign \"BIG\" exceeds 18446744073709551615");
    // Only when the ranges' totals meet: the first range has most of it.
    let input = format!("{HEADER}BIG,2025-01-01,18446744073709551000,1,1.00,1\n{}BIG,2025-01-02,1000,1,1.00,1\n", repeat("F,2025-01-01,1000,1,1.00,1", 90_000));
    assert_eq!(failed(every_way(input.as_bytes())), "line 90003: total impressions of campaign \"BIG\" exceeds 18446744073709551615");
    // Two campaigns overflow when merged: the first in the file is named, as with one range.
    let input = format!(
        "{HEADER}X,2025-01-01,1,1,1.00,18446744073709551000\nY,2025-01-01,1,18446744073709551000,1.00,1\n{}Y,2025-01-02,1,1000,1.00,1\nX,2025-01-02,1,1,1.00,1000\n",
        repeat("F,2025-01-01,1000,1,1.00,1", 90_000)
    );
    assert_eq!(failed(every_way(input.as_bytes())), "line 90004: total clicks of campaign \"Y\" exceeds 18446744073709551615");
    // Spend says its limit in currency units, not micro-units.
    let input = format!("{HEADER}{}S,2025-01-01,1,1,18446744073709.551615,1\nS,2025-01-02,1,1,0.000001,1\n", repeat("F,2025-01-01,1000,1,1.00,1", 60_000));
    assert_eq!(failed(every_way(input.as_bytes())), "line 60003: total spend of campaign \"S\" exceeds 18446744073709.551615");
}

#[test]
fn a_range_that_starts_inside_a_quoted_cell_never_fails_the_run() {
    let input = format!(
        "campaign_id,date,impressions,clicks,spend,conversions,notes\n{}Q,2025-01-01,10,1,1.00,1,\"{}\"\n{}",
        repeat("F,2025-01-01,1000,1,1.00,1,ok", 20_000),
        repeat("BIG,2025-01-01,18446744073709551615,0,0,0,x", 2000),
        repeat("F,2025-01-01,1000,1,1.00,1,ok", 20_000)
    );
    let (ctr, _, _, summary) = done(every_way(input.as_bytes()));
    assert_eq!(ids(&ctr), ["Q", "F"]);
    assert!(summary.contains("rows read:       40001\n"), "{summary}");
}

#[test]
fn ids_that_are_not_utf8_stop_the_run_with_the_line_never_merge() {
    let mut input = format!("{HEADER}{}", repeat("A,2025-01-01,1000,1,1.00,1", 60_000)).into_bytes();
    input.extend_from_slice(b"Caf\xe9,2025-01-01,10,1,1.00,1\nCaf\xe8,2025-01-01,10,1,1.00,1\n");
    let err = failed(every_way(&input));
    assert!(err.starts_with("line 60002: campaign_id \"Caf\\xE9\" is not valid UTF-8"), "{err}");
    assert!(err.contains("--encoding windows-1252"), "{err}");
    // Quoted: the csv-core path finds it itself, with its line.
    let mut input = format!("{HEADER}{}", repeat("A,2025-01-01,1000,1,1.00,1", 60_000)).into_bytes();
    input.extend_from_slice(b"\"Caf\xe9\",2025-01-01,10,1,1.00,1\n\"Caf\xe8\",2025-01-01,10,1,1.00,1\n");
    let err = failed(every_way(&input));
    assert!(err.starts_with("line 60002: campaign_id \"Caf\\xE9\" is not valid UTF-8"), "{err}");
}

#[test]
fn joined_exports_drop_byte_order_marks_skip_a_repeated_header_and_stop_at_a_reordered_one() {
    let input = format!("\u{feff}{HEADER}C1,2025-01-01,10,1,1.00,1\n\u{feff}{HEADER}C1,2025-01-02,10,1,1.00,1\n\u{feff}C2,2025-01-02,10,2,1.00,1\n");
    let (ctr, _, rejected, summary) = done(every_way(input.as_bytes()));
    assert_eq!(ctr, "campaign_id,total_impressions,total_clicks,total_spend,total_conversions,CTR,CPA\nC2,10,2,1.00,1,0.2000,1.00\nC1,20,2,2.00,2,0.1000,1.00\n");
    assert!(summary.contains("  line 3: header line repeated (files joined?)\n"), "{summary}");
    assert_eq!(rejected, "line,reason,raw_line\n");
    // Another column order: never read on by the first header's order.
    let input = format!("{HEADER}{}campaign_id,date,clicks,impressions,spend,conversions\nC1,2025-01-02,1,10,1.00,1\n", repeat("C1,2025-01-01,10,1,1.00,1", 50_000));
    let err = failed(every_way(input.as_bytes()));
    assert!(err.starts_with("line 50002: the header is repeated with its columns in another order (campaign_id,date,clicks,impressions,spend,conversions)"), "{err}");
    // Cells in another case and with spaces still repeat the header.
    let input = format!("{HEADER}C1,2025-01-01,10,1,1.00,1\n Campaign_ID , Date,IMPRESSIONS,clicks,spend,conversions\n");
    let (_, _, _, summary) = done(every_way(input.as_bytes()));
    assert!(summary.contains("  line 3: header line repeated"), "{summary}");
}

#[test]
fn a_stray_quote_costs_one_line_said_never_the_rest_of_the_file() {
    // Past the record limit (1 MiB of rows after it).
    let input = format!("{HEADER}A,2025-01-01,10,1,1.00,1\n\"B,2025-01-01,10,1,1.00,1\n{}", repeat("C,2025-01-01,10,1,1.00,1", 80_000));
    let (ctr, _, rejected, summary) = done(every_way(input.as_bytes()));
    assert_eq!(ids(&ctr), ["A", "C"]);
    assert!(summary.contains("rows read:       80002\nrows aggregated: 80001\n"), "{summary}");
    assert!(summary.contains("  line 3: a quoted field opened on this line is not closed within 1024 KiB or before the end of the file"), "{summary}");
    assert!(rejected.starts_with("line,reason,raw_line\n3,\"a quoted field opened on this line"), "{rejected}");
    assert!(rejected.ends_with(",\"\"\"B,2025-01-01,10,1,1.00,1\"\n"), "{rejected}");
    // To the end of a small file, with and without a last line break.
    for end in ["\n", ""] {
        let input = format!("{HEADER}A,2025-01-01,10,1,1.00,1\n\"B,2025-01-01,10,1,1.00,1\nC,2025-01-01,10,1,1.00,1\nE,2025-01-02,10,1,1.00,1{end}");
        let (ctr, _, _, summary) = done(every_way(input.as_bytes()));
        assert_eq!(ids(&ctr), ["A", "C", "E"]);
        assert!(summary.contains("  line 3: a quoted field opened on this line"), "{summary}");
    }
    // A quoted line break that is closed is a cell, not a stray quote.
    let input = format!("{HEADER}A,2025-01-01,10,1,1.00,1\n\"B\nB\",2025-01-01,10,1,1.00,1");
    let (_, _, _, summary) = done(every_way(input.as_bytes()));
    assert!(summary.contains("rows aggregated: 2\nrows skipped:    0\n"), "{summary}");
}

/// The fuzz target's finds (fuzz/regressions/chunked/), minimized: every
/// split gives the same outcome, in strict mode too.
#[test]
fn fuzz_regressions_agree_in_every_split() {
    let cases: [(&[u8], bool); 3] = [
        // Strict mode, one buffer: read past the first malformed row (a bare
        // `\r` ends a record mid-line).
        (b"Spend,CampaignID,CLICK,conversion,impression\n,\",,50\r\nlt03,\"\rc\n", true),
        // Strict mode, one buffer: the range's end past the stopping record.
        (b"Spend,Campaign,CLICK,conversion,impr\n\"\r\n\"\rcr\"\"", true),
        // Two records on one line with duplicate warnings: listed alike.
        (b"Spend,Date,CampaignID,,CLICK,conversion,impression\n,2025-1-1,\"say \"\"hi\"\"\",\"\",,,\n,2025-1-2,\"multi\r\nline\",,,,\n,2025-1-1,\"say \"\"hi\"\"\",\"\",,,\r,2025-1-2,\"multi\r\nline\",,,,\n", false),
    ];
    for (input, strict) in cases {
        let first = outcome_with(input, 1, usize::MAX, strict);
        for ranges in 1..=5 {
            for chunk in [1, 2, 3, 7, 64, usize::MAX] {
                assert_eq!(outcome_with(input, ranges, chunk, strict), first, "{:?}: {ranges} ranges, chunks of {chunk}", String::from_utf8_lossy(input));
            }
        }
    }
}
