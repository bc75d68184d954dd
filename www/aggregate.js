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
// The workers come from a pool started at page load (warmUp) and go back to
// it after the run, so that a run loads no script: once the page has
// loaded, it makes no request.

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

/**
 * Starts the workers a run will use (`workers`, default: the logical cores)
 * and runs a small synthetic file through one of them, so that the
 * engine's optimizing compiler has the hot code ready before the user's
 * first file (the first run is otherwise 0.1-0.2 s slower on 1 GB). The
 * workers stay alive for later runs: once the page has loaded, a run
 * fetches nothing. Errors are ignored (a real run reports them). Call it
 * after preload(), when the page is idle.
 * @param {{module?: WebAssembly.Module, workerUrl?: string|URL, workers?: number}} [options]
 * @returns {Promise<void>} once the workers are started and warm
 */
export async function warmUp({ module, workerUrl = WORKER_URL, workers = defaultWorkers() } = {}) {
  try {
    module ??= await preload();
    const pool = poolFor(module, workerUrl);
    pool.fill(workerCount(workers));
    await pool.warm();
  } catch {
    // A real run reports whatever went wrong.
  }
}

/**
 * Terminates every worker kept for later runs (workers still busy with a
 * run are terminated when it ends). The next run starts new ones.
 */
export function releaseWorkers() {
  for (const pool of pools) pool.release();
}

/**
 * Counts over every pool, for diagnostics and tests: `idle` workers kept,
 * `busy` ones (in a run, warming up, or finishing a cancelled call),
 * `spawned` and `retired` since the page loaded, and `stoppedEarly`:
 * cancelled calls that a worker stopped before their end; `memory`: the
 * idle workers' wasm memory in bytes.
 * @returns {{idle: number, busy: number, spawned: number, retired: number, stoppedEarly: number, memory: number}}
 */
export function workerStats() {
  const total = { idle: 0, busy: 0, spawned: 0, retired: 0, stoppedEarly: 0, memory: 0 };
  for (const pool of pools) {
    for (const [k, v] of Object.entries(pool.stats())) total[k] += v;
  }
  return total;
}

const defaultWorkers = () => globalThis.navigator?.hardwareConcurrency || 4;
const workerCount = (n) => Math.max(1, Math.floor(Number(n)) || 1);

/** Today's date where the user is, as `YYYY-MM-DD` (the core has no clock). */
function localToday() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function abortError() {
  return new DOMException('The aggregation was cancelled.', 'AbortError');
}

/** What a run that trapped in wasm rejects with. */
function trapMessage(detail) {
  return (
    `The aggregation failed inside the WebAssembly module (${detail}). Either the file needs more memory ` +
    'than the browser gives a tab (the command-line adagg has no such limit), or this is a bug: please report it.'
  );
}

/** One dedicated module worker with request/response calls. */
class WorkerClient {
  #worker;
  #pending = new Map();
  #cancelling = new Set(); // ids of cancelled calls the worker has not answered yet
  #drained = null; // resolves when #cancelling empties
  #nextId = 1;
  #dead = null;
  /** The worker's wasm memory in bytes, as of its last answer. */
  memory = 0;
  /** Cancelled calls that the worker stopped before their end. */
  stoppedEarly = 0;
  /** True once its wasm instance trapped: it must not serve another run. */
  fatal = false;

