//! Issue 18 through the native CLI, as a user runs it: a `.csv.gz` (one
//! member and several), `-` for standard input (plain and gzip), a zip of
//! platform exports (deflated, stored, Zip64, a `.gz` and a workbook
//! inside), and the broken ones (truncated or corrupt gzip, an encrypted
//! member, a member larger or smaller than it declares, a member claiming
//! more than the limit): each gives the outputs of the same files read
//! plain, byte for byte, or fails with a message naming the problem and
//! writes no result.
#![cfg(not(target_arch = "wasm32"))]

use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use flate2::write::GzEncoder;
use flate2::Compression;
use zip::unstable::write::FileOptionsExt;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

fn adagg(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_adagg")).args(args).output().expect("run adagg")
}

/// adagg with `stdin` on its standard input.
fn adagg_stdin(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_adagg"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run adagg");
    let mut input = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || input.write_all(&data));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    out
}

fn tmpdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("adagg-unpack-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join(path)
}

/// Every file adagg wrote into `dir`, by name.
fn outputs(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
        .collect();
    files.sort();
    files
}

/// Runs adagg with `args` into a new directory; its files, after checking it succeeded.
fn run(name: &str, args: &[&str]) -> (Vec<(String, Vec<u8>)>, String) {
    let out = tmpdir(name);
    let mut all = args.to_vec();
    all.extend(["--output", out.to_str().unwrap(), "--threads", "2"]);
    let r = adagg(&all);
    assert!(r.status.success(), "{name}: {}", String::from_utf8_lossy(&r.stderr));
    (outputs(&out), String::from_utf8_lossy(&r.stdout).into_owned())
}

