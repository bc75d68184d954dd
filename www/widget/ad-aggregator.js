// <ad-aggregator>: the embeddable adagg widget, the element only: its
// attributes, lifecycle, events and focus. It composes the core
// (core/run.js: preload, aggregateFile) and the views shared with the page
// (ui/); its look is widget/styles.js. Public entry: adagg.js.
//
//   <script type="module" src="/tools/adagg/www/adagg.js"></script>
//   <ad-aggregator top="10"></ad-aggregator>
//
// Everything renders inside the element's own shadow root. User data (file
// names, campaign ids, column names, messages) is only ever set as
// textContent. No global names besides the custom element: defining it
// twice (a second copy of this module) is a no-op.
import { abortError } from '../core/errors.js';
import { aggregateFile, preload } from '../core/run.js';
import { aggregateClicks, maybeClickLog } from '../core/clicks.js';
import { h } from '../ui/dom.js';
import { fmtInt } from '../ui/format.js';
import { showMapping } from '../ui/mapping-form.js';
import { renderProgress } from '../ui/progress-view.js';
import { rankingIds, rankingPanel } from '../ui/ranking-table.js';
import { renderSummary } from '../ui/summary-view.js';
import { adoptStyles } from './styles.js';
import { buildTree } from './tree.js';

const TAG = 'ad-aggregator';
const DEFAULT_TOP = 10;
const MAX_WIDGET_TOP = 1000; // rows the widget will render per ranking
/** The guardrail attributes: `min-impressions`…, in this order. */
const MIN_KEYS = ['impressions', 'clicks', 'conversions', 'spend'];
/** The ranking columns a compact widget hides (by key: the totals but clicks; the metrics always show). */
const COMPACT_HIDDEN = new Set(['totalImpressions', 'totalSpend', 'totalConversions']);
const columnClass = ({ key }) => (COMPACT_HIDDEN.has(key) ? 'col-extra' : '');

/** The error kind reported in `adagg-error`. */
function kindOf(err) {
  if (err?.name === 'AbortError') return 'abort';
  return typeof err?.kind === 'string' && err.kind ? err.kind : 'error';
}

/**
 * The heading of an error box for an adagg-error `kind`: a load failure
 * comes before any file, so it does not speak of one.
 */
function errorTitle(kind) {
  switch (kind) {
    case 'load':
      return 'adagg could not start';
    case 'columns':
      return 'Some columns were not found';
    case 'read':
      return 'Could not read the file';
    default:
      return 'Could not process the file';
  }
}

function intAttr(value, min, max) {
  if (value == null || value.trim() === '') return null;
  const n = Number(value);
  return Number.isInteger(n) && n >= min && n <= max ? n : null;
}

const BaseElement = globalThis.HTMLElement ?? class {};

/**
 * `<ad-aggregator>`: a file picker and drop zone, progress, the run summary
 * and a ranking per metric, in its own shadow root. Attributes `top`,
 * `compact`, `workers`, `worker-url`, `wasm-url`; events `adagg-progress`,
 * `adagg-done`, `adagg-error` (bubbling, composed). Types: adagg.d.ts.
 */
export class AdAggregator extends BaseElement {
  #root;
  #els;
  #job = null; // { controller, promise }
  #gen = 0;
  #result = null;
  #blobUrls = [];
  #announced = -1; // last progress quarter announced
  #dragDepth = 0;
  #timeView = null; // the Over time card's view (ui/time-view.js), when shown
  #clicks = null; // the click log's result and view (issue 17), when shown

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

  /**
   * The rankings (attribute `rank`: space- or comma-separated, e.g.
   * `"roas cpa:asc"`; each `ctr cpc cpm cvr cpa roas`, optionally `:asc` or
   * `:desc`), or null for the two standard tables (CTR, lowest CPA).
   */
  get rank() {
    const list = (this.getAttribute('rank') ?? '').split(/[\s,]+/).filter(Boolean);
    return list.length ? list : null;
  }
  set rank(list) {
    if (list == null || list.length === 0) this.removeAttribute('rank');
    else this.setAttribute('rank', Array.isArray(list) ? list.join(' ') : String(list));
  }

  /**
   * The guardrails (attributes `min-impressions`, `min-clicks`,
   * `min-conversions`, `min-spend`): a campaign is ranked only when each
   * total is at least the minimum. Values are passed on as written; the
   * core checks them (a bad one is an error of kind `input`).
   */
  get min() {
    const min = {};
    for (const key of MIN_KEYS) {
      const value = this.getAttribute(`min-${key}`);
      if (value != null && value.trim() !== '') min[key] = value.trim();
    }
    return min;
  }
  set min(values) {
    for (const key of MIN_KEYS) {
      const value = values?.[key];
      if (value == null || value === '') this.removeAttribute(`min-${key}`);
      else this.setAttribute(`min-${key}`, String(value));
    }
  }

  /** Also every campaign with every KPI: all_campaigns.csv (boolean attribute `all-campaigns`). */
  get allCampaigns() {
    return this.hasAttribute('all-campaigns');
  }
  set allCampaigns(on) {
    this.toggleAttribute('all-campaigns', Boolean(on));
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

  /**
   * Daily series, 7/28-day windows, anomaly flags, budget hints and charts (boolean
   * attribute `over-time`): runs use the daily WebAssembly module
   * (pkg-daily/, or `daily-wasm-url`), loaded only when this is set.
   */
  get overTime() {
    return this.hasAttribute('over-time');
  }
  set overTime(on) {
    this.toggleAttribute('over-time', Boolean(on));
  }

  /** The anomaly threshold |z| (attribute `anomaly-threshold`, default 3.5), as written. */
  get anomalyThreshold() {
    return (this.getAttribute('anomaly-threshold') ?? '').trim() || '3.5';
  }
  set anomalyThreshold(z) {
    if (z == null || z === '') this.removeAttribute('anomaly-threshold');
    else this.setAttribute('anomaly-threshold', String(z));
  }

  /** URL of pkg-daily's adagg_wasm.js (attribute `daily-wasm-url`), or null for the default. */
  get dailyWasmUrl() {
    return this.getAttribute('daily-wasm-url') || null;
  }
  set dailyWasmUrl(url) {
    if (url == null || url === '') this.removeAttribute('daily-wasm-url');
    else this.setAttribute('daily-wasm-url', String(url));
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

  connectedCallback() {
    // Load and compile the wasm now, so a run starts at once and a missing
    // file is reported before the user picks a CSV file. Then start the
    // workers and warm the engine's optimizing compiler up on a small run.
    preload({
      daily: this.overTime,
      dailyWasmUrl: this.#abs(this.dailyWasmUrl, this.ownerDocument),
      wasmUrl: this.#abs(this.wasmUrl, this.ownerDocument),
      workerUrl: this.#abs(this.workerUrl),
      workers: this.workers ?? undefined,
    }).catch(
      (err) => {
        if (!this.#job && !this.#result) this.#showError(err?.message || String(err), kindOf(err));
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
    const { root, els } = buildTree();
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

  #clearOutput() {
    const els = this.#els;
    els.error.hidden = true;
    els.notice.hidden = true;
    els.mappingForm.hidden = true;
    els.results.hidden = true;
    for (const url of this.#blobUrls) URL.revokeObjectURL(url);
    this.#blobUrls = [];
    els.rankings.replaceChildren();
    this.#clicks?.close();
    this.#clicks = null;
    els.clicks.replaceChildren();
    els.clicks.hidden = true;
    this.#timeView?.destroy();
    this.#timeView = null;
  }

  /** Shows `message` under a heading that fits what happened (`kind`, as in adagg-error). */
  #showError(message, kind) {
    this.#els.errorTitle.textContent = errorTitle(kind);
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
    els.progressFile.textContent = file?.name || '';
    const size = file?.size ?? 0;
    this.#renderProgress({ phase: 'start', bytesDone: 0, totalBytes: size, rows: 0, elapsedMs: 0, bytes: 0, total: size });
    this.#setRunning(true);
    if (focusWasInside) els.cancel.focus();
    this.#announce(`Processing ${file?.name || 'the file'}…`);
    let outcome = 'error';
    try {
      if (file && (await maybeClickLog(file))) {
        const clicks = await this.#runClicks(file, job);
        if (clicks) {
          outcome = 'done';
          return clicks;
        }
      }
      const result = await aggregateFile(file, {
        top,
        rank: this.rank ?? undefined,
        min: this.min,
        allCampaigns: this.allCampaigns,
        ...(this.overTime ? { daily: true, anomalies: { threshold: this.anomalyThreshold }, hints: true, dailyWasmUrl: this.#abs(this.dailyWasmUrl) } : {}),
        parse,
        signal,
        workers: this.workers ?? undefined,
        workerUrl: this.#abs(this.workerUrl),
        wasmUrl: this.#abs(this.wasmUrl),
        unpackWasmUrl: this.#abs(this.getAttribute('unpack-wasm-url')),
        onProgress: (p) => {
          if (signal.aborted || this.#job !== job) return;
          this.#renderProgress(p);
          this.#emit('adagg-progress', { ...p });
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
        this.#showError(message, kind);
        const els = this.#els;
        showMapping({ form: els.mappingForm, text: els.mappingText, fields: els.mappingFields }, file?.name, err, (map) => {
          this.#start(file, { map }).catch(() => {});
        });
        els.mappingForm.hidden = false;
      } else {
        this.#showError(message, kind);
      }
      const detail = { message, kind };
      if (kind === 'columns') {
        detail.missing = [...(err.missing ?? [])];
        detail.columns = [...(err.columns ?? [])];
        detail.fields = [...(err.fields ?? [])];
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

  /**
   * A click log (issue 17): read with the clicks module in a worker of its
   * own, shown with the page's click view; fires `adagg-clicks-done` with
   * the summary. Null when the file is not a click log (the export path
   * reads it then).
   */
  async #runClicks(file, job) {
    const { signal } = job.controller;
    let result;
    try {
      const n = Number(this.getAttribute('click-velocity-max'));
      result = await aggregateClicks(file, {
        signal,
        workers: this.workers ?? undefined,
        wasmUrl: this.#abs(this.getAttribute('clicks-wasm-url')),
        // The fraud rules (attributes; defaults: every rule on, N = 5, no blocklist).
        velocityMax: this.hasAttribute('click-velocity-max') && Number.isInteger(n) && n >= 0 ? n : undefined,
        rulesOff: (this.getAttribute('click-rules-off') ?? '').split(/[\s,]+/).filter(Boolean),
        blocklist: (this.getAttribute('click-blocklist') ?? '').split(/[\s,]+/).filter(Boolean).join('\n'),
        onProgress: (p) => {
          if (signal.aborted || this.#job !== job) return;
          this.#renderProgress(p);
          this.#emit('adagg-progress', { ...p });
        },
      });
    } catch (err) {
      if (/^not a click log/.test(err?.message || '')) return null;
      throw err;
    }
    if (signal.aborted) {
      result.close();
      throw abortError();
    }
    const { renderClicks } = await import('../ui/clicks-view.js');
    const els = this.#els;
    els.clicks.hidden = false;
    const view = await renderClicks(els.clicks, result, file.name || 'click log');
    this.#clicks = { close: () => (view.close(), result.close()) };
    this.#announce(`Done: ${fmtInt(result.summary.rows)} rows read, ${fmtInt(result.summary.billable)} billable clicks. Results below.`);
    this.#emit('adagg-clicks-done', { summary: result.summary });
    return result;
  }

  #renderProgress(p) {
    const pct = renderProgress({ bar: this.#els.progress, text: this.#els.progressText }, p);
    if (!['start', 'merge', 'done'].includes(p.phase)) {
      const quarter = Math.floor(pct * 4);
      if (quarter > this.#announced && quarter > 0 && quarter < 4) {
        this.#announced = quarter;
        this.#announce(`${quarter * 25}% read`);
      }
    }
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

    const rankings = result.rankings ?? [];
    const ids = rankingIds(rankings);
    const setDownload = (link, csv) => this.#setDownload(link, csv);
    const panels = rankings.map((r, i) => rankingPanel(r, { id: ids[i], setDownload, heading: 'h4', className: 'ranking', columnClass }));
    if (result.allCampaignsCsv != null) {
      const link = h('a', { className: 'button', href: '#', download: 'all_campaigns.csv', text: 'Download all_campaigns.csv' });
      this.#setDownload(link, result.allCampaignsCsv);
      panels.push(h('div', { className: 'ranking' }, [
        h('div', { className: 'ranking-head' }, [h('h4', { className: 'ranking-title', text: `All ${fmtInt(result.summary.campaigns)} campaigns` }), link]),
      ]));
    }
    els.rankings.replaceChildren(...panels);
    els.results.hidden = false;
    if (result.daily) this.#renderTime(result);
  }

  /**
   * The Over time card (daily chart, windows, flagged days, ranking bars):
   * its code and uPlot are imported now, on first use, not with the widget.
   */
  async #renderTime(result) {
    const { buildTimeCard, renderTime } = await import('../ui/time-view.js');
    if (this.#result !== result) return; // a newer run replaced it meanwhile
    const els = buildTimeCard({ heading: 'h4' });
    els.card.hidden = false;
    this.#els.rankings.append(els.card);
    this.#timeView = renderTime(els, result, (link, csv) => this.#setDownload(link, csv));
  }
}

// Idempotent: a second copy of this module (another URL, a bundle) neither
// throws nor replaces the element already defined.
if (globalThis.customElements && !globalThis.customElements.get(TAG)) {
  globalThis.customElements.define(TAG, AdAggregator);
}
