// End-to-end tests of the embeddable widget <ad-aggregator> and the
// aggregateFile() module API (www/adagg.js), in Debian's headless Chromium.
//
//   node --test tests/e2e/embed.test.mjs      (needs www/pkg: bash scripts/build-web.sh)
//
// Env: ADAGG_WEB_ROOT serves another web root (as in web.test.mjs);
// ADAGG_E2E_CANCEL_MB sizes the file that is cancelled (default 200).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join, dirname } from 'node:path';
import { cp, readdir, stat } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  REPO,
  cleanCsv,
  malformedCsv,
  writeLargeCsv,
  tempDir,
  launch,
  cliOutput,
  rm,
  readFile,
  writeFile,
  mkdir,
} from './helpers.mjs';
import { startServer } from '../../scripts/serve.mjs';

const execFileP = promisify(execFile);
const WEB_ROOT = process.env.ADAGG_WEB_ROOT || REPO;
const CANCEL_MB = Number(process.env.ADAGG_E2E_CANCEL_MB || 200);
const CSP =
  "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'none'; base-uri 'none'; form-action 'none'";

let server; // the web root at /
let browser;
let dir;
const files = {};
const cliCache = new Map();

before(async () => {
  dir = await tempDir('adagg-embed-');
  server = await startServer(WEB_ROOT, 0);
  browser = await launch();
  files.a = join(dir, 'search.csv');
  await writeFile(files.a, cleanCsv({ bytes: 12 << 20, seed: 21, campaignCount: 80 }));
  files.b = join(dir, 'social.csv');
  await writeFile(files.b, malformedCsv({ bytes: 8 << 20, seed: 22, campaignCount: 45 }).csv);
  files.small = join(dir, 'small.csv');
  await writeFile(files.small, cleanCsv({ bytes: 64 << 10, seed: 23, campaignCount: 12 }));
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The native CLI's top10_ctr.csv / top10_cpa.csv for `name` (text). */
async function cli(name) {
  if (!cliCache.has(name)) {
    cliCache.set(
      name,
      cliOutput(files[name], join(dir, `cli-${name}`)).then(({ ctr, cpa }) => ({ ctr: ctr.toString(), cpa: cpa.toString() })),
    );
  }
  return cliCache.get(name);
}

/** The records of a CSV text (header first); quoted fields may hold newlines. */
function csvRecords(csv) {
  const records = [];
  let cur = '';
  for (const line of csv.split('\n')) {
    cur = cur === '' ? line : `${cur}\n${line}`;
    if ((cur.split('"').length - 1) % 2 === 0) {
      records.push(cur);
      cur = '';
    }
  }
  if (records.at(-1) === '') records.pop();
  return records;
}

/** A CLI ranking CSV cut to its header and first `n` rows. */
const topRows = (csv, n) => csvRecords(csv).slice(0, n + 1).join('\n') + '\n';

// Runs in every frame before any page script: records the widgets' events
// (they bubble out of the shadow root) and counts Worker constructions and
// terminations. Test-only names live in one non-enumerable property.
function recorder() {
  const state = { events: [], created: 0, terminated: 0 };
  Object.defineProperty(window, '__adaggTest', { value: state, enumerable: false });
  for (const type of ['adagg-progress', 'adagg-done', 'adagg-error']) {
    document.addEventListener(
      type,
      (e) =>
        state.events.push({
          type,
          target: e.target.id || e.target.localName,
          detail: JSON.parse(JSON.stringify(e.detail)),
          t: performance.now(),
        }),
      true,
    );
  }
  const NativeWorker = window.Worker;
  window.Worker = class extends NativeWorker {
    constructor(...args) {
      super(...args);
      state.created++;
    }
    terminate() {
      if (!this.__adaggTerminated) {
        this.__adaggTerminated = true;
        state.terminated++;
      }
      super.terminate();
    }
  };
}

async function newPage({ record = true } = {}) {
  const page = await browser.context.newPage();
  page.pageErrors = [];
  page.dialogs = [];
  page.requests = [];
  page.on('pageerror', (e) => page.pageErrors.push(e));
  page.on('dialog', (d) => {
    page.dialogs.push(d.message());
    d.dismiss().catch(() => {});
  });
  page.on('request', (r) => page.requests.push(r.url()));
  if (record) await page.addInitScript(recorder);
  return page;
}

async function openEmbed(base = server.url) {
  const page = await newPage();
  await page.goto(`${base}www/embed.html`);
  await page.waitForFunction(() => customElements.get('ad-aggregator') && document.querySelectorAll('ad-aggregator').length === 2);
  return page;
}

/** Waits until widget `id` has fired `n` adagg-done/adagg-error events in `frame`. */
function waitOutcome(frame, id, n = 1) {
  return frame.waitForFunction(
    ([id, n]) => window.__adaggTest.events.filter((e) => e.target === id && e.type !== 'adagg-progress').length >= n,
    [id, n],
    { timeout: 120_000 },
  );
}

const eventsOf = (frame, id) => frame.evaluate((id) => window.__adaggTest.events.filter((e) => e.target === id), id);

/** The widget's rendered ranking: [[rank, campaign, ...cells]] per row. */
function shownTable(frame, id, key) {
  return frame.evaluate(
    ([id, key]) => {
      const table = document.getElementById(id).shadowRoot.querySelector(`table[aria-labelledby="${key}-title"]`);
      return [...table.tBodies[0].rows].map((tr) => [...tr.cells].map((c) => c.textContent));
    },
    [id, key],
  );
}

/**
 * Workers are kept between runs: every one must be idle (none still working
 * for a cancelled run), and releaseWorkers() must then end them all.
 */
async function noWorkersLeft(page) {
  await page.waitForFunction(async () => (await import('./adagg.js')).workerStats().busy === 0, null, { timeout: 10_000 });
  await page.evaluate(async () => (await import('./adagg.js')).releaseWorkers());
  const cdp = await page.context().newCDPSession(page);
  let targets = [];
  for (let i = 0; i < 100; i++) {
    ({ targetInfos: targets } = await cdp.send('Target.getTargets'));
    targets = targets.filter((t) => t.type === 'worker' || t.type === 'shared_worker');
    if (targets.length === 0 && page.workers().length === 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await cdp.detach();
  assert.deepEqual(targets.map((t) => t.url), [], 'no worker target left (CDP Target.getTargets)');
  assert.equal(page.workers().length, 0, 'no worker left (playwright)');
  const { created, terminated } = await page.evaluate(() => window.__adaggTest);
  assert.ok(created > 0, 'workers were created');
  assert.equal(terminated, created, 'every Worker constructed was terminated');
}

/** Asserts one run's events: progress in order, then exactly one outcome, last. */
function checkRunEvents(events, { size, outcome }) {
  assert.ok(events.length >= 2, `events: ${events.map((e) => e.type)}`);
  const last = events.at(-1);
  assert.equal(last.type, outcome, `last event: ${last.type} ${JSON.stringify(last.detail).slice(0, 200)}`);
  const progress = events.slice(0, -1);
  assert.ok(progress.length >= 1, 'at least one adagg-progress before the outcome');
  const order = ['start', 'read', 'merge', 'done'];
  let prev = { bytes: 0, phase: 'start' };
  for (const { type, detail } of progress) {
    assert.equal(type, 'adagg-progress', 'only progress events before the outcome');
    for (const k of ['bytes', 'total', 'rows']) assert.equal(typeof detail[k], 'number', `progress ${k}`);
    assert.equal(detail.total, size, 'progress total = file size');
    assert.ok(detail.bytes >= prev.bytes && detail.bytes <= size, `bytes grow within the file: ${prev.bytes} -> ${detail.bytes}`);
    assert.ok(order.indexOf(detail.phase) >= order.indexOf(prev.phase), `phase order ${prev.phase} -> ${detail.phase}`);
    prev = detail;
  }
  return { progress, last };
}

test('embed page: two widgets aggregate two files at the same time, each equal to the CLI, with events in order', async () => {
  const page = await openEmbed();
  for (const id of ['widget-a', 'widget-b']) await page.locator(`#${id}`).evaluate((el) => el.setAttribute('workers', '2'));
  await Promise.all([
    page.setInputFiles('#widget-a input[type=file]', files.a),
    page.setInputFiles('#widget-b input[type=file]', files.b),
  ]);
  await Promise.all([waitOutcome(page, 'widget-a'), waitOutcome(page, 'widget-b')]);
  const sizes = { 'widget-a': (await readFile(files.a)).length, 'widget-b': (await readFile(files.b)).length };
  const runs = {};
  for (const id of ['widget-a', 'widget-b']) {
    const events = await eventsOf(page, id);
    runs[id] = { events, ...checkRunEvents(events, { size: sizes[id], outcome: 'adagg-done' }) };
    const { progress, last } = runs[id];
    assert.equal(progress.at(-1).detail.bytes, sizes[id], 'the last progress covers the whole file');
    assert.equal(progress.at(-1).detail.rows, last.detail.summary.rowsRead, 'the last progress counts every row read');
    // adagg-done carries the full result as plain JSON, the same as `result`.
    const result = await page.locator(`#${id}`).evaluate((el) => JSON.parse(JSON.stringify(el.result)));
    assert.deepEqual(last.detail, result, 'adagg-done detail = element.result');
    for (const k of ['ctr', 'cpa', 'ctrCsv', 'cpaCsv', 'summary', 'timing']) assert.ok(k in result, `result.${k}`);
    assert.equal(result.summary.bytes, sizes[id]);
    assert.equal(result.timing.workers, 2, 'the workers attribute is used');
  }
  // Both ran at once: each started before the other finished.
  const first = (id) => runs[id].events[0].t;
  const end = (id) => runs[id].last.t;
  assert.ok(first('widget-b') < end('widget-a') && first('widget-a') < end('widget-b'), 'the two runs overlapped');

  // Widget A (top 10) matches the CLI byte for byte, on screen and in its downloads.
  const [cliA, cliB] = await Promise.all([cli('a'), cli('b')]);
  const a = runs['widget-a'].last.detail;
  assert.equal(a.ctrCsv, cliA.ctr, 'widget A top10_ctr.csv = CLI');
  assert.equal(a.cpaCsv, cliA.cpa, 'widget A top10_cpa.csv = CLI');
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#widget-a >> a:has-text("top10_ctr.csv")')]);
  assert.equal(dl.suggestedFilename(), 'top10_ctr.csv');
  assert.equal((await readFile(await dl.path())).toString(), cliA.ctr, 'downloaded top10_ctr.csv = CLI');
  // Widget B has top="5": its rankings are the CLI's first five rows.
  const b = runs['widget-b'].last.detail;
  assert.equal(b.ctr.length, 5);
  assert.equal(b.ctrCsv, topRows(cliB.ctr, 5), 'widget B top-5 CTR = CLI prefix');
  assert.equal(b.cpaCsv, topRows(cliB.cpa, 5), 'widget B top-5 CPA = CLI prefix');
  assert.ok(b.summary.rowsSkipped > 0, 'the malformed file skipped rows');
  assert.notDeepEqual(a.ctr.map((r) => r.campaignId), b.ctr.map((r) => r.campaignId), 'two different results');

  // Each widget shows its own result.
  for (const [id, detail] of [['widget-a', a], ['widget-b', b]]) {
    for (const key of ['ctr', 'cpa']) {
      const shown = await shownTable(page, id, key);
      assert.deepEqual(
        shown.map((cells) => cells.slice(0, 2)),
        detail[key].map((r, i) => [String(i + 1), r.campaignId]),
        `${id} ${key} table`,
      );
    }
    const fileName = await page.locator(`#${id} .results-title .file-name`).textContent();
    assert.equal(fileName, id === 'widget-a' ? 'search.csv' : 'social.csv');
  }
  // The compact widget hides the extra columns; the full one shows them.
  assert.equal(await page.locator('#widget-b th:has-text("Impressions")').first().isVisible(), false);
  assert.equal(await page.locator('#widget-a th:has-text("Impressions")').first().isVisible(), true);
  // The portal's event log saw both.
  assert.equal(await page.locator('#event-log li').count(), 2);
  await page.screenshot({ path: join(REPO, 'test-results', 'embed.png'), fullPage: true });
  assert.deepEqual(page.pageErrors, []);
  await noWorkersLeft(page);
  await page.close();
});

test('cancel stops one widget and its workers; the other widget finishes; the widget runs again', async () => {
  const big = join(dir, 'big.csv');
  await writeLargeCsv(big, CANCEL_MB << 20);
  const page = await openEmbed();
  await page.locator('#widget-a').evaluate((el) => el.setAttribute('workers', '2'));
  await page.setInputFiles('#widget-a input[type=file]', big);
  await page.waitForFunction(() =>
    window.__adaggTest.events.some((e) => e.target === 'widget-a' && e.type === 'adagg-progress' && e.detail.bytes > 0),
  );
  await page.setInputFiles('#widget-b input[type=file]', files.b);
  assert.equal(await page.locator('#widget-a').evaluate((el) => el.running), true, 'still running when cancelling');
  assert.ok(page.workers().length >= 2, 'workers exist during the run');
  await page.click('#widget-a >> button:has-text("Cancel")');
  await Promise.all([waitOutcome(page, 'widget-a'), waitOutcome(page, 'widget-b')]);

  const size = (await readFile(files.b)).length;
  const eventsA = await eventsOf(page, 'widget-a');
  const { last } = checkRunEvents(eventsA, { size: (await stat(big)).size, outcome: 'adagg-error' });
  assert.equal(last.detail.kind, 'abort');
  assert.match(last.detail.message, /cancel/i);
  assert.equal(eventsA.filter((e) => e.type === 'adagg-done').length, 0, 'no adagg-done after cancel');
  assert.equal(await page.locator('#widget-a').evaluate((el) => el.result), null);
  assert.match(await page.locator('#widget-a .notice').textContent(), /Cancelled/);
  assert.equal(await page.locator('#widget-a .progress-box').isHidden(), true);
  assert.equal(await page.locator('#widget-a input[type=file]').isEnabled(), true);

  const eventsB = await eventsOf(page, 'widget-b');
  const { last: doneB } = checkRunEvents(eventsB, { size, outcome: 'adagg-done' });
  assert.equal(doneB.detail.cpaCsv, topRows((await cli('b')).cpa, 5), 'widget B unaffected by A being cancelled');
  await noWorkersLeft(page);

  // Widget A is usable again.
  await page.setInputFiles('#widget-a input[type=file]', files.small);
  await waitOutcome(page, 'widget-a', 2);
  const again = (await eventsOf(page, 'widget-a')).at(-1);
  assert.equal(again.type, 'adagg-done');
  assert.equal(await page.locator('#widget-a .notice').isHidden(), true);
  assert.deepEqual(page.pageErrors, []);
  await noWorkersLeft(page);
  await page.close();
  await rm(big, { force: true });
});

test('aggregateFile(): result, progress, AbortError on abort (running or already aborted), workers stopped and released; the own-UI panel', async () => {
  const page = await openEmbed();
  const smallCsv = (await readFile(files.small)).toString();
  const res = await page.evaluate(async (csv) => {
    const { aggregateFile } = await import('./adagg.js');
    const out = {};
    const progress = [];
    const file = new File([csv], 'small.csv', { type: 'text/csv' });
    const r = await aggregateFile(file, { top: 3, workers: 2, onProgress: (p) => progress.push(p) });
    out.result = r;
    out.json = JSON.parse(JSON.stringify(r));
    out.progress = progress;
    out.default = await aggregateFile(file);

    // A large Blob, built in the page: ~120 MB of rows.
    const rows = [];
    for (let i = 0; i < 20000; i++) rows.push(`CMP${i % 97},2025-01-01,${1000 + (i % 500)},${i % 50},${(i % 70) + 0.25},${i % 7}`);
    const chunk = rows.join('\n') + '\n';
    const big = new Blob(['campaign_id,date,impressions,clicks,spend,conversions\n', ...Array(Math.ceil((120 << 20) / chunk.length)).fill(chunk)]);
    const abortMidway = async (reason) => {
      const controller = new AbortController();
      let seen = 0;
      try {
        await aggregateFile(big, {
          workers: 2,
          signal: controller.signal,
          onProgress: (p) => {
            seen++;
            if (p.phase === 'read' && p.bytes > 0) reason === undefined ? controller.abort() : controller.abort(reason);
          },
        });
        return { resolved: true };
      } catch (e) {
        return { name: e.name, isDOMException: e instanceof DOMException, seen, message: e.message };
      }
    };
    const { workerStats } = await import('./adagg.js');
    const stoppedBefore = workerStats().stoppedEarly;
    out.abort = await abortMidway();
    out.abortReason = await abortMidway(new Error('portal navigated away'));
    while (workerStats().busy > 0) await new Promise((r) => setTimeout(r, 20));
    out.stoppedEarly = workerStats().stoppedEarly - stoppedBefore;
    const createdBefore = window.__adaggTest.created;
    try {
      const c = new AbortController();
      c.abort();
      await aggregateFile(big, { signal: c.signal });
      out.pre = { resolved: true };
    } catch (e) {
      out.pre = { name: e.name, isDOMException: e instanceof DOMException, workers: window.__adaggTest.created - createdBefore };
    }
    const fail = async (...args) => {
      try {
        await aggregateFile(...args);
        return { resolved: true };
      } catch (e) {
        return { name: e.name, kind: e.kind, message: e.message };
      }
    };
    out.notBlob = await fail('not a file');
    out.badTop = await fail(file, { top: 0 });
    out.empty = await fail(new Blob([]));
    out.columns = await fail(new Blob(['campaign_id,date,impressions,spend,conversions\nA,2025-01-01,1,1,1\n']));
    return out;
  }, smallCsv);

  const r = res.result;
  assert.deepEqual(res.json, r, 'plain JSON');
  assert.equal(r.ctr.length, 3, 'top: 3');
  assert.equal(r.cpa.length, 3);
  for (const k of ['campaignId', 'totalImpressions', 'totalClicks', 'totalSpend', 'totalConversions', 'ctr', 'cpa']) {
    assert.equal(typeof r.ctr[0][k], 'string', `row.${k}`);
  }
  for (const k of ['rowsRead', 'rowsAggregated', 'rowsSkipped', 'campaigns', 'bytes', 'headerLine']) {
    assert.equal(typeof r.summary[k], 'number', `summary.${k}`);
  }
  assert.equal(r.summary.campaigns, 12);
  assert.equal(r.timing.workers >= 1, true);
  assert.equal(res.default.ctr.length, 10, 'top defaults to 10');
  assert.equal(res.default.ctrCsv.split('\n').slice(0, 4).join('\n') + '\n', r.ctrCsv, 'top 3 = first rows of top 10');
  assert.ok(res.progress.length >= 2);
  // One progress shape for the page, the widget and the module API; `bytes` and `total` are the first API's names.
  assert.deepEqual(Object.keys(res.progress[0]).sort(), ['bytes', 'bytesDone', 'elapsedMs', 'phase', 'rows', 'total', 'totalBytes']);
  for (const p of res.progress) assert.deepEqual([p.bytes, p.total], [p.bytesDone, p.totalBytes]);
  assert.equal(res.progress.at(-1).bytes, smallCsv.length);
  assert.equal(res.progress.at(-1).total, smallCsv.length);

  assert.deepEqual(
    { name: res.abort.name, isDOMException: res.abort.isDOMException },
    { name: 'AbortError', isDOMException: true },
    `abort: ${JSON.stringify(res.abort)}`,
  );
  assert.ok(res.abort.seen > 0);
  assert.ok(res.stoppedEarly >= 1, `the workers stopped the aborted ranges early (${res.stoppedEarly})`);
  assert.equal(res.abortReason.name, 'AbortError', 'any abort reason rejects with AbortError');
  assert.equal(res.abortReason.isDOMException, true);
  assert.deepEqual(res.pre, { name: 'AbortError', isDOMException: true, workers: 0 }, 'already aborted: no worker started');
  assert.equal(res.notBlob.name, 'TypeError');
  assert.equal(res.notBlob.kind, 'input');
  assert.equal(res.badTop.name, 'RangeError');
  assert.equal(res.empty.kind, 'empty');
  assert.equal(res.columns.kind, 'columns');
  assert.match(res.columns.message, /clicks/);
  await noWorkersLeft(page);

  // The embed page's own-UI panel calls aggregateFile() with top 3.
  await page.setInputFiles('#api-file', files.a);
  await page.waitForFunction(() => /rows read/.test(document.getElementById('api-status').textContent), null, { timeout: 60_000 });
  const ids = await page.$$eval('#api-table tbody tr', (trs) => trs.map((tr) => tr.cells[0].textContent));
  const cliIds = csvRecords((await cli('a')).ctr).slice(1, 4).map((line) => line.split(',')[0]);
  assert.deepEqual(ids, cliIds, 'own UI shows the CLI top 3 by CTR');
  assert.deepEqual(page.pageErrors, []);
  await page.close();
});

test('loading adagg.js twice (and a second copy of the element module) does not throw and adds no global name', async () => {
  const page = await newPage({ record: false });
  await page.route(`${server.url}blank.html`, (route) =>
    route.fulfill({ contentType: 'text/html', body: `<!doctype html><meta http-equiv="Content-Security-Policy" content="${CSP}"><title>blank</title>` }),
  );
  await page.goto(`${server.url}blank.html`);
  const res = await page.evaluate(async () => {
    const before = new Set(Object.getOwnPropertyNames(globalThis));
    const one = await import('./www/adagg.js');
    const two = await import('./www/adagg.js');
    const copy = await import('./www/widget/ad-aggregator.js?copy=2'); // evaluates the element module again
    const entryCopy = await import('./www/adagg.js?copy=3');
    const added = Object.getOwnPropertyNames(globalThis).filter((n) => !before.has(n));
    const el = document.createElement('ad-aggregator');
    return {
      added,
      same: one === two,
      defined: customElements.get('ad-aggregator') === one.AdAggregator,
      copyIsOther: copy.AdAggregator !== one.AdAggregator,
      entryCopyDefined: entryCopy.AdAggregator === one.AdAggregator,
      upgraded: el instanceof one.AdAggregator,
      exports: Object.keys(one).sort(),
      shadow: el.shadowRoot?.mode,
    };
  });
  assert.deepEqual(res.added, [], 'no new global names');
  assert.equal(res.same, true);
  assert.equal(res.defined, true, 'the first definition stays');
  assert.equal(res.copyIsOther, true, 'the copy really was evaluated again');
  assert.equal(res.entryCopyDefined, true);
  assert.equal(res.upgraded, true);
  assert.deepEqual(res.exports, ['AdAggregator', 'PLATFORMS', 'aggregateClicks', 'aggregateFile', 'aggregateFiles', 'detectClickLog', 'detectPlatform', 'normalizeFile', 'openCampaignList', 'preload', 'releaseWorkers', 'workerStats']);
  assert.equal(res.shadow, 'open');
  assert.deepEqual(page.pageErrors, []);
  await page.close();
});

test("a portal's own UI: preload() starts the workers, and runs after it make no request", async () => {
  const page = await newPage();
  // A same-origin document with no widget in it.
  await page.goto(`${server.url}package.json`);
  await page.evaluate(async () => {
    const { preload, workerStats } = await import('/www/adagg.js');
    await preload({ workers: 2 });
    while (workerStats().idle < 2) await new Promise((r) => setTimeout(r, 20));
  });
  const mark = page.requests.length;
  const csv = (await readFile(files.small)).toString();
  const res = await page.evaluate(async (text) => {
    const { aggregateFile, workerStats } = await import('/www/adagg.js');
    const file = new File([text], 'small.csv');
    const one = await aggregateFile(file, { workers: 2 });
    const two = await aggregateFile(file, { workers: 2 });
    return { same: one.ctrCsv === two.ctrCsv, campaigns: one.summary.campaigns, stats: workerStats() };
  }, csv);
  assert.equal(res.same, true);
  assert.equal(res.campaigns, 12);
  assert.equal(res.stats.spawned, 2, `only the two workers preload() started: ${JSON.stringify(res.stats)}`);
  const later = page.requests.slice(mark).filter((u) => !/^(blob|data):/.test(u));
  assert.deepEqual(later, [], 'requests made by the runs');
  await page.evaluate(async () => (await import('/www/adagg.js')).releaseWorkers());
  await page.close();
});

test('served from a sub-path (/tools/adagg/): the embed page works and every request stays under the prefix', async () => {
  const sub = await startServer(WEB_ROOT, 0, { prefix: '/tools/adagg/' });
  try {
    assert.match(sub.url, /\/tools\/adagg\/$/);
    const page = await openEmbed(sub.url);
    await page.setInputFiles('#widget-b input[type=file]', files.a);
    await page.setInputFiles('#api-file', files.small);
    await waitOutcome(page, 'widget-b');
    const last = (await eventsOf(page, 'widget-b')).at(-1);
    assert.equal(last.type, 'adagg-done', JSON.stringify(last.detail).slice(0, 300));
    assert.equal(last.detail.ctrCsv, topRows((await cli('a')).ctr, 5));
    await page.waitForFunction(() => /rows read/.test(document.getElementById('api-status').textContent));
    const outside = page.requests.filter((u) => !/^(blob|data):/.test(u) && !u.startsWith(sub.url));
    assert.deepEqual(outside, [], 'requests outside /tools/adagg/');
    assert.ok(page.requests.some((u) => u === `${sub.url}www/core/worker.js`), 'the worker came from the sub-path');
    assert.deepEqual(page.pageErrors, []);
    await page.close();
  } finally {
    await sub.close();
  }
});

test('inside a cross-origin iframe: the widget and aggregateFile work', async () => {
  const portalRoot = join(dir, 'portal-root');
  await mkdir(portalRoot, { recursive: true });
  const portal = await startServer(portalRoot, 0); // another port: another origin
  try {
    const src = `${server.url}www/embed.html`;
    await writeFile(
      join(portalRoot, 'index.html'),
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Portal</title></head><body>
<h1>Portal</h1><iframe src="${src}" title="adagg" width="1200" height="1400"></iframe></body></html>`,
    );
    const page = await newPage();
    await page.goto(portal.url);
    const frame = page.frame({ url: src });
    assert.ok(frame, 'the iframe loaded');
    assert.notEqual(new URL(portal.url).origin, new URL(src).origin);
    await frame.waitForFunction(() => customElements.get('ad-aggregator'));
    const widget = page.frameLocator('iframe').locator('#widget-a');
    await widget.locator('input[type=file]').setInputFiles(files.b);
    await waitOutcome(frame, 'widget-a');
    const last = (await eventsOf(frame, 'widget-a')).at(-1);
    assert.equal(last.type, 'adagg-done', JSON.stringify(last.detail).slice(0, 300));
    const cliB = await cli('b');
    assert.equal(last.detail.ctrCsv, cliB.ctr);
    assert.equal(last.detail.cpaCsv, cliB.cpa);
    assert.equal(await widget.locator('.results').isVisible(), true);
    const direct = await frame.evaluate(async () => {
      const { aggregateFile } = await import('./adagg.js');
      const r = await aggregateFile(new Blob(['campaign_id,date,impressions,clicks,spend,conversions\nX,2025-01-01,100,5,2.50,1\n']));
      return r.ctr.map((row) => [row.campaignId, row.ctr, row.cpa]);
    });
    assert.deepEqual(direct, [['X', '0.0500', '2.50']]);
    assert.deepEqual(page.pageErrors, []);
    await page.close();
  } finally {
    await portal.close();
  }
});

test('user data is rendered as text only (XSS), and CSS leaks neither into nor out of the widget', async () => {
  const page = await newPage();
  // A page without any CSP, so that injected markup would run if it were parsed.
  await page.route(`${server.url}xss-test.html`, (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>xss</title>
<style>
  body { color: rgb(255, 0, 0); font-family: serif; letter-spacing: 7px; text-transform: uppercase; line-height: 5; }
  * { text-shadow: 1px 1px red; }
  td, th { display: none !important; }
  table { border: 9px solid red; }
  .card, .button, .stat, .results { background: rgb(0, 255, 0) !important; }
  #themed { --adagg-accent: rgb(1, 2, 3); --adagg-radius: 3px; }
</style>
<script type="module" src="/www/adagg.js"></script></head><body>
<div class="card" id="outside-card">outside card</div>
<a class="button" id="outside-button" href="#">outside button</a>
<table id="outside-table"><tr><td id="outside-td">cell</td></tr></table>
<ad-aggregator id="w"></ad-aggregator>
<ad-aggregator id="themed"></ad-aggregator>
</body></html>`,
    }),
  );
  await page.goto(`${server.url}xss-test.html`);
  await page.waitForFunction(() => customElements.get('ad-aggregator'));
  const hostile = [
    '<img src=x onerror=alert(1)>',
    '<script>alert(2)</script>',
    '<svg onload=window.__pwned=3>',
    '</td><td><b>bold</b>',
    '"><iframe src=javascript:alert(5)>',
  ];
  const q = (s) => `"${s.replaceAll('"', '""')}"`;
  const rows = ['campaign_id,date,impressions,clicks,spend,conversions'];
  hostile.forEach((id, i) => rows.push(`${q(id)},2025-01-01,${1000 + i},${50 + i * 10},${10 + i}.00,${1 + i}`));
  rows.push(`CMP1,2025-01-01,100,<b>bad</b>,1.00,1`);
  // Data-quality warnings quote the campaign id and the date as text too.
  rows.push(`${q(hostile[0])},<img src=y onerror=alert(7)>,1,2,1.00,1`);
  const name = '<img src=x onerror=alert(4)>.csv';
  await page.setInputFiles('#w input[type=file]', { name, mimeType: 'text/csv', buffer: Buffer.from(rows.join('\n') + '\n') });
  await waitOutcome(page, 'w');
  const done = (await eventsOf(page, 'w')).at(-1);
  assert.equal(done.type, 'adagg-done', JSON.stringify(done.detail));
  const shown = (await shownTable(page, 'w', 'ctr')).map((cells) => cells[1]);
  assert.deepEqual(new Set(shown), new Set(hostile), 'campaign ids shown literally');
  assert.equal(await page.locator('#w .results-title .file-name').textContent(), name);
  const skippedText = await page.locator('#w .skipped-list').first().textContent();
  assert.ok(skippedText.length > 0);
  const warned = await page.locator('#w .quality .skipped-list li').allTextContents();
  assert.ok(warned.includes('line 8: <img src=x onerror=alert(1)>: clicks 2 > impressions 1'), JSON.stringify(warned));
  assert.ok(warned.includes('line 8: <img src=x onerror=alert(1)>: date "<img src=y onerror=alert(7)>" is not a date'), JSON.stringify(warned));

  // A header that needs mapping, with hostile column names: the error and the form show them as text.
  const header = 'campaign_id,date,impressions,<img src=x onerror=alert(6)>,spend,conversions';
  await page.setInputFiles('#w input[type=file]', { name: 'cols.csv', mimeType: 'text/csv', buffer: Buffer.from(`${header}\nA,2025-01-01,1,1,1,1\n`) });
  await waitOutcome(page, 'w', 2);
  const err = (await eventsOf(page, 'w')).at(-1);
  assert.equal(err.type, 'adagg-error');
  assert.equal(err.detail.kind, 'columns');
  assert.ok(err.detail.columns.includes('<img src=x onerror=alert(6)>'));
  assert.deepEqual(err.detail.fields, ['campaign_id', 'impressions', 'clicks', 'spend', 'conversions']);
  const options = await page.locator('#w select[name=clicks] option').allTextContents();
  assert.ok(options.includes('<img src=x onerror=alert(6)>'), `mapping options: ${options}`);
  // Choosing that column in the form runs the file.
  await page.selectOption('#w select[name=clicks]', '<img src=x onerror=alert(6)>');
  await page.click('#w button:has-text("Run with these columns")');
  await waitOutcome(page, 'w', 3);
  assert.equal((await eventsOf(page, 'w')).at(-1).type, 'adagg-done');

  const injected = await page.evaluate(() => ({
    elements: [...document.querySelectorAll('ad-aggregator')].flatMap((w) =>
      [...w.shadowRoot.querySelectorAll('img, script, svg, iframe, b')].map((e) => e.localName),
    ),
    pwned: window.__pwned ?? null,
  }));
  assert.deepEqual(injected, { elements: [], pwned: null }, 'no markup from the data was parsed');
  assert.deepEqual(page.dialogs, [], 'no alert ran');

  // CSS: the page's rules do not reach in...
  const inside = await page.evaluate(() => {
    const root = document.getElementById('w').shadowRoot;
    const cs = (el) => getComputedStyle(el);
    const td = root.querySelector('tbody td');
    const p = root.querySelector('.tagline');
    return {
      tdDisplay: cs(td).display,
      pColor: cs(p).color,
      pLetterSpacing: cs(p).letterSpacing,
      pTransform: cs(p).textTransform,
      pShadow: cs(p).textShadow,
      pFont: cs(p).fontFamily,
      tableBorder: cs(root.querySelector('table')).borderTopWidth,
      buttonBg: cs(root.querySelector('a.button')).backgroundColor,
      // The themed widget has not run: its ranking panels (and their download buttons) do not exist yet.
      themedButtonBg: cs(document.getElementById('themed').shadowRoot.querySelector('.button:not(.secondary)')).backgroundColor,
      themedRadius: cs(document.getElementById('themed').shadowRoot.querySelector('.root')).borderTopLeftRadius,
    };
  });
  assert.equal(inside.tdDisplay, 'table-cell');
  assert.notEqual(inside.pColor, 'rgb(255, 0, 0)');
  assert.equal(inside.pLetterSpacing, 'normal');
  assert.equal(inside.pTransform, 'none');
  assert.equal(inside.pShadow, 'none');
  assert.notEqual(inside.pFont, 'serif');
  assert.equal(inside.tableBorder, '0px');
  assert.equal(inside.buttonBg, 'rgb(36, 87, 214)', 'default accent');
  assert.equal(inside.themedButtonBg, 'rgb(1, 2, 3)', '--adagg-accent themes the widget');
  assert.equal(inside.themedRadius, '3px', '--adagg-radius');
  // ... and the widget's rules do not reach out.
  const outside = await page.evaluate(() => {
    const cs = (id) => getComputedStyle(document.getElementById(id));
    return {
      cardRadius: cs('outside-card').borderTopLeftRadius,
      cardPadding: cs('outside-card').paddingTop,
      buttonPadding: cs('outside-button').paddingTop,
      buttonDisplay: cs('outside-button').display,
      tdDisplay: cs('outside-td').display,
    };
  });
  assert.deepEqual(outside, { cardRadius: '0px', cardPadding: '0px', buttonPadding: '0px', buttonDisplay: 'inline', tdDisplay: 'none' });
  assert.deepEqual(page.pageErrors, []);
  await page.close();
});

test('keyboard and screen readers: labels, focus order, live region, Escape cancels, focus lands on the results', async () => {
  const big = join(dir, 'kbd.csv');
  await writeLargeCsv(big, CANCEL_MB << 20, 9);
  const page = await openEmbed();
  const a = page.locator('#widget-a');
  // Accessible names.
  await a.getByLabel(/Choose a CSV file or drop it here/).waitFor({ state: 'attached' });
  assert.equal(await a.getByRole('heading', { name: 'Search campaigns' }).count(), 1);
  assert.equal(await a.getByRole('status').count(), 1, 'one live region');
  assert.equal(await a.locator('[role=status]').getAttribute('aria-live'), 'polite');
  assert.equal(await page.getByRole('region', { name: 'Search campaigns' }).count(), 1, 'the widget is a labelled region');

  // Focus order: the portal's nav links, then widget A's file input, then widget B's.
  const focused = () =>
    page.evaluate(() => {
      const host = document.activeElement;
      const inner = host?.shadowRoot?.activeElement;
      return inner ? `${host.id}:${inner.localName}${inner.type ? `[${inner.type}]` : ''}` : `${host?.localName}#${host?.id ?? ''}`;
    });
  await page.locator('body').focus();
  const stops = [];
  for (let i = 0; i < 6; i++) {
    await page.keyboard.press('Tab');
    stops.push(await focused());
  }
  const ia = stops.indexOf('widget-a:input[file]');
  const ib = stops.indexOf('widget-b:input[file]');
  assert.ok(ia >= 0 && ib === ia + 1, `tab stops: ${stops}`);

  // A run started from the focused input moves focus to Cancel; Escape cancels
  // and returns focus to the input.
  await page.evaluate(() => document.getElementById('widget-a').shadowRoot.querySelector('input[type=file]').focus());
  await a.locator('input[type=file]').setInputFiles(big);
  await page.waitForFunction(() => document.getElementById('widget-a').shadowRoot.activeElement?.textContent === 'Cancel');
  assert.equal(await a.getByRole('progressbar', { name: /Processing kbd\.csv/ }).count(), 1, 'labelled progress bar');
  assert.match(await a.getByRole('status').textContent(), /Processing kbd\.csv|% read/);
  await page.keyboard.press('Escape');
  await waitOutcome(page, 'widget-a');
  assert.equal((await eventsOf(page, 'widget-a')).at(-1).detail.kind, 'abort');
  assert.equal(await focused(), 'widget-a:input[file]');
  assert.equal(await a.getByRole('status').textContent(), 'Cancelled.');

  // A finished run moves focus to the results heading and announces the outcome.
  await a.locator('input[type=file]').setInputFiles(files.small);
  await waitOutcome(page, 'widget-a', 2);
  assert.equal(await focused(), 'widget-a:h3');
  assert.match(await a.getByRole('status').textContent(), /^Done: [\d,]+ rows read, 12 campaigns/);
  assert.equal(await a.getByRole('region', { name: /Top 10 campaigns by CTR/ }).count(), 1, 'scrollable table region is labelled');
  assert.deepEqual(page.pageErrors, []);
  await page.close();
  await rm(big, { force: true });
});

test('worker-url and wasm-url: files hosted elsewhere; a wrong wasm-url reports kind "load"', async (t) => {
  const root = join(dir, 'elsewhere');
  const www = join(WEB_ROOT, 'www');
  // /app/: the element and module only (no worker, no pkg/ next to them).
  const appFiles = ['adagg.js', 'ad-aggregator.js', 'aggregate.js', 'core/errors.js', 'core/list.js', 'core/module.js', 'core/normalize.js', 'core/pool.js', 'core/rpc.js', 'core/run.js', 'core/spawn.js', 'core/daily-module.js', 'core/clicks.js', 'core/clicks-worker.js', 'core/magic.js', 'core/unpack.js', 'core/unpacker.js', 'core/unpack-worker.js'];
  for (const d of ['ui', 'widget']) for (const f of await readdir(join(www, d))) appFiles.push(`${d}/${f}`);
  for (const f of appFiles) {
    await mkdir(dirname(join(root, 'app', f)), { recursive: true });
    await cp(join(www, f), join(root, 'app', f));
  }
  // /static/worker/: the worker with its wasm-bindgen glue, in their layout; /static/wasm/: the wasm, both forms.
  await mkdir(join(root, 'static', 'worker', 'core'), { recursive: true });
  await mkdir(join(root, 'static', 'worker', 'pkg'), { recursive: true });
  await mkdir(join(root, 'static', 'wasm'), { recursive: true });
  await cp(join(www, 'core', 'worker.js'), join(root, 'static', 'worker', 'core', 'worker.js'));
  await cp(join(www, 'core', 'rejected.js'), join(root, 'static', 'worker', 'core', 'rejected.js'));
  await cp(join(www, 'core', 'daily-module.js'), join(root, 'static', 'worker', 'core', 'daily-module.js'));
  await cp(join(www, 'core', 'stream.js'), join(root, 'static', 'worker', 'core', 'stream.js'));
  await cp(join(www, 'pkg', 'adagg.js'), join(root, 'static', 'worker', 'pkg', 'adagg.js'));
  await cp(join(www, 'pkg', 'adagg_wasm.js'), join(root, 'static', 'wasm', 'adagg_wasm.js'));
  await cp(join(www, 'pkg', 'adagg_bg.wasm'), join(root, 'static', 'wasm', 'adagg_bg.wasm'));
  // The .wasm form is fetched, so that page's CSP allows connect-src 'self'.
  const csp = CSP.replace("connect-src 'none'", "connect-src 'self'");
  await writeFile(
    join(root, 'app', 'page.html'),
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${csp}">
<title>elsewhere</title><script type="module" src="adagg.js"></script></head><body>
<ad-aggregator id="js" worker-url="../static/worker/core/worker.js" wasm-url="/static/wasm/adagg_wasm.js"></ad-aggregator>
<ad-aggregator id="bin" worker-url="/static/worker/core/worker.js" wasm-url="../static/wasm/adagg_bg.wasm"></ad-aggregator>
<ad-aggregator id="wrong" wasm-url="/static/wasm/missing_wasm.js"></ad-aggregator>
<ad-aggregator id="noworker" worker-url="/static/worker/core/missing_worker.js" wasm-url="/static/wasm/adagg_wasm.js"></ad-aggregator>
</body></html>`,
  );
  const host = await startServer(root, 0);
  try {
    const page = await newPage();
    await page.goto(`${host.url}app/page.html`);
    await page.waitForFunction(() => customElements.get('ad-aggregator'));

    await page.setInputFiles('#wrong input[type=file]', files.small);
    await waitOutcome(page, 'wrong');
    const wrong = (await eventsOf(page, 'wrong')).at(-1);
    assert.equal(wrong.type, 'adagg-error');
    assert.equal(wrong.detail.kind, 'load');
    assert.match(wrong.detail.message, /missing_wasm\.js.*HTTP 404/);
    assert.match(await page.locator('#wrong [role=alert]').textContent(), /missing_wasm\.js/);
    // A load failure comes before any file: its heading does not speak of one.
    assert.equal(await page.locator('#wrong [role=alert] .alert-title').textContent(), 'adagg could not start');
    // A worker script that is not there: its URL and the server's answer.
    await page.setInputFiles('#noworker input[type=file]', files.small);
    await waitOutcome(page, 'noworker');
    const noWorker = (await eventsOf(page, 'noworker')).at(-1);
    assert.equal(noWorker.type, 'adagg-error');
    assert.equal(noWorker.detail.kind, 'load');
    assert.match(noWorker.detail.message, /missing_worker\.js \(HTTP 404/);
    assert.equal(await page.locator('#noworker [role=alert] .alert-title').textContent(), 'adagg could not start');

    await page.setInputFiles('#js input[type=file]', files.b);
    await page.setInputFiles('#bin input[type=file]', files.b);
    await Promise.all([waitOutcome(page, 'js'), waitOutcome(page, 'bin')]);
    const cliB = await cli('b');
    for (const id of ['js', 'bin']) {
      const last = (await eventsOf(page, id)).at(-1);
      assert.equal(last.type, 'adagg-done', `${id}: ${JSON.stringify(last.detail).slice(0, 300)}`);
      assert.equal(last.detail.ctrCsv, cliB.ctr, `${id}: = CLI`);
    }
    const paths = page.requests.filter((u) => u.startsWith(host.url)).map((u) => new URL(u).pathname);
    assert.ok(paths.includes('/static/worker/core/worker.js'));
    assert.ok(paths.includes('/static/wasm/adagg_wasm.js'));
    assert.ok(paths.includes('/static/wasm/adagg_bg.wasm'));
    assert.deepEqual(paths.filter((p) => p.startsWith('/app/') && p !== '/app/page.html' && !appFiles.includes(p.slice('/app/'.length))), []);
    assert.deepEqual(page.pageErrors, []);
    await page.close();
  } finally {
    await host.close();
  }
});

test('npm package: `npm pack` lists the runtime files only, and they alone serve the widget from a sub-path', async () => {
  const { stdout } = await execFileP('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO, maxBuffer: 16 << 20 });
  const packed = JSON.parse(stdout)[0].files.map((f) => f.path).sort();
  const hint = (await stat(join(REPO, 'www', 'pkg', '.gitignore')).catch(() => null))
    ? ' (www/pkg/.gitignore, written by wasm-pack, hides www/pkg from npm pack: scripts/build-web.sh must delete it)'
    : '';
  for (const f of [
    'package.json',
    'www/adagg.js',
    'www/ad-aggregator.js',
    'www/aggregate.js',
    'www/worker.js',
    'www/core/module.js',
    'www/core/pool.js',
    'www/core/rpc.js',
    'www/core/run.js',
    'www/core/worker.js',
    'www/core/rejected.js',
    'www/ui/ranking-table.js',
    'www/ui/mapping-form.js',
    'www/widget/ad-aggregator.js',
    'www/widget/styles.js',
    'www/pkg/adagg.js',
    'www/pkg/adagg_wasm.js',
    'www/adagg.d.ts',
    'www/core/spawn.js',
    'www/react.js',
    'www/react.d.ts',
    'CHANGELOG.md',
    'www/core/daily-module.js',
    'www/ui/time-view.js',
    'www/pkg-daily/adagg.js',
    'www/pkg-daily/adagg_wasm.js',
    'www/pkg-clicks/adagg.js',
    'www/pkg-clicks/adagg_wasm.js',
    'www/core/clicks.js',
    'www/core/clicks-worker.js',
    'www/pkg-unpack/adagg.js',
    'www/pkg-unpack/adagg_wasm.js',
    'www/core/magic.js',
    'www/core/unpack.js',
    'www/core/unpacker.js',
    'www/core/unpack-worker.js',
    'www/core/stream.js',
    'www/ui/clicks-view.js',
    'www/vendor/uPlot.esm.js',
    'www/vendor/uPlot.css.js',
    'www/vendor/uPlot.LICENSE',
  ]) {
    assert.ok(packed.includes(f), `${f} is not packed${hint}; packed: ${packed}`);
  }
  // No copies: wasm-pack's README and package.json inside www/pkg, its .d.ts files.
  assert.deepEqual(packed.filter((f) => f.startsWith('www/pkg/')).sort(), ['www/pkg/adagg.js', 'www/pkg/adagg_bg.wasm', 'www/pkg/adagg_wasm.js']);
  assert.deepEqual(packed.filter((f) => f.startsWith('www/pkg-daily/')).sort(), ['www/pkg-daily/adagg.js', 'www/pkg-daily/adagg_bg.wasm', 'www/pkg-daily/adagg_wasm.js']);
  assert.deepEqual(packed.filter((f) => f.startsWith('www/pkg-clicks/')).sort(), ['www/pkg-clicks/adagg.js', 'www/pkg-clicks/adagg_bg.wasm', 'www/pkg-clicks/adagg_wasm.js']);
  assert.deepEqual(packed.filter((f) => f.startsWith('www/pkg-unpack/')).sort(), ['www/pkg-unpack/adagg.js', 'www/pkg-unpack/adagg_bg.wasm', 'www/pkg-unpack/adagg_wasm.js']);
  // The glue names no wasm file for bundlers to copy: the module is compiled by core/module.js.
  assert.doesNotMatch(await readFile(join(REPO, 'www', 'pkg', 'adagg.js'), 'utf8'), /new URL\('adagg_bg\.wasm'/);
  for (const f of packed) assert.doesNotMatch(f, /^(tests|src|bench|bench-data|fuzz|scripts|target|node_modules|\.ci)\//, `${f} is packed`);
  const pkg = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8'));
  assert.ok(packed.includes(pkg.types) || packed.includes(pkg.types.replace(/^\.\//, '')), 'types field points at a packed file');

  // Only the packed files, under /tools/adagg/vendor/adagg-web/, used by a page elsewhere.
  const root = join(dir, 'packed');
  for (const f of packed) {
    await mkdir(dirname(join(root, 'vendor', 'adagg-web', f)), { recursive: true });
    await cp(join(REPO, f), join(root, 'vendor', 'adagg-web', f));
  }
  await mkdir(join(root, 'reports'), { recursive: true });
  await writeFile(
    join(root, 'reports', 'index.html'),
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${CSP}">
<title>reports</title><script type="module" src="../vendor/adagg-web/www/adagg.js"></script></head>
<body><ad-aggregator id="w" top="3"></ad-aggregator><ad-aggregator id="d" top="3" over-time></ad-aggregator></body></html>`,
  );
  const host = await startServer(root, 0, { prefix: '/tools/adagg/' });
  try {
    const page = await newPage();
    await page.goto(`${host.url}reports/`);
    await page.setInputFiles('#w input[type=file]', files.a);
    await waitOutcome(page, 'w');
    const last = (await eventsOf(page, 'w')).at(-1);
    assert.equal(last.type, 'adagg-done', JSON.stringify(last.detail).slice(0, 300));
    assert.equal(last.detail.ctrCsv, topRows((await cli('a')).ctr, 3));
    // over-time: the daily module, the chart code and uPlot, from the packed files only.
    await page.setInputFiles('#d input[type=file]', files.small);
    await waitOutcome(page, 'd');
    const daily = (await eventsOf(page, 'd')).at(-1);
    assert.equal(daily.type, 'adagg-done', JSON.stringify(daily.detail).slice(0, 300));
    assert.ok(daily.detail.daily?.days > 0, 'a daily series');
    await page.waitForFunction(() => document.getElementById('d').shadowRoot.querySelector('#chart canvas'));
    assert.deepEqual(page.pageErrors, []);
    await page.close();
  } finally {
    await host.close();
  }
});

test('widget attributes rank, min-* and all-campaigns: the KPI rankings and all_campaigns.csv equal the CLI\'s', async () => {
  const csv = [
    'campaign_id,date,impressions,clicks,spend,conversions,revenue',
    'A1,2025-01-01,1000,50,25.00,5,100.00',
    'A1,2025-01-02,500,20,5.50,1,20.25',
    'B2,2025-01-01,4000,40,10.00,0,0',
    'C3,2025-01-02,10,1,1.00,1,9.00',
    'D4,2025-01-03,3000,90,30.00,2,30.00',
    '"=E5",2025-01-03,3000,90,15.00,3,45.00',
  ].join('\n') + '\n';
  const file = join(dir, 'widget-kpi.csv');
  await writeFile(file, csv);
  const page = await openEmbed();
  await page.locator('#widget-a').evaluate((el) => {
    el.setAttribute('rank', 'roas cpc:desc');
    el.setAttribute('min-conversions', '1');
    el.setAttribute('min-spend', '2');
    el.toggleAttribute('all-campaigns', true);
  });
  await page.setInputFiles('#widget-a input[type=file]', file);
  await waitOutcome(page, 'widget-a');
  const last = (await eventsOf(page, 'widget-a')).at(-1);
  assert.equal(last.type, 'adagg-done', JSON.stringify(last.detail).slice(0, 300));
  const want = await cliOutput(file, join(dir, 'cli-widget-kpi'), ['--rank', 'roas', '--rank', 'cpc:desc', '--min-conversions', '1', '--min-spend', '2', '--all']);
  assert.deepEqual(last.detail.rankings.map((r) => r.fileName), ['top10_roas.csv', 'top10_cpc.csv']);
  assert.equal(last.detail.rankings[0].csv, want.files['top10_roas.csv'].toString());
  assert.equal(last.detail.rankings[1].csv, want.files['top10_cpc.csv'].toString());
  assert.deepEqual(last.detail.rankings.map((r) => r.removed), [2, 2], 'B2 (no conversions) and C3 (spend 1) removed');
  for (const name of ['top10_roas.csv', 'all_campaigns.csv']) {
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click(`#widget-a >> a:has-text("${name}")`)]);
    assert.equal(dl.suggestedFilename(), name);
    assert.equal((await readFile(await dl.path())).toString(), want.files[name].toString(), `downloaded ${name} = CLI`);
  }
  // The panel says which guardrails are in force.
  assert.match(await page.locator('#widget-a').evaluate((el) => el.shadowRoot.textContent), /Guardrails: spend ≥ 2, conversions ≥ 1; 2 campaigns removed, 3 eligible\./);
  await page.close();
});

test('widget attribute over-time: a generated year with incidents; the chart and the flagged days in the shadow root, the files equal the CLI\'s, the theme colours the lines', async () => {
  const file = join(dir, 'widget-incidents.csv');
  const { stderr } = await execFileP(join(REPO, 'target', 'release', 'gen'), ['--rows', '200000', '--campaigns', '8', '--seed', '5', '--incidents', '3', '--quiet', '--output', file]);
  const incidents = stderr.trim().split('\n').filter((l) => l.startsWith('incident: ')).map((l) => l.split(' ').slice(1));
  assert.equal(incidents.length, 3);
  const page = await openEmbed();
  await page.locator('#widget-a').evaluate((el) => {
    el.toggleAttribute('over-time', true);
    el.style.setProperty('--adagg-accent', 'rgb(200, 30, 120)');
  });
  await page.setInputFiles('#widget-a input[type=file]', file);
  await waitOutcome(page, 'widget-a');
  const last = (await eventsOf(page, 'widget-a')).at(-1);
  assert.equal(last.type, 'adagg-done', JSON.stringify(last.detail).slice(0, 300));
  await page.waitForFunction(() => document.getElementById('widget-a').shadowRoot.querySelector('#chart')?.dataset.drawn);
  const want = await cliOutput(file, join(dir, 'cli-widget-time'), ['--daily', '--anomalies']);
  for (const name of ['daily.csv', 'rolling_7d.csv', 'anomalies.csv']) {
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click(`#widget-a >> a:has-text("${name}")`)]);
    assert.equal(dl.suggestedFilename(), name);
    assert.equal((await readFile(await dl.path())).toString(), want.files[name].toString(), `widget ${name} = CLI`);
  }
  const flagged = want.files['anomalies.csv'].toString();
  for (const [id, date] of incidents) assert.ok(flagged.includes(`\n${id},${date},spend,`), `${id} ${date} flagged`);
  const shown = await page.locator('#widget-a').evaluate((el) => [...el.shadowRoot.querySelectorAll('#anomaly-table tbody tr')].map((tr) => [...tr.cells].map((c) => c.textContent).join(',')));
  assert.deepEqual(shown, flagged.trim().split('\n').slice(1, 501), 'the flagged-days table = anomalies.csv');
  // Canvases in the shadow root (the daily line and the ranking's bars), drawn in the theme's accent.
  const canvases = await page.locator('#widget-a').evaluate((el) => el.shadowRoot.querySelectorAll('#chart canvas, #ranking-chart canvas').length);
  assert.equal(canvases, 2, 'the daily chart and the ranking bars');
  const accentPixels = await page.locator('#widget-a').evaluate((el) => {
    const c = el.shadowRoot.querySelector('#ranking-chart canvas');
    const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
    let n = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i] === 200 && data[i + 1] === 30 && data[i + 2] === 120) n++;
    return n;
  });
  assert.ok(accentPixels > 100, `the bars use --adagg-accent (${accentPixels} pixels)`);
  await page.locator('#widget-a').screenshot({ path: join(REPO, 'test-results', 'widget-over-time.png') });
  await page.close();
});

