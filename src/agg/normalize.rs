//! The normalized table (issue 15): every accepted row as one canonical
//! CSV line, `date,platform,campaign_id,campaign_name,impressions,clicks,
//! spend,conversions,revenue` ([`NORMALIZED_HEADER`]).
//!
//! - `date`: ISO `YYYY-MM-DD`; empty when the file has no date column, and
//!   empty when the cell is not a date the core reads (the row is kept and
//!   counted as the aggregate job counts it: a `BadDate` data-quality
//!   warning).
//! - `platform`: the file's ([`crate::schema::platform::Platform`]), or the
//!   name the shell gives.
//! - `campaign_id`, `campaign_name`: text cells, spreadsheet-safe and
//!   RFC 4180-quoted ([`crate::text::cell`]); Windows-1252 text decoded to
//!   UTF-8. When the file has no id column the name is the key: both
//!   columns hold it. Without a name column, `campaign_name` is empty.
//! - counts as integers; money (spend, revenue) as plain decimals with 2
//!   to 6 places (`12.50`, `0.123456`, `3.1416`: the exact micro-units,
//!   trailing zeros past the second place dropped); `revenue` empty when
//!   the file has no revenue column.
//!
//! Lines end in `\n`. The sink keeps the data-quality counts that need no
//! campaign table (values, rounded spend, dates); it does no duplicate
//! check (that needs the (campaign, day) pairs, which normalizing keeps
//! no memory for).

use crate::agg::partial::Partial;
use crate::agg::quality::Quality;
use crate::agg::sink::RowSink;
use crate::error::Error;
use crate::group::table::Table;
use crate::row::accepted::{AcceptedRow, RowDate};
use crate::schema::field::Field;
use crate::schema::totals::{Sum, SumKind, Totals, REQUIRED, SUMS};
use crate::text::cell::push_csv_text_bytes;
use crate::text::date::{civil_from_day, Day, NO_DAY};
use crate::text::number::MICROS;
use crate::text::encoding::Encoding;

/// The header line of `normalized.csv` (without its `\n`).
pub const NORMALIZED_HEADER: &str = "date,platform,campaign_id,campaign_name,impressions,clicks,spend,conversions,revenue";

/// How a file's rows are written, and the output so far.
#[derive(Debug, Clone)]
pub struct Normalizer {
    /// `,platform,` as written between the date and the id.
    platform: Vec<u8>,
    /// The file has a revenue column.
    revenue: bool,
    /// The file's campaign column is its name (no id column).
    key_is_name: bool,
    /// The file's encoding: Windows-1252 and Shift_JIS ids and names are
    /// decoded on the way out ([`Encoding::legacy`]).
    encoding: Encoding,
    /// Ids must be valid UTF-8 (as the aggregate job requires).
    utf8_ids: bool,
    /// The sums of the canonical layout whose numbers are copied from the
    /// line when they stand there as they are written (0: never; see
    /// [`copy_numbers`](Self::copy_numbers)).
    raw_sums: usize,
    /// The last day written and its text.
    last_day: (Day, [u8; 10]),
    /// [`platform`](Self::platform) zero-padded, stored whole on the fast
    /// way when it fits (a fixed-size copy, no loop).
    platform_words: Option<[u8; PLATFORM_WORDS]>,
    scratch: String,
    /// Lines written since the output was last taken (see
    /// [`lines`](Self::lines)), up to `filled`; the bytes after are room
    /// for the next rows, written in place byte by byte (no call per
    /// field). [`STALE`] when `out` was last handed out: its length then
    /// says where the lines end.
    filled: usize,
    out: Vec<u8>,
}

/// Bytes [`Normalizer::out`] grows by at least.
const BLOCK: usize = 64 << 10;
/// [`Normalizer::filled`] when `out` may have been changed since (larger
/// than any buffer, with room for [`ROW_MAX`] more without overflowing).
const STALE: usize = usize::MAX / 2;
/// Room for a row on the fast way: ids and names of at most [`SHORT`]
/// bytes, a platform cell of at most `SHORT + 2`, five numbers of at most
/// 21 bytes with their commas, the line end, and [`SLACK`] for the
/// fixed-size stores that write past the end of what they put.
const ROW_MAX: usize = 10 + (SHORT + 2) + SHORT + 1 + SHORT + 5 * 22 + 1 + SLACK;
/// The longest platform, id or name written on the fast way.
const SHORT: usize = 64;
/// Bytes a fixed-size store may write past the end of what it puts.
const SLACK: usize = 32;
/// Bytes of [`Normalizer::platform_words`].
const PLATFORM_WORDS: usize = 32;

