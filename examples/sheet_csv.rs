//! A workbook's sheet as CSV, as the core makes it (issue 18): for
//! measuring `adagg::unpack::sheet::sheet_csv` on its own.
//!
//! ```text
//! cargo run --release --example sheet_csv -- book.xlsx [SHEET] > sheet.csv
//! /usr/bin/time -v target/release/examples/sheet_csv book.xlsx > /dev/null
//! ```

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    use adagg::unpack::sheet::{book_kind, sheet_csv};
    use std::io::Write;
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: sheet_csv BOOK [SHEET]");
    let sheet = args.next();
    let started = std::time::Instant::now();
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let Some(kind) = book_kind(&bytes, &path) else {
        eprintln!("{path}: not a workbook");
        std::process::exit(1);
    };
    match sheet_csv(&bytes, kind, sheet.as_deref(), &adagg::Options::default()) {
        Ok(got) => {
            drop(bytes);
            std::io::stdout().lock().write_all(&got.csv).unwrap();
            eprintln!(
                "sheet {:?} of {:?}: {} lines, {} bytes of CSV in {:.2} s",
                got.sheet,
                got.sheets,
                got.rows,
                got.csv.len(),
                started.elapsed().as_secs_f64()
            );
        }
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    }
}
