//! Streaming conversion of UTF-16 files to UTF-8 before parsing (CSV
//! parsing needs an ASCII-compatible encoding), and Windows-1252 and
//! Shift_JIS campaign ids to UTF-8. Windows-1252 and Shift_JIS files need
//! no transcoding: their bytes are parsed as they are and campaign ids
//! decoded at the end (Shift_JIS: see [`Encoding::ShiftJis`] for why its
//! raw bytes split into lines and fields as its text does).
//!
//! Written here on top of the standard library's `char::decode_utf16`
//! rather than with encoding_rs's decoders: those dispatch over every
//! encoding, and so pull encoding_rs's CJK index tables (~120 kB that
//! compress to ~115 kB) into the WebAssembly download. The tests hold both
//! decoders to encoding_rs's output (WHATWG semantics: an unpaired
//! surrogate or a lone trailing byte is one U+FFFD) on random input in
//! every chunking.

use crate::text::encoding::Encoding;

/// U+FFFD in UTF-8.
const REPLACEMENT: &[u8] = "\u{FFFD}".as_bytes();

/// Decodes a UTF-16 byte stream in any chunking (code units and surrogate
/// pairs split across chunks are carried over), dropping a leading
/// byte-order mark. Other encodings pass through unchanged.
pub struct Transcoder {
    /// UTF-16 and its byte order; None: no transcoding.
    big_endian: Option<bool>,
    /// The first byte of a code unit cut by the end of the last chunk.
    odd: Option<u8>,
    /// A high surrogate waiting for its low half.
    high: Option<u16>,
    /// The first code unit has been seen (a BOM is only dropped there).
    started: bool,
    out: Vec<u8>,
}

impl Transcoder {
    /// A decoder for `encoding`, at the start of the file.
    pub fn new(encoding: Encoding) -> Transcoder {
        let big_endian = match encoding {
            Encoding::Utf16Le => Some(false),
            Encoding::Utf16Be => Some(true),
            Encoding::Utf8 | Encoding::Windows1252 | Encoding::ShiftJis => None,
        };
        Transcoder { big_endian, odd: None, high: None, started: false, out: Vec::new() }
    }

    /// Decodes the next bytes (`last` for the end of the file) and returns
    /// the UTF-8 text they complete. Invalid sequences become U+FFFD.
    pub fn decode(&mut self, input: &[u8], last: bool) -> &[u8] {
        self.out.clear();
        let Some(big_endian) = self.big_endian else {
            self.out.extend_from_slice(input);
            return &self.out;
        };
        self.out.reserve(input.len() / 2 * 3 + 8);
        let mut rest = input;
        if let Some(first) = self.odd {
            if let Some((&second, tail)) = rest.split_first() {
                self.odd = None;
                self.unit(join(first, second, big_endian));
                rest = tail;
            }
        }
        let mut pairs = rest.chunks_exact(2);
        for pair in &mut pairs {
            self.unit(join(pair[0], pair[1], big_endian));
        }
        if let [b] = pairs.remainder() {
            self.odd = Some(*b);
        }
        // At the end, a high surrogate without its low half and a lone
        // byte after it are one malformed sequence: one U+FFFD.
        if last && (self.high.take().is_some() | self.odd.take().is_some()) {
            self.out.extend_from_slice(REPLACEMENT);
        }
        &self.out
    }

