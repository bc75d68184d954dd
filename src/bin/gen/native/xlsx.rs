//! `--xlsx`: the same rows as the CSV ([`super::rows`]) as an Excel
//! workbook, for the workbook bench file and tests (issue 18).

use super::*;
use rust_xlsxwriter::{Format, Workbook};

/// Days from Excel's 1900 epoch to 2025-01-01 (its serial).
const SERIAL_2025_01_01: f64 = 45_658.0;

/// Writes the workbook to `cfg.output`; its size in bytes, and the
/// generator (for its incidents).
pub(super) fn run(cfg: &Config, id_form: IdForm) -> Result<(u64, Ads), Box<dyn std::error::Error>> {
    let path = cfg.output.as_deref().ok_or("--xlsx needs --output")?;
    let mut book = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let money = Format::new().set_num_format("$#,##0.00");
    let sheet = book.add_worksheet_with_constant_memory()?;
    sheet.set_name("Campaigns")?;
    let header = NORMAL_HEADER.split(',').chain(cfg.revenue.then_some("revenue"));
    for (col, name) in header.enumerate() {
        sheet.write_string(0, col as u16, name)?;
    }
    let mut ads = Ads::new(cfg);
    let mut id = Vec::with_capacity(80);
    for i in 1..=cfg.rows {
        let row = ads.row(i);
        let r = u32::try_from(i).map_err(|_| "--xlsx: at most 1048575 rows (Excel's limit)")?;
        id.clear();
        id_form.push(&mut id, row.number);
        sheet.write_string(r, 0, std::str::from_utf8(&id)?)?;
        sheet.write_number_with_format(r, 1, SERIAL_2025_01_01 + row.day as f64, &date)?;
        sheet.write_number(r, 2, row.impressions as f64)?;
        sheet.write_number(r, 3, row.clicks as f64)?;
        sheet.write_number_with_format(r, 4, row.spend_cents as f64 / 100.0, &money)?;
        sheet.write_number(r, 5, row.conversions as f64)?;
        if cfg.revenue {
            sheet.write_number_with_format(r, 6, row.revenue_cents as f64 / 100.0, &money)?;
        }
    }
    book.save(path).map_err(|e| format!("{path}: {e}"))?;
    let bytes = std::fs::metadata(path)?.len();
    Ok((bytes, ads))
}
