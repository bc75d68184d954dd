//! The daily series for JS (issue 16): `daily.csv`, the rolling files and
//! `anomalies.csv` as bytes (Blobs in the worker), the flagged days as
//! rows, and the sums per day for charts (the total and the top campaigns
//! by spend).

use super::*;
use crate::agg::daily::Daily;
use crate::derive::series::Series;
use crate::schema::totals::{Sum, Totals};
use crate::text::date::format_day;

/// Campaigns whose series go to JS for charts (by spend).
const CHART_CAMPAIGNS: usize = 20;
/// More campaigns whose series go to JS: those with flagged days.
const FLAGGED_CAMPAIGNS: usize = 30;

/// A merged run's daily series, taken out of its result before the report.
pub(super) struct DailyOut {
    series: Vec<Series>,
    encoding: Encoding,
    asks: super::result::DailyAsks,
    /// Series left out past the limit (of how many), or the cells dropped
    /// while reading (`capped`: the shell reads again for the top ones).
    left_out: Option<usize>,
    capped: Option<Vec<String>>,
    limit: u64,
    /// Total spend per campaign id (for the chart's top campaigns).
    spend: Vec<(u64, Box<[u8]>)>,
}

/// One flagged day for JS.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AnomalyJs {
    campaign_id: String,
    date: String,
    metric: &'static str,
    value: String,
    median: String,
    z: String,
}

/// Budget hints for JS: `budget_hints.csv`'s header and rows as text
/// cells, and the summary's lines (labelled heuristics).
#[derive(Serialize)]
struct BudgetHintsJs {
    header: Vec<&'static str>,
    rows: Vec<Vec<String>>,
    text: String,
}

/// A series' sums per day, as numbers for charts (money in units).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SumsJs {
    impressions: Vec<f64>,
    clicks: Vec<f64>,
    spend: Vec<f64>,
    conversions: Vec<f64>,
    revenue: Vec<f64>,
}

