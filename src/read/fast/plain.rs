//! The common layout written out: the whole line within 64 bytes, every
//! field bound from one mask ([`FastParser::plain`]).

use super::*;

impl FastParser {
    /// The common layout, when the whole line is within the window's first
    /// 64 bytes, its id has at most [`long_ids::MAX`] bytes, and its only bytes below `below` are the five delimiters and
    /// the line break (or `\r\n`): the field bounds all come from one mask,
    /// so that fields do not wait for each other.
    #[inline(always)]
    pub(super) fn plain<const C: usize, const D: u8>(&self, win: Window) -> Option<Line> {
        let d = D;
        debug_assert!(D == self.delimiter && self.delim_below && self.canonical() == C);
        let w: [u64; 8] = std::array::from_fn(|i| win.word(8 * i));
        let mut m = mask64::<D>(win, &w);
        let mut next = || {
            let at = m.trailing_zeros() as usize;
            m &= m.wrapping_sub(1);
            at
        };
        // The ends of the id, the date and each sum: the last one ends the line.
        // (`C` of them: the required sums, or all of them.)
        let p: [usize; 2 + SUMS] = std::array::from_fn(|k| if k < 2 + C { next() } else { 0 });
        let (p1, p2, last) = (p[0], p[1], p[1 + C]);
        if last >= 64 {
            return None;
        }
        let b = |i: usize| win.0[i];
        if p[..1 + C].iter().fold(0, |acc, &at| acc | (b(at) ^ d)) != 0 {
            return None;
        }
        let end = match b(last) {
            b'\n' => last + 1,
            b'\r' if b(last + 1) == b'\n' => last + 2,
            _ => return None,
        };
        if p1 == 0 || p1 > long_ids::MAX || may_be_special(w[0]) {
            return None;
        }
        let day = self.day(win, p1 + 1, p2)?;
        let key = match p1 <= PACKED_MAX {
            true => (w[0] & KEY_MASKS[p1].0, w[1] & KEY_MASKS[p1].1 | (p1 as u64) << 56),
            false => (0, 0),
        };
        let mut values = Totals::default();
        for s in Sum::ALL.into_iter().take(C) {
            let (start, end) = (p[1 + s.index()] + 1, p[2 + s.index()]);
            values.sums[s.index()] = match s.kind() {
                SumKind::Count => digits_in(win, start, end)?,
                SumKind::Money => self.money_in(win, start, end)?,
            };
        }
        if !self.unremarkable(&values, day) {
            return None;
        }
        Some(Line {
            end,
            campaign: 0,
            campaign_len: p1,
            key,
            values,
            day,
            name: (0, 0),
        })
    }

    /// The money field `win[s..e]` when it has at most 8 bytes: digits,
    /// or digits, the decimal separator and up to 6 digits.
    #[inline(always)]
    pub(super) fn money_in(&self, win: Window, s: usize, e: usize) -> Option<u64> {
        let len = e - s;
        if len > 8 {
            return None;
        }
        let w = win.word(s);
        let a = w ^ ZEROS;
        let i = non_digits(a).trailing_zeros() as usize / 8;
        if i >= len {
            return Some(value_of(a, len) * 1_000_000);
        }
        let frac = len - i - 1;
        if (w >> (8 * i)) as u8 != self.decimal || frac > 6 || len == 1 {
            return None;
        }
        // Squeeze the separator out: the digits before it and after it.
        let keep = (1u64 << (8 * i)) - 1;
        let a = (a & keep) | ((a >> 8) & !keep);
        if non_digits(a).trailing_zeros() < 8 * (len as u32 - 1) {
            return None;
        }
        Some(value_of(a, len - 1) * POW10[6 - frac])
    }

    /// The date field `buf[s..e]` as a day number: `YYYY-MM-DD` read here,
    /// other forms by [`crate::text::date::parse_date_in`]. `None` for a
    /// field that is not a date (csv-core's path warns about it) or whose
    /// evidence is counted (csv-core's path counts it with its line). The
    /// last date of each kind is remembered: rows of a day usually come
    /// together.
    #[inline(always)]
    pub(super) fn day<S: Src>(&self, buf: S, s: usize, e: usize) -> Option<Day> {
        let len = e - s;
        if len == 10 {
            let (w, t) = (buf.word(s), buf.word(s + 8) & 0xFFFF);
            let (lw, lt, day) = self.last_date.get();
            if (w ^ lw) | (t ^ lt) == 0 {
                return Some(day);
            }
            if let Some(day) = iso_date(w, t) {
                self.last_date.set((w, t, day));
                return Some(day);
            }
        }
        if len == 0 || len > 16 {
            return buf.date(s, e, self.date_order, self.date_report);
        }
        let keep = |n: usize| if n >= 8 { u64::MAX } else { (1u64 << (8 * n)) - 1 };
        let w = buf.word(s) & keep(len);
        let t = if len > 8 { buf.word(s + 8) & keep(len - 8) } else { 0 };
        let (lw, lt, llen, day) = self.last_other.get();
        if (w ^ lw) | (t ^ lt) == 0 && llen == len {
            return day;
        }
        let day = buf.date(s, e, self.date_order, self.date_report);
        self.last_other.set((w, t, len, day));
        day
    }

    /// False for rows with a data-quality warning other than duplicates
    /// ([`Quality::warns`]): csv-core's path counts those.
    #[inline(always)]
    pub(super) fn unremarkable(&self, v: &Totals, day: Day) -> bool {
        !Quality::warns(v, day, self.max_day)
    }
}
