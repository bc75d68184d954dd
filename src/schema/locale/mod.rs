//! Exports in the user's language (issue 18): ad platforms write headers,
//! total rows and numbers in the language of the account's interface. One
//! table per language ([`ja`], [`de`], [`fr`], [`es`], [`pt`]), each with
//! its header aliases (for [`crate::schema::aliases::lookup`]), the words
//! of its total rows (for [`crate::row::record`]) and the number forms its
//! exports use (in words, in each table's doc comment: not data, so not
//! in the WebAssembly download). The README's "Exports in the user's language" lists them.
//!
//! A file's language is decided once, from its header
//! ([`crate::read::plan::Plan::lang`]): the language with the most header
//! names in its table. Only then are its total words looked for and the
//! wide number forms read ([`crate::text::number::NumberFormat::wide`]), so
//! an English file pays nothing for them.
//!
//! Names are written here as [`crate::schema::aliases::normalize`] leaves
//! them (lower case, a trailing `(EUR)`-style group dropped, full-width
//! parentheses as ASCII ones). Each alias group names its source: "notes"
//! is `shared/notes/export-headers-seen.md` (headers seen in public
//! projects' fixtures), a URL a platform's help page in that language, and
//! "UI term" a name taken from the platform's interface vocabulary that no
//! stored export or help page here confirmed (kept because a missing alias
//! only sends the user to the mapping form, while a wrong one is unlikely:
//! each names the same field in every platform that writes it).

use crate::schema::field::Column;

mod de;
mod es;
mod fr;
mod ja;
mod pt;

/// A language adagg reads exports in, besides English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(target_arch = "wasm32", derive(serde::Serialize, serde::Deserialize))]
pub enum Lang {
    /// Japanese.
    Ja,
    /// German.
    De,
    /// French.
    Fr,
    /// Spanish.
    Es,
    /// Portuguese.
    Pt,
}

/// One language's table.
#[derive(Debug)]
pub struct Locale {
    /// The language.
    pub lang: Lang,
    /// Its English name, for messages and the README.
    pub name: &'static str,
    /// Header aliases per column kind, most specific first (as
    /// [`crate::schema::aliases::ALIASES`]).
    pub aliases: &'static [(Column, &'static [&'static str])],
    /// Cells that label a total row in UTF-8 (compared trimmed, ASCII case
    /// folded; exactly, or followed by `:`, as `合計: アカウント`).
    pub totals: &'static [&'static [u8]],
    /// The same words as the language's legacy encoding writes them
    /// (Windows-1252; Shift_JIS for Japanese), for files read in it; empty
    /// when those are the UTF-8 bytes (ASCII words).
    pub totals_legacy: &'static [&'static [u8]],
}

/// Every language's table, in the order ties are decided.
pub const LOCALES: [&Locale; 5] = [&ja::LOCALE, &de::LOCALE, &fr::LOCALE, &es::LOCALE, &pt::LOCALE];

impl Lang {
    /// Every language.
    pub const ALL: [Lang; 5] = [Lang::Ja, Lang::De, Lang::Fr, Lang::Es, Lang::Pt];

    /// Its table.
    pub fn locale(self) -> &'static Locale {
        LOCALES[self as usize]
    }

    /// Its ISO 639-1 code.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ja => "ja",
            Lang::De => "de",
            Lang::Fr => "fr",
            Lang::Es => "es",
            Lang::Pt => "pt",
        }
    }
}

/// The words that label a total row in a file of language `lang`, as its
/// bytes are (`legacy`: the file is Windows-1252 or Shift_JIS and is
/// parsed as it is), besides English's `Total`; empty for English.
pub fn total_words(lang: Option<Lang>, legacy: bool) -> &'static [&'static [u8]] {
    match (lang, legacy) {
        (None, _) => &[],
        (Some(l), false) => l.locale().totals,
        (Some(l), true) => match l.locale().totals_legacy {
            [] => l.locale().totals,
            words => words,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_in_lang_order_and_normalized() {
        for (i, l) in Lang::ALL.iter().enumerate() {
            assert_eq!(l.locale().lang, *l);
            assert_eq!(*l as usize, i);
            for (_, names) in l.locale().aliases {
                for n in *names {
                    assert_eq!(crate::schema::aliases::normalize(n), *n, "{}: {n:?} is not normalized", l.code());
                }
            }
            assert!(!l.locale().totals.is_empty());
        }
    }

    /// The legacy bytes of each total word are its Windows-1252 (Shift_JIS
    /// for Japanese) encoding, and every word whose bytes differ is there.
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn legacy_total_words_are_the_encodings_bytes() {
        for l in Lang::ALL {
            let enc = match l {
                Lang::Ja => encoding_rs::SHIFT_JIS,
                _ => encoding_rs::WINDOWS_1252,
            };
            let loc = l.locale();
            let encoded: Vec<Vec<u8>> = loc
                .totals
                .iter()
                .map(|w| {
                    let (bytes, _, bad) = enc.encode(std::str::from_utf8(w).unwrap());
                    assert!(!bad, "{w:?}");
                    bytes.into_owned()
                })
                .collect();
            match encoded.iter().zip(loc.totals).all(|(e, w)| e == w) {
                true => assert!(loc.totals_legacy.is_empty(), "{}", l.code()),
                false => assert_eq!(loc.totals_legacy.iter().map(|w| w.to_vec()).collect::<Vec<_>>(), encoded, "{}", l.code()),
            }
        }
    }
}