impl Normalizer {
    /// Rows of a file whose rows go to `platform` (written as a text
    /// cell); `revenue`: it has a revenue column; `key_is_name`: its
    /// campaign column is the name; `encoding`: the file's (Windows-1252 and
    /// Shift_JIS text is decoded); `utf8_ids`: it is read as UTF-8.
    pub fn new(platform: &str, revenue: bool, key_is_name: bool, encoding: Encoding, utf8_ids: bool) -> Normalizer {
        let mut cell = vec![b','];
        push_csv_text_bytes(&mut cell, platform.as_bytes(), &mut String::new());
        cell.push(b',');
        let platform_words = (cell.len() <= PLATFORM_WORDS).then(|| {
            let mut words = [0; PLATFORM_WORDS];
            words[..cell.len()].copy_from_slice(&cell);
            words
        });
        Normalizer {
            platform: cell,
            platform_words,
            revenue,
            key_is_name,
            encoding,
            utf8_ids,
            raw_sums: 0,
            last_day: (NO_DAY, [0; 10]),
            scratch: String::new(),
            filled: STALE,
            out: Vec::new(),
        }
    }

    /// Rows whose line the reader hands on as it stands
    /// ([`AcceptedRow::line_from_campaign`]) and whose file has the canonical
    /// layout with `sums` sums (`campaign_id,date,` then the sums in
    /// [`Sum::ALL`] order), `,` between fields and `.` before decimals, get
    /// their numbers copied from the line when they are written there
    /// exactly as they would be written ([`put_raw`]); 0: never.
    pub fn copy_numbers(&mut self, sums: usize) {
        let fits = match sums {
            REQUIRED => !self.revenue,
            SUMS => self.revenue,
            _ => false,
        };
        self.raw_sums = if fits && !self.key_is_name { sums } else { 0 };
    }

    /// The lines written so far and not yet taken: write them out and
    /// clear the buffer.
    pub fn lines(&mut self) -> &mut Vec<u8> {
        self.flush();
        self.filled = STALE;
        &mut self.out
    }

    /// Takes `buf` as the buffer the next lines are written to, its bytes
    /// as room to write over (none of them kept): a buffer handed out
    /// before can be given back without clearing it, and its bytes are not
    /// written twice (cleared, then written).
    pub fn reuse(&mut self, buf: Vec<u8>) {
        self.out = buf;
        self.filled = 0;
    }

    /// `out` holds exactly the lines.
    fn flush(&mut self) {
        if self.filled != STALE {
            self.out.truncate(self.filled);
        }
    }

    /// Room for [`ROW_MAX`] bytes after `filled` in `out` (it is zeroed
    /// once, as it grows).
    #[cold]
    #[inline(never)]
    fn make_room(&mut self) {
        self.flush();
        self.filled = self.out.len();
        // The capacity first (a reused buffer's), then twice as much.
        let need = self.filled + ROW_MAX;
        let len = match need <= self.out.capacity() {
            true => self.out.capacity(),
            false => need.max(2 * self.out.capacity()).max(BLOCK),
        };
        self.out.resize(len, 0);
    }

