// The one WebAssembly loader: compiles the module once per URL, from the JS
// module that carries its bytes deflated and base64 (pkg/adagg_wasm.js, written by
// scripts/build-web.sh: loading it needs no connection, so a page's CSP can
// say `connect-src 'none'`) or from a plain .wasm file (fetched: the page's
// connect-src must allow it). The compiled module goes to every worker, so
// no worker loads or compiles it again.
import { withKind } from './errors.js';
import { httpStatusOf } from './spawn.js';

/**
 * The default module's bytes: the base64 JS module next to the package,
 * imported with a literal specifier, so that bundlers (Vite, webpack,
 * Rollup, esbuild) split it into a chunk of their own and load it on
 * demand, with no setting and no copy of the plain .wasm.
 */
const importDefault = () => import('../pkg/adagg_wasm.js');

/**
 * The daily module's bytes (issue 16: the default module plus the daily
 * series, windows and anomalies), a chunk of its own that only runs asking
 * for them load.
 */
const importDaily = () => import('../pkg-daily/adagg_wasm.js');

/**
 * The clicks module's bytes (issue 17: the default module plus click logs),
 * a chunk of its own that only click-log runs load.
 */
const importClicks = () => import('../pkg-clicks/adagg_wasm.js');

/**
 * The unpack module's bytes (issue 18: zip directories and workbooks, with
 * calamine), a chunk of its own loaded only when an archive or a workbook
 * is opened.
 */
const importUnpack = () => import('../pkg-unpack/adagg_wasm.js');

/** Absolute URL ('' for the default module, 'daily:' / 'clicks:' for the others) -> Promise<WebAssembly.Module>. */
const modules = new Map();

/**
 * `url` resolved against the document (or the worker's location).
 * @param {string | URL} url
 * @returns {URL} throws a TypeError if it is not a URL
 */
export function resolveUrl(url) {
  const base = globalThis.document?.baseURI ?? globalThis.location?.href;
  return new URL(String(url), base);
}

/** Thrown when the JS module could not be imported (as opposed to compiled). */
class NotLoaded extends Error {}

/**
 * Compiles the module from a base64 JS module (adagg_wasm.js) or a .wasm
 * file; `url` null: the default module.
 */
async function compileFrom(url, daily = false, clicks = false, unpack = false) {
  if (url && /\.wasm$/i.test(url.pathname)) {
    const res = await fetch(url, { credentials: 'same-origin' });
    if (!res.ok) throw new Error(`HTTP ${res.status}${res.statusText ? ' ' + res.statusText : ''}`);
    return WebAssembly.compile(await res.arrayBuffer());
  }
  let mod;
  try {
    mod = await (url ? import(/* @vite-ignore */ /* webpackIgnore: true */ url.href) : unpack ? importUnpack() : clicks ? importClicks() : daily ? importDaily() : importDefault());
  } catch (err) {
    const status = url ? ` (${await httpStatusOf(url)})` : '';
    throw new NotLoaded(`${err?.message || String(err)}${status}`, { cause: err });
  }
  const { default: base64, encoding = null, size = null } = mod;
  if (typeof base64 !== 'string') throw new Error('not an adagg_wasm.js module');
  const bytes = await decode(base64, encoding);
  if (size != null && bytes.length !== size) throw new Error(`adagg_wasm.js holds ${bytes.length} bytes of wasm, not ${size}: the file is damaged`);
  return WebAssembly.compile(bytes);
}

/**
 * The wasm bytes from adagg_wasm.js's base64 text, inflated when the module
 * says `encoding = 'deflate-raw'` (scripts/build-web.sh writes it so).
 * @param {string} base64
 * @param {string | null} encoding
 * @returns {Promise<Uint8Array>}
 */
async function decode(base64, encoding) {
  const bytes = typeof Uint8Array.fromBase64 === 'function'
    ? Uint8Array.fromBase64(base64)
    : Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  if (encoding == null) return bytes;
  if (encoding !== 'deflate-raw') throw new Error(`adagg_wasm.js: unknown encoding ${JSON.stringify(encoding)}`);
  if (typeof DecompressionStream !== 'function') {
    throw new Error('this browser has no DecompressionStream (needs Chrome 103, Firefox 113, Safari 16.4 or later)');
  }
  const inflated = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(inflated).arrayBuffer());
}

/**
 * Loads and compiles the WebAssembly module once per URL (a failure is not
 * cached: the next call tries again). Safe to call early, e.g. at page load.
 * Rejects with an Error of kind `'load'` naming the URL (for the default
 * module: "build it with scripts/build-web.sh"), or of kind `'input'` if
 * `wasmUrl` is not a URL.
 * @param {{wasmUrl?: string | URL | null, daily?: boolean, clicks?: boolean}} [options] adagg_wasm.js or adagg_bg.wasm;
 *   default: pkg/adagg_wasm.js next to the package (`daily`: pkg-daily/adagg_wasm.js,
 *   the module with the daily series; a `wasmUrl` must then be a daily one; `clicks`:
 *   pkg-clicks/adagg_wasm.js, the module that reads click logs; `unpack`:
 *   pkg-unpack/adagg_wasm.js, zip directories and workbooks)
 * @returns {Promise<WebAssembly.Module>}
 */
export function loadModule({ wasmUrl, daily = false, clicks = false, unpack = false } = {}) {
  const given = wasmUrl != null && wasmUrl !== '';
  let url = null;
  if (given) {
    try {
      url = resolveUrl(wasmUrl);
    } catch {
      return Promise.reject(withKind(new TypeError(`Invalid wasmUrl ${JSON.stringify(String(wasmUrl))}.`), 'input'));
    }
  }
  const key = url?.href ?? (unpack ? 'unpack:' : clicks ? 'clicks:' : daily ? 'daily:' : '');
  let promise = modules.get(key);
  if (!promise) {
    promise = compileFrom(url, daily, clicks, unpack).catch((err) => {
      modules.delete(key); // allow a retry later
      if (given) {
        throw withKind(new Error(`Could not load the WebAssembly module from ${url.href}: ${err?.message || err}`, { cause: err }), 'load');
      }
      if (err instanceof NotLoaded) {
        const dir = unpack ? 'pkg-unpack' : clicks ? 'pkg-clicks' : daily ? 'pkg-daily' : 'pkg';
        throw withKind(new Error(`The WebAssembly module bundled with adagg (${dir}/adagg_wasm.js) could not be loaded: ${err.message}. Is www/${dir} built (scripts/build-web.sh)?`, { cause: err }), 'load');
      }
      throw withKind(err, 'load');
    });
    modules.set(key, promise);
  }
  return promise;
}

