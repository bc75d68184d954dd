//! `normalized.csv` for the page: one pass over the file in one worker,
//! the normalized lines handed to JS in chunks as they are made (the worker
//! keeps them as Blob parts), so memory stays flat whatever the file size.

use super::*;

/// Bytes of normalized lines gathered before they go to `on_chunk`.
const CHUNK: usize = 4 << 20;

/// Normalizes the whole of `blob` (`options` as for `sniff`; `platform`
/// overrides the one detected from the header, or else from `file_name`):
/// calls `on_chunk(bytes)`
/// with the lines of `normalized.csv` in order (the header first), and
/// `on_progress(bytesDone, rows)` as `aggregateRange` does (returning
/// false stops the run). Resolves with `{ rows, skipped, platform }`; a bad
/// header throws as `sniff` does, a file that changed while read with kind
/// `'read'`.
/// Hands `bytes` to `on_chunk` (and clears it) once it holds [`CHUNK`]
/// bytes, or whatever it holds when `all`.
fn send(on_chunk: &Function, bytes: &mut Vec<u8>, all: bool) -> Result<(), JsValue> {
    if bytes.is_empty() || (!all && bytes.len() < CHUNK) {
        return Ok(());
    }
    let chunk = Uint8Array::from(&bytes[..]);
    bytes.clear();
    on_chunk.call1(&JsValue::NULL, &chunk).map(|_| ())
}

#[wasm_bindgen(js_name = normalizeFile)]
pub async fn normalize_file(
    blob: Blob,
    options: JsValue,
    platform: Option<String>,
    on_progress: Option<Function>,
    on_chunk: Function,
    file_name: Option<String>,
) -> Result<JsValue, JsValue> {
    let options = options_from_js(options).map_err(JsValue::from)?;
    let mut job = Job::normalizing(options, platform.filter(|p| !p.is_empty()));
    if let Some(name) = &file_name {
        job.file_name(name);
    }
    let mut progress = Progress::new(on_progress);
    let mut failed: Option<JsValue> = None;
    let mut header_error: Option<crate::Error> = None;
    read_stream(&blob, 0, |bytes, slice_end| {
        if let Err(e) = job.feed(bytes) {
            header_error = Some(e);
            return false;
        }
        let _ = job.take_rejected(); // counted in the result; rejected_rows.csv comes from the aggregate run
        if let Some(out) = job.normalized() {
            if let Err(e) = send(&on_chunk, out, false) {
                failed = Some(e);
                return false;
            }
        }
        progress.read(bytes.len(), slice_end, job.rows_read())
    })
    .await
    .map_err(read_error)?;
    if let Some(e) = failed {
        return Err(e);
    }
    if let Some(e) = header_error {
        return Err(stop_error(&e));
    }
    progress.check()?;
    let platform = job.platform();
    let (plan, partial, mut rest) = job.finish_normalized().map_err(|e| stop_error(&e))?;
    send(&on_chunk, &mut rest, true)?;
    let out = js_sys::Object::new();
    let set = |k: &str, v: JsValue| js_sys::Reflect::set(&out, &k.into(), &v).map(|_| ());
    set("rows", (partial.rows_aggregated as f64).into())?;
    set("skipped", (partial.rows_skipped() as f64).into())?;
    set("platform", platform.unwrap_or_else(|| plan.platform().name().to_string()).into())?;
    Ok(out.into())
}
