#![cfg(not(target_arch = "wasm32"))]
//! Click logs (issue 17) against an independent computation: generated
//! logs (`gen --kind clicks`: retries, bot user agents, velocity bursts,
//! malformed rows, mixed timestamps, costs; NDJSON and CSV) through adagg's
//! core with several splits into ranges and chunks (`run_clicks`) and, once
//! it exists, the `adagg clicks` CLI, each output compared with
//! `tests/clicks/reference.py` (Python standard library only): every exact
//! column byte for byte, `unique_users` within the HLL bound, rejected rows
//! by line number, the summary's counts.
//!
//! And DataSketches interop (`tests/clicks/interop.py`, needs the PyPI
//! `datasketches` package in `.venv-test/`, made by `scripts/setup.sh`):
//! adagg's `user_sketches_1h.csv` read, compared and merged by the Python
//! library.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use adagg::clicks::rules::{rule_bit, Blocklist, RuleOptions};
use adagg::clicks::{run_clicks, ClickOptions};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const GEN: &str = env!("CARGO_BIN_EXE_gen");
const ADAGG: &str = env!("CARGO_BIN_EXE_adagg");

/// The files compared, as the CLI names them.
const WINDOW_FILES: [&str; 3] = ["clicks_1m.csv", "clicks_5m.csv", "clicks_1h.csv"];

/// HLL lg_k 12: three relative standard errors.
const HLL_BOUND: f64 = 3.0 * 1.04 / 64.0;

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("clicks_reference").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A generated click log.
fn generate(dir: &Path, name: &str, args: &[&str]) -> PathBuf {
    let path = dir.join(name);
    run(Command::new(GEN).args(["--kind", "clicks", "--quiet", "--output"]).arg(&path).args(args));
    path
}

/// The usual test log: ~20k rows with everything in it.
fn test_log_args(format: &str) -> Vec<&str> {
    vec![
        "--format",
        format,
        "--rows",
        "20000",
        "--ads",
        "300",
        "--users",
        "5000",
        "--duplicates-per-mille",
        "30",
        "--bots-per-mille",
        "15",
        "--bursts",
        "25",
        "--malformed-every",
        "97",
        "--mixed-timestamps",
        "--cost",
        "--seed",
        "17",
    ]
}

/// What a run wrote: file name → text; plus the summary JSON.
struct Files {
    files: BTreeMap<String, String>,
    summary: serde_json::Value,
}

/// Rule options as the CLI flags give them.
struct Rules<'a> {
    blocklist: Option<&'a Path>,
    velocity_max: Option<u32>,
    no_rule: &'a [&'a str],
}

const DEFAULT_RULES: Rules<'static> = Rules { blocklist: None, velocity_max: None, no_rule: &[] };

impl Rules<'_> {
    fn options(&self) -> ClickOptions {
        let mut rules = RuleOptions::default();
        if let Some(path) = self.blocklist {
            rules.blocklist = Blocklist::parse(&std::fs::read_to_string(path).unwrap()).unwrap();
        }
        if let Some(n) = self.velocity_max {
            rules.velocity_max = n;
        }
        for r in self.no_rule {
            rules.off |= rule_bit(r).unwrap();
        }
        ClickOptions { rules, ..ClickOptions::default() }
    }

    fn args(&self) -> Vec<String> {
        let mut a = Vec::new();
        if let Some(path) = self.blocklist {
            a.extend(["--blocklist".to_string(), path.display().to_string()]);
        }
        if let Some(n) = self.velocity_max {
            a.extend(["--velocity-max".to_string(), n.to_string()]);
        }
        for r in self.no_rule {
            a.extend(["--no-rule".to_string(), r.to_string()]);
        }
        a
    }
}

/// The core, in memory: `parts` ranges fed in `chunk`-byte pieces.
fn core(log: &[u8], rules: &Rules, parts: usize, chunk: usize) -> Files {
    let r = run_clicks(log, &rules.options(), parts, chunk).unwrap();
    let mut files = BTreeMap::new();
    for (w, name) in WINDOW_FILES.iter().enumerate() {
        files.insert(name.to_string(), r.window_csv(w));
    }
    files.insert("top10_ads.csv".into(), r.top_ads_csv(10));
    files.insert("flagged_clicks.csv".into(), r.flagged_csv());
    files.insert("rejected_rows.csv".into(), r.rejected_csv());
    files.insert("user_sketches_1h.csv".into(), r.sketches_csv());
    Files { files, summary: r.summary_json() }
}

