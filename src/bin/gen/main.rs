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
//!
//! `--kind clicks` writes a click log instead (issue 17; NDJSON or `--format csv`,
//! with duplicates, bot user agents, velocity bursts, malformed rows, mixed
//! timestamps and costs on request): see `native/clicks.rs` and `--help`.

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
#[cfg(not(target_arch = "wasm32"))]
mod native;
