// Click logs in the page (issue 17), in Debian's headless Chromium: a
// generated log (retries, bot user agents, velocity bursts, malformed rows,
// mixed timestamps, cost) dropped on the page is detected as a click log;
// every file the page offers equals the CLI's byte for byte; the exact
// columns equal the independent Python reference's; the stats query in the
// page answers what `adagg clicks --stats` prints; nothing is requested
// from another origin.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readdir } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { REPO, tempDir, serve, launch, rm, readFile, writeFile, mkdir } from './helpers.mjs';

const execFileP = promisify(execFile);
const FILES = ['clicks_1m.csv', 'clicks_5m.csv', 'clicks_1h.csv', 'top10_ads.csv', 'flagged_clicks.csv', 'rejected_rows.csv', 'user_sketches_1h.csv', 'click_summary.json'];

let server;
let browser;
let dir;

before(async () => {
  dir = await tempDir('adagg-clicks-e2e-');
  server = await serve();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function gen(name, args) {
  const path = join(dir, name);
  await execFileP(join(REPO, 'target/release/gen'), ['--kind', 'clicks', '--quiet', '--output', path, ...args]);
  return path;
}

async function cli(input, out, args = []) {
  await mkdir(out, { recursive: true });
  const { stdout } = await execFileP(join(REPO, 'target/release/adagg'), ['clicks', '--input', input, '--output', out, ...args], { maxBuffer: 64 << 20 });
  const files = {};
  for (const name of await readdir(out)) files[name] = await readFile(join(out, name));
  return { stdout, files };
}

async function openApp() {
  const page = await browser.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  await page.goto(server.url);
  await page.waitForFunction(() => document.body.dataset.ready === 'true');
  page.pageErrors = errors;
  return page;
}

async function runLog(page, file) {
  await page.evaluate(() => {
    document.body.dataset.state = '';
  });
  await page.setInputFiles('#file', file);
  await page.waitForFunction(() => document.body.dataset.state && document.body.dataset.state !== 'running', null, { timeout: 120_000 });
  return page.evaluate(() => ({ state: document.body.dataset.state, kind: document.body.dataset.kind, error: document.getElementById('error-text').textContent }));
}

async function downloadAll(page, out) {
  await mkdir(out, { recursive: true });
  const got = {};
  for (const name of FILES) {
    const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 20_000 }), page.click(`a[data-file="${name}"]`)]);
    const path = join(out, name);
    await dl.saveAs(path);
    got[name] = await readFile(path);
  }
  return got;
}

/**
 * Page and CLI give the same files; the summary differs only in the
 * de-duplication limit (20 M ids in the browser, 200 M natively).
 */
function assertSameFiles(got, want) {
  for (const name of FILES) {
    if (name === 'click_summary.json') {
      const [a, b] = [JSON.parse(got[name]), JSON.parse(want[name])];
      assert.equal(a.dedup_limit, 20_000_000);
      assert.equal(b.dedup_limit, 200_000_000);
      delete a.dedup_limit;
      delete b.dedup_limit;
      assert.deepEqual(a, b, 'click_summary.json: page and CLI differ');
    } else {
      assert.equal(got[name].toString(), want[name].toString(), `${name}: page and CLI differ`);
    }
  }
}

/** A CSV's rows without the unique_users column (the reference counts users exactly). */
function exactColumns(text) {
  const lines = text.trim().split('\n');
  const drop = lines[0].split(',').indexOf('unique_users');
  return lines.map((l) => l.split(',').filter((_, i) => i !== drop).join(','));
}

