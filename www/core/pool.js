// The pool of workers kept alive between runs. Starting a worker loads its
// scripts, which the page should not do once it has loaded; so runs take
// workers from here and give them back. One pool per (module, worker URL);
// the URL null is the worker bundled with adagg (core/spawn.js).
import { loadModule } from './module.js';
import { WorkerClient } from './rpc.js';

/** The workers a run uses by default: the logical cores. */
export const defaultWorkers = () => globalThis.navigator?.hardwareConcurrency || 4;

/** `n` as a worker count: a whole number, at least 1. */
export const workerCount = (n) => Math.max(1, Math.floor(Number(n)) || 1);

/**
 * Starts the workers a run will use (`workers`, default: the logical cores)
 * and runs a small synthetic file through one of them, so that the
 * engine's optimizing compiler has the hot code ready before the user's
 * first file (the first run is otherwise 0.1-0.2 s slower on 1 GB). The
 * workers stay alive for later runs: once the page has loaded, a run
 * fetches nothing. Errors are ignored (a real run reports them). Call it
 * after preload(), when the page is idle.
 * @param {{module?: WebAssembly.Module, workerUrl?: URL | null, workers?: number}} [options]
 * @returns {Promise<void>} once the workers are started and warm
 */
export async function warmUp({ module, workerUrl = null, workers = defaultWorkers() } = {}) {
  try {
    module ??= await loadModule();
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

/** Cancelled calls still unanswered after this long: the worker is terminated. */
const CANCEL_GRACE_MS = 3000;
/** A worker whose wasm memory grew past this is terminated after its run (wasm memory never shrinks). */
const RETIRE_BYTES = 64 << 20;

/** Every pool, for releaseWorkers() and workerStats(). */
const pools = new Set();
/** module -> worker URL -> pool. */
const poolsByModule = new WeakMap();

/**
 * The pool of workers running `url` with `module` (made on first use).
 * @param {WebAssembly.Module} module
 * @param {URL | null} url the worker script; null: the one bundled with adagg
 * @returns {WorkerPool}
 */
export function poolFor(module, url) {
  let byUrl = poolsByModule.get(module);
  if (!byUrl) poolsByModule.set(module, (byUrl = new Map()));
  const key = url == null ? '' : String(url);
  let pool = byUrl.get(key);
  if (!pool) {
    pool = new WorkerPool(module, url);
    byUrl.set(key, pool);
    pools.add(pool);
  }
  return pool;
}

/** Workers kept alive between runs, all with one module and one script. */
export class WorkerPool {
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

  /** Counts for workerStats(). */
  stats() {
    const memory = this.#idle.reduce((sum, w) => sum + w.memory, 0);
    return { idle: this.#idle.length, busy: this.#lent.size, ...this.#counts, memory };
  }
}
