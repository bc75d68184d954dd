//! Reading the header: which column holds which field. The result, a
//! [`Plan`], is all a range aggregator needs to start anywhere in the file.

use csv_core::{ReadRecordResult, ReaderBuilder};

use crate::error::Error;
use crate::field::Field;

/// Header rows longer than this are refused (the header must fit in the
/// first slice the page reads).
pub const HEADER_LIMIT: usize = 1 << 20;

/// What a column of the file is used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Not needed (e.g. `date`).
    Ignore,
    /// One of the five required fields.
    Field(Field),
}

/// How to read the data rows of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Field delimiter.
    pub delimiter: u8,
    /// The header's column names, as written (trimmed).
    pub header: Vec<String>,
    /// For each required field (in [`Field::ALL`] order), its column index.
    pub columns: [usize; 5],
    /// Byte offset just past the header record: where data rows start.
    pub data_start: u64,
    /// 1-based physical line number of the byte at `data_start`.
    pub data_start_line: u64,
}

impl Plan {
    /// Number of fields every data row must have.
    pub fn field_count(&self) -> usize {
        self.header.len()
    }

    /// The role of each column, indexed by column.
    pub fn roles(&self) -> Vec<Role> {
        let mut roles = vec![Role::Ignore; self.header.len()];
        for (field, &col) in Field::ALL.iter().zip(&self.columns) {
            roles[col] = Role::Field(*field);
        }
        roles
    }

    /// Column index of `field`.
    pub fn column(&self, field: Field) -> usize {
        self.columns[Field::ALL.iter().position(|f| *f == field).expect("known field")]
    }
}

/// Reads the header from the first bytes of the file.
///
/// Returns `Ok(None)` when `prefix` ends before the header record does and
/// more bytes exist (`at_eof == false`): call again with a longer prefix.
/// Leading blank lines and a UTF-8 byte-order mark are skipped.
pub fn sniff(prefix: &[u8], at_eof: bool) -> Result<Option<Plan>, Error> {
    let mut reader = ReaderBuilder::new().build();
    let mut out = vec![0u8; prefix.len().min(HEADER_LIMIT) + 1];
    let mut ends = vec![0usize; 4096];
    let mut input = prefix;
    let (mut nout, mut nend, mut consumed) = (0, 0, 0);
    loop {
        if input.is_empty() && !at_eof {
            if prefix.len() >= HEADER_LIMIT {
                return Err(Error::HeaderTooLong { limit: HEADER_LIMIT });
            }
            return Ok(None);
        }
        let (res, nin, o, e) = reader.read_record(input, &mut out[nout..], &mut ends[nend..]);
        input = &input[nin..];
        consumed += nin;
        nout += o;
        nend += e;
        match res {
            ReadRecordResult::Record => break,
            ReadRecordResult::End => return Err(Error::Empty),
            // Loop: more input, or (at EOF) an empty call that ends the record.
            ReadRecordResult::InputEmpty => {}
            ReadRecordResult::OutputFull | ReadRecordResult::OutputEndsFull => {
                return Err(Error::HeaderTooLong { limit: HEADER_LIMIT })
            }
        }
    }
    let mut header = Vec::with_capacity(nend);
    let mut start = 0;
    for &end in &ends[..nend] {
        let name = String::from_utf8_lossy(&out[start..end]);
        header.push(name.trim_matches(|c| c == ' ' || c == '\t').to_string());
        start = end;
    }
    let columns = resolve_columns(&header)?;
    let data_start_line = 1 + memchr::memchr_iter(b'\n', &prefix[..consumed]).count() as u64;
    Ok(Some(Plan { delimiter: b',', header, columns, data_start: consumed as u64, data_start_line }))
}

/// Finds each required field's column by name (case-insensitive).
fn resolve_columns(header: &[String]) -> Result<[usize; 5], Error> {
    let mut columns = [usize::MAX; 5];
    for (i, field) in Field::ALL.iter().enumerate() {
        // A name given twice: the first column wins.
        if let Some(first) = header.iter().position(|h| h.eq_ignore_ascii_case(field.name())) {
            columns[i] = first;
        }
    }
    let missing: Vec<Field> =
        Field::ALL.iter().zip(&columns).filter(|(_, &c)| c == usize::MAX).map(|(f, _)| *f).collect();
    if !missing.is_empty() {
        return Err(Error::MissingColumns { missing, found: header.to_vec() });
    }
    Ok(columns)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_header() {
        let plan = sniff(b"campaign_id,date,impressions,clicks,spend,conversions\nCMP001,", false).unwrap().unwrap();
        assert_eq!(plan.columns, [0, 2, 3, 4, 5]);
        assert_eq!(plan.data_start, 54);
        assert_eq!(plan.data_start_line, 2);
    }

    #[test]
    fn any_order_any_case_bom_and_blank_lines() {
        let input = "\u{feff}\n\r\n Spend ,Clicks,x,\"CAMPAIGN_ID\",Conversions,impressions\r\n";
        let plan = sniff(input.as_bytes(), true).unwrap().unwrap();
        assert_eq!(plan.columns, [3, 5, 1, 0, 4]);
        assert_eq!(plan.header[0], "Spend");
        // csv-core stops after the `\r` of the CRLF: the `\n` is a blank line.
        assert_eq!(plan.data_start as usize, input.len() - 1);
        assert_eq!(plan.data_start_line, 3);
    }

    #[test]
    fn incomplete_header_asks_for_more() {
        assert_eq!(sniff(b"campaign_id,date,impr", false), Ok(None));
        assert!(sniff(b"campaign_id,impressions,clicks,spend,conversions", true).unwrap().is_some());
    }

    #[test]
    fn missing_and_duplicate_columns() {
        let err = sniff(b"campaign_id,impressions,spend\n", true).unwrap_err();
        assert_eq!(err.to_string(), "header row: missing required columns: clicks, conversions (the header has: campaign_id, impressions, spend)");
        let plan = sniff(b"campaign_id,impressions,clicks,spend,conversions,clicks\n", true).unwrap().unwrap();
        assert_eq!(plan.columns, [0, 1, 2, 3, 4]);
    }

    #[test]
    fn empty_inputs() {
        assert_eq!(sniff(b"", true), Err(Error::Empty));
        assert_eq!(sniff(b"\n\r\n\n", true), Err(Error::Empty));
        assert_eq!(sniff(b"", false), Ok(None));
    }
}