test('a click log on the page: every file equals the CLI, the exact columns the Python reference, the stats query the CLI', async () => {
  const log = await gen('log.ndjson', ['--rows', '40000', '--ads', '40', '--users', '3000', '--mixed-timestamps', '--cost', '--malformed-every', '997', '--seed', '5']);
  const firstIp = JSON.parse((await readFile(log, 'utf8')).split('\n')[0]).ip_address;
  const blocklist = join(dir, 'blocklist.txt');
  await writeFile(blocklist, `# test list\n${firstIp}\n10.0.0.0/8\n2001:db8::/32\n`);
  const want = await cli(log, join(dir, 'cli'), ['--blocklist', blocklist, '--velocity-max', '4']);

  const page = await openApp();
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.click('#click-settings summary');
  await page.setInputFiles('#blocklist', blocklist);
  await page.fill('#velocity-max', '4');
  const outcome = await runLog(page, log);
  assert.deepEqual(outcome, { state: 'done', kind: 'clicks', error: '' });
  const got = await downloadAll(page, join(dir, 'page'));
  assertSameFiles(got, want.files);
  const summary = JSON.parse(got['click_summary.json']);
  assert.ok(summary.duplicates > 0 && summary.flagged > 0 && summary.rejected > 0, JSON.stringify(summary));
  assert.ok(summary.rules.every((r) => r.on), 'every rule is on');

  // The independent reference (tests/clicks/reference.py): exact columns equal.
  const ref = join(dir, 'ref');
  await execFileP('python3', [join(REPO, 'tests/clicks/reference.py'), log, ref, '--blocklist', blocklist, '--velocity-max', '4'], { maxBuffer: 64 << 20 });
  for (const name of ['clicks_1m.csv', 'clicks_5m.csv', 'clicks_1h.csv', 'top10_ads.csv', 'flagged_clicks.csv']) {
    assert.deepEqual(exactColumns(got[name].toString()), exactColumns(await readFile(join(ref, name), 'utf8')), `${name}: page and reference differ`);
  }

  // The stats query: the busiest ad over the log's first two hours, 5-minute windows.
  const ad = await page.locator('#clicks-ad').inputValue();
  await page.selectOption('#clicks-window', '5m');
  await page.fill('#stats-start', '2025-01-15T12:00:00Z');
  await page.fill('#stats-end', '2025-01-15T14:00:00Z');
  await page.click('#stats-run');
  await page.waitForFunction(() => document.getElementById('stats-json').textContent !== '');
  const shown = await page.locator('#stats-json').textContent();
  const { stdout } = await execFileP(join(REPO, 'target/release/adagg'), ['clicks', '--input', log, '--blocklist', blocklist, '--velocity-max', '4', '--stats', `ad_id=${ad}&window=5m&start=2025-01-15T12:00:00Z&end=2025-01-15T14:00:00Z`, '--stats-only']);
  assert.equal(shown, stdout.trim());
  const answer = JSON.parse(shown);
  assert.equal(answer.data.length, 24);
  assert.equal(await page.locator('#stats-table tbody tr').count(), 24);
  // The chart is drawn (a uPlot canvas), the top ads shown as text.
  assert.equal(await page.locator('#clicks-chart canvas').count() > 0, true);
  assert.equal(await page.locator('#clicks-top tbody tr').count(), 10);

  const foreign = requests.filter((u) => !u.startsWith(new URL(server.url).origin) && !u.startsWith('blob:') && !u.startsWith('data:'));
  assert.deepEqual(foreign, [], 'no request leaves the origin');
  assert.deepEqual(page.pageErrors, []);
  await page.close();
});

test('aggregateClicks over several workers (ranges of any size, a split inside a quoted field) equals the CLI', async () => {
  const page = await openApp();
  const run = (bytes, options) =>
    page.evaluate(
      async ({ b64, options }) => {
        const { aggregateClicks } = await import('/www/adagg.js');
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const seen = [];
        const r = await aggregateClicks(new Blob([bytes]), { ...options, onProgress: (p) => seen.push(p.bytesDone) });
        const files = {};
        for (const [name, blob] of Object.entries(r.files)) files[name] = await blob.text();
        r.close();
        const { workers, ranges, reruns } = r.timing;
        return { files, last: seen[seen.length - 1], total: 2 * bytes.length, timing: { workers, ranges, reruns } };
      },
      { b64: Buffer.from(bytes).toString('base64'), options },
    );
  const log = await gen('workers.ndjson', ['--rows', '30000', '--ads', '25', '--users', '2500', '--mixed-timestamps', '--cost', '--malformed-every', '501', '--seed', '11']);
  const want = await cli(log, join(dir, 'cli-workers'), ['--velocity-max', '3']);
  const bytes = await readFile(log);
  for (const workers of [1, 2, 3, 5]) {
    const got = await run(bytes, { workers, minRangeBytes: 1, velocityMax: 3 });
    assertSameFiles(Object.fromEntries(Object.entries(got.files).map(([k, v]) => [k, Buffer.from(v)])), want.files);
    assert.equal(got.last, got.total, `${workers} workers: progress ends at twice the size`);
    assert.deepEqual(got.timing, { workers, ranges: workers, reruns: 0 });
  }
  // A CSV whose every record spans lines (a user agent with line breaks):
  // a split falls inside a quoted field, and the log is read as one range.
  let csv = 'click_id,ad_id,user_id,timestamp,user_agent\n';
  for (let i = 0; i < 3000; i++) csv += `c${i % 2900},ad${i % 7},u${i % 300},${1736952000 + i * 7},"Mozilla/5.0\nline two ${i}\nline three"\n`;
  const csvPath = join(dir, 'multiline.csv');
  await writeFile(csvPath, csv);
  const wantCsv = await cli(csvPath, join(dir, 'cli-multiline'));
  const got = await run(Buffer.from(csv), { workers: 3, minRangeBytes: 1 });
  assert.deepEqual(got.timing, { workers: 3, ranges: 1, reruns: 1 });
  // Cancelled at its first progress report: an AbortError, no worker left
  // running, and the next run is whole.
  const cancelled = await page.evaluate(async (b64) => {
    const { aggregateClicks } = await import('/www/adagg.js');
    const blob = new Blob([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))]);
    const controller = new AbortController();
    try {
      await aggregateClicks(blob, { workers: 2, minRangeBytes: 1, signal: controller.signal, onProgress: () => controller.abort() });
      return 'finished';
    } catch (err) {
      return err.name;
    }
  }, bytes.toString('base64'));
  assert.equal(cancelled, 'AbortError');
  const clickWorkers = () => page.workers().filter((w) => w.url().includes('clicks-worker')).length;
  for (let i = 0; i < 50 && clickWorkers() > 0; i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal(clickWorkers(), 0, 'the cancelled run left no click-log worker');
  const again = await run(bytes, { workers: 2, minRangeBytes: 1, velocityMax: 3 });
  assertSameFiles(Object.fromEntries(Object.entries(again.files).map(([k, v]) => [k, Buffer.from(v)])), want.files);
  assertSameFiles(Object.fromEntries(Object.entries(got.files).map(([k, v]) => [k, Buffer.from(v)])), wantCsv.files);
  assert.deepEqual(page.pageErrors, []);
  await page.close();
});

