//! The generator itself (not built for wasm).

use std::fs::File;
use std::io::{self, Write};
use std::time::Instant;

mod args;
mod clicks;
mod digits;
mod model;
mod random;
mod rows;
mod xlsx;

use args::*;
use digits::*;
use model::*;
use random::*;
use rows::*;

pub fn run() -> Result<(), Box<dyn std::error::Error>> {
    let cfg = parse_args()?;
    let started = Instant::now();

    if cfg.xlsx {
        let id_form = id_form(&cfg);
        let (bytes, ads) = xlsx::run(&cfg, id_form)?;
        print_incidents(&ads, id_form);
        if !cfg.quiet {
            let secs = started.elapsed().as_secs_f64();
            eprintln!("gen: {} rows, {} campaigns, seed {}: a workbook of {} bytes in {:.2} s", cfg.rows, cfg.campaigns, cfg.seed, bytes, secs);
        }
        return Ok(());
    }

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
    let id_form = id_form(&cfg);
    let dates = date_table();
    let mut ads = Ads::new(&cfg);

    const FLUSH_AT: usize = 1 << 20;
    let mut out: Vec<u8> = Vec::with_capacity(FLUSH_AT + 4096);
    let mut bytes: u64 = 0;
    out.extend_from_slice(header.as_bytes());
    if cfg.rows > 0 || cfg.final_newline {
        out.extend_from_slice(eol);
    }

    // Field scratch: each field is written into `scratch`, `ends[f]` marks its end.
    let mut scratch: Vec<u8> = Vec::with_capacity(256);
    let mut spans = [(0usize, 0usize); 8];

    for i in 1..=cfg.rows {
        let AdRow { number, day, impressions, clicks, spend_cents, conversions, revenue_cents, r1, jitter } = ads.row(i);

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

    print_incidents(&ads, id_form);
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
