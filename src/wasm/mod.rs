//! The WebAssembly API (wasm-bindgen): a thin shell over the core for the
//! Web Worker. JS sees `sniff`, `aggregateRange` and `finishPartials`.
//!
//! Files are read here, never whole: `Blob.stream()` with a "bring your own
//! buffer" reader, 1 MiB at a time into one reused buffer ([`read_stream`]).

use js_sys::{Array, ArrayBuffer, Function, Uint8Array};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::Blob;

use crate::schema::columns::RANKING_COLUMNS;
use crate::schema::metric::{Better, METRICS};
use crate::{cell, Aggregator, Encoding, Error, Field, Job, Options, Partial, Plan, Ranked, Report, Start};

fn plan_from_js(value: JsValue) -> Result<Plan, JsError> {
    let plan: Plan = serde_wasm_bindgen::from_value(value).map_err(|e| JsError::new(&format!("bad plan: {e}")))?;
    if plan.columns.iter().chain(&plan.name_column).chain(&plan.date_column).any(|&c| c >= plan.header.len()) {
        return Err(JsError::new("bad plan: column out of range"));
    }
    Ok(plan)
}

/// Choices from the page: `{ delimiter?: ",", encoding?: "windows-1252",
/// map?: { spend: "Cost", ... } }`.
#[derive(Deserialize, Default)]
#[serde(default)]
struct OptionsJs {
    delimiter: Option<String>,
    encoding: Option<String>,
    map: std::collections::BTreeMap<String, String>,
    strict: bool,
    /// `YYYY-MM-DD`: later dates get a data-quality warning.
    today: Option<String>,
}

fn options_from_js(value: JsValue) -> Result<Options, JsError> {
    if value.is_undefined() || value.is_null() {
        return Ok(Options::default());
    }
    let o: OptionsJs = serde_wasm_bindgen::from_value(value).map_err(|e| JsError::new(&format!("bad options: {e}")))?;
    let delimiter = match o.delimiter.as_deref() {
        None | Some("") | Some("auto") => None,
        Some("\t") | Some("tab") => Some(b'\t'),
        Some(d) if d.len() == 1 && ",;|".contains(d) => Some(d.as_bytes()[0]),
        Some(d) => return Err(JsError::new(&format!("unsupported delimiter {d:?}"))),
    };
    let encoding = match o.encoding.as_deref() {
        None | Some("") | Some("auto") => None,
        Some(label) => Some(Encoding::from_label(label).ok_or_else(|| JsError::new(&format!("unknown encoding {label:?}")))?),
    };
    let mut map = Vec::new();
    for (field, column) in o.map {
        if column.is_empty() {
            continue;
        }
        let f = Field::ALL
            .into_iter()
            .find(|f| f.name() == field)
            .ok_or_else(|| JsError::new(&format!("unknown field {field:?}")))?;
        map.push((f, column));
    }
    let today = match o.today.as_deref() {
        None | Some("") => None,
        Some(t) => Some(crate::text::date::parse_date(t.as_bytes()).ok_or_else(|| JsError::new(&format!("today: not a date: {t:?}")))?),
    };
    Ok(Options { delimiter, encoding, map, strict: o.strict, today })
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    let ser = serde_wasm_bindgen::Serializer::json_compatible();
    value.serialize(&ser).map_err(|e| JsError::new(&e.to_string()))
}

fn js_err(e: JsValue) -> JsError {
    let msg = e
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown error".into());
    JsError::new(&crate::Error::Read(msg).to_string())
}

