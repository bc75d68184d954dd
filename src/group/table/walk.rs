//! Walking the table: every campaign in slot order, and merging a table of
//! the next range.

use super::*;

impl Table {

    /// Calls `f` with every campaign, in slot order: the one walk over
    /// the kinds of slots (small, compact, wide, then long ids).
    pub(super) fn walk(&self, mut f: impl FnMut(Id, &Totals)) {
        self.walk_packed(&mut f);
        self.long.for_each(|id, totals| f(Id::Long(id), totals));
        for (id, totals) in &self.longer {
            f(Id::Long(id), totals);
        }
    }

    /// [`walk`](Self::walk) over packed ids only.
    pub(super) fn walk_packed(&self, mut f: impl FnMut(Id, &Totals)) {
        for s in self.slots.iter().filter(|s| s.hi != 0) {
            f(Id::Packed(s.lo, s.hi), &s.totals);
        }
        for (i, s) in self.compact.iter().enumerate().filter(|(_, s)| s.hi != 0 && s.hi & WIDE == 0) {
            let mut t = s.totals();
            self.extra.fill(i, &mut t);
            f(Id::Packed(s.lo, s.hi64()), &t);
        }
        for (&(lo, hi), totals) in &self.wide {
            f(Id::Packed(lo, hi), totals);
        }
    }

    /// Adds every campaign of `other` (a table of the range that follows),
    /// ids as they are kept (not unpacked and packed again).
    /// On overflow, returns the field and the campaign id.
    pub fn merge(&mut self, mut other: Table) -> Result<(), (Field, Box<[u8]>)> {
        let mut overflow = None;
        other.walk_packed(|id, totals| {
            if overflow.is_some() {
                return; // `walk` cannot stop: the rest is skipped
            }
            let added = match id {
                Id::Packed(lo, hi) => self.add_packed(lo, hi, totals),
                Id::Long(id) => self.add_long(id, totals),
            };
            overflow = added.err().map(|f| (f, id.to_box()));
        });
        if let Some(overflow) = overflow {
            return Err(overflow);
        }
        self.long.merge(std::mem::take(&mut other.long))?;
        for (id, totals) in std::mem::take(&mut other.longer) {
            self.add_long(&id, &totals).map_err(|f| (f, id))?;
        }
        Ok(())
    }

    /// Campaigns held.
    pub fn campaigns(&self) -> usize {
        let mut n = 0;
        self.walk(|_, _| n += 1);
        n
    }

    /// Calls `f` with the id and totals of every campaign, in slot order.
    pub fn for_each(&self, mut f: impl FnMut(&[u8], &Totals)) {
        self.walk(|id, totals| match id {
            Id::Packed(lo, hi) => {
                let mut b = [0u8; 16];
                b[..8].copy_from_slice(&lo.to_le_bytes());
                b[8..].copy_from_slice(&hi.to_le_bytes());
                f(&b[..(hi >> 56) as usize], totals);
            }
            Id::Long(id) => f(id, totals),
        });
    }

    /// Every campaign, sorted by id (for comparisons; not on a hot path).
    pub fn sorted(&self) -> Vec<(Box<[u8]>, Totals)> {
        let mut all: Vec<(Box<[u8]>, Totals)> = Vec::new();
        self.for_each(|id, t| all.push((Box::from(id), *t)));
        all.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        all
    }
}

impl PartialEq for Table {
    fn eq(&self, other: &Table) -> bool {
        self.sorted() == other.sorted()
    }
}

impl Eq for Table {}
