// Coordinates a parallel aggregation of one CSV file across module Web Workers.
// UI-free, so that the page (app.js) and a future embeddable widget can share it.
//
//   import { aggregateFile } from './aggregate.js';
//   const result = await aggregateFile(file, { workers: 4, onProgress, signal });
//
// Flow: worker 0 sniffs the header (first 1 MiB) -> plan. The data bytes
// [plan.dataStart, file.size) are split into N nominal ranges, one per worker,
// aggregated concurrently. Each range result reports the record-aligned bounds
// it really covered; when range j's end differs from range j+1's start (a
// quoted newline crossed a split), range j+1 is re-run from range j's exact
// end. All partials then go, in file order, to one worker for the merge.

const DEFAULT_MIN_RANGE = 1 << 20; // do not split files into ranges smaller than this
const PROGRESS_INTERVAL_MS = 100; // ~10 progress updates per second
const WORKER_URL = new URL('./worker.js', import.meta.url);
// The wasm bytes ship inside a JS module (written by scripts/build-web.sh),
// so the page needs no fetch at all: its CSP sets connect-src 'none'.
const WASM_MODULE_URL = new URL('./pkg/adagg_wasm.js', import.meta.url);

let modulePromise = null;

/**
 * Loads and compiles the wasm module once, so that every worker can
 * instantiate it without loading or compiling it again. Safe to call early
 * (e.g. at page load); rejects with a readable Error if the build is missing.
 * @returns {Promise<WebAssembly.Module>}
 */
export function preload() {
  if (!modulePromise) {
    modulePromise = (async () => {
      let base64;
      try {
        ({ default: base64 } = await import(WASM_MODULE_URL.href));
      } catch {
        throw new Error(`The WebAssembly module is missing (${WASM_MODULE_URL.pathname}). Build it with scripts/build-web.sh.`);
      }
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      return WebAssembly.compile(bytes);
    })();
    modulePromise.catch(() => {
      modulePromise = null; // allow a retry later
    });
  }
  return modulePromise;
}

const warmed = new WeakSet();

/**
 * Runs a small synthetic file through `module` in a throwaway worker, so
 * that the engine's optimizing compiler has the hot code ready before the
 * user's first file (the first run is otherwise 0.1-0.2 s slower on 1 GB).
 * Once per module; errors are ignored (a real run reports them). Call it
 * after preload(), when the page is idle.
 * @param {{module?: WebAssembly.Module, workerUrl?: string|URL}} [options]
 * @returns {Promise<void>}
 */
export async function warmUp({ module, workerUrl = WORKER_URL } = {}) {
  try {
    module ??= await preload();
    if (warmed.has(module)) return;
    warmed.add(module);
    const worker = new WorkerClient(module, workerUrl);
    try {
      await worker.call({ type: 'warm' });
    } finally {
      worker.terminate(new Error('worker released'));
    }
  } catch {
    // A real run reports whatever went wrong.
  }
}

/** Today's date where the user is, as `YYYY-MM-DD` (the core has no clock). */
function localToday() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function abortError() {
  return new DOMException('The aggregation was cancelled.', 'AbortError');
}

/** One dedicated module worker with request/response calls. */
class WorkerClient {
  #worker;
  #pending = new Map();
  #nextId = 1;
  #dead = null;

  constructor(module, url = WORKER_URL) {
    this.#worker = new Worker(url, { type: 'module', name: 'adagg' });
    this.#worker.onmessage = ({ data }) => {
      const call = this.#pending.get(data.id);
      if (!call) return;
      if (data.type === 'progress') {
        call.onProgress?.(data.bytesDone, data.rows);
      } else {
        this.#pending.delete(data.id);
        if (data.type === 'done') call.resolve(data.value);
        else call.reject(Object.assign(new Error(data.message), { kind: data.kind, missing: data.missing, columns: data.columns }));
      }
    };
    this.#worker.onerror = (event) => {
      event.preventDefault?.();
      const detail = event.message ? `: ${event.message}` : ' (is www/pkg built?)';
      this.#fail(new Error(`The worker failed to start${detail}`));
    };
    this.#worker.onmessageerror = () => this.#fail(new Error('A worker message could not be decoded.'));
    this.#worker.postMessage({ type: 'init', module });
  }

  #fail(err) {
    this.#dead = err;
    for (const call of this.#pending.values()) call.reject(err);
    this.#pending.clear();
  }

  call(message, { transfer = [], onProgress } = {}) {
    if (this.#dead) return Promise.reject(this.#dead);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, onProgress });
      this.#worker.postMessage({ ...message, id }, transfer);
    });
  }

  terminate(reason = abortError()) {
    this.#worker.terminate();
    this.#fail(reason);
  }
}

