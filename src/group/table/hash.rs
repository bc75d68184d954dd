//! The table's hashes: a multiply-shift hash of packed ids for small
//! tables, and for large ones rustc-hash's own hash of the id's bytes worked
//! out from the two words, so that ids sit in the order the map keeps them.

use super::*;


/// Hash of a packed key; its top bits are used.
#[inline(always)]
pub(super) fn hash(lo: u64, hi: u64) -> u64 {
    // Two multiplies: every bit of both words reaches the top bits.
    (lo.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ hi).wrapping_mul(0xD6E8_FEB8_6659_FD93)
}
/// The hash [`CampaignMap`] computes for the id packed in `(lo, hi)`:
/// rustc-hash 2's `FxHasher` over a `[u8]` (its length, then its bytes),
/// worked out from the two words (copying them into bytes to hash those
/// would cost a store-forwarding stall per row, which serialises the
/// table's cache misses). Tests check it against the real thing, natively
/// and in wasm (32-bit, where rustc-hash works on 32-bit words). What
/// matters is that every large table places ids by it: a table walked in
/// slot order (merged, or written and decoded) then fills another in order.
#[inline(always)]
pub(super) fn fx_hash(lo: u64, hi: u64) -> u64 {
    let len = (hi >> 56) as u32;
    let (s0, s1) = fx_seeds(lo, hi, len);
    #[cfg(target_pointer_width = "64")]
    {
        const K: u64 = 0xf135_7aea_2e62_a9c5;
        let full = u128::from(s0) * u128::from(s1);
        let bytes = (full as u64 ^ (full >> 64) as u64) ^ u64::from(len);
        let h = u64::from(len).wrapping_mul(K);
        h.wrapping_add(bytes).wrapping_mul(K).rotate_left(26)
    }
    #[cfg(not(target_pointer_width = "64"))]
    {
        const K: u32 = 0x93d7_65dd;
        // rustc-hash's 32-bit multiply_mix.
        let a = (s0 & 0xFFFF_FFFF) * (s1 >> 32);
        let b = (s0 >> 32) * (s1 & 0xFFFF_FFFF);
        let bytes = (a ^ b.rotate_right(32)) ^ u64::from(len);
        let h = len.wrapping_mul(K);
        let h = h.wrapping_add(bytes as u32).wrapping_mul(K);
        let h = h.wrapping_add((bytes >> 32) as u32).wrapping_mul(K);
        u64::from(h.rotate_left(15))
    }
}

/// rustc-hash 2's `hash_bytes` state before its final mix, for an id of
/// `len` (1 to 15) bytes packed in `(lo, hi)`.
#[inline(always)]
pub(super) fn fx_seeds(lo: u64, hi: u64, len: u32) -> (u64, u64) {
    const SEED1: u64 = 0x243f_6a88_85a3_08d3;
    const SEED2: u64 = 0x1319_8a2e_0370_7344;
    let (mut s0, mut s1) = (SEED1, SEED2);
    if len >= 8 {
        // The id's last 8 bytes: bytes len-8.. of lo and hi's id bytes.
        let shift = 8 * (len - 8);
        let hi = hi & 0x00FF_FFFF_FFFF_FFFF;
        s0 ^= lo;
        s1 ^= if shift == 0 { lo } else { lo >> shift | hi << (64 - shift) };
    } else if len >= 4 {
        s0 ^= lo & 0xFFFF_FFFF;
        s1 ^= (lo >> (8 * (len - 4))) & 0xFFFF_FFFF;
    } else {
        let byte = |i: u32| (lo >> (8 * i)) & 0xFF;
        s0 ^= byte(0);
        s1 ^= byte(len - 1) << 8 | byte(len / 2);
    }
    (s0, s1)
}

/// Whether the table places `id` (1 to 15 bytes) by the hash
/// [`CampaignMap`] gives it; for the wasm tests (tests/web.rs).
#[doc(hidden)]
pub fn places_like_the_map(id: &[u8]) -> bool {
    use std::hash::BuildHasher;
    let Some((lo, hi)) = pack(id) else { return false };
    fx_hash(lo, hi) == CampaignMap::default().hasher().hash_one(id)
}
