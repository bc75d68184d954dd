// Click logs in the browser (issue 17): `aggregateClicks(file)` reads a
// click log (NDJSON or CSV) in workers of its own with the clicks module
// (pkg-clicks/, loaded only then), one range of the file each (see
// clicks-worker.js for the steps), and returns its result, which keeps the
// first worker for the stats query and the chart's series until `close()`.
// `detectClickLog(file)` tells a click log from its first bytes.
import { loadModule } from './module.js';
import { defaultWorkers, workerCount } from './pool.js';
import { withKind } from './errors.js';

/**
 * The click-log worker, started with the literal form bundlers recognise.
 * @returns {Worker}
 */
function startClicksWorker() {
  return new Worker(new URL('./clicks-worker.js', import.meta.url), { type: 'module', name: 'adagg-clicks' });
}

/** A worker with the clicks module, and calls to it by id. */
async function openWorker(wasmUrl) {
  const module = await loadModule({ clicks: true, wasmUrl });
  const worker = startClicksWorker();
  worker.postMessage({ type: 'init', module });
  const pending = new Map();
  let next = 1;
  worker.onmessage = (e) => {
    const { id, type } = e.data;
    const p = pending.get(id);
    if (!p) return;
    if (type === 'progress') return p.onProgress?.(e.data);
    pending.delete(id);
    if (type === 'done') p.resolve(e.data.value);
    else p.reject(withKind(new Error(e.data.message), e.data.cancelled ? 'cancelled' : 'input'));
  };
  worker.onerror = (e) => {
    for (const p of pending.values()) p.reject(withKind(new Error(`The click-log worker failed: ${e.message || 'it could not start'}`), 'load'));
    pending.clear();
  };
  const call = (msg, onProgress, transfer = []) =>
    new Promise((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve, reject, onProgress });
      worker.postMessage({ ...msg, id }, transfer);
    });
  return { worker, call };
}

/**
 * Whether the first bytes look like a click log: NDJSON (`{` first) or a
 * header naming an ad id. A cheap test before the clicks module is loaded;
 * {@link detectClickLog} asks the module.
 * @param {Blob} file
 */
