//! Click logs in the browser (issue 17; the clicks module only,
//! `www/pkg-clicks/`): `clickPlan` tells a click log from the first bytes,
//! `runClicks` reads a `Blob` twice (pass 1, then pass 2, streamed like an
//! export's range) in this one worker and keeps the report, which answers
//! the files, the chart's series and the stats query.

use js_sys::{Float64Array, Function};
use serde::Deserialize;
use wasm_bindgen::prelude::*;
use web_sys::Blob;

use super::stream::{read_stream, Progress};
use crate::clicks::job::range_first_lines;
use crate::clicks::report::window_index;
use crate::clicks::rules::{rule_bit, Blocklist, RuleOptions};
use crate::clicks::settle::settle;
use crate::clicks::users::check_lg_k;
use crate::clicks::{sniff_clicks, stats_json, ClickOptions, ClickReport, RangeScan, RangeTally, StatsQuery, BROWSER_ID_LIMIT};

/// Marks the clicks module: the JS tells the modules apart by this export.
#[wasm_bindgen(js_name = clicksModule)]
pub fn clicks_module() -> bool {
    true
}

/// `{format: "NDJSON" | "CSV", encoding}` when the first bytes are a click
/// log's, else null.
#[wasm_bindgen(js_name = clickPlan)]
pub fn click_plan(prefix: &[u8], at_eof: bool) -> JsValue {
    match sniff_clicks(prefix, at_eof) {
        None => JsValue::NULL,
        Some(p) => {
            let o = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&o, &"format".into(), &p.format_name().into());
            let _ = js_sys::Reflect::set(&o, &"encoding".into(), &p.encoding.name().into());
            o.into()
        }
    }
}

/// The page's choices: `{blocklist?: "text", velocityMax?: 5, rulesOff?: ["bot_user_agent"], lgK?: 12, idLimit?}`.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct ClickOptionsJs {
    blocklist: Option<String>,
    velocity_max: Option<u32>,
    rules_off: Vec<String>,
    lg_k: Option<u8>,
    id_limit: Option<usize>,
}

fn options_from_js(value: JsValue) -> Result<ClickOptions, JsError> {
    if value.is_undefined() || value.is_null() {
        return Ok(ClickOptions { id_limit: BROWSER_ID_LIMIT, ..ClickOptions::default() });
    }
    let o: ClickOptionsJs = serde_wasm_bindgen::from_value(value).map_err(|e| JsError::new(&format!("bad click options: {e}")))?;
    let mut rules = RuleOptions::default();
    if let Some(text) = o.blocklist.as_deref().filter(|t| !t.trim().is_empty()) {
        rules.blocklist = Blocklist::parse(text).map_err(|e| JsError::new(&e))?;
    }
    if let Some(n) = o.velocity_max {
        rules.velocity_max = n;
    }
    for name in &o.rules_off {
        rules.off |= rule_bit(name).ok_or_else(|| JsError::new(&format!("unknown rule {name:?}")))?;
    }
    let lg_k = check_lg_k(o.lg_k.unwrap_or(crate::clicks::users::DEFAULT_LG_K)).map_err(|e| JsError::new(&e))?;
    Ok(ClickOptions { rules, lg_k, id_limit: o.id_limit.unwrap_or(BROWSER_ID_LIMIT) })
}

/// A click log's result, kept in the worker.
#[wasm_bindgen]
pub struct ClickRun {
    report: ClickReport,
}

/// Reads `file` in two passes and returns its result. `progress(bytesDone,
/// rows)` is called every 16 MiB of each pass (bytes count both passes:
/// twice the file in all); returning false cancels.
#[wasm_bindgen(js_name = runClicks)]
pub async fn run_clicks_blob(file: Blob, options: JsValue, progress: Option<Function>) -> Result<ClickRun, JsError> {
    let options = options_from_js(options)?;
    let size = file.size() as u64;
    let head = read_prefix(&file, 1 << 20).await?;
    let plan = sniff_clicks(&head, head.len() as u64 == size).ok_or_else(|| JsError::new(&crate::clicks::not_a_click_log()))?;
    let mut progress = Progress::new(progress);
    let from = plan.data_start;
    let mut scan = RangeScan::new(&plan, &options, 0, size - from);
    let mut rows = 0u64;
    read_stream(&file, from, |bytes, report| {
        scan.feed(bytes);
        rows += memchr::memchr_iter(b'\n', bytes).count() as u64;
        progress.read(bytes.len(), report, rows)
    })
    .await?;
    progress.check()?;
    let (scan, lines, _) = scan.finish();
    let first = range_first_lines(&plan, &[lines])[0];
    let settled = settle(vec![scan], options.id_limit, options.rules.velocity_max);
    let mut tally = RangeTally::new(&plan, &options, &settled, 0, first);
    read_stream(&file, from, |bytes, report| {
        tally.feed(bytes);
        progress.read(bytes.len(), report, rows)
    })
    .await?;
    progress.check()?;
    let tally = tally.finish();
    Ok(ClickRun { report: ClickReport::new(&plan, &options, tally, &settled) })
}