    /// Writes a row straight into the block when its text cells are short
    /// and need nothing (the common row); false, with nothing written,
    /// otherwise. Digits and short cells are put with fixed-size stores
    /// (the block has room past the row, see [`ROW_MAX`]).
    #[inline(always)]
    fn write_fast<R: AcceptedRow>(&mut self, row: &R) -> bool {
        if self.filled + ROW_MAX > self.out.len() {
            self.make_room();
        }
        let block = &mut self.out[self.filled..self.filled + ROW_MAX];
        let mut n = 0;
        if let RowDate::Day(day) = row.date() {
            if self.last_day.0 != day {
                self.last_day = (day, iso_day(day));
            }
            block[..10].copy_from_slice(&self.last_day.1);
            n = 10;
        }
        match &self.platform_words {
            Some(words) => block[n..n + PLATFORM_WORDS].copy_from_slice(words),
            None if self.platform.len() <= SHORT + 2 => block[n..n + self.platform.len()].copy_from_slice(&self.platform),
            None => return false,
        }
        n += self.platform.len();
        let campaign = row.campaign();
        let Some(len) = put_id(&mut block[n..], campaign, row.key()) else {
            return false;
        };
        n += len;
        block[n] = b',';
        n += 1;
        if self.key_is_name {
            n += put_id(&mut block[n..], campaign, row.key()).expect("written above");
        } else {
            let name = row.name();
            if !name.is_empty() {
                let Some(len) = put_plain(&mut block[n..], name) else {
                    return false;
                };
                n += len;
            }
        }
        // The sums of `Sum::ALL` one by one (no loop to run: the numbers
        // are computed side by side).
        const _: () = assert!(matches!(Sum::ALL, [Sum::Impressions, Sum::Clicks, Sum::Spend, Sum::Conversions, Sum::Revenue]));
        // Each sum read on its own (copying the whole `Totals` loads two
        // sums at a time, which waits for the reader's stores to land).
        let sums = row.values().sums;
        if self.raw_sums != 0 {
            if let (RowDate::Day(_), Some((rest, len))) = (row.date(), row.line_from_campaign()) {
                if let Some(put) = put_raw(&mut block[n..], rest, len, campaign.len(), &self.last_day.1, &sums, self.revenue) {
                    n += put;
                    block[n] = b'\n';
                    self.filled += n + 1;
                    return true;
                }
            }
        }
        block[n] = b',';
        n += 1 + put_count(&mut block[n + 1..], sums[Sum::Impressions.index()]);
        block[n] = b',';
        n += 1 + put_count(&mut block[n + 1..], sums[Sum::Clicks.index()]);
        block[n] = b',';
        n += 1 + put_money(&mut block[n + 1..], sums[Sum::Spend.index()]);
        block[n] = b',';
        n += 1 + put_count(&mut block[n + 1..], sums[Sum::Conversions.index()]);
        block[n] = b',';
        n += 1;
        if self.revenue {
            n += put_money(&mut block[n..], sums[Sum::Revenue.index()]);
        }
        block[n] = b'\n';
        self.filled += n + 1;
        true
    }

    #[inline(always)]
    fn text(&mut self, raw: &[u8]) {
        if self.encoding.legacy() && !raw.is_ascii() {
            let decoded = self.encoding.to_utf8(raw);
            push_csv_text_bytes(&mut self.out, &decoded, &mut self.scratch);
        } else {
            push_csv_text_bytes(&mut self.out, raw, &mut self.scratch);
        }
    }

    #[inline(always)]
    fn day(&mut self, day: Day) {
        if self.last_day.0 != day {
            self.last_day = (day, iso_day(day));
        }
        self.out.extend_from_slice(&self.last_day.1);
    }

    /// Writes one row's line.
    #[inline(always)]
    fn write<R: AcceptedRow>(&mut self, row: &R) {
        if !self.write_fast(row) {
            self.write_slow(row, &row.values());
        }
    }

    /// Any row, through `out`.
    #[inline(never)]
    fn write_slow<R: AcceptedRow>(&mut self, row: &R, values: &Totals) {
        self.flush();
        if let RowDate::Day(day) = row.date() {
            self.day(day);
        }
        self.out.extend_from_slice(&self.platform);
        let campaign = row.campaign();
        self.text(campaign);
        self.out.push(b',');
        if self.key_is_name {
            self.text(campaign);
        } else {
            self.text(row.name());
        }
        for sum in Sum::ALL {
            if sum == Sum::Revenue && !self.revenue {
                self.out.push(b',');
                continue;
            }
            self.out.push(b',');
            match sum.kind() {
                SumKind::Count => push_u64(&mut self.out, values.sums[sum.index()]),
                SumKind::Money => push_money(&mut self.out, values.sums[sum.index()]),
            }
        }
        self.out.push(b'\n');
        self.filled = STALE;
    }
}

