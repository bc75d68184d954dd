//! Exports in the user's language (issue 18), through the CLI: each
//! `tests/locale_fixtures/*/input.csv` (a platform's export from a
//! Japanese, German, French, Spanish or Portuguese interface, in the
//! encoding it is saved in; `make.py` writes them) gives byte-identical
//! `top10_ctr.csv` and `top10_cpa.csv` to its English twin `english.csv`
//! (the same rows as the English interface writes them), with 1 and 2
//! threads; its total row is skipped as not data, named in its own text.
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn adagg(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_adagg")).args(args).output().expect("run adagg")
}

fn tmpdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("adagg-locale-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/locale_fixtures")
}

/// Runs `input` into a new directory; the summary and the directory.
fn run(input: &Path, name: &str, threads: &str) -> (String, PathBuf) {
    let out = tmpdir(name);
    let r = adagg(&["-i", input.to_str().unwrap(), "-o", out.to_str().unwrap(), "-t", threads]);
    assert!(r.status.success(), "{name}: {}", String::from_utf8_lossy(&r.stderr));
    (String::from_utf8(r.stdout).unwrap(), out)
}

/// Case, the encoding the summary names, the total row's label as the
/// summary quotes it (UTF-8), a campaign cell of the outputs (UTF-8).
const CASES: &[(&str, &str, &str, &str)] = &[
    ("ja_google_ads_sjis", "Shift_JIS", "合計: アカウント", "111,3000,100,7500.00,10,0.0333,750.00"),
    ("ja_meta_names_sjis", "Shift_JIS", "合計", "秋のキャンペーン,20000,1000,20000.00,100,0.0500,200.00"),
    ("fr_meta", "UTF-8", "Total général", "Été 2026,20000,1000,2000.06,100,0.0500,20.00"),
    ("de_google_ads_cp1252", "windows-1252", "Gesamt: Konto", "3001,3000,100,2000.00,10,0.0333,200.00"),
    ("es_google_ads", "UTF-8", "Total general", "4001,15000,600,1500.00,25,0.0400,60.00"),
    ("pt_meta", "UTF-8", "Total geral", "Promoção de Natal,30000,1200,2000.00,50,0.0400,40.00"),
];

#[test]
fn exports_in_other_languages_equal_their_english_twins() {
    let dir = fixtures();
    let listed: usize = std::fs::read_dir(&dir).unwrap().filter(|e| e.as_ref().unwrap().path().is_dir()).count();
    assert_eq!(listed, CASES.len(), "every fixture is a case here");
    for (case, encoding, total, row) in CASES {
        for threads in ["1", "2"] {
            let (summary, local) = run(&dir.join(case).join("input.csv"), &format!("{case}-{threads}"), threads);
            let (_, english) = run(&dir.join(case).join("english.csv"), &format!("{case}-en-{threads}"), threads);
            for file in ["top10_ctr.csv", "top10_cpa.csv"] {
                let (a, b) = (std::fs::read(local.join(file)).unwrap(), std::fs::read(english.join(file)).unwrap());
                assert_eq!(String::from_utf8(a).unwrap(), String::from_utf8(b).unwrap(), "{case} {file} ({threads} threads)");
            }
            let ctr = std::fs::read_to_string(local.join("top10_ctr.csv")).unwrap();
            assert!(ctr.lines().any(|l| l == *row), "{case}: {row:?} in\n{ctr}");
            assert!(summary.contains(&format!("input:           {encoding},")), "{case}: {summary}");
            assert!(summary.contains("1  total or footer row"), "{case}: {summary}");
            assert!(summary.contains(&format!("total or footer row (never added to a campaign): {total:?}")), "{case}: {summary}");
            assert!(summary.contains("rows skipped:    1\n"), "{case}: only the total row is skipped\n{summary}");
        }
    }
}

/// The Shift_JIS fixture really is Shift_JIS (not UTF-8), with the yen
/// sign as Excel writes it there (byte 0x5C) and as `￥` (81 8F); it
/// decodes as encoding_rs's Shift_JIS to what `make.py` wrote.
#[test]
fn the_shift_jis_fixture_is_shift_jis() {
    let bytes = std::fs::read(fixtures().join("ja_google_ads_sjis/input.csv")).unwrap();
    assert!(std::str::from_utf8(&bytes).is_err());
    let (text, _, bad) = encoding_rs::SHIFT_JIS.decode(&bytes);
    assert!(!bad);
    assert!(text.contains("キャンペーン,キャンペーン ID,日,表示回数,クリック数,費用,コンバージョン,コンバージョン値\r\n"));
    assert!(bytes.windows(7).any(|w| w == b"\"\\2,500"));
    assert!(bytes.windows(3).any(|w| w == b"\x81\x8f5"));
    // Forced to Windows-1252, the header is not found: detection matters.
    let out = tmpdir("sjis-forced");
    let r = adagg(&["-i", fixtures().join("ja_google_ads_sjis/input.csv").to_str().unwrap(), "-o", out.to_str().unwrap(), "--encoding", "windows-1252"]);
    assert!(!r.status.success());
    // Forced to Shift_JIS, as detected.
    let r = adagg(&["-i", fixtures().join("ja_google_ads_sjis/input.csv").to_str().unwrap(), "-o", out.to_str().unwrap(), "--encoding", "shift_jis"]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
}