/// Whether `adagg clicks` exists yet (it is being written beside the core).
fn cli_has_clicks() -> bool {
    Command::new(ADAGG)
        .args(["clicks", "--help"])
        .output()
        .is_ok_and(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).contains("--velocity-max"))
}

/// `adagg clicks` into `dir`.
fn cli(log: &Path, dir: &Path, rules: &Rules, threads: usize) -> Files {
    run(Command::new(ADAGG)
        .args(["clicks", "--input"])
        .arg(log)
        .arg("--output")
        .arg(dir)
        .args(rules.args())
        .args(["-t", &threads.to_string()]));
    let mut files = BTreeMap::new();
    for name in WINDOW_FILES.iter().chain(&["top10_ads.csv", "flagged_clicks.csv", "rejected_rows.csv", "user_sketches_1h.csv"]) {
        let text = std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{}: {e}", dir.join(name).display()));
        files.insert(name.to_string(), text);
    }
    let summary = std::fs::read_to_string(dir.join("click_summary.json")).unwrap();
    Files { files, summary: serde_json::from_str(&summary).unwrap() }
}

/// `tests/clicks/reference.py` into `dir`.
fn reference(log: &Path, dir: &Path, rules: &Rules) -> Files {
    run(Command::new("python3").arg(Path::new(ROOT).join("tests/clicks/reference.py")).arg(log).arg(dir).args(rules.args()));
    let mut files = BTreeMap::new();
    for name in WINDOW_FILES.iter().chain(&["top10_ads.csv", "flagged_clicks.csv", "rejected_rows.csv"]) {
        files.insert(name.to_string(), std::fs::read_to_string(dir.join(name)).unwrap());
    }
    let summary = std::fs::read_to_string(dir.join("reference_summary.json")).unwrap();
    Files { files, summary: serde_json::from_str(&summary).unwrap() }
}

/// CSV records of a text (quoted fields may hold commas, quotes, line breaks).
fn records(text: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let (mut rec, mut field, mut quoted, mut at_start) = (Vec::new(), String::new(), false, true);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            '"' if quoted => quoted = false,
            '"' if at_start => quoted = true,
            ',' if !quoted => {
                rec.push(std::mem::take(&mut field));
                at_start = true;
                continue;
            }
            '\n' if !quoted => {
                rec.push(std::mem::take(&mut field));
                out.push(std::mem::take(&mut rec));
                at_start = true;
                continue;
            }
            c => field.push(c),
        }
        at_start = false;
    }
    if !field.is_empty() || !rec.is_empty() {
        rec.push(field);
        out.push(rec);
    }
    out
}

