//! Zip archives' members, read without holding the archive in memory.
//!
//! Sans-IO: this module parses the bytes a shell hands it and says which
//! bytes to read next; it does no I/O and no decompression (the CLI inflates
//! with flate2, the page with `DecompressionStream('deflate-raw')`).
//!
//! # Reading an archive of `len` bytes
//!
//! 1. Read its last `min(`[`TAIL`]`, len)` bytes; [`find_directory`] finds the
//!    end records (Zip64 when present) and returns the [`Directory`]: where
//!    the central directory is and how many entries it holds.
//! 2. [`Directory::check`] it against the [`Limits`] (entry count, size)
//!    before reading `dir.len` bytes at `dir.offset`; [`members`] lists the
//!    [`Member`]s in the directory's order, having checked every claim
//!    (declared sizes, total, overlapping members, data past the directory).
//! 3. For each member to read: [`Member::readable`] (the error for an
//!    encrypted member or an unsupported method), read [`LOCAL_HEADER`] bytes
//!    at `header_offset`, and [`data_offset`] says where the member's data
//!    starts; read `compressed` bytes from there, decompress them (stored: as
//!    they are; deflated: raw deflate), hand every decompressed chunk to
//!    [`Check::update`] and end with [`Check::finish`] (length and CRC-32).
//!
//! # Why hand-written rather than the `zip` crate
//!
//! The `zip` crate wants `Read + Seek` over the whole archive. The browser
//! reads `Blob` slices asynchronously and decompresses with the platform's
//! `DecompressionStream`, so it needs a reader that only says which ranges
//! to fetch; and both shells must apply the same limits and give the same
//! messages, so the format's rules live here, once. The `zip` crate is this
//! module's test oracle (`tests/zip_reader.rs`).
//!
//! # Choices
//!
//! - Names are UTF-8 when general-purpose bit 11 says so (invalid bytes
//!   become U+FFFD). Without the bit, a name that is valid UTF-8 is taken as
//!   UTF-8 (what macOS and most Unix tools write), any other as CP437, the
//!   format's default. The Info-ZIP Unicode path field (0x7075) is ignored.
//! - Zip64: the locator right before the end record points at the Zip64 end
//!   record, which must lie within the tail read (it does unless its
//!   extensible data is huge). In central headers, the fields stored as
//!   0xFFFFFFFF (0xFFFF for the disk) are read from the Zip64 extra field
//!   (0x0001), in the spec's order: uncompressed, compressed, header offset,
//!   disk.
//! - The end record is the one, searching backwards, whose comment length
//!   reaches exactly to the end of the archive; failing that, the last one
//!   whose comment fits (bytes appended after an archive).
//! - Encrypted members (bit 0, or method 99, AES) are listed with
//!   `encrypted`; split (multi-disk) archives are refused.
//! - Offsets are absolute: an archive with bytes prepended (a
//!   self-extracting executable) whose offsets were not adjusted is refused
//!   as corrupt.

use std::fmt;

/// Bytes to read from the end of the archive first: the end-of-central-directory
/// record (22 bytes), a comment of up to 65,535 bytes, and the Zip64 end
/// record and locator before it (56 + 20). Read `min(TAIL, archive length)`.
pub const TAIL: u64 = 22 + 65_535 + 56 + 20;

/// Bytes of a member's local file header to read at its `header_offset`, for
/// [`data_offset`].
pub const LOCAL_HEADER: usize = 30;

const END_SIG: u32 = 0x0605_4b50;
const LOCATOR_SIG: u32 = 0x0706_4b50;
const END64_SIG: u32 = 0x0606_4b50;
const CENTRAL_SIG: u32 = 0x0201_4b50;
const LOCAL_SIG: u32 = 0x0403_4b50;
const END_LEN: usize = 22;
const LOCATOR_LEN: usize = 20;
const END64_LEN: usize = 56;
const CENTRAL_LEN: usize = 46;

/// Whether a file's first bytes are a zip archive's: a local file header
/// (`PK\x03\x04`) or, for an empty archive, the end record (`PK\x05\x06`).
pub fn is_zip(prefix: &[u8]) -> bool {
    prefix.starts_with(b"PK\x03\x04") || prefix.starts_with(b"PK\x05\x06")
}

