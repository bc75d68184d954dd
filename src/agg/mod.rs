//! What a range accumulates: what an accepted row does ([`accept`]), the
//! data-quality counts and examples ([`quality`]) and the range's whole
//! result, [`partial::Partial`].

pub mod accept;
pub mod partial;
pub mod quality;
