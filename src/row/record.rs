//! Turning the fields of one data record into values, or a reason to skip
//! it. This is the single place where row semantics live; the fast path in
//! [`crate::read::fast`] only accepts lines it parses to the same values.

use crate::error::SkipKind;
use crate::read::plan::Plan;
use crate::schema::field::Field;
use crate::schema::totals::{Sum, SumKind, Totals, SUMS};
use crate::text::number::{parse_count_in, parse_micros_rounding_in, trim, NumError, NumberFormat};

/// Records longer than this many bytes (after unquoting) are skipped.
pub const RECORD_LIMIT: usize = 1 << 20;

/// Raw bytes kept of a rejected record.
pub const RAW_LIMIT: usize = 1024;

/// Column indices of the required fields plus the expected field count.
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    /// Fields every record must have.
    pub field_count: usize,
    /// Column of `campaign_id`.
    pub campaign: usize,
    /// Column of each summed field, by [`Sum::index`]; `None` for an
    /// optional one the file does not have (it sums 0).
    pub sums: [Option<usize>; SUMS],
    /// How numbers are written.
    pub format: NumberFormat,
    /// Column of the date, if any (checked, never required).
    pub date: Option<usize>,
    /// Column of the campaign name shown beside the id, if any.
    pub name: Option<usize>,
    /// Today: later dates get a warning.
    pub today: Option<crate::text::date::Day>,
    /// The order `1/2/2025`-style dates are read in ([`Plan::dates`]).
    pub date_order: crate::text::date::DateOrder,
    /// The date evidence a reader counts ([`crate::read::plan::DateChoice::report`]).
    pub date_report: u8,
    /// Words that label a total row besides English's `Total`, as the
    /// file's bytes write them: those of its header's language
    /// ([`crate::schema::locale::total_words`]); empty for English.
    pub totals: &'static [&'static [u8]],
    /// The file's encoding: a value quoted in a message is decoded
    /// ([`crate::text::encoding::Encoding::to_utf8`]).
    pub encoding: crate::text::encoding::Encoding,
}

impl Layout {
    /// The layout of `plan`.
    pub fn new(plan: &Plan) -> Layout {
        Layout {
            field_count: plan.field_count(),
            campaign: plan.column(Field::CampaignId),
            sums: Sum::ALL.map(|s| plan.column_of(s.field())),
            format: plan.number_format(),
            date: plan.date_column,
            name: plan.name_column,
            today: plan.today,
            date_order: plan.dates.order(),
            date_report: plan.dates.report(),
            totals: crate::schema::locale::total_words(plan.lang, plan.encoding.legacy()),
            encoding: plan.encoding,
        }
    }
}

/// Parses the fields of one record (`field(i)` returns field `i`).
///
/// Returns the trimmed campaign id and the values, or why the record is
/// skipped. Only [`SkipKind`] is computed eagerly; call [`describe`] for a
/// message.
#[inline]
pub fn parse_record<'a>(
    layout: &Layout,
    count: usize,
    field: impl Fn(usize) -> &'a [u8],
) -> Result<(&'a [u8], Totals), SkipKind> {
    parse_row(layout, count, field).map(|(campaign, values, _)| (campaign, values))
}

/// [`parse_record`], and whether the spend was rounded to 6 decimals
/// (a data-quality warning: [`crate::Warn::SpendRounded`]).
#[inline]
pub fn parse_row<'a>(
    layout: &Layout,
    count: usize,
    field: impl Fn(usize) -> &'a [u8],
) -> Result<(&'a [u8], Totals, bool), SkipKind> {
    if is_footer(layout, count, &field) {
        return Err(SkipKind::Footer);
    }
    if count != layout.field_count {
        return Err(SkipKind::FieldCount {
            expected: layout.field_count,
            found: count,
        });
    }
    let campaign = trim(field(layout.campaign));
    if campaign.is_empty() {
        return Err(SkipKind::EmptyCampaign);
    }
    let mut values = Totals::default();
    let mut rounded = false;
    for s in Sum::ALL {
        let Some(column) = layout.sums[s.index()] else {
            continue; // an optional column the file does not have
        };
        let (text, format) = (field(column), layout.format);
        let value = match s.kind() {
            SumKind::Count => parse_count_in(text, format),
            // Money is rounded to micros; only spend's rounding is a
            // data-quality warning (revenue is rounded the same way, silently).
            SumKind::Money => parse_micros_rounding_in(text, format).map(|(micros, r)| {
                rounded |= r && s == Sum::Spend;
                micros
            }),
        };
        values.sums[s.index()] = value.map_err(|e| match e {
            NumError::Invalid => SkipKind::NotANumber(s.field()),
            NumError::Negative => SkipKind::Negative(s.field()),
            NumError::TooLarge => SkipKind::TooLarge(s.field()),
        })?;
    }
    Ok((campaign, values, rounded))
}

