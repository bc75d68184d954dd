//! The one mapping of a report to the JS result: rankings with their
//! column descriptors and metrics, the summary, and error kinds.

use super::*;
use crate::report::ReportOptions;
use crate::report::csv::shown_cell;
use crate::schema::columns::{Column, KPI_COLUMNS};
use crate::{parse_minimum, parse_rank, Guardrails, RankSpec, Ranking, Sum};

/// A ranked row for JS: one property per column (by its `key`, as text;
/// the columns that need revenue empty without it), then `campaignName`:
/// the last name seen for the campaign ("" when the file has no name
/// column).
struct RowJs<'a>(&'a Ranked, &'static [Column], bool);

impl Serialize for RowJs<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let (row, columns, revenue) = (self.0, self.1, self.2);
        let mut map = s.serialize_map(Some(columns.len() + 1))?;
        for column in columns {
            map.serialize_entry(column.key, &shown_cell(column, row, revenue))?;
        }
        let name = row.name.as_deref().map(|n| String::from_utf8_lossy(n).into_owned()).unwrap_or_default();
        map.serialize_entry("campaignName", &name)?;
        if let Some(platform) = row.platform {
            map.serialize_entry("platform", platform.name())?;
        }
        map.end()
    }
}

/// The rows of one ranking with its columns: [`RANKING_COLUMNS`] for the
/// standard tables, [`KPI_COLUMNS`] for rankings asked for by metric.
struct RowsJs<'a>(&'a [Ranked], &'static [Column], bool);

impl Serialize for RowsJs<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|row| RowJs(row, self.1, self.2)))
    }
}

/// A guardrail in force, for JS: the summed field and its minimum as text.
#[derive(Serialize)]
struct GuardrailJs {
    field: &'static str,
    min: String,
}

/// One ranking for JS (`result.rankings[i]`, adagg.d.ts `AdaggRanking`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RankingJs<'a> {
    key: &'static str,
    label: &'static str,
    better: &'static str,
    top: usize,
    file_name: String,
    columns: Vec<ColumnJs>,
    rows: RowsJs<'a>,
    csv: String,
    eligible: u64,
    removed: u64,
    guardrails: Vec<GuardrailJs>,
    absent: bool,
}

fn better_name(better: Better) -> &'static str {
    match better {
        Better::Higher => "higher",
        Better::Lower => "lower",
    }
}

fn columns_js(columns: &[crate::schema::columns::Column]) -> Vec<ColumnJs> {
    columns.iter().map(|c| ColumnJs { key: c.key, label: c.label, header: c.header, kind: c.kind() }).collect()
}

/// Every ranking of `report`, in the format `kpi` says (rankings asked
/// for by metric) or FV-SEC001's.
fn rankings_js<'a>(report: &'a Report, rankings: &'a [Ranking], kpi: bool) -> Vec<RankingJs<'a>> {
    rankings
        .iter()
        .map(|r| {
            let absent = r.metric.needs_optional() && !report.has_revenue;
            let guardrails = Sum::ALL
                .into_iter()
                .filter(|&sum| r.spec.guardrails.min[sum] > 0)
                .map(|sum| GuardrailJs { field: sum.field().name(), min: format_minimum(sum, r.spec.guardrails.min[sum]) })
                .collect();
            RankingJs {
                key: r.metric.key,
                label: r.metric.header,
                better: better_name(r.spec.better),
                top: r.spec.top,
                file_name: format!("top{}_{}.csv", r.spec.top, r.metric.key),
                columns: if kpi { columns_js(&KPI_COLUMNS) } else { columns_js(&RANKING_COLUMNS) },
                rows: RowsJs(&r.rows, if kpi { &KPI_COLUMNS } else { &RANKING_COLUMNS }, report.has_revenue),
                csv: if kpi { report.kpi_ranking_csv(r) } else { report.standard_ranking_csv(r) },
                eligible: r.eligible,
                removed: r.removed,
                guardrails,
                absent,
            }
        })
        .collect()
}

/// A minimum as the user would write it: a count as is, money with its
/// decimals (trailing zeros dropped).
fn format_minimum(sum: Sum, value: u64) -> String {
    match sum.scale() {
        1 => value.to_string(),
        scale => {
            let frac = format!("{:06}", value % scale);
            match frac.trim_end_matches('0') {
                "" => (value / scale).to_string(),
                frac => format!("{}.{frac}", value / scale),
            }
        }
    }
}

