//! The stats query (the seed's `GET /v1/stats?ad_id=…&window=1m&start=…&end=…`):
//! one ad's billable clicks and unique users per window, for every window
//! whose start t is in [start, end) (start inclusive, end exclusive),
//! windows without clicks present with 0. The answer is compact JSON,
//! keys in the order `ad_id`, `window`, `data` (`timestamp`, `click_count`,
//! `unique_users`), timestamps in unix seconds.

use crate::clicks::report::{window_index, ClickReport};
use crate::clicks::tally::WINDOWS;
use crate::clicks::timestamp::parse_timestamp;

/// Windows an answer may have at most.
pub const STATS_WINDOWS_LIMIT: i64 = 1_000_000;

/// A parsed stats query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatsQuery {
    /// The ad.
    pub ad_id: String,
    /// Index in [`WINDOWS`].
    pub window: usize,
    /// Unix seconds, inclusive.
    pub start: i64,
    /// Unix seconds, exclusive.
    pub end: i64,
}

impl StatsQuery {
    /// Reads `ad_id=a1&window=5m&start=1736952000&end=1736966400`
    /// (URL-encoded values; start and end as unix seconds, milliseconds
    /// or ISO 8601).
    pub fn parse(query: &str) -> Result<StatsQuery, String> {
        let (mut ad, mut window, mut start, mut end) = (None, None, None, None);
        for pair in query.trim_start_matches('?').split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let v = url_decode(v);
            match k {
                "ad_id" => ad = Some(v),
                "window" => window = Some(window_index(&v).ok_or_else(|| format!("window {v:?}: use 1m, 5m or 1h"))?),
                "start" => start = Some(time(&v, "start")?),
                "end" => end = Some(time(&v, "end")?),
                _ => return Err(format!("unknown parameter {k:?} (ad_id, window, start, end)")),
            }
        }
        let q = StatsQuery {
            ad_id: ad.ok_or("ad_id is missing")?,
            window: window.ok_or("window is missing (1m, 5m or 1h)")?,
            start: start.ok_or("start is missing")?,
            end: end.ok_or("end is missing")?,
        };
        StatsQuery::new(q.ad_id, q.window, q.start, q.end)
    }

    /// A query from its parts, checked: start < end, not too many windows.
    pub fn new(ad_id: String, window: usize, start: i64, end: i64) -> Result<StatsQuery, String> {
        if end <= start {
            return Err("end must be after start (start is inclusive, end exclusive)".into());
        }
        if (end - start) / WINDOWS[window].0 > STATS_WINDOWS_LIMIT {
            return Err(format!("more than {STATS_WINDOWS_LIMIT} windows: narrow the range or use a larger window"));
        }
        Ok(StatsQuery { ad_id, window, start, end })
    }
}

fn time(v: &str, name: &str) -> Result<i64, String> {
    parse_timestamp(v.as_bytes()).map(|(ms, _)| ms.div_euclid(1000)).map_err(|e| format!("{name}: {e}"))
}

fn url_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() && b[i + 1].is_ascii_hexdigit() && b[i + 2].is_ascii_hexdigit() => {
                let hex = |c: u8| (c as char).to_digit(16).unwrap_or(0) as u8;
                out.push(hex(b[i + 1]) << 4 | hex(b[i + 2]));
                i += 2;
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The answer, as compact JSON.
pub fn stats_json(report: &ClickReport, q: &StatsQuery) -> String {
    let size = WINDOWS[q.window].0;
    let cells = report.ad_windows(q.ad_id.as_bytes(), q.window);
    let first = q.start.div_euclid(size) * size;
    let first = if first < q.start { first + size } else { first };
    let mut out = String::from("{\"ad_id\":");
    out.push_str(&serde_json::to_string(&q.ad_id).expect("a string"));
    out.push_str(",\"window\":\"");
    out.push_str(WINDOWS[q.window].1);
    out.push_str("\",\"data\":[");
    let mut i = cells.partition_point(|(_, s, _)| *s < first);
    let mut b = itoa::Buffer::new();
    let mut t = first;
    while t < q.end {
        if t > first {
            out.push(',');
        }
        let (clicks, users) = match cells.get(i) {
            Some((_, s, c)) if *s == t => {
                i += 1;
                (c.clicks, c.users.estimate(report.lg_k))
            }
            _ => (0, 0),
        };
        out.push_str("{\"timestamp\":");
        out.push_str(b.format(t));
        out.push_str(",\"click_count\":");
        out.push_str(b.format(clicks));
        out.push_str(",\"unique_users\":");
        out.push_str(b.format(users));
        out.push('}');
        t += size;
    }
    out.push_str("]}");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_queries() {
        let q = StatsQuery::parse("ad_id=a%201&window=5m&start=1736952000&end=2025-01-15T15:00:00Z").unwrap();
        assert_eq!(q, StatsQuery { ad_id: "a 1".into(), window: 1, start: 1_736_952_000, end: 1_736_953_200 });
        assert!(StatsQuery::parse("ad_id=a&window=2m&start=1&end=2").unwrap_err().contains("1m, 5m or 1h"));
        assert!(StatsQuery::parse("ad_id=a&window=1m&start=5&end=5").unwrap_err().contains("after start"));
        assert!(StatsQuery::parse("window=1m&start=1&end=5").unwrap_err().contains("ad_id"));
        assert!(StatsQuery::parse("ad_id=a&window=1m&start=0&end=99999999999").unwrap_err().contains("windows"));
    }
}
