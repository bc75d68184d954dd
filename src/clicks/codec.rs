//! A compact binary form of what the ranges of a click job exchange when
//! each range is read by its own Web Worker (its own wasm instance): a
//! range's ids after pass 1, settle's answer to it ([`Cross`]), its bucket
//! counts, the hot buckets, and its pass-2 [`Tally`]. Little-endian, with a
//! magic per kind; decoding checks every length and fails with a message
//! rather than panicking.

use crate::clicks::rules::RuleOptions;
use crate::clicks::scan::IdRow;
use crate::clicks::settle::Cross;
use crate::clicks::tally::{Cell, Counts, Tally};
use crate::clicks::users::{coupon_bits, coupon_from_bits, Users};
use datasketches::hll::HllSketch;

const IDS: &[u8; 4] = b"CKI1";
const CROSS: &[u8; 4] = b"CKX1";
const COUNTS: &[u8; 4] = b"CKB1";
const KEYS: &[u8; 4] = b"CKH1";
const TALLY: &[u8; 4] = b"CKT1";

/// A range's ids (sorted, one row per key).
pub fn encode_ids(ids: &[IdRow]) -> Vec<u8> {
    let mut out = head(IDS, ids.len(), 20);
    for r in ids {
        put_u64(&mut out, r.key[0]);
        put_u64(&mut out, r.key[1]);
        put_u32(&mut out, r.seq);
    }
    out
}

/// The ids [`encode_ids`] wrote.
pub fn decode_ids(bytes: &[u8]) -> Result<Vec<IdRow>, String> {
    let mut c = Cursor::open(bytes, IDS)?;
    let n = c.len(20)?;
    let mut v = Vec::with_capacity(n);
    for _ in 0..n {
        v.push(IdRow { key: [c.u64()?, c.u64()?], seq: c.u32()? });
    }
    c.end()?;
    Ok(v)
}

/// Settle's answer to one range.
pub fn encode_cross(x: &Cross) -> Vec<u8> {
    let mut out = head(CROSS, x.duplicates.len(), 4);
    x.duplicates.iter().for_each(|&s| put_u32(&mut out, s));
    put_u64(&mut out, x.unchecked.len() as u64);
    x.unchecked.iter().for_each(|&s| put_u32(&mut out, s));
    out
}

/// The answer [`encode_cross`] wrote.
pub fn decode_cross(bytes: &[u8]) -> Result<Cross, String> {
    let mut c = Cursor::open(bytes, CROSS)?;
    let n = c.len(4)?;
    let duplicates = (0..n).map(|_| c.u32()).collect::<Result<_, _>>()?;
    let n = c.len(4)?;
    let unchecked = (0..n).map(|_| c.u32()).collect::<Result<_, _>>()?;
    c.end()?;
    Ok(Cross { duplicates, unchecked })
}

/// A range's bucket counts (sorted by key).
pub fn encode_counts(counts: &[(u128, u32)]) -> Vec<u8> {
    let mut out = head(COUNTS, counts.len(), 20);
    for &(k, n) in counts {
        put_u128(&mut out, k);
        put_u32(&mut out, n);
    }
    out
}

/// The counts [`encode_counts`] wrote.
pub fn decode_counts(bytes: &[u8]) -> Result<Vec<(u128, u32)>, String> {
    let mut c = Cursor::open(bytes, COUNTS)?;
    let n = c.len(20)?;
    let v = (0..n).map(|_| Ok((c.u128()?, c.u32()?))).collect::<Result<_, String>>()?;
    c.end()?;
    Ok(v)
}

/// Bucket keys (the hot buckets).
pub fn encode_keys(keys: &[u128]) -> Vec<u8> {
    let mut out = head(KEYS, keys.len(), 16);
    keys.iter().for_each(|&k| put_u128(&mut out, k));
    out
}

/// The keys [`encode_keys`] wrote.
pub fn decode_keys(bytes: &[u8]) -> Result<Vec<u128>, String> {
    let mut c = Cursor::open(bytes, KEYS)?;
    let n = c.len(16)?;
    let v = (0..n).map(|_| c.u128()).collect::<Result<_, _>>()?;
    c.end()?;
    Ok(v)
}

