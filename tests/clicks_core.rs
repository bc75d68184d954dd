#![cfg(not(target_arch = "wasm32"))]
//! Click logs (issue 17) through the core: hand-built cases for windows,
//! duplicates and each fraud rule, and properties: the same answers
//! whatever the split into ranges and chunks, and whatever the row order
//! when duplicates are exact retries.

use adagg::clicks::rules::{Blocklist, RuleOptions, BOT_USER_AGENT, IP_VELOCITY, USER_VELOCITY};
use adagg::clicks::{run_clicks, stats_json, ClickOptions, ClickReport, StatsQuery};
use proptest::prelude::*;

const UA: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36";

fn run(log: &str, options: &ClickOptions) -> ClickReport {
    run_clicks(log.as_bytes(), options, 1, 1 << 16).unwrap()
}

fn csv(rows: &[(&str, &str, &str, &str, &str)]) -> String {
    let mut s = String::from("click_id,ad_id,user_id,ip,user_agent,timestamp\n");
    for (id, ad, user, ip, ts) in rows {
        s.push_str(&format!("{id},{ad},{user},{ip},\"{UA}\",{ts}\n"));
    }
    s
}

#[test]
fn windows_are_epoch_aligned_and_edges_belong_to_the_next() {
    // 14:04:59.999 is in the 14:00 5-minute window, 14:05:00 in the next.
    let log = csv(&[
        ("c1", "a", "u1", "1.1.1.1", "1736949899999"),
        ("c2", "a", "u2", "1.1.1.2", "1736949900"),
        ("c3", "a", "u3", "1.1.1.3", "2025-01-15T14:05:00Z"),
    ]);
    let r = run(&log, &ClickOptions::default());
    assert_eq!(
        r.window_csv(1),
        "ad_id,window_start,clicks,unique_users,duplicates,flagged,cost\n\
         a,2025-01-15T14:00:00Z,1,1,0,0,\n\
         a,2025-01-15T14:05:00Z,2,2,0,0,\n"
    );
    assert_eq!(r.counts.units, [1, 1, 1, 0]);
}

#[test]
fn duplicates_count_once_in_their_own_window_and_not_in_velocity() {
    // c1 retried 7 times in the same minute from the same IP: one billable
    // click and 7 duplicates; velocity sees 1 click, not 8.
    let mut rows = vec![("c1", "a", "u1", "2.2.2.2", "1736949600")];
    for _ in 0..7 {
        rows.push(("c1", "a", "u1", "2.2.2.2", "1736949601"));
    }
    rows.push(("c1", "b", "u1", "2.2.2.2", "1736949700")); // a retry elsewhere: b's duplicate
    let r = run(&csv(&rows), &ClickOptions::default());
    assert_eq!(r.counts.duplicates, 8);
    assert_eq!(r.counts.flagged, 0);
    assert_eq!(r.top_ads_csv(10), "ad_id,clicks,unique_users,duplicates,flagged,cost\na,1,1,7,0,\nb,0,0,1,0,\n");
}

#[test]
fn velocity_flags_whole_buckets_above_n_only() {
    let options = ClickOptions { rules: RuleOptions { velocity_max: 3, ..RuleOptions::default() }, ..ClickOptions::default() };
    // IP 3.3.3.3: 4 clicks on ad a in minute 0 (flagged), 3 in minute 1 (not).
    let mut rows = Vec::new();
    let ids: Vec<String> = (0..7).map(|i| format!("v{i}")).collect();
    let users: Vec<String> = (0..7).map(|i| format!("u{i}")).collect();
    for i in 0..4 {
        rows.push((ids[i].as_str(), "a", users[i].as_str(), "3.3.3.3", "1736949600"));
    }
    for i in 4..7 {
        rows.push((ids[i].as_str(), "a", users[i].as_str(), "3.3.3.3", "1736949660"));
    }
    let r = run(&csv(&rows), &options);
    assert_eq!(r.counts.flagged, 4);
    assert_eq!(r.counts.by_rule, [0, 0, 4, 0]);
    assert!(r.flagged_csv().ends_with("5,v3,a,2025-01-15T14:00:00Z,ip_velocity\n"), "{}", r.flagged_csv());
    // The same with one user: user_velocity too, both listed.
    let rows: Vec<_> = rows.iter().map(|&(id, ad, _, ip, ts)| (id, ad, "same", ip, ts)).collect();
    let r = run(&csv(&rows), &options);
    assert!(r.flagged_csv().contains("2,v0,a,2025-01-15T14:00:00Z,ip_velocity|user_velocity\n"));
    assert_eq!(r.counts.flagged, 4);
    // Switched off: nothing flagged.
    let off = ClickOptions { rules: RuleOptions { velocity_max: 3, off: IP_VELOCITY | USER_VELOCITY, ..RuleOptions::default() }, ..ClickOptions::default() };
    assert_eq!(run(&csv(&rows), &off).counts.flagged, 0);
}

