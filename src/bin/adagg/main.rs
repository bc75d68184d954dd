//! The native command line: `adagg --input ad_data.csv --output results/`.
//!
//! A thin shell over the sans-IO core: reads the file in large blocks, one
//! byte range per thread, and writes `top10_ctr.csv`, `top10_cpa.csv` and
//! `rejected_rows.csv` (every skipped row, spilled to disk as found: see
//! [`spill`]).

#[cfg(not(target_arch = "wasm32"))]
mod clicks;
#[cfg(not(target_arch = "wasm32"))]
mod input;
#[cfg(not(target_arch = "wasm32"))]
mod normalize;
#[cfg(not(target_arch = "wasm32"))]
mod spill;

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use crate::input::Source;
    use crate::spill::{Spill, Spills};
    use std::fs::File;
    use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
    use std::path::{Path, PathBuf};
    use std::time::Instant;

    use adagg::{
        run_ranges, sniff_with, split_points, Aggregator, Better, Encoding, Field, Guardrails, Job,
        Options, Partial, Pass, Plan, Platform, RankSpec, Report, ReportOptions, Start, Sum, HEADER_LIMIT,
    };

    const USAGE: &str = "\
usage: adagg --input FILE --output DIR [options]

Aggregates an ad-performance CSV (campaign_id,date,impressions,clicks,spend,
conversions[,revenue], or a Google Ads / Meta / LinkedIn / TikTok / Microsoft
Advertising export) and writes DIR/top10_ctr.csv, DIR/top10_cpa.csv and DIR/rejected_rows.csv
(every skipped data row: line, reason, the raw line cut to 1 KiB).
With --rank, writes DIR/top{N}_{metric}.csv per ranking instead of the two
top10 files, with every KPI: campaign_id[,campaign_name],total_impressions,
total_clicks,total_spend,total_conversions,total_revenue,CTR,CPC,CPM,CVR,CPA,ROAS.

  -i, --input FILE        a CSV file to read (or a .gz of one, a .zip of
                          them, an .xlsx, .xls or .ods workbook; - for
                          standard input); repeat for several files (their
                          campaigns combined exactly; each file's platform
                          detected from its header or name; with several
                          platforms, a campaign is one per (platform,
                          campaign_id), every ranking file gets `platform`
                          first, DIR/platform_totals.csv has each platform's
                          totals and rejected_rows.csv a `file` column first)
      --sheet NAME        the workbook sheet to read (default: the first
                          whose header names the fields)
      --platform NAME     the platform of the --input just before it:
                          google_ads, meta, linkedin, tiktok, microsoft_ads
                          or generic (default: detected)
      --merge-platforms   one campaign per campaign_id whatever its platform
      --daily             also write DIR/daily.csv, DIR/rolling_7d.csv and
                          DIR/rolling_28d.csv: every day of each campaign's
                          series (first to last date; days without rows are
                          zeros), the day's or the window's sums and KPIs
      --anomalies         also write DIR/anomalies.csv: days whose spend,
                          conversions, CTR or CPA is far from the 28 days
                          before (robust z-score, |z| >= 3.5)
      --anomaly-threshold Z   flag |z| >= Z instead (implies --anomalies)
      --daily-limit N     keep at most N (campaign, day) cells (default
                          50000000; past it, the top campaigns by spend)
      --hints             also write DIR/budget_hints.csv: per campaign a
                          heuristic scale up / hold / scale down tag from
                          its CPA (ROAS when the file has revenue) in the
                          last 7 and 28 days against the eligible
                          campaigns' median, with the numbers behind it
      --hint-min-spend X  eligible for a hint: spend >= X in the window
                          (default 100.00; implies --hints)
      --hint-min-conversions N
                          eligible for a hint: conversions >= N in the
                          window (default 10; implies --hints)
  -o, --output DIR        where to write the results (created if missing)
  -t, --threads N         worker threads (default: all cores)
      --top N             rows per ranking (default: 10)
      --rank METRIC[:asc|:desc]
                          rank by METRIC, one of ctr cpc cpm cvr cpa roas
                          (default direction: desc for ctr, cvr, roas; asc
                          for cpc, cpm, cpa); repeatable, once per metric;
                          writes DIR/top{N}_{METRIC}.csv. roas needs a
                          revenue column (an error without one)
      --min-impressions N, --min-clicks N, --min-conversions N
                          guardrails: a ranked campaign has at least N in
                          total (default: 0, no guardrail)
      --min-spend X       guardrail: total spend at least X (a decimal,
                          compared exactly to the micro-unit)
      --all               also write DIR/all_campaigns.csv: every campaign
                          with every KPI, by campaign_id (byte order)
      --map FIELD=COLUMN  use COLUMN (a header name) for FIELD, one of
                          campaign_id, impressions, clicks, spend,
                          conversions, revenue; repeatable; overrides the
                          aliases
      --delimiter D       , ; tab or | (default: detected)
      --encoding E        utf-8, utf-16le, utf-16be, windows-1252, shift_jis
                          (default: detected)
      --strict            stop at the first malformed row and fail
                          (default: skip and count malformed rows)
      --date-order O      auto, mdy or dmy: whether 1/2/2025 is January 2
                          (mdy) or 1 February (dmy); default auto: from
                          the dates of the first MiB that can only be
                          read one way (13/01/2025), the file read again
                          if a later date proves the other order, month
                          first (and said so) when no date tells
      --today YYYY-MM-DD  dates after this get a data-quality warning
                          (default: tomorrow in UTC, so that no time
                          zone sees its own today as the future)
  -h, --help              this text

