//! The PRNG: splitmix64, a counter and a finaliser, so that row r's state
//! is seed + 3·r·γ and any row can be made on its own.


pub(super) const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

#[inline(always)]
pub(super) fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

pub(super) struct SplitMix64(pub(super) u64);

impl SplitMix64 {
    #[inline(always)]
    pub(super) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(GAMMA);
        mix64(self.0)
    }
}

/// Uniform in 0..n from 32 random bits (multiply-shift; the bias is irrelevant here).
#[inline(always)]
pub(super) fn below32(bits: u32, n: u64) -> u64 {
    (bits as u64 * n) >> 32
}

/// Uniform in 0..n from 64 random bits.
#[inline(always)]
pub(super) fn below64(bits: u64, n: u64) -> u64 {
    ((bits as u128 * n as u128) >> 64) as u64
}

// ---- number formatting ----
