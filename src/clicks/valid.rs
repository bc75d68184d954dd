//! Step (1) of the order of judgement: a row is a click, or it is
//! rejected with its reason. Both passes judge a row the same way.

use crate::clicks::columns::ClickField;
use crate::clicks::source::Row;
use crate::clicks::timestamp::{parse_timestamp, TimeUnit};
use crate::text::number::{parse_micros, trim, NumError};

/// A row that is a click: its fields, trimmed.
pub struct Click<'a> {
    /// The ad.
    pub ad: &'a [u8],
    /// Milliseconds since the epoch.
    pub ms: i64,
    /// How its timestamp was written.
    pub unit: TimeUnit,
    /// Its id (empty: cannot be de-duplicated).
    pub click_id: &'a [u8],
    /// Who (empty: unknown).
    pub user: &'a [u8],
    /// From where (empty: unknown).
    pub ip: &'a [u8],
    /// With what (not trimmed).
    pub ua: &'a [u8],
    /// Whether the row has a user agent at all (a CSV column; an NDJSON
    /// key): the bot rule judges only rows that do.
    pub has_ua: bool,
    /// Its cost in micro-units (0 without a cost).
    pub cost: u64,
}

/// Why a row is not a click: the kind (summary) and the message (with the value).
pub struct Refusal {
    /// `ad_id`, `timestamp` or `cost`.
    pub kind: &'static str,
    /// What is wrong, with the offending value.
    pub reason: String,
}

/// Judges a row.
pub fn accept<'a>(row: &Row<'a>) -> Result<Click<'a>, Refusal> {
    let ad = trim(row.get(ClickField::AdId));
    if ad.is_empty() {
        return Err(Refusal { kind: "ad_id", reason: "ad_id is empty".into() });
    }
    let ts = row.get(ClickField::Timestamp);
    let (ms, unit) = parse_timestamp(ts)
        .map_err(|why| Refusal { kind: "timestamp", reason: format!("{why}: {:?}", String::from_utf8_lossy(ts)) })?;
    let cost_text = trim(row.get(ClickField::Cost));
    let cost = if cost_text.is_empty() {
        0
    } else {
        parse_micros(cost_text).map_err(|e| {
            let why = match e {
                NumError::Negative => "cost is negative",
                NumError::TooLarge => "cost is too large",
                NumError::Invalid => "cost is not a number",
            };
            Refusal { kind: "cost", reason: format!("{why}: {:?}", String::from_utf8_lossy(cost_text)) }
        })?
    };
    Ok(Click {
        ad,
        ms,
        unit,
        click_id: trim(row.get(ClickField::ClickId)),
        user: trim(row.get(ClickField::UserId)),
        ip: trim(row.get(ClickField::Ip)),
        ua: row.get(ClickField::UserAgent),
        has_ua: row.present & (1 << ClickField::UserAgent.index()) != 0,
        cost,
    })
}
