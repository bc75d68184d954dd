// Targeted browser measurements, a few cases interleaved, in one Chromium
// launched like the bench's (bench/browser.mjs), or in Firefox ESR or
// WebKitGTK through the engine tests' drivers (tests/engines/).
//
//   node bench/probe.mjs [--runs 5] [--file bench-data/ad_data.csv] [--engine firefox] CASE...
//
// CASE: floor:READERS[:CHUNK_MIB[:METHOD]]  the read floor (FileReaderSync or stream)
//       gunzip                      a bare DecompressionStream('gzip') read (a .gz --file)
//       adagg:WORKERS[:DIR]         aggregateFile from DIR/aggregate.js (default
//                                   /www; any served directory, e.g. a copy of
//                                   www/ under bench-data/ for A/B runs)
// Prints every run, the median per case, and the median of each phase when
// the variant's result carries a `trace` ([[label, absolute ms], ...]).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../scripts/serve.mjs';
import { CHROMIUM, CHROMIUM_ARGS } from '../tests/e2e/helpers.mjs';
import { readdirSync, readFileSync } from 'node:fs';
import { median, warm } from './util.mjs';
import { chromiumTree, processTree, startSampling } from './rss.mjs';
import { launchEngine } from '../tests/engines/engines.mjs';

const TICK = 100; // USER_HZ on Linux

function cpuOf(statText) {
  const f = statText.slice(statText.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / TICK; // utime + stime, seconds
}

function readOr(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** CPU seconds of a browser's process tree (`procs`): per process type and per live thread name. */
function cpuSnapshot(procs) {
  const snap = new Map();
  for (const { pid, renderer, type: named } of procs) {
    const stat = readOr(`/proc/${pid}/stat`);
    if (!stat) continue;
    const cmd = readOr(`/proc/${pid}/cmdline`) ?? '';
    const type = named ?? (renderer ? 'renderer' : (/--type=([\w-]+)/.exec(cmd)?.[1] ?? 'browser') + (/--utility-sub-type=([\w.]+)/.exec(cmd)?.[1] ? ':' + /--utility-sub-type=([\w.]+)/.exec(cmd)[1].split('.').pop() : ''));
    const threads = new Map();
    try {
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        const t = readOr(`/proc/${pid}/task/${tid}/stat`);
        if (t) threads.set(tid, { name: t.slice(t.indexOf('(') + 1, t.lastIndexOf(')')), cpu: cpuOf(t) });
      }
    } catch {}
    snap.set(pid, { type, cpu: cpuOf(stat), threads });
  }
  return snap;
}

/** {key: CPU seconds} between two snapshots; threads that ended count as '<type>/ended threads'. */
function cpuDelta(a, b) {
  const out = {};
  const add = (k, v) => {
    if (v > 0.005) out[k] = (out[k] ?? 0) + v;
  };
  for (const [pid, pb] of b) {
    const pa = a.get(pid);
    let rest = pb.cpu - (pa?.cpu ?? 0);
    add(`${pb.type}`, 0); 
    for (const [tid, tb] of pb.threads) {
      const d = tb.cpu - (pa?.threads.get(tid)?.cpu ?? 0);
      rest -= d;
      add(`${pb.type}/${tb.name.replace(/\d+$/, '#')}`, d);
    }
    add(`${pb.type}/ended threads`, rest);
  }
  return out;
}

/** Idle share of all CPUs over `ms`, from /proc/stat (niced time counts as idle). */
async function idleShare(ms) {
  const sample = () => {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    return { idle: f[1] + f[3] + f[4], total: f.reduce((a, b) => a + b, 0) }; // nice'd jobs (fuzzers) count as idle: they yield
  };
  const a = sample();
  await new Promise((r) => setTimeout(r, ms));
  const b = sample();
  return (b.idle - a.idle) / Math.max(1, b.total - a.total);
}

/** Waits (up to 3 min) until the machine is idle (other jobs on this 2-core box skew runs). */
async function quiet() {
  const t0 = Date.now();
  while ((await idleShare(700)) < 0.9 && Date.now() - t0 < 180e3);
}

const REPO = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
let runs = 5;
let file = join(REPO, 'bench-data/ad_data.csv');
let engineName = 'chromium';
const specs = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--runs') runs = Number(args[++i]);
  else if (args[i] === '--file') file = args[++i];
  else if (args[i] === '--engine') engineName = args[++i];
  else specs.push(args[i]);
}
const cases = specs.map((s) => {
  const [job, n, extra, method] = s.split(':');
  if (job === 'floor') return { name: s, job, opts: { readers: Number(n), chunkSize: (Number(extra) || 16) << 20, method: method || 'FileReaderSync' } };
  if (job === 'adagg') return { name: s, job, opts: { workers: Number(n), variant: extra || '/www' } };
  if (job === 'gunzip') return { name: s, job, opts: {} };
  throw new Error(`bad case ${s}`);
});

/**
 * The probe page open in `name`: {version, evaluate(fn, arg), choose(path),
 * procs() (the browser's processes), close()}. Chromium is launched here,
 * as before (PROBE_ARGS applies); the other engines through tests/engines/.
 */