/// What the page asks of a report (`aggregateFile`'s `top`, `rank`,
/// `min`, `allCampaigns`; run.js `reportOptions`).
#[derive(Deserialize)]
#[serde(default)]
struct ReportOptionsJs {
    top: u32,
    /// `"roas"`, `"cpa:desc"`...; None: the two FV-SEC001 tables.
    rank: Option<Vec<String>>,
    /// Minimums by field name (`impressions`, `clicks`, `conversions`, `spend`), as text.
    min: std::collections::BTreeMap<String, String>,
    all: bool,
    /// The anomaly threshold (`"3.5"`), when anomalies are asked for.
    anomalies: Option<String>,
    /// Budget hints (issue 16), with their guardrails as text.
    hints: Option<HintsJs>,
}

/// `hints: { minSpend?: "100", minConversions?: "10" }`.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct HintsJs {
    min_spend: Option<String>,
    min_conversions: Option<String>,
}

/// What a run with the daily series asks of it beyond the files: the
/// anomaly threshold and the budget hints' guardrails.
#[derive(Default)]
pub(super) struct DailyAsks {
    pub(super) threshold: Option<crate::Threshold>,
    pub(super) hints: Option<crate::HintOptions>,
}

impl Default for ReportOptionsJs {
    fn default() -> Self {
        ReportOptionsJs { top: 10, rank: None, min: Default::default(), all: false, anomalies: None, hints: None }
    }
}

/// The report options `value` asks for, and whether the rankings are in
/// the KPI format (asked for by metric). A number is the old form: top k.
/// Errors have kind `'input'` and say what was wrong.
fn report_options(value: &JsValue) -> Result<(ReportOptions, bool), JsValue> {
    Ok(report_asks(value)?.0)
}

/// [`report_options`], and what the daily series is asked for ([`DailyAsks`]).
fn report_asks(value: &JsValue) -> Result<((ReportOptions, bool), DailyAsks), JsValue> {
    let input = |msg: String| {
        let e = js_sys::Error::new(&msg);
        let _ = js_sys::Reflect::set(&e, &"kind".into(), &"input".into());
        JsValue::from(e)
    };
    if let Some(k) = value.as_f64() {
        return Ok(((ReportOptions::fv_sec001(k as usize), false), DailyAsks::default()));
    }
    let o: ReportOptionsJs = match value.is_undefined() || value.is_null() {
        true => ReportOptionsJs::default(),
        false => serde_wasm_bindgen::from_value(value.clone()).map_err(|e| input(format!("bad report options: {e}")))?,
    };
    let top = o.top.max(1) as usize;
    let threshold = match &o.anomalies {
        None => None,
        Some(t) => Some(crate::parse_threshold(t).map_err(|e| input(format!("anomalies: {e}")))?),
    };
    let hints = match &o.hints {
        None => None,
        Some(h) => {
            let mut options = crate::HintOptions::default();
            if let Some(text) = h.min_spend.as_deref().filter(|t| !t.trim().is_empty()) {
                options.min_spend = crate::parse_minimum(Sum::Spend, text).map_err(|e| input(format!("hints.minSpend: {e}")))?;
            }
            if let Some(text) = h.min_conversions.as_deref().filter(|t| !t.trim().is_empty()) {
                options.min_conversions = crate::parse_minimum(Sum::Conversions, text).map_err(|e| input(format!("hints.minConversions: {e}")))?;
            }
            Some(options)
        }
    };
    let asks = DailyAsks { threshold, hints };
    let mut guardrails = Guardrails::NONE;
    for (field, text) in &o.min {
        let sum = Sum::ALL
            .into_iter()
            .find(|s| s.field().name() == field.as_str() && s.required())
            .ok_or_else(|| input(format!("min: unknown guardrail {field:?} (one of impressions, clicks, conversions, spend)")))?;
        let min = parse_minimum(sum, text).map_err(|e| input(format!("min.{field}: {e}")))?;
        guardrails = guardrails.with(sum, min);
    }
    let Some(ranks) = &o.rank else {
        let mut options = ReportOptions::fv_sec001(top);
        for spec in &mut options.rankings {
            spec.guardrails = guardrails;
        }
        options.all = o.all;
        return Ok(((options, false), asks));
    };
    if ranks.is_empty() {
        return Err(input("rank: give at least one metric (ctr, cpc, cpm, cvr, cpa, roas), or leave it out for the standard tables".into()));
    }
    let mut rankings: Vec<RankSpec> = Vec::new();
    for text in ranks {
        let (metric, better) = parse_rank(text).map_err(|e| input(format!("rank: {e}")))?;
        if rankings.iter().any(|r| r.metric.key == metric.key) {
            return Err(input(format!("rank: {} is asked for twice (both would be top{top}_{}.csv)", metric.key, metric.key)));
        }
        rankings.push(RankSpec { metric, better, top, guardrails });
    }
    // The standard tables too, after the ones asked for (with the same
    // guardrails): the first API's `ctr`, `cpa`, `ctrCsv`, `cpaCsv` are
    // always there.
    rankings.extend(ReportOptions::fv_sec001(top).rankings.into_iter().map(|spec| RankSpec { guardrails, ..spec }));
    Ok(((ReportOptions { rankings, all: o.all }, true), asks))
}

