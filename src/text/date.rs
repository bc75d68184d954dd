//! Calendar dates as ad platforms export them, as day numbers (days since
//! 1970-01-01), for the data-quality checks: a date that does not parse,
//! one in the future, the same campaign and date twice.
//!
//! Accepted: `2025-01-31`, `2025/01/31`, `2025.01.31`, `20250131`, any of
//! them followed by a time (`2025-01-31 00:00:00`, `2025-01-31T00:00Z`);
//! `1/31/2025` (month first, US exports) or `31/1/2025` when the first
//! number cannot be a month; `31.01.2025`; `Jan 31, 2025` and
//! `31 Jan 2025`. The date must exist (`2025-02-30` does not).
//!
//! Day first or month first ([`DateOrder`]): a file is read with one order
//! ([`parse_date_in`]), chosen from the data or by the user
//! ([`crate::read::plan`]); each `a/b/yyyy` date (also with `.` or `-`)
//! says what it proves about the order ([`DAY_FIRST`], [`MONTH_FIRST`],
//! [`AMBIGUOUS`]). ISO dates and named months prove nothing.

/// Which of the two numbers before a 4-digit year is the month
/// (`1/2/2025`): the file's choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(target_arch = "wasm32", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(target_arch = "wasm32", serde(rename_all = "camelCase"))]
pub enum DateOrder {
    /// Decided from the data (an option); as a way to read
    /// ([`parse_date_in`]): the old per-value rule, `/` month first unless
    /// the first number cannot be a month, `.` and `-` day first.
    #[default]
    Auto,
    /// `1/2/2025` is January 2 (US exports).
    MonthFirst,
    /// `1/2/2025` is 1 February.
    DayFirst,
}

impl DateOrder {
    /// `mdy`, `dmy` or `auto`, as the CLI's `--date-order` takes them.
    pub fn from_name(name: &str) -> Option<DateOrder> {
        match name.trim().to_ascii_lowercase().as_str() {
            "auto" => Some(DateOrder::Auto),
            "mdy" | "month-first" | "month" | "us" => Some(DateOrder::MonthFirst),
            "dmy" | "day-first" | "day" => Some(DateOrder::DayFirst),
            _ => None,
        }
    }

    /// As the summary says it: `month first`, `day first` (`auto`).
    pub fn text(self) -> &'static str {
        match self {
            DateOrder::Auto => "auto",
            DateOrder::MonthFirst => "month first",
            DateOrder::DayFirst => "day first",
        }
    }

    /// The option that chooses it: `mdy`, `dmy` (`auto`).
    pub fn name(self) -> &'static str {
        match self {
            DateOrder::Auto => "auto",
            DateOrder::MonthFirst => "mdy",
            DateOrder::DayFirst => "dmy",
        }
    }

    /// The other order (`Auto` stays).
    pub fn other(self) -> DateOrder {
        match self {
            DateOrder::Auto => DateOrder::Auto,
            DateOrder::MonthFirst => DateOrder::DayFirst,
            DateOrder::DayFirst => DateOrder::MonthFirst,
        }
    }

    /// The evidence bit that contradicts reading this order
    /// ([`DAY_FIRST`] for month first and the other way; both for `Auto`).
    pub fn against(self) -> u8 {
        match self {
            DateOrder::Auto => DAY_FIRST | MONTH_FIRST,
            DateOrder::MonthFirst => DAY_FIRST,
            DateOrder::DayFirst => MONTH_FIRST,
        }
    }
}

/// Evidence bit: an `a/b/yyyy` date that can only be day first (`13/01/2025`).
pub const DAY_FIRST: u8 = 1;
/// Evidence bit: an `a/b/yyyy` date that can only be month first (`01/13/2025`).
pub const MONTH_FIRST: u8 = 2;
/// Evidence bit: an `a/b/yyyy` date that is a different day in each order (`1/2/2025`).
pub const AMBIGUOUS: u8 = 4;
/// Evidence bit, beside one of the others: the date's separator is `.` or
/// `-` (`01.02.2025`, written day first by convention), not `/`.
pub const DOTTED: u8 = 8;

