// Small helpers shared by the bench scripts.
import { spawnSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Reads the file once so that the timed runs find it in the page cache. */
export function warm(path) {
  const devnull = openSync('/dev/null', 'w');
  try {
    const r = spawnSync('cat', [path], { stdio: ['ignore', devnull, 'inherit'] });
    if (r.status !== 0) throw new Error(`cannot read ${path}`);
  } finally {
    closeSync(devnull);
  }
}

export function log(msg) {
  process.stderr.write(`[bench] ${msg}\n`);
}

/** campaign_id column of a CSV produced by adagg (plain ids, no quoting). */
export function ids(csv) {
  return csv.trim().split('\n').slice(1).map((line) => line.split(',')[0]);
}
