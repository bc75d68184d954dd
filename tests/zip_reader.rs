#![cfg(not(target_arch = "wasm32"))]
//! The sans-IO zip reader (`adagg::unpack::zip`) held to the `zip` crate:
//! archives written with `zip::ZipWriter` are read back by slicing the
//! bytes as a shell would (tail, directory, local header, data), inflated
//! with flate2, and compared with what was written and with what the `zip`
//! crate reads. Hostile archives are made by patching written ones.

use std::io::{Cursor, Read, Write};

use adagg::unpack::zip::{data_offset, find_directory, is_zip, members, Check, Directory, Limits, Member, Method, ZipError, LOCAL_HEADER, TAIL};
use flate2::read::DeflateDecoder;
use proptest::prelude::*;
use zip::unstable::write::FileOptionsExt;
use zip::write::SimpleFileOptions;
use zip::{AesMode, CompressionMethod, ZipArchive, ZipWriter};

fn stored() -> SimpleFileOptions {
    SimpleFileOptions::default().compression_method(CompressionMethod::Stored)
}

fn deflated() -> SimpleFileOptions {
    SimpleFileOptions::default().compression_method(CompressionMethod::Deflated)
}

/// An archive of `files` (a name ending in `/` is a directory), with `setup`
/// applied to the writer first.
fn archive_with(files: &[(&str, &[u8], SimpleFileOptions)], setup: impl FnOnce(&mut ZipWriter<Cursor<Vec<u8>>>)) -> Vec<u8> {
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    setup(&mut w);
    for (name, data, options) in files {
        if name.ends_with('/') {
            w.add_directory(*name, *options).unwrap();
        } else {
            w.start_file(*name, *options).unwrap();
            w.write_all(data).unwrap();
        }
    }
    w.finish().unwrap().into_inner()
}

fn archive(files: &[(&str, &[u8], SimpleFileOptions)]) -> Vec<u8> {
    archive_with(files, |_| {})
}

/// A member's decompressed bytes, through `Check`, in chunks of 1,000.
fn inflate(m: &Member, data: &[u8], limits: &Limits) -> Result<Vec<u8>, ZipError> {
    let mut reader: Box<dyn Read + '_> = match m.method {
        Method::Stored => Box::new(data),
        Method::Deflated => Box::new(DeflateDecoder::new(data)),
        Method::Other(n) => panic!("method {n}"),
    };
    let mut check = Check::new(m, limits);
    let (mut out, mut buf) = (Vec::new(), [0u8; 1000]);
    loop {
        let n = reader.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        check.update(&buf[..n])?;
        out.extend_from_slice(&buf[..n]);
    }
    assert_eq!(check.bytes(), out.len() as u64);
    check.finish()?;
    Ok(out)
}

/// The directory, read as a shell reads it: the last `TAIL` bytes, then the
/// directory's bytes.
fn list(bytes: &[u8], limits: &Limits) -> Result<(Directory, Vec<Member>), ZipError> {
    let len = bytes.len() as u64;
    let tail = &bytes[(len - TAIL.min(len)) as usize..];
    let dir = find_directory(tail, len)?;
    dir.check(limits)?;
    let d = &bytes[dir.offset as usize..(dir.offset + dir.len) as usize];
    Ok((dir, members(d, &dir, len, limits)?))
}

/// Members with their bytes (none for directories and members a shell
/// cannot read).
type Contents = Vec<(Member, Option<Vec<u8>>)>;

/// Every member with its bytes (none for directories and members a shell
/// cannot read), read as a shell reads them.
fn read_with(bytes: &[u8], limits: &Limits) -> Result<Contents, ZipError> {
    let (_, list) = list(bytes, limits)?;
    let mut out = Vec::new();
    for m in list {
        if m.is_dir() || m.readable().is_err() {
            out.push((m, None));
            continue;
        }
        let header = &bytes[m.header_offset as usize..m.header_offset as usize + LOCAL_HEADER];
        let start = data_offset(&m, header)?;
        let data = &bytes[start as usize..(start + m.compressed) as usize];
        let content = inflate(&m, data, limits)?;
        out.push((m, Some(content)));
    }
    Ok(out)
}

