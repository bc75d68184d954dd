//! Data-quality warnings: rows that are aggregated but look wrong. They
//! never drop a row; they are counted, and the first few of each kind are
//! kept as examples with their line numbers.
//!
//! - clicks > impressions, conversions > clicks;
//! - a date that does not parse, or lies after "today" (given by the
//!   shell: the core has no clock);
//! - spend with more than 6 decimals, rounded to micro-units (float noise
//!   such as `1.429999948`);
//! - the same (campaign, date) as an earlier row. The pairs and their
//!   first lines are the (campaign, day) group's
//!   ([`crate::group::day_pairs`]: up to [`PAIR_LIMIT`](crate::PAIR_LIMIT)
//!   per range; past that, new pairs are not checked and
//!   [`DayPairs::capped`] says so); this module asks it and counts.
//!
//! Results of adjacent ranges merge exactly with [`Quality::append`]: a
//! pair first seen in the later range that the earlier one already holds
//! is a duplicate too.

use crate::group::day_pairs::{DayPairs, Noted};
use crate::schema::totals::{Sum, Totals};
use crate::text::date::Day;

/// Examples kept per kind of warning.
pub const WARN_EXAMPLES: usize = 5;

/// A rule between two sums of a row: `part` is at most `whole` (clicks
/// come from impressions, conversions from clicks).
#[derive(Debug, Clone, Copy)]
pub struct PartOfWhole {
    /// The warning when `part > whole`.
    pub warn: Warn,
    /// The sum that is a part.
    pub part: Sum,
    /// The sum it is a part of.
    pub whole: Sum,
}

/// The value rules, in the order their warnings are checked.
pub const PART_OF_WHOLE: [PartOfWhole; 2] = [
    PartOfWhole { warn: Warn::ClicksOverImpressions, part: Sum::Clicks, whole: Sum::Impressions },
    PartOfWhole { warn: Warn::ConversionsOverClicks, part: Sum::Conversions, whole: Sum::Clicks },
];

/// A kind of data-quality warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Warn {
    /// More clicks than impressions.
    ClicksOverImpressions,
    /// More conversions than clicks.
    ConversionsOverClicks,
    /// The date field does not hold a date.
    BadDate,
    /// The date is later than today.
    FutureDate,
    /// The same campaign and date as an earlier row.
    Duplicate,
    /// Spend with a non-zero digit past the sixth decimal, rounded.
    SpendRounded,
}

impl Warn {
    /// Every kind, in report order.
    pub const ALL: [Warn; 6] = [
        Warn::ClicksOverImpressions,
        Warn::ConversionsOverClicks,
        Warn::BadDate,
        Warn::FutureDate,
        Warn::Duplicate,
        Warn::SpendRounded,
    ];

    /// Index in [`Warn::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// A stable identifier (summary keys).
    pub fn key(self) -> &'static str {
        match self {
            Warn::ClicksOverImpressions => "clicksOverImpressions",
            Warn::ConversionsOverClicks => "conversionsOverClicks",
            Warn::BadDate => "badDates",
            Warn::FutureDate => "futureDates",
            Warn::Duplicate => "duplicates",
            Warn::SpendRounded => "spendRounded",
        }
    }

    /// What the count means, for people.
    pub fn label(self) -> &'static str {
        match self {
            Warn::ClicksOverImpressions => "clicks > impressions",
            Warn::ConversionsOverClicks => "conversions > clicks",
            Warn::BadDate => "date not a date",
            Warn::FutureDate => "date in the future",
            Warn::Duplicate => "same campaign and date as an earlier row",
            Warn::SpendRounded => "spend rounded to 6 decimals",
        }
    }
}

/// One example of a warning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warned {
    /// 1-based physical line (relative to the range until merged).
    pub line: u64,
    /// The kind.
    pub kind: Warn,
    /// The campaign id, as in the file.
    pub campaign: Box<[u8]>,
    /// What is wrong (`clicks 300 > impressions 200`, `"2025-02-30"`...).
    pub detail: String,
    /// For duplicates: the line of the first row with the same pair.
    pub earlier: u64,
    /// For duplicates: the date.
    pub day: Day,
}