/// What a reader accepts of an archive; every claim past them is an error
/// before anything is decompressed (and, for the output, while it is).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most bytes one member may declare, or decompress to. Default 256 GiB.
    pub max_member: u64,
    /// Most bytes all members together may declare. Default 1 TiB.
    pub max_total: u64,
    /// Most entries (directories included). Default 65,536.
    pub max_members: u64,
    /// Most bytes of central directory the shell is asked to hold. Default
    /// 64 MiB (1 KiB per entry at the default `max_members`; a typical
    /// entry is 46 bytes plus its name).
    pub max_directory: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits { max_member: 256 << 30, max_total: 1 << 40, max_members: 65_536, max_directory: 64 << 20 }
    }
}

/// Where the central directory is, from the end records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Directory {
    /// Its first byte's offset in the archive.
    pub offset: u64,
    /// Its length in bytes.
    pub len: u64,
    /// How many entries the end record says it holds.
    pub entries: u64,
}

impl Directory {
    /// Checks the entry count and the directory's size against `limits`:
    /// call it before reading the directory ([`members`] calls it too).
    pub fn check(&self, limits: &Limits) -> Result<(), ZipError> {
        if self.entries > limits.max_members {
            return Err(ZipError::TooManyMembers { entries: self.entries, max: limits.max_members });
        }
        if self.len > limits.max_directory {
            return Err(ZipError::DirectoryTooLarge { len: self.len, max: limits.max_directory });
        }
        Ok(())
    }
}

/// How a member's data is compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Method 0: the bytes as they are.
    Stored,
    /// Method 8: raw deflate (RFC 1951).
    Deflated,
    /// Any other method, by its number (99 is AES encryption).
    Other(u16),
}

/// One member, as the central directory describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// Its path in the archive, decoded to UTF-8 (see the module's choices).
    pub name: String,
    /// How its data is compressed.
    pub method: Method,
    /// Bytes of data in the archive (after the local header).
    pub compressed: u64,
    /// Bytes it declares once decompressed.
    pub uncompressed: u64,
    /// CRC-32 of the decompressed bytes.
    pub crc32: u32,
    /// Offset of its local file header.
    pub header_offset: u64,
    /// Password-protected (general-purpose bit 0, or AES).
    pub encrypted: bool,
    /// Where its bytes must end: the next member's local header, or the
    /// central directory. Set by [`members`]; [`data_offset`] checks it.
    pub span_end: u64,
}

impl Member {
    /// A directory entry (its name ends in `/`): listed, but holds no data.
    pub fn is_dir(&self) -> bool {
        self.name.ends_with('/')
    }

    /// Whether a shell can read this member: [`ZipError::Encrypted`] when it
    /// is password-protected, [`ZipError::Unsupported`] when its method is
    /// neither stored nor deflated.
    pub fn readable(&self) -> Result<(), ZipError> {
        if self.encrypted {
            return Err(ZipError::Encrypted { name: self.name.clone() });
        }
        match self.method {
            Method::Stored | Method::Deflated => Ok(()),
            Method::Other(method) => Err(ZipError::Unsupported { name: self.name.clone(), method }),
        }
    }
}

