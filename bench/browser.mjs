// Browser measurements in headless Chromium (Debian's, via playwright-core):
// the File-API read floor, adagg's own aggregateFile (www/aggregate.js) and
// DuckDB-WASM, all on bench/page.html served by scripts/serve.mjs. Each run
// gives the page a file with setInputFiles(path); the page times from the
// input's change event to the result. Chromium's RSS is sampled from /proc
// meanwhile (bench/rss.mjs). Runs are interleaved like the native ones.
// adagg in Firefox ESR and WebKitGTK (bench/engines.mjs) runs in the same
// rounds, with each engine's default worker count.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../scripts/serve.mjs';
import { CHROMIUM as E2E_CHROMIUM, CHROMIUM_ARGS } from '../tests/e2e/helpers.mjs';
import { openEngine } from './engines.mjs';
import { sameTop } from './native.mjs';
import { chromiumTree, rssNow, startSampling } from './rss.mjs';
import { log, median, warm } from './util.mjs';

const REPO = fileURLToPath(new URL('..', import.meta.url));
// Chromium and its flags exactly as the e2e tests launch it.
const CHROMIUM = E2E_CHROMIUM;
const ARGS = CHROMIUM_ARGS;

async function openPage() {
  const server = await startServer(REPO, 0);
  const profile = await mkdtemp(join(tmpdir(), 'adagg-bench-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS });
  const close = async () => {
    await context.close().catch(() => {});
    await server.close();
    await rm(profile, { recursive: true, force: true });
  };
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (err) => log(`page error: ${err.message}`));
    page.on('console', (msg) => msg.type() === 'error' && log(`page console: ${msg.text()}`));
    await page.goto(`${server.url}bench/page.html`);
    const cores = await page.evaluate(() => globalThis.bench.ready);
    const userAgent = await page.evaluate(() => navigator.userAgent);
    const chromiumVersion = /Chrome\/([\d.]+)/.exec(userAgent)?.[1] ?? userAgent;
    return { page, profile, cores, chromiumVersion, url: server.url, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** One timed run of a case: arm the job, choose the file, await the result. */
async function runOnce({ page, profile }, c) {
  if (c.session) return c.session.run(c); // Firefox or WebKit (bench/engines.mjs)
  await page.evaluate(([job, opts]) => globalThis.bench.arm(job, opts), [c.job, c.opts]);
  const sampler = startSampling(profile);
  try {
    await page.setInputFiles('#file', c.file.path);
    const value = await page.evaluate(() => globalThis.bench.done);
    return { ...value, rss: sampler.stop() };
  } catch (err) {
    sampler.stop();
    throw err;
  }
}

/**
 * files: [{key, label, path, bytes}] (files[0] is the 50-campaign file);
 * big: the 4 GB file or null; duckdb: run DuckDB-WASM; reference: the CLI's
 * CSVs by file key; engines: the other engines to run adagg in, on files[0]
 * with their default worker count. Returns {rows, cores, chromiumVersion,
 * engines: {name: version}, idle}.
 */
export async function browserBench({ files, big, kpi = null, runs, duckdb, reference, engines = ['firefox', 'webkit'] }) {
  const b = await openPage();
  const sessions = [];
  try {
    for (const name of engines) {
      log(`starting ${name}`);
      sessions.push(await openEngine(name, b.url));
    }
    const n = b.cores;
    const counts = [...new Set([1, n])];
    const base = files[0];
    const cases = [];
    for (const readers of counts) {
      for (const method of ['byob', 'arrayBuffer', 'FileReaderSync', 'stream']) {
        const name = `read floor: ${method}, ${readers} reader${readers > 1 ? 's' : ''}`;
        cases.push({ id: `browser.floor.${method}.r${readers}`, kind: 'floor', name, readers, method, file: base, job: 'floor', opts: { readers, method } });
      }
    }
    if (big) {
      // The floor on the 4 GB file too: does the browser's own peak grow with the file?
      // (with the method adagg reads with: an earlier read_slices in src/wasm)
      const name = `read floor: byob, ${n} reader${n > 1 ? 's' : ''}`;
      cases.push({ id: `browser.floor.byob.r${n}.${big.key}`, kind: 'floor', name, readers: n, method: 'byob', file: big, job: 'floor', opts: { readers: n, method: 'byob' } });
    }
    for (const f of big ? [...files, big] : files) {
      for (const workers of f === big ? [n] : counts) {
        const name = `adagg, ${workers} worker${workers > 1 ? 's' : ''}`;
        cases.push({ id: `browser.adagg.w${workers}.${f.key}`, kind: 'adagg', name, workers, file: f, job: 'adagg', opts: { workers } });
      }
    }
    if (kpi) {
      // Every KPI ranked and all_campaigns.csv (issue 15), the page's default workers.
      const opts = { workers: n, rank: ['ctr', 'cpc', 'cpm', 'cvr', 'cpa', 'roas'], allCampaigns: true };
      cases.push({ id: `browser.kpi.w${n}.${kpi.key}`, kind: 'kpi', name: `adagg, ${n} workers, 6 KPIs + all campaigns`, workers: n, file: kpi, job: 'adagg', opts });
    }
    // The daily series, both windows and anomalies (issue 16), on the daily module; the chart timed after.
    cases.push({ id: `browser.daily.w${n}.${base.key}`, kind: 'daily', name: `adagg, ${n} workers, daily series + windows + anomalies`, workers: n, file: base, job: 'adagg', opts: { workers: n, daily: true } });
    if (duckdb) cases.push({ id: `browser.duckdb.${base.key}`, kind: 'duckdb', name: 'DuckDB-WASM', file: base, job: 'duckdb', opts: {} });
    // The page's whole job in each other engine, with the workers the page would start there.
    for (const session of sessions) {
      const workers = session.cores;
      const name = `adagg in ${session.label} ${session.version}, ${workers} workers (its default)`;
      cases.push({ id: `browser.engine.${session.name}.${base.key}`, kind: 'engine', name, engine: session.name, label: session.label, workers, file: base, job: 'adagg', opts: { workers }, session });
    }

    for (const f of new Set(cases.map((c) => c.file))) warm(f.path);
    const idle = rssNow(chromiumTree(b.profile));
    const results = new Map(cases.map((c) => [c, []]));
    for (let r = 1; r <= runs; r++) {
      for (const c of cases) {
        log(`browser ${r}/${runs}: ${c.name} on ${c.file.key}`);
        results.get(c).push(await runOnce(b, c));
      }
    }

    const rows = cases.map((c) => {
      const res = results.get(c);
      const last = res[res.length - 1];
      const row = { id: c.id, group: 'browser', kind: c.kind, name: c.name, file: c.file.key, bytes: c.file.bytes };
      for (const k of ['readers', 'method', 'workers', 'engine', 'label']) if (c[k] !== undefined) row[k] = c[k];
      row.runs = res.map((x) => x.ms / 1000);
      row.seconds = median(row.runs);
      if (c.session) row.engineMiB = Math.max(...res.map((x) => x.rss.all)); // all of that browser's processes
      else {
        row.rendererMiB = Math.max(...res.map((x) => x.rss.renderer));
        row.chromiumMiB = Math.max(...res.map((x) => x.rss.all));
      }
      row.rssSamples = res.map((x) => x.rss.samples);
      if (c.kind === 'adagg' || c.kind === 'engine') {
        const ref = reference[c.file.key];
        const same = res.every((x) => x.ctrCsv === ref.ctr && x.cpaCsv === ref.cpa);
        row.check = same ? 'same CSVs as the CLI' : 'MISMATCH with the CLI';
        row.timing = last.timing;
      }
      if (c.kind === 'daily') {
        const ref = reference[c.file.key];
        const same = res.every((x) => x.ctrCsv === ref.ctr && x.cpaCsv === ref.cpa && x.dailyBytes > 0 && x.anomalies >= 0);
        row.check = same ? `same CSVs as the CLI; ${last.dailyCells} (campaign, day) rows, ${last.anomalies} flagged` : 'MISMATCH or no series';
        row.chartMs = median(res.map((x) => x.chartMs));
        row.timing = last.timing;
      }
      if (c.kind === 'kpi') {
        row.check = res.every((x) => x.rankings === 6 && x.allBytes > 0) ? '6 rankings + all_campaigns.csv' : 'MISSING output';
        row.timing = last.timing;
      }
      if (c.kind === 'duckdb') {
        row.check = sameTop(reference[c.file.key], last.topCtr, last.topCpa);
        row.version = `${last.version} (${last.bundle} bundle)`;
      }
      return row;
    });
    const versions = Object.fromEntries(sessions.map((x) => [x.name, x.version]));
    return { rows, cores: n, chromiumVersion: b.chromiumVersion, engines: versions, idle };
  } finally {
    for (const session of sessions) await session.close();
    await b.close();
  }
}
