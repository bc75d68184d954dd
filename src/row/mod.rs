//! One row: the fields of a record to values by the file's layout, or
//! why the row is skipped ([`record`]).

pub mod record;
