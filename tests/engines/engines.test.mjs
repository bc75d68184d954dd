// The same end-to-end cases in every engine the users have: Chromium
// (playwright-core), Firefox ESR (puppeteer-core over WebDriver BiDi) and
// WebKitGTK (selenium-webdriver, WebKitWebDriver + MiniBrowser under Xvfb).
//
//   node --test tests/engines/        (needs www/pkg: bash scripts/build-web.sh,
//                                      and the engines: bash scripts/setup-engines.sh)
//
// Env: ADAGG_ENGINES=firefox,webkit picks engines (default: all three);
// ADAGG_ENGINES_CANCEL_MB sizes the file that is cancelled (default 256).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { open } from 'node:fs/promises';
import { REPO, cleanCsv, malformedCsv, tempDir, cliOutput, rm, writeFile } from '../e2e/helpers.mjs';
import { startServer } from '../../scripts/serve.mjs';
import { ENGINES, launchEngine } from './engines.mjs';
import {
  PAGE_INPUT,
  widgetInput,
  openApp,
  runPage,
  pageResult,
  pageErrors,
  asShown,
  openEmbed,
  widgetEvents,
  widgetOutcome,
  widgetTable,
} from './app.mjs';

const CANCEL_MB = Number(process.env.ADAGG_ENGINES_CANCEL_MB || 256);
const FIXTURE = join(REPO, 'tests', 'fixtures', 'semicolon_decimal_comma_cp1252', 'input.csv');

let server;
let dir;
/** Every request the server got: {path, at} (WebDriver classic cannot report WebKit's). */
const served = [];
const files = {};
/** The CLI's top10_ctr.csv / top10_cpa.csv per file key, as Buffers. */
const cli = {};

/** A clean CSV of about `mb` MB, fast: one 8 MB body written again and again. */
async function bigCsv(path, mb) {
  const body = cleanCsv({ bytes: 8 << 20, seed: 5, campaignCount: 500 }).replace(/^.*\n/, '');
  const fh = await open(path, 'w');
  try {
    await fh.write('campaign_id,date,impressions,clicks,spend,conversions\n');
    for (let size = 0; size < mb << 20; size += body.length) await fh.write(body);
  } finally {
    await fh.close();
  }
}

before(async () => {
  dir = await tempDir('adagg-engines-');
  server = await startServer(REPO, 0, { onRequest: (req) => served.push({ path: req.url, at: Date.now() }) });
  files.generated = join(dir, 'generated.csv');
  await writeFile(files.generated, malformedCsv({ bytes: 5 << 20, seed: 31 }).csv);
  files.fixture = FIXTURE;
  files.small = join(dir, 'small.csv');
  await writeFile(files.small, cleanCsv({ bytes: 256 << 10, seed: 32, campaignCount: 20 }));
  files.big = join(dir, 'big.csv');
  await bigCsv(files.big, CANCEL_MB);
  for (const key of ['generated', 'fixture', 'small']) {
    const { ctr, cpa, files: written } = await cliOutput(files[key], join(dir, `cli-${key}`), key === 'generated' ? ['--daily', '--anomalies'] : []);
    cli[key] = { ctr, cpa, daily: written['daily.csv'], anomalies: written['anomalies.csv'] };
  }
});