fn read(bytes: &[u8]) -> Result<Contents, ZipError> {
    read_with(bytes, &Limits::default())
}

/// What the `zip` crate reads: name, encrypted, compressed and uncompressed
/// sizes, CRC, header offset, and the bytes (none when encrypted or a
/// directory).
type Oracle = (String, bool, u64, u64, u32, u64, Option<Vec<u8>>);

fn oracle(bytes: &[u8]) -> Vec<Oracle> {
    let mut a = ZipArchive::new(Cursor::new(bytes)).unwrap();
    (0..a.len())
        .map(|i| {
            let f = a.by_index_raw(i).unwrap();
            let meta = (f.name().unwrap().into_owned(), f.encrypted(), f.compressed_size(), f.size(), f.crc32(), f.header_start(), f.is_dir());
            drop(f);
            let data = (!meta.1 && !meta.6).then(|| {
                let mut v = Vec::new();
                a.by_index(i).unwrap().read_to_end(&mut v).unwrap();
                v
            });
            (meta.0, meta.1, meta.2, meta.3, meta.4, meta.5, data)
        })
        .collect()
}

fn ours(read: &[(Member, Option<Vec<u8>>)]) -> Vec<Oracle> {
    read.iter().map(|(m, d)| (m.name.clone(), m.encrypted, m.compressed, m.uncompressed, m.crc32, m.header_offset, d.clone())).collect()
}

/// Offsets of the central directory entries, found independently of the
/// reader (the last end record; Zip64 archives through their Zip64 record).
fn central(bytes: &[u8]) -> Vec<usize> {
    let e = bytes.windows(4).rposition(|w| w == b"PK\x05\x06").unwrap();
    let (mut at, n) = if u32_le(bytes, e + 16) == u32::MAX {
        let z = bytes.windows(4).rposition(|w| w == b"PK\x06\x06").unwrap();
        (u64_le(bytes, z + 48) as usize, u64_le(bytes, z + 32) as usize)
    } else {
        (u32_le(bytes, e + 16) as usize, u16_le(bytes, e + 10) as usize)
    };
    (0..n)
        .map(|_| {
            assert_eq!(&bytes[at..at + 4], b"PK\x01\x02");
            let here = at;
            at += 46 + u16_le(bytes, at + 28) as usize + u16_le(bytes, at + 30) as usize + u16_le(bytes, at + 32) as usize;
            here
        })
        .collect()
}

fn u16_le(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}
fn u32_le(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().unwrap())
}
fn u64_le(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().unwrap())
}
fn put32(b: &mut [u8], at: usize, v: u32) {
    b[at..at + 4].copy_from_slice(&v.to_le_bytes());
}
fn put64(b: &mut [u8], at: usize, v: u64) {
    b[at..at + 8].copy_from_slice(&v.to_le_bytes());
}

/// Repetitive text that deflates well, `n` bytes.
fn text(n: usize) -> Vec<u8> {
    (0..n).map(|i| b"campaign,clicks,impressions\n"[i % 28] ^ ((i / 1000) as u8 % 3)).collect()
}

#[test]
fn stored_deflated_directories_and_utf8_names_round_trip() {
    let big = text(200_000);
    let files: &[(&str, &[u8], SimpleFileOptions)] = &[
        ("a.csv", b"x,y\n1,2\n", stored()),
        ("big.csv", &big, deflated()),
        ("empty.csv", b"", stored()),
        ("reports/", b"", stored()),
        ("reports/Übersicht 日本.csv", b"k,v\n\xc3\xa9,1\n", deflated()),
    ];
    let bytes = archive(files);
    assert!(is_zip(&bytes));
    let got = read(&bytes).unwrap();
    assert_eq!(ours(&got), oracle(&bytes));
    assert_eq!(got.len(), files.len());
    for ((m, data), (name, content, _)) in got.iter().zip(files) {
        assert_eq!(&m.name, name);
        assert!(!m.encrypted);
        assert_eq!(m.is_dir(), name.ends_with('/'), "{name}");
        if !m.is_dir() {
            assert_eq!(data.as_deref(), Some(*content), "{name}");
        }
    }
    assert_eq!(got[0].0.method, Method::Stored);
    assert_eq!(got[1].0.method, Method::Deflated);
    assert!(got[1].0.compressed < 20_000, "big.csv deflated to {}", got[1].0.compressed);
}