/// Why an archive or a member cannot be read. Its `Display` is a message
/// for the user, naming the member and, where it applies, the byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZipError {
    /// No end-of-central-directory record in the last `searched` bytes.
    NotZip {
        /// Bytes searched (the tail's length).
        searched: u64,
    },
    /// The archive is split across several files (disks).
    MultiDisk,
    /// A record's signature is not at the offset the archive gives.
    BadSignature {
        /// Which record ("central directory entry", ...).
        record: &'static str,
        /// Where it should be.
        offset: u64,
    },
    /// The archive contradicts itself or the format.
    Malformed {
        /// What is wrong.
        detail: String,
        /// Where in the archive.
        offset: u64,
    },
    /// The caller handed a slice of another length than asked for.
    WrongSlice {
        /// Which slice.
        what: &'static str,
        /// Bytes asked for.
        expected: u64,
        /// Bytes handed.
        got: u64,
    },
    /// More entries than [`Limits::max_members`].
    TooManyMembers {
        /// Entries the archive declares.
        entries: u64,
        /// The limit.
        max: u64,
    },
    /// A central directory larger than [`Limits::max_directory`].
    DirectoryTooLarge {
        /// Its length.
        len: u64,
        /// The limit.
        max: u64,
    },
    /// A member declares (or decompresses to) more than [`Limits::max_member`].
    MemberTooLarge {
        /// The member.
        name: String,
        /// Bytes declared (or reached).
        declared: u64,
        /// The limit.
        max: u64,
    },
    /// The members together declare more than [`Limits::max_total`].
    TotalTooLarge {
        /// The member at which the total passed the limit.
        name: String,
        /// The limit.
        max: u64,
    },
    /// Two members' bytes overlap (a zip bomb's trick).
    Overlap {
        /// The member whose local header lies inside the other's bytes.
        name: String,
        /// The member whose bytes reach over it.
        other: String,
        /// `name`'s local header offset.
        offset: u64,
    },
    /// A member's data runs past the next member or the central directory.
    Overrun {
        /// The member.
        name: String,
        /// Where its data would end.
        end: u64,
        /// Where its bytes must end.
        limit: u64,
    },
    /// A member's local header is not where the directory says.
    NoLocalHeader {
        /// The member.
        name: String,
        /// Where it should be.
        offset: u64,
    },
    /// A password-protected member.
    Encrypted {
        /// The member.
        name: String,
    },
    /// A member compressed with a method other than stored or deflated.
    Unsupported {
        /// The member.
        name: String,
        /// The method's number.
        method: u16,
    },
    /// A member decompressed to more bytes than it declares.
    Longer {
        /// The member.
        name: String,
        /// Bytes declared.
        declared: u64,
    },
    /// A member decompressed to fewer bytes than it declares.
    Shorter {
        /// The member.
        name: String,
        /// Bytes declared.
        declared: u64,
        /// Bytes decompressed.
        got: u64,
    },
    /// A member's CRC-32 differs from the declared one.
    Crc {
        /// The member.
        name: String,
        /// CRC-32 declared.
        declared: u32,
        /// CRC-32 of the decompressed bytes.
        got: u32,
    },
}

/// `n` bytes, with a binary unit when it helps: "3221225472 bytes (3.0 GiB)".
struct Bytes(u64);

impl fmt::Display for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0;
        let unit = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"].iter().enumerate().rev().find(|&(i, _)| n >> (10 * (i + 1)) > 0);
        match unit {
            Some((i, u)) => write!(f, "{n} bytes ({:.1} {u})", n as f64 / (1u64 << (10 * (i + 1))) as f64),
            None => write!(f, "{n} bytes"),
        }
    }
}

fn method_name(method: u16) -> &'static str {
    match method {
        1 => "Shrink",
        6 => "Implode",
        9 => "Deflate64",
        12 => "bzip2",
        14 => "LZMA",
        93 => "Zstandard",
        95 => "XZ",
        98 => "PPMd",
        _ => "an unknown method",
    }
}

