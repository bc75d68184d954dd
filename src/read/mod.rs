//! Bytes to rows: the file's plan (encoding, delimiter, header, columns;
//! [`plan`]), the fast line parser ([`fast`]) and the byte-range reader
//! that drives it and csv-core ([`range`]).

pub mod fast;
pub mod plan;
pub mod range;
