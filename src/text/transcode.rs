//! Streaming conversion of UTF-16 files to UTF-8 before parsing (CSV
//! parsing needs an ASCII-compatible encoding). Windows-1252 needs none:
//! its bytes are parsed as they are and campaign ids decoded at the end.

use crate::text::encoding::Encoding;

/// Decodes a byte stream in any chunking (code units split across chunks
/// are carried over), dropping a byte-order mark.
pub struct Transcoder {
    decoder: encoding_rs::Decoder,
    out: Vec<u8>,
}

impl Transcoder {
    /// A decoder for `encoding`, at the start of the file.
    pub fn new(encoding: Encoding) -> Transcoder {
        Transcoder { decoder: encoding.codec().new_decoder_with_bom_removal(), out: Vec::new() }
    }

    /// Decodes the next bytes (`last` for the end of the file) and returns
    /// the UTF-8 text they complete. Invalid sequences become U+FFFD.
    pub fn decode(&mut self, input: &[u8], last: bool) -> &[u8] {
        let need = self.decoder.max_utf8_buffer_length(input.len()).unwrap_or(input.len() * 3 + 16);
        self.out.resize(need, 0);
        let (_, read, written, _) = self.decoder.decode_to_utf8(input, &mut self.out, last);
        debug_assert_eq!(read, input.len());
        &self.out[..written]
    }
}

/// Campaign ids of a Windows-1252 file as UTF-8.
pub fn decode_windows_1252(raw: &[u8]) -> Vec<u8> {
    encoding_rs::WINDOWS_1252.decode_without_bom_handling(raw).0.into_owned().into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_in_any_chunking() {
        let text = "id\u{e9}\u{1F600},1\r\n";
        let mut le = vec![0xFF, 0xFE];
        le.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
        for size in 1..6 {
            let mut t = Transcoder::new(Encoding::Utf16Le);
            let mut out = Vec::new();
            for chunk in le.chunks(size) {
                out.extend_from_slice(t.decode(chunk, false));
            }
            out.extend_from_slice(t.decode(&[], true));
            assert_eq!(String::from_utf8(out).unwrap(), text);
        }
    }
}