after(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Asserts that the page's tables and download links give the CLI's CSVs for `key`. */
function assertSameAsCli(shown, key, what) {
  for (const metric of ['ctr', 'cpa']) {
    const want = cli[key][metric];
    assert.equal(shown[metric].download, `top10_${metric}.csv`, `${what}: download name`);
    assert.ok(shown[metric].bytes, `${what}: the ${metric} link serves a Blob`);
    assert.ok(shown[metric].bytes.equals(want), `${what}: top10_${metric}.csv differs from the CLI's\npage:\n${shown[metric].bytes}\ncli:\n${want}`);
    assert.deepEqual(shown[metric].rows, asShown(want.toString()), `${what}: the ${metric} table`);
  }
}

for (const name of ENGINES) {
  describe(name, () => {
    let engine;

    before(async () => {
      engine = await launchEngine(name);
      console.error(`# ${name} ${engine.version}`);
    });

    after(async () => {
      await engine?.close();
    });

    test('page: a generated CSV and the Windows-1252 semicolon fixture give the CLI\'s tables and downloads, byte for byte', async () => {
      const tab = await openApp(engine, server.url);
      const cores = await tab.evaluate(() => navigator.hardwareConcurrency);
      for (const key of ['generated', 'fixture']) {
        assert.equal(await runPage(tab, files[key]), 'done', key);
        const shown = await pageResult(tab);
        // 5 MB: ranges of 1 MiB at least, so as many as the default worker count (up to 4).
        if (key === 'generated') assert.equal(shown.workers, String(cores), 'the default worker count: the logical cores the engine reports');
        assertSameAsCli(shown, key, key);
      }
      // Over time (issue 16), on by default in the page: the run has the
      // daily series; uPlot draws in this engine; daily.csv and anomalies.csv are the CLI's.
      assert.equal(await runPage(tab, files.generated), 'done');
      await tab.waitFor(() => document.querySelector('#chart canvas') && document.querySelector('#ranking-chart canvas') && true);
      const text = (id) => tab.evaluate(async (id) => {
        const blob = window.__adaggEngines.blobs.get(document.getElementById(id).href);
        return blob ? blob.text() : null;
      }, id);
      assert.equal(await text('download-daily'), cli.generated.daily.toString(), 'daily.csv = CLI');
      assert.equal(await text('download-anomalies'), cli.generated.anomalies.toString(), 'anomalies.csv = CLI');
      assert.deepEqual(await pageErrors(tab), []);
      await tab.close();
    });

    test('widget: two <ad-aggregator> at once; adagg-done and the tables give the CLI\'s answer', async () => {
      const tab = await openEmbed(engine, `${server.url}www/embed.html`);
      await tab.evaluate(() => document.getElementById('widget-a').setAttribute('workers', '2'));
      // widget-b has top="5": the fixture's ranking has fewer rows, so it is the CLI's whole file.
      await tab.chooseFile(widgetInput('widget-a'), files.generated);
      await tab.chooseFile(widgetInput('widget-b'), files.fixture);
      const [a, b] = [await widgetOutcome(tab, 'widget-a'), await widgetOutcome(tab, 'widget-b')];
      assert.equal(a.type, 'adagg-done', `widget-a: ${a.kind} ${a.message}`);
      assert.equal(b.type, 'adagg-done', `widget-b: ${b.kind} ${b.message}`);
      assert.equal(a.ctrCsv, cli.generated.ctr.toString(), 'widget-a ctrCsv = CLI top10_ctr.csv');
      assert.equal(a.cpaCsv, cli.generated.cpa.toString(), 'widget-a cpaCsv = CLI top10_cpa.csv');
      assert.equal(b.ctrCsv, cli.fixture.ctr.toString(), 'widget-b ctrCsv = CLI top10_ctr.csv');
      assert.equal(b.cpaCsv, cli.fixture.cpa.toString(), 'widget-b cpaCsv = CLI top10_cpa.csv');
      for (const [id, key] of [['widget-a', 'generated'], ['widget-b', 'fixture']]) {
        for (const metric of ['ctr', 'cpa']) {
          assert.deepEqual(await widgetTable(tab, id, metric), asShown(cli[key][metric].toString()), `${id} ${metric} table`);
        }
      }
      const progress = (await widgetEvents(tab, 'widget-a')).filter((e) => e.type === 'adagg-progress');
      assert.ok(progress.length >= 1, 'adagg-progress before adagg-done');
      assert.equal(progress.at(-1).bytes, progress.at(-1).total, 'the last progress covers the whole file');
      assert.deepEqual(await pageErrors(tab), []);
      await tab.close();
    });

    test(`cancel: a run on ${CANCEL_MB} MB is cancelled in the page and in the widget, which then run again`, async () => {
      // The page: Cancel is clicked in the page as soon as the bar moves (no
      // round trip to the test: the engines read at different speeds).
      // The default worker count (a count set here would be saved for the next tests).
      const tab = await openApp(engine, server.url);
      await tab.evaluate(() => {
        document.body.dataset.state = '';
        window.__cancelled = new Promise((resolve) => {
          const tick = () => {
            const bar = document.getElementById('progress');
            if (document.body.dataset.state !== 'running' || !(bar.value > 0)) return setTimeout(tick, 1);
            document.getElementById('cancel').click();
            resolve({ value: bar.value, max: bar.max });
          };
          tick();
        });
      });
      await tab.chooseFile(PAGE_INPUT, files.big);
      const at = await tab.evaluate(() => window.__cancelled);
      assert.ok(at.value < at.max, `cancelled before the end: ${JSON.stringify(at)}`);
      const state = await tab.waitFor(() => document.body.dataset.state !== 'running' && document.body.dataset.state);
      assert.equal(state, 'cancelled');
      const view = await tab.evaluate(() => ({
        notice: document.getElementById('notice').textContent,
        results: document.getElementById('results').hidden,
        progress: document.getElementById('progress-card').hidden,
        input: document.getElementById('file').disabled,
      }));
      assert.match(view.notice, /^Cancelled\./);
      assert.deepEqual({ ...view, notice: undefined }, { notice: undefined, results: true, progress: true, input: false });
      // The workers stop their ranges and are kept for the next run.
      const stats = await tab.waitFor(async () => {
        const s = (await import('/www/aggregate.js')).workerStats();
        return s.busy === 0 && s;
      });
      assert.ok(stats.stoppedEarly >= 1, `a worker stopped its range early: ${JSON.stringify(stats)}`);
      assert.equal(await runPage(tab, files.small), 'done', 'the page runs again');
      assertSameAsCli(await pageResult(tab), 'small', 'after cancel');
      assert.deepEqual(await pageErrors(tab), []);
      await tab.close();

      // The widget: Cancel clicked on its first progress event with bytes read.
      const embed = await openEmbed(engine, `${server.url}www/embed.html`);
      await embed.evaluate(() => {
        const el = document.getElementById('widget-a');
        el.setAttribute('workers', '2');
        const onProgress = (e) => {
          if (e.target !== el || !(e.detail.bytes > 0)) return;
          document.removeEventListener('adagg-progress', onProgress);
          el.shadowRoot.querySelector('.progress-box button').click();
        };
        document.addEventListener('adagg-progress', onProgress);
      });
      await embed.chooseFile(widgetInput('widget-a'), files.big);
      const outcome = await widgetOutcome(embed, 'widget-a');
      assert.equal(outcome.type, 'adagg-error');
      assert.equal(outcome.kind, 'abort');
      const notice = await embed.evaluate(() => document.getElementById('widget-a').shadowRoot.querySelector('.notice').textContent);
      assert.match(notice, /^Cancelled\./);
      await embed.chooseFile(widgetInput('widget-a'), files.small);
      const again = await widgetOutcome(embed, 'widget-a', 2);
      assert.equal(again.type, 'adagg-done', 'the widget runs again');
      assert.equal(again.ctrCsv, cli.small.ctr.toString());
      assert.equal(again.cpaCsv, cli.small.cpa.toString());
      assert.deepEqual(await pageErrors(embed), []);
      await embed.close();
    });

    test('network: once the page has loaded, no request but blob:/data: (a run, the downloads, a cancel, another run)', async () => {
      const tab = await openApp(engine, server.url);
      // The pool keeps the page's worker count (the engine's cores); let them load their scripts.
      const workers = await tab.evaluate(() => Number(document.getElementById('workers').value));
      await tab.waitFor(async (n) => (await import('/www/aggregate.js')).workerStats().idle >= n, [workers]);
      const origin = new URL(server.url).origin;
      const icon = await tab.evaluate(() => document.querySelector('link[rel=icon]').href);
      const seen = tab.requests?.length ?? 0;
      const mark = served.length;
      assert.equal(await runPage(tab, files.generated), 'done');
      assertSameAsCli(await pageResult(tab), 'generated', 'network run');
      await tab.evaluate(() => {
        document.body.dataset.state = '';
        // Cancel once it runs (or it may be over already).
        const tick = () => (document.body.dataset.state === 'running' ? document.getElementById('cancel').click() : setTimeout(tick, 1));
        tick();
      });
      await tab.chooseFile(PAGE_INPUT, files.big);
      assert.equal(await tab.waitFor(() => document.body.dataset.state !== 'running' && document.body.dataset.state), 'cancelled');
      assert.equal(await runPage(tab, files.fixture), 'done');
      assert.deepEqual(await pageErrors(tab), []);
      await tab.close();

      // What the engine saw (CDP in Chromium, BiDi network events in Firefox), any origin ...
      if (tab.requests) {
        assert.ok(seen > 0, 'the engine reported the page load requests');
        // Firefox's front end reads the tab's icon again at times of its own
        // choosing (in about 1 run in 2 when this test runs alone), from its
        // favicon cache: the server never got it (checked below).
        const later = tab.requests.slice(seen).filter((u) => !/^(blob|data):/.test(u) && !(name === 'firefox' && u === icon));
        assert.deepEqual(later, [], `${name} reported requests after load`);
        const foreign = tab.requests.filter((u) => !/^(blob|data):/.test(u) && new URL(u).origin !== origin);
        assert.deepEqual(foreign, [], `${name} reported requests to another origin`);
      }
      // ... and in every engine, what the server got (WebDriver classic cannot report WebKit's requests).
      assert.deepEqual(served.slice(mark).map((r) => r.path), [], 'the server got no request after load');
    });
  });
}
