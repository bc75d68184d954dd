//! The run loops: lines into a [`RowSink`] (the campaign table, or the
//! normalized table), one at a time or in
//! batches whose table slots are touched before they are added to.

use super::*;

impl FastParser {
    /// Hands the lines from `buf[p]` on to `sink`, while they start at or
    /// before `limit` and the fast path takes them.
    pub fn run<S: RowSink>(
        &self,
        buf: &[u8],
        p: usize,
        limit: usize,
        sink: &mut S,
        line0: u64,
    ) -> Run {
        if !self.enabled {
            return Run {
                pos: p,
                lines: 0,
                halt: Halt::Declined,
            };
        }
        if !S::SPECIALIZED {
            return match self.delim_below {
                true => self.run_direct::<S, true, 0, 0>(buf, p, limit, sink, line0),
                false => self.run_direct::<S, false, 0, 0>(buf, p, limit, sink, line0),
            };
        }
        // The one-mask parser for the common layout, with the delimiter
        // as a constant, for commas and tabs.
        match (self.delim_below, self.canonical(), self.delimiter) {
            (true, REQUIRED, b',') => self.run_direct::<S, true, REQUIRED, b','>(buf, p, limit, sink, line0),
            (true, REQUIRED, b'\t') => self.run_direct::<S, true, REQUIRED, b'\t'>(buf, p, limit, sink, line0),
            (true, REQUIRED, _) => self.run_direct::<S, true, REQUIRED, 0>(buf, p, limit, sink, line0),
            (true, SUMS, b',') => self.run_direct::<S, true, SUMS, b','>(buf, p, limit, sink, line0),
            (true, SUMS, _) => self.run_direct::<S, true, SUMS, 0>(buf, p, limit, sink, line0),
            (true, _, _) => self.run_direct::<S, true, 0, 0>(buf, p, limit, sink, line0),
            (false, REQUIRED, _) => self.run_direct::<S, false, REQUIRED, 0>(buf, p, limit, sink, line0),
            (false, SUMS, _) => self.run_direct::<S, false, SUMS, 0>(buf, p, limit, sink, line0),
            (false, _, _) => self.run_direct::<S, false, 0, 0>(buf, p, limit, sink, line0),
        }
    }

    /// One line at a time (tables that stay in cache).
    pub(super) fn run_direct<S: RowSink, const B: bool, const C: usize, const D: u8>(
        &self,
        buf: &[u8],
        mut p: usize,
        limit: usize,
        sink: &mut S,
        line0: u64,
    ) -> Run {
        let mut lines = 0;
        let mut plain = PlainRetry::default();
        loop {
            if sink.table().is_large() {
                let more = self.run_batched::<S, B, C, D>(buf, p, limit, sink, line0 + lines);
                return Run {
                    lines: lines + more.lines,
                    ..more
                };
            }
            // The common case: through windows.
            while p <= limit {
                let Some(win) = window(buf, p) else { break };
                let Some(line) = self.windowed::<B, C, D>(win, &mut plain) else {
                    break;
                };
                if let Err(f) = sink.accept_small(&row(buf, p, &line, line0 + lines + 1)) {
                    let id = line.campaign_at(p);
                    return Run {
                        pos: p,
                        lines,
                        halt: Halt::Overflow(f, id),
                    };
                }
                p += line.end;
                lines += 1;
                if sink.table().is_large() {
                    break;
                }
            }
            if p > limit {
                return Run {
                    pos: p,
                    lines,
                    halt: Halt::Limit,
                };
            }
            if sink.table().is_large() {
                continue;
            }
            // Near the end of the buffer, a long line, or one to decline.
            let Some(line) = self.parse_cold::<B, C>(buf, p) else {
                return Run {
                    pos: p,
                    lines,
                    halt: Halt::Declined,
                };
            };
            if let Err(f) = sink.accept(&row(buf, 0, &line, line0 + lines + 1)) {
                return Run {
                    pos: p,
                    lines,
                    halt: Halt::Overflow(f, line.campaign_at(0)),
                };
            }
            p = line.end;
            lines += 1;
        }
    }