test('aggregateFile() daily cell limit: the browser default is stated (2,000,000); past a smaller dailyLimit the series are the top campaigns by spend, read again, equal to the CLI\'s --daily-limit', async () => {
  const file = join(dir, 'daily-limit.csv');
  await execFileP(join(REPO, 'target', 'release', 'gen'), ['--rows', '40000', '--campaigns', '12', '--seed', '7', '--quiet', '--output', file]);
  const csv = (await readFile(file)).toString();
  const page = await openEmbed();
  const got = await page.evaluate(async (csv) => {
    const { aggregateFile } = await import('./adagg.js');
    const file = new File([csv], 'daily-limit.csv', { type: 'text/csv' });
    const text = async (blob) => (blob ? await blob.text() : null);
    const all = await aggregateFile(file, { daily: true, workers: 2 });
    // 1,000 cells: fewer than one range holds, so each range drops its
    // cells and the file is read again for the top campaigns.
    const capped = await aggregateFile(file, { daily: true, dailyLimit: 1000, workers: 2 });
    let bad = null;
    try {
      await aggregateFile(file, { daily: true, dailyLimit: 0 });
    } catch (e) {
      bad = { kind: e.kind, message: e.message };
    }
    const pick = (r) => ({ limit: r.daily.limit, days: r.daily.days, campaigns: r.daily.campaigns, leftOutOf: r.daily.leftOutOf, readAgainFor: r.daily.readAgainFor });
    return { all: pick(all), capped: pick(capped), cappedCsv: await text(capped.dailyCsv), bad };
  }, csv);
  assert.equal(got.all.limit, 2_000_000, 'the browser default, from the core');
  assert.equal(got.all.leftOutOf, null, 'nothing left out under the default');
  assert.equal(got.all.readAgainFor, null);
  assert.equal(got.all.campaigns, 12);
  assert.equal(got.capped.limit, 1000);
  assert.ok(got.capped.days <= 1000 && got.capped.days > 0, JSON.stringify(got.capped));
  assert.ok(got.capped.readAgainFor?.length >= got.capped.campaigns && got.capped.campaigns > 0 && got.capped.campaigns < 12, JSON.stringify(got.capped));
  const want = await cliOutput(file, join(dir, 'cli-daily-limit'), ['--daily', '--daily-limit', '1000']);
  assert.equal(got.cappedCsv, want.files['daily.csv'].toString(), 'the same top campaigns as the CLI');
  assert.equal(got.bad?.kind, 'input');
  assert.match(got.bad?.message ?? '', /dailyLimit must be a whole number/);
  assert.deepEqual(page.pageErrors, []);
  await page.close();
});
