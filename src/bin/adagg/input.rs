//! What an `--input` is, and how its bytes are read (issue 18).
//!
//! - A plain file is read in byte ranges, one per thread.
//! - Everything else is a stream, read once from its first byte. A second
//!   pass (the other order of day and month, the daily series' top
//!   campaigns, locating an overflow's line) opens it again.
//!   - A gzip file (its magic bytes, whatever its name; several members
//!     joined work) is decompressed by flate2 on a thread of its own while
//!     the rows are parsed ([`ReadAhead`]).
//!   - A zip archive gives one input per CSV, TSV, TXT, gzip or workbook
//!     member (one level; other members are listed as skipped). Its
//!     directory and members are read by the core's [`adagg::unpack::zip`],
//!     which checks the bomb limits and each member's size and CRC-32.
//!   - A workbook (`.xlsx`, `.xls`, `.ods`) is read whole: the core turns
//!     its sheet into CSV text ([`adagg::unpack::sheet`]).
//!   - `-` is standard input. It is first copied to a temporary file
//!     (removed at exit), then read as any file: in parallel ranges if
//!     plain, and a second pass can read it again.

use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::Arc;

use adagg::unpack::sheet::{self, BookKind};
use adagg::unpack::zip::{self, Member, Method};
use adagg::Options;

/// Bytes of the first read, to tell what a file is.
const SNIFF: usize = 64 << 10;
/// The largest workbook read (it is held in memory, with its CSV text).
const MAX_WORKBOOK: u64 = 2 << 30;

/// One input as the runs read it: a file, or a stream made from one.
pub(crate) struct Source {
    /// How results and errors name it: the path, or `archive.zip/member.csv`.
    pub(crate) label: String,
    /// The file name its platform may be told by.
    pub(crate) name: String,
    /// `--platform` given for it.
    pub(crate) platform: Option<String>,
    /// What was unpacked to get it, for the summary (`None`: a plain file).
    pub(crate) unpacked: Option<String>,
    kind: Kind,
}

enum Kind {
    /// Read in byte ranges.
    File(PathBuf),
    /// A gzip file.
    Gzip(PathBuf),
    /// A member of a zip archive: its data at `data` in `archive`.
    Member { archive: PathBuf, member: Member, data: u64, gzip: bool },
    /// CSV text made from a workbook's sheet.
    Text(Arc<[u8]>),
}

impl Source {
    /// A plain file, read in byte ranges and named by its path.
    pub(crate) fn file(path: &Path) -> Source {
        Source { label: path.display().to_string(), name: file_name(path), platform: None, unpacked: None, kind: Kind::File(path.to_path_buf()) }
    }

    /// `message` naming this input: as it is when it does already (the
    /// errors of gzip and zip streams start with the label), else after
    /// the label.
    pub(crate) fn named(&self, message: String) -> String {
        match message.starts_with(&self.label) {
            true => message,
            false => format!("{}: {message}", self.label),
        }
    }

    /// The path to read in byte ranges, for a plain file.
    pub(crate) fn path(&self) -> Option<&Path> {
        match &self.kind {
            Kind::File(path) => Some(path),
            _ => None,
        }
    }

    /// The file's size on disk (a member's compressed size; a sheet's CSV
    /// text), for the summary's throughput.
    pub(crate) fn len(&self) -> io::Result<u64> {
        match &self.kind {
            Kind::File(path) | Kind::Gzip(path) => Ok(std::fs::metadata(path)?.len()),
            Kind::Member { member, .. } => Ok(member.compressed),
            Kind::Text(text) => Ok(text.len() as u64),
        }
    }

    /// The options to read it with: a workbook's sheet is UTF-8 CSV text
    /// with commas whatever `--delimiter` and `--encoding` say (they are
    /// for CSV files).
    pub(crate) fn options(&self, base: &Options) -> Options {
        match self.kind {
            Kind::Text(_) => Options { delimiter: Some(b','), encoding: Some(adagg::Encoding::Utf8), ..base.clone() },
            _ => base.clone(),
        }
    }

