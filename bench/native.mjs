// Native measurements: the newline-scan floor (wc -l, grep -c ''), cat for
// reference, the adagg CLI with 1 and N threads, and Polars' streaming engine.
// Every command runs under /usr/bin/time for its peak RSS (%M); the wall time
// is measured here around the whole process. Runs are interleaved (round r
// runs every case once) so that background load hits all cases alike.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ids, log, median, warm } from './util.mjs';

const POLARS_SCRIPT = fileURLToPath(new URL('./polars_agg.py', import.meta.url));

/** Runs cmd once under /usr/bin/time; stdout 'pipe' (captured) or 'null'. */
export function timed(cmd, args, stdout = 'pipe') {
  const dir = mkdtempSync(join(tmpdir(), 'adagg-bench-'));
  const out = stdout === 'null' ? openSync('/dev/null', 'w') : 'pipe';
  try {
    const t0 = process.hrtime.bigint();
    const r = spawnSync('/usr/bin/time', ['-f', '%M', '-o', join(dir, 'time'), cmd, ...args], {
      stdio: ['ignore', out, 'pipe'],
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
    const kib = Number(readFileSync(join(dir, 'time'), 'utf8').trim().split('\n').pop());
    return { seconds, peakMiB: kib / 1024, stdout: r.stdout };
  } finally {
    if (out !== 'pipe') closeSync(out);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Compares another engine's top-10 ids with the CLI's CSVs. */
export function sameTop(cli, topCtr, topCpa) {
  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  return same(ids(cli.ctr), topCtr) && same(ids(cli.cpa), topCpa) ? 'same top 10s as the CLI' : 'DIFFERENT top 10s from the CLI';
}

/**
 * files: [{key, label, path, bytes}] (files[0] is the 50-campaign file);
 * big: the 4 GB file or null; longIds: files run with 1 and N threads here
 * only (the 8- and 17-digit-id files); python: the venv's python for Polars, or null.
 * Returns {rows, threads, outputs: {key: {ctr, cpa}}}: outputs are the CLI's CSVs.
 */
export function nativeBench({ files, big, longIds = [], kpi = null, runs, python, adagg, outDir }) {
  const threads = availableParallelism();
  const base = files[0];
  const cases = [
    { id: 'native.wc', kind: 'floor', name: 'newline count: wc -l', file: base, cmd: 'wc', args: ['-l', base.path] },
    // Not to /dev/null: grep notices that and stops at the first match.
    { id: 'native.grep', kind: 'floor', name: "newline count: grep -c ''", file: base, cmd: 'grep', args: ['-c', '', base.path] },
    { id: 'native.cat', kind: 'read', name: 'read only: cat > /dev/null', file: base, cmd: 'cat', args: [base.path], stdout: 'null' },
  ];
  for (const f of [...files, ...(big ? [big] : []), ...longIds]) {
    for (const t of f === big ? [threads] : [...new Set([1, threads])]) {
      const out = join(outDir, `cli-${f.key}-t${t}`);
      mkdirSync(out, { recursive: true });
      cases.push({ id: `native.adagg.t${t}.${f.key}`, kind: 'adagg', name: `adagg CLI -t ${t}`, threads: t, file: f, out, cmd: adagg, args: ['-i', f.path, '-o', out, '-t', String(t)] });
    }
  }
  {
    // normalized.csv of the 50-campaign file (issue 15), with all threads.
    const out = join(outDir, `cli-normalize-t${threads}`);
    mkdirSync(out, { recursive: true });
    cases.push({ id: `native.normalize.t${threads}.${base.key}`, kind: 'normalize', name: `adagg normalize -t ${threads}`, threads, file: base, out, cmd: adagg, args: ['normalize', '-i', base.path, '-o', out, '-t', String(threads)] });
  }
  {
    // The daily series, rolling windows and anomalies (issue 16), with all threads.
    const out = join(outDir, `cli-daily-t${threads}`);
    mkdirSync(out, { recursive: true });
    cases.push({ id: `native.daily.t${threads}.${base.key}`, kind: 'daily', name: `adagg CLI -t ${threads} --daily --anomalies`, threads, file: base, out, cmd: adagg, args: ['-i', base.path, '-o', out, '-t', String(threads), '--daily', '--anomalies'] });
  }
  if (kpi) {
    // Every KPI ranked, and all_campaigns.csv (issue 15), with all threads.
    const out = join(outDir, `cli-kpi-t${threads}`);
    mkdirSync(out, { recursive: true });
    const ranks = ['ctr', 'cpc', 'cpm', 'cvr', 'cpa', 'roas'].flatMap((k) => ['--rank', k]);
    cases.push({ id: `native.kpi.t${threads}.${kpi.key}`, kind: 'kpi', name: `adagg CLI -t ${threads}, 6 KPIs + --all`, threads, file: kpi, out, cmd: adagg, args: ['-i', kpi.path, '-o', out, '-t', String(threads), ...ranks, '--all'] });
  }
  if (python) {
    cases.push({ id: `native.polars.${base.key}`, kind: 'polars', name: 'Polars streaming', file: base, cmd: python, args: [POLARS_SCRIPT, base.path] });
  }

  for (const f of new Set(cases.map((c) => c.file))) warm(f.path);
  const results = new Map(cases.map((c) => [c, []]));
  for (let r = 1; r <= runs; r++) {
    for (const c of cases) {
      log(`native ${r}/${runs}: ${c.name} on ${c.file.key}`);
      results.get(c).push(timed(c.cmd, c.args, c.stdout));
    }
  }

  const outputs = {};
  const rows = cases.map((c) => {
    const res = results.get(c);
    const row = { id: c.id, group: 'native', kind: c.kind, name: c.name, file: c.file.key, bytes: c.file.bytes };
    if (c.threads) row.threads = c.threads;
    row.runs = res.map((x) => x.seconds);
    row.peakMiB = Math.max(...res.map((x) => x.peakMiB));
    if (c.kind === 'adagg') {
      const csv = { ctr: readFileSync(join(c.out, 'top10_ctr.csv'), 'utf8'), cpa: readFileSync(join(c.out, 'top10_cpa.csv'), 'utf8') };
      const first = (outputs[c.file.key] ??= csv);
      if (first !== csv) row.check = first.ctr === csv.ctr && first.cpa === csv.cpa ? 'same CSVs as -t 1' : 'MISMATCH with -t 1';
    }
    if (c.kind === 'polars') {
      // Polars' time is its query time measured inside Python: interpreter
      // start-up and `import polars` are left out (process times kept too).
      const reports = res.map((x) => JSON.parse(x.stdout));
      row.processRuns = row.runs;
      row.runs = reports.map((x) => x.seconds);
      row.version = reports[0].version;
      row.check = sameTop(outputs[c.file.key], reports[0].top_ctr, reports[0].top_cpa);
    }
    row.seconds = median(row.runs);
    return row;
  });
  return { rows, threads, outputs };
}
