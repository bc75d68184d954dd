//! The summed columns, as data ([`Sum`]: which input field, counted or
//! money), and [`Totals`]: one exact `u64` per summed column, the values of
//! a row or the running sums of a group. Everything that handles sums
//! (the readers, the table's slots, the codec, the metrics, the ranking
//! columns) goes by [`Sum::ALL`], so a new summed column is one entry here
//! (plus its input [`Field`] and its ranking column).

use crate::schema::field::Field;
use crate::text::number::MICROS;

/// How a summed column is written and kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SumKind {
    /// A whole number (impressions, clicks, conversions), summed as is.
    Count,
    /// Money: a decimal with up to 6 places, summed in micro-units.
    Money,
}

/// A summed column. Its value is its index in [`Totals`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Sum {
    /// Impressions (a count).
    Impressions = 0,
    /// Clicks (a count).
    Clicks = 1,
    /// Spend (money).
    Spend = 2,
    /// Conversions (a count).
    Conversions = 3,
    /// Revenue, the conversion value (money; optional: a file without a
    /// revenue column sums 0, and [`crate::Partial::has_revenue`] says so).
    Revenue = 4,
}

/// Number of summed columns.
pub const SUMS: usize = Sum::ALL.len();

/// Number of summed columns every file has (the first ones of
/// [`Sum::ALL`]); the others ([`Sum::Revenue`]) are optional, and a large
/// campaign table keeps them beside its slots, only once a row has one
/// (see `src/group/table/`).
pub const REQUIRED: usize = 4;

/// Number of optional summed columns.
pub const OPTIONAL: usize = SUMS - REQUIRED;

impl Sum {
    /// Every summed column, in [`Totals`] order (and output order).
    pub const ALL: [Sum; 5] = [Sum::Impressions, Sum::Clicks, Sum::Spend, Sum::Conversions, Sum::Revenue];

    /// The input field it sums, and how.
    pub const fn spec(self) -> (Field, SumKind) {
        match self {
            Sum::Impressions => (Field::Impressions, SumKind::Count),
            Sum::Clicks => (Field::Clicks, SumKind::Count),
            Sum::Spend => (Field::Spend, SumKind::Money),
            Sum::Conversions => (Field::Conversions, SumKind::Count),
            Sum::Revenue => (Field::Revenue, SumKind::Money),
        }
    }

    /// Whether every file has it (else its column is optional).
    #[inline(always)]
    pub const fn required(self) -> bool {
        self.index() < REQUIRED
    }

    /// Its index in [`Totals`] and [`Sum::ALL`].
    #[inline(always)]
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The input field it sums.
    pub const fn field(self) -> Field {
        self.spec().0
    }

    /// Whether it is a count or money.
    #[inline(always)]
    pub const fn kind(self) -> SumKind {
        self.spec().1
    }

    /// The summed column of `field`, if it is one.
    pub fn of_field(field: Field) -> Option<Sum> {
        Sum::ALL.into_iter().find(|s| s.field() == field)
    }

    /// This column's sum in `t`, in its own scale.
    #[inline(always)]
    pub fn of(self, t: &Totals) -> u64 {
        t.sums[self.index()]
    }

    /// How many units of the sum make one unit of the value (money is
    /// kept in micros).
    pub const fn scale(self) -> u64 {
        match self.kind() {
            SumKind::Money => MICROS,
            SumKind::Count => 1,
        }
    }
}

/// The summed values of one row, or the running totals of one group: one
/// exact integer per [`Sum`] (money in micro-units).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    /// Indexed by [`Sum::index`].
    pub sums: [u64; SUMS],
}

impl Totals {
    /// The first four sums (impressions, clicks, spend, conversions) and
    /// no revenue.
    #[inline(always)]
    pub const fn required(sums: [u64; REQUIRED]) -> Totals {
        let [i, c, s, v] = sums;
        Totals { sums: [i, c, s, v, 0] }
    }

    /// Totals of these sums, in [`Sum::ALL`] order.
    #[inline(always)]
    pub const fn new(sums: [u64; SUMS]) -> Totals {
        Totals { sums }
    }

    /// The sums in [`Sum::ALL`] order.
    #[inline(always)]
    pub fn sums(&self) -> [u64; SUMS] {
        self.sums
    }

    /// Adds `other` to these totals; on overflow, nothing changes and the
    /// field that overflowed is returned (the first in [`Sum::ALL`] order).
    #[inline]
    pub fn add(&mut self, other: &Totals) -> Result<(), Field> {
        // Written out, failing with the sum's index: a loop, or a field
        // named in each arm, cost the 1 GB file 2-3% more instructions
        // (LLVM left them rolled up). A new sum adds its index here; the
        // array's type says so.
        let checked = |i: usize| self.sums[i].checked_add(other.sums[i]).ok_or(i);
        let sum = (|| Ok::<[u64; SUMS], usize>([checked(0)?, checked(1)?, checked(2)?, checked(3)?, checked(4)?]))()
            .map_err(|i| Sum::ALL[i].field())?;
        self.sums = sum;
        Ok(())
    }
}

impl std::ops::Index<Sum> for Totals {
    type Output = u64;
    #[inline(always)]
    fn index(&self, s: Sum) -> &u64 {
        &self.sums[s.index()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_in_index_order_and_names_each_field_once() {
        for (i, s) in Sum::ALL.iter().enumerate() {
            assert_eq!(s.index(), i);
            assert_eq!(Sum::of_field(s.field()), Some(*s));
        }
        assert_eq!(Sum::of_field(Field::CampaignId), None);
        assert_eq!(Sum::Spend.scale(), MICROS);
        assert_eq!(Sum::Clicks.scale(), 1);
    }

    #[test]
    fn add_is_exact_and_changes_nothing_on_overflow() {
        let mut t = Totals::new([1, 2, 3, 4, 5]);
        t.add(&Totals::new([10, 20, 30, 40, 50])).unwrap();
        assert_eq!(t, Totals::new([11, 22, 33, 44, 55]));
        assert_eq!(t.add(&Totals::new([0, 0, u64::MAX, u64::MAX, 0])), Err(Field::Spend));
        assert_eq!(t.add(&Totals::new([0, 0, 0, 0, u64::MAX])), Err(Field::Revenue));
        assert_eq!(t, Totals::new([11, 22, 33, 44, 55]));
        assert_eq!(t[Sum::Conversions], 44);
        assert_eq!(t[Sum::Revenue], 55);
        assert!(Sum::Conversions.required() && !Sum::Revenue.required());
    }
}