test('a CSV click log, and an export after it: each shown as its kind', async () => {
  const log = await gen('log.csv', ['--format', 'csv', '--rows', '20000', '--ads', '30', '--users', '2000', '--seed', '9']);
  const want = await cli(log, join(dir, 'cli-csv'));
  const page = await openApp();
  assert.deepEqual(await runLog(page, log), { state: 'done', kind: 'clicks', error: '' });
  const got = await downloadAll(page, join(dir, 'page-csv'));
  assertSameFiles(got, want.files);
  // An ad-performance export afterwards: the click view is gone, the rankings shown.
  const perf = join(dir, 'perf.csv');
  await writeFile(perf, 'campaign_id,date,impressions,clicks,spend,conversions\nCMP1,2025-01-01,1000,10,5.00,1\n');
  const after = await runLog(page, perf);
  assert.equal(after.state, 'done');
  assert.equal(after.kind, undefined);
  assert.equal(await page.locator('#clicks-results').isHidden(), true);
  assert.deepEqual(page.pageErrors, []);
  await page.close();
});

test('the <ad-aggregator> widget detects a click log and shows the click view', async () => {
  const log = await gen('widget.ndjson', ['--rows', '5000', '--ads', '12', '--users', '800', '--seed', '3']);
  const firstIp = JSON.parse((await readFile(log, 'utf8')).split('\n')[0]).ip_address;
  const blocklist = join(dir, 'widget-blocklist.txt');
  await writeFile(blocklist, `${firstIp}\n10.0.0.0/8\n`);
  const want = await cli(log, join(dir, 'cli-widget'), ['--blocklist', blocklist, '--velocity-max', '3', '--no-rule', 'bot_user_agent']);
  const page = await browser.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  await page.goto(new URL('www/embed.html', server.url).href);
  await page.waitForFunction(() => customElements.get('ad-aggregator'));
  await page.evaluate((ip) => {
    globalThis.clickEvents = [];
    const w = document.getElementById('widget-a');
    w.setAttribute('click-velocity-max', '3');
    w.setAttribute('click-rules-off', 'bot_user_agent');
    w.setAttribute('click-blocklist', `${ip}, 10.0.0.0/8`);
    w.addEventListener('adagg-clicks-done', (e) => globalThis.clickEvents.push(e.detail));
  }, firstIp);
  await page.setInputFiles('#widget-a input[type=file]', log);
  await page.waitForFunction(() => globalThis.clickEvents.length === 1, null, { timeout: 60_000 });
  const summary = await page.evaluate(() => globalThis.clickEvents[0].summary);
  const cliSummary = JSON.parse(want.files['click_summary.json']);
  delete cliSummary.dedup_limit;
  delete summary.dedup_limit;
  assert.deepEqual(summary, cliSummary);
  assert.equal(summary.velocity_max, 3);
  assert.ok(summary.rules.find((r) => r.id === 'ip_blocklist').flagged > 0);
  assert.equal(summary.rules.find((r) => r.id === 'bot_user_agent').off_reason, 'switched off');
  // The view in the shadow tree: the top ads and the chart.
  assert.equal(await page.locator('#widget-a #clicks-top tbody tr').count(), 10);
  assert.ok((await page.locator('#widget-a #clicks-chart canvas').count()) > 0);
  assert.deepEqual(errors, []);
  await page.close();
});
