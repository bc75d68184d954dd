//! A whole-file run on one stream: header, then data, in any chunking.
//! This is the sans-IO entry point for a single thread; parallel runs use
//! [`crate::sniff`] once and one [`crate::Aggregator`] per byte range.

use crate::aggregator::Aggregator;
use crate::error::Error;
use crate::partial::Partial;
use crate::plan::{sniff, Plan, HEADER_LIMIT};
use crate::report::Report;

/// Reads the header, then aggregates every data row.
#[derive(Default)]
pub struct Job {
    prefix: Vec<u8>,
    running: Option<(Plan, Aggregator)>,
}

impl Job {
    /// A job waiting for the first bytes of a file.
    pub fn new() -> Job {
        Job::default()
    }

    /// The plan, once the header has been read.
    pub fn plan(&self) -> Option<&Plan> {
        self.running.as_ref().map(|(p, _)| p)
    }

    /// Data rows seen so far.
    pub fn rows_read(&self) -> u64 {
        self.running.as_ref().map_or(0, |(_, a)| a.rows_read())
    }

    /// Pushes the next bytes of the file. Fails only on a bad header.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), Error> {
        if let Some((_, agg)) = &mut self.running {
            agg.feed(chunk);
            return Ok(());
        }
        self.prefix.extend_from_slice(chunk);
        // Re-read the header only when it may have become complete.
        if memchr::memchr(b'\n', chunk).is_some() || self.prefix.len() >= HEADER_LIMIT {
            self.try_start(false)?;
        }
        Ok(())
    }

    fn try_start(&mut self, at_eof: bool) -> Result<(), Error> {
        if let Some(plan) = sniff(&self.prefix, at_eof)? {
            let mut agg = Aggregator::new(&plan);
            agg.feed(&self.prefix[plan.data_start as usize..]);
            self.prefix = Vec::new();
            self.running = Some((plan, agg));
        }
        Ok(())
    }

    /// Ends the input and returns the plan and the whole file's result.
    pub fn finish(mut self) -> Result<(Plan, Partial), Error> {
        if self.running.is_none() {
            self.try_start(true)?;
        }
        let (plan, agg) = self.running.ok_or(Error::Empty)?;
        Ok((plan, agg.finish()?))
    }
}

/// Aggregates a whole file held in memory and ranks the top `k`.
pub fn aggregate_bytes(bytes: &[u8], k: usize) -> Result<Report, Error> {
    let mut job = Job::new();
    job.feed(bytes)?;
    let (plan, partial) = job.finish()?;
    Ok(Report::new(&plan, partial, k))
}
