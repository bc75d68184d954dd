//! Several files' lines: rows per file and totals per platform
//! ([`crate::run::files`]), as summary text and as
//! `platform_totals.csv`.

use crate::derive::rank::Ranked;
use crate::report::csv::{push_csv_text_field, shown_cell};
use crate::run::files::{Combined, PlatformTotals};
use crate::schema::columns::KPI_COLUMNS;

/// The header of `platform_totals.csv`: the platform, its files, rows and
/// campaigns, then the sums and KPIs of `all_campaigns.csv`.
pub const PLATFORM_TOTALS_HEADER: &str = "platform,files,rows,campaigns,total_impressions,total_clicks,total_spend,total_conversions,total_revenue,CTR,CPC,CPM,CVR,CPA,ROAS";

/// One platform's cells after its name, in `platform_totals.csv`'s order:
/// `(CSV header, JS key, text)` for its files, rows and campaigns, then
/// each sum and KPI as `all_campaigns.csv` writes a campaign's (revenue
/// and ROAS empty for a platform none of whose files had a revenue
/// column). The CSV, the summary text and the JS result all use these.
pub fn platform_cells(p: &PlatformTotals) -> Vec<(&'static str, &'static str, String)> {
    let mut cells = vec![
        ("files", "files", p.files.to_string()),
        ("rows", "rows", p.rows_aggregated.to_string()),
        ("campaigns", "campaigns", p.campaigns.to_string()),
    ];
    let row = Ranked { campaign_id: Box::default(), totals: p.totals, name: None, platform: Some(p.platform), revenue_absent: false };
    for column in &KPI_COLUMNS[1..] {
        cells.push((column.header, column.key, shown_cell(column, &row, p.has_revenue)));
    }
    cells
}

/// `platform_totals.csv`: one row per platform loaded (in
/// [`crate::Platform::ALL`] order): its name, then [`platform_cells`].
pub fn platform_totals_csv(platforms: &[PlatformTotals]) -> String {
    let mut out = String::from(PLATFORM_TOTALS_HEADER);
    out.push('\n');
    for p in platforms {
        push_csv_text_field(&mut out, p.platform.name().as_bytes());
        for (_, _, text) in platform_cells(p) {
            out.push(',');
            out.push_str(&text);
        }
        out.push('\n');
    }
    out
}

/// The summary lines of several files: each file's platform and rows,
/// then each platform's totals, and whether campaigns are kept apart by
/// platform.
pub fn files_text(combined: &Combined) -> String {
    let mut out = String::from("files:\n");
    for f in &combined.files {
        out.push_str(&format!(
            "  {}: {}, {} rows read, {} aggregated, {} skipped, {} campaigns\n",
            f.label,
            f.platform.name(),
            f.rows_read,
            f.rows_aggregated,
            f.rows_skipped,
            f.campaigns
        ));
    }
    out.push_str("platforms:\n");
    for p in &combined.platforms {
        let pairs: Vec<String> = platform_cells(p).into_iter().filter(|(_, _, v)| !v.is_empty()).map(|(h, _, v)| format!("{h} {v}")).collect();
        out.push_str(&format!("  {}: {}\n", p.platform.name(), pairs.join(", ")));
    }
    out.push_str(match combined.by_platform {
        true => "campaigns:       one per (platform, campaign_id): the same id on two platforms is two campaigns (--merge-platforms merges them)\n",
        false if combined.platforms.len() > 1 => "campaigns:       merged across platforms (--merge-platforms): one per campaign_id\n",
        false => "campaigns:       one platform: files merged by campaign_id\n",
    });
    out
}
