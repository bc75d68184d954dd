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
}

impl Encoding {
    /// The label shown to users.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
            Encoding::Windows1252 => "windows-1252",
        }
    }

    /// Parses a label such as `utf-8`, `utf-16le`, `windows-1252`, `latin1`.
    pub fn from_label(label: &str) -> Option<Encoding> {
        match encoding_rs::Encoding::for_label(label.trim().as_bytes())? {
            e if e == encoding_rs::UTF_8 => Some(Encoding::Utf8),
            e if e == encoding_rs::UTF_16LE => Some(Encoding::Utf16Le),
            e if e == encoding_rs::UTF_16BE => Some(Encoding::Utf16Be),
            e if e == encoding_rs::WINDOWS_1252 => Some(Encoding::Windows1252),
            _ => None,
        }
    }

    /// True when the bytes must be transcoded to UTF-8 before parsing (not
    /// ASCII-compatible); such files are read as one range.
    pub fn needs_transcoding(self) -> bool {
        matches!(self, Encoding::Utf16Le | Encoding::Utf16Be)
    }

    /// Guesses the encoding from the first bytes: a byte-order mark, else
    /// UTF-8 if the bytes are valid UTF-8, else Windows-1252.
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
