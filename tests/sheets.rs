#![cfg(not(target_arch = "wasm32"))]
//! Workbooks (issue 18): a sheet turned into CSV text by
//! `adagg::unpack::sheet::sheet_csv` and read by the unchanged CSV pipeline
//! gives what the platform's own CSV export of the same rows gives (its
//! "twin"): the same top-10 files, the same skipped rows on the same lines.
//! `.xlsx` workbooks are written here with rust_xlsxwriter; `.xls`, `.ods`
//! and an encrypted `.xlsx` come from tests/sheet_fixtures/make.py, beside
//! their CSV twins; `gen --xlsx` against `gen`.

use std::path::{Path, PathBuf};
use std::process::Command;

use adagg::unpack::sheet::{book_kind, sheet_csv, BookKind, SheetCsv, SheetError};
use adagg::{Job, Options, Report, Warn};
use rust_xlsxwriter::{Format, Formula, Workbook, Worksheet};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sheet_fixtures")
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(fixtures().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// What the pipeline makes of a CSV text.
#[derive(Debug, PartialEq)]
struct Outcome {
    ctr: String,
    cpa: String,
    all: String,
    read: u64,
    aggregated: u64,
    /// (line, reason) of each rejected row.
    rejected: Vec<(u64, String)>,
    /// Lines of total and footer rows.
    not_data: Vec<u64>,
    /// (line, kind, detail) of each data-quality warning.
    warnings: Vec<(u64, Warn, String)>,
}

fn outcome(csv: &[u8]) -> Outcome {
    let mut job = Job::new();
    for chunk in csv.chunks(1000) {
        job.feed(chunk).unwrap();
    }
    let (plan, mut partial) = job.finish().unwrap();
    // Lines as the file's (the report does this too).
    partial.number_lines_from(plan.data_start_line);
    let rejected = partial.rejected.iter().map(|r| (r.line, r.reason.clone())).collect();
    let not_data = partial.not_data.iter().map(|s| s.line).collect();
    let warnings = partial.quality.examples.iter().map(|w| (w.line, w.kind, w.detail.clone())).collect();
    let (read, aggregated) = (partial.rows_read, partial.rows_aggregated);
    let report = Report::new(&plan, partial, 10);
    Outcome { ctr: report.ctr_csv(), cpa: report.cpa_csv(), all: report.all_campaigns_csv(), read, aggregated, rejected, not_data, warnings }
}

fn read_sheet(bytes: &[u8], name: &str, sheet: Option<&str>) -> Result<SheetCsv, SheetError> {
    let kind = book_kind(bytes, name).unwrap_or_else(|| panic!("{name}: not a workbook"));
    sheet_csv(bytes, kind, sheet, &Options::default())
}

fn sheet_text(bytes: &[u8], name: &str) -> String {
    String::from_utf8(read_sheet(bytes, name, None).unwrap().csv).unwrap()
}

/// The workbook's outcome equals its twin's, which is not empty.
fn assert_twins(book: &[u8], name: &str, twin: &[u8]) -> Outcome {
    let got = read_sheet(book, name, None).unwrap_or_else(|e| panic!("{name}: {e}"));
    let (ours, theirs) = (outcome(&got.csv), outcome(twin));
    assert_eq!(ours, theirs, "{name}: the workbook's CSV:\n{}", String::from_utf8_lossy(&got.csv));
    assert!(theirs.aggregated > 0 && theirs.ctr.lines().count() > 1, "{name}: an empty twin proves nothing");
    ours
}

// ---- workbooks written here ----

/// A cell of a test workbook.
#[derive(Clone)]
enum V {
    S(&'static str),
    N(f64),
    /// A date: days since 2025-01-01 (its serial is 45658 + that).
    Date(u32),
    Money(f64),
    /// A formula and its cached result.
    F(&'static str, f64),
    Empty,
}

fn write_row(ws: &mut Worksheet, row: u32, col0: u16, cells: &[V]) {
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let money = Format::new().set_num_format("$#,##0.00");
    for (i, v) in cells.iter().enumerate() {
        let c = col0 + i as u16;
        match v {
            V::S(s) => ws.write_string(row, c, *s).map(|_| ()),
            V::N(n) => ws.write_number(row, c, *n).map(|_| ()),
            V::Date(d) => ws.write_number_with_format(row, c, 45_658.0 + f64::from(*d), &date).map(|_| ()),
            V::Money(m) => ws.write_number_with_format(row, c, *m, &money).map(|_| ()),
            V::F(f, result) => ws.write_formula(row, c, Formula::new(*f).set_result(result.to_string())).map(|_| ()),
            V::Empty => Ok(()),
        }
        .unwrap();
    }
}

/// Google Ads' campaign report as a workbook: a merged title, the date
/// range, the header, a formula, an empty row, a row with a text count, the
/// total row (tests/sheet_fixtures/google_ads.csv is its twin).
fn google_ads_xlsx() -> Vec<u8> {
    use V::*;
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("Campaign report").unwrap();
    ws.merge_range(0, 0, 0, 6, "Campaign performance report", &Format::new().set_bold()).unwrap();
    write_row(ws, 1, 0, &[S("January 1, 2025 - January 31, 2025")]);
    write_row(ws, 2, 0, &[S("Campaign"), S("Campaign ID"), S("Day"), S("Impr."), S("Clicks"), S("Cost"), S("Conversions")]);
    write_row(ws, 3, 0, &[S("Spring Sale"), N(111.0), Date(0), N(1000.0), N(50.0), Money(25.0), N(5.0)]);
    write_row(ws, 4, 0, &[S("Spring Sale (renamed)"), N(111.0), Date(1), N(2000.0), N(50.0), Money(75.0), F("=2+3", 5.0)]);
    write_row(ws, 6, 0, &[S("Brand"), N(222.0), Date(0), N(4000.0), N(40.0), Money(1000.0), N(0.0)]);
    write_row(ws, 7, 0, &[S("Broken"), N(333.0), Date(2), S("abc"), N(10.0), Money(1.0), N(0.0)]);
    write_row(ws, 8, 0, &[S("Total: Account"), S("--"), S("--"), N(7000.0), N(140.0), Money(1100.0), N(10.0)]);
    book.save_to_buffer().unwrap()
}

/// Meta's export as a workbook (tests/sheet_fixtures/meta.csv is its twin):
/// no title, an empty last cell, a count of 12.5.
fn meta_xlsx() -> Vec<u8> {
    use V::*;
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    write_row(ws, 0, 0, &[S("Campaign name"), S("Reporting starts"), S("Reporting ends"), S("Impressions"), S("Link clicks"), S("Amount spent (USD)"), S("Results")]);
    write_row(ws, 1, 0, &[S("Retargeting"), Date(0), Date(30), N(12000.0), N(600.0), Money(1234.5), N(45.0)]);
    write_row(ws, 2, 0, &[S("Prospecting"), Date(0), Date(30), N(30000.0), N(300.0), Money(900.0), Empty]);
    write_row(ws, 3, 0, &[S("Retargeting"), Date(31), Date(58), N(8000.0), N(400.0), Money(765.5), N(55.0)]);
    write_row(ws, 4, 0, &[S("Half"), Date(31), Date(58), N(12.5), N(1.0), Money(1.0), N(0.0)]);
    book.save_to_buffer().unwrap()
}

#[test]
fn google_ads_workbook_gives_what_its_csv_gives() {
    let got = assert_twins(&google_ads_xlsx(), "report.xlsx", &fixture("google_ads.csv"));
    // The rows that say it: the text count on sheet row 8, the total on 9.
    assert_eq!(got.rejected.iter().map(|r| r.0).collect::<Vec<_>>(), [8]);
    assert_eq!(got.not_data, [9]);
    assert_eq!(got.aggregated, 3);
    let text = sheet_text(&google_ads_xlsx(), "report.xlsx");
    // The formula's cached value and the dates, as cells show them.
    assert!(text.contains("Spring Sale (renamed),111,2025-01-02,2000,50,75,5\n"), "{text}");
}

#[test]
fn meta_workbook_gives_what_its_csv_gives() {
    let got = assert_twins(&meta_xlsx(), "meta.xlsx", &fixture("meta.csv"));
    // A count of 12.5 is rejected, as in a CSV, on its sheet row.
    assert_eq!(got.rejected.len(), 1);
    assert_eq!(got.rejected[0].0, 5);
    assert!(got.rejected[0].1.contains("impressions") && got.rejected[0].1.contains("12.5"), "{:?}", got.rejected);
}

#[test]
fn xls_and_ods_fixtures_give_what_their_csvs_give() {
    for shape in ["google_ads", "meta"] {
        let twin = fixture(&format!("{shape}.csv"));
        for (ext, kind) in [("xls", BookKind::Xls), ("ods", BookKind::Ods)] {
            let book = fixture(&format!("{shape}.{ext}"));
            // The bytes tell the kind, whatever the name says.
            assert_eq!(book_kind(&book, ""), Some(kind), "{shape}.{ext}");
            let got = assert_twins(&book, &format!("{shape}.{ext}"), &twin);
            assert_eq!(got.rejected.len(), 1, "{shape}.{ext}: {:?}", got.rejected);
        }
    }
}

#[test]
fn the_first_sheet_with_a_header_is_read_unless_one_is_named() {
    use V::*;
    let mut book = Workbook::new();
    let notes = book.add_worksheet();
    notes.set_name("Notes").unwrap();
    write_row(notes, 0, 0, &[S("About this export")]);
    write_row(notes, 1, 0, &[S("Generated by the ads console; see the Data sheet")]);
    let data = book.add_worksheet();
    data.set_name("Data").unwrap();
    write_row(data, 0, 0, &[S("campaign_id"), S("date"), S("impressions"), S("clicks"), S("spend"), S("conversions")]);
    write_row(data, 1, 0, &[S("C1"), Date(0), N(100.0), N(10.0), Money(5.0), N(1.0)]);
    let bytes = book.save_to_buffer().unwrap();

    let got = read_sheet(&bytes, "two.xlsx", None).unwrap();
    assert_eq!(got.sheet, "Data");
    assert_eq!(got.sheets, ["Notes", "Data"]);
    assert_eq!(got.rows, 2);
    assert_eq!(String::from_utf8(got.csv).unwrap(), "campaign_id,date,impressions,clicks,spend,conversions\nC1,2025-01-01,100,10,5,1\n");
    // Named, in any case.
    assert_eq!(read_sheet(&bytes, "two.xlsx", Some("data")).unwrap().sheet, "Data");

    let err = read_sheet(&bytes, "two.xlsx", Some("Notes")).unwrap_err();
    assert!(matches!(&err, SheetError::NoHeader { sheet, .. } if sheet == "Notes"), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains("\"Notes\"") && msg.contains("no header row") && msg.contains("sheets: Notes, Data"), "{msg}");

    let err = read_sheet(&bytes, "two.xlsx", Some("Summary")).unwrap_err();
    assert_eq!(err.to_string(), "sheet \"Summary\" not found (sheets: Notes, Data)");
}

#[test]
fn no_sheet_with_a_header_lists_the_sheets_and_why() {
    use V::*;
    let mut book = Workbook::new();
    let a = book.add_worksheet();
    a.set_name("Notes").unwrap();
    write_row(a, 0, 0, &[S("Nothing here")]);
    let b = book.add_worksheet();
    b.set_name("Almost").unwrap();
    write_row(b, 0, 0, &[S("campaign_id"), S("impressions"), S("clicks")]);
    write_row(b, 1, 0, &[S("C1"), N(1.0), N(1.0)]);
    book.add_worksheet().set_name("Empty").unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let err = read_sheet(&bytes, "x.xlsx", None).unwrap_err();
    let SheetError::NoSheetWithHeader { tried, sheets } = &err else { panic!("{err:?}") };
    assert_eq!(sheets, &["Notes", "Almost", "Empty"]);
    assert_eq!(tried.len(), 3);
    // The closest header names its columns, for a form that maps the rest.
    assert!(matches!(&tried[1].1, adagg::Error::MissingColumns { found, .. } if found.len() == 3), "{tried:?}");
    assert_eq!(tried[2].1, adagg::Error::Empty);
    let msg = err.to_string();
    assert!(msg.starts_with("no sheet has a header row adagg recognises (sheets: Notes, Almost, Empty)"), "{msg}");
    assert!(msg.contains("sheet \"Empty\" is empty") && msg.contains("missing required columns: spend"), "{msg}");

    // A column map makes the header count: the sheet is read.
    let options = Options { map: vec![(adagg::Field::Spend, "clicks".into()), (adagg::Field::Conversions, "clicks".into())], ..Options::default() };
    let mapped = sheet_csv(&bytes, BookKind::Xlsx, None, &options);
    assert!(matches!(&mapped, Ok(s) if s.sheet == "Almost"), "{mapped:?}");
}

/// Line N of the CSV is sheet row N: rows above the used range and empty
/// rows are blank lines, columns left of it empty fields; every row has
/// the widest row's field count, also when that row comes last.
#[test]
fn lines_are_sheet_rows_and_rows_are_as_wide_as_the_widest() {
    use V::*;
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    // The table starts at B4.
    write_row(ws, 3, 1, &[S("campaign_id"), S("date"), S("impressions"), S("clicks"), S("spend"), S("conversions")]);
    write_row(ws, 4, 1, &[S("A"), Date(0), N(100.0), N(10.0), Money(1.0), N(1.0)]);
    write_row(ws, 6, 1, &[S("B"), Date(0), N(100.0), S("many"), Money(1.0), N(1.0)]);
    write_row(ws, 7, 1, &[S("C"), Date(0), N(100.0), N(10.0), Money(1.0), Empty]);
    for r in 8..60 {
        write_row(ws, r, 1, &[S("D"), Date(r - 7), N(100.0), N(10.0), Money(1.0), N(0.0)]);
    }
    // A note far to the right, below the data.
    write_row(ws, 61, 10, &[S("note: figures are estimates")]);
    let bytes = book.save_to_buffer().unwrap();
    let got = read_sheet(&bytes, "b4.xlsx", None).unwrap();
    assert_eq!(got.rows, 62);
    let text = String::from_utf8(got.csv.clone()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(&lines[..3], ["", "", ""]);
    assert_eq!(lines[3], ",campaign_id,date,impressions,clicks,spend,conversions,,,,");
    assert_eq!(lines[7], ",C,2025-01-01,100,10,1,,,,,");
    assert_eq!(lines[61], ",,,,,,,,,,note: figures are estimates");
    assert!(lines.iter().all(|l| l.is_empty() || l.matches(',').count() == 10), "{text}");

    let out = outcome(&got.csv);
    // The text count on the row Excel shows as 7; the note (no campaign) on 62.
    assert_eq!(out.rejected.iter().map(|r| r.0).collect::<Vec<_>>(), [7, 62], "{:?}", out.rejected);
    assert!(out.rejected[0].1.contains("clicks"), "{:?}", out.rejected);
    // Every other data row counts: none has a wrong field count.
    assert_eq!(out.aggregated, 2 + 52);
}

#[test]
fn float_noise_in_spend_is_rounded_with_a_warning_as_in_a_csv() {
    use V::*;
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    write_row(ws, 0, 0, &[S("campaign_id"), S("date"), S("impressions"), S("clicks"), S("spend"), S("conversions")]);
    write_row(ws, 1, 0, &[S("C1"), Date(0), N(100.0), N(10.0), Money(0.1 + 0.2), N(1.0)]);
    write_row(ws, 2, 0, &[S("C1"), Date(1), N(100.0), N(10.0), Money(1.25), N(1.0)]);
    let bytes = book.save_to_buffer().unwrap();
    let twin = b"campaign_id,date,impressions,clicks,spend,conversions\nC1,2025-01-01,100,10,0.30000000000000004,1\nC1,2025-01-02,100,10,1.25,1\n";
    let got = assert_twins(&bytes, "noise.xlsx", twin);
    assert_eq!(got.warnings.len(), 1);
    assert_eq!((got.warnings[0].0, got.warnings[0].1), (2, Warn::SpendRounded));
    assert!(got.ctr.contains("C1,200,20,1.55,2,"), "{}", got.ctr);
}

/// Error values and booleans are their text: a metric holding one is not a
/// number, never a zero.
#[test]
fn error_values_reject_the_row() {
    use V::*;
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    write_row(ws, 0, 0, &[S("campaign_id"), S("impressions"), S("clicks"), S("spend"), S("conversions"), S("active")]);
    write_row(ws, 1, 0, &[S("C1"), N(100.0), N(10.0), Money(1.0), N(1.0)]);
    write_row(ws, 2, 0, &[S("C2"), N(100.0), N(10.0), Money(1.0)]);
    ws.write_formula(2, 4, Formula::new("=1/0").set_result("#DIV/0!")).unwrap();
    ws.write_boolean(1, 5, true).unwrap();
    ws.write_boolean(2, 5, false).unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let text = sheet_text(&bytes, "err.xlsx");
    assert!(text.ends_with("C1,100,10,1,1,TRUE\nC2,100,10,1,#DIV/0!,FALSE\n"), "{text}");
    let out = outcome(text.as_bytes());
    assert_eq!(out.aggregated, 1);
    assert_eq!(out.rejected.len(), 1);
    assert!(out.rejected[0].1.contains("conversions") && out.rejected[0].1.contains("#DIV/0!"), "{:?}", out.rejected);
}

/// The workbook with one member's text changed by `f`.
fn rewrite(book: Vec<u8>, member: &str, f: impl Fn(String) -> String) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(book)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let mut found = false;
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).unwrap();
        let name = file.name().unwrap().to_string();
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).unwrap();
        if name == member {
            bytes = f(String::from_utf8(bytes).unwrap()).into_bytes();
            found = true;
        }
        out.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        out.write_all(&bytes).unwrap();
    }
    assert!(found, "no {member}");
    out.finish().unwrap().into_inner()
}