/// True for a cell that labels a total row: `Total`, `Totals` or
/// `Total: …` (`Total: Account`, `Total: Campaigns`), in any case. Never a
/// prefix of a name: `Total Recall`, `Totals Sale` and `TOTAL GYM` are
/// campaigns.
pub fn is_total_label(value: &[u8]) -> bool {
    let v = trim(value);
    v.eq_ignore_ascii_case(b"total")
        || v.eq_ignore_ascii_case(b"totals")
        || (v.len() >= 6 && v[..6].eq_ignore_ascii_case(b"total:"))
}

/// [`is_total_label`], or one of `words` (a language's total words,
/// [`Layout::totals`]) exactly or followed by `:` (or a full-width `：`,
/// after spaces: French `Total général : compte`, Japanese `合計: アカウント`),
/// ASCII case folded.
pub fn is_total_label_in(value: &[u8], words: &[&[u8]]) -> bool {
    is_total_label(value) || {
        let v = trim(value);
        words.iter().any(|w| {
            v.len() >= w.len()
                && v[..w.len()].eq_ignore_ascii_case(w)
                && match trim(&v[w.len()..]) {
                    [] => true,
                    rest => [&b":"[..], "\u{ff1a}".as_bytes(), b"\x81\x46"].iter().any(|c| rest.starts_with(c)),
                }
        })
    }
}

/// A cell as summary rows leave it: empty, `--`, or a total label.
fn summary_cell(value: &[u8], words: &[&[u8]]) -> bool {
    let v = trim(value);
    v.is_empty() || v == b"--" || is_total_label_in(v, words)
}

/// Total rows and copyright footers, as exports write them:
/// - a total row has a total label ([`is_total_label`]) in its first cell,
///   its campaign cell or its name cell, and is shaped like a summary: its
///   campaign cell and its date cell (when the file has dates) are empty,
///   `--` or the label (Google Ads `Total: Account,--,--,7000,…`, Meta and
///   TikTok `Total,,200,…`). A row with a campaign id and a date is data,
///   whatever its cells say;
/// - a footer is a lone field such as `©2018 Microsoft Corporation. All
///   rights reserved.`
fn is_footer<'a>(layout: &Layout, count: usize, field: &impl Fn(usize) -> &'a [u8]) -> bool {
    if count == 1 {
        let text = String::from_utf8_lossy(field(0)).to_lowercase();
        return text.contains('\u{a9}') || text.contains("rights reserved") || text.starts_with("copyright");
    }
    let cell = |c: usize| (c < count).then(|| field(c));
    let labelled = [Some(0), Some(layout.campaign), layout.name]
        .into_iter()
        .flatten()
        .filter_map(cell)
        .any(|v| is_total_label_in(v, layout.totals));
    labelled
        && cell(layout.campaign).is_none_or(|v| summary_cell(v, layout.totals))
        && layout.date.and_then(cell).is_none_or(|v| summary_cell(v, layout.totals))
}

