//! Per-campaign sums, exact and overflow-checked.

use crate::schema::field::Field;

/// The summed values of one row, or the running totals of one campaign.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    /// Sum of impressions.
    pub impressions: u64,
    /// Sum of clicks.
    pub clicks: u64,
    /// Sum of spend, in micro-units.
    pub spend_micros: u64,
    /// Sum of conversions.
    pub conversions: u64,
}

impl Totals {
    /// The sums in [`crate::schema::metric::Sum`] order: impressions,
    /// clicks, spend (micros), conversions.
    #[inline(always)]
    pub fn sums(&self) -> [u64; 4] {
        [self.impressions, self.clicks, self.spend_micros, self.conversions]
    }

    /// Adds `other` to these totals; on overflow, nothing changes and the
    /// field that overflowed is returned.
    #[inline]
    pub fn add(&mut self, other: &Totals) -> Result<(), Field> {
        let sum = Totals {
            impressions: self.impressions.checked_add(other.impressions).ok_or(Field::Impressions)?,
            clicks: self.clicks.checked_add(other.clicks).ok_or(Field::Clicks)?,
            spend_micros: self.spend_micros.checked_add(other.spend_micros).ok_or(Field::Spend)?,
            conversions: self.conversions.checked_add(other.conversions).ok_or(Field::Conversions)?,
        };
        *self = sum;
        Ok(())
    }
}
