//! The columns of a ranking, as data: `top10_ctr.csv`, `top10_cpa.csv`,
//! the rows the web shell gets and the table it draws all follow
//! [`RANKING_COLUMNS`]. A new summed column or metric is one entry here.

use super::metric::{Metric, KPIS, METRICS};
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

/// The columns of `all_campaigns.csv` and of the rankings asked for by
/// metric (`--rank`): the id, every sum (revenue too), every KPI of
/// [`KPIS`]. A file whose input has names carries `campaign_name` after the
/// id ([`NAME_HEADER`]); a column that needs revenue is empty when no
/// input had a revenue column.
pub const KPI_COLUMNS: [Column; 12] = [
    RANKING_COLUMNS[0],
    RANKING_COLUMNS[1],
    RANKING_COLUMNS[2],
    RANKING_COLUMNS[3],
    RANKING_COLUMNS[4],
    sum("total_revenue", "totalRevenue", "Revenue", Sum::Revenue),
    metric(KPIS[0]),
    metric(KPIS[1]),
    metric(KPIS[2]),
    metric(KPIS[3]),
    metric(KPIS[4]),
    metric(KPIS[5]),
];

/// Header of `all_campaigns.csv` and the KPI rankings without names.
pub const KPI_HEADER: &str =
    "campaign_id,total_impressions,total_clicks,total_spend,total_conversions,total_revenue,CTR,CPC,CPM,CVR,CPA,ROAS";

/// The name column's header, right after `campaign_id` when the input has names.
pub const NAME_HEADER: &str = "campaign_name";

impl Column {
    /// Whether this column needs an optional sum (revenue): it is empty
    /// when no input had that column.
    pub fn needs_optional(&self) -> bool {
        match self.value {
            Value::Id => false,
            Value::Sum(s) => !s.required(),
            Value::Metric(m) => m.needs_optional(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_is_the_columns_headers() {
        let joined: Vec<&str> = RANKING_COLUMNS.iter().map(|c| c.header).collect();
        assert_eq!(HEADER, joined.join(","));
    }

    #[test]
    fn kpi_header_is_the_kpi_columns_headers() {
        let joined: Vec<&str> = KPI_COLUMNS.iter().map(|c| c.header).collect();
        assert_eq!(KPI_HEADER, joined.join(","));
        for m in &KPIS {
            assert!(KPI_COLUMNS.iter().any(|c| c.value == Value::Metric(m)));
        }
        let optional: Vec<&str> = KPI_COLUMNS.iter().filter(|c| c.needs_optional()).map(|c| c.header).collect();
        assert_eq!(optional, ["total_revenue", "ROAS"]);
    }

    #[test]
    fn every_metric_is_a_column_keyed_by_its_key() {
        for m in &METRICS {
            let col = RANKING_COLUMNS.iter().find(|c| c.value == Value::Metric(m)).expect("a column per metric");
            assert_eq!(col.key, m.key);
        }
    }
}
