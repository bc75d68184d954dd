#![cfg(not(target_arch = "wasm32"))]
//! Property tests of the core: any chunking, any split into parallel ranges
//! and the fast path all give exactly what a plain csv-core parse gives.

use std::collections::BTreeMap;

use adagg::record::{describe, parse_row, Layout};
use adagg::{run_range_in_memory, run_ranges, sniff_with, split_points, Job, Options, Partial, Pass, Plan, Totals, Warn, WARN_EXAMPLES};
use csv_core::ReadRecordResult;
use proptest::prelude::*;

/// What a run produced, in a form that compares easily.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Outcome {
    campaigns: BTreeMap<Vec<u8>, Totals>,
    rows_read: u64,
    rows_aggregated: u64,
    skipped: Vec<u64>,
    examples: Vec<String>,
    rejected: Vec<(u64, String, Vec<u8>)>,
    halt: Option<String>,
    newlines: u64,
    /// Data-quality warnings: counts, then (kind, line, earlier line, campaign) of the examples.
    warning_counts: Vec<u64>,
    warnings: Vec<(usize, u64, u64, Vec<u8>)>,
}

/// "Today" for the tests: 2030-01-01 (2099 dates are in the future).
fn options() -> Options {
    Options { today: adagg::date::parse_date(b"2030-01-01"), ..Options::default() }
}

fn sniff(input: &[u8], at_eof: bool) -> Result<Option<Plan>, adagg::Error> {
    sniff_with(input, at_eof, &options())
}

fn outcome(mut p: Partial, first_line: u64) -> Outcome {
    p.number_lines_from(first_line);
    Outcome {
        campaigns: p.campaigns.sorted().into_iter().map(|(k, v)| (k.to_vec(), v)).collect(),
        rows_read: p.rows_read,
        rows_aggregated: p.rows_aggregated,
        skipped: p.skipped.to_vec(),
        examples: p.examples.iter().chain(&p.not_data).map(|e| e.to_string()).collect(),
        halt: p.halt.as_ref().map(|e| e.to_string()),
        rejected: p.rejected.iter().map(|r| (r.line, r.reason.clone(), r.raw.clone())).collect(),
        newlines: p.newlines,
        warning_counts: p.quality.counts.to_vec(),
        warnings: {
            let mut w: Vec<_> = p.quality.examples.iter().map(|w| (w.kind.index(), w.line, w.earlier, w.campaign.to_vec())).collect();
            w.sort();
            w
        },
    }
}

/// The warnings a row gets, computed naively (no fast path, no ranges):
/// `seen` holds the first line of every (campaign, date) pair.
#[allow(clippy::too_many_arguments)] // a test oracle: the state it updates, spelled out
fn naive_warnings(
    p: &mut Partial,
    seen: &mut BTreeMap<(Vec<u8>, i32), u64>,
    examples: &mut Vec<(usize, u64, u64, Vec<u8>)>,
    line: u64,
    campaign: &[u8],
    v: &adagg::Totals,
    date: &[u8],
    today: i32,
    rounded: bool,
) {
    let mut warn = |kind: Warn, earlier: u64| {
        p.quality.counts[kind.index()] += 1;
        if p.quality.counts[kind.index()] <= WARN_EXAMPLES as u64 {
            examples.push((kind.index(), line, earlier, campaign.to_vec()));
        }
    };
    let [impressions, clicks, _, conversions, _] = v.sums;
    if clicks > impressions {
        warn(Warn::ClicksOverImpressions, 0);
    }
    if conversions > clicks {
        warn(Warn::ConversionsOverClicks, 0);
    }
    if rounded {
        warn(Warn::SpendRounded, 0);
    }
    match adagg::date::parse_date(date) {
        None => warn(Warn::BadDate, 0),
        Some(day) => {
            if day > today {
                warn(Warn::FutureDate, 0);
            }
            match seen.get(&(campaign.to_vec(), day)) {
                Some(&first) => warn(Warn::Duplicate, first),
                None => {
                    seen.insert((campaign.to_vec(), day), line);
                }
            }
        }
    }
}