export async function maybeClickLog(file) {
  const head = new TextDecoder('utf-8', { fatal: false }).decode(await file.slice(0, 1 << 16).arrayBuffer());
  const text = head.replace(/^\uFEFF/, '').trimStart();
  return text.startsWith('{') || /(^|[,;\t|"])\s*ad[ _-]?id\s*("|[,;\t|]|$)/im.test(text);
}

/**
 * The click-log plan of `file` (`{format: 'NDJSON' | 'CSV', encoding}`), or
 * null when it is not a click log.
 * @param {Blob} file
 * @param {{wasmUrl?: string}} [options]
 */
export async function detectClickLog(file, { wasmUrl } = {}) {
  if (!(await maybeClickLog(file))) return null;
  const { worker, call } = await openWorker(wasmUrl);
  try {
    return await call({ type: 'plan', file });
  } finally {
    worker.terminate();
  }
}

/** By default, ranges smaller than this are not split further among workers. */
const MIN_RANGE = 16 << 20;

/**
 * Reads a click log. Options: `blocklist` (text or a Blob: IPs and CIDR
 * ranges, one a line, `#` comments), `velocityMax` (default 5), `rulesOff`
 * (rule ids), `lgK` (default 12), `idLimit` (default 20,000,000),
 * `workers` (default: the logical cores; one range of at least
 * `minRangeBytes`, default 16 MiB, each), `onProgress({phase, bytesDone, totalBytes, rows, elapsedMs})`
 * (each range is read twice: totalBytes is twice the file's size),
 * `signal`, `wasmUrl`.
 * @param {Blob} file
 * @param {object} [options]
 */
export async function aggregateClicks(file, { blocklist, velocityMax, rulesOff, lgK, idLimit, workers, minRangeBytes = MIN_RANGE, onProgress, signal, wasmUrl } = {}) {
  const aborted = () => new DOMException('Aborted', 'AbortError');
  if (signal?.aborted) throw aborted();
  const started = performance.now();
  const text = blocklist instanceof Blob ? await blocklist.text() : blocklist;
  const options = { blocklist: text ?? undefined, velocityMax, rulesOff: rulesOff ?? [], lgK, idLimit };
  const n = Math.max(1, Math.min(workerCount(workers ?? defaultWorkers()), Math.floor(file.size / Math.max(1, minRangeBytes))));
  let pool = await Promise.all(Array.from({ length: n }, () => openWorker(wasmUrl)));
  const end = () => pool.forEach((w) => w.worker.terminate());
  // Every step races the signal: aborting ends the workers at once.
  let onAbort;
  const abortion = new Promise((_, reject) => {
    onAbort = () => {
      end();
      reject(aborted());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  abortion.catch(() => {});
  const step = (p) => Promise.race([p, abortion]);
  const totalBytes = 2 * file.size;
  const read = { pass1: [], pass2: [], rows: [] };
  const report = () => {
    const sum = (a) => a.reduce((x, y) => x + (y ?? 0), 0);
    onProgress?.({ phase: 'read', bytesDone: sum(read.pass1) + sum(read.pass2), totalBytes, rows: sum(read.rows), elapsedMs: performance.now() - started });
  };
  let value;
  let reruns = 0;
  let rangesRead = 0;
  const phases = {};
  try {
    const headEnd = Math.min(file.size, 1 << 20);
    const head = new Uint8Array(await step(file.slice(0, headEnd).arrayBuffer()));
    const atEof = headEnd === file.size;
    const first = pool[0].call;
    const pass1 = (points) =>
      step(
        Promise.all(
          points.slice(0, -1).map((from, i) =>
            pool[i].call({ type: 'scan', file, from, to: points[i + 1], index: i, head, atEof, options }, (p) => {
              read.pass1[i] = p.bytesDone;
              read.rows[i] = p.rows;
              report();
            }),
          ),
        ),
      );
    let points = await step(first({ type: 'split', file, parts: n }));
    let scans = await pass1(points);
    phases.pass1 = performance.now();
    if (scans.slice(0, -1).some((s) => s.open)) {
      // A split fell inside a quoted CSV field: one range.
      reruns++;
      points = [points[0], points[points.length - 1]];
      read.pass1 = [];
      read.rows = [];
      scans = await pass1(points);
    }
    rangesRead = scans.length;
    pool.slice(scans.length).forEach((w) => w.worker.terminate());
    pool = pool.slice(0, scans.length);
    const cross = await step(first({ type: 'cross', ids: scans.map((s) => s.ids), options }, null, scans.map((s) => s.ids.buffer)));
    const counts = await step(Promise.all(cross.crosses.map((c, i) => pool[i].call({ type: 'apply', cross: c }, null, [c.buffer]))));
    const hot = await step(first({ type: 'hot', counts, options }, null, counts.map((c) => c.buffer)));
    const keysSeen = scans.reduce((k, s) => k | s.keysSeen, 0);
    const firstLines = await step(first({ type: 'firstLines', head, atEof, lines: scans.map((s) => s.lines) }));
    phases.settle = performance.now();
    const tallies = await step(
      Promise.all(
        scans.map((_, i) =>
          pool[i].call({ type: 'tally', file, from: points[i], to: points[i + 1], hot, keysSeen, firstLine: firstLines[i] }, (p) => {
            read.pass2[i] = p.bytesDone;
            report();
          }),
        ),
      ),
    );
    phases.pass2 = performance.now();
    pool.slice(1).forEach((w) => w.worker.terminate());
    pool = pool.slice(0, 1);
    const overLimit = cross.overLimit || scans.some((s) => s.overLimit);
    value = await step(first({ type: 'finish', head, atEof, options, tallies, keysSeen, ids: cross.ids, overLimit }, null, tallies.map((t) => t.buffer)));
  } catch (err) {
    end();
    if (signal?.aborted) throw aborted();
    throw err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  const { worker, call } = pool[0];
  onProgress?.({ phase: 'done', bytesDone: totalBytes, totalBytes, rows: value.summary.rows, elapsedMs: performance.now() - started });
  let closed = false;
  const live = () => {
    if (closed) throw withKind(new Error('this click-log result was closed'), 'input');
  };
  return {
    ...value,
    elapsedMs: performance.now() - started,
    /** Workers started, ranges read (one per worker used), and reruns as one range. */
    timing: {
      workers: n,
      ranges: rangesRead,
      reruns,
      // Milliseconds from the start to the end of each step.
      pass1Ms: phases.pass1 - started,
      settleMs: phases.settle - started,
      pass2Ms: phases.pass2 - started,
      finishMs: performance.now() - started,
    },
    /**
     * The stats query: one ad's billable clicks and unique users per
     * window, start inclusive, end exclusive (unix seconds, milliseconds or
     * ISO 8601), windows without clicks present with 0.
     */
    async stats({ adId, window, start, end }) {
      live();
      const q = `ad_id=${encodeURIComponent(adId)}&window=${encodeURIComponent(window)}&start=${encodeURIComponent(start)}&end=${encodeURIComponent(end)}`;
      return JSON.parse(await call({ type: 'stats', query: q }));
    },
    /** One ad's windows with clicks: {starts, clicks, duplicates, flagged} (Float64Arrays). */
    async series(adId, window) {
      live();
      const [starts, clicks, duplicates, flagged] = await call({ type: 'series', adId, window });
      return { starts, clicks, duplicates, flagged };
    },
    /** Ends the worker that holds the result. */
    close() {
      closed = true;
      worker.terminate();
    },
  };
}