/// The message for a skipped record, quoting the offending value (cut to
/// 60 bytes).
pub fn describe<'a>(layout: &Layout, kind: SkipKind, field: impl Fn(usize) -> &'a [u8]) -> String {
    let quoted = |value: &[u8]| {
        let cut = &value[..value.len().min(60)];
        let more = if value.len() > 60 { "..." } else { "" };
        format!("{kind}: {:?}{more}", String::from_utf8_lossy(&layout.encoding.to_utf8(cut)))
    };
    match kind {
        SkipKind::NotANumber(f) | SkipKind::Negative(f) | SkipKind::TooLarge(f) => {
            quoted(field(Sum::of_field(f).and_then(|s| layout.sums[s.index()]).unwrap_or(layout.campaign)))
        }
        // The row's first cell says what it was: `Total: Account`, `©2025 …`.
        SkipKind::Footer => quoted(trim(field(0))),
        _ => kind.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LAYOUT: Layout = Layout {
        field_count: 6,
        campaign: 0,
        sums: [Some(2), Some(3), Some(4), Some(5), None],
        format: NumberFormat {
            decimal_comma: false,
            wide: false,
        },
        date: Some(1),
        name: None,
        today: None,
        date_order: crate::text::date::DateOrder::MonthFirst,
        date_report: 0,
        totals: &[],
        encoding: crate::text::encoding::Encoding::Utf8,
    };

    fn parse(fields: &[&'static str]) -> Result<(&'static [u8], Totals), SkipKind> {
        parse_record(&LAYOUT, fields.len(), |i| fields[i].as_bytes())
    }

    #[test]
    fn good_row() {
        let (c, v) = parse(&["CMP001", "2025-01-01", "12000", "300", "45.50", "12"]).unwrap();
        assert_eq!(c, b"CMP001");
        assert_eq!(
            v,
            Totals::new([12000, 300, 45_500_000, 12, 0])
        );
    }

    #[test]
    fn revenue_is_read_when_the_layout_has_it() {
        let layout = Layout { field_count: 7, sums: [Some(2), Some(3), Some(4), Some(5), Some(6)], ..LAYOUT };
        let fields = ["a", "d", "10", "2", "1.50", "1", "1.23456789"];
        let (_, v, rounded) = parse_row(&layout, 7, |i| fields[i].as_bytes()).unwrap();
        assert_eq!(v, Totals::new([10, 2, 1_500_000, 1, 1_234_568]));
        assert!(!rounded, "revenue's rounding is not spend's warning");
        let fields = ["a", "d", "10", "2", "1.50", "1", "x"];
        assert_eq!(
            parse_row(&layout, 7, |i| fields[i].as_bytes()).unwrap_err(),
            SkipKind::NotANumber(Field::Revenue)
        );
        assert_eq!(
            describe(&layout, SkipKind::NotANumber(Field::Revenue), |i| fields[i].as_bytes()),
            "revenue is not a number: \"x\""
        );
    }

    #[test]
    fn spend_is_rounded_to_micros_and_said_so() {
        let row = |spend: &'static str| {
            let fields = ["a", "d", "10", "2", spend, "1"];
            parse_row(&LAYOUT, 6, |i| fields[i].as_bytes()).map(|(_, v, rounded)| (v[Sum::Spend], rounded))
        };
        assert_eq!(row("1.429999948"), Ok((1_430_000, true)));
        assert_eq!(row("0.0000005"), Ok((1, true)));
        assert_eq!(row("0.00000049999"), Ok((0, true)));
        assert_eq!(row("1.2500000"), Ok((1_250_000, false)));
        assert_eq!(row("1e-05"), Ok((10, false)));
        assert_eq!(row("45.50"), Ok((45_500_000, false)));
        assert_eq!(row("-1e-9"), Err(SkipKind::Negative(Field::Spend)));
        assert_eq!(row("1e14"), Err(SkipKind::TooLarge(Field::Spend)));
        assert_eq!(row("1e"), Err(SkipKind::NotANumber(Field::Spend)));
    }

    #[test]
    fn reasons() {
        use SkipKind::*;
        assert_eq!(
            parse(&["a", "d", "1", "2", "3"]).unwrap_err(),
            FieldCount {
                expected: 6,
                found: 5
            }
        );
        assert_eq!(
            parse(&[" ", "d", "1", "2", "3", "4"]).unwrap_err(),
            EmptyCampaign
        );
        assert_eq!(
            parse(&["a", "d", "1", "abc", "3", "4"]).unwrap_err(),
            NotANumber(Field::Clicks)
        );
        assert_eq!(
            parse(&["a", "d", "1", "2", "-1.00", "4"]).unwrap_err(),
            Negative(Field::Spend)
        );
        assert_eq!(
            parse(&["a", "d", "12.5", "2", "3", "4"]).unwrap_err(),
            NotANumber(Field::Impressions)
        );
        assert_eq!(
            parse(&["a", "d", "1", "2", "1e-05", "4"]).unwrap().1[Sum::Spend],
            10
        );
        assert_eq!(
            parse(&["a", "d", "1.25e1", "2", "3", "4"]).unwrap_err(),
            NotANumber(Field::Impressions)
        );
        assert_eq!(parse(&["a", "d", "4.8e1", "2", "3", "4"]).unwrap().1[Sum::Impressions], 48);
        assert_eq!(
            parse(&["a", "d", "1", "2", "3", "99999999999999999999"]).unwrap_err(),
            TooLarge(Field::Conversions)
        );
        assert_eq!(
            parse(&["Total: Account", "--", "1", "2", "3", "4"]).unwrap_err(),
            Footer
        );
        assert_eq!(
            parse(&["Totals", "", "1", "2", "3", "4"]).unwrap_err(),
            Footer
        );
        assert_eq!(
            parse(&["\u{a9}2018 Microsoft Corporation. All rights reserved."]).unwrap_err(),
            Footer
        );
        assert!(parse(&["Totally new", "d", "1", "2", "3", "4"]).is_ok());
        // Campaigns named like totals, with a date: data (issue 12).
        for id in ["Total Recall", "Totals Sale", "TOTAL GYM Spring", "Total-Spring", "Total", "Total: Recall"] {
            let (c, _) = parse(&[id, "2025-01-01", "100", "50", "5.00", "1"]).unwrap();
            assert_eq!(c, id.as_bytes());
        }
    }

    /// Each language's total words, in UTF-8 and as its legacy encoding
    /// writes them; only in a file of that language.
    #[test]
    fn total_rows_in_other_languages() {
        use crate::schema::locale::{total_words, Lang};
        use SkipKind::*;
        let with = |lang, legacy| Layout { date: None, field_count: 5, sums: [Some(1), Some(2), Some(3), Some(4), None], totals: total_words(Some(lang), legacy), ..LAYOUT };
        let parse5 = |layout: &Layout, f: &[&'static [u8]]| parse_record(layout, f.len(), |i| f[i]).map(|(c, _)| c);
        let cases: &[(Lang, &[&[u8]], &[&[u8]])] = &[
            (Lang::Ja, &["合計".as_bytes(), "合計行".as_bytes(), "総計".as_bytes(), "合計: アカウント".as_bytes(), "合計：キャンペーン".as_bytes()], &[b"\x8d\x87\x8c\x76", b"\x8d\x87\x8c\x76: \x83\x41"]),
            (Lang::De, &[b"Gesamt", b"SUMME", b"Insgesamt", b"Gesamtergebnis", b"Gesamt: Konto", b"Total"], &[b"Gesamt"]),
            (Lang::Fr, &["Total général".as_bytes(), "Total général : compte".as_bytes(), b"Total"], &[b"Total g\xe9n\xe9ral"]),
            (Lang::Es, &[b"Total", b"Totales", b"Total general"], &[b"Total general"]),
            (Lang::Pt, &[b"Total", b"Total geral", b"Total geral: conta"], &[b"Total geral"]),
        ];
        for (lang, utf8, legacy) in cases {
            for (words, is_legacy) in [(*utf8, false), (*legacy, true)] {
                let layout = with(*lang, is_legacy);
                for w in words {
                    assert_eq!(parse5(&layout, &[w, b"1", b"2", b"3", b"4"]), Err(Footer), "{lang:?} {:?}", String::from_utf8_lossy(w));
                }
            }
        }
        // Names that start with a word are campaigns; an English file knows no other words.
        let de = with(Lang::De, false);
        assert_eq!(parse5(&de, &[b"Gesamtkosten Sommer", b"1", b"2", b"3", b"4"]), Ok(&b"Gesamtkosten Sommer"[..]));
        assert_eq!(parse5(&LAYOUT_NO_DATE, &[b"Gesamt", b"1", b"2", b"3", b"4"]), Ok(&b"Gesamt"[..]));
        assert_eq!(parse5(&LAYOUT_NO_DATE, &["合計".as_bytes(), b"1", b"2", b"3", b"4"]), Ok("合計".as_bytes()));
        let ja = with(Lang::Ja, false);
        assert_eq!(parse5(&ja, &["合計金額キャンペーン".as_bytes(), b"1", b"2", b"3", b"4"]), Ok("合計金額キャンペーン".as_bytes()));
        // With a date column: a labelled row with a date is data, as in English.
        let ja_dated = Layout { totals: total_words(Some(Lang::Ja), false), field_count: 6, ..LAYOUT };
        let f: [&[u8]; 6] = ["合計".as_bytes(), b"2025-01-01", b"1", b"2", b"3", b"4"];
        assert!(parse_record(&ja_dated, 6, |i| f[i]).is_ok());
        let f: [&[u8]; 6] = ["合計".as_bytes(), b"", b"1", b"2", b"3", b"4"];
        assert_eq!(parse_record(&ja_dated, 6, |i| f[i]).map(|(c, _)| c), Err(Footer));
    }

    const LAYOUT_NO_DATE: Layout = Layout { date: None, field_count: 5, sums: [Some(1), Some(2), Some(3), Some(4), None], ..LAYOUT };

    #[test]
    fn total_rows_are_shaped_like_summaries() {
        use SkipKind::*;
        // Google Ads: the label in the name column, `--` for id and day.
        let layout = Layout { field_count: 7, campaign: 1, sums: [Some(3), Some(4), Some(5), Some(6), None], name: Some(0), date: Some(2), ..LAYOUT };
        let parse7 = |f: &[&'static str]| parse_record(&layout, f.len(), |i| f[i].as_bytes()).map(|(c, _)| c);
        assert_eq!(parse7(&["Total: Account", "--", "--", "7,000", "140", "1,100.00", "10.00"]), Err(Footer));
        assert_eq!(parse7(&["Total: Search", "", "", "7", "1", "1", "1"]), Err(Footer));
        // An advertiser or name cell that starts with Total, on a data row.
        assert_eq!(parse7(&["Total Wine & More", "TW1", "2025-01-01", "100", "50", "5.00", "1"]), Ok(&b"TW1"[..]));
        // A label with an id, or with a date: data.
        assert_eq!(parse7(&["Total: Account", "111", "--", "1", "1", "1", "1"]), Ok(&b"111"[..]));
        assert_eq!(parse7(&["Total", "--", "2025-01-01", "1", "1", "1", "1"]), Ok(&b"--"[..]));
        // Without a date column, the label alone in the key makes a total row.
        let layout = Layout { date: None, field_count: 5, sums: [Some(1), Some(2), Some(3), Some(4), None], ..LAYOUT };
        let parse5 = |f: &[&'static str]| parse_record(&layout, f.len(), |i| f[i].as_bytes()).map(|(c, _)| c);
        assert_eq!(parse5(&["TOTALS", "1", "2", "3", "4"]), Err(Footer));
        assert_eq!(parse5(&["Total Recall", "1", "2", "3", "4"]), Ok(&b"Total Recall"[..]));
        assert_eq!(
            parse(&["a", "d", "", "--", "3", "4"])
                .unwrap()
                .1[Sum::Impressions],
            0
        );
        let fields = ["a", "d", "1", "abc", "3", "4"];
        let msg = describe(&LAYOUT, NotANumber(Field::Clicks), |i| fields[i].as_bytes());
        assert_eq!(msg, "clicks is not a number: \"abc\"");
    }
}