/// Checks report options before a file is read (`aggregateFile` asks the
/// worker first): throws an `Error` with kind `'input'` naming what is wrong.
#[wasm_bindgen(js_name = checkReport)]
pub fn check_report(options: JsValue) -> Result<(), JsValue> {
    report_options(&options).map(|_| ())
}

/// Every ranking of a report for JS: `<key>` (its rows) and `<key>Csv`
/// (its file) for each metric, e.g. `ctr` and `ctrCsv`.
struct RankingsJs<'a>(&'a [Ranking], &'a Report);

impl Serialize for RankingsJs<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.0.len() * 2))?;
        for ranking in self.0 {
            map.serialize_entry(ranking.metric.key, &RowsJs(&ranking.rows, &RANKING_COLUMNS, true))?;
            map.serialize_entry(&format!("{}Csv", ranking.metric.key), &self.1.standard_ranking_csv(ranking))?;
        }
        map.end()
    }
}

/// A ranking column for JS, so that tables are drawn without knowing
/// the metrics.
#[derive(Serialize)]
struct ColumnJs {
    key: &'static str,
    label: &'static str,
    header: &'static str,
    kind: &'static str,
}

/// A metric for JS: its key (the result's property with its rows), its
/// heading and which end ranks first.
#[derive(Serialize)]
struct MetricJs {
    key: &'static str,
    label: &'static str,
    better: &'static str,
}

#[derive(Serialize)]
struct ReasonJs {
    reason: String,
    count: u64,
}

#[derive(Serialize)]
struct SkippedJs {
    line: u64,
    reason: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SummaryJs {
    rows_read: u64,
    rows_aggregated: u64,
    rows_skipped: u64,
    skipped_by_reason: Vec<ReasonJs>,
    first_skipped: Vec<SkippedJs>,
    /// The first rows skipped as not data (total rows, repeated headers).
    not_data: Vec<SkippedJs>,
    campaigns: u64,
    bytes: u64,
    header: Vec<String>,
    header_line: u64,
    preamble_rows: u64,
    encoding: String,
    delimiter: String,
    mapping: Vec<MappingJs>,
    warnings: Vec<String>,
    quality: QualityJs,
    /// Day first or month first (issue 16).
    dates: DatesJs,
}

/// How `1/2/2025`-style dates were read ([`crate::DateOutcome`]).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DatesJs {
    /// `"mdy"`, `"dmy"` (or `"auto"`: the per-value rule, no such date seen).
    order: &'static str,
    /// The summary's line (as the CLI's `dates:`), or null when the file
    /// has no such date.
    note: Option<String>,
    /// None of them tells day from month: the order was assumed (ask the user).
    asked: bool,
    /// The whole file proves the other order: read it again with
    /// `dateOrder: order, dateReread: [line, text]` (the result read in the
    /// wrong order must not be used). Line as the evidence counts it: from
    /// the first data line (the shell adds the plan's).
    reread: Option<(&'static str, u64, String)>,
}

/// Data-quality warnings (rows kept).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct QualityJs {
    /// `{ kind: "duplicates", label: "same campaign and date...", count }` per kind.
    checks: Vec<CheckJs>,
    /// `line 12: CMP001: clicks 300 > impressions 200`...
    examples: Vec<String>,
    dates_checked: bool,
    duplicates_capped: bool,
}

#[derive(Serialize)]
struct CheckJs {
    kind: &'static str,
    label: &'static str,
    count: u64,
}

