//! A click job's outputs: `clicks_1m.csv`, `clicks_5m.csv`,
//! `clicks_1h.csv`, `top10_ads.csv`, `flagged_clicks.csv`,
//! `rejected_rows.csv`, `user_sketches_1h.csv` and the summary (text and
//! JSON), from the merged tally.

use base64::Engine;
use serde_json::json;

use crate::clicks::columns::ClickField;
use crate::clicks::job::ClickOptions;
use crate::clicks::plan::ClickPlan;
use crate::clicks::rules::{BOT_LIST_VERSION, RULES};
use crate::clicks::settle::Settled;
use crate::clicks::tally::{Cell, Counts, Tally, REJECT_KINDS, WINDOWS};
use crate::clicks::timestamp::push_iso_second;
use crate::report::REJECTED_HEADER;
use crate::schema::metric::push_ratio;
use crate::text::cell::push_csv_text_field;

/// Header of the window files.
pub const WINDOW_HEADER: &str = "ad_id,window_start,clicks,unique_users,duplicates,flagged,cost\n";
/// Header of `top10_ads.csv`.
pub const TOP_ADS_HEADER: &str = "ad_id,clicks,unique_users,duplicates,flagged,cost\n";
/// Header of `flagged_clicks.csv`.
pub const FLAGGED_HEADER: &str = "line,click_id,ad_id,timestamp,rules\n";
/// Header of `user_sketches_1h.csv`.
pub const SKETCHES_HEADER: &str = "ad_id,window_start,lg_k,unique_users,sketch_base64\n";

/// A click job's result.
pub struct ClickReport {
    /// How the log was read.
    pub plan: ClickPlan,
    /// Rules in force (bits).
    pub active: u8,
    /// Rules switched off by the user (bits).
    pub off: u8,
    /// N of the velocity rules.
    pub velocity_max: u32,
    /// Blocklist entries.
    pub blocklist_entries: usize,
    /// HLL lg_k.
    pub lg_k: u8,
    /// Ad ids.
    pub ads: Vec<Box<[u8]>>,
    /// Per ad, its rank in byte order.
    rank: Vec<u32>,
    /// Per window size, (ad, start, cell) sorted by ad id bytes then start.
    pub windows: [Vec<(u32, i64, Cell)>; 3],
    /// Per ad, the whole log.
    pub totals: Vec<Cell>,
    /// `flagged_clicks.csv` rows.
    flagged_rows: String,
    /// `rejected_rows.csv` rows.
    rejected_rows: String,
    /// What was counted.
    pub counts: Counts,
    /// Distinct click ids held, and the set's bytes.
    pub id_set: (u64, u64),
    /// The id limit, and whether it was passed.
    pub id_limit: (usize, bool),
    /// The fields (bits) some row of the log has.
    pub keys_seen: u8,
}

