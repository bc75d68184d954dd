//! A compact binary form of [`Partial`], for handing range results between
//! Web Workers (as a transferable `ArrayBuffer`) or processes. Little-endian,
//! versioned; decoding checks every length and fails with
//! [`Error::CorruptPartial`] rather than panicking.

use crate::agg::partial::Partial;
use crate::agg::quality::{Warn, Warned};
use crate::error::{Error, SkipKind, Skipped};
use crate::group::table::Table;
use crate::schema::field::Field;
use crate::schema::totals::{Totals, SUMS};
use crate::text::date::Day;

/// The format's name and version: a result written by another version is
/// not read.
const MAGIC: &[u8; 4] = b"AGP9";

/// The sections of a result, in the order they are written: one per part
/// of a range's result, each an accumulator merged on its own. A new
/// accumulator is a new section (and a new [`MAGIC`]).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    /// Where the range lies and its counters.
    Range = 1,
    /// Skipped rows by reason, and the first of them.
    Skipped = 2,
    /// Rows for `rejected_rows.csv`.
    Rejected = 3,
    /// The error that stopped the range.
    Halt = 4,
    /// Last name per campaign.
    Names = 5,
    /// Data-quality counts and examples.
    Quality = 6,
    /// (campaign, date) pairs of the duplicate check.
    Pairs = 7,
    /// Campaigns whose revenue is absent (several files, some without a
    /// revenue column).
    NoRevenue = 8,
    /// The daily series' (campaign, day) cells and their limit.
    Daily = 9,
    /// The campaign table: id and sums.
    Campaigns = 10,
    /// Dates that prove an order of day and month, by kind.
    Dates = 11,
}

/// Writes section `tag`: its tag, its length, then what `body` writes.
fn section(out: &mut Vec<u8>, tag: Section, body: impl FnOnce(&mut Vec<u8>)) {
    put(out, tag as u64);
    let at = out.len();
    put(out, 0);
    body(out);
    let len = (out.len() - at - 8) as u64;
    out[at..at + 8].copy_from_slice(&len.to_le_bytes());
}

impl Partial {
    /// Serializes this result: [`MAGIC`], then a [`Section`] per part.
    pub fn to_bytes(&self) -> Vec<u8> {
        let campaigns = self.campaigns.campaigns();
        let mut out = Vec::with_capacity(256 + campaigns * 48);
        out.extend_from_slice(MAGIC);
        section(&mut out, Section::Range, |out| {
            let flags = [self.strict_stopped, self.has_revenue, self.platform_keys].map(u64::from);
            for v in [self.start, self.end, self.newlines, self.rows_read, self.rows_aggregated, flags[0], flags[1], flags[2]] {
                put(out, v);
            }
        });
        section(&mut out, Section::Skipped, |out| {
            for &v in &self.skipped {
                put(out, v);
            }
            put_skipped(out, &self.examples);
            put_skipped(out, &self.not_data);
        });
        section(&mut out, Section::Rejected, |out| {
            put(out, self.rejected.len() as u64);
            for r in &self.rejected {
                put(out, r.line);
                put_bytes(out, r.reason.as_bytes());
                put_bytes(out, &r.raw);
            }
            put(out, self.rejected_omitted);
        });
        section(&mut out, Section::Halt, |out| put_halt(out, self.halt.as_ref()));
        section(&mut out, Section::Names, |out| {
            put(out, self.names.len() as u64);
            for (id, name) in &self.names {
                put_bytes(out, id);
                put_bytes(out, name);
            }
        });
        let q = &self.quality;
        section(&mut out, Section::Quality, |out| {
            for &v in &q.counts {
                put(out, v);
            }
            put(out, u64::from(q.pairs.capped()));
            put(out, q.examples.len() as u64);
            for w in &q.examples {
                for v in [w.line, w.kind.index() as u64, w.earlier, w.day as i64 as u64] {
                    put(out, v);
                }
                put_bytes(out, &w.campaign);
                put_bytes(out, w.detail.as_bytes());
            }
        });
        section(&mut out, Section::Pairs, |out| {
            put(out, q.pairs.len() as u64);
            for (id, day, line) in q.pairs.iter() {
                put_bytes(out, &id);
                put(out, day as i64 as u64);
                put(out, line);
            }
        });
        section(&mut out, Section::NoRevenue, |out| {
            put(out, self.no_revenue.len() as u64);
            for id in &self.no_revenue {
                put_bytes(out, id);
            }
        });
        section(&mut out, Section::Daily, |out| match &self.daily {
            None => put(out, 0),
            Some(d) => {
                put(out, 1);
                for v in [u64::from(d.capped), d.limit, d.days.0 as i64 as u64, d.days.1 as i64 as u64, d.cells.len() as u64] {
                    put(out, v);
                }
                d.cells.for_each(|key: &[u8], t: &Totals| {
                    put_bytes(out, key);
                    for v in t.sums() {
                        put(out, v);
                    }
                });
            }
        });
        section(&mut out, Section::Dates, |out| {
            for proof in [&self.dates.day_first, &self.dates.month_first] {
                match proof {
                    None => put(out, 0),
                    Some(p) => {
                        put(out, 1);
                        put(out, p.rows);
                        put(out, p.line);
                        put_bytes(out, p.text.as_bytes());
                    }
                }
            }
        });
        section(&mut out, Section::Campaigns, |out| {
            put(out, campaigns as u64);
            // In slot order: a large table places ids by a hash of their
            // bytes, so that decoding into another table sweeps it in order.
            self.campaigns.for_each(|id: &[u8], t: &Totals| {
                put_bytes(out, id);
                for v in t.sums() {
                    put(out, v);
                }
            });
        });
        out
    }