/// Runs adagg expecting a failure: its message; and no result written.
fn fails(name: &str, args: &[&str]) -> String {
    let out = tmpdir(name);
    let mut all = args.to_vec();
    all.extend(["--output", out.to_str().unwrap()]);
    let r = adagg(&all);
    assert_eq!(r.status.code(), Some(1), "{name} should fail: {}", String::from_utf8_lossy(&r.stdout));
    assert!(!out.join("top10_ctr.csv").exists(), "{name}: a result was written");
    String::from_utf8_lossy(&r.stderr).into_owned()
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// A CSV with rejected rows, total rows and quoted fields, ~3 MB.
fn messy_csv() -> Vec<u8> {
    let mut csv = b"campaign_id,date,impressions,clicks,spend,conversions\n".to_vec();
    for i in 0..60_000u32 {
        let line = match i % 997 {
            13 => format!("C{},2025-01-{:02},abc,1,1.00,1\n", i % 37, 1 + i % 28),
            17 => format!("\"C,{}\",2025-01-{:02},{},{},{}.{:02},{}\n", i % 5, 1 + i % 28, 1000 + i, i % 50, i % 90, i % 100, i % 3),
            _ => format!("C{},2025-01-{:02},{},{},{}.{:02},{}\n", i % 37, 1 + i % 28, 1000 + i % 777, i % 61, i % 90, i % 100, i % 4),
        };
        csv.extend_from_slice(line.as_bytes());
    }
    csv
}

fn zip_of(files: &[(&str, &[u8], SimpleFileOptions)]) -> Vec<u8> {
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data, options) in files {
        w.start_file(*name, *options).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn deflated() -> SimpleFileOptions {
    SimpleFileOptions::default().compression_method(CompressionMethod::Deflated)
}

fn stored() -> SimpleFileOptions {
    SimpleFileOptions::default().compression_method(CompressionMethod::Stored)
}

#[test]
fn gzip_and_standard_input_give_the_plain_files_outputs() {
    let dir = tmpdir("gz-in");
    let csv = messy_csv();
    let plain = dir.join("messy.csv");
    std::fs::write(&plain, &csv).unwrap();
    let (expected, _) = run("gz-plain", &["--input", plain.to_str().unwrap()]);
    assert!(expected.iter().any(|(n, b)| n == "rejected_rows.csv" && b.len() > 100), "the file has rejected rows");
    // One member, named .gz; two members joined, named otherwise (told by its bytes).
    let one = dir.join("messy.csv.gz");
    std::fs::write(&one, gzip(&csv)).unwrap();
    let cut = csv.len() / 2 + 17;
    let two = dir.join("joined.bin");
    std::fs::write(&two, [gzip(&csv[..cut]), gzip(&csv[cut..])].concat()).unwrap();
    for (name, path) in [("gz-one", &one), ("gz-two", &two)] {
        let (got, stdout) = run(name, &["--input", path.to_str().unwrap()]);
        assert_eq!(got, expected, "{name}");
        assert!(stdout.contains(&format!("gzip, {:.1} MB compressed, {:.1} MB uncompressed", std::fs::metadata(path).unwrap().len() as f64 / 1e6, csv.len() as f64 / 1e6)), "{name}: {stdout}");
    }
    // Standard input, plain (read in ranges after it is copied) and gzip.
    for (name, bytes) in [("stdin-plain", csv.clone()), ("stdin-gzip", gzip(&csv))] {
        let out = tmpdir(name);
        let r = adagg_stdin(&["--input", "-", "--output", out.to_str().unwrap(), "--threads", "2"], &bytes);
        assert!(r.status.success(), "{name}: {}", String::from_utf8_lossy(&r.stderr));
        assert_eq!(outputs(&out), expected, "{name}");
    }
}

#[test]
fn a_zip_of_exports_gives_the_loose_files_outputs() {
    let dir = tmpdir("zip-in");
    let google = std::fs::read(fixture("fixtures/revenue_google_ads/input.csv")).unwrap();
    let meta = std::fs::read(fixture("fixtures/revenue_meta/input.csv")).unwrap();
    let tiktok = std::fs::read(fixture("fixtures/revenue_tiktok/input.csv")).unwrap();
    let book = std::fs::read(fixture("sheet_fixtures/meta.xls")).unwrap();
    let loose = run(
        "zip-loose",
        &[
            "--input", fixture("fixtures/revenue_google_ads/input.csv").to_str().unwrap(),
            "--input", fixture("fixtures/revenue_meta/input.csv").to_str().unwrap(),
            "--input", fixture("fixtures/revenue_tiktok/input.csv").to_str().unwrap(),
            "--input", fixture("sheet_fixtures/meta.xls").to_str().unwrap(),
        ],
    )
    .0;
    let files: &[(&str, &[u8], SimpleFileOptions)] = &[
        ("exports/google_ads.csv", &google, deflated()),
        ("exports/meta.csv", &meta, stored()),
        ("tiktok.csv.gz", &gzip(&tiktok), stored()),
        ("meta.xls", &book, deflated()),
        ("__MACOSX/._meta.csv", b"resource fork", stored()),
        ("notes.pdf", b"%PDF-1.4", deflated()),
    ];
    for (name, zip64) in [("plain", false), ("zip64", true)] {
        let with: Vec<_> = files.iter().map(|&(n, d, o)| (n, d, o.large_file(zip64))).collect();
        let zip = dir.join(format!("{name}.zip"));
        std::fs::write(&zip, zip_of(&with)).unwrap();
        let (got, stdout) = run(&format!("zip-{name}"), &["--input", zip.to_str().unwrap()]);
        // The ranking files and platform totals as from the loose files;
        // rejected_rows.csv names the members by the archive's path.
        let pick = |files: &[(String, Vec<u8>)]| files.iter().filter(|(n, _)| n != "rejected_rows.csv").cloned().collect::<Vec<_>>();
        assert_eq!(pick(&got), pick(&loose), "{name}");
        assert!(stdout.contains("zip, 4 members read: exports/google_ads.csv"), "{name}: {stdout}");
        assert!(stdout.contains("skipped (not CSV, gzip or a workbook): notes.pdf"), "{name}: {stdout}");
        assert!(stdout.contains("sheet \"Report\""), "{name}: {stdout}");
        let rejected = String::from_utf8(got.iter().find(|(n, _)| n == "rejected_rows.csv").unwrap().1.clone()).unwrap();
        assert!(rejected.contains("/meta.xls,5,"), "{name}: the workbook's rejected row, on its sheet row: {rejected}");
    }
}

#[test]
fn broken_archives_fail_with_their_reason_and_no_result() {
    let dir = tmpdir("broken");
    let csv = messy_csv();
    let packed = gzip(&csv);
    let truncated = dir.join("truncated.csv.gz");
    std::fs::write(&truncated, &packed[..packed.len() / 2]).unwrap();
    let msg = fails("truncated", &["--input", truncated.to_str().unwrap()]);
    assert!(msg.contains(&format!("the gzip data is truncated: it ends at byte {} before the end of its stream", packed.len() / 2)), "{msg}");
    let mut corrupt = packed.clone();
    let n = corrupt.len();
    corrupt[n - 6] ^= 0xff; // the CRC-32 in the trailer
    let path = dir.join("corrupt.csv.gz");
    std::fs::write(&path, &corrupt).unwrap();
    let msg = fails("corrupt", &["--input", path.to_str().unwrap()]);
    assert!(msg.contains("the gzip data is corrupt at or before byte"), "{msg}");

    let locked = dir.join("locked.zip");
    std::fs::write(&locked, zip_of(&[("a.csv", &csv, deflated().with_deprecated_encryption(b"pw").unwrap())])).unwrap();
    let msg = fails("locked", &["--input", locked.to_str().unwrap()]);
    assert!(msg.contains("zip member \"a.csv\" is password-protected"), "{msg}");

    // A member whose header declares fewer bytes than it holds (a bomb
    // that lies), and one declaring more: the size fields patched.
    let honest = zip_of(&[("a.csv", &csv, deflated())]);
    for (name, declared, says) in [("longer", 1000u32, "decompresses to more than the 1000 bytes"), ("shorter", csv.len() as u32 + 5, "fewer than the")] {
        let mut bytes = honest.clone();
        for at in [22usize, bytes.windows(4).rposition(|w| w == b"PK\x01\x02").unwrap() + 24] {
            bytes[at..at + 4].copy_from_slice(&declared.to_le_bytes());
        }
        let path = dir.join(format!("{name}.zip"));
        std::fs::write(&path, &bytes).unwrap();
        let msg = fails(name, &["--input", path.to_str().unwrap()]);
        assert!(msg.contains(says), "{name}: {msg}");
    }
    let only = dir.join("only-pdf.zip");
    std::fs::write(&only, zip_of(&[("notes.pdf", b"%PDF", stored())])).unwrap();
    let msg = fails("only-pdf", &["--input", only.to_str().unwrap()]);
    assert!(msg.contains("has no CSV, TSV, TXT, gzip or workbook member (it has: notes.pdf)"), "{msg}");
}

#[test]
fn workbooks_by_sheet() {
    let book = fixture("sheet_fixtures/two_sheets.xls");
    let (got, stdout) = run("two-sheets", &["--input", book.to_str().unwrap()]);
    let (twin, _) = run("two-sheets-twin", &["--input", fixture("sheet_fixtures/meta.csv").to_str().unwrap()]);
    let top = |files: &[(String, Vec<u8>)]| files.iter().filter(|(n, _)| n.starts_with("top10")).cloned().collect::<Vec<_>>();
    assert_eq!(top(&got), top(&twin));
    assert!(stdout.contains("sheet \"Report\" (of 2: Notes, Report)"), "{stdout}");
    let msg = fails("notes", &["--input", book.to_str().unwrap(), "--sheet", "Notes"]);
    assert!(msg.contains("sheet \"Notes\" has no header row"), "{msg}");
    let msg = fails("missing", &["--input", book.to_str().unwrap(), "--sheet", "Data"]);
    assert!(msg.contains("sheet \"Data\" not found (sheets: Notes, Report)"), "{msg}");
}
