//! Arbitrary bytes, cut into arbitrary chunks and split into arbitrary
//! parallel ranges: the core never panics, and every way of feeding the
//! same bytes gives the same result.
#![no_main]

use adagg::{run_range_in_memory, run_ranges, sniff, split_points, Job};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first two bytes choose the chunk size and the number of ranges.
    let (chunk, ranges, input) = match data {
        [a, b, rest @ ..] => (usize::from(*a % 64) + 1, usize::from(*b % 8) + 1, rest),
        _ => return,
    };
    let whole = {
        let mut job = Job::new();
        let fed = job.feed(input);
        fed.and_then(|_| job.finish())
    };
    let chunked = {
        let mut job = Job::new();
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
            let run = |start, stop| run_range_in_memory(plan, input, start, stop, chunk);
            let merged = run_ranges(&points, |jobs| jobs.into_iter().map(|(s, e)| run(s, e)).collect(), run);
            if let Ok(merged) = merged {
                assert_eq!(merged.rows_read, a.rows_read);
                assert_eq!(merged.campaigns, a.campaigns);
                assert_eq!(merged.skipped, a.skipped);
            }
        }
        // Ranking and output never panic either.
        let _ = adagg::Report::new(plan, a.clone(), 10).ctr_csv();
    }
    let _ = sniff(input, true);
});
