//! Spanish (es): exports from a Spanish interface (Spain and Latin America).

use super::{Lang, Locale};
use crate::schema::field::{Column, Field};

/// Number forms (read as [`crate::text::number::NumberFormat::wide`]): `1.234,56` (Spain; in `;` files) and `1,234.56` (Mexico, as English), `12,50 €`, `$1,234.50`, `EUR 12,50`.
pub const LOCALE: Locale = Locale {
    lang: Lang::Es,
    name: "Spanish",
    aliases: &[
        // `ID de campaña` (UI term).
        (Column::Field(Field::CampaignId), &["id de campaña", "id de la campaña", "identificador de campaña"]),
        // Google Ads `Campaña`, `Nombre de la campaña` (https://support.google.com/google-ads/answer/11305867?hl=es-419).
        (Column::CampaignName, &["campaña", "nombre de la campaña", "nombre de campaña"]),
        // `Impresiones`, abbreviated `Impr.` (https://support.google.com/google-ads/answer/2454071?hl=es-419).
        (Column::Field(Field::Impressions), &["impresiones"]),
        // `Clics` (Google help above); Meta `Clics en el enlace` (UI term).
        (Column::Field(Field::Clicks), &["clics", "clics en el enlace"]),
        // Google Ads `Costo` (Latin America, Google help above) and `Coste` (Spain); Meta `Importe gastado`,
        // LinkedIn `Importe total gastado`, Microsoft Advertising `Gasto` (UI term).
        (Column::Field(Field::Spend), &["costo", "coste", "importe gastado", "importe total gastado", "gasto total", "gasto"]),
        // `Conversiones`; Google Ads and Meta `Resultados` (Google help above), `Compras` last.
        (Column::Field(Field::Conversions), &["conversiones", "resultados", "compras"]),
        // `Valor de conv.`, `Valor de conversión` (UI term).
        (Column::Field(Field::Revenue), &["valor de conv.", "valor de conversión", "valor de las conversiones", "valor de conversión de compras", "ingresos"]),
        // Google Ads `Día`, `Fecha`, Meta `Inicio del informe` (UI term).
        (Column::Date, &["día", "dia", "fecha", "inicio del informe", "fecha de inicio"]),
    ],
    // `Total` is English's (`Totales` starts with it); `Total general` (Excel pivot tables), `Totales`.
    totals: &[b"totales", b"total general"],
    totals_legacy: &[],
};
