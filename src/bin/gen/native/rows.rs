//! The rows of the ad-performance data, one at a time: the CSV writer and
//! the workbook writer (`--xlsx`) take the same rows from here, so the same
//! arguments give the same data in both.

use super::*;

/// How campaign ids are written, from the options.
pub(super) fn id_form(cfg: &Config) -> IdForm {
    match cfg.id_digits {
        Some(n) => IdForm::Digits(n - 1),
        None => IdForm::Cmp(digits(cfg.campaigns).max(3)),
    }
}

/// The generator's state: the PRNG, the campaigns, the incidents.
pub(super) struct Ads {
    rng: SplitMix64,
    seed_key: u64,
    rows: u64,
    campaigns: u64,
    /// Small campaign counts: a table; large ones: computed per row (no big allocation).
    table: Vec<Campaign>,
    /// --incidents: (campaign number, day, spike) each, distinct (campaign, day)s.
    pub(super) incidents: Vec<(u64, usize, bool)>,
}

/// One data row's values (before any malformed or noisy rendering).
pub(super) struct AdRow {
    pub(super) number: u64,
    /// Day of 2025, 0-based.
    pub(super) day: usize,
    pub(super) impressions: u64,
    pub(super) clicks: u64,
    pub(super) spend_cents: u64,
    pub(super) conversions: u64,
    pub(super) revenue_cents: u64,
    /// The first draw (the shuffled layout's note uses its low bits).
    pub(super) r1: u64,
    /// Noise from the bits already drawn (three draws per row stay three).
    pub(super) jitter: u64,
}

impl Ads {
    pub(super) fn new(cfg: &Config) -> Ads {
        let seed_key = mix64(cfg.seed ^ 0x5EED_0000_ADA6_6000);
        let table: Vec<Campaign> = if cfg.campaigns <= 1 << 16 {
            (1..=cfg.campaigns).map(|n| campaign(seed_key, n)).collect()
        } else {
            Vec::new()
        };
        let mut incidents: Vec<(u64, usize, bool)> = Vec::new();
        let mut k = 0u64;
        while (incidents.len() as u64) < cfg.incidents.min(cfg.campaigns * 305) {
            let h = mix64(seed_key ^ 0x1AC1_DE47 ^ k.wrapping_mul(0x9E37_79B9_7F4A_7C15));
            let (number, day) = (below64(h, cfg.campaigns) + 1, 60 + below32((h >> 32) as u32, 305) as usize);
            if !incidents.iter().any(|&(n, d, _)| n == number && d == day) {
                incidents.push((number, day, incidents.len().is_multiple_of(2)));
            }
            k += 1;
        }
        Ads { rng: SplitMix64(mix64(cfg.seed)), seed_key, rows: cfg.rows, campaigns: cfg.campaigns, table, incidents }
    }

    /// Row `i` (1-based); rows must be asked for in order.
    #[inline(always)]
    pub(super) fn row(&mut self, i: u64) -> AdRow {
        // Exactly three draws per row.
        let r1 = self.rng.next();
        let r2 = self.rng.next();
        let r3 = self.rng.next();

        let number = below64(r1, self.campaigns) + 1;
        let c = if self.table.is_empty() {
            campaign(self.seed_key, number)
        } else {
            self.table[(number - 1) as usize]
        };
        let impressions = 1_000 + below32((r2 >> 32) as u32, 49_001);
        let click_noise = 500 + below32(r2 as u32, 1_001); // ‰
        let clicks = impressions * c.ctr_ppm * click_noise / 1_000_000_000;
        let spend_noise = 700 + below32((r3 >> 32) as u32, 601); // ‰
        let spend_cents = clicks * c.cpc_cents * spend_noise / 1_000;
        let conv_noise = 500 + below32(r3 as u32, 1_001); // ‰
        let conversions = (clicks * c.cvr_ppm * conv_noise / 1_000_000_000).min(50);
        let day = (((i - 1) as u128 * 365) / self.rows as u128) as usize;
        let (clicks, spend_cents, conversions) = match self.incidents.iter().find(|&&(n, d, _)| n == number && d == day) {
            Some(&(_, _, true)) => ((clicks * 8).min(impressions), spend_cents * 8, conversions * 8),
            Some(&(_, _, false)) => (0, 0, 0),
            None => (clicks, spend_cents, conversions),
        };
        let jitter = mix64(r2 ^ r3.rotate_left(17));
        let revenue_noise = 800 + (jitter >> 40) % 401; // ‰
        let revenue_cents = conversions * c.aov_cents * revenue_noise / 1_000;
        AdRow { number, day, impressions, clicks, spend_cents, conversions, revenue_cents, r1, jitter }
    }
}

/// The incidents on stderr, `incident: CMP007 2025-05-03 spike` each.
pub(super) fn print_incidents(ads: &Ads, id_form: IdForm) {
    let dates = date_table();
    for &(number, day, spike) in &ads.incidents {
        let mut id = Vec::new();
        id_form.push(&mut id, number);
        eprintln!("incident: {} {} {}", String::from_utf8_lossy(&id), String::from_utf8_lossy(&dates[day]), if spike { "spike" } else { "drop" });
    }
}