impl fmt::Display for ZipError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ZipError::NotZip { searched } => write!(f, "not a zip archive: no end-of-central-directory record in its last {searched} bytes (or the archive is truncated)"),
            ZipError::MultiDisk => write!(f, "this zip archive is split across several files (a multi-disk archive); adagg reads single-file archives only"),
            ZipError::BadSignature { record, offset } => write!(f, "corrupt zip archive: no {record} at byte {offset}"),
            ZipError::Malformed { detail, offset } => write!(f, "corrupt zip archive: {detail} (at byte {offset})"),
            ZipError::WrongSlice { what, expected, got } => write!(f, "zip reader misused: {what} should be {expected} bytes, got {got}"),
            ZipError::TooManyMembers { entries, max } => write!(f, "zip archive has {entries} entries, more than the limit of {max}"),
            ZipError::DirectoryTooLarge { len, max } => write!(f, "zip archive's central directory is {}, more than the limit of {}", Bytes(*len), Bytes(*max)),
            ZipError::MemberTooLarge { name, declared, max } => write!(f, "zip member {name:?} would decompress to {}, more than the limit of {} per member (a zip bomb?)", Bytes(*declared), Bytes(*max)),
            ZipError::TotalTooLarge { name, max } => write!(f, "zip archive's members would decompress to more than {} in all (passed at member {name:?}; a zip bomb?)", Bytes(*max)),
            ZipError::Overlap { name, other, offset } => write!(f, "zip member {name:?} (local header at byte {offset}) overlaps member {other:?}: overlapping members are a zip-bomb trick, so the archive is refused"),
            ZipError::Overrun { name, end, limit } => write!(f, "corrupt zip archive: member {name:?}'s data would run to byte {end}, past byte {limit} where the next member or the central directory begins"),
            ZipError::NoLocalHeader { name, offset } => write!(f, "corrupt zip archive: no local file header for member {name:?} at byte {offset}"),
            ZipError::Encrypted { name } => write!(f, "zip member {name:?} is password-protected; adagg cannot read encrypted members"),
            ZipError::Unsupported { name, method } => write!(f, "zip member {name:?} is compressed with {} (method {method}); adagg reads stored and deflated members only", method_name(*method)),
            ZipError::Longer { name, declared } => write!(f, "zip member {name:?} decompresses to more than the {} its header declares (a corrupt archive or a zip bomb)", Bytes(*declared)),
            ZipError::Shorter { name, declared, got } => write!(f, "zip member {name:?} decompressed to {}, fewer than the {} its header declares (truncated or corrupt)", Bytes(*got), Bytes(*declared)),
            ZipError::Crc { name, declared, got } => write!(f, "zip member {name:?} is corrupt: its CRC-32 is {got:08x}, the archive says {declared:08x}"),
        }
    }
}

impl std::error::Error for ZipError {}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().unwrap())
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().unwrap())
}

fn malformed(detail: String, offset: u64) -> ZipError {
    ZipError::Malformed { detail, offset }
}

/// The end record's position in `tail`: the last one whose comment ends
/// exactly at the tail's end, else the last one whose comment fits.
fn find_end(tail: &[u8]) -> Option<usize> {
    let last = tail.len().checked_sub(END_LEN)?;
    let first = last.saturating_sub(u16::MAX as usize);
    let mut loose = None;
    for p in (first..=last).rev().filter(|&p| u32_at(tail, p) == END_SIG) {
        let (comment, room) = (u16_at(tail, p + 20) as usize, last - p);
        if comment == room {
            return Some(p);
        }
        if comment < room && loose.is_none() {
            loose = Some(p);
        }
    }
    loose
}

/// Finds the end records (Zip64 when present) in `tail`, the last bytes of
/// an archive of `archive_len` bytes (`tail` = bytes
/// `[archive_len - tail.len(), archive_len)`; read `min(TAIL, archive_len)`),
/// and returns where the central directory is. Checks that the directory
/// lies before the end records and can hold the entries it declares.
pub fn find_directory(tail: &[u8], archive_len: u64) -> Result<Directory, ZipError> {
    let searched = tail.len() as u64;
    let base = archive_len.checked_sub(searched).ok_or(ZipError::WrongSlice { what: "the tail", expected: archive_len, got: searched })?;
    let p = find_end(tail).ok_or(ZipError::NotZip { searched })?;
    let end = &tail[p..];
    let end_at = base + p as u64;
    let locator = p.checked_sub(LOCATOR_LEN).filter(|&l| u32_at(tail, l) == LOCATOR_SIG);
    let (dir, bound) = match locator {
        None => {
            let (disk, dir_disk, on_disk, entries) = (u16_at(end, 4), u16_at(end, 6), u16_at(end, 8), u16_at(end, 10));
            if disk != 0 || dir_disk != 0 || on_disk != entries {
                return Err(ZipError::MultiDisk);
            }
            (Directory { offset: u32_at(end, 16) as u64, len: u32_at(end, 12) as u64, entries: entries as u64 }, end_at)
        }
        Some(l) => {
            let (loc, loc_at) = (&tail[l..], base + l as u64);
            if u32_at(loc, 4) != 0 || u32_at(loc, 16) > 1 {
                return Err(ZipError::MultiDisk);
            }
            let at = u64_at(loc, 8);
            if at.checked_add(END64_LEN as u64).is_none_or(|e| e > loc_at) {
                return Err(malformed(format!("the Zip64 end locator points at byte {at}, past itself"), loc_at));
            }
            if at < base {
                return Err(malformed(format!("the Zip64 end record at byte {at} lies before the last {searched} bytes, where it is looked for"), loc_at));
            }
            let r = &tail[(at - base) as usize..];
            if u32_at(r, 0) != END64_SIG {
                return Err(ZipError::BadSignature { record: "Zip64 end-of-central-directory record", offset: at });
            }
            if u32_at(r, 16) != 0 || u32_at(r, 20) != 0 || u64_at(r, 24) != u64_at(r, 32) {
                return Err(ZipError::MultiDisk);
            }
            (Directory { offset: u64_at(r, 48), len: u64_at(r, 40), entries: u64_at(r, 32) }, at)
        }
    };
    if dir.offset.checked_add(dir.len).is_none_or(|e| e > bound) {
        return Err(malformed(format!("the central directory ({} at byte {}) runs past the end records at byte {bound}", Bytes(dir.len), dir.offset), end_at));
    }
    if dir.entries > dir.len / CENTRAL_LEN as u64 {
        return Err(malformed(format!("the end record declares {} entries, more than a central directory of {} can hold", dir.entries, Bytes(dir.len)), end_at));
    }
    Ok(dir)
}

