//! The time files (issue 16): `daily.csv`, `rolling_7d.csv`,
//! `rolling_28d.csv` (one row for every day of each campaign's series,
//! by campaign id then date; the KPI files' decimals and empty-field rules)
//! and `anomalies.csv`.

use crate::derive::anomaly::{format_frac, Anomaly};
use crate::derive::rank::Ranked;
use crate::derive::series::Series;
use crate::report::csv::{push_csv_text_field, push_shown_cell};
use crate::schema::columns::KPI_COLUMNS;
use crate::schema::totals::Totals;
use crate::text::date::{format_day, push_day};
use crate::text::encoding::Encoding;

/// Header of `daily.csv` and the rolling files.
pub const DAILY_HEADER: &str =
    "campaign_id,date,total_impressions,total_clicks,total_spend,total_conversions,total_revenue,CTR,CPC,CPM,CVR,CPA,ROAS";

/// Header of `anomalies.csv`.
pub const ANOMALIES_HEADER: &str = "campaign_id,date,metric,value,median,z";

/// A campaign id as written: Windows-1252 and Shift_JIS ids decoded to
/// UTF-8 ([`Encoding::to_utf8`]).
pub(crate) fn id_text(id: &[u8], encoding: Encoding) -> std::borrow::Cow<'_, [u8]> {
    encoding.to_utf8(id)
}

/// `daily.csv` (`window` 1) or a rolling file (`window` 7 or 28): every
/// day of every series, the window's sums ending on that day and every
/// KPI from them; revenue and ROAS empty unless `revenue`.
pub fn series_csv(series: &[Series], window: usize, revenue: bool, encoding: Encoding) -> String {
    let rows: usize = series.iter().map(|s| s.len()).sum();
    let mut out = String::with_capacity(DAILY_HEADER.len() + 1 + rows * 90);
    out.push_str(DAILY_HEADER);
    out.push('\n');
    for s in series {
        let sums: Vec<Totals> = match window {
            1 => s.dense(),
            w => s.rolling(w),
        };
        let id = id_text(&s.id, encoding);
        let mut row = Ranked { campaign_id: Box::default(), totals: Totals::default(), name: None, platform: None, revenue_absent: false };
        for (i, totals) in sums.into_iter().enumerate() {
            push_csv_text_field(&mut out, &id);
            out.push(',');
            push_day(&mut out, s.day(i));
            row.totals = totals;
            for column in &KPI_COLUMNS[1..] {
                out.push(',');
                push_shown_cell(&mut out, column, &row, revenue);
            }
            out.push('\n');
        }
    }
    out
}

/// `anomalies.csv`: `campaign_id,date,metric,value,median,z`, rows as
/// [`crate::derive::anomaly::anomalies`] sorted them; value and median
/// with 4 decimals for CTR and 2 otherwise, z with 2, rounded half away
/// from zero, written as plain numbers.
pub fn anomalies_csv(anomalies: &[Anomaly], encoding: Encoding) -> String {
    let mut out = String::with_capacity(ANOMALIES_HEADER.len() + 1 + anomalies.len() * 48);
    out.push_str(ANOMALIES_HEADER);
    out.push('\n');
    for a in anomalies {
        push_csv_text_field(&mut out, &id_text(&a.id, encoding));
        let d = a.metric.decimals();
        out.push_str(&format!(
            ",{},{},{},{},{}\n",
            format_day(a.day),
            a.metric.name(),
            format_frac(&a.score.value, d),
            format_frac(&a.score.median, d),
            format_frac(&a.score.z, 2)
        ));
    }
    out
}
