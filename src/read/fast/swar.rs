//! SWAR and SIMD primitives: byte masks, digit tests and conversions,
//! eight bytes at a time in a `u64` (16 or 64 with SSE2 / wasm simd128).

use super::*;

pub(super) const ONES: u64 = 0x0101_0101_0101_0101;
pub(super) const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Eight bytes from `p` (little-endian), zero-padded past the end.
#[inline(always)]
pub(super) fn load(b: &[u8], p: usize) -> u64 {
    // One compare (the bound is loop-invariant); the slice's own checks
    // then fold away.
    if p < b.len().saturating_sub(7) {
        u64::from_le_bytes(b[p..p + 8].try_into().expect("8 bytes"))
    } else {
        load_tail(b, p)
    }
}

#[cold]
#[inline(never)]
pub(super) fn load_tail(b: &[u8], p: usize) -> u64 {
    let mut w = [0u8; 8];
    let rest = b.get(p..).unwrap_or(&[]);
    let n = rest.len().min(8);
    w[..n].copy_from_slice(&rest[..n]);
    u64::from_le_bytes(w)
}

/// Bit `i` set for each of the window's first 64 bytes that is below
/// `below_for(D)` (`w`: those bytes as words): with 16-byte vectors where
/// the target has them (SSE2 natively on x86-64, `simd128` in wasm), else
/// eight bytes at a time in words.
#[inline(always)]
pub(super) fn mask64<const D: u8>(win: Window, w: &[u64; 8]) -> u64 {
    #[cfg(any(target_arch = "x86_64", all(target_arch = "wasm32", target_feature = "simd128")))]
    {
        let _ = w;
        let bytes: &[u8; 64] = win.0.first_chunk().expect("a window holds 64 bytes");
        simd::below64(bytes, below_for(D))
    }
    #[cfg(not(any(target_arch = "x86_64", all(target_arch = "wasm32", target_feature = "simd128"))))]
    {
        let _ = win;
        mask64_swar(w, below_for(D))
    }
}

/// [`mask64`] in words: bit `j` of byte `i` marks byte `j` of word `i`,
/// then transposed, bit `8i + j` marks byte `8i + j`.
#[cfg_attr(any(target_arch = "x86_64", all(target_arch = "wasm32", target_feature = "simd128")), allow(dead_code))]
#[inline(always)]
pub(super) fn mask64_swar(w: &[u64; 8], c: u8) -> u64 {
    let mut m = 0;
    for (i, &x) in w.iter().enumerate() {
        m |= below(x, c) >> (7 - i);
    }
    transpose8(m)
}

/// 16 bytes at a time with the target's vector instructions.
#[cfg(any(target_arch = "x86_64", all(target_arch = "wasm32", target_feature = "simd128")))]
mod simd {
    /// Bit `i` set for each byte `bytes[i]` below `c` (unsigned).
    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    pub fn below64(bytes: &[u8; 64], c: u8) -> u64 {
        use std::arch::x86_64::*;
        // SAFETY: SSE2 is part of the x86-64 baseline, and the unaligned
        // loads read 16 bytes each within `bytes`.
        unsafe {
            let limit = _mm_set1_epi8(c as i8);
            let zero = _mm_setzero_si128();
            let at_or_above = |i: usize| {
                let v = _mm_loadu_si128(bytes.as_ptr().add(16 * i).cast());
                // c - b saturates to 0 exactly when b >= c.
                _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_subs_epu8(limit, v), zero)) as u32 as u64
            };
            !(at_or_above(0) | at_or_above(1) << 16 | at_or_above(2) << 32 | at_or_above(3) << 48)
        }
    }

    /// Bit `i` set for each byte `bytes[i]` below `c` (unsigned).
    #[cfg(target_arch = "wasm32")]
    #[inline(always)]
    pub fn below64(bytes: &[u8; 64], c: u8) -> u64 {
        use std::arch::wasm32::*;
        let limit = u8x16_splat(c);
        let below = |i: usize| {
            // SAFETY: the 16 bytes from 16 * i are within `bytes`; wasm
            // loads need no alignment.
            let v = unsafe { v128_load(bytes.as_ptr().add(16 * i).cast()) };
            u64::from(u8x16_bitmask(u8x16_lt(v, limit)))
        };
        below(0) | below(1) << 16 | below(2) << 32 | below(3) << 48
    }
}

/// High bit set in exactly the bytes of `w` that are below `c` (`c <= 0x80`).
#[inline(always)]
pub(super) fn below(w: u64, c: u8) -> u64 {
    !((w | HIGHS).wrapping_sub(ONES * u64::from(c)) | w) & HIGHS
}