/**
 * Nominal split offsets O_0 = dataStart < O_1 < ... < O_n = size.
 * @returns {number[]} n + 1 offsets
 */
export function splitOffsets(dataStart, size, n) {
  const len = size - dataStart;
  const offsets = [];
  for (let i = 0; i <= n; i++) offsets.push(dataStart + Math.floor((len * i) / n));
  return offsets;
}

/**
 * Aggregates a CSV file (File or Blob).
 *
 * @param {Blob} file
 * @param {object} [options]
 * @param {number} [options.workers] parallel workers (default navigator.hardwareConcurrency)
 * @param {(p: {phase: 'start'|'read'|'merge'|'done', bytesDone: number, totalBytes: number,
 *   rows: number, elapsedMs: number}) => void} [options.onProgress] at most ~10 calls/s
 *   during the read phase, plus one call per phase change
 * @param {AbortSignal} [options.signal] aborting terminates all workers and rejects
 *   with a DOMException named AbortError
 * @param {number} [options.top=10] rows per ranking
 * @param {number} [options.minRangeBytes] smallest range worth its own worker
 * @param {string|URL} [options.workerUrl] worker script instead of ./worker.js (same-origin with the page)
 * @param {WebAssembly.Module} [options.module] compiled module instead of preload()'s
 * @param {{delimiter?: string, encoding?: string, map?: Record<string, string>, strict?: boolean,
 *   today?: string}} [options.parse]
 *   forces the delimiter (`,` `;` `tab` `|`), the encoding (`utf-8`, `utf-16le`,
 *   `utf-16be`, `windows-1252`) or columns for fields (`{spend: 'Cost'}`);
 *   `strict` rejects with `kind: 'strict'` at the first malformed row;
 *   `today` (`YYYY-MM-DD`, default: the local date) dates later than it get
 *   a data-quality warning.
 *   A header the aliases cannot map rejects with an Error whose `kind` is
 *   `'columns'`, with `missing` (field names) and `columns` (the file's columns).
 * @returns {Promise<object>} the wasm Result ({ctr, cpa, ctrCsv, cpaCsv, summary};
 *   rejectedCsv: a Blob, rejected_rows.csv with every skipped row) plus
 *   `timing: {elapsedMs, bytes, workers, ranges, reruns}`
 */
