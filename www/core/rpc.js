// The worker RPC client: request/response calls to one adagg worker, with
// progress, cancellation and the worker's wasm memory and health as it
// reports them. Protocol: core/worker.js.
import { abortError, trapMessage, withKind } from './errors.js';
import { httpStatusOf, startWorker } from './spawn.js';

/**
 * One dedicated module worker (core/worker.js, or a script that imports it)
 * with request/response calls: `call` posts a message and resolves with the
 * worker's answer, `cancel` asks the worker to stop every pending call.
 */
export class WorkerClient {
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

  /**
   * @param {WebAssembly.Module} module the compiled module the worker instantiates
   * @param {URL | null} url the worker script; null: the one bundled with adagg (core/worker.js)
   */
  constructor(module, url) {
    this.#worker = startWorker(url);
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
        else call.reject(Object.assign(new Error(data.message), { kind: data.kind, missing: data.missing, columns: data.columns, fields: data.fields, fileIndex: data.fileIndex }));
      }
    };
    this.#worker.onerror = (event) => {
      event.preventDefault?.();
      if (event.message) {
        this.#fail(withKind(new Error(`The worker failed to start: ${event.message}`), 'load'));
      } else if (url == null) {
        // A bundled worker's URL is the bundler's: the browser console names it.
        this.#fail(withKind(new Error('The worker bundled with adagg (core/worker.js) failed to load: its script or one of its imports (pkg/adagg.js) was not found (the browser console names the URL). Rollup and esbuild do not build workers: add adagg/www/core/worker.js as a second entry point named "worker" (README, "Bundlers and frameworks"), or point the widget\'s worker-url (aggregateFile\'s workerUrl) at a copy of it.'), 'load'));
      } else {
        httpStatusOf(url).then((status) => this.#fail(withKind(new Error(`The worker failed to load from ${url.href} (${status}).`), 'load')));
      }
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

  /** True once the worker failed or was terminated: it answers no call. */
  get dead() {
    return this.#dead !== null;
  }

  /**
   * Posts `message` (an id is added) and resolves with the worker's value,
   * or rejects with its error (`kind`, `missing`, `columns`, `fields` kept).
   * `onProgress(bytesDone, rows)` hears the call's progress messages.
   * @param {object} message
   * @param {{transfer?: Transferable[], onProgress?: (bytesDone: number, rows: number) => void}} [options]
   * @returns {Promise<any>}
   */
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

  /** Ends the worker now; pending calls reject with `reason`. */
  terminate(reason = abortError()) {
    this.#worker.terminate();
    this.#fail(reason);
  }
}
