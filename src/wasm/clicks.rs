//! Click logs in the browser (issue 17; the clicks module only,
//! `www/pkg-clicks/`): `clickPlan` tells a click log from the first bytes;
//! the steps below read a log in ranges, one per worker, each range twice
//! (pass 1, then pass 2, streamed like an export's range); the first
//! worker keeps the report, which answers the files, the chart's series
//! and the stats query.

use js_sys::{Float64Array, Function, Uint8Array};
use serde::Deserialize;
use wasm_bindgen::prelude::*;
use web_sys::Blob;

use super::stream::{read_stream, Progress};
use crate::clicks::codec::{decode_counts, decode_cross, decode_ids, decode_keys, encode_counts, encode_cross, encode_ids, encode_keys};
use crate::clicks::job::{active_rules, range_first_lines};
use crate::clicks::report::window_index;
use crate::clicks::rules::{rule_bit, Blocklist, RuleOptions};
use crate::clicks::scan::{IdRow, Scan};
use crate::clicks::settle::{cross_ranges, hot_buckets, Settled};
use crate::clicks::tally::Tally;
use crate::clicks::users::check_lg_k;
use crate::clicks::{click_split_points, sniff_clicks, stats_json, ClickOptions, ClickPlan, ClickReport, RangeScan, RangeTally, StatsQuery, BROWSER_ID_LIMIT};

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

/// A click log's result, kept in the first worker.
#[wasm_bindgen]
pub struct ClickRun {
    report: ClickReport,
}

// A click job over N workers, each with its own range of the file and its
// own instance of this module (www/core/clicks.js runs the steps):
//   every worker: `scanClicks` (pass 1 of its range), `ClickRange.takeIds`
//   first worker: `crossClicks` (the ranges' ids merged in file order)
//   every worker: `ClickRange.applyCross` (its bucket counts)
//   first worker: `hotClicks` (the buckets over the velocity limit)
//   every worker: `tallyClicks` (pass 2 of its range, its tally as bytes)
//   first worker: `finishClicks` (the tallies appended: the result)
// What they hand each other is `crate::clicks::codec`'s bytes. Native runs
// take the same steps (`crate::clicks::settle::settle`).

/// One worker's range after pass 1: what settle needs of it, and what
/// pass 2 will.
#[wasm_bindgen]
pub struct ClickRange {
    plan: ClickPlan,
    options: ClickOptions,
    index: usize,
    scan: Scan,
    lines: u64,
    open: bool,
}

/// Where the ranges of `file` start (line starts), and its end: `parts`
/// ranges at most (one when the log cannot be split).
#[wasm_bindgen(js_name = splitClicks)]
pub async fn split_clicks(file: Blob, parts: usize) -> Result<Vec<f64>, JsError> {
    let size = file.size() as u64;
    let head = read_prefix(&file, 0, 1 << 20).await?;
    let plan = plan_of(&head, head.len() as u64 == size)?;
    // The newline at or after each cut, read in 64 KiB slices.
    let mut newlines = Vec::new();
    for cut in crate::clicks::plan::click_split_cuts(&plan, size, parts) {
        let mut at = cut;
        let found = loop {
            let bytes = read_prefix(&file, at, 1 << 16).await?;
            if let Some(i) = memchr::memchr(b'\n', &bytes) {
                break Some(at + i as u64);
            }
            if bytes.is_empty() {
                break None;
            }
            at += bytes.len() as u64;
        };
        newlines.push(found);
    }
    let mut found = newlines.into_iter();
    let points = click_split_points(&plan, size, parts, |_| found.next().flatten());
    Ok(points.into_iter().map(|p| p as f64).collect())
}