export async function aggregateFile(file, options = {}) {
  const {
    workers = globalThis.navigator?.hardwareConcurrency || 4,
    onProgress,
    signal,
    top = 10,
    minRangeBytes = DEFAULT_MIN_RANGE,
    parse,
    workerUrl = WORKER_URL,
    module: givenModule,
  } = options;
  signal?.throwIfAborted();
  const maxWorkers = Math.max(1, Math.floor(Number(workers)) || 1);
  const t0 = performance.now();
  const pool = [];
  let finished = false;

  let rejectAbort;
  const aborted = new Promise((_, reject) => {
    rejectAbort = reject;
  });
  aborted.catch(() => {});
  const onAbort = () => {
    for (const w of pool) w.terminate();
    rejectAbort(abortError());
  };
  signal?.addEventListener('abort', onAbort, { once: true });

  // Progress: bytes done per range (the header counts as done once sniffed).
  const totalBytes = file.size;
  let headerBytes = 0;
  let rangeBytes = [];
  let rangeRows = [];
  let lastEmit = -Infinity;
  let phase = 'start';
  const emit = (force = false) => {
    if (!onProgress || finished) return;
    const now = performance.now();
    if (!force && now - lastEmit < PROGRESS_INTERVAL_MS) return;
    lastEmit = now;
    let bytesDone = headerBytes;
    for (const b of rangeBytes) bytesDone += b;
    if (phase === 'merge' || phase === 'done') bytesDone = totalBytes;
    let rows = 0;
    for (const r of rangeRows) rows += r;
    try {
      onProgress({ phase, bytesDone: Math.min(bytesDone, totalBytes), totalBytes, rows, elapsedMs: now - t0 });
    } catch (err) {
      console.error('onProgress callback failed', err);
    }
  };

  const work = async () => {
    const module = givenModule ?? (await preload());
    const spawn = () => {
      const w = new WorkerClient(module, workerUrl);
      pool.push(w);
      return w;
    };
    emit(true);

    const rangeCount = (dataLen) =>
      Math.max(1, Math.min(maxWorkers, Math.floor(dataLen / Math.max(1, minRangeBytes))));

    // 1. Sniff the header in worker 0; start the other workers meanwhile.
    const planPromise = spawn().call({ type: 'sniff', file, options: { today: localToday(), ...parse } });
    while (pool.length < rangeCount(totalBytes)) spawn();
    const plan = await planPromise;
    const dataStart = Number(plan.dataStart);
    headerBytes = dataStart;

    // 2. Split the data and aggregate the ranges concurrently.
    const n = rangeCount(Math.max(0, totalBytes - dataStart));
    while (pool.length < n) spawn();
    for (const w of pool.splice(n)) w.terminate(new Error('worker released'));
    const offsets = splitOffsets(dataStart, totalBytes, n);
    rangeBytes = new Array(n).fill(0);
    rangeRows = new Array(n).fill(0);
    phase = 'read';
    emit(true);

    // `exact`: start is a known record start (a re-run from the previous
    // range's end), not a nominal split point.
    const runRange = (worker, slot, start, stop, exact = false) => {
      const span = Math.max(0, stop - start);
      rangeBytes[slot] = 0;
      rangeRows[slot] = 0;
      return worker
        .call(
          { type: 'range', file, plan, start, stop, exact },
          {
            onProgress: (bytesDone, rows) => {
              rangeBytes[slot] = Math.min(bytesDone, span);
              rangeRows[slot] = rows;
              emit();
            },
          },
        )
        .then((r) => {
          rangeBytes[slot] = span;
          return r;
        });
    };
    // results[i] covers nominal [offsets[i], offsets[i+1]); slot = its progress slot.
    const results = await Promise.all(
      pool.map((w, j) => runRange(w, j, offsets[j], offsets[j + 1]).then((r) => ({ ...r, slot: j }))),
    );

    // 3. Make the ranges contiguous. results[j] always starts at a true record
    //    boundary (by induction), so its end is one too.
    let reruns = 0;
    for (let j = 0; j + 1 < results.length; j++) {
      if (results[j].strictStopped) {
        // Strict mode stopped at a malformed row: nothing after it counts.
        results.length = j + 1;
        break;
      }
      const end = results[j].end;
      if (results[j + 1].start === end) continue;
      // Range j ran past the nominal end of range j+1: drop j+1 entirely.
      // (offsets stay aligned with results; remove both entries.)
      if (end >= offsets[j + 2]) {
        const [dropped] = results.splice(j + 1, 1);
        offsets.splice(j + 1, 1);
        rangeRows[dropped.slot] = 0;
        j--; // compare range j with its new neighbour
        continue;
      }
      reruns++;
      const { slot } = results[j + 1];
      const rerun = await runRange(pool[0], slot, end, offsets[j + 2], true);
      if (rerun.start !== end) {
        throw new Error(`internal error: could not realign the range at byte ${end} (got ${rerun.start})`);
      }
      results[j + 1] = { ...rerun, slot };
    }
    const last = results[results.length - 1];
    if (results[0].start !== dataStart || (last.end !== totalBytes && !last.strictStopped)) {
      throw new Error(
        `internal error: the ranges cover bytes ${results[0].start}..${results[results.length - 1].end}, expected ${dataStart}..${totalBytes}`,
      );
    }

    // 4. Merge in one worker; free the others first.
    for (const w of pool.slice(1)) w.terminate(new Error('worker released'));
    pool.length = 1;
    phase = 'merge';
    emit(true);
    const partials = results.map((r) => r.partial);
    const result = await pool[0].call(
      { type: 'finish', plan, partials, top },
      { transfer: partials.map((p) => p.buffer) },
    );
    // Every rejected row, numbered now that each range's first line is known.
    let lineOffset = Number(plan.dataStartLine) - 1;
    const spools = results.map((r) => {
      const range = { blob: r.rejected, lineOffset };
      lineOffset += Number(r.newlines);
      return range;
    });
    result.rejectedCsv = await pool[0].call({ type: 'rejected', ranges: spools });
    phase = 'done';
    emit(true);
    const elapsedMs = performance.now() - t0;
    result.timing = { elapsedMs, bytes: totalBytes, workers: n, ranges: results.length, reruns };
    return result;
  };

  const running = work();
  running.catch(() => {});
  try {
    return await Promise.race([running, aborted]);
  } finally {
    finished = true;
    signal?.removeEventListener('abort', onAbort);
    for (const w of pool) w.terminate(new Error('worker released'));
  }
}
