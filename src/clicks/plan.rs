//! The top of a click log: NDJSON or CSV (encoding, delimiter, header
//! row, columns), and where its data starts. Everything a range reader
//! needs to start at any line.

use crate::clicks::columns::{looks_like_ndjson, ClickColumns, ClickField};
use crate::clicks::json::keys_in;
use crate::text::encoding::Encoding;
use crate::text::transcode::{decode_windows_1252, Transcoder};

/// The two shapes of a click log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClickFormat {
    /// One JSON object per line; keys named as [`crate::clicks::columns`] says.
    Ndjson {
        /// The fields (bits `1 << index`) that the first lines' objects
        /// have: a rule needing a field none has is off.
        keys: u8,
    },
    /// Delimited text with a header row.
    Csv {
        /// Field delimiter.
        delimiter: u8,
        /// Which column holds which field.
        columns: ClickColumns,
    },
}

/// How to read a click log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClickPlan {
    /// NDJSON or CSV.
    pub format: ClickFormat,
    /// The file's encoding (NDJSON is UTF-8).
    pub encoding: Encoding,
    /// Lines before the first data line (a CSV's header and any title
    /// rows above it; 0 for NDJSON).
    pub header_lines: u64,
    /// Byte offset of the first data line (0 when the file is read as one
    /// range from its start: UTF-16).
    pub data_start: u64,
}

impl ClickPlan {
    /// Whether byte ranges can be read apart (an ASCII-compatible
    /// encoding: lines end at a `\n` byte).
    pub fn splittable(&self) -> bool {
        !self.encoding.needs_transcoding()
    }

    /// Whether the log has this field (a CSV column; an NDJSON key in the
    /// first lines).
    pub fn has(&self, f: ClickField) -> bool {
        match &self.format {
            ClickFormat::Ndjson { keys } => keys & (1 << f.index()) != 0,
            ClickFormat::Csv { columns, .. } => columns.has(f),
        }
    }

    /// `"NDJSON"` or `"CSV"`.
    pub fn format_name(&self) -> &'static str {
        match self.format {
            ClickFormat::Ndjson { .. } => "NDJSON",
            ClickFormat::Csv { .. } => "CSV",
        }
    }
}

/// Lines searched for a CSV header.
const HEADER_SEARCH: usize = 64;

/// Reads the plan from the first bytes (up to 1 MiB; `at_eof` when that
/// is the whole file). None: not a click log (no line among the first 64
/// names an ad id and a timestamp column, and it is not NDJSON).
pub fn sniff_clicks(prefix: &[u8], at_eof: bool) -> Option<ClickPlan> {
    if looks_like_ndjson(prefix) {
        let mut keys = 0;
        let complete = if at_eof { prefix.len() } else { prefix.iter().rposition(|&b| b == b'\n').unwrap_or(0) };
        for line in prefix[..complete].split(|&b| b == b'\n').take(HEADER_SEARCH) {
            keys |= keys_in(line).unwrap_or(0);
        }
        return Some(ClickPlan { format: ClickFormat::Ndjson { keys }, encoding: Encoding::Utf8, header_lines: 0, data_start: 0 });
    }
    let encoding = Encoding::detect(prefix, at_eof);
    let text: Vec<u8> = match encoding {
        Encoding::Utf8 => prefix.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(prefix).to_vec(),
        Encoding::Windows1252 => decode_windows_1252(prefix),
        _ => Transcoder::new(encoding).decode(prefix, at_eof).to_vec(),
    };
    let bom = if encoding == Encoding::Utf8 && prefix.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
    let mut start = 0usize;
    for (i, line) in text.split(|&b| b == b'\n').enumerate().take(HEADER_SEARCH) {
        let complete = start + line.len() < text.len();
        if !complete && !at_eof {
            break;
        }
        for delimiter in [b',', b';', b'\t', b'|'] {
            let names = line.strip_suffix(b"\r").unwrap_or(line).split(|&b| b == delimiter);
            if let Some(columns) = ClickColumns::from_header(names) {
                let data_start = match encoding {
                    Encoding::Utf8 => (bom + start + line.len() + 1) as u64,
                    // Windows-1252 decodes a byte to 1-3 bytes: find the
                    // same line end in the raw prefix.
                    Encoding::Windows1252 => prefix.split(|&b| b == b'\n').take(i + 1).map(|l| l.len() as u64 + 1).sum(),
                    _ => 0,
                };
                return Some(ClickPlan {
                    format: ClickFormat::Csv { delimiter, columns },
                    encoding,
                    header_lines: i as u64 + 1,
                    data_start: data_start.min(prefix.len() as u64),
                });
            }
        }
        start += line.len() + 1;
    }
    None
}