  constructor(module, url = WORKER_URL) {
    this.#worker = new Worker(url, { type: 'module', name: 'adagg' });
    this.#worker.onmessage = ({ data }) => {
      if (data.type !== 'progress') this.memory = Math.max(this.memory, data.memory ?? 0);
      if (data.fatal) this.fatal = true;
      const call = this.#pending.get(data.id);
      if (!call) {
        if (data.type !== 'progress' && this.#cancelling.delete(data.id)) {
          if (data.kind === 'cancelled') this.stoppedEarly++;
          if (this.#cancelling.size === 0) this.#drained?.resolve();
        }
        return;
      }
      if (data.type === 'progress') {
        call.onProgress?.(data.bytesDone, data.rows);
      } else {
        this.#pending.delete(data.id);
        if (data.type === 'done') call.resolve(data.value);
        else if (data.fatal) call.reject(new Error(trapMessage(data.message)));
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
    this.#cancelling.clear();
    this.#drained?.resolve();
  }

  get dead() {
    return this.#dead !== null;
  }

  call(message, { transfer = [], onProgress } = {}) {
    if (this.#dead) return Promise.reject(this.#dead);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, onProgress });
      this.#worker.postMessage({ ...message, id }, transfer);
    });
  }

  /**
   * Rejects every pending call with `reason` and asks the worker to stop
   * them. Resolves once the worker has answered them all (it is free then).
   */
  cancel(reason = abortError()) {
    for (const [id, call] of this.#pending) {
      this.#worker.postMessage({ type: 'cancel', target: id });
      this.#cancelling.add(id);
      call.reject(reason);
    }
    this.#pending.clear();
    if (this.#cancelling.size === 0) return Promise.resolve();
    if (!this.#drained) {
      let resolve;
      const promise = new Promise((r) => (resolve = r)).then(() => (this.#drained = null));
      this.#drained = { promise, resolve };
    }
    return this.#drained.promise;
  }

  terminate(reason = abortError()) {
    this.#worker.terminate();
    this.#fail(reason);
  }
}

/** Cancelled calls still unanswered after this long: the worker is terminated. */
const CANCEL_GRACE_MS = 3000;
/** A worker whose wasm memory grew past this is terminated after its run (wasm memory never shrinks). */
const RETIRE_BYTES = 64 << 20;

/** Every pool, for releaseWorkers() and workerStats(). */
const pools = new Set();
/** module -> worker URL -> pool. */
const poolsByModule = new WeakMap();

function poolFor(module, url) {
  let byUrl = poolsByModule.get(module);
  if (!byUrl) poolsByModule.set(module, (byUrl = new Map()));
  const key = String(url);
  let pool = byUrl.get(key);
  if (!pool) {
    pool = new WorkerPool(module, url);
    byUrl.set(key, pool);
    pools.add(pool);
  }
  return pool;
}

/**
 * Workers kept alive between runs, all with one module and one script.
 * Starting a worker loads its scripts, which the page should not do once
 * it has loaded; so runs take workers from here and give them back.
 */
class WorkerPool {
  #module;
  #url;
  #idle = [];
  #returning = new Set(); // promises: workers finishing a call before they are idle again
  #lent = new Set(); // workers taken and not idle again yet
  #keep = 0; // idle workers kept: the most ever asked for at once, at most two per core
  #warmed = false;
  #counts = { spawned: 0, retired: 0, stoppedEarly: 0 };

  constructor(module, url) {
    this.#module = module;
    this.#url = url;
  }

  #spawn() {
    this.#counts.spawned++;
    return new WorkerClient(this.#module, this.#url);
  }

  /**
   * Keeps up to `n` idle workers, but no more than twice the logical cores:
   * each holds its own memory, and more do not run faster (one more than
   * the cores can: 3 workers on 2 cores took 0.94 s on 1 GB, 2 took 1.05 s).
   */
  #keepFor(n) {
    this.#keep = Math.min(Math.max(this.#keep, n), 2 * defaultWorkers());
  }

  /** Starts workers until `n` exist (idle or on their way back), at most two per core. */
  fill(n) {
    this.#keepFor(n);
    n = Math.min(n, this.#keep);
    while (this.#idle.length + this.#returning.size < n) this.#idle.push(this.#spawn());
  }

  /** Runs the warm-up call on one worker (once per pool). */
  async warm() {
    if (this.#warmed) return;
    this.#warmed = true;
    const [worker] = await this.take(1);
    // A run meanwhile waits for this worker rather than start another.
    const warming = worker.call({ type: 'warm' }).catch(() => {});
    this.give(worker, warming);
    await warming;
  }

  /**
   * `n` workers for a run: idle ones first, then ones on their way back
   * (warming up or stopping a cancelled call), then new ones.
   * @returns {Promise<WorkerClient[]>}
   */
  async take(n) {
    this.#keepFor(n);
    const out = [];
    while (out.length < n) {
      const w = this.#idle.pop();
      if (w) {
        if (!w.dead) out.push(w);
      } else if (this.#returning.size > 0) {
        await Promise.race(this.#returning);
      } else {
        out.push(this.#spawn());
      }
    }
    for (const w of out) this.#lent.add(w);
    return out;
  }

  /**
   * Takes a worker back after a run (or once `busy` settles): its pending
   * calls are cancelled, and it is idle again once it has answered them.
   * A worker that died, trapped, grew large or does not answer in time is
   * terminated instead.
   */
  give(worker, busy = Promise.resolve()) {
    let timer;
    const back = busy.then(() => Promise.race([
      worker.cancel(new Error('worker released')).then(() => true),
      new Promise((resolve) => (timer = setTimeout(resolve, CANCEL_GRACE_MS, false))),
    ])).then((answered) => {
      clearTimeout(timer);
      this.#returning.delete(back);
      this.#counts.stoppedEarly += worker.stoppedEarly;
      worker.stoppedEarly = 0;
      this.#lent.delete(worker);
      const keep = answered && !worker.dead && !worker.fatal && worker.memory <= RETIRE_BYTES;
      if (!keep || this.#idle.length >= this.#keep) {
        if (!worker.dead) this.#counts.retired++;
        worker.terminate(new Error('worker released'));
      } else {
        this.#idle.push(worker);
      }
    });
    this.#returning.add(back);
  }

  /** Terminates the idle workers now and the others when they come back. */
  release() {
    for (const w of this.#idle.splice(0)) {
      this.#counts.retired++;
      w.terminate(new Error('worker released'));
    }
    this.#keep = 0; // until a run asks for workers again
  }

  stats() {
    const memory = this.#idle.reduce((sum, w) => sum + w.memory, 0);
    return { idle: this.#idle.length, busy: this.#lent.size, ...this.#counts, memory };
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
 * @param {AbortSignal} [options.signal] aborting stops the run's workers (they stay
 *   for the next run) and rejects with a DOMException named AbortError
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
    workers = defaultWorkers(),
    onProgress,
    signal,
    top = 10,
    minRangeBytes = DEFAULT_MIN_RANGE,
    parse,
    workerUrl = WORKER_URL,
    module: givenModule,
  } = options;
  signal?.throwIfAborted();
  const maxWorkers = workerCount(workers);
  const t0 = performance.now();
  let shared = null; // the pool the workers come from
  const pool = []; // this run's workers, given back to `shared` when it ends
  // Back to the pool: a worker still busy (an error elsewhere, an abort) is
  // asked to stop first.
  const giveBack = (workers) => {
    for (const w of workers) shared.give(w);
  };
  let finished = false;

  let rejectAbort;
  const aborted = new Promise((_, reject) => {
    rejectAbort = reject;
  });
  aborted.catch(() => {});
  const onAbort = () => {
    for (const w of pool) w.cancel(abortError());
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
    shared = poolFor(module, workerUrl);
    // Adds k workers to the run (none once it has ended: an abort).
    const take = async (k) => {
      const got = await shared.take(Math.max(0, k));
      if (finished) {
        giveBack(got);
        throw abortError();
      }
      pool.push(...got);
    };
    emit(true);

    const rangeCount = (dataLen) =>
      Math.max(1, Math.min(maxWorkers, Math.floor(dataLen / Math.max(1, minRangeBytes))));

    // 1. Sniff the header in worker 0; take the other workers meanwhile.
    await take(1);
    const planPromise = pool[0].call({ type: 'sniff', file, options: { today: localToday(), ...parse } });
    const others = take(rangeCount(totalBytes) - 1);
    others.catch(() => {});
    const plan = await planPromise;
    await others;
    const dataStart = Number(plan.dataStart);
    headerBytes = dataStart;

    // 2. Split the data and aggregate the ranges concurrently.
    const n = rangeCount(Math.max(0, totalBytes - dataStart));
    await take(n - pool.length);
    giveBack(pool.splice(n));
    const offsets = splitOffsets(dataStart, totalBytes, n);
    rangeBytes = new Array(n).fill(0);
    rangeRows = new Array(n).fill(0);
    phase = 'read';
    emit(true);

    // `exact`: start is a known record start (a re-run from the previous
    // range's end), not a nominal split point.
    const runRange = (worker, slot, start, stop, exact = false, locate = false) => {
      const span = Math.max(0, stop - start);
      rangeBytes[slot] = 0;
      rangeRows[slot] = 0;
      return worker
        .call(
          { type: 'range', file, plan, start, stop, exact, locate },
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
    //    boundary (by induction), so its end is one too. A range's error
    //    travels in its partial, so it only counts once the range is known to
    //    start where the one before it ended (a range that began inside a
    //    quoted field may have read its text as rows and is run again).
    let reruns = 0;
    for (let j = 0; j + 1 < results.length; j++) {
      if (results[j].stopped) {
        // Strict mode stopped at a malformed row, or an error: nothing after it counts.
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
    if (results[0].start !== dataStart || (last.end !== totalBytes && !last.stopped)) {
      throw new Error(
        `internal error: the ranges cover bytes ${results[0].start}..${results[results.length - 1].end}, expected ${dataStart}..${totalBytes}`,
      );
    }

    // 4. Merge in one worker; free the others first.
    giveBack(pool.splice(1));
    phase = 'merge';
    emit(true);
    const partials = results.map((r) => r.partial);
    let result;
    try {
      result = await pool[0].call({ type: 'finish', plan, partials, top }, { transfer: partials.map((p) => p.buffer) });
    } catch (err) {
      if (err?.kind !== 'locate') throw err;
      // A problem found without its line (a total that overflows only when
      // two ranges' totals meet, an id found invalid in a range's table):
      // one pass over the data through csv-core stops at it and names the
      // line. It throws with kind 'input'.
      phase = 'read';
      reruns++;
      const located = await runRange(pool[0], 0, dataStart, totalBytes, true, true);
      await pool[0].call({ type: 'finish', plan, partials: [located.partial], top }, { transfer: [located.partial.buffer] });
      throw err; // not found again: report it as found
    }
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
    giveBack(pool.splice(0));
  }
}