#[test]
fn blocklist_and_bots() {
    let log = "click_id,ad_id,user_id,ip,user_agent,timestamp\n\
               c1,a,u1,10.0.0.5,Mozilla/5.0 Chrome/120,1736949600\n\
               c2,a,u2,2001:db8::7,Mozilla/5.0 Chrome/120,1736949600\n\
               c3,a,u3,8.8.8.8,Googlebot/2.1,1736949600\n\
               c4,a,u4,8.8.8.8,,1736949600\n\
               c5,a,u5,10.0.0.6,curl/8.0,1736949600\n\
               c6,a,u6,8.8.4.4,Mozilla/5.0 Chrome/120,1736949600\n";
    let rules = RuleOptions { blocklist: Blocklist::parse("10.0.0.0/24\n2001:db8::/32\n").unwrap(), ..RuleOptions::default() };
    let r = run(log, &ClickOptions { rules, ..ClickOptions::default() });
    assert_eq!(
        r.flagged_csv(),
        "line,click_id,ad_id,timestamp,rules\n\
         2,c1,a,2025-01-15T14:00:00Z,ip_blocklist\n\
         3,c2,a,2025-01-15T14:00:00Z,ip_blocklist\n\
         4,c3,a,2025-01-15T14:00:00Z,bot_user_agent\n\
         5,c4,a,2025-01-15T14:00:00Z,bot_user_agent\n\
         6,c5,a,2025-01-15T14:00:00Z,ip_blocklist|bot_user_agent\n"
    );
    assert_eq!(r.counts.billable, 1);
    // Without a user-agent column the bot rule is off, and says why.
    let r = run("ad_id,ts\na,1736949600\n", &ClickOptions::default());
    assert_eq!(r.active & BOT_USER_AGENT, 0);
    assert_eq!(r.rule_off_reason(BOT_USER_AGENT), Some("no user_agent column"));
    assert_eq!(r.counts.billable, 1);
}

#[test]
fn rejected_rows_name_line_and_reason() {
    let log = "{\"ad_id\":\"a\",\"ts\":1736949600}\n[1,2]\n{\"ad_id\":\"\",\"ts\":1}\n{\"ad_id\":\"a\",\"ts\":-5}\n{\"ad_id\":\"a\",\"ts\":\"1969-12-31T00:00:00Z\"}\n{\"ad_id\":\"a\",\"ts\":1,\"cost\":\"x\"}\n";
    let r = run(log, &ClickOptions::default());
    let rejected = r.rejected_csv();
    let lines: Vec<&str> = rejected.lines().skip(1).map(|l| l.split(',').next().unwrap()).collect();
    assert_eq!(lines, ["2", "3", "4", "5", "6"]);
    assert!(r.rejected_csv().contains("timestamp before 1970-01-01"));
    assert_eq!(r.counts.rejected, [1, 1, 2, 1]);
}

#[test]
fn stats_ranges_are_inclusive_exclusive_with_zeros() {
    let log = csv(&[("c1", "a", "u1", "", "1736949600"), ("c2", "a", "u2", "", "1736949900"), ("c3", "a", "u2", "", "1736949960")]);
    let r = run(&log, &ClickOptions::default());
    let q = StatsQuery::parse("ad_id=a&window=5m&start=1736949600&end=1736950500").unwrap();
    assert_eq!(
        stats_json(&r, &q),
        "{\"ad_id\":\"a\",\"window\":\"5m\",\"data\":[{\"timestamp\":1736949600,\"click_count\":1,\"unique_users\":1},\
         {\"timestamp\":1736949900,\"click_count\":2,\"unique_users\":1},{\"timestamp\":1736950200,\"click_count\":0,\"unique_users\":0}]}"
    );
    // end is exclusive; a start inside a window begins at the next one.
    let q = StatsQuery::parse("ad_id=a&window=5m&start=1736949601&end=1736950200").unwrap();
    assert_eq!(stats_json(&r, &q), "{\"ad_id\":\"a\",\"window\":\"5m\",\"data\":[{\"timestamp\":1736949900,\"click_count\":2,\"unique_users\":1}]}");
    let q = StatsQuery::parse("ad_id=zz&window=1h&start=1736949600&end=1736953200").unwrap();
    assert!(stats_json(&r, &q).contains("\"click_count\":0"));
}