impl ClickReport {
    /// The report of a log's merged tally.
    pub fn new(plan: &ClickPlan, options: &ClickOptions, tally: Tally, settled: &Settled) -> ClickReport {
        let mut order: Vec<u32> = (0..tally.ads.len() as u32).collect();
        order.sort_unstable_by(|&a, &b| tally.ads[a as usize].cmp(&tally.ads[b as usize]));
        let mut rank = vec![0u32; order.len()];
        for (r, &ad) in order.iter().enumerate() {
            rank[ad as usize] = r as u32;
        }
        let mut minutes: Vec<(u32, i64, Cell)> = tally.cells.into_iter().map(|((ad, start), c)| (ad, start, c)).collect();
        minutes.sort_unstable_by_key(|&(ad, start, _)| (rank[ad as usize], start));
        let lg_k = options.lg_k;
        // Each size from the one below it (an hour is twelve 5-minute
        // windows, not sixty minutes): a union of unions is the union.
        let roll_up = |cells: &[(u32, i64, Cell)], size: i64| {
            let mut out: Vec<(u32, i64, Cell)> = Vec::new();
            for (ad, start, cell) in cells {
                let s = start.div_euclid(size) * size;
                match out.last_mut() {
                    Some((a, t, c)) if a == ad && *t == s => c.merge_ref(cell, lg_k),
                    _ => out.push((*ad, s, cell.clone())),
                }
            }
            out
        };
        let five = roll_up(&minutes, WINDOWS[1].0);
        let hour = roll_up(&five, WINDOWS[2].0);
        // An ad's users: the union of its hours'.
        let mut totals = tally.totals;
        for (ad, _, cell) in &hour {
            totals[*ad as usize].users.merge_ref(&cell.users, lg_k);
        }
        let windows = [minutes, five, hour];
        ClickReport {
            plan: plan.clone(),
            active: tally.active,
            off: options.rules.off,
            velocity_max: options.rules.velocity_max,
            blocklist_entries: options.rules.blocklist.entries,
            lg_k: options.lg_k,
            ads: tally.ads,
            rank,
            windows,
            totals,
            flagged_rows: tally.flagged_csv,
            rejected_rows: tally.rejected_csv,
            counts: tally.counts,
            id_set: (settled.ids, settled.id_set_bytes()),
            keys_seen: settled.keys_seen,
            id_limit: (options.id_limit, settled.ids_over_limit),
        }
    }

    /// Whether the log has a field: a CSV column; an NDJSON key in some row.
    pub fn has(&self, f: ClickField) -> bool {
        match self.plan.format {
            crate::clicks::plan::ClickFormat::Ndjson { .. } => self.keys_seen & (1 << f.index()) != 0,
            _ => self.plan.has(f),
        }
    }

    fn has_cost(&self) -> bool {
        self.has(ClickField::Cost)
    }

    fn push_counts(&self, out: &mut String, cell: &Cell) {
        let mut b = itoa::Buffer::new();
        out.push_str(b.format(cell.clicks));
        out.push(',');
        out.push_str(b.format(cell.users.estimate(self.lg_k)));
        out.push(',');
        out.push_str(b.format(cell.duplicates));
        out.push(',');
        out.push_str(b.format(cell.flagged));
        out.push(',');
        if self.has_cost() {
            push_ratio(out, cell.cost, 1_000_000, 2);
        }
        out.push('\n');
    }

    /// `clicks_1m.csv` (w = 0), `clicks_5m.csv` (1) or `clicks_1h.csv` (2).
    pub fn window_csv(&self, w: usize) -> String {
        let rows = &self.windows[w];
        let mut out = String::with_capacity(WINDOW_HEADER.len() + rows.len() * 56);
        out.push_str(WINDOW_HEADER);
        for (ad, start, cell) in rows {
            push_csv_text_field(&mut out, &self.ads[*ad as usize]);
            out.push(',');
            push_iso_second(&mut out, *start);
            out.push(',');
            self.push_counts(&mut out, cell);
        }
        out
    }

    /// `top10_ads.csv` (top `n`): most billable clicks first, ties by
    /// ad_id in byte order.
    pub fn top_ads_csv(&self, n: usize) -> String {
        let mut ads: Vec<usize> = (0..self.ads.len()).collect();
        ads.sort_unstable_by(|&a, &b| self.totals[b].clicks.cmp(&self.totals[a].clicks).then(self.ads[a].cmp(&self.ads[b])));
        let mut out = String::from(TOP_ADS_HEADER);
        for &ad in ads.iter().take(n) {
            push_csv_text_field(&mut out, &self.ads[ad]);
            out.push(',');
            self.push_counts(&mut out, &self.totals[ad]);
        }
        out
    }

    /// `flagged_clicks.csv`: `line,click_id,ad_id,timestamp,rules`, by line.
    pub fn flagged_csv(&self) -> String {
        format!("{FLAGGED_HEADER}{}", self.flagged_rows)
    }