/// Reads the header from the first bytes of a file, detecting encoding,
/// delimiter and columns unless `options` forces them. Returns the plan, or
/// `null` if `prefix` ends inside the header and more bytes exist.
///
/// Throws an `Error` with a user-readable `message` and a `kind`:
/// `"empty"`, `"columns"` (then also `missing`: the fields not found, and
/// `columns`: the file's column names, for a mapping form) or `"header"`
/// (with `blankLines: true` when `prefix` is blank lines only and more bytes
/// follow: the file is empty if they are blank lines to its end).
#[wasm_bindgen]
pub fn sniff(prefix: &[u8], at_eof: bool, options: JsValue) -> Result<JsValue, JsValue> {
    let options = options_from_js(options).map_err(JsValue::from)?;
    match crate::sniff_with(prefix, at_eof, &options) {
        Ok(Some(plan)) => to_js(&plan).map_err(JsValue::from),
        Ok(None) => Ok(JsValue::NULL),
        Err(e) => {
            let err = js_sys::Error::new(&e.to_string());
            let set = |k: &str, v: JsValue| {
                let _ = js_sys::Reflect::set(&err, &k.into(), &v);
            };
            match &e {
                Error::Empty => set("kind", "empty".into()),
                Error::BlankLines { .. } => {
                    // The shell reads on: blank lines to the end make it empty.
                    set("kind", "header".into());
                    set("blankLines", true.into());
                }
                Error::MissingColumns { missing, found } => {
                    set("kind", "columns".into());
                    set("missing", missing.iter().map(|f| JsValue::from(f.name())).collect::<Array>().into());
                    set("columns", found.iter().map(|c| JsValue::from(c.as_str())).collect::<Array>().into());
                }
                _ => set("kind", "header".into()),
            }
            Err(err.into())
        }
    }
}

/// Aggregates one byte range of `blob`, streaming it from `start` until the
/// range ends: at the first line boundary after `stop` (or at the end of the
/// blob when `stop >= blob.size`).
///
/// `start` is a record start when it equals `plan.dataStart` or when
/// `exact` is true (re-running a range from the previous range's `end`);
/// otherwise it is a nominal split point and the range begins after the
/// next line break. `on_progress(bytesDone, rows)` is called every 16 MiB
/// and at the end; when it returns `false` the range stops and rejects
/// (cancelled). With `on_rejected`, rejected rows are handed over as they are
/// found, as records (see [`crate::rejected_records`]: lines relative to the
/// range, line 1 = the range's first line), every one of them, and are not
/// in the partial. With `locate`, every line goes through csv-core and the
/// range stops at the first problem ([`crate::Pass::Locate`]): the run that
/// names the line of a problem `finishPartials` reported without one
/// (`kind: 'locate'`). Resolves to `{ partial: Uint8Array, start, end, rows,
/// newlines, strictStopped, stopped }` (`newlines`: line breaks in the range;
/// `stopped`: nothing after this range counts, strict mode or an error).
#[wasm_bindgen(js_name = aggregateRange)]
pub async fn aggregate_range(
    blob: Blob,
    plan: JsValue,
    start: f64,
    stop: f64,
    on_progress: Option<Function>,
    exact: Option<bool>,
    on_rejected: Option<Function>,
    locate: Option<bool>,
) -> Result<JsValue, JsError> {
    let plan = plan_from_js(plan)?;
    let size = blob.size() as u64;
    let from = start as u64;
    let rejected = RejectedSink { to: on_rejected, encoding: plan.encoding };
    if plan.sequential() {
        return aggregate_sequential(&blob, &plan, from, size, on_progress, rejected).await;
    }
    let exact = exact.unwrap_or(false) || from == plan.data_start;
    let stop_after = if stop as u64 >= size { u64::MAX } else { stop as u64 };
    let begin = if exact { Start::Exact(from) } else { Start::AfterNewline(from) };
    let mut agg = Aggregator::for_range(&plan, begin, stop_after);
    if locate == Some(true) {
        agg.locating();
    }
    if rejected.to.is_some() {
        agg.keep_all_rejected();
    }
    let mut progress = Progress::new(on_progress);
    let sink = |bytes: &[u8], slice_end: bool| {
        agg.feed(bytes);
        rejected.send(agg.take_rejected());
        let more = !agg.is_done();
        // Once per slice, and once more at the end of the range: the last
        // report counts every row read.
        progress.read(bytes.len(), slice_end || !more, agg.rows_read()) && more
    };
    read_stream(&blob, from, sink).await?;
    progress.check()?;
    let mut finished = agg.finish_for_transfer().map_err(|e| JsError::new(&e.to_string()))?;
    rejected.send_rest(&mut finished.partial);
    range_result(&finished.partial, &finished.to_bytes())
}