fn outputs(r: &ClickReport, with_lines: bool) -> Vec<String> {
    let mut v = vec![r.window_csv(0), r.window_csv(1), r.window_csv(2), r.top_ads_csv(10), r.sketches_csv()];
    if with_lines {
        v.push(r.flagged_csv());
        v.push(r.rejected_csv());
        v.push(r.summary_json().to_string());
    }
    v
}

/// The browser's steps (src/wasm/clicks.rs), one "worker" per range, each
/// step's data handed over as the codec's bytes.
fn run_as_workers(log: &[u8], options: &ClickOptions, parts: usize) -> ClickReport {
    use adagg::clicks::codec::*;
    use adagg::clicks::job::{active_rules, range_first_lines};
    use adagg::clicks::settle::{cross_ranges, hot_buckets, Settled};
    use adagg::clicks::tally::Tally;
    use adagg::clicks::{click_split_points, sniff_clicks, RangeScan, RangeTally};
    let plan = sniff_clicks(log, true).unwrap();
    let points = click_split_points(&plan, log.len() as u64, parts, |at| memchr_nl(&log[at as usize..]).map(|i| at + i as u64));
    let ranges: Vec<&[u8]> = points.windows(2).map(|w| &log[w[0] as usize..w[1] as usize]).collect();
    let mut scans: Vec<_> = ranges
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut s = RangeScan::new(&plan, options, i, r.len() as u64);
            s.feed(r);
            s.finish()
        })
        .collect();
    let ids: Vec<Vec<_>> = scans.iter_mut().map(|(s, _, _)| decode_ids(&encode_ids(&std::mem::take(&mut s.ids))).unwrap()).collect();
    let lists: Vec<&[_]> = ids.iter().map(|v| v.as_slice()).collect();
    let (crosses, kept, over) = cross_ranges(&lists, options.id_limit);
    let counts: Vec<Vec<(u128, u32)>> = scans
        .iter_mut()
        .zip(&crosses)
        .map(|((s, _, _), c)| {
            let c = decode_cross(&encode_cross(c)).unwrap();
            s.apply_cross(&c.duplicates, &c.unchecked);
            s.count_buckets();
            decode_counts(&encode_counts(&s.bucket_counts)).unwrap()
        })
        .collect();
    let slices: Vec<&[(u128, u32)]> = counts.iter().map(|v| v.as_slice()).collect();
    let hot = decode_keys(&encode_keys(&hot_buckets(&slices, u64::from(options.rules.velocity_max)))).unwrap();
    let keys_seen = scans.iter().fold(0, |k, (s, _, _)| k | s.keys_seen);
    let lines: Vec<u64> = scans.iter().map(|(_, n, _)| *n).collect();
    let firsts = range_first_lines(&plan, &lines);
    let bytes: Vec<Vec<u8>> = scans
        .into_iter()
        .enumerate()
        .map(|(i, (s, _, _))| {
            let status = s.mark_hot(&hot);
            let mut t = RangeTally::with_status(&plan, options, &status, keys_seen, i, firsts[i]);
            t.feed(ranges[i]);
            t.finish().to_bytes()
        })
        .collect();
    let active = active_rules(&plan, keys_seen, options);
    let mut total: Option<Tally> = None;
    for b in &bytes {
        let t = Tally::from_bytes(b, &options.rules, active, options.lg_k).unwrap();
        match &mut total {
            None => total = Some(t),
            Some(all) => all.append(t),
        }
    }
    let settled = Settled { status: Vec::new(), keys_seen, ids: kept, ids_over_limit: over };
    ClickReport::new(&plan, options, total.unwrap(), &settled)
}

fn memchr_nl(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == b'\n')
}