    /// Reads a result written by [`Partial::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Partial, Error> {
        decode(bytes, None)
    }

    /// [`Partial::append`]s the result written in `bytes`, its campaigns
    /// added straight into this one's table (no table of them built and
    /// freed).
    pub fn append_bytes(&mut self, bytes: &[u8]) -> Result<(), Error> {
        if self.stopped() {
            return Ok(()); // nothing after the first malformed row counts
        }
        let next = decode(bytes, Some(&mut self.campaigns))?;
        self.append(next)
    }
}

/// Reads a result written by [`Partial::to_bytes`]; with `into`, its
/// campaigns are added to that table (overflow-checked) instead of being
/// put in the result.
fn decode(bytes: &[u8], into: Option<&mut Table>) -> Result<Partial, Error> {
    let mut r = Cursor { bytes };
    if r.take(4)? != MAGIC {
        return Err(Error::CorruptPartial);
    }
    let mut s = r.section(Section::Range)?;
    let mut p = Partial::new(s.u64()?);
    p.end = s.u64()?;
    p.newlines = s.u64()?;
    p.rows_read = s.u64()?;
    p.rows_aggregated = s.u64()?;
    p.strict_stopped = s.u64()? != 0;
    p.has_revenue = s.u64()? != 0;
    p.platform_keys = s.u64()? != 0;
    s.end()?;

    let mut s = r.section(Section::Skipped)?;
    for v in p.skipped.iter_mut() {
        *v = s.u64()?;
    }
    p.examples = s.skipped()?;
    p.not_data = s.skipped()?;
    s.end()?;

    let mut s = r.section(Section::Rejected)?;
    let rejected = s.len(24)?;
    for _ in 0..rejected {
        let line = s.u64()?;
        let reason = s.string()?;
        let raw = s.bytes()?.to_vec();
        p.rejected.push(crate::agg::partial::Rejected { line, reason, raw });
    }
    p.rejected_omitted = s.u64()?;
    s.end()?;

    let mut s = r.section(Section::Halt)?;
    p.halt = s.halt()?;
    s.end()?;

    let mut s = r.section(Section::Names)?;
    let names = s.len(16)?;
    for _ in 0..names {
        let id: Box<[u8]> = s.bytes()?.into();
        let name: Box<[u8]> = s.bytes()?.into();
        p.names.insert(id, name);
    }
    s.end()?;

    let mut s = r.section(Section::Quality)?;
    for v in p.quality.counts.iter_mut() {
        *v = s.u64()?;
    }
    p.quality.pairs.set_capped(s.u64()? != 0);
    let examples = s.len(40)?;
    for _ in 0..examples {
        let line = s.u64()?;
        let kind = *Warn::ALL.get(s.u64()? as usize).ok_or(Error::CorruptPartial)?;
        let earlier = s.u64()?;
        let day = s.day()?;
        let campaign: Box<[u8]> = s.bytes()?.into();
        let detail = s.string()?;
        p.quality.examples.push(Warned { line, kind, campaign, detail, earlier, day });
    }
    s.end()?;

    let mut s = r.section(Section::Pairs)?;
    let pairs = s.len(24)?;
    for _ in 0..pairs {
        let id = s.bytes()?;
        let day = s.day()?;
        let line = s.u64()?;
        if !p.quality.pairs.insert(id, day, line) {
            return Err(Error::CorruptPartial);
        }
    }
    s.end()?;

    let mut s = r.section(Section::NoRevenue)?;
    let ids = s.len(8)?;
    for _ in 0..ids {
        p.no_revenue.insert(s.bytes()?.into());
    }
    s.end()?;

    let mut s = r.section(Section::Daily)?;
    if s.u64()? == 1 {
        let capped = s.u64()? != 0;
        let limit = s.u64()?;
        let days = (s.day()?, s.day()?);
        let cells = s.len(8 + 8 * SUMS)?;
        let mut table = Table::new();
        for _ in 0..cells {
            let key = s.bytes()?;
            let mut t = Totals::default();
            for sum in &mut t.sums {
                *sum = s.u64()?;
            }
            table.add(key, &t).map_err(|_| Error::CorruptPartial)?;
        }
        if table.len() != cells {
            return Err(Error::CorruptPartial); // a key twice
        }
        p.daily = Some(crate::group::day_key::Daily { cells: table, capped, limit, days });
    }
    s.end()?;

    let mut s = r.section(Section::Dates)?;
    for kind in [&mut p.dates.day_first, &mut p.dates.month_first] {
        if s.u64()? == 1 {
            let (rows, line) = (s.u64()?, s.u64()?);
            *kind = Some(crate::agg::partial::DateProof { rows, line, text: s.string()? });
        }
    }
    s.end()?;

    let mut s = r.section(Section::Campaigns)?;
    let campaigns = s.len(8 + 8 * SUMS)?;
    let merging = into.is_some();
    let table = into.unwrap_or(&mut p.campaigns);
    for _ in 0..campaigns {
        let id = s.bytes()?;
        let mut t = Totals::default();
        for sum in &mut t.sums {
            *sum = s.u64()?;
        }
        table.add(id, &t).map_err(|field| match merging {
            true => Error::merge_overflow(field, id),
            false => Error::CorruptPartial, // ids are unique within one result
        })?;
    }
    s.end()?;
    if !merging && p.campaigns.campaigns() != campaigns {
        return Err(Error::CorruptPartial); // an id twice
    }

    r.end()?;
    Ok(p)
}

