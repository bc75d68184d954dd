//! Formatting results: exact decimal rounding (half away from zero) and
//! CSV rows that are RFC 4180-quoted and safe to open in a spreadsheet.

use crate::number::MICROS;
use crate::rank::Ranked;
use crate::totals::Totals;

/// Header of both output files.
pub const HEADER: &str = "campaign_id,total_impressions,total_clicks,total_spend,total_conversions,CTR,CPA";

/// `num / den` rounded half away from zero to `decimals` places (den > 0).
pub fn format_ratio(num: u128, den: u128, decimals: u32) -> String {
    let scale = 10u128.pow(decimals);
    let scaled = (num * scale * 2 + den) / (den * 2);
    let (int, frac) = (scaled / scale, scaled % scale);
    if decimals == 0 {
        return int.to_string();
    }
    format!("{int}.{frac:0width$}", width = decimals as usize)
}

/// Total spend with 2 decimals.
pub fn spend(t: &Totals) -> String {
    format_ratio(u128::from(t.spend_micros), u128::from(MICROS), 2)
}

/// CTR with 4 decimals, empty without impressions.
pub fn ctr(t: &Totals) -> String {
    if t.impressions == 0 {
        return String::new();
    }
    format_ratio(u128::from(t.clicks), u128::from(t.impressions), 4)
}

/// CPA with 2 decimals, empty without conversions.
pub fn cpa(t: &Totals) -> String {
    if t.conversions == 0 {
        return String::new();
    }
    format_ratio(u128::from(t.spend_micros), u128::from(t.conversions) * u128::from(MICROS), 2)
}

/// A campaign id as a CSV field: a leading `=`, `+`, `-`, `@`, tab or CR
/// gets a `'` in front (OWASP CSV-injection rule) and the field is quoted
/// when it contains a delimiter, quote or line break.
pub fn csv_text_field(raw: &[u8]) -> String {
    let mut out = String::with_capacity(raw.len() + 3);
    push_csv_text_field(&mut out, raw);
    out
}

/// [`csv_text_field`] appended to `out`.
pub fn push_csv_text_field(out: &mut String, raw: &[u8]) {
    let text = String::from_utf8_lossy(raw);
    let guard = matches!(raw.first(), Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r'));
    let quote = text.contains([',', '"', '\n', '\r']);
    if quote {
        out.push('"');
    }
    if guard {
        out.push('\'');
    }
    if quote {
        for (i, part) in text.split('"').enumerate() {
            if i > 0 {
                out.push_str("\"\"");
            }
            out.push_str(part);
        }
        out.push('"');
    } else {
        out.push_str(&text);
    }
}

/// The whole CSV file for a ranking: header plus one LF-terminated row each.
pub fn ranking_csv(rows: &[Ranked]) -> String {
    let mut out = String::with_capacity(HEADER.len() + 1 + rows.len() * 64);
    out.push_str(HEADER);
    out.push('\n');
    for r in rows {
        let t = &r.totals;
        out.push_str(&format!(
            "{},{},{},{},{},{},{}\n",
            csv_text_field(&r.campaign_id),
            t.impressions,
            t.clicks,
            spend(t),
            t.conversions,
            ctr(t),
            cpa(t)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(i: u64, c: u64, s: u64, v: u64) -> Totals {
        Totals { impressions: i, clicks: c, spend_micros: s, conversions: v }
    }

    #[test]
    fn spec_example() {
        let row = Ranked { campaign_id: b"CMP042"[..].into(), totals: t(125000, 6250, 12_500_500_000, 625), name: None };
        assert_eq!(ranking_csv(&[row]), format!("{HEADER}\nCMP042,125000,6250,12500.50,625,0.0500,20.00\n"));
    }

    #[test]
    fn rounding_half_away_from_zero() {
        assert_eq!(cpa(&t(0, 0, 125_000, 1)), "0.13"); // 0.125
        assert_eq!(cpa(&t(0, 0, 124_999, 1)), "0.12");
        assert_eq!(ctr(&t(20000, 1, 0, 0)), "0.0001"); // 0.00005
        assert_eq!(ctr(&t(20001, 1, 0, 0)), "0.0000");
        assert_eq!(ctr(&t(3, 2, 0, 0)), "0.6667");
        assert_eq!(spend(&t(0, 0, 4_995_000, 0)), "5.00"); // 4.995
        assert_eq!(spend(&t(0, 0, 4_994_999, 0)), "4.99");
        assert_eq!(ctr(&t(0, 0, 0, 0)), "");
        assert_eq!(cpa(&t(0, 0, 5, 0)), "");
        assert_eq!(ctr(&t(5, 5, 0, 0)), "1.0000");
        assert_eq!(spend(&t(0, 0, u64::MAX, 0)), "18446744073709.55");
    }

    #[test]
    fn quoting_and_injection() {
        assert_eq!(csv_text_field(b"CMP1"), "CMP1");
        assert_eq!(csv_text_field(b"a,b"), "\"a,b\"");
        assert_eq!(csv_text_field(b"say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_text_field(b"line\nbreak"), "\"line\nbreak\"");
        assert_eq!(csv_text_field(b"=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(csv_text_field(b"-1,2"), "\"'-1,2\"");
        assert_eq!(csv_text_field(b"@x"), "'@x");
        assert_eq!(csv_text_field(b"+x"), "'+x");
        assert_eq!(csv_text_field(b"=a\"b,c"), "\"'=a\"\"b,c\"");
        assert_eq!(csv_text_field(b"\"\""), "\"\"\"\"\"\"");
        assert_eq!(csv_text_field(b"\rx"), "\"'\rx\"");
        assert_eq!(csv_text_field(b"a\xffb"), "a\u{fffd}b");
        let mut out = String::from("x,");
        push_csv_text_field(&mut out, b"y\"");
        assert_eq!(out, "x,\"y\"\"\"");
    }
}
