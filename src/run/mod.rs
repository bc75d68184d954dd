//! Whole runs: byte ranges and their realignment ([`split`]), the
//! partial's wire form ([`codec`]) and one stream of a whole file ([`job`]).

pub mod codec;
pub mod job;
pub mod split;
