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
        self.parse_in(body, body.len())
    }

    /// Parses the line body `buf[..n]`; `buf` may go on past it (the line
    /// break, the next lines), which lets the word loads avoid a slow
    /// padded path at the end of each line.
    #[inline]
    pub fn parse_in<'a>(&self, buf: &'a [u8], n: usize) -> Option<(&'a [u8], RowValues)> {
        let delim = self.delimiter;
        let body = buf;
        let last = self.cols.len() - 1;
        let mut p = 0usize;
        let mut counts = [0u64; 4];
        let mut spend = 0u64;
        let mut campaign: &[u8] = &[];
        for (i, &col) in self.cols.iter().enumerate() {
            let start = p;
            match col {
                Col::Skip | Col::Campaign => {
                    p = skip_text(body, n, p, delim)?;
                    if col == Col::Campaign {
                        campaign = &body[start..p];
                    }
                }
                Col::Count(slot) => {
                    let (v, len) = digits(body, n, p);
                    if len == 0 || len > 19 {
                        return None;
                    }
                    counts[slot as usize] = v;
                    p += len;
                }
                Col::Money => {
                    let (units, len) = digits(body, n, p);
                    if len == 0 || len > 12 {
                        return None;
                    }
                    p += len;
                    spend = units * 1_000_000;
                    if p < n && body[p] == b'.' {
                        let (frac, len) = digits(body, n, p + 1);
                        if len == 0 || len > 6 {
                            return None;
                        }
                        p += 1 + len;
                        spend += frac * [1, 100_000, 10_000, 1_000, 100, 10, 1][len];
                    }
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

// SWAR (SIMD within a register): eight bytes at a time in a u64, which is
// fast natively and in wasm32 alike, with no unsafe code.

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Eight bytes from `p` (little-endian), zero-padded past the end.
#[inline(always)]
fn load(b: &[u8], p: usize) -> u64 {
    match b.get(p..p + 8) {
        Some(w) => u64::from_le_bytes(w.try_into().expect("8 bytes")),
        None => {
            let mut w = [0u8; 8];
            let rest = b.get(p..).unwrap_or(&[]);
            w[..rest.len()].copy_from_slice(rest);
            u64::from_le_bytes(w)
        }
    }
}

/// High bit set in the bytes of `w` equal to `byte`; the lowest set bit
/// is exact (bits above it may be spurious).
#[inline(always)]
fn eq_mask(w: u64, byte: u8) -> u64 {
    let x = w ^ (ONES * u64::from(byte));
    x.wrapping_sub(ONES) & !x & HIGHS
}

/// End of an unquoted text field starting at `p`: the next delimiter or the
/// end of the body `buf[..n]`. `None` if a quote or `\r` comes first.
#[inline(always)]
fn skip_text(buf: &[u8], n: usize, mut p: usize, delim: u8) -> Option<usize> {
    while p < n {
        let w = load(buf, p);
        let m = eq_mask(w, delim) | eq_mask(w, b'"') | eq_mask(w, b'\r');
        if m != 0 {
            let at = p + (m.trailing_zeros() / 8) as usize;
            if at >= n {
                return Some(n);
            }
            return if buf[at] == delim { Some(at) } else { None };
        }
        p += 8;
    }
    Some(n)
}

/// The run of ASCII digits at `p` within the body `buf[..n]`: its value and
/// length. Runs of 8 or more digits are read byte by byte (the value wraps
/// past 19 digits; callers reject those lengths).
#[inline(always)]
fn digits(buf: &[u8], n: usize, p: usize) -> (u64, usize) {
    let body = &buf[..n];
    let a = load(buf, p) ^ (ONES * u64::from(b'0'));
    // High bit set in every byte that is not 0..=9 after the xor.
    let non_digit = (((a & !HIGHS) + ONES * 0x76) | a) & HIGHS;
    let len = ((non_digit.trailing_zeros() / 8) as usize).min(n.saturating_sub(p));
    match len {
        0 => (0, 0),
        1..=7 => (eight_digits(a << (8 * (8 - len))), len),
        _ => {
            let mut v = 0u64;
            let mut q = p;
            while let Some(d) = body.get(q).map(|b| b.wrapping_sub(b'0')).filter(|&d| d <= 9) {
                v = v.wrapping_mul(10).wrapping_add(u64::from(d));
                q += 1;
            }
            (v, q - p)
        }
    }
}

/// Value of eight digit values (0..=9), the most significant in the lowest byte.
#[inline(always)]
fn eight_digits(w: u64) -> u64 {
    let w = (w & 0x0F0F_0F0F_0F0F_0F0F).wrapping_mul(2561) >> 8;
    let w = (w & 0x00FF_00FF_00FF_00FF).wrapping_mul(6_553_601) >> 16;
    (w & 0x0000_FFFF_0000_FFFF).wrapping_mul(42_949_672_960_001) >> 32
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
    fn swar_digits_match_bytewise() {
        for text in ["", "0", "7", "12", "123", "1234", "12345", "123456", "1234567", "12345678", "123456789",
            "0000000000000000001", "9999999999999999999", "12a", "1.5", "45.50", "1,2"] {
            let expected_len = text.bytes().take_while(u8::is_ascii_digit).count();
            let expected: u64 = text[..expected_len].parse().unwrap_or(0);
            assert_eq!(digits(text.as_bytes(), text.len(), 0), (expected, expected_len), "{text}");
            let padded = format!("xx{text},9999");
            assert_eq!(digits(padded.as_bytes(), padded.len(), 2), (expected, expected_len), "{padded}");
        }
        let st = |s: &[u8], p| skip_text(s, s.len(), p, b',');
        assert_eq!(st(b"2025-01-01,5", 0), Some(10));
        assert_eq!(st(b"2025-01-01", 0), Some(10));
        assert_eq!(st(b"a\"b,", 0), None);
        assert_eq!(st(b"abcdefghijk\r,", 0), None);
        assert_eq!(st(b"abcdefghijklmnopq,", 3), Some(17));
        assert_eq!(skip_text(b"abc\r\nx,y", 3, 0, b','), Some(3));
        assert_eq!(digits(b"12\r\n34", 2, 0), (12, 2));
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
