//! `adagg clicks`: a click log (CSV or NDJSON) in, the click files out.
//! A thin shell over `adagg::clicks`: reads the file in 4 MiB blocks, one
//! byte range per thread, in two passes (see `adagg::clicks::job`).

use std::fs::File;
use std::io::Write;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::time::Instant;

use adagg::clicks::job::range_first_lines;
use adagg::clicks::rules::{rule_bit, Blocklist, RuleOptions, RULES};
use adagg::clicks::settle::settle;
use adagg::clicks::tally::Tally;
use adagg::clicks::users::check_lg_k;
use adagg::clicks::{
    click_split_points, not_a_click_log, sniff_clicks, stats_json, ClickOptions, ClickReport, RangeScan, RangeTally, StatsQuery,
    NATIVE_ID_LIMIT,
};

pub const USAGE: &str = "\
usage: adagg clicks --input LOG --output DIR [options]

Reads a click log (NDJSON, one JSON object per line, or a CSV whose header
names ad_id and a timestamp: timestamp, ts, event_time or click_time) and
writes into DIR:
  clicks_1m.csv, clicks_5m.csv, clicks_1h.csv
      ad_id,window_start,clicks,unique_users,duplicates,flagged,cost per
      (ad, epoch-aligned window) with at least one click
  top10_ads.csv       ad_id,clicks,unique_users,duplicates,flagged,cost
  flagged_clicks.csv  line,click_id,ad_id,timestamp,rules
  rejected_rows.csv   line,reason,raw_line
  user_sketches_1h.csv  per (ad, hour): the DataSketches HLL sketch of its
                      billable clicks' users, base64
  click_summary.json  rows, duplicates, flagged by rule, rejected by reason

  -i, --input FILE       the click log
  -o, --output DIR       where to write (created if missing)
      --blocklist FILE   IPs and CIDR ranges (IPv4/IPv6), one a line, # comments:
                         turns the ip_blocklist rule on
      --velocity-max N   ip_velocity / user_velocity flag a bucket (ad, IP or
                         user, minute) with more than N clicks (default 5)
      --no-rule RULE     switch a rule off (ip_blocklist, bot_user_agent,
                         ip_velocity, user_velocity); repeatable
      --lg-k K           HLL lg_k, 4 to 21 (default 12)
      --id-limit N       distinct click ids kept for exactly-once counting
                         (default 200000000)
      --stats QUERY      also print the stats query's JSON answer, e.g.
                         'ad_id=a1&window=5m&start=1736952000&end=1736966400'
                         (start inclusive, end exclusive; unix seconds,
                         milliseconds or ISO 8601)
      --stats-only       print the --stats answer and write no files
  -t, --threads N        ranges read in parallel (default: all cores)
  -h, --help             this help
";

struct Args {
    input: PathBuf,
    output: Option<PathBuf>,
    options: ClickOptions,
    stats: Option<StatsQuery>,
    stats_only: bool,
    threads: usize,
}