/// `YYYY-MM-DD` of a day number (years clamped to 0..=9999; the dates
/// the core reads are within).
fn iso_day(day: Day) -> [u8; 10] {
    let (y, m, d) = civil_from_day(day);
    let y = y.clamp(0, 9999) as u32;
    let mut text = [b'-'; 10];
    for (i, v) in [y / 1000, y / 100 % 10, y / 10 % 10, y % 10, 10, m / 10, m % 10, 10, d / 10, d % 10].into_iter().enumerate() {
        if v < 10 {
            text[i] = b'0' + v as u8;
        }
    }
    text
}

/// `v` in decimal at the start of `out` (room for 20 digits); returns
/// the length.
#[inline(always)]
fn put_u64(out: &mut [u8], mut v: u64) -> usize {
    let len = decimal_len(v);
    let out = &mut out[..len];
    let mut i = len;
    while v >= 100 {
        let r = (v % 100) as usize * 2;
        v /= 100;
        i -= 2;
        out[i..i + 2].copy_from_slice(&PAIRS[r..r + 2]);
    }
    if v >= 10 {
        let r = v as usize * 2;
        out[i - 2..i].copy_from_slice(&PAIRS[r..r + 2]);
    } else {
        out[i - 1] = b'0' + v as u8;
    }
    len
}

/// `micros` as [`push_money`] writes it, at the start of `out` (room for
/// 21 bytes, and 8 past the end); returns the length.
#[inline(always)]
fn put_money(out: &mut [u8], micros: u64) -> usize {
    let n = put_count(out, micros / MICROS);
    let frac = (micros % MICROS) as u32;
    if frac.is_multiple_of(10_000) {
        // Cents only (the common amount): 2 places from the table.
        let cents = (frac / 10_000) as usize * 2;
        out[n] = b'.';
        out[n + 1..n + 3].copy_from_slice(&PAIRS[cents..cents + 2]);
        return n + 3;
    }
    let digits = digits8(frac);
    // The fraction's 6 places are bytes 2 to 7 (bytes 0 and 1 are 0);
    // zeros at the end are dropped down to 2 places.
    let zeros = (digits.leading_zeros() / 8).min(4) as usize;
    let text = (digits | ASCII_ZEROS) >> 16 << 8 | u64::from(b'.');
    out[n..n + 8].copy_from_slice(&text.to_le_bytes());
    n + 7 - zeros
}

/// The digits of `v` in decimal (1 for 0).
#[inline(always)]
fn decimal_len(v: u64) -> usize {
    // `v | 1` has as many digits as `v`, and at least one bit.
    let v = v | 1;
    let t = (((64 - v.leading_zeros()) * 1233) >> 12) as usize;
    t + 1 - usize::from(v < POW10[t])
}

/// Powers of ten, 10^0 to 10^19.
const POW10: [u64; 20] = {
    let mut p = [1u64; 20];
    let mut i = 1;
    while i < 20 {
        p[i] = p[i - 1] * 10;
        i += 1;
    }
    p
};

