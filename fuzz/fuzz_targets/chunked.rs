//! Arbitrary bytes, cut into arbitrary chunks and split into arbitrary
//! parallel ranges: the core never panics, and every way of feeding the
//! same bytes gives the same result (a strict differential):
//!
//! - a [`Job`] fed the whole input at once and a [`Job`] fed it in chunks
//!   give the same plan and result, or the same error (when neither reads
//!   the header before the end, the chunked one is a [`Job::resume`]:
//!   see below);
//! - [`run_ranges`] over 1 range (one thread) and over N ranges (N threads)
//!   give the same result or the same error: campaigns and totals, names,
//!   rows read / aggregated / skipped per reason, skipped-row examples and
//!   rejected rows with their lines, data-quality counts, examples and
//!   remembered pairs, the stop error with its line; and the same
//!   user-visible [`Report`]: rankings, `ctr_csv`, `cpa_csv`,
//!   `rejected_csv`, summary text and stop-error message;
//! - the [`Job`] and `run_ranges` over 1 range give the same result too,
//!   but for one known, accepted case, normalized here: a [`Job`] (one pass
//!   with the fast path) can stop with [`adagg::Error::needs_line`] (an id
//!   that is not UTF-8, found in its table at the end, `line: None`, with
//!   the rows after it counted), where `run_ranges` runs the
//!   [`Pass::Locate`] pass and reports the error with its line and only
//!   the rows before it. In that case only the error is compared, its line
//!   set aside.
//!
//! The input's first two bytes are control bytes: the chunk size (1-64)
//! and the number of ranges (1-8, low 3 bits) and strict mode (bit 3).
#![no_main]

use adagg::{run_range_in_memory, run_ranges, split_points, Error, Job, Options, Partial, Pass, Plan, Report};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (chunk, ranges, strict, input) = match data {
        [a, b, rest @ ..] => (usize::from(*a % 64) + 1, usize::from(*b % 8) + 1, b & 8 != 0, rest),
        _ => return,
    };
    // "Today" is 2030-01-01, so that future dates get warnings too.
    let options = || Options { today: Some(21_915), strict, ..Options::default() };
    let feed = |job: &mut Job, chunk: usize| -> Result<(), Error> {
        for piece in input.chunks(chunk) {
            job.feed(piece)?;
        }
        Ok(())
    };
    // One stream, one feed (also the coverage of `sniff`: the header is
    // read from the whole input at the end, or from the first bytes).
    let mut whole_job = Job::with_options(options());
    let whole_fed = feed(&mut whole_job, input.len().max(1));
    let whole_early = whole_job.plan().is_some();
    let whole = whole_fed.clone().and_then(|_| whole_job.finish());
    // One stream, in chunks: the header is looked for at doubling prefixes.
    let mut chunked_job = Job::with_options(options());
    let chunked_fed = feed(&mut chunked_job, chunk);
    if whole_fed.is_err() || chunked_fed.is_err() || whole_early || chunked_job.plan().is_some() {
        // A header read (or rejected) before the end of the input.
        let chunked = chunked_fed.and_then(|_| chunked_job.finish());
        assert_eq!(whole, chunked, "Job: whole input vs chunks of {chunk}");
    } else if let Ok((plan, partial)) = &whole {
        // Neither job read the header before the end: the chunked one holds
        // the same bytes as the whole one, and its `finish` would repeat
        // the whole one's (the header read from all of them, then the data
        // fed at once): a third of an execution for nothing. Instead a job
        // that resumes from the plan is fed the file in chunks, so the
        // chunking of the data through a `Job` (and UTF-16 decoding across
        // chunks) is checked for every input, not only long ones.
        let mut resumed = Job::resume(plan.clone());
        let resumed = feed(&mut resumed, chunk).and_then(|_| resumed.finish());
        assert_eq!(resumed, Ok((plan.clone(), partial.clone())), "Job: resumed in chunks of {chunk}");
    }
    let Ok((plan, job)) = whole else { return };
    if plan.sequential() {
        // UTF-16: decoded on one stream, never split. Ranking and output
        // never panic.
        let report = Report::new(&plan, job, 10);
        outputs(&report);
        return;
    }
    let run_with = |n: usize| {
        let points = split_points(&plan, input.len() as u64, n);
        let run = |start, stop, pass| run_range_in_memory(&plan, input, start, stop, chunk, pass);
        run_ranges(&points, |jobs| jobs.into_iter().map(|(s, e)| run(s, e, Pass::Fast)).collect(), run)
    };
    let one = run_with(1);
    let one_report = check_same("1 range vs Job", &plan, &one, &Ok(job));
    if ranges > 1 {
        let many = run_with(ranges);
        check_same(&format!("{ranges} ranges vs 1 range"), &plan, &many, &one);
    } else if let Some(report) = one_report {
        outputs(&report);
    }
});

