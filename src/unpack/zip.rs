//! Zip archives' members (filled in by the zip work).
