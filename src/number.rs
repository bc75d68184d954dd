//! Exact parsing of the numeric fields: counts as `u64`, money as an
//! integer number of micro-units (1 unit = 1,000,000 micros). No floats.

/// Why a numeric field did not parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumError {
    /// Not of the form the field takes (empty, letters, `12.5` for a count).
    Invalid,
    /// A well-formed number with a leading minus sign.
    Negative,
    /// More than six significant digits after the decimal point.
    TooManyDecimals,
    /// Does not fit in 64 bits.
    TooLarge,
}

/// Micro-units per currency unit.
pub const MICROS: u64 = 1_000_000;

/// How numbers are written in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NumberFormat {
    /// `1.234,56` (files separated by `;`) instead of `1,234.56`.
    pub decimal_comma: bool,
}

impl NumberFormat {
    fn separators(self) -> (u8, u8) {
        if self.decimal_comma {
            (b',', b'.')
        } else {
            (b'.', b',')
        }
    }
}

/// Strips ASCII spaces and tabs on both sides.
pub fn trim(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = s {
        s = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = s {
        s = rest;
    }
    s
}

/// Also strips no-break spaces (UTF-8 `C2 A0`, or a lone `A0` byte in
/// Windows-1252 files).
fn trim_wide(mut s: &[u8]) -> &[u8] {
    loop {
        let t = trim(s);
        let t = t.strip_prefix(b"\xC2\xA0").or_else(|| t.strip_prefix(b"\xA0")).unwrap_or(t);
        let t = t.strip_suffix(b"\xC2\xA0").or_else(|| t.strip_suffix(b"\xA0")).unwrap_or(t);
        if t.len() == s.len() {
            return t;
        }
        s = t;
    }
}

/// Currency symbols as they appear in UTF-8 and Windows-1252 files.
const SYMBOLS: &[&[u8]] = &[b"$", "\u{20ac}".as_bytes(), "\u{a3}".as_bytes(), "\u{a5}".as_bytes(), b"\x80", b"\xA3", b"\xA5"];

/// Removes one currency symbol or three-letter code (`USD 12`, `12 EUR`)
/// from either end.
fn strip_currency(s: &[u8]) -> &[u8] {
    let mut s = trim_wide(s);
    for sym in SYMBOLS {
        if let Some(rest) = s.strip_prefix(*sym) {
            s = trim_wide(rest);
        }
        if let Some(rest) = s.strip_suffix(*sym) {
            s = trim_wide(rest);
        }
    }
    let is_code = |c: &[u8]| c.len() == 3 && c.iter().all(u8::is_ascii_uppercase);
    if s.len() > 4 && is_code(&s[..3]) && s[3] == b' ' {
        s = trim_wide(&s[4..]);
    }
    if s.len() > 4 && is_code(&s[s.len() - 3..]) && s[s.len() - 4] == b' ' {
        s = trim_wide(&s[..s.len() - 4]);
    }
    s
}

/// A number's parts: negative, integer digits, fraction digits.
type Parts<'a> = (bool, &'a [u8], &'a [u8]);

/// A number split into sign, integer digits (group separators removed
/// lazily by [`int_value`]) and fraction digits. `None` for a field that
/// means zero: empty or `--`.
fn split(field: &[u8], fmt: NumberFormat) -> Result<Option<Parts<'_>>, NumError> {
    let mut s = strip_currency(field);
    if s.is_empty() || s == b"--" {
        return Ok(None);
    }
    let mut negative = false;
    if let Some(rest) = s.strip_prefix(b"-") {
        negative = true;
        s = strip_currency(rest);
    }
    let (decimal, _) = fmt.separators();
    let (int_part, frac_part) = match memchr::memchr(decimal, s) {
        Some(dot) => (&s[..dot], &s[dot + 1..]),
        None => (s, &b""[..]),
    };
    if int_part.is_empty() && frac_part.is_empty() {
        return Err(NumError::Invalid);
    }
    if !frac_part.iter().all(u8::is_ascii_digit) {
        return Err(NumError::Invalid);
    }
    Ok(Some((negative, int_part, frac_part)))
}

/// Value of the integer part, with group separators only at every third
/// digit from the right (`1,234,567`; not `12,34`).
fn int_value(int_part: &[u8], fmt: NumberFormat) -> Result<u64, NumError> {
    let (_, group) = fmt.separators();
    let mut value = 0u64;
    let mut digits_in_group = 0usize;
    let mut groups = 0usize;
    for &b in int_part {
        if b == group {
            if digits_in_group == 0 || (groups > 0 && digits_in_group != 3) || digits_in_group > 3 {
                return Err(NumError::Invalid);
            }
            groups += 1;
            digits_in_group = 0;
            continue;
        }
        if !b.is_ascii_digit() {
            return Err(NumError::Invalid);
        }
        digits_in_group += 1;
        value = value.checked_mul(10).and_then(|v| v.checked_add(u64::from(b - b'0'))).ok_or(NumError::TooLarge)?;
    }
    if groups > 0 && digits_in_group != 3 {
        return Err(NumError::Invalid);
    }
    Ok(value)
}

