//! The normalized table (issue 15): every accepted row as one canonical
//! CSV line, `date,platform,campaign_id,campaign_name,impressions,clicks,
//! spend,conversions,revenue` ([`NORMALIZED_HEADER`]).
//!
//! - `date`: ISO `YYYY-MM-DD`; empty when the file has no date column, and
//!   empty when the cell is not a date the core reads (the row is kept and
//!   counted as the aggregate job counts it: a `BadDate` data-quality
//!   warning).
//! - `platform`: the file's ([`crate::schema::platform::Platform`]), or the
//!   name the shell gives.
//! - `campaign_id`, `campaign_name`: text cells, spreadsheet-safe and
//!   RFC 4180-quoted ([`crate::text::cell`]); Windows-1252 text decoded to
//!   UTF-8. When the file has no id column the name is the key: both
//!   columns hold it. Without a name column, `campaign_name` is empty.
//! - counts as integers; money (spend, revenue) as plain decimals with 2
//!   to 6 places (`12.50`, `0.123456`, `3.1416`: the exact micro-units,
//!   trailing zeros past the second place dropped); `revenue` empty when
//!   the file has no revenue column.
//!
//! Lines end in `\n`. The sink keeps the data-quality counts that need no
//! campaign table (values, rounded spend, dates); it does no duplicate
//! check (that needs the (campaign, day) pairs, which normalizing keeps
//! no memory for).

use crate::agg::partial::Partial;
use crate::agg::quality::Quality;
use crate::agg::sink::RowSink;
use crate::error::Error;
use crate::group::table::Table;
use crate::row::accepted::{AcceptedRow, RowDate};
use crate::schema::field::Field;
use crate::schema::totals::{Sum, SumKind, Totals};
use crate::text::cell::push_csv_text_bytes;
use crate::text::date::{civil_from_day, Day, NO_DAY};
use crate::text::number::MICROS;
use crate::text::transcode::decode_windows_1252;

/// The header line of `normalized.csv` (without its `\n`).
pub const NORMALIZED_HEADER: &str = "date,platform,campaign_id,campaign_name,impressions,clicks,spend,conversions,revenue";

/// How a file's rows are written, and the output so far.
#[derive(Debug, Clone)]
pub struct Normalizer {
    /// `,platform,` as written between the date and the id.
    platform: Vec<u8>,
    /// The file has a revenue column.
    revenue: bool,
    /// The file's campaign column is its name (no id column).
    key_is_name: bool,
    /// Ids and names are Windows-1252, decoded on the way out.
    cp1252: bool,
    /// Ids must be valid UTF-8 (as the aggregate job requires).
    utf8_ids: bool,
    /// The last day written and its text.
    last_day: (Day, [u8; 10]),
    scratch: String,
    /// Lines being written, up to `filled`: rows are written here byte by
    /// byte (no call per field), and moved to `out` in blocks.
    block: Box<[u8]>,
    filled: usize,
    /// Lines written since the output was last taken (see
    /// [`lines`](Self::lines)).
    out: Vec<u8>,
}

/// Bytes of [`Normalizer::block`].
const BLOCK: usize = 64 << 10;
/// Room for a row on the fast way: ids and names of at most [`SHORT`] bytes.
const ROW_MAX: usize = 10 + 2 + SHORT + 1 + 2 * SHORT + 2 + 5 * 21 + 5 + 1;
/// The longest platform, id or name written on the fast way.
const SHORT: usize = 64;

impl Normalizer {
    /// Rows of a file whose rows go to `platform` (written as a text
    /// cell); `revenue`: it has a revenue column; `key_is_name`: its
    /// campaign column is the name; `cp1252`: it is Windows-1252;
    /// `utf8_ids`: it is read as UTF-8.
    pub fn new(platform: &str, revenue: bool, key_is_name: bool, cp1252: bool, utf8_ids: bool) -> Normalizer {
        let mut cell = vec![b','];
        push_csv_text_bytes(&mut cell, platform.as_bytes(), &mut String::new());
        cell.push(b',');
        Normalizer {
            platform: cell,
            revenue,
            key_is_name,
            cp1252,
            utf8_ids,
            last_day: (NO_DAY, [0; 10]),
            scratch: String::new(),
            block: vec![0; BLOCK].into_boxed_slice(),
            filled: 0,
            out: Vec::new(),
        }
    }

