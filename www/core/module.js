// The one WebAssembly loader: compiles the module once per URL, from the JS
// module that carries its bytes as base64 (pkg/adagg_wasm.js, written by
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

/** Absolute URL ('' for the default module) -> Promise<WebAssembly.Module>. */
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
async function compileFrom(url) {
  if (url && /\.wasm$/i.test(url.pathname)) {
    const res = await fetch(url, { credentials: 'same-origin' });
    if (!res.ok) throw new Error(`HTTP ${res.status}${res.statusText ? ' ' + res.statusText : ''}`);
    return WebAssembly.compile(await res.arrayBuffer());
  }
  let base64;
  try {
    ({ default: base64 } = await (url ? import(/* @vite-ignore */ /* webpackIgnore: true */ url.href) : importDefault()));
  } catch (err) {
    const status = url ? ` (${await httpStatusOf(url)})` : '';
    throw new NotLoaded(`${err?.message || String(err)}${status}`, { cause: err });
  }
  if (typeof base64 !== 'string') throw new Error('not an adagg_wasm.js module');
  return WebAssembly.compile(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
}

/**
 * Loads and compiles the WebAssembly module once per URL (a failure is not
 * cached: the next call tries again). Safe to call early, e.g. at page load.
 * Rejects with an Error of kind `'load'` naming the URL (for the default
 * module: "build it with scripts/build-web.sh"), or of kind `'input'` if
 * `wasmUrl` is not a URL.
 * @param {{wasmUrl?: string | URL | null}} [options] adagg_wasm.js or adagg_bg.wasm;
 *   default: pkg/adagg_wasm.js next to the package
 * @returns {Promise<WebAssembly.Module>}
 */
export function loadModule({ wasmUrl } = {}) {
  const given = wasmUrl != null && wasmUrl !== '';
  let url = null;
  if (given) {
    try {
      url = resolveUrl(wasmUrl);
    } catch {
      return Promise.reject(withKind(new TypeError(`Invalid wasmUrl ${JSON.stringify(String(wasmUrl))}.`), 'input'));
    }
  }
  const key = url?.href ?? '';
  let promise = modules.get(key);
  if (!promise) {
    promise = compileFrom(url).catch((err) => {
      modules.delete(key); // allow a retry later
      if (given) {
        throw withKind(new Error(`Could not load the WebAssembly module from ${url.href}: ${err?.message || err}`, { cause: err }), 'load');
      }
      if (err instanceof NotLoaded) {
        throw withKind(new Error(`The WebAssembly module bundled with adagg (pkg/adagg_wasm.js) could not be loaded: ${err.message}. Is www/pkg built (scripts/build-web.sh)?`, { cause: err }), 'load');
      }
      throw withKind(err, 'load');
    });
    modules.set(key, promise);
  }
  return promise;
}
