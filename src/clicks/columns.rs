//! Which column (CSV) or key (NDJSON) holds which field of a click, by
//! name: one alias table for both forms.

/// A field of a click event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClickField {
    /// The ad clicked (required).
    AdId,
    /// When (required): unix seconds, unix milliseconds or ISO 8601.
    Timestamp,
    /// The event's id: a second row with the same id is a retry.
    ClickId,
    /// Who clicked (unique users, `user_velocity`).
    UserId,
    /// From where (`ip_blocklist`, `ip_velocity`).
    Ip,
    /// With what (`bot_user_agent`).
    UserAgent,
    /// The ad's campaign (kept; not aggregated yet).
    CampaignId,
    /// What the click cost (summed exactly over billable clicks).
    Cost,
}

/// Every field, in the order of [`ClickField::index`].
pub const FIELDS: [ClickField; 8] = [
    ClickField::AdId,
    ClickField::Timestamp,
    ClickField::ClickId,
    ClickField::UserId,
    ClickField::Ip,
    ClickField::UserAgent,
    ClickField::CampaignId,
    ClickField::Cost,
];

impl ClickField {
    /// Its position in [`FIELDS`] (and in a row's field array).
    pub fn index(self) -> usize {
        self as usize
    }

    /// The field a column or key name stands for: case, spaces, dashes
    /// and a leading/trailing quote or space do not matter.
    pub fn of_name(name: &[u8]) -> Option<ClickField> {
        // The names ad servers write, as written: no copy (NDJSON keys, every row).
        match name {
            b"ad_id" => return Some(ClickField::AdId),
            b"timestamp" => return Some(ClickField::Timestamp),
            b"click_id" => return Some(ClickField::ClickId),
            b"user_id" => return Some(ClickField::UserId),
            b"ip_address" => return Some(ClickField::Ip),
            b"user_agent" => return Some(ClickField::UserAgent),
            b"campaign_id" => return Some(ClickField::CampaignId),
            b"cost" => return Some(ClickField::Cost),
            _ => {}
        }
        let mut norm = [0u8; 24];
        let name = trim_name(name);
        if name.len() > norm.len() {
            return None;
        }
        for (o, &b) in norm.iter_mut().zip(name) {
            *o = match b {
                b' ' | b'-' | b'.' => b'_',
                b => b.to_ascii_lowercase(),
            };
        }
        Some(match &norm[..name.len()] {
            b"ad_id" | b"adid" | b"ad" => ClickField::AdId,
            b"timestamp" | b"ts" | b"event_time" | b"click_time" | b"time" => ClickField::Timestamp,
            b"click_id" | b"clickid" | b"event_id" => ClickField::ClickId,
            b"user_id" | b"userid" | b"user" | b"uid" => ClickField::UserId,
            b"ip_address" | b"ip" | b"client_ip" | b"ip_addr" => ClickField::Ip,
            b"user_agent" | b"useragent" | b"ua" => ClickField::UserAgent,
            b"campaign_id" | b"campaignid" => ClickField::CampaignId,
            b"cost" | b"price" => ClickField::Cost,
            _ => return None,
        })
    }
}

fn trim_name(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'"' | b'\t' | b'\r', rest @ ..] = s {
        s = rest;
    }
    while let [rest @ .., b' ' | b'"' | b'\t' | b'\r'] = s {
        s = rest;
    }
    s
}

/// Where each field is in a CSV header (by column index).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClickColumns {
    /// Per [`FIELDS`] entry, its column.
    pub column: [Option<usize>; 8],
    /// Number of columns in the header.
    pub width: usize,
}

impl ClickColumns {
    /// The columns of a header, or None when it is not a click log's
    /// (it needs an ad id and a timestamp column). The first column of a
    /// name wins.
    pub fn from_header<'a>(names: impl IntoIterator<Item = &'a [u8]>) -> Option<ClickColumns> {
        let mut cols = ClickColumns::default();
        for (i, name) in names.into_iter().enumerate() {
            cols.width = i + 1;
            if let Some(f) = ClickField::of_name(name) {
                cols.column[f.index()].get_or_insert(i);
            }
        }
        cols.has(ClickField::AdId).then_some(())?;
        cols.has(ClickField::Timestamp).then_some(cols)
    }

    /// Whether the header has this field.
    pub fn has(&self, f: ClickField) -> bool {
        self.column[f.index()].is_some()
    }
}

/// Whether the first bytes of a file look like NDJSON: the first
/// non-blank byte (after a UTF-8 byte-order mark) is `{`.
pub fn looks_like_ndjson(prefix: &[u8]) -> bool {
    let p = prefix.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(prefix);
    p.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_and_header() {
        assert_eq!(ClickField::of_name(b"Ad ID"), Some(ClickField::AdId));
        assert_eq!(ClickField::of_name(b"\"event-time\""), Some(ClickField::Timestamp));
        assert_eq!(ClickField::of_name(b"ip"), Some(ClickField::Ip));
        assert_eq!(ClickField::of_name(b"impressions"), None);
        let h: Vec<&[u8]> = vec![b"click_id", b"ad_id", b"ts", b"user_id"];
        let c = ClickColumns::from_header(h).unwrap();
        assert_eq!(c.column[ClickField::AdId.index()], Some(1));
        assert_eq!(c.column[ClickField::Timestamp.index()], Some(2));
        assert!(!c.has(ClickField::Ip));
        let perf: Vec<&[u8]> = vec![b"campaign_id", b"date", b"clicks"];
        assert_eq!(ClickColumns::from_header(perf), None);
        assert!(looks_like_ndjson(b"\xEF\xBB\xBF \n{\"ad_id\":1}"));
        assert!(!looks_like_ndjson(b"ad_id,ts\n"));
    }
}