    /// The lines written so far and not yet taken: write them out and
    /// clear the buffer.
    pub fn lines(&mut self) -> &mut Vec<u8> {
        self.flush();
        &mut self.out
    }

    fn flush(&mut self) {
        self.out.extend_from_slice(&self.block[..self.filled]);
        self.filled = 0;
    }

    /// Writes a row straight into the block when its text cells are short
    /// and need nothing (the common row); false, with nothing written,
    /// otherwise.
    #[inline(always)]
    fn write_fast<R: AcceptedRow>(&mut self, row: &R, values: &Totals) -> bool {
        if self.filled + ROW_MAX > BLOCK {
            self.flush();
        }
        let block = &mut self.block[self.filled..self.filled + ROW_MAX];
        let mut n = 0;
        if let RowDate::Day(day) = row.date() {
            if self.last_day.0 != day {
                self.last_day = (day, iso_day(day));
            }
            block[..10].copy_from_slice(&self.last_day.1);
            n = 10;
        }
        if self.platform.len() > SHORT + 2 {
            return false;
        }
        for &b in &self.platform {
            block[n] = b;
            n += 1;
        }
        let campaign = row.campaign();
        let name = if self.key_is_name { campaign } else { row.name() };
        for (i, cell) in [campaign, name].into_iter().enumerate() {
            if cell.len() > SHORT || matches!(cell.first(), Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')) {
                return false;
            }
            if i == 1 {
                block[n] = b',';
                n += 1;
            }
            for &b in cell {
                if !b.is_ascii() || matches!(b, b',' | b'"' | b'\n' | b'\r') {
                    return false;
                }
                block[n] = b;
                n += 1;
            }
        }
        for sum in Sum::ALL {
            block[n] = b',';
            n += 1;
            if sum == Sum::Revenue && !self.revenue {
                continue;
            }
            let v = values.sums[sum.index()];
            n += match sum.kind() {
                SumKind::Count => put_u64(&mut block[n..], v),
                SumKind::Money => put_money(&mut block[n..], v),
            };
        }
        block[n] = b'\n';
        self.filled += n + 1;
        true
    }

    #[inline(always)]
    fn text(&mut self, raw: &[u8]) {
        if self.cp1252 && !raw.is_ascii() {
            let decoded = decode_windows_1252(raw);
            push_csv_text_bytes(&mut self.out, &decoded, &mut self.scratch);
        } else {
            push_csv_text_bytes(&mut self.out, raw, &mut self.scratch);
        }
    }

    #[inline(always)]
    fn day(&mut self, day: Day) {
        if self.last_day.0 != day {
            self.last_day = (day, iso_day(day));
        }
        self.out.extend_from_slice(&self.last_day.1);
    }

    /// Writes one row's line.
    #[inline(always)]
    fn write<R: AcceptedRow>(&mut self, row: &R, values: &Totals) {
        if !self.write_fast(row, values) {
            self.write_slow(row, values);
        }
    }

    /// Any row, through `out`.
    #[inline(never)]
    fn write_slow<R: AcceptedRow>(&mut self, row: &R, values: &Totals) {
        self.flush();
        if let RowDate::Day(day) = row.date() {
            self.day(day);
        }
        self.out.extend_from_slice(&self.platform);
        let campaign = row.campaign();
        self.text(campaign);
        self.out.push(b',');
        if self.key_is_name {
            self.text(campaign);
        } else {
            self.text(row.name());
        }
        for sum in Sum::ALL {
            if sum == Sum::Revenue && !self.revenue {
                self.out.push(b',');
                continue;
            }
            self.out.push(b',');
            match sum.kind() {
                SumKind::Count => push_u64(&mut self.out, values.sums[sum.index()]),
                SumKind::Money => push_money(&mut self.out, values.sums[sum.index()]),
            }
        }
        self.out.push(b'\n');
    }
}

