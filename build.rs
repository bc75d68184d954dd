//! One cfg for "this build keeps daily series": every native build, and the
//! wasm build with the `daily` feature (www/pkg-daily/). The default wasm
//! module (www/pkg/) leaves the daily sink out: its copies of the fast path
//! would add ~56 kB gzip to every portal's download.
fn main() {
    println!("cargo::rustc-check-cfg=cfg(daily_series)");
    let wasm = std::env::var("CARGO_CFG_TARGET_ARCH").is_ok_and(|a| a == "wasm32");
    if !wasm || std::env::var_os("CARGO_FEATURE_DAILY").is_some() {
        println!("cargo::rustc-cfg=daily_series");
    }
}