impl Warned {
    /// The order examples are listed in: by kind, then line; rows on one
    /// line (records ended by a bare `\r`) by the rest, so that any split
    /// of the file lists them alike.
    pub fn order(a: &Warned, b: &Warned) -> std::cmp::Ordering {
        let key = |w: &Warned| (w.kind.index(), w.line, w.earlier, w.day);
        key(a).cmp(&key(b)).then_with(|| a.campaign.cmp(&b.campaign)).then_with(|| a.detail.cmp(&b.detail))
    }

    /// An example of a warning that is not a duplicate.
    fn new(line: u64, kind: Warn, campaign: &[u8], detail: String) -> Warned {
        Warned { line, kind, campaign: campaign.into(), detail, earlier: 0, day: 0 }
    }

    /// An example of a duplicate of the row at line `first`.
    fn duplicate(line: u64, campaign: &[u8], day: Day, first: u64) -> Warned {
        Warned {
            line,
            kind: Warn::Duplicate,
            campaign: campaign.into(),
            detail: crate::text::date::format_day(day),
            earlier: first,
            day,
        }
    }
}

/// Warnings of one range.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Quality {
    /// Rows with each kind of warning ([`Warn::index`]).
    pub counts: [u64; Warn::ALL.len()],
    /// The first [`WARN_EXAMPLES`] of each kind, in line order per kind.
    pub examples: Vec<Warned>,
    /// The duplicate check's (campaign, day) pairs and their first lines
    /// (the group `crate::group::day_pairs`); `pairs.capped()` if some
    /// were not remembered (past [`PAIR_LIMIT`](crate::PAIR_LIMIT)): the
    /// duplicate count is then a lower bound.
    pub pairs: DayPairs,
}

impl Quality {
    /// Counts one warning (not a duplicate) at `line`; `detail` says what
    /// is wrong, for the first [`WARN_EXAMPLES`].
    #[cold]
    fn warn(&mut self, kind: Warn, line: u64, campaign: &[u8], detail: impl FnOnce() -> String) {
        self.counts[kind.index()] += 1;
        if self.counts[kind.index()] <= WARN_EXAMPLES as u64 {
            self.examples.push(Warned::new(line, kind, campaign, detail()));
        }
    }

    /// Whether a row with values `v` dated `day` ([`crate::text::date::NO_DAY`]
    /// without a date) gets a warning from [`check_values`](Self::check_values)
    /// or a future-date warning ([`check_day`](Self::check_day) with dates after
    /// `latest`: today, or [`Day::MAX`]). The rules a reader can test on
    /// values alone; the fast path declines such rows, so that csv-core's
    /// path reports them, and marks the rows it hands over
    /// [`checked`](crate::row::accepted::Row::checked).
    #[inline(always)]
    pub fn warns(v: &Totals, day: Day, latest: Day) -> bool {
        PART_OF_WHOLE.iter().fold(day > latest, |any, rule| any | (v[rule.part] > v[rule.whole]))
    }

    /// Checks the rules of [`PART_OF_WHOLE`] (clicks > impressions,
    /// conversions > clicks).
    #[inline]
    pub fn check_values(&mut self, line: u64, campaign: &[u8], v: Totals) {
        for rule in &PART_OF_WHOLE {
            let (part, whole) = (v[rule.part], v[rule.whole]);
            if part > whole {
                let detail = || format!("{} {part} > {} {whole}", rule.part.field(), rule.whole.field());
                self.warn(rule.warn, line, campaign, detail);
            }
        }
    }