#[test]
fn empty_archive() {
    let bytes = archive(&[]);
    assert_eq!(bytes.len(), 22);
    assert!(is_zip(&bytes));
    let (dir, list) = list(&bytes, &Limits::default()).unwrap();
    assert_eq!(dir, Directory { offset: 0, len: 0, entries: 0 });
    assert!(list.is_empty());
}

#[test]
fn is_zip_wants_a_local_header_or_an_end_record() {
    assert!(is_zip(b"PK\x03\x04rest"));
    assert!(is_zip(b"PK\x05\x06"));
    assert!(!is_zip(b"PK\x01\x02"));
    assert!(!is_zip(b"PK\x03"));
    assert!(!is_zip(b"campaign,clicks\n"));
    assert!(!is_zip(b""));
}

#[test]
fn a_comment_of_65535_bytes() {
    let comment = "c".repeat(65_535);
    let data = text(5_000);
    let bytes = archive_with(&[("a.csv", &data, deflated()), ("b.csv", b"b\n", stored())], |w| w.set_comment(comment.clone()).unwrap());
    assert!(bytes.len() as u64 > TAIL);
    assert!(bytes.ends_with(comment.as_bytes()));
    assert!(ZipArchive::new(Cursor::new(&bytes)).unwrap().comment() == comment.as_bytes());
    let got = read(&bytes).unwrap();
    assert_eq!(ours(&got), oracle(&bytes));
    assert!(got[0].1.as_deref() == Some(&data[..]));
}

#[test]
fn a_false_end_record_in_the_comment_is_passed_over() {
    // The comment holds an end record's signature whose comment length does
    // not reach the archive's end (the zip crate takes it for the real one).
    let mut comment = String::from("PK\u{5}\u{6}");
    comment.push_str(&"\0".repeat(18));
    comment.push_str(&"c".repeat(1_000));
    let data = text(5_000);
    let bytes = archive_with(&[("a.csv", &data, deflated()), ("b.csv", b"b\n", stored())], |w| w.set_comment(comment.clone()).unwrap());
    assert!(bytes.ends_with(comment.as_bytes()));
    let got = read(&bytes).unwrap();
    assert_eq!(got.len(), 2);
    assert!(got[0].1.as_deref() == Some(&data[..]));
    assert_eq!(got[1].1.as_deref(), Some(&b"b\n"[..]));
}

#[test]
fn bytes_appended_after_the_comment_are_tolerated() {
    let mut bytes = archive(&[("a.csv", b"a\n", stored())]);
    bytes.extend_from_slice(b"trailing junk");
    let got = read(&bytes).unwrap();
    assert_eq!(got[0].1.as_deref(), Some(&b"a\n"[..]));
}

/// A Zip64 archive: sizes in the Zip64 extra field of every central header,
/// and a Zip64 end record (with `extensible` bytes of extensible data).
fn zip64_archive(extensible: usize, files: &[(&str, &[u8])]) -> Vec<u8> {
    let files: Vec<_> = files.iter().enumerate().map(|(i, (n, d))| (*n, *d, if i % 2 == 0 { deflated() } else { stored() }.large_file(true))).collect();
    archive_with(&files, |w| w.set_raw_zip64_extensible_data_sector(vec![7u8; extensible].into_boxed_slice()))
}

