//! The five fields adagg needs from every row, and the optional ones.

use std::fmt;

/// A required input column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    /// The campaign key.
    CampaignId,
    /// Ad impressions (a count).
    Impressions,
    /// Clicks (a count).
    Clicks,
    /// Money spent (a decimal, summed in micro-units).
    Spend,
    /// Conversions (a count).
    Conversions,
    /// Revenue, the conversion value (money; optional, not in
    /// [`Field::ALL`]).
    Revenue,
}

impl Field {
    /// The optional fields: read when the file has them.
    pub const OPTIONAL: [Field; 1] = [Field::Revenue];

    /// Every required field, in output order.
    pub const ALL: [Field; 5] =
        [Field::CampaignId, Field::Impressions, Field::Clicks, Field::Spend, Field::Conversions];

    /// The canonical column name.
    pub fn name(self) -> &'static str {
        match self {
            Field::CampaignId => "campaign_id",
            Field::Impressions => "impressions",
            Field::Clicks => "clicks",
            Field::Spend => "spend",
            Field::Conversions => "conversions",
            Field::Revenue => "revenue",
        }
    }
}

/// What a header column can stand for (the alias tables of
/// [`crate::schema::aliases`] and [`crate::schema::locale`] map names to it).
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

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
