//! Header names of the common ad-platform exports, mapped to adagg's
//! fields. The README's "Supported exports" table is this table.
//!
//! Names are compared after [`normalize`]: lower case, `_` as space, runs
//! of spaces folded, a trailing `(USD)`-style group dropped. Names in
//! other languages are in [`crate::schema::locale`]'s tables, looked up
//! after this one's ([`lookup`]); [`language`] tells a header's language.

use crate::schema::field::Field;
use crate::schema::locale::{Lang, LOCALES};

pub use crate::schema::field::Column;

/// Aliases per column kind, most specific first. When several columns of
/// one file match the same kind, the one whose alias comes first wins.
pub const ALIASES: &[(Column, &[&str])] = &[
    // FV-SEC001, TikTok (`campaign_id`), Microsoft Advertising (`CampaignId`), Google Ads (`Campaign ID`).
    (Column::Field(Field::CampaignId), &["campaign id", "campaignid"]),
    // Google Ads, LinkedIn, Meta, TikTok (`campaign_name`), Microsoft Advertising (`CampaignName`).
    (Column::CampaignName, &["campaign", "campaign name", "campaignname"]),
    // Google Ads `Impr.`.
    (Column::Field(Field::Impressions), &["impressions", "impr.", "impr", "impression"]),
    // Meta `Link clicks`; `Clicks (all)`.
    (Column::Field(Field::Clicks), &["clicks", "link clicks", "clicks (all)", "click"]),
    // Google Ads `Cost`, Meta `Amount spent (USD)`, LinkedIn `Total Spent`.
    (Column::Field(Field::Spend), &["spend", "cost", "amount spent", "total spent", "spent", "amount spend"]),
    // Google Ads `Conv.`, Meta `Results`, TikTok `conversion`, LinkedIn `Conversions`. Meta's
    // `Purchases` / `Website purchases` come last: they are the conversions only when the file has
    // no other conversion column (the first alias wins).
    (
        Column::Field(Field::Conversions),
        &["conversions", "conv.", "conv", "conversion", "total conversions", "results", "purchases", "website purchases"],
    ),
    // Revenue (optional), the conversion value: FV-SEC001-style `revenue`, Microsoft Advertising
    // `Revenue`, Google Ads `Conv. value` (then `All conv. value`, which adds cross-device and
    // view-through), LinkedIn `Total conversion value` / `Conversion value`, Meta `Purchases conversion
    // value` (`Purchase conversion value`, `Website purchases conversion value`), TikTok's
    // `total_purchase_value`, KAG-style `total_conversion_value`. A `ROAS` column is never revenue.
    (
        Column::Field(Field::Revenue),
        &[
            "revenue",
            "conv. value",
            "conversion value",
            "conversions value",
            "total conversion value",
            "all conv. value",
            "purchases conversion value",
            "purchase conversion value",
            "website purchases conversion value",
            "total purchase value",
            "total revenue",
            "all revenue",
        ],
    ),
    // Google Ads `Day`, Meta `Reporting starts`, TikTok `stat_time_day`, LinkedIn `Start Date (in UTC)`,
    // Microsoft Advertising `TimePeriod`.
    (Column::Date, &["date", "day", "reporting starts", "stat time day", "start date (in utc)", "start date", "timeperiod", "gregoriandate"]),
];

