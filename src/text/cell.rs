//! Text cells as CSV fields: spreadsheet-safe (OWASP CSV-injection rule)
//! and RFC 4180-quoted. The one rule for every text cell the core writes:
//! ids and names in rankings, `all_campaigns.csv` and `normalized.csv`.

/// `raw` (UTF-8; invalid bytes become U+FFFD) appended to `out` as a CSV
/// field: a leading `=`, `+`, `-`, `@`, tab or CR gets a `'` in front and
/// the field is quoted when it contains a delimiter, quote or line break.
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

/// [`push_csv_text_field`] into bytes, with a shortcut for the common
/// cell (ASCII, nothing to guard or quote), which it copies as it is.
#[inline]
pub fn push_csv_text_bytes(out: &mut Vec<u8>, raw: &[u8], scratch: &mut String) {
    let plain = !matches!(raw.first(), Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r'))
        && raw.iter().all(|&b| b.is_ascii() && !matches!(b, b',' | b'"' | b'\n' | b'\r'));
    if plain {
        out.extend_from_slice(raw);
    } else {
        scratch.clear();
        push_csv_text_field(scratch, raw);
        out.extend_from_slice(scratch.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_agree_with_text() {
        let cells: [&[u8]; 12] = [
            b"", b"CMP001", b"=1+1", b"-5", b"a,b", b"say \"hi\"", b"two\nlines", b"caf\xc3\xa9", b"bad\xff", b"@x,y",
            b"\tx", b"a\rb",
        ];
        for raw in cells {
            let (mut text, mut bytes, mut scratch) = (String::new(), Vec::new(), String::new());
            push_csv_text_field(&mut text, raw);
            push_csv_text_bytes(&mut bytes, raw, &mut scratch);
            assert_eq!(text.as_bytes(), &bytes[..], "{raw:?}");
        }
    }
}
