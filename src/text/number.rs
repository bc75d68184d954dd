//! Exact parsing of the numeric fields: counts as `u64`, money as an
//! integer number of micro-units (1 unit = 1,000,000 micros). No floats.

/// Why a numeric field did not parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumError {
    /// Not of the form the field takes (empty, letters, `12.5` for a count).
    Invalid,
    /// A well-formed number with a leading minus sign.
    Negative,
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
    /// The forms of exports in other languages ([`crate::schema::locale`];
    /// decided once per file from its header's language): a space, a
    /// no-break space (U+00A0, or byte A0 in Windows-1252) or a narrow
    /// no-break space (U+202F) between digit groups (`1 234,56`), and the
    /// currency signs of [`WIDE_SYMBOLS`] (`R$`, `￥`, `円`, Shift_JIS's yen
    /// bytes). Only numbers past the plain-digit shortcuts get here, so
    /// a plain file, and any English one, pays nothing for them.
    pub wide: bool,
}

impl NumberFormat {
    /// The decimal separator: `,` or `.`.
    pub fn decimal(self) -> u8 {
        self.separators().0
    }

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

/// More currency signs, for files in other languages ([`NumberFormat::wide`]):
/// Brazil's `R$`; the full-width yen `￥` and `円` in UTF-8 and in Shift_JIS
/// (81 8F, 89 7E); and `\`, byte 0x5C, which Japanese Windows shows as `¥`
/// and writes for it when Excel saves `¥15,000` as Shift_JIS.
pub const WIDE_SYMBOLS: &[&[u8]] = &[b"R$", "\u{ffe5}".as_bytes(), "\u{5186}".as_bytes(), b"\x81\x8f", b"\x89\x7e", b"\\"];

/// Digit-group separators of [`NumberFormat::wide`] besides the format's
/// own: a space, U+00A0 (UTF-8, and Windows-1252's byte A0), U+202F.
const WIDE_GROUPS: &[&[u8]] = &[b" ", "\u{a0}".as_bytes(), b"\xa0", "\u{202f}".as_bytes()];

/// Removes one currency symbol or three-letter code (`USD 12`, `12 EUR`)
/// from either end, and the spaces around the number (any of
/// [`WIDE_SYMBOLS`] too: for messages).
pub(crate) fn strip_currency(s: &[u8]) -> &[u8] {
    strip_currency_in(s, true)
}

/// [`strip_currency`], with [`WIDE_SYMBOLS`] only when `wide`.
fn strip_currency_in(s: &[u8], wide: bool) -> &[u8] {
    let mut s = trim_wide(s);
    let symbols = SYMBOLS.iter().chain(if wide { WIDE_SYMBOLS } else { &[] });
    for sym in symbols {
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

/// A number's parts: negative, integer digits (group separators not yet
/// checked), fraction digits, and the power of ten it is multiplied by
/// (`1.5e-05`: -5).
#[derive(Debug, Clone, Copy)]
struct Parts<'a> {
    negative: bool,
    int_part: &'a [u8],
    frac_part: &'a [u8],
    exp: i64,
}

/// Exponents beyond this are clamped: the value is then 0 or too large
/// whatever its digits (fields are at most 1 MiB long).
const EXP_CLAMP: i64 = 1 << 40;

/// A number split into sign, integer digits (group separators removed
/// lazily by [`int_digits`]), fraction digits and exponent (`1e-05`,
/// `1.5E3`, `2.5e+2`). `None` for a field that means zero: empty or `--`.
fn split(field: &[u8], fmt: NumberFormat) -> Result<Option<Parts<'_>>, NumError> {
    let mut s = strip_currency_in(field, fmt.wide);
    if s.is_empty() || s == b"--" {
        return Ok(None);
    }
    let mut negative = false;
    if let Some(rest) = s.strip_prefix(b"-") {
        negative = true;
        s = strip_currency_in(rest, fmt.wide);
    }
    let mut exp = 0i64;
    if let Some(e) = memchr::memchr2(b'e', b'E', s) {
        let digits = match &s[e + 1..] {
            [b'+' | b'-', d @ ..] => d,
            d => d,
        };
        if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
            return Err(NumError::Invalid);
        }
        exp = digits.iter().fold(0i64, |n, &d| (n * 10 + i64::from(d - b'0')).min(EXP_CLAMP));
        if s[e + 1] == b'-' {
            exp = -exp;
        }
        s = &s[..e];
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
    check_groups(int_part, fmt)?;
    Ok(Some(Parts { negative, int_part, frac_part, exp }))
}

/// Checks the integer part: digits, with group separators only at every
/// third digit from the right (`1,234,567`; not `12,34`).
fn check_groups(int_part: &[u8], fmt: NumberFormat) -> Result<(), NumError> {
    let (_, group) = fmt.separators();
    let mut digits_in_group = 0usize;
    let mut groups = 0usize;
    let mut rest = int_part;
    while let [b, tail @ ..] = rest {
        // A separator: the format's own, or (wide) a space-like one.
        let sep = match *b == group {
            true => Some(1),
            false if fmt.wide && !b.is_ascii_digit() => WIDE_GROUPS.iter().find(|g| rest.starts_with(g)).map(|g| g.len()),
            false => None,
        };
        if let Some(len) = sep {
            if digits_in_group == 0 || (groups > 0 && digits_in_group != 3) || digits_in_group > 3 {
                return Err(NumError::Invalid);
            }
            groups += 1;
            digits_in_group = 0;
            rest = &rest[len..];
            continue;
        }
        if !b.is_ascii_digit() {
            return Err(NumError::Invalid);
        }
        digits_in_group += 1;
        rest = tail;
    }
    if groups > 0 && digits_in_group != 3 {
        return Err(NumError::Invalid);
    }
    Ok(())
}

/// The digits of an integer part checked by [`check_groups`], separators
/// left out (all that is not a digit there is a separator).
fn int_digits(int_part: &[u8]) -> impl Iterator<Item = u8> + '_ {
    int_part.iter().copied().filter(u8::is_ascii_digit)
}

