//! A click's time: unix seconds, unix milliseconds (told apart per value:
//! a number ≥ 10^11 is milliseconds) or ISO 8601, to milliseconds since
//! the epoch, UTC. Times before 1970 or after 9999 are refused.

use crate::text::date::{civil_from_day, day_from_civil};

/// How a timestamp was written (the summary counts each).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeUnit {
    /// A number below 10^11: seconds.
    Seconds,
    /// A number of 10^11 or more: milliseconds.
    Millis,
    /// ISO 8601 with `Z` or an offset.
    Iso,
    /// ISO 8601 without a zone: read as UTC (and said).
    IsoNoZone,
}

/// A number at or above this is milliseconds (10^11 s is year 5138).
pub const MILLIS_FROM: u64 = 100_000_000_000;
/// 10000-01-01T00:00:00Z in milliseconds: the first time refused.
pub const END_MS: i64 = 253_402_300_800_000;

/// Milliseconds since the epoch and how the value was written, or why it
/// is not a timestamp.
pub fn parse_timestamp(field: &[u8]) -> Result<(i64, TimeUnit), &'static str> {
    let f = trim(field);
    if f.is_empty() {
        return Err("empty timestamp");
    }
    if f[0] == b'-' {
        return Err("timestamp before 1970-01-01");
    }
    let (ms, unit) = if f.len() >= 10 && f[4] == b'-' {
        parse_iso(f)?
    } else {
        parse_number(f)?
    };
    if ms >= END_MS {
        return Err("timestamp after 9999-12-31");
    }
    Ok((ms, unit))
}

fn trim(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = s {
        s = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = s {
        s = rest;
    }
    s
}

/// `1736952000`, `1736952000.5`, `1736952000123`: seconds or milliseconds.
fn parse_number(f: &[u8]) -> Result<(i64, TimeUnit), &'static str> {
    let (int, frac) = match f.iter().position(|&b| b == b'.') {
        Some(i) => (&f[..i], &f[i + 1..]),
        None => (f, &f[f.len()..]),
    };
    if int.is_empty() || int.len() > 16 || !int.iter().all(u8::is_ascii_digit) || !frac.iter().all(u8::is_ascii_digit) {
        return Err("timestamp is not a number or an ISO 8601 time");
    }
    let n = int.iter().fold(0u64, |n, &d| n * 10 + u64::from(d - b'0'));
    if n >= MILLIS_FROM {
        return Ok((n as i64, TimeUnit::Millis));
    }
    // Seconds; a fraction is kept to the millisecond (truncated).
    let mut ms = n as i64 * 1000;
    let mut scale = 100;
    for &d in frac.iter().take(3) {
        ms += i64::from(d - b'0') * scale;
        scale /= 10;
    }
    Ok((ms, TimeUnit::Seconds))
}

/// `2025-01-15T14:05:00Z`, `2025-01-15 14:05:00.250+01:00`, `…+0100`,
/// `2025-01-15T14:05` (no zone: UTC).
fn parse_iso(f: &[u8]) -> Result<(i64, TimeUnit), &'static str> {
    const BAD: &str = "timestamp is not a valid ISO 8601 time";
    let num = |s: &[u8]| -> Result<u32, &'static str> {
        if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
            return Err(BAD);
        }
        Ok(s.iter().fold(0u32, |n, &d| n * 10 + u32::from(d - b'0')))
    };
    if f.len() < 16 || f[7] != b'-' || !matches!(f[10], b'T' | b't' | b' ') || f[13] != b':' {
        return Err(BAD);
    }
    let day = day_from_civil(num(&f[0..4])?, num(&f[5..7])?, num(&f[8..10])?).ok_or("timestamp has an impossible date")?;
    let (hour, minute) = (num(&f[11..13])?, num(&f[14..16])?);
    let mut rest = &f[16..];
    let mut second = 0;
    let mut millis = 0i64;
    if let [b':', s1, s2, tail @ ..] = rest {
        second = num(&[*s1, *s2])?;
        rest = tail;
        if let [b'.' | b',', tail @ ..] = rest {
            let digits = tail.iter().take_while(|b| b.is_ascii_digit()).count();
            if digits == 0 {
                return Err(BAD);
            }
            let mut scale = 100;
            for &d in tail[..digits].iter().take(3) {
                millis += i64::from(d - b'0') * scale;
                scale /= 10;
            }
            rest = &tail[digits..];
        }
    }
    if hour > 23 || minute > 59 || second > 60 {
        return Err("timestamp has an impossible time of day");
    }
    let (offset_min, unit) = match rest {
        [] => (0i64, TimeUnit::IsoNoZone),
        [b'Z' | b'z'] => (0, TimeUnit::Iso),
        [sign @ (b'+' | b'-'), h1, h2, tail @ ..] => {
            let mins = match tail {
                [] => 0,
                [b':', m1, m2] | [m1, m2] => num(&[*m1, *m2])?,
                _ => return Err(BAD),
            };
            let off = i64::from(num(&[*h1, *h2])? * 60 + mins);
            (if *sign == b'-' { -off } else { off }, TimeUnit::Iso)
        }
        _ => return Err(BAD),
    };
    let secs = i64::from(day) * 86_400 + i64::from(hour * 3600 + minute * 60 + second) - offset_min * 60;
    if secs < 0 {
        return Err("timestamp before 1970-01-01");
    }
    Ok((secs * 1000 + millis, unit))
}

