// normalized.csv in the browser: the file's rows in the common schema
// (date, platform, campaign, the sums), made by one worker in one pass and
// handed over as a Blob (flat memory whatever the file's size).
import { abortError, withKind } from './errors.js';
import { loadModule, resolveUrl } from './module.js';
import { poolFor } from './pool.js';

/**
 * Normalizes `file` to normalized.csv: resolves with `{csv: Blob, rows,
 * skipped, platform}`. Rejects like aggregateFile (kind 'header',
 * 'columns', 'empty', 'read'…; an AbortError when `signal` aborts).
 * @param {Blob} file
 * @param {{parse?: object, platform?: string, signal?: AbortSignal,
 *   onProgress?: (p: {bytesDone: number, totalBytes: number, rows: number}) => void,
 *   workerUrl?: string | URL, wasmUrl?: string | URL, module?: WebAssembly.Module}} [options]
 *   `module`: a compiled module instead of wasmUrl's (the page passes the daily one it runs everything on)
 */
export async function normalizeFile(file, { parse, platform, signal, onProgress, workerUrl, wasmUrl, module: given } = {}) {
  if (!(file instanceof Blob)) throw withKind(new TypeError('normalizeFile: the first argument must be a File or a Blob.'), 'input');
  if (signal?.aborted) throw abortError();
  const module = given ?? (await loadModule({ wasmUrl }));
  const shared = poolFor(module, workerUrl ? resolveUrl(workerUrl) : null);
  const [worker] = await shared.take(1);
  const onAbort = () => worker.cancel(abortError());
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const call = worker.call(
      { type: 'normalize', file, options: parse ?? {}, platform: platform ?? '' },
      { onProgress: (bytesDone, rows) => onProgress?.({ bytesDone, totalBytes: file.size, rows }) },
    );
    return await call;
  } catch (err) {
    if (signal?.aborted) throw abortError();
    throw err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    shared.give(worker);
  }
}
