//! What the data means, as data: the metrics ([`metric`]) and the columns
//! of a ranking ([`columns`]).

pub mod columns;
pub mod metric;
