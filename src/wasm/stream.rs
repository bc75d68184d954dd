//! Reading a `Blob` a piece at a time (BYOB reader, one reused buffer; or
//! `Blob.arrayBuffer()` slices where there is no BYOB reader), with progress
//! and rejected rows sent to JS as they are found.

use super::*;

/// Where rejected rows go as they are found, if anywhere.
pub(super) struct RejectedSink {
    pub(super) to: Option<Function>,
    pub(super) encoding: Encoding,
}

impl RejectedSink {
    pub(super) fn send(&self, rows: Vec<crate::Rejected>) {
        if let (Some(cb), false) = (&self.to, rows.is_empty()) {
            let records = crate::rejected_records(self.encoding, &rows);
            let _ = cb.call1(&JsValue::NULL, &Uint8Array::from(&records[..]).into());
        }
    }

    /// The rows found at the very end: sent too, and then not in `partial`.
    pub(super) fn send_rest(&self, partial: &mut Partial) {
        if self.to.is_some() {
            self.send(std::mem::take(&mut partial.rejected));
        }
    }
}

/// A range's progress reports, `on_progress(bytesDone, rows)`, and the
/// caller's way to cancel it: a report that returns `false` (the worker is
/// kept for the next run).
pub(super) struct Progress {
    pub(super) to: Option<Function>,
    pub(super) done: u64,
    pub(super) cancelled: bool,
}

impl Progress {
    pub(super) fn new(to: Option<Function>) -> Progress {
        Progress { to, done: 0, cancelled: false }
    }

    /// Counts `bytes` more bytes read and, if `report`, reports; false once
    /// the range is cancelled (the read loop stops then).
    pub(super) fn read(&mut self, bytes: usize, report: bool, rows: u64) -> bool {
        self.done += bytes as u64;
        if let (Some(cb), true) = (&self.to, report) {
            let answer = cb.call2(&JsValue::NULL, &(self.done as f64).into(), &(rows as f64).into());
            self.cancelled = matches!(answer, Ok(v) if v.as_bool() == Some(false));
        }
        !self.cancelled
    }

    /// What the range rejects with if it was cancelled.
    pub(super) fn check(&self) -> Result<(), JsError> {
        if self.cancelled {
            return Err(JsError::new("The range was cancelled."));
        }
        Ok(())
    }
}

/// Bytes read, copied into wasm memory and parsed at a time: small enough
/// that they are still in the core's cache when the parser reads them, and
/// the only buffers (one in JS, one in wasm memory).
pub(super) const PIECE: usize = 1 << 20;

#[wasm_bindgen]
extern "C" {
    /// A `ReadableStreamBYOBReader` (only the calls made here).
    type ByobReader;
    #[wasm_bindgen(method, js_name = read)]
    pub(super) fn read_with(this: &ByobReader, view: &Uint8Array, options: &JsValue) -> js_sys::Promise;
    #[wasm_bindgen(method)]
    pub(super) fn cancel(this: &ByobReader) -> js_sys::Promise;
}

/// Bytes read between two `slice_end` calls of [`read_stream`]'s sink.
pub(super) const REPORT_EVERY: u64 = 16 << 20;