impl Tally<'_> {
    /// This range's tally (ads, cells, totals, listed rows, counts).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = head(TALLY, self.ads.len(), 0);
        for ad in &self.ads {
            put_bytes(&mut out, ad);
        }
        put_u64(&mut out, self.cells.len() as u64);
        // In key order: the same tally, the same bytes.
        let mut cells: Vec<(&(u32, i64), &Cell)> = self.cells.iter().collect();
        cells.sort_unstable_by_key(|&(k, _)| *k);
        for (&(ad, start), cell) in cells {
            put_u32(&mut out, ad);
            put_u64(&mut out, start as u64);
            put_cell(&mut out, cell);
        }
        put_u64(&mut out, self.totals.len() as u64);
        self.totals.iter().for_each(|c| put_cell(&mut out, c));
        put_bytes(&mut out, self.flagged_csv.as_bytes());
        put_bytes(&mut out, self.rejected_csv.as_bytes());
        let k = &self.counts;
        for v in [k.rows, k.clicks, k.billable, k.duplicates, k.without_id, k.unchecked, k.flagged] {
            put_u64(&mut out, v);
        }
        for v in k.by_rule.iter().chain(&k.rejected).chain(&k.units) {
            put_u64(&mut out, *v);
        }
        for m in [k.first_ms, k.last_ms] {
            out.push(m.is_some() as u8);
            put_u64(&mut out, m.unwrap_or(0) as u64);
        }
        out
    }

    /// A tally [`Tally::to_bytes`] wrote, to be appended to another
    /// ([`Tally::append`]); `rules`, `active` and `lg_k` as the job's.
    pub fn from_bytes<'s>(bytes: &[u8], rules: &'s RuleOptions, active: u8, lg_k: u8) -> Result<Tally<'s>, String> {
        let mut c = Cursor::open(bytes, TALLY)?;
        let mut t = Tally::new(&[], rules, active, lg_k);
        let n = c.len(8)?;
        let ads: Vec<Box<[u8]>> = (0..n).map(|_| c.bytes().map(Box::from)).collect::<Result<_, _>>()?;
        for ad in &ads {
            t.ad_of(ad);
        }
        let n = c.len(20)?;
        t.cells.reserve(n);
        for _ in 0..n {
            let ad = c.u32()?;
            if ad as usize >= ads.len() {
                return Err(corrupt("a cell's ad"));
            }
            let start = c.u64()? as i64;
            t.cells.insert((ad, start), cell(&mut c, lg_k)?);
        }
        let n = c.len(20)?;
        if n != ads.len() {
            return Err(corrupt("the totals"));
        }
        t.totals = (0..n).map(|_| cell(&mut c, lg_k)).collect::<Result<_, _>>()?;
        t.flagged_csv = text(c.bytes()?)?;
        t.rejected_csv = text(c.bytes()?)?;
        let mut k = Counts {
            rows: c.u64()?,
            clicks: c.u64()?,
            billable: c.u64()?,
            duplicates: c.u64()?,
            without_id: c.u64()?,
            unchecked: c.u64()?,
            flagged: c.u64()?,
            ..Counts::default()
        };
        for v in k.by_rule.iter_mut().chain(k.rejected.iter_mut()).chain(k.units.iter_mut()) {
            *v = c.u64()?;
        }
        let mut ms = || -> Result<Option<i64>, String> {
            let some = c.u8()? != 0;
            let v = c.u64()? as i64;
            Ok(some.then_some(v))
        };
        k.first_ms = ms()?;
        k.last_ms = ms()?;
        t.counts = k;
        c.end()?;
        Ok(t)
    }
}

fn put_cell(out: &mut Vec<u8>, c: &Cell) {
    put_u64(out, c.clicks);
    put_u64(out, c.duplicates);
    put_u64(out, c.flagged);
    put_u128(out, c.cost);
    match &c.users {
        Users::None => out.push(0),
        Users::Few(v) => {
            out.push(1);
            put_u64(out, v.len() as u64);
            v.iter().for_each(|&k| put_u32(out, coupon_bits(k)));
        }
        Users::Sketch(s) => {
            out.push(2);
            put_bytes(out, &s.serialize());
        }
    }
}

fn cell(c: &mut Cursor, lg_k: u8) -> Result<Cell, String> {
    let (clicks, duplicates, flagged, cost) = (c.u64()?, c.u64()?, c.u64()?, c.u128()?);
    let users = match c.u8()? {
        0 => Users::None,
        1 => {
            let n = c.len(4)?;
            let v: Vec<_> = (0..n).map(|_| c.u32().map(coupon_from_bits)).collect::<Result<_, _>>()?;
            if v.windows(2).any(|w| w[0] >= w[1]) {
                return Err(corrupt("a window's users"));
            }
            Users::Few(v)
        }
        2 => {
            let s = HllSketch::deserialize(c.bytes()?).map_err(|e| corrupt(&format!("a sketch ({e})")))?;
            if s.lg_config_k() != lg_k {
                return Err(corrupt("a sketch's lg_k"));
            }
            Users::Sketch(Box::new(s))
        }
        _ => return Err(corrupt("a window's users")),
    };
    Ok(Cell { clicks, duplicates, flagged, cost, users })
}

