//! After the merge: rankings by any metric ([`rank`]), daily series and
//! rolling windows ([`series`]), anomaly flags ([`anomaly`]; their windows kept sorted as they roll,
//! [`sorted_window`], with a quick test in floats first, [`float_window`]), budget hints ([`hints`]).

pub mod anomaly;
pub mod float_window;
pub mod hints;
pub mod rank;
pub mod series;
pub mod sorted_window;
