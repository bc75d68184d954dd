//! What a run says about the order of day and month (`1/2/2025`): the
//! order the file was read in, how it was chosen, and the dates that
//! prove one order or the other ([`DateOutcome`]); whether a shell should
//! read the file again in the proven order ([`DateOutcome::reread`]) or
//! ask the user ([`DateOutcome::asked`]).

use crate::agg::partial::{DateEvidence, DateProof};
use crate::read::plan::{DateHow, Plan};
use crate::text::date::DateOrder;

/// The order of day and month of a run, and its evidence.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DateOutcome {
    /// The order `1/2/2025`-style dates were read in.
    pub order: DateOrder,
    /// How it was chosen.
    pub how: DateHow,
    /// Dates counted while reading that can only be day first.
    pub day_first: Option<DateProof>,
    /// Dates counted while reading that can only be month first.
    pub month_first: Option<DateProof>,
}

/// The outcome of a run read with `plan` whose merged result counted `dates`.
pub fn date_outcome(plan: &Plan, dates: &DateEvidence) -> DateOutcome {
    DateOutcome {
        order: plan.dates.order(),
        how: plan.dates.how.clone(),
        day_first: dates.day_first.clone(),
        month_first: dates.month_first.clone(),
    }
}

impl DateOutcome {
    /// The dates counted that prove `order`.
    fn proof(&self, order: DateOrder) -> Option<&DateProof> {
        match order {
            DateOrder::DayFirst => self.day_first.as_ref(),
            DateOrder::MonthFirst => self.month_first.as_ref(),
            DateOrder::Auto => None,
        }
    }

    /// Nothing proved the order before reading, and the whole file proves
    /// the other one (its dates of one kind only): the order, line and
    /// text to read the file again with ([`crate::Options::date_order`],
    /// [`crate::Options::date_reread`]; the line as the evidence has it:
    /// a merged result's lines count from the first data line until
    /// [`crate::Partial::number_lines_from`]). The result read in the
    /// wrong order must not be used.
    pub fn reread(&self) -> Option<(DateOrder, u64, String)> {
        if !matches!(self.how, DateHow::NotNeeded | DateHow::Assumed) {
            return None;
        }
        let other = self.order.other();
        match (self.proof(other), self.proof(self.order)) {
            (Some(p), None) => Some((other, p.line, p.text.clone())),
            _ => None,
        }
    }

    /// Every `a/b/yyyy` date seen fits both orders: the order was assumed
    /// and a shell should ask (CLI: `--date-order`).
    pub fn asked(&self) -> bool {
        self.how == DateHow::Assumed && self.day_first.is_none() && self.month_first.is_none()
    }

    /// Dates of both kinds: the line and text of one that proves the order
    /// read in, and the dates that prove the other (read that way).
    pub fn mixed(&self) -> Option<((u64, &str), &DateProof)> {
        let other = self.proof(self.order.other())?;
        let mine = match &self.how {
            DateHow::Sample { line, text } | DateHow::Reread { line, text } => (*line, text.as_str()),
            DateHow::NotNeeded | DateHow::Assumed => self.proof(self.order).map(|p| (p.line, p.text.as_str()))?,
            DateHow::Given => return None,
        };
        Some((mine, other))
    }

