// Download sizes: what a portal's users download for adagg (the wasm and
// the JS, raw and gzip -9), in its two forms, against DuckDB-WASM's and
// Perspective's own engines measured the same way; and the npm tarball.
// `node bench/size.mjs` prints them; bench/main.mjs puts them in the report.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const WWW = join(REPO, 'www');
const BENCH_MODULES = join(REPO, 'bench', 'node_modules');

/** Files only some runs load: the chart view (daily series, click logs), the click-log view and worker, the unpacker and its worker (archives, workbooks). */
const ON_DEMAND = new Set(['time-view.js', 'clicks-view.js', 'clicks-worker.js', 'unpack.js', 'unpacker.js', 'unpack-worker.js', 'stream.js']);

/** The JS a portal loads with adagg: the entry, core/, ui/ (but the views loaded on demand), widget/ and the wasm-bindgen glue. */
function adaggJs() {
  const dir = (d) => readdirSync(join(WWW, d)).filter((f) => f.endsWith('.js') && !ON_DEMAND.has(f)).map((f) => join(WWW, d, f));
  return [join(WWW, 'adagg.js'), ...dir('core'), ...dir('ui'), ...dir('widget'), join(WWW, 'pkg', 'adagg.js')];
}

/** Raw and gzip -9 bytes of `files` (paths or {name, bytes}), each compressed on its own (as a server sends them). */
function measure(files) {
  let raw = 0;
  let gzip = 0;
  for (const f of files) {
    const bytes = typeof f === 'string' ? readFileSync(f) : f.bytes;
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  return { raw, gzip, files: files.map((f) => (typeof f === 'string' ? f.slice(REPO.length) : f.name)) };
}

/** Output files only a run with the daily series loads (issue 16): the daily module's glue, the chart view, uPlot. */
const DAILY_ONLY = /(^|\/)(www\/pkg-daily\/|www\/ui\/time-view\.js|www\/vendor\/)/;
/** Output files only a click log loads (issue 17): the click view (it shares the chart chunks above). */
const CLICKS_ONLY = /(^|\/)(www\/pkg-clicks\/|www\/ui\/clicks-view\.js)/;
/** Output files only an archive or a workbook loads (issue 18): the unpacker (its worker is a file of its own). */
const UNPACK_ONLY = /(^|\/)(www\/pkg-unpack\/|www\/core\/(unpacker|unpack|stream)\.js)/;

/**
 * adagg's JS as a portal's production build ships it: the entry and the
 * worker bundled and minified by esbuild (a bench dependency) with code
 * splitting, as portals' bundlers do, the wasm left out; split into what
 * every run downloads (`base`) and the chunks only runs with the daily
 * series import (`daily`: the daily module's glue, the chart view,
 * uPlot). Null when esbuild is not installed (the smoke run).
 */
async function minifiedJs() {
  let esbuild;
  try {
    esbuild = await import(join(BENCH_MODULES, 'esbuild', 'lib', 'main.js'));
  } catch {
    return null;
  }
  const out = await esbuild.build({
    entryPoints: [join(WWW, 'adagg.js'), join(WWW, 'core', 'worker.js')],
    bundle: true,
    minify: true,
    splitting: true,
    format: 'esm',
    outdir: join(REPO, 'bench-size-out'),
    write: false,
    metafile: true,
    external: ['../pkg/adagg_wasm.js', '../pkg-daily/adagg_wasm.js', '../pkg-clicks/adagg_wasm.js', '../pkg-unpack/adagg_wasm.js'],
    logLevel: 'silent',
  });
  const base = [];
  const daily = [];
  const clicks = [];
  const unpack = [];
  for (const f of out.outputFiles) {
    const key = Object.keys(out.metafile.outputs).find((k) => f.path.endsWith(k.replace(/^.*bench-size-out/, '')));
    const inputs = Object.keys(out.metafile.outputs[key]?.inputs ?? {});
    const all = (re) => inputs.length > 0 && inputs.every((i) => re.test(i));
    const to = all(DAILY_ONLY) ? daily : all(CLICKS_ONLY) ? clicks : all(UNPACK_ONLY) ? unpack : base;
    to.push({ name: `${f.path.slice(REPO.length)} (esbuild --bundle --splitting --minify)`, bytes: f.contents });
  }
  return { base, daily, clicks, unpack };
}

/** Each row: what one engine's page downloads to run it (no UI libraries). */
export async function sizeBench() {
  const rows = [];
  const add = (id, name, files) => {
    try {
      rows.push({ id, name, ...measure(files) });
    } catch (err) {
      rows.push({ id, name, error: err.code === 'ENOENT' ? `not installed (${err.path?.slice(REPO.length)})` : String(err) });
    }
  };
  const min = await minifiedJs();
  const js = min?.base ?? adaggJs();
  const how = min ? 'JS bundled + minified' : 'JS as shipped, not minified';
  add('size.adagg.base64', `adagg, default: wasm as base64 JS (any CSP); ${how}`, [...js, join(WWW, 'pkg', 'adagg_wasm.js')]);
  add('size.adagg.wasm', `adagg, wasm-url → .wasm (connect-src 'self'); ${how}`, [...js, join(WWW, 'pkg', 'adagg_bg.wasm')]);
  // Issue 16: a run with the daily series loads the daily module instead,
  // plus the chart view and uPlot (chunks of their own); the page loads this.
  const dailyJs = min ? [...min.base, ...min.daily] : [...adaggJs(), join(WWW, 'ui', 'time-view.js'), join(WWW, 'vendor', 'uPlot.esm.js'), join(WWW, 'vendor', 'uPlot.css.js'), join(WWW, 'pkg-daily', 'adagg.js')];
  add('size.daily.base64', `adagg with daily series and charts (pkg-daily, loaded only when asked; the page); ${how}`, [...dailyJs, join(WWW, 'pkg-daily', 'adagg_wasm.js')]);
  // Issue 17: a click log loads the clicks module in a worker of its own
  // (its script and glue), the click view and the chart chunks.
  const clicksJs = min
    ? [...min.base, ...min.clicks, ...min.daily.filter((f) => !/pkg-daily/.test(f.name))]
    : [...adaggJs(), join(WWW, 'ui', 'clicks-view.js'), join(WWW, 'ui', 'time-view.js'), join(WWW, 'vendor', 'uPlot.esm.js'), join(WWW, 'vendor', 'uPlot.css.js')];
  add('size.clicks.base64', `adagg reading a click log (pkg-clicks, loaded only for one; the page); ${how}`, [
    ...clicksJs,
    join(WWW, 'core', 'clicks-worker.js'),
    join(WWW, 'pkg-clicks', 'adagg.js'),
    join(WWW, 'pkg-clicks', 'adagg_wasm.js'),
  ]);
  // Issue 18: an archive or a workbook loads unpack.js and stream.js (chunks of their
  // own), the unpacker and its worker with the unpack module (zip directories, calamine).
  const unpackJs = min ? [...min.base, ...min.unpack] : [...adaggJs(), ...['unpack.js', 'unpacker.js', 'stream.js'].map((f) => join(WWW, 'core', f))];
  add('size.unpack.base64', `adagg reading a zip or a workbook (pkg-unpack, loaded only for one; the page); ${how}`, [
    ...unpackJs,
    join(WWW, 'core', 'unpack-worker.js'),
    join(WWW, 'pkg-unpack', 'adagg.js'),
    join(WWW, 'pkg-unpack', 'adagg_wasm.js'),
  ]);
  const duck = join(BENCH_MODULES, '@duckdb', 'duckdb-wasm', 'dist');
  add('size.duckdb', 'DuckDB-WASM 1.32 (eh: wasm + worker + module)', [
    join(duck, 'duckdb-eh.wasm'),
    join(duck, 'duckdb-browser-eh.worker.js'),
    join(duck, 'duckdb-browser.mjs'),
  ]);
  const psp = join(BENCH_MODULES, '@finos', 'perspective', 'dist');
  add('size.perspective', 'Perspective 3.8 (engine: server wasm + client wasm + JS)', [
    join(psp, 'wasm', 'perspective-server.wasm'),
    join(psp, 'wasm', 'perspective-js.wasm'),
    join(psp, 'cdn', 'perspective.js'),
    join(psp, 'cdn', 'perspective-server.worker.js'),
  ]);
  let tarball = null;
  try {
    // --ignore-scripts: measure what is built; prepack would rebuild a stale www/pkg.
    const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    tarball = { bytes: pack.size, unpacked: pack.unpackedSize, files: pack.entryCount };
  } catch (err) {
    tarball = { error: String(err.message ?? err) };
  }
  return { rows, tarball };
}

const kB = (n) => `${(n / 1000).toFixed(0)} kB`;

/** Lines for the console and the Markdown report. */
export function sizeLines(sizes, { markdown = false } = {}) {
  const duck = sizes.rows.find((r) => r.id === 'size.duckdb');
  const psp = sizes.rows.find((r) => r.id === 'size.perspective');
  const vs = (r, other) => (other?.gzip && r.gzip ? `${(other.gzip / r.gzip).toFixed(1)}× smaller` : '');
  const cells = [['download', 'raw', 'gzip', 'vs DuckDB-WASM', 'vs Perspective']];
  for (const r of sizes.rows) {
    if (r.error) cells.push([r.name, r.error, '', '', '']);
    else cells.push([r.name, kB(r.raw), kB(r.gzip), r.id.startsWith('size.adagg') ? vs(r, duck) : '', r.id.startsWith('size.adagg') ? vs(r, psp) : '']);
  }
  const t = sizes.tarball;
  const pack = t.error ? `npm tarball: ${t.error}` : `npm tarball: ${kB(t.bytes)} (${t.files} files, ${kB(t.unpacked)} unpacked)`;
  if (markdown) {
    const row = (c) => `| ${c.join(' | ')} |`;
    return [row(cells[0]), row(['---', '---:', '---:', '---:', '---:']), ...cells.slice(1).map(row), '', pack];
  }
  const widths = cells[0].map((_, i) => Math.max(...cells.map((c) => c[i].length)));
  return [...cells.map((c) => c.map((v, i) => (i ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join('  ').trimEnd()), pack];
}

/** The size target of issue 14: wasm + JS together ≤ 350 kB gzip, per form. */
export function sizeTargets(sizes) {
  return sizes.rows
    .filter((r) => r.id.startsWith('size.adagg'))  // the default download; size.daily is reported, not budgeted
    .map((r) => ({
      name: `download ≤ 350 kB gzip (wasm + JS), ${r.name}`,
      pass: r.error ? null : r.gzip <= 350_000,
      detail: r.error ?? `${kB(r.gzip)} gzip (${kB(r.raw)} raw)`,
    }));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const sizes = await sizeBench();
  console.log(sizeLines(sizes).join('\n'));
  for (const t of sizeTargets(sizes)) console.log(`${t.pass ? 'PASS' : 'FAIL'}  ${t.name}: ${t.detail}`);
}
