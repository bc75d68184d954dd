//! Byte ranges for the web shell: the split and the realignment
//! decisions, made here as in the CLI (JS only dispatches them).

use super::*;

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