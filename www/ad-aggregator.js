// <ad-aggregator>: the embeddable adagg widget, and the `aggregateFile` API
// that portals with their own UI call directly. Public entry: adagg.js
// (re-exports everything here); this file also works alone in a script tag:
//
//   <script type="module" src="/tools/adagg/www/adagg.js"></script>
//   <ad-aggregator top="10"></ad-aggregator>
//
// Everything renders inside the element's own shadow root, styled by one
// constructed stylesheet (no <style> element, no inline style attribute, so a
// strict `style-src 'self'` CSP is fine). User data (file names, campaign ids,
// column names, messages) is only ever set as textContent.
//
// No global names besides the custom element: defining it twice (a second
// copy of this module) is a no-op.
import { aggregateFile as coreAggregateFile, preload as corePreload, warmUp } from './aggregate.js';
import { fmtInt, progressText } from './format.js';
import { h, RANKING_COLUMNS, renderRanking, renderSummary } from './summary-view.js';

// The worker pool's two public calls (documented in adagg.d.ts).
export { releaseWorkers, workerStats } from './aggregate.js';

const TAG = 'ad-aggregator';
const DEFAULT_TOP = 10;
const MAX_WIDGET_TOP = 1000; // rows the widget will render per ranking
const FIELDS = ['campaign_id', 'impressions', 'clicks', 'spend', 'conversions'];

// ---------------------------------------------------------------------------
// The module API
// ---------------------------------------------------------------------------

function abortError() {
  return new DOMException('The aggregation was cancelled.', 'AbortError');
}

function withKind(err, kind) {
  const e = err instanceof Error ? err : new Error(String(err));
  if (!e.kind) {
    try {
      e.kind = kind;
    } catch {
      // a frozen error: leave it as it is
    }
  }
  return e;
}

function resolveUrl(url) {
  const base = globalThis.document?.baseURI ?? globalThis.location?.href;
  return new URL(String(url), base);
}

const wasmModules = new Map(); // absolute URL -> Promise<WebAssembly.Module>