#[derive(Serialize)]
struct MappingJs {
    field: String,
    column: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultJs<'a> {
    /// The standard tables' `ctr`, `ctrCsv`, `cpa`, `cpaCsv` (the first
    /// API's shape; always there, with the guardrails in force).
    #[serde(flatten)]
    standard: RankingsJs<'a>,
    rankings: Vec<RankingJs<'a>>,
    has_revenue: bool,
    /// Several platforms kept apart: rows carry `platform`.
    has_platforms: bool,
    columns: Vec<ColumnJs>,
    metrics: Vec<MetricJs>,
    /// The columns of all_campaigns.csv and of the rankings asked for by KPI.
    kpi_columns: Vec<ColumnJs>,
    /// Every KPI, with its natural direction.
    kpis: Vec<MetricJs>,
    rejected_csv: String,
    summary: SummaryJs,
}


/// An error that stops a run, as a JS `Error` with a `kind`: `'strict'`
/// (strict mode's first malformed row), `'locate'` (a problem found without
/// its line: run the data again as one range with `locate`, then finish
/// that), `'input'` (a total that overflowed, a header repeated in another
/// order, an id that is not UTF-8: the message names the line), `'error'`.
pub(super) fn stop_error(err: &Error) -> JsValue {
    let kind = match err {
        _ if err.needs_line() => "locate",
        Error::Strict(_) => "strict",
        Error::Overflow { .. } | Error::NotUtf8 { .. } | Error::HeaderReordered { .. } => "input",
        _ => "error",
    };
    let e = js_sys::Error::new(&err.to_string());
    let _ = js_sys::Reflect::set(&e, &"kind".into(), &kind.into());
    e.into()
}

/// Merges range results (`Uint8Array`s of [`Partial::to_bytes`], in file
/// order) of the file read with `plan`.
fn merge_partials(plan: &Plan, partials: &Array) -> Result<Partial, JsValue> {
    let mut merged: Option<Partial> = None;
    for item in partials.iter() {
        let bytes = item.dyn_into::<Uint8Array>().map_err(|_| JsError::new("partials must be Uint8Arrays"))?.to_vec();
        match &mut merged {
            None => merged = Some(Partial::from_bytes(&bytes).map_err(|e| stop_error(&e))?),
            Some(m) => m.append_bytes(&bytes).map_err(|e| stop_error(&e))?,
        }
    }
    Ok(merged.unwrap_or_else(|| Partial::new(plan.data_start)))
}

/// A run's summary for JS.
fn summary_js(s: &crate::Summary) -> SummaryJs {
    SummaryJs {
        rows_read: s.rows_read,
        rows_aggregated: s.rows_aggregated,
        rows_skipped: s.rows_skipped,
        skipped_by_reason: s.skipped_by_reason.iter().map(|(r, c)| ReasonJs { reason: r.clone(), count: *c }).collect(),
        first_skipped: s.first_skipped.iter().map(|x| SkippedJs { line: x.line, reason: x.message.clone() }).collect(),
        not_data: s.not_data.iter().map(|x| SkippedJs { line: x.line, reason: x.message.clone() }).collect(),
        campaigns: s.campaigns,
        bytes: s.bytes,
        header: s.header.clone(),
        header_line: s.header_line,
        preamble_rows: s.preamble_rows,
        encoding: s.encoding.clone(),
        delimiter: s.delimiter.clone(),
        mapping: s.mapping.iter().map(|(f, c)| MappingJs { field: f.clone(), column: c.clone() }).collect(),
        warnings: s.warnings.clone(),
        dates: DatesJs {
            order: s.dates.order.name(),
            note: s.dates.note(),
            asked: s.dates.asked(),
            reread: s.dates.reread().map(|(order, line, text)| (order.name(), line, text)),
        },
        quality: QualityJs {
            checks: s.quality.counts.iter().map(|&(k, count)| CheckJs { kind: k.key(), label: k.label(), count }).collect(),
            examples: s.quality.examples.clone(),
            dates_checked: s.quality.dates_checked,
            duplicates_capped: s.quality.duplicates_capped,
        },
    }
}

