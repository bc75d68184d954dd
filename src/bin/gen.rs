//! `gen` — deterministic generator of ad-performance CSV test/benchmark data.
//!
//! ```text
//! cargo run --release --bin gen -- --rows 26843544 --campaigns 50 --seed 1 > ad_data.csv
//! ```
//!
//! Output format (FV-SEC001): header `campaign_id,date,impressions,clicks,spend,conversions`
//! then rows like `CMP001,2025-01-01,12000,300,45.50,12`. Same arguments → same bytes.
//! With 50 campaigns a row is ≈ 40 bytes, so 26,843,544 rows ≈ 1 GiB.
//!
//! Data model (all integer arithmetic, no floats):
//! - campaign ids `CMP` + number zero-padded to max(3, digits(campaigns)), or with
//!   `--id-digits N` numbers of N digits like Meta's and TikTok's (`1` + the number
//!   zero-padded to N-1 digits: `--id-digits 17` gives `10000000000000042`); each
//!   row's campaign is drawn uniformly;
//! - dates run through 2025 in order (row i gets day `i * 365 / rows`);
//! - impressions uniform in 1000..=50000; clicks = impressions × a per-campaign CTR
//!   (0.5 %–8 %) × noise (0.5–1.5), always < impressions;
//! - spend = clicks × a per-campaign CPC (0.20–2.50) × noise (0.7–1.3), 2 decimals;
//! - conversions = clicks × a per-campaign conversion rate (0.5 %–5 %) × noise, capped
//!   at 50; campaigns whose number ends in 7 (CMP007, CMP017, …) never convert.
//!
//! Only the CSV goes to stdout; a one-line summary goes to stderr (unless `--quiet`).

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    if let Err(e) = native::run() {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::BrokenPipe {
                return; // e.g. `gen | head`
            }
        }
        eprintln!("gen: error: {e}");
        std::process::exit(2);
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::fs::File;
    use std::io::{self, Write};
    use std::time::Instant;

    const USAGE: &str = "\
gen — deterministic ad-performance CSV generator (FV-SEC001 format)

USAGE:
    gen [OPTIONS] > FILE.csv

OPTIONS:
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
    --shuffle-columns      different column order (header ` Spend,date,note,clicks,Campaign_ID ,conversions,impressions`)
                           plus an extra ignored `note` column
    --quiet                no summary on stderr
    -h, --help             this help