#[test]
fn zip64_end_records_and_extra_fields() {
    let (a, b) = (text(70_000), text(3));
    for extensible in [0, 100] {
        let bytes = zip64_archive(extensible, &[("a.csv", &a), ("b.csv", &b), ("c.csv", b"")]);
        // The Zip64 records are there, and the 32-bit fields are saturated.
        let end = bytes.len() - 22;
        assert_eq!(&bytes[end - 20..end - 16], b"PK\x06\x07");
        for c in central(&bytes) {
            assert_eq!((u32_le(&bytes, c + 20), u32_le(&bytes, c + 24)), (u32::MAX, u32::MAX));
        }
        let got = read(&bytes).unwrap();
        // The 32-bit end record's fields saturated: read from the Zip64 one.
        let mut saturated = bytes.clone();
        saturated[end + 8..end + 20].fill(0xFF);
        assert_eq!(read(&saturated).unwrap(), got);
        assert_eq!(ours(&got), oracle(&bytes));
        assert_eq!(got[0].1.as_deref(), Some(&a[..]));
        assert_eq!(got[1].1.as_deref(), Some(&b[..]));
        assert_eq!(got[2].1.as_deref(), Some(&b""[..]));
        assert!(got[0].0.compressed < 70_000);
    }
}

/// A one-member archive written by hand, its header offset 0xFFFFFFFF in
/// the central header and `extra_offset` in the Zip64 extra field (none
/// when `None`).
fn zip64_offset_archive(extra_offset: Option<u64>) -> Vec<u8> {
    let (name, data) = (b"x.csv", b"hello\n");
    let crc = crc32fast::hash(data);
    let mut b = Vec::new();
    b.extend_from_slice(b"PK\x03\x04\x14\0\0\0\0\0\0\0\0\0");
    b.extend_from_slice(&crc.to_le_bytes());
    b.extend_from_slice(&(data.len() as u32).to_le_bytes());
    b.extend_from_slice(&(data.len() as u32).to_le_bytes());
    b.extend_from_slice(&(name.len() as u16).to_le_bytes());
    b.extend_from_slice(&0u16.to_le_bytes());
    b.extend_from_slice(name);
    b.extend_from_slice(data);
    let cd = b.len();
    b.extend_from_slice(b"PK\x01\x02\x2d\0\x2d\0\0\0\0\0\0\0\0\0");
    b.extend_from_slice(&crc.to_le_bytes());
    b.extend_from_slice(&(data.len() as u32).to_le_bytes());
    b.extend_from_slice(&(data.len() as u32).to_le_bytes());
    b.extend_from_slice(&(name.len() as u16).to_le_bytes());
    b.extend_from_slice(&(if extra_offset.is_some() { 12u16 } else { 0 }).to_le_bytes()); // extra
    b.extend_from_slice(&[0; 6]); // comment, disk, internal attributes
    b.extend_from_slice(&[0; 4]); // external attributes
    b.extend_from_slice(&u32::MAX.to_le_bytes()); // header offset: in the extra field
    b.extend_from_slice(name);
    if let Some(offset) = extra_offset {
        b.extend_from_slice(&1u16.to_le_bytes());
        b.extend_from_slice(&8u16.to_le_bytes());
        b.extend_from_slice(&offset.to_le_bytes());
    }
    let cd_len = b.len() - cd;
    b.extend_from_slice(b"PK\x05\x06\0\0\0\0\x01\0\x01\0");
    b.extend_from_slice(&(cd_len as u32).to_le_bytes());
    b.extend_from_slice(&(cd as u32).to_le_bytes());
    b.extend_from_slice(&0u16.to_le_bytes());
    b
}

#[test]
fn the_header_offset_from_the_zip64_extra_field() {
    let bytes = zip64_offset_archive(Some(0));
    let got = read(&bytes).unwrap();
    assert_eq!(ours(&got), oracle(&bytes));
    assert_eq!(got[0].0.header_offset, 0);
    assert_eq!(got[0].1.as_deref(), Some(&b"hello\n"[..]));
    // An offset in the extra field that points elsewhere is followed (and
    // found to put the member's data past the directory).
    let err = read(&zip64_offset_archive(Some(9))).unwrap_err();
    assert!(matches!(err, ZipError::Overrun { .. }), "{err:?}");
    // A saturated field with no Zip64 extra field.
    let err = read(&zip64_offset_archive(None)).unwrap_err();
    assert!(matches!(&err, ZipError::Malformed { detail, .. } if detail.contains("Zip64 extra field")), "{err:?}");
}

