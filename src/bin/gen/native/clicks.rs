//! `gen --kind clicks`: a deterministic click log (issue 17), NDJSON or CSV.
//!
//! Data model (integer arithmetic only; same arguments → same bytes):
//! - row i's nominal time runs evenly through 6 hours from
//!   2025-01-15T12:00:00Z, plus a jitter of ±20 s (roughly in time order,
//!   locally shuffled);
//! - `click_id` `c` + 16 hex digits, a bijection of a counter (never equal
//!   by accident); `ad_id` `ad` + 1..=ads, skewed (three nested uniform
//!   draws: ad1 is ~40× the average ad with 10,000 ads); `campaign_id`
//!   `cmp` + ((ad - 1) / 10 + 1); `user_id` `u` + 0..users, uniform;
//!   `ip_address` per user (IPv4, ~3% IPv6); `user_agent` one of a few
//!   browsers' (most contain commas);
//! - `--duplicates-per-mille`: a retry of one of the last 4096 clicks
//!   (same click_id, ad, campaign, user, IP, UA and cost; timestamp
//!   +0..=5 s);
//! - `--bots-per-mille`: a bot's user agent (Googlebot, bingbot, curl,
//!   python-requests, HeadlessChrome) or an empty one;
//! - `--bursts N`: N velocity bursts spread through the log, each 6–12
//!   clicks of one user (from one IP) on one ad within one epoch-aligned
//!   minute, on consecutive rows;
//! - `--malformed-every N`: every Nth row is malformed, cycling through a
//!   missing ad_id, an unparsable timestamp, and a line that is not a
//!   click (NDJSON: a truncated object, then a line that is not JSON, in
//!   turn; CSV: a field short);
//! - `--mixed-timestamps`: ~5% of timestamps in unix milliseconds and ~5%
//!   ISO 8601 `Z` (some with milliseconds), the rest unix seconds;
//! - `--cost`: a `cost` of 0.05–2.50 (2 decimals).

use super::*;
use lexopt::ValueExt;

/// 2025-01-15T12:00:00Z.
const T0_MS: i64 = 1_736_942_400_000;
/// Six hours.
const SPAN_MS: i64 = 6 * 3600 * 1000;
/// ± this jitter around a row's nominal time.
const JITTER_MS: i64 = 20_000;
/// Recent clicks a retry may repeat.
const RING: usize = 4096;

const BROWSER_UAS: [&str; 10] = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.104 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
    "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (iPad; CPU OS 17_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.7 Mobile/15E148 Safari/604.1",
];

/// Bots' user agents; the last is empty (also a bot by the rule).
const BOT_UAS: [&str; 7] = [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "curl/8.5.0",
    "python-requests/2.32.3",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.69 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "",
];

/// The options only `--kind clicks` reads.
pub(super) const CLICK_OPTIONS: &[&str] =
    &["format", "ads", "users", "duplicates-per-mille", "bots-per-mille", "bursts", "cost", "mixed-timestamps"];

/// `--kind clicks` options (the shared ones are in [`Config`]).
pub(super) struct ClickArgs {
    pub(super) csv: bool,
    pub(super) ads: u64,
    pub(super) users: u64,
    pub(super) duplicates_per_mille: u64,
    pub(super) bots_per_mille: u64,
    pub(super) bursts: u64,
    pub(super) cost: bool,
    pub(super) mixed_timestamps: bool,
}

impl Default for ClickArgs {
    fn default() -> Self {
        ClickArgs {
            csv: false,
            ads: 10_000,
            users: 2_000_000,
            duplicates_per_mille: 20,
            bots_per_mille: 10,
            bursts: 20,
            cost: false,
            mixed_timestamps: false,
        }
    }
}

/// Reads one of [`CLICK_OPTIONS`] (`name` without its dashes).
pub(super) fn parse_option(c: &mut ClickArgs, name: &str, p: &mut lexopt::Parser) -> Result<(), lexopt::Error> {
    match name {
        "format" => {
            c.csv = match p.value()?.string()?.as_str() {
                "ndjson" => false,
                "csv" => true,
                other => return Err(format!("--format {other:?}: use ndjson or csv").into()),
            }
        }
        "ads" => c.ads = p.value()?.parse()?,
        "users" => c.users = p.value()?.parse()?,
        "duplicates-per-mille" => c.duplicates_per_mille = p.value()?.parse()?,
        "bots-per-mille" => c.bots_per_mille = p.value()?.parse()?,
        "bursts" => c.bursts = p.value()?.parse()?,
        "cost" => c.cost = true,
        "mixed-timestamps" => c.mixed_timestamps = true,
        _ => unreachable!("not a click option: {name}"),
    }
    Ok(())
}

