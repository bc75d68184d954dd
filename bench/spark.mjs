// Issue 19: the Spark performance job on the same file as the CLI, in the
// same run, interleaved: `adagg -t N`, Spark `local[2]` and Spark `local[1]`
// (PySpark from .venv-spark/, set up by scripts/setup.sh). Wall time of the
// whole process (JVM start-up included: what a user waits for), with the
// job's own `elapsed:` kept beside it. Spark writes into its own directory;
// its top-10 files are compared with the CLI's.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { timed } from './native.mjs';
import { log, median, warm } from './util.mjs';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const PYTHON = join(REPO, '.venv-spark/bin/python');
const JOB = join(REPO, 'spark/adagg_spark.py');

/** file: {key, path, bytes}; returns rows (group native, kinds cli-spark, spark). */
export async function sparkBench({ file, runs, adagg, outDir, threads }) {
  const cases = [
    { id: `native.spark-cli.${file.key}`, kind: 'spark-cli', name: `adagg -t ${threads} (the CLI, for the Spark rows)`, cmd: adagg, args: ['-i', file.path, '-o', join(outDir, 'spark-cli'), '-t', String(threads)] },
    ...[2, 1].map((n) => ({
      id: `native.spark-local${n}.${file.key}`,
      kind: 'spark',
      cores: n,
      name: `Spark local[${n}] (spark/adagg_spark.py performance)`,
      cmd: PYTHON,
      args: [JOB, 'performance', '--input', file.path, '--output', join(outDir, `spark-local${n}`)],
      env: { ADAGG_SPARK_MASTER: `local[${n}]` },
    })),
  ];
  warm(file.path);
  const results = new Map(cases.map((c) => [c, []]));
  for (let r = 1; r <= runs; r++) {
    for (const c of cases) {
      log(`spark ${r}/${runs}: ${c.name}`);
      if (c.env) Object.assign(process.env, c.env);
      try {
        results.get(c).push(timed(c.cmd, c.args));
      } finally {
        for (const k of Object.keys(c.env ?? {})) delete process.env[k];
      }
    }
  }
  const same = (n) =>
    ['top10_ctr.csv', 'top10_cpa.csv'].every((f) => readFileSync(join(outDir, 'spark-cli', f), 'utf8') === readFileSync(join(outDir, `spark-local${n}`, f), 'utf8'));
  return cases.map((c) => {
    const res = results.get(c);
    const row = { id: c.id, group: 'native', kind: c.kind, name: c.name, file: file.key, bytes: file.bytes, runs: res.map((x) => x.seconds), peakMiB: Math.max(...res.map((x) => x.peakMiB)) };
    row.seconds = median(row.runs);
    if (c.kind === 'spark') {
      row.cores = c.cores;
      row.jobRuns = res.map((x) => Number(/elapsed:\s+([\d.]+) s/.exec(x.stdout)?.[1]));
      row.check = same(c.cores) ? 'top10 files == CLI' : 'top10 files DIFFER from the CLI';
    }
    return row;
  });
}

// `node bench/spark.mjs FILE [RUNS]`: these rows alone, as JSON.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { statSync } = await import('node:fs');
  const { resolve } = await import('node:path');
  const path = resolve(process.argv[2] ?? join(REPO, 'bench-data/ad_data.csv'));
  const rows = await sparkBench({ file: { key: 'file', path, bytes: statSync(path).size }, runs: Number(process.argv[3] ?? 1), adagg: join(REPO, 'target/release/adagg'), outDir: join(REPO, 'bench-data/out'), threads: 2 });
  console.log(JSON.stringify(rows, null, 1));
}
