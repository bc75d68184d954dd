//! A whole-file run on one stream: header, then data, in any chunking.
//! This is the sans-IO entry point for a single thread; parallel runs use
//! [`crate::sniff`] once and one [`crate::Aggregator`] per byte range.

use crate::agg::normalize::NORMALIZED_HEADER;
use crate::agg::partial::Partial;
use crate::error::Error;
use crate::read::plan::{sniff_with, Options, Plan, HEADER_LIMIT};
use crate::read::range::Aggregator;
use crate::text::transcode::Transcoder;

/// Reads the header, then aggregates every data row.
#[derive(Default)]
pub struct Job {
    options: Options,
    prefix: Vec<u8>,
    /// Prefix length at which to look for the header again (doubling, so
    /// that a long preamble costs linear time in any chunking).
    next_attempt: usize,
    /// Raw bytes fed so far.
    fed: u64,
    running: Option<Running>,
    /// See [`Job::keep_all_rejected`].
    keep_all_rejected: bool,
    /// The first [`HEADER_LIMIT`] bytes were blank lines: the error, unless
    /// the file ends with no other byte (then it is empty), and those
    /// bytes' start (for their encoding).
    blank: Option<(Error, Vec<u8>)>,
    /// [`Job::normalizing`]: the platform name given, if any.
    normalize: Option<Option<String>>,
    /// [`Job::file_name`]: the file's name, to tell its platform by.
    file_name: Option<String>,
}

struct Running {
    plan: Plan,
    agg: Aggregator,
    /// UTF-16 files: bytes are decoded to UTF-8 first.
    transcoder: Option<Transcoder>,
    /// Bytes of the (decoded) stream still to skip: the header and above.
    skip: u64,
}

impl Running {
    /// Expects the file from its first byte; `normalize`: normalizing, with
    /// this platform name if given (else the one its header, or
    /// `file_name`, tells).
    fn new(plan: Plan, normalize: Option<&Option<String>>, file_name: Option<&str>) -> Running {
        let agg = match normalize {
            None => Aggregator::new(&plan),
            Some(platform) => {
                let start = crate::read::range::Start::Exact(plan.data_start);
                let detected = file_name.map(|name| crate::schema::platform::Platform::detect_file(&plan.header, name).name());
                let mut agg = Aggregator::normalizing(&plan, start, u64::MAX, platform.as_deref().or(detected));
                let out = agg.normalized();
                out.extend_from_slice(NORMALIZED_HEADER.as_bytes());
                out.push(b'\n');
                agg
            }
        };
        let transcoder = plan.encoding.needs_transcoding().then(|| Transcoder::new(plan.encoding));
        let skip = plan.data_start;
        Running { plan, agg, transcoder, skip }
    }

    fn feed(&mut self, chunk: &[u8], last: bool) {
        let text = match &mut self.transcoder {
            None => chunk,
            Some(t) => t.decode(chunk, last),
        };
        let cut = self.skip.min(text.len() as u64) as usize;
        self.skip -= cut as u64;
        self.agg.feed(&text[cut..]);
    }
}

impl Job {
    /// A job waiting for the first bytes of a file.
    pub fn new() -> Job {
        Job::default()
    }

    /// A job with forced delimiter, encoding or column mapping.
    pub fn with_options(options: Options) -> Job {
        Job { options, ..Job::default() }
    }

    /// A job that writes the normalized table ([`crate::agg::normalize`])
    /// instead of aggregating: its header line, then one line per accepted
    /// row, taken with [`normalized`](Self::normalized) as they come and
    /// [`finish_normalized`](Self::finish_normalized) at the end. Rows are
    /// skipped and rejected as by [`Job::with_options`]. `platform`: the
    /// `platform` column's text (default: detected from the header).
    pub fn normalizing(options: Options, platform: Option<String>) -> Job {
        Job { options, normalize: Some(platform), ..Job::default() }
    }

    /// Names the file, so that a [`normalizing`](Self::normalizing) job
    /// given no platform takes the one its header or else its name tells
    /// ([`crate::Platform::detect_file`]), as the shells do for several
    /// files.
    pub fn file_name(&mut self, name: &str) {
        self.file_name = Some(name.to_string());
    }

    /// The platform a [`normalizing`](Self::normalizing) job writes: the
    /// one given, else the one its header or name tells; `None` before the
    /// header is read.
    pub fn platform(&self) -> Option<String> {
        let plan = self.plan()?;
        Some(match self.normalize.as_ref()?.clone() {
            Some(p) => p,
            None => crate::schema::platform::Platform::detect_file(&plan.header, self.file_name.as_deref().unwrap_or("")).name().to_string(),
        })
    }

    /// The normalized lines written so far and not yet taken (clear the
    /// buffer after writing it out); `None` before the header is read and
    /// for a job that is not [`normalizing`](Self::normalizing).
    pub fn normalized(&mut self) -> Option<&mut Vec<u8>> {
        self.normalize.as_ref()?;
        self.running.as_mut().map(|r| r.agg.normalized())
    }

    /// [`finish`](Self::finish) for a [`normalizing`](Self::normalizing)
    /// job: the plan, the result (`rows_aggregated`: the rows written) and
    /// the lines not yet taken.
    pub fn finish_normalized(self) -> Result<(Plan, Partial, Vec<u8>), Error> {
        let (plan, partial, out) = self.finish_any()?;
        Ok((plan, partial, out.unwrap_or_default()))
    }

    /// The plan, once the header has been read.
    pub fn plan(&self) -> Option<&Plan> {
        self.running.as_ref().map(|r| &r.plan)
    }