/// The JS result of a finished report (see [`finish_partials`]);
/// `merged`: the merged campaigns' bytes for the all-campaigns table.
fn report_result(report: &Report, kpi: bool, merged: Option<Vec<u8>>) -> Result<JsValue, JsValue> {
    // With rankings asked for by KPI, the standard two come after them.
    let (asked, standard) = match kpi {
        true => report.rankings.split_at(report.rankings.len() - METRICS.len()),
        false => (&report.rankings[..], &report.rankings[..]),
    };
    let result = ResultJs {
        standard: RankingsJs(standard, report),
        rankings: rankings_js(report, asked, kpi),
        has_revenue: report.has_revenue,
        has_platforms: report.has_platforms,
        columns: columns_js(&RANKING_COLUMNS),
        kpi_columns: columns_js(&KPI_COLUMNS),
        kpis: crate::KPIS.iter().map(|m| MetricJs { key: m.key, label: m.header, better: better_name(m.better) }).collect(),
        metrics: METRICS
            .iter()
            .map(|m| MetricJs {
                key: m.key,
                label: m.header,
                better: better_name(m.better),
            })
            .collect(),
        rejected_csv: report.rejected_csv(),
        summary: summary_js(&report.summary),
    };
    let value = to_js(&result)?;
    // all_campaigns.csv as UTF-8 bytes in a Uint8Array (the worker makes a
    // Blob of it), or null; set here, since serde would write an array of numbers.
    let all: JsValue = match report.all.is_some() {
        true => Uint8Array::from(report.all_campaigns_csv().as_bytes()).into(),
        false => JsValue::NULL,
    };
    js_sys::Reflect::set(&value, &"allCampaignsCsv".into(), &all)?;
    let merged: JsValue = match &merged {
        Some(bytes) => Uint8Array::from(&bytes[..]).into(),
        None => JsValue::NULL,
    };
    js_sys::Reflect::set(&value, &"mergedPartial".into(), &merged)?;
    Ok(value)
}

/// Merges range results (in file order) and ranks them as `options` ask
/// (`{top, rank, min, all}`, see [`check_report`]; a number: the top k of
/// the standard tables). Returns `{ rankings, hasRevenue, allCampaignsCsv,
/// columns, metrics, rejectedCsv, summary }`, plus `ctr`, `ctrCsv`, `cpa`,
/// `cpaCsv` for the standard tables: each ranking with its columns, rows
/// and file, so JS draws tables from data.
#[wasm_bindgen(js_name = finishPartials)]
pub fn finish_partials(plan: JsValue, partials: Array, options: JsValue) -> Result<JsValue, JsValue> {
    let ((options, kpi), asks) = report_asks(&options)?;
    let plan = plan_from_js(plan)?;
    #[allow(unused_mut)] // the default module takes no series out
    let mut merged = merge_partials(&plan, &partials)?;
    #[cfg(daily_series)]
    let daily = super::daily::DailyOut::take(&plan, &mut merged, asks);
    #[cfg(not(daily_series))]
    if asks.threshold.is_some() || asks.hints.is_some() {
        return Err(JsError::new("anomalies and hints: this WebAssembly module has no daily series (pkg/); the daily one is pkg-daily/").into());
    }
    // With all campaigns asked for, the merged campaigns also go back as
    // bytes: the page opens its all-campaigns table from them (CampaignListJs).
    let merged_bytes = options.all.then(|| merged.to_bytes());
    let report = Report::with_options(&plan, merged, &options);
    if let Some(err) = &report.stop_error {
        return Err(stop_error(err));
    }
    let value = report_result(&report, kpi, merged_bytes)?;
    #[cfg(daily_series)]
    if let Some(daily) = daily {
        daily.set_on(&value, report.has_revenue)?;
    }
    Ok(value)
}

/// One input of [`finish_files`].
#[derive(Deserialize)]
struct FileJs {
    /// The file's name, as the user knows it.
    label: String,
    /// Its platform ([`Platform::name`], or another name `from_name` takes).
    platform: String,
}

/// One file's line in a several-files result.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FileSummaryJs {
    label: String,
    platform: &'static str,
    /// The label as a spreadsheet-safe CSV cell (`rejected_rows.csv`'s `file`).
    csv_cell: String,
    summary: SummaryJs,
    rejected_csv: String,
}

/// One platform's totals: `platform`, `files`, `rows`, `campaigns`, then
/// a cell per sum and KPI (by key, as text: [`crate::report::platforms::platform_cells`]).
struct PlatformJs<'a>(&'a crate::PlatformTotals);