async function openProbe(name, url) {
  if (name !== 'chromium') {
    const engine = await launchEngine(name);
    try {
      const tab = await engine.open(url);
      return {
        version: `${name} ${engine.version}`,
        evaluate: (fn, arg) => tab.evaluate(fn, arg),
        choose: (path) => tab.chooseFile("document.getElementById('file')", path),
        procs: () => processTree(engine.pid),
        close: () => engine.close(),
      };
    } catch (err) {
      await engine.close();
      throw err;
    }
  }
  const profile = await mkdtemp(join(tmpdir(), 'adagg-probe-'));
  // PROBE_ARGS: extra Chromium flags, space-separated (e.g. --js-flags=--no-wasm-dynamic-tiering).
  const extraArgs = (process.env.PROBE_ARGS ?? '').split(' ').filter(Boolean);
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS, ...extraArgs] });
  const close = async () => {
    await context.close().catch(() => {});
    await rm(profile, { recursive: true, force: true });
  };
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (err) => console.error(`page error: ${err.message}`));
    page.on('console', (msg) => console.error(`page: ${msg.text()}`));
    await page.goto(url);
    return {
      version: `chromium ${await page.evaluate(() => /Chrome\/([\d.]+)/.exec(navigator.userAgent)?.[1])}`,
      evaluate: (fn, arg) => page.evaluate(fn, arg),
      choose: (path) => page.setInputFiles('#file', path),
      procs: () => chromiumTree(profile),
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

const server = await startServer(REPO, 0);
const probe = await openProbe(engineName, `${server.url}bench/probe.html`);
try {
  console.log(`${probe.version}, navigator.hardwareConcurrency ${await probe.evaluate(() => navigator.hardwareConcurrency)}`);
  warm(file);
  const results = new Map(cases.map((c) => [c, []]));
  const v0 = {};
  for (let r = 0; r < runs; r++) {
    for (const c of cases) {
      await quiet();
      await probe.evaluate(([job, opts]) => globalThis.probe.arm(job, opts), [c.job, c.opts]);
      const before = cpuSnapshot(probe.procs());
      const sampler = startSampling(probe.procs);
      await probe.choose(file);
      const v = await probe.evaluate(() => globalThis.probe.done).finally(() => (v0.rss = sampler.stop()));
      v.rss = v0.rss;
      v.cpu = cpuDelta(before, cpuSnapshot(probe.procs()));
      results.get(c).push(v);
      const phases = v.trace ? ' ' + phaseText(v) : '';
      console.log(`run ${r + 1} ${c.name}: ${(v.ms / 1000).toFixed(3)} s${phases}`);
    }
  }
  const ref = results.get(cases.find((c) => c.job === 'adagg'))?.[0];
  for (const c of cases) {
    const res = results.get(c);
    let line = `${c.name}: median ${(median(res.map((v) => v.ms)) / 1000).toFixed(3)} s  runs ${res.map((v) => (v.ms / 1000).toFixed(2)).join(' ')}`;
    if (c.job === 'adagg') line += res.every((v) => v.ctrCsv === ref.ctrCsv && v.cpaCsv === ref.cpaCsv) ? '  (same CSVs)' : '  (CSV MISMATCH)';
    console.log(line);
    const keys = [...new Set(res.flatMap((v) => Object.keys(v.cpu)))];
    const cpuMed = keys.map((k) => [k, median(res.map((v) => v.cpu[k] ?? 0))]).filter(([, x]) => x >= 0.02).sort((x, y) => y[1] - x[1]);
    const total = median(res.map((v) => Object.values(v.cpu).reduce((x, y) => x + y, 0)));
    if (engineName === 'chromium') console.log(`  renderer peak MiB: median ${median(res.map((v) => v.rss.renderer)).toFixed(0)}, max ${Math.max(...res.map((v) => v.rss.renderer)).toFixed(0)}`);
    else console.log(`  peak MiB of all ${engineName} processes: median ${median(res.map((v) => v.rss.all)).toFixed(0)}, max ${Math.max(...res.map((v) => v.rss.all)).toFixed(0)}`);
    console.log(`  CPU s (median): total ${total.toFixed(2)}; ` + cpuMed.map(([k, x]) => `${k} ${x.toFixed(2)}`).join(', '));
    if (res[0].trace) {
      const labels = [...new Set(res.flatMap((v) => v.trace.map(([l]) => l)))];
      console.log('  phase medians (ms since change event): ' + labels.map((l) => `${l}=${median(res.map((v) => at(v, l)).filter((x) => x != null)).toFixed(0)}`).join(' '));
    }
  }
} finally {
  await probe.close();
  await server.close();
}

function at(v, label) {
  const e = v.trace.find(([l]) => l === label);
  return e ? rel(v, e) : null;
}

function phaseText(v) {
  return v.trace.map((e) => `${e[0]}=${rel(v, e).toFixed(0)}`).join(' ');
}

/** Trace entries are absolute times, or durations when the label has a '#'. */
function rel(v, [label, t]) {
  return label.includes('#') ? t : t - v.abs0;
}
