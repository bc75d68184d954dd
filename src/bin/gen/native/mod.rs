//! The generator itself (not built for wasm).

use std::fs::File;
use std::io::{self, Write};
use std::time::Instant;

mod args;
mod clicks;
mod digits;
mod model;
mod random;

use args::*;
use digits::*;
use model::*;
use random::*;

pub fn run() -> Result<(), Box<dyn std::error::Error>> {
    let cfg = parse_args()?;
    let started = Instant::now();

    let mut sink: Box<dyn Write> = match &cfg.output {
        Some(path) => Box::new(File::create(path).map_err(|e| format!("{path}: {e}"))?),
        None => stdout_raw(),
    };

    if cfg.clicks_kind {
        let (bytes, summary) = clicks::run(&cfg, &mut *sink)?;
        sink.flush()?;
        drop(sink);
        if !cfg.quiet {
            let secs = started.elapsed().as_secs_f64();
            eprintln!(
                "gen: clicks: {summary}; {} ads, {} users, seed {}: {} bytes in {:.2} s ({:.0} MB/s)",
                cfg.clicks.ads,
                cfg.clicks.users,
                cfg.seed,
                bytes,
                secs,
                bytes as f64 / 1e6 / secs.max(1e-9)
            );
        }
        return Ok(());
    }

    let eol: &[u8] = if cfg.crlf { b"\r\n" } else { b"\n" };
    let (header, order) = if cfg.shuffle {
        (SHUFFLED_HEADER, SHUFFLED_ORDER)
    } else {
        (NORMAL_HEADER, NORMAL_ORDER)
    };
    // --revenue: one more column, last.
    let header = match cfg.revenue {
        true => format!("{header},revenue"),
        false => header.to_string(),
    };
    let order: Vec<usize> = order.iter().copied().chain(cfg.revenue.then_some(F_REVENUE)).collect();
    let id_form = match cfg.id_digits {
        Some(n) => IdForm::Digits(n - 1),
        None => IdForm::Cmp(digits(cfg.campaigns).max(3)),
    };
    let dates = date_table();
    let seed_key = mix64(cfg.seed ^ 0x5EED_0000_ADA6_6000);
    // Small campaign counts: a table; large ones: computed per row (no big allocation).
    let table: Vec<Campaign> = if cfg.campaigns <= 1 << 16 {
        (1..=cfg.campaigns).map(|n| campaign(seed_key, n)).collect()
    } else {
        Vec::new()
    };

    const FLUSH_AT: usize = 1 << 20;
    let mut out: Vec<u8> = Vec::with_capacity(FLUSH_AT + 4096);
    let mut bytes: u64 = 0;
    out.extend_from_slice(header.as_bytes());
    if cfg.rows > 0 || cfg.final_newline {
        out.extend_from_slice(eol);
    }

    // --incidents: (campaign number, day, spike) each, distinct (campaign, day)s.
    let mut incidents: Vec<(u64, usize, bool)> = Vec::new();
    let mut k = 0u64;
    while (incidents.len() as u64) < cfg.incidents.min(cfg.campaigns * 305) {
        let h = mix64(seed_key ^ 0x1AC1_DE47 ^ k.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let (number, day) = (below64(h, cfg.campaigns) + 1, 60 + below32((h >> 32) as u32, 305) as usize);
        if !incidents.iter().any(|&(n, d, _)| n == number && d == day) {
            incidents.push((number, day, incidents.len().is_multiple_of(2)));
        }
        k += 1;
    }
    let mut rng = SplitMix64(mix64(cfg.seed));
    // Field scratch: each field is written into `scratch`, `ends[f]` marks its end.
    let mut scratch: Vec<u8> = Vec::with_capacity(256);
    let mut spans = [(0usize, 0usize); 8];

    for i in 1..=cfg.rows {
        // Exactly three draws per row.
        let r1 = rng.next();
        let r2 = rng.next();
        let r3 = rng.next();

        let number = below64(r1, cfg.campaigns) + 1;
        let c = if table.is_empty() {
            campaign(seed_key, number)
        } else {
            table[(number - 1) as usize]
        };
        let impressions = 1_000 + below32((r2 >> 32) as u32, 49_001);
        let click_noise = 500 + below32(r2 as u32, 1_001); // ‰
        let clicks = impressions * c.ctr_ppm * click_noise / 1_000_000_000;
        let spend_noise = 700 + below32((r3 >> 32) as u32, 601); // ‰
        let spend_cents = clicks * c.cpc_cents * spend_noise / 1_000;
        let conv_noise = 500 + below32(r3 as u32, 1_001); // ‰
        let conversions = (clicks * c.cvr_ppm * conv_noise / 1_000_000_000).min(50);
        let day = (((i - 1) as u128 * 365) / cfg.rows as u128) as usize;
        let (clicks, spend_cents, conversions) = match incidents.iter().find(|&&(n, d, _)| n == number && d == day) {
            Some(&(_, _, true)) => ((clicks * 8).min(impressions), spend_cents * 8, conversions * 8),
            Some(&(_, _, false)) => (0, 0, 0),
            None => (clicks, spend_cents, conversions),
        };

        let malformed = if cfg.malformed_every > 0 && i % cfg.malformed_every == 0 {
            Some((i / cfg.malformed_every - 1) % 6)
        } else {
            None
        };
        let quoted = cfg.quoted_every > 0 && i % cfg.quoted_every == 0;
        let noisy = match malformed {
            None if cfg.noisy_every > 0 && i % cfg.noisy_every == 0 => Some((i / cfg.noisy_every - 1) % 4),
            _ => None,
        };
        // The noise, from bits already drawn (three draws per row stay three).
        let jitter = mix64(r2 ^ r3.rotate_left(17));
        let revenue_noise = 800 + (jitter >> 40) % 401; // ‰
        let revenue_cents = conversions * c.aov_cents * revenue_noise / 1_000;

        if malformed.is_none() && noisy.is_none() && !quoted && !cfg.shuffle {
            // Fast path: write straight into the output buffer.
            id_form.push(&mut out, number);
            out.push(b',');
            out.extend_from_slice(&dates[day]);
            out.push(b',');
            push_u64(&mut out, impressions);
            out.push(b',');
            push_u64(&mut out, clicks);
            out.push(b',');
            push_cents(&mut out, spend_cents);
            out.push(b',');
            push_u64(&mut out, conversions);
            if cfg.revenue {
                out.push(b',');
                push_cents(&mut out, revenue_cents);
            }
        } else {
            scratch.clear();
            let mut field = |f: usize, scratch: &mut Vec<u8>, w: &dyn Fn(&mut Vec<u8>)| {
                let s = scratch.len();
                w(scratch);
                spans[f] = (s, scratch.len());
            };
            field(F_ID, &mut scratch, &|b| match malformed {
                Some(3) => {}
                _ if quoted => {
                    b.push(b'"');
                    id_form.push(b, number);
                    b.extend_from_slice(b" \"\"x\"\",\nnext\"");
                }
                _ => {
                    id_form.push(b, number);
                }
            });
            field(F_DATE, &mut scratch, &|b| b.extend_from_slice(&dates[day]));
            field(F_IMPR, &mut scratch, &|b| match malformed {
                Some(4) => b.extend_from_slice(b"12.5"),
                Some(5) => b.extend_from_slice(b"1.25e1"),
                _ => push_u64(b, impressions),
            });
            field(F_CLICKS, &mut scratch, &|b| match malformed {
                Some(1) => b.extend_from_slice(b"abc"),
                _ => push_u64(b, clicks),
            });
            field(F_SPEND, &mut scratch, &|b| match malformed {
                Some(2) => b.extend_from_slice(b"-1.00"),
                _ => match noisy {
                    Some(kind) => push_noisy(b, spend_cents, kind, jitter),
                    None => push_cents(b, spend_cents),
                },
            });
            field(F_CONV, &mut scratch, &|b| push_u64(b, conversions));
            field(F_REVENUE, &mut scratch, &|b| push_cents(b, revenue_cents));
            field(F_NOTE, &mut scratch, &|b| {
                if r1 & 15 == 0 {
                    b.extend_from_slice(b"\"a,b\"");
                } else {
                    b.extend_from_slice(b"ok");
                }
            });
            // Malformed kind 0: one field short (the last one of the layout).
            let n = if malformed == Some(0) {
                order.len() - 1
            } else {
                order.len()
            };
            for (k, &f) in order[..n].iter().enumerate() {
                if k > 0 {
                    out.push(b',');
                }
                let (s, e) = spans[f];
                out.extend_from_slice(&scratch[s..e]);
            }
        }
        if i < cfg.rows || cfg.final_newline {
            out.extend_from_slice(eol);
        }
        if out.len() >= FLUSH_AT {
            sink.write_all(&out)?;
            bytes += out.len() as u64;
            out.clear();
        }
    }
    sink.write_all(&out)?;
    bytes += out.len() as u64;
    sink.flush()?;
    drop(sink);

    for &(number, day, spike) in &incidents {
        let mut id = Vec::new();
        id_form.push(&mut id, number);
        eprintln!("incident: {} {} {}", String::from_utf8_lossy(&id), String::from_utf8_lossy(&dates[day]), if spike { "spike" } else { "drop" });
    }
    if !cfg.quiet {
        let secs = started.elapsed().as_secs_f64();
        eprintln!(
            "gen: {} rows, {} campaigns, seed {}: {} bytes in {:.2} s ({:.0} MB/s)",
            cfg.rows,
            cfg.campaigns,
            cfg.seed,
            bytes,
            secs,
            bytes as f64 / 1e6 / secs.max(1e-9)
        );
    }
    Ok(())
}

/// Stdout without Rust's line buffering (we already write 1 MiB blocks).
#[cfg(unix)]
fn stdout_raw() -> Box<dyn Write> {
    use std::os::unix::io::FromRawFd;
    // SAFETY: fd 1 is open for the life of the process; ManuallyDrop keeps it open.
    let f = unsafe { File::from_raw_fd(1) };
    Box::new(StdoutFile(std::mem::ManuallyDrop::new(f)))
}

#[cfg(unix)]
struct StdoutFile(std::mem::ManuallyDrop<File>);

#[cfg(unix)]
impl Write for StdoutFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(not(unix))]
fn stdout_raw() -> Box<dyn Write> {
    Box::new(io::stdout())
}
