//! One row: the fields of a record to values by the file's layout, or
//! why the row is skipped ([`record`]); a row that parsed, as readers
//! hand it on ([`accepted`]).

pub mod accepted;
pub mod record;