fn corrupt(what: &str) -> String {
    format!("a worker's click-log result is corrupt ({what})")
}

fn text(b: &[u8]) -> Result<String, String> {
    String::from_utf8(b.to_vec()).map_err(|_| corrupt("listed rows"))
}

/// The magic and a count; `each` bytes per item reserved.
fn head(magic: &[u8; 4], n: usize, each: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(12 + n * each);
    out.extend_from_slice(magic);
    put_u64(&mut out, n as u64);
    out
}

fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put_u64(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put_u128(out: &mut Vec<u8>, v: u128) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    put_u64(out, b.len() as u64);
    out.extend_from_slice(b);
}

/// Reads what the `put_*` functions wrote, checking each length.
struct Cursor<'a> {
    bytes: &'a [u8],
}

impl<'a> Cursor<'a> {
    fn open(bytes: &'a [u8], magic: &[u8; 4]) -> Result<Cursor<'a>, String> {
        match bytes.strip_prefix(magic.as_slice()) {
            Some(rest) => Ok(Cursor { bytes: rest }),
            None => Err(corrupt("not this kind of data")),
        }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        if self.bytes.len() < n {
            return Err(corrupt("cut short"));
        }
        let (a, b) = self.bytes.split_at(n);
        self.bytes = b;
        Ok(a)
    }

    fn u8(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }

    fn u32(&mut self) -> Result<u32, String> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().expect("4 bytes")))
    }

    fn u64(&mut self) -> Result<u64, String> {
        Ok(u64::from_le_bytes(self.take(8)?.try_into().expect("8 bytes")))
    }

    fn u128(&mut self) -> Result<u128, String> {
        Ok(u128::from_le_bytes(self.take(16)?.try_into().expect("16 bytes")))
    }

    /// A count of items of at least `each` bytes (checked against what is left).
    fn len(&mut self, each: usize) -> Result<usize, String> {
        let n = self.u64()?;
        if n > (self.bytes.len() / each.max(1)) as u64 {
            return Err(corrupt("a count past the end"));
        }
        Ok(n as usize)
    }

    fn bytes(&mut self) -> Result<&'a [u8], String> {
        let n = self.len(1)?;
        self.take(n)
    }

    fn end(&self) -> Result<(), String> {
        if self.bytes.is_empty() {
            Ok(())
        } else {
            Err(corrupt("bytes after the end"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clicks::users::user_coupon;

    #[test]
    fn round_trips_and_refuses_damage() {
        let ids = vec![IdRow::new(5, 1), IdRow::new(u128::MAX, 7)];
        assert_eq!(decode_ids(&encode_ids(&ids)).unwrap(), ids);
        let x = Cross { duplicates: vec![3, 9], unchecked: vec![11] };
        assert_eq!(decode_cross(&encode_cross(&x)).unwrap(), x);
        let counts = vec![(1u128, 2u32), (u128::MAX - 1, 7)];
        assert_eq!(decode_counts(&encode_counts(&counts)).unwrap(), counts);
        assert_eq!(decode_keys(&encode_keys(&[4, 5])).unwrap(), vec![4, 5]);

        let rules = RuleOptions::default();
        let mut t = Tally::new(&[], &rules, 0, 12);
        let a = t.ad_of(b"ad,1");
        let mut few = Users::None;
        let mut many = Users::None;
        for i in 0..2000 {
            let c = user_coupon(format!("u{i}").as_bytes());
            if i < 3 {
                few.add(c, 12);
            }
            many.add(c, 12);
        }
        t.cells.insert((a, 60), Cell { clicks: 3, duplicates: 1, flagged: 2, cost: 1_500_000, users: few });
        t.cells.insert((a, 120), Cell { clicks: 2000, users: many, ..Cell::default() });
        t.flagged_csv.push_str("7,c1,\"ad,1\",2025-01-15T14:40:00Z,bot_user_agent\n");
        t.counts.rows = 9;
        t.counts.first_ms = Some(-5);
        let bytes = t.to_bytes();
        let back = Tally::from_bytes(&bytes, &rules, 0, 12).unwrap();
        assert!(back.to_bytes() == bytes, "the same bytes again");
        assert_eq!(back.counts, t.counts);
        assert_eq!(back.cells[&(0, 120)].users.sketch(12).serialize(), t.cells[&(a, 120)].users.sketch(12).serialize());
        for cut in [0, 3, 4, 12, bytes.len() / 2, bytes.len() - 1] {
            assert!(Tally::from_bytes(&bytes[..cut], &rules, 0, 12).is_err(), "cut at {cut}");
        }
        assert!(Tally::from_bytes(&bytes, &rules, 0, 11).is_err(), "another lg_k");
        assert!(decode_ids(&bytes).is_err(), "another kind");
    }
}