    /// Counts a row whose spend `field` was rounded to `micros`; the
    /// example shows the number (without currency: it is ASCII in any
    /// encoding) and the value with the file's `decimal` separator:
    /// `spend "1.429999948" rounded to 1.430000`.
    #[cold]
    pub fn spend_rounded(&mut self, line: u64, campaign: &[u8], field: &[u8], micros: u64, decimal: u8) {
        let field = crate::text::number::strip_currency(field);
        let detail = || {
            let cut = &field[..field.len().min(60)];
            let more = if field.len() > 60 { "..." } else { "" };
            let (units, frac) = (micros / crate::text::number::MICROS, micros % crate::text::number::MICROS);
            format!("spend {:?}{more} rounded to {units}{}{frac:06}", String::from_utf8_lossy(cut), decimal as char)
        };
        self.warn(Warn::SpendRounded, line, campaign, detail);
    }

    /// Checks a date field; returns its day when it parses.
    pub fn check_date(
        &mut self,
        line: u64,
        campaign: &[u8],
        field: &[u8],
        today: Option<Day>,
    ) -> Option<Day> {
        self.check_day(line, campaign, field, crate::text::date::parse_date(field), today)
    }

    /// [`Quality::check_date`] with the field already parsed (`day`).
    pub fn check_day(
        &mut self,
        line: u64,
        campaign: &[u8],
        field: &[u8],
        day: Option<Day>,
        today: Option<Day>,
    ) -> Option<Day> {
        let Some(day) = day else {
            let cut = &field[..field.len().min(60)];
            let detail = || format!("date {:?} is not a date", String::from_utf8_lossy(cut));
            self.warn(Warn::BadDate, line, campaign, detail);
            return None;
        };
        if let Some(today) = today.filter(|&t| day > t) {
            self.future_date(line, campaign, day, today);
        }
        Some(day)
    }

    /// Counts a row dated `day`, after `today`.
    #[cold]
    pub fn future_date(&mut self, line: u64, campaign: &[u8], day: Day, today: Day) {
        let (day, today) = (crate::text::date::format_day(day), crate::text::date::format_day(today));
        self.warn(Warn::FutureDate, line, campaign, || format!("date {day} is after today ({today})"));
    }

    /// Remembers (campaign, day) at `line`, or counts it as a duplicate.
    /// `key` is the packed id ([`crate::group::key::pack`]) when it has one.
    #[inline]
    pub fn note_pair(&mut self, key: Option<(u64, u64)>, campaign: &[u8], day: Day, line: u64) {
        if self.pairs.capped() {
            return; // past the limit, pairs are no longer checked
        }
        match key {
            Some((lo, hi)) => {
                self.note_packed_pair(lo, hi, day, line);
            }
            None => {
                if let Noted::Duplicate { first } = self.pairs.note_long(campaign, day, line) {
                    self.duplicate(line, day, |_| (first, campaign.into()));
                }
            }
        }
    }

    /// Remembers a pair of the fast path (short ids only), or counts it as
    /// a duplicate. Returns true if the pair is remembered now (false past
    /// [`PAIR_LIMIT`](crate::PAIR_LIMIT)).
    #[inline(always)]
    pub fn note_packed_pair(&mut self, lo: u64, hi: u64, day: Day, line: u64) -> bool {
        match self.pairs.note_packed(lo, hi, day, line) {
            Noted::New => true,
            Noted::Duplicate { first } => {
                self.duplicate(line, day, |_| (first, crate::group::key::unpack(lo, hi)));
                true
            }
            Noted::Capped => false,
        }
    }

    /// Counts a duplicate of a packed pair known to be remembered (the
    /// campaign table's [`crate::group::day_window`] cache said so): no lookup
    /// unless it is one of the first [`WARN_EXAMPLES`].
    #[inline(always)]
    pub fn known_duplicate(&mut self, lo: u64, hi: u64, day: Day, line: u64) {
        self.duplicate(line, day, |q| {
            let first = q.pairs.first_packed(lo, hi, day).expect("a known pair is remembered");
            (first, crate::group::key::unpack(lo, hi))
        });
    }