/// A day number: days since 1970-01-01 (negative before).
pub type Day = i32;

/// The day of a row without a date (a file without a date column): no day.
pub const NO_DAY: Day = Day::MIN;

/// Days since 1970-01-01 of a proleptic Gregorian date, if it exists.
pub fn day_from_civil(year: u32, month: u32, day: u32) -> Option<Day> {
    if !(1..=9999).contains(&year)
        || !(1..=12).contains(&month)
        || day == 0
        || day > days_in_month(year, month)
    {
        return None;
    }
    // Howard Hinnant's days_from_civil.
    let y = i64::from(year) - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some((era * 146_097 + doe - 719_468) as Day)
}

/// The date of a day number, as `(year, month, day)`.
pub fn civil_from_day(day: Day) -> (i32, u32, u32) {
    let z = i64::from(day) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    ((yoe + era * 400 + i64::from(m <= 2)) as i32, m, d)
}

/// `YYYY-MM-DD` for a day number.
pub fn format_day(day: Day) -> String {
    let mut out = String::with_capacity(10);
    push_day(&mut out, day);
    out
}

/// [`format_day`], appended to `out`.
pub fn push_day(out: &mut String, day: Day) {
    let (y, m, d) = civil_from_day(day);
    if !(0..=9999).contains(&y) {
        out.push_str(&format!("{y:04}-{m:02}-{d:02}"));
        return;
    }
    let y = y as u32;
    let digit = |v: u32| b'0' + (v % 10) as u8;
    let text = [digit(y / 1000), digit(y / 100), digit(y / 10), digit(y), b'-', digit(m / 10), digit(m), b'-', digit(d / 10), digit(d)];
    out.extend(text.iter().map(|&b| char::from(b)));
}

fn is_leap(year: u32) -> bool {
    year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400))
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Parses a date field (surrounding spaces allowed), or `None`; `1/2/2025`
/// month first, `1.2.2025` day first ([`DateOrder::Auto`]).
pub fn parse_date(field: &[u8]) -> Option<Day> {
    parse_date_in(field, DateOrder::Auto).0
}

/// Parses a date field read in `order`, and what it proves about the
/// order (the bits [`DAY_FIRST`], [`MONTH_FIRST`], [`AMBIGUOUS`] with
/// [`DOTTED`]; 0 for ISO dates, named months and what is not a date). A
/// date that can only be read the other way (`13/01/2025` read month
/// first) is read that way.
pub fn parse_date_in(field: &[u8], order: DateOrder) -> (Option<Day>, u8) {
    let s = crate::text::number::trim(field);
    // Cut a time part: after `T` or a space following a numeric date.
    match numeric(date_part(s), order) {
        (Some(day), ev) => (Some(day), ev),
        (None, ev) => (named(s), ev),
    }
}

/// The date before a time part (`2025-01-31 00:00:00`, `2025-01-31T10:00Z`).
fn date_part(s: &[u8]) -> &[u8] {
    match s.iter().position(|&b| b == b' ' || b == b'T') {
        Some(i)
            if i >= 8
                && s[..i]
                    .iter()
                    .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'/' | b'.')) =>
        {
            &s[..i]
        }
        _ => s,
    }
}

/// Splits `s` into numbers separated by one kind of separator.
fn numbers(s: &[u8], sep: u8) -> Option<[(u32, usize); 3]> {
    let mut out = [(0, 0); 3];
    let mut parts = s.split(|&b| b == sep);
    for slot in &mut out {
        let p = parts.next()?;
        if p.is_empty() || p.len() > 4 || !p.iter().all(u8::is_ascii_digit) {
            return None;
        }
        *slot = (
            p.iter().fold(0, |n, &b| n * 10 + u32::from(b - b'0')),
            p.len(),
        );
    }
    parts.next().is_none().then_some(out)
}