/// A sheet whose cells are not in row order (no common writer does it):
/// read as a grid instead of streamed, to the same CSV.
#[test]
fn cells_out_of_order_read_alike() {
    let book = meta_xlsx();
    let swapped = rewrite(book.clone(), "xl/worksheets/sheet1.xml", |s| {
        // Row 3 before row 2.
        let (a, b) = (s.find("<row r=\"2\"").unwrap(), s.find("<row r=\"3\"").unwrap());
        let c = s[b..].find("</row>").unwrap() + b + 6;
        format!("{}{}{}{}", &s[..a], &s[b..c], &s[a..b], &s[c..])
    });
    assert_ne!(swapped, book);
    assert_eq!(sheet_text(&swapped, "swapped.xlsx"), sheet_text(&book, "meta.xlsx"));
}

/// A workbook in the 1904 date system (rust_xlsxwriter writes none: its
/// workbook.xml is rewritten) reads its serials from 1904-01-01.
#[test]
fn dates_of_the_1904_system() {
    use V::*;
    let write = |day_1904: bool| {
        let mut book = Workbook::new();
        let ws = book.add_worksheet();
        write_row(ws, 0, 0, &[S("campaign_id"), S("date"), S("impressions"), S("clicks"), S("spend"), S("conversions")]);
        // 2025-01-01 is 45658 in the 1900 system, 44196 in the 1904 one.
        let serial = if day_1904 { 44_196.0 } else { 45_658.0 };
        ws.write_number_with_format(1, 1, serial, &Format::new().set_num_format("yyyy-mm-dd")).unwrap();
        ws.write_number_with_format(2, 1, serial + 0.75, &Format::new().set_num_format("yyyy-mm-dd hh:mm")).unwrap();
        for r in 1..3 {
            write_row(ws, r, 2, &[N(100.0), N(10.0), Money(1.0), N(1.0)]);
            write_row(ws, r, 0, &[S("C1")]);
        }
        book.save_to_buffer().unwrap()
    };
    let plain = write(false);
    // The same file with `date1904="1"` on workbookPr.
    let rewritten = rewrite(write(true), "xl/workbook.xml", |s| {
        assert!(s.contains("<workbookPr "), "{s}");
        s.replace("<workbookPr ", "<workbookPr date1904=\"1\" ")
    });
    let want = "campaign_id,date,impressions,clicks,spend,conversions\nC1,2025-01-01,100,10,1,1\nC1,2025-01-01 18:00:00,100,10,1,1\n";
    assert_eq!(sheet_text(&plain, "1900.xlsx"), want);
    assert_eq!(sheet_text(&rewritten, "1904.xlsx"), want);
}