/// The numbers of a canonical line (`campaign_id,date,impressions,clicks,
/// spend,conversions[,revenue]`, see [`Normalizer::copy_numbers`]) as
/// `,` and the numbers at the start of `out` (with the empty revenue's `,`
/// when there is no revenue column), copied from the line, when the line
/// has them exactly as [`put_count`] and [`put_money`] write `sums`: counts
/// without leading zeros, money with two decimals, all in at most
/// [`RAW_MAX`] bytes. `rest` is the line from the id on (`id_len` bytes)
/// and whatever follows it in the buffer, `len` the line's bytes with its
/// line break; `day` the date's text. `None` (nothing useful written)
/// otherwise.
///
/// Why equal bytes follow: the reader parsed each number of the line to
/// its sum (digits only; money digits, and the separator `.` followed by
/// digits). The date is checked to be `day` and 10 bytes long, so the
/// numbers start 11 bytes after the id. Where each number would end when
/// written is known from its sum; the `,` (3 or 4) found at exactly those
/// places are then the line's delimiters (its only `,`), so each field
/// has its written length: a count of as many digits as its value has no
/// leading zero; a money field with `.` where its written one is has its
/// integer part's digits and 2 decimals, those of its value. A line
/// ending in `\r\n` ends its last field before the `\r`.
#[inline(always)]
fn put_raw(out: &mut [u8], rest: &[u8], len: usize, id_len: usize, day: &[u8; 10], sums: &[u64; SUMS], revenue: bool) -> Option<usize> {
    const _: () = assert!(matches!(Sum::ALL, [Sum::Impressions, Sum::Clicks, Sum::Spend, Sum::Conversions, Sum::Revenue]));
    // The date, its `,` and the numbers, as fixed-size arrays: the reads
    // below need no bounds checks.
    let date = id_len + 1;
    let (head, tail) = rest.get(date..)?.first_chunk::<{ 11 + RAW_MAX }>()?.split_first_chunk::<11>()?;
    let word = |b: &[u8]| u64::from_le_bytes(b[..8].try_into().expect("8 bytes"));
    let tail16 = |b: &[u8]| u16::from_le_bytes([b[8], b[9]]);
    if (word(head) ^ word(day)) | u64::from(tail16(head) ^ tail16(day)) != 0 || head[10] != b',' {
        return None;
    }
    // Where the numbers end, from the sums (`,` past the last one when
    // there is no revenue column: its place is checked against the line
    // break).
    let mut end = len.checked_sub(date + 11 + 1)?;
    if rest[len - 2] == b'\r' {
        end -= 1;
    }
    let money = |m: u64| m.is_multiple_of(10_000).then(|| decimal_len(m / MICROS));
    let c0 = decimal_len(sums[Sum::Impressions.index()]);
    let c1 = c0 + 1 + decimal_len(sums[Sum::Clicks.index()]);
    let dot = c1 + 1 + money(sums[Sum::Spend.index()])?;
    let c2 = dot + 3;
    let c3 = c2 + 1 + decimal_len(sums[Sum::Conversions.index()]);
    let (rev_dot, last) = match revenue {
        true => {
            let rev_dot = c3 + 1 + money(sums[Sum::Revenue.index()])?;
            (rev_dot, rev_dot + 3)
        }
        false => (dot, c3),
    };
    if last != end || last > RAW_MAX {
        return None;
    }
    let at = |i: usize| tail[i % RAW_MAX];
    let c3 = if revenue { c3 } else { c2 };
    if (at(c0) ^ b',') | (at(c1) ^ b',') | (at(c2) ^ b',') | (at(c3) ^ b',') | (at(dot) ^ b'.') | (at(rev_dot) ^ b'.') != 0 {
        return None;
    }
    // A fixed-size copy (the block has room, see ROW_MAX).
    out[0] = b',';
    out[1..1 + RAW_MAX].copy_from_slice(tail);
    if revenue {
        Some(1 + last)
    } else {
        out[1 + last] = b',';
        Some(2 + last)
    }
}

/// The most bytes of numbers [`put_raw`] copies.
const RAW_MAX: usize = 32;

/// The numbers 00 to 99 as two digits each.
const PAIRS: &[u8; 200] = b"00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899";

/// Every byte `b'0'`.
const ASCII_ZEROS: u64 = u64::from_ne_bytes([b'0'; 8]);

/// `v` in decimal at the start of `out` (room for 20 bytes, and 8 past
/// the end); returns the length.
#[inline(always)]
fn put_count(out: &mut [u8], v: u64) -> usize {
    if v >= 100_000_000 {
        return put_u64(out, v);
    }
    let digits = digits8(v as u32);
    // Leading zero digits are the low bytes; `0` keeps one.
    let skip = (digits.trailing_zeros() / 8).min(7);
    let text = (digits | ASCII_ZEROS) >> (8 * skip);
    out[..8].copy_from_slice(&text.to_le_bytes());
    8 - skip as usize
}

/// The 8 decimal digits of `v` (below 10^8, zero-padded) as the bytes
/// 0 to 9 of a word, the most significant in the lowest byte (the order
/// they are written in): `v` is split in two halves of 4 digits, each in
/// 2 of 2, each in 2 of 1, all halves at once in the word's lanes (the
/// divisions by 100 and 10 as exact multiply-shifts for the lanes'
/// ranges, see the tests).
#[inline(always)]
fn digits8(v: u32) -> u64 {
    debug_assert!(v < 100_000_000);
    let x = u64::from(v / 10_000) | u64::from(v % 10_000) << 32;
    let hundreds = ((x * 10_486) >> 20) & 0x0000_007F_0000_007F;
    let x = hundreds | (x - hundreds * 100) << 16;
    let tens = ((x * 103) >> 10) & 0x000F_000F_000F_000F;
    tens | (x - tens * 10) << 8
}