adagg normalize --input FILE --output DIR [options]

Writes DIR/normalized.csv: every accepted row as one canonical line,
date,platform,campaign_id,campaign_name,impressions,clicks,spend,conversions,revenue
(ISO dates, counts as integers, money with 2 to 6 decimals, UTF-8), in input
order, and DIR/rejected_rows.csv as the aggregate command does. Options:
--threads, --map, --delimiter, --encoding, --strict, --today as above, and
      --platform NAME     the platform column's text (default: detected
                          from the header: google_ads, meta, linkedin,
                          tiktok, microsoft_ads, or generic)";

    /// Bytes read per `read` call.
    pub(crate) const BLOCK: usize = 4 << 20;
    /// Bytes fed at once: rejected rows are taken after each slice, so this
    /// bounds the memory they use (a 256 KiB slice holds at most 128 Ki rows).
    pub(crate) const SLICE: usize = 256 << 10;

    pub(crate) fn spill_err(e: std::io::Error) -> adagg::Error {
        adagg::Error::Read(format!("writing rejected rows to a temporary file: {e}"))
    }

    /// Feeds `block` in slices, spilling rejected rows after each one.
    fn feed_spilling(agg: &mut Aggregator, block: &[u8], spill: &mut Spill) -> Result<(), adagg::Error> {
        for slice in block.chunks(SLICE) {
            agg.feed(slice);
            spill.write(agg.take_rejected()).map_err(spill_err)?;
            if agg.is_done() {
                break;
            }
        }
        Ok(())
    }

    pub(crate) struct Args {
        /// `--input`s in the order given, each with the `--platform` after it.
        pub(crate) inputs: Vec<Input>,
        pub(crate) output: PathBuf,
        pub(crate) threads: usize,
        top: usize,
        pub(crate) options: Options,
        /// `--rank` in the order given: metric and direction.
        rank: Vec<(&'static adagg::Metric, Better)>,
        guardrails: Guardrails,
        all: bool,
        /// `adagg normalize`.
        normalize: bool,
        /// `--merge-platforms`: one campaign per id whatever its platform.
        merge_platforms: bool,
        /// `--daily`: write daily.csv and the rolling files.
        daily: bool,
        /// `--anomalies` (with its threshold).
        anomalies: Option<adagg::Threshold>,
        /// `--hints` (with its guardrails): write budget_hints.csv.
        hints: Option<adagg::HintOptions>,
        /// `--sheet`: the workbook sheet to read.
        pub(crate) sheet: Option<String>,
    }

    /// One `--input` and the `--platform` given after it.
    pub(crate) struct Input {
        pub(crate) path: PathBuf,
        pub(crate) platform: Option<String>,
    }

    /// `METRIC[:asc|:desc]` ([`adagg::parse_rank`]).
    fn parse_rank(value: &str) -> Result<(&'static adagg::Metric, Better), String> {
        adagg::parse_rank(value).map_err(|e| format!("--rank: {e}"))
    }

    /// A minimum for `--min-…` ([`adagg::parse_minimum`]).
    fn parse_min(option: &str, sum: adagg::Sum, value: &str) -> Result<u64, String> {
        adagg::parse_minimum(sum, value).map_err(|e| format!("{option}: {e}"))
    }

    fn parse_map(value: &str) -> Result<(Field, String), String> {
        let (field, column) = value
            .split_once('=')
            .ok_or_else(|| format!("--map takes FIELD=COLUMN, not {value:?}"))?;
        let field = Field::ALL
            .into_iter()
            .chain(Field::OPTIONAL)
            .find(|f| f.name().eq_ignore_ascii_case(field.trim()))
            .ok_or_else(|| format!("--map: unknown field {field:?} (one of campaign_id, impressions, clicks, spend, conversions, revenue)"))?;
        Ok((field, column.trim().to_string()))
    }

    fn parse_delimiter(value: &str) -> Result<u8, String> {
        match value {
            "," | "comma" => Ok(b','),
            ";" | "semicolon" => Ok(b';'),
            "\t" | "tab" | "\\t" => Ok(b'\t'),
            "|" | "pipe" => Ok(b'|'),
            _ => Err(format!("--delimiter: expected , ; tab or |, not {value:?}")),
        }
    }

    /// Why the command line was not taken; `usage` when the usage text
    /// helps (an unknown option or argument, a required one missing).
    struct ArgError {
        message: String,
        usage: bool,
    }

    impl ArgError {
        fn usage(message: impl ToString) -> ArgError {
            ArgError { message: message.to_string(), usage: true }
        }

        /// A bad value of a known option.
        fn value(message: impl ToString) -> ArgError {
            ArgError { message: message.to_string(), usage: false }
        }

        fn from_lexopt(e: lexopt::Error) -> ArgError {
            let usage = matches!(
                e,
                lexopt::Error::UnexpectedOption(_) | lexopt::Error::UnexpectedArgument(_) | lexopt::Error::UnexpectedValue { .. }
            );
            ArgError { message: e.to_string(), usage }
        }
    }

    fn parse_args() -> Result<Args, ArgError> {
        use lexopt::prelude::*;
        let mut argv: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
        let normalize = argv.first().is_some_and(|a| a == "normalize");
        if normalize {
            argv.remove(0);
        }
        let mut parser = lexopt::Parser::from_args(argv);
        let mut inputs: Vec<Input> = Vec::new();
        // A --platform before any --input (kept for a single input).
        let mut early_platform = None;
        let mut merge_platforms = false;
        let (mut daily, mut anomalies, mut daily_limit) = (false, None, None);
        let mut hints: Option<adagg::HintOptions> = None;
        let (mut output, mut threads, mut top) = (None, None, 10);
        let mut options = Options::default();
        let mut rank: Vec<(&'static adagg::Metric, Better)> = Vec::new();
        let mut guardrails = Guardrails::NONE;
        let mut all = false;
        let mut sheet = None;
        let text = |parser: &mut lexopt::Parser| -> Result<String, ArgError> {
            Ok(parser.value().map_err(ArgError::value)?.to_string_lossy().into_owned())
        };
        while let Some(arg) = parser.next().map_err(ArgError::from_lexopt)? {
            match arg {
                Short('i') | Long("input") => {
                    inputs.push(Input { path: PathBuf::from(parser.value().map_err(ArgError::value)?), platform: None })
                }
                Short('o') | Long("output") => {
                    output = Some(PathBuf::from(parser.value().map_err(ArgError::value)?))
                }
                Short('t') | Long("threads") => {
                    threads = Some(
                        parser
                            .value()
                            .map_err(ArgError::value)?
                            .parse::<usize>()
                            .map_err(ArgError::value)?,
                    )
                }
                Long("top") => {
                    top = parser
                        .value()
                        .map_err(ArgError::value)?
                        .parse::<usize>()
                        .map_err(ArgError::value)?
                }
                Long("rank") => {
                    let value = text(&mut parser)?;
                    let (metric, better) = parse_rank(&value).map_err(ArgError::value)?;
                    if rank.iter().any(|(m, _)| *m == metric) {
                        return Err(ArgError::value(format!(
                            "--rank: {} is asked for twice (one ranking per metric: it is written to top{{N}}_{}.csv)",
                            metric.key, metric.key
                        )));
                    }
                    rank.push((metric, better));
                }
                Long("min-impressions") => {
                    let v = parse_min("--min-impressions", adagg::Sum::Impressions, &text(&mut parser)?).map_err(ArgError::value)?;
                    guardrails = guardrails.with(Sum::Impressions, v);
                }
                Long("min-clicks") => {
                    let v = parse_min("--min-clicks", adagg::Sum::Clicks, &text(&mut parser)?).map_err(ArgError::value)?;
                    guardrails = guardrails.with(Sum::Clicks, v);
                }
                Long("min-conversions") => {
                    let v = parse_min("--min-conversions", adagg::Sum::Conversions, &text(&mut parser)?).map_err(ArgError::value)?;
                    guardrails = guardrails.with(Sum::Conversions, v);
                }
                Long("min-spend") => {
                    let v = parse_min("--min-spend", adagg::Sum::Spend, &text(&mut parser)?).map_err(ArgError::value)?;
                    guardrails = guardrails.with(Sum::Spend, v);
                }
                Long("all") => all = true,
                Long("platform") => {
                    let name = text(&mut parser)?;
                    let platform = match Platform::from_name(&name) {
                        Some(p) => p.name().to_string(),
                        // normalize writes any name; aggregating keeps platforms apart by kind.
                        None if normalize && !name.trim().is_empty() => name.trim().to_string(),
                        None if normalize => return Err(ArgError::value("--platform: an empty name")),
                        None => {
                            return Err(ArgError::value(format!(
                                "--platform: unknown platform {name:?} (one of google_ads, meta, linkedin, tiktok, microsoft_ads, generic)"
                            )))
                        }
                    };
                    match inputs.last_mut() {
                        Some(input) if input.platform.is_none() => input.platform = Some(platform),
                        Some(input) => {
                            return Err(ArgError::value(format!(
                                "--platform: given twice for {} (a --platform names the --input just before it)",
                                input.path.display()
                            )))
                        }
                        None => early_platform = Some(platform),
                    }
                }
                Long("merge-platforms") => merge_platforms = true,
                Long("daily") => daily = true,
                Long("anomalies") => anomalies = anomalies.or_else(|| Some(adagg::Threshold::default())),
                Long("anomaly-threshold") => {
                    let value = text(&mut parser)?;
                    anomalies = Some(adagg::parse_threshold(&value).map_err(|e| ArgError::value(format!("--anomaly-threshold: {e}")))?);
                }
                Long("hints") => hints = hints.or_else(|| Some(adagg::HintOptions::default())),
                Long("hint-min-spend") => {
                    let v = parse_min("--hint-min-spend", Sum::Spend, &text(&mut parser)?).map_err(ArgError::value)?;
                    hints = Some(adagg::HintOptions { min_spend: v, ..hints.unwrap_or_default() });
                }
                Long("hint-min-conversions") => {
                    let v = parse_min("--hint-min-conversions", Sum::Conversions, &text(&mut parser)?).map_err(ArgError::value)?;
                    hints = Some(adagg::HintOptions { min_conversions: v, ..hints.unwrap_or_default() });
                }
                Long("daily-limit") => {
                    let value = text(&mut parser)?;
                    let n = value.trim().parse::<u64>().ok().filter(|&n| n > 0);
                    daily_limit = Some(n.ok_or_else(|| ArgError::value(format!("--daily-limit: expected a whole number of cells, not {value:?}")))?);
                }
                Long("strict") => options.strict = true,
                Long("sheet") => sheet = Some(text(&mut parser)?),
                Long("date-order") => {
                    let value = text(&mut parser)?;
                    options.date_order = adagg::DateOrder::from_name(&value)
                        .ok_or_else(|| ArgError::value(format!("--date-order: expected auto, mdy or dmy, not {value:?}")))?;
                }
                Long("today") => {
                    let value = parser
                        .value()
                        .map_err(ArgError::value)?
                        .to_string_lossy()
                        .into_owned();
                    options.today = Some(
                        adagg::date::parse_date(value.as_bytes())
                            .ok_or_else(|| ArgError::value(format!("--today: not a date: {value:?}")))?,
                    );
                }
                Long("map") => options.map.push(
                    parse_map(&parser.value().map_err(ArgError::value)?.to_string_lossy()).map_err(ArgError::value)?,
                ),
                Long("delimiter") => {
                    options.delimiter = Some(
                        parse_delimiter(&parser.value().map_err(ArgError::value)?.to_string_lossy()).map_err(ArgError::value)?,
                    )
                }
                Long("encoding") => {
                    let label = parser
                        .value()
                        .map_err(ArgError::value)?
                        .to_string_lossy()
                        .into_owned();
                    options.encoding = Some(
                        Encoding::from_label(&label)
                            .ok_or_else(|| ArgError::value(format!("--encoding: unknown encoding {label:?}")))?,
                    );
                }
                Short('h') | Long("help") => {
                    println!("{USAGE}");
                    std::process::exit(0);
                }
                other => return Err(ArgError::usage(other.unexpected().to_string())),
            }
        }
        if options.today.is_none() {
            let secs = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            options.today = Some((secs / 86_400) as i32 + 1);
        }
        if normalize && (!rank.is_empty() || all || !guardrails.is_none()) {
            return Err(ArgError::usage("normalize takes no --rank, --all or --min-… (it writes every row, not rankings)"));
        }
        let threads = threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
            .max(1);
        if inputs.is_empty() {
            return Err(ArgError::usage("missing --input FILE"));
        }
        if daily || anomalies.is_some() || hints.is_some() {
            if normalize {
                return Err(ArgError::usage("normalize takes no --daily, --anomalies or --hints"));
            }
            if inputs.len() > 1 {
                return Err(ArgError::usage("--daily, --anomalies and --hints take one --input (several files' series are not combined yet)"));
            }
            options.daily = Some(adagg::DailyPlan { limit: daily_limit.unwrap_or(adagg::DEFAULT_DAILY_LIMIT), only: None });
        }
        if let Some(platform) = early_platform {
            match inputs.as_mut_slice() {
                [only] if only.platform.is_none() => only.platform = Some(platform),
                _ => return Err(ArgError::usage("--platform names the --input just before it: put it after that --input")),
            }
        }
        Ok(Args {
            inputs,
            output: output.ok_or_else(|| ArgError::usage("missing --output DIR"))?,
            threads,
            top,
            options,
            rank,
            guardrails,
            all,
            normalize,
            merge_platforms,
            daily,
            anomalies,
            hints,
            sheet,
        })
    }

    /// What the report computes: the `--rank`ings (or the two FV-SEC001
    /// ones, guardrails applied to them too) and `--all`.
    fn report_options(args: &Args) -> ReportOptions {
        let mut options = ReportOptions::fv_sec001(args.top);
        if !args.rank.is_empty() {
            options.rankings = args
                .rank
                .iter()
                .map(|&(metric, better)| RankSpec { better, ..RankSpec::new(metric, args.top) })
                .collect();
        }
        for spec in &mut options.rankings {
            spec.guardrails = args.guardrails;
        }
        options.all = args.all;
        options
    }

    /// Reads the header from the start of the file (its first MiB at once:
    /// the order of day and month is decided from it).
    pub(crate) fn read_plan(source: &Source, options: &Options) -> Result<Plan, String> {
        // The stream's own errors (gzip, zip) name their input already.
        let io = |e: std::io::Error| match e.to_string() {
            text if text.starts_with(&source.label) => text,
            text => format!("cannot read {}: {text}", source.label),
        };
        let mut file = source.open().map_err(io)?;
        let mut prefix = Vec::new();
        (&mut file).take(HEADER_LIMIT as u64).read_to_end(&mut prefix).map_err(io)?;
        // The header is looked for in the first HEADER_LIMIT bytes only;
        // whether more follow tells a file of blank lines (empty) from one
        // with no header in time.
        let mut next = [0u8; 1];
        let more = match prefix.len() < HEADER_LIMIT {
            true => 0,
            false => file.read(&mut next).map_err(io)?,
        };
        match sniff_with(&prefix, more == 0, options) {
            Ok(Some(plan)) => Ok(plan),
            Ok(None) => Err(adagg::Error::HeaderTooLong { limit: HEADER_LIMIT }.to_string()),
            Err(err @ adagg::Error::BlankLines { .. }) if adagg::only_blank_lines(&prefix) => {
                // Empty if the blank lines run to the end of the file.
                let mut block = vec![0u8; 64 << 10];
                let mut n = more;
                block[..n].copy_from_slice(&next[..n]);
                loop {
                    if n == 0 {
                        return Err(adagg::Error::Empty.to_string());
                    }
                    if !adagg::still_blank(&prefix, &block[..n]) {
                        return Err(err.to_string());
                    }
                    n = file.read(&mut block).map_err(io)?;
                }
            }
            Err(err) => Err(err.to_string()),
        }
    }

    /// Aggregates one range, reading from `start` until the range is done.
    fn run_range(
        path: &Path,
        plan: &Plan,
        start: Start,
        stop_after: u64,
        pass: Pass,
        spills: &Spills,
    ) -> Result<Partial, adagg::Error> {
        let io = |e: std::io::Error| adagg::Error::Read(format!("{}: {e}", path.display()));
        let mut file = File::open(path).map_err(io)?;
        let from = match start {
            Start::Exact(at) | Start::AfterNewline(at) => at,
        };
        file.seek(SeekFrom::Start(from)).map_err(io)?;
        let mut agg = Aggregator::for_range(plan, start, stop_after);
        if pass == Pass::Locate {
            agg.locating();
        }
        agg.keep_all_rejected();
        let mut spill = spills.open().map_err(spill_err)?;
        let mut block = vec![0u8; BLOCK];
        while !agg.is_done() {
            let n = file.read(&mut block).map_err(io)?;
            if n == 0 {
                break;
            }
            feed_spilling(&mut agg, &block[..n], &mut spill)?;
        }
        // The campaign table stays as it is: ranges merge table to table,
        // and the report ranks from it.
        let mut partial = agg.finish()?;
        spills.finish(spill, &mut partial).map_err(spill_err)?;
        Ok(partial)
    }

    /// One byte range per thread (`run_one(start, stop_after, pass)`),
    /// merged in file order; re-runs as [`run_ranges`] decides.
    fn run_parallel(
        points: &[u64],
        run_one: impl Fn(Start, u64, Pass) -> Result<Partial, adagg::Error> + Sync,
    ) -> Result<Partial, adagg::Error> {
        let run_one = &run_one;
        run_ranges(
            points,
            |jobs| {
                std::thread::scope(|s| {
                    let handles: Vec<_> = jobs
                        .into_iter()
                        .map(|(start, stop)| s.spawn(move || run_one(start, stop, Pass::Fast)))
                        .collect();
                    handles
                        .into_iter()
                        .map(|h| h.join().expect("worker thread"))
                        .collect()
                })
            },
            run_one,
        )
    }

    /// The summary's last lines: bytes, time, throughput, threads, peak memory.
    pub(crate) fn timing_lines(len: u64, secs: f64, threads: usize) -> String {
        let mut text = format!(
            "bytes:           {} ({:.1} MB)\nelapsed:         {:.3} s ({:.0} MB/s, {} thread{})\n",
            len,
            len as f64 / 1e6,
            secs,
            len as f64 / 1e6 / secs.max(1e-9),
            threads,
            if threads == 1 { "" } else { "s" }
        );
        if let Some(mib) = peak_rss_mib() {
            text += &format!("peak memory:     {mib:.1} MiB\n");
        }
        text
    }

    /// Files that must be transcoded (UTF-16) are read as one stream.
    fn run_sequential(source: &Source, options: &Options, spills: &Spills) -> Result<(Plan, Partial), adagg::Error> {
        let mut job = Job::with_options(options.clone());
        let spill = feed_job(source, &mut job, spills, |_| Ok(()))?;
        let (plan, mut partial) = job.finish()?;
        spills.finish(spill, &mut partial).map_err(spill_err)?;
        Ok((plan, partial))
    }

    /// Feeds the whole of `source` to `job` as one stream, its rejected
    /// rows spilled as they come, calling `after` after each slice; returns
    /// the spill for [`Spills::finish`].
    pub(crate) fn feed_job(
        source: &Source,
        job: &mut Job,
        spills: &Spills,
        mut after: impl FnMut(&mut Job) -> Result<(), adagg::Error>,
    ) -> Result<Spill, adagg::Error> {
        let io = |e: std::io::Error| adagg::Error::Read(source.named(e.to_string()));
        let mut file = source.open().map_err(io)?;
        job.keep_all_rejected();
        let mut spill = spills.open().map_err(spill_err)?;
        let mut block = vec![0u8; BLOCK];
        loop {
            let n = file.read(&mut block).map_err(io)?;
            if n == 0 {
                break;
            }
            // UTF-16 decodes to at most 1.5 times as many bytes.
            for slice in block[..n].chunks(SLICE / 2) {
                job.feed(slice)?;
                spill.write(job.take_rejected()).map_err(spill_err)?;
                after(job)?;
            }
        }
        Ok(spill)
    }

    fn peak_rss_mib() -> Option<f64> {
        let status = std::fs::read_to_string("/proc/self/status").ok()?;
        let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
        let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kib / 1024.0)
    }

    /// One input file aggregated: its plan, merged result, rejected rows
    /// spilled to disk, and the threads used.
    pub(crate) struct FileRun {
        pub(crate) plan: Plan,
        pub(crate) partial: Partial,
        pub(crate) spills: Spills,
        /// The data's bytes (`partial`'s before the report takes it).
        pub(crate) bounds: (u64, u64),
        pub(crate) threads: usize,
        pub(crate) len: u64,
        /// The options it was read with (a second pass reads with the same).
        pub(crate) options: Options,
    }

    /// Aggregates one file (one stream for UTF-16, else a range per thread);
    /// read again once when the whole file proves an order of day and
    /// month the first MiB did not ([`adagg::DateOutcome::reread`]).
    pub(crate) fn aggregate_file(source: &Source, args: &Args, options: &Options) -> Result<FileRun, String> {
        let run = aggregate_once(source, args, options).map_err(|e| click_log_hint(source, e))?;
        match adagg::date_outcome(&run.plan, &run.partial.dates).reread() {
            Some((order, line, text)) if run.partial.stop_error().is_none() => {
                // The merged result's lines count from the first data line.
                let line = line + run.plan.data_start_line - 1;
                let options = Options { date_order: order, date_reread: Some((line, text)), ..options.clone() };
                aggregate_once(source, args, &options)
            }
            _ => Ok(run),
        }
    }

    /// [`aggregate_file`] without the second pass.
    fn aggregate_once(source: &Source, args: &Args, options: &Options) -> Result<FileRun, String> {
        let len = source.len().map_err(|e| format!("cannot read {}: {e}", source.label))?;
        let plan = read_plan(source, options)?;
        if !plan.has_revenue() && args.inputs.len() == 1 {
            if let Some((metric, _)) = args.rank.iter().find(|(m, _)| m.needs_optional()) {
                return Err(format!(
                    "--rank {}: the input has no revenue column, so {} is absent (not zero); \
                     name it with --map revenue=COLUMN (aliases: revenue, Conv. value, Conversion value, \
                     Purchases conversion value, Total conversion value, ...)",
                    metric.key, metric.header
                ));
            }
        }
        let spills = Spills::new(plan.encoding).map_err(|e| format!("cannot create a temporary directory: {e}"))?;
        let (plan, partial, threads) = if let (false, Some(path)) = (plan.sequential(), source.path()) {
            let threads = args.threads.min(((len - plan.data_start.min(len)) >> 20) as usize + 1);
            let points = split_points(&plan, len, threads);
            let partial =
                run_parallel(&points, |start, stop, pass| run_range(path, &plan, start, stop, pass, &spills)).map_err(|e| e.to_string())?;
            (plan, partial, threads)
        } else {
            let (plan, partial) = run_sequential(source, options, &spills).map_err(|e| e.to_string())?;
            (plan, partial, 1)
        };
        let bounds = (partial.start, partial.end);
        // A stream's bytes are the uncompressed ones it gave.
        let len = if source.path().is_some() { len } else { partial.end };
        Ok(FileRun { plan, partial, spills, bounds, threads, len, options: options.clone() })
    }

    /// The platform of input `i`: `--platform` after it, else detected
    /// from its header or its name; and how it was found.
    pub(crate) fn input_platform(input: &Source, plan: &Plan) -> (Platform, &'static str) {
        match &input.platform {
            Some(name) => (Platform::from_name(name).unwrap_or(Platform::Generic), "--platform"),
            None => {
                match (plan.platform(), Platform::detect_file(&plan.header, &input.name)) {
                    (Platform::Generic, Platform::Generic) => (Platform::Generic, "no platform's own columns or name"),
                    (Platform::Generic, p) => (p, "detected from the file name"),
                    (p, _) => (p, "detected from the header"),
                }
            }
        }
    }

    /// The daily series of one input's run (taken out of its result), and
    /// the summary's lines about it. Past the cell limit the file is read
    /// again, keeping cells only for the top campaigns by spend.
    fn daily_series(args: &Args, source: &Source, plan: &adagg::DailyPlan, run: &mut FileRun) -> Result<(Option<Vec<adagg::Series>>, String), String> {
        let Some(mut daily) = run.partial.daily.take() else {
            return Ok((None, String::new()));
        };
        if run.plan.date_column.is_none() {
            return Ok((None, "daily series:    none (the file has no date column)\n".to_string()));
        }
        let mut note = String::new();
        if daily.capped {
            let only = adagg::top_by_spend(&run.partial.campaigns, plan.limit, daily.span(), run.plan.encoding);
            note = format!(
                "daily series:    over {} cells: kept for the top {} campaigns by spend (of {}), read in a second pass\n",
                plan.limit,
                only.len(),
                run.partial.campaigns.len()
            );
            let mut options = run.options.clone();
            options.daily = Some(adagg::DailyPlan { limit: plan.limit, only: Some(only) });
            let mut again = aggregate_file(source, args, &options)?;
            daily = again.partial.daily.take().unwrap_or_default();
            if daily.capped {
                return Err(format!("the daily series needs more than {} cells even for the top campaigns; raise --daily-limit", plan.limit));
            }
        }
        let (series, left) = adagg::within_limit_by_spend(adagg::series(&daily.cells), plan.limit, &run.partial.campaigns);
        let cells: usize = series.iter().map(|s| s.len()).sum();
        if let Some(total) = left {
            note += &format!(
                "daily series:    {total} campaigns' series exceed {} days in all: kept for the top {} campaigns by spend\n",
                plan.limit,
                series.len()
            );
        }
        note += &format!(
            "daily series:    {} days for {} campaigns ({} (campaign, day) cells with rows), {:.1} MB\n",
            cells,
            series.len(),
            series.iter().map(|s| s.cells.len()).sum::<usize>(),
            (cells * std::mem::size_of::<adagg::Totals>()) as f64 / 1e6
        );
        Ok((Some(series), note))
    }

    fn run(args: &Args) -> Result<(), String> {
        let started = Instant::now();
        let report_options = report_options(args);
        let (sources, _spooled) = sources(args)?;
        let mut runs = Vec::with_capacity(sources.len());
        for source in &sources {
            let run = aggregate_file(source, args, &source.options(&args.options)).map_err(|e| match sources.len() {
                1 => e,
                _ => source.named(e),
            })?;
            runs.push(run);
        }
        // The daily series (one input): past its cell limit, a second pass
        // keeps the top campaigns by spend.
        let (daily, daily_text) = match &args.options.daily {
            Some(plan) => daily_series(args, &sources[0], plan, &mut runs[0])?,
            None => (None, String::new()),
        };
        // One file: its report, as always. Several: each file's own report
        // (its summary, rejected rows, errors), then their campaigns combined.
        let mut file_texts = Vec::new();
        let report = if runs.len() == 1 {
            let run = &mut runs[0];
            Report::with_options(&run.plan, std::mem::take(&mut run.partial), &report_options)
        } else {
            let mut files = Vec::new();
            let plans: Vec<Plan> = runs.iter().map(|r| r.plan.clone()).collect();
            for (input, run) in sources.iter().zip(&mut runs) {
                let (platform, how) = input_platform(input, &run.plan);
                let label = input.label.clone();
                let file = adagg::FileResult::take(label.clone(), platform, &run.plan, &mut run.partial);
                let mut own = Report::with_options(&run.plan, std::mem::take(&mut run.partial), &ReportOptions { rankings: Vec::new(), all: false });
                own.summary.campaigns = file.campaigns();
                if let Some(err) = &own.stop_error {
                    return Err(format!("{label}: {err}"));
                }
                file_texts.push(format!("file {label}\nplatform:        {} ({how})\n{}", platform.name(), own.summary));
                files.push(file);
            }
            if !files.iter().any(|f| f.has_revenue) {
                if let Some((metric, _)) = args.rank.iter().find(|(m, _)| m.needs_optional()) {
                    return Err(format!(
                        "--rank {}: no input has a revenue column, so {} is absent (not zero); \
                         name it with --map revenue=COLUMN",
                        metric.key, metric.header
                    ));
                }
            }
            let combined = adagg::combine(files, &plans, args.merge_platforms).map_err(|e| e.to_string())?;
            file_texts.push(adagg::files_text(&combined));
            std::fs::create_dir_all(&args.output).map_err(|e| format!("cannot create {}: {e}", args.output.display()))?;
            let path = args.output.join("platform_totals.csv");
            std::fs::write(&path, adagg::platform_totals_csv(&combined.platforms))
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            Report::with_options(&combined.plan, combined.partial, &report_options)
        };
        if let Some(err) = &report.stop_error {
            return Err(err.to_string());
        }
        std::fs::create_dir_all(&args.output)
            .map_err(|e| format!("cannot create {}: {e}", args.output.display()))?;
        // One file per ranking: without --rank, FV-SEC001's `top10_ctr.csv`
        // and `top10_cpa.csv` as they always were; with it,
        // `top{N}_{metric}.csv` with every KPI.
        let mut written = Vec::new();
        let mut hints_text = match (&args.hints, &daily) {
            (Some(_), None) => "budget hints:    none (the file has no date column)\n".to_string(),
            _ => String::new(),
        };
        if runs.len() > 1 {
            written.push(args.output.join("platform_totals.csv").display().to_string());
        }
        let mut write = |name: String, contents: String| {
            let path = args.output.join(name);
            std::fs::write(&path, contents).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            written.push(path.display().to_string());
            Ok::<(), String>(())
        };
        for ranking in &report.rankings {
            match args.rank.is_empty() {
                true => write(format!("top10_{}.csv", ranking.metric.key), report.standard_ranking_csv(ranking))?,
                false => write(format!("top{}_{}.csv", args.top, ranking.metric.key), report.kpi_ranking_csv(ranking))?,
            }
        }
        if args.all {
            write("all_campaigns.csv".to_string(), report.all_campaigns_csv())?;
        }
        // The time files' names, listed after the rankings'.
        let mut time_written: Vec<String> = Vec::new();
        if let Some(series) = &daily {
            let encoding = runs[0].plan.encoding;
            let revenue = report.has_revenue;
            // The time files are independent: made (and written) on up to
            // --threads threads, the anomalies (the longest) first.
            let mut jobs: Vec<(&str, TimeFile)> = Vec::new();
            if let Some(threshold) = &args.anomalies {
                jobs.push(("anomalies.csv", Box::new(move || adagg::anomalies_csv(&adagg::anomalies(series, threshold), encoding))));
            }
            if args.daily {
                for (name, window) in [("daily.csv", 1), ("rolling_7d.csv", 7), ("rolling_28d.csv", 28)] {
                    jobs.push((name, Box::new(move || adagg::series_csv(series, window, revenue, encoding))));
                }
            }
            let names: Vec<&str> = jobs.iter().map(|j| j.0).collect();
            write_time_files(&args.output, jobs, args.threads)?;
            // Listed in the order they always were.
            for name in ["daily.csv", "rolling_7d.csv", "rolling_28d.csv", "anomalies.csv"] {
                if names.contains(&name) {
                    time_written.push(args.output.join(name).display().to_string());
                }
            }
            if let Some(options) = &args.hints {
                let hints = adagg::budget_hints(series, report.has_revenue, options);
                let path = args.output.join("budget_hints.csv");
                std::fs::write(&path, adagg::budget_hints_csv(&hints, encoding)).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
                time_written.push(path.display().to_string());
                hints_text = adagg::budget_hints_text(&hints);
            }
        }
        written.extend(time_written);
        let rejected = args.output.join("rejected_rows.csv");
        write_rejected(&rejected, &sources, &runs).map_err(|e| format!("cannot write {}: {e}", rejected.display()))?;
        let secs = started.elapsed().as_secs_f64();
        // The results are written: a closed stdout (`adagg … | head`) is
        // not an error, so the summary is written without panicking on it.
        let mut text = match runs.len() {
            1 => report.summary.to_string(),
            _ => file_texts.join("\n"),
        };
        // The KPI lines when KPIs were asked for (the default job's summary
        // is as it was).
        if !args.rank.is_empty() || args.all || !args.guardrails.is_none() {
            for note in report.kpi_notes() {
                text += &format!("{note}\n");
            }
        }
        text += &daily_text;
        text += &hints_text;
        text += &unpacked_lines(&sources, &runs);
        let len = runs.iter().map(|r| r.len).sum();
        let threads = runs.iter().map(|r| r.threads).max().unwrap_or(1);
        text += &timing_lines(len, secs, threads);
        text += &format!("wrote {} and {}\n", written.join(", "), rejected.display());
        let _ = std::io::Write::write_all(&mut std::io::stdout(), text.as_bytes());
        Ok(())
    }

    /// The inputs as read: each `--input` unpacked ([`crate::input::unpack`]:
    /// a zip gives its members), `-` copied from standard input first (the
    /// copy is removed when the second value is dropped).
    pub(crate) fn sources(args: &Args) -> Result<(Vec<Source>, Option<crate::input::Spooled>), String> {
        let mut sources = Vec::new();
        let mut spooled = None;
        for input in &args.inputs {
            let (path, label) = match input.path.as_os_str() == "-" {
                true => {
                    if spooled.is_some() {
                        return Err("standard input (-) can be given once".to_string());
                    }
                    let copy = crate::input::spool_stdin()?;
                    let path = copy.path().to_path_buf();
                    spooled = Some(copy);
                    (path, "standard input".to_string())
                }
                false => (input.path.clone(), input.path.display().to_string()),
            };
            sources.extend(crate::input::unpack(&path, &label, input.platform.clone(), args.sheet.as_deref(), &args.options)?);
        }
        if sources.len() > 1 && args.options.daily.is_some() {
            return Err(format!(
                "--daily, --anomalies and --hints take one input file, and the inputs hold {} ({})",
                sources.len(),
                sources.iter().map(|s| s.label.as_str()).collect::<Vec<_>>().join(", ")
            ));
        }
        Ok((sources, spooled))
    }

    /// The summary's lines on what was unpacked: archives' members, a
    /// gzip's size once read, a workbook's sheet.
    pub(crate) fn unpacked_lines(sources: &[Source], runs: &[FileRun]) -> String {
        let mut text = String::new();
        for (source, run) in sources.iter().zip(runs) {
            if let Some(note) = &source.unpacked {
                text += &format!("unpacked:        {note}");
                if source.path().is_none() && note.contains(": gzip,") {
                    text += &format!(", {:.1} MB uncompressed", run.bounds.1 as f64 / 1e6);
                }
                text.push('\n');
            }
        }
        text
    }

    /// Makes a time file's text (`daily.csv`, a rolling file, `anomalies.csv`).
    type TimeFile<'a> = Box<dyn FnOnce() -> String + Send + 'a>;

    /// Makes and writes each file of `jobs` into `dir`, on up to `threads`
    /// threads (each takes the next job left, so that at most `threads`
    /// files are held at once).
    fn write_time_files(dir: &Path, jobs: Vec<(&str, TimeFile)>, threads: usize) -> Result<(), String> {
        let write = |(name, make): (&str, TimeFile)| {
            let path = dir.join(name);
            std::fs::write(&path, make()).map_err(|e| format!("cannot write {}: {e}", path.display()))
        };
        let threads = threads.clamp(1, jobs.len().max(1));
        if threads == 1 {
            return jobs.into_iter().try_for_each(write);
        }
        let queue = std::sync::Mutex::new(jobs.into_iter());
        let next = || queue.lock().unwrap_or_else(|e| e.into_inner()).next();
        std::thread::scope(|scope| {
            let workers: Vec<_> = (0..threads)
                .map(|_| {
                    scope.spawn(|| {
                        while let Some(job) = next() {
                            write(job)?;
                        }
                        Ok(())
                    })
                })
                .collect();
            workers.into_iter().try_for_each(|w| w.join().unwrap_or_else(|_| Err("a writer thread panicked".to_string())))
        })
    }

    /// `rejected_rows.csv`: one input's rejected rows as always; several
    /// inputs', file by file, with a `file` column first.
    pub(crate) fn write_rejected(path: &Path, inputs: &[Source], runs: &[FileRun]) -> std::io::Result<()> {
        let mut w = BufWriter::new(File::create(path)?);
        if runs.len() > 1 {
            w.write_all(b"file,")?;
        }
        w.write_all(adagg::REJECTED_HEADER.as_bytes())?;
        for (input, run) in inputs.iter().zip(runs) {
            let prefix = match runs.len() {
                1 => String::new(),
                _ => format!("{},", adagg::csv_text_field(input.label.as_bytes())),
            };
            run.spills.write_rows(&mut w, run.bounds.0, run.bounds.1, run.plan.data_start_line, prefix.as_bytes())?;
        }
        w.flush()
    }

    /// A file the export path refuses that is a click log: say which
    /// command reads it (issue 17).
    fn click_log_hint(source: &Source, message: String) -> String {
        let mut prefix = vec![0u8; 1 << 20];
        let n = source.open().and_then(|mut f| f.read(&mut prefix)).unwrap_or(0);
        match adagg::clicks::sniff_clicks(&prefix[..n], n < prefix.len()) {
            Some(plan) => format!(
                "{message}\nThis looks like a click log ({}): read it with `adagg clicks --input {} --output DIR`.",
                plan.format_name(),
                source.label
            ),
            None => message,
        }
    }

    pub fn main() {
        let mut argv: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
        if argv.first().is_some_and(|a| a == "clicks") {
            argv.remove(0);
            return crate::clicks::main(argv);
        }
        let args = match parse_args() {
            Ok(args) => args,
            Err(e) => {
                eprintln!("adagg: error: {}", e.message);
                if e.usage {
                    eprintln!("\n{USAGE}");
                }
                std::process::exit(1);
            }
        };
        let result = if args.normalize { crate::normalize::run_normalize(&args) } else { run(&args) };
        if let Err(msg) = result {
            eprintln!("adagg: error: {msg}");
            std::process::exit(1);
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    cli::main();
}

#[cfg(target_arch = "wasm32")]
fn main() {}