/// The first `n` bytes of `blob`.
async fn read_prefix(blob: &Blob, n: u64) -> Result<Vec<u8>, JsError> {
    let end = (blob.size() as u64).min(n);
    let part = blob.slice_with_f64_and_f64(0.0, end as f64).map_err(|_| JsError::new("could not slice the file"))?;
    let buf = wasm_bindgen_futures::JsFuture::from(part.array_buffer()).await.map_err(|e| JsError::new(&format!("could not read the file: {e:?}")))?;
    Ok(js_sys::Uint8Array::new(&buf).to_vec())
}

fn window(name: &str) -> Result<usize, JsError> {
    window_index(name).ok_or_else(|| JsError::new(&format!("window {name:?}: use 1m, 5m or 1h")))
}

#[wasm_bindgen]
impl ClickRun {
    /// The summary, as JSON text (`click_summary.json`).
    pub fn summary(&self) -> String {
        serde_json::to_string_pretty(&self.report.summary_json()).expect("json") + "\n"
    }

    /// The summary as lines of text.
    #[wasm_bindgen(js_name = summaryLines)]
    pub fn summary_lines(&self) -> Vec<String> {
        self.report.summary_lines()
    }

    // The files as UTF-8 bytes (a Uint8Array: one copy out of wasm memory,
    // half a JS string's size), for a Blob.

    /// `clicks_1m.csv`, `clicks_5m.csv` or `clicks_1h.csv`.
    #[wasm_bindgen(js_name = windowCsv)]
    pub fn window_csv(&self, name: &str) -> Result<Vec<u8>, JsError> {
        Ok(self.report.window_csv(window(name)?).into_bytes())
    }

    /// `top10_ads.csv`.
    #[wasm_bindgen(js_name = topAdsCsv)]
    pub fn top_ads_csv(&self) -> Vec<u8> {
        self.report.top_ads_csv(10).into_bytes()
    }

    /// `flagged_clicks.csv`.
    #[wasm_bindgen(js_name = flaggedCsv)]
    pub fn flagged_csv(&self) -> Vec<u8> {
        self.report.flagged_csv().into_bytes()
    }

    /// `rejected_rows.csv`.
    #[wasm_bindgen(js_name = rejectedCsv)]
    pub fn rejected_csv(&self) -> Vec<u8> {
        self.report.rejected_csv().into_bytes()
    }

    /// `user_sketches_1h.csv`.
    #[wasm_bindgen(js_name = sketchesCsv)]
    pub fn sketches_csv(&self) -> Vec<u8> {
        self.report.sketches_csv().into_bytes()
    }

    /// The stats query's answer (compact JSON): `query` is
    /// `ad_id=…&window=…&start=…&end=…`.
    pub fn stats(&self, query: &str) -> Result<String, JsError> {
        let q = StatsQuery::parse(query).map_err(|e| JsError::new(&e))?;
        Ok(stats_json(&self.report, &q))
    }

    /// One ad's windows for a chart: `[starts (unix s), billable clicks,
    /// duplicates, flagged]`, windows with clicks only.
    pub fn series(&self, ad_id: &str, name: &str) -> Result<Vec<Float64Array>, JsError> {
        let cells = self.report.ad_windows(ad_id.as_bytes(), window(name)?);
        let col = |f: &dyn Fn(&crate::clicks::tally::Cell, i64) -> f64| {
            Float64Array::from(cells.iter().map(|(_, s, c)| f(c, *s)).collect::<Vec<f64>>().as_slice())
        };
        Ok(vec![
            col(&|_, s| s as f64),
            col(&|c, _| c.clicks as f64),
            col(&|c, _| c.duplicates as f64),
            col(&|c, _| c.flagged as f64),
        ])
    }

    /// Ad ids by billable clicks, most first (ties by id), at most `n`.
    #[wasm_bindgen(js_name = adsByClicks)]
    pub fn ads_by_clicks(&self, n: usize) -> Vec<String> {
        let r = &self.report;
        let mut ads: Vec<usize> = (0..r.ads.len()).collect();
        ads.sort_unstable_by(|&a, &b| r.totals[b].clicks.cmp(&r.totals[a].clicks).then(r.ads[a].cmp(&r.ads[b])));
        ads.into_iter().take(n).map(|a| String::from_utf8_lossy(&r.ads[a]).into_owned()).collect()
    }

    /// The first and last click, unix seconds (0, 0 without clicks).
    pub fn span(&self) -> Vec<f64> {
        let c = &self.report.counts;
        vec![c.first_ms.map_or(0.0, |m| m.div_euclid(1000) as f64), c.last_ms.map_or(0.0, |m| m.div_euclid(1000) as f64)]
    }
}