/// Pass 1 over `range` (the bytes of range `index` of a log whose first
/// bytes are `head`; `at_eof` when they are the whole log).
/// `progress(bytesDone, rows)` every 16 MiB; returning false cancels.
#[wasm_bindgen(js_name = scanClicks)]
pub async fn scan_clicks(range: Blob, head: Vec<u8>, at_eof: bool, options: JsValue, index: usize, progress: Option<Function>) -> Result<ClickRange, JsError> {
    let options = options_from_js(options)?;
    let plan = plan_of(&head, at_eof)?;
    let mut progress = Progress::new(progress);
    let mut scan = RangeScan::new(&plan, &options, index, range.size() as u64);
    let mut rows = 0u64;
    read_stream(&range, 0, |bytes, report| {
        scan.feed(bytes);
        rows += memchr::memchr_iter(b'\n', bytes).count() as u64;
        progress.read(bytes.len(), report, rows)
    })
    .await?;
    progress.check()?;
    let (scan, lines, open) = scan.finish();
    Ok(ClickRange { plan, options, index, scan, lines, open })
}

#[wasm_bindgen]
impl ClickRange {
    /// Lines the range has.
    pub fn lines(&self) -> f64 {
        self.lines as f64
    }

    /// Whether the range ended inside a quoted CSV field (the split was
    /// wrong: read the log as one range).
    pub fn open(&self) -> bool {
        self.open
    }

    /// The fields (bits) some row of the range has.
    #[wasm_bindgen(js_name = keysSeen)]
    pub fn keys_seen(&self) -> u8 {
        self.scan.keys_seen
    }

    /// Whether the range alone had more ids than the limit.
    #[wasm_bindgen(js_name = overLimit)]
    pub fn over_limit(&self) -> bool {
        self.scan.ids_over_limit
    }

    /// The range's ids (for `crossClicks`), given away.
    #[wasm_bindgen(js_name = takeIds)]
    pub fn take_ids(&mut self) -> Vec<u8> {
        encode_ids(&std::mem::take(&mut self.scan.ids))
    }

    /// Marks what `crossClicks` said of this range, and returns its bucket
    /// counts (for `hotClicks`).
    #[wasm_bindgen(js_name = applyCross)]
    pub fn apply_cross(&mut self, cross: &[u8]) -> Result<Vec<u8>, JsError> {
        let cross = decode_cross(cross).map_err(|e| JsError::new(&e))?;
        if cross.duplicates.iter().chain(&cross.unchecked).any(|&s| s as u64 >= self.scan.clicks()) {
            return Err(JsError::new("a worker's click-log result is corrupt (a click past the range)"));
        }
        self.scan.apply_cross(&cross.duplicates, &cross.unchecked);
        self.scan.count_buckets();
        Ok(encode_counts(&std::mem::take(&mut self.scan.bucket_counts)))
    }
}

/// The ranges' ids (`ClickRange.takeIds` of each, in file order) merged,
/// keeping at most the options' id limit: `{crosses: [bytes per range],
/// ids, overLimit}`.
#[wasm_bindgen(js_name = crossClicks)]
pub fn cross_clicks(ids: Vec<Uint8Array>, options: JsValue) -> Result<JsValue, JsError> {
    let limit = options_from_js(options)?.id_limit;
    let lists = ids.iter().map(|b| decode_ids(&b.to_vec())).collect::<Result<Vec<_>, _>>().map_err(|e| JsError::new(&e))?;
    let slices: Vec<&[IdRow]> = lists.iter().map(|v| v.as_slice()).collect();
    let (crosses, kept, over) = cross_ranges(&slices, limit);
    let out = js_sys::Object::new();
    let arr = js_sys::Array::new();
    for c in &crosses {
        arr.push(&Uint8Array::from(encode_cross(c).as_slice()));
    }
    let _ = js_sys::Reflect::set(&out, &"crosses".into(), &arr);
    let _ = js_sys::Reflect::set(&out, &"ids".into(), &(kept as f64).into());
    let _ = js_sys::Reflect::set(&out, &"overLimit".into(), &over.into());
    Ok(out.into())
}

