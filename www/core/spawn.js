// Starting a worker. The default one is started with the literal
// `new Worker(new URL('./worker.js', import.meta.url), { type: 'module' })`:
// the form Vite, webpack 5 and Parcel recognise, so that a production build
// bundles the worker with its imports and rewrites its URL, with no
// setting. Keep it literal: a URL in a variable is copied as a plain file
// without its imports (the worker then fails to start in production only).
// `workerUrl` (the widget's `worker-url`) overrides it.

const OPTIONS = { type: 'module', name: 'adagg' };

/**
 * A new adagg worker: the one next to this file, or `url`'s script.
 * @param {URL | null} url
 * @returns {Worker}
 */
export function startWorker(url) {
  if (url == null) return new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name: 'adagg' });
  return new Worker(url, OPTIONS);
}

/**
 * What the server answers for `url` (a HEAD request), for the message of a
 * script that failed to load: `HTTP 404`, or why there is no answer (a
 * page whose CSP forbids connections, or no server).
 * @param {URL} url
 * @returns {Promise<string>}
 */
export async function httpStatusOf(url) {
  try {
    const res = await fetch(url, { method: 'HEAD', cache: 'no-store', credentials: 'same-origin' });
    return `HTTP ${res.status}${res.statusText ? ' ' + res.statusText : ''}`;
  } catch {
    return 'no HTTP answer (the request failed or the page\'s CSP forbids it)';
  }
}
