//! What a range accumulates: what an accepted row does ([`accept`]), the
//! data-quality counts and examples ([`quality`]) and the range's whole
//! result, [`partial::Partial`]; readers push rows into a [`sink::RowSink`]:
//! [`accept::Accumulate`], the daily series' [`daily::DailySink`] or the
//! normalized table's [`normalize::NormalizeSink`].

pub mod accept;
pub mod daily;
pub mod normalize;
pub mod partial;
pub mod quality;
pub mod sink;