    /// The summary's line (after `dates: `), or `None` when the file has
    /// no `a/b/yyyy` date to choose for (ISO dates, no date column).
    pub fn note(&self) -> Option<String> {
        let order = self.order.text();
        let other = self.order.other();
        let rows = |n: u64| match n {
            1 => "1 row".to_string(),
            n => format!("{n} rows in all"),
        };
        let why = |line: u64, text: &str, o: DateOrder| format!("line {line} ({text}) can only be {}", o.text());
        if let Some(((line, text), p)) = self.mixed() {
            return Some(format!(
                "warning: {}, but {} ({}, each read that way); dates that fit both were read {order}",
                why(line, text, self.order),
                why(p.line, &p.text, other),
                rows(p.rows)
            ));
        }
        Some(match &self.how {
            DateHow::Given => match self.proof(other) {
                None => format!("read {order} (--date-order {})", self.order.name()),
                Some(p) => format!(
                    "warning: read {order} (--date-order {}), but {} ({}, each read that way)",
                    self.order.name(),
                    why(p.line, &p.text, other),
                    rows(p.rows)
                ),
            },
            DateHow::Sample { line, text } => format!("read {order}: {}", why(*line, text, self.order)),
            DateHow::Reread { line, text } => {
                format!("read {order}, in a second pass: {} (the first MiB did not tell)", why(*line, text, self.order))
            }
            DateHow::NotNeeded | DateHow::Assumed => match (self.proof(self.order), self.proof(other)) {
                (Some(p), _) => format!("read {order}: {}", why(p.line, &p.text, self.order)),
                (None, Some(p)) => format!(
                    "warning: read {order}, but {}: read the file again with --date-order {}",
                    why(p.line, &p.text, other),
                    other.name()
                ),
                (None, None) if self.how == DateHow::Assumed => format!(
                    "1/2/2025-style dates read {order}, assumed: none of them tells day from month \
                     (if they are {}, choose --date-order {})",
                    other.text(),
                    other.name()
                ),
                (None, None) => return None,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::split::{first_pass, run_range_in_memory, split_points, Pass};

    /// A file whose first MiB only has dates that fit both orders, then
    /// day-first dates in both halves and one month-first date in the
    /// second: read as 1, 2 and 3 ranges (threads), the evidence merges to
    /// the same counts and first lines.
    #[test]
    fn evidence_split_across_ranges() {
        let mut text = "campaign_id,date,impressions,clicks,spend,conversions\n".to_string();
        let mut line = 1u64;
        let mut rows = |text: &mut String, n: usize, date: &str| {
            for i in 0..n {
                text.push_str(&format!("C{},{date},1,1,1.00,1\n", i % 5));
                line += 1;
            }
            line
        };
        rows(&mut text, 60_000, "1/2/2025"); // 1.3 MB
        let first_day = rows(&mut text, 1, "13/02/2025");
        rows(&mut text, 20_000, "2/1/2025");
        rows(&mut text, 2, "14/02/2025");
        let first_month = rows(&mut text, 1, "02/14/2025");
        rows(&mut text, 100, "3/1/2025");
        let bytes = text.as_bytes();
        let plan = crate::read::plan::sniff(bytes, true).unwrap().unwrap();
        assert_eq!((plan.dates.order, &plan.dates.how), (DateOrder::MonthFirst, &DateHow::Assumed));
        let mut outcomes = Vec::new();
        for n in [1, 2, 3] {
            let points = split_points(&plan, bytes.len() as u64, n);
            let mut merged: Option<crate::Partial> = None;
            for (start, stop) in first_pass(&points) {
                let p = run_range_in_memory(&plan, bytes, start, stop, 1 << 16, Pass::Fast).unwrap();
                match &mut merged {
                    None => merged = Some(p),
                    Some(m) => m.append(p).unwrap(),
                }
            }
            let mut merged = merged.unwrap();
            merged.number_lines_from(plan.data_start_line);
            outcomes.push(date_outcome(&plan, &merged.dates));
        }
        assert_eq!(outcomes[0], outcomes[1]);
        assert_eq!(outcomes[0], outcomes[2]);
        let o = &outcomes[0];
        let day = o.day_first.as_ref().unwrap();
        let month = o.month_first.as_ref().unwrap();
        assert_eq!((day.rows, day.line, day.text.as_str()), (3, first_day, "13/02/2025"));
        assert_eq!((month.rows, month.line, month.text.as_str()), (1, first_month, "02/14/2025"));
        // Both kinds: no second pass; a warning naming one line of each.
        assert_eq!(o.reread(), None);
        assert!(!o.asked());
        assert_eq!(
            o.note().unwrap(),
            format!("warning: line {first_month} (02/14/2025) can only be month first, but line {first_day} (13/02/2025) can only be day first (3 rows in all, each read that way); dates that fit both were read month first")
        );
    }

    #[test]
    fn reread_asked_and_notes() {
        let proof = |line: u64, text: &str| Some(DateProof { rows: 2, line, text: text.into() });
        let assumed = DateOutcome { order: DateOrder::MonthFirst, how: DateHow::Assumed, ..DateOutcome::default() };
        assert!(assumed.asked());
        assert!(assumed.note().unwrap().contains("assumed"), "{:?}", assumed.note());
        // Only day-first dates later on: read again day first.
        let late = DateOutcome { day_first: proof(900, "13/1/2025"), ..assumed.clone() };
        assert_eq!(late.reread(), Some((DateOrder::DayFirst, 900, "13/1/2025".into())));
        assert!(!late.asked());
        // Only month-first dates: the order read in was right.
        let right = DateOutcome { month_first: proof(900, "1/13/2025"), ..assumed.clone() };
        assert_eq!(right.reread(), None);
        assert_eq!(right.note().unwrap(), "read month first: line 900 (1/13/2025) can only be month first");
        // Nothing to choose: nothing said.
        assert_eq!(DateOutcome { order: DateOrder::MonthFirst, ..DateOutcome::default() }.note(), None);
        // Given, contradicted.
        let given = DateOutcome { order: DateOrder::DayFirst, how: DateHow::Given, month_first: proof(7, "1/13/2025"), ..DateOutcome::default() };
        assert_eq!(given.reread(), None);
        assert_eq!(given.note().unwrap(), "warning: read day first (--date-order dmy), but line 7 (1/13/2025) can only be month first (2 rows in all, each read that way)");
    }
}
