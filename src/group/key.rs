//! Campaign keys: ids of up to [`PACKED_MAX`] bytes packed into two
//! words (what the fast path and the campaign table work with), and the
//! map of totals by id bytes that range results are merged into.

use rustc_hash::FxHashMap;

use crate::schema::totals::Totals;

/// Longest id kept packed.
pub const PACKED_MAX: usize = 15;

/// Totals keyed by campaign id (raw bytes, trimmed).
pub type CampaignMap = FxHashMap<Box<[u8]>, Totals>;

/// `id` packed into two words: bytes 0..8 in `lo`, bytes 8..15 in `hi`,
/// little-endian, zero-padded, the length in the top byte of `hi`.
/// `None` when `id` is empty or longer than [`PACKED_MAX`].
pub fn pack(id: &[u8]) -> Option<(u64, u64)> {
    if id.is_empty() || id.len() > PACKED_MAX {
        return None;
    }
    let mut b = [0u8; 16];
    b[..id.len()].copy_from_slice(id);
    b[15] = id.len() as u8;
    let lo = u64::from_le_bytes(b[..8].try_into().expect("8 bytes"));
    let hi = u64::from_le_bytes(b[8..].try_into().expect("8 bytes"));
    Some((lo, hi))
}

/// The id bytes of a packed key.
pub fn unpack(lo: u64, hi: u64) -> Box<[u8]> {
    let len = (hi >> 56) as usize;
    let mut b = [0u8; 16];
    b[..8].copy_from_slice(&lo.to_le_bytes());
    b[8..].copy_from_slice(&hi.to_le_bytes());
    b[..len].into()
}
