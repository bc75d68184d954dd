//! The text encodings adagg reads, and how one is recognised.

/// A text encoding adagg reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(target_arch = "wasm32", derive(serde::Serialize, serde::Deserialize))]
pub enum Encoding {
    /// UTF-8, with or without a byte-order mark.
    Utf8,
    /// UTF-16 little-endian (with a byte-order mark).
    Utf16Le,
    /// UTF-16 big-endian (with a byte-order mark).
    Utf16Be,
    /// Windows-1252, for files that are not valid UTF-8.
    Windows1252,
    /// Shift_JIS as Windows writes it (CP932, WHATWG's `Shift_JIS`): Japanese
    /// Excel's "CSV". Chosen for a file that is not valid UTF-8 when its
    /// first bytes decode as Shift_JIS without an error and its header is
    /// Japanese ([`crate::read::plan::sniff_with`]); else Windows-1252.
    ///
    /// Its bytes are parsed as they are, like Windows-1252's, and ids and
    /// names decoded to UTF-8 on the way out ([`Encoding::to_utf8`] (in [`crate::text::transcode`])). That
    /// is safe: a lead byte is 0x81–0x9F or 0xE0–0xFC and a trail byte
    /// 0x40–0x7E or 0x80–0xFC, so neither is ever `\n` (0x0A), `\r`
    /// (0x0D), `"` (0x22), `,` (0x2C), `;` (0x3B), a tab (0x09) or `|`
    /// (0x7C is a trail byte, but `|` is only a delimiter when the header
    /// says so, and a Japanese header's names are not split by it); lines,
    /// quotes and fields are found on the raw bytes exactly as in the
    /// decoded text. (A trail byte may be 0x5C `\` or a letter: neither
    /// means anything to CSV.) Single bytes 0xA1–0xDF are half-width katakana.
    ShiftJis,
}

impl Encoding {
    /// The label shown to users.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
            Encoding::Windows1252 => "windows-1252",
            Encoding::ShiftJis => "Shift_JIS",
        }
    }

    /// Parses a label such as `utf-8`, `utf-16le`, `windows-1252`, `latin1`,
    /// `shift_jis`, `cp932`, `sjis`.
    pub fn from_label(label: &str) -> Option<Encoding> {
        match encoding_rs::Encoding::for_label(label.trim().as_bytes())? {
            e if e == encoding_rs::UTF_8 => Some(Encoding::Utf8),
            e if e == encoding_rs::UTF_16LE => Some(Encoding::Utf16Le),
            e if e == encoding_rs::UTF_16BE => Some(Encoding::Utf16Be),
            e if e == encoding_rs::WINDOWS_1252 => Some(Encoding::Windows1252),
            e if e == encoding_rs::SHIFT_JIS => Some(Encoding::ShiftJis),
            _ => None,
        }
    }

    /// True when the bytes must be transcoded to UTF-8 before parsing (not
    /// ASCII-compatible); such files are read as one range.
    pub fn needs_transcoding(self) -> bool {
        matches!(self, Encoding::Utf16Le | Encoding::Utf16Be)
    }

    /// True for the encodings whose bytes are parsed as they are and whose
    /// text (ids, names, rejected rows) is decoded to UTF-8 on the way out:
    /// Windows-1252 and Shift_JIS.
    #[inline]
    pub fn legacy(self) -> bool {
        matches!(self, Encoding::Windows1252 | Encoding::ShiftJis)
    }

    /// Guesses the encoding from the first bytes: a byte-order mark, else
    /// UTF-8 if the bytes are valid UTF-8, else Windows-1252 (the plan
    /// then reads a Japanese header as Shift_JIS:
    /// [`crate::text::transcode::shift_jis_clean`]).
    pub fn detect(prefix: &[u8], at_eof: bool) -> Encoding {
        if prefix.starts_with(&[0xFF, 0xFE]) {
            return Encoding::Utf16Le;
        }
        if prefix.starts_with(&[0xFE, 0xFF]) {
            return Encoding::Utf16Be;
        }
        match std::str::from_utf8(prefix) {
            Ok(_) => Encoding::Utf8,
            // A sequence cut by the end of the prefix is not an error.
            Err(e) if e.error_len().is_none() && !at_eof => Encoding::Utf8,
            Err(_) => Encoding::Windows1252,
        }
    }
}
