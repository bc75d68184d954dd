// `npm run scale`: the limits of issue 4, end to end, as a user meets them:
// a 10 GB file and a file with one 100 MB line, each through the native CLI
// and through the real page (index.html) in headless Chromium. Prints time,
// peak memory (CLI RSS; Chromium renderer RSS sampled from /proc) and the
// summary, checks that the page's tables equal the CLI's, and writes
// bench-results/scale.json. Not part of `npm test` (minutes, 11 GB of disk).
//
//   node bench/scale.mjs            (after scripts/gen-data.sh made bench-data/ad_data.csv)
import { execFileSync, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, statSync, writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, serve } from '../tests/e2e/helpers.mjs';
import { startSampling } from './rss.mjs';
import { warm } from './util.mjs';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const DATA = join(REPO, 'bench-data');
const CLI = join(REPO, 'target/release/adagg');
const log = (m) => process.stderr.write(`[scale] ${m}\n`);

/** The 1 GB file's data rows ten times under its header (like the 4 GB bench file). */
function make10g(path) {
  if (existsSync(path) && statSync(path).size > 10e9) return;
  log(`writing ${path}`);
  execFileSync('bash', ['-c', `{ head -n 1 bench-data/ad_data.csv; for _ in $(seq 10); do tail -n +2 bench-data/ad_data.csv; done; } > ${path}.tmp && mv ${path}.tmp ${path}`], { cwd: REPO, stdio: 'inherit' });
}

/** 1,000 good rows, one 100 MB line (an unquoted campaign id), 1,000 good rows. */
async function makeLongLine(path) {
  if (existsSync(path) && statSync(path).size > 100e6) return;
  log(`writing ${path}`);
  const out = createWriteStream(path);
  const write = (s) => new Promise((res) => (out.write(s) ? res() : out.once('drain', res)));
  await write('campaign_id,date,impressions,clicks,spend,conversions\n');
  for (let i = 0; i < 1000; i++) await write(`CMP${i % 10},2025-01-01,100,10,2.50,1\n`);
  const mb = 'x'.repeat(1 << 20);
  await write('LONG');
  for (let i = 0; i < 100; i++) await write(mb);
  await write(',2025-01-01,1,1,1.00,1\n');
  for (let i = 0; i < 1000; i++) await write(`CMP${i % 10},2025-01-02,100,10,2.50,1\n`);
  await new Promise((res) => out.end(res));
}

function cli(file, outDir) {
  const t0 = performance.now();
  const r = spawnSync(CLI, ['-i', file, '-o', outDir, '--today', '2026-12-02'], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`adagg failed on ${file}: ${r.stderr}`);
  const rss = Number(/peak memory:\s+([\d.]+) MiB/.exec(r.stdout)?.[1]);
  return { seconds, peakRssMiB: rss, stdout: r.stdout, ctr: readFileSync(join(outDir, 'top10_ctr.csv'), 'utf8'), cpa: readFileSync(join(outDir, 'top10_cpa.csv'), 'utf8') };
}

async function page(browser, server, file) {
  const page = await browser.context.newPage();
  await page.goto(server.url);
  await page.waitForFunction(() => document.body.dataset.ready === 'true');
  // rss.mjs finds Chromium by its --user-data-dir.
  const sampler = startSampling(browser.profile);
  const t0 = performance.now();
  await page.setInputFiles('#file', file);
  await page.waitForFunction(() => document.body.dataset.state && document.body.dataset.state !== 'running', null, { timeout: 600_000, polling: 200 });
  const seconds = (performance.now() - t0) / 1000;
  const rss = sampler.stop();
  const state = await page.evaluate(() => document.body.dataset.state);
  const shown = await page.evaluate(() => ({
    stats: Object.fromEntries([...document.querySelectorAll('#stats .stat')].map((s) => [s.querySelector('dt').textContent, s.querySelector('dd').textContent])),
    reasons: [...document.querySelectorAll('#skipped-reasons tbody tr')].map((tr) => [...tr.cells].map((c) => c.textContent).join(': ')),
    firstSkipped: [...document.querySelectorAll('#skipped-list li')].map((li) => li.textContent),
    error: document.getElementById('error').hidden ? null : document.getElementById('error-text').textContent,
  }));
  const csv = async (sel) => {
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click(sel)]);
    return readFileSync(await dl.path(), 'utf8');
  };
  const out = state === 'done' ? { ctr: await csv('#download-ctr'), cpa: await csv('#download-cpa') } : {};
  await page.close();
  return { seconds, state, rendererPeakMiB: Math.round(rss.renderer), chromiumPeakMiB: Math.round(rss.all), ...shown, ...out };
}

const files = [
  { key: '10 GB (268 M rows, 50 campaigns)', path: join(DATA, 'ad_data_10g.csv'), make: make10g },
  { key: 'one 100 MB line among 2,000 rows', path: join(DATA, 'long_line.csv'), make: makeLongLine },
];
const results = [];
const server = await serve();
const browser = await launch();
try {
  for (const f of files) {
    await f.make(f.path);
    const bytes = statSync(f.path).size;
    warm(f.path); // into the page cache, as for the bench: both runs read it from memory
    log(`CLI on ${f.key}`);
    const c = cli(f.path, join(DATA, 'scale-out'));
    log(`CLI: ${c.seconds.toFixed(2)} s, peak RSS ${c.peakRssMiB} MiB`);
    log(`page on ${f.key}`);
    const p = await page(browser, server, f.path);
    log(`page: ${p.state} in ${p.seconds.toFixed(2)} s, renderer peak ${p.rendererPeakMiB} MiB`);
    results.push({
      file: f.key,
      bytes,
      cli: { seconds: +c.seconds.toFixed(3), peakRssMiB: c.peakRssMiB, summary: c.stdout },
      page: { ...p, ctr: undefined, cpa: undefined, sameAsCli: p.ctr === c.ctr && p.cpa === c.cpa },
    });
  }
} finally {
  await browser.close();
  await server.close();
}
mkdirSync(join(REPO, 'bench-results'), { recursive: true });
writeFileSync(join(REPO, 'bench-results', 'scale.json'), JSON.stringify({ date: new Date().toISOString(), results }, null, 2));
for (const r of results) {
  console.log(`${r.file} (${(r.bytes / 1e9).toFixed(2)} GB)`);
  console.log(`  CLI:  ${r.cli.seconds} s, peak RSS ${r.cli.peakRssMiB} MiB`);
  console.log(`  page: ${r.page.state} in ${r.page.seconds.toFixed(2)} s, renderer peak ${r.page.rendererPeakMiB} MiB (all Chromium ${r.page.chromiumPeakMiB} MiB), tables ${r.page.sameAsCli ? 'equal to' : 'DIFFERENT from'} the CLI's`);
  console.log(`  page summary: ${JSON.stringify(r.page.stats)} ${r.page.reasons.join('; ')} ${r.page.firstSkipped.slice(0, 2).join('; ')}`);
}
