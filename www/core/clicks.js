// Click logs in the browser (issue 17): `aggregateClicks(file)` reads a
// click log (NDJSON or CSV) in a worker of its own with the clicks module
// (pkg-clicks/, loaded only then) and returns its result, which keeps that
// worker for the stats query and the chart's series until `close()`.
// `detectClickLog(file)` tells a click log from its first bytes.
import { loadModule } from './module.js';
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
  const call = (msg, onProgress) =>
    new Promise((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve, reject, onProgress });
      worker.postMessage({ ...msg, id });
      call.last = id;
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

/**
 * Reads a click log. Options: `blocklist` (text or a Blob: IPs and CIDR
 * ranges, one a line, `#` comments), `velocityMax` (default 5), `rulesOff`
 * (rule ids), `lgK` (default 12), `idLimit` (default 20,000,000),
 * `onProgress({phase, bytesDone, totalBytes, rows, elapsedMs})` (the file
 * is read twice: totalBytes is twice its size), `signal`, `wasmUrl`.
 * @param {Blob} file
 * @param {object} [options]
 */
export async function aggregateClicks(file, { blocklist, velocityMax, rulesOff, lgK, idLimit, onProgress, signal, wasmUrl } = {}) {
  if (signal?.aborted) throw new DOMException('Aborted', 'AbortError');
  const started = performance.now();
  const { worker, call } = await openWorker(wasmUrl);
  const text = blocklist instanceof Blob ? await blocklist.text() : blocklist;
  const options = { blocklist: text ?? undefined, velocityMax, rulesOff: rulesOff ?? [], lgK, idLimit };
  const totalBytes = 2 * file.size;
  const abort = () => worker.postMessage({ type: 'cancel', target: call.last });
  signal?.addEventListener('abort', abort, { once: true });
  let value;
  try {
    value = await call({ type: 'run', file, options }, (p) =>
      onProgress?.({ phase: 'read', bytesDone: p.bytesDone, totalBytes, rows: p.rows, elapsedMs: performance.now() - started }),
    );
  } catch (err) {
    worker.terminate();
    if (signal?.aborted) throw new DOMException('Aborted', 'AbortError');
    throw err;
  } finally {
    signal?.removeEventListener('abort', abort);
  }
  onProgress?.({ phase: 'done', bytesDone: totalBytes, totalBytes, rows: value.summary.rows, elapsedMs: performance.now() - started });
  let closed = false;
  const live = () => {
    if (closed) throw withKind(new Error('this click-log result was closed'), 'input');
  };
  return {
    ...value,
    elapsedMs: performance.now() - started,
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