/// Where rejected rows go as they are found, if anywhere.
struct RejectedSink {
    to: Option<Function>,
    encoding: Encoding,
}

impl RejectedSink {
    fn send(&self, rows: Vec<crate::Rejected>) {
        if let (Some(cb), false) = (&self.to, rows.is_empty()) {
            let records = crate::rejected_records(self.encoding, &rows);
            let _ = cb.call1(&JsValue::NULL, &Uint8Array::from(&records[..]).into());
        }
    }

    /// The rows found at the very end: sent too, and then not in `partial`.
    fn send_rest(&self, partial: &mut Partial) {
        if self.to.is_some() {
            self.send(std::mem::take(&mut partial.rejected));
        }
    }
}

/// A range's progress reports, `on_progress(bytesDone, rows)`, and the
/// caller's way to cancel it: a report that returns `false` (the worker is
/// kept for the next run).
struct Progress {
    to: Option<Function>,
    done: u64,
    cancelled: bool,
}

impl Progress {
    fn new(to: Option<Function>) -> Progress {
        Progress { to, done: 0, cancelled: false }
    }

    /// Counts `bytes` more bytes read and, if `report`, reports; false once
    /// the range is cancelled (the read loop stops then).
    fn read(&mut self, bytes: usize, report: bool, rows: u64) -> bool {
        self.done += bytes as u64;
        if let (Some(cb), true) = (&self.to, report) {
            let answer = cb.call2(&JsValue::NULL, &(self.done as f64).into(), &(rows as f64).into());
            self.cancelled = matches!(answer, Ok(v) if v.as_bool() == Some(false));
        }
        !self.cancelled
    }

    /// What the range rejects with if it was cancelled.
    fn check(&self) -> Result<(), JsError> {
        if self.cancelled {
            return Err(JsError::new("The range was cancelled."));
        }
        Ok(())
    }
}

/// Bytes read, copied into wasm memory and parsed at a time: small enough
/// that they are still in the core's cache when the parser reads them, and
/// the only buffers (one in JS, one in wasm memory).
const PIECE: usize = 1 << 20;

#[wasm_bindgen]
extern "C" {
    /// A `ReadableStreamBYOBReader` (only the calls made here).
    type ByobReader;
    #[wasm_bindgen(method, js_name = read)]
    fn read_with(this: &ByobReader, view: &Uint8Array, options: &JsValue) -> js_sys::Promise;
    #[wasm_bindgen(method)]
    fn cancel(this: &ByobReader) -> js_sys::Promise;
}

/// Bytes read between two `slice_end` calls of [`read_stream`]'s sink.
const REPORT_EVERY: u64 = 16 << 20;