/// CP437's upper half (the lower half is ASCII).
const CP437: [char; 128] = [
    'Ç', 'ü', 'é', 'â', 'ä', 'à', 'å', 'ç', 'ê', 'ë', 'è', 'ï', 'î', 'ì', 'Ä', 'Å',
    'É', 'æ', 'Æ', 'ô', 'ö', 'ò', 'û', 'ù', 'ÿ', 'Ö', 'Ü', '¢', '£', '¥', '₧', 'ƒ',
    'á', 'í', 'ó', 'ú', 'ñ', 'Ñ', 'ª', 'º', '¿', '⌐', '¬', '½', '¼', '¡', '«', '»',
    '░', '▒', '▓', '│', '┤', '╡', '╢', '╖', '╕', '╣', '║', '╗', '╝', '╜', '╛', '┐',
    '└', '┴', '┬', '├', '─', '┼', '╞', '╟', '╚', '╔', '╩', '╦', '╠', '═', '╬', '╧',
    '╨', '╤', '╥', '╙', '╘', '╒', '╓', '╫', '╪', '┘', '┌', '█', '▄', '▌', '▐', '▀',
    'α', 'ß', 'Γ', 'π', 'Σ', 'σ', 'µ', 'τ', 'Φ', 'Θ', 'Ω', 'δ', '∞', 'φ', 'ε', '∩',
    '≡', '±', '≥', '≤', '⌠', '⌡', '÷', '≈', '°', '∙', '·', '√', 'ⁿ', '²', '■', '\u{A0}',
];

/// A name's bytes as text: UTF-8 when `utf8` (bit 11) or when valid UTF-8
/// anyway, else CP437.
fn decode_name(raw: &[u8], utf8: bool) -> String {
    if utf8 {
        return String::from_utf8_lossy(raw).into_owned();
    }
    match std::str::from_utf8(raw) {
        Ok(s) => s.to_owned(),
        Err(_) => raw.iter().map(|&b| if b < 0x80 { b as char } else { CP437[(b - 0x80) as usize] }).collect(),
    }
}

/// The values of the Zip64 extra field (0x0001) for the fields `need`s
/// (uncompressed, compressed, header offset, disk), in that order; `None`
/// when the field is missing or too short.
fn zip64_extra(extra: &[u8], need: [bool; 4]) -> Option<[u64; 4]> {
    let mut i = 0;
    while i + 4 <= extra.len() {
        let (id, size) = (u16_at(extra, i), u16_at(extra, i + 2) as usize);
        let data = extra.get(i + 4..i + 4 + size)?;
        if id == 1 {
            let mut out = [0; 4];
            let mut at = 0;
            for (k, &needed) in need.iter().enumerate() {
                if needed {
                    let w = if k == 3 { 4 } else { 8 };
                    let b = data.get(at..at + w)?;
                    out[k] = if w == 4 { u32_at(b, 0) as u64 } else { u64_at(b, 0) };
                    at += w;
                }
            }
            return Some(out);
        }
        i += 4 + size;
    }
    None
}

