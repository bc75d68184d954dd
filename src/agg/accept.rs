//! What an accepted row does, whichever reader found it. This is the one
//! place: its values are added to its campaign's sums, its values and date
//! are checked (data-quality warnings), its (campaign, day) pair is noted
//! for the duplicate check, and its name becomes the campaign's last.
//!
//! Readers differ only in how they find the campaign's slot: [`Accumulate::accept`]
//! looks it up, [`Accumulate::accept_small`] also uses the small table's
//! cache of (campaign, day) pairs, and [`Accumulate::accept_at`] uses a slot
//! that a batched reader touched a batch ago (so that its cache miss has
//! overlapped with parsing). The fast path only hands over rows it parsed
//! to the same values as csv-core would; it never decides what they mean.

use rustc_hash::FxHashMap;

use crate::agg::partial::{set_name, Partial};
use crate::agg::quality::Quality;
use crate::group::day_window::DayBit;
use crate::group::table::Table;
use crate::row::accepted::{AcceptedRow, RowDate};
use crate::schema::field::Field;
use crate::schema::totals::Sum;
use crate::text::date::{Day, NO_DAY};

/// Where a range's accepted rows go: the campaign table (sums inline in
/// its slots), the data-quality counts and the campaign names.
pub struct Accumulate<'a> {
    /// Per-campaign sums.
    pub table: &'a mut Table,
    quality: &'a mut Quality,
    names: &'a mut FxHashMap<Box<[u8]>, Box<[u8]>>,
    /// Dates after this get a warning.
    today: Option<Day>,
    /// The file's decimal separator, for the rounded-spend warning.
    decimal: u8,
}

impl<'a> Accumulate<'a> {
    /// Rows into `table` and `partial`'s quality counts and names; dates
    /// after `today` get a warning; `decimal` is the file's decimal
    /// separator.
    pub fn new(table: &'a mut Table, partial: &'a mut Partial, today: Option<Day>, decimal: u8) -> Self {
        Accumulate { table, quality: &mut partial.quality, names: &mut partial.names, today, decimal }
    }

    /// Accepts a row, looking its campaign's slot up. On overflow nothing
    /// changes and the field is returned.
    #[inline(always)]
    pub fn accept<R: AcceptedRow>(&mut self, row: &R) -> Result<(), Field> {
        let totals = row.values();
        let (lo, hi) = row.key();
        if hi != 0 {
            self.table.add_packed(lo, hi, &totals)?;
        } else {
            self.table.add_long(row.campaign(), &totals)?;
        }
        self.after_sums(row, None);
        Ok(())
    }

    /// [`accept`](Self::accept) for a table that is not
    /// [large](Table::is_large): the slot also caches which of its
    /// campaign's recent days the duplicate check already knows.
    #[inline(always)]
    pub fn accept_small<R: AcceptedRow>(&mut self, row: &R) -> Result<(), Field> {
        self.accept_small_on(row).map(|_| ())
    }

    /// [`accept_small`](Self::accept_small), returning the row's
    /// (campaign, day) bit in the small table's cache when it has one
    /// (a packed id, a date inside its campaign's window): the daily
    /// series finds the campaign's cell by it
    /// ([`crate::agg::daily::DailyCells`]).
    #[inline(always)]
    pub fn accept_small_on<R: AcceptedRow>(&mut self, row: &R) -> Result<Option<DayBit>, Field> {
        let (lo, hi) = row.key();
        if hi == 0 {
            return self.accept(row).map(|()| None);
        }
        let day = match row.date() {
            RowDate::Day(day) => day,
            _ => NO_DAY,
        };
        let bit = self.table.add_small_on(lo, hi, &row.values(), day)?;
        self.after_sums(row, bit);
        Ok(bit)
    }

    /// [`accept`](Self::accept) with the home slot found by
    /// [`Table::home`] or [`Table::home_long`] when the table's size was
    /// `size` (looked up again if it has grown since).
    #[inline(always)]
    pub fn accept_at<R: AcceptedRow>(&mut self, row: &R, home: usize, size: usize) -> Result<(), Field> {
        if self.table.size() != size {
            return self.accept(row);
        }
        let totals = row.values();
        let (lo, hi) = row.key();
        if hi != 0 {
            self.table.add_at(home, lo, hi, &totals)?;
        } else {
            self.table.add_long_at(home, row.campaign(), &totals)?;
        }
        self.after_sums(row, None);
        Ok(())
    }

    /// Everything but the sums, in the order warnings are listed: the
    /// name, the values, a rounded spend, the date, the duplicate check.
    /// `bit` is the row's (campaign, day) bit in the small table's cache.
    #[inline(always)]
    fn after_sums<R: AcceptedRow>(&mut self, row: &R, bit: Option<DayBit>) {
        let name = row.name();
        if !name.is_empty() {
            self.name(row.campaign(), name);
        }
        let q = &mut *self.quality;
        if !row.checked() {
            q.check_values(row.line(), row.campaign(), row.values());
            if let Some(spend) = row.rounded_spend() {
                q.spend_rounded(row.line(), row.campaign(), spend, row.values()[Sum::Spend], self.decimal);
            }
        }
        let day = match row.date() {
            RowDate::Absent => return,
            RowDate::NotADate(text) => {
                q.check_day(row.line(), row.campaign(), text, None, self.today);
                return;
            }
            RowDate::Day(day) => day,
        };
        if !row.checked() {
            if let Some(today) = self.today.filter(|&today| day > today) {
                q.future_date(row.line(), row.campaign(), day, today);
            }
        }
        debug_assert!(
            !row.checked() || (!Quality::warns(&row.values(), day, self.today.unwrap_or(Day::MAX)) && row.rounded_spend().is_none()),
            "a checked row that a rule warns about"
        );
        if q.pairs.capped() {
            return; // past the limit, pairs are no longer checked
        }
        let (lo, hi) = row.key();
        let line = row.line();
        match bit {
            _ if hi == 0 => q.note_pair(None, row.campaign(), day, line),
            Some(bit) if self.table.day_seen(bit) => q.known_duplicate(lo, hi, day, line),
            Some(bit) => {
                if q.note_packed_pair(lo, hi, day, line) {
                    self.table.set_day_seen(bit);
                }
            }
            None => {
                q.note_packed_pair(lo, hi, day, line);
            }
        }
    }

    /// `name` becomes the last name of `campaign`.
    #[inline(never)]
    fn name(&mut self, campaign: &[u8], name: &[u8]) {
        set_name(self.names, campaign, name);
    }
}
