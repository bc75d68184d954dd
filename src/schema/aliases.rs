//! Header names of the common ad-platform exports, mapped to adagg's
//! fields. The README's "Supported exports" table is this table.
//!
//! Names are compared after [`normalize`]: lower case, `_` as space, runs
//! of spaces folded, a trailing `(USD)`-style group dropped.

use crate::schema::field::Field;

/// What a header column can stand for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// One of the required fields. `Field::CampaignId` here means a
    /// campaign *ID* column.
    Field(Field),
    /// A campaign *name* column: the key when there is no ID column, shown
    /// beside the ID otherwise.
    CampaignName,
    /// The row's date (used for data-quality checks only).
    Date,
}

/// Aliases per column kind, most specific first. When several columns of
/// one file match the same kind, the one whose alias comes first wins.
pub const ALIASES: &[(Column, &[&str])] = &[
    // FV-SEC001, TikTok (`campaign_id`), Microsoft Advertising (`CampaignId`), Google Ads (`Campaign ID`).
    (Column::Field(Field::CampaignId), &["campaign id", "campaignid"]),
    // Google Ads, LinkedIn, Meta, TikTok (`campaign_name`), Microsoft Advertising (`CampaignName`).
    (Column::CampaignName, &["campaign", "campaign name", "campaignname"]),
    // Google Ads `Impr.`.
    (Column::Field(Field::Impressions), &["impressions", "impr.", "impr", "impression"]),
    // Meta `Link clicks`; `Clicks (all)`.
    (Column::Field(Field::Clicks), &["clicks", "link clicks", "clicks (all)", "click"]),
    // Google Ads `Cost`, Meta `Amount spent (USD)`, LinkedIn `Total Spent`.
    (Column::Field(Field::Spend), &["spend", "cost", "amount spent", "total spent", "spent", "amount spend"]),
    // Google Ads `Conv.`, Meta `Results`, TikTok `conversion`, LinkedIn `Conversions`. Meta's
    // `Purchases` / `Website purchases` come last: they are the conversions only when the file has
    // no other conversion column (the first alias wins).
    (
        Column::Field(Field::Conversions),
        &["conversions", "conv.", "conv", "conversion", "total conversions", "results", "purchases", "website purchases"],
    ),
    // Revenue (optional), the conversion value: FV-SEC001-style `revenue`, Microsoft Advertising
    // `Revenue`, Google Ads `Conv. value` (then `All conv. value`, which adds cross-device and
    // view-through), LinkedIn `Total conversion value` / `Conversion value`, Meta `Purchases conversion
    // value` (`Purchase conversion value`, `Website purchases conversion value`), TikTok's
    // `total_purchase_value`, KAG-style `total_conversion_value`. A `ROAS` column is never revenue.
    (
        Column::Field(Field::Revenue),
        &[
            "revenue",
            "conv. value",
            "conversion value",
            "conversions value",
            "total conversion value",
            "all conv. value",
            "purchases conversion value",
            "purchase conversion value",
            "website purchases conversion value",
            "total purchase value",
            "total revenue",
            "all revenue",
        ],
    ),
    // Google Ads `Day`, Meta `Reporting starts`, TikTok `stat_time_day`, LinkedIn `Start Date (in UTC)`,
    // Microsoft Advertising `TimePeriod`.
    (Column::Date, &["date", "day", "reporting starts", "stat time day", "start date (in utc)", "start date", "timeperiod", "gregoriandate"]),
];

/// Canonical form of a header name for comparison.
pub fn normalize(name: &str) -> String {
    let mut s = name.trim().to_lowercase().replace('_', " ");
    // Drop a trailing "(USD)"-style group, but keep "(all)" and "(in utc)"
    // which tell columns apart.
    if let Some(open) = s.rfind(" (") {
        let group = &s[open..];
        if s.ends_with(')') && !group.contains("all") && !group.contains("utc") {
            s.truncate(open);
        }
    }
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The kind a header name stands for and its rank (lower is preferred).
pub fn lookup(name: &str) -> Option<(Column, usize)> {
    let n = normalize(name);
    ALIASES.iter().find_map(|(col, names)| names.iter().position(|a| *a == n).map(|rank| (*col, rank)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platform_headers() {
        let f = |n: &str| lookup(n).map(|(c, _)| c);
        assert_eq!(f("campaign_id"), Some(Column::Field(Field::CampaignId)));
        assert_eq!(f("CampaignId"), Some(Column::Field(Field::CampaignId)));
        assert_eq!(f("Campaign ID"), Some(Column::Field(Field::CampaignId)));
        assert_eq!(f("Campaign"), Some(Column::CampaignName));
        assert_eq!(f("Campaign name"), Some(Column::CampaignName));
        assert_eq!(f("Impr."), Some(Column::Field(Field::Impressions)));
        assert_eq!(f("Amount spent (USD)"), Some(Column::Field(Field::Spend)));
        assert_eq!(f("Total Spent"), Some(Column::Field(Field::Spend)));
        assert_eq!(f("Cost"), Some(Column::Field(Field::Spend)));
        assert_eq!(f("Link clicks"), Some(Column::Field(Field::Clicks)));
        assert_eq!(f("Results"), Some(Column::Field(Field::Conversions)));
        assert_eq!(f("Conv."), Some(Column::Field(Field::Conversions)));
        assert_eq!(f("stat_time_day"), Some(Column::Date));
        assert_eq!(f("Reporting starts"), Some(Column::Date));
        assert_eq!(f("Purchases"), Some(Column::Field(Field::Conversions)));
        assert_eq!(f("Website purchases"), Some(Column::Field(Field::Conversions)));
        for revenue in [
            "Revenue",
            "Conv. value",
            "Conversion value",
            "All conv. value",
            "Purchases conversion value",
            "Purchase conversion value",
            "Website purchases conversion value",
            "total_conversion_value",
            "Total conversion value",
            "Total Conversion Value (USD)",
            "total_purchase_value",
        ] {
            assert_eq!(f(revenue), Some(Column::Field(Field::Revenue)), "{revenue}");
        }
        // Purchases rank after every other conversion alias; `Conv. value` before `All conv. value`.
        assert!(lookup("Purchases").unwrap().1 > lookup("Results").unwrap().1);
        assert!(lookup("Conv. value").unwrap().1 < lookup("All conv. value").unwrap().1);
        assert_eq!(f("Purchase ROAS (return on ad spend)"), None);
        assert_eq!(f("Cost per purchase (USD)"), None);
        assert_eq!(f("CTR (Link Click-Through Rate)"), None);
        assert_eq!(f("Cost per result"), None);
    }
}
