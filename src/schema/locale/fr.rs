//! French (fr): exports from a French interface.

use super::{Lang, Locale};
use crate::schema::field::{Column, Field};

/// Number forms (read as [`crate::text::number::NumberFormat::wide`]): `1 234,56` (a space, no-break space U+00A0 or narrow no-break space U+202F as thousands separator, decimal comma; `1.234,56` too), `12,50 €`, `12,50 EUR`.
pub const LOCALE: Locale = Locale {
    lang: Lang::Fr,
    name: "French",
    aliases: &[
        // Google Ads `ID de la campagne`, Meta `Identifiant de la campagne` (UI term).
        (Column::Field(Field::CampaignId), &["id de la campagne", "id de campagne", "identifiant de la campagne", "id campagne"]),
        // Google Ads `Campagne`; Meta `Nom de la campagne` (notes: `Jour;Nom de la campagne;Montant dépensé
        // (USD);Impressions`).
        (Column::CampaignName, &["campagne", "nom de la campagne", "nom de campagne"]),
        // `Clics`, Meta `Clics sur un lien`, `Clics (tous)` (UI term).
        // `Impressions` and `Impr.` are English's aliases (notes).
        (Column::Field(Field::Clicks), &["clics", "clics sur un lien", "clics sur le lien"]),
        // Meta `Montant dépensé (USD)` (notes); Google Ads, TikTok `Coût`, LinkedIn `Total dépensé`,
        // Microsoft Advertising `Dépenses` (UI term).
        (Column::Field(Field::Spend), &["montant dépensé", "coût", "total dépensé", "dépenses", "coût total"]),
        // `Conversions`/`Conv.` are English's aliases; Meta `Résultats`, `Achats` last (UI term).
        (Column::Field(Field::Conversions), &["résultats", "achats"]),
        // Google Ads `Valeur de conv.`, `Valeur de conversion`, Meta `Valeur de conversion des achats` (UI term).
        (Column::Field(Field::Revenue), &["valeur de conv.", "valeur de conversion", "valeur des conversions", "valeur de conversion des achats", "chiffre d'affaires", "revenus"]),
        // Meta `Jour` (notes); `Date` is English's; Meta `Début des rapports` (UI term).
        (Column::Date, &["jour", "début des rapports", "date de début"]),
    ],
    // `Total` is English's; `Total général` (Excel pivot tables). Every word starts with `total`, so the
    // fast line parser still declines (and csv-core's path decides) every row such a word may label.
    totals: &["total général".as_bytes()],
    totals_legacy: &[b"total g\xe9n\xe9ral"],
};