/// Canonical form of a header name for comparison.
pub fn normalize(name: &str) -> String {
    // Full-width parentheses (`費用（円）`) as ASCII ones.
    let mut s = name.trim().to_lowercase().replace('_', " ").replace('\u{ff08}', " (").replace('\u{ff09}', ")");
    // Drop a trailing "(USD)"-style group, but keep "(all)" and "(in utc)"
    // which tell columns apart.
    if let Some(open) = s.rfind(" (") {
        let group = &s[open..];
        if s.ends_with(')') && !group.contains("all") && !group.contains("utc") {
            s.truncate(open);
        }
    }
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The kind a header name stands for and its rank (lower is preferred):
/// this table's aliases first, then each language's of
/// [`crate::schema::locale::LOCALES`] (ranked after every English alias, in
/// table order).
pub fn lookup(name: &str) -> Option<(Column, usize)> {
    let n = normalize(name);
    find(ALIASES, &n).or_else(|| {
        LOCALES.iter().enumerate().find_map(|(i, l)| find(l.aliases, &n).map(|(col, rank)| (col, LOCALE_RANK * (i + 1) + rank)))
    })
}

/// Ranks of a language's aliases start at a multiple of this.
const LOCALE_RANK: usize = 100;

/// The kind `n` (normalized) stands for in `table`, and its rank there.
fn find(table: &[(Column, &[&str])], n: &str) -> Option<(Column, usize)> {
    table.iter().find_map(|(col, names)| names.iter().position(|a| *a == n).map(|rank| (*col, rank)))
}

/// The language of a header: the one with the most names in its table
/// that are not English aliases (a name in two languages' tables counts
/// for both; a tie goes to the first in [`LOCALES`] order); `None` when no
/// name is in another language. Decided once per file, from its header.
pub fn language<S: AsRef<str>>(names: &[S]) -> Option<Lang> {
    let mut votes = [0usize; LOCALES.len()];
    for name in names {
        let n = normalize(name.as_ref());
        if find(ALIASES, &n).is_some() {
            continue;
        }
        for (i, l) in LOCALES.iter().enumerate() {
            votes[i] += usize::from(find(l.aliases, &n).is_some());
        }
    }
    let (best, &count) = votes.iter().enumerate().fold((0, &0), |b, v| if v.1 > b.1 { v } else { b });
    (count > 0).then(|| LOCALES[best].lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platform_headers() {
        let f = |n: &str| lookup(n).map(|(c, _)| c);
        assert_eq!(f("campaign_id"), Some(Column::Field(Field::CampaignId)));
        assert_eq!(f("CampaignId"), Some(Column::Field(Field::CampaignId)));
        assert_eq!(f("Campaign ID"), Some(Column::Field(Field::CampaignId)));
        assert_eq!(f("Campaign"), Some(Column::CampaignName));
        assert_eq!(f("Campaign name"), Some(Column::CampaignName));
        assert_eq!(f("Impr."), Some(Column::Field(Field::Impressions)));
        assert_eq!(f("Amount spent (USD)"), Some(Column::Field(Field::Spend)));
        assert_eq!(f("Total Spent"), Some(Column::Field(Field::Spend)));
        assert_eq!(f("Cost"), Some(Column::Field(Field::Spend)));
        assert_eq!(f("Link clicks"), Some(Column::Field(Field::Clicks)));
        assert_eq!(f("Results"), Some(Column::Field(Field::Conversions)));
        assert_eq!(f("Conv."), Some(Column::Field(Field::Conversions)));
        assert_eq!(f("stat_time_day"), Some(Column::Date));
        assert_eq!(f("Reporting starts"), Some(Column::Date));
        assert_eq!(f("Purchases"), Some(Column::Field(Field::Conversions)));
        assert_eq!(f("Website purchases"), Some(Column::Field(Field::Conversions)));
        for revenue in [
            "Revenue",
            "Conv. value",
            "Conversion value",
            "All conv. value",
            "Purchases conversion value",
            "Purchase conversion value",
            "Website purchases conversion value",
            "total_conversion_value",
            "Total conversion value",
            "Total Conversion Value (USD)",
            "total_purchase_value",
        ] {
            assert_eq!(f(revenue), Some(Column::Field(Field::Revenue)), "{revenue}");
        }
        // Purchases rank after every other conversion alias; `Conv. value` before `All conv. value`.
        assert!(lookup("Purchases").unwrap().1 > lookup("Results").unwrap().1);
        assert!(lookup("Conv. value").unwrap().1 < lookup("All conv. value").unwrap().1);
        assert_eq!(f("Purchase ROAS (return on ad spend)"), None);
        assert_eq!(f("Cost per purchase (USD)"), None);
        assert_eq!(f("CTR (Link Click-Through Rate)"), None);
        assert_eq!(f("Cost per result"), None);
    }

    /// Each language's headers as its exports write them (see the sources
    /// in `schema/locale/`), mapped to the same fields as English's.
    #[test]
    fn headers_in_other_languages() {
        use crate::schema::field::Field::*;
        let id = Column::Field(CampaignId);
        let (imp, clk, spd, conv, rev) =
            (Column::Field(Impressions), Column::Field(Clicks), Column::Field(Spend), Column::Field(Conversions), Column::Field(Revenue));
        let (name, date) = (Column::CampaignName, Column::Date);
        let cases: &[(Option<Lang>, &[(&str, Column)])] = &[
            (
                Some(Lang::Ja),
                &[("キャンペーン", name), ("キャンペーン ID", id), ("キャンペーンID", id), ("表示回数", imp), ("クリック数", clk), ("費用", spd),
                  ("費用（JPY）", spd), ("コンバージョン", conv), ("コンバージョン値", rev), ("日", date), ("日付", date), ("CV", conv),
                  ("キャンペーン名", name), ("インプレッション", imp), ("リンクのクリック", clk), ("消化金額 (JPY)", spd), ("結果", conv)],
            ),
            (
                Some(Lang::De),
                &[("Kampagne", name), ("Kampagnen-ID", id), ("Impressionen", imp), ("Klicks", clk), ("Kosten", spd), ("Conversions", conv),
                  ("Conv.-Wert", rev), ("Tag", date), ("Kampagnenname", name), ("Link-Klicks", clk), ("Ausgegebener Betrag (EUR)", spd), ("Ergebnisse", conv)],
            ),
            (
                Some(Lang::Fr),
                &[("Jour", date), ("Nom de la campagne", name), ("Montant dépensé (USD)", spd), ("Impressions", imp), ("Clics sur un lien", clk),
                  ("Résultats", conv), ("Campagne", name), ("ID de la campagne", id), ("Coût", spd), ("Valeur de conv.", rev), ("Clics", clk)],
            ),
            (
                Some(Lang::Es),
                &[("Campaña", name), ("ID de campaña", id), ("Impresiones", imp), ("Clics", clk), ("Costo", spd), ("Coste", spd), ("Conversiones", conv),
                  ("Día", date), ("Nombre de la campaña", name), ("Importe gastado (EUR)", spd), ("Clics en el enlace", clk), ("Valor de conv.", rev)],
            ),
            (
                Some(Lang::Pt),
                &[("Campanha", name), ("ID da campanha", id), ("Impressões", imp), ("Cliques", clk), ("Custo", spd), ("Conversões", conv), ("Dia", date),
                  ("Nome da campanha", name), ("Valor usado (BRL)", spd), ("Cliques no link", clk), ("Resultados", conv), ("Receita", rev)],
            ),
        ];
        for (lang, names) in cases {
            for (n, col) in *names {
                assert_eq!(lookup(n).map(|(c, _)| c), Some(*col), "{lang:?} {n:?}");
            }
            let header: Vec<&str> = names.iter().map(|(n, _)| *n).collect();
            assert_eq!(language(&header), *lang, "{header:?}");
        }
        // English headers have no language; English aliases rank first.
        assert_eq!(language(&["Campaign", "Day", "Impr.", "Clicks", "Cost", "Conversions"]), None);
        assert!(lookup("Conversions").unwrap().1 < lookup("コンバージョン").unwrap().1);
        assert!(lookup("コンバージョン").unwrap().1 < lookup("結果").unwrap().1);
        // Portuguese and Spanish share `Resultados`; the rest of the header decides.
        assert_eq!(language(&["Campanha", "Impressões", "Cliques", "Custo", "Resultados"]), Some(Lang::Pt));
        assert_eq!(language(&["Campaña", "Impresiones", "Clics", "Costo", "Resultados"]), Some(Lang::Es));
    }

    /// No language repeats an English alias (it would not tell the
    /// language), and within a language a name stands for one column.
    #[test]
    fn language_tables_do_not_shadow_english() {
        for l in LOCALES {
            let mut seen = std::collections::HashSet::new();
            for (_, names) in l.aliases {
                for n in *names {
                    assert!(find(ALIASES, n).is_none(), "{:?}: {n:?} is an English alias", l.lang);
                    assert!(seen.insert(*n), "{:?}: {n:?} twice", l.lang);
                }
            }
        }
    }
}
