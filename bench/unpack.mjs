// Issue 18: a gzip of the 1 GB file and a 1,000,000-row workbook.
//   gzip: the CLI (throughput in uncompressed MB/s) against `gzip -dc >
//   /dev/null` natively, and the page against a bare DecompressionStream
//   read of the same file in the same tab, with the renderer's memory.
//   xlsx: the CLI's time and peak memory against Polars' Excel reader
//   (calamine, through fastexcel) on the same file, and the page's time and
//   renderer memory.
// Runs interleaved like native.mjs.
import { fileURLToPath } from 'node:url';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { timed } from './native.mjs';
import { log, median, warm } from './util.mjs';
import { launch, serve } from '../tests/e2e/helpers.mjs';
import { startSampling } from './rss.mjs';

const POLARS_XLSX = fileURLToPath(new URL('./polars_xlsx.py', import.meta.url));

/** The page's time for `path` (choosing it to the result shown) and the renderer's peak memory. */
async function pageRun(tab, browser, path) {
  await tab.evaluate(() => (document.body.dataset.state = ''));
  const sampler = startSampling(browser.profile);
  const t0 = await tab.evaluate(() => performance.now());
  await tab.setInputFiles('#file', path);
  await tab.waitForFunction(() => document.body.dataset.state && document.body.dataset.state !== 'running', null, { timeout: 900_000 });
  const [t1, state, error] = await tab.evaluate(() => [performance.now(), document.body.dataset.state, document.getElementById('error-text')?.textContent]);
  const rss = sampler.stop();
  if (state !== 'done') throw new Error(`the page ended ${state} on ${path}: ${error}`);
  return { seconds: (t1 - t0) / 1000, rss };
}

/** A bare DecompressionStream('gzip') read of `path` in the tab (the browser's floor). */
async function decompressFloor(tab, path) {
  await tab.evaluate(() => {
    document.getElementById('bench-gzip')?.remove();
    const input = Object.assign(document.createElement('input'), { type: 'file', id: 'bench-gzip', hidden: true });
    document.body.append(input);
  });
  await tab.setInputFiles('#bench-gzip', path);
  return tab.evaluate(async () => {
    const file = document.getElementById('bench-gzip').files[0];
    const { gunzipFloor } = await import('/bench/read-floor.js'); // the served repo's bench/
    const t0 = performance.now();
    const bytes = await gunzipFloor(file);
    return { seconds: (performance.now() - t0) / 1000, bytes };
  });
}

/**
 * gz: {key, path, bytes (compressed), plainBytes}; xlsx: {key, path, bytes}
 * or null; python: the venv's python (Polars), or null. Returns rows.
 */