/// The reference: csv-core over the whole input at once, then the shared
/// record semantics. No fast path, no chunking, no line carrying.
fn reference(input: &[u8]) -> Option<Outcome> {
    let plan = sniff(input, true).ok()??;
    let layout = Layout::new(&plan);
    let data = &input[plan.data_start as usize..];
    let mut rdr = csv_core::ReaderBuilder::new().build();
    // Same priming as the aggregator: no BOM stripping on data lines.
    let _ = rdr.read_record(b"\n", &mut [0u8; 1], &mut [0usize; 1]);
    let mut out = vec![0u8; data.len() + 1];
    let mut ends = vec![0usize; data.len() + 1];
    let mut p = Partial::new(plan.data_start);
    let mut seen = BTreeMap::new();
    let mut warned = Vec::new();
    let mut pos = 0;
    let mut line = 0;
    let mut in_record = false;
    let mut record_start = 0;
    let (mut nout, mut nend) = (0, 0);
    loop {
        if !in_record {
            // Skip terminators to find the record's first line.
            while pos < data.len() && (data[pos] == b'\n' || data[pos] == b'\r') {
                pos += 1;
            }
            line = 1 + memchr::memchr_iter(b'\n', &data[..pos]).count() as u64;
            in_record = true;
            record_start = pos;
        }
        let (mut res, nin, o, e) = rdr.read_record(&data[pos..], &mut out[nout..], &mut ends[nend..]);
        pos += nin;
        nout += o;
        nend += e;
        if res == ReadRecordResult::InputEmpty && pos == data.len() && memchr::memchr(b'\n', &data[record_start..pos]).is_some() {
            // The end of the input inside a record that spans lines: a line
            // break ends it, unless it is inside a quoted field (a stray
            // quote: its first line is skipped, reading resumes after it).
            let (probe, _, o, e) = rdr.read_record(b"\n", &mut out[nout..], &mut ends[nend..]);
            if probe != ReadRecordResult::Record {
                let first = record_start + memchr::memchr(b'\n', &data[record_start..]).unwrap() + 1;
                let kind = adagg::SkipKind::Unterminated { limit: adagg::RECORD_LIMIT };
                p.reject(line, kind.to_string(), &data[record_start..first]);
                p.skip_row(kind, || adagg::Skipped { line, kind, message: kind.to_string() });
                rdr = csv_core::ReaderBuilder::new().build();
                let _ = rdr.read_record(b"\n", &mut [0u8; 1], &mut [0usize; 1]);
                (pos, nout, nend, in_record) = (first, 0, 0, false);
                continue;
            }
            (res, nout, nend) = (probe, nout + o, nend + e);
        }
        match res {
            ReadRecordResult::Record => {
                in_record = false;
                // A byte-order mark at the start of a line is dropped.
                let field = |i: usize| match i {
                    0 => out[..ends[0]].strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&out[..ends[0]]),
                    i => &out[ends[i - 1]..ends[i]],
                };
                match parse_row(&layout, nend, field) {
                    Ok((c, v, rounded)) => {
                        p.add_row(c, v).unwrap();
                        let date = field(plan.date_column.unwrap());
                        naive_warnings(&mut p, &mut seen, &mut warned, line, c, &v, date, plan.today.unwrap(), rounded);
                    }
                    Err(kind) => {
                        let message = describe(&layout, kind, field);
                        if !kind.is_not_data() {
                            let raw = &data[record_start..pos];
                            p.reject(line, message.clone(), &raw[..raw.len().min(adagg::RAW_LIMIT)]);
                        }
                        p.skip_row(kind, || adagg::Skipped { line, kind, message });
                    }
                }
                (nout, nend) = (0, 0);
            }
            ReadRecordResult::End => break,
            ReadRecordResult::InputEmpty => {} // next call has empty input: ends it
            r => panic!("unexpected {r:?}"),
        }
    }
    p.newlines = memchr::memchr_iter(b'\n', data).count() as u64;
    p.end = input.len() as u64;
    let mut out = outcome(p, plan.data_start_line);
    warned.sort();
    out.warnings = warned.into_iter().map(|(k, line, earlier, c)| {
        let shift = plan.data_start_line - 1;
        (k, line + shift, if earlier == 0 { 0 } else { earlier + shift }, c)
    }).collect();
    Some(out)
}

fn run_chunked(input: &[u8], sizes: &[usize]) -> Option<Outcome> {
    let mut job = Job::with_options(options());
    let mut rest = input;
    let mut i = 0;
    while !rest.is_empty() {
        let n = sizes[i % sizes.len()].clamp(1, rest.len());
        job.feed(&rest[..n]).ok()?;
        rest = &rest[n..];
        i += 1;
    }
    let (plan, partial) = job.finish().ok()?;
    Some(outcome(partial, plan.data_start_line))
}

fn run_parallel(input: &[u8], n: usize, chunk: usize) -> Option<Outcome> {
    let plan = sniff(input, true).ok()??;
    let points = split_points(&plan, input.len() as u64, n);
    let run = |start, stop, pass| run_range_in_memory(&plan, input, start, stop, chunk, pass);
    let merged = run_ranges(&points, |jobs| jobs.into_iter().map(|(s, e)| run(s, e, Pass::Fast)).collect(), run).ok()?;
    assert_eq!(merged.start, plan.data_start);
    assert_eq!(merged.end, input.len() as u64);
    Some(outcome(merged, plan.data_start_line))
}