/// Reads `blob[from..]` with a "bring your own buffer" stream reader into
/// two reused buffers of [`PIECE`] bytes, so that reading makes no garbage
/// (slices of `Blob.arrayBuffer()` are new buffers each, which the
/// collector frees late: the tab's memory grew with the file). One read is
/// always in flight while the previous piece is parsed. Hands the bytes to
/// `sink` (which returns false to stop), with `true` every
/// [`REPORT_EVERY`] bytes and at the end.
async fn read_stream(blob: &Blob, from: u64, mut sink: impl FnMut(&[u8], bool) -> bool) -> Result<(), JsError> {
    let size = blob.size() as u64;
    if from >= size {
        return Ok(());
    }
    let rest = blob.slice_with_f64(from as f64).map_err(js_err)?;
    let get = |o: &JsValue, k: &str| js_sys::Reflect::get(o, &k.into()).map_err(js_err);
    let stream: Function = get(&rest, "stream")?.unchecked_into();
    let stream = stream.call0(&rest).map_err(js_err)?;
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"mode".into(), &"byob".into()).map_err(js_err)?;
    let get_reader: Function = get(&stream, "getReader")?.unchecked_into();
    // A browser whose Blob streams are not byte streams has no BYOB reader:
    // its default reader's chunks are read then (new buffers, as they come).
    let (reader, byob) = match get_reader.call1(&stream, &options) {
        Ok(reader) => (reader, true),
        Err(_) => (get_reader.call0(&stream).map_err(js_err)?, false),
    };
    let reader: ByobReader = reader.unchecked_into();
    let read: Function = get(&reader, "read")?.unchecked_into();
    // Fill whole pieces where the stream allows (`min`), fewer calls.
    let read_options = js_sys::Object::new();
    js_sys::Reflect::set(&read_options, &"min".into(), &(PIECE as f64).into()).map_err(js_err)?;
    let issue = |buffer: Option<ArrayBuffer>| -> Result<JsFuture, JsError> {
        let promise = match buffer {
            Some(buffer) => reader.read_with(&Uint8Array::new(&buffer), &read_options),
            None => read.call0(&reader).map_err(js_err)?.unchecked_into(),
        };
        Ok(JsFuture::from(promise))
    };
    let fresh = || byob.then(|| ArrayBuffer::new(PIECE as u32));
    let mut spare = fresh();
    let mut pending = Some(issue(fresh())?);
    let mut buf = vec![0u8; PIECE];
    let (mut done, mut reported) = (0u64, 0u64);
    while let Some(read) = pending.take() {
        let result = read.await.map_err(js_err)?;
        let value = get(&result, "value")?;
        // At the end a read may bring the last bytes (fewer than `min`)
        // together with `done`.
        let last = get(&result, "done")?.as_bool() == Some(true) || value.is_undefined();
        // The next read runs while this piece is parsed (into the spare
        // buffer; this piece's buffer is the spare one after it).
        if !last && from + done + u64::from(value_len(&value)) < size {
            pending = Some(issue(spare.take())?);
        }
        if value.is_undefined() {
            break;
        }
        let value: Uint8Array = value.unchecked_into();
        let len = value.length() as usize;
        // A default reader's chunk may be larger than the buffer.
        let mut at = 0;
        while at < len {
            let n = PIECE.min(len - at);
            value.subarray(at as u32, (at + n) as u32).copy_to(&mut buf[..n]);
            at += n;
            done += n as u64;
            let end = from + done >= size;
            let report = end || done - reported >= REPORT_EVERY;
            if report {
                reported = done;
            }
            if !sink(&buf[..n], report) {
                let _ = reader.cancel();
                return Ok(());
            }
        }
        if byob {
            spare = Some(value.buffer());
        }
    }
    if from + done != size {
        return Err(JsError::new(&Error::Read(format!("read {done} bytes from byte {from}, expected {}", size - from)).to_string()));
    }
    Ok(())
}

/// The length of a read's `value` (0 when there is none).
fn value_len(value: &JsValue) -> u32 {
    value.dyn_ref::<Uint8Array>().map_or(0, Uint8Array::length)
}

/// UTF-16 files are decoded as one stream: the range that starts at the
/// data does all the work and reports `[dataStart, size)`; any other range
/// is empty at the end of the file, so that the ranges still meet.
async fn aggregate_sequential(
    blob: &Blob,
    plan: &Plan,
    from: u64,
    size: u64,
    on_progress: Option<Function>,
    rejected: RejectedSink,
) -> Result<JsValue, JsError> {
    if from != plan.data_start {
        let empty = Partial::new(size);
        return range_result(&empty, &empty.to_bytes());
    }
    let mut job = Job::resume(plan.clone());
    if rejected.to.is_some() {
        job.keep_all_rejected();
    }
    let mut progress = Progress::new(on_progress);
    read_stream(blob, 0, |bytes, slice_end| {
        let _ = job.feed(bytes);
        rejected.send(job.take_rejected());
        progress.read(bytes.len(), slice_end, job.rows_read())
    })
    .await?;
    progress.check()?;
    let (_, mut partial) = job.finish().map_err(|e| JsError::new(&e.to_string()))?;
    partial.end = size;
    rejected.send_rest(&mut partial);
    range_result(&partial, &partial.to_bytes())
}