/// Checks the click options.
pub(super) fn check(c: &ClickArgs) -> Result<(), lexopt::Error> {
    if c.ads == 0 || c.ads > 1_000_000_000 {
        return Err("--ads must be between 1 and 1000000000".into());
    }
    if c.users == 0 || c.users > 1 << 40 {
        return Err("--users must be between 1 and 2^40".into());
    }
    if c.duplicates_per_mille + c.bots_per_mille > 1000 {
        return Err("--duplicates-per-mille plus --bots-per-mille must be at most 1000".into());
    }
    Ok(())
}

/// A click as drawn (a retry repeats one).
#[derive(Clone, Copy, Default)]
struct Click {
    id: u64,
    ad: u64,
    user: u64,
    ua: u8,
    bot: bool,
    ms: i64,
    cost_cents: u64,
}

/// A burst: from row `start`, `left` clicks still to write.
struct Burst {
    start: u64,
    len: u64,
    ad: u64,
    user: u64,
    minute_ms: i64,
}

/// How a timestamp is written.
#[derive(Clone, Copy, PartialEq)]
enum TsForm {
    Seconds,
    Millis,
    Iso,
    IsoMillis,
}

struct Writer<'a> {
    a: &'a ClickArgs,
    key: u64,
    csv: bool,
}

/// Appends 16 lowercase hex digits.
fn push_hex16(out: &mut Vec<u8>, v: u64) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for i in (0..16).rev() {
        out.push(HEX[((v >> (i * 4)) & 15) as usize]);
    }
}

/// Appends `2025-01-15T12:00:00Z` (or `…:00.250Z` with `millis`).
fn push_iso(out: &mut Vec<u8>, ms: i64, millis: bool) {
    let secs = ms.div_euclid(1000);
    let day = secs.div_euclid(86_400);
    let s = secs.rem_euclid(86_400);
    // Civil from days (Howard Hinnant's algorithm).
    let z = day + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    push_padded(out, y as u64, 4);
    out.push(b'-');
    push_padded(out, m as u64, 2);
    out.push(b'-');
    push_padded(out, d as u64, 2);
    out.push(b'T');
    push_padded(out, (s / 3600) as u64, 2);
    out.push(b':');
    push_padded(out, (s / 60 % 60) as u64, 2);
    out.push(b':');
    push_padded(out, (s % 60) as u64, 2);
    if millis {
        out.push(b'.');
        push_padded(out, ms.rem_euclid(1000) as u64, 3);
    }
    out.push(b'Z');
}

/// Appends an IPv4 or IPv6 address for a user.
fn push_ip(out: &mut Vec<u8>, key: u64, user: u64) {
    let h = mix64(key ^ 0x1B_AD_D2E5 ^ user.wrapping_mul(0xA24B_AED4_963E_E407));
    if h % 1000 < 30 {
        // IPv6 in 2a02::/16, four random groups then ::n.
        out.extend_from_slice(b"2a02:");
        for i in 0..3 {
            let g = (h >> (16 + 16 * i)) & 0xFFFF;
            out.extend_from_slice(format!("{g:x}").as_bytes());
            out.push(b':');
        }
        out.push(b':');
        out.extend_from_slice(format!("{:x}", (h >> 4) & 0xFFF).as_bytes());
    } else {
        // First octet 1..=223 except 10 and 127.
        let mut a = 1 + ((h >> 8) & 0xFF) % 223;
        if a == 10 || a == 127 {
            a += 1;
        }
        push_u64(out, a);
        for i in 0..3 {
            out.push(b'.');
            push_u64(out, (h >> (24 + 8 * i)) & 0xFF);
        }
    }
}