    /// `rejected_rows.csv`: `line,reason,raw_line`, by line.
    pub fn rejected_csv(&self) -> String {
        format!("{REJECTED_HEADER}{}", self.rejected_rows)
    }

    /// `user_sketches_1h.csv`: per (ad, hour) of `clicks_1h.csv`, the
    /// DataSketches HLL sketch of its billable clicks' users (HLL_8,
    /// compact, base64), readable by any DataSketches library (Java
    /// `HllSketch.heapify`, Python `hll_sketch.deserialize`, Spark's
    /// `hll_sketch_estimate(unbase64(sketch_base64))`).
    pub fn sketches_csv(&self) -> String {
        let mut out = String::from(SKETCHES_HEADER);
        let mut b = itoa::Buffer::new();
        for (ad, start, cell) in &self.windows[2] {
            let sketch = cell.users.sketch(self.lg_k);
            push_csv_text_field(&mut out, &self.ads[*ad as usize]);
            out.push(',');
            push_iso_second(&mut out, *start);
            out.push(',');
            out.push_str(b.format(self.lg_k));
            out.push(',');
            out.push_str(b.format(sketch.estimate().round() as u64));
            out.push(',');
            out.push_str(&base64::engine::general_purpose::STANDARD.encode(sketch.serialize()));
            out.push('\n');
        }
        out
    }