/// Parses a non-negative integer: `12000`, `1,234`, ` 7 `, `48.00`; empty
/// or `--` is 0. `-3` is [`NumError::Negative`]; `12.5` and `abc` are
/// [`NumError::Invalid`].
pub fn parse_count_in(field: &[u8], fmt: NumberFormat) -> Result<u64, NumError> {
    match plain_digits(field) {
        Some(value) => Ok(value),
        None => count_in(field, fmt),
    }
}

/// [`parse_count_in`] for any field (no shortcut for plain digits).
fn count_in(field: &[u8], fmt: NumberFormat) -> Result<u64, NumError> {
    let Some((negative, int_part, frac_part)) = split(field, fmt)? else { return Ok(0) };
    if int_part.is_empty() || frac_part.iter().any(|&d| d != b'0') {
        return Err(NumError::Invalid);
    }
    let value = int_value(int_part, fmt)?;
    if negative && value > 0 {
        return Err(NumError::Negative);
    }
    Ok(value)
}

/// Parses a non-negative decimal (`45.50`, `$1,234.50`, `USD 12.00`, `.5`,
/// `7.`) into micros; empty or `--` is 0. Up to six fractional digits;
/// zeros beyond the sixth are accepted.
pub fn parse_micros_in(field: &[u8], fmt: NumberFormat) -> Result<u64, NumError> {
    match plain_micros(field, fmt.separators().0) {
        Some(micros) => Ok(micros),
        None => micros_in(field, fmt),
    }
}

/// Up to 19 ASCII digits and nothing else: their value (the common count,
/// parsed without the trimming and separator rules).
#[inline]
fn plain_digits(s: &[u8]) -> Option<u64> {
    if s.is_empty() || s.len() > 19 || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(s.iter().fold(0, |n, &b| n * 10 + u64::from(b - b'0')))
}

/// 1 to 12 digits, optionally `decimal` and up to 6 digits: in micros.
#[inline]
fn plain_micros(s: &[u8], decimal: u8) -> Option<u64> {
    let (int, frac) = match s.iter().position(|&b| b == decimal) {
        Some(i) => (&s[..i], &s[i + 1..]),
        None => (s, &b""[..]),
    };
    if int.len() > 12 || frac.len() > 6 || !frac.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let units = plain_digits(int)?;
    let frac = (0..6).fold(0, |f, i| f * 10 + frac.get(i).map_or(0, |d| u64::from(d - b'0')));
    Some(units * MICROS + frac)
}

/// [`parse_micros_in`] for any field (no shortcut for plain numbers).
fn micros_in(field: &[u8], fmt: NumberFormat) -> Result<u64, NumError> {
    let Some((negative, int_part, frac_part)) = split(field, fmt)? else { return Ok(0) };
    let significant = frac_part.len() - frac_part.iter().rev().take_while(|&&d| d == b'0').count();
    if significant > 6 {
        return Err(NumError::TooManyDecimals);
    }
    let units = if int_part.is_empty() { 0 } else { int_value(int_part, fmt)? };
    let mut frac = 0u64;
    for i in 0..6 {
        frac = frac * 10 + frac_part.get(i).map_or(0, |d| u64::from(d - b'0'));
    }
    let micros = units.checked_mul(MICROS).and_then(|v| v.checked_add(frac)).ok_or(NumError::TooLarge)?;
    if negative && micros > 0 {
        return Err(NumError::Negative);
    }
    Ok(micros)
}

/// [`parse_count_in`] with the default `1,234.56` format.
pub fn parse_count(field: &[u8]) -> Result<u64, NumError> {
    parse_count_in(field, NumberFormat::default())
}

