//! The fast path for plain lines: no quotes, no stray `\r`, numbers made of
//! digits only. It parses such a line in one pass without copying; anything
//! else returns `None` and goes through csv-core (see [`crate::aggregator`]).
//!
//! Invariant, checked by a differential test: whenever this returns
//! `Some`, csv-core plus [`crate::record::parse_record`] give the same
//! campaign and values for that line.

use crate::number::trim;
use crate::record::Layout;
use crate::totals::RowValues;

/// What the fast path does with one column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Skip,
    Campaign,
    /// A count stored in `RowValues` slot 0 (impressions), 1 (clicks) or 3 (conversions).
    Count(u8),
    Money,
}

/// A precomputed per-column plan for [`FastParser::parse`].
#[derive(Debug, Clone)]
pub struct FastParser {
    cols: Vec<Col>,
    delimiter: u8,
}

impl FastParser {
    /// Builds the per-column plan for `layout`.
    pub fn new(layout: &Layout, delimiter: u8) -> FastParser {
        let mut cols = vec![Col::Skip; layout.field_count];
        cols[layout.campaign] = Col::Campaign;
        cols[layout.metrics[0]] = Col::Count(0);
        cols[layout.metrics[1]] = Col::Count(1);
        cols[layout.metrics[2]] = Col::Money;
        cols[layout.metrics[3]] = Col::Count(3);
        FastParser { cols, delimiter }
    }

    /// Parses one line body (without its `\n` / `\r\n`), or declines.
    #[inline]
    pub fn parse<'a>(&self, body: &'a [u8]) -> Option<(&'a [u8], RowValues)> {
        let delim = self.delimiter;
        let n = body.len();
        let last = self.cols.len() - 1;
        let mut p = 0usize;
        let mut counts = [0u64; 4];
        let mut spend = 0u64;
        let mut campaign: &[u8] = &[];
        for (i, &col) in self.cols.iter().enumerate() {
            let start = p;
            match col {
                Col::Skip | Col::Campaign => {
                    while p < n {
                        let b = body[p];
                        if b == delim {
                            break;
                        }
                        if b == b'"' || b == b'\r' {
                            return None;
                        }
                        p += 1;
                    }
                    if col == Col::Campaign {
                        campaign = &body[start..p];
                    }
                }
                Col::Count(slot) => {
                    let mut v = 0u64;
                    while p < n {
                        let d = body[p].wrapping_sub(b'0');
                        if d > 9 {
                            break;
                        }
                        v = v.wrapping_mul(10).wrapping_add(u64::from(d));
                        p += 1;
                    }
                    let digits = p - start;
                    if digits == 0 || digits > 19 {
                        return None;
                    }
                    counts[slot as usize] = v;
                }
                Col::Money => {
                    let mut v = 0u64;
                    while p < n {
                        let d = body[p].wrapping_sub(b'0');
                        if d > 9 {
                            break;
                        }
                        v = v.wrapping_mul(10).wrapping_add(u64::from(d));
                        p += 1;
                    }
                    let int_digits = p - start;
                    if int_digits == 0 || int_digits > 12 {
                        return None;
                    }
                    let mut scale = 1_000_000u64;
                    if p < n && body[p] == b'.' {
                        p += 1;
                        let frac_start = p;
                        while p < n {
                            let d = body[p].wrapping_sub(b'0');
                            if d > 9 {
                                break;
                            }
                            v = v.wrapping_mul(10).wrapping_add(u64::from(d));
                            p += 1;
                        }
                        let frac_digits = p - frac_start;
                        if frac_digits == 0 || frac_digits > 6 {
                            return None;
                        }
                        scale = [1, 100_000, 10_000, 1_000, 100, 10, 1][frac_digits];
                    }
                    spend = v * scale;
                }
            }
            if i == last {
                if p != n {
                    return None;
                }
            } else {
                if p >= n || body[p] != delim {
                    return None;
                }
                p += 1;
            }
        }
        let trimmed = trim(campaign);
        if trimmed.is_empty() || trimmed.len() != campaign.len() {
            return None;
        }
        Some((
            campaign,
            RowValues { impressions: counts[0], clicks: counts[1], spend_micros: spend, conversions: counts[3] },
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parser() -> FastParser {
        FastParser::new(&Layout { field_count: 6, campaign: 0, metrics: [2, 3, 4, 5] }, b',')
    }

    #[test]
    fn accepts_plain_rows() {
        let (c, v) = parser().parse(b"CMP001,2025-01-01,12000,300,45.50,12").unwrap();
        assert_eq!(c, b"CMP001");
        assert_eq!(v, RowValues { impressions: 12000, clicks: 300, spend_micros: 45_500_000, conversions: 12 });
        assert_eq!(parser().parse(b"X,,0,0,7,0").unwrap().1.spend_micros, 7_000_000);
        assert_eq!(parser().parse(b"X,,0,0,0.000001,0").unwrap().1.spend_micros, 1);
    }

    #[test]
    fn declines_everything_else() {
        let p = parser();
        for line in [
            &b"\"CMP001\",d,1,2,3,4"[..],
            b"CMP001,d,1,2,3",
            b"CMP001,d,1,2,3,4,5",
            b"CMP001,d,1,abc,3,4",
            b"CMP001,d,1,2,-3,4",
            b"CMP001,d,1,2,3.,4",
            b"CMP001,d,1,2,.5,4",
            b"CMP001,d,1,2,1.1234567,4",
            b"CMP001,d, 1,2,3,4",
            b",d,1,2,3,4",
            b" CMP001,d,1,2,3,4",
            b"CMP001,d,1,2,3,4\r",
            b"CMP\r001,d,1,2,3,4",
            b"CMP001,d,1,2,3,99999999999999999999",
            b"CMP001,d,1,2,3,",
        ] {
            assert_eq!(p.parse(line), None, "{}", String::from_utf8_lossy(line));
        }
    }
}