/// A range's result for JS: `bytes` is `partial` serialized.
fn range_result(partial: &Partial, bytes: &[u8]) -> Result<JsValue, JsError> {
    let out = js_sys::Object::new();
    let set = |k: &str, v: JsValue| js_sys::Reflect::set(&out, &k.into(), &v).map(|_| ()).map_err(js_err);
    set("start", (partial.start as f64).into())?;
    set("end", (partial.end as f64).into())?;
    set("rows", (partial.rows_read as f64).into())?;
    set("newlines", (partial.newlines as f64).into())?;
    set("strictStopped", partial.strict_stopped.into())?;
    set("stopped", partial.stopped().into())?;
    set("partial", Uint8Array::from(bytes).into())?;
    Ok(out.into())
}

/// A range to read, for JS: from `start` (exactly a record start when
/// `exact`, else after the next line break) to the first line boundary
/// after `stop` (a `stop` at or past the file's size: to its end).
#[derive(Serialize)]
struct RangeJs {
    start: f64,
    stop: f64,
    exact: bool,
}

/// Splits the data of a file of `size` bytes into `n` ranges: returns
/// `{ points, ranges }`, the nominal split points (pass them back to
/// [`align_ranges`]) and the first pass's ranges.
#[wasm_bindgen(js_name = splitRanges)]
pub fn split_ranges(plan: JsValue, size: f64, n: u32) -> Result<JsValue, JsValue> {
    let plan = plan_from_js(plan)?;
    let points = crate::split_points(&plan, size as u64, n as usize);
    let ranges: Vec<RangeJs> = crate::first_pass(&points)
        .into_iter()
        .map(|(start, stop)| {
            let (at, exact) = match start {
                Start::Exact(at) => (at, true),
                Start::AfterNewline(at) => (at, false),
            };
            RangeJs { start: at as f64, stop: stop.min(size as u64) as f64, exact }
        })
        .collect();
    let points: Vec<f64> = points.iter().map(|&p| p as f64).collect();
    #[derive(Serialize)]
    struct SplitJs {
        points: Vec<f64>,
        ranges: Vec<RangeJs>,
    }
    Ok(to_js(&SplitJs { points, ranges })?)
}

#[derive(Deserialize)]
struct SpanJs {
    start: f64,
    end: f64,
    stopped: bool,
}

/// The next step in lining up range results (`spans`: `{start, end,
/// stopped}` of each, in file order) over the split `points`: `{ merge: n }`
/// (merge the first `n` results, only them) or `{ rerun: index, start,
/// stop, exact: true }` (run range `index` again from exactly `start`).
/// The decision is the CLI's ([`crate::align`]); JS only dispatches it.
#[wasm_bindgen(js_name = alignRanges)]
pub fn align_ranges(points: Vec<f64>, spans: JsValue) -> Result<JsValue, JsValue> {
    let spans: Vec<SpanJs> = serde_wasm_bindgen::from_value(spans).map_err(|e| JsError::new(&format!("bad spans: {e}")))?;
    let points: Vec<u64> = points.iter().map(|&p| p as u64).collect();
    if points.len() < 2 {
        return Err(JsError::new("alignRanges needs at least two split points").into());
    }
    let spans: Vec<crate::Span> =
        spans.iter().map(|s| crate::Span { start: s.start as u64, end: s.end as u64, stopped: s.stopped }).collect();
    let out = js_sys::Object::new();
    let set = |k: &str, v: JsValue| js_sys::Reflect::set(&out, &k.into(), &v).map(|_| ());
    let size = *points.last().expect("two points") as f64;
    match crate::align(&points, &spans) {
        crate::Align::Merge(n) => set("merge", (n as f64).into())?,
        crate::Align::Rerun { index, start, stop_after } => {
            set("rerun", (index as f64).into())?;
            set("start", (start as f64).into())?;
            set("stop", (stop_after as f64).min(size).into())?;
            set("exact", true.into())?;
        }
    }
    Ok(out.into())
}

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
fn stop_error(err: &Error) -> JsValue {
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
