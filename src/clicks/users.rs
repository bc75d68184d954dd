//! Unique users of a window: Apache DataSketches HLL (the `datasketches`
//! crate), each user id hashed as its UTF-8 bytes with MurmurHash3 and
//! seed 9001, the way DataSketches' Java `update(String)` does, so that
//! other DataSketches users can read and merge adagg's sketches.
//!
//! A window with few users keeps their coupons (4 bytes each) and builds
//! its sketch when asked; past [`FEW`], a sketch. Results never depend on
//! the order users were seen or how the log was split: a sketch in HLL
//! mode is marked out of order (so its estimate comes from the registers,
//! which are the same whatever the order, not from the order-dependent
//! HIP accumulator), as a union's result is.

use datasketches::hash::value::raw_bytes;
use datasketches::hll::{Coupon, HllSketch, HllType, HllUnion};

/// The default lg_k (4096 registers; ~1.6% relative standard error).
pub const DEFAULT_LG_K: u8 = 12;

/// Coupons kept before a window builds a sketch: as many as the sketch
/// itself holds as coupons (list and set modes) before it turns into
/// registers (HLL mode) — 3/4 of 2^(lg_k-3) from lg_k 8, else 7. A sketch
/// in coupon mode is built from them sorted, so its bytes do not depend
/// on the order users came in either.
fn few(lg_k: u8) -> usize {
    if lg_k < 8 {
        7
    } else {
        3 << (lg_k - 5)
    }
}

/// A user id's coupon (hash once, update many windows).
pub fn user_coupon(user: &[u8]) -> Coupon {
    // SAFETY of meaning: raw bytes, as Java's update(String) hashes
    // String.getBytes(UTF_8).
    Coupon::from_value(raw_bytes::from_slice(user))
}

/// A coupon's 32 bits (slot and value), for handing users between workers.
pub fn coupon_bits(c: Coupon) -> u32 {
    // SAFETY: `Coupon` is a struct of one `u32` (`Coupon(u32)`), 4 bytes
    // (checked at compile time below), so its bytes are that `u32`'s.
    unsafe { std::mem::transmute::<Coupon, u32>(c) }
}

/// The coupon of [`coupon_bits`].
pub fn coupon_from_bits(bits: u32) -> Coupon {
    // SAFETY: as in `coupon_bits`; every u32 is a coupon's bits (the
    // sketch reads a slot from the low 26 bits and a value from the rest).
    unsafe { std::mem::transmute::<u32, Coupon>(bits) }
}

const _: () = assert!(std::mem::size_of::<Coupon>() == 4);

/// The users of one window (or ad).
#[derive(Debug, Clone, Default)]
pub enum Users {
    /// No user yet.
    #[default]
    None,
    /// Up to [`few`] distinct coupons, sorted.
    Few(Vec<Coupon>),
    /// More: a sketch.
    Sketch(Box<HllSketch>),
}

impl Users {
    /// Adds a user's coupon.
    #[inline]
    pub fn add(&mut self, c: Coupon, lg_k: u8) {
        match self {
            Users::None => *self = Users::Few(vec![c]),
            Users::Few(v) => {
                if let Err(at) = v.binary_search(&c) {
                    v.insert(at, c);
                    if v.len() > few(lg_k) {
                        let mut s = new_sketch(lg_k);
                        for &c in v.iter() {
                            s.update_with_coupon(c);
                        }
                        *self = Users::Sketch(Box::new(s));
                    }
                }
            }
            Users::Sketch(s) => s.update_with_coupon(c),
        }
    }

    /// Adds every user of `other` (a union).
    pub fn merge(&mut self, other: Users, lg_k: u8) {
        // Taken whole when this side is empty, else one union (by reference).
        match self {
            Users::None => *self = other,
            _ => self.merge_ref(&other, lg_k),
        }
    }

    /// Adds every user of `other` (a union), which is kept.
    pub fn merge_ref(&mut self, other: &Users, lg_k: u8) {
        match (&mut *self, other) {
            (_, Users::None) => {}
            (Users::None, b) => *self = b.clone(),
            (Users::Few(a), Users::Few(b)) => {
                // Both sorted: one merge, then a sketch if past `few`.
                let mut v = Vec::with_capacity(a.len() + b.len());
                let (mut i, mut j) = (0, 0);
                while i < a.len() && j < b.len() {
                    match a[i].cmp(&b[j]) {
                        std::cmp::Ordering::Less => {
                            v.push(a[i]);
                            i += 1;
                        }
                        std::cmp::Ordering::Greater => {
                            v.push(b[j]);
                            j += 1;
                        }
                        std::cmp::Ordering::Equal => {
                            v.push(a[i]);
                            i += 1;
                            j += 1;
                        }
                    }
                }
                v.extend_from_slice(&a[i..]);
                v.extend_from_slice(&b[j..]);
                if v.len() > few(lg_k) {
                    let mut s = new_sketch(lg_k);
                    for &c in &v {
                        s.update_with_coupon(c);
                    }
                    *self = Users::Sketch(Box::new(s));
                } else {
                    *self = Users::Few(v);
                }
            }
            (Users::Sketch(s), Users::Few(v)) => {
                for &c in v {
                    s.update_with_coupon(c);
                }
            }
            (Users::Few(v), Users::Sketch(t)) => {
                let mut s = t.clone();
                for &c in v.iter() {
                    s.update_with_coupon(c);
                }
                *self = Users::Sketch(s);
            }
            (Users::Sketch(a), Users::Sketch(b)) => {
                let mut u = HllUnion::new(lg_k).expect("lg_k checked");
                u.update(a);
                u.update(b);
                *self = Users::Sketch(Box::new(u.to_sketch(HllType::Hll8)));
            }
        }
    }

