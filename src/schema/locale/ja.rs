//! Japanese (ja): Google Ads, Meta, Microsoft Advertising, LinkedIn and
//! TikTok exports from a Japanese interface. Often saved from Excel as
//! Shift_JIS (CP932), see [`crate::text::encoding::Encoding::ShiftJis`].

use super::{Lang, Locale};
use crate::schema::field::{Column, Field};

/// Number forms (read as [`crate::text::number::NumberFormat::wide`]): `1,234.56` (as English); `¥15,000`, `￥15,000`, `15,000円`; in Shift_JIS files the yen sign as Excel writes it (`\15,000`, byte 0x5C).
pub const LOCALE: Locale = Locale {
    lang: Lang::Ja,
    name: "Japanese",
    aliases: &[
        // Google Ads `キャンペーン ID` (notes; the issue); Microsoft Advertising and TikTok `キャンペーンID` (UI term).
        (Column::Field(Field::CampaignId), &["キャンペーン id", "キャンペーンid"]),
        // Google Ads `キャンペーン` (notes; https://support.google.com/google-ads/answer/2454005?hl=ja);
        // Meta, LinkedIn, TikTok, Microsoft Advertising `キャンペーン名` (UI term; SmartNews' CSV doc
        // https://help-ads.smartnews.com/item-3818 uses it for the campaign name too).
        (Column::CampaignName, &["キャンペーン", "キャンペーン名"]),
        // Google Ads `表示回数` (notes; https://support.google.com/google-ads/answer/9237921?hl=ja);
        // Meta, LinkedIn, Microsoft Advertising `インプレッション`, TikTok `インプレッション数` (UI term);
        // AdSense-style `広告の表示回数` (notes).
        (Column::Field(Field::Impressions), &["表示回数", "インプレッション", "インプレッション数", "広告の表示回数", "imp", "imp数"]),
        // Google Ads, TikTok, Microsoft Advertising `クリック数` (notes; Google help above); Meta
        // `リンクのクリック`, LinkedIn `クリック` (UI term).
        (Column::Field(Field::Clicks), &["クリック数", "リンクのクリック", "クリック", "リンククリック"]),
        // Google Ads `費用` (notes; Google help above); Meta `消化金額`, TikTok `コスト`, LinkedIn
        // `合計消化金額`, Microsoft Advertising `使用額` (UI term); `広告費` in hand-made reports.
        (Column::Field(Field::Spend), &["費用", "消化金額", "コスト", "合計消化金額", "使用額", "広告費"]),
        // Google Ads `コンバージョン` (notes), `コンバージョン数`, `CV`/`CV数` in Japanese reports (notes);
        // Google Ads and Meta `結果` (https://support.google.com/google-ads/answer/12007894?hl=ja), last.
        (Column::Field(Field::Conversions), &["コンバージョン", "コンバージョン数", "cv", "cv数", "結果"]),
        // Google Ads `コンバージョン値` (the issue), `すべてのコンバージョン値` (UI term); `売上` (notes).
        (Column::Field(Field::Revenue), &["コンバージョン値", "コンバージョンの値", "すべてのコンバージョン値", "売上", "売上金額"]),
        // Google Ads `日` and `日付` (notes); Meta `レポート開始日` (UI term).
        (Column::Date, &["日", "日付", "レポート開始日", "開始日"]),
    ],
    // `合計` (the issue; Google Ads `合計: アカウント`), `合計行` (notes: `合計行,,,,,`), `総計` (grand
    // total, Excel pivot tables).
    totals: &["合計".as_bytes(), "合計行".as_bytes(), "総計".as_bytes()],
    totals_legacy: &[b"\x8d\x87\x8c\x76", b"\x8d\x87\x8c\x76\x8d\x73", b"\x91\x8d\x8c\x76"],
};
