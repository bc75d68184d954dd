//! The general line parser: any column order, field by field.

use super::*;

impl FastParser {
    /// The line parser, for the two ways of finding text field ends (`B`),
    /// and for the common layout written out (`C`) or any layout.
    #[inline(always)]
    pub(super) fn parse<S: Src, const B: bool, const C: usize>(&self, buf: S, p: usize) -> Option<Line> {
        let mut row = LineFields {
            values: Totals::default(),
            campaign: (0, 0),
            key: (0, 0),
            day: NO_DAY,
            name: (0, 0),
        };
        let (end, term) = if C > 0 {
            // Written out so that each field's column is a constant (a loop
            // cost the 1 GB file 3% more instructions); a new sum adds a
            // line (the pattern's length is `CANONICAL_ALL`'s; `C` says
            // whether the optional sums, revenue, are in the layout).
            let [c0, c1, c2, c3, c4, c5, c6] = CANONICAL_ALL;
            let q = self.next(self.field::<S, B>(c0, buf, p, &mut row)?)?;
            let q = self.next(self.field::<S, B>(c1, buf, q, &mut row)?)?;
            let q = self.next(self.field::<S, B>(c2, buf, q, &mut row)?)?;
            let q = self.next(self.field::<S, B>(c3, buf, q, &mut row)?)?;
            let q = self.next(self.field::<S, B>(c4, buf, q, &mut row)?)?;
            if C == SUMS {
                let q = self.next(self.field::<S, B>(c5, buf, q, &mut row)?)?;
                self.field::<S, B>(c6, buf, q, &mut row)?
            } else {
                self.field::<S, B>(c5, buf, q, &mut row)?
            }
        } else {
            let (last, init) = self.cols.split_last()?;
            let mut q = p;
            for &col in init {
                q = self.next(self.field::<S, B>(col, buf, q, &mut row)?)?;
            }
            self.field::<S, B>(*last, buf, q, &mut row)?
        };
        // Longer lines go to csv-core, which applies the limit; lines that
        // do not fit in a window are parsed again with checked loads.
        if end - p > S::LINE_MAX {
            return None;
        }
        let end = match term {
            b'\n' => end + 1,
            b'\r' if buf.byte(end + 1) == Some(b'\n') => end + 2,
            _ => return None,
        };
        let values = row.values;
        if !self.unremarkable(&values, row.day) {
            return None;
        }
        Some(Line {
            end,
            campaign: row.campaign.0,
            campaign_len: row.campaign.1,
            key: row.key,
            values,
            day: row.day,
            name: row.name,
        })
    }

    /// Where the next field starts, after a field that ended with `term` at `end`.
    #[inline(always)]
    pub(super) fn next(&self, (end, term): (usize, u8)) -> Option<usize> {
        (term == self.delimiter).then_some(end + 1)
    }

    /// Parses the field of column `col` at `q` into `row`: where it ends
    /// and the byte there.
    #[inline(always)]
    pub(super) fn field<S: Src, const B: bool>(
        &self,
        col: Col,
        buf: S,
        q: usize,
        row: &mut LineFields,
    ) -> Option<(usize, u8)> {
        Some(match col {
            Col::Count(sum) => {
                let (v, len, term) = number(buf, q)?;
                row.values.sums[sum.index()] = v;
                (q + len, term)
            }
            Col::Money(sum) => {
                let (units, len, term) = number(buf, q)?;
                if len > 12 {
                    return None;
                }
                if term == self.decimal {
                    let (frac, flen, term) = fraction(buf, q + len + 1)?;
                    if len + flen == 0 {
                        return None;
                    }
                    row.values.sums[sum.index()] = units * 1_000_000 + frac;
                    (q + len + 1 + flen, term)
                } else {
                    row.values.sums[sum.index()] = units * 1_000_000;
                    (q + len, term)
                }
            }
            Col::Skip => {
                let t = self.text::<S, B>(buf, q)?;
                (t.end, t.term)
            }
            Col::Name => {
                let t = self.text::<S, B>(buf, q)?;
                row.name = (q, t.end - q);
                (t.end, t.term)
            }
            Col::Date => {
                let t = self.text::<S, B>(buf, q)?;
                row.day = self.day(buf, q, t.end)?;
                (t.end, t.term)
            }
            Col::SkipFirst => {
                let t = self.text::<S, B>(buf, q)?;
                if may_be_special(t.w0) || (t.low && is_blank(t.w0 as u8)) {
                    return None;
                }
                (t.end, t.term)
            }
            Col::Campaign => {
                let t = self.text::<S, B>(buf, q)?;
                let len = t.end - q;
                if len == 0 || may_be_special(t.w0) {
                    return None;
                }
                // Only a field with small bytes in it can need trimming.
                if t.low && (is_blank(t.w0 as u8) || buf.byte(t.end - 1).is_none_or(is_blank)) {
                    return None;
                }
                if len <= PACKED_MAX {
                    // The id's bytes, zero-padded, the length on top.
                    row.key = (
                        t.w0 & KEY_MASKS[len].0,
                        t.w1 & KEY_MASKS[len].1 | (len as u64) << 56,
                    );
                }
                row.campaign = (q, len);
                (t.end, t.term)
            }
        })
    }

