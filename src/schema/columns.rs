//! The columns of a ranking, as data: `top10_ctr.csv`, `top10_cpa.csv`,
//! the rows the web shell gets and the table it draws all follow
//! [`RANKING_COLUMNS`]. A new summed column or metric is one entry here.

use super::metric::{Metric, METRICS};
use super::totals::Sum;

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value {
    /// The campaign id (text).
    Id,
    /// A summed column.
    Sum(Sum),
    /// A metric, empty where it is not defined.
    Metric(&'static Metric),
}

/// One column of a ranking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// Header in the CSV files (`total_spend`).
    pub header: &'static str,
    /// Key of the value in a JS result row (`totalSpend`).
    pub key: &'static str,
    /// Heading in the page's and the widget's tables (`Spend`).
    pub label: &'static str,
    /// What it holds.
    pub value: Value,
}

impl Column {
    /// What the web shell calls this column's kind: `id`, `count`, `money`
    /// or `metric`.
    pub fn kind(&self) -> &'static str {
        match self.value {
            Value::Id => "id",
            Value::Sum(s) if s.scale() == 1 => "count",
            Value::Sum(_) => "money",
            Value::Metric(_) => "metric",
        }
    }
}

const fn sum(header: &'static str, key: &'static str, label: &'static str, s: Sum) -> Column {
    Column { header, key, label, value: Value::Sum(s) }
}

const fn metric(m: &'static Metric) -> Column {
    Column { header: m.header, key: m.key, label: m.header, value: Value::Metric(m) }
}

/// A ranking's columns, in file order: the id, the sums, the metrics.
pub const RANKING_COLUMNS: [Column; 7] = [
    Column { header: "campaign_id", key: "campaignId", label: "Campaign", value: Value::Id },
    sum("total_impressions", "totalImpressions", "Impressions", Sum::Impressions),
    sum("total_clicks", "totalClicks", "Clicks", Sum::Clicks),
    sum("total_spend", "totalSpend", "Spend", Sum::Spend),
    sum("total_conversions", "totalConversions", "Conversions", Sum::Conversions),
    metric(METRICS[0]),
    metric(METRICS[1]),
];

/// Header of every ranking file: [`RANKING_COLUMNS`]' headers, joined.
pub const HEADER: &str = "campaign_id,total_impressions,total_clicks,total_spend,total_conversions,CTR,CPA";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_is_the_columns_headers() {
        let joined: Vec<&str> = RANKING_COLUMNS.iter().map(|c| c.header).collect();
        assert_eq!(HEADER, joined.join(","));
    }

    #[test]
    fn every_metric_is_a_column_keyed_by_its_key() {
        for m in &METRICS {
            let col = RANKING_COLUMNS.iter().find(|c| c.value == Value::Metric(m)).expect("a column per metric");
            assert_eq!(col.key, m.key);
        }
    }
}
