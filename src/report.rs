//! The final result of a run: both rankings and what happened to every row.

use crate::error::{SkipKind, Skipped};
use crate::output::ranking_csv;
use crate::partial::Partial;
use crate::plan::Plan;
use crate::rank::{top_cpa, top_ctr, Ranked};

/// Counters and examples describing a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Data records seen (blank lines excluded).
    pub rows_read: u64,
    /// Records added to a campaign.
    pub rows_aggregated: u64,
    /// Records skipped.
    pub rows_skipped: u64,
    /// Skipped records by reason, most frequent first.
    pub skipped_by_reason: Vec<(String, u64)>,
    /// The first skipped records (`line N: reason`), in file order.
    pub first_skipped: Vec<Skipped>,
    /// Distinct campaigns.
    pub campaigns: u64,
    /// Bytes of the file read.
    pub bytes: u64,
    /// The header's column names.
    pub header: Vec<String>,
    /// Notes for the user that are not errors (e.g. no data rows).
    pub warnings: Vec<String>,
}

/// Rankings plus summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Highest CTR first.
    pub top_ctr: Vec<Ranked>,
    /// Lowest CPA first.
    pub top_cpa: Vec<Ranked>,
    /// What happened to every row.
    pub summary: Summary,
}

impl Report {
    /// Ranks the merged result of a whole file (`partial` must start at
    /// `plan.data_start`), keeping the top `k` of each ranking.
    pub fn new(plan: &Plan, mut partial: Partial, k: usize) -> Report {
        partial.number_lines_from(plan.data_start_line);
        let mut skipped_by_reason: Vec<(String, u64)> = partial
            .skipped
            .iter()
            .enumerate()
            .filter(|(_, &n)| n > 0)
            .map(|(class, &n)| (SkipKind::class_label(class), n))
            .collect();
        skipped_by_reason.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let mut warnings = Vec::new();
        if partial.rows_read == 0 {
            warnings.push("the file has a header but no data rows".to_string());
        } else if partial.rows_aggregated == 0 {
            warnings.push("no row could be used: every data row was skipped (see the reasons)".to_string());
        }
        Report {
            top_ctr: top_ctr(&partial.campaigns, k),
            top_cpa: top_cpa(&partial.campaigns, k),
            summary: Summary {
                rows_read: partial.rows_read,
                rows_aggregated: partial.rows_aggregated,
                rows_skipped: partial.rows_skipped(),
                skipped_by_reason,
                first_skipped: partial.examples,
                campaigns: partial.campaigns.len() as u64,
                bytes: partial.end,
                header: plan.header.clone(),
                warnings,
            },
        }
    }

    /// `top10_ctr.csv` contents.
    pub fn ctr_csv(&self) -> String {
        ranking_csv(&self.top_ctr)
    }

    /// `top10_cpa.csv` contents.
    pub fn cpa_csv(&self) -> String {
        ranking_csv(&self.top_cpa)
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "rows read:       {}", self.rows_read)?;
        writeln!(f, "rows aggregated: {}", self.rows_aggregated)?;
        writeln!(f, "rows skipped:    {}", self.rows_skipped)?;
        for (reason, n) in &self.skipped_by_reason {
            writeln!(f, "  {n:>12}  {reason}")?;
        }
        writeln!(f, "campaigns:       {}", self.campaigns)?;
        if !self.first_skipped.is_empty() {
            writeln!(f, "first skipped rows:")?;
            for s in &self.first_skipped {
                writeln!(f, "  {s}")?;
            }
        }
        for w in &self.warnings {
            writeln!(f, "warning: {w}")?;
        }
        Ok(())
    }
}
