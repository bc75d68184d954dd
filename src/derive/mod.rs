//! After the merge: rankings by any metric ([`rank`]), and every campaign
//! as a table to sort and filter ([`campaign_list`]).

pub mod campaign_list;
pub mod rank;
