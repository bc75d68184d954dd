// Runs every measurement and writes the report: `node bench/main.mjs [--smoke]`.
// bench/run.sh prepares the builds and data first; use that (`npm run bench`).
//   full:    the 1 GB files (50 and 1 M campaigns) + the 4 GB one, DuckDB-WASM,
//            Polars, and natively the 5 M-campaign files with 8- and 17-digit
//            ids; BENCH_RUNS runs each (default 3, at least 3);
//            writes bench-results/latest.{json,md}
//   --smoke: a 10 MB file, 1 run each; writes bench-data/smoke/latest.{json,md}
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { browserBench } from './browser.mjs';
import { nativeBench } from './native.mjs';
import { clicksBench } from './clicks.mjs';
import { unpackBench, unpackFiles } from './unpack.mjs';
import { sparkBench } from './spark.mjs';
import { buildReport, toMarkdown, toText } from './report.mjs';
import { sizeBench } from './size.mjs';
import { log } from './util.mjs';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const DATA = join(REPO, 'bench-data');
const smoke = process.argv.includes('--smoke');
const runs = smoke ? 1 : Math.max(3, Number(process.env.BENCH_RUNS) || 3);
const outDir = smoke ? join(DATA, 'smoke') : join(REPO, 'bench-results');

function file(key, name, campaigns, idDigits) {
  const path = join(DATA, name);
  const bytes = statSync(path).size;
  const size = bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : `${(bytes / 1e6).toFixed(0)} MB`;
  const ids = idDigits ? `${idDigits}-digit ids, ` : '';
  return { key, path, bytes, campaigns, label: `${campaigns.toLocaleString('en')} campaigns, ${ids}${size}` };
}

const files = smoke
  ? [file('50', 'smoke/ad_data_10m.csv', 50)]
  : [file('50', 'ad_data.csv', 50), file('1m', 'ad_data_1m.csv', 1_000_000)];
const big = smoke ? null : file('4g', 'ad_data_4g.csv', 50);
// Issue 15: the 50-campaign rows with a revenue column, run with every KPI
// ranked and all_campaigns.csv (CLI and page), against the default job.
const kpi = smoke ? null : file('revenue', 'ad_data_revenue.csv', 50);
// Native only: long ids against short ones, same rows and campaigns.
const longIds = smoke ? [] : [file('ids8', 'ad_data_ids8.csv', 5_000_000, 8), file('ids17', 'ad_data_ids17.csv', 5_000_000, 17)];

const loadStart = loadavg()[0];
const native = nativeBench({
  files,
  big,
  longIds,
  kpi,
  runs,
  python: smoke ? null : join(DATA, 'venv/bin/python'),
  adagg: join(REPO, 'target/release/adagg'),
  outDir: join(DATA, 'out'),
});
const browser = await browserBench({ files, big, kpi, runs, duckdb: !smoke, reference: native.outputs });
// Issue 17: the click logs (NDJSON and CSV), natively against DuckDB and in the page.
const clickFiles = smoke
  ? [file('clicks-ndjson', 'smoke/clicks_10m.ndjson', 0), file('clicks-csv', 'smoke/clicks_10m.csv', 0)]
  : [file('clicks-ndjson', 'clicks_1g.ndjson', 0), file('clicks-csv', 'clicks_1g.csv', 0)];
for (const f of clickFiles) f.label = `click log, ${f.path.endsWith('.csv') ? 'CSV' : 'NDJSON'}, 10,000 ads, ${f.bytes >= 1e9 ? (f.bytes / 1e9).toFixed(2) + ' GB' : (f.bytes / 1e6).toFixed(0) + ' MB'}`;
const clickRows = await clicksBench({ files: clickFiles, runs, python: smoke ? null : join(DATA, 'venv/bin/python'), adagg: join(REPO, 'target/release/adagg'), outDir: join(DATA, 'out') });

// Issue 18: a gzip of the 1 GB file and a 1,000,000-row workbook.
const packed = unpackFiles(DATA, smoke);
const unpackRows = await unpackBench({ ...packed, runs, python: smoke ? null : join(DATA, 'venv/bin/python'), adagg: join(REPO, 'target/release/adagg'), outDir: join(DATA, 'out'), threads: native.threads });

// Issue 19: the Spark job on the 50-campaign file, against the CLI.
const sparkRows = await sparkBench({ file: files[0], runs, adagg: join(REPO, 'target/release/adagg'), outDir: join(DATA, 'out'), threads: native.threads });

const git = (...args) => execFileSync('git', ['-C', REPO, ...args], { encoding: 'utf8' }).trim();
const cpu = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown CPU';
const meta = {
  date: new Date().toISOString(),
  // Dirty only for changes outside bench-results/ (the previous run's results).
  commit: git('describe', '--always') + (git('status', '--porcelain', '--untracked-files=no', '--', '.', ':!bench-results') ? '-dirty' : ''),
  smoke,
  runs,
  base: files[0].key, // the 50-campaign file: floors, DuckDB-WASM and Polars run on it
  cpu,
  nativeThreads: native.threads,
  browserCores: browser.cores,
  chromium: browser.chromiumVersion,
  engines: browser.engines, // Firefox ESR and WebKitGTK versions
  node: process.version,
  files: Object.fromEntries([...files, ...(big ? [big] : []), ...(kpi ? [kpi] : []), ...longIds, ...clickFiles, packed.gz, packed.xlsx].map(({ key, path, bytes, campaigns, label }) => [key, { path: path.slice(REPO.length), bytes, campaigns, label }])),
  idle: browser.idle,
  loadavg: { start: loadStart, end: loadavg()[0] },
};
const report = buildReport({ meta, rows: [...native.rows, ...browser.rows, ...clickRows, ...unpackRows, ...sparkRows], sizes: await sizeBench() });

mkdirSync(outDir, { recursive: true });
const write = (name, text) => {
  writeFileSync(join(outDir, `${name}.tmp`), text);
  renameSync(join(outDir, `${name}.tmp`), join(outDir, name));
};
write('latest.json', JSON.stringify(report, null, 2) + '\n');
write('latest.md', toMarkdown(report));
console.log(toText(report));
log(`wrote ${join(outDir, 'latest.json')} and latest.md`);
