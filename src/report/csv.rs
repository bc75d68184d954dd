//! Ranked rows as text: cells by [`RANKING_COLUMNS`] (exact decimals, half
//! away from zero) and CSV rows that are RFC 4180-quoted and safe to open
//! in a spreadsheet.

use crate::derive::rank::Ranked;
pub use crate::schema::columns::HEADER;
pub use crate::schema::columns::{KPI_HEADER, NAME_HEADER};
use crate::schema::columns::{Column, Value, KPI_COLUMNS, RANKING_COLUMNS};
use crate::schema::metric::{format_sum, push_sum};

/// One cell of a ranked row, as text (the id unquoted).
pub fn cell(column: &Column, r: &Ranked) -> String {
    match column.value {
        Value::Id => String::from_utf8_lossy(&r.campaign_id).into_owned(),
        Value::Sum(sum) => format_sum(sum, &r.totals),
        Value::Metric(m) => m.format(&r.totals),
    }
}

/// A campaign id as a CSV field: a leading `=`, `+`, `-`, `@`, tab or CR
/// gets a `'` in front (OWASP CSV-injection rule) and the field is quoted
/// when it contains a delimiter, quote or line break.
pub fn csv_text_field(raw: &[u8]) -> String {
    let mut out = String::with_capacity(raw.len() + 3);
    push_csv_text_field(&mut out, raw);
    out
}

pub use crate::text::cell::push_csv_text_field;

/// A cell as shown in every output: [`cell`], but empty for a column that
/// needs revenue when no input had it, or this campaign's rows had none
/// (absent, not zero).
pub fn shown_cell(column: &Column, r: &Ranked, revenue: bool) -> String {
    match column.needs_optional() && (!revenue || r.revenue_absent) {
        true => String::new(),
        false => cell(column, r),
    }
}

/// [`shown_cell`] appended to `out` (an id as [`cell`] has it, unquoted:
/// CSV writers write ids with [`push_csv_text_field`]).
#[inline]
pub fn push_shown_cell(out: &mut String, column: &Column, r: &Ranked, revenue: bool) {
    if column.needs_optional() && (!revenue || r.revenue_absent) {
        return;
    }
    match column.value {
        Value::Id => out.push_str(&String::from_utf8_lossy(&r.campaign_id)),
        Value::Sum(sum) => push_sum(out, sum, &r.totals),
        Value::Metric(m) => m.push(out, &r.totals),
    }
}

/// The whole CSV file for a ranking: [`HEADER`] plus one LF-terminated
/// row each, the columns of [`RANKING_COLUMNS`].
pub fn ranking_csv(rows: &[Ranked]) -> String {
    ranking_csv_with(rows, false)
}

/// [`ranking_csv`], with [`PLATFORM_HEADER`] first when `platforms`
/// (several platforms kept apart).
pub fn ranking_csv_with(rows: &[Ranked], platforms: bool) -> String {
    columns_csv(&RANKING_COLUMNS, rows, true, false, platforms)
}

/// The platform column's header, first in every ranking file when several
/// platforms were loaded and kept apart.
pub const PLATFORM_HEADER: &str = "platform";

/// A KPI file (`all_campaigns.csv`, `top{N}_{metric}.csv` asked for by
/// metric): [`KPI_HEADER`] (with [`NAME_HEADER`] after `campaign_id` when
/// `names`), one LF-terminated row each, the columns of [`KPI_COLUMNS`];
/// the columns that need revenue are empty unless `revenue`. Text cells
/// (id, name) are spreadsheet-safe and RFC 4180-quoted.
pub fn kpi_csv(rows: &[Ranked], revenue: bool, names: bool, platforms: bool) -> String {
    columns_csv(&KPI_COLUMNS, rows, revenue, names, platforms)
}

