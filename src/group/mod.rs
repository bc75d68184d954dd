//! Keys to slots: campaign ids packed into words ([`key`]), the
//! open-addressing campaign table with the sums inline in each slot
//! ([`table`]), the (campaign, day) group of a range's distinct pairs that
//! finds repeated dates ([`day_pairs`]), and the per-campaign bit window
//! in front of it ([`day_window`]).

pub mod day_key;
pub mod day_pairs;
pub mod day_window;
pub mod key;
pub mod table;