#[test]
fn encrypted_members_are_listed_and_refused() {
    let plain = text(3_000);
    let bytes = archive(&[
        ("plain.csv", &plain, deflated()),
        ("zipcrypto.csv", b"secret,1\n", deflated().with_deprecated_encryption(b"pw").unwrap()),
        ("aes.csv", b"secret,2\n", deflated().with_aes_encryption(AesMode::Aes256, "pw")),
        ("stored-zipcrypto.csv", b"secret,3\n", stored().with_deprecated_encryption(b"pw").unwrap()),
    ]);
    let got = read(&bytes).unwrap();
    assert_eq!(ours(&got), oracle(&bytes));
    assert_eq!(got[0].1.as_deref(), Some(&plain[..]));
    assert_eq!(got.iter().map(|(m, _)| m.encrypted).collect::<Vec<_>>(), [false, true, true, true]);
    assert_eq!(got[2].0.method, Method::Other(99));
    for (m, data) in &got[1..] {
        assert!(data.is_none());
        let err = m.readable().unwrap_err();
        assert_eq!(err, ZipError::Encrypted { name: m.name.clone() });
        assert_eq!(err.to_string(), format!("zip member {:?} is password-protected; adagg cannot read encrypted members", m.name));
    }
    // Method 99 alone (bit 0 cleared) still marks a member encrypted.
    let mut patched = bytes.clone();
    let c = central(&patched)[2];
    patched[c + 8] &= !1;
    let (_, list) = list(&patched, &Limits::default()).unwrap();
    assert!(list[2].encrypted);
}

#[test]
fn unsupported_methods_are_named() {
    let mut bytes = archive(&[("a.csv", &text(2_000), deflated())]);
    let c = central(&bytes)[0];
    bytes[c + 10] = 12;
    let (_, list) = list(&bytes, &Limits::default()).unwrap();
    assert_eq!(list[0].method, Method::Other(12));
    let err = list[0].readable().unwrap_err();
    assert_eq!(err.to_string(), "zip member \"a.csv\" is compressed with bzip2 (method 12); adagg reads stored and deflated members only");
}

/// `bytes` with the name of its first member (ASCII, as long as `raw`)
/// replaced by `raw` in both headers, and bit 11 cleared.
fn renamed(mut bytes: Vec<u8>, raw: &[u8]) -> Vec<u8> {
    let c = central(&bytes)[0];
    assert_eq!(u16_le(&bytes, c + 28) as usize, raw.len());
    bytes[c + 9] &= !0x08;
    bytes[c + 46..c + 46 + raw.len()].copy_from_slice(raw);
    bytes[7] &= !0x08;
    bytes[30..30 + raw.len()].copy_from_slice(raw);
    bytes
}

#[test]
fn names_without_the_utf8_flag_are_cp437_unless_valid_utf8() {
    // Every upper-half byte, held to the zip crate's CP437 table.
    let raw: Vec<u8> = (0x80..=0xFFu8).collect();
    let bytes = renamed(archive(&[(&"a".repeat(128), b"1\n", stored())]), &raw);
    let got = read(&bytes).unwrap();
    assert_eq!(ours(&got), oracle(&bytes));
    assert!(got[0].0.name.starts_with("ÇüéâäàåçêëèïîìÄÅ") && got[0].0.name.ends_with("√ⁿ²■\u{a0}"), "{}", got[0].0.name);
    assert_eq!(got[0].0.name.chars().count(), 128);
    // "caf\x82.csv" is CP437 for café.csv.
    let got = read(&renamed(archive(&[("caf_.csv", b"1\n", stored())]), b"caf\x82.csv")).unwrap();
    assert_eq!(got[0].0.name, "café.csv");
    // UTF-8 without the flag (macOS, most Unix tools) stays UTF-8.
    let got = read(&renamed(archive(&[("caf__.csv", b"1\n", stored())]), "café.csv".as_bytes())).unwrap();
    assert_eq!(got[0].0.name, "café.csv");
}