    /// One code unit.
    #[inline]
    fn unit(&mut self, u: u16) {
        if !self.started {
            self.started = true;
            if u == 0xFEFF {
                return; // byte-order mark
            }
        }
        let mut buf = [0u8; 4];
        if let Some(high) = self.high.take() {
            if (0xDC00..0xE000).contains(&u) {
                let c = char::decode_utf16([high, u]).next().and_then(Result::ok).unwrap_or('\u{FFFD}');
                self.out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                return;
            }
            self.out.extend_from_slice(REPLACEMENT);
        }
        match u {
            0xD800..=0xDBFF => self.high = Some(u),
            0xDC00..=0xDFFF => self.out.extend_from_slice(REPLACEMENT),
            _ => {
                let c = char::from_u32(u32::from(u)).unwrap_or('\u{FFFD}');
                self.out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
}

#[inline(always)]
fn join(a: u8, b: u8, big_endian: bool) -> u16 {
    match big_endian {
        true => u16::from_be_bytes([a, b]),
        false => u16::from_le_bytes([a, b]),
    }
}

/// Windows-1252's bytes 0x80..=0x9F (the WHATWG index; the other bytes
/// are the code points of the same number).
const CP1252_HIGH: [char; 32] = [
    '\u{20AC}', '\u{0081}', '\u{201A}', '\u{0192}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}', //
    '\u{02C6}', '\u{2030}', '\u{0160}', '\u{2039}', '\u{0152}', '\u{008D}', '\u{017D}', '\u{008F}', //
    '\u{0090}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}', '\u{2014}', //
    '\u{02DC}', '\u{2122}', '\u{0161}', '\u{203A}', '\u{0153}', '\u{009D}', '\u{017E}', '\u{0178}', //
];

/// `text` as a Windows-1252 file's bytes: the inverse of
/// [`decode_windows_1252`]; `None` when a character has no byte there.
pub fn encode_windows_1252(text: &str) -> Option<Vec<u8>> {
    text.chars()
        .map(|c| match u32::from(c) {
            0..=0x7F | 0xA0..=0xFF => Some(u32::from(c) as u8),
            _ => CP1252_HIGH.iter().position(|&h| h == c).map(|i| 0x80 + i as u8),
        })
        .collect()
}

/// Campaign ids of a Windows-1252 file as UTF-8.
pub fn decode_windows_1252(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len() + raw.len() / 2);
    let mut buf = [0u8; 4];
    for &b in raw {
        match b {
            0..=0x7F => out.push(b),
            0x80..=0x9F => out.extend_from_slice(CP1252_HIGH[usize::from(b - 0x80)].encode_utf8(&mut buf).as_bytes()),
            _ => out.extend_from_slice(char::from(b).encode_utf8(&mut buf).as_bytes()),
        }
    }
    out
}

impl Encoding {
    /// Text of a file in this encoding (an id, a name, a raw row) as
    /// UTF-8: Windows-1252 and Shift_JIS decoded (a byte sequence Shift_JIS
    /// has no character for is U+FFFD), other encodings' text as it is
    /// (UTF-16 files are transcoded before parsing).
    pub fn to_utf8(self, raw: &[u8]) -> std::borrow::Cow<'_, [u8]> {
        match self {
            Encoding::Windows1252 => decode_windows_1252(raw).into(),
            Encoding::ShiftJis => decode_shift_jis(raw),
            _ => raw.into(),
        }
    }

    /// `text` (UTF-8) as a file in this encoding writes it: the inverse of
    /// [`Encoding::to_utf8`]; `None` when a character has no bytes there.
    pub fn from_utf8(self, text: &str) -> Option<Vec<u8>> {
        match self {
            Encoding::Windows1252 => encode_windows_1252(text),
            Encoding::ShiftJis => encode_shift_jis(text),
            _ => Some(text.as_bytes().to_vec()),
        }
    }
}

/// True when `prefix` (the first bytes of a file; `at_eof`: all of it)
/// decodes as Shift_JIS without an error (a pair cut by the end of a
/// prefix is not one) and has at least one double-byte character: it may
/// be a Shift_JIS file. Windows-1252 text rarely passes (an accented
/// letter is a lead byte, and `,`, a space or the end of a line after it
/// is no trail byte), and the plan also asks for a Japanese header.
pub fn shift_jis_clean(prefix: &[u8], at_eof: bool) -> bool {
    let mut pairs = 0usize;
    let mut i = 0;
    while i < prefix.len() {
        let b = prefix[i];
        match b {
            0x00..=0x80 | 0xA1..=0xDF => i += 1,
            0x81..=0x9F | 0xE0..=0xFC => {
                let Some(&t) = prefix.get(i + 1) else { return !at_eof && pairs > 0 };
                if !matches!(t, 0x40..=0x7E | 0x80..=0xFC) {
                    return false;
                }
                pairs += 1;
                i += 2;
            }
            _ => return false,
        }
    }
    // The byte pattern is right; every pair must also be a character.
    pairs > 0 && {
        let end = match at_eof {
            true => prefix.len(),
            false => last_whole_char(prefix),
        };
        shift_jis_valid(&prefix[..end])
    }
}

/// The end of the last whole character of Shift_JIS bytes `b` (a lead
/// byte at the very end is left out).
fn last_whole_char(b: &[u8]) -> usize {
    let mut i = 0;
    while i < b.len() {
        i += match b[i] {
            0x81..=0x9F | 0xE0..=0xFC if i + 1 == b.len() => return i,
            0x81..=0x9F | 0xE0..=0xFC => 2,
            _ => 1,
        };
    }
    b.len()
}

/// Shift_JIS's two-byte characters as a table of `u16` code points, 0
/// where a pair has none, for lead bytes 0x81–0x9F, 0xE0–0xFC (60) by
/// trail bytes 0x40–0x7E, 0x80–0xFC (188). Ours rather than encoding_rs's
/// decoder, which dispatches over every encoding and so would bring all its
/// CJK tables into the WebAssembly download (~140 kB gzip).
///
/// Natively the table is `build.rs`'s, written from encoding_rs (22 kB).
/// The WebAssembly build carries no table (it gzips to 18 kB, every page
/// would download it): the browser has one. Its shell (`src/wasm/`)
/// installs the browser's `TextDecoder('shift_jis')` as a plain function at
/// start-up ([`install_shift_jis_decoder`]), and the first Shift_JIS byte
/// pair a run decodes builds the same table from it, once per instance
/// ([`pairs_from_decoder`]: one call over every pair). The core stays
/// sans-IO (it is handed a function, it calls no JS), and decoding,
/// detection and encoding run the same code on both targets.
const PAIRS: usize = 60 * 188;

#[cfg(not(target_arch = "wasm32"))]
static SHIFT_JIS_PAIRS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/shift_jis.bin"));

/// The code point of pair number `i` (lead index × 188 + trail index), 0
/// for none.
#[cfg(not(target_arch = "wasm32"))]
#[inline]
fn pair_code(i: usize) -> u16 {
    u16::from_le_bytes([SHIFT_JIS_PAIRS[2 * i], SHIFT_JIS_PAIRS[2 * i + 1]])
}

/// The code point of pair number `i` (lead index × 188 + trail index), 0
/// for none: from the table the installed decoder built (all 0, no pair
/// a character, when none was installed: Shift_JIS is then never detected).
#[cfg(target_arch = "wasm32")]
#[inline]
fn pair_code(i: usize) -> u16 {
    browser::pairs()[i]
}

/// Installs the host's Shift_JIS decoder (WHATWG's, as a browser's
/// `TextDecoder('shift_jis')` is: bytes to text, a byte sequence with no
/// character U+FFFD; `None` when the host has none). The WebAssembly shell
/// calls it at start-up; the first call wins.
#[cfg(target_arch = "wasm32")]
pub fn install_shift_jis_decoder(decode: fn(&[u8]) -> Option<String>) {
    let _ = browser::DECODER.set(decode);
}

#[cfg(target_arch = "wasm32")]
mod browser {
    use std::sync::OnceLock;

