// Click logs (issue 17): `adagg clicks` natively on the ~1 GB generated
// NDJSON and CSV logs (all threads) against DuckDB's GROUP BY ad_id,
// time_bucket(1 minute) with approx_count_distinct on the same file, and
// the page reading the same logs (its default workers, one range each:
// each reads its range twice), from choosing the file to the result shown.
// Runs interleaved like native.mjs.
import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { timed } from './native.mjs';
import { log, median, warm } from './util.mjs';
import { launch, serve } from '../tests/e2e/helpers.mjs';
import { startSampling } from './rss.mjs';

const DUCKDB_SCRIPT = fileURLToPath(new URL('./duckdb_clicks.py', import.meta.url));

/**
 * files: [{key, label, path, bytes}] click logs; python: the venv's python
 * (DuckDB), or null. Returns rows.
 */
export async function clicksBench({ files, runs, python, adagg, outDir }) {
  const threads = availableParallelism();
  const cases = [];
  for (const f of files) {
    const out = join(outDir, `clicks-${f.key}`);
    mkdirSync(out, { recursive: true });
    cases.push({ id: `native.clicks.t${threads}.${f.key}`, group: 'native', kind: 'clicks', name: `adagg clicks -t ${threads}`, threads, file: f, cmd: adagg, args: ['clicks', '-i', f.path, '-o', out, '-t', String(threads)] });
    if (python) cases.push({ id: `native.duckdb-clicks.${f.key}`, group: 'native', kind: 'duckdb-clicks', name: 'DuckDB: GROUP BY ad_id, minute, approx_count_distinct', file: f, cmd: python, args: [DUCKDB_SCRIPT, f.path] });
  }
  for (const f of files) warm(f.path);
  const results = new Map(cases.map((c) => [c, []]));
  const page = { runs: new Map(files.map((f) => [f, []])), rss: new Map(files.map((f) => [f, []])) };
  const server = await serve();
  const browser = await launch();
  try {
    const tab = await browser.context.newPage();
    await tab.goto(server.url);
    await tab.waitForFunction(() => document.body.dataset.ready === 'true');
    page.workers = await tab.evaluate(() => navigator.hardwareConcurrency);
    for (let r = 1; r <= runs; r++) {
      for (const c of cases) {
        log(`clicks ${r}/${runs}: ${c.name} on ${c.file.key}`);
        results.get(c).push(timed(c.cmd, c.args));
      }
      for (const f of files) {
        log(`clicks ${r}/${runs}: the page on ${f.key}`);
        await tab.evaluate(() => (document.body.dataset.state = ''));
        const sampler = startSampling(browser.profile);
        const t0 = await tab.evaluate(() => performance.now());
        await tab.setInputFiles('#file', f.path);
        await tab.waitForFunction(() => document.body.dataset.state && document.body.dataset.state !== 'running', null, { timeout: 900_000 });
        const [t1, state, kind] = await tab.evaluate(() => [performance.now(), document.body.dataset.state, document.body.dataset.kind]);
        page.rss.get(f).push(sampler.stop());
        if (state !== 'done' || kind !== 'clicks') throw new Error(`the page read ${f.path} as ${kind} and ended ${state}`);
        page.runs.get(f).push((t1 - t0) / 1000);
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const rows = cases.map((c) => {
    const res = results.get(c);
    const row = { id: c.id, group: c.group, kind: c.kind, name: c.name, file: c.file.key, bytes: c.file.bytes, runs: res.map((x) => x.seconds), peakMiB: Math.max(...res.map((x) => x.peakMiB)) };
    if (c.threads) row.threads = c.threads;
    if (c.kind === 'duckdb-clicks') {
      const reports = res.map((x) => JSON.parse(x.stdout));
      row.processRuns = row.runs;
      row.runs = reports.map((x) => x.seconds);
      row.version = reports[0].version;
      row.check = `${reports[0].groups} (ad, minute) groups`;
    }
    row.seconds = median(row.runs);
    return row;
  });
  for (const f of files) {
    const runsOf = page.runs.get(f);
    const rss = page.rss.get(f);
    rows.push({
      id: `browser.clicks.${f.key}`,
      group: 'browser',
      kind: 'clicks',
      name: `adagg page, click log (${page.workers} workers, two passes each)`,
      file: f.key,
      bytes: f.bytes,
      workers: page.workers,
      runs: runsOf,
      seconds: median(runsOf),
      rendererMiB: Math.max(...rss.map((x) => x.renderer)),
      chromiumMiB: Math.max(...rss.map((x) => x.all)),
    });
  }
  return rows;
}