/// One line or record of a messy file.
fn piece() -> impl Strategy<Value = String> {
    let id = prop_oneof![
        4 => (1u32..6).prop_map(|n| format!("CMP{n:03}")),
        1 => Just("\"CMP,001\"".to_string()),
        1 => Just("\"multi\nline\"".to_string()),
        1 => Just("\"say \"\"hi\"\"\"".to_string()),
        1 => Just("\"\r\n\"".to_string()),
        1 => Just(" CMP002 ".to_string()),
        1 => Just(String::new()),
        1 => Just("=cmd".to_string()),
        1 => Just("\u{feff}CMP003".to_string()),
    ];
    // Mostly impressions >= clicks >= conversions, so that rows take the
    // fast path and warnings are rare enough to matter.
    let sized = |lo: u64, hi: u64| {
        prop_oneof![
            6 => (lo..hi).prop_map(|n| n.to_string()),
            1 => (0u64..100000).prop_map(|n| n.to_string()),
            1 => Just("abc".to_string()),
            1 => Just(String::new()),
            1 => Just(" 12 ".to_string()),
            1 => Just("\"34\"".to_string()),
        ]
    };
    let count = prop_oneof![
        (0u64..100000).prop_map(|n| n.to_string()),
        Just("abc".to_string()),
        Just("-4".to_string()),
        Just("1.5".to_string()),
        Just(String::new()),
        Just(" 12 ".to_string()),
        Just("\"34\"".to_string()),
        Just("99999999999999999999".to_string()),
        Just("4.8e1".to_string()),
        Just("1.25e1".to_string()),
    ];
    let money = prop_oneof![
        (0u64..100000, 0u64..100).prop_map(|(a, b)| format!("{a}.{b:02}")),
        (0u64..1000).prop_map(|a| a.to_string()),
        Just(".5".to_string()),
        Just("1.1234567".to_string()),
        Just("1.1234560".to_string()),
        Just("1.429999948".to_string()),
        Just("0.0000005".to_string()),
        Just("0.00000049999".to_string()),
        Just("1e-05".to_string()),
        Just("2.5E+2".to_string()),
        Just("-1e-9".to_string()),
        Just("-1.00".to_string()),
        Just("x".to_string()),
    ];
    // Dates: the fast path's ISO form, the same day written otherwise
    // (a duplicate all the same), not a date, in the future.
    let date = prop_oneof![
        4 => Just("2025-01-01"),
        2 => Just("2025-01-02"),
        1 => Just("1/2/2025"),
        // Other forms, each remembered by the fast path like the ISO one.
        1 => Just("1/3/2025"),
        1 => Just("01/02/2025"),
        1 => Just("01/02/2024"),
        1 => Just("Jan 2 2025"),
        1 => Just("2-Jan-2025"),
        1 => Just("2025-01-02 00:00:00"),
        1 => Just("20250102"),
        // Either side of the edges of the duplicate cache's day window
        // (256 days before and 255 after a campaign's first day).
        1 => Just("2025-09-13"),
        1 => Just("2025-09-14"),
        1 => Just("2024-04-20"),
        1 => Just("2024-04-19"),
        1 => Just(" 2025-01-01 "),
        1 => Just("2025-02-30"),
        1 => Just("2099-01-01"),
        1 => Just(""),
    ];
    let metrics = prop_oneof![
        (count.clone(), count.clone(), count),
        (sized(10000, 100000), sized(100, 10000), sized(0, 100)),
    ];
    let row = (id, date, metrics, money)
        .prop_map(|(id, d, (i, c, v), s)| (id, d, i, c, s, v))
        .prop_map(|(id, d, i, c, s, v)| format!("{id},{d},{i},{c},{s},{v}"));
    let eol = prop_oneof![Just("\n"), Just("\r\n"), Just("\r"), Just("")];
    prop_oneof![
        8 => (row, eol.clone()).prop_map(|(r, e)| format!("{r}{e}")),
        1 => eol.prop_map(|e| e.to_string()),
        1 => Just("CMP001,2025-01-01,1,2\n".to_string()),
        1 => Just("CMP001,2025-01-01,1,2,3,4,5\n".to_string()),
        1 => Just("\"unterminated,1,2,3,4,5\n".to_string()),
        1 => prop::collection::vec(prop_oneof![Just('a'), Just('1'), Just(','), Just('"'), Just('\r'), Just('\n'), Just(' ')], 0..12)
            .prop_map(|v| v.into_iter().collect::<String>()),
    ]
}