    /// Counts a duplicate; for the first [`WARN_EXAMPLES`], `example` gives
    /// the line of the pair's first row and the campaign id.
    #[inline(always)]
    fn duplicate(&mut self, line: u64, day: Day, example: impl FnOnce(&Self) -> (u64, Box<[u8]>)) {
        let count = &mut self.counts[Warn::Duplicate.index()];
        *count += 1;
        if *count <= WARN_EXAMPLES as u64 {
            let (first, campaign) = example(self);
            self.push_duplicate(line, &campaign, day, first);
        }
    }

    #[cold]
    #[inline(never)]
    fn push_duplicate(&mut self, line: u64, campaign: &[u8], day: Day, first: u64) {
        self.examples.push(Warned::duplicate(line, campaign, day, first));
    }

    /// Appends the warnings of the range that follows, whose lines are
    /// shifted by `shift` (the physical lines of this range).
    pub fn append(&mut self, mut next: Quality, shift: u64) {
        next.shift_lines(shift);
        let want_examples = self.counts[Warn::Duplicate.index()] < WARN_EXAMPLES as u64;
        let found = self.pairs.merge(std::mem::take(&mut next.pairs), want_examples);
        let cross_count = found.count;
        let mut cross: Vec<Warned> =
            found.each.into_iter().map(|d| Warned::duplicate(d.line, &d.id, d.day, d.first)).collect();
        // Examples: this range's come first; then, per kind, the next
        // range's (and for duplicates the ones found here) in line order.
        // A duplicate within the next range whose pair this range holds:
        // its first row is here.
        for w in next
            .examples
            .iter_mut()
            .filter(|w| w.kind == Warn::Duplicate)
        {
            if let Some(first) = self.pairs.first_line(&w.campaign, w.day) {
                w.earlier = first;
            }
        }
        for kind in Warn::ALL {
            let have = self.examples.iter().filter(|w| w.kind == kind).count();
            let mut more: Vec<Warned> = next
                .examples
                .iter()
                .filter(|w| w.kind == kind)
                .cloned()
                .collect();
            if kind == Warn::Duplicate {
                more.append(&mut cross);
                more.sort_by(Warned::order);
            }
            self.examples
                .extend(more.into_iter().take(WARN_EXAMPLES.saturating_sub(have)));
        }
        for (a, b) in self.counts.iter_mut().zip(next.counts) {
            *a += b;
        }
        self.counts[Warn::Duplicate.index()] += cross_count;
        self.examples.sort_by(Warned::order);
    }

