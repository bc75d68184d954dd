//! Which ad platform a file comes from, told by its header names: each
//! platform has names the others do not use (Google Ads `Impr.`, `Cost`,
//! `Conv.`; Meta `Amount spent (USD)`, `Reporting starts`, `Results`;
//! LinkedIn `Total Spent`, `Start Date (in UTC)`; TikTok `stat_time_day`,
//! `campaign_name`; Microsoft Advertising `TimePeriod`, `CampaignName`,
//! `GregorianDate`). A file with none of them (FV-SEC001's
//! `campaign_id,date,impressions,clicks,spend,conversions`) is `generic`.

use crate::schema::aliases::normalize;

/// An ad platform, or none in particular.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Platform {
    /// Google Ads.
    GoogleAds,
    /// Meta (Facebook, Instagram) Ads Manager.
    Meta,
    /// LinkedIn Campaign Manager.
    LinkedIn,
    /// TikTok Ads Manager.
    TikTok,
    /// Microsoft Advertising (Bing).
    MicrosoftAds,
    /// No platform's own names: FV-SEC001 or a hand-made file.
    Generic,
}

/// Header names (as [`normalize`]d; `raw:` for a name compared as written,
/// trimmed and lower-cased, where normalizing would lose the telling `_`)
/// that only one platform writes. The platform with the most names in the
/// header wins; on a tie, the first in this table.
const SIGNS: &[(Platform, &[&str])] = &[
    (Platform::MicrosoftAds, &["timeperiod", "campaignname", "campaignid", "gregoriandate", "accountid", "accountname", "adgroupid", "adgroupname"]),
    (Platform::TikTok, &["raw:stat_time_day", "raw:stat_time_hour", "raw:campaign_name", "raw:total_purchase_value", "raw:conversion", "raw:cost_per_conversion", "raw:adgroup_name"]),
    (
        Platform::Meta,
        &["amount spent", "reporting starts", "reporting ends", "results", "link clicks", "purchases", "website purchases", "purchases conversion value", "purchase conversion value", "website purchases conversion value", "ad set name", "reach", "frequency"],
    ),
    (Platform::LinkedIn, &["total spent", "start date (in utc)", "total conversion value", "campaign group name", "campaign group id"]),
    (Platform::GoogleAds, &["impr.", "impr", "cost", "conv.", "conv. value", "all conv. value", "avg. cpc", "interactions", "campaign state", "campaign status"]),
];

/// [`SIGNS`] in other languages (names of `schema/locale/`'s tables, each
/// with its source there): counted with them.
const LOCAL_SIGNS: &[(Platform, &[&str])] = &[
    (Platform::Meta, &["消化金額", "リンクのクリック", "レポート開始日", "ausgegebener betrag", "link-klicks", "ergebnisse", "berichtsbeginn",
        "montant dépensé", "clics sur un lien", "résultats", "début des rapports", "importe gastado", "clics en el enlace", "inicio del informe",
        "valor usado", "cliques no link", "início dos relatórios"]),
    (Platform::LinkedIn, &["合計消化金額", "ausgaben gesamt", "total dépensé", "importe total gastado", "total gasto"]),
    (Platform::GoogleAds, &["表示回数", "費用", "コンバージョン値", "kosten", "conv.-wert", "coût", "valeur de conv.", "costo", "coste", "valor de conv.", "custo"]),
];

impl Platform {
    /// Every platform, [`Platform::Generic`] last.
    pub const ALL: [Platform; 6] =
        [Platform::GoogleAds, Platform::Meta, Platform::LinkedIn, Platform::TikTok, Platform::MicrosoftAds, Platform::Generic];