/// Compares one run with the reference; `label` names the run.
fn compare(label: &str, got: &Files, want: &Files) {
    // Window files and top 10: every column but unique_users byte for byte.
    for (name, users_col) in WINDOW_FILES.iter().map(|n| (*n, 3)).chain([("top10_ads.csv", 2)]) {
        let (g, w) = (records(&got.files[name]), records(&want.files[name]));
        assert_eq!(g.first(), w.first(), "{label}: {name}: header");
        assert_eq!(g.len(), w.len(), "{label}: {name}: {} rows, the reference {}", g.len() - 1, w.len() - 1);
        let mut hll_checked = 0;
        for (i, (gr, wr)) in g.iter().zip(&w).enumerate().skip(1) {
            let strip = |r: &Vec<String>| r.iter().enumerate().filter(|(k, _)| *k != users_col).map(|(_, v)| v.clone()).collect::<Vec<_>>();
            assert_eq!(strip(gr), strip(wr), "{label}: {name} row {i}: {gr:?} vs the reference's {wr:?}");
            let (gu, wu): (f64, f64) = (gr[users_col].parse().unwrap(), wr[users_col].parse().unwrap());
            if wu <= 100.0 {
                assert_eq!(gu, wu, "{label}: {name} row {i}: unique_users {gu}, exactly {wu}: {gr:?}");
            } else {
                hll_checked += 1;
                assert!((gu - wu).abs() / wu <= HLL_BOUND, "{label}: {name} row {i}: unique_users {gu}, exactly {wu}: {gr:?}");
            }
        }
        if name == "top10_ads.csv" {
            assert!(hll_checked > 0, "{label}: no ad with more than 100 users: the HLL bound is not exercised");
        }
    }
    // Flagged clicks: byte for byte.
    let name = "flagged_clicks.csv";
    if got.files[name] != want.files[name] {
        let (g, w): (Vec<&str>, Vec<&str>) = (got.files[name].lines().collect(), want.files[name].lines().collect());
        let first = g.iter().zip(&w).position(|(a, b)| a != b).unwrap_or(g.len().min(w.len()));
        panic!(
            "{label}: {name} differs ({} lines, the reference {}); first at line {}: {:?} vs the reference's {:?}",
            g.len(),
            w.len(),
            first + 1,
            g.get(first),
            w.get(first)
        );
    }
    // Rejected rows: the same line numbers.
    let lines = |f: &Files| records(&f.files["rejected_rows.csv"]).into_iter().skip(1).map(|r| r[0].clone()).collect::<Vec<_>>();
    assert_eq!(lines(got), lines(want), "{label}: rejected_rows.csv line numbers");
    // The summary's counts.
    let (g, w) = (&got.summary, &want.summary);
    for key in ["rows", "clicks", "billable", "duplicates", "flagged", "rejected"] {
        assert_eq!(g[key], w[key], "{label}: summary {key}");
    }
    for rule in g["rules"].as_array().unwrap() {
        let id = rule["id"].as_str().unwrap();
        assert_eq!(rule["flagged"], w["by_rule"][id], "{label}: summary: flagged by {id}");
    }
}

/// The log through the reference, the core (several splits) and the CLI.
fn check_log(label: &str, log: &Path, rules: &Rules) -> Files {
    let dir = log.parent().unwrap();
    let want = reference(log, &dir.join(format!("{label}-reference")), rules);
    let bytes = std::fs::read(log).unwrap();
    let mut first = None;
    for (parts, chunk) in [(1, 1 << 20), (3, 65_536), (8, 4096), (5, 777)] {
        let got = core(&bytes, rules, parts, chunk);
        compare(&format!("{label}, core, {parts} ranges of {chunk}-byte chunks"), &got, &want);
        match &first {
            None => first = Some(got),
            Some(f) => assert_eq!(f.files, got.files, "{label}: core output depends on the split ({parts} ranges, {chunk}-byte chunks)"),
        }
    }
    if cli_has_clicks() {
        for threads in [1, 4] {
            let got = cli(log, &dir.join(format!("{label}-cli-{threads}")), rules, threads);
            compare(&format!("{label}, adagg clicks -t {threads}"), &got, &want);
            assert_eq!(first.as_ref().unwrap().files, got.files, "{label}: adagg clicks -t {threads} and the core differ");
        }
    } else {
        eprintln!("{label}: `adagg clicks` does not exist yet: compared the core only");
    }
    want
}

fn assert_log_has_everything(want: &Files) {
    let s = &want.summary;
    assert!(s["duplicates"].as_u64().unwrap() > 300, "{s}");
    assert!(s["rejected"].as_u64().unwrap() > 100, "{s}");
    for rule in ["bot_user_agent", "ip_velocity", "user_velocity"] {
        assert!(s["by_rule"][rule].as_u64().unwrap() > 100, "{rule}: {s}");
    }
}

#[test]
fn ndjson_log_matches_the_reference() {
    let dir = scratch("ndjson");
    let log = generate(&dir, "clicks.ndjson", &test_log_args("ndjson"));
    let want = check_log("ndjson", &log, &DEFAULT_RULES);
    assert_log_has_everything(&want);
}

#[test]
fn csv_log_matches_the_reference() {
    let dir = scratch("csv");
    let log = generate(&dir, "clicks.csv", &test_log_args("csv"));
    let want = check_log("csv", &log, &DEFAULT_RULES);
    assert_log_has_everything(&want);
}

