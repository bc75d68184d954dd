//! Arbitrary bytes, cut into arbitrary chunks and split into arbitrary
//! parallel ranges: the core never panics, and every way of feeding the
//! same bytes gives the same result.
#![no_main]

use adagg::{run_range_in_memory, run_ranges, sniff, split_points, Job, Options};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first two bytes choose the chunk size and the number of ranges.
    let (chunk, ranges, input) = match data {
        [a, b, rest @ ..] => (usize::from(*a % 64) + 1, usize::from(*b % 8) + 1, rest),
        _ => return,
    };
    // "Today" is 2030-01-01, so that future dates get warnings too.
    let options = || Options { today: Some(21_915), ..Options::default() };
    let whole = {
        let mut job = Job::with_options(options());
        let fed = job.feed(input);
        fed.and_then(|_| job.finish())
    };
    let chunked = {
        let mut job = Job::with_options(options());
        let mut result = Ok(());
        for piece in input.chunks(chunk) {
            result = job.feed(piece);
            if result.is_err() {
                break;
            }
        }
        result.and_then(|_| job.finish())
    };
    assert_eq!(whole.is_ok(), chunked.is_ok());
    if let (Ok((plan, a)), Ok((_, b))) = (&whole, &chunked) {
        assert_eq!(a, b);
        if !plan.sequential() {
            let points = split_points(plan, input.len() as u64, ranges);
            let run = |start, stop, pass| run_range_in_memory(plan, input, start, stop, chunk, pass);
            let merged = run_ranges(&points, |jobs| jobs.into_iter().map(|(s, e)| run(s, e, adagg::Pass::Fast)).collect(), run);
            if let Ok(merged) = merged {
                assert_eq!(merged.rows_read, a.rows_read);
                assert_eq!(merged.campaigns, a.campaigns);
                assert_eq!(merged.skipped, a.skipped);
                // Data-quality warnings: the same counts and first examples.
                assert_eq!(merged.quality.counts, a.quality.counts);
                let key = |w: &adagg::Warned| (w.kind.index(), w.line, w.earlier);
                let mut x: Vec<_> = merged.quality.examples.iter().map(key).collect();
                let mut y: Vec<_> = a.quality.examples.iter().map(key).collect();
                x.sort();
                y.sort();
                assert_eq!(x, y);
            }
        }
        // Ranking and output never panic either.
        let _ = adagg::Report::new(plan, a.clone(), 10).ctr_csv();
    }
    let _ = sniff(input, true);
});