    /// Its name in `normalized.csv` and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Platform::GoogleAds => "google_ads",
            Platform::Meta => "meta",
            Platform::LinkedIn => "linkedin",
            Platform::TikTok => "tiktok",
            Platform::MicrosoftAds => "microsoft_ads",
            Platform::Generic => "generic",
        }
    }

    /// The platform named `name` (case-insensitive, `-` or space as `_`;
    /// `google`, `facebook`, `bing`, `microsoft` accepted too).
    pub fn from_name(name: &str) -> Option<Platform> {
        let key = name.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        Some(match key.as_str() {
            "google_ads" | "google" | "googleads" => Platform::GoogleAds,
            "meta" | "facebook" | "meta_ads" => Platform::Meta,
            "linkedin" | "linkedin_ads" => Platform::LinkedIn,
            "tiktok" | "tiktok_ads" => Platform::TikTok,
            "microsoft_ads" | "microsoft" | "bing" | "microsoft_advertising" | "bing_ads" => Platform::MicrosoftAds,
            "generic" => Platform::Generic,
            _ => return None,
        })
    }

    /// The platform of a file with these header names.
    pub fn detect<S: AsRef<str>>(header: &[S]) -> Platform {
        let names: Vec<(String, String)> =
            header.iter().map(|h| (normalize(h.as_ref()), h.as_ref().trim().to_ascii_lowercase())).collect();
        let mut best = (0, Platform::Generic);
        for &(platform, signs) in SIGNS {
            let local = LOCAL_SIGNS.iter().filter(|(p, _)| *p == platform).flat_map(|(_, s)| s.iter());
            let hits = names
                .iter()
                .filter(|(norm, _)| local.clone().any(|s| norm == s))
                .count()
                + names
                .iter()
                .filter(|(norm, raw)| {
                    signs.iter().any(|s| match s.strip_prefix("raw:") {
                        Some(r) => raw == r,
                        None => norm == s,
                    })
                })
                .count();
            if hits > best.0 {
                best = (hits, platform);
            }
        }
        best.1
    }

    /// The platform of file `file_name` with these header names: by the
    /// header ([`Platform::detect`]); when it tells none, by words in the
    /// file's name (`google`, `adwords`, `meta`, `facebook`, `fb`,
    /// `instagram`, `linkedin`, `tiktok`, `bing`, `microsoft`), as exports
    /// are often saved under the platform's name.
    pub fn detect_file<S: AsRef<str>>(header: &[S], file_name: &str) -> Platform {
        match Platform::detect(header) {
            Platform::Generic => Platform::from_file_name(file_name).unwrap_or(Platform::Generic),
            p => p,
        }
    }

    /// The platform a file's name tells, if any: a word of it (split at
    /// anything not a letter or digit) naming one.
    pub fn from_file_name(file_name: &str) -> Option<Platform> {
        let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name).to_ascii_lowercase();
        base.split(|c: char| !c.is_ascii_alphanumeric()).find_map(|word| match word {
            "google" | "googleads" | "adwords" | "gads" => Some(Platform::GoogleAds),
            "meta" | "facebook" | "fb" | "instagram" => Some(Platform::Meta),
            "linkedin" => Some(Platform::LinkedIn),
            "tiktok" => Some(Platform::TikTok),
            "bing" | "microsoft" | "msads" => Some(Platform::MicrosoftAds),
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixtures_headers() {
        let cases: [(&[&str], Platform); 9] = [
            (&["Campaign", "Campaign ID", "Day", "Impr.", "Clicks", "Cost", "Conversions"], Platform::GoogleAds),
            (&["Campaign name", "Reporting starts", "Reporting ends", "Impressions", "Link clicks", "Amount spent (USD)", "Results"], Platform::Meta),
            (&["Campaign name", "Day", "Impressions", "Link clicks", "Amount spent (USD)", "Purchases", "Purchases conversion value"], Platform::Meta),
            (&["Campaign Name", "Campaign ID", "Start Date (in UTC)", "Total Spent", "Impressions", "Clicks", "Conversions"], Platform::LinkedIn),
            (&["campaign_id", "campaign_name", "stat_time_day", "spend", "impressions", "clicks", "conversion"], Platform::TikTok),
            (&["TimePeriod", "AccountId", "CampaignId", "CampaignName", "Impressions", "Clicks", "Spend", "Conversions"], Platform::MicrosoftAds),
            (&["campaign_id", "date", "impressions", "clicks", "spend", "conversions"], Platform::Generic),
            (&["campaign_id", "date", "impressions", "clicks", "spend", "conversions", "revenue"], Platform::Generic),
            (&["Campaign", "Day", "Impressions", "Clicks", "Cost", "Conversions"], Platform::GoogleAds),
        ];
        for (header, platform) in cases {
            assert_eq!(Platform::detect(header), platform, "{header:?}");
        }
        for p in Platform::ALL {
            assert_eq!(Platform::from_name(p.name()), Some(p));
        }
        assert_eq!(Platform::from_name("Bing"), Some(Platform::MicrosoftAds));
        assert_eq!(Platform::from_name("myspace"), None);
        let generic = ["campaign_id", "date", "impressions", "clicks", "spend", "conversions"];
        assert_eq!(Platform::detect_file(&generic, "exports/facebook-2026-11.csv"), Platform::Meta);
        assert_eq!(Platform::detect_file(&generic, "Google_Ads_Nov.csv"), Platform::GoogleAds);
        assert_eq!(Platform::detect_file(&generic, "C:\\data\\bing.csv"), Platform::MicrosoftAds);
        assert_eq!(Platform::detect_file(&generic, "metadata.csv"), Platform::Generic, "words, not substrings");
        assert_eq!(Platform::detect_file(&["Campaign", "Day", "Impr.", "Clicks", "Cost", "Conversions"], "meta.csv"), Platform::GoogleAds, "the header first");
        // In other languages.
        assert_eq!(Platform::detect(&["キャンペーン", "日", "表示回数", "クリック数", "費用", "コンバージョン"]), Platform::GoogleAds);
        assert_eq!(Platform::detect(&["Jour", "Nom de la campagne", "Montant dépensé (USD)", "Impressions", "Clics sur un lien", "Résultats"]), Platform::Meta);
        assert_eq!(Platform::detect(&["Tag", "Kampagne", "Impressionen", "Klicks", "Kosten", "Conversions"]), Platform::GoogleAds);
        assert_eq!(Platform::detect(&["Nome da campanha", "Dia", "Impressões", "Cliques no link", "Valor usado (BRL)", "Resultados"]), Platform::Meta);
    }
}
