//! Keys of the daily series: a campaign id and a day as one byte string,
//! so that the (campaign, day) cells live in the same campaign table, with
//! the same sums, as the campaigns do (the daily series is a key, not a
//! second engine). The day is the id's last 4 bytes, big-endian and offset
//! so that byte order is day order.

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