fn parse(argv: Vec<std::ffi::OsString>) -> Result<Args, (String, bool)> {
    use lexopt::prelude::*;
    let mut p = lexopt::Parser::from_args(argv);
    let (mut input, mut output, mut stats, mut stats_only, mut threads) = (None, None, None, false, None);
    let mut rules = RuleOptions::default();
    let mut lg_k = adagg::clicks::users::DEFAULT_LG_K;
    let mut id_limit = NATIVE_ID_LIMIT;
    let usage = |e: lexopt::Error| (e.to_string(), true);
    let number = |p: &mut lexopt::Parser, name: &str| -> Result<u64, (String, bool)> {
        let v = p.value().map_err(usage)?;
        v.to_string_lossy().trim().parse::<u64>().map_err(|_| (format!("{name}: {:?} is not a whole number", v), false))
    };
    while let Some(arg) = p.next().map_err(usage)? {
        match arg {
            Short('i') | Long("input") => input = Some(PathBuf::from(p.value().map_err(usage)?)),
            Short('o') | Long("output") => output = Some(PathBuf::from(p.value().map_err(usage)?)),
            Long("blocklist") => {
                let path = PathBuf::from(p.value().map_err(usage)?);
                let text = std::fs::read(&path).map_err(|e| (format!("--blocklist {}: {e}", path.display()), false))?;
                rules.blocklist = Blocklist::parse(&String::from_utf8_lossy(&text)).map_err(|e| (format!("{}: {e}", path.display()), false))?;
            }
            Long("velocity-max") => rules.velocity_max = u32::try_from(number(&mut p, "--velocity-max")?).map_err(|_| ("--velocity-max: too large".to_string(), false))?,
            Long("no-rule") => {
                let name = p.value().map_err(usage)?.to_string_lossy().into_owned();
                let ids: Vec<&str> = RULES.iter().map(|(_, id)| *id).collect();
                rules.off |= rule_bit(name.trim()).ok_or_else(|| (format!("--no-rule {name:?}: the rules are {}", ids.join(", ")), false))?;
            }
            Long("lg-k") => {
                let k = number(&mut p, "--lg-k")?;
                lg_k = check_lg_k(u8::try_from(k).unwrap_or(0)).map_err(|e| (format!("--lg-k: {e}"), false))?;
            }
            Long("id-limit") => id_limit = number(&mut p, "--id-limit")? as usize,
            Long("stats") => {
                let q = p.value().map_err(usage)?.to_string_lossy().into_owned();
                stats = Some(StatsQuery::parse(&q).map_err(|e| (format!("--stats: {e}"), false))?);
            }
            Long("stats-only") => stats_only = true,
            Short('t') | Long("threads") => threads = Some(number(&mut p, "--threads")?.max(1) as usize),
            Short('h') | Long("help") => {
                print!("{USAGE}");
                std::process::exit(0);
            }
            _ => return Err(usage(arg.unexpected())),
        }
    }
    let input = input.ok_or(("--input is missing".to_string(), true))?;
    if output.is_none() && !(stats_only && stats.is_some()) {
        return Err(("--output is missing (or give --stats with --stats-only)".to_string(), true));
    }
    if stats_only && stats.is_none() {
        return Err(("--stats-only needs --stats".to_string(), true));
    }
    Ok(Args {
        input,
        output,
        options: ClickOptions { rules, lg_k, id_limit },
        stats,
        stats_only,
        threads: threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
    })
}

const BLOCK: usize = 4 << 20;

/// Feeds the bytes [from, to) of `file` to `feed` in blocks.
fn read_range(file: &File, from: u64, to: u64, mut feed: impl FnMut(&[u8])) -> Result<(), String> {
    let mut buf = vec![0u8; BLOCK];
    let mut at = from;
    while at < to {
        let want = (to - at).min(BLOCK as u64) as usize;
        let n = file.read_at(&mut buf[..want], at).map_err(|e| e.to_string())?;
        if n == 0 {
            return Err("the file got shorter while it was read".into());
        }
        feed(&buf[..n]);
        at += n as u64;
    }
    Ok(())
}

