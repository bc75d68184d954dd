//! [`RowSink`]: where a reader pushes the rows it accepted. The readers
//! (the fast path's run loops, the csv-core path) are generic over it and
//! monomorphized for each sink, so the aggregate path ([`Accumulate`])
//! compiles to what it was before there was a choice; the other sink is
//! [`crate::agg::normalize::NormalizeSink`] (one canonical CSV line per row).

use crate::agg::accept::Accumulate;
use crate::group::table::Table;
use crate::row::accepted::AcceptedRow;
use crate::schema::field::Field;

/// A consumer of accepted rows. The three `accept` forms mirror
/// [`Accumulate`]'s (how the campaign's slot is found); a sink that keeps
/// no campaign table takes them all alike and leaves [`table`](Self::table)
/// empty (never large, so readers never batch for it).
pub trait RowSink {
    /// Whether the fast path runs its copies specialised per layout and
    /// delimiter for this sink (else only its general loop: one copy).
    const SPECIALIZED: bool = true;
    /// The campaign table the readers batch their lookups for.
    fn table(&self) -> &Table;
    /// A row; on overflow nothing changes and the field is returned.
    fn accept<R: AcceptedRow>(&mut self, row: &R) -> Result<(), Field>;
    /// A row while the table is not large ([`Accumulate::accept_small`]).
    fn accept_small<R: AcceptedRow>(&mut self, row: &R) -> Result<(), Field>;
    /// A row whose home slot was found when the table had `size` slots
    /// ([`Accumulate::accept_at`]).
    fn accept_at<R: AcceptedRow>(&mut self, row: &R, home: usize, size: usize) -> Result<(), Field>;
}

impl RowSink for Accumulate<'_> {
    #[inline(always)]
    fn table(&self) -> &Table {
        self.table
    }
    #[inline(always)]
    fn accept<R: AcceptedRow>(&mut self, row: &R) -> Result<(), Field> {
        Accumulate::accept(self, row)
    }
    #[inline(always)]
    fn accept_small<R: AcceptedRow>(&mut self, row: &R) -> Result<(), Field> {
        Accumulate::accept_small(self, row)
    }
    #[inline(always)]
    fn accept_at<R: AcceptedRow>(&mut self, row: &R, home: usize, size: usize) -> Result<(), Field> {
        Accumulate::accept_at(self, row, home, size)
    }
}