";

    struct Config {
        rows: u64,
        campaigns: u64,
        id_digits: Option<usize>,
        seed: u64,
        output: Option<String>,
        crlf: bool,
        final_newline: bool,
        malformed_every: u64,
        noisy_every: u64,
        quoted_every: u64,
        shuffle: bool,
        quiet: bool,
    }

    fn parse_args() -> Result<Config, lexopt::Error> {
        use lexopt::prelude::*;
        let mut c = Config {
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
            quiet: false,
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
                Long("quiet") | Short('q') => c.quiet = true,
                Long("help") | Short('h') => {
                    print!("{USAGE}");
                    std::process::exit(0);
                }
                _ => return Err(arg.unexpected()),
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

    // ---- PRNG: splitmix64 (a counter + a finaliser, so row r's state is seed + 3·r·γ) ----

    const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

    #[inline(always)]
    fn mix64(mut z: u64) -> u64 {
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    struct SplitMix64(u64);

    impl SplitMix64 {
        #[inline(always)]
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(GAMMA);
            mix64(self.0)
        }
    }

    /// Uniform in 0..n from 32 random bits (multiply-shift; the bias is irrelevant here).
    #[inline(always)]
    fn below32(bits: u32, n: u64) -> u64 {
        (bits as u64 * n) >> 32
    }

    /// Uniform in 0..n from 64 random bits.
    #[inline(always)]
    fn below64(bits: u64, n: u64) -> u64 {
        ((bits as u128 * n as u128) >> 64) as u64
    }

    // ---- number formatting ----

    const DIGITS2: &[u8; 200] = b"\
0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

    /// Appends the decimal digits of `v`.
    #[inline(always)]
    fn push_u64(out: &mut Vec<u8>, mut v: u64) {
        let mut tmp = [0u8; 20];
        let mut i = 20;
        while v >= 100 {
            let d = (v % 100) as usize * 2;
            v /= 100;
            i -= 2;
            tmp[i] = DIGITS2[d];
            tmp[i + 1] = DIGITS2[d + 1];
        }
        if v >= 10 {
            let d = v as usize * 2;
            i -= 2;
            tmp[i] = DIGITS2[d];
            tmp[i + 1] = DIGITS2[d + 1];
        } else {
            i -= 1;
            tmp[i] = b'0' + v as u8;
        }
        out.extend_from_slice(&tmp[i..]);
    }

    /// Appends `v` zero-padded to `width` digits (wider if needed).
    #[inline(always)]
    fn push_padded(out: &mut Vec<u8>, mut v: u64, width: usize) {
        let mut tmp = [b'0'; 24];
        let mut i = 24;
        loop {
            i -= 1;
            tmp[i] = b'0' + (v % 10) as u8;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        let len = (24 - i).max(width.min(24));
        out.extend_from_slice(&tmp[24 - len..]);
    }

    /// Appends cents as `units.cc`.
    #[inline(always)]
    fn push_cents(out: &mut Vec<u8>, cents: u64) {
        push_u64(out, cents / 100);
        let d = (cents % 100) as usize * 2;
        out.extend_from_slice(&[b'.', DIGITS2[d], DIGITS2[d + 1]]);
    }

    /// Appends `cents` as a noisy export writes it (see `--noisy-every`):
    /// kind 0, 9 decimals off by up to 60 nano-units; 1, 15 decimals off
    /// by up to 9 in the last; 2, `{cents}e-2`; 3, plus an exact half micro.
    /// Kinds 0 and 1 round back to `cents` exactly; kind 3 to one micro more.
    fn push_noisy(out: &mut Vec<u8>, cents: u64, kind: u64, jitter: u64) {
        let signed = |scaled: u64, max: u64| {
            let d = 1 + jitter % max;
            if jitter & (1 << 63) != 0 && scaled >= d { scaled - d } else { scaled + d }
        };
        let decimals = |out: &mut Vec<u8>, v: u64, places: u32| {
            let unit = 10u64.pow(places);
            push_u64(out, v / unit);
            out.push(b'.');
            push_padded(out, v % unit, places as usize);
        };
        match kind {
            0 => decimals(out, signed(cents * 10_000_000, 60), 9),
            1 => {
                // cents * 10^13 overflows u64 past ~18 M: units and fraction apart.
                push_u64(out, cents / 100);
                out.push(b'.');
                let frac = (cents % 100) as u128 * 10u128.pow(13);
                let d = 1 + (jitter % 9) as u128;
                let frac = if jitter & (1 << 63) != 0 && frac >= d { frac - d } else { frac + d };
                let text = format!("{frac:015}");
                out.extend_from_slice(text.as_bytes());
            }
            2 => {
                push_u64(out, cents);
                out.extend_from_slice(b"e-2");
            }
            _ => {
                push_cents(out, cents);
                out.extend_from_slice(b"00005");
            }
        }
    }

    /// How campaign ids are written.
    #[derive(Clone, Copy)]
    enum IdForm {
        /// `CMP` + the number zero-padded to this many digits (wider if needed).
        Cmp(usize),
        /// `1` + the number zero-padded to this many digits: ids of one more digit.
        Digits(usize),
    }

    impl IdForm {
        /// Appends the id of campaign `number`.
        #[inline(always)]
        fn push(self, out: &mut Vec<u8>, number: u64) {
            match self {
                IdForm::Cmp(width) => {
                    out.extend_from_slice(b"CMP");
                    push_padded(out, number, width);
                }
                IdForm::Digits(width) => {
                    out.push(b'1');
                    let zeros = width - digits(number);
                    out.extend_from_slice(&[b'0'; 64][..zeros]);
                    push_u64(out, number);
                }
            }
        }
    }

    fn digits(mut v: u64) -> usize {
        let mut n = 1;
        while v >= 10 {
            v /= 10;
            n += 1;
        }
        n
    }

    /// "2025-MM-DD," for each day of 2025.
    fn date_table() -> Vec<[u8; 10]> {
        const MONTH_DAYS: [u32; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
        let mut t = Vec::with_capacity(365);
        for (m, &n) in MONTH_DAYS.iter().enumerate() {
            for d in 1..=n {
                let s = format!("2025-{:02}-{:02}", m + 1, d);
                t.push(s.as_bytes().try_into().unwrap());
            }
        }
        t
    }

    // ---- columns ----

    const F_ID: usize = 0;
    const F_DATE: usize = 1;
    const F_IMPR: usize = 2;
    const F_CLICKS: usize = 3;
    const F_SPEND: usize = 4;
    const F_CONV: usize = 5;
    const F_NOTE: usize = 6;

    const NORMAL_HEADER: &str = "campaign_id,date,impressions,clicks,spend,conversions";
    const NORMAL_ORDER: &[usize] = &[F_ID, F_DATE, F_IMPR, F_CLICKS, F_SPEND, F_CONV];
    /// Shuffled layout: other order, names in other case / with spaces (matched trimmed and
    /// case-insensitively), plus an ignored `note` column.
    const SHUFFLED_HEADER: &str = " Spend,date,note,clicks,Campaign_ID ,conversions,impressions";
    const SHUFFLED_ORDER: &[usize] = &[F_SPEND, F_DATE, F_NOTE, F_CLICKS, F_ID, F_CONV, F_IMPR];

    /// Per-campaign parameters, derived from the seed and the campaign number.
    #[derive(Clone, Copy)]
    struct Campaign {
        ctr_ppm: u64,   // 5_000..=80_000  (0.5 %–8 %)
        cpc_cents: u64, // 20..=250
        cvr_ppm: u64,   // 5_000..=50_000 (0.5 %–5 %), 0 for campaigns ending in 7
    }

    fn campaign(seed_key: u64, number: u64) -> Campaign {
        let h = mix64(seed_key ^ number.wrapping_mul(0xD6E8_FEB8_6659_FD93));
        let h2 = mix64(h);
        let never_converts = number % 10 == 7;
        Campaign {
            ctr_ppm: 5_000 + below32(h as u32, 75_001),
            cpc_cents: 20 + below32((h >> 32) as u32, 231),
            cvr_ppm: if never_converts {
                0
            } else {
                5_000 + below32(h2 as u32, 45_001)
            },
        }
    }

    pub fn run() -> Result<(), Box<dyn std::error::Error>> {
        let cfg = parse_args()?;
        let started = Instant::now();

        let mut sink: Box<dyn Write> = match &cfg.output {
            Some(path) => Box::new(File::create(path).map_err(|e| format!("{path}: {e}"))?),
            None => stdout_raw(),
        };

        let eol: &[u8] = if cfg.crlf { b"\r\n" } else { b"\n" };
        let (header, order) = if cfg.shuffle {
            (SHUFFLED_HEADER, SHUFFLED_ORDER)
        } else {
            (NORMAL_HEADER, NORMAL_ORDER)
        };
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

        let mut rng = SplitMix64(mix64(cfg.seed));
        // Field scratch: each field is written into `scratch`, `ends[f]` marks its end.
        let mut scratch: Vec<u8> = Vec::with_capacity(256);
        let mut spans = [(0usize, 0usize); 7];

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
}