/// `YYYY-MM-DD` of a day number (years clamped to 0..=9999; the dates
/// the core reads are within).
fn iso_day(day: Day) -> [u8; 10] {
    let (y, m, d) = civil_from_day(day);
    let y = y.clamp(0, 9999) as u32;
    let mut text = [b'-'; 10];
    for (i, v) in [y / 1000, y / 100 % 10, y / 10 % 10, y % 10, 10, m / 10, m % 10, 10, d / 10, d % 10].into_iter().enumerate() {
        if v < 10 {
            text[i] = b'0' + v as u8;
        }
    }
    text
}

/// `v` in decimal at the start of `out` (room for 20 digits); returns
/// the length.
#[inline(always)]
fn put_u64(out: &mut [u8], mut v: u64) -> usize {
    const PAIRS: &[u8; 200] = b"00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899";
    const POW10: [u64; 20] = {
        let mut p = [1u64; 20];
        let mut i = 1;
        while i < 20 {
            p[i] = p[i - 1] * 10;
            i += 1;
        }
        p
    };
    let t = (((64 - (v | 1).leading_zeros()) * 1233) >> 12) as usize;
    let len = (t + 1 - usize::from(v < POW10[t])).max(1);
    let out = &mut out[..len];
    let mut i = len;
    while v >= 100 {
        let r = (v % 100) as usize * 2;
        v /= 100;
        i -= 2;
        out[i..i + 2].copy_from_slice(&PAIRS[r..r + 2]);
    }
    if v >= 10 {
        let r = v as usize * 2;
        out[i - 2..i].copy_from_slice(&PAIRS[r..r + 2]);
    } else {
        out[i - 1] = b'0' + v as u8;
    }
    len
}

/// [`push_money`] at the start of `out` (room for 21 bytes); returns the
/// length.
#[inline(always)]
fn put_money(out: &mut [u8], micros: u64) -> usize {
    let n = put_u64(out, micros / MICROS);
    let mut frac = micros % MICROS;
    let mut places = 6;
    while places > 2 && frac.is_multiple_of(10) {
        frac /= 10;
        places -= 1;
    }
    out[n] = b'.';
    for i in (1..=places).rev() {
        out[n + i] = b'0' + (frac % 10) as u8;
        frac /= 10;
    }
    n + 1 + places
}

/// `v` in decimal.
#[inline(always)]
pub fn push_u64(out: &mut Vec<u8>, mut v: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

/// `micros` micro-units as a plain decimal with 2 to 6 places: `12.50`,
/// `0.123456`, `3.1416`.
#[inline(always)]
pub fn push_money(out: &mut Vec<u8>, micros: u64) {
    push_u64(out, micros / MICROS);
    let mut frac = micros % MICROS;
    let mut places = 6;
    while places > 2 && frac.is_multiple_of(10) {
        frac /= 10;
        places -= 1;
    }
    let mut buf = [b'.', b'0', b'0', b'0', b'0', b'0', b'0'];
    for i in (1..=places).rev() {
        buf[i] = b'0' + (frac % 10) as u8;
        frac /= 10;
    }
    out.extend_from_slice(&buf[..=places]);
}

/// A range's accepted rows written by a [`Normalizer`], with the
/// data-quality counts that need no campaign table.
pub struct NormalizeSink<'a> {
    norm: &'a mut Normalizer,
    /// The (empty) campaign table: never large, so never batched for.
    table: &'a Table,
    quality: &'a mut Quality,
    halt: &'a mut Option<Error>,
    today: Option<Day>,
    decimal: u8,
}