    /// Why a rule is not in force, or None when it is.
    pub fn rule_off_reason(&self, bit: u8) -> Option<&'static str> {
        use crate::clicks::rules::{BOT_USER_AGENT, IP_BLOCKLIST, IP_VELOCITY, USER_VELOCITY};
        if self.active & bit != 0 {
            return None;
        }
        Some(if self.off & bit != 0 {
            "switched off"
        } else {
            match bit {
                IP_BLOCKLIST if !self.has(ClickField::Ip) => "no IP column",
                IP_BLOCKLIST => "no blocklist given",
                BOT_USER_AGENT => "no user_agent column",
                IP_VELOCITY => "no IP column",
                USER_VELOCITY => "no user_id column",
                _ => "off",
            }
        })
    }

    /// The summary as JSON (the page and `click_summary.json`).
    pub fn summary_json(&self) -> serde_json::Value {
        let c = &self.counts;
        let rules: Vec<serde_json::Value> = RULES
            .iter()
            .enumerate()
            .map(|(i, (bit, id))| {
                json!({
                    "id": id,
                    "on": self.active & bit != 0,
                    "off_reason": self.rule_off_reason(*bit),
                    "flagged": c.by_rule[i],
                })
            })
            .collect();
        let rejected: serde_json::Map<String, serde_json::Value> =
            REJECT_KINDS.iter().zip(c.rejected).map(|(k, n)| (k.to_string(), json!(n))).collect();
        json!({
            "format": self.plan.format_name(),
            "encoding": self.plan.encoding.name(),
            "rows": c.rows,
            "clicks": c.clicks,
            "billable": c.billable,
            "duplicates": c.duplicates,
            "without_click_id": c.without_id,
            "not_deduplicated": c.unchecked,
            "flagged": c.flagged,
            "rejected": c.rejected.iter().sum::<u64>(),
            "rejected_by_reason": rejected,
            "rules": rules,
            "velocity_max": self.velocity_max,
            "blocklist_entries": self.blocklist_entries,
            "bot_list": BOT_LIST_VERSION,
            "timestamps": {
                "unix_seconds": c.units[0], "unix_milliseconds": c.units[1],
                "iso8601": c.units[2], "iso8601_without_zone": c.units[3],
            },
            "first_click": c.first_ms.map(|ms| iso(ms.div_euclid(1000))),
            "last_click": c.last_ms.map(|ms| iso(ms.div_euclid(1000))),
            "ads": self.ads.len(),
            "windows": { "1m": self.windows[0].len(), "5m": self.windows[1].len(), "1h": self.windows[2].len() },
            "dedup_ids": self.id_set.0,
            "dedup_set_bytes": self.id_set.1,
            "dedup_limit": self.id_limit.0,
            "dedup_limit_reached": self.id_limit.1,
            "lg_k": self.lg_k,
        })
    }

    /// The summary as lines of text (the CLI prints them).
    pub fn summary_lines(&self) -> Vec<String> {
        let c = &self.counts;
        let mut lines = vec![format!(
            "click log ({}, {}): {} rows: {} clicks, {} rejected",
            self.plan.format_name(),
            self.plan.encoding.name(),
            c.rows,
            c.clicks,
            c.rejected.iter().sum::<u64>()
        )];
        let reasons: Vec<String> =
            REJECT_KINDS.iter().zip(c.rejected).filter(|(_, n)| *n > 0).map(|(k, n)| format!("{k} {n}")).collect();
        if !reasons.is_empty() {
            lines.push(format!("rejected by reason: {} (see rejected_rows.csv)", reasons.join(", ")));
        }
        lines.push(format!(
            "timestamps: {} unix seconds, {} unix milliseconds, {} ISO 8601{}",
            c.units[0],
            c.units[1],
            c.units[2] + c.units[3],
            if c.units[3] > 0 { format!(" ({} without a zone, read as UTC)", c.units[3]) } else { String::new() }
        ));
        lines.push(format!(
            "exactly-once: {} duplicates not counted; {} clicks without a click_id counted as they are; de-duplication set {} ids, {:.1} MB",
            c.duplicates,
            c.without_id,
            self.id_set.0,
            self.id_set.1 as f64 / 1e6
        ));
        if self.id_limit.1 {
            lines.push(format!(
                "de-duplication limit of {} distinct click ids reached: {} clicks whose id came later were counted without the check",
                self.id_limit.0, c.unchecked
            ));
        }
        for (i, (bit, id)) in RULES.iter().enumerate() {
            let state = match self.rule_off_reason(*bit) {
                Some(why) => format!("off ({why})"),
                None => match *id {
                    "ip_blocklist" => format!("on ({} entries): {} flagged", self.blocklist_entries, c.by_rule[i]),
                    "bot_user_agent" => format!("on ({BOT_LIST_VERSION}): {} flagged", c.by_rule[i]),
                    _ => format!("on (more than {} clicks per ad and minute): {} flagged", self.velocity_max, c.by_rule[i]),
                },
            };
            lines.push(format!("rule {id}: {state}"));
        }
        lines.push(format!(
            "{} billable clicks, {} flagged (each once), {} ads; windows: {} (1m), {} (5m), {} (1h); unique users by HLL lg_k {}",
            c.billable,
            c.flagged,
            self.ads.len(),
            self.windows[0].len(),
            self.windows[1].len(),
            self.windows[2].len(),
            self.lg_k
        ));
        lines
    }

    /// The cells of one ad in window size `w`, by start (empty when the
    /// ad has none).
    pub fn ad_windows(&self, ad_id: &[u8], w: usize) -> &[(u32, i64, Cell)] {
        let rows = &self.windows[w];
        let lo = rows.partition_point(|(ad, _, _)| &*self.ads[*ad as usize] < ad_id);
        let hi = rows.partition_point(|(ad, _, _)| &*self.ads[*ad as usize] <= ad_id);
        &rows[lo..hi]
    }

    /// The rank of an ad in byte order.
    pub fn rank_of(&self, ad: u32) -> u32 {
        self.rank[ad as usize]
    }
}

fn iso(secs: i64) -> String {
    let mut s = String::new();
    push_iso_second(&mut s, secs);
    s
}

/// The index in [`WINDOWS`] of a window name (`1m`, `5m`, `1h`).
pub fn window_index(name: &str) -> Option<usize> {
    WINDOWS.iter().position(|(_, n)| *n == name)
}