impl Serialize for PlatformJs<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let p = self.0;
        let cells = crate::report::platforms::platform_cells(p);
        let mut map = s.serialize_map(Some(1 + cells.len()))?;
        map.serialize_entry("platform", p.platform.name())?;
        map.serialize_entry("files", &p.files)?;
        map.serialize_entry("rows", &p.rows_aggregated)?;
        map.serialize_entry("campaigns", &p.campaigns)?;
        // The sums and KPIs as text (the counts above stay numbers).
        for (_, key, text) in cells.into_iter().skip(3) {
            map.serialize_entry(key, &text)?;
        }
        map.end()
    }
}

/// Several files as one result (issue 15). `files`: per file, in order,
/// `{ label, platform, plan, partials }` (its range results, as for
/// [`finish_partials`]); `merge_platforms`: one campaign per id whatever
/// its platform. Returns [`finish_partials`]' result for the files
/// combined ([`crate::combine`]: with several platforms kept apart, every
/// row has its `platform` and the CSVs carry it first), its `summary` the
/// rows of all files, plus `files` (per file: label, platform, its own
/// summary and rejected rows, its CSV cell), `platforms` (totals per
/// platform), `platformTotalsCsv`, `hasPlatforms` and `listPlan` (the plan
/// to open the all-campaigns table with). An error names its file and
/// has `fileIndex`.
#[wasm_bindgen(js_name = finishFiles)]
pub fn finish_files(files: Array, options: JsValue, merge_platforms: bool) -> Result<JsValue, JsValue> {
    let (options, kpi) = report_options(&options)?;
    let mut results = Vec::new();
    let mut plans = Vec::new();
    let mut summaries = Vec::new();
    for (i, item) in files.iter().enumerate() {
        let with_file = |e: JsValue| {
            if let Some(err) = e.dyn_ref::<js_sys::Error>() {
                let _ = js_sys::Reflect::set(err, &"fileIndex".into(), &(i as u32).into());
            }
            e
        };
        let get = |key: &str| js_sys::Reflect::get(&item, &key.into());
        let file: FileJs = serde_wasm_bindgen::from_value(item.clone()).map_err(|e| JsError::new(&format!("files[{i}]: {e}")))?;
        let plan = plan_from_js(get("plan")?)?;
        let partials: Array = get("partials")?.dyn_into().map_err(|_| JsError::new("partials must be an array"))?;
        let mut merged = merge_partials(&plan, &partials).map_err(with_file)?;
        let platform = crate::Platform::from_name(&file.platform)
            .ok_or_else(|| JsError::new(&format!("{}: unknown platform {:?}", file.label, file.platform)))?;
        let result = crate::FileResult::take(file.label.clone(), platform, &plan, &mut merged);
        let mut own = Report::with_options(&plan, merged, &crate::ReportOptions { rankings: Vec::new(), all: false });
        if let Some(err) = &own.stop_error {
            return Err(with_file(stop_error(err)));
        }
        own.summary.campaigns = result.campaigns();
        summaries.push(FileSummaryJs {
            csv_cell: crate::csv_text_field(file.label.as_bytes()),
            label: file.label,
            platform: platform.name(),
            summary: summary_js(&own.summary),
            rejected_csv: own.rejected_csv(),
        });
        results.push(result);
        plans.push(plan);
    }
    if results.is_empty() {
        return Err(JsError::new("finishFiles: no file").into());
    }
    let combined = crate::combine(results, &plans, merge_platforms).map_err(|e| stop_error(&e))?;
    let platforms_csv = crate::platform_totals_csv(&combined.platforms);
    let platforms: Vec<PlatformJs> = combined.platforms.iter().map(PlatformJs).collect();
    let platforms = to_js(&platforms)?;
    let list_plan = to_js(&combined.plan)?;
    let merged_bytes = options.all.then(|| combined.partial.to_bytes());
    let report = Report::with_options(&combined.plan, combined.partial, &options);
    if let Some(err) = &report.stop_error {
        return Err(stop_error(err));
    }
    let value = report_result(&report, kpi, merged_bytes)?;
    js_sys::Reflect::set(&value, &"files".into(), &to_js(&summaries)?)?;
    js_sys::Reflect::set(&value, &"platforms".into(), &platforms)?;
    js_sys::Reflect::set(&value, &"platformTotalsCsv".into(), &platforms_csv.into())?;
    js_sys::Reflect::set(&value, &"listPlan".into(), &list_plan)?;
    Ok(value)
}