    pub(super) static DECODER: OnceLock<fn(&[u8]) -> Option<String>> = OnceLock::new();
    static TABLE: OnceLock<Box<[u16]>> = OnceLock::new();

    pub(super) fn pairs() -> &'static [u16] {
        TABLE.get_or_init(|| {
            DECODER
                .get()
                .and_then(|decode| super::pairs_from_decoder(|bytes| decode(bytes)))
                .unwrap_or_else(|| vec![0; super::PAIRS].into())
        })
    }
}

/// The pair table from a WHATWG Shift_JIS decoder, in one call: every pair
/// followed by `\n` (never a trail byte) is decoded, and a line of exactly
/// one character other than U+FFFD is that pair's character. A pair with
/// no character decodes to U+FFFD, followed by its trail byte when that is
/// ASCII (WHATWG gives it back to the stream), so its line is never one
/// character. `None` when the decoder failed or did not give one line per
/// pair. Natively a test builds it from encoding_rs and holds it to
/// `build.rs`'s table.
#[cfg(any(target_arch = "wasm32", test))]
fn pairs_from_decoder(decode: impl Fn(&[u8]) -> Option<String>) -> Option<Box<[u16]>> {
    let mut bytes = Vec::with_capacity(PAIRS * 3);
    for lead in (0x81u8..=0x9F).chain(0xE0..=0xFC) {
        for trail in (0x40u8..=0x7E).chain(0x80..=0xFC) {
            bytes.extend_from_slice(&[lead, trail, b'\n']);
        }
    }
    let text = decode(&bytes)?;
    let mut table = Vec::with_capacity(PAIRS);
    let mut lines = text.split('\n');
    for line in lines.by_ref().take(PAIRS) {
        let mut chars = line.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) if c != '\u{FFFD}' => u16::try_from(u32::from(c)).ok()?,
            _ => 0,
        };
        table.push(code);
    }
    (table.len() == PAIRS && lines.next() == Some("") && lines.next().is_none()).then(|| table.into())
}

