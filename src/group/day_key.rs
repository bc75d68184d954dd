//! The daily series' cells as results carry them ([`Daily`]), and their
//! keys: a campaign id and a day as one byte string,
//! so that the (campaign, day) cells live in the same campaign table, with
//! the same sums, as the campaigns do (the daily series is a key, not a
//! second engine). The day is the id's last 4 bytes, big-endian and offset
//! so that byte order is day order.

use crate::group::table::Table;
use crate::schema::field::Field;
use crate::text::date::Day;

/// Bytes of the day at the end of a key.
pub const DAY_BYTES: usize = 4;

/// Writes the key of (`id`, `day`) into `key` (cleared first).
#[inline(always)]
pub fn day_key(key: &mut Vec<u8>, id: &[u8], day: Day) {
    key.clear();
    key.extend_from_slice(id);
    key.extend_from_slice(&((day as u32) ^ 0x8000_0000).to_be_bytes());
}

/// The id and day of a key made by [`day_key`].
pub fn split_day_key(key: &[u8]) -> (&[u8], Day) {
    let (id, day) = key.split_at(key.len() - DAY_BYTES);
    let day = u32::from_be_bytes(day.try_into().expect("4 bytes")) ^ 0x8000_0000;
    (id, day as Day)
}

/// A range's (or a merged) daily series, as results carry it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Daily {
    /// The (campaign, day) cells, keyed by [`day_key`]; empty when capped.
    pub cells: Table,
    /// More cells than `limit`: dropped.
    pub capped: bool,
    /// The cell limit in force.
    pub limit: u64,
    /// First and last day of any dated row (`(Day::MAX, Day::MIN)`: none).
    pub days: (Day, Day),
}

impl Daily {
    /// Adds the series of the range that follows (or of another file);
    /// past the limit, the cells are dropped. An overflowing cell is the
    /// field and key.
    pub fn merge(&mut self, next: Daily) -> Result<(), (Field, Box<[u8]>)> {
        self.days = (self.days.0.min(next.days.0), self.days.1.max(next.days.1));
        self.capped |= next.capped;
        if self.capped {
            self.cells = Table::new();
            return Ok(());
        }
        let (mut a, mut b) = (std::mem::take(&mut self.cells), next.cells);
        if b.size() > a.size() {
            std::mem::swap(&mut a, &mut b);
        }
        a.merge(b)?;
        if a.len() as u64 > self.limit {
            self.capped = true;
            a = Table::new();
        }
        self.cells = a;
        Ok(())
    }

    /// Days from the first dated row's to the last's, both included.
    pub fn span(&self) -> u64 {
        match self.days.0 <= self.days.1 {
            true => (i64::from(self.days.1) - i64::from(self.days.0) + 1) as u64,
            false => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_split_back_and_sort_by_id_then_day() {
        let mut keys = Vec::new();
        for (id, day) in [(&b"B"[..], 5), (b"A", 20_000), (b"A", -3), (b"A", 7), (b"", 0), (b"A\xff", Day::MIN + 1)] {
            let mut k = Vec::new();
            day_key(&mut k, id, day);
            assert_eq!(split_day_key(&k), (id, day));
            keys.push(k);
        }
        let mut by_key = keys.clone();
        by_key.sort();
        let days: Vec<Day> = by_key.iter().filter(|k| split_day_key(k).0 == b"A").map(|k| split_day_key(k).1).collect();
        assert_eq!(days, [-3, 7, 20_000], "one id's days in order");
    }
}
