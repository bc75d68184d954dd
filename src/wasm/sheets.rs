//! Workbooks in the browser (issue 18; the sheets module only,
//! `www/pkg-sheets/`, built with `--features sheets`): `sheetCsv` turns the
//! chosen sheet of an `.xlsx`, `.xlsb`, `.xls` or `.ods` file into CSV
//! text, which the page then reads like any CSV file (UTF-8, `,`), so no
//! other module carries calamine.

use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;

use super::options_from_js;
use crate::error::Error;
use crate::schema::field::Field;
use crate::unpack::sheet::{book_kind, sheet_csv, SheetError};

/// Marks the sheets module: the JS tells the modules apart by this export.
#[wasm_bindgen(js_name = sheetsModule)]
pub fn sheets_module() -> bool {
    true
}

/// The kind of workbook the first bytes (512 are enough) and the file name
/// say a file is (`".xlsx"`, `".xlsb"`, `".xls"`, `".ods"`), or null
/// ([`crate::unpack::sheet::book_kind`]).
#[wasm_bindgen(js_name = bookKind)]
pub fn book_kind_js(prefix: &[u8], name: &str) -> Option<String> {
    book_kind(prefix, name).map(|k| k.extension().to_string())
}

/// A workbook's sheet as CSV: `{csv: Uint8Array, sheet: string, sheets:
/// string[], rows: number}`. `bytes` is the whole file, `name` its name
/// (for the kind, with the first bytes), `sheet` the sheet to read (else
/// the first whose first rows hold a header), `options` the page's options
/// as for `sniff` (a column `map` lets a sheet's header count as one).
///
/// Throws an `Error` with a user-readable `message` and a `kind`:
/// `"workbook"` (not a workbook, or damaged), `"password"`, `"sheet"` (no
/// such sheet) or `"header"` (no header); with `sheets` (the worksheets'
/// names) where known, and for a header that names some columns but not
/// all, as `sniff` does, `sheet`, `missing`, `columns` and `fields`, for a
/// form that maps them.
#[wasm_bindgen(js_name = sheetCsv)]
pub fn sheet_csv_js(bytes: Vec<u8>, name: &str, sheet: Option<String>, options: JsValue) -> Result<JsValue, JsValue> {
    let options = options_from_js(options).map_err(JsValue::from)?;
    let Some(kind) = book_kind(&bytes, name) else {
        let err = js_sys::Error::new("not a workbook (.xlsx, .xlsb, .xls or .ods)");
        set(&err, "kind", "workbook".into());
        return Err(err.into());
    };
    let got = sheet_csv(&bytes, kind, sheet.as_deref(), &options).map_err(sheet_error)?;
    drop(bytes);
    let o = Object::new();
    set(&o, "csv", Uint8Array::from(got.csv.as_slice()).into());
    set(&o, "sheet", got.sheet.as_str().into());
    set(&o, "sheets", names(&got.sheets));
    set(&o, "rows", (got.rows as f64).into());
    Ok(o.into())
}

fn set(target: &JsValue, key: &str, value: JsValue) {
    let _ = Reflect::set(target, &key.into(), &value);
}

fn names<'a>(list: impl IntoIterator<Item = &'a String>) -> JsValue {
    list.into_iter().map(|s| JsValue::from(s.as_str())).collect::<Array>().into()
}

fn sheet_error(e: SheetError) -> JsValue {
    let err = js_sys::Error::new(&e.to_string());
    let columns = |sheet: &str, error: &Error| {
        if let Error::MissingColumns { missing, found } = error {
            set(&err, "sheet", sheet.into());
            set(&err, "missing", missing.iter().map(|f| JsValue::from(f.name())).collect::<Array>().into());
            set(&err, "columns", found.iter().map(|c| JsValue::from(c.as_str())).collect::<Array>().into());
            set(&err, "fields", Field::ALL.iter().map(|f| JsValue::from(f.name())).collect::<Array>().into());
            true
        } else {
            false
        }
    };
    match &e {
        SheetError::NotWorkbook { .. } => set(&err, "kind", "workbook".into()),
        SheetError::Password => set(&err, "kind", "password".into()),
        SheetError::NotFound { sheets, .. } => {
            set(&err, "kind", "sheet".into());
            set(&err, "sheets", names(sheets));
        }
        SheetError::NoHeader { sheet, error, sheets } => {
            set(&err, "kind", "header".into());
            set(&err, "sheets", names(sheets));
            columns(sheet, error);
        }
        SheetError::NoSheetWithHeader { tried, sheets } => {
            set(&err, "kind", "header".into());
            set(&err, "sheets", names(sheets));
            // The first sheet whose closest row names some columns.
            let _ = tried.iter().any(|(s, error)| columns(s, error));
        }
    }
    err.into()
}