/// [`parse_micros_in`] with the default `1,234.56` format.
pub fn parse_micros(field: &[u8]) -> Result<u64, NumError> {
    parse_micros_in(field, NumberFormat::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts() {
        assert_eq!(parse_count(b"12000"), Ok(12000));
        assert_eq!(parse_count(b" 7 "), Ok(7));
        assert_eq!(parse_count(b"0"), Ok(0));
        assert_eq!(parse_count(b"18446744073709551615"), Ok(u64::MAX));
        assert_eq!(parse_count(b"18446744073709551616"), Err(NumError::TooLarge));
        assert_eq!(parse_count(b"-3"), Err(NumError::Negative));
        assert_eq!(parse_count(b"12.5"), Err(NumError::Invalid));
        assert_eq!(parse_count(b"48.00"), Ok(48));
        assert_eq!(parse_count(b"1,234"), Ok(1234));
        assert_eq!(parse_count(b"1,234,567"), Ok(1_234_567));
        assert_eq!(parse_count(b"12,34"), Err(NumError::Invalid));
        assert_eq!(parse_count(b"1,2345"), Err(NumError::Invalid));
        assert_eq!(parse_count(b",123"), Err(NumError::Invalid));
        assert_eq!(parse_count(b""), Ok(0));
        assert_eq!(parse_count(b"--"), Ok(0));
        assert_eq!(parse_count(b"abc"), Err(NumError::Invalid));
        assert_eq!(parse_count(b"+3"), Err(NumError::Invalid));
        assert_eq!(parse_count(b"-"), Err(NumError::Invalid));
        let eu = NumberFormat { decimal_comma: true };
        assert_eq!(parse_count_in(b"1.234", eu), Ok(1234));
        assert_eq!(parse_count_in(b"48,00", eu), Ok(48));
    }

    #[test]
    fn money() {
        assert_eq!(parse_micros(b"45.50"), Ok(45_500_000));
        assert_eq!(parse_micros(b"3"), Ok(3_000_000));
        assert_eq!(parse_micros(b".5"), Ok(500_000));
        assert_eq!(parse_micros(b"7."), Ok(7_000_000));
        assert_eq!(parse_micros(b"0.000001"), Ok(1));
        assert_eq!(parse_micros(b"1.2500000"), Ok(1_250_000));
        assert_eq!(parse_micros(b"1.1234567"), Err(NumError::TooManyDecimals));
        assert_eq!(parse_micros(b"-1.00"), Err(NumError::Negative));
        assert_eq!(parse_micros(b"."), Err(NumError::Invalid));
        assert_eq!(parse_micros(b""), Ok(0));
        assert_eq!(parse_micros(b"1,5"), Err(NumError::Invalid));
        assert_eq!(parse_micros(b"$1,234.50"), Ok(1_234_500_000));
        assert_eq!(parse_micros(b"-$1.00"), Err(NumError::Negative));
        assert_eq!(parse_micros(b"USD 12.00"), Ok(12_000_000));
        assert_eq!(parse_micros(b"12.00 EUR"), Ok(12_000_000));
        assert_eq!(parse_micros("\u{20ac}3.10".as_bytes()), Ok(3_100_000));
        assert_eq!(parse_micros(b"\x803.10"), Ok(3_100_000));
        assert_eq!(parse_micros(b"12 apples"), Err(NumError::Invalid));
        let eu = NumberFormat { decimal_comma: true };
        assert_eq!(parse_micros_in("1.234,56 \u{20ac}".as_bytes(), eu), Ok(1_234_560_000));
        assert_eq!(parse_micros_in(b"0,5", eu), Ok(500_000));
        assert_eq!(parse_micros_in(b"1.5", eu), Err(NumError::Invalid));
        assert_eq!(parse_micros(b"1.2.3"), Err(NumError::Invalid));
        assert_eq!(parse_micros(b"99999999999999999999"), Err(NumError::TooLarge));
        assert_eq!(parse_micros(b"18446744073710"), Err(NumError::TooLarge));
        assert_eq!(parse_micros(b"18446744073709.551615"), Ok(u64::MAX));
    }

    #[test]
    fn plain_shortcuts_agree_with_the_general_rules() {
        let mut r = 0x2545_F491_4F6C_DD1Du64;
        let mut next = || {
            r ^= r << 13;
            r ^= r >> 7;
            r ^= r << 17;
            r
        };
        let alphabet = b"0123456789.,- $";
        for fmt in [NumberFormat { decimal_comma: false }, NumberFormat { decimal_comma: true }] {
            for round in 0..200_000 {
                let len = (next() % 24) as usize;
                let pick = |x: u64| if round % 3 == 0 { alphabet[(x % alphabet.len() as u64) as usize] } else { b"0123456789.,"[(x % 12) as usize] };
                let field: Vec<u8> = (0..len).map(|_| pick(next())).collect();
                assert_eq!(parse_count_in(&field, fmt), count_in(&field, fmt), "{:?}", String::from_utf8_lossy(&field));
                assert_eq!(parse_micros_in(&field, fmt), micros_in(&field, fmt), "{:?}", String::from_utf8_lossy(&field));
            }
        }
    }
}
