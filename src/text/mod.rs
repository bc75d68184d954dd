//! Bytes to scalar values and back (text cells as CSV fields, [`cell`]): counts and money as exact micros ([`number`]),
//! dates as day numbers ([`date`]), encodings ([`encoding`]) and UTF-16 to UTF-8 ([`transcode`]).
//! Depends on nothing else in the crate.

pub mod cell;
pub mod date;
pub mod encoding;
pub mod number;
pub mod transcode;