#[test]
fn damaged_encrypted_and_other_files() {
    let err = read_sheet(&fixture("encrypted.xlsx"), "encrypted.xlsx", None).unwrap_err();
    assert_eq!(err, SheetError::Password);
    assert_eq!(err.to_string().split(';').next(), Some("the workbook is password-protected"));

    let mut cut = google_ads_xlsx();
    cut.truncate(cut.len() / 2);
    let err = read_sheet(&cut, "cut.xlsx", None).unwrap_err();
    assert!(matches!(err, SheetError::NotWorkbook { kind: BookKind::Xlsx, .. }), "{err:?}");
    assert!(err.to_string().starts_with("not a readable .xlsx workbook"), "{err}");

    let mut xls = fixture("google_ads.xls");
    xls.truncate(600);
    let err = read_sheet(&xls, "cut.xls", None).unwrap_err();
    assert!(matches!(err, SheetError::NotWorkbook { kind: BookKind::Xls, .. }), "{err:?}");

    assert_eq!(book_kind(&fixture("google_ads.csv"), "google_ads.xlsx"), None);
    assert_eq!(book_kind(&google_ads_xlsx(), "exports.zip"), None);
    assert_eq!(book_kind(&google_ads_xlsx(), "report"), Some(BookKind::Xlsx));
}

