// www/adagg.d.ts against a real result (issue 13): a result of
// aggregateFile in the page, written out as an object literal typed
// `AdaggResult`, must type-check with the project's strict settings. An
// object literal gets TypeScript's excess-property check, so a field the
// wasm sends that the declarations lack fails, as does a missing or
// mistyped one.
//
//   npm run e2e            (needs www/pkg built: bash scripts/build-web.sh)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { REPO, serve, launch, writeFile, mkdir } from './helpers.mjs';

const execFileP = promisify(execFile);
const DIR = join(REPO, 'test-results', 'types-check');

let server;
let browser;

before(async () => {
  server = await serve();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** tsc over `source` (a module typed against www/adagg.d.ts): its exit code and output. */
async function typecheck(name, source) {
  await mkdir(DIR, { recursive: true });
  await writeFile(join(DIR, `${name}.ts`), source);
  await writeFile(
    join(DIR, `tsconfig.${name}.json`),
    JSON.stringify({ extends: '../../tsconfig.json', include: [`${name}.ts`, '../../www/adagg.d.ts'] }),
  );
  try {
    await execFileP(join(REPO, 'node_modules', '.bin', 'tsc'), ['-p', join(DIR, `tsconfig.${name}.json`)], { cwd: REPO });
    return { code: 0, output: '' };
  } catch (err) {
    return { code: err.code, output: `${err.stdout}${err.stderr}` };
  }
}

/** A TypeScript module declaring `result` (Blobs as `new Blob()`) of the type `type` from www/adagg.d.ts. */
const literal = (result, type = 'AdaggResult') => `import type { ${type} } from '../../www/adagg.js';

export const result: ${type} = ${JSON.stringify(result, null, 2).replaceAll('"__BLOB__"', 'new Blob()')};
`;

/** The page, loaded and ready (its module API importable). */
async function openPage() {
  const page = await browser.context.newPage();
  await page.goto(server.url);
  await page.waitForFunction(() => document.body.dataset.ready === 'true');
  return page;
}

test('a real result of aggregateFile type-checks as AdaggResult, field for field', async () => {
  const page = await openPage();
  // Every part filled: names beside ids, a skipped row, a total row, a
  // warning of each kind the file can give, a header note.
  const result = await page.evaluate(async () => {
    const { aggregateFile } = await import('./www/adagg.js');
    const csv = [
      'Campaign,Campaign ID,Day,Impressions,Clicks,Cost,Conversions,Clicks',
      'Spring,111,2025-01-01,1000,50,25.00,5,1',
      'Spring,111,2025-01-01,10,50,1.429999948,60,1',
      'Brand,222,2025-13-01,4000,x,1000.00,0,1',
      'Total: Account,--,--,5010,100,1026.43,65,2',
    ].join('\n');
    const r = await aggregateFile(new Blob([csv]), { workers: 1 });
    return { ...r, rejectedCsv: '__BLOB__' };
  });
  await page.close();
  assert.ok(result.summary.notData.length > 0 && result.summary.firstSkipped.length > 0 && result.summary.warnings.length > 0);
  assert.ok(result.ctr[0].campaignName, 'a name beside the id');
  const good = await typecheck('result', literal(result));
  assert.equal(good.code, 0, `www/adagg.d.ts does not describe a real result:\n${good.output}`);

  // The check can fail: a field the declarations do not have, and one of another type.
  const extra = structuredClone(result);
  extra.ctr[0].undeclared = 'x';
  const bad = await typecheck('result-extra', literal(extra));
  assert.notEqual(bad.code, 0);
  assert.match(bad.output, /undeclared/);
  const mistyped = structuredClone(result);
  mistyped.summary.rowsRead = String(mistyped.summary.rowsRead);
  const bad2 = await typecheck('result-mistyped', literal(mistyped));
  assert.notEqual(bad2.code, 0);
  assert.match(bad2.output, /TS2322: Type 'string' is not assignable to type 'number'/);

  // The tables' data: columns and metrics are declared, field for field.
  assert.deepEqual(result.columns.map((c) => c.key), ['campaignId', 'totalImpressions', 'totalClicks', 'totalSpend', 'totalConversions', 'ctr', 'cpa']);
  assert.deepEqual(result.metrics.map((m) => [m.key, m.better]), [['ctr', 'higher'], ['cpa', 'lower']]);
  const badKind = structuredClone(result);
  badKind.columns[1].kind = 'ratio';
  const bad3 = await typecheck('result-column-kind', literal(badKind));
  assert.notEqual(bad3.code, 0);
  assert.match(bad3.output, /"ratio"/);
  const noMetrics = structuredClone(result);
  delete noMetrics.metrics;
  const bad4 = await typecheck('result-no-metrics', literal(noMetrics));
  assert.notEqual(bad4.code, 0);
  assert.match(bad4.output, /metrics/);
  const extraMetric = structuredClone(result);
  extraMetric.metrics[0].undeclared = 1;
  const bad5 = await typecheck('result-metric-extra', literal(extraMetric));
  assert.notEqual(bad5.code, 0);
  assert.match(bad5.output, /undeclared/);
});

test('a real result with rankings asked for by KPI, guardrails, revenue and all campaigns type-checks as AdaggResult', async () => {
  const page = await openPage();
  const result = await page.evaluate(async () => {
    const { aggregateFile } = await import('./www/adagg.js');
    const csv = [
      'Campaign,Campaign ID,Day,Impressions,Clicks,Cost,Conversions,Conv. value',
      'Spring,111,2025-01-01,1000,50,25.00,5,100.00',
      'Brand,222,2025-01-02,4000,40,10.00,0,0',
      'Tiny,333,2025-01-02,10,1,1.00,1,9.00',
    ].join('\n');
    const r = await aggregateFile(new Blob([csv]), {
      workers: 1,
      rank: ['roas', { metric: 'cpc', direction: 'desc' }, 'cvr:asc'],
      min: { clicks: 2, spend: '0.5' },
      allCampaigns: true,
    });
    const isBlob = r.allCampaignsCsv instanceof Blob;
    return { ...r, rejectedCsv: '__BLOB__', allCampaignsCsv: '__BLOB__', isBlob, allText: await r.allCampaignsCsv.text() };
  });
  await page.close();
  const { isBlob, allText, ...typed } = result;
  assert.equal(isBlob, true, 'allCampaignsCsv is a Blob');
  assert.match(allText, /^campaign_id,campaign_name,total_impressions,.*,ROAS\n111,Spring,/);
  assert.equal(typed.hasRevenue, true);
  assert.deepEqual(typed.ctr.map((r) => r.campaignId), ['111', '222'], 'the standard tables are there too, with the guardrails');
  assert.deepEqual(typed.rankings.map((r) => [r.key, r.better, r.fileName, r.removed]), [
    ['roas', 'higher', 'top10_roas.csv', 1],
    ['cpc', 'higher', 'top10_cpc.csv', 1],
    ['cvr', 'lower', 'top10_cvr.csv', 1],
  ]);
  assert.deepEqual(typed.rankings[0].guardrails, [{ field: 'clicks', min: '2' }, { field: 'spend', min: '0.5' }]);
  assert.deepEqual(typed.rankings[0].rows.map((r) => r.campaignId), ['111', '222']);
  const good = await typecheck('result-kpi', literal(typed));
  assert.equal(good.code, 0, `www/adagg.d.ts does not describe a real KPI result:\n${good.output}`);
  const extra = structuredClone(typed);
  extra.rankings[0].rows[0].undeclared = 'x';
  const bad = await typecheck('result-kpi-extra', literal(extra));
  assert.notEqual(bad.code, 0);
  assert.match(bad.output, /undeclared/);
});

test('a real result of aggregateFiles (two platforms) type-checks as AdaggFilesResult', async () => {
  const page = await openPage();
  const result = await page.evaluate(async () => {
    const { aggregateFiles, detectPlatform, PLATFORMS } = await import('./www/adagg.js');
    const google = new File(['Campaign,Campaign ID,Day,Impr.,Clicks,Cost,Conversions,Conv. value\nSpring,111,2025-01-01,1000,50,25.00,5,100.00\n'], 'g.csv');
    const meta = new File(['campaign_id,date,impressions,clicks,spend,conversions\n111,2025-01-01,10,1,1.00,1\n'], 'facebook_nov.csv');
    const detected = await detectPlatform(meta);
    const r = await aggregateFiles([google, { file: meta, platform: detected }], { workers: 1, allCampaigns: true });
    return { ...r, rejectedCsv: '__BLOB__', allCampaignsCsv: '__BLOB__', platformTotalsCsv: '__BLOB__', detected, platforms: r.platforms, names: PLATFORMS, allText: await r.allCampaignsCsv.text() };
  });
  await page.close();
  const { detected, names, allText, ...typed } = result;
  assert.equal(detected, 'meta', 'a generic header, told by the file name');
  assert.deepEqual(names, ['google_ads', 'meta', 'linkedin', 'tiktok', 'microsoft_ads', 'generic']);
  assert.equal(typed.hasPlatforms, true);
  assert.equal(allText, 'platform,campaign_id,campaign_name,total_impressions,total_clicks,total_spend,total_conversions,total_revenue,CTR,CPC,CPM,CVR,CPA,ROAS\n'
    + 'google_ads,111,Spring,1000,50,25.00,5,100.00,0.0500,0.50,25.00,0.1000,5.00,4.00\n'
    + 'meta,111,,10,1,1.00,1,,0.1000,1.00,100.00,1.0000,1.00,\n');
  assert.deepEqual(typed.ctr.map((r) => [r.platform, r.campaignId]), [['meta', '111'], ['google_ads', '111']]);
  assert.deepEqual(typed.files.map((f) => [f.label, f.platform, f.summary.rowsRead]), [['g.csv', 'google_ads', 1], ['facebook_nov.csv', 'meta', 1]]);
  const good = await typecheck('result-files', literal(typed, 'AdaggFilesResult'));
  assert.equal(good.code, 0, `www/adagg.d.ts does not describe a real aggregateFiles result:\n${good.output}`);
});

test('a real result with the daily series and anomalies type-checks as AdaggResult (AdaggDaily, AdaggAnomaly)', async () => {
  const page = await openPage();
  const result = await page.evaluate(async () => {
    const { aggregateFile } = await import('./www/adagg.js');
    // A month of one campaign with a spike on the last day: one flag at least.
    const lines = ['campaign_id,date,impressions,clicks,spend,conversions'];
    for (let d = 1; d <= 30; d++) lines.push(`A,2025-01-${String(d).padStart(2, '0')},1000,${d === 30 ? 400 : 40 + (d % 3)},${d === 30 ? '90.00' : `10.${d % 7}0`},${d % 2}`);
    const r = await aggregateFile(new Blob([lines.join('\n')]), { workers: 1, daily: true, anomalies: true, hints: true });
    const blobs = {};
    for (const k of ['dailyCsv', 'rolling7dCsv', 'rolling28dCsv', 'anomaliesCsv', 'budgetHintsCsv']) blobs[k] = r[k] instanceof Blob;
    return { ...r, rejectedCsv: '__BLOB__', dailyCsv: '__BLOB__', rolling7dCsv: '__BLOB__', rolling28dCsv: '__BLOB__', anomaliesCsv: '__BLOB__', budgetHintsCsv: '__BLOB__', blobs };
  });
  await page.close();
  assert.deepEqual(result.blobs, { dailyCsv: true, rolling7dCsv: true, rolling28dCsv: true, anomaliesCsv: true, budgetHintsCsv: true });
  assert.equal(result.budgetHints.rows.length, 1, 'one campaign, one hint row');
  delete result.blobs;
  assert.equal(result.daily.days, 30);
  assert.ok(result.anomalies.some((a) => a.date === '2025-01-30' && a.metric === 'spend'), JSON.stringify(result.anomalies));
  const good = await typecheck('result-daily', literal(result));
  assert.equal(good.code, 0, `www/adagg.d.ts does not describe a real daily result:\n${good.output}`);
  const extra = structuredClone(result);
  extra.daily.undeclared = 1;
  const bad = await typecheck('result-daily-extra', literal(extra));
  assert.notEqual(bad.code, 0);
  assert.match(bad.output, /undeclared/);
});