/// The value of `parts` times 10^`scale`, rounded half away from zero to an
/// integer, exactly (digit by digit, no floats), and whether rounding
/// changed it (a dropped digit was not zero). [`NumError::TooLarge`] past
/// `u64::MAX`.
fn scaled(parts: &Parts, scale: i64) -> Result<(u64, bool), NumError> {
    let int_len = int_digits(parts.int_part).count() as i64;
    // Digits of the result's integer part: the first `keep` of the digit
    // string (more than it has: zeros appended).
    let keep = int_len + parts.exp + scale;
    let mut value = 0u64;
    let mut round_up = false;
    let mut rounded = false;
    let digits = int_digits(parts.int_part).chain(parts.frac_part.iter().copied());
    let mut n = 0i64;
    for d in digits {
        let d = u64::from(d - b'0');
        if n < keep {
            value = value.checked_mul(10).and_then(|v| v.checked_add(d)).ok_or(NumError::TooLarge)?;
        } else {
            if n == keep {
                round_up = d >= 5;
            }
            rounded |= d != 0;
        }
        n += 1;
    }
    if value != 0 {
        while n < keep {
            value = value.checked_mul(10).ok_or(NumError::TooLarge)?;
            n += 1;
        }
    }
    if round_up {
        value = value.checked_add(1).ok_or(NumError::TooLarge)?;
    }
    Ok((value, rounded))
}

/// True when some digit of `parts` is not zero.
fn nonzero(parts: &Parts) -> bool {
    parts.int_part.iter().chain(parts.frac_part).any(|&d| matches!(d, b'1'..=b'9'))
}

/// Parses a non-negative integer: `12000`, `1,234`, ` 7 `, `48.00`,
/// `4.8e1`; empty or `--` is 0. `-3` is [`NumError::Negative`]; `12.5`,
/// `1.25e1` and `abc` are [`NumError::Invalid`].
pub fn parse_count_in(field: &[u8], fmt: NumberFormat) -> Result<u64, NumError> {
    match plain_digits(field) {
        Some(value) => Ok(value),
        None => count_in(field, fmt),
    }
}

/// [`parse_count_in`] for any field (no shortcut for plain digits).
fn count_in(field: &[u8], fmt: NumberFormat) -> Result<u64, NumError> {
    let Some(parts) = split(field, fmt)? else { return Ok(0) };
    if parts.int_part.is_empty() {
        return Err(NumError::Invalid);
    }
    let (value, fraction) = scaled(&parts, 0)?;
    if fraction {
        return Err(NumError::Invalid);
    }
    if parts.negative && nonzero(&parts) {
        return Err(NumError::Negative);
    }
    Ok(value)
}