fn numeric(s: &[u8], order: DateOrder) -> (Option<Day>, u8) {
    if s.len() == 8 && s.iter().all(u8::is_ascii_digit) {
        let n =
            |r: std::ops::Range<usize>| s[r].iter().fold(0, |n, &b| n * 10 + u32::from(b - b'0'));
        return (day_from_civil(n(0..4), n(4..6), n(6..8)), 0);
    }
    let Some(&sep) = s.iter().find(|b| matches!(b, b'-' | b'/' | b'.')) else { return (None, 0) };
    let Some([(a, alen), (b, blen), (c, clen)]) = numbers(s, sep) else { return (None, 0) };
    if alen == 4 && blen <= 2 && clen <= 2 {
        return (day_from_civil(a, b, c), 0); // year first
    }
    if clen != 4 || alen > 2 || blen > 2 {
        return (None, 0);
    }
    let (day_first, month_first) = (day_from_civil(c, b, a), day_from_civil(c, a, b));
    let evidence = match (a > 12, b > 12) {
        (true, false) if day_first.is_some() => DAY_FIRST,
        (false, true) if month_first.is_some() => MONTH_FIRST,
        (false, false) if a != b && day_first.is_some() && month_first.is_some() => AMBIGUOUS,
        _ => 0,
    };
    let evidence = match (evidence, sep) {
        (0, _) | (_, b'/') => evidence,
        _ => evidence | DOTTED,
    };
    let day = match (order, sep) {
        // 31.01.2025, 31-01-2025: day first.
        (DateOrder::Auto, b'.' | b'-') => day_first,
        // 1/31/2025: month first, unless it cannot be a month.
        (DateOrder::Auto, _) => month_first.or(if a > 12 { day_first } else { None }),
        // A chosen order; a date that proves the other is read that way.
        (DateOrder::MonthFirst, _) => month_first.or(if evidence & DAY_FIRST != 0 { day_first } else { None }),
        (DateOrder::DayFirst, _) => day_first.or(if evidence & MONTH_FIRST != 0 { month_first } else { None }),
    };
    (day, evidence)
}

const MONTHS: [&[u8; 3]; 12] = [
    b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov", b"dec",
];