/// A campaign cell (id, or name as the key) that needs nothing, at the
/// start of `out` (16 bytes of room), from its packed `key` (a fixed-size
/// store) when it has one, else as [`put_plain`]; `None` when it needs
/// guarding or quoting, or is not ASCII.
#[inline(always)]
fn put_id(out: &mut [u8], cell: &[u8], (lo, hi): (u64, u64)) -> Option<usize> {
    let len = cell.len();
    if (hi >> 56) as usize != len || len == 0 {
        return put_plain(out, cell);
    }
    debug_assert_eq!(crate::group::key::pack(cell), Some((lo, hi)));
    let text = u128::from(lo) | u128::from(hi & 0x00FF_FFFF_FFFF_FFFF) << 64;
    // The bytes past the end read as `@` (allowed inside a cell): then no
    // byte below `-` (0x2D) means none of `,`, `"`, LF, CR, tab or `+`;
    // bytes that are allowed but below it (space, `!`, `#`, ...) take the
    // byte-by-byte way.
    const LOW: u128 = u128::from_ne_bytes([0x01; 16]);
    const HIGH: u128 = u128::from_ne_bytes([0x80; 16]);
    let padded = text | u128::from_ne_bytes([b'@'; 16]) << (8 * len);
    let below_dash = padded.wrapping_sub(LOW * 0x2D) & !padded & HIGH;
    let first = lo as u8;
    if text & HIGH != 0 || below_dash != 0 || matches!(first, b'=' | b'-' | b'@') {
        return put_plain(out, cell);
    }
    out[..16].copy_from_slice(&text.to_le_bytes());
    Some(len)
}

/// A text cell of at most [`SHORT`] bytes that needs nothing (no guard,
/// no quotes, ASCII) at the start of `out`; `None` otherwise.
#[inline(always)]
fn put_plain(out: &mut [u8], cell: &[u8]) -> Option<usize> {
    if cell.len() > SHORT || matches!(cell.first(), Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')) {
        return None;
    }
    for (i, &b) in cell.iter().enumerate() {
        if !b.is_ascii() || matches!(b, b',' | b'"' | b'\n' | b'\r') {
            return None;
        }
        out[i] = b;
    }
    Some(cell.len())
}

/// `v` in decimal.
#[inline(always)]
pub fn push_u64(out: &mut Vec<u8>, mut v: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

/// `micros` micro-units as a plain decimal with 2 to 6 places: `12.50`,
/// `0.123456`, `3.1416`.
#[inline(always)]
pub fn push_money(out: &mut Vec<u8>, micros: u64) {
    push_u64(out, micros / MICROS);
    let mut frac = micros % MICROS;
    let mut places = 6;
    while places > 2 && frac.is_multiple_of(10) {
        frac /= 10;
        places -= 1;
    }
    let mut buf = [b'.', b'0', b'0', b'0', b'0', b'0', b'0'];
    for i in (1..=places).rev() {
        buf[i] = b'0' + (frac % 10) as u8;
        frac /= 10;
    }
    out.extend_from_slice(&buf[..=places]);
}

/// A range's accepted rows written by a [`Normalizer`], with the
/// data-quality counts that need no campaign table.
pub struct NormalizeSink<'a> {
    norm: &'a mut Normalizer,
    /// The (empty) campaign table: never large, so never batched for.
    table: &'a Table,
    quality: &'a mut Quality,
    halt: &'a mut Option<Error>,
    today: Option<Day>,
    decimal: u8,
}

impl<'a> NormalizeSink<'a> {
    /// Rows of the range whose result is `partial` into `norm`; `table` is
    /// the reader's (empty) table; dates after `today` get a warning;
    /// `decimal` is the file's decimal separator.
    pub fn new(norm: &'a mut Normalizer, table: &'a Table, partial: &'a mut Partial, today: Option<Day>, decimal: u8) -> Self {
        NormalizeSink { norm, table, quality: &mut partial.quality, halt: &mut partial.halt, today, decimal }
    }
}

