//! Pass 2 over a range: every row judged in the order (rejected,
//! duplicate, flagged by rule, billable) and counted into its ad's 1-minute,
//! 5-minute and 1-hour windows; flagged clicks and rejected rows listed.
//! Tallies of ranges merge in file order ([`Tally::append`]).

use rustc_hash::FxHashMap;

use crate::clicks::rules::{push_rule_ids, BotCheck, RuleOptions, BOT_USER_AGENT, IP_BLOCKLIST, IP_VELOCITY, RULES, USER_VELOCITY};
use crate::clicks::scan::status;
use crate::clicks::source::{Row, RowSink};
use crate::clicks::timestamp::{push_iso_second, TimeUnit};
use crate::clicks::users::{user_coupon, Users};
use crate::clicks::valid::accept;
use crate::report::rejected_row;
use crate::text::cell::push_csv_text_field;
use crate::text::encoding::Encoding;

/// The window sizes, in seconds: 1 minute, 5 minutes, 1 hour.
pub const WINDOWS: [(i64, &str); 3] = [(60, "1m"), (300, "5m"), (3600, "1h")];

/// The counts of one (ad, window), or of an ad over the whole log.
#[derive(Debug, Clone, Default)]
pub struct Cell {
    /// Billable clicks.
    pub clicks: u64,
    /// Retries of a click id seen earlier.
    pub duplicates: u64,
    /// Clicks flagged by at least one rule.
    pub flagged: u64,
    /// Cost of the billable clicks, micro-units.
    pub cost: u128,
    /// Users of the billable clicks.
    pub users: Users,
}

impl Cell {
    /// Adds another cell's counts and users; `other` is kept.
    pub fn merge_ref(&mut self, other: &Cell, lg_k: u8) {
        self.add_counts(other);
        self.users.merge_ref(&other.users, lg_k);
    }

    /// Adds another cell's counts and users.
    pub fn merge(&mut self, other: Cell, lg_k: u8) {
        self.add_counts(&other);
        self.users.merge(other.users, lg_k);
    }

    fn add_counts(&mut self, other: &Cell) {
        self.clicks += other.clicks;
        self.duplicates += other.duplicates;
        self.flagged += other.flagged;
        self.cost += other.cost;
    }
}

/// What was seen, for the summary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    /// Data rows (clicks and rejected).
    pub rows: u64,
    /// Rows that are clicks.
    pub clicks: u64,
    /// Billable clicks.
    pub billable: u64,
    /// Duplicates.
    pub duplicates: u64,
    /// Clicks without a click id (always counted).
    pub without_id: u64,
    /// Clicks whose id was past the de-duplication limit (not checked).
    pub unchecked: u64,
    /// Flagged clicks (each once).
    pub flagged: u64,
    /// Per rule of [`RULES`], clicks it flagged.
    pub by_rule: [u64; 4],
    /// Rejected rows per kind: malformed, ad_id, timestamp, cost.
    pub rejected: [u64; 4],
    /// Timestamps per [`TimeUnit`]: seconds, milliseconds, ISO, ISO without zone.
    pub units: [u64; 4],
    /// Earliest and latest click, milliseconds.
    pub first_ms: Option<i64>,
    /// Latest.
    pub last_ms: Option<i64>,
}

/// The kinds of [`Counts::rejected`].
pub const REJECT_KINDS: [&str; 4] = ["malformed", "ad_id", "timestamp", "cost"];

/// Pass 2's state for one range.
pub struct Tally<'s> {
    /// Per click of the range, its status from pass 1 and settle.
    status: &'s [u8],
    rules: &'s RuleOptions,
    /// Rules in force (present columns, not switched off).
    pub active: u8,
    lg_k: u8,
    seq: usize,
    bots: Option<BotCheck>,
    /// Ads by id, and their names in order of first sight.
    ad_index: FxHashMap<Box<[u8]>, u32>,
    /// Ad ids.
    pub ads: Vec<Box<[u8]>>,
    /// (ad, 1-minute window start in seconds) → cell (the 5-minute and
    /// 1-hour windows are sums of these: [`crate::clicks::report`]).
    pub cells: FxHashMap<(u32, i64), Cell>,
    /// Per ad, the whole log (without its users: the report unites its
    /// windows').
    pub totals: Vec<Cell>,
    /// `flagged_clicks.csv` rows (no header), in line order.
    pub flagged_csv: String,
    /// `rejected_rows.csv` rows (no header), in line order.
    pub rejected_csv: String,
    /// The counts.
    pub counts: Counts,
}