/// Where [`click_split_points`] cuts `len` bytes into `parts` (before
/// moving each cut to the next line start): none when the log cannot be
/// split.
pub fn click_split_cuts(plan: &ClickPlan, len: u64, parts: usize) -> Vec<u64> {
    if !plan.splittable() || parts < 2 {
        return Vec::new();
    }
    let span = len.saturating_sub(plan.data_start);
    (1..parts as u64).map(|k| plan.data_start + span * k / parts as u64).collect()
}

/// Split points for `parts` ranges of a file of `len` bytes: the data
/// start, then offsets just after a `\n` found at or past each even cut
/// (`next_newline(at)` gives the offset of the first `\n` at or after
/// `at`, or None), then `len`. Fewer ranges when the file is short.
pub fn click_split_points(plan: &ClickPlan, len: u64, parts: usize, mut next_newline: impl FnMut(u64) -> Option<u64>) -> Vec<u64> {
    let mut points = vec![plan.data_start.min(len)];
    for cut in click_split_cuts(plan, len, parts) {
        let Some(nl) = next_newline(cut.max(*points.last().unwrap())) else { break };
        let p = nl + 1;
        if p < len && p > *points.last().unwrap() {
            points.push(p);
        }
    }
    points.push(len);
    points
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_ndjson_and_csv() {
        let p = sniff_clicks(b"{\"ad_id\":\"a\",\"ts\":1}\n", true).unwrap();
        assert_eq!(p.format, ClickFormat::Ndjson { keys: 3 });
        assert!(p.has(ClickField::Timestamp) && !p.has(ClickField::UserAgent));
        let csv = b"Click report\n\nclick_id;ad_id;timestamp\nc1;a1;1736952000\n";
        let p = sniff_clicks(csv, true).unwrap();
        let ClickFormat::Csv { delimiter, columns } = &p.format else { panic!() };
        assert_eq!(*delimiter, b';');
        assert_eq!(columns.column[ClickField::AdId.index()], Some(1));
        assert_eq!(p.header_lines, 3);
        assert_eq!(&csv[p.data_start as usize..], b"c1;a1;1736952000\n");
        assert_eq!(sniff_clicks(b"campaign_id,date,impressions\n", true), None);
        let bom = b"\xEF\xBB\xBFad_id,ts\na,1\n";
        assert_eq!(&bom[sniff_clicks(bom, true).unwrap().data_start as usize..], b"a,1\n");
    }

    #[test]
    fn split_points_follow_newlines() {
        let text = b"ad_id,ts\na,1\nb,2\nc,3\nd,4\n";
        let plan = sniff_clicks(text, true).unwrap();
        let nl = |at: u64| text[at as usize..].iter().position(|&b| b == b'\n').map(|i| at + i as u64);
        let pts = click_split_points(&plan, text.len() as u64, 3, nl);
        assert_eq!(pts.first(), Some(&9));
        assert_eq!(pts.last(), Some(&(text.len() as u64)));
        for w in pts.windows(2) {
            assert!(w[0] < w[1]);
            assert_eq!(text[w[0] as usize - 1], b'\n');
        }
    }
}