/// The character of lead byte `lead` and trail byte `trail`, if any.
#[inline]
fn shift_jis_pair(lead: u8, trail: u8) -> Option<char> {
    let l = match lead {
        0x81..=0x9F => lead - 0x81,
        0xE0..=0xFC => lead - 0xE0 + 31,
        _ => return None,
    };
    let t = match trail {
        0x40..=0x7E => trail - 0x40,
        0x80..=0xFC => trail - 0x41,
        _ => return None,
    };
    let code = pair_code(usize::from(l) * 188 + usize::from(t));
    (code != 0).then(|| char::from_u32(u32::from(code)).unwrap_or('\u{FFFD}'))
}

/// Decodes Shift_JIS as the WHATWG Encoding Standard (and encoding_rs) do,
/// appending UTF-8 to `out`; false when some byte had no character (a
/// U+FFFD was written for it). A lead byte whose trail is ASCII and not a
/// character gives U+FFFD and leaves the ASCII byte to be read on its own.
fn decode_shift_jis_into(raw: &[u8], out: &mut Vec<u8>) -> bool {
    let mut clean = true;
    let mut buf = [0u8; 4];
    let mut push = |c: char, out: &mut Vec<u8>| out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        match b {
            0x00..=0x80 => {
                out.push(b);
                if b == 0x80 {
                    out.pop();
                    push('\u{80}', out);
                }
                i += 1;
            }
            0xA1..=0xDF => {
                push(char::from_u32(0xFF61 + u32::from(b - 0xA1)).expect("half-width katakana"), out);
                i += 1;
            }
            0x81..=0x9F | 0xE0..=0xFC => match raw.get(i + 1) {
                Some(&t) => match shift_jis_pair(b, t) {
                    Some(c) => {
                        push(c, out);
                        i += 2;
                    }
                    None => {
                        clean = false;
                        push('\u{FFFD}', out);
                        i += if t < 0x80 { 1 } else { 2 };
                    }
                },
                None => {
                    clean = false;
                    push('\u{FFFD}', out);
                    i += 1;
                }
            },
            _ => {
                clean = false;
                push('\u{FFFD}', out);
                i += 1;
            }
        }
    }
    clean
}

/// Text of a Shift_JIS file (CP932: WHATWG's `Shift_JIS`, as encoding_rs
/// decodes it) as UTF-8; a byte sequence with no character is U+FFFD.
/// Plain ASCII is borrowed as it is.
pub fn decode_shift_jis(raw: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    if raw.is_ascii() {
        return raw.into();
    }
    let mut out = Vec::with_capacity(raw.len() * 3 / 2 + 4);
    decode_shift_jis_into(raw, &mut out);
    out.into()
}

/// True when `raw` decodes as Shift_JIS without an error.
pub fn shift_jis_valid(raw: &[u8]) -> bool {
    raw.is_ascii() || decode_shift_jis_into(raw, &mut Vec::with_capacity(raw.len() * 3 / 2 + 4))
}

