//! After the merge: rankings by any metric ([`rank`]).

pub mod rank;
