//! One cfg for "this build keeps daily series": every native build, and the
//! wasm build with the `daily` feature (www/pkg-daily/). The default wasm
//! module (www/pkg/) leaves the daily sink out: its copies of the fast path
//! would add ~56 kB gzip to every portal's download.
//!
//! Natively it also writes `$OUT_DIR/shift_jis.bin`: Shift_JIS's two-byte
//! characters (CP932, WHATWG's index, as encoding_rs decodes them) as
//! little-endian `u16` code points, 0 where a pair has none, for lead bytes
//! 0x81–0x9F, 0xE0–0xFC and trail bytes 0x40–0x7E, 0x80–0xFC (60 × 188).
//! `src/text/transcode.rs` decodes with it: encoding_rs's own decoders
//! dispatch over every encoding and would bring all its CJK tables (~140 kB
//! gzip) into a WebAssembly build. The WebAssembly build carries no table
//! (22 kB, 18 kB gzip): it builds the same one from the browser's
//! `TextDecoder('shift_jis')` when a file needs it (see there).
fn main() {
    println!("cargo::rustc-check-cfg=cfg(daily_series)");
    let wasm = std::env::var("CARGO_CFG_TARGET_ARCH").is_ok_and(|a| a == "wasm32");
    if !wasm {
        shift_jis_table();
    }
    if !wasm || std::env::var_os("CARGO_FEATURE_DAILY").is_some() {
        println!("cargo::rustc-cfg=daily_series");
    }
}

fn shift_jis_table() {
    let leads = (0x81u8..=0x9F).chain(0xE0..=0xFC);
    let mut out = Vec::with_capacity(60 * 188 * 2);
    for lead in leads {
        for trail in (0x40u8..=0x7E).chain(0x80..=0xFC) {
            let code = encoding_rs::SHIFT_JIS
                .decode_without_bom_handling_and_without_replacement(&[lead, trail])
                .and_then(|s| {
                    let mut chars = s.chars();
                    let c = chars.next()?;
                    chars.next().is_none().then_some(c)
                })
                .map_or(0u16, |c| u16::try_from(u32::from(c)).expect("Shift_JIS is in the BMP"));
            out.extend_from_slice(&code.to_le_bytes());
        }
    }
    let path = std::path::Path::new(&std::env::var_os("OUT_DIR").expect("OUT_DIR")).join("shift_jis.bin");
    std::fs::write(path, out).expect("write shift_jis.bin");
}