    /// Adds `shift` to every line number.
    pub fn shift_lines(&mut self, shift: u64) {
        if shift == 0 {
            return;
        }
        for w in &mut self.examples {
            w.line += shift;
            if w.earlier != 0 {
                w.earlier += shift;
            }
        }
        self.pairs.shift_lines(shift);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::group::day_pairs::PAIR_LIMIT;

    fn pack(id: &str) -> Option<(u64, u64)> {
        crate::group::key::pack(id.as_bytes())
    }

    /// The fast path declines exactly the rows the value and date rules
    /// warn about: `warns` agrees with the checks themselves.
    #[test]
    fn warns_is_the_value_and_date_rules() {
        let today = crate::text::date::parse_date(b"2025-06-30").unwrap();
        for (i, c, v) in [(10, 5, 1), (5, 10, 1), (10, 5, 6), (0, 0, 0), (3, 3, 3), (3, 4, 4), (7, 3, 4)] {
            for day in [today - 1, today, today + 1, crate::text::date::NO_DAY] {
                for latest in [Some(today), None] {
                    let values = Totals::required([i, c, 0, v]);
                    let mut q = Quality::default();
                    q.check_values(1, b"C", values);
                    if day != crate::text::date::NO_DAY {
                        q.check_day(1, b"C", b"", Some(day), latest);
                    }
                    let warned = q.counts.iter().sum::<u64>() > 0;
                    assert_eq!(Quality::warns(&values, day, latest.unwrap_or(Day::MAX)), warned, "{values:?} on {day}, today {latest:?}");
                }
            }
        }
    }

    #[test]
    fn duplicates_within_and_across_ranges() {
        let long = "a campaign name longer than sixteen bytes";
        let rows = [
            ("A", 1),
            ("B", 1),
            ("A", 1),
            ("A", 2),
            (long, 1),
            ("B", 1),
            (long, 1),
            ("A", 1),
            ("C", 3),
        ];
        let mut whole = Quality::default();
        for (i, &(id, day)) in rows.iter().enumerate() {
            whole.note_pair(pack(id), id.as_bytes(), day, i as u64 + 1);
        }
        assert_eq!(whole.counts[Warn::Duplicate.index()], 4);
        let lines: Vec<(u64, u64)> = whole.examples.iter().map(|w| (w.line, w.earlier)).collect();
        assert_eq!(lines, [(3, 1), (6, 2), (7, 5), (8, 1)]);
        for split in 0..=rows.len() {
            let mut a = Quality::default();
            let mut b = Quality::default();
            for (i, &(id, day)) in rows.iter().enumerate() {
                let (q, line) = if i < split {
                    (&mut a, i + 1)
                } else {
                    (&mut b, i + 1 - split)
                };
                q.note_pair(pack(id), id.as_bytes(), day, line as u64);
            }
            a.append(b, split as u64);
            assert_eq!(a.counts, whole.counts, "split at {split}");
            assert_eq!(a.examples, whole.examples, "split at {split}");
            assert_eq!(a.pairs.len(), whole.pairs.len());
        }
    }

    #[test]
    fn pairs_past_the_limit_stop_the_check_and_say_so() {
        let mut q = Quality::default();
        for i in 0..PAIR_LIMIT as u64 {
            q.note_packed_pair(i, 1 << 56, 0, i + 1);
        }
        assert!(!q.pairs.capped());
        q.note_packed_pair(0, 1 << 56, 0, 1); // a duplicate, still counted
        assert_eq!(q.counts[Warn::Duplicate.index()], 1);
        q.note_pair(pack("new"), b"new", 0, 9); // one pair too many
        assert!(q.pairs.capped());
        assert_eq!(q.pairs.len(), PAIR_LIMIT);
        // Merging keeps the flag and the bound.
        let mut a = Quality::default();
        a.note_pair(pack("A"), b"A", 0, 1);
        a.append(q, 1);
        assert!(a.pairs.capped());
        assert_eq!(a.pairs.len(), PAIR_LIMIT);
    }

    #[test]
    fn fast_and_slow_keys_agree() {
        let mut q = Quality::default();
        let (lo, hi) = pack("CMP001").unwrap();
        q.note_packed_pair(lo, hi, 7, 1);
        q.note_pair(pack("CMP001"), b"CMP001", 7, 2);
        assert_eq!(q.counts[Warn::Duplicate.index()], 1);
        assert_eq!(&q.examples[0].campaign[..], b"CMP001");
    }

    #[test]
    fn value_and_date_checks() {
        let mut q = Quality::default();
        let v = Totals::required([10, 11, 0, 12]);
        q.check_values(4, b"X", v);
        let today = crate::text::date::day_from_civil(2025, 6, 1);
        assert_eq!(q.check_date(5, b"X", b"2025-06-01", today), today);
        assert!(q.check_date(6, b"X", b"2025-06-02", today).is_some());
        assert_eq!(q.check_date(7, b"X", b"2025-02-30", today), None);
        q.spend_rounded(8, b"X", b"1.429999948", 1_430_000, b'.');
        q.spend_rounded(9, b"X", b" 1,00000049 \x80", 1_000_000, b',');
        assert_eq!(q.counts, [1, 1, 1, 1, 0, 2]);
        let details: Vec<&str> = q.examples.iter().map(|w| w.detail.as_str()).collect();
        assert_eq!(
            details,
            [
                "clicks 11 > impressions 10",
                "conversions 12 > clicks 11",
                "date 2025-06-02 is after today (2025-06-01)",
                "date \"2025-02-30\" is not a date",
                "spend \"1.429999948\" rounded to 1.430000",
                "spend \"1,00000049\" rounded to 1,000000",
            ]
        );
    }
}