impl<'s> Tally<'s> {
    /// A tally of a range whose clicks have these `status` bytes, with the
    /// rules in `active`.
    pub fn new(status: &'s [u8], rules: &'s RuleOptions, active: u8, lg_k: u8) -> Tally<'s> {
        Tally {
            status,
            rules,
            active,
            lg_k,
            seq: 0,
            bots: (active & BOT_USER_AGENT != 0).then(BotCheck::default),
            ad_index: FxHashMap::default(),
            ads: Vec::new(),
            cells: Default::default(),
            totals: Vec::new(),
            flagged_csv: String::new(),
            rejected_csv: String::new(),
            counts: Counts::default(),
        }
    }

    /// The index of ad `ad` (added when new).
    pub fn ad_of(&mut self, ad: &[u8]) -> u32 {
        self.ad(ad)
    }

    fn ad(&mut self, ad: &[u8]) -> u32 {
        if let Some(&i) = self.ad_index.get(ad) {
            return i;
        }
        let i = self.ads.len() as u32;
        self.ad_index.insert(ad.into(), i);
        self.ads.push(ad.into());
        self.totals.push(Cell::default());
        i
    }

    fn flags(&mut self, st: u8, ip: &[u8], ua: Option<&[u8]>) -> u8 {
        let mut bits = 0;
        if self.active & IP_BLOCKLIST != 0 && self.rules.blocklist.contains(ip) {
            bits |= IP_BLOCKLIST;
        }
        if let (Some(bots), Some(ua)) = (&mut self.bots, ua) {
            if bots.is_bot(ua) {
                bits |= BOT_USER_AGENT;
            }
        }
        if self.active & IP_VELOCITY != 0 && st & status::IP_HOT != 0 {
            bits |= IP_VELOCITY;
        }
        if self.active & USER_VELOCITY != 0 && st & status::USER_HOT != 0 {
            bits |= USER_VELOCITY;
        }
        bits
    }

    /// Appends a later range's tally (ranges in file order).
    pub fn append(&mut self, other: Tally) {
        let lg_k = self.lg_k;
        let map: Vec<u32> = other.ads.iter().map(|a| self.ad(a)).collect();
        self.cells.reserve(other.cells.len());
        for ((ad, start), cell) in other.cells {
            self.cells.entry((map[ad as usize], start)).or_default().merge(cell, lg_k);
        }
        for (i, cell) in other.totals.into_iter().enumerate() {
            self.totals[map[i] as usize].merge(cell, lg_k);
        }
        self.flagged_csv.push_str(&other.flagged_csv);
        self.rejected_csv.push_str(&other.rejected_csv);
        let (a, b) = (&mut self.counts, other.counts);
        a.rows += b.rows;
        a.clicks += b.clicks;
        a.billable += b.billable;
        a.duplicates += b.duplicates;
        a.without_id += b.without_id;
        a.unchecked += b.unchecked;
        a.flagged += b.flagged;
        for i in 0..4 {
            a.by_rule[i] += b.by_rule[i];
            a.rejected[i] += b.rejected[i];
            a.units[i] += b.units[i];
        }
        a.first_ms = a.first_ms.into_iter().chain(b.first_ms).min();
        a.last_ms = a.last_ms.into_iter().chain(b.last_ms).max();
    }

    fn reject(&mut self, kind: usize, line: u64, reason: &str, raw: &[u8]) {
        self.counts.rows += 1;
        self.counts.rejected[kind] += 1;
        let mut cut = raw.len().min(1024);
        while cut < raw.len() && (raw[cut] & 0xC0) == 0x80 {
            cut -= 1;
        }
        self.rejected_csv.push_str(&rejected_row(Encoding::Utf8, line, reason, &raw[..cut]));
    }
}

impl RowSink for Tally<'_> {
    fn row(&mut self, row: &Row) {
        let click = match accept(row) {
            Ok(c) => c,
            Err(r) => {
                let kind = REJECT_KINDS.iter().position(|k| *k == r.kind).unwrap_or(0);
                self.reject(kind, row.line, &r.reason, row.raw);
                return;
            }
        };
        let seq = self.seq;
        self.seq += 1;
        let c = &mut self.counts;
        c.rows += 1;
        c.clicks += 1;
        c.units[match click.unit {
            TimeUnit::Seconds => 0,
            TimeUnit::Millis => 1,
            TimeUnit::Iso => 2,
            TimeUnit::IsoNoZone => 3,
        }] += 1;
        c.first_ms = Some(c.first_ms.map_or(click.ms, |f| f.min(click.ms)));
        c.last_ms = Some(c.last_ms.map_or(click.ms, |l| l.max(click.ms)));
        let st = self.status[seq];
        if click.click_id.is_empty() {
            c.without_id += 1;
        }
        if st & status::UNCHECKED != 0 {
            c.unchecked += 1;
        }
        let ad = self.ad(click.ad);
        let secs = click.ms.div_euclid(1000);
        let start = secs.div_euclid(60) * 60;
        if st & status::DUPLICATE != 0 {
            self.counts.duplicates += 1;
            self.cells.entry((ad, start)).or_default().duplicates += 1;
            self.totals[ad as usize].duplicates += 1;
            return;
        }
        let bits = self.flags(st, click.ip, click.has_ua.then_some(click.ua));
        if bits != 0 {
            let c = &mut self.counts;
            c.flagged += 1;
            for (i, (bit, _)) in RULES.iter().enumerate() {
                if bits & bit != 0 {
                    c.by_rule[i] += 1;
                }
            }
            self.cells.entry((ad, start)).or_default().flagged += 1;
            self.totals[ad as usize].flagged += 1;
            let out = &mut self.flagged_csv;
            out.push_str(itoa::Buffer::new().format(row.line));
            out.push(',');
            push_csv_text_field(out, click.click_id);
            out.push(',');
            push_csv_text_field(out, click.ad);
            out.push(',');
            push_iso_second(out, secs);
            out.push(',');
            push_rule_ids(out, bits);
            out.push('\n');
            return;
        }
        self.counts.billable += 1;
        let coupon = (!click.user.is_empty()).then(|| user_coupon(click.user));
        let lg_k = self.lg_k;
        let cost = u128::from(click.cost);
        let cell = self.cells.entry((ad, start)).or_default();
        cell.clicks += 1;
        cell.cost += cost;
        if let Some(c) = coupon {
            cell.users.add(c, lg_k);
        }
        // An ad's users over the log are the union of its windows' users,
        // taken by the report: not counted here a second time.
        let total = &mut self.totals[ad as usize];
        total.clicks += 1;
        total.cost += cost;
    }

    fn malformed(&mut self, line: u64, reason: &str, raw: &[u8]) {
        self.reject(0, line, reason, raw);
    }
}
