// The adagg page (index.html) and widget (<ad-aggregator>) seen through the
// engine layer (engines.mjs): open, choose a file, read what is shown and
// what the download links serve. Engine-neutral: every step is a script in
// the page or a file chosen in an input.
import assert from 'node:assert/strict';

/** Expression: the page's file input. */
export const PAGE_INPUT = "document.getElementById('file')";
/** Expression: the file input in the shadow root of the widget with id `id`. */
export const widgetInput = (id) => `document.getElementById(${JSON.stringify(id)}).shadowRoot.querySelector('input[type=file]')`;

/**
 * Installed once the page has loaded: records uncaught errors, and keeps the
 * Blob behind every object URL the page makes, so that a download link's
 * bytes can be read back (a real download needs engine-specific set-up; the
 * page's CSP, connect-src 'none', forbids fetching the blob: URL).
 */
function instrument() {
  const state = { errors: [], blobs: new Map(), events: [] };
  Object.defineProperty(window, '__adaggEngines', { value: state, enumerable: false });
  addEventListener('error', (e) => state.errors.push(String(e.message || e.error)));
  addEventListener('unhandledrejection', (e) => state.errors.push(String(e.reason?.stack || e.reason)));
  const create = URL.createObjectURL;
  URL.createObjectURL = function (blob) {
    const url = create.call(URL, blob);
    state.blobs.set(url, blob);
    return url;
  };
  // The widgets' events bubble out of their shadow roots.
  for (const type of ['adagg-progress', 'adagg-done', 'adagg-error']) {
    document.addEventListener(type, (e) => {
      const { ctrCsv, cpaCsv, kind, message, bytes, total, summary } = e.detail ?? {};
      state.events.push({ type, target: e.target.id, ctrCsv, cpaCsv, kind, message, bytes, total, rowsRead: summary?.rowsRead });
    }, true);
  }
  return true;
}

/** Uncaught errors recorded in the page since it was instrumented. */
export const pageErrors = (tab) => tab.evaluate(() => window.__adaggEngines.errors);

/**
 * Opens index.html at `url`, waits until the wasm is compiled and the
 * workers are warm, and instruments it.
 * @param {import('./engines.mjs').Engine} engine
 */
export async function openApp(engine, url) {
  const tab = await engine.open(url);
  await tab.waitFor(() => document.body.dataset.ready === 'true' || !document.getElementById('error').hidden);
  const error = await tab.evaluate(() => (document.getElementById('error').hidden ? null : document.getElementById('error-text').textContent));
  assert.equal(error, null, `start-up error in ${engine.name}`);
  await tab.waitFor(() => document.body.dataset.warm === 'true');
  await tab.evaluate(instrument);
  return tab;
}

/** Chooses `path` in the page's input and waits until the run ends; returns the final state. */
export async function runPage(tab, path) {
  // Forget the previous run's state, so that it cannot be mistaken for this one's.
  await tab.evaluate(() => {
    document.body.dataset.state = '';
  });
  await tab.chooseFile(PAGE_INPUT, path);
  return tab.waitFor(() => document.body.dataset.state && document.body.dataset.state !== 'running' && document.body.dataset.state);
}

/**
 * What the page shows after a run: each ranking table's body rows as
 * [campaign id, ...cells] (the rank and the name beside the id left out),
 * and the bytes its download links serve (base64), with their file names.
 */
export async function pageResult(tab) {
  const out = await tab.evaluate(async () => {
    const rows = (table) =>
      [...table.tBodies[0].rows].map((tr) => {
        const [, id, ...rest] = tr.cells;
        return [id.firstChild?.textContent ?? '', ...rest.map((c) => c.textContent)];
      });
    const bytes = async (a) => {
      const blob = window.__adaggEngines.blobs.get(a.href);
      if (!blob) return null;
      const u8 = new Uint8Array(await blob.arrayBuffer());
      let s = '';
      for (let i = 0; i < u8.length; i += 0x8000) s += String.fromCharCode(...u8.subarray(i, i + 0x8000));
      return btoa(s);
    };
    const out = { workers: null };
    for (const key of ['ctr', 'cpa']) {
      const a = document.getElementById(`download-${key}`);
      out[key] = { rows: rows(document.getElementById(`${key}-table`)), download: a.getAttribute('download'), bytes: await bytes(a) };
    }
    for (const s of document.querySelectorAll('#stats .stat')) {
      if (s.querySelector('dt').textContent === 'Workers') out.workers = s.querySelector('dd').textContent;
    }
    return out;
  });
  for (const key of ['ctr', 'cpa']) out[key].bytes = out[key].bytes == null ? null : Buffer.from(out[key].bytes, 'base64');
  return out;
}

/** The fields of each record of a CSV text (RFC 4180 quoting), header first. */
export function csvRows(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\n') row.push(field), rows.push(row), (row = []), (field = '');
    else if (c !== '\r') field += c;
  }
  if (field !== '' || row.length) row.push(field), rows.push(row);
  return rows;
}

/** A CLI ranking CSV as the page's table shows it: data rows, '—' for an empty field. */
export const asShown = (csv) => csvRows(csv).slice(1).map((r) => r.map((f) => (f === '' ? '—' : f)));

/** Opens the embed page (two widgets) at `url`, waits until it is warm, and instruments it. */
export async function openEmbed(engine, url) {
  const tab = await engine.open(url);
  await tab.waitFor(() => customElements.get('ad-aggregator') && document.querySelectorAll('ad-aggregator').length === 2);
  await tab.evaluate(instrument);
  return tab;
}

/** The widget events recorded for `id` (adagg-progress, adagg-done, adagg-error). */
export const widgetEvents = (tab, id) => tab.evaluate((id) => window.__adaggEngines.events.filter((e) => e.target === id), id);

/** Waits until widget `id` has had `n` outcomes (adagg-done or adagg-error); returns the last. */
export function widgetOutcome(tab, id, n = 1) {
  return tab.waitFor(
    (id, n) => {
      const outcomes = window.__adaggEngines.events.filter((e) => e.target === id && e.type !== 'adagg-progress');
      return outcomes.length >= n && outcomes.at(-1);
    },
    [id, n],
  );
}

/** Widget `id`'s ranking table for `key`: [campaign id, ...cells] per row, as pageResult. */
export function widgetTable(tab, id, key) {
  return tab.evaluate(
    (id, key) => {
      const table = document.getElementById(id).shadowRoot.querySelector(`table[aria-labelledby="${key}-title"]`);
      return [...table.tBodies[0].rows].map((tr) => {
        const [, cell, ...rest] = tr.cells;
        return [cell.firstChild?.textContent ?? '', ...rest.map((c) => c.textContent)];
      });
    },
    id,
    key,
  );
}
