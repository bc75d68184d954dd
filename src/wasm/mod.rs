//! The WebAssembly API (wasm-bindgen): a thin shell over the core for the
//! Web Worker. JS sees `sniff`, `aggregateRange` and `finishPartials`.
//!
//! Files are read here, never whole: `Blob.stream()` with a "bring your own
//! buffer" reader, 1 MiB at a time into one reused buffer ([`read_stream`]),
//! or `Blob.arrayBuffer()` slices in browsers without one (WebKit).

#[cfg(feature = "clicks")]
mod clicks;
#[cfg(feature = "unpack")]
mod sheets;
#[cfg(feature = "unpack")]
mod zip;
#[cfg(daily_series)]
mod daily;
mod feed;
mod list;
mod normalize;
mod ranges;
mod result;
mod stream;

pub use ranges::{align_ranges, split_ranges};
pub use result::{finish_files, finish_partials};
use result::stop_error;
use stream::*;

use js_sys::{Array, ArrayBuffer, Function, Uint8Array};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::Blob;

use crate::schema::columns::RANKING_COLUMNS;
use crate::schema::metric::{Better, METRICS};
use crate::{Aggregator, Encoding, Error, Field, Job, Options, Partial, Plan, Ranked, Report, Start};

/// The browser's Shift_JIS decoder (WHATWG's `TextDecoder`; every engine
/// has `shift_jis`), for the core's Shift_JIS pair table
/// ([`crate::text::transcode::install_shift_jis_decoder`]): the module
/// carries no table of its own.
#[wasm_bindgen]
extern "C" {
    type TextDecoder;
    #[wasm_bindgen(constructor, catch)]
    fn new(label: &str) -> Result<TextDecoder, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn decode(this: &TextDecoder, bytes: &[u8]) -> Result<String, JsValue>;
}

fn decode_shift_jis(bytes: &[u8]) -> Option<String> {
    TextDecoder::new("shift_jis").ok()?.decode(bytes).ok()
}

/// At instantiation: hands the core the browser's Shift_JIS decoder (a
/// function pointer; nothing is decoded until a file needs it).
#[wasm_bindgen(start)]
fn start() {
    crate::text::transcode::install_shift_jis_decoder(decode_shift_jis);
}

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
    /// Keep the daily series (issue 16): `{ limit, only }`.
    daily: Option<crate::read::plan::DailyPlan>,
    /// `1/2/2025`-style dates: `"auto"` (default: decided from the data),
    /// `"mdy"` or `"dmy"`.
    #[serde(rename = "dateOrder")]
    date_order: Option<String>,
    /// The second pass in the order the whole file proved: `[line, text]`
    /// of the date that proved it (`summary.dates.reread` of the first).
    #[serde(rename = "dateReread")]
    date_reread: Option<(u64, String)>,
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
            .chain(Field::OPTIONAL)
            .find(|f| f.name() == field)
            .ok_or_else(|| JsError::new(&format!("unknown field {field:?}")))?;
        map.push((f, column));
    }
    let today = match o.today.as_deref() {
        None | Some("") => None,
        Some(t) => Some(crate::text::date::parse_date(t.as_bytes()).ok_or_else(|| JsError::new(&format!("today: not a date: {t:?}")))?),
    };
    if o.daily.is_some() && !cfg!(daily_series) {
        return Err(JsError::new("daily series: this WebAssembly module has none (pkg/); the daily one is pkg-daily/ (core/module.js loads it for runs that ask)"));
    }
    let date_order = match o.date_order.as_deref() {
        None | Some("") => crate::text::date::DateOrder::Auto,
        Some(name) => crate::text::date::DateOrder::from_name(name).ok_or_else(|| JsError::new(&format!("dateOrder: {name:?} is not auto, mdy or dmy")))?,
    };
    Ok(Options { delimiter, encoding, map, strict: o.strict, today, daily: o.daily, date_order, date_reread: o.date_reread })
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    let ser = serde_wasm_bindgen::Serializer::json_compatible();
    value.serialize(&ser).map_err(|e| JsError::new(&e.to_string()))
}

/// A failed read of the file (it changed or went away while being read)
/// as a JS `Error` with `kind: 'read'`.
fn read_error(e: JsError) -> JsValue {
    let e = JsValue::from(e);
    let _ = js_sys::Reflect::set(&e, &"kind".into(), &"read".into());
    e
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
/// `"empty"`, `"columns"` (then also `missing`: the fields not found,
/// `columns`: the file's column names, and `fields`: every field a column
/// can be chosen for, for a mapping form) or `"header"`
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
                    set("fields", Field::ALL.iter().map(|f| JsValue::from(f.name())).collect::<Array>().into());
                }
                _ => set("kind", "header".into()),
            }
            Err(err.into())
        }
    }
}

/// The platform of a file read with `plan` and named `file_name`
/// ([`crate::Platform::detect_file`]: its header, else its name), as its
/// [`crate::Platform::name`]: `google_ads`, `meta`, `linkedin`, `tiktok`,
/// `microsoft_ads` or `generic`.
#[wasm_bindgen(js_name = detectPlatform)]
pub fn detect_platform(plan: JsValue, file_name: &str) -> Result<String, JsValue> {
    let plan = plan_from_js(plan)?;
    Ok(crate::Platform::detect_file(&plan.header, file_name).name().to_string())
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
) -> Result<JsValue, JsValue> {
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
    read_stream(&blob, from, sink).await.map_err(read_error)?;
    progress.check()?;
    let mut partial = agg.finish().map_err(|e| stop_error(&e))?;
    rejected.send_rest(&mut partial);
    Ok(range_result(&partial, &partial.to_bytes())?)
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
) -> Result<JsValue, JsValue> {
    if from != plan.data_start {
        let empty = Partial::new(size);
        return Ok(range_result(&empty, &empty.to_bytes())?);
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
    .await
    .map_err(read_error)?;
    progress.check()?;
    let (_, mut partial) = job.finish().map_err(|e| stop_error(&e))?;
    partial.end = size;
    rejected.send_rest(&mut partial);
    Ok(range_result(&partial, &partial.to_bytes())?)
}

/// A range's result for JS: `bytes` is `partial` serialized.
pub(super) fn range_result(partial: &Partial, bytes: &[u8]) -> Result<JsValue, JsError> {
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