#[test]
fn two_entries_at_one_local_header_are_an_overlap() {
    let mut bytes = archive(&[("a.csv", b"aaaa\n", stored()), ("b.csv", b"bbbb\n", stored())]);
    let c = central(&bytes)[1];
    put32(&mut bytes, c + 42, 0);
    let err = read(&bytes).unwrap_err();
    assert!(matches!(&err, ZipError::Overlap { offset: 0, .. }), "{err:?}");
    assert!(err.to_string().contains("overlaps member"), "{err}");
}

#[test]
fn a_member_whose_data_covers_the_next_header_is_an_overlap() {
    // Fifield's overlapping-file construction: a's data runs over b's local
    // header (here by claiming b's bytes as a's).
    let mut bytes = archive(&[("a.csv", b"aaaa\n", stored()), ("b.csv", b"bbbb\n", stored())]);
    let c = central(&bytes)[0];
    let b_at = u32_le(&bytes, central(&bytes)[1] + 42);
    let size = b_at - 30 - 5 + 10;
    put32(&mut bytes, c + 20, size);
    put32(&mut bytes, c + 24, size);
    let err = read(&bytes).unwrap_err();
    assert_eq!(err, ZipError::Overlap { name: "b.csv".into(), other: "a.csv".into(), offset: b_at as u64 });
}

#[test]
fn data_past_the_central_directory_is_refused() {
    let mut bytes = archive(&[("a.csv", &text(5_000), deflated())]);
    let c = central(&bytes)[0];
    let size = u32_le(&bytes, c + 20);
    put32(&mut bytes, c + 20, size + 200);
    let err = read(&bytes).unwrap_err();
    assert!(matches!(err, ZipError::Overrun { .. }), "{err:?}");
    // A local header with a longer extra field than the central one pushes
    // the data past the directory too: caught once the local header is read.
    let mut bytes = archive(&[("a.csv", &text(5_000), deflated())]);
    bytes[28] = 40;
    let err = read(&bytes).unwrap_err();
    assert!(matches!(err, ZipError::Overrun { .. }), "{err:?}");
}

#[test]
fn output_longer_than_declared_stops_at_the_declared_size() {
    let mut bytes = archive(&[("bomb.csv", &text(100_000), deflated())]);
    let c = central(&bytes)[0];
    put32(&mut bytes, c + 24, 1_500);
    let err = read(&bytes).unwrap_err();
    assert_eq!(err, ZipError::Longer { name: "bomb.csv".into(), declared: 1_500 });
    // Fed directly: one byte past the declared size errors, at once.
    let (_, list) = list(&bytes, &Limits::default()).unwrap();
    let mut check = Check::new(&list[0], &Limits::default());
    check.update(&[0; 1_500]).unwrap();
    assert!(check.update(&[0]).is_err());
}

#[test]
fn output_shorter_than_declared_is_an_error() {
    let mut bytes = archive(&[("a.csv", &text(10_000), deflated())]);
    let c = central(&bytes)[0];
    put32(&mut bytes, c + 24, 10_001);
    let err = read(&bytes).unwrap_err();
    assert_eq!(err, ZipError::Shorter { name: "a.csv".into(), declared: 10_001, got: 10_000 });
}

#[test]
fn crc_mismatches_are_errors() {
    // The declared CRC patched.
    let mut bytes = archive(&[("a.csv", &text(10_000), deflated())]);
    let c = central(&bytes)[0];
    let crc = u32_le(&bytes, c + 16);
    put32(&mut bytes, c + 16, crc ^ 1);
    assert_eq!(read(&bytes).unwrap_err(), ZipError::Crc { name: "a.csv".into(), declared: crc ^ 1, got: crc });
    // A stored member's data patched.
    let mut bytes = archive(&[("a.csv", b"hello\n", stored())]);
    bytes[30 + 5] = b'j';
    assert!(matches!(read(&bytes).unwrap_err(), ZipError::Crc { .. }));
}