/// Parses the central directory's bytes (`dir.len` of them at `dir.offset`
/// in an archive of `archive_len` bytes) into its members, in its order.
/// Checks every member's claims against `limits` (declared sizes, their
/// total, the entry count) and that no member's bytes overlap another's or
/// run past the central directory (see [`Member::span_end`]).
pub fn members(directory: &[u8], dir: &Directory, archive_len: u64, limits: &Limits) -> Result<Vec<Member>, ZipError> {
    if directory.len() as u64 != dir.len {
        return Err(ZipError::WrongSlice { what: "the central directory", expected: dir.len, got: directory.len() as u64 });
    }
    if dir.offset.checked_add(dir.len).is_none_or(|e| e > archive_len) {
        return Err(malformed(format!("the central directory ({}) runs past the end of the archive", Bytes(dir.len)), dir.offset));
    }
    dir.check(limits)?;
    let mut out: Vec<Member> = Vec::with_capacity(dir.entries.min(dir.len / CENTRAL_LEN as u64) as usize);
    let (mut pos, mut total) = (0usize, 0u64);
    for i in 1..=dir.entries {
        let at = dir.offset + pos as u64;
        let h = directory.get(pos..pos + CENTRAL_LEN).ok_or_else(|| malformed(format!("central directory entry {i} of {} is cut short", dir.entries), at))?;
        if u32_at(h, 0) != CENTRAL_SIG {
            return Err(ZipError::BadSignature { record: "central directory entry", offset: at });
        }
        let (flags, method, crc32) = (u16_at(h, 8), u16_at(h, 10), u32_at(h, 16));
        let (compressed, uncompressed, header_offset) = (u32_at(h, 20), u32_at(h, 24), u32_at(h, 42));
        let (name_len, extra_len, comment_len) = (u16_at(h, 28) as usize, u16_at(h, 30) as usize, u16_at(h, 32) as usize);
        let disk = u16_at(h, 34);
        let name_at = pos + CENTRAL_LEN;
        let next = name_at + name_len + extra_len + comment_len;
        if next > directory.len() {
            return Err(malformed(format!("central directory entry {i} runs past the directory's end"), at));
        }
        let name = decode_name(&directory[name_at..name_at + name_len], flags & 0x800 != 0);
        let extra = &directory[name_at + name_len..name_at + name_len + extra_len];
        let need = [uncompressed == u32::MAX, compressed == u32::MAX, header_offset == u32::MAX, disk == u16::MAX];
        let z = match need.contains(&true) {
            true => zip64_extra(extra, need).ok_or_else(|| malformed(format!("member {name:?} lacks the Zip64 extra field its header calls for"), at))?,
            false => [0; 4],
        };
        let pick = |k: usize, v: u64| if need[k] { z[k] } else { v };
        if pick(3, disk as u64) != 0 {
            return Err(ZipError::MultiDisk);
        }
        let method = match method {
            0 => Method::Stored,
            8 => Method::Deflated,
            m => Method::Other(m),
        };
        let m = Member {
            method,
            compressed: pick(1, compressed as u64),
            uncompressed: pick(0, uncompressed as u64),
            crc32,
            header_offset: pick(2, header_offset as u64),
            encrypted: flags & 1 != 0 || method == Method::Other(99),
            span_end: 0,
            name,
        };
        if m.uncompressed > limits.max_member {
            return Err(ZipError::MemberTooLarge { name: m.name, declared: m.uncompressed, max: limits.max_member });
        }
        total = match total.checked_add(m.uncompressed) {
            Some(t) if t <= limits.max_total => t,
            _ => return Err(ZipError::TotalTooLarge { name: m.name, max: limits.max_total }),
        };
        if m.method == Method::Stored && !m.encrypted && m.compressed != m.uncompressed {
            return Err(malformed(format!("stored member {:?} declares {} stored but {} uncompressed", m.name, Bytes(m.compressed), Bytes(m.uncompressed)), at));
        }
        out.push(m);
        pos = next;
    }
    if directory.len() - pos >= 4 && u32_at(directory, pos) == CENTRAL_SIG {
        return Err(malformed(format!("the central directory holds more entries than the {} its end record declares", dir.entries), dir.offset + pos as u64));
    }
    spans(&mut out, dir.offset)?;
    Ok(out)
}

