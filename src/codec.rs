//! A compact binary form of [`Partial`], for handing range results between
//! Web Workers (as a transferable `ArrayBuffer`) or processes. Little-endian,
//! versioned; decoding checks every length and fails with
//! [`Error::CorruptPartial`] rather than panicking.

use crate::error::{Error, SkipKind, Skipped};
use crate::field::Field;
use crate::partial::Partial;
use crate::quality::{Warn, Warned};
use crate::totals::Totals;

const MAGIC: &[u8; 4] = b"AGP3";

impl Partial {
    /// Serializes this result.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(256 + self.campaigns.len() * 48);
        out.extend_from_slice(MAGIC);
        for v in [
            self.start,
            self.end,
            self.newlines,
            self.rows_read,
            self.rows_aggregated,
        ] {
            put(&mut out, v);
        }
        for &v in &self.skipped {
            put(&mut out, v);
        }
        put(&mut out, self.examples.len() as u64);
        for ex in &self.examples {
            let (class, a, b) = encode_kind(ex.kind);
            for v in [ex.line, class as u64, a, b] {
                put(&mut out, v);
            }
            put_bytes(&mut out, ex.message.as_bytes());
        }
        put(&mut out, self.rejected.len() as u64);
        for r in &self.rejected {
            put(&mut out, r.line);
            put_bytes(&mut out, r.reason.as_bytes());
            put_bytes(&mut out, &r.raw);
        }
        put(&mut out, self.rejected_omitted);
        put(&mut out, u64::from(self.strict_stopped));
        put(&mut out, self.names.len() as u64);
        for (id, name) in &self.names {
            put_bytes(&mut out, id);
            put_bytes(&mut out, name);
        }
        let q = &self.quality;
        for &v in &q.counts {
            put(&mut out, v);
        }
        put(&mut out, u64::from(q.pairs_capped));
        put(&mut out, q.examples.len() as u64);
        for w in &q.examples {
            for v in [
                w.line,
                w.kind.index() as u64,
                w.earlier,
                w.day as i64 as u64,
            ] {
                put(&mut out, v);
            }
            put_bytes(&mut out, &w.campaign);
            put_bytes(&mut out, w.detail.as_bytes());
        }
        put(&mut out, q.pairs() as u64);
        for (id, day, line) in q.pair_list() {
            put_bytes(&mut out, &id);
            put(&mut out, day as i64 as u64);
            put(&mut out, line);
        }
        put(&mut out, self.campaigns.len() as u64);
        for (id, t) in &self.campaigns {
            put_bytes(&mut out, id);
            for v in [t.impressions, t.clicks, t.spend_micros, t.conversions] {
                put(&mut out, v);
            }
        }
        out
    }

    /// Reads a result written by [`Partial::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Partial, Error> {
        let mut r = Cursor { bytes };
        if r.take(4)? != MAGIC {
            return Err(Error::CorruptPartial);
        }
        let mut p = Partial::new(r.u64()?);
        p.end = r.u64()?;
        p.newlines = r.u64()?;
        p.rows_read = r.u64()?;
        p.rows_aggregated = r.u64()?;
        for v in p.skipped.iter_mut() {
            *v = r.u64()?;
        }
        let examples = r.len(40)?;
        for _ in 0..examples {
            let line = r.u64()?;
            let kind = decode_kind(r.u64()?, r.u64()?, r.u64()?)?;
            let message =
                String::from_utf8(r.bytes()?.to_vec()).map_err(|_| Error::CorruptPartial)?;
            p.examples.push(Skipped {
                line,
                kind,
                message,
            });
        }
        let rejected = r.len(24)?;
        for _ in 0..rejected {
            let line = r.u64()?;
            let reason =
                String::from_utf8(r.bytes()?.to_vec()).map_err(|_| Error::CorruptPartial)?;
            let raw = r.bytes()?.to_vec();
            p.rejected
                .push(crate::partial::Rejected { line, reason, raw });
        }
        p.rejected_omitted = r.u64()?;
        p.strict_stopped = r.u64()? != 0;
        let names = r.len(16)?;
        for _ in 0..names {
            let id: Box<[u8]> = r.bytes()?.into();
            let name: Box<[u8]> = r.bytes()?.into();
            p.names.insert(id, name);
        }
        for v in p.quality.counts.iter_mut() {
            *v = r.u64()?;
        }
        p.quality.pairs_capped = r.u64()? != 0;
        let examples = r.len(40)?;
        for _ in 0..examples {
            let line = r.u64()?;
            let kind = *Warn::ALL
                .get(r.u64()? as usize)
                .ok_or(Error::CorruptPartial)?;
            let earlier = r.u64()?;
            let day = i32::try_from(r.u64()? as i64).map_err(|_| Error::CorruptPartial)?;
            let campaign: Box<[u8]> = r.bytes()?.into();
            let detail =
                String::from_utf8(r.bytes()?.to_vec()).map_err(|_| Error::CorruptPartial)?;
            p.quality.examples.push(Warned {
                line,
                kind,
                campaign,
                detail,
                earlier,
                day,
            });
        }
        let pairs = r.len(24)?;
        for _ in 0..pairs {
            let id = r.bytes()?;
            let day = i32::try_from(r.u64()? as i64).map_err(|_| Error::CorruptPartial)?;
            let line = r.u64()?;
            if !p.quality.insert_pair(id, day, line) {
                return Err(Error::CorruptPartial);
            }
        }
        let campaigns = r.len(40)?;
        p.campaigns.reserve(campaigns);
        for _ in 0..campaigns {
            let id: Box<[u8]> = r.bytes()?.into();
            let t = Totals {
                impressions: r.u64()?,
                clicks: r.u64()?,
                spend_micros: r.u64()?,
                conversions: r.u64()?,
            };
            if p.campaigns.insert(id, t).is_some() {
                return Err(Error::CorruptPartial);
            }
        }
        if !r.bytes.is_empty() {
            return Err(Error::CorruptPartial);
        }
        Ok(p)
    }
}

fn encode_kind(kind: SkipKind) -> (usize, u64, u64) {
    match kind {
        SkipKind::FieldCount { expected, found } => (kind.class(), expected as u64, found as u64),
        SkipKind::TooLong { limit } => (kind.class(), limit as u64, 0),
        _ => (kind.class(), 0, 0),
    }
}

fn decode_kind(class: u64, a: u64, b: u64) -> Result<SkipKind, Error> {
    let metric = |base: u64| Field::METRICS[(class - base) as usize];
    Ok(match class {
        0 => SkipKind::FieldCount {
            expected: a as usize,
            found: b as usize,
        },
        1 => SkipKind::EmptyCampaign,
        2 => SkipKind::TooLong { limit: a as usize },
        3..=6 => SkipKind::NotANumber(metric(3)),
        7..=10 => SkipKind::Negative(metric(7)),
        11..=14 => SkipKind::TooManyDecimals(metric(11)),
        15..=18 => SkipKind::TooLarge(metric(15)),
        19 => SkipKind::Footer,
        _ => return Err(Error::CorruptPartial),
    })
}

fn put(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    put(out, b.len() as u64);
    out.extend_from_slice(b);
}

struct Cursor<'a> {
    bytes: &'a [u8],
}

impl<'a> Cursor<'a> {
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
}