    /// The window's sketch, the same whatever the order of updates.
    pub fn sketch(&self, lg_k: u8) -> HllSketch {
        match self {
            Users::None => new_sketch(lg_k),
            Users::Few(v) => {
                let mut s = new_sketch(lg_k);
                for &c in v {
                    s.update_with_coupon(c);
                }
                s
            }
            Users::Sketch(s) => out_of_order(s),
        }
    }

    /// The estimate, rounded to a whole number of users.
    pub fn estimate(&self, lg_k: u8) -> u64 {
        match self {
            Users::None => 0,
            Users::Few(v) => v.len() as u64,
            Users::Sketch(_) => self.sketch(lg_k).estimate().round() as u64,
        }
    }

    /// Bytes held (about).
    pub fn size(&self) -> usize {
        match self {
            Users::None => 0,
            Users::Few(v) => v.capacity() * 4,
            Users::Sketch(s) => s.estimated_size() + 64,
        }
    }
}

fn new_sketch(lg_k: u8) -> HllSketch {
    HllSketch::new(lg_k, HllType::Hll8).expect("lg_k checked")
}

/// Checks a user-given lg_k.
pub fn check_lg_k(lg_k: u8) -> Result<u8, String> {
    if (4..=21).contains(&lg_k) {
        Ok(lg_k)
    } else {
        Err(format!("lg_k must be between 4 and 21, not {lg_k}"))
    }
}

/// The sketch with its out-of-order flag set when it is in HLL mode (its
/// serialized form's preamble: flags byte 5, bit 16; mode byte 7, low
/// bits 2), as DataSketches' own union leaves it.
fn out_of_order(s: &HllSketch) -> HllSketch {
    let mut bytes = s.serialize();
    if bytes.len() > 7 && bytes[7] & 3 == 2 {
        bytes[5] |= 16;
        return HllSketch::deserialize(&bytes).expect("a sketch's own bytes");
    }
    s.clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn users(ids: impl Iterator<Item = u64>) -> Users {
        let mut u = Users::None;
        for i in ids {
            u.add(user_coupon(format!("user{i}").as_bytes()), DEFAULT_LG_K);
        }
        u
    }

    #[test]
    fn exact_when_few_and_order_free() {
        assert_eq!(users(0..10).estimate(12), 10);
        assert_eq!(users((0..10).chain(0..10)).estimate(12), 10);
        assert_eq!(users(0..200).estimate(12), 200);
        for n in [5, 200, 384, 385, 3000] {
            let mut b = users((n / 2..n).rev());
            b.merge(users(0..n / 2), 12);
            assert_eq!(users(0..n).sketch(12).serialize(), b.sketch(12).serialize(), "{n} users");
        }
        // A union by reference is the same as by value.
        for (x, y) in [(0..0, 0..5), (0..3, 2..9), (0..300, 200..500), (0..10, 5..3000), (0..3000, 10..20), (0..2000, 1000..5000)] {
            let mut by_value = users(x.clone());
            by_value.merge(users(y.clone()), 12);
            let mut by_ref = users(x);
            by_ref.merge_ref(&users(y), 12);
            assert_eq!(by_value.estimate(12), by_ref.estimate(12));
            assert_eq!(by_value.sketch(12).serialize(), by_ref.sketch(12).serialize());
        }
        // Same set, other order and split: the same estimate and sketch bytes.
        let a = users(0..50_000);
        let mut b = users((25_000..50_000).rev());
        b.merge(users(0..25_000), 12);
        assert_eq!(a.estimate(12), b.estimate(12));
        assert_eq!(a.sketch(12).serialize(), b.sketch(12).serialize());
    }

    #[test]
    fn coupon_bits_are_what_a_sketch_stores() {
        // A sketch in list mode serializes its coupons as 32-bit words
        // after an 8-byte preamble: they are `coupon_bits`.
        let coupons: Vec<Coupon> = (0..5).map(|i| user_coupon(format!("user{i}").as_bytes())).collect();
        let mut s = new_sketch(12);
        coupons.iter().for_each(|&c| s.update_with_coupon(c));
        let bytes = s.serialize();
        let stored: Vec<u32> = bytes[8..].chunks_exact(4).map(|w| u32::from_le_bytes(w.try_into().unwrap())).collect();
        for &c in &coupons {
            assert!(stored.contains(&coupon_bits(c)), "{stored:?}");
            assert_eq!(coupon_from_bits(coupon_bits(c)), c);
        }
    }

    #[test]
    fn a_million_users_within_the_bound() {
        // lg_k 12: RSE ≈ 1.04/√4096 ≈ 1.6%; three standard deviations.
        let n = 1_000_000u64;
        let e = users(0..n).sketch(12);
        let est = e.estimate();
        assert!((est - n as f64).abs() / (n as f64) < 3.0 * 0.0163, "{est}");
        assert!(e.lower_bound(datasketches::common::NumStdDev::Three) <= n as f64);
        assert!(e.upper_bound(datasketches::common::NumStdDev::Three) >= n as f64);
    }
}