/// Sets every member's `span_end` (the next local header in the archive, or
/// the central directory at `directory`), refusing members whose local
/// header plus data reach past it: two members at one header, or one
/// member's data over another's header (the overlapping-member zip bomb).
fn spans(members: &mut [Member], directory: u64) -> Result<(), ZipError> {
    let mut order: Vec<usize> = (0..members.len()).collect();
    order.sort_by_key(|&i| members[i].header_offset);
    for (k, &i) in order.iter().enumerate() {
        let next = order.get(k + 1).map(|&j| &members[j]);
        let limit = next.map_or(directory, |n| n.header_offset);
        let m = &members[i];
        let end = m.header_offset.checked_add(LOCAL_HEADER as u64).and_then(|e| e.checked_add(m.compressed));
        if end.is_none_or(|e| e > limit) {
            return Err(match next {
                Some(n) => ZipError::Overlap { name: n.name.clone(), other: m.name.clone(), offset: n.header_offset },
                None => ZipError::Overrun { name: m.name.clone(), end: end.unwrap_or(u64::MAX), limit },
            });
        }
        members[i].span_end = limit;
    }
    Ok(())
}

/// The offset of the member's data, from the first [`LOCAL_HEADER`] bytes
/// of its local header (read at `member.header_offset`). Checks the
/// signature, and that the data (`member.compressed` bytes from the offset
/// returned) ends by `member.span_end`; the local name and extra lengths
/// may differ from the central ones, so the data's start is known only here.
pub fn data_offset(member: &Member, local_header: &[u8]) -> Result<u64, ZipError> {
    let h = local_header.get(..LOCAL_HEADER).ok_or(ZipError::WrongSlice { what: "a local header", expected: LOCAL_HEADER as u64, got: local_header.len() as u64 })?;
    if u32_at(h, 0) != LOCAL_SIG {
        return Err(ZipError::NoLocalHeader { name: member.name.clone(), offset: member.header_offset });
    }
    let skip = LOCAL_HEADER as u64 + u16_at(h, 26) as u64 + u16_at(h, 28) as u64;
    let start = member.header_offset.saturating_add(skip);
    let end = start.saturating_add(member.compressed);
    if end > member.span_end {
        return Err(ZipError::Overrun { name: member.name.clone(), end, limit: member.span_end });
    }
    Ok(start)
}

/// Checks a member's data as the caller decompresses it: counts the bytes
/// and their CRC-32.
#[derive(Debug, Clone)]
pub struct Check {
    name: String,
    declared: u64,
    max: u64,
    crc32: u32,
    count: u64,
    hasher: crc32fast::Hasher,
}

impl Check {
    /// A check of `member`'s decompressed bytes under `limits`.
    pub fn new(member: &Member, limits: &Limits) -> Check {
        Check {
            name: member.name.clone(),
            declared: member.uncompressed,
            max: limits.max_member,
            crc32: member.crc32,
            count: 0,
            hasher: crc32fast::Hasher::new(),
        }
    }

    /// Takes the next decompressed chunk. Errors as soon as the bytes pass
    /// the declared uncompressed size (a lying header, a bomb) or
    /// [`Limits::max_member`]; the caller should stop decompressing then.
    pub fn update(&mut self, chunk: &[u8]) -> Result<(), ZipError> {
        let count = self.count.saturating_add(chunk.len() as u64);
        if count > self.declared {
            return Err(ZipError::Longer { name: self.name.clone(), declared: self.declared });
        }
        if count > self.max {
            return Err(ZipError::MemberTooLarge { name: self.name.clone(), declared: count, max: self.max });
        }
        self.hasher.update(chunk);
        self.count = count;
        Ok(())
    }

    /// Bytes taken so far.
    pub fn bytes(&self) -> u64 {
        self.count
    }

    /// After the last chunk: errors when fewer bytes came than declared or
    /// the CRC-32 differs from the declared one.
    pub fn finish(self) -> Result<(), ZipError> {
        if self.count < self.declared {
            return Err(ZipError::Shorter { name: self.name, declared: self.declared, got: self.count });
        }
        let got = self.hasher.finalize();
        if got != self.crc32 {
            return Err(ZipError::Crc { name: self.name, declared: self.crc32, got });
        }
        Ok(())
    }
}
