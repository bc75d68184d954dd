//! What the data means, as data: the fields a file is read for and
//! their header aliases ([`field`], [`aliases`]), the sums kept per campaign
//! ([`totals`]), the metrics ([`metric`]) and the columns of a ranking
//! ([`columns`]), the platform a header tells ([`platform`]), and the
//! header names, total words and number forms of exports in other
//! languages ([`locale`]).

pub mod aliases;
pub mod columns;
pub mod field;
pub mod locale;
pub mod metric;
pub mod platform;
pub mod totals;
