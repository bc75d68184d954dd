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
    /// Lines written since the output was last taken.
    pub out: Vec<u8>,
}

impl Normalizer {
    /// Rows of a file whose rows go to `platform` (written as a text
    /// cell); `revenue`: it has a revenue column; `key_is_name`: its
    /// campaign column is the name; `cp1252`: it is Windows-1252;
    /// `utf8_ids`: it is read as UTF-8.
    pub fn new(platform: &str, revenue: bool, key_is_name: bool, cp1252: bool, utf8_ids: bool) -> Normalizer {
        let mut cell = vec![b','];
        push_csv_text_bytes(&mut cell, platform.as_bytes(), &mut String::new());
        cell.push(b',');
        Normalizer { platform: cell, revenue, key_is_name, cp1252, utf8_ids, last_day: (NO_DAY, [0; 10]), scratch: String::new(), out: Vec::new() }
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
            let (y, m, d) = civil_from_day(day);
            let y = y.clamp(0, 9999) as u32;
            let text = &mut self.last_day.1;
            for (i, v) in [y / 1000, y / 100 % 10, y / 10 % 10, y % 10].into_iter().enumerate() {
                text[i] = b'0' + v as u8;
            }
            text[4] = b'-';
            text[5] = b'0' + (m / 10) as u8;
            text[6] = b'0' + (m % 10) as u8;
            text[7] = b'-';
            text[8] = b'0' + (d / 10) as u8;
            text[9] = b'0' + (d % 10) as u8;
            self.last_day.0 = day;
        }
        self.out.extend_from_slice(&self.last_day.1);
    }

    /// Writes one row's line.
    #[inline(always)]
    fn write<R: AcceptedRow>(&mut self, row: &R, values: &Totals) {
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
    while places > 2 && frac % 10 == 0 {
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
    }
}
