//! After the merge: rankings by any metric ([`rank`]), daily series and
//! rolling windows ([`series`]), anomaly flags ([`anomaly`]).

pub mod anomaly;
pub mod rank;
pub mod series;