impl Writer<'_> {
    fn ua(&self, c: &Click) -> &'static str {
        if c.bot {
            BOT_UAS[c.ua as usize % BOT_UAS.len()]
        } else {
            BROWSER_UAS[c.ua as usize % BROWSER_UAS.len()]
        }
    }

    fn push_ts(&self, out: &mut Vec<u8>, ms: i64, form: TsForm) {
        let quote = !self.csv && matches!(form, TsForm::Iso | TsForm::IsoMillis);
        if quote {
            out.push(b'"');
        }
        match form {
            TsForm::Seconds => push_u64(out, ms.div_euclid(1000) as u64),
            TsForm::Millis => push_u64(out, ms as u64),
            TsForm::Iso => push_iso(out, ms, false),
            TsForm::IsoMillis => push_iso(out, ms, true),
        }
        if quote {
            out.push(b'"');
        }
    }

    /// Writes one row. `broken`: 0 no ad_id, 1 a bad timestamp, 2 a
    /// truncated / short row, 3 (NDJSON) a line that is not JSON.
    fn row(&self, out: &mut Vec<u8>, c: &Click, form: TsForm, broken: Option<u64>) {
        let start = out.len();
        let ua = self.ua(c);
        if self.csv {
            out.push(b'c');
            push_hex16(out, mix64(c.id ^ self.key));
            out.push(b',');
            if broken != Some(0) {
                out.extend_from_slice(b"ad");
                push_u64(out, c.ad);
            }
            out.extend_from_slice(b",cmp");
            push_u64(out, (c.ad - 1) / 10 + 1);
            out.extend_from_slice(b",u");
            push_u64(out, c.user);
            out.push(b',');
            push_ip(out, self.key, c.user);
            out.push(b',');
            if ua.contains([',', '"']) {
                out.push(b'"');
                out.extend_from_slice(ua.replace('"', "\"\"").as_bytes());
                out.push(b'"');
            } else {
                out.extend_from_slice(ua.as_bytes());
            }
            if broken == Some(2) {
                return; // a field short
            }
            out.push(b',');
            if broken == Some(1) {
                out.extend_from_slice(b"2025-01-15T99:00:00Z");
            } else {
                self.push_ts(out, c.ms, form);
            }
            if self.a.cost {
                out.push(b',');
                push_cents(out, c.cost_cents);
            }
        } else {
            if broken == Some(3) {
                out.extend_from_slice(b"click_id=c");
                push_hex16(out, mix64(c.id ^ self.key));
                out.extend_from_slice(b" ad_id=ad");
                push_u64(out, c.ad);
                return;
            }
            out.extend_from_slice(b"{\"click_id\":\"c");
            push_hex16(out, mix64(c.id ^ self.key));
            if broken != Some(0) {
                out.extend_from_slice(b"\",\"ad_id\":\"ad");
                push_u64(out, c.ad);
            }
            out.extend_from_slice(b"\",\"campaign_id\":\"cmp");
            push_u64(out, (c.ad - 1) / 10 + 1);
            out.extend_from_slice(b"\",\"user_id\":\"u");
            push_u64(out, c.user);
            out.extend_from_slice(b"\",\"timestamp\":");
            if broken == Some(1) {
                out.extend_from_slice(b"\"yesterday\"");
            } else {
                self.push_ts(out, c.ms, form);
            }
            out.extend_from_slice(b",\"ip_address\":\"");
            push_ip(out, self.key, c.user);
            out.extend_from_slice(b"\",\"user_agent\":\"");
            out.extend_from_slice(ua.as_bytes()); // no quote or backslash in any
            out.push(b'"');
            if self.a.cost {
                out.extend_from_slice(b",\"cost\":");
                push_cents(out, c.cost_cents);
            }
            out.push(b'}');
            if broken == Some(2) {
                let keep = (out.len() - start) / 2;
                out.truncate(start + keep);
            }
        }
    }
}

/// Skewed ad number in 1..=ads: three nested uniform draws.
fn skewed_ad(bits: u64, ads: u64) -> u64 {
    let m1 = below32(bits as u32, ads) + 1;
    let m2 = below32((bits >> 32) as u32, m1) + 1;
    below32((mix64(bits) >> 32) as u32, m2) + 1
}

