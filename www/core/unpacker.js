// The unpack worker's calls from the page (issue 18): a zip's members and a
// workbook's sheet as CSV, made in a worker of its own with the unpack
// module (pkg-unpack/: zip directories and calamine), loaded only when an
// archive or a workbook is dropped. The worker ends with the run.
import { abortError, withKind } from './errors.js';
import { loadModule } from './module.js';
import { mb } from './unpack.js';

function startUnpackWorker() {
  return new Worker(new URL('./unpack-worker.js', import.meta.url), { type: 'module', name: 'adagg-unpack' });
}

/**
 * A worker with the unpack module: `members(file)` (a zip's members, each
 * `{name, method, compressed, uncompressed, dataStart, encrypted, dir}`),
 * `sheet(...)` (a workbook's sheet as a CSV entry for unpack.js) and
 * `close()`. Aborting `signal` ends the worker.
 * @param {{wasmUrl?: string | URL, signal?: AbortSignal}} options
 */
export async function openUnpacker({ wasmUrl, signal } = {}) {
  const module = await loadModule({ unpack: true, wasmUrl });
  const worker = startUnpackWorker();
  worker.postMessage({ type: 'init', module });
  const pending = new Map();
  let next = 1;
  const failAll = (err) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  worker.onmessage = (e) => {
    const { id, type } = e.data;
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    if (type === 'done') p.resolve(e.data.value);
    else p.reject(withKind(new Error(e.data.message), 'input'));
  };
  worker.onerror = (e) => failAll(withKind(new Error(`The unpack worker failed: ${e.message || 'it could not start'}`), 'load'));
  const onAbort = () => {
    worker.terminate();
    failAll(abortError());
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  const call = (msg) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(abortError());
      const id = next++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ ...msg, id });
    });
  return {
    members: (file) => call({ type: 'members', file }),
    /** A workbook (or a zip's workbook member) as a CSV entry. */
    async sheet({ file, codecs, expect, label, sheet, parse, platform }) {
      const r = await call({ type: 'sheet', file, codecs, expect, label, sheet: sheet ?? null, options: parse ?? null });
      const others = r.sheets.length > 1 ? ` (of ${r.sheets.length}: ${r.sheets.join(', ')})` : '';
      return {
        file: new File([r.csv], label, { type: 'text/csv' }),
        platform,
        label,
        parse: { delimiter: ',', encoding: 'utf-8' }, // the unpack module writes UTF-8 CSV with commas
        sheets: r.sheets,
        sheet: r.sheet,
        unpacked: `${label}: sheet "${r.sheet}"${others}, ${r.rows} rows, ${mb(r.bytes)} → ${mb(r.csv.size)} of CSV`,
      };
    },
    close() {
      signal?.removeEventListener('abort', onAbort);
      worker.terminate();
    },
  };
}
