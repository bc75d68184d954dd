#!/usr/bin/env python3
"""Writes tests/locale_fixtures/*/input.csv, exports as platforms write
them in another language (issue 18), and english.csv beside each: the same
rows as the English interface writes them (same ids, names and dates;
English headers, numbers and total rows, UTF-8, `,`). tests/locale.rs
runs both through the CLI and wants byte-identical top10 files. Run it
from anywhere; it only makes the inputs reproducible.

Shift_JIS files are written with Python's cp932 codec (the characters used
here map alike in cp932 and WHATWG's Shift_JIS, which adagg decodes); a
yen sign is written as Excel on Japanese Windows writes `¥` in cp932:
byte 0x5C (shown as ¥ there, `\\` elsewhere), or full-width `￥`."""
import pathlib

HERE = pathlib.Path(__file__).parent
NBSP, NNBSP = "\u00a0", "\u202f"

CASES = {
    # Google Ads, Japanese interface, saved from Excel as Shift_JIS (CRLF), with title rows,
    # `¥` as 0x5C and as `￥`, `円`, a `合計: アカウント` total row.
    # 111 夏のセール: 3000 impr, 100 clicks, 7,500 spend, 10 conv; 222 ブランド: 4000, 40, 1,000, 0;
    # 333 新規顧客: 500, 25, 250, 5.
    "ja_google_ads_sjis": ("cp932", "\r\n", [
        "キャンペーン レポート",
        "2026/09/01 - 2026/09/30",
        "キャンペーン,キャンペーン ID,日,表示回数,クリック数,費用,コンバージョン,コンバージョン値",
        '夏のセール,111,2026/09/01,"1,000",50,"\\2,500",5,"\\10,000"',
        '夏のセール,111,2026/09/02,"2,000",50,"￥5,000",5,"￥9,000"',
        'ブランド,222,2026/09/01,"4,000",40,"1,000円",0,0',
        "新規顧客,333,2026/09/01,500,25,250,5,1500",
        '合計: アカウント,--,--,"7,500",165,"\\8,750",15,"\\20,500"',
    ], "utf-8", "\n", [
        "Campaign performance report",
        "2026/09/01 - 2026/09/30",
        "Campaign,Campaign ID,Day,Impr.,Clicks,Cost,Conversions,Conv. value",
        '夏のセール,111,2026/09/01,"1,000",50,"2,500",5,"10,000"',
        '夏のセール,111,2026/09/02,"2,000",50,"5,000",5,"9,000"',
        'ブランド,222,2026/09/01,"4,000",40,"1,000",0,0',
        "新規顧客,333,2026/09/01,500,25,250,5,1500",
        'Total: Account,--,--,"7,500",165,"8,750",15,"20,500"',
    ]),
    # Meta, Japanese interface, Shift_JIS: no id column, the Japanese names are the keys.
    "ja_meta_names_sjis": ("cp932", "\r\n", [
        "キャンペーン名,日,インプレッション,リンクのクリック,消化金額 (JPY),結果",
        "秋のキャンペーン,2026/10/01,12000,600,\"12,345\",45",
        "ｶﾀｶﾅ テスト,2026/10/01,30000,300,\"9,000\",",
        "秋のキャンペーン,2026/10/02,8000,400,\"7,655\",55",
        "合計,,50000,1300,\"29,000\",100",
    ], "utf-8", "\n", [
        "Campaign name,Day,Impressions,Link clicks,Amount spent (JPY),Results",
        "秋のキャンペーン,2026/10/01,12000,600,\"12,345\",45",
        "ｶﾀｶﾅ テスト,2026/10/01,30000,300,\"9,000\",",
        "秋のキャンペーン,2026/10/02,8000,400,\"7,655\",55",
        "Total,,50000,1300,\"29,000\",100",
    ]),
    # Meta, French interface: `;`, day-first dates, decimal comma, a space, U+00A0 and U+202F as
    # thousands separators, `€`, a `Total général` row.
    "fr_meta": ("utf-8", "\n", [
        "Jour;Nom de la campagne;Montant dépensé (EUR);Impressions;Clics sur un lien;Résultats",
        '01/08/2026;Été 2026;"1 234,56";"12 000";600;45',
        f"02/08/2026;Été 2026;765,50;8{NBSP}000;400;55",
        f"01/08/2026;Rentrée;1{NNBSP}000,00 €;30{NNBSP}000;300;",
        f"01/08/2026;Noël;12,5;1{NBSP}500;15;1",
        f'Total général;;"3 012,56";51 500;1 315;101',
    ], "utf-8", "\n", [
        "Day,Campaign name,Amount spent (EUR),Impressions,Link clicks,Results",
        '01/08/2026,Été 2026,"1,234.56","12,000",600,45',
        "02/08/2026,Été 2026,765.50,8000,400,55",
        "01/08/2026,Rentrée,1000.00,30000,300,",
        "01/08/2026,Noël,12.5,1500,15,1",
        'Total,,"3,012.56","51,500","1,315",101',
    ]),
    # Google Ads, German interface, saved from Excel as Windows-1252 with `;`: `1.234,56`, `€`, a
    # `Gesamt: Konto` row (German total words turn the fast line parser off: csv-core reads it all).
    "de_google_ads_cp1252": ("cp1252", "\r\n", [
        "Kampagne;Kampagnen-ID;Tag;Impressionen;Klicks;Kosten;Conversions",
        "Frühling Müller;3001;2026-03-01;1.000;50;1.234,56 €;5",
        "Frühling Müller;3001;2026-03-02;2.000;50;765,44 €;5",
        "Größen;3002;2026-03-01;4.000;40;100,00 €;0",
        "Gesamt: Konto;--;--;7.000;140;2.100,00 €;10",
    ], "utf-8", "\n", [
        "Campaign,Campaign ID,Day,Impr.,Clicks,Cost,Conversions",
        'Frühling Müller,3001,2026-03-01,"1,000",50,"1,234.56",5',
        'Frühling Müller,3001,2026-03-02,"2,000",50,765.44,5',
        'Größen,3002,2026-03-01,"4,000",40,100.00,0',
        'Total: Account,--,--,"7,000",140,"2,100.00",10',
    ]),
    # Google Ads, Spanish interface (Spain): `;`, `1.234,50 €`, `EUR` codes, a `Total general` row.
    "es_google_ads": ("utf-8", "\n", [
        "Campaña;ID de campaña;Día;Impresiones;Clics;Coste;Conversiones;Valor de conv.",
        "Rebajas de verano;4001;2026-07-01;10.000;500;1.234,50 €;20;2.000,00 €",
        "Rebajas de verano;4001;2026-07-02;5.000;100;EUR 265,50;5;EUR 500,00",
        "Niños;4002;2026-07-01;800;8;16,00 €;2;0",
        "Total general;--;--;15.800;608;1.516,00 €;27;2.500,00 €",
    ], "utf-8", "\n", [
        "Campaign,Campaign ID,Day,Impr.,Clicks,Cost,Conversions,Conv. value",
        'Rebajas de verano,4001,2026-07-01,"10,000",500,"1,234.50",20,"2,000.00"',
        "Rebajas de verano,4001,2026-07-02,5000,100,265.50,5,500.00",
        "Niños,4002,2026-07-01,800,8,16.00,2,0",
        'Total: Account,--,--,"15,800",608,"1,516.00",27,"2,500.00"',
    ]),
    # Meta, Portuguese interface (Brazil): `;`, `R$ 1.234,56`, a `Total geral` row.
    "pt_meta": ("utf-8", "\n", [
        "Nome da campanha;Dia;Impressões;Cliques no link;Valor usado (BRL);Resultados",
        "Promoção de Natal;2026-12-01;20.000;1.000;R$ 1.234,56;40",
        "Promoção de Natal;2026-12-02;10.000;200;R$ 765,44;10",
        "Ação Verão;2026-12-01;3.000;30;R$ 300,00;0",
        "Total geral;;33.000;1.230;R$ 2.300,00;50",
    ], "utf-8", "\n", [
        "Campaign name,Day,Impressions,Link clicks,Amount spent (BRL),Results",
        'Promoção de Natal,2026-12-01,"20,000","1,000","1,234.56",40',
        "Promoção de Natal,2026-12-02,10000,200,765.44,10",
        "Ação Verão,2026-12-01,3000,30,300.00,0",
        "Total,,33000,1230,2300.00,50",
    ]),
}

for name, (enc, eol, rows, en_enc, en_eol, en_rows) in CASES.items():
    d = HERE / name
    d.mkdir(exist_ok=True)
    (d / "input.csv").write_bytes((eol.join(rows) + eol).encode(enc))
    (d / "english.csv").write_bytes((en_eol.join(en_rows) + en_eol).encode(en_enc))
