//! Keys to slots: campaign ids packed into words ([`key`]), the
//! open-addressing campaign table with the sums inline in each slot
//! ([`table`]), and the (campaign, day) bit window that finds repeated
//! dates ([`day_window`]).

pub mod day_window;
pub mod key;
pub mod table;