fn encode_kind(kind: SkipKind) -> (usize, u64, u64) {
    match kind {
        SkipKind::FieldCount { expected, found } => (kind.class(), expected as u64, found as u64),
        SkipKind::TooLong { limit } | SkipKind::Unterminated { limit } => (kind.class(), limit as u64, 0),
        _ => (kind.class(), 0, 0),
    }
}

fn decode_kind(class: u64, a: u64, b: u64) -> Result<SkipKind, Error> {
    let small = |v: u64| usize::try_from(v).map_err(|_| Error::CorruptPartial);
    SkipKind::from_class(small(class)?, small(a)?, small(b)?).ok_or(Error::CorruptPartial)
}

fn put(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    put(out, b.len() as u64);
    out.extend_from_slice(b);
}

fn put_skipped(out: &mut Vec<u8>, rows: &[Skipped]) {
    put(out, rows.len() as u64);
    for ex in rows {
        let (class, a, b) = encode_kind(ex.kind);
        for v in [ex.line, class as u64, a, b] {
            put(out, v);
        }
        put_bytes(out, ex.message.as_bytes());
    }
}

/// A line that may be unknown: `u64::MAX` for none (no file has that many).
fn put_line(out: &mut Vec<u8>, line: Option<u64>) {
    put(out, line.unwrap_or(u64::MAX));
}