/// The one CSV writer of ranked rows: `columns`' headers (the name's
/// after the id's when `names`), then one LF-terminated row each; the
/// columns that need revenue empty unless `revenue`; each row's platform
/// first when `platforms`.
fn columns_csv(columns: &[Column], rows: &[Ranked], revenue: bool, names: bool, platforms: bool) -> String {
    let mut out = String::with_capacity(KPI_HEADER.len() + 16 + rows.len() * 96);
    if platforms {
        out.push_str(PLATFORM_HEADER);
        out.push(',');
    }
    for (i, column) in columns.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(column.header);
        if names && column.value == Value::Id {
            out.push(',');
            out.push_str(NAME_HEADER);
        }
    }
    out.push('\n');
    for r in rows {
        if platforms {
            push_csv_text_field(&mut out, r.platform.map_or("", |p| p.name()).as_bytes());
            out.push(',');
        }
        for (i, column) in columns.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            match column.value {
                Value::Id => {
                    push_csv_text_field(&mut out, &r.campaign_id);
                    if names {
                        out.push(',');
                        push_csv_text_field(&mut out, r.name.as_deref().unwrap_or(&[]));
                    }
                }
                _ => push_shown_cell(&mut out, column, r, revenue),
            }
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::schema::totals::Totals;

    fn t(i: u64, c: u64, s: u64, v: u64) -> Totals {
        Totals::required([i, c, s, v])
    }

    #[test]
    fn spec_example() {
        let row = Ranked { campaign_id: b"CMP042"[..].into(), totals: t(125000, 6250, 12_500_500_000, 625), name: None, platform: None, revenue_absent: false };
        assert_eq!(ranking_csv(&[row]), format!("{HEADER}\nCMP042,125000,6250,12500.50,625,0.0500,20.00\n"));
    }

    #[test]
    fn kpi_rows_with_names_revenue_and_undefined_kpis() {
        let a = Ranked {
            campaign_id: b"=A1"[..].into(),
            totals: Totals::new([1000, 8, 12_345_000, 3, 40_005_000]),
            name: Some(b"Sale, \"big\""[..].into()),
            platform: None,
            revenue_absent: false,
        };
        let z = Ranked { campaign_id: b"Z"[..].into(), totals: Totals::default(), name: None, platform: None, revenue_absent: false };
        let rows = [a, z];
        assert_eq!(
            kpi_csv(&rows, true, true, false),
            "campaign_id,campaign_name,total_impressions,total_clicks,total_spend,total_conversions,total_revenue,CTR,CPC,CPM,CVR,CPA,ROAS\n\
             '=A1,\"Sale, \"\"big\"\"\",1000,8,12.35,3,40.01,0.0080,1.54,12.35,0.3750,4.12,3.24\n\
             Z,,0,0,0.00,0,0.00,,,,,,\n"
        );
        assert_eq!(
            kpi_csv(&rows, false, false, false),
            format!("{KPI_HEADER}\n'=A1,1000,8,12.35,3,,0.0080,1.54,12.35,0.3750,4.12,\nZ,0,0,0.00,0,,,,,,,\n")
        );
    }

    #[test]
    fn quoting_and_injection() {
        assert_eq!(csv_text_field(b"CMP1"), "CMP1");
        assert_eq!(csv_text_field(b"a,b"), "\"a,b\"");
        assert_eq!(csv_text_field(b"say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_text_field(b"line\nbreak"), "\"line\nbreak\"");
        assert_eq!(csv_text_field(b"=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(csv_text_field(b"-1,2"), "\"'-1,2\"");
        assert_eq!(csv_text_field(b"@x"), "'@x");
        assert_eq!(csv_text_field(b"+x"), "'+x");
        assert_eq!(csv_text_field(b"=a\"b,c"), "\"'=a\"\"b,c\"");
        assert_eq!(csv_text_field(b"\"\""), "\"\"\"\"\"\"");
        assert_eq!(csv_text_field(b"\rx"), "\"'\rx\"");
        assert_eq!(csv_text_field(b"a\xffb"), "a\u{fffd}b");
        let mut out = String::from("x,");
        push_csv_text_field(&mut out, b"y\"");
        assert_eq!(out, "x,\"y\"\"\"");
    }
}