/// `Jan 31, 2025`, `January 31 2025`, `31 Jan 2025`, `31-Jan-2025`.
fn named(s: &[u8]) -> Option<Day> {
    let words: Vec<&[u8]> = s
        .split(|&b| matches!(b, b' ' | b',' | b'-'))
        .filter(|w| !w.is_empty())
        .collect();
    let [w0, w1, w2] = words[..] else { return None };
    let month = |w: &[u8]| {
        if w.len() < 3 || !w.iter().all(u8::is_ascii_alphabetic) {
            return None;
        }
        let lower = [
            w[0].to_ascii_lowercase(),
            w[1].to_ascii_lowercase(),
            w[2].to_ascii_lowercase(),
        ];
        MONTHS
            .iter()
            .position(|m| **m == lower)
            .map(|i| i as u32 + 1)
    };
    let num = |w: &[u8], max_len: usize| {
        (!w.is_empty() && w.len() <= max_len && w.iter().all(u8::is_ascii_digit))
            .then(|| w.iter().fold(0, |n, &b| n * 10 + u32::from(b - b'0')))
    };
    if let (Some(m), Some(d), Some(y)) = (month(w0), num(w1, 2), num(w2, 4)) {
        return (w2.len() == 4).then(|| day_from_civil(y, m, d)).flatten();
    }
    if let (Some(d), Some(m), Some(y)) = (num(w0, 2), month(w1), num(w2, 4)) {
        return (w2.len() == 4).then(|| day_from_civil(y, m, d)).flatten();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trips() {
        assert_eq!(day_from_civil(1970, 1, 1), Some(0));
        assert_eq!(day_from_civil(2000, 3, 1), Some(11_017));
        for day in [-800_000, -1, 0, 1, 19_000, 20_089, 2_000_000] {
            let (y, m, d) = civil_from_day(day);
            if (1..=9999).contains(&y) {
                assert_eq!(day_from_civil(y as u32, m, d), Some(day));
            }
        }
        assert_eq!(
            format_day(day_from_civil(2025, 12, 31).unwrap()),
            "2025-12-31"
        );
    }

    #[test]
    fn formats() {
        let jan31 = day_from_civil(2025, 1, 31);
        for s in [
            "2025-01-31",
            " 2025-01-31 ",
            "2025/1/31",
            "2025.01.31",
            "20250131",
            "2025-01-31 00:00:00",
            "2025-01-31T10:00:00Z",
            "1/31/2025",
            "01/31/2025",
            "31/01/2025",
            "31.01.2025",
            "31-01-2025",
            "Jan 31, 2025",
            "January 31 2025",
            "31 Jan 2025",
            "31-jan-2025",
        ] {
            assert_eq!(parse_date(s.as_bytes()), jan31, "{s}");
        }
        // Month first when both could be.
        assert_eq!(parse_date(b"2/3/2025"), day_from_civil(2025, 2, 3));
    }

    /// Each form's evidence, and how each order reads it.
    #[test]
    fn orders_and_evidence() {
        let d = |y, m, dd| day_from_civil(y, m, dd);
        let (mdy, dmy, auto) = (DateOrder::MonthFirst, DateOrder::DayFirst, DateOrder::Auto);
        // Day-first proof: read day first in every order.
        for order in [mdy, dmy, auto] {
            assert_eq!(parse_date_in(b"13/01/2025", order), (d(2025, 1, 13), DAY_FIRST));
            assert_eq!(parse_date_in(b"13.01.2025", order), (d(2025, 1, 13), DAY_FIRST | DOTTED));
        }
        // Month-first proof: read month first when an order is chosen.
        for order in [mdy, dmy] {
            assert_eq!(parse_date_in(b"01/13/2025", order), (d(2025, 1, 13), MONTH_FIRST));
            assert_eq!(parse_date_in(b"1-13-2025 00:00", order), (d(2025, 1, 13), MONTH_FIRST | DOTTED));
        }
        // (The old rule never read a dotted date month first.)
        assert_eq!(parse_date_in(b"01.13.2025", auto), (None, MONTH_FIRST | DOTTED));
        assert_eq!(parse_date_in(b"01/13/2025", auto), (d(2025, 1, 13), MONTH_FIRST));
        // Ambiguous: the order decides.
        assert_eq!(parse_date_in(b"1/2/2025", mdy), (d(2025, 1, 2), AMBIGUOUS));
        assert_eq!(parse_date_in(b"1/2/2025", dmy), (d(2025, 2, 1), AMBIGUOUS));
        assert_eq!(parse_date_in(b"1/2/2025", auto), (d(2025, 1, 2), AMBIGUOUS));
        assert_eq!(parse_date_in(b"01.02.2025", auto), (d(2025, 2, 1), AMBIGUOUS | DOTTED));
        assert_eq!(parse_date_in(b"01.02.2025", mdy), (d(2025, 1, 2), AMBIGUOUS | DOTTED));
        // No evidence: the same either way, ISO, named months, not dates.
        for s in ["3/3/2025", "2025-01-13", "2025/1/2", "20250102", "Jan 2, 2025", "2 Jan 2025", "31/02/2025", "13/13/2025", "x"] {
            assert_eq!(parse_date_in(s.as_bytes(), mdy).1, 0, "{s}");
        }
        assert_eq!(parse_date_in(b"31/02/2025", dmy), (None, 0));
        assert_eq!(DateOrder::from_name("DMY"), Some(dmy));
        assert_eq!(DateOrder::from_name("mdy"), Some(mdy));
        assert_eq!(DateOrder::from_name("ymd"), None);
    }

    #[test]
    fn rejects() {
        for s in [
            "",
            "--",
            "2025-02-29",
            "2024-02-30",
            "2025-13-01",
            "2025-00-10",
            "13/13/2025",
            "1/2/25",
            "yesterday",
            "2025-01",
            "2025-01-31-1",
            "Foo 3, 2025",
            "12345678",
        ] {
            assert_eq!(parse_date(s.as_bytes()), None, "{s}");
        }
        assert!(parse_date(b"2024-02-29").is_some());
    }
}