/// `gen --xlsx` writes the rows `gen` writes as CSV: every row normalized
/// alike (dates included), the same top 10.
#[test]
fn gen_xlsx_holds_the_rows_of_gen_csv() {
    let dir = std::env::temp_dir().join(format!("adagg-sheets-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (csv, xlsx) = (dir.join("g.csv"), dir.join("g.xlsx"));
    let args = ["--rows", "3000", "--campaigns", "40", "--seed", "7", "--revenue", "--incidents", "3", "--quiet"];
    let gen = |extra: &[&str], out: &Path| {
        let run = Command::new(env!("CARGO_BIN_EXE_gen")).args(args).args(extra).arg("--output").arg(out).output().unwrap();
        assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
        String::from_utf8(run.stderr).unwrap()
    };
    let incidents = gen(&[], &csv);
    assert_eq!(gen(&["--xlsx"], &xlsx), incidents, "the same incidents");
    let (csv, xlsx) = (std::fs::read(&csv).unwrap(), std::fs::read(&xlsx).unwrap());
    let sheet = read_sheet(&xlsx, "g.xlsx", None).unwrap();
    assert_eq!(sheet.rows, 3001);
    let normalized = |text: &[u8]| {
        let mut job = Job::normalizing(Options::default(), Some("generic".into()));
        job.feed(text).unwrap();
        let (_, partial, out) = job.finish_normalized().unwrap();
        assert_eq!(partial.rows_aggregated, 3000);
        out
    };
    let want = normalized(&csv);
    assert!(String::from_utf8_lossy(&want).contains(",2025-12-31,") || String::from_utf8_lossy(&want).contains("2025-12-31,"));
    assert_eq!(normalized(&sheet.csv), want);
    assert_eq!(outcome(&sheet.csv), outcome(&csv));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn rejected_rows_of_xls_and_ods_are_on_their_sheet_rows() {
    for ext in ["xls", "ods"] {
        let got = read_sheet(&fixture(&format!("google_ads.{ext}")), "g", None).unwrap();
        let out = outcome(&got.csv);
        assert_eq!(out.rejected.iter().map(|r| r.0).collect::<Vec<_>>(), [8], "{ext}");
        assert_eq!(out.not_data, [9], "{ext}");
    }
}
