//! Workbooks in the wasm build (filled in by the workbook work).