impl SumsJs {
    fn of(days: &[Totals]) -> SumsJs {
        let col = |sum: Sum| -> Vec<f64> { days.iter().map(|t| t[sum] as f64 / sum.scale() as f64).collect() };
        SumsJs { impressions: col(Sum::Impressions), clicks: col(Sum::Clicks), spend: col(Sum::Spend), conversions: col(Sum::Conversions), revenue: col(Sum::Revenue) }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CampaignSeriesJs {
    campaign_id: String,
    /// Index of its first day in `dates`.
    offset: usize,
    sums: SumsJs,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DailyJs {
    campaigns: usize,
    days: usize,
    /// (campaign, day) cells with rows (days without rows are not held).
    cells: usize,
    /// Bytes the series' sums take (as the CLI's summary states them).
    bytes: usize,
    limit: u64,
    /// Campaigns with a series before the limit left some out (null: none left out).
    left_out_of: Option<usize>,
    /// Cells dropped while reading: read again keeping these campaigns.
    read_again_for: Option<Vec<String>>,
    dates: Vec<String>,
    total: SumsJs,
    top: Vec<CampaignSeriesJs>,
}

impl DailyOut {
    /// The series of `merged` (for `plan`), if the plan asked for one.
    pub(super) fn take(plan: &Plan, merged: &mut Partial, asks: super::result::DailyAsks) -> Option<DailyOut> {
        let daily: Daily = merged.daily.take()?;
        let spend = crate::agg::daily::by_spend(&merged.campaigns);
        let limit = daily.limit;
        let capped = daily.capped.then(|| crate::top_by_spend(&merged.campaigns, limit, daily.span(), plan.encoding));
        let (series, left_out) = crate::within_limit_by_spend(crate::series(&daily.cells), limit, &merged.campaigns);
        let encoding = plan.encoding;
        Some(DailyOut { series, encoding, asks, left_out, capped, limit, spend })
    }

    /// Sets `daily`, `dailyCsv`, `rolling7dCsv`, `rolling28dCsv` and, with a
    /// threshold, `anomalies` and `anomaliesCsv` on `value`.
    pub(super) fn set_on(self, value: &JsValue, revenue: bool) -> Result<(), JsValue> {
        let set = |k: &str, v: JsValue| js_sys::Reflect::set(value, &k.into(), &v).map(|_| ());
        let bytes = |s: String| -> JsValue { Uint8Array::from(s.as_bytes()).into() };
        set("dailyCsv", bytes(crate::series_csv(&self.series, 1, revenue, self.encoding)))?;
        set("rolling7dCsv", bytes(crate::series_csv(&self.series, 7, revenue, self.encoding)))?;
        set("rolling28dCsv", bytes(crate::series_csv(&self.series, 28, revenue, self.encoding)))?;
        // Campaigns of the newest flags first, each once.
        let mut flagged: Vec<Box<[u8]>> = Vec::new();
        if let Some(options) = &self.asks.hints {
            let hints = crate::budget_hints(&self.series, revenue, options);
            set("budgetHintsCsv", bytes(crate::budget_hints_csv(&hints, self.encoding)))?;
            // The same rows for the page's table: the id, then the file's cells.
            let rows: Vec<Vec<String>> = hints
                .rows
                .iter()
                .zip(crate::budget_hint_cells(&hints))
                .map(|(r, cells)| std::iter::once(String::from_utf8_lossy(&crate::report::daily::id_text(&r.id, self.encoding)).into_owned()).chain(cells).collect())
                .collect();
            let table = BudgetHintsJs { header: crate::BUDGET_HINTS_HEADER.split(',').collect(), rows, text: crate::budget_hints_text(&hints) };
            set("budgetHints", to_js(&table)?)?;
        }
        if let Some(threshold) = &self.asks.threshold {
            let flags = crate::anomalies(&self.series, threshold);
            for a in &flags {
                if flagged.len() == FLAGGED_CAMPAIGNS {
                    break;
                }
                if !flagged.contains(&a.id) {
                    flagged.push(a.id.clone());
                }
            }
            set("anomaliesCsv", bytes(crate::anomalies_csv(&flags, self.encoding)))?;
            let rows: Vec<AnomalyJs> = flags
                .iter()
                .map(|a| AnomalyJs {
                    campaign_id: String::from_utf8_lossy(&a.id).into_owned(),
                    date: format_day(a.day),
                    metric: a.metric.name(),
                    value: crate::derive::anomaly::format_frac(&a.score.value, a.metric.decimals()),
                    median: crate::derive::anomaly::format_frac(&a.score.median, a.metric.decimals()),
                    z: crate::derive::anomaly::format_frac(&a.score.z, 2),
                })
                .collect();
            set("anomalies", to_js(&rows)?)?;
        }
        // The chart's data: every day from the first series' first to the
        // last one's last, the total over all series, and the top campaigns.
        let first = self.series.iter().map(|s| s.first).min();
        let last = self.series.iter().map(|s| s.first + s.len() as i32 - 1).max();
        let (dates, total, top) = match (first, last) {
            (Some(first), Some(last)) => {
                let n = (last - first + 1) as usize;
                let mut total = vec![Totals::default(); n];
                for s in &self.series {
                    for &(day, t) in &s.cells {
                        let at = (day - first) as usize;
                        let _ = total[at].add(&t); // the campaigns' totals fit; their day sums too
                    }
                }
                // The top campaigns by spend, and those of the newest flags.
                let mut shown: rustc_hash::FxHashSet<&[u8]> = self.spend.iter().take(CHART_CAMPAIGNS).map(|(_, id)| &id[..]).collect();
                shown.extend(flagged.iter().map(|id| &id[..]));
                let top = self
                    .series
                    .iter()
                    .filter(|s| shown.contains(&s.id[..]))
                    .map(|s| CampaignSeriesJs {
                        campaign_id: String::from_utf8_lossy(&s.id).into_owned(),
                        offset: (s.first - first) as usize,
                        sums: SumsJs::of(&s.dense()),
                    })
                    .collect();
                ((first..=last).map(format_day).collect(), SumsJs::of(&total), top)
            }
            _ => (Vec::new(), SumsJs::of(&[]), Vec::new()),
        };
        let days: usize = self.series.iter().map(|s| s.len()).sum();
        let js = DailyJs {
            campaigns: self.series.len(),
            days,
            cells: self.series.iter().map(|s| s.cells.len()).sum(),
            bytes: days * std::mem::size_of::<Totals>(),
            limit: self.limit,
            left_out_of: self.left_out,
            read_again_for: self.capped,
            dates,
            total,
            top,
        };
        set("daily", to_js(&js)?)
    }
}

/// Marks the daily module (www/pkg-daily/): the JS tells the two modules
/// apart by this export (www/core/daily-module.js).
#[wasm_bindgen(js_name = dailyModule)]
pub fn daily_module() -> bool {
    true
}
