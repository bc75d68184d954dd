//! Portuguese (pt): exports from a Portuguese interface (Brazil and Portugal).

use super::{Lang, Locale};
use crate::schema::field::{Column, Field};

/// Number forms (read as [`crate::text::number::NumberFormat::wide`]): `1.234,56` (Brazil) and `1 234,56` (Portugal; space, U+00A0 or U+202F), decimal comma (in `;` files), `R$ 1.234,56`, `12,50 €`.
pub const LOCALE: Locale = Locale {
    lang: Lang::Pt,
    name: "Portuguese",
    aliases: &[
        // `ID da campanha` (UI term; GA4's Google Ads report names its dimensions `ID do grupo de anúncios
        // do Google Ads`, https://support.google.com/analytics/answer/14617038?hl=pt-BR).
        (Column::Field(Field::CampaignId), &["id da campanha", "id de campanha"]),
        // `Campanha`, Meta `Nome da campanha` (UI term; GA4 help above: `Nome do grupo de anúncios`).
        (Column::CampaignName, &["campanha", "nome da campanha"]),
        // `Impressões` (https://help.ads.microsoft.com/apex/index/3/pt-br/50833; Meta glossaries).
        (Column::Field(Field::Impressions), &["impressões"]),
        // `Cliques` (Microsoft help above); Meta `Cliques no link` (https://blog.alcancecerto.com/facebook-ads/
        // and other Meta glossaries).
        (Column::Field(Field::Clicks), &["cliques", "cliques no link"]),
        // Google Ads, TikTok `Custo`; Meta `Valor usado (BRL)`, `Valor gasto`; Microsoft Advertising `Gasto`
        // (Microsoft help above); LinkedIn `Total gasto` (UI term).
        (Column::Field(Field::Spend), &["custo", "valor usado", "valor gasto", "total gasto", "gasto total", "gasto", "gastos"]),
        // `Conversões`; Meta `Resultados` (Meta glossary above), `Compras` last.
        (Column::Field(Field::Conversions), &["conversões", "resultados", "compras"]),
        // `Valor de conv.`, `Valor da conversão`, `Receita` (UI term).
        (Column::Field(Field::Revenue), &["valor de conv.", "valor da conversão", "valor de conversão", "valor de conversão de compras", "receita"]),
        // Google Ads, Meta `Dia`; `Data`; Meta `Início dos relatórios` (UI term).
        (Column::Date, &["dia", "data", "início dos relatórios", "data de início"]),
    ],
    // `Total` is English's; `Total geral` (Excel pivot tables).
    totals: &[b"total geral"],
    totals_legacy: &[],
};