export async function unpackBench({ gz, xlsx, runs, python, adagg, outDir, threads }) {
  const cases = [];
  const out = (name) => {
    const dir = join(outDir, name);
    mkdirSync(dir, { recursive: true });
    return dir;
  };
  cases.push({ id: `native.gzip.${gz.key}`, kind: 'gzip', name: `adagg -i FILE.csv.gz (one stream; flate2 on its own thread)`, file: gz, bytes: gz.plainBytes, cmd: adagg, args: ['-i', gz.path, '-o', out('gzip'), '-t', String(threads)] });
  cases.push({ id: `native.gzip-floor.${gz.key}`, kind: 'gzip-floor', name: 'gzip -dc > /dev/null', file: gz, bytes: gz.plainBytes, cmd: 'sh', args: ['-c', `gzip -dc '${gz.path}' > /dev/null`] });
  if (xlsx) {
    cases.push({ id: `native.xlsx.${xlsx.key}`, kind: 'xlsx', name: 'adagg -i FILE.xlsx (calamine, the sheet as CSV)', file: xlsx, bytes: xlsx.bytes, cmd: adagg, args: ['-i', xlsx.path, '-o', out('xlsx'), '-t', String(threads)] });
    if (python) cases.push({ id: `native.polars-xlsx.${xlsx.key}`, kind: 'polars-xlsx', name: 'Polars read_excel (calamine) + group by', file: xlsx, bytes: xlsx.bytes, cmd: python, args: [POLARS_XLSX, xlsx.path] });
  }
  for (const c of cases) warm(c.file.path);
  const results = new Map(cases.map((c) => [c, []]));
  const pageCases = [gz, ...(xlsx ? [xlsx] : [])];
  const page = new Map(pageCases.map((f) => [f, []]));
  const floor = [];
  const server = await serve();
  const browser = await launch();
  try {
    const tab = await browser.context.newPage();
    await tab.goto(server.url);
    await tab.waitForFunction(() => document.body.dataset.ready === 'true');
    await tab.evaluate(() => ['daily', 'anomalies', 'hints'].forEach((id) => (document.getElementById(id).checked = false)));
    for (let r = 1; r <= runs; r++) {
      for (const c of cases) {
        log(`unpack ${r}/${runs}: ${c.name}`);
        results.get(c).push(timed(c.cmd, c.args));
      }
      log(`unpack ${r}/${runs}: DecompressionStream floor`);
      const sampler = startSampling(browser.profile);
      const f = await decompressFloor(tab, gz.path);
      floor.push({ ...f, rss: sampler.stop() });
      for (const f of pageCases) {
        log(`unpack ${r}/${runs}: the page on ${f.key}`);
        page.get(f).push(await pageRun(tab, browser, f.path));
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const rows = cases.map((c) => {
    const res = results.get(c);
    const row = { id: c.id, group: 'native', kind: c.kind, name: c.name, file: c.file.key, bytes: c.bytes, runs: res.map((x) => x.seconds), peakMiB: Math.max(...res.map((x) => x.peakMiB)) };
    if (c.kind === 'polars-xlsx') {
      const reports = res.map((x) => JSON.parse(x.stdout));
      row.processRuns = row.runs;
      row.runs = reports.map((x) => x.seconds);
      row.version = reports[0].version;
    }
    row.seconds = median(row.runs);
    return row;
  });
  rows.push({ id: `browser.gzip-floor.${gz.key}`, group: 'browser', kind: 'gzip-floor', name: 'bare DecompressionStream(gzip) read', file: gz.key, bytes: gz.plainBytes, runs: floor.map((x) => x.seconds), seconds: median(floor.map((x) => x.seconds)), rendererMiB: Math.max(...floor.map((x) => x.rss.renderer)), chromiumMiB: Math.max(...floor.map((x) => x.rss.all)) });
  for (const f of pageCases) {
    const runsOf = page.get(f);
    rows.push({
      id: `browser.${f === gz ? 'gzip' : 'xlsx'}.${f.key}`,
      group: 'browser',
      kind: f === gz ? 'gzip' : 'xlsx',
      name: f === gz ? 'adagg page, .csv.gz (one worker decompresses, another parses)' : 'adagg page, .xlsx (the unpack worker, then the workers)',
      file: f.key,
      bytes: f === gz ? gz.plainBytes : f.bytes,
      runs: runsOf.map((x) => x.seconds),
      seconds: median(runsOf.map((x) => x.seconds)),
      rendererMiB: Math.max(...runsOf.map((x) => x.rss.renderer)),
      chromiumMiB: Math.max(...runsOf.map((x) => x.rss.all)),
    });
  }
  return rows;
}

/** The files: {key, path, bytes, plainBytes} for the gzip, {key, path, bytes} for the workbook. */
export function unpackFiles(data, smoke) {
  const stat = (name) => statSync(join(data, name)).size;
  const gzName = smoke ? 'smoke/ad_data_10m.csv.gz' : 'ad_data.csv.gz';
  const plain = smoke ? 'smoke/ad_data_10m.csv' : 'ad_data.csv';
  const xlsxName = smoke ? 'smoke/ad_data_10k.xlsx' : 'ad_data_1m.xlsx';
  return {
    gz: { key: 'gz', path: join(data, gzName), bytes: stat(gzName), plainBytes: stat(plain), label: `gzip of ${plain}` },
    xlsx: { key: 'xlsx', path: join(data, xlsxName), bytes: stat(xlsxName), label: `${smoke ? '10,000' : '1,000,000'}-row workbook` },
  };
}

// Alone: `node bench/unpack.mjs [DATA_DIR] [RUNS]` (the gzip rows only, no
// workbook), printing the rows and the page's ratio to the bare read.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { resolve } = await import('node:path');
  const REPO = fileURLToPath(new URL('..', import.meta.url));
  const data = resolve(process.argv[2] ?? join(REPO, 'bench-data'));
  const { gz } = unpackFiles(data, false);
  const rows = await unpackBench({ gz, xlsx: null, runs: Number(process.argv[3] ?? 3), python: null, adagg: join(REPO, 'target/release/adagg'), outDir: join(data, 'out'), threads: 2 });
  for (const r of rows) console.log(`${r.id}: median ${r.seconds.toFixed(3)} s  runs ${r.runs.map((x) => x.toFixed(2)).join(' ')}${r.rendererMiB ? `  renderer ${r.rendererMiB.toFixed(0)} MiB` : ''}`);
  const at = (id) => rows.find((r) => r.id === id)?.seconds;
  console.log(`page / bare DecompressionStream read: ${(at('browser.gzip-floor.gz') / at('browser.gzip.gz')).toFixed(3)}x; CLI / gzip -dc: ${(at('native.gzip-floor.gz') / at('native.gzip.gz')).toFixed(3)}x`);
}
