//! A stream JS decompresses and feeds chunk by chunk (issue 18: a gzip
//! file or a zip's deflated member, through the browser's
//! `DecompressionStream`): the whole stream is one range, read once from
//! its first byte, as the CLI reads one.

use super::*;

/// One decompressed stream's run: [`Job::resume`] with the plan its first
/// MiB gave, every rejected row handed out as it is found.
#[wasm_bindgen(js_name = StreamRun)]
pub struct StreamRun {
    job: Job,
    encoding: Encoding,
}

#[wasm_bindgen(js_class = StreamRun)]
impl StreamRun {
    /// A run for the stream whose header gave `plan` (`sniff`); feed it
    /// the stream from its first byte.
    #[wasm_bindgen(constructor)]
    pub fn new(plan: JsValue) -> Result<StreamRun, JsError> {
        let plan = plan_from_js(plan)?;
        let encoding = plan.encoding;
        let mut job = Job::resume(plan);
        job.keep_all_rejected();
        Ok(StreamRun { job, encoding })
    }

    /// Feeds the next bytes; the rows rejected in them, as records (see
    /// [`crate::rejected_records`]), or `undefined`.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<Option<Uint8Array>, JsError> {
        self.job.feed(chunk).map_err(|e| JsError::new(&e.to_string()))?;
        let rows = self.job.take_rejected();
        Ok(self.records(rows))
    }

    /// Data rows read so far.
    pub fn rows(&self) -> f64 {
        self.job.rows_read() as f64
    }

    /// Ends the stream: the range result (as `aggregateRange`'s) and
    /// `rest`, the last rejected rows' records (or undefined).
    pub fn finish(self) -> Result<JsValue, JsValue> {
        let encoding = self.encoding;
        let (_, mut partial) = self.job.finish().map_err(|e| stop_error(&e))?;
        let rest = std::mem::take(&mut partial.rejected);
        let out = range_result(&partial, &partial.to_bytes())?;
        if !rest.is_empty() {
            let records = crate::rejected_records(encoding, &rest);
            js_sys::Reflect::set(&out, &"rest".into(), &Uint8Array::from(&records[..]).into())?;
        }
        Ok(out)
    }

    fn records(&self, rows: Vec<crate::Rejected>) -> Option<Uint8Array> {
        (!rows.is_empty()).then(|| Uint8Array::from(&crate::rejected_records(self.encoding, &rows)[..]))
    }
}