#[test]
fn declared_sizes_past_the_limits_are_refused_before_reading() {
    let files: &[(&str, &[u8], SimpleFileOptions)] = &[("a.csv", b"1\n", stored()), ("b.csv", &[b'x'; 3_000], deflated()), ("c.csv", b"3\n", stored())];
    let bytes = archive(files);
    // A huge declared size (3 GiB) against a 1 GiB limit.
    let mut patched = bytes.clone();
    put32(&mut patched, central(&bytes)[1] + 24, 3 << 30);
    let limits = Limits { max_member: 1 << 30, ..Limits::default() };
    let err = read_with(&patched, &limits).unwrap_err();
    assert_eq!(err, ZipError::MemberTooLarge { name: "b.csv".into(), declared: 3 << 30, max: 1 << 30 });
    assert_eq!(err.to_string(), "zip member \"b.csv\" would decompress to 3221225472 bytes (3.0 GiB), more than the limit of 1073741824 bytes (1.0 GiB) per member (a zip bomb?)");
    // The total.
    let limits = Limits { max_total: 3_003, ..Limits::default() };
    assert_eq!(read_with(&bytes, &limits).unwrap_err(), ZipError::TotalTooLarge { name: "c.csv".into(), max: 3_003 });
    assert!(read_with(&bytes, &Limits { max_total: 3_004, ..Limits::default() }).is_ok());
    // The entry count, and the directory's size.
    let limits = Limits { max_members: 2, ..Limits::default() };
    assert_eq!(read_with(&bytes, &limits).unwrap_err(), ZipError::TooManyMembers { entries: 3, max: 2 });
    assert!(read_with(&bytes, &Limits { max_members: 3, ..Limits::default() }).is_ok());
    let limits = Limits { max_directory: 100, ..Limits::default() };
    assert!(matches!(read_with(&bytes, &limits).unwrap_err(), ZipError::DirectoryTooLarge { max: 100, .. }));
    // Decompressing past max_member is caught by Check even when the
    // declared size allows it.
    let (_, list) = list(&bytes, &Limits::default()).unwrap();
    let mut check = Check::new(&list[1], &Limits { max_member: 2_000, ..Limits::default() });
    check.update(&[b'x'; 2_000]).unwrap();
    assert!(matches!(check.update(b"x"), Err(ZipError::MemberTooLarge { declared: 2_001, .. })));
}

#[test]
fn a_zip64_size_of_300_gib_is_past_the_default_limit() {
    let bytes = zip64_archive(0, &[("a.csv", b"a\n")]);
    let c = central(&bytes)[0];
    let (name_len, extra_len) = (u16_le(&bytes, c + 28) as usize, u16_le(&bytes, c + 30) as usize);
    let extra = c + 46 + name_len;
    assert!(extra_len >= 20);
    assert_eq!(u16_le(&bytes, extra), 1);
    let mut patched = bytes.clone();
    put64(&mut patched, extra + 4, 300 << 30);
    let err = read(&patched).unwrap_err();
    assert_eq!(err, ZipError::MemberTooLarge { name: "a.csv".into(), declared: 300 << 30, max: 256 << 30 });
    assert!(read(&bytes).is_ok());
}

#[test]
fn truncated_archives_and_other_files_are_not_zips() {
    let bytes = archive(&[("a.csv", &text(10_000), deflated()), ("b.csv", b"b\n", stored())]);
    for cut in [1, 10, 21, 22, 100, bytes.len() / 2, bytes.len() - 10] {
        let err = read(&bytes[..bytes.len() - cut]).unwrap_err();
        assert!(matches!(err, ZipError::NotZip { .. }), "cut {cut}: {err:?}");
    }
    let err = read(b"campaign,clicks\nA,1\n").unwrap_err();
    assert_eq!(err.to_string(), "not a zip archive: no end-of-central-directory record in its last 20 bytes (or the archive is truncated)");
    assert!(matches!(read(b""), Err(ZipError::NotZip { searched: 0 })));
    // The start cut off: the end record is found, but points past itself.
    let err = read(&bytes[100..]).unwrap_err();
    assert!(matches!(err, ZipError::Malformed { .. }), "{err:?}");
}