fn file() -> impl Strategy<Value = Vec<u8>> {
    let header = prop_oneof![
        Just("campaign_id,date,impressions,clicks,spend,conversions\n"),
        Just("\u{feff}campaign_id,date,impressions,clicks,spend,conversions\r\n"),
    ];
    (header, prop::collection::vec(piece(), 0..60), any::<bool>()).prop_map(|(h, pieces, final_nl)| {
        let mut s = h.to_string() + &pieces.concat();
        if final_nl && !s.ends_with('\n') {
            s.push('\n');
        }
        s.into_bytes()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn any_chunking_matches_plain_csv_core(input in file(), sizes in prop::collection::vec(1usize..40, 1..8)) {
        let expected = reference(&input);
        prop_assert!(expected.is_some());
        prop_assert_eq!(run_chunked(&input, &[input.len().max(1)]), expected.clone(), "whole input");
        prop_assert_eq!(run_chunked(&input, &[1]), expected.clone(), "1-byte chunks");
        prop_assert_eq!(run_chunked(&input, &sizes), expected, "chunks {:?}", sizes);
    }

    #[test]
    fn any_split_into_ranges_matches_one_pass(input in file(), n in 1usize..8, chunk in 1usize..64) {
        let expected = reference(&input);
        prop_assert_eq!(run_parallel(&input, n, chunk), expected);
    }
}

/// Long files of plain rows (the fast path's windows need 520 bytes ahead
/// of a line): few campaigns, days spread over three years (wider than the
/// duplicate cache's 512-day windows), repeated pairs, in any order.
fn plain_file() -> impl Strategy<Value = Vec<u8>> {
    plain_file_with(prop::sample::select(vec![false]))
}

/// [`plain_file`], with a revenue column last when `revenue` says so (its
/// values with 0 to 6 decimals, the fast path's canonical layout with
/// every sum).
fn plain_file_with(revenue: impl Strategy<Value = bool>) -> impl Strategy<Value = Vec<u8>> {
    let row = (0u32..4, 0i32..1100, 0u32..3, any::<bool>(), 0u64..2_000_000).prop_map(|(c, d, v, noisy, rev)| {
        let (y, m, dd) = adagg::date::civil_from_day(adagg::date::parse_date(b"2024-01-01").unwrap() + d);
        let id = if noisy { format!("C{c}-with-a-longer-id") } else { format!("C{c}") };
        let line = format!("{id},{y:04}-{m:02}-{dd:02},{},{},{}.25,{}", 100 + v, 10 + v, v, v);
        (line, format!("{}.{:0w$}", rev / 1000, rev % 1000, w = (rev % 4) as usize))
    });
    (prop::collection::vec(row, 20..400), prop::sample::select(vec![0usize, 1, 2]), revenue).prop_map(|(rows, repeat, revenue)| {
        // Repeat early rows later: duplicates on every path.
        let mut rows: Vec<String> = rows
            .into_iter()
            .map(|(line, rev)| match revenue {
                true => format!("{line},{rev}\n"),
                false => format!("{line}\n"),
            })
            .collect();
        for i in 0..rows.len() / 3 * repeat {
            let r = rows[i % 7].clone();
            rows.push(r);
        }
        let mut s = String::from("campaign_id,date,impressions,clicks,spend,conversions");
        s += if revenue { ",revenue\n" } else { "\n" };
        s.extend(rows);
        s.into_bytes()
    })
}

/// Ranges of `input`, each through the codec (`to_bytes`), merged by
/// `append_bytes` as the web shell does: the campaigns and `has_revenue`
/// of one pass.
fn merged_by_bytes(input: &[u8], n: usize) -> (BTreeMap<Vec<u8>, Totals>, bool) {
    let plan = sniff(input, true).unwrap().unwrap();
    let points = split_points(&plan, input.len() as u64, n);
    let mut merged: Option<Partial> = None;
    for (start, stop) in adagg::first_pass(&points) {
        let part = run_range_in_memory(&plan, input, start, stop, 97, Pass::Fast).unwrap();
        let bytes = part.to_bytes();
        match &mut merged {
            None => merged = Some(Partial::from_bytes(&bytes).unwrap()),
            Some(m) => m.append_bytes(&bytes).unwrap(),
        }
    }
    let merged = merged.unwrap();
    let mut campaigns = BTreeMap::new();
    merged.campaigns.for_each(|id, t| {
        campaigns.insert(id.to_vec(), *t);
    });
    (campaigns, merged.has_revenue)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn long_plain_files_match_plain_csv_core(input in plain_file(), n in 1usize..4) {
        let expected = reference(&input);
        prop_assert_eq!(run_chunked(&input, &[input.len()]), expected.clone(), "whole input");
        prop_assert_eq!(run_chunked(&input, &[4096]), expected.clone(), "4 KiB chunks");
        prop_assert_eq!(run_parallel(&input, n, 1 << 16), expected, "{} ranges", n);
    }

    #[test]
    fn revenue_files_match_csv_core_and_merge_through_the_codec(input in plain_file_with(any::<bool>()), n in 1usize..5) {
        let expected = reference(&input).unwrap();
        prop_assert_eq!(run_chunked(&input, &[input.len()]), Some(expected.clone()), "whole input");
        prop_assert_eq!(run_parallel(&input, n, 1 << 16), Some(expected.clone()), "{} ranges", n);
        let has_revenue = input.starts_with(b"campaign_id,date,impressions,clicks,spend,conversions,revenue");
        let (campaigns, merged_has) = merged_by_bytes(&input, n);
        prop_assert_eq!(&campaigns, &expected.campaigns);
        prop_assert_eq!(merged_has, has_revenue);
        // Revenue sums are what a plain sum of the column gives.
        let total: u64 = campaigns.values().map(|t| t[adagg::Sum::Revenue]).sum();
        let mut plain = 0u64;
        if has_revenue {
            for line in input.split(|&b| b == b'\n').skip(1).filter(|l| !l.is_empty()) {
                let cell = std::str::from_utf8(line.rsplit(|&b| b == b',').next().unwrap()).unwrap();
                plain += adagg::parse_micros(cell.as_bytes()).unwrap();
            }
        }
        prop_assert_eq!(total, plain);
    }
}

#[test]
fn has_revenue_is_an_or_across_ranges_and_survives_the_codec() {
    let without = Job::with_options(options());
    let mut a = without;
    a.feed(b"campaign_id,impressions,clicks,spend,conversions\nA,1,1,1,1\n").unwrap();
    let (_, a) = a.finish().unwrap();
    assert!(!a.has_revenue);
    let mut b = Job::with_options(options());
    b.feed(b"campaign_id,impressions,clicks,spend,conversions,Conv. value\nA,1,1,1,1,2.5\n").unwrap();
    let (_, mut b) = b.finish().unwrap();
    assert!(b.has_revenue);
    assert!(Partial::from_bytes(&b.to_bytes()).unwrap().has_revenue);
    assert!(!Partial::from_bytes(&a.to_bytes()).unwrap().has_revenue);
    // OR, whichever side has it.
    for (first, second) in [(a.clone(), b.clone()), (b.clone(), a.clone())] {
        let mut first = first;
        let mut second = second;
        second.start = first.end;
        second.end = first.end + 1;
        first.append(second).unwrap();
        assert!(first.has_revenue);
    }
    b.has_revenue = false;
    let mut a2 = a.clone();
    b.start = a2.end;
    a2.append(b).unwrap();
    assert!(!a2.has_revenue);
}

/// Dates of other forms that differ only past their 8th byte, one after
/// the other: the fast path remembers the last one by all its bytes.
#[test]
fn dates_of_other_forms_differing_late_are_told_apart() {
    let mut s = String::from("campaign_id,date,impressions,clicks,spend,conversions\n");
    let dates = ["01/02/2024", "01/02/2025", "Jan 2 2024", "Jan 2 2025", "2024-01-02 00:00", "2025-01-02 00:00", "02-Jan-2025", "01/02/2025"];
    for i in 0..300 {
        s += &format!("CMP{},{},100,10,1.50,1\n", i % 2, dates[i % dates.len()]);
    }
    let input = s.into_bytes();
    let expected = reference(&input);
    let outcome = expected.as_ref().expect("a plan");
    assert_eq!((outcome.rows_aggregated, outcome.warning_counts[Warn::BadDate.index()]), (300, 0));
    assert_eq!(run_chunked(&input, &[input.len()]), expected.clone());
    assert_eq!(run_chunked(&input, &[4096]), expected.clone());
    assert_eq!(run_parallel(&input, 3, 1 << 16), expected);
}

#[test]
fn quoted_newlines_right_at_split_points() {
    // Every record is a quoted campaign id spanning lines; every split lands
    // inside one of them for some n.
    let mut s = String::from("campaign_id,date,impressions,clicks,spend,conversions\n");
    for i in 0..200 {
        s += &format!("\"id{i}\n\nsecond line, with comma\",2025-01-01,{},{},1.25,{}\n", 100 + i, i, i % 3);
    }
    let input = s.into_bytes();
    let expected = reference(&input).unwrap();
    assert_eq!(expected.rows_aggregated, 200);
    for n in 1..40 {
        for chunk in [1, 7, 4096] {
            assert_eq!(run_parallel(&input, n, chunk).as_ref(), Some(&expected), "n={n} chunk={chunk}");
        }
    }
}

#[test]
fn long_lines_are_skipped_with_bounded_memory() {
    let mut s = String::from("campaign_id,date,impressions,clicks,spend,conversions\nA,d,1,1,1,1\n");
    s += &"x".repeat(adagg::RECORD_LIMIT + 10);
    s += ",d,1,1,1,1\nB,d,2,1,1,1\n\"";
    s += &"y".repeat(adagg::RECORD_LIMIT * 2);
    s += "\",d,1,1,1,1\nC,d,3,1,1,1";
    let input = s.into_bytes();
    for chunk in [4096, 1 << 20, input.len()] {
        let got = run_chunked(&input, &[chunk]).unwrap();
        assert_eq!(got.rows_read, 5);
        assert_eq!(got.rows_aggregated, 3, "chunk {chunk}");
        assert_eq!(got.examples, ["line 3: record longer than 1024 KiB", "line 5: record longer than 1024 KiB"]);
    }
}

#[test]
fn skipped_rows_name_line_and_reason() {
    let input = b"campaign_id,date,impressions,clicks,spend,conversions\n\
        A,d,1,1,1,1\n\
        A,d,1,abc,1,1\n\
        \"B\nB\",d,1,1,1\n\
        ,d,1,1,1,1\n\
        C,d,-1,1,1,1\n\
        C,d,1,1,1.1234567,1\n\
        C,d,1.5,1,1,1\n\
        C,d,1.25e1,1,1,1\n";
    let got = run_chunked(input, &[3]).unwrap();
    assert_eq!(
        got.examples,
        [
            "line 3: clicks is not a number: \"abc\"",
            "line 4: expected 6 fields, found 5",
            "line 6: campaign_id is empty",
            "line 7: impressions is negative: \"-1\"",
            "line 9: impressions is not a number: \"1.5\"",
            "line 10: impressions is not a number: \"1.25e1\"",
        ]
    );
    // Line 8's spend, 1.1234567, is rounded to 1.123457: kept, with a warning.
    assert_eq!((got.rows_read, got.rows_aggregated), (8, 2));
}

#[test]
fn overflow_is_an_error_not_a_wrap() {
    let input = format!("campaign_id,date,impressions,clicks,spend,conversions\nA,d,{},1,1,1\nA,d,1,1,1,1\n", u64::MAX);
    let mut job = Job::new();
    job.feed(input.as_bytes()).unwrap();
    let (plan, partial) = job.finish().unwrap();
    let report = adagg::Report::new(&plan, partial, 10);
    let err = report.stop_error.unwrap();
    assert_eq!(err.to_string(), "line 3: total impressions of campaign \"A\" exceeds 18446744073709551615");
}

#[test]
fn empty_and_header_only_files() {
    assert_eq!(Job::new().finish().unwrap_err().to_string().split(':').next(), Some("the file is empty"));
    let report = adagg::aggregate_bytes(b"campaign_id,date,impressions,clicks,spend,conversions\n", 10).unwrap();
    assert_eq!(report.summary.rows_read, 0);
    assert_eq!(report.summary.warnings, ["the file has a header but no data rows"]);
    assert_eq!(report.ctr_csv(), format!("{}\n", adagg::HEADER));
}

#[test]
fn total_rows_and_decimal_commas_are_never_misread_by_the_fast_path() {
    // Plain digits everywhere, so the fast path would take these lines if it
    // did not know better.
    let comma = b"campaign_id,impressions,clicks,spend,conversions\nA,100,10,5.50,1\nTotal,100,10,5.50,1\nTOTAL: Account,1,1,1,1\nB,10,1,2,1\n";
    let report = adagg::aggregate_bytes(comma, 10).unwrap();
    assert_eq!(report.summary.campaigns, 2, "{:?}", report.rankings);
    assert_eq!(report.summary.rows_aggregated, 2);

    let semicolon = b"campaign_id;impressions;clicks;spend;conversions\nA;100;10;5,50;1\nB;100;10;5.5;1\nC;100;10;1.500;1\n";
    let report = adagg::aggregate_bytes(semicolon, 10).unwrap();
    // `5.5` is not a number in a decimal-comma file; `1.500` is 1500.
    assert_eq!(report.summary.rows_skipped, 1);
    assert_eq!(report.cpa_csv(), format!("{}\nA,100,10,5.50,1,0.1000,5.50\nC,100,10,1500.00,1,0.1000,1500.00\n", adagg::HEADER));
}

fn utf16(bytes: &[u8], little_endian: bool) -> Vec<u8> {
    let text = std::str::from_utf8(bytes).expect("generated files are UTF-8");
    let mut out = if little_endian { vec![0xFF, 0xFE] } else { vec![0xFE, 0xFF] };
    for unit in text.encode_utf16() {
        out.extend(if little_endian { unit.to_le_bytes() } else { unit.to_be_bytes() });
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]

    /// Detection never changes the answer: the same text as UTF-8, UTF-16 LE
    /// and UTF-16 BE, each in any chunking, gives the same result.
    #[test]
    fn every_encoding_and_chunking_gives_the_same_answer(input in file(), sizes in prop::collection::vec(1usize..40, 1..6)) {
        let expected = reference(&input);
        prop_assert!(expected.is_some());
        for little_endian in [true, false] {
            let encoded = utf16(&input, little_endian);
            prop_assert_eq!(run_chunked(&encoded, &[encoded.len()]), expected.clone(), "whole, LE={}", little_endian);
            prop_assert_eq!(run_chunked(&encoded, &sizes), expected.clone(), "chunks {:?}, LE={}", sizes, little_endian);
        }
    }
}

#[test]
fn last_seen_campaign_name_beside_the_id_in_any_split() {
    let mut s = String::from("Campaign,Campaign ID,Impressions,Clicks,Cost,Conversions\n");
    for i in 0..3000 {
        s += &format!("Name {i},{},{},1,1.00,1\n", i % 3, 10 + i % 7);
    }
    let input = s.into_bytes();
    let plan = sniff(&input, true).unwrap().unwrap();
    for n in [1, 2, 5] {
        let points = split_points(&plan, input.len() as u64, n);
        let run = |start, stop, pass| run_range_in_memory(&plan, &input, start, stop, 333, pass);
        let merged = run_ranges(&points, |jobs| jobs.into_iter().map(|(a, b)| run(a, b, Pass::Fast)).collect(), run).unwrap();
        let report = adagg::Report::new(&plan, merged, 10);
        let mut names: Vec<(String, String)> = report
            .ranking(&adagg::schema::metric::CTR)
            .iter()
            .map(|r| (String::from_utf8(r.campaign_id.to_vec()).unwrap(), String::from_utf8(r.name.clone().unwrap().to_vec()).unwrap()))
            .collect();
        names.sort();
        assert_eq!(names, [("0".into(), "Name 2997".into()), ("1".into(), "Name 2998".into()), ("2".into(), "Name 2999".into())], "n={n}");
    }
}

/// `normalized.csv`'s rows (no header) of `input` run as `n` ranges fed in
/// `chunk`-byte pieces, merged as the CLI merges them (a range run again
/// replaces its first try), and the merged result.
fn normalize_parallel(input: &[u8], n: usize, chunk: usize) -> Option<(Vec<u8>, Partial)> {
    use adagg::{Aggregator, Start};
    let plan = sniff(input, true).ok()??;
    let points = split_points(&plan, input.len() as u64, n);
    let outputs = std::cell::RefCell::new(Vec::new());
    let run = |start: Start, stop, pass| {
        let mut agg = Aggregator::normalizing(&plan, start, stop, None);
        if pass == Pass::Locate {
            agg.locating();
        }
        let from = match start {
            Start::Exact(at) | Start::AfterNewline(at) => at as usize,
        };
        let mut out = Vec::new();
        for piece in input[from.min(input.len())..].chunks(chunk) {
            agg.feed(piece);
            out.append(agg.normalized());
            if agg.is_done() {
                break;
            }
        }
        let (partial, rest) = agg.finish_normalized()?;
        out.extend_from_slice(&rest);
        outputs.borrow_mut().push((partial.start, partial.end, out));
        Ok(partial)
    };
    let merged = run_ranges(&points, |jobs| jobs.into_iter().map(|(s, e)| run(s, e, Pass::Fast)).collect(), run).ok()?;
    let outputs = outputs.borrow();
    let (mut at, mut bytes) = (merged.start, Vec::new());
    // The last run that starts here and is not empty (a range run again
    // from where the one before it ended may find nothing: it must not hide
    // the run that read the bytes from there).
    while let Some((start, end, out)) = outputs.iter().rev().find(|o| o.0 == at && o.1 > at) {
        bytes.extend_from_slice(out);
        if *end <= *start || *end >= merged.end {
            break;
        }
        at = *end;
    }
    Some((bytes, merged))
}

/// What normalizing and aggregating must agree on: rows read and skipped
/// by reason, the skipped and rejected rows with their lines, the error.
type Skips = (u64, Vec<u64>, Vec<(u64, String)>, Vec<(u64, String, Vec<u8>)>, Option<String>);

fn skips(p: &Partial) -> Skips {
    (
        p.rows_read,
        p.skipped.to_vec(),
        p.examples.iter().map(|s| (s.line, s.message.clone())).collect(),
        p.rejected.iter().map(|r| (r.line, r.reason.clone(), r.raw.clone())).collect(),
        p.halt.as_ref().map(|e| e.to_string()),
    )
}

fn aggregate_parallel(input: &[u8], n: usize, chunk: usize) -> Option<Partial> {
    let plan = sniff(input, true).ok()??;
    let points = split_points(&plan, input.len() as u64, n);
    let run = |start, stop, pass| run_range_in_memory(&plan, input, start, stop, chunk, pass);
    run_ranges(&points, |jobs| jobs.into_iter().map(|(s, e)| run(s, e, Pass::Fast)).collect(), run).ok()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Issue 15's normalized table: the same bytes in 1 or several ranges,
    /// any chunking, as the whole-file job writes them; one line per row
    /// the aggregate path accepts, and the same rows skipped and rejected.
    #[test]
    fn normalizing_in_ranges_gives_the_same_bytes(input in prop_oneof![file(), plain_file_with(any::<bool>())], n in 2usize..6, chunk in 1usize..300) {
        let one = normalize_parallel(&input, 1, input.len().max(1));
        let many = normalize_parallel(&input, n, chunk);
        prop_assert_eq!(one.is_some(), many.is_some());
        let agg = aggregate_parallel(&input, n, chunk);
        if let (Some((one, p1)), Some((many, pn))) = (one, many) {
            prop_assert_eq!(String::from_utf8_lossy(&one), String::from_utf8_lossy(&many));
            prop_assert_eq!(skips(&p1), skips(&pn));
            if p1.halt.is_none() {
                // Records: line breaks outside quotes (a quoted id may hold one).
                let lines = one.iter().fold((0u64, false), |(n, quoted), &b| match b {
                    b'"' => (n, !quoted),
                    b'\n' if !quoted => (n + 1, quoted),
                    _ => (n, quoted),
                }).0;
                prop_assert_eq!(lines, p1.rows_aggregated);
                let (_, _, whole) = adagg::normalize_bytes(&input, &options(), None).unwrap();
                let header = format!("{}\n", adagg::NORMALIZED_HEADER);
                prop_assert_eq!(String::from_utf8_lossy(&whole[header.len()..]), String::from_utf8_lossy(&one));
                let agg = agg.expect("aggregating gives a result too");
                prop_assert_eq!(skips(&agg), skips(&pn));
                prop_assert_eq!(agg.rows_aggregated, pn.rows_aggregated);
            }
        }
    }
}


/// The campaigns of one whole input, as one pass gives them.
fn campaigns_of(input: &[u8]) -> (BTreeMap<Vec<u8>, Totals>, u64) {
    let mut job = Job::with_options(options());
    job.feed(input).unwrap();
    let (_, partial) = job.finish().unwrap();
    let mut out = BTreeMap::new();
    partial.campaigns.for_each(|id, t| {
        out.insert(id.to_vec(), *t);
    });
    (out, partial.rows_aggregated)
}

/// `files` as one file: one header (with revenue when any file has it),
/// then every file's rows in order (a file without revenue gets `,0`).
fn concatenated(files: &[&Vec<u8>]) -> Vec<u8> {
    let revenue = files.iter().any(|f| f.starts_with(b"campaign_id,date,impressions,clicks,spend,conversions,revenue"));
    let mut out = b"campaign_id,date,impressions,clicks,spend,conversions".to_vec();
    out.extend_from_slice(if revenue { b",revenue\n" } else { b"\n" });
    for f in files {
        let has = f.starts_with(b"campaign_id,date,impressions,clicks,spend,conversions,revenue");
        for line in f.split(|&b| b == b'\n').skip(1).filter(|l| !l.is_empty()) {
            out.extend_from_slice(line);
            out.extend_from_slice(if revenue && !has { b",0\n" } else { b"\n" });
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(100))]

    /// Issue 15: several files combined equal the aggregate of their
    /// concatenation: per platform when several are kept apart, over all
    /// files when they share one platform or are merged across platforms;
    /// per-platform totals are the sums of that platform's campaigns.
    #[test]
    fn files_combined_equal_the_aggregate_of_their_concatenation(
        files in prop::collection::vec((plain_file_with(any::<bool>()), 0usize..3), 1..4),
        merge in any::<bool>(),
    ) {
        use adagg::Platform;
        let kinds = [Platform::GoogleAds, Platform::Meta, Platform::Generic];
        let mut results = Vec::new();
        let mut plans = Vec::new();
        for (i, (input, kind)) in files.iter().enumerate() {
            let mut job = Job::with_options(options());
            job.feed(input).unwrap();
            let (plan, mut partial) = job.finish().unwrap();
            results.push(adagg::FileResult::take(format!("file{i}.csv"), kinds[*kind], &plan, &mut partial));
            plans.push(plan);
        }
        let platforms: Vec<Platform> = files.iter().map(|(_, k)| kinds[*k]).collect();
        let by_platform = !merge && platforms.iter().any(|&p| p != platforms[0]);
        let combined = adagg::combine(results, &plans, merge).unwrap();
        prop_assert_eq!(combined.by_platform, by_platform);
        // Revenue is absent exactly for the keys no file with revenue has
        // (when some files have it and some do not).
        let has = |f: &Vec<u8>| f.starts_with(b"campaign_id,date,impressions,clicks,spend,conversions,revenue");
        let key_of = |k: usize, id: &[u8]| match by_platform {
            true => adagg::platform_key(kinds[k], id),
            false => id.to_vec(),
        };
        let mut with: std::collections::BTreeSet<Vec<u8>> = Default::default();
        let mut without: std::collections::BTreeSet<Vec<u8>> = Default::default();
        let mixed = files.iter().any(|(f, _)| has(f)) && files.iter().any(|(f, _)| !has(f));
        for (f, k) in &files {
            for id in campaigns_of(f).0.keys() {
                if has(f) { with.insert(key_of(*k, id)); } else { without.insert(key_of(*k, id)); }
            }
        }
        let want_absent: std::collections::BTreeSet<Vec<u8>> = match mixed {
            true => without.difference(&with).cloned().collect(),
            false => Default::default(),
        };
        let got_absent: std::collections::BTreeSet<Vec<u8>> = combined.partial.no_revenue.iter().map(|k| k.to_vec()).collect();
        prop_assert_eq!(got_absent, want_absent);
        let mut got = BTreeMap::new();
        combined.partial.campaigns.for_each(|id, t| {
            got.insert(id.to_vec(), *t);
        });
        let mut expected = BTreeMap::new();
        let groups: Vec<Option<Platform>> = match by_platform {
            true => kinds.iter().copied().map(Some).collect(),
            false => vec![None],
        };
        for group in groups {
            let members: Vec<&Vec<u8>> = files.iter().filter(|(_, k)| group.is_none_or(|g| kinds[*k] == g)).map(|(f, _)| f).collect();
            if members.is_empty() {
                continue;
            }
            let (campaigns, _) = campaigns_of(&concatenated(&members));
            for (id, t) in campaigns {
                let key = match group {
                    Some(p) => adagg::platform_key(p, &id),
                    None => id,
                };
                expected.insert(key, t);
            }
        }
        prop_assert_eq!(&got, &expected);
        let rows: u64 = files.iter().map(|(f, _)| campaigns_of(f).1).sum();
        prop_assert_eq!(combined.partial.rows_aggregated, rows);
        for p in &combined.platforms {
            let mut sum = Totals::default();
            for (f, k) in &files {
                if kinds[*k] == p.platform {
                    for t in campaigns_of(f).0.values() {
                        sum.add(t).unwrap();
                    }
                }
            }
            prop_assert_eq!(p.totals, sum, "{:?}", p.platform);
        }
        // The report splits keys of several platforms back: as many rows
        // as campaigns, each with its platform exactly when kept apart.
        let report = adagg::Report::with_options(&combined.plan, combined.partial, &adagg::ReportOptions { rankings: Vec::new(), all: true });
        let all = report.all.unwrap();
        prop_assert_eq!(all.len(), expected.len());
        prop_assert!(all.iter().all(|r| r.platform.is_some() == by_platform));
        prop_assert!(all.windows(2).all(|w| (w[0].platform.map(|p| p.name()), &w[0].campaign_id) < (w[1].platform.map(|p| p.name()), &w[1].campaign_id)));
    }
}
