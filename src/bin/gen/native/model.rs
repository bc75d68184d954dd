//! The data model: campaign ids, per-campaign rates, dates, columns.

use super::*;

/// How campaign ids are written.
#[derive(Clone, Copy)]
pub(super) enum IdForm {
    /// `CMP` + the number zero-padded to this many digits (wider if needed).
    Cmp(usize),
    /// `1` + the number zero-padded to this many digits: ids of one more digit.
    Digits(usize),
}

impl IdForm {
    /// Appends the id of campaign `number`.
    #[inline(always)]
    pub(super) fn push(self, out: &mut Vec<u8>, number: u64) {
        match self {
            IdForm::Cmp(width) => {
                out.extend_from_slice(b"CMP");
                push_padded(out, number, width);
            }
            IdForm::Digits(width) => {
                out.push(b'1');
                let zeros = width - digits(number);
                out.extend_from_slice(&[b'0'; 64][..zeros]);
                push_u64(out, number);
            }
        }
    }
}

pub(super) fn digits(mut v: u64) -> usize {
    let mut n = 1;
    while v >= 10 {
        v /= 10;
        n += 1;
    }
    n
}

/// "2025-MM-DD," for each day of 2025.
pub(super) fn date_table() -> Vec<[u8; 10]> {
    const MONTH_DAYS: [u32; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let mut t = Vec::with_capacity(365);
    for (m, &n) in MONTH_DAYS.iter().enumerate() {
        for d in 1..=n {
            let s = format!("2025-{:02}-{:02}", m + 1, d);
            t.push(s.as_bytes().try_into().unwrap());
        }
    }
    t
}

// ---- columns ----

pub(super) const F_ID: usize = 0;
pub(super) const F_DATE: usize = 1;
pub(super) const F_IMPR: usize = 2;
pub(super) const F_CLICKS: usize = 3;
pub(super) const F_SPEND: usize = 4;
pub(super) const F_CONV: usize = 5;
pub(super) const F_NOTE: usize = 6;
pub(super) const F_REVENUE: usize = 7;

pub(super) const NORMAL_HEADER: &str = "campaign_id,date,impressions,clicks,spend,conversions";
pub(super) const NORMAL_ORDER: &[usize] = &[F_ID, F_DATE, F_IMPR, F_CLICKS, F_SPEND, F_CONV];
/// Shuffled layout: other order, names in other case / with spaces (matched trimmed and
/// case-insensitively), plus an ignored `note` column.
pub(super) const SHUFFLED_HEADER: &str = " Spend,date,note,clicks,Campaign_ID ,conversions,impressions";
pub(super) const SHUFFLED_ORDER: &[usize] = &[F_SPEND, F_DATE, F_NOTE, F_CLICKS, F_ID, F_CONV, F_IMPR];

/// Per-campaign parameters, derived from the seed and the campaign number.
#[derive(Clone, Copy)]
pub(super) struct Campaign {
    pub(super) ctr_ppm: u64,   // 5_000..=80_000  (0.5 %–8 %)
    pub(super) cpc_cents: u64, // 20..=250
    pub(super) cvr_ppm: u64,   // 5_000..=50_000 (0.5 %–5 %), 0 for campaigns ending in 7
    pub(super) aov_cents: u64, // 2_000..=20_000: order value, for --revenue
}

pub(super) fn campaign(seed_key: u64, number: u64) -> Campaign {
    let h = mix64(seed_key ^ number.wrapping_mul(0xD6E8_FEB8_6659_FD93));
    let h2 = mix64(h);
    let never_converts = number % 10 == 7;
    Campaign {
        ctr_ppm: 5_000 + below32(h as u32, 75_001),
        cpc_cents: 20 + below32((h >> 32) as u32, 231),
        cvr_ppm: if never_converts {
            0
        } else {
            5_000 + below32(h2 as u32, 45_001)
        },
        aov_cents: 2_000 + below32((h2 >> 32) as u32, 18_001),
    }
}