#[test]
fn bad_signatures_and_split_archives() {
    let bytes = archive(&[("a.csv", b"a\n", stored()), ("b.csv", b"b\n", stored())]);
    let c = central(&bytes);
    // A local header's signature.
    let mut patched = bytes.clone();
    let b_at = u32_le(&bytes, c[1] + 42) as usize;
    patched[b_at] = b'Q';
    assert_eq!(read(&patched).unwrap_err(), ZipError::NoLocalHeader { name: "b.csv".into(), offset: b_at as u64 });
    // A central entry's signature.
    let mut patched = bytes.clone();
    patched[c[1]] = b'Q';
    assert_eq!(read(&patched).unwrap_err(), ZipError::BadSignature { record: "central directory entry", offset: c[1] as u64 });
    // The end record claiming fewer entries than there are.
    let mut patched = bytes.clone();
    let e = bytes.len() - 22;
    patched[e + 8] = 1;
    patched[e + 10] = 1;
    assert!(matches!(read(&patched).unwrap_err(), ZipError::Malformed { detail, .. } if detail.contains("more entries")));
    // Multi-disk: the end record's disk number, and a member's.
    let mut patched = bytes.clone();
    patched[e + 4] = 1;
    assert_eq!(read(&patched).unwrap_err(), ZipError::MultiDisk);
    let mut patched = bytes.clone();
    patched[c[0] + 34] = 1;
    assert_eq!(read(&patched).unwrap_err(), ZipError::MultiDisk);
}

#[test]
fn slices_of_the_wrong_length_are_reported() {
    let bytes = archive(&[("a.csv", b"a\n", stored())]);
    let len = bytes.len() as u64;
    assert!(matches!(find_directory(&bytes, len - 1), Err(ZipError::WrongSlice { .. })));
    let dir = find_directory(&bytes, len).unwrap();
    let d = &bytes[dir.offset as usize..];
    assert!(matches!(members(&d[..d.len() - 1], &dir, len, &Limits::default()), Err(ZipError::WrongSlice { .. })));
    let list = members(&d[..dir.len as usize], &dir, len, &Limits::default()).unwrap();
    assert!(matches!(data_offset(&list[0], &bytes[..29]), Err(ZipError::WrongSlice { .. })));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn random_archives_round_trip(
        files in prop::collection::vec((prop::collection::vec(any::<u8>(), 0..3_000), 0u8..4, any::<bool>()), 0..8),
        zip64 in any::<bool>(),
    ) {
        let contents: Vec<Vec<u8>> = files.iter().map(|(data, repeat, _)| data.repeat(1 + *repeat as usize * 5)).collect();
        let names: Vec<String> = (0..files.len()).map(|i| format!("dir {i}/file-{i}-é.csv")).collect();
        let list: Vec<(&str, &[u8], SimpleFileOptions)> = files.iter().enumerate()
            .map(|(i, (_, _, deflate))| (names[i].as_str(), &contents[i][..], if *deflate { deflated() } else { stored() }.large_file(zip64)))
            .collect();
        let bytes = archive(&list);
        let got = read(&bytes).unwrap();
        prop_assert_eq!(ours(&got), oracle(&bytes));
        prop_assert_eq!(got.len(), files.len());
        for (i, (m, data)) in got.iter().enumerate() {
            prop_assert_eq!(&m.name, &names[i]);
            prop_assert_eq!(data.as_deref(), Some(&contents[i][..]));
            prop_assert_eq!(m.method, if files[i].2 { Method::Deflated } else { Method::Stored });
        }
    }
}