/// The first IPv6 address in a log (the generator gives ~3% of users one).
fn an_ipv6_address(log: &str) -> String {
    for line in log.lines() {
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(line) {
            if let Some(ip) = v["ip_address"].as_str() {
                if ip.contains(':') {
                    return ip.to_string();
                }
            }
        }
    }
    panic!("no IPv6 address in the log");
}

#[test]
fn blocklist_and_rule_options_match_the_reference() {
    let dir = scratch("blocklist");
    let log = generate(&dir, "clicks.ndjson", &test_log_args("ndjson"));
    let ipv6 = an_ipv6_address(&std::fs::read_to_string(&log).unwrap());
    let blocklist = dir.join("blocklist.txt");
    std::fs::write(&blocklist, format!("# networks we do not bill\n11.0.0.0/8\n203.0.113.0/24   # docs range\n\n{ipv6}\n2a02:ffff::/32\n")).unwrap();
    let rules = Rules { blocklist: Some(&blocklist), velocity_max: None, no_rule: &[] };
    let want = check_log("blocklist", &log, &rules);
    let blocked = want.summary["by_rule"]["ip_blocklist"].as_u64().unwrap();
    assert!(blocked > 20, "the blocklist flags {blocked} clicks");
    assert!(want.files["flagged_clicks.csv"].contains("ip_blocklist|bot_user_agent") || blocked > 0);

    // Other thresholds and rules off, on the CSV form of the same data.
    let csv_log = generate(&dir, "clicks.csv", &test_log_args("csv"));
    let rules = Rules { blocklist: Some(&blocklist), velocity_max: Some(3), no_rule: &["bot_user_agent"] };
    let want = check_log("blocklist-csv-v3", &csv_log, &rules);
    assert_eq!(want.summary["by_rule"]["bot_user_agent"], 0);
    // N = 8 falls inside the bursts' sizes (6-12): buckets of exactly N
    // clicks (not flagged) and of N + 1 (flagged) are in the log.
    let rules = Rules { blocklist: None, velocity_max: Some(8), no_rule: &["ip_velocity"] };
    let want = check_log("csv-v8-no-ip-velocity", &csv_log, &rules);
    assert_eq!(want.summary["by_rule"]["ip_velocity"], 0);
    let rules = Rules { blocklist: None, velocity_max: Some(5), no_rule: &["ip_blocklist", "bot_user_agent", "ip_velocity", "user_velocity"] };
    let want = check_log("csv-no-rules", &csv_log, &rules);
    assert_eq!(want.summary["flagged"], 0);
}

#[test]
fn sketches_interoperate_with_python_datasketches() {
    let python = Path::new(ROOT).join(".venv-test/bin/python");
    assert!(
        python.exists(),
        "{} is missing: run scripts/setup.sh (it makes the venv with the PyPI datasketches package for this test)",
        python.display()
    );
    let interop = Path::new(ROOT).join("tests/clicks/interop.py");
    let dir = scratch("interop");
    let log = dir.join("interop.ndjson");
    run(Command::new(&python).arg(&interop).arg("make-log").arg(&log));
    let bytes = std::fs::read(&log).unwrap();
    let mut runs: Vec<(String, PathBuf)> = Vec::new();
    for (parts, chunk) in [(1, 1 << 20), (6, 10_000)] {
        let f = core(&bytes, &DEFAULT_RULES, parts, chunk);
        let path = dir.join(format!("core-{parts}-user_sketches_1h.csv"));
        std::fs::write(&path, &f.files["user_sketches_1h.csv"]).unwrap();
        runs.push((format!("core, {parts} ranges"), path));
    }
    if cli_has_clicks() {
        let out = dir.join("cli");
        cli(&log, &out, &DEFAULT_RULES, 4);
        runs.push(("adagg clicks".into(), out.join("user_sketches_1h.csv")));
    } else {
        eprintln!("interop: `adagg clicks` does not exist yet: the core's sketches only");
    }
    for (label, sketches) in runs {
        let out = Command::new(&python).arg(&interop).arg("check").arg(&sketches).output().unwrap();
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "{label}: interop.py check {} failed:\n{text}", sketches.display());
        eprintln!("{label}:\n{text}");
    }
}
