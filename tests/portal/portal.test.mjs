// Portal fixtures: adagg installed from its npm tarball into real bundler
// projects, built for production, served under a sub-path with a strict
// CSP, and driven in Debian's headless Chromium.
//
//   node --test tests/portal/        (needs www/pkg and the CLI: npm test builds both)
//
// For each fixture in tests/portal/<name>/ (vite-react: Vite + React +
// TypeScript; webpack: webpack 5, plain JS; plain: no bundler, adagg's www/
// copied next to the page; esbuild and rollup: plain JS, adagg's worker as
// a second entry point, the one line these bundlers need), in a temp copy: `npm install` of the fixture's
// pinned dependencies (its package-lock.json) plus the tarball of this
// repository, `npm run build`, then in the browser: the
// widget and aggregateFile() give the CLI's files byte for byte, cancelling
// a ~200 MB run ends it with kind 'abort' / AbortError and a second run
// works, and nothing logs a console error, fails, 404s or leaves /portal/.
// Then the vite-react copy once more with the Vite dev server.
//
// npm only talks to the registry (the fixtures' lockfiles) and reads the
// tarball; its cache persists in ADAGG_PORTAL_NPM_CACHE (default
// ~/.cache/adagg-portal-npm), so only the first run downloads.
// A fixture's versions are pinned in its package.json and locked in its
// package-lock.json: after changing one, run `npm install --package-lock-only`
// in its folder (the lock has no adagg: the test adds the tarball).
// Env: ADAGG_PORTAL_CANCEL_MB sizes the cancelled file (default 200);
// ADAGG_PORTAL_KEEP=1 keeps the temp dir (its path is printed).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { homedir } from 'node:os';
import { cp, lstat, readdir } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { execFile, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { REPO, cleanCsv, malformedCsv, writeLargeCsv, tempDir, launch, cliOutput, rm, readFile, writeFile } from '../e2e/helpers.mjs';
import { startServer } from '../../scripts/serve.mjs';

const execFileP = promisify(execFile);
const HERE = join(REPO, 'tests', 'portal');
const PREFIX = '/portal/';
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; style-src 'self'";
const NPM_CACHE = process.env.ADAGG_PORTAL_NPM_CACHE || join(homedir(), '.cache', 'adagg-portal-npm');
// --ignore-scripts: no dependency runs an install script (none needs one).
const NPM_FLAGS = ['--cache', NPM_CACHE, '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel', 'error'];
const CANCEL_MB = Number(process.env.ADAGG_PORTAL_CANCEL_MB || 200);

const FIXTURES = [
  { name: 'vite-react', build: ['run', 'build'] }, // tsc --noEmit (strict) && vite build --base /portal/
  { name: 'webpack', build: ['run', 'build'] }, // webpack --mode production (publicPath '/portal/')
  { name: 'plain', build: ['run', 'build'] }, // no bundler: node_modules/adagg/www/ copied to dist/vendor/adagg/
  { name: 'esbuild', build: ['run', 'build'] }, // esbuild, adagg's worker as a second entry point
  { name: 'rollup', build: ['run', 'build'] }, // Rollup + node-resolve, adagg's worker as a second input
];

let dir;
let tarball;
const apps = {}; // fixture name -> its installed temp copy
const files = {};
const cli = {};

async function run(cmd, args, cwd, label, env = {}) {
  const t0 = Date.now();
  try {
    const { stdout, stderr } = await execFileP(cmd, args, { cwd, maxBuffer: 64 << 20, env: { ...process.env, NO_COLOR: '1', CI: '1', ...env } });
    return { stdout, stderr, ms: Date.now() - t0 };
  } catch (err) {
    throw new Error(`${label ?? `${cmd} ${args.join(' ')}`} failed in ${cwd}:\n${err.stdout ?? ''}\n${err.stderr ?? err.message}`);
  }
}

let setupMs = 0;

before(async () => {
  const t0 = Date.now();
  dir = await tempDir('adagg-portal-');
  if (process.env.ADAGG_PORTAL_KEEP) console.log(`# portal temp dir: ${dir}`);
  // The package exactly as published: prepack (scripts/prepack.sh) runs.
  await run('npm', ['pack', '--pack-destination', dir], REPO, 'npm pack');
  const packed = (await readdir(dir)).filter((f) => f.endsWith('.tgz'));
  assert.equal(packed.length, 1, `npm pack wrote one tarball (${packed})`);
  tarball = join(dir, packed[0]);

  files.clean = join(dir, 'search.csv');
  await writeFile(files.clean, cleanCsv({ bytes: 6 << 20, seed: 41, campaignCount: 70 }));
  files.mixed = join(dir, 'social.csv');
  await writeFile(files.mixed, malformedCsv({ bytes: 6 << 20, seed: 42, campaignCount: 50 }).csv);
  files.big = join(dir, 'big.csv');
  await writeLargeCsv(files.big, CANCEL_MB << 20, 43);
  for (const name of ['clean', 'mixed']) {
    const { ctr, cpa } = await cliOutput(files[name], join(dir, `cli-${name}`));
    cli[name] = { ctr: ctr.toString(), cpa: cpa.toString() };
  }
  setupMs = Date.now() - t0;
});

after(async () => {
  if (dir && !process.env.ADAGG_PORTAL_KEEP) await rm(dir, { recursive: true, force: true });
});

/** Every file under `root`, relative paths. */
async function listFiles(root, sub = '') {
  const out = [];
  for (const entry of await readdir(join(root, sub), { withFileTypes: true })) {
    const rel = sub ? `${sub}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(root, rel)));
    else out.push(rel);
  }
  return out.sort();
}

const kB = (n) => `${(n / 1024).toFixed(1)} kB`;

/** Copies the fixture (without node_modules/dist), installs, builds; returns dist's path. */
async function buildFixture(t, { name, build }) {
  const app = join(dir, name);
  await cp(join(HERE, name), app, {
    recursive: true,
    filter: (src) => !/[\\/](node_modules|dist)([\\/]|$)/.test(src.slice(HERE.length)),
  });
  // The fixture's locked dependencies plus the tarball (added to the copy's package.json).
  const install = await run('npm', ['install', ...NPM_FLAGS, tarball], app, `npm install (${name})`);
  const built = await run('npm', build, app, `npm ${build.join(' ')} (${name})`);
  t.diagnostic(`${name}: npm install ${(install.ms / 1000).toFixed(1)} s, build ${(built.ms / 1000).toFixed(1)} s`);
  apps[name] = app;
  // adagg is the tarball, unpacked (not a link to the source tree).
  const spec = JSON.parse(await readFile(join(app, 'package.json'), 'utf8')).dependencies?.adagg;
  assert.match(spec ?? '', /^file:.*\.tgz$/, `adagg is installed from the tarball (${spec})`);
  assert.equal((await lstat(join(app, 'node_modules', 'adagg'))).isSymbolicLink(), false, 'node_modules/adagg is not a link');
  return join(app, 'dist');
}

/** Asserts what dist holds and reports the JS + wasm sizes. */
async function checkDist(t, name, dist) {
  const all = await listFiles(dist);
  assert.ok(all.includes('index.html'), `${name}: dist/index.html (${all})`);
  assert.deepEqual(all.filter((f) => /\.wasm$/.test(f)), [], `${name}: no .wasm (adagg_bg.wasm) in dist: adagg uses the base64 module`);
  const sizes = [];
  for (const f of all.filter((f) => /\.(m?js|wasm)$/.test(f))) {
    const bytes = await readFile(join(dist, f));
    sizes.push({ f, raw: bytes.length, gz: gzipSync(bytes, { level: 9 }).length });
  }
  const sum = (key, list = sizes) => list.reduce((n, s) => n + s[key], 0);
  const big = sizes.filter((s) => s.raw >= 10_000);
  const small = sizes.filter((s) => s.raw < 10_000);
  const lines = big.map((s) => `${s.f} ${kB(s.raw)} (gzip ${kB(s.gz)})`);
  if (small.length) lines.push(`${small.length} smaller files ${kB(sum('raw', small))} (gzip ${kB(sum('gz', small))})`);
  t.diagnostic(`${name}: dist JS + wasm ${kB(sum('raw'))} (gzip ${kB(sum('gz'))}): ${lines.join(', ')}`);
  return all;
}

// Runs before any page script: records the widget's events (they bubble
// out of the shadow root).
function recorder() {
  const events = [];
  Object.defineProperty(window, '__adaggTest', { value: { events }, enumerable: false });
  for (const type of ['adagg-progress', 'adagg-done', 'adagg-error']) {
    document.addEventListener(type, (e) => events.push({ type, target: e.target.id, kind: e.detail?.kind, bytes: e.detail?.bytesDone }), true);
  }
}

/** A page that records console errors, page errors, failed and non-2xx requests, and every request URL. */
async function openPage(context, url) {
  const page = await context.newPage();
  const seen = { console: [], pageErrors: [], failed: [], bad: [], urls: [] };
  const onConsole = (where) => (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') seen.console.push(`${where} ${msg.type()}: ${msg.text()}`);
  };
  page.on('console', onConsole('page'));
  page.on('worker', (w) => w.on('console', onConsole(`worker ${w.url()}`)));
  page.on('pageerror', (e) => seen.pageErrors.push(String(e)));
  context.on('request', (r) => seen.urls.push(r.url()));
  context.on('requestfailed', (r) => seen.failed.push(`${r.url()}: ${r.failure()?.errorText}`));
  context.on('response', (r) => {
    if (r.status() >= 400) seen.bad.push(`${r.status()} ${r.url()}`);
  });
  await page.addInitScript(recorder);
  await page.goto(url);
  await page.waitForFunction(() => customElements.get('ad-aggregator') && document.getElementById('widget')?.shadowRoot);
  return { page, seen };
}

const stateOf = (page, id) => page.locator(`#${id}-state`).textContent();

/** How many runs of `id` ended so far (the fixtures count them in `#<id>-state[data-ended]`). */
const endedOf = async (page, id) => Number(await page.locator(`#${id}-state`).getAttribute('data-ended'));

/** Waits for the run of `id` after the `before`-th to end, then asserts it shows `state` ('done' or 'error'). */
async function waitState(page, id, before, state, timeout = 120_000) {
  await page.waitForFunction(([id, before]) => Number(document.getElementById(`${id}-state`)?.dataset.ended) > before, [id, before], { timeout });
  const shown = await stateOf(page, id);
  if (shown !== state) {
    const error = await page.evaluate((id) => document.getElementById(`${id}-error`)?.textContent, id);
    assert.fail(`#${id}-state is ${JSON.stringify(shown)}, not ${JSON.stringify(state)}: ${error}`);
  }
}

/** The page's shown CSVs for `id` equal the CLI's for `name`. */
async function expectCli(page, id, name, what) {
  assert.equal(await page.locator(`#${id}-ctr`).textContent(), cli[name].ctr, `${what}: top10_ctr.csv`);
  assert.equal(await page.locator(`#${id}-cpa`).textContent(), cli[name].cpa, `${what}: top10_cpa.csv`);
}

/** Waits until the widget reported read progress on the current run. */
function waitWidgetReading(page, since) {
  return page.waitForFunction(
    (since) => window.__adaggTest.events.slice(since).some((e) => e.type === 'adagg-progress' && e.bytes > 0),
    since,
    { timeout: 60_000 },
  );
}

for (const fixture of FIXTURES) {
  test(`portal fixture ${fixture.name}: production build from the npm tarball, under ${PREFIX} with a strict CSP`, async (t) => {
    if (setupMs) t.diagnostic(`setup (npm pack, the CSV files, the CLI's answers): ${(setupMs / 1000).toFixed(1)} s`);
    setupMs = 0;
    const dist = await buildFixture(t, fixture);
    await checkDist(t, fixture.name, dist);

    const server = await startServer(dist, 0, { prefix: PREFIX, headers: { 'Content-Security-Policy': CSP } });
    const browser = await launch();
    try {
      const { page, seen } = await openPage(browser.context, server.url);
      const origin = new URL(server.url).origin;

      const t0 = Date.now();
      const steps = [];
      const step = (what) => steps.push(`${what} ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      // Start a run: the widget from its file input, aggregateFile() from the page's own UI.
      const startWidget = async (file) => {
        const ended = await endedOf(page, 'widget');
        await page.setInputFiles('#widget input[type=file]', file);
        return ended;
      };
      const startOwn = async (file) => {
        const ended = await endedOf(page, 'own');
        await page.setInputFiles('#own-file', file);
        await page.click('#own-run');
        return ended;
      };

      // The widget: the CLI's answer, shown by the page's onadagg-done handler.
      let ended = await startWidget(files.clean);
      await waitState(page, 'widget', ended, 'done');
      await expectCli(page, 'widget', 'clean', 'widget');
      step('widget');

      // aggregateFile().
      ended = await startOwn(files.mixed);
      await waitState(page, 'own', ended, 'done');
      await expectCli(page, 'own', 'mixed', 'aggregateFile');
      step('aggregateFile');

      // Cancel the widget (its cancel() method, from the page) mid-read; then it runs again.
      const since = await page.evaluate(() => window.__adaggTest.events.length);
      ended = await startWidget(files.big);
      await waitWidgetReading(page, since);
      assert.equal(await page.locator('#widget').evaluate((el) => el.running), true, 'the widget is still running when cancelled');
      await page.click('#widget-cancel');
      await waitState(page, 'widget', ended, 'error');
      assert.equal(await page.locator('#widget-error').getAttribute('data-kind'), 'abort', 'cancelled widget: adagg-error kind abort');
      const last = (await page.evaluate(() => window.__adaggTest.events)).filter((e) => e.target === 'widget').at(-1);
      assert.deepEqual([last.type, last.kind], ['adagg-error', 'abort']);
      ended = await startWidget(files.mixed);
      await waitState(page, 'widget', ended, 'done');
      await expectCli(page, 'widget', 'mixed', 'widget after a cancel');
      step('widget cancel+rerun');

      // Cancel aggregateFile() (its AbortSignal) mid-read; then it runs again.
      ended = await startOwn(files.big);
      await page.waitForFunction(() => document.getElementById('own-progress').value > 0, null, { timeout: 60_000 });
      assert.equal(await stateOf(page, 'own'), 'running');
      await page.click('#own-cancel');
      await waitState(page, 'own', ended, 'error');
      assert.equal(await page.locator('#own-error').getAttribute('data-name'), 'AbortError', 'aborted aggregateFile rejects with AbortError');
      ended = await startOwn(files.clean);
      await waitState(page, 'own', ended, 'done');
      await expectCli(page, 'own', 'clean', 'aggregateFile after an abort');
      step('aggregateFile abort+rerun');

      await page.close();
      assert.deepEqual(seen.pageErrors, [], 'no uncaught error');
      assert.deepEqual(seen.console, [], 'no console error or warning (page or workers)');
      assert.deepEqual(seen.failed, [], 'no failed request');
      assert.deepEqual(seen.bad, [], 'no 404 (or other error status)');
      const outside = seen.urls.filter((u) => !u.startsWith(origin + PREFIX));
      assert.deepEqual(outside, [], `no request outside ${PREFIX}`);
      const paths = [...new Set(seen.urls.map((u) => u.slice(origin.length)))];
      t.diagnostic(`${fixture.name}: requests ${paths.join(' ')}`);
      t.diagnostic(`${fixture.name}: in the browser: ${steps.join(', ')}`);
    } finally {
      await browser.close();
      await server.close();
    }
  });
}

/** A free TCP port on 127.0.0.1. */
function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolvePort(port));
    });
  });
}

// The Vite dev server (`vite`, dependency optimizer on): Vite 8 rewrites the
// worker's URL in the pre-bundled adagg, so no optimizeDeps.exclude is
// needed (Vite 7 and older served a missing .vite/deps/worker.js: README).
// Quick (~5 s): reuses the vite-react copy installed above.
test('portal fixture vite-react: the Vite dev server finds the worker and the wasm (no optimizeDeps setting)', async (t) => {
  if (!apps['vite-react']) return t.skip('the vite-react fixture did not install');
  const port = await freePort();
  const vite = spawn(process.execPath, ['node_modules/vite/bin/vite.js', '--base', PREFIX, '--host', '127.0.0.1', '--port', String(port), '--strictPort'], {
    cwd: apps['vite-react'],
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  vite.stdout.on('data', (d) => (output += d));
  vite.stderr.on('data', (d) => (output += d));
  const exited = new Promise((done) => vite.once('exit', done));
  const browser = await launch();
  try {
    const url = `http://127.0.0.1:${port}${PREFIX}`;
    const deadline = Date.now() + 60_000;
    while (!output.includes(url)) {
      if (vite.exitCode !== null || vite.signalCode !== null) assert.fail(`vite exited:\n${output}`);
      if (Date.now() > deadline) assert.fail(`vite did not start in 60 s:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const { page, seen } = await openPage(browser.context, url);
    let ended = await endedOf(page, 'widget');
    await page.setInputFiles('#widget input[type=file]', files.clean);
    await waitState(page, 'widget', ended, 'done');
    await expectCli(page, 'widget', 'clean', 'widget (dev server)');
    ended = await endedOf(page, 'own');
    await page.setInputFiles('#own-file', files.mixed);
    await page.click('#own-run');
    await waitState(page, 'own', ended, 'done');
    await expectCli(page, 'own', 'mixed', 'aggregateFile (dev server)');
    await page.close();
    assert.deepEqual(seen.pageErrors, [], 'no uncaught error');
    assert.deepEqual(seen.console, [], 'no console error or warning (page or workers)');
    assert.deepEqual(seen.failed, [], 'no failed request');
    assert.deepEqual(seen.bad, [], 'no 404 (or other error status)');
    assert.doesNotMatch(output, /optimizeDeps|does not exist/, 'no dependency-optimizer complaint');
    const workers = [...new Set(seen.urls.filter((u) => /worker/.test(u)).map((u) => new URL(u).pathname))];
    t.diagnostic(`vite-react dev server: worker from ${workers.join(' ')}`);
  } finally {
    await browser.close();
    vite.kill('SIGTERM');
    await exited;
  }
});

// esbuild without the README's one line (the worker as a second entry): the
// bundle asks for a worker.js that is not there. The widget must say so
// plainly, as a start failure, and point at the fix, not crash or hang.
// Quick (~3 s): rebuilds the esbuild copy installed above.
test('portal fixture esbuild without the worker entry: a clear start failure naming the fix', async (t) => {
  if (!apps.esbuild) return t.skip('the esbuild fixture did not install');
  const app = apps.esbuild;
  await run('npm', ['run', 'build'], app, 'npm run build (esbuild, ADAGG_NO_WORKER_ENTRY=1)', { ADAGG_NO_WORKER_ENTRY: '1' });
  const dist = join(app, 'dist');
  assert.equal((await listFiles(dist)).includes('worker.js'), false, 'no worker.js in dist');
  const server = await startServer(dist, 0, { prefix: PREFIX, headers: { 'Content-Security-Policy': CSP } });
  const browser = await launch();
  try {
    const { page } = await openPage(browser.context, server.url);
    const ended = await endedOf(page, 'widget');
    await page.setInputFiles('#widget input[type=file]', files.clean);
    await waitState(page, 'widget', ended, 'error', 60_000);
    assert.equal(await page.locator('#widget-error').getAttribute('data-kind'), 'load');
    const message = await page.locator('#widget-error').textContent();
    assert.match(message, /worker bundled with adagg.*failed to load/);
    assert.match(message, /second entry point named "worker"/);
    assert.equal(await page.locator('#widget').locator('[role=alert] .alert-title').textContent(), 'adagg could not start');
    t.diagnostic(`esbuild without the worker entry: ${message}`);
  } finally {
    await browser.close();
    await server.close();
  }
});
