//! `budget_hints.csv` and the summary's line about it (issue 16): the
//! text of [`crate::derive::hints`], the same bytes for every shell.

use crate::derive::anomaly::format_frac;
use crate::derive::hints::{BudgetHints, Hint, HintWindow, HINT_WINDOWS, MIN_ELIGIBLE};
use crate::report::csv::push_csv_text_field;
use crate::report::daily::id_text;
use crate::schema::metric::format_ratio;
use crate::text::date::format_day;
use crate::text::number::MICROS;

/// Header of `budget_hints.csv`: one header for files with and without
/// revenue (`revenue_7d`/`revenue_28d` are empty without a revenue column).
pub const BUDGET_HINTS_HEADER: &str = "campaign_id,metric,hint,reason,\
spend_7d,conversions_7d,revenue_7d,value_7d,median_7d,\
spend_28d,conversions_28d,revenue_28d,value_28d,median_28d";

/// Money in micro-units with 2 decimals, half away from zero.
fn money(micros: u64) -> String {
    format_ratio(u128::from(micros), u128::from(MICROS), 2)
}

/// The cells of each row of `budget_hints.csv` after the campaign id, as
/// [`BUDGET_HINTS_HEADER`] names them (the CSV and the page's table are
/// made from these): `metric`, `hint`, `reason`, then per window spend,
/// conversions, revenue, value, median.
pub fn budget_hint_cells(h: &BudgetHints) -> Vec<Vec<String>> {
    let d = h.metric.decimals();
    let revenue = h.metric == crate::derive::hints::HintMetric::Roas;
    h.rows
        .iter()
        .map(|r| {
            let mut cells = vec![h.metric.name().to_string(), r.hint.map_or("", Hint::text).to_string(), r.reason.clone()];
            for (w, median) in r.windows.iter().zip(&h.medians) {
                let HintWindow { spend, conversions, revenue: rev, value, .. } = w;
                cells.push(money(*spend));
                cells.push(conversions.to_string());
                cells.push(if revenue { money(*rev) } else { String::new() });
                cells.push(value.as_ref().map_or_else(String::new, |v| format_frac(v, d)));
                cells.push(median.as_ref().map_or_else(String::new, |m| format_frac(m, d)));
            }
            cells
        })
        .collect()
}

/// `budget_hints.csv`: [`BUDGET_HINTS_HEADER`], then one LF-terminated row
/// per campaign with a daily series, by campaign id (byte order). Money
/// with 2 decimals; the metric (`value_*`, `median_*`) with its KPI
/// column's decimals (CPA and ROAS: 2); all rounded half away from zero
/// from the exact value; an undefined value, a median of no eligible
/// campaign, and revenue without a revenue column are empty fields. `hint`
/// is `scale up`, `hold`, `scale down` or empty (no tag: `reason` says
/// why). Ids as in every other file (spreadsheet-safe, RFC 4180-quoted;
/// Windows-1252 and Shift_JIS ids decoded: `encoding` is the file's).
pub fn budget_hints_csv(h: &BudgetHints, encoding: crate::text::encoding::Encoding) -> String {
    let mut out = String::with_capacity(BUDGET_HINTS_HEADER.len() + 1 + h.rows.len() * 120);
    out.push_str(BUDGET_HINTS_HEADER);
    out.push('\n');
    for (r, cells) in h.rows.iter().zip(budget_hint_cells(h)) {
        push_csv_text_field(&mut out, &id_text(&r.id, encoding));
        for (i, cell) in cells.iter().enumerate() {
            out.push(',');
            match i {
                2 => push_csv_text_field(&mut out, cell.as_bytes()), // the reason: text
                _ => out.push_str(cell),
            }
        }
        out.push('\n');
    }
    out
}

/// The summary's lines about the hints: how many campaigns got each tag,
/// labelled as heuristics, with the windows, the medians' counts and the
/// guardrails.
pub fn budget_hints_text(h: &BudgetHints) -> String {
    let counts: Vec<String> = Hint::ALL.iter().map(|&t| format!("{} {}", h.count(Some(t)), t.text())).collect();
    let to = h.last_day.map_or_else(|| "no date".to_string(), format_day);
    format!(
        "budget hints:    heuristics, not advice: {}, {} without a hint (of {} campaigns)\n\
         \x20                {} in the {} and {} days to {} against the median of the eligible campaigns ({} and {}; a tag needs {} in each); \
         eligible: spend >= {} and conversions >= {} in the window\n",
        counts.join(", "),
        h.count(None),
        h.rows.len(),
        h.metric.name(),
        HINT_WINDOWS[0],
        HINT_WINDOWS[1],
        to,
        h.eligible[0],
        h.eligible[1],
        MIN_ELIGIBLE,
        money(h.options.min_spend),
        h.options.min_conversions,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::derive::hints::{budget_hints, HintOptions};
    use crate::derive::series::Series;
    use crate::schema::totals::Totals;

    #[test]
    fn rows_as_written() {
        let m = 1_000_000;
        let s = |id: &str, sp: u64, c: u64| Series { id: id.as_bytes().into(), first: 10, cells: vec![(10, Totals::new([0, 0, sp, c, 0]))] };
        let all = [s("=A", 100 * m, 10), s("B", 200 * m + 5_000, 10), s("C", 300 * m, 10), s("D", 50 * m, 1)];
        let h = budget_hints(&all, false, &HintOptions::default());
        assert_eq!(
            budget_hints_csv(&h, crate::text::encoding::Encoding::Utf8),
            format!(
                "{BUDGET_HINTS_HEADER}\n\
                 '=A,CPA,scale up,\"CPA 7d 0.50x median, 28d 0.50x median\",100.00,10,,10.00,20.00,100.00,10,,10.00,20.00\n\
                 B,CPA,hold,\"CPA 7d 1.00x median, 28d 1.00x median\",200.01,10,,20.00,20.00,200.01,10,,20.00,20.00\n\
                 C,CPA,scale down,\"CPA 7d 1.50x median, 28d 1.50x median\",300.00,10,,30.00,20.00,300.00,10,,30.00,20.00\n\
                 D,CPA,,below min spend in the last 7 days,50.00,1,,50.00,20.00,50.00,1,,50.00,20.00\n"
            )
        );
        let text = budget_hints_text(&h);
        assert!(text.starts_with("budget hints:    heuristics, not advice: 1 scale up, 1 hold, 1 scale down, 1 without a hint (of 4 campaigns)\n"), "{text}");
        assert!(text.contains("CPA in the 7 and 28 days to 1970-01-11"), "{text}");
    }
}