/// Asserts that `got` (`run_ranges`) is `want`; returns `got`'s report.
/// A `want` from a [`Job`] whose error needs a line is the accepted case
/// (module doc): only the errors are compared, lines aside.
fn check_same(what: &str, plan: &Plan, got: &Result<Partial, Error>, want: &Result<Partial, Error>) -> Option<Report> {
    let (a, b) = match (got, want) {
        (Ok(a), Ok(b)) => (a, b),
        (a, b) => {
            assert_eq!(a, b, "{what}: results differ");
            return None;
        }
    };
    if b.halt.as_ref().is_some_and(Error::needs_line) {
        assert!(a.halt.as_ref().is_some_and(|e| !e.needs_line()), "{what}: error not located: {:?}", a.halt);
        assert_eq!(a.halt.as_ref().map(without_line), b.halt, "{what}: stop errors differ");
        return Some(Report::new(plan, a.clone(), 10));
    }
    // Rows and errors first: the first assertion that fails names the bug.
    assert_eq!(a.halt, b.halt, "{what}: stop error");
    assert_eq!(a.strict_stopped, b.strict_stopped, "{what}: strict stop");
    assert_eq!(a.rows_read, b.rows_read, "{what}: rows read");
    assert_eq!(a.rows_aggregated, b.rows_aggregated, "{what}: rows aggregated");
    assert_eq!(a.skipped, b.skipped, "{what}: skipped per reason");
    assert_eq!(a.examples, b.examples, "{what}: skipped examples");
    assert_eq!(a.not_data, b.not_data, "{what}: rows skipped as not data");
    assert_eq!(a.rejected, b.rejected, "{what}: rejected rows");
    assert_eq!(a.rejected_omitted, b.rejected_omitted, "{what}: rejected rows omitted");
    assert_eq!(a.campaigns, b.campaigns, "{what}: campaigns");
    assert_eq!(a.names, b.names, "{what}: campaign names");
    assert_eq!(a.quality.counts, b.quality.counts, "{what}: data-quality counts");
    assert_eq!(a.quality.pairs.capped(), b.quality.pairs.capped(), "{what}: pairs capped");
    assert_eq!(a.start, b.start, "{what}: start");
    assert_eq!(a.end, b.end, "{what}: bytes read");
    let sorted = |p: &Partial| {
        let mut x: Vec<_> = p.quality.examples.iter().map(|w| (w.kind.index(), w.line, w.earlier, w.campaign.clone(), w.detail.clone(), w.day)).collect();
        x.sort();
        x
    };
    assert_eq!(sorted(a), sorted(b), "{what}: data-quality examples");
    let pairs = |p: &Partial| {
        let mut x: Vec<_> = p.quality.pairs.iter().map(|(id, day, line)| (id.into_owned(), day, line)).collect();
        x.sort();
        x
    };
    assert_eq!(pairs(a), pairs(b), "{what}: (campaign, date) pairs");
    // What the user sees.
    let (ra, rb) = (Report::new(plan, a.clone(), 10), Report::new(plan, b.clone(), 10));
    let (oa, ob) = (outputs(&ra), outputs(&rb));
    assert_eq!(oa, ob, "{what}: outputs");
    assert_eq!(ra, rb, "{what}: reports");
    Some(ra)
}

/// The user-visible text of a report: both rankings, rejected rows,
/// summary, stop error.
fn outputs(r: &Report) -> [String; 5] {
    [r.ctr_csv(), r.cpa_csv(), r.rejected_csv(), r.summary.to_string(), r.stop_error.as_ref().map(|e| e.to_string()).unwrap_or_default()]
}

/// `e` with the line an error may lack set aside ([`Error::needs_line`]).
fn without_line(e: &Error) -> Error {
    let mut e = e.clone();
    if let Error::Overflow { line, .. } | Error::NotUtf8 { line, .. } = &mut e {
        *line = None;
    }
    e
}
