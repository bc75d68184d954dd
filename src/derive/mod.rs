//! After the merge: rankings by any metric ([`rank`]), daily series and
//! rolling windows ([`series`]), anomaly flags ([`anomaly`]), budget
//! hints ([`hints`]).

pub mod anomaly;
pub mod hints;
pub mod rank;
pub mod series;
