//! German (de): exports from a German interface.

use super::{Lang, Locale};
use crate::schema::field::{Column, Field};

/// Number forms (read as [`crate::text::number::NumberFormat::wide`]): `1.234,56` (`.` thousands, decimal comma: in `;` files), `12,50 €`, `EUR 12,50`, `12,50 EUR`.
pub const LOCALE: Locale = Locale {
    lang: Lang::De,
    name: "German",
    aliases: &[
        // Google Ads `Kampagnen-ID`, Microsoft Advertising `Kampagnen-ID`, LinkedIn `Kampagnen-ID` (UI term).
        (Column::Field(Field::CampaignId), &["kampagnen-id", "kampagnen id", "kampagnenid", "id der kampagne"]),
        // Google Ads `Kampagne` (https://support.google.com/google-ads/answer/2404036?hl=de); Meta, LinkedIn,
        // TikTok `Kampagnenname` (UI term).
        (Column::CampaignName, &["kampagne", "kampagnenname", "name der kampagne"]),
        // `Impressionen` (https://support.google.com/google-ads/answer/4597811?hl=de); Google Ads `Impr.` is
        // English's alias (an English alias is never repeated here: it would not tell the language).
        (Column::Field(Field::Impressions), &["impressionen"]),
        // `Klicks` (Google help above); Meta `Link-Klicks`, `Klicks (alle)` (UI term).
        (Column::Field(Field::Clicks), &["klicks", "link-klicks", "klicks (alle)", "linkklicks"]),
        // Google Ads, TikTok `Kosten` (https://www.semsea.at/whiteboard/google-ads-glossar/ quoting the
        // Google Ads glossary); Meta `Ausgegebener Betrag (EUR)`, LinkedIn `Ausgaben gesamt`, Microsoft
        // Advertising `Ausgaben` (UI term).
        (Column::Field(Field::Spend), &["kosten", "ausgegebener betrag", "ausgaben gesamt", "gesamtausgaben", "ausgaben"]),
        // Google Ads writes `Conversions` in German too (https://support.google.com/google-ads/answer/6270625?hl=de;
        // English's alias); `Konversionen`, Meta `Ergebnisse`, `Käufe` last (UI term).
        (Column::Field(Field::Conversions), &["konversionen", "ergebnisse", "käufe"]),
        // Google Ads `Conv.-Wert`, `Conversion-Wert`, `Umsatz` (UI term).
        (Column::Field(Field::Revenue), &["conv.-wert", "conversion-wert", "konv.-wert", "wert der conversions", "umsatz"]),
        // Google Ads `Tag`, `Datum`, Meta `Berichtsbeginn` (UI term).
        (Column::Date, &["tag", "datum", "berichtsbeginn", "startdatum"]),
    ],
    // `Gesamt` (Google Ads `Gesamt: Konto`), `Summe`, `Insgesamt`, `Gesamtergebnis` (Excel pivot
    // tables); UI terms. None starts with `Total`, so the fast line parser is off for German files
    // (see `read::fast`), and every row goes through csv-core and these words.
    totals: &[b"gesamt", b"summe", b"insgesamt", b"gesamtergebnis"],
    totals_legacy: &[],
};