/// The range's error: a tag (0 for none), then its parts.
fn put_halt(out: &mut Vec<u8>, halt: Option<&Error>) {
    match halt {
        None => put(out, 0),
        Some(Error::Overflow { field, campaign, line }) => {
            put(out, 1);
            put(out, Field::ALL.iter().position(|f| f == field).unwrap_or(0) as u64);
            put_bytes(out, campaign.as_bytes());
            put_line(out, *line);
        }
        Some(Error::NotUtf8 { campaign, line }) => {
            put(out, 2);
            put_bytes(out, campaign.as_bytes());
            put_line(out, *line);
        }
        Some(Error::HeaderReordered { line, columns }) => {
            put(out, 3);
            put(out, *line);
            put(out, columns.len() as u64);
            for c in columns {
                put_bytes(out, c.as_bytes());
            }
        }
        // Ranges stop only for the three above; any other is carried as
        // an internal error rather than a panic.
        Some(_) => put(out, 4),
    }
}

struct Cursor<'a> {
    bytes: &'a [u8],
}

impl<'a> Cursor<'a> {
    /// The next section, which must be `tag`, as a cursor of its own.
    fn section(&mut self, tag: Section) -> Result<Cursor<'a>, Error> {
        if self.u64()? != tag as u64 {
            return Err(Error::CorruptPartial);
        }
        Ok(Cursor { bytes: self.bytes()? })
    }

    /// Nothing may be left.
    fn end(&self) -> Result<(), Error> {
        match self.bytes.is_empty() {
            true => Ok(()),
            false => Err(Error::CorruptPartial),
        }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], Error> {
        if n > self.bytes.len() {
            return Err(Error::CorruptPartial);
        }
        let (head, tail) = self.bytes.split_at(n);
        self.bytes = tail;
        Ok(head)
    }

    fn u64(&mut self) -> Result<u64, Error> {
        Ok(u64::from_le_bytes(
            self.take(8)?.try_into().expect("8 bytes"),
        ))
    }

    fn bytes(&mut self) -> Result<&'a [u8], Error> {
        let n = self.u64()?;
        self.take(usize::try_from(n).map_err(|_| Error::CorruptPartial)?)
    }

    /// [`Cursor::bytes`] that must be UTF-8.
    fn string(&mut self) -> Result<String, Error> {
        String::from_utf8(self.bytes()?.to_vec()).map_err(|_| Error::CorruptPartial)
    }

    /// A list written by `put_skipped`.
    fn skipped(&mut self) -> Result<Vec<Skipped>, Error> {
        let n = self.len(40)?;
        let mut rows = Vec::with_capacity(n);
        for _ in 0..n {
            let line = self.u64()?;
            let kind = decode_kind(self.u64()?, self.u64()?, self.u64()?)?;
            let message = self.string()?;
            rows.push(Skipped { line, kind, message });
        }
        Ok(rows)
    }

    /// A line written by `put_line`.
    fn line(&mut self) -> Result<Option<u64>, Error> {
        Ok(Some(self.u64()?).filter(|&l| l != u64::MAX))
    }

    /// An error written by `put_halt`.
    fn halt(&mut self) -> Result<Option<Error>, Error> {
        Ok(match self.u64()? {
            0 => None,
            1 => {
                let field = *Field::ALL.get(self.u64()? as usize).ok_or(Error::CorruptPartial)?;
                Some(Error::Overflow { field, campaign: self.string()?, line: self.line()? })
            }
            2 => Some(Error::NotUtf8 { campaign: self.string()?, line: self.line()? }),
            3 => {
                let line = self.u64()?;
                let n = self.len(8)?;
                let columns = (0..n).map(|_| self.string()).collect::<Result<_, _>>()?;
                Some(Error::HeaderReordered { line, columns })
            }
            4 => Some(Error::CorruptPartial),
            _ => return Err(Error::CorruptPartial),
        })
    }

    /// A day written as a signed 64-bit number.
    fn day(&mut self) -> Result<Day, Error> {
        Day::try_from(self.u64()? as i64).map_err(|_| Error::CorruptPartial)
    }

    /// A count of items of at least `min_size` bytes each: bounded by what is left.
    fn len(&mut self, min_size: usize) -> Result<usize, Error> {
        let n = self.u64()?;
        if n > (self.bytes.len() / min_size) as u64 {
            return Err(Error::CorruptPartial);
        }
        Ok(n as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_corruption() {
        let input = b"campaign_id,date,impressions,clicks,spend,conversions\nA,d,1,2,3.5,4\nB,d,x,2,3,4\nC,d\n\"Z\nZ\",d,5,6,7,8\n";
        let mut job = crate::Job::new();
        job.feed(input).unwrap();
        let (_, p) = job.finish().unwrap();
        let bytes = p.to_bytes();
        assert_eq!(Partial::from_bytes(&bytes), Ok(p));
        for cut in 0..bytes.len() {
            assert!(Partial::from_bytes(&bytes[..cut]).is_err());
        }
        let mut bad = bytes.clone();
        bad[0] = b'X';
        assert_eq!(Partial::from_bytes(&bad), Err(Error::CorruptPartial));
    }

    /// A file of `rows` rows over `campaigns` ids of 3 to 20 bytes; with
    /// `quoted`, some rows are quoted (the csv-core path).
    fn file(rows: usize, campaigns: u64, quoted: bool) -> Vec<u8> {
        let mut s = String::from("campaign_id,date,impressions,clicks,spend,conversions\n");
        let mut r = 0x9E37_79B9_7F4A_7C15u64;
        for i in 0..rows {
            r ^= r << 13;
            r ^= r >> 7;
            r ^= r << 17;
            let c = r % campaigns;
            let id = match c % 4 {
                0 => format!("C{c}"),
                1 => format!("CMP{c:09}"),
                2 => format!("campaign-{c:012}"),
                _ => format!("CMP{c:05}"),
            };
            let day = 1 + (r >> 40) % 28;
            let (imp, clk, spend, conv) = (r % 5000 + 100, r % 90, (r >> 20) % 100_000, (r >> 8) % 7);
            if quoted && i % 97 == 0 {
                s += &format!("\"{id}\",2025-02-{day:02},{imp},{clk},\"{}.{:02}\",{conv}\n", spend / 100, spend % 100);
            } else {
                s += &format!("{id},2025-02-{day:02},{imp},{clk},{}.{:02},{conv}\n", spend / 100, spend % 100);
            }
        }
        s.into_bytes()
    }

    /// An aggregator fed one range of `input` (in 4 KiB chunks).
    fn fed(plan: &crate::Plan, input: &[u8], start: crate::Start, stop: u64) -> crate::Aggregator {
        let mut agg = crate::Aggregator::for_range(plan, start, stop);
        let from = match start {
            crate::Start::Exact(at) | crate::Start::AfterNewline(at) => at as usize,
        };
        for piece in input[from..].chunks(4096) {
            agg.feed(piece);
            if agg.is_done() {
                break;
            }
        }
        agg
    }

    #[test]
    fn partials_round_trip_and_merge_by_bytes_like_append() {
        // Small tables, large ones (ids of 12+ bytes in their map), and the
        // csv-core path's campaigns next to the fast path's.
        for (rows, campaigns, quoted) in [(3_000, 40, false), (3_000, 40, true), (120_000, 60_000, false), (120_000, 60_000, true)] {
            let input = file(rows, campaigns, quoted);
            let plan = crate::sniff(&input, true).unwrap().unwrap();
            let points = crate::split_points(&plan, input.len() as u64, 3);
            let mut partials = Vec::new();
            let mut encoded = Vec::new();
            for j in 0..3 {
                let start = if j == 0 { crate::Start::Exact(points[0]) } else { crate::Start::AfterNewline(points[j]) };
                let stop = if j == 2 { u64::MAX } else { points[j + 1] };
                let partial = fed(&plan, &input, start, stop).finish().unwrap();
                let bytes = partial.to_bytes();
                assert_eq!(Partial::from_bytes(&bytes).as_ref(), Ok(&partial), "{rows} rows, {campaigns} campaigns, range {j}");
                partials.push(partial);
                encoded.push(bytes);
            }
            let mut by_value = partials[0].clone();
            let mut by_bytes = Partial::from_bytes(&encoded[0]).unwrap();
            for j in 1..3 {
                by_value.append(partials[j].clone()).unwrap();
                by_bytes.append_bytes(&encoded[j]).unwrap();
            }
            assert_eq!(by_bytes, by_value);
            assert_eq!(by_value.rows_aggregated, rows as u64);
        }
    }

    #[test]
    fn append_bytes_reports_overflow_and_duplicates() {
        let one = |imp: u64| {
            let input = format!("campaign_id,date,impressions,clicks,spend,conversions\nA,2025-01-01,{imp},1,1,1\n");
            let mut job = crate::Job::new();
            job.feed(input.as_bytes()).unwrap();
            job.finish().unwrap().1
        };
        let a = one(u64::MAX - 5);
        let mut b = one(10);
        b.start = a.end;
        b.end = a.end + (a.end - a.start);
        let mut merged = a.clone();
        let err = merged.append_bytes(&b.to_bytes()).unwrap_err();
        assert!(matches!(err, Error::Overflow { ref campaign, .. } if campaign == "A"), "{err:?}");
        // One result naming a campaign twice is corrupt. (The campaigns
        // section is last: its tag, its length, the count, one entry.)
        let mut twice = a.to_bytes();
        let entry_len = 8 + 1 + 8 * crate::schema::totals::SUMS;
        let count_at = twice.len() - entry_len - 8;
        let len_at = count_at - 8;
        assert_eq!(twice[len_at - 8..len_at], (Section::Campaigns as u64).to_le_bytes(), "the campaigns section");
        assert_eq!(twice[len_at..count_at], (8 + entry_len as u64).to_le_bytes());
        assert_eq!(twice[count_at..count_at + 8], 1u64.to_le_bytes());
        let entry = twice[count_at + 8..].to_vec();
        twice.extend_from_slice(&entry);
        twice[count_at..count_at + 8].copy_from_slice(&2u64.to_le_bytes());
        twice[len_at..count_at].copy_from_slice(&(8 + 2 * entry_len as u64).to_le_bytes());
        assert_eq!(Partial::from_bytes(&twice), Err(Error::CorruptPartial));
        // A section cut short, or bytes after the last, are corrupt too.
        let whole = a.to_bytes();
        assert_eq!(Partial::from_bytes(&whole[..whole.len() - 1]), Err(Error::CorruptPartial));
        let mut longer = whole.clone();
        longer.push(0);
        assert_eq!(Partial::from_bytes(&longer), Err(Error::CorruptPartial));
        assert_eq!(Partial::from_bytes(&whole).as_ref(), Ok(&a));
    }

    #[test]
    fn reports_count_every_distinct_campaign_however_split() {
        for (rows, campaigns, quoted) in [(3_000, 40, false), (3_000, 40, true), (120_000, 60_000, false), (120_000, 60_000, true)] {
            let input = file(rows, campaigns, quoted);
            let plan = crate::sniff(&input, true).unwrap().unwrap();
            let distinct: std::collections::HashSet<&[u8]> =
                input.split(|&b| b == b'\n').skip(1).filter_map(|l| l.split(|&b| b == b',').next()).filter(|id| !id.is_empty()).map(|id| id.strip_prefix(b"\"").and_then(|i| i.strip_suffix(b"\"")).unwrap_or(id)).collect();
            let mut reports = Vec::new();
            for n in [1, 2, 3] {
                let points = crate::split_points(&plan, input.len() as u64, n);
                let partial = |start, stop, pass| crate::run_range_in_memory(&plan, &input, start, stop, 4096, pass);
                let merged: Partial =
                    crate::run_ranges(&points, |jobs| jobs.into_iter().map(|(a, b)| partial(a, b, crate::Pass::Fast)).collect(), partial).unwrap();
                let report = crate::Report::new(&plan, merged, 10);
                let what = format!("{rows} rows, {campaigns} campaigns, quoted {quoted}, {n} ranges");
                assert_eq!(report.summary.campaigns, distinct.len() as u64, "{what}");
                reports.push((report.ctr_csv(), report.cpa_csv(), report.summary.to_string()));
            }
            assert!(reports.windows(2).all(|w| w[0] == w[1]), "{rows} rows, {campaigns} campaigns: the same report however split");
        }
    }

}