impl<'a> NormalizeSink<'a> {
    /// Rows of the range whose result is `partial` into `norm`; `table` is
    /// the reader's (empty) table; dates after `today` get a warning;
    /// `decimal` is the file's decimal separator.
    pub fn new(norm: &'a mut Normalizer, table: &'a Table, partial: &'a mut Partial, today: Option<Day>, decimal: u8) -> Self {
        NormalizeSink { norm, table, quality: &mut partial.quality, halt: &mut partial.halt, today, decimal }
    }
}

impl RowSink for NormalizeSink<'_> {
    /// In wasm, where every copy of the hot loop is downloaded, normalize
    /// runs the general one only (the copies specialised for it doubled
    /// the module: 630 kB to 1 MB raw).
    const SPECIALIZED: bool = !cfg!(target_arch = "wasm32");
    #[inline(always)]
    fn table(&self) -> &Table {
        self.table
    }

    /// Writes the row. An id that is not UTF-8 (a file read as UTF-8) stops
    /// the range as it stops the aggregate job: the error is set and
    /// `CampaignId` returned (so the reader stops).
    #[inline(always)]
    fn accept<R: AcceptedRow>(&mut self, row: &R) -> Result<(), Field> {
        let campaign = row.campaign();
        if self.norm.utf8_ids && !campaign.is_ascii() && std::str::from_utf8(campaign).is_err() {
            if self.halt.is_none() {
                *self.halt = Some(Error::not_utf8(campaign, Some(row.line())));
            }
            return Err(Field::CampaignId);
        }
        let values = row.values();
        self.norm.write(row, &values);
        let q = &mut *self.quality;
        if !row.checked() {
            q.check_values(row.line(), campaign, values);
            if let Some(spend) = row.rounded_spend() {
                q.spend_rounded(row.line(), campaign, spend, values[Sum::Spend], self.decimal);
            }
        }
        match row.date() {
            RowDate::NotADate(text) => {
                q.check_day(row.line(), campaign, text, None, self.today);
            }
            RowDate::Day(day) if !row.checked() => {
                if let Some(today) = self.today.filter(|&today| day > today) {
                    q.future_date(row.line(), campaign, day, today);
                }
            }
            _ => {}
        }
        Ok(())
    }

    #[inline(always)]
    fn accept_small<R: AcceptedRow>(&mut self, row: &R) -> Result<(), Field> {
        self.accept(row)
    }

    #[inline(always)]
    fn accept_at<R: AcceptedRow>(&mut self, row: &R, _home: usize, _size: usize) -> Result<(), Field> {
        self.accept(row)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_and_counts() {
        let money = |m: u64| {
            let mut v = Vec::new();
            push_money(&mut v, m);
            String::from_utf8(v).unwrap()
        };
        assert_eq!(money(0), "0.00");
        assert_eq!(money(12_500_000), "12.50");
        assert_eq!(money(123_456), "0.123456");
        assert_eq!(money(3_141_600), "3.1416");
        assert_eq!(money(1_000_000_000), "1000.00");
        assert_eq!(money(10), "0.00001");
        assert_eq!(money(u64::MAX), "18446744073709.551615");
        let mut v = Vec::new();
        push_u64(&mut v, 0);
        v.push(b' ');
        push_u64(&mut v, u64::MAX);
        assert_eq!(v, b"0 18446744073709551615");
        for m in [0, 7, 9, 10, 99, 100, 101, 12_500_000, 10_000_000_000_000_000_000, 9_999_999_999_999_999_999, 123_456, 3_141_600, 1_000_000_000, u64::MAX, 999_999_999_999] {
            let mut block = [0u8; 32];
            let n = put_money(&mut block, m);
            assert_eq!(&block[..n], money(m).as_bytes());
            let n = put_u64(&mut block, m);
            assert_eq!(&block[..n], m.to_string().as_bytes());
        }
    }
}