/// Reads `blob[from..]` with a "bring your own buffer" stream reader into
/// two reused buffers of [`PIECE`] bytes, so that reading makes no garbage
/// (slices of `Blob.arrayBuffer()` are new buffers each, which the
/// collector frees late: the tab's memory grew with the file). One read is
/// always in flight while the previous piece is parsed. Hands the bytes to
/// `sink` (which returns false to stop), with `true` every
/// [`REPORT_EVERY`] bytes and at the end. A browser whose `Blob` streams
/// are not byte streams (WebKit) has no BYOB reader: [`read_slices`] then.
pub(super) async fn read_stream(blob: &Blob, from: u64, mut sink: impl FnMut(&[u8], bool) -> bool) -> Result<(), JsError> {
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
    let reader: ByobReader = match get_reader.call1(&stream, &options) {
        Ok(reader) => reader.unchecked_into(),
        Err(_) => {
            // Not a byte stream: drop it before it reads anything.
            if let Ok(cancel) = get(&stream, "cancel").and_then(|f| f.dyn_into::<Function>().map_err(js_err)) {
                let _ = cancel.call0(&stream);
            }
            return read_slices(blob, from, size, sink).await;
        }
    };
    // Fill whole pieces where the stream allows (`min`), fewer calls.
    let read_options = js_sys::Object::new();
    js_sys::Reflect::set(&read_options, &"min".into(), &(PIECE as f64).into()).map_err(js_err)?;
    let issue = |buffer: ArrayBuffer| JsFuture::from(reader.read_with(&Uint8Array::new(&buffer), &read_options));
    let fresh = || ArrayBuffer::new(PIECE as u32);
    let mut spare = Some(fresh());
    let mut pending = Some(issue(fresh()));
    let mut buf = vec![0u8; PIECE];
    let (mut done, mut clock) = (0u64, ReportClock::default());
    while let Some(read) = pending.take() {
        let result = read.await.map_err(js_err)?;
        let value = get(&result, "value")?;
        // At the end a read may bring the last bytes (fewer than `min`)
        // together with `done`.
        let last = get(&result, "done")?.as_bool() == Some(true) || value.is_undefined();
        // The next read runs while this piece is parsed (into the spare
        // buffer; this piece's buffer is the spare one after it).
        if !last && from + done + u64::from(value_len(&value)) < size {
            pending = Some(issue(spare.take().unwrap_or_else(fresh)));
        }
        if value.is_undefined() {
            break;
        }
        let value: Uint8Array = value.unchecked_into();
        let n = (value.length() as usize).min(PIECE);
        value.subarray(0, n as u32).copy_to(&mut buf[..n]);
        done += n as u64;
        if !sink(&buf[..n], clock.due(done, from + done >= size)) {
            let _ = reader.cancel();
            return Ok(());
        }
        spare = Some(value.buffer());
    }
    if from + done != size {
        return Err(JsError::new(&Error::Read(format!("read {done} bytes from byte {from}, expected {}", size - from)).to_string()));
    }
    Ok(())
}

/// Bytes per `Blob.arrayBuffer()` call of [`read_slices`]: WebKitGTK 2.50
/// reads 1 GB with two workers in 1.80 s in 1 MiB slices, 1.50 s in 4 MiB
/// ones, 1.39 s in 16 MiB ones (bench/probe.mjs read floor); 4 MiB keeps
/// a worker's garbage small.
pub(super) const SLICE: u64 = 4 << 20;

/// Reads `blob[from..size]` as [`read_stream`] does, for browsers without
/// BYOB readers: in [`SLICE`]-byte `Blob.arrayBuffer()` slices, the next
/// one requested while the last is parsed, and no further. (Their default
/// stream reader's queue fills as fast as the file is read, whatever the
/// parser takes: in WebKitGTK 2.50 with 4 workers on 2 cores, 1 GB took
/// 4.5 s and 2.9 GB of memory, 3.0 s and 1.0 GB with one read ahead.)
async fn read_slices(blob: &Blob, from: u64, size: u64, mut sink: impl FnMut(&[u8], bool) -> bool) -> Result<(), JsError> {
    let request = |at: u64| -> Result<(u64, JsFuture), JsError> {
        let end = (at + SLICE).min(size);
        let slice = blob.slice_with_f64_and_f64(at as f64, end as f64).map_err(js_err)?;
        Ok((end, JsFuture::from(slice.array_buffer())))
    };
    let mut buf = vec![0u8; PIECE];
    let (mut done, mut clock) = (0u64, ReportClock::default());
    let mut pending = Some(request(from)?);
    while let Some((end, read)) = pending.take() {
        let data: ArrayBuffer = read.await.map_err(js_err)?.unchecked_into();
        let at = from + done;
        let n = data.byte_length() as usize;
        if n as u64 != end - at {
            return Err(JsError::new(&Error::Read(format!("read {n} bytes at byte {at}, expected {}", end - at)).to_string()));
        }
        if end < size {
            pending = Some(request(end)?);
        }
        let mut copied = 0;
        while copied < n {
            let len = PIECE.min(n - copied);
            Uint8Array::new_with_byte_offset_and_length(&data, copied as u32, len as u32).copy_to(&mut buf[..len]);
            copied += len;
            done += len as u64;
            if !sink(&buf[..len], clock.due(done, from + done >= size)) {
                return Ok(());
            }
        }
    }
    Ok(())
}

/// When a reader tells its sink to report: every [`REPORT_EVERY`] bytes
/// and at the end of the range.
#[derive(Default)]
struct ReportClock {
    /// Bytes read at the last report.
    reported: u64,
}

impl ReportClock {
    /// Whether to report now, `done` bytes read (`end`: the range's last).
    fn due(&mut self, done: u64, end: bool) -> bool {
        let due = end || done - self.reported >= REPORT_EVERY;
        if due {
            self.reported = done;
        }
        due
    }
}

/// The length of a read's `value` (0 when there is none).
pub(super) fn value_len(value: &JsValue) -> u32 {
    value.dyn_ref::<Uint8Array>().map_or(0, Uint8Array::length)
}