//! The wasm API on real `Blob`s in Chromium, inside a dedicated worker
//! (where the page runs it). Run with
//! `wasm-pack test --headless --chrome`.
#![cfg(target_arch = "wasm32")]

use adagg::wasm::{aggregate_range, finish_partials, sniff};
use js_sys::{Array, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;
use web_sys::Blob;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

/// A CSV with quoted multi-line ids, CRLF and malformed rows, ~400 KB.
fn sample() -> String {
    let mut s = String::from("campaign_id,date,impressions,clicks,spend,conversions\r\n");
    for i in 0..8000u32 {
        let id = match i % 97 {
            0 => format!("\"CMP{:03}\nsecond line\"", i % 13),
            1 => format!("\"CMP,{:03}\"", i % 5),
            _ => format!("CMP{:03}", i % 41),
        };
        let clicks = if i % 211 == 0 { "abc".to_string() } else { (i % 300).to_string() };
        s += &format!("{id},2025-01-01,{},{clicks},{}.{:02},{}\r\n", 1000 + i % 5000, i % 700, i % 100, i % 17);
    }
    s
}

fn blob(text: &str) -> Blob {
    let parts = Array::of1(&Uint8Array::from(text.as_bytes()).into());
    Blob::new_with_u8_array_sequence(&parts).unwrap()
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &key.into()).unwrap()
}

/// Runs the file in `n` ranges the way the page's coordinator does.
async fn run(text: &str, n: usize) -> JsValue {
    let b = blob(text);
    let prefix = &text.as_bytes()[..text.len().min(1 << 20)];
    let plan = sniff(prefix, prefix.len() == text.len(), JsValue::UNDEFINED).unwrap();
    let data_start = get(&plan, "dataStart").as_f64().unwrap();
    let size = text.len() as f64;
    let points: Vec<f64> = (0..=n).map(|j| (data_start + (size - data_start) * j as f64 / n as f64).floor()).collect();
    let partials = Array::new();
    let mut prev_end = data_start;
    for j in 0..n {
        let mut r = aggregate_range(b.clone(), plan.clone(), points[j], points[j + 1], None, None, None, None).await.unwrap();
        if get(&r, "start").as_f64().unwrap() != prev_end {
            r = aggregate_range(b.clone(), plan.clone(), prev_end, points[j + 1], None, Some(true), None, None).await.unwrap();
        }
        prev_end = get(&r, "end").as_f64().unwrap();
        partials.push(&get(&r, "partial"));
    }
    assert_eq!(prev_end, size);
    finish_partials(plan, partials, JsValue::from(10)).unwrap()
}

#[wasm_bindgen_test]
async fn ranges_in_a_worker_match_the_native_core() {
    let text = sample();
    let expected = adagg::aggregate_bytes(text.as_bytes(), 10).unwrap();
    for n in [1, 2, 3, 7] {
        let result = run(&text, n).await;
        assert_eq!(get(&result, "ctrCsv").as_string().unwrap(), expected.ctr_csv(), "n={n}");
        assert_eq!(get(&result, "cpaCsv").as_string().unwrap(), expected.cpa_csv(), "n={n}");
        let summary = get(&result, "summary");
        assert_eq!(get(&summary, "rowsRead").as_f64().unwrap(), 8000.0);
        assert_eq!(get(&summary, "rowsSkipped").as_f64().unwrap(), expected.summary.rows_skipped as f64);
        let first = get(&summary, "firstSkipped");
        let first0 = Reflect::get(&first, &0.into()).unwrap();
        assert_eq!(get(&first0, "line").as_f64().unwrap(), 2.0);
        assert_eq!(get(&first0, "reason").as_string().unwrap(), "clicks is not a number: \"abc\"");
    }
}

#[wasm_bindgen_test]
fn sniff_reports_bad_headers_for_a_mapping_form() {
    let err = sniff(b"campaign_id,date,clicks\n", true, JsValue::UNDEFINED).unwrap_err();
    let msg = err.dyn_ref::<js_sys::Error>().unwrap().message();
    assert_eq!(String::from(msg), "header row: missing required columns: impressions, spend, conversions (the header has: campaign_id, date, clicks)");
    assert_eq!(get(&err, "kind").as_string().unwrap(), "columns");
    assert_eq!(Array::from(&get(&err, "missing")).length(), 3);
    assert_eq!(Array::from(&get(&err, "columns")).get(2).as_string().unwrap(), "clicks");
    assert!(sniff(b"campaign_id,da", false, JsValue::UNDEFINED).unwrap().is_null());
    let err = sniff(b"", true, JsValue::UNDEFINED).unwrap_err();
    assert_eq!(get(&err, "kind").as_string().unwrap(), "empty");
    // The mapping the form sends back.
    let options = js_sys::JSON::parse(r#"{"map":{"impressions":"date","spend":"clicks","conversions":"clicks"}}"#).unwrap();
    let plan = sniff(b"campaign_id,date,clicks\n", true, options).unwrap();
    assert_eq!(get(&plan, "columns").dyn_into::<Array>().unwrap().get(1).as_f64(), Some(1.0));
}

#[wasm_bindgen_test]
async fn utf16_files_are_one_range() {
    let text = "campaign_id\tImpressions\tClicks\tCost\tConversions\r\nCaf\u{e9}\t100\t5\t2.50\t1\r\nB\t100\t1\t1.00\t0\r\n";
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
    let b = Blob::new_with_u8_array_sequence(&Array::of1(&Uint8Array::from(&bytes[..]).into())).unwrap();
    let plan = sniff(&bytes, true, JsValue::UNDEFINED).unwrap();
    let size = bytes.len() as f64;
    let start = get(&plan, "dataStart").as_f64().unwrap();
    let first = aggregate_range(b.clone(), plan.clone(), start, size / 2.0, None, None, None, None).await.unwrap();
    let second = aggregate_range(b, plan.clone(), size / 2.0, size, None, None, None, None).await.unwrap();
    assert_eq!(get(&first, "end").as_f64(), Some(size));
    assert_eq!(get(&second, "start").as_f64(), Some(size));
    let result = finish_partials(plan, Array::of2(&get(&first, "partial"), &get(&second, "partial")), JsValue::from(10)).unwrap();
    assert_eq!(
        get(&result, "ctrCsv").as_string().unwrap(),
        format!("{}\nCaf\u{e9},100,5,2.50,1,0.0500,2.50\nB,100,1,1.00,0,0.0100,\n", adagg::HEADER)
    );
    assert_eq!(get(&get(&result, "summary"), "encoding").as_string().unwrap(), "UTF-16LE");
}

/// `on_progress` returning `false` stops a range (the page's cancel): it
/// rejects at the first report, 16 MiB in, instead of reading on; any
/// other return value lets it run to the end. UTF-8 and UTF-16 paths.
#[wasm_bindgen_test]
async fn a_progress_callback_returning_false_stops_the_range() {
    let row = "A,2025-01-01,10,1,1.00,1\n";
    let utf8 = format!("campaign_id,date,impressions,clicks,spend,conversions\n{}", row.repeat(1_500_000));
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(utf8.replace(',', "\t").encode_utf16().flat_map(|u| u.to_le_bytes()));
    for bytes in [utf8.into_bytes(), utf16] {
        let b = Blob::new_with_u8_array_sequence(&Array::of1(&Uint8Array::from(&bytes[..]).into())).unwrap();
        let plan = sniff(&bytes[..1 << 16], false, JsValue::UNDEFINED).unwrap();
        let start = get(&plan, "dataStart").as_f64().unwrap();
        let size = bytes.len() as f64;
        let calls = std::rc::Rc::new(std::cell::Cell::new(0u32));
        let counter = calls.clone();
        let stop = Closure::<dyn FnMut(f64, f64) -> bool>::new(move |_: f64, _: f64| {
            counter.set(counter.get() + 1);
            false
        });
        let err = aggregate_range(b.clone(), plan.clone(), start, size, Some(stop.as_ref().clone().into()), None, None, None)
            .await
            .expect_err("a cancelled range rejects");
        assert!(format!("{:?}", JsValue::from(err)).contains("cancelled"));
        assert_eq!(calls.get(), 1, "stopped at the first report ({size} bytes)");

        let go_on = Closure::<dyn FnMut(f64, f64)>::new(|_: f64, _: f64| {});
        let r = aggregate_range(b, plan, start, size, Some(go_on.as_ref().clone().into()), None, None, None).await.unwrap();
        assert_eq!(get(&r, "rows").as_f64(), Some(1_500_000.0));
    }
}

/// A total that overflows only when two ranges meet: `finishPartials`
/// rejects with kind `locate`; the data run again as one range with
/// `locate` gives the error with its line (kind `input`), as the CLI does.
#[wasm_bindgen_test]
async fn merge_overflow_is_located_by_a_csv_core_pass() {
    let mut text = String::from("campaign_id,date,impressions,clicks,spend,conversions\nBIG,2025-01-01,18446744073709551000,1,1.00,1\n");
    for _ in 0..40_000 {
        text += "F,2025-01-01,1000,1,1.00,1\n";
    }
    text += "BIG,2025-01-02,1000,1,1.00,1\n";
    let plan = sniff(text.as_bytes(), true, JsValue::UNDEFINED).unwrap();
    let size = text.len() as f64;
    let start = get(&plan, "dataStart").as_f64().unwrap();
    let first = aggregate_range(blob(&text), plan.clone(), start, size / 2.0, None, None, None, None).await.unwrap();
    let second = aggregate_range(blob(&text), plan.clone(), size / 2.0, size, None, None, None, None).await.unwrap();
    assert_eq!(get(&first, "end").as_f64(), get(&second, "start").as_f64());
    let err = finish_partials(plan.clone(), Array::of2(&get(&first, "partial"), &get(&second, "partial")), JsValue::from(10)).unwrap_err();
    assert_eq!(get(&err, "kind").as_string().as_deref(), Some("locate"));
    let located = aggregate_range(blob(&text), plan.clone(), start, size, None, Some(true), None, Some(true)).await.unwrap();
    assert_eq!(get(&located, "stopped").as_bool(), Some(true));
    let err = finish_partials(plan, Array::of1(&get(&located, "partial")), JsValue::from(10)).unwrap_err();
    assert_eq!(get(&err, "kind").as_string().as_deref(), Some("input"));
    let message = get(&err, "message").as_string().unwrap();
    assert_eq!(message, "line 40003: total impressions of campaign \"BIG\" exceeds 18446744073709551615");
}

#[wasm_bindgen_test]
async fn empty_range_past_the_end() {
    let text = "campaign_id,date,impressions,clicks,spend,conversions\nA,d,1,1,1,1\n";
    let plan = sniff(text.as_bytes(), true, JsValue::UNDEFINED).unwrap();
    let r = aggregate_range(blob(text), plan, 60.0, text.len() as f64, None, None, None, None).await.unwrap();
    assert_eq!(get(&r, "start").as_f64().unwrap(), get(&r, "end").as_f64().unwrap());
}

/// Large campaign tables place ids by the hash the merge's map gives them
/// (rustc-hash, 32-bit in wasm), so that serialized results merge in memory
/// order.
#[wasm_bindgen_test]
fn large_tables_place_ids_like_the_map() {
    let mut r = 0x1357_9BDF_2468_ACE0u64;
    for round in 0..20_000usize {
        r ^= r << 13;
        r ^= r >> 7;
        r ^= r << 17;
        let len = 1 + round % 15;
        let id: Vec<u8> = (0..len).map(|i| (r >> (4 * (i % 16))) as u8).collect();
        assert!(adagg::places_like_the_map(&id), "{id:?}");
    }
}