    /// Keeps every rejected row, for a shell that takes them as they come
    /// with [`take_rejected`](Self::take_rejected) ([`Aggregator::keep_all_rejected`]).
    pub fn keep_all_rejected(&mut self) {
        self.keep_all_rejected = true;
        if let Some(r) = &mut self.running {
            r.agg.keep_all_rejected();
        }
    }

    /// Takes the rejected rows found so far (line 1 = the first data line).
    pub fn take_rejected(&mut self) -> Vec<crate::agg::partial::Rejected> {
        self.running.as_mut().map(|r| r.agg.take_rejected()).unwrap_or_default()
    }

    /// Data rows seen so far.
    pub fn rows_read(&self) -> u64 {
        self.running.as_ref().map_or(0, |r| r.agg.rows_read())
    }

    /// Pushes the next bytes of the file. Fails only on a bad header.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), Error> {
        self.fed += chunk.len() as u64;
        if let Some(running) = &mut self.running {
            running.feed(chunk, false);
            return Ok(());
        }
        if let Some((err, start)) = &self.blank {
            return match crate::read::plan::still_blank(start, chunk) {
                true => Ok(()),
                false => Err(err.clone()),
            };
        }
        self.prefix.extend_from_slice(chunk);
        if self.prefix.len() >= self.next_attempt.max(4096) || self.prefix.len() >= HEADER_LIMIT {
            self.next_attempt = self.prefix.len() * 2;
            match self.try_start(false) {
                Err(err @ Error::BlankLines { .. }) if crate::read::plan::only_blank_lines(&self.prefix) => {
                    let start = self.prefix[..4].to_vec();
                    self.blank = Some((err, start));
                    self.prefix = Vec::new();
                }
                other => other?,
            }
        }
        Ok(())
    }

    /// A job for a file whose header was already read: feed it the file
    /// from its first byte.
    pub fn resume(plan: Plan) -> Job {
        Job { running: Some(Running::new(plan, None, None)), ..Job::default() }
    }

    fn try_start(&mut self, at_eof: bool) -> Result<(), Error> {
        if let Some(plan) = sniff_with(&self.prefix, at_eof, &self.options)? {
            let prefix = std::mem::take(&mut self.prefix);
            let mut running = Running::new(plan, self.normalize.as_ref(), self.file_name.as_deref());
            if self.keep_all_rejected {
                running.agg.keep_all_rejected();
            }
            running.feed(&prefix, false);
            self.running = Some(running);
        }
        Ok(())
    }

    /// Ends the input and returns the plan and the whole file's result.
    /// For UTF-16 files the result's `end` is the raw file length.
    pub fn finish(self) -> Result<(Plan, Partial), Error> {
        let (plan, partial, _) = self.finish_any()?;
        Ok((plan, partial))
    }

    fn finish_any(mut self) -> Result<(Plan, Partial, Option<Vec<u8>>), Error> {
        if self.blank.is_some() {
            return Err(Error::Empty);
        }
        if self.running.is_none() {
            self.try_start(true)?;
        }
        let mut running = self.running.ok_or(Error::Empty)?;
        let transcoded = running.transcoder.is_some();
        if transcoded {
            running.feed(&[], true);
        }
        let (mut partial, out) = match self.normalize {
            None => (running.agg.finish()?, None),
            Some(_) => {
                let (partial, out) = running.agg.finish_normalized()?;
                (partial, Some(out))
            }
        };
        if transcoded {
            partial.end = self.fed;
        }
        Ok((running.plan, partial, out))
    }
}

/// The normalized table of a whole file held in memory (sans-IO: bytes in,
/// bytes out): the plan, the result (skipped rows, rejected rows as
/// [`Partial::rejected`], data-quality counts; `rows_aggregated` is the
/// rows written) and `normalized.csv` entire, header line included. A
/// shell that streams uses [`Job::normalizing`], or one
/// [`Aggregator::normalizing`] per byte range.
pub fn normalize_bytes(bytes: &[u8], options: &Options, platform: Option<&str>) -> Result<(Plan, Partial, Vec<u8>), Error> {
    let mut job = Job::normalizing(options.clone(), platform.map(str::to_string));
    let mut out = Vec::new();
    for chunk in bytes.chunks(1 << 20) {
        job.feed(chunk)?;
        if let Some(lines) = job.normalized() {
            out.append(lines);
        }
    }
    let (plan, partial, rest) = job.finish_normalized()?;
    out.extend_from_slice(&rest);
    Ok((plan, partial, out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(input: &[u8], chunk: usize) -> Result<(Plan, Partial), Error> {
        let mut job = Job::new();
        for piece in input.chunks(chunk) {
            job.feed(piece)?;
        }
        job.finish()
    }

    /// Issue 12, defect 7, in any chunking.
    #[test]
    fn blank_lines_before_the_header() {
        let mut late = vec![b'\n'; 2_000_000];
        late.extend_from_slice(b"campaign_id,impressions,clicks,spend,conversions\nA,1,1,1,1\n");
        let blank = vec![b'\n'; 2_000_000];
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(std::iter::repeat_n([b'\r', 0, b'\n', 0], 600_000).flatten());
        for chunk in [1000, 65536, 1 << 20, 3 << 20] {
            assert_eq!(run(&late, chunk).unwrap_err(), Error::BlankLines { limit: HEADER_LIMIT }, "{chunk}");
            assert_eq!(run(&blank, chunk).unwrap_err(), Error::Empty, "{chunk}");
            assert_eq!(run(&utf16, chunk).unwrap_err(), Error::Empty, "{chunk}");
        }
    }
}