pub(super) fn run(cfg: &Config, sink: &mut dyn Write) -> Result<(u64, String), Box<dyn std::error::Error>> {
    let a = &cfg.clicks;
    let key = mix64(cfg.seed ^ 0xC11C_0000_ADA6_6017);
    let w = Writer { a, key, csv: a.csv };
    let mut rng = SplitMix64(mix64(cfg.seed ^ 0xC11C));

    // Bursts: evenly spread starts (a random offset within each share).
    let rows = cfg.rows;
    let mut bursts: Vec<Burst> = Vec::new();
    if rows > 0 {
        let n = a.bursts.min(rows / 12);
        for b in 0..n {
            let h = mix64(key ^ 0xB0_2575 ^ b.wrapping_mul(GAMMA));
            let share = rows / n;
            let start = b * share + below64(h, share.saturating_sub(12).max(1));
            let h2 = mix64(h);
            bursts.push(Burst {
                start,
                len: 6 + below32(h2 as u32, 7),
                ad: skewed_ad(mix64(h2), a.ads),
                user: below64(mix64(h2 ^ 1), a.users),
                minute_ms: (T0_MS + (start as i128 * SPAN_MS as i128 / rows as i128) as i64).div_euclid(60_000) * 60_000,
            });
        }
    }

    const FLUSH_AT: usize = 1 << 20;
    let mut out: Vec<u8> = Vec::with_capacity(FLUSH_AT + 4096);
    let mut bytes = 0u64;
    if a.csv {
        out.extend_from_slice(b"click_id,ad_id,campaign_id,user_id,ip_address,user_agent,timestamp");
        if a.cost {
            out.extend_from_slice(b",cost");
        }
        out.push(b'\n');
    }
    let mut ring: Vec<Click> = Vec::with_capacity(RING);
    let mut next_id = 0u64;
    let (mut duplicates, mut bots, mut burst_clicks, mut malformed) = (0u64, 0u64, 0u64, 0u64);
    let mut burst_at = 0usize; // the next burst
    let mut in_burst: Option<(usize, u64)> = None; // (burst, clicks left)

    for i in 0..rows {
        // Exactly three draws per row.
        let r1 = rng.next();
        let r2 = rng.next();
        let r3 = rng.next();
        let form = if a.mixed_timestamps {
            match r3 % 100 {
                0..=4 => TsForm::Millis,
                5..=7 => TsForm::Iso,
                8..=9 => TsForm::IsoMillis,
                _ => TsForm::Seconds,
            }
        } else {
            TsForm::Seconds
        };
        let nominal = T0_MS + (i as i128 * SPAN_MS as i128 / rows as i128) as i64;
        let jitter = below32((r2 >> 32) as u32, 2 * JITTER_MS as u64 + 1) as i64 - JITTER_MS;
        let fresh = |id: u64, bits: u64| Click {
            id,
            ad: skewed_ad(bits, a.ads),
            user: below64(mix64(bits ^ 0x05E2), a.users),
            ua: (r3 >> 8) as u8,
            bot: false,
            ms: (nominal + jitter).max(T0_MS),
            cost_cents: 5 + below32((r3 >> 32) as u32, 246),
        };

        let broken = (cfg.malformed_every > 0 && (i + 1) % cfg.malformed_every == 0).then(|| {
            let k = (i + 1) / cfg.malformed_every - 1;
            match k % 3 {
                2 if !a.csv && (k / 3) % 2 == 1 => 3,
                m => m,
            }
        });
        if let Some(kind) = broken {
            malformed += 1;
            let c = fresh(next_id, r1);
            next_id += 1;
            w.row(&mut out, &c, form, Some(kind));
        } else {
            if in_burst.is_none() && burst_at < bursts.len() && i >= bursts[burst_at].start {
                in_burst = Some((burst_at, bursts[burst_at].len));
                burst_at += 1;
            }
            let c = if let Some((b, left)) = in_burst {
                let burst = &bursts[b];
                in_burst = (left > 1).then_some((b, left - 1));
                burst_clicks += 1;
                let mut c = fresh(next_id, r1);
                next_id += 1;
                c.ad = burst.ad;
                c.user = burst.user;
                c.ms = burst.minute_ms + below32(r2 as u32, 60_000) as i64;
                c
            } else {
                let pick = r2 % 1000;
                if pick < a.duplicates_per_mille && !ring.is_empty() {
                    duplicates += 1;
                    let mut c = ring[below32((r1 >> 32) as u32, ring.len() as u64) as usize];
                    c.ms += below32(r1 as u32, 6) as i64 * 1000;
                    w.row(&mut out, &c, form, None);
                    finish_line(&mut out, sink, &mut bytes)?;
                    continue;
                }
                let mut c = fresh(next_id, r1);
                next_id += 1;
                if pick >= a.duplicates_per_mille && pick < a.duplicates_per_mille + a.bots_per_mille {
                    c.bot = true;
                    bots += 1;
                }
                c
            };
            if ring.len() < RING {
                ring.push(c);
            } else {
                ring[(c.id % RING as u64) as usize] = c;
            }
            w.row(&mut out, &c, form, None);
        }
        finish_line(&mut out, sink, &mut bytes)?;
    }
    sink.write_all(&out)?;
    bytes += out.len() as u64;
    let summary = format!(
        "{} rows ({}): {} duplicates, {} bot user agents, {} bursts ({} clicks), {} malformed",
        rows,
        if a.csv { "CSV" } else { "NDJSON" },
        duplicates,
        bots,
        bursts.len(),
        burst_clicks,
        malformed
    );
    Ok((bytes, summary))
}

#[inline]
fn finish_line(out: &mut Vec<u8>, sink: &mut dyn Write, bytes: &mut u64) -> io::Result<()> {
    out.push(b'\n');
    if out.len() >= 1 << 20 {
        sink.write_all(out)?;
        *bytes += out.len() as u64;
        out.clear();
    }
    Ok(())
}