impl RowSink for NormalizeSink<'_> {
    /// In wasm, where every copy of the hot loop is downloaded, normalize
    /// runs the general one only (the copies specialised for it doubled
    /// the module: 630 kB to 1 MB raw).
    const SPECIALIZED: bool = !cfg!(target_arch = "wasm32");
    #[inline(always)]
    fn table(&self) -> &Table {
        self.table
    }

    /// Writes the row. An id that is not UTF-8 (a file read as UTF-8) stops
    /// the range as it stops the aggregate job: the error is set and
    /// `CampaignId` returned (so the reader stops).
    #[inline(always)]
    fn accept<R: AcceptedRow>(&mut self, row: &R) -> Result<(), Field> {
        let campaign = row.campaign();
        if self.norm.utf8_ids && !campaign.is_ascii() && std::str::from_utf8(campaign).is_err() {
            if self.halt.is_none() {
                *self.halt = Some(Error::not_utf8(campaign, Some(row.line())));
            }
            return Err(Field::CampaignId);
        }
        self.norm.write(row);
        let q = &mut *self.quality;
        if !row.checked() {
            let values = row.values();
            q.check_values(row.line(), campaign, values);
            if let Some(spend) = row.rounded_spend() {
                q.spend_rounded(row.line(), campaign, spend, values[Sum::Spend], self.decimal);
            }
        }
        match row.date() {
            RowDate::NotADate(text) => {
                q.check_day(row.line(), campaign, text, None, self.today);
            }
            RowDate::Day(day) if !row.checked() => {
                if let Some(today) = self.today.filter(|&today| day > today) {
                    q.future_date(row.line(), campaign, day, today);
                }
            }
            _ => {}
        }
        Ok(())
    }

    #[inline(always)]
    fn accept_small<R: AcceptedRow>(&mut self, row: &R) -> Result<(), Field> {
        self.accept(row)
    }

    #[inline(always)]
    fn accept_at<R: AcceptedRow>(&mut self, row: &R, _home: usize, _size: usize) -> Result<(), Field> {
        self.accept(row)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_and_counts() {
        let money = |m: u64| {
            let mut v = Vec::new();
            push_money(&mut v, m);
            String::from_utf8(v).unwrap()
        };
        assert_eq!(money(0), "0.00");
        assert_eq!(money(12_500_000), "12.50");
        assert_eq!(money(123_456), "0.123456");
        assert_eq!(money(3_141_600), "3.1416");
        assert_eq!(money(1_000_000_000), "1000.00");
        assert_eq!(money(10), "0.00001");
        assert_eq!(money(u64::MAX), "18446744073709.551615");
        let mut v = Vec::new();
        push_u64(&mut v, 0);
        v.push(b' ');
        push_u64(&mut v, u64::MAX);
        assert_eq!(v, b"0 18446744073709551615");
        for m in [0, 7, 9, 10, 99, 100, 101, 12_500_000, 10_000_000_000_000_000_000, 9_999_999_999_999_999_999, 123_456, 3_141_600, 1_000_000_000, u64::MAX, 999_999_999_999] {
            let mut block = [0u8; 32];
            let n = put_money(&mut block, m);
            assert_eq!(&block[..n], money(m).as_bytes());
            let n = put_u64(&mut block, m);
            assert_eq!(&block[..n], m.to_string().as_bytes());
            let n = put_count(&mut block, m);
            assert_eq!(&block[..n], m.to_string().as_bytes());
        }
    }

    #[test]
    fn lane_divisions_are_exact() {
        for x in 0..10_000u64 {
            assert_eq!((x * 10_486) >> 20, x / 100);
        }
        for x in 0..100u64 {
            assert_eq!((x * 103) >> 10, x / 10);
        }
    }

    #[test]
    fn digits_agree_with_push() {
        let mut v = 0u64;
        let mut seed = 1u64;
        // Every value up to 10^5, then random ones of every length.
        while v < 20_000_000_000_000_000 {
            let (mut block, mut pushed) = ([0u8; 32], Vec::new());
            let n = put_count(&mut block, v);
            push_u64(&mut pushed, v);
            assert_eq!(&block[..n], &pushed[..], "{v}");
            pushed.clear();
            let n = put_money(&mut block, v);
            push_money(&mut pushed, v);
            assert_eq!(&block[..n], &pushed[..], "{v}");
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            v = if v < 100_000 { v + 1 } else { v + (seed >> 33) % (v / 50_000) + 1 };
        }
    }

    /// [`put_raw`] copies exactly what formatting the sums writes, or
    /// nothing: lines with numbers of every written and unwritten form.
    #[test]
    fn raw_numbers_agree_with_put() {
        let counts = ["0", "00", "7", "07", "12345", "012345", "99999999", "100000000", "18446744073709551615"];
        let money = ["0.00", "00.00", "0.5", ".50", "5", "5.", "5.50", "5.500", "05.50", "123.45", "1.234", "1.2345", "99999999.99", "0.000001"];
        let parse_count = |t: &str| t.parse::<u64>().unwrap();
        let parse_money = |t: &str| {
            let (i, f) = t.split_once('.').unwrap_or((t, ""));
            let units = if i.is_empty() { 0 } else { i.parse::<u64>().unwrap() };
            let frac = format!("{f:0<6}").parse::<u64>().unwrap();
            units * MICROS + frac
        };
        let day = iso_day(crate::text::date::day_from_civil(2025, 1, 31).unwrap());
        let mut cases = 0;
        for revenue in [false, true] {
            for (k, imp) in counts.iter().enumerate() {
                for spend in money {
                    for end in ["\n", "\r\n"] {
                        let clicks = counts[(k + 3) % counts.len()];
                        let conv = counts[(k + 5) % counts.len()];
                        let rev = money[(k + 1) % money.len()];
                        let mut line = format!("CMP001,2025-01-31,{imp},{clicks},{spend},{conv}");
                        let mut sums = [parse_count(imp), parse_count(clicks), parse_money(spend), parse_count(conv), 0];
                        if revenue {
                            line += &format!(",{rev}");
                            sums[4] = parse_money(rev);
                        }
                        line += end;
                        let len = line.len();
                        line += "CMP002,2025-01-31,1,2,3.00,4\n"; // what follows in the buffer
                        let mut want = Vec::new();
                        for (i, &v) in sums.iter().enumerate() {
                            want.push(b',');
                            if i == 4 && !revenue {
                                continue;
                            }
                            match Sum::ALL[i].kind() {
                                SumKind::Count => push_u64(&mut want, v),
                                SumKind::Money => push_money(&mut want, v),
                            }
                        }
                        let mut out = [0u8; 64];
                        if let Some(n) = put_raw(&mut out, line.as_bytes(), len, 6, &day, &sums, revenue) {
                            assert_eq!(&out[..n], &want[..], "{line:?}");
                            cases += 1;
                        }
                    }
                }
            }
        }
        assert!(cases > 10, "{cases}");
        // A date written otherwise, or a number past the copied bytes.
        let sums = [1, 2, 3_000_000, 4, 0];
        let mut out = [0u8; 64];
        let line = b"CMP001,2025-1-31,1,2,3.00,4\n..................................";
        assert_eq!(put_raw(&mut out, line, 28, 6, &day, &sums, false), None);
        let line = b"CMP001,2025-01-31,1,2,3.00,4\n..................................";
        assert_eq!(put_raw(&mut out, line, 29, 6, &day, &sums, false), Some(12));
        assert_eq!(&out[..12], b",1,2,3.00,4,");
        assert_eq!(put_raw(&mut out, &line[..40], 29, 6, &day, &sums, false), None);
    }

    #[test]
    fn ids_agree_with_push() {
        let cells: [&[u8]; 16] = [
            b"", b"CMP001", b"=1+1", b"-5", b"a,b", b"say \"hi\"", b"two\nlines", b"caf\xc3\xa9", b"@x,y", b"\tx", b"a\rb",
            b"a b", b"x+y-z@", b"+1", b"123456789012345", b"A",
        ];
        for raw in cells {
            let key = crate::group::key::pack(raw).unwrap_or((0, 0));
            let mut block = [0u8; 80];
            let (mut pushed, mut scratch) = (Vec::new(), String::new());
            push_csv_text_bytes(&mut pushed, raw, &mut scratch);
            match put_id(&mut block, raw, key) {
                Some(n) => assert_eq!(&block[..n], &pushed[..], "{raw:?}"),
                // Not on the fast way: changed, or not ASCII (a Windows-1252
                // file's cells are decoded).
                None => assert!(raw != &pushed[..] || !raw.is_ascii(), "{raw:?}"),
            }
        }
    }
}
