//! Whole runs: byte ranges and their realignment ([`split`]), the
//! partial's wire form ([`codec`]), one stream of a whole file ([`job`])
//! and several files' results as one ([`files`]).

pub mod codec;
pub mod files;
pub mod job;
pub mod split;
