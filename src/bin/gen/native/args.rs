//! The generator's options.

use super::*;

pub(super) const USAGE: &str = "\
gen — deterministic ad-performance CSV generator (FV-SEC001 format), or
click-log generator (--kind clicks, issue 17)

USAGE:
gen [OPTIONS] > FILE.csv
gen --xlsx --output FILE.xlsx [OPTIONS]
gen --kind clicks [--format ndjson|csv] [OPTIONS] > FILE.ndjson

OPTIONS:
--kind ads|clicks      what to write (default ads: the ad-performance CSV below;
                       clicks: a click log, see CLICK LOG OPTIONS)
--rows N               data rows to write (default 1000)
--campaigns N          distinct campaign ids CMP001.. (default 50, max 1000000000)
--id-digits N          campaign ids of N digits instead (`1` + the number zero-padded,
                       e.g. 17 digits like Meta's; N from 1 + digits(campaigns) to 64)
--seed S               PRNG seed (default 1)
--output FILE          write to FILE instead of stdout
--crlf                 CRLF line endings
--no-final-newline     no line ending after the last row
--malformed-every N    every Nth data row is malformed, cycling through: wrong field
                       count, `abc` clicks, spend -1.00, empty campaign_id,
                       impressions 12.5, impressions 1.25e1
--noisy-every N        every Nth data row (that is not malformed) writes its spend as
                       files from pandas, Excel or BI tools do, cycling through: float
                       noise with 9 decimals (`1.429999948`), with 15 decimals
                       (`45.499999999999990`), exponent notation (`4550e-2`), an exact
                       half micro (`45.5000005`); all but the exponent are rounded to
                       6 decimals (a data-quality warning), never rejected
--quoted-every N       every Nth data row has its campaign_id quoted, containing a
                       doubled quote, a comma and a newline (`\"CMP007 \"\"x\"\",<LF>next\"`)
                       (that embedded newline is LF even with --crlf); such a record
                       spans two physical lines and is a distinct campaign id
--revenue              a `revenue` column last (conversions × a per-campaign order value
                       of 20.00–200.00 × noise 0.8–1.2, 2 decimals; 0.00 without conversions)
--incidents N          inject N incidents (issue 16's anomalies): on one (campaign, day)
                       each, from day 60 of the year on, every row's clicks, spend and
                       conversions are multiplied by 8 (a spike; odd incidents) or set to
                       0 (a drop; even ones); each is listed on stderr as
                       `incident: CMP007 2025-05-03 spike`
--shuffle-columns      different column order (header ` Spend,date,note,clicks,Campaign_ID ,conversions,impressions`)
                       plus an extra ignored `note` column
--xlsx                 an Excel workbook instead of CSV (needs --output): the same rows as
                       the CSV with the same options, on one sheet `Campaigns`, header in
                       row 1; ids as text, dates as Excel dates (yyyy-mm-dd), counts as
                       numbers, spend (and revenue) as numbers in a $#,##0.00 format.
                       Written in rust_xlsxwriter's constant-memory mode (rows go to a
                       temporary file as they are made). Takes --rows, --campaigns,
                       --id-digits, --seed, --revenue, --incidents, --quiet; none of
                       the CSV's layout or malformed-row options. 1,000,000 rows ≈ 26 MB
--quiet                no summary on stderr
-h, --help             this help

CLICK LOG OPTIONS (--kind clicks; --rows, --seed, --output, --malformed-every and
--quiet apply too, the other options above do not):
--format ndjson|csv    NDJSON objects (default) or CSV with the header
                       click_id,ad_id,campaign_id,user_id,ip_address,user_agent,timestamp[,cost]
--ads N                distinct ad ids ad1.. (default 10000), skewed: low numbers are busy
--users N              distinct user ids u0.. (default 2000000), uniform; IP per user
--duplicates-per-mille N  retries (default 20 = 2%): a row repeating one of the last
                       4096 clicks (click_id, ad, user, IP, UA, cost), timestamp +0..5 s
--bots-per-mille N     bot user agents (default 10 = 1%): Googlebot, bingbot, curl,
                       python-requests, HeadlessChrome, or an empty user agent
--bursts N             velocity bursts (default 20): one user from one IP clicking one
                       ad 6-12 times within one epoch-aligned minute, consecutive rows
--malformed-every N    (clicks) every Nth row malformed, cycling through: no ad_id, an
                       unparsable timestamp, a row that is not a click (CSV: a field
                       short; NDJSON: a truncated object, or a line that is not JSON)
--mixed-timestamps     ~5% unix milliseconds and ~5% ISO 8601 `Z` timestamps (some
                       with milliseconds); otherwise all unix seconds
--cost                 a cost column/key, 0.05-2.50 with 2 decimals
Events run through 6 hours from 2025-01-15T12:00:00Z, locally shuffled (±20 s).
Sizes with the defaults (no --cost): ~275 bytes a row in NDJSON, ~181 in CSV, so
~1 GiB is --rows 3910000 (NDJSON) or --rows 5925000 (CSV).
";

pub(super) struct Config {
    pub(super) clicks_kind: bool,
    pub(super) clicks: super::clicks::ClickArgs,
    pub(super) rows: u64,
    pub(super) campaigns: u64,
    pub(super) id_digits: Option<usize>,
    pub(super) seed: u64,
    pub(super) output: Option<String>,
    pub(super) crlf: bool,
    pub(super) final_newline: bool,
    pub(super) malformed_every: u64,
    pub(super) noisy_every: u64,
    pub(super) quoted_every: u64,
    pub(super) shuffle: bool,
    pub(super) revenue: bool,
    pub(super) incidents: u64,
    pub(super) quiet: bool,
    pub(super) xlsx: bool,
}

pub(super) fn parse_args() -> Result<Config, lexopt::Error> {
    use lexopt::prelude::*;
    let mut c = Config {
        clicks_kind: false,
        clicks: Default::default(),
        rows: 1000,
        campaigns: 50,
        id_digits: None,
        seed: 1,
        output: None,
        crlf: false,
        final_newline: true,
        malformed_every: 0,
        noisy_every: 0,
        quoted_every: 0,
        shuffle: false,
        revenue: false,
        incidents: 0,
        quiet: false,
        xlsx: false,
    };
    let mut p = lexopt::Parser::from_env();
    while let Some(arg) = p.next()? {
        match arg {
            Long("rows") => c.rows = p.value()?.parse()?,
            Long("campaigns") => c.campaigns = p.value()?.parse()?,
            Long("id-digits") => c.id_digits = Some(p.value()?.parse()?),
            Long("seed") => c.seed = p.value()?.parse()?,
            Long("output") | Short('o') => c.output = Some(p.value()?.string()?),
            Long("crlf") => c.crlf = true,
            Long("no-final-newline") => c.final_newline = false,
            Long("malformed-every") => c.malformed_every = p.value()?.parse()?,
            Long("quoted-every") => c.quoted_every = p.value()?.parse()?,
            Long("noisy-every") => c.noisy_every = p.value()?.parse()?,
            Long("shuffle-columns") => c.shuffle = true,
            Long("revenue") => c.revenue = true,
            Long("incidents") => c.incidents = p.value()?.parse()?,
            Long("quiet") | Short('q') => c.quiet = true,
            Long("xlsx") => c.xlsx = true,
            Long("kind") => {
                c.clicks_kind = match p.value()?.string()?.as_str() {
                    "ads" => false,
                    "clicks" => true,
                    other => return Err(format!("--kind {other:?}: use ads or clicks").into()),
                }
            }
            Long(name) if super::clicks::CLICK_OPTIONS.contains(&name) => {
                let name = name.to_string();
                super::clicks::parse_option(&mut c.clicks, &name, &mut p)?;
            }
            Long("help") | Short('h') => {
                print!("{USAGE}");
                std::process::exit(0);
            }
            _ => return Err(arg.unexpected()),
        }
    }
    if c.clicks_kind {
        super::clicks::check(&c.clicks)?;
    }
    if c.xlsx {
        let csv_only = [
            (c.clicks_kind, "--kind clicks"),
            (c.crlf, "--crlf"),
            (!c.final_newline, "--no-final-newline"),
            (c.malformed_every > 0, "--malformed-every"),
            (c.noisy_every > 0, "--noisy-every"),
            (c.quoted_every > 0, "--quoted-every"),
            (c.shuffle, "--shuffle-columns"),
        ];
        if let Some((_, name)) = csv_only.iter().find(|(on, _)| *on) {
            return Err(format!("--xlsx does not take {name} (a CSV option)").into());
        }
        if c.output.is_none() {
            return Err("--xlsx needs --output FILE.xlsx".into());
        }
    }
    if c.campaigns == 0 || c.campaigns > 1_000_000_000 {
        return Err("--campaigns must be between 1 and 1000000000".into());
    }
    if let Some(n) = c.id_digits {
        if n <= digits(c.campaigns) || n > 64 {
            return Err("--id-digits must be more than the digits of --campaigns, and at most 64".into());
        }
    }
    Ok(c)
}