    /// The bytes from the first, decompressed as needed. Gzip and deflate
    /// are decompressed on another thread, ahead of the reader.
    pub(crate) fn open(&self) -> io::Result<Box<dyn Read + Send>> {
        Ok(match &self.kind {
            Kind::File(path) => Box::new(File::open(path)?),
            Kind::Gzip(path) => {
                let file = File::open(path)?;
                let len = file.metadata()?.len();
                Box::new(ReadAhead::new(gzip_reader(Box::new(file), len, self.label.clone())))
            }
            Kind::Member { archive, member, data, gzip } => {
                let mut file = File::open(archive)?;
                file.seek(SeekFrom::Start(*data))?;
                let raw: Box<dyn Read + Send> = Box::new(BufReader::with_capacity(1 << 20, file.take(member.compressed)));
                let inflated: Box<dyn Read + Send> = match member.method {
                    Method::Stored => raw,
                    Method::Deflated => Box::new(flate2::read::DeflateDecoder::new_with_buf(raw, vec![0; 1 << 16])),
                    Method::Other(_) => return Err(io::Error::other(format!("{}: {}", self.label, member.readable().err().map(|e| e.to_string()).unwrap_or_default()))),
                };
                let checked = Checked { inner: inflated, check: Some(zip::Check::new(member, &zip::Limits::default())), label: self.label.clone() };
                match gzip {
                    true => Box::new(ReadAhead::new(gzip_reader(Box::new(checked), member.uncompressed, self.label.clone()))),
                    false => Box::new(ReadAhead::new(Box::new(checked))),
                }
            }
            Kind::Text(text) => Box::new(io::Cursor::new(Arc::clone(text))),
        })
    }
}

/// A gzip stream's bytes (all its members), its errors naming the
/// compressed byte they were found at.
fn gzip_reader(inner: Box<dyn Read + Send>, len: u64, label: String) -> Box<dyn Read + Send> {
    let counted = Counted { inner, read: 0, len, label };
    Box::new(GzipErrors(flate2::bufread::MultiGzDecoder::new(BufReader::with_capacity(1 << 20, counted))))
}

/// Counts the compressed bytes read, for gzip's errors.
struct Counted {
    inner: Box<dyn Read + Send>,
    read: u64,
    len: u64,
    label: String,
}

impl Read for Counted {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        Ok(n)
    }
}

/// flate2's errors said with where in the compressed file they were found.
struct GzipErrors(flate2::bufread::MultiGzDecoder<BufReader<Counted>>);

impl Read for GzipErrors {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf).map_err(|e| {
            let counted = self.0.get_ref().get_ref();
            let at = counted.read - self.0.get_ref().buffer().len() as u64;
            let what = match e.kind() {
                io::ErrorKind::UnexpectedEof => format!("the gzip data is truncated: it ends at byte {} before the end of its stream", counted.len),
                _ => format!("the gzip data is corrupt at or before byte {at} of {} ({e})", counted.len),
            };
            io::Error::new(e.kind(), format!("{}: {what}; no result is given for a part of the file", counted.label))
        })
    }
}

/// A zip member's bytes, checked as they come ([`zip::Check`]).
struct Checked {
    inner: Box<dyn Read + Send>,
    check: Option<zip::Check>,
    label: String,
}

impl Read for Checked {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let bad = |label: &str, e: zip::ZipError| io::Error::other(format!("{label}: {e}"));
        let n = self.inner.read(buf).map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", self.label)))?;
        match (n, self.check.as_mut()) {
            (0, Some(_)) => self.check.take().expect("checked").finish().map_err(|e| bad(&self.label, e))?,
            (_, Some(check)) => check.update(&buf[..n]).map_err(|e| bad(&self.label, e))?,
            (_, None) => {}
        }
        Ok(n)
    }
}

/// Reads its stream on a thread of its own, a block ahead of the reader:
/// decompression and parsing overlap.
pub(crate) struct ReadAhead {
    blocks: Receiver<io::Result<Vec<u8>>>,
    block: Vec<u8>,
    at: usize,
    done: bool,
}

impl ReadAhead {
    const BLOCK: usize = 1 << 20;

