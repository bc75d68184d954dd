//! The files people actually have (issue 18): what a file is by its first
//! bytes, zip archives' members, and workbook sheets as CSV text. Sans-IO
//! like the rest of the core: the shells read the bytes these ask for
//! (the CLI from files, the page from `Blob` slices) and decompress gzip
//! and deflate streams themselves (flate2; the browser's
//! `DecompressionStream`).

pub mod sheet;
pub mod zip;
