//! [`Finished`]: a range's result that kept its campaign table.

use super::*;

/// A range's result as [`Aggregator::finish_for_transfer`] leaves it: the
/// campaigns still in the table (`partial.campaigns` is empty; [`append`](Self::append)
/// moves any that a caller put there into the table, so that they are
/// never in both).
#[derive(Debug)]
pub struct Finished {
    /// Everything else.
    pub partial: Partial,
    pub(crate) table: Table,
}

impl Finished {
    /// The bytes [`Partial::to_bytes`] would give for the whole result;
    /// [`Partial::from_bytes`] reads them.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.partial.encode(Some(&self.table))
    }

    /// [`Partial::append`] for results that keep their tables: the tables
    /// are merged slot by slot (no map of boxed ids), and every campaign
    /// ends up in the table.
    pub fn append(&mut self, mut next: Finished) -> Result<(), Error> {
        if self.partial.stopped() {
            return Ok(()); // nothing after the first malformed row or error counts
        }
        let table = std::mem::take(&mut next.table);
        self.partial.append(next.partial)?;
        self.table.merge(table).map_err(|(field, id)| Error::merge_overflow(field, &id))?;
        for (id, totals) in std::mem::take(&mut self.partial.campaigns) {
            self.table.add(&id, &totals).map_err(|field| Error::merge_overflow(field, &id))?;
        }
        Ok(())
    }

    /// The result as a [`Partial`], its campaigns moved into the map.
    pub fn into_partial(mut self) -> Result<Partial, Error> {
        let table = std::mem::take(&mut self.table);
        table.drain_into(&mut self.partial.campaigns).map_err(|(field, id)| Error::merge_overflow(field, &id))?;
        Ok(self.partial)
    }
}