/// Runs the two passes over `path` with `threads` ranges.
pub fn run_file(path: &Path, options: &ClickOptions, threads: usize) -> Result<ClickReport, String> {
    let file = File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let len = file.metadata().map_err(|e| e.to_string())?.len();
    let mut prefix = vec![0u8; len.min(1 << 20) as usize];
    file.read_exact_at(&mut prefix, 0).map_err(|e| e.to_string())?;
    let plan = sniff_clicks(&prefix, prefix.len() as u64 == len).ok_or_else(not_a_click_log)?;
    let next_newline = |at: u64| -> Option<u64> {
        let mut buf = vec![0u8; 1 << 16];
        let mut pos = at;
        while pos < len {
            let n = file.read_at(&mut buf, pos).ok()?;
            if n == 0 {
                return None;
            }
            if let Some(i) = memchr::memchr(b'\n', &buf[..n]) {
                return Some(pos + i as u64);
            }
            pos += n as u64;
        }
        None
    };
    let mut points = click_split_points(&plan, len, threads, next_newline);
    let pass1 = |points: &[u64]| -> Result<Vec<_>, String> {
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..points.len() - 1)
                .map(|i| {
                    let (file, plan, from, to) = (&file, &plan, points[i], points[i + 1]);
                    s.spawn(move || {
                        let mut scan = RangeScan::new(plan, options, i, to - from);
                        read_range(file, from, to, |c| scan.feed(c))?;
                        Ok(scan.finish())
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().map_err(|_| "a reading thread panicked".to_string())?).collect()
        })
    };
    let t0 = Instant::now();
    let mut scans = pass1(&points)?;
    let timing = std::env::var_os("ADAGG_TIMING").is_some();
    if timing { eprintln!("pass 1: {:.2} s", t0.elapsed().as_secs_f64()); }
    if scans.iter().rev().skip(1).any(|(_, _, open)| *open) {
        points = vec![points[0], len];
        scans = pass1(&points)?;
    }
    let lines: Vec<u64> = scans.iter().map(|(_, n, _)| *n).collect();
    let firsts = range_first_lines(&plan, &lines);
    let settled = settle(scans.into_iter().map(|(s, _, _)| s).collect(), options.id_limit, options.rules.velocity_max);
    if timing { eprintln!("settle: {:.2} s", t0.elapsed().as_secs_f64()); }
    let tallies: Vec<Tally> = std::thread::scope(|s| {
        let handles: Vec<_> = firsts
            .iter()
            .enumerate()
            .map(|(i, &first_line)| {
                let (file, plan, settled, from, to) = (&file, &plan, &settled, points[i], points[i + 1]);
                s.spawn(move || {
                    let mut t = RangeTally::new(plan, options, settled, i, first_line);
                    read_range(file, from, to, |c| t.feed(c))?;
                    Ok::<_, String>(t.finish())
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().map_err(|_| "a reading thread panicked".to_string())?).collect::<Result<Vec<_>, String>>()
    })?;
    if timing { eprintln!("pass 2: {:.2} s", t0.elapsed().as_secs_f64()); }
    let mut tallies = tallies.into_iter();
    let mut total = tallies.next().expect("one range at least");
    for t in tallies {
        total.append(t);
    }
    if timing { eprintln!("append: {:.2} s", t0.elapsed().as_secs_f64()); }
    let r = ClickReport::new(&plan, options, total, &settled);
    if timing { eprintln!("report: {:.2} s", t0.elapsed().as_secs_f64()); }
    Ok(r)
}

fn write(dir: &Path, name: &str, text: &str) -> Result<(), String> {
    let path = dir.join(name);
    let mut f = File::create(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    f.write_all(text.as_bytes()).map_err(|e| format!("{}: {e}", path.display()))
}

/// `adagg clicks …` (argv without the word `clicks`).
pub fn main(argv: Vec<std::ffi::OsString>) {
    let args = match parse(argv) {
        Ok(a) => a,
        Err((msg, usage)) => {
            eprintln!("adagg clicks: error: {msg}");
            if usage {
                eprintln!("\n{USAGE}");
            }
            std::process::exit(1);
        }
    };
    if let Err(msg) = run(&args) {
        eprintln!("adagg clicks: error: {msg}");
        std::process::exit(1);
    }
}

fn run(args: &Args) -> Result<(), String> {
    let started = Instant::now();
    let report = run_file(&args.input, &args.options, args.threads)?;
    let t1 = Instant::now();
    if let Some(q) = &args.stats {
        println!("{}", stats_json(&report, q));
    }
    if args.stats_only {
        return Ok(());
    }
    let dir = args.output.as_ref().expect("checked");
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    // The 1-minute file (the largest) on a thread of its own, the others
    // meanwhile.
    let report = &report;
    std::thread::scope(|s| -> Result<(), String> {
        let minutes = s.spawn(|| write(dir, "clicks_1m.csv", &report.window_csv(0)));
        let rest = (|| {
            write(dir, "clicks_5m.csv", &report.window_csv(1))?;
            write(dir, "clicks_1h.csv", &report.window_csv(2))?;
            write(dir, "top10_ads.csv", &report.top_ads_csv(10))?;
            write(dir, "flagged_clicks.csv", &report.flagged_csv())?;
            write(dir, "rejected_rows.csv", &report.rejected_csv())?;
            write(dir, "user_sketches_1h.csv", &report.sketches_csv())?;
            let mut summary = serde_json::to_string_pretty(&report.summary_json()).expect("json");
            summary.push('\n');
            write(dir, "click_summary.json", &summary)
        })();
        minutes.join().map_err(|_| "the thread writing clicks_1m.csv panicked".to_string())??;
        rest
    })?;
    if std::env::var_os("ADAGG_TIMING").is_some() {
        eprintln!("files: {:.2} s", t1.elapsed().as_secs_f64());
    }
    for line in report.summary_lines() {
        eprintln!("{line}");
    }
    eprintln!("wrote {} in {:.2} s", dir.display(), started.elapsed().as_secs_f64());
    Ok(())
}
