//! Calendar dates as ad platforms export them, as day numbers (days since
//! 1970-01-01), for the data-quality checks: a date that does not parse,
//! one in the future, the same campaign and date twice.
//!
//! Accepted: `2025-01-31`, `2025/01/31`, `2025.01.31`, `20250131`, any of
//! them followed by a time (`2025-01-31 00:00:00`, `2025-01-31T00:00Z`);
//! `1/31/2025` (month first, US exports) or `31/1/2025` when the first
//! number cannot be a month; `31.01.2025`; `Jan 31, 2025` and
//! `31 Jan 2025`. The date must exist (`2025-02-30` does not).

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
    let (y, m, d) = civil_from_day(day);
    format!("{y:04}-{m:02}-{d:02}")
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

/// Parses a date field (surrounding spaces allowed), or `None`.
pub fn parse_date(field: &[u8]) -> Option<Day> {
    let s = crate::text::number::trim(field);
    // Cut a time part: after `T` or a space following a numeric date.
    if let Some(day) = numeric(date_part(s)) {
        return Some(day);
    }
    named(s)
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

fn numeric(s: &[u8]) -> Option<Day> {
    if s.len() == 8 && s.iter().all(u8::is_ascii_digit) {
        let n =
            |r: std::ops::Range<usize>| s[r].iter().fold(0, |n, &b| n * 10 + u32::from(b - b'0'));
        return day_from_civil(n(0..4), n(4..6), n(6..8));
    }
    let sep = *s.iter().find(|b| matches!(b, b'-' | b'/' | b'.'))?;
    let [(a, alen), (b, blen), (c, clen)] = numbers(s, sep)?;
    if alen == 4 && blen <= 2 && clen <= 2 {
        return day_from_civil(a, b, c); // year first
    }
    if clen != 4 || alen > 2 || blen > 2 {
        return None;
    }
    match sep {
        // 31.01.2025, 31-01-2025: day first.
        b'.' | b'-' => day_from_civil(c, b, a),
        // 1/31/2025: month first, unless it cannot be a month.
        _ => day_from_civil(c, a, b).or_else(|| {
            if a > 12 {
                day_from_civil(c, b, a)
            } else {
                None
            }
        }),
    }
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
