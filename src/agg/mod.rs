//! What a range accumulates beside the sums: data-quality counts and
//! examples ([`quality`]) and the range's whole result, [`partial::Partial`].

pub mod partial;
pub mod quality;