    /// For tables larger than the caches: parses [`BATCH`] lines, touches
    /// their slots (all the loads in a row, so that their cache misses
    /// overlap), then adds the batch before, whose slots were touched a
    /// batch of parsing ago and are in cache by now.
    pub(super) fn run_batched<S: RowSink, const B: bool, const C: usize, const D: u8>(
        &self,
        buf: &[u8],
        mut p: usize,
        limit: usize,
        sink: &mut S,
        line0: u64,
    ) -> Run {
        let empty = Line {
            end: 0,
            campaign: 0,
            campaign_len: 0,
            key: (0, 0),
            values: Totals::default(),
            day: NO_DAY,
            name: (0, 0),
        };
        // Two batches: the one being parsed and the one before, with the
        // home slots of their lines and the table size those are for.
        let mut batches = [[empty; BATCH]; 2];
        let mut homes = [[0usize; BATCH]; 2];
        let mut sizes = [0usize; 2];
        let mut plain = PlainRetry::default();
        // Lines in the previous batch, and where the first of them starts.
        let (mut pending, mut pending_at) = (0, p);
        let mut lines = 0;
        for k in (0..2).cycle() {
            let [a, b] = &mut batches;
            let (cur, prev) = if k == 0 { (a, &*b) } else { (b, &*a) };
            let start = p;
            let mut n = 0;
            let mut halt = None;
            while n < BATCH {
                if p > limit {
                    halt = Some(Halt::Limit);
                    break;
                }
                let Some(line) = self.parse_at::<B, C, D>(buf, p, &mut plain) else {
                    halt = Some(Halt::Declined);
                    break;
                };
                cur[n] = line;
                // Hashed here, where it overlaps with the parsing.
                homes[k][n] = home(sink.table(), buf, &line);
                p = line.end;
                n += 1;
            }
            // All the slot loads in a row, so that their misses overlap.
            let touched = homes[k][..n]
                .iter()
                .fold(0, |acc, &home| acc ^ sink.table().touch(home));
            std::hint::black_box(touched);
            sizes[k] = sink.table().size();
            let todo = [
                (&prev[..pending], &homes[1 - k], sizes[1 - k], pending_at),
                (&cur[..n], &homes[k], sizes[k], start),
            ];
            // The previous batch; at the end, this one too.
            let todo = if halt.is_some() {
                &todo[..]
            } else {
                &todo[..1]
            };
            for &(batch, homes, size, mut at) in todo {
                for (line, &home) in batch.iter().zip(homes) {
                    if let Err(f) = sink.accept_at(&row(buf, 0, line, line0 + lines + 1), home, size) {
                        let id = line.campaign_at(0);
                        return Run {
                            pos: at,
                            lines,
                            halt: Halt::Overflow(f, id),
                        };
                    }
                    at = line.end;
                    lines += 1;
                }
            }
            if let Some(halt) = halt {
                return Run {
                    pos: p,
                    lines,
                    halt,
                };
            }
            (pending, pending_at) = (n, start);
        }
        unreachable!("cycle() does not end")
    }
}

/// Whether [`FastParser::plain`] is worth trying: it gives up after a
/// run of lines it does not take (they all go to [`FastParser::parse`]
/// then), and tries again now and then.
#[derive(Default)]
pub(super) struct PlainRetry {
    /// Lines in a row it did not take.
    pub(super) misses: u32,
    /// Lines to go before trying again.
    pub(super) skip: u32,
}

impl PlainRetry {
    const GIVE_UP: u32 = 16;
    /// Lines between tries once given up.
    const RETRY: u32 = 4096;

    #[inline(always)]
    pub(super) fn worth_trying(&mut self) -> bool {
        if self.skip == 0 {
            return true;
        }
        self.skip -= 1;
        false
    }

    #[inline(always)]
    pub(super) fn miss(&mut self) {
        self.misses += 1;
        if self.misses == Self::GIVE_UP {
            // One more miss after the pause gives up again.
            (self.misses, self.skip) = (Self::GIVE_UP - 1, Self::RETRY);
        }
    }
}

/// The row of an accepted line found at `buf[base]`, at line `line_no`,
/// read straight from the line's positions (nothing is copied until it is
/// asked for).
pub struct LineRow<'b> {
    buf: &'b [u8],
    base: usize,
    line: &'b Line,
    line_no: u64,
}

/// The [`LineRow`] of `line`, found at `buf[base]` at line `line_no`.
#[inline(always)]
pub fn row<'b>(buf: &'b [u8], base: usize, line: &'b Line, line_no: u64) -> LineRow<'b> {
    LineRow { buf, base, line, line_no }
}

impl AcceptedRow for LineRow<'_> {
    #[inline(always)]
    fn line(&self) -> u64 {
        self.line_no
    }
    #[inline(always)]
    fn campaign(&self) -> &[u8] {
        &self.buf[self.line.campaign_at(self.base)]
    }
    #[inline(always)]
    fn key(&self) -> (u64, u64) {
        self.line.key
    }
    #[inline(always)]
    fn values(&self) -> Totals {
        self.line.values
    }
    #[inline(always)]
    fn date(&self) -> RowDate<'_> {
        match self.line.day {
            NO_DAY => RowDate::Absent,
            day => RowDate::Day(day),
        }
    }
    #[inline(always)]
    fn name(&self) -> &[u8] {
        match self.line.name {
            (_, 0) => &[],
            (at, len) => crate::text::number::trim(&self.buf[self.base + at..self.base + at + len]),
        }
    }
    #[inline(always)]
    fn rounded_spend(&self) -> Option<&[u8]> {
        None // the fast path declines any spend it would have to round
    }
    #[inline(always)]
    fn checked(&self) -> bool {
        true // the parser declined every row that Quality::warns about
    }
    #[inline(always)]
    fn line_from_campaign(&self) -> Option<(&[u8], usize)> {
        let rest = &self.buf[self.base + self.line.campaign..];
        Some((rest, self.line.end - self.line.campaign))
    }
}

/// The home slot in `table` of the campaign of a line found at `buf[0]`
/// (see [`Table::touch`]).
#[inline(always)]
pub(super) fn home(table: &Table, buf: &[u8], line: &Line) -> usize {
    if line.key.1 != 0 {
        table.home(line.key.0, line.key.1)
    } else {
        table.home_long(&buf[line.campaign_at(0)])
    }
}

/// The window on the line at `p`, if the buffer goes on far enough.
#[inline(always)]
pub(super) fn window(buf: &[u8], p: usize) -> Option<Window<'_>> {
    buf.get(p..)
        .and_then(|rest| rest.first_chunk::<{ WINDOW + 8 }>())
        .map(Window)
}
