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

/// The WHATWG Encoding Standard's labels of the encodings adagg reads
/// (<https://encoding.spec.whatwg.org/#names-and-labels>), for
/// [`Encoding::from_label`]. (`cp932` is not one: `ms932`, `windows-31j`.)
pub const LABELS: [(&str, Encoding); 40] = [
    ("unicode-1-1-utf-8", Encoding::Utf8),
    ("unicode11utf8", Encoding::Utf8),
    ("unicode20utf8", Encoding::Utf8),
    ("utf-8", Encoding::Utf8),
    ("utf8", Encoding::Utf8),
    ("x-unicode20utf8", Encoding::Utf8),
    ("unicodefffe", Encoding::Utf16Be),
    ("utf-16be", Encoding::Utf16Be),
    ("csunicode", Encoding::Utf16Le),
    ("iso-10646-ucs-2", Encoding::Utf16Le),
    ("ucs-2", Encoding::Utf16Le),
    ("unicode", Encoding::Utf16Le),
    ("unicodefeff", Encoding::Utf16Le),
    ("utf-16", Encoding::Utf16Le),
    ("utf-16le", Encoding::Utf16Le),
    ("ansi_x3.4-1968", Encoding::Windows1252),
    ("ascii", Encoding::Windows1252),
    ("cp1252", Encoding::Windows1252),
    ("cp819", Encoding::Windows1252),
    ("csisolatin1", Encoding::Windows1252),
    ("ibm819", Encoding::Windows1252),
    ("iso-8859-1", Encoding::Windows1252),
    ("iso-ir-100", Encoding::Windows1252),
    ("iso8859-1", Encoding::Windows1252),
    ("iso88591", Encoding::Windows1252),
    ("iso_8859-1", Encoding::Windows1252),
    ("iso_8859-1:1987", Encoding::Windows1252),
    ("l1", Encoding::Windows1252),
    ("latin1", Encoding::Windows1252),
    ("us-ascii", Encoding::Windows1252),
    ("windows-1252", Encoding::Windows1252),
    ("x-cp1252", Encoding::Windows1252),
    ("csshiftjis", Encoding::ShiftJis),
    ("ms932", Encoding::ShiftJis),
    ("ms_kanji", Encoding::ShiftJis),
    ("shift-jis", Encoding::ShiftJis),
    ("shift_jis", Encoding::ShiftJis),
    ("sjis", Encoding::ShiftJis),
    ("windows-31j", Encoding::ShiftJis),
    ("x-sjis", Encoding::ShiftJis),
];

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
    /// `shift_jis`, `sjis`, `ms932`: the WHATWG Encoding Standard's labels
    /// of the five encodings read ([`LABELS`]), compared as it compares
    /// them (surrounding white space dropped, ASCII case ignored) and as
    /// encoding_rs's `Encoding::for_label` does (a test holds them to it on
    /// every WHATWG label). Our own list: encoding_rs's has every
    /// encoding's 228 labels, ~5 kB of the WebAssembly download.
    pub fn from_label(label: &str) -> Option<Encoding> {
        let label = label.trim();
        LABELS.iter().find(|(l, _)| l.eq_ignore_ascii_case(label)).map(|&(_, e)| e)
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

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    /// Every label of the WHATWG Encoding Standard (encoding_rs's list, all
    /// 228, of every encoding) names the encoding encoding_rs's
    /// `for_label` names, when adagg reads it, and nothing otherwise; in
    /// any ASCII case, with white space around.
    #[test]
    fn labels_are_encoding_rs_labels() {
        let whatwg = [
        "l1",
        "l2",
        "l3",
        "l4",
        "l5",
        "l6",
        "l9",
        "866",
        "mac",
        "koi",
        "gbk",
        "big5",
        "utf8",
        "koi8",
        "sjis",
        "ucs-2",
        "ms932",
        "cp866",
        "utf-8",
        "cp819",
        "ascii",
        "x-gbk",
        "greek",
        "cp1250",
        "cp1251",
        "latin1",
        "gb2312",
        "cp1252",
        "latin2",
        "cp1253",
        "latin3",
        "cp1254",
        "latin4",
        "cp1255",
        "csbig5",
        "latin5",
        "utf-16",
        "cp1256",
        "ibm866",
        "latin6",
        "cp1257",
        "cp1258",
        "greek8",
        "ibm819",
        "arabic",
        "visual",
        "korean",
        "euc-jp",
        "koi8-r",
        "koi8_r",
        "euc-kr",
        "x-sjis",
        "koi8-u",
        "hebrew",
        "tis-620",
        "gb18030",
        "ksc5601",
        "gb_2312",
        "dos-874",
        "cn-big5",
        "unicode",
        "chinese",
        "logical",
        "cskoi8r",
        "cseuckr",
        "koi8-ru",
        "x-cp1250",
        "ksc_5601",
        "x-cp1251",
        "iso88591",
        "csgb2312",
        "x-cp1252",
        "iso88592",
        "x-cp1253",
        "iso88593",
        "ecma-114",
        "x-cp1254",
        "iso88594",
        "x-cp1255",
        "iso88595",
        "x-x-big5",
        "x-cp1256",
        "csibm866",
        "iso88596",
        "x-cp1257",
        "iso88597",
        "asmo-708",
        "ecma-118",
        "elot_928",
        "x-cp1258",
        "iso88598",
        "iso88599",
        "cyrillic",
        "utf-16be",
        "utf-16le",
        "us-ascii",
        "ms_kanji",
        "x-euc-jp",
        "iso885910",
        "iso8859-1",
        "iso885911",
        "iso8859-2",
        "iso8859-3",
        "iso885913",
        "iso8859-4",
        "iso885914",
        "iso8859-5",
        "iso885915",
        "iso8859-6",
        "iso8859-7",
        "iso8859-8",
        "iso-ir-58",
        "iso8859-9",
        "csunicode",
        "macintosh",
        "shift-jis",
        "shift_jis",
        "iso-ir-100",
        "iso8859-10",
        "iso-ir-110",
        "gb_2312-80",
        "iso-8859-1",
        "iso_8859-1",
        "iso-ir-101",
        "iso8859-11",
        "iso-8859-2",
        "iso_8859-2",
        "hz-gb-2312",
        "iso-8859-3",
        "iso_8859-3",
        "iso8859-13",
        "iso-8859-4",
        "iso_8859-4",
        "iso8859-14",
        "iso-ir-144",
        "iso-8859-5",
        "iso_8859-5",
        "iso8859-15",
        "iso-8859-6",
        "iso_8859-6",
        "iso-ir-126",
        "iso-8859-7",
        "iso_8859-7",
        "iso-ir-127",
        "iso-ir-157",
        "iso-8859-8",
        "iso_8859-8",
        "iso-ir-138",
        "iso-ir-148",
        "iso-8859-9",
        "iso_8859-9",
        "iso-ir-109",
        "iso-ir-149",
        "big5-hkscs",
        "csshiftjis",
        "iso-8859-10",
        "iso-8859-11",
        "csisolatin1",
        "csisolatin2",
        "iso-8859-13",
        "csisolatin3",
        "iso-8859-14",
        "windows-874",
        "csisolatin4",
        "iso-8859-15",
        "iso_8859-15",
        "csisolatin5",
        "iso-8859-16",
        "csisolatin6",
        "windows-949",
        "csisolatin9",
        "csiso88596e",
        "csiso88598e",
        "unicodefffe",
        "unicodefeff",
        "csmacintosh",
        "csiso88596i",
        "csiso88598i",
        "windows-31j",
        "x-mac-roman",
        "iso-2022-cn",
        "iso-2022-jp",
        "csiso2022jp",
        "iso-2022-kr",
        "csiso2022kr",
        "replacement",
        "windows-1250",
        "windows-1251",
        "windows-1252",
        "windows-1253",
        "windows-1254",
        "windows-1255",
        "windows-1256",
        "windows-1257",
        "windows-1258",
        "iso-8859-6-e",
        "iso-8859-8-e",
        "iso-8859-6-i",
        "iso-8859-8-i",
        "sun_eu_greek",
        "csksc56011987",
        "unicode20utf8",
        "unicode11utf8",
        "ks_c_5601-1987",
        "ansi_x3.4-1968",
        "ks_c_5601-1989",
        "x-mac-cyrillic",
        "x-user-defined",
        "csiso58gb231280",
        "iso-10646-ucs-2",
        "iso_8859-1:1987",
        "iso_8859-2:1987",
        "iso_8859-6:1987",
        "iso_8859-7:1987",
        "iso_8859-3:1988",
        "iso_8859-4:1988",
        "iso_8859-5:1988",
        "iso_8859-8:1988",
        "x-unicode20utf8",
        "iso_8859-9:1989",
        "csisolatingreek",
        "x-mac-ukrainian",
        "iso-2022-cn-ext",
        "csisolatinarabic",
        "csisolatinhebrew",
        "unicode-1-1-utf-8",
        "csisolatincyrillic",
        "cseucpkdfmtjapanese",
        ];
        let ours = |e: &'static encoding_rs::Encoding| match e {
            e if e == encoding_rs::UTF_8 => Some(Encoding::Utf8),
            e if e == encoding_rs::UTF_16LE => Some(Encoding::Utf16Le),
            e if e == encoding_rs::UTF_16BE => Some(Encoding::Utf16Be),
            e if e == encoding_rs::WINDOWS_1252 => Some(Encoding::Windows1252),
            e if e == encoding_rs::SHIFT_JIS => Some(Encoding::ShiftJis),
            _ => None,
        };
        for label in whatwg {
            let expected = encoding_rs::Encoding::for_label(label.as_bytes()).and_then(ours);
            assert!(encoding_rs::Encoding::for_label(label.as_bytes()).is_some(), "{label}");
            for l in [label.to_string(), label.to_ascii_uppercase(), format!(" \t{label}\n ")] {
                assert_eq!(Encoding::from_label(&l), expected, "{l:?}");
            }
        }
        assert_eq!(whatwg.iter().filter(|l| Encoding::from_label(l).is_some()).count(), LABELS.len());
        for label in ["cp932", "utf-7", "", "latin", "shift_jis2", "x-user-defined"] {
            assert_eq!(Encoding::from_label(label), encoding_rs::Encoding::for_label(label.as_bytes()).and_then(ours), "{label}");
        }
    }
}