/** Compiles the module from adagg_wasm.js (base64 JS module) or from a .wasm file. */
async function compileFrom(url) {
  if (/\.wasm$/i.test(url.pathname)) {
    // Needs the page's CSP to allow this URL in connect-src.
    const res = await fetch(url, { credentials: 'same-origin' });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return WebAssembly.compile(await res.arrayBuffer());
  }
  const { default: base64 } = await import(url.href);
  if (typeof base64 !== 'string') throw new Error('not an adagg_wasm.js module');
  return WebAssembly.compile(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
}

/**
 * Loads and compiles the WebAssembly module once (per URL), then starts
 * the workers in the background (`workers`, default: the logical cores;
 * kept for every later run, so that a run loads nothing). Optional: the
 * first run does it anyway; call it early to start sooner and to learn at
 * once whether the files are reachable.
 * @param {{wasmUrl?: string | URL, workerUrl?: string | URL, workers?: number}} [options]
 * @returns {Promise<WebAssembly.Module>}
 */
export function preload({ wasmUrl, workerUrl, workers } = {}) {
  const loading = loadModule({ wasmUrl });
  loading.then(
    (module) => {
      let url;
      try {
        url = workerUrlOf(workerUrl);
      } catch {
        return; // a run reports it
      }
      warmUp({ module, workers: workers ?? undefined, ...(url ? { workerUrl: url } : {}) });
    },
    () => {},
  );
  return loading;
}

/** `workerUrl` as an absolute URL, or undefined for the default; throws (kind 'input') if invalid. */
function workerUrlOf(workerUrl) {
  if (workerUrl == null || workerUrl === '') return undefined;
  try {
    return resolveUrl(workerUrl);
  } catch {
    throw withKind(new TypeError(`Invalid workerUrl ${JSON.stringify(String(workerUrl))}.`), 'input');
  }
}

/** The compiled module for `wasmUrl` (default: the one next to aggregate.js), once per URL. */
function loadModule({ wasmUrl } = {}) {
  if (wasmUrl == null || wasmUrl === '') {
    return corePreload().catch((err) => Promise.reject(withKind(err, 'load')));
  }
  let url;
  try {
    url = resolveUrl(wasmUrl);
  } catch {
    return Promise.reject(withKind(new TypeError(`Invalid wasmUrl ${JSON.stringify(String(wasmUrl))}.`), 'input'));
  }
  let promise = wasmModules.get(url.href);
  if (!promise) {
    promise = compileFrom(url).catch((err) => {
      wasmModules.delete(url.href); // allow a retry later
      throw withKind(
        new Error(`Could not load the WebAssembly module from ${url.href}: ${err?.message || err}`, { cause: err }),
        'load',
      );
    });
    wasmModules.set(url.href, promise);
  }
  return promise;
}

function checkTop(top) {
  const n = Number(top);
  if (!Number.isInteger(n) || n < 1 || n > 0xffffffff) {
    throw withKind(new RangeError(`top must be a whole number of at least 1 (got ${String(top)}).`), 'input');
  }
  return n;
}

/**
 * Aggregates a CSV file (File or Blob) in Web Workers and resolves to the
 * result: both rankings (`ctr`, `cpa`, each row with the campaign's totals),
 * the same rankings as CSV (`ctrCsv`, `cpaCsv`), the run `summary` and `timing`.
 *
 * Aborting `signal` stops the run's workers (they are kept for the next
 * run) and rejects with a DOMException named AbortError. Other failures reject with an Error whose `kind` is
 * 'input', 'load', 'empty', 'header', 'columns' (then also `missing` and
 * `columns`) or undefined.
 *
 * @param {Blob} file
 * @param {object} [options]
 * @param {number} [options.top=10] rows per ranking
 * @param {(p: {phase: string, bytes: number, total: number, rows: number, elapsedMs: number}) => void} [options.onProgress]
 * @param {AbortSignal} [options.signal]
 * @param {number} [options.workers] parallel workers (default: logical cores)
 * @param {{delimiter?: string, encoding?: string, map?: Record<string, string>}} [options.parse]
 * @param {string | URL} [options.workerUrl] worker.js (must be same-origin with the page)
 * @param {string | URL} [options.wasmUrl] adagg_wasm.js or adagg_bg.wasm
 */
export async function aggregateFile(file, options = {}) {
  const { top = DEFAULT_TOP, onProgress, signal, workers, parse, workerUrl, wasmUrl } = options ?? {};
  if (!(file instanceof Blob)) {
    throw withKind(new TypeError('aggregateFile: the first argument must be a File or a Blob.'), 'input');
  }
  const topN = checkTop(top);
  if (onProgress != null && typeof onProgress !== 'function') {
    throw withKind(new TypeError('aggregateFile: onProgress must be a function.'), 'input');
  }
  if (signal?.aborted) throw abortError();
  const worker = workerUrlOf(workerUrl);
  const module = await loadModule({ wasmUrl });
  if (signal?.aborted) throw abortError();
  // The core's byte count can step back when a range is re-run after a
  // quoted newline crossed a split; the public one only grows.
  let bytes = 0;
  try {
    return await coreAggregateFile(file, {
      top: topN,
      signal,
      ...(workers != null ? { workers } : {}),
      ...(parse != null ? { parse } : {}),
      ...(worker ? { workerUrl: worker } : {}),
      module,
      onProgress: onProgress
        ? (p) => {
            bytes = Math.max(bytes, p.bytesDone);
            onProgress({ phase: p.phase, bytes, total: p.totalBytes, rows: p.rows, elapsedMs: p.elapsedMs });
          }
        : undefined,
    });
  } catch (err) {
    if (signal?.aborted || err?.name === 'AbortError') {
      throw err instanceof DOMException && err.name === 'AbortError' ? err : abortError();
    }
    if (err instanceof Error && !err.kind && /worker failed to start|worker message could not be decoded/i.test(err.message)) {
      withKind(err, 'load');
    }
    throw err;
  }
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/** The error kind reported in `adagg-error`. */
function kindOf(err) {
  if (err?.name === 'AbortError') return 'abort';
  return typeof err?.kind === 'string' && err.kind ? err.kind : 'error';
}

// ---------------------------------------------------------------------------
// Styles: one constructed stylesheet shared by every instance
// ---------------------------------------------------------------------------

const CSS = `
:host { all: initial; display: block; color-scheme: inherit; }
:host([hidden]) { display: none; }
[hidden] { display: none !important; }
*, *::before, *::after { box-sizing: border-box; }

.root {
  --_accent: var(--adagg-accent, light-dark(#2457d6, #6f9bff));
  --_accent-hover: var(--adagg-accent-hover, light-dark(#1b45b0, #94b5ff));
  --_accent-soft: var(--adagg-accent-soft, light-dark(#e9effd, #1c2940));
  --_on-accent: var(--adagg-on-accent, light-dark(#ffffff, #0f141c));
  --_bg: var(--adagg-bg, light-dark(#f5f7fb, #0f141c));
  --_surface: var(--adagg-surface, light-dark(#ffffff, #171e29));
  --_text: var(--adagg-text, light-dark(#17202e, #e6eaf2));
  --_muted: var(--adagg-muted, light-dark(#5b6578, #9aa5b8));
  --_border: var(--adagg-border, light-dark(#dfe4ee, #2a3342));
  --_warn: var(--adagg-warn, light-dark(#a35b00, #f0b35a));
  --_warn-soft: var(--adagg-warn-soft, light-dark(#fff4e3, #2e2414));
  --_danger: var(--adagg-danger, light-dark(#b3261e, #ff8a80));
  --_danger-soft: var(--adagg-danger-soft, light-dark(#fdecea, #3a1b1a));
  --_row-alt: var(--adagg-row-alt, light-dark(#f8fafd, #1b2330));
  --_focus: var(--adagg-focus, var(--_accent));
  --_radius: var(--adagg-radius, 10px);
  --_mono: var(--adagg-font-mono, ui-monospace, "SFMono-Regular", "Cascadia Mono", "DejaVu Sans Mono", Menlo, Consolas, monospace);
  display: block;
  container-type: inline-size;
  margin: 0;
  padding: var(--adagg-padding, 20px 22px);
  background: var(--_surface);
  color: var(--_text);
  border: var(--adagg-border-width, 1px) solid var(--_border);
  border-radius: var(--_radius);
  box-shadow: var(--adagg-shadow, 0 1px 2px rgb(16 24 40 / 6%), 0 1px 3px rgb(16 24 40 / 8%));
  font-family: var(--adagg-font, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif);
  font-size: var(--adagg-font-size, 15px);
  font-weight: 400; font-style: normal; font-variant: normal; line-height: 1.5;
  letter-spacing: normal; word-spacing: normal; text-transform: none; text-align: start;
  text-indent: 0; text-shadow: none; white-space: normal; visibility: visible; cursor: auto;
  -webkit-text-size-adjust: 100%;
}

h2, h3, h4, p { margin: 0; line-height: 1.25; }
p { line-height: 1.5; }
:focus-visible { outline: 3px solid var(--_focus); outline-offset: 2px; }
.sr-only { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; border: 0; overflow: hidden; clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap; }

.head { margin-bottom: 14px; }
.title { font-size: 1.1em; font-weight: 600; display: flex; align-items: center; gap: 8px; }
.logo { width: 20px; height: 20px; border-radius: 5px; background: var(--_accent); flex: none; position: relative; }
.logo::after { content: ""; position: absolute; left: 5px; right: 5px; bottom: 5px; height: 8px; border-left: 3px solid var(--_on-accent); border-right: 3px solid var(--_on-accent); }
.tagline { margin-top: 4px; color: var(--_muted); font-size: 0.92em; max-width: 70ch; }

/* drop zone */
.dropzone { position: relative; }
.file-input { position: absolute; width: 1px; height: 1px; opacity: 0; overflow: hidden; }
.drop-label {
  display: flex; flex-direction: column; align-items: center; gap: 6px; text-align: center;
  padding: 28px 18px; border: 2px dashed var(--_border); border-radius: var(--_radius);
  background: var(--_bg); cursor: pointer; transition: border-color 0.15s, background-color 0.15s;
}
.drop-label:hover, .dropzone.dragover .drop-label { border-color: var(--_accent); background: var(--_accent-soft); }
.file-input:focus-visible + .drop-label { outline: 3px solid var(--_focus); outline-offset: 2px; border-color: var(--_accent); }
.dropzone.disabled .drop-label { opacity: 0.55; cursor: not-allowed; }
.drop-icon { width: 36px; height: 36px; border-radius: 50%; background: var(--_accent-soft); position: relative; margin-bottom: 2px; flex: none; }
.drop-icon::before { content: ""; position: absolute; left: 50%; top: 10px; width: 11px; height: 11px; margin-left: -5.5px; border-left: 2.5px solid var(--_accent); border-top: 2.5px solid var(--_accent); transform: rotate(45deg); }
.drop-icon::after { content: ""; position: absolute; left: 50%; top: 12px; width: 2.5px; height: 14px; margin-left: -1.25px; background: var(--_accent); }
.drop-main { font-size: 1.05em; font-weight: 500; }
.link-like { color: var(--_accent); text-decoration: underline; text-underline-offset: 3px; }
.drop-sub { color: var(--_muted); font-size: 0.88em; }

/* buttons */
.button {
  display: inline-flex; align-items: center; gap: 6px; padding: 6px 13px; border-radius: 7px; margin: 0;
  font: inherit; font-size: 0.9em; font-weight: 500; line-height: 1.4; text-decoration: none; cursor: pointer;
  background: var(--_accent); color: var(--_on-accent); border: 1px solid var(--_accent);
}
.button:hover { background: var(--_accent-hover); border-color: var(--_accent-hover); }
.button.secondary { background: var(--_surface); color: var(--_text); border-color: var(--_border); }
.button.secondary:hover { background: var(--_bg); }
a.button::before { content: ""; width: 10px; height: 10px; border: 2px solid currentColor; border-top: 0; border-radius: 0 0 2px 2px; }

/* progress */
.progress-box { margin-top: 16px; }
.progress-head { display: flex; align-items: center; justify-content: space-between; gap: 12px; flex-wrap: wrap; margin-bottom: 10px; }
.progress-title { font-weight: 600; }
progress { display: block; width: 100%; height: 12px; appearance: none; border: 0; border-radius: 6px; background: var(--_accent-soft); overflow: hidden; }
progress::-webkit-progress-bar { background: var(--_accent-soft); border-radius: 6px; }
progress::-webkit-progress-value { background: var(--_accent); border-radius: 6px; transition: width 0.1s linear; }
progress::-moz-progress-bar { background: var(--_accent); border-radius: 6px; }
.progress-text { margin-top: 8px; color: var(--_muted); font-variant-numeric: tabular-nums; font-size: 0.92em; }

/* messages */
.alert { margin-top: 16px; border: 1px solid var(--_danger); background: var(--_danger-soft); border-radius: var(--_radius); padding: 12px 16px; }
.alert-title { font-weight: 600; color: var(--_danger); margin-bottom: 4px; }
.alert p { overflow-wrap: anywhere; }
.notice { white-space: pre-line; margin-top: 16px; border: 1px solid var(--_border); background: var(--_bg); border-radius: var(--_radius); padding: 10px 16px; color: var(--_muted); overflow-wrap: anywhere; }

/* column mapping */
.mapping { margin-top: 16px; }
.mapping .progress-title { margin-bottom: 4px; }
.mapping-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(11em, 1fr)); gap: 10px 14px; margin: 12px 0; }
.mapping-field { display: flex; flex-direction: column; gap: 4px; }
.mapping-field label { font-family: var(--_mono); font-size: 0.88em; }
select { font: inherit; font-size: 0.92em; color: var(--_text); background: var(--_surface); border: 1px solid var(--_border); border-radius: 6px; padding: 5px 8px; max-width: 100%; }

/* results */
.results { margin-top: 18px; }
.results-title { font-size: 1.05em; font-weight: 600; margin-bottom: 12px; }
.results-title:focus { outline: none; }
.results-title:focus-visible { outline: 3px solid var(--_focus); outline-offset: 2px; }
.file-name { font-family: var(--_mono); font-weight: 500; font-size: 0.95em; overflow-wrap: anywhere; }
.stats { display: grid; grid-template-columns: repeat(auto-fill, minmax(135px, 1fr)); gap: 8px; margin: 0; }
.stat { border: 1px solid var(--_border); border-radius: 8px; padding: 8px 11px; background: var(--_bg); min-width: 0; }
.stat dt { font-size: 0.75em; color: var(--_muted); text-transform: uppercase; letter-spacing: 0.04em; }
.stat dd { margin: 2px 0 0; font-size: 1.12em; font-weight: 600; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
.stat.warn { border-color: color-mix(in srgb, var(--_warn) 45%, var(--_border)); background: var(--_warn-soft); }
.stat.warn dd { color: var(--_warn); }
.mapping-used { margin-top: 10px; color: var(--_muted); font-size: 0.88em; overflow-wrap: anywhere; }

.skipped { margin-top: 12px; border: 1px solid var(--_border); border-radius: 8px; padding: 8px 12px; }
.skipped summary { cursor: pointer; font-weight: 500; }
.skipped-body { display: grid; grid-template-columns: minmax(200px, 1fr) 2fr; gap: 18px; margin-top: 10px; }
@container (max-width: 620px) { .skipped-body { grid-template-columns: 1fr; } }
h4 { font-size: 0.8em; font-weight: 600; color: var(--_muted); text-transform: uppercase; letter-spacing: 0.04em; margin-bottom: 6px; }
.skipped-list { margin: 0; padding: 0; list-style: none; max-height: 220px; overflow: auto; border: 1px solid var(--_border); border-radius: 8px; }
.skipped-list li { padding: 4px 10px; border-bottom: 1px solid var(--_border); }
.skipped-list li:last-child { border-bottom: 0; }
.skipped-list li:nth-child(even) { background: var(--_row-alt); }
code { font-family: var(--_mono); font-size: 0.85em; overflow-wrap: anywhere; white-space: pre-wrap; }

.ranking { margin-top: 18px; }
.ranking-head { display: flex; align-items: center; justify-content: space-between; gap: 12px; flex-wrap: wrap; margin-bottom: 8px; }
.ranking-title { font-size: 1em; font-weight: 600; }
.table-wrap { overflow-x: auto; border: 1px solid var(--_border); border-radius: 8px; }
table { width: 100%; border-collapse: collapse; border-spacing: 0; font-variant-numeric: tabular-nums; font-size: 0.9em; }
th, td { padding: 7px 11px; border-bottom: 1px solid var(--_border); text-align: start; vertical-align: top; font-weight: 400; }
thead th { font-size: 0.76em; font-weight: 600; color: var(--_muted); text-transform: uppercase; letter-spacing: 0.04em; white-space: nowrap; border-bottom-width: 2px; }
tbody tr:nth-child(even) { background: var(--_row-alt); }
tbody tr:last-child > * { border-bottom: 0; }
.num { text-align: end; white-space: nowrap; }
.rank { width: 2.5em; color: var(--_muted); }
tbody th.id { font-family: var(--_mono); font-weight: 500; font-size: 0.95em; overflow-wrap: anywhere; white-space: pre-wrap; min-width: 10ch; }
.key { font-weight: 600; }
thead .key { color: var(--_accent); }
.empty { text-align: center; color: var(--_muted); padding: 16px; }
table.small th, table.small td { padding: 4px 9px; }

/* compact: for side panels and dashboards */
:host([compact]) .root { padding: var(--adagg-padding, 14px 16px); font-size: var(--adagg-font-size, 14px); }
:host([compact]) .tagline, :host([compact]) .drop-icon, :host([compact]) .drop-sub,
:host([compact]) .mapping-used, :host([compact]) .skipped, :host([compact]) .stat.extra,
:host([compact]) .col-extra { display: none; }
:host([compact]) .head { margin-bottom: 10px; }
:host([compact]) .drop-label { padding: 14px 12px; }
:host([compact]) .stats { grid-template-columns: repeat(auto-fill, minmax(105px, 1fr)); gap: 6px; }
:host([compact]) .stat { padding: 6px 9px; }
:host([compact]) .stat dd { font-size: 1em; }
:host([compact]) .ranking { margin-top: 14px; }
:host([compact]) th, :host([compact]) td { padding: 5px 8px; }

@media (prefers-reduced-motion: reduce) {
  .drop-label, progress::-webkit-progress-value { transition: none; }
}
@media (forced-colors: active) {
  .logo, .drop-icon { forced-color-adjust: none; }
  .button { border: 1px solid ButtonText; }
}
`;

let sharedSheet = null;
function adoptStyles(root) {
  if ('adoptedStyleSheets' in root && typeof CSSStyleSheet === 'function' && 'replaceSync' in CSSStyleSheet.prototype) {
    if (!sharedSheet) {
      sharedSheet = new CSSStyleSheet();
      sharedSheet.replaceSync(CSS);
    }
    root.adoptedStyleSheets = [sharedSheet];
  } else {
    // Older browsers: a <style> element (needs style-src to allow it).
    const style = document.createElement('style');
    style.textContent = CSS;
    root.append(style);
  }
}

// ---------------------------------------------------------------------------
// DOM helpers: h() from summary-view.js (no HTML strings anywhere: Trusted
// Types friendly)
// ---------------------------------------------------------------------------

// The ranking's columns, those a compact widget hides marked `col-extra`.
const COLUMNS = RANKING_COLUMNS.map(([key, label, c]) => [key, label, ['totalImpressions', 'totalSpend', 'totalConversions'].includes(key) ? `${c} col-extra` : c]);


function intAttr(value, min, max) {
  if (value == null || value.trim() === '') return null;
  const n = Number(value);
  return Number.isInteger(n) && n >= min && n <= max ? n : null;
}

// ---------------------------------------------------------------------------
// The element
// ---------------------------------------------------------------------------

const BaseElement = globalThis.HTMLElement ?? class {};

export class AdAggregator extends BaseElement {
  static get observedAttributes() {
    return ['top'];
  }

  #root;
  #els;
  #job = null; // { controller, promise }
  #gen = 0;
  #result = null;
  #blobUrls = [];
  #announced = -1; // last progress quarter announced
  #dragDepth = 0;

  constructor() {
    super();
    this.#root = this.attachShadow({ mode: 'open', delegatesFocus: false });
    adoptStyles(this.#root);
    this.#build();
  }

  // ----- attributes as properties -----

  /** Rows per ranking (attribute `top`, default 10). */
  get top() {
    return intAttr(this.getAttribute('top'), 1, MAX_WIDGET_TOP) ?? DEFAULT_TOP;
  }
  set top(n) {
    this.setAttribute('top', String(n));
  }

  /** Compact layout (boolean attribute `compact`). */
  get compact() {
    return this.hasAttribute('compact');
  }
  set compact(on) {
    this.toggleAttribute('compact', Boolean(on));
  }

  /** Parallel workers (attribute `workers`; default: logical cores). */
  get workers() {
    return intAttr(this.getAttribute('workers'), 1, 64);
  }
  set workers(n) {
    if (n == null) this.removeAttribute('workers');
    else this.setAttribute('workers', String(n));
  }

  /** URL of worker.js (attribute `worker-url`), or null for the default. */
  get workerUrl() {
    return this.getAttribute('worker-url') || null;
  }
  set workerUrl(url) {
    if (url == null || url === '') this.removeAttribute('worker-url');
    else this.setAttribute('worker-url', String(url));
  }

  /** URL of adagg_wasm.js or adagg_bg.wasm (attribute `wasm-url`), or null for the default. */
  get wasmUrl() {
    return this.getAttribute('wasm-url') || null;
  }
  set wasmUrl(url) {
    if (url == null || url === '') this.removeAttribute('wasm-url');
    else this.setAttribute('wasm-url', String(url));
  }

  /** The last successful result (plain data; rejectedCsv is a Blob), or null. */
  get result() {
    return this.#result;
  }

  /** True while a file is being aggregated. */
  get running() {
    return this.#job !== null;
  }

  attributeChangedCallback(name) {
    if (name === 'top' && !this.#job && !this.#result) this.#setRankingTitles(this.top);
  }

  connectedCallback() {
    if (!this.#job && !this.#result) this.#setRankingTitles(this.top);
    // Load and compile the wasm now, so a run starts at once and a missing
    // file is reported before the user picks a CSV file. Then start the
    // workers and warm the engine's optimizing compiler up on a small run.
    preload({
      wasmUrl: this.#abs(this.wasmUrl, this.ownerDocument),
      workerUrl: this.#abs(this.workerUrl),
      workers: this.workers ?? undefined,
    }).catch(
      (err) => {
        if (!this.#job && !this.#result) this.#showError(err?.message || String(err));
      },
    );
  }

  disconnectedCallback() {
    // Removed from the page (not just moved): stop the work (the workers are
    // kept for other widgets and later runs; releaseWorkers() ends them).
    queueMicrotask(() => {
      if (!this.isConnected) this.cancel();
    });
  }

  /**
   * Aggregates `file` and shows the result. Resolves with the result (also in
   * `adagg-done` and `result`); rejects like aggregateFile (after
   * `adagg-error`). A run already going is cancelled first.
   * @param {Blob} file
   */
  aggregate(file) {
    return this.#start(file, undefined);
  }

  /** Cancels the running aggregation, if any (its workers stop and are kept for the next run). */
  cancel() {
    this.#job?.controller.abort();
  }

  // ----- internals -----

  #abs(url, doc = this.ownerDocument) {
    if (!url) return undefined;
    try {
      return new URL(url, doc?.baseURI).href;
    } catch {
      return url; // reported by aggregateFile
    }
  }

  #build() {
    const id = (name) => name; // ids are scoped to this shadow root
    const els = {};
    const ref = (name, node) => ((els[name] = node), node);

    ref('file', h('input', { type: 'file', id: id('file'), className: 'file-input', accept: '.csv,text/csv,text/plain', 'aria-describedby': 'file-hint' }));
    const dropLabel = h('label', { for: 'file', className: 'drop-label' }, [
      h('span', { className: 'drop-icon', 'aria-hidden': 'true' }),
      h('span', { className: 'drop-main' }, [h('span', { className: 'link-like', text: 'Choose a CSV file' }), ' or drop it here']),
      h('span', {
        className: 'drop-sub',
        id: 'file-hint',
        text: 'Columns: campaign_id, date, impressions, clicks, spend, conversions. Files of several GB are fine.',
      }),
    ]);
    ref('dropzone', h('div', { className: 'dropzone' }, [els.file, dropLabel]));

    ref('progressFile', h('span', { className: 'file-name' }));
    ref('cancel', h('button', { type: 'button', className: 'button secondary', text: 'Cancel' }));
    ref('progress', h('progress', { max: '1000', value: '0', 'aria-labelledby': 'progress-title' }));
    ref('progressText', h('p', { className: 'progress-text' }));
    ref('progressBox', h('div', { className: 'progress-box', hidden: true }, [
      h('div', { className: 'progress-head' }, [
        h('p', { className: 'progress-title', id: 'progress-title' }, ['Processing ', els.progressFile]),
        els.cancel,
      ]),
      els.progress,
      els.progressText,
    ]));
    // Screen readers: phase changes, each quarter of the file, the outcome.
    ref('live', h('p', { className: 'sr-only', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' }));

    ref('errorText', h('p'));
    ref('error', h('div', { className: 'alert', role: 'alert', hidden: true }, [
      h('p', { className: 'alert-title', text: 'Could not process the file' }),
      els.errorText,
    ]));
    ref('notice', h('div', { className: 'notice', hidden: true }));

    ref('mappingText', h('p'));
    ref('mappingFields', h('div', { className: 'mapping-grid' }));
    ref('mappingForm', h('form', { className: 'mapping', hidden: true, 'aria-labelledby': 'mapping-title' }, [
      h('p', { className: 'progress-title', id: 'mapping-title', text: 'Which column holds what?' }),
      els.mappingText,
      els.mappingFields,
      h('button', { type: 'submit', className: 'button', text: 'Run with these columns' }),
    ]));

    ref('resultFile', h('span', { className: 'file-name' }));
    ref('resultsTitle', h('h3', { className: 'results-title', id: 'results-title', tabindex: '-1' }, ['Results for ', els.resultFile]));
    ref('stats', h('dl', { className: 'stats' }));
    ref('mappingUsed', h('span'));
    ref('skippedReasons', h('tbody'));
    ref('skippedList', h('ol', { className: 'skipped-list' }));
    ref('skipped', h('details', { className: 'skipped', hidden: true }, [
      h('summary', { text: 'Skipped rows' }),
      h('div', { className: 'skipped-body' }, [
        h('div', {}, [
          h('h4', { id: 'reasons-title', text: 'By reason' }),
          h('div', { className: 'table-wrap' }, [
            h('table', { className: 'small', 'aria-labelledby': 'reasons-title' }, [
              h('thead', {}, [h('tr', {}, [h('th', { scope: 'col', text: 'Reason' }), h('th', { scope: 'col', className: 'num', text: 'Rows' })])]),
              els.skippedReasons,
            ]),
          ]),
        ]),
        h('div', {}, [h('h4', { text: 'First skipped rows' }), els.skippedList]),
      ]),
    ]));
    ref('qualityChecks', h('tbody'));
    ref('qualityList', h('ol', { className: 'skipped-list' }));
    ref('qualityNotes', h('p', { className: 'mapping-used' }));
    ref('quality', h('details', { className: 'skipped quality', hidden: true }, [
      h('summary', { text: 'Data-quality warnings (rows kept)' }),
      h('div', { className: 'skipped-body' }, [
        h('div', {}, [
          h('h4', { id: 'checks-title', text: 'By check' }),
          h('div', { className: 'table-wrap' }, [
            h('table', { className: 'small', 'aria-labelledby': 'checks-title' }, [
              h('thead', {}, [h('tr', {}, [h('th', { scope: 'col', text: 'Check' }), h('th', { scope: 'col', className: 'num', text: 'Rows' })])]),
              els.qualityChecks,
            ]),
          ]),
        ]),
        h('div', {}, [h('h4', { text: 'First rows with a warning' }), els.qualityList, els.qualityNotes]),
      ]),
    ]));

    const ranking = (key) => {
      const title = ref(`${key}Title`, h('h4', { className: 'ranking-title', id: `${key}-title` }));
      const link = ref(`${key}Download`, h('a', { className: 'button', href: '#' }));
      const table = ref(`${key}Table`, h('table', { 'aria-labelledby': `${key}-title` }));
      return h('div', { className: 'ranking' }, [
        h('div', { className: 'ranking-head' }, [title, link]),
        // Focusable so that keyboard users can scroll a wide table.
        h('div', { className: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': `${key}-title` }, [table]),
      ]);
    };
    ref('results', h('div', { className: 'results', hidden: true, role: 'region', 'aria-labelledby': 'results-title' }, [
      els.resultsTitle,
      els.stats,
      h('p', { className: 'mapping-used' }, ['Columns used: ', els.mappingUsed]),
      els.skipped,
      els.quality,
      ranking('ctr'),
      ranking('cpa'),
    ]));

    const titleSlot = h('slot', { name: 'title', text: 'Ad performance: top campaigns' });
    const root = h('section', { className: 'root', 'aria-labelledby': 'title' }, [
      h('div', { className: 'head' }, [
        h('h2', { className: 'title', id: 'title' }, [h('span', { className: 'logo', 'aria-hidden': 'true' }), titleSlot]),
        h('p', { className: 'tagline', text: 'Top campaigns by click-through rate and cost per acquisition. The file is processed in this browser and never uploaded.' }),
      ]),
      els.dropzone,
      els.progressBox,
      els.live,
      els.error,
      els.notice,
      els.mappingForm,
      els.results,
    ]);
    this.#root.append(root);
    this.#els = els;

    els.file.addEventListener('change', () => {
      const file = els.file.files?.[0];
      if (file) this.#start(file, undefined).catch(() => {});
    });
    els.cancel.addEventListener('click', () => this.cancel());
    root.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.#job) {
        e.preventDefault();
        this.cancel();
      }
    });

    // Drag and drop onto the drop zone.
    const hasFiles = (e) => Array.from(e.dataTransfer?.types ?? []).includes('Files');
    els.dropzone.addEventListener('dragenter', (e) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      this.#dragDepth++;
      if (!this.#job) els.dropzone.classList.add('dragover');
    });
    els.dropzone.addEventListener('dragleave', () => {
      this.#dragDepth = Math.max(0, this.#dragDepth - 1);
      if (this.#dragDepth === 0) els.dropzone.classList.remove('dragover');
    });
    els.dropzone.addEventListener('dragover', (e) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = this.#job ? 'none' : 'copy';
    });
    els.dropzone.addEventListener('drop', (e) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      this.#dragDepth = 0;
      els.dropzone.classList.remove('dragover');
      const file = e.dataTransfer.files?.[0];
      if (file && !this.#job) this.#start(file, undefined).catch(() => {});
    });
    this.#setRankingTitles(DEFAULT_TOP);
  }

  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  #announce(text) {
    this.#els.live.textContent = text;
  }

  #hasFocus() {
    return this.#root.activeElement != null;
  }

  #setRankingTitles(top) {
    const { ctrTitle, cpaTitle, ctrDownload, cpaDownload } = this.#els;
    ctrTitle.textContent = `Top ${top} campaigns by CTR`;
    cpaTitle.textContent = `Top ${top} campaigns by lowest CPA`;
    for (const [link, name] of [
      [ctrDownload, `top${top}_ctr.csv`],
      [cpaDownload, `top${top}_cpa.csv`],
    ]) {
      link.setAttribute('download', name);
      link.textContent = `Download ${name}`;
    }
  }

  #clearOutput() {
    const els = this.#els;
    els.error.hidden = true;
    els.notice.hidden = true;
    els.mappingForm.hidden = true;
    els.results.hidden = true;
    for (const url of this.#blobUrls) URL.revokeObjectURL(url);
    this.#blobUrls = [];
    els.ctrDownload.setAttribute('href', '#');
    els.cpaDownload.setAttribute('href', '#');
  }

  #showError(message) {
    this.#els.errorText.textContent = message;
    this.#els.error.hidden = false;
  }

  #showNotice(message) {
    this.#els.notice.textContent = message;
    this.#els.notice.hidden = false;
  }

  #setRunning(running) {
    const els = this.#els;
    els.file.disabled = running;
    els.dropzone.classList.toggle('disabled', running);
    els.progressBox.hidden = !running;
    this.toggleAttribute('aria-busy', running);
  }

  async #start(file, parse) {
    const gen = ++this.#gen;
    if (this.#job) {
      this.#job.controller.abort();
      await this.#job.promise.catch(() => {});
    }
    if (gen !== this.#gen) throw abortError(); // superseded by a later call
    const controller = new AbortController();
    const job = { controller, promise: null };
    job.promise = this.#run(file, parse, job);
    this.#job = job;
    return job.promise;
  }

  async #run(file, parse, job) {
    await null; // let #start register the job first
    const els = this.#els;
    const { signal } = job.controller;
    const top = this.top;
    const focusWasInside = this.#hasFocus();
    this.#result = null;
    this.#announced = -1;
    this.#clearOutput();
    this.#setRankingTitles(top);
    els.progressFile.textContent = file?.name || '';
    this.#renderProgress({ phase: 'start', bytes: 0, total: file?.size ?? 0, rows: 0, elapsedMs: 0 });
    this.#setRunning(true);
    if (focusWasInside) els.cancel.focus();
    this.#announce(`Processing ${file?.name || 'the file'}…`);
    let outcome = 'error';
    try {
      const result = await aggregateFile(file, {
        top,
        parse,
        signal,
        workers: this.workers ?? undefined,
        workerUrl: this.#abs(this.workerUrl),
        wasmUrl: this.#abs(this.wasmUrl),
        onProgress: (p) => {
          if (signal.aborted || this.#job !== job) return;
          this.#renderProgress(p);
          this.#emit('adagg-progress', { bytes: p.bytes, total: p.total, rows: p.rows, phase: p.phase, elapsedMs: p.elapsedMs });
        },
      });
      if (signal.aborted) throw abortError();
      this.#result = result;
      this.#renderResult(result, file);
      outcome = 'done';
      this.#announce(
        `Done: ${fmtInt(result.summary.rowsRead)} rows read, ${fmtInt(result.summary.campaigns)} campaigns. Results below.`,
      );
      this.#emit('adagg-done', result);
      return result;
    } catch (err) {
      const kind = kindOf(err);
      const message = err?.message || String(err);
      if (kind === 'abort') {
        outcome = 'cancelled';
        this.#showNotice(`Cancelled. ${file?.name || 'The file'} was not processed; choose a file to start again.`);
        this.#announce('Cancelled.');
      } else if (kind === 'columns') {
        outcome = 'mapping';
        this.#showError(message);
        this.#showMapping(file, err);
      } else {
        this.#showError(message);
      }
      const detail = { message, kind };
      if (kind === 'columns') {
        detail.missing = [...(err.missing ?? [])];
        detail.columns = [...(err.columns ?? [])];
      }
      this.#emit('adagg-error', detail);
      throw err;
    } finally {
      if (this.#job === job) this.#job = null;
      // Focus is in the widget, or was and got lost when the input was
      // disabled: never pull it back from elsewhere in the portal.
      const active = this.ownerDocument.activeElement;
      const focusInside = this.#hasFocus() || (focusWasInside && (active == null || active === this.ownerDocument.body));
      this.#setRunning(this.#job !== null);
      els.file.value = ''; // the same file can be chosen again
      if (focusInside && this.#job === null) {
        if (outcome === 'done') els.resultsTitle.focus();
        else if (outcome === 'mapping') els.mappingFields.querySelector('select')?.focus();
        else els.file.focus();
      }
    }
  }

  #renderProgress(p) {
    const els = this.#els;
    const pct = p.total > 0 ? p.bytes / p.total : 1;
    els.progress.value = Math.round(pct * 1000);
    els.progress.setAttribute('aria-valuetext', `${Math.floor(pct * 100)}%`);
    els.progressText.textContent = progressText({ ...p, done: p.bytes });
    if (!['start', 'merge', 'done'].includes(p.phase)) {
      const quarter = Math.floor(pct * 4);
      if (quarter > this.#announced && quarter > 0 && quarter < 4) {
        this.#announced = quarter;
        this.#announce(`${quarter * 25}% read`);
      }
    }
  }

  #showMapping(file, err) {
    const els = this.#els;
    const missing = new Set(err.missing ?? []);
    els.mappingText.textContent =
      `adagg could not find ${[...missing].join(', ')} in the header of ${file?.name || 'the file'}. ` +
      'Choose the column that holds each field, then run again.';
    const columns = err.columns ?? [];
    els.mappingFields.replaceChildren(
      ...FIELDS.map((field) => {
        const fid = `map-${field}`;
        const select = h('select', { id: fid, name: field }, [
          h('option', { value: '', text: missing.has(field) ? 'Choose a column…' : 'Detected automatically' }),
          ...columns.map((c) => h('option', { value: c, text: c })),
        ]);
        select.required = missing.has(field);
        return h('div', { className: 'mapping-field' }, [h('label', { for: fid, text: field }), select]);
      }),
    );
    els.mappingForm.onsubmit = (e) => {
      e.preventDefault();
      const map = {};
      for (const field of FIELDS) {
        const v = els.mappingForm.elements[field].value;
        if (v) map[field] = v;
      }
      this.#start(file, { map }).catch(() => {});
    };
    els.mappingForm.hidden = false;
  }

  #setDownload(link, csv) {
    const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
    this.#blobUrls.push(url);
    link.setAttribute('href', url);
  }

  #renderResult(result, file) {
    const els = this.#els;
    els.resultFile.textContent = file?.name || 'the file';
    renderSummary({ ...els, mapping: els.mappingUsed }, result, file, (_, extra) => (extra ? 'extra' : ''));
    const warnings = result.summary.warnings ?? [];
    if (warnings.length > 0) this.#showNotice(warnings.join('\n'));

    renderRanking(els.ctrTable, result.ctr ?? [], 'ctr', { columns: COLUMNS });
    renderRanking(els.cpaTable, result.cpa ?? [], 'cpa', { columns: COLUMNS });
    this.#setDownload(els.ctrDownload, result.ctrCsv);
    this.#setDownload(els.cpaDownload, result.cpaCsv);
    els.results.hidden = false;
  }
}

// Idempotent: a second copy of this module (another URL, a bundle) neither
// throws nor replaces the element already defined.
if (globalThis.customElements && !globalThis.customElements.get(TAG)) {
  globalThis.customElements.define(TAG, AdAggregator);
}