/// `text` as a Shift_JIS file's bytes: the inverse of
/// [`decode_shift_jis`] (as WHATWG's encoder: `¥` is 0x5C, `‾` 0x7E, a
/// character with several pairs the first of them); `None` when a
/// character has no bytes there. A search of the table per character: it
/// is used for the few ids of a capped daily run.
pub fn encode_shift_jis(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len());
    for c in text.chars() {
        match u32::from(c) {
            0..=0x80 => out.push(u32::from(c) as u8),
            0xA5 => out.push(0x5C),
            0x203E => out.push(0x7E),
            u @ 0xFF61..=0xFF9F => out.push((u - 0xFF61 + 0xA1) as u8),
            // User-defined pairs (leads 0xF0–0xF9) decode to the Private Use Area; WHATWG's
            // encoder has no bytes for it.
            0xE000..=0xF8FF => return None,
            u => {
                // WHATWG's encoder writes U+2212 as U+FF0D (0x817C) and skips pointers
                // 8272..=8835 (NEC's copies of IBM's extensions: leads 0xED, 0xEE).
                let u = if u == 0x2212 { 0xFF0D } else { u };
                let at = (0..PAIRS).filter(|&i| !(8272..=8835).contains(&i)).find(|&i| u32::from(pair_code(i)) == u)?;
                let (l, t) = (at / 188, at % 188);
                out.push(if l < 31 { 0x81 + l as u8 } else { 0xE0 + (l - 31) as u8 });
                out.push(if t < 0x3F { 0x40 + t as u8 } else { 0x41 + t as u8 });
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whole(encoding: Encoding, bytes: &[u8], size: usize) -> Vec<u8> {
        let mut t = Transcoder::new(encoding);
        let mut out = Vec::new();
        for chunk in bytes.chunks(size.max(1)) {
            out.extend_from_slice(t.decode(chunk, false));
        }
        out.extend_from_slice(t.decode(&[], true));
        out
    }

    /// Every byte decodes to UTF-8 and encodes back to itself; a
    /// character Windows-1252 has no byte for is `None`.
    #[test]
    fn windows_1252_round_trips() {
        let all: Vec<u8> = (0..=255).collect();
        let text = String::from_utf8(decode_windows_1252(&all)).unwrap();
        assert_eq!(encode_windows_1252(&text), Some(all));
        assert_eq!(encode_windows_1252("Café €"), Some(b"Caf\xE9 \x80".to_vec()));
        assert_eq!(encode_windows_1252("日本"), None);
    }

    #[test]
    fn shift_jis_round_trips() {
        let text = "キャンペーン,表示回数,クリック数,費用,コンバージョン,ｶﾀｶﾅ";
        let bytes = encode_shift_jis(text).unwrap();
        assert_eq!(&bytes[..4], b"\x83\x4c\x83\x83");
        assert_eq!(decode_shift_jis(&bytes), text.as_bytes());
        assert!(shift_jis_valid(&bytes));
        assert!(!shift_jis_valid(b"Caf\xe9,1"));
        assert_eq!(encode_shift_jis("\u{1F600}"), None);
        assert_eq!(decode_shift_jis(b"\x81"), "\u{FFFD}".as_bytes());
    }

    #[test]
    fn utf16_in_any_chunking() {
        let text = "id\u{e9}\u{1F600},1\r\n";
        let mut le = vec![0xFF, 0xFE];
        le.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
        for size in 1..6 {
            assert_eq!(String::from_utf8(whole(Encoding::Utf16Le, &le, size)).unwrap(), text);
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    mod against_encoding_rs {
        use super::*;
        use proptest::prelude::*;

        fn reference(encoding: &'static encoding_rs::Encoding, bytes: &[u8]) -> Vec<u8> {
            let mut d = encoding.new_decoder_with_bom_removal();
            let mut out = vec![0; d.max_utf8_buffer_length(bytes.len()).unwrap()];
            let (_, read, written, _) = d.decode_to_utf8(bytes, &mut out, true);
            assert_eq!(read, bytes.len());
            out.truncate(written);
            out
        }

        /// Bytes that are mostly UTF-16 text with surrogates, BOMs and
        /// stray bytes mixed in.
        fn utf16ish() -> impl Strategy<Value = Vec<u8>> {
            prop::collection::vec(
                prop_oneof![
                    any::<u8>().prop_map(|b| vec![b]),
                    (0xD800u16..0xE000).prop_map(|u| u.to_le_bytes().to_vec()),
                    (0xD800u16..0xE000).prop_map(|u| u.to_be_bytes().to_vec()),
                    Just(vec![0xFF, 0xFE]),
                    Just(vec![0xFE, 0xFF]),
                    any::<char>().prop_map(|c| c.encode_utf16(&mut [0; 2]).iter().flat_map(|u| u.to_le_bytes()).collect()),
                    "[a-z,0-9\r\n]{1,4}".prop_map(|s| s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()),
                ],
                0..40,
            )
            .prop_map(|parts| parts.concat())
        }

        proptest! {
            #[test]
            fn utf16_decodes_as_encoding_rs_does(bytes in utf16ish(), size in 1usize..9) {
                prop_assert_eq!(whole(Encoding::Utf16Le, &bytes, size), reference(encoding_rs::UTF_16LE, &bytes));
                prop_assert_eq!(whole(Encoding::Utf16Be, &bytes, size), reference(encoding_rs::UTF_16BE, &bytes));
            }

            #[test]
            fn shift_jis_decodes_as_encoding_rs_does(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
                let expected = encoding_rs::SHIFT_JIS.decode_without_bom_handling(&bytes).0.into_owned().into_bytes();
                prop_assert_eq!(&decode_shift_jis(&bytes)[..], &expected[..]);
                prop_assert_eq!(shift_jis_valid(&bytes), encoding_rs::SHIFT_JIS.decode_without_bom_handling_and_without_replacement(&bytes).is_some());
            }

            #[test]
            fn windows_1252_decodes_as_encoding_rs_does(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
                let expected = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&bytes).0.into_owned().into_bytes();
                prop_assert_eq!(decode_windows_1252(&bytes), expected);
            }
        }

        /// Every byte pair (and every pair before an ASCII byte or at the
        /// end) decodes as encoding_rs decodes it, and every character of
        /// the table encodes as encoding_rs encodes it.
        #[test]
        fn every_shift_jis_pair() {
            for a in 0..=255u8 {
                for b in 0..=255u8 {
                    for bytes in [&[a, b][..], &[a, b, b'x'], &[b, a]] {
                        let expected = encoding_rs::SHIFT_JIS.decode_without_bom_handling(bytes).0.into_owned().into_bytes();
                        assert_eq!(&decode_shift_jis(bytes)[..], &expected[..], "{bytes:x?}");
                    }
                }
            }
            for i in 0..PAIRS {
                let code = pair_code(i);
                let Some(c) = char::from_u32(u32::from(code)).filter(|_| code != 0) else { continue };
                let text = c.to_string();
                let (expected, _, bad) = encoding_rs::SHIFT_JIS.encode(&text);
                assert_eq!(encode_shift_jis(&text).as_deref(), (!bad).then_some(&expected[..]), "{c:?}");
            }
            for c in ['\u{a5}', '\u{203e}', '\u{ff61}', '\u{ff9f}', '\u{80}', 'a', '\u{2212}'] {
                let text = c.to_string();
                let (expected, _, bad) = encoding_rs::SHIFT_JIS.encode(&text);
                assert_eq!(encode_shift_jis(&text).as_deref(), (!bad).then_some(&expected[..]), "{c:?}");
            }
        }

        /// The table the WebAssembly build makes from the browser's
        /// `TextDecoder('shift_jis')` (a WHATWG decoder, as encoding_rs
        /// is) is `build.rs`'s, pair for pair; a decoder that fails or
        /// loses a line gives none.
        #[test]
        fn pairs_from_a_whatwg_decoder_are_the_build_table() {
            let table = pairs_from_decoder(|b| Some(encoding_rs::SHIFT_JIS.decode_without_bom_handling(b).0.into_owned())).unwrap();
            assert_eq!(table.len(), PAIRS);
            for (i, &code) in table.iter().enumerate() {
                assert_eq!(code, pair_code(i), "pair {i}");
            }
            assert!(pairs_from_decoder(|_| None).is_none());
            assert!(pairs_from_decoder(|b| Some(encoding_rs::SHIFT_JIS.decode_without_bom_handling(&b[3..]).0.into_owned())).is_none());
            assert!(pairs_from_decoder(|b| Some(encoding_rs::SHIFT_JIS.decode_without_bom_handling(b).0.into_owned() + "x\n")).is_none());
        }

        #[test]
        fn every_windows_1252_byte() {
            let all: Vec<u8> = (0..=255).collect();
            let expected = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&all).0.into_owned().into_bytes();
            assert_eq!(decode_windows_1252(&all), expected);
        }
    }
}