/// Parses a non-negative decimal (`45.50`, `$1,234.50`, `USD 12.00`, `.5`,
/// `7.`, `1e-05`, `1.5E3`) into micros; empty or `--` is 0. Any number of
/// decimals: rounded half away from zero to the sixth (see
/// [`parse_micros_rounding_in`]).
pub fn parse_micros_in(field: &[u8], fmt: NumberFormat) -> Result<u64, NumError> {
    parse_micros_rounding_in(field, fmt).map(|(micros, _)| micros)
}

/// [`parse_micros_in`], and whether the value was rounded: true when it
/// has a non-zero digit past the sixth decimal (`1.429999948` is 1.430000,
/// rounded; `1.2500000` is not). As SQL's cast to `numeric(p, 6)`: half
/// away from zero, exactly. A value that is not zero but has a minus sign
/// is [`NumError::Negative`], even if it rounds to 0.
pub fn parse_micros_rounding_in(field: &[u8], fmt: NumberFormat) -> Result<(u64, bool), NumError> {
    match plain_micros(field, fmt.separators().0) {
        Some(micros) => Ok((micros, false)),
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

/// [`parse_micros_rounding_in`] for any field (no shortcut for plain numbers).
fn micros_in(field: &[u8], fmt: NumberFormat) -> Result<(u64, bool), NumError> {
    let Some(parts) = split(field, fmt)? else { return Ok((0, false)) };
    let (micros, rounded) = scaled(&parts, 6)?;
    // Not zero but with a minus sign: malformed, even if it rounds to 0.
    if parts.negative && nonzero(&parts) {
        return Err(NumError::Negative);
    }
    Ok((micros, rounded))
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
        let eu = NumberFormat { decimal_comma: true, wide: false };
        assert_eq!(parse_count_in(b"1.234", eu), Ok(1234));
        assert_eq!(parse_count_in(b"48,00", eu), Ok(48));
        // Exponent notation: still a whole number, or malformed.
        assert_eq!(parse_count(b"4.8e1"), Ok(48));
        assert_eq!(parse_count(b"1e3"), Ok(1000));
        assert_eq!(parse_count(b"1.5E+3"), Ok(1500));
        assert_eq!(parse_count(b"48.000e0"), Ok(48));
        assert_eq!(parse_count(b"4800e-2"), Ok(48));
        assert_eq!(parse_count(b"1.25e1"), Err(NumError::Invalid));
        assert_eq!(parse_count(b"1e-05"), Err(NumError::Invalid));
        assert_eq!(parse_count(b"0e-5"), Ok(0));
        assert_eq!(parse_count(b"-4.8e1"), Err(NumError::Negative));
        assert_eq!(parse_count(b"-0e3"), Ok(0));
        assert_eq!(parse_count(b"1e20"), Err(NumError::TooLarge));
        assert_eq!(parse_count(b"1e19"), Ok(10_000_000_000_000_000_000));
        assert_eq!(parse_count(b"1.8446744073709551615e19"), Ok(u64::MAX));
        assert_eq!(parse_count(b"0e999999999999999999999"), Ok(0));
        assert_eq!(parse_count(b"1e999999999999999999999"), Err(NumError::TooLarge));
        for bad in [&b"1e"[..], b"e3", b"1e+", b"1e--3", b"1e3.5", b"1ee3", b"1e 3", b"1e3e3", b".e3"] {
            assert_eq!(parse_count(bad), Err(NumError::Invalid), "{:?}", String::from_utf8_lossy(bad));
        }
        assert_eq!(parse_count_in(b"4,8e1", eu), Ok(48));
    }

    #[test]
    fn money() {
        assert_eq!(parse_micros(b"45.50"), Ok(45_500_000));
        assert_eq!(parse_micros(b"3"), Ok(3_000_000));
        assert_eq!(parse_micros(b".5"), Ok(500_000));
        assert_eq!(parse_micros(b"7."), Ok(7_000_000));
        assert_eq!(parse_micros(b"0.000001"), Ok(1));
        assert_eq!(parse_micros(b"1.2500000"), Ok(1_250_000));
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
        let eu = NumberFormat { decimal_comma: true, wide: false };
        assert_eq!(parse_micros_in("1.234,56 \u{20ac}".as_bytes(), eu), Ok(1_234_560_000));
        assert_eq!(parse_micros_in(b"0,5", eu), Ok(500_000));
        assert_eq!(parse_micros_in(b"1.5", eu), Err(NumError::Invalid));
        assert_eq!(parse_micros(b"1.2.3"), Err(NumError::Invalid));
        assert_eq!(parse_micros(b"99999999999999999999"), Err(NumError::TooLarge));
        assert_eq!(parse_micros(b"18446744073710"), Err(NumError::TooLarge));
        assert_eq!(parse_micros(b"18446744073709.551615"), Ok(u64::MAX));
    }

    /// Any number of decimals and exponents, rounded half away from zero to
    /// micros, exactly; the flag says whether the value changed.
    #[test]
    fn money_rounded_to_micros() {
        let r = |s: &str| parse_micros_rounding_in(s.as_bytes(), NumberFormat::default());
        // Float noise as pandas, Excel and BI tools write it (Kaggle's `Spent`).
        assert_eq!(r("1.429999948"), Ok((1_430_000, true)));
        assert_eq!(r("176.3799977"), Ok((176_379_998, true)));
        assert_eq!(r("45.49999999999999"), Ok((45_500_000, true)));
        assert_eq!(r("1.1234567"), Ok((1_123_457, true)));
        // Exact halves go away from zero; just below half goes down.
        assert_eq!(r("0.0000005"), Ok((1, true)));
        assert_eq!(r("0.00000049999"), Ok((0, true)));
        assert_eq!(r("0.0000015"), Ok((2, true)));
        assert_eq!(r("2.0000025"), Ok((2_000_003, true)));
        assert_eq!(r("0.00000050000000000000000000001"), Ok((1, true)));
        assert_eq!(r("0.000000499999999999999999999999"), Ok((0, true)));
        // Trailing zeros only: not rounded.
        assert_eq!(r("1.2500000"), Ok((1_250_000, false)));
        assert_eq!(r("0.0000000"), Ok((0, false)));
        assert_eq!(r("45.50"), Ok((45_500_000, false)));
        // Exponents.
        assert_eq!(r("1e-05"), Ok((10, false)));
        assert_eq!(r("1E-06"), Ok((1, false)));
        assert_eq!(r("1.5E3"), Ok((1_500_000_000, false)));
        assert_eq!(r("2.5e+2"), Ok((250_000_000, false)));
        assert_eq!(r("1.234e-7"), Ok((0, true)));
        assert_eq!(r("5e-7"), Ok((1, true)));
        assert_eq!(r("4.99e-7"), Ok((0, true)));
        assert_eq!(r("12345678e-13"), Ok((1, true)));
        assert_eq!(r("123456789e-3"), Ok((123_456_789_000, false)));
        assert_eq!(r(".5e1"), Ok((5_000_000, false)));
        assert_eq!(r("7.e0"), Ok((7_000_000, false)));
        assert_eq!(r("$1,234.5e1"), Ok((12_345_000_000, false)));
        assert_eq!(r("1e-999999999999999999999"), Ok((0, true)));
        assert_eq!(r("0e-999999999999999999999"), Ok((0, false)));
        assert_eq!(r("0e999999999999999999999"), Ok((0, false)));
        // Too large: past u64::MAX micros, before or after rounding.
        assert_eq!(r("1e13"), Ok((10_000_000_000_000_000_000, false)));
        assert_eq!(r("1e14"), Err(NumError::TooLarge));
        assert_eq!(r("1e40"), Err(NumError::TooLarge));
        assert_eq!(r("1e999999999999999999999"), Err(NumError::TooLarge));
        assert_eq!(r("18446744073709.5516149"), Ok((u64::MAX, true)));
        assert_eq!(r("18446744073709.5516155"), Err(NumError::TooLarge));
        // A minus sign on a value that is not zero: negative, even if it rounds to 0.
        assert_eq!(r("-1e-9"), Err(NumError::Negative));
        assert_eq!(r("-0.0000001"), Err(NumError::Negative));
        assert_eq!(r("-0e-9"), Ok((0, false)));
        for bad in ["1e", "e5", "1e+", "1e-", "1e5.0", "1e5e5", ".e5", "1 e5", "1e 5", "1e+-5", "1f5", "0x10", "inf", "NaN"] {
            assert_eq!(r(bad), Err(NumError::Invalid), "{bad:?}");
        }
        // Decimal commas (`;` files).
        let eu = NumberFormat { decimal_comma: true, wide: false };
        assert_eq!(parse_micros_rounding_in(b"1,429999948", eu), Ok((1_430_000, true)));
        assert_eq!(parse_micros_rounding_in("1.234,5600004 \u{20ac}".as_bytes(), eu), Ok((1_234_560_000, true)));
        assert_eq!(parse_micros_rounding_in(b"1,5e-05", eu), Ok((15, false)));
        assert_eq!(parse_micros_rounding_in(b"1.5e-05", eu), Err(NumError::Invalid));
    }

    /// The number forms of exports in other languages, read only when the
    /// file's header is in one ([`NumberFormat::wide`]).
    #[test]
    fn wide_forms() {
        let fr = NumberFormat { decimal_comma: true, wide: true };
        let ja = NumberFormat { decimal_comma: false, wide: true };
        let m = |s: &[u8], f| parse_micros_in(s, f);
        // French: space, U+00A0 and U+202F between groups, decimal comma.
        assert_eq!(m(b"1 234,56", fr), Ok(1_234_560_000));
        assert_eq!(m("1\u{a0}234,56".as_bytes(), fr), Ok(1_234_560_000));
        assert_eq!(m("1\u{202f}234\u{202f}567,5 \u{20ac}".as_bytes(), fr), Ok(1_234_567_500_000));
        assert_eq!(m(b"1\xa0234,56", fr), Ok(1_234_560_000), "Windows-1252's no-break space");
        assert_eq!(m(b"1.234,56", fr), Ok(1_234_560_000));
        assert_eq!(m(b"12,50 EUR", fr), Ok(12_500_000));
        assert_eq!(parse_count_in(b"12 345", fr), Ok(12_345));
        assert_eq!(parse_count_in("1\u{a0}234\u{a0}567".as_bytes(), fr), Ok(1_234_567));
        // Groups are still groups of three; two spaces are not one.
        assert_eq!(m(b"12 34,5", fr), Err(NumError::Invalid));
        assert_eq!(m(b"1  234,5", fr), Err(NumError::Invalid));
        assert_eq!(m(b"1 2345", fr), Err(NumError::Invalid));
        // Brazil.
        assert_eq!(m(b"R$ 1.234,56", fr), Ok(1_234_560_000));
        assert_eq!(m(b"-R$ 1,00", fr), Err(NumError::Negative));
        // Japanese: yen signs before or after, in UTF-8 and Shift_JIS.
        assert_eq!(m("\u{a5}15,000".as_bytes(), ja), Ok(15_000_000_000));
        assert_eq!(m("\u{ffe5}15,000".as_bytes(), ja), Ok(15_000_000_000));
        assert_eq!(m("15,000\u{5186}".as_bytes(), ja), Ok(15_000_000_000));
        assert_eq!(m(b"\\15,000", ja), Ok(15_000_000_000), "Shift_JIS's yen, byte 0x5C");
        assert_eq!(m(b"\x81\x8f15,000", ja), Ok(15_000_000_000));
        assert_eq!(m(b"15,000\x89\x7e", ja), Ok(15_000_000_000));
        // Without `wide` (an English file) none of these is a number.
        let en = NumberFormat::default();
        let eu = NumberFormat { decimal_comma: true, wide: false };
        assert_eq!(m(b"1 234,56", eu), Err(NumError::Invalid));
        assert_eq!(m(b"R$ 1.234,56", eu), Err(NumError::Invalid));
        assert_eq!(m(b"\\15,000", en), Err(NumError::Invalid));
        assert_eq!(m("15,000\u{5186}".as_bytes(), en), Err(NumError::Invalid));
        assert_eq!(parse_count_in(b"1 234", en), Err(NumError::Invalid));
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
        let alphabet = b"0123456789.,- $eE+";
        for fmt in [false, true].into_iter().flat_map(|wide| [false, true].map(|decimal_comma| NumberFormat { decimal_comma, wide })) {
            for round in 0..200_000 {
                let len = (next() % 24) as usize;
                let pick = |x: u64| if round % 3 == 0 { alphabet[(x % alphabet.len() as u64) as usize] } else { b"0123456789.,"[(x % 12) as usize] };
                let field: Vec<u8> = (0..len).map(|_| pick(next())).collect();
                assert_eq!(parse_count_in(&field, fmt), count_in(&field, fmt), "{:?}", String::from_utf8_lossy(&field));
                assert_eq!(parse_micros_rounding_in(&field, fmt), micros_in(&field, fmt), "{:?}", String::from_utf8_lossy(&field));
            }
        }
    }
}