/// A random log: rows of (ad, user, ip, bot?, minute, second), retries
/// as exact copies of an earlier row, and malformed lines.
fn log_strategy() -> impl Strategy<Value = Vec<String>> {
    let row = (0..3u8, 0..6u8, 0..4u8, 0..10u8, 0..4i64, 0..60i64, 0..5u8);
    prop::collection::vec(row, 1..80).prop_map(|rows| {
        let mut lines: Vec<String> = Vec::new();
        for (i, (ad, user, ip, bot, minute, sec, kind)) in rows.into_iter().enumerate() {
            let ua = if bot == 0 { "Googlebot/2.1" } else { "Mozilla/5.0 Chrome/120" };
            let ts = 1_736_949_600 + minute * 60 + sec;
            let line = match kind {
                0 if !lines.is_empty() => lines[i * 7 % lines.len()].clone(),
                1 if i % 3 == 0 => "{\"ad_id\": 5".to_string(),
                _ => format!("{{\"click_id\":\"c{i}\",\"ad_id\":\"ad{ad}\",\"user_id\":\"u{user}\",\"ip\":\"9.9.9.{ip}\",\"user_agent\":\"{ua}\",\"ts\":{ts},\"cost\":\"0.{i:02}\"}}"),
            };
            lines.push(line);
        }
        lines
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn the_same_whatever_the_split(lines in log_strategy(), parts in 1usize..6, chunk in prop::sample::select(vec![1usize, 3, 17, 4096])) {
        let log = lines.join("\n") + "\n";
        let options = ClickOptions { rules: RuleOptions { velocity_max: 2, ..RuleOptions::default() }, ..ClickOptions::default() };
        let one = run_clicks(log.as_bytes(), &options, 1, 1 << 20).unwrap();
        let split = run_clicks(log.as_bytes(), &options, parts, chunk).unwrap();
        prop_assert_eq!(outputs(&one, true), outputs(&split, true));
    }

    #[test]
    fn the_same_through_the_workers_bytes(lines in log_strategy(), parts in 1usize..5) {
        let log = lines.join("\n") + "\n";
        let options = ClickOptions { rules: RuleOptions { velocity_max: 2, ..RuleOptions::default() }, ..ClickOptions::default() };
        let one = run_clicks(log.as_bytes(), &options, 1, 1 << 20).unwrap();
        let workers = run_as_workers(log.as_bytes(), &options, parts);
        prop_assert_eq!(outputs(&one, true), outputs(&workers, true));
    }

    #[test]
    fn the_same_whatever_the_order(lines in log_strategy(), seed in any::<u64>()) {
        let options = ClickOptions { rules: RuleOptions { velocity_max: 2, ..RuleOptions::default() }, ..ClickOptions::default() };
        let a = run_clicks((lines.join("\n") + "\n").as_bytes(), &options, 2, 64).unwrap();
        let mut shuffled = lines.clone();
        let mut s = seed | 1;
        for i in (1..shuffled.len()).rev() {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17;
            shuffled.swap(i, (s % (i as u64 + 1)) as usize);
        }
        let b = run_clicks((shuffled.join("\n") + "\n").as_bytes(), &options, 3, 7).unwrap();
        prop_assert_eq!(outputs(&a, false), outputs(&b, false));
        prop_assert_eq!(a.counts.duplicates, b.counts.duplicates);
        prop_assert_eq!(a.counts.by_rule, b.counts.by_rule);
    }
}

#[test]
fn the_export_command_points_a_click_log_to_adagg_clicks() {
    let dir = std::env::temp_dir().join(format!("adagg-clicks-hint-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("log.ndjson");
    std::fs::write(&log, "{\"ad_id\":\"a\",\"ts\":1736949600}\n").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_adagg")).args(["--input", log.to_str().unwrap(), "--output", dir.join("out").to_str().unwrap()]).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("This looks like a click log (NDJSON): read it with `adagg clicks"), "{err}");
    let ok = std::process::Command::new(env!("CARGO_BIN_EXE_adagg")).args(["clicks", "--input", log.to_str().unwrap(), "--output", dir.join("out").to_str().unwrap()]).output().unwrap();
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    assert_eq!(std::fs::read_to_string(dir.join("out/top10_ads.csv")).unwrap(), "ad_id,clicks,unique_users,duplicates,flagged,cost\na,1,0,0,0,\n");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn past_the_id_limit_kept_ids_still_count_once_and_the_rest_are_said() {
    // Ids c1..c6 (one range, then split in 1..4 ranges), limit 4: c5 and
    // c6 are past it (counted unchecked); the retries of c1 and c4 are
    // still found among the kept ids.
    let ids = ["c1", "c2", "c3", "c4", "c5", "c6", "c1", "c4", "c2"];
    let mut log = String::from("click_id,ad_id,timestamp\n");
    for (i, id) in ids.iter().enumerate() {
        log.push_str(&format!("{id},a1,{}\n", 1736952000 + i));
    }
    let options = ClickOptions { id_limit: 4, ..ClickOptions::default() };
    let r = run_clicks(log.as_bytes(), &options, 1, 7).unwrap();
    assert_eq!(r.counts.duplicates, 3);
    assert_eq!(r.counts.unchecked, 2);
    assert_eq!(r.id_limit, (4, true));
    assert_eq!(r.id_set.0, 4);
    assert!(r.summary_lines().iter().any(|l| l.contains("unchecked") || l.contains("limit")), "{:?}", r.summary_lines());
    // Within the limit nothing is unchecked.
    let wide = ClickOptions { id_limit: 6, ..ClickOptions::default() };
    for parts in 1..4 {
        let r = run_clicks(log.as_bytes(), &wide, parts, 5).unwrap();
        assert_eq!((r.counts.duplicates, r.counts.unchecked, r.id_limit.1), (3, 0, false), "parts {parts}");
    }
}
