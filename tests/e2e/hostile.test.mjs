// Hostile and real-world inputs (issue 12): no row lost and no total changed
// without a message, in the page with 1 and 3 workers, byte for byte the
// same as the CLI with 1 and 2 threads (downloads, or the error message).
//
//   npm run e2e            (needs www/pkg built: bash scripts/build-web.sh)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { REPO, HEADER, tempDir, serve, launch, rm, readFile, writeFile, mkdir } from './helpers.mjs';

const execFileP = promisify(execFile);
const CLI = join(REPO, 'target', 'release', 'adagg');

let server;
let browser;
let dir;

before(async () => {
  dir = await tempDir('adagg-hostile-');
  server = await serve();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const lines = (line, n) => `${line}\n`.repeat(n);

/** The cases: each a file (a Buffer), and what must be seen in both shells. */
const CASES = {
  // 1. Campaigns named like totals are data; a real total row is listed with its line.
  totals: {
    csv: `${HEADER}\nTotal Recall,2025-01-01,100,50,5.00,1\nTotals Sale,2025-01-01,100,40,5.00,1\nTOTAL GYM Spring,2025-01-02,10,1,1.00,1\nTotal,,210,91,11.00,2\n`,
    ctr: ['Total Recall', 'Totals Sale', 'TOTAL GYM Spring'],
    shown: [/^line 5: total or footer row \(never added to a campaign\): "Total"$/],
  },
  advertiser: {
    csv: 'advertiser,campaign_id,date,impressions,clicks,spend,conversions\nTotal Wine & More,TW1,2025-01-01,100,50,5.00,1\n',
    ctr: ['TW1'],
  },
  // 2. An overflow in a later range, and one that appears only when ranges merge: the line.
  overflowLate: {
    csv: `${HEADER}\n${lines('F,2025-01-01,1000,1,1.00,1', 60_000)}BIG,2025-01-02,18446744073709551615,1,1.00,1\nBIG,2025-01-03,1,1,1.00,1\n`,
    error: 'line 60003: total impressions of campaign "BIG" exceeds 18446744073709551615',
  },
  overflowMerge: {
    csv: `${HEADER}\nBIG,2025-01-01,18446744073709551000,1,1.00,1\n${lines('F,2025-01-01,1000,1,1.00,1', 90_000)}BIG,2025-01-02,1000,1,1.00,1\n`,
    error: 'line 90003: total impressions of campaign "BIG" exceeds 18446744073709551615',
  },
  spendOverflow: {
    csv: `${HEADER}\n${lines('F,2025-01-01,1000,1,1.00,1', 60_000)}S,2025-01-01,1,1,18446744073709.551615,1\nS,2025-01-02,1,1,0.000001,1\n`,
    error: 'line 60003: total spend of campaign "S" exceeds 18446744073709.551615',
  },
  // 3. A split point inside a quoted multi-line cell whose text looks like rows.
  quotedRows: {
    csv: `campaign_id,date,impressions,clicks,spend,conversions,notes\n${lines('F,2025-01-01,1000,1,1.00,1,ok', 20_000)}Q,2025-01-01,10,1,1.00,1,"${lines('BIG,2025-01-01,18446744073709551615,0,0,0,x', 2000)}"\n${lines('F,2025-01-01,1000,1,1.00,1,ok', 20_000)}`,
    ctr: ['Q', 'F'],
  },
  // 4. Bytes that are not UTF-8 after the first MiB: never two ids merged.
  notUtf8: {
    csv: Buffer.concat([
      Buffer.from(`${HEADER}\n${lines('A,2025-01-01,1000,1,1.00,1', 60_000)}`),
      Buffer.from('Caf\xe9,2025-01-01,10,1,1.00,1\nCaf\xe8,2025-01-01,10,1,1.00,1\n', 'latin1'),
    ]),
    error: /^line 60002: campaign_id "Caf\\xE9" is not valid UTF-8, though the start of the file is: .*choose that encoding/,
  },
  // 5. Two exports joined: byte-order marks mid-file, a header in the same order, in another order.
  joined: {
    csv: Buffer.concat([
      Buffer.from(`\ufeff${HEADER}\nC1,2025-01-01,10,1,1.00,1\n`),
      Buffer.from(`\ufeff${HEADER}\nC1,2025-01-02,10,1,1.00,1\n\ufeffC2,2025-01-02,10,2,1.00,1\n`),
    ]),
    ctr: ['C2', 'C1'],
    shown: [/^line 3: header line repeated \(files joined\?\)$/],
  },
  reordered: {
    csv: `${HEADER}\n${lines('C1,2025-01-01,10,1,1.00,1', 50_000)}campaign_id,date,clicks,impressions,spend,conversions\nC1,2025-01-02,1,10,1.00,1\n`,
    error: /^line 50002: the header is repeated with its columns in another order \(campaign_id,date,clicks,impressions,spend,conversions\)/,
  },
  // 6. One stray quote: one line lost, said, and the rest read.
  strayQuote: {
    csv: `${HEADER}\nA,2025-01-01,10,1,1.00,1\n"B,2025-01-01,10,1,1.00,1\n${lines('C,2025-01-01,10,1,1.00,1', 80_000)}`,
    ctr: ['A', 'C'],
    shown: [/^line 3: a quoted field opened on this line is not closed within 1024 KiB/],
    rows: '80,002', // A, the skipped line, and 80,000 C rows
  },
  // 7. Only blank lines before the header, past the first MiB; only blank lines.
  blankThenHeader: {
    csv: `${'\n'.repeat(2_000_000)}${HEADER}\nA,2025-01-01,1,1,1,1\n`,
    error: 'no header row in the first 1024 KiB of the file: only blank lines',
  },
  blankOnly: {
    csv: '\n'.repeat(2_000_000),
    error: /^the file is empty/,
  },
  // 8. Two columns for one field: the one read is said.
  duplicateColumn: {
    csv: `${HEADER},clicks\nA,2025-01-01,10,1,1.00,1,5\n`,
    ctr: ['A'],
    notice: 'header: "clicks" appears twice (columns 4 and 7); column 4 is used',
  },
  // 9. Money with float noise and exponents: rounded to micros, kept, warned.
  noisyFloats: {
    csv: readFileSync(join(REPO, 'tests/reference_cases/noisy_floats/input.csv')),
    ctr: null,
    checks: [/^spend rounded to 6 decimals [1-9]/],
  },
};

async function cli(file, threads) {
  const out = join(dir, `cli-${threads}-${file.split('/').pop()}`);
  await mkdir(out, { recursive: true });
  try {
    const { stdout } = await execFileP(CLI, ['--input', file, '--output', out, '-t', String(threads)], { maxBuffer: 64 << 20 });
    return {
      ctr: await readFile(join(out, 'top10_ctr.csv')),
      cpa: await readFile(join(out, 'top10_cpa.csv')),
      rejected: await readFile(join(out, 'rejected_rows.csv')),
      stdout: stdout.split('\nelapsed:')[0], // no timings
    };
  } catch (err) {
    if (err.code !== 1) throw err;
    return { error: err.stderr.trim().replace(/^adagg: error: /, '') };
  }
}

/** Runs `file` in the page with `workers`; returns downloads and what is shown, or the error shown. */
async function page(file, workers) {
  const p = await browser.context.newPage();
  const errors = [];
  p.on('pageerror', (e) => errors.push(e));
  await p.goto(server.url);
  await p.waitForFunction(() => document.body.dataset.ready === 'true');
  await p.fill('#workers', String(workers));
  await p.locator('#workers').dispatchEvent('change');
  await p.setInputFiles('#file', file);
  await p.waitForFunction(() => document.body.dataset.state && document.body.dataset.state !== 'running', null, { timeout: 120_000 });
  const state = await p.evaluate(() => document.body.dataset.state);
  const out = {};
  if (state === 'error') {
    out.error = (await p.locator('#error-text').textContent()).trim();
  } else {
    assert.equal(state, 'done');
    const get = async (sel) => {
      const [dl] = await Promise.all([p.waitForEvent('download'), p.click(sel)]);
      const path = join(dir, `page-${workers}-${sel.slice(1)}-${file.split('/').pop()}`);
      await dl.saveAs(path);
      return readFile(path);
    };
    out.ctr = await get('#download-ctr');
    out.cpa = await get('#download-cpa');
    out.skipped = await p.evaluate(() => [...document.querySelectorAll('#skipped-list li')].map((li) => li.textContent));
    out.rows = await p.evaluate(() => {
      for (const s of document.querySelectorAll('#stats .stat')) if (s.querySelector('dt').textContent === 'Rows read') return s.querySelector('dd').textContent;
      return null;
    });
    out.checks = await p.evaluate(() => [...document.querySelectorAll('#quality-checks tbody tr')].map((tr) => [...tr.cells].map((c) => c.textContent).join(' ')));
    out.notice = await p.evaluate(() => (document.getElementById('notice').hidden ? null : document.getElementById('notice').textContent));
  }
  assert.deepEqual(errors, []);
  await p.close();
  return out;
}

const ids = (csv) => csv.toString().trim().split('\n').slice(1).map((l) => l.split(',')[0]);

for (const [name, c] of Object.entries(CASES)) {
  test(`hostile input "${name}": the page (1 and 3 workers) and the CLI (1 and 2 threads) agree, and nothing is lost silently`, async () => {
    const file = join(dir, `${name}.csv`);
    await writeFile(file, c.csv);
    const [cli1, cli2] = [await cli(file, 1), await cli(file, 2)];
    assert.deepEqual(cli2, cli1, 'CLI: 2 threads vs 1');
    for (const workers of [1, 3]) {
      const got = await page(file, workers);
      if (c.error) {
        assert.equal(got.error, cli1.error, `page with ${workers} worker(s): the CLI's error`);
        if (c.error instanceof RegExp) assert.match(got.error, c.error);
        else assert.equal(got.error, c.error);
        continue;
      }
      assert.equal(cli1.error, undefined, `CLI failed: ${cli1.error}`);
      assert.ok(got.ctr.equals(cli1.ctr), `${workers} worker(s): top10_ctr.csv\npage:\n${got.ctr}\ncli:\n${cli1.ctr}`);
      assert.ok(got.cpa.equals(cli1.cpa), `${workers} worker(s): top10_cpa.csv`);
      if (c.ctr) assert.deepEqual(ids(got.ctr), c.ctr);
      for (const pattern of c.checks ?? []) {
        assert.ok(got.checks.some((x) => pattern.test(x)), `quality table: ${pattern} in ${JSON.stringify(got.checks)}`);
      }
      if (c.notice) {
        assert.equal(got.notice, c.notice);
        assert.ok(cli1.stdout.includes(`warning: ${c.notice}\n`), 'the CLI says it too');
      }
      for (const pattern of c.shown ?? []) {
        assert.ok(got.skipped.some((s) => pattern.test(s)), `shown on the page: ${pattern} in ${JSON.stringify(got.skipped)}`);
        const listed = cli1.stdout.split('\n').map((l) => l.trim());
        assert.ok(listed.some((s) => pattern.test(s)), `in the CLI summary: ${pattern}`);
      }
      if (c.rows) assert.equal(got.rows, c.rows);
    }
  });
}