    pub(crate) fn new(mut inner: Box<dyn Read + Send>) -> ReadAhead {
        let (send, blocks) = sync_channel(4);
        std::thread::spawn(move || loop {
            let mut block = vec![0u8; Self::BLOCK];
            let mut n = 0;
            // A full block (or the end): the reader's slices stay large.
            let result = loop {
                match inner.read(&mut block[n..]) {
                    Ok(0) => break Ok(()),
                    Ok(k) => {
                        n += k;
                        if n == block.len() {
                            break Ok(());
                        }
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => break Err(e),
                }
            };
            block.truncate(n);
            let end = n == 0 || result.is_err();
            if n > 0 && send.send(Ok(block)).is_err() {
                return;
            }
            if let Err(e) = result {
                let _ = send.send(Err(e));
                return;
            }
            if end {
                let _ = send.send(Ok(Vec::new()));
                return;
            }
        });
        ReadAhead { blocks, block: Vec::new(), at: 0, done: false }
    }
}

impl Read for ReadAhead {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at == self.block.len() {
            if self.done {
                return Ok(0);
            }
            match self.blocks.recv() {
                Ok(Ok(block)) if block.is_empty() => self.done = true,
                Ok(Ok(block)) => {
                    self.block = block;
                    self.at = 0;
                }
                Ok(Err(e)) => {
                    self.done = true;
                    return Err(e);
                }
                Err(_) => return Err(io::Error::other("the reading thread stopped")),
            }
        }
        let n = buf.len().min(self.block.len() - self.at);
        buf[..n].copy_from_slice(&self.block[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// Standard input copied to a temporary file, removed when dropped.
pub(crate) struct Spooled(PathBuf);

impl Drop for Spooled {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

impl Spooled {
    /// The temporary file.
    pub(crate) fn path(&self) -> &Path {
        &self.0
    }
}

/// Copies standard input to a temporary file.
pub(crate) fn spool_stdin() -> Result<Spooled, String> {
    let path = std::env::temp_dir().join(format!("adagg-stdin-{}", std::process::id()));
    // A new file (never one already there, such as a link planted in /tmp),
    // removed when the run ends.
    let mut out = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    let spooled = Spooled(path);
    io::copy(&mut io::stdin().lock(), &mut out).map_err(|e| format!("cannot copy standard input to {}: {e}", spooled.0.display()))?;
    Ok(spooled)
}

/// What a file is, by its first bytes (and, for a zip, its name).
enum What {
    Plain,
    Gzip,
    Zip,
    Book(BookKind),
}

fn what(prefix: &[u8], name: &str) -> What {
    if prefix.starts_with(&[0x1f, 0x8b]) {
        return What::Gzip;
    }
    if let Some(kind) = sheet::book_kind(prefix, name) {
        return What::Book(kind);
    }
    if zip::is_zip(prefix) {
        return What::Zip;
    }
    What::Plain
}

fn read_prefix(path: &Path) -> Result<Vec<u8>, String> {
    let mut prefix = Vec::with_capacity(SNIFF);
    File::open(path)
        .and_then(|f| f.take(SNIFF as u64).read_to_end(&mut prefix))
        .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    Ok(prefix)
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Megabytes for the summary.
fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

/// The inputs `path` gives (`label`: how it is named; `stdin`: read from
/// standard input): one, or a zip archive's members.
pub(crate) fn unpack(path: &Path, label: &str, platform: Option<String>, sheet: Option<&str>, options: &Options) -> Result<Vec<Source>, String> {
    let name = file_name(path);
    let prefix = read_prefix(path)?;
    let one = |kind: Kind, unpacked: Option<String>| Source { label: label.to_string(), name: name.clone(), platform: platform.clone(), unpacked, kind };
    Ok(match what(&prefix, &name) {
        What::Plain => vec![Source { label: label.to_string(), platform: platform.clone(), ..Source::file(path) }],
        What::Gzip => {
            let len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
            let stem = name.strip_suffix(".gz").unwrap_or(&name).to_string();
            let mut source = one(Kind::Gzip(path.to_path_buf()), Some(format!("{label}: gzip, {} compressed", mb(len))));
            source.name = stem;
            vec![source]
        }
        What::Book(kind) => {
            let bytes = read_book(File::open(path).map_err(|e| format!("cannot open {label}: {e}"))?, label)?;
            vec![book_source(bytes, kind, label, &name, platform.clone(), sheet, options)?]
        }
        What::Zip => zip_members(path, label, platform, sheet, options)?,
    })
}

/// A workbook's bytes, at most [`MAX_WORKBOOK`].
fn read_book(reader: impl Read, label: &str) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    reader.take(MAX_WORKBOOK + 1).read_to_end(&mut bytes).map_err(|e| format!("cannot read {label}: {e}"))?;
    if bytes.len() as u64 > MAX_WORKBOOK {
        return Err(format!("{label}: a workbook over {} is not read (it is held in memory); save its sheet as CSV", mb(MAX_WORKBOOK)));
    }
    Ok(bytes)
}

/// A workbook's sheet as a source of CSV text.
fn book_source(bytes: Vec<u8>, kind: BookKind, label: &str, name: &str, platform: Option<String>, sheet: Option<&str>, options: &Options) -> Result<Source, String> {
    let len = bytes.len() as u64;
    let csv = sheet::sheet_csv(&bytes, kind, sheet, options).map_err(|e| format!("{label}: {e}"))?;
    drop(bytes);
    let others = match csv.sheets.len() {
        1 => String::new(),
        n => format!(" (of {n}: {})", csv.sheets.join(", ")),
    };
    let unpacked = format!("{label}: sheet \"{}\"{others}, {} rows, {} → {} of CSV", csv.sheet, csv.rows, mb(len), mb(csv.csv.len() as u64));
    Ok(Source { label: label.to_string(), name: name.to_string(), platform, unpacked: Some(unpacked), kind: Kind::Text(csv.csv.into()) })
}

/// What a zip member is read as, by its name: `csv`, `gzip`, `book`,
/// `metadata` (macOS's `__MACOSX/` and `._` files, passed over without a
/// word), or `None` (listed as skipped).
fn member_kind(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    let base = lower.rsplit('/').next().unwrap_or(&lower);
    if lower.starts_with("__macosx/") || base.starts_with("._") || base.is_empty() {
        return Some("metadata");
    }
    let ext = base.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    match ext {
        "csv" | "tsv" | "txt" => Some("csv"),
        "gz" => Some("gzip"),
        "xlsx" | "xlsm" | "xlsb" | "xls" | "ods" => Some("book"),
        _ => None,
    }
}

/// The inputs of a zip archive: its CSV, gzip and workbook members.
fn zip_members(path: &Path, label: &str, platform: Option<String>, sheet: Option<&str>, options: &Options) -> Result<Vec<Source>, String> {
    let io = |e: io::Error| format!("cannot read {label}: {e}");
    let mut file = File::open(path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    let tail_len = zip::TAIL.min(len);
    let mut tail = vec![0u8; tail_len as usize];
    file.seek(SeekFrom::Start(len - tail_len)).map_err(io)?;
    file.read_exact(&mut tail).map_err(io)?;
    let bad = |e: zip::ZipError| format!("{label}: {e}");
    let dir = zip::find_directory(&tail, len).map_err(bad)?;
    let limits = zip::Limits::default();
    dir.check(&limits).map_err(bad)?;
    let mut directory = vec![0u8; dir.len as usize];
    file.seek(SeekFrom::Start(dir.offset)).map_err(io)?;
    file.read_exact(&mut directory).map_err(io)?;
    let members = zip::members(&directory, &dir, len, &limits).map_err(bad)?;
    let mut sources = Vec::new();
    let mut skipped = Vec::new();
    let mut unpacked = Vec::new();
    for member in members {
        if member.is_dir() {
            continue;
        }
        let kind = match member_kind(&member.name) {
            Some("metadata") => continue,
            Some(kind) => kind,
            None => {
                skipped.push(member.name.clone());
                continue;
            }
        };
        member.readable().map_err(bad)?;
        let mut header = [0u8; zip::LOCAL_HEADER];
        file.seek(SeekFrom::Start(member.header_offset)).map_err(io)?;
        file.read_exact(&mut header).map_err(io)?;
        let data = zip::data_offset(&member, &header).map_err(bad)?;
        let member_label = format!("{label}/{}", member.name);
        let member_name = member.name.rsplit('/').next().unwrap_or(&member.name).to_string();
        unpacked.push(format!("{} ({} → {})", member.name, mb(member.compressed), mb(member.uncompressed)));
        let gzip = kind == "gzip";
        let source = Source {
            label: member_label.clone(),
            name: if gzip { member_name.strip_suffix(".gz").unwrap_or(&member_name).to_string() } else { member_name.clone() },
            platform: platform.clone(),
            unpacked: None,
            kind: Kind::Member { archive: path.to_path_buf(), member: member.clone(), data, gzip },
        };
        if kind == "book" {
            let bytes = read_book(source.open().map_err(io)?, &member_label)?;
            let book = sheet::book_kind(&bytes, &member_name).ok_or_else(|| format!("{member_label}: not a workbook (xlsx, xls or ods)"))?;
            sources.push(book_source(bytes, book, &member_label, &member_name, platform.clone(), sheet, options)?);
        } else {
            sources.push(source);
        }
    }
    if sources.is_empty() {
        return Err(format!(
            "{label}: the zip archive has no CSV, TSV, TXT, gzip or workbook member{}",
            match skipped.is_empty() {
                true => String::new(),
                false => format!(" (it has: {})", skipped.join(", ")),
            }
        ));
    }
    let mut note = format!("{label}: zip, {} member{} read: {}", unpacked.len(), if unpacked.len() == 1 { "" } else { "s" }, unpacked.join(", "));
    if !skipped.is_empty() {
        note += &format!("; skipped (not CSV, gzip or a workbook): {}", skipped.join(", "));
    }
    sources[0].unpacked = Some(match sources[0].unpacked.take() {
        Some(sheet) => format!("{note}\n                 {sheet}"),
        None => note,
    });
    Ok(sources)
}
