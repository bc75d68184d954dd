// Shared helpers for the browser end-to-end tests: deterministic CSV
// generators, the static server, Debian's Chromium via playwright-core, and
// the native CLI for reference output.
import { mkdtemp, rm, open, readFile, writeFile, mkdir, readdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { startServer } from '../../scripts/serve.mjs';

export const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const HEADER = 'campaign_id,date,impressions,clicks,spend,conversions';
const execFileP = promisify(execFile);

/** Small deterministic PRNG (mulberry32). */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function campaigns(count) {
  return Array.from({ length: count }, (_, i) => `CMP${String(i + 1).padStart(4, '0')}`);
}

function dateOf(i) {
  const d = new Date(Date.UTC(2025, 0, 1) + (i % 365) * 86400000);
  return d.toISOString().slice(0, 10);
}

/** One valid data row as an array of field strings. */
function validRow(rand, ids, i) {
  const k = Math.floor(rand() * ids.length);
  const id = ids[k];
  const impressions = 100 + Math.floor(rand() * 50000);
  const ctrBase = 0.002 + (k % 17) * 0.003; // per-campaign CTR profile
  const clicks = Math.min(impressions, Math.floor(impressions * ctrBase * (0.5 + rand())));
  const spend = (clicks * (0.2 + rand() * 2.5)).toFixed(2);
  const conversions = rand() < 0.15 ? 0 : Math.floor(clicks * rand() * 0.1);
  return [id, dateOf(i), String(impressions), String(clicks), spend, String(conversions)];
}

/**
 * A clean CSV of about `bytes` bytes: HEADER + LF-terminated rows over
 * `campaignCount` campaigns. Deterministic for a given seed.
 */
export function cleanCsv({ bytes = 4 << 20, seed = 1, campaignCount = 60 } = {}) {
  const rand = rng(seed);
  const ids = campaigns(campaignCount);
  const out = [HEADER + '\n'];
  let size = out[0].length;
  for (let i = 0; size < bytes; i++) {
    const line = validRow(rand, ids, i).join(',') + '\n';
    out.push(line);
    size += line.length;
  }
  return out.join('');
}

const q = (s) => `"${s.replaceAll('"', '""')}"`;

/**
 * A CRLF CSV of about `bytes` bytes mixing valid rows with malformed ones:
 * wrong field count, "abc" clicks, negative spend, empty campaign_id, and
 * valid quoted fields containing commas, quotes and newlines.
 * `quotedShare` is the share of rows whose campaign_id is a quoted
 * multi-line field (high values make range splits land inside them).
 * Returns { csv, bad }: bad lists the malformed rows as {line, kind}, where
 * line is the 1-based physical line the row starts on (the header is line 1).
 */
export function malformedCsv({ bytes = 4 << 20, seed = 7, campaignCount = 60, quotedShare = 0.05 } = {}) {
  const rand = rng(seed);
  const ids = campaigns(campaignCount);
  const out = [HEADER + '\r\n'];
  const bad = [];
  let size = out[0].length;
  let physLine = 2;
  for (let i = 0; size < bytes; i++) {
    const f = validRow(rand, ids, i);
    let line;
    const r = rand();
    const mark = (kind) => bad.push({ line: physLine, kind });
    if (r < 0.004) (line = f.slice(0, 5).join(',')), mark('too few fields');
    else if (r < 0.008) (line = [...f, 'extra'].join(',')), mark('too many fields');
    else if (r < 0.012) (line = [f[0], f[1], f[2], 'abc', f[4], f[5]].join(',')), mark('bad clicks');
    else if (r < 0.016) (line = [f[0], f[1], f[2], f[3], '-' + f[4], f[5]].join(',')), mark('negative spend');
    else if (r < 0.02) (line = ['', ...f.slice(1)].join(',')), mark('empty campaign_id');
    else if (r < 0.02 + quotedShare) {
      // Quoted campaign_id with a comma, an escaped quote and a newline: a valid row.
      const n = Number(f[0].slice(3)) % 5;
      line = [q(`Promo ${n}, "spring"\nregion ${n}`), ...f.slice(1)].join(',');
    } else if (r < 0.03 + quotedShare) line = [f[0], q(f[1]), f[2], f[3], q(f[4]), f[5]].join(',');
    else line = f.join(',');
    line += '\r\n';
    out.push(line);
    size += line.length;
    physLine += line.split('\n').length - 1;
  }
  return { csv: out.join(''), bad };
}

/** Writes a large clean CSV to `path` in pieces, without holding it in memory. */
export async function writeLargeCsv(path, bytes, seed = 3) {
  const fh = await open(path, 'w');
  try {
    await fh.write(HEADER + '\n');
    const rand = rng(seed);
    const ids = campaigns(5000);
    let size = 0;
    let i = 0;
    while (size < bytes) {
      const lines = [];
      for (let k = 0; k < 20000; k++, i++) lines.push(validRow(rand, ids, i).join(','));
      const buf = Buffer.from(lines.join('\n') + '\n');
      await fh.write(buf);
      size += buf.length;
    }
  } finally {
    await fh.close();
  }
}

export async function tempDir(prefix = 'adagg-e2e-') {
  return mkdtemp(join(tmpdir(), prefix));
}

export { rm, readFile, writeFile, mkdir, existsSync };

/** Static server for the web root (ADAGG_WEB_ROOT overrides the repo root). */
export function serve() {
  return startServer(process.env.ADAGG_WEB_ROOT || REPO, 0);
}

export const CHROMIUM = process.env.ADAGG_CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** A fresh persistent Chromium context (own --user-data-dir). */
export async function launch() {
  const profile = await tempDir('adagg-chromium-');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    acceptDownloads: true,
    viewport: { width: 1200, height: 900 },
  });
  return {
    context,
    profile,
    async close() {
      await context.close().catch(() => {});
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Runs the native CLI on `input`, returns {ctr, cpa} as Buffers and its stdout.
 * Throws if the CLI does not produce both files.
 */
export async function cliOutput(input, outDir, extraArgs = []) {
  await mkdir(outDir, { recursive: true });
  const { stdout } = await execFileP('cargo', ['run', '--quiet', '--release', '--bin', 'adagg', '--', '--input', input, '--output', outDir, ...extraArgs], {
    cwd: REPO,
    maxBuffer: 64 << 20,
  });
  // Every file written, by name (with --rank only the rankings asked for are).
  const written = {};
  for (const name of await readdir(outDir)) written[name] = await readFile(join(outDir, name));
  return { ctr: written['top10_ctr.csv'], cpa: written['top10_cpa.csv'], stdout, files: written };
}
