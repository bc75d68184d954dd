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

fn split_sign(s: &[u8]) -> (bool, &[u8]) {
    match s {
        [b'-', rest @ ..] => (true, rest),
        _ => (false, s),
    }
}

fn digits_to_u64(digits: &[u8]) -> Result<u64, NumError> {
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return Err(NumError::Invalid);
    }
    digits.iter().try_fold(0u64, |acc, &d| {
        acc.checked_mul(10).and_then(|v| v.checked_add(u64::from(d - b'0'))).ok_or(NumError::TooLarge)
    })
}

/// Parses a non-negative integer: ASCII digits, surrounded by optional
/// spaces. `-3` is [`NumError::Negative`]; `12.5`, `abc` and the empty
/// string are [`NumError::Invalid`].
pub fn parse_count(field: &[u8]) -> Result<u64, NumError> {
    let (negative, digits) = split_sign(trim(field));
    let value = digits_to_u64(digits)?;
    if negative {
        return Err(NumError::Negative);
    }
    Ok(value)
}

/// Parses a non-negative decimal (`45.50`, `3`, `.5`, `7.`) into micros.
/// Up to six fractional digits; zeros beyond the sixth are accepted.
pub fn parse_micros(field: &[u8]) -> Result<u64, NumError> {
    let (negative, number) = split_sign(trim(field));
    let (int_part, frac_part) = match memchr::memchr(b'.', number) {
        Some(dot) => (&number[..dot], &number[dot + 1..]),
        None => (number, &b""[..]),
    };
    if int_part.is_empty() && frac_part.is_empty() {
        return Err(NumError::Invalid);
    }
    if !int_part.iter().chain(frac_part).all(u8::is_ascii_digit) {
        return Err(NumError::Invalid);
    }
    let significant = frac_part.len() - frac_part.iter().rev().take_while(|&&d| d == b'0').count();
    if significant > 6 {
        return Err(NumError::TooManyDecimals);
    }
    let units = if int_part.is_empty() { 0 } else { digits_to_u64(int_part)? };
    let mut frac = 0u64;
    for i in 0..6 {
        frac = frac * 10 + frac_part.get(i).map_or(0, |d| u64::from(d - b'0'));
    }
    let micros = units.checked_mul(MICROS).and_then(|v| v.checked_add(frac)).ok_or(NumError::TooLarge)?;
    if negative {
        return Err(NumError::Negative);
    }
    Ok(micros)
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
        assert_eq!(parse_count(b""), Err(NumError::Invalid));
        assert_eq!(parse_count(b"abc"), Err(NumError::Invalid));
        assert_eq!(parse_count(b"+3"), Err(NumError::Invalid));
        assert_eq!(parse_count(b"-"), Err(NumError::Invalid));
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
        assert_eq!(parse_micros(b""), Err(NumError::Invalid));
        assert_eq!(parse_micros(b"1,5"), Err(NumError::Invalid));
        assert_eq!(parse_micros(b"1.2.3"), Err(NumError::Invalid));
        assert_eq!(parse_micros(b"99999999999999999999"), Err(NumError::TooLarge));
        assert_eq!(parse_micros(b"18446744073710"), Err(NumError::TooLarge));
        assert_eq!(parse_micros(b"18446744073709.551615"), Ok(u64::MAX));
    }
}
