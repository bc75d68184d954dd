// Issue 19's "done when", as a new user meets it: the Spark report job, run
// as the README says on a directory of CSV files, gives the same two files,
// byte for byte, as the page gives on their concatenation.
//
//   node --test tests/e2e/spark.test.mjs   (needs .venv-spark/ from scripts/setup.sh)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { REPO, tempDir, serve, launch, rm, readFile, writeFile, mkdir } from './helpers.mjs';

const execFileP = promisify(execFile);
let server, browser, dir;

before(async () => {
  dir = await tempDir('adagg-spark-e2e-');
  server = await serve();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('the Spark job on a directory of CSV files gives the page\'s two files on their concatenation', async () => {
  // Three exports of the same campaigns (malformed rows and float noise in them).
  const gen = join(REPO, 'target/release/gen');
  const exports = join(dir, 'exports');
  await mkdir(exports);
  const parts = [];
  for (const seed of [1, 2, 3]) {
    const { stdout } = await execFileP(gen, ['--rows', '40000', '--campaigns', '120', '--seed', String(seed), '--malformed-every', '997', '--noisy-every', '13'], { maxBuffer: 64 << 20 });
    await writeFile(join(exports, `2026-0${seed}.csv`), stdout);
    parts.push(stdout);
  }
  // Their concatenation, as `cat exports/*.csv` writes it (headers repeated).
  const joined = join(dir, 'all.csv');
  await writeFile(joined, parts.join(''));

  // The README's command.
  const out = join(dir, 'report');
  const job = await execFileP(join(REPO, '.venv-spark/bin/python'), [join(REPO, 'spark/adagg_spark.py'), 'performance', '--input', exports, '--output', out], {
    env: { ...process.env, ADAGG_SPARK_MASTER: 'local[2]' },
    maxBuffer: 64 << 20,
  });
  assert.match(job.stdout, /rows skipped:\s+\d+/);

  // The page on the concatenation.
  const page = await browser.context.newPage();
  await page.goto(server.url);
  await page.waitForFunction(() => document.body.dataset.ready === 'true');
  await page.evaluate(() => ['daily', 'anomalies', 'hints'].forEach((id) => (document.getElementById(id).checked = false)));
  await page.setInputFiles('#file', joined);
  await page.waitForFunction(() => document.body.dataset.state && document.body.dataset.state !== 'running', null, { timeout: 120_000 });
  assert.equal(await page.evaluate(() => document.body.dataset.state), 'done');
  for (const [selector, name] of [['#download-ctr', 'top10_ctr.csv'], ['#download-cpa', 'top10_cpa.csv']]) {
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
    const path = join(dir, `page-${name}`);
    await dl.saveAs(path);
    const fromPage = await readFile(path);
    const fromSpark = await readFile(join(out, name));
    assert.ok(fromPage.length > 200, `${name} has rows`);
    assert.ok(fromPage.equals(fromSpark), `${name}: the page's\n${fromPage}\nSpark's\n${fromSpark}`);
  }
});