/// High bit set in the bytes of `a` (a word xor `'0'`s) that were not
/// ASCII digits; the lowest set bit is exact (a carry out of a non-digit
/// may flag the digit above it, which only ever follows).
#[inline(always)]
pub(super) fn non_digits(a: u64) -> u64 {
    (a.wrapping_add(ONES * 0x76) | a) & HIGHS
}

pub(super) const ZEROS: u64 = ONES * b'0' as u64;

/// The transpose of the 8x8 bit matrix whose row `r` is byte `r` (bit `c`
/// of byte `r` goes to bit `r` of byte `c`).
#[cfg_attr(any(target_arch = "x86_64", all(target_arch = "wasm32", target_feature = "simd128")), allow(dead_code))]
#[inline(always)]
pub(super) fn transpose8(x: u64) -> u64 {
    let t = (x ^ (x >> 7)) & 0x00AA_00AA_00AA_00AA;
    let x = x ^ t ^ (t << 7);
    let t = (x ^ (x >> 14)) & 0x0000_CCCC_0000_CCCC;
    let x = x ^ t ^ (t << 14);
    let t = (x ^ (x >> 28)) & 0x0000_0000_F0F0_F0F0;
    x ^ t ^ (t << 28)
}

/// The value of the first `len` (at most 8) digit values of `a` (a word
/// xor `'0'`s), the most significant first.
#[inline(always)]
pub(super) fn value_of(a: u64, len: usize) -> u64 {
    eight_digits(a.checked_shl(64 - 8 * len as u32).unwrap_or(0))
}

/// The field `win[s..e]` as a count when it is at most 8 digits.
#[inline(always)]
pub(super) fn digits_in(win: Window, s: usize, e: usize) -> Option<u64> {
    let len = e - s;
    if len > 8 {
        return None;
    }
    let a = win.word(s) ^ ZEROS;
    if (non_digits(a).trailing_zeros() as usize) < 8 * len {
        return None;
    }
    Some(value_of(a, len))
}

/// Powers of ten up to a million.
pub(super) const POW10: [u64; 7] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000];

/// The run of ASCII digits at `q`: its value, its length and the byte
/// after it (0 past the end of `buf`). `None` for runs of 20 or more.
#[inline(always)]
pub(super) fn number<S: Src>(buf: S, q: usize) -> Option<(u64, usize, u8)> {
    let w = buf.word(q);
    let a = w ^ ZEROS;
    let nd = non_digits(a);
    if nd == 0 {
        return long_number(buf, q);
    }
    let tz = nd.trailing_zeros(); // 8 * len + 7
    let len = (tz / 8) as usize;
    // The digits to the top of the word, zeros (leading) below them.
    let v = eight_digits((a << 1) << (70 - tz));
    Some((v, len, (w >> (tz & 56)) as u8))
}

/// [`number`] for runs of eight digits or more.
#[cold]
#[inline(never)]
pub(super) fn long_number<S: Src>(buf: S, q: usize) -> Option<(u64, usize, u8)> {
    let mut v = 0u64;
    let mut len = 0;
    loop {
        match buf.byte(q + len) {
            Some(b) if b.is_ascii_digit() => {
                if len == 19 {
                    return None;
                }
                v = v * 10 + u64::from(b - b'0');
                len += 1;
            }
            b => return Some((v, len, b.unwrap_or(0))),
        }
    }
}

/// The fractional digits of a money field at `q`, as micros: value, length
/// (at most 6) and the byte after them.
#[inline(always)]
pub(super) fn fraction<S: Src>(buf: S, q: usize) -> Option<(u64, usize, u8)> {
    let w = buf.word(q);
    let a = w ^ ZEROS;
    let tz = non_digits(a).trailing_zeros();
    let len = (tz / 8) as usize;
    if len > 6 {
        return None;
    }
    // Digits at bytes 2.. of a zero-padded eight-digit number: micros.
    let v = eight_digits((a & ((1u64 << (tz & 56)) - 1)) << 16);
    Some((v, len, (w >> (tz & 56)) as u8))
}

/// Value of eight digit values (bytes 0..=9, not ASCII), the most
/// significant in the lowest byte.
#[inline(always)]
pub(super) fn eight_digits(w: u64) -> u64 {
    let w = w.wrapping_mul(2561) >> 8;
    let w = (w & 0x00FF_00FF_00FF_00FF).wrapping_mul(6_553_601) >> 16;
    (w & 0x0000_FFFF_0000_FFFF).wrapping_mul(42_949_672_960_001) >> 32
}