    /// Bytes that may end a text field or make it unusual: high bit set in
    /// each such byte (exactly).
    #[inline(always)]
    pub(super) fn candidates<const B: bool>(&self, w: u64) -> u64 {
        let m = below(w, self.below);
        if B {
            m
        } else {
            m | below(w ^ (ONES * u64::from(self.delimiter)), 1)
        }
    }

    /// The unquoted text field at `q`.
    #[inline(always)]
    pub(super) fn text<S: Src, const B: bool>(&self, buf: S, q: usize) -> Option<Text> {
        let (w0, w1) = (buf.word(q), buf.word(q + 8));
        let mut m =
            u128::from(self.candidates::<B>(w1)) << 64 | u128::from(self.candidates::<B>(w0));
        let mut at = q;
        let mut low = false;
        loop {
            while m != 0 {
                let k = (m.trailing_zeros() / 8) as usize;
                let b = buf.byte(at + k)?;
                if b == self.delimiter || matches!(b, b'\n' | b'\r' | b'"') {
                    return Some(Text {
                        end: at + k,
                        term: b,
                        w0,
                        w1,
                        low,
                    });
                }
                // A space, a tab, another control byte: part of the field.
                low = true;
                m &= m - 1;
            }
            at += 16;
            if at > S::SCAN_MAX {
                return None;
            }
            let (v0, v1) = (buf.word(at), buf.word(at + 8));
            m = u128::from(self.candidates::<B>(v1)) << 64 | u128::from(self.candidates::<B>(v0));
        }
    }
}

/// What the fields of a line parsed so far gave.
pub(super) struct LineFields {
    pub(super) values: Totals,
    pub(super) campaign: (usize, usize),
    pub(super) key: (u64, u64),
    pub(super) day: Day,
    pub(super) name: (usize, usize),
}

/// A text field found by [`FastParser::text`].
pub(super) struct Text {
    /// Index of the byte that ends it.
    pub(super) end: usize,
    /// That byte: the delimiter, `\n`, `\r` or `"`.
    pub(super) term: u8,
    /// The sixteen bytes from the field's start.
    pub(super) w0: u64,
    pub(super) w1: u64,
    /// The field has bytes below `below` (spaces, tabs...).
    pub(super) low: bool,
}

pub(super) fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// True when the eight bytes at a field's start begin with `total` in any
/// case (the row may be a total row) or with a UTF-8 byte-order mark (two
/// exports joined: the mark is dropped): csv-core's path decides such rows
/// by [`crate::row::record`]'s rules.
#[inline(always)]
pub(super) fn may_be_special(w: u64) -> bool {
    ((w | 0x20_2020_2020) & 0xFF_FFFF_FFFF == u64::from_le_bytes(*b"total\0\0\0")) | (w & 0xFF_FFFF == 0xBF_BBEF)
}
