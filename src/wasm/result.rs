//! The one mapping of a report to the JS result: rankings with their
//! column descriptors and metrics, the summary, and error kinds.

use super::*;

/// A ranked row for JS: one property per column of [`RANKING_COLUMNS`]
/// (by its `key`, as text), then `campaignName`: the last name seen for
/// the campaign ("" when the file has no name column).
struct RowJs<'a>(&'a Ranked);

impl Serialize for RowJs<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(RANKING_COLUMNS.len() + 1))?;
        for column in &RANKING_COLUMNS {
            map.serialize_entry(column.key, &cell(column, self.0))?;
        }
        let name = self.0.name.as_deref().map(|n| String::from_utf8_lossy(n).into_owned()).unwrap_or_default();
        map.serialize_entry("campaignName", &name)?;
        map.end()
    }
}

/// Every ranking of a report for JS: `<key>` (its rows) and `<key>Csv`
/// (its file) for each metric, e.g. `ctr` and `ctrCsv`.
struct RankingsJs<'a>(&'a Report);

impl Serialize for RankingsJs<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.0.rankings.len() * 2))?;
        for ranking in &self.0.rankings {
            let rows: Vec<RowJs> = ranking.rows.iter().map(RowJs).collect();
            map.serialize_entry(ranking.metric.key, &rows)?;
            map.serialize_entry(&format!("{}Csv", ranking.metric.key), &crate::ranking_csv(&ranking.rows))?;
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
    #[serde(flatten)]
    rankings: RankingsJs<'a>,
    columns: Vec<ColumnJs>,
    metrics: Vec<MetricJs>,
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

/// Merges range results (in file order) and ranks the top `top` campaigns.
/// Returns `{ ctr, ctrCsv, cpa, cpaCsv, columns, metrics, rejectedCsv,
/// summary }`: a ranking and its file per metric, the columns of a
/// ranking's rows and the metrics, so JS draws tables from data.
#[wasm_bindgen(js_name = finishPartials)]
pub fn finish_partials(plan: JsValue, partials: Array, top: u32) -> Result<JsValue, JsValue> {
    let plan = plan_from_js(plan)?;
    let mut merged: Option<Partial> = None;
    for item in partials.iter() {
        let bytes = item.dyn_into::<Uint8Array>().map_err(|_| JsError::new("partials must be Uint8Arrays"))?.to_vec();
        match &mut merged {
            None => merged = Some(Partial::from_bytes(&bytes).map_err(|e| stop_error(&e))?),
            Some(m) => m.append_bytes(&bytes).map_err(|e| stop_error(&e))?,
        }
    }
    let merged = merged.unwrap_or_else(|| Partial::new(plan.data_start));
    let report = Report::new(&plan, merged, top as usize);
    if let Some(err) = &report.stop_error {
        return Err(stop_error(err));
    }
    let s = &report.summary;
    let result = ResultJs {
        rankings: RankingsJs(&report),
        columns: RANKING_COLUMNS
            .iter()
            .map(|c| ColumnJs { key: c.key, label: c.label, header: c.header, kind: c.kind() })
            .collect(),
        metrics: METRICS
            .iter()
            .map(|m| MetricJs {
                key: m.key,
                label: m.header,
                better: match m.better {
                    Better::Higher => "higher",
                    Better::Lower => "lower",
                },
            })
            .collect(),
        rejected_csv: report.rejected_csv(),
        summary: SummaryJs {
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
            quality: QualityJs {
                checks: s.quality.counts.iter().map(|&(k, count)| CheckJs { kind: k.key(), label: k.label(), count }).collect(),
                examples: s.quality.examples.clone(),
                dates_checked: s.quality.dates_checked,
                duplicates_capped: s.quality.duplicates_capped,
            },
        },
    };
    Ok(to_js(&result)?)
}