/// The buckets over the options' velocity limit, from every range's counts.
#[wasm_bindgen(js_name = hotClicks)]
pub fn hot_clicks(counts: Vec<Uint8Array>, options: JsValue) -> Result<Vec<u8>, JsError> {
    let velocity_max = options_from_js(options)?.rules.velocity_max;
    let lists = counts.iter().map(|b| decode_counts(&b.to_vec())).collect::<Result<Vec<_>, _>>().map_err(|e| JsError::new(&e))?;
    let slices: Vec<&[(u128, u32)]> = lists.iter().map(|v| v.as_slice()).collect();
    Ok(encode_keys(&hot_buckets(&slices, u64::from(velocity_max))))
}

/// Pass 2 over the range again (`range`, as for `scanClicks`), with the
/// `hot` buckets and the log's `keys_seen`; its first line is
/// `first_line`. Returns the range's tally (for `finishClicks`).
#[wasm_bindgen(js_name = tallyClicks)]
pub async fn tally_clicks(done: ClickRange, range: Blob, hot: Vec<u8>, keys_seen: u8, first_line: f64, progress: Option<Function>) -> Result<Vec<u8>, JsError> {
    let hot = decode_keys(&hot).map_err(|e| JsError::new(&e))?;
    let ClickRange { plan, options, index, scan, .. } = done;
    let status = scan.mark_hot(&hot);
    let mut progress = Progress::new(progress);
    let mut tally = RangeTally::with_status(&plan, &options, &status, keys_seen, index, first_line as u64);
    let mut rows = 0u64;
    read_stream(&range, 0, |bytes, report| {
        tally.feed(bytes);
        rows += memchr::memchr_iter(b'\n', bytes).count() as u64;
        progress.read(bytes.len(), report, rows)
    })
    .await?;
    progress.check()?;
    Ok(tally.finish().to_bytes())
}

/// The result: the ranges' tallies (in file order) appended. `keys_seen`,
/// `ids` and `over_limit` are the whole log's (from the ranges and
/// `crossClicks`).
#[wasm_bindgen(js_name = finishClicks)]
pub fn finish_clicks(head: Vec<u8>, at_eof: bool, options: JsValue, tallies: Vec<Uint8Array>, keys_seen: u8, ids: f64, over_limit: bool) -> Result<ClickRun, JsError> {
    let options = options_from_js(options)?;
    let plan = plan_of(&head, at_eof)?;
    let active = active_rules(&plan, keys_seen, &options);
    let mut total: Option<Tally> = None;
    for bytes in &tallies {
        let t = Tally::from_bytes(&bytes.to_vec(), &options.rules, active, options.lg_k).map_err(|e| JsError::new(&e))?;
        match &mut total {
            None => total = Some(t),
            Some(all) => all.append(t),
        }
    }
    let total = total.ok_or_else(|| JsError::new("no range was read"))?;
    let settled = Settled { status: Vec::new(), keys_seen, ids: ids as u64, ids_over_limit: over_limit };
    Ok(ClickRun { report: ClickReport::new(&plan, &options, total, &settled) })
}

/// The first lines of the ranges, from their line counts (`ClickRange.lines`).
#[wasm_bindgen(js_name = clickFirstLines)]
pub fn click_first_lines(head: Vec<u8>, at_eof: bool, lines: Vec<f64>) -> Result<Vec<f64>, JsError> {
    let plan = plan_of(&head, at_eof)?;
    let lines: Vec<u64> = lines.iter().map(|&n| n as u64).collect();
    Ok(range_first_lines(&plan, &lines).into_iter().map(|l| l as f64).collect())
}

/// The plan of a log whose first bytes are `head` (`at_eof`: the whole log).
fn plan_of(head: &[u8], at_eof: bool) -> Result<ClickPlan, JsError> {
    sniff_clicks(head, at_eof).ok_or_else(|| JsError::new(&crate::clicks::not_a_click_log()))
}

/// Up to `n` bytes of `blob` from byte `at`.
async fn read_prefix(blob: &Blob, at: u64, n: u64) -> Result<Vec<u8>, JsError> {
    let end = (blob.size() as u64).min(at.saturating_add(n));
    let part = blob.slice_with_f64_and_f64(at.min(end) as f64, end as f64).map_err(|_| JsError::new("could not slice the file"))?;
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