/// Appends `2025-01-15T14:05:00Z` for a time in seconds since the epoch.
pub fn push_iso_second(out: &mut String, secs: i64) {
    let day = secs.div_euclid(86_400);
    let s = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_day(day as i32);
    let two = |out: &mut String, v: u32| {
        out.push(char::from(b'0' + (v / 10) as u8));
        out.push(char::from(b'0' + (v % 10) as u8));
    };
    let y = y as u32;
    two(out, y / 100);
    two(out, y % 100);
    out.push('-');
    two(out, m);
    out.push('-');
    two(out, d);
    out.push('T');
    two(out, (s / 3600) as u32);
    out.push(':');
    two(out, (s / 60 % 60) as u32);
    out.push(':');
    two(out, (s % 60) as u32);
    out.push('Z');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(secs: i64) -> String {
        let mut s = String::new();
        push_iso_second(&mut s, secs);
        s
    }

    #[test]
    fn seconds_millis_and_iso() {
        assert_eq!(parse_timestamp(b"1736952000"), Ok((1_736_952_000_000, TimeUnit::Seconds)));
        assert_eq!(parse_timestamp(b"1736952000123"), Ok((1_736_952_000_123, TimeUnit::Millis)));
        assert_eq!(parse_timestamp(b"99999999999"), Ok((99_999_999_999_000, TimeUnit::Seconds)));
        assert_eq!(parse_timestamp(b"100000000000"), Ok((100_000_000_000, TimeUnit::Millis)));
        assert_eq!(parse_timestamp(b"1736952000.25"), Ok((1_736_952_000_250, TimeUnit::Seconds)));
        assert_eq!(parse_timestamp(b"2025-01-15T14:40:00Z"), Ok((1_736_952_000_000, TimeUnit::Iso)));
        assert_eq!(parse_timestamp(b"2025-01-15T15:40:00+01:00"), Ok((1_736_952_000_000, TimeUnit::Iso)));
        assert_eq!(parse_timestamp(b"2025-01-15T13:10:00.5-0130"), Ok((1_736_952_000_500, TimeUnit::Iso)));
        assert_eq!(parse_timestamp(b"2025-01-15 14:40:00"), Ok((1_736_952_000_000, TimeUnit::IsoNoZone)));
        assert_eq!(parse_timestamp(b"0"), Ok((0, TimeUnit::Seconds)));
        assert!(parse_timestamp(b"-5").unwrap_err().contains("before 1970"));
        assert!(parse_timestamp(b"1969-12-31T23:59:59Z").unwrap_err().contains("before 1970"));
        assert!(parse_timestamp(b"2025-02-30T00:00:00Z").unwrap_err().contains("impossible date"));
        assert!(parse_timestamp(b"").is_err());
        assert!(parse_timestamp(b"abc").is_err());
        assert!(parse_timestamp(b"2025-01-15T25:00:00Z").is_err());
        assert!(parse_timestamp(b"9999999999999999").unwrap_err().contains("after 9999"));
    }

    #[test]
    fn iso_output() {
        assert_eq!(iso(1_736_949_900), "2025-01-15T14:05:00Z");
        assert_eq!(iso(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso(END_MS / 1000 - 1), "9999-12-31T23:59:59Z");
    }
}
