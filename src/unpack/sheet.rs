//! Workbook sheets as CSV text (filled in by the workbook work).
