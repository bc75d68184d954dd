// Turns the measured rows into ratios, PASS/FAIL target lines, a text table
// (console), a Markdown table and the JSON written to bench-results/.
import { sizeLines, sizeTargets } from './size.mjs';
import { median } from './util.mjs';
import { ENGINE_LABELS } from './engines.mjs';

const MB = 1e6;
const MiB = 1 << 20;

/** Adds mbps and ratios to the rows; returns {meta, floors, rows, targets}. */
export function buildReport({ meta, rows, sizes }) {
  for (const r of rows) r.mbps = r.bytes / MB / r.seconds;
  const best = (list) => list.reduce((a, b) => (b.mbps > a.mbps ? b : a), list[0]);
  const floors = { browser: {}, native: null };
  const browserFloors = rows.filter((x) => x.group === 'browser' && x.kind === 'floor' && x.file === meta.base);
  for (const r of browserFloors) {
    const f = best(browserFloors.filter((x) => x.readers === r.readers));
    floors.browser[r.readers] = { id: f.id, mbps: f.mbps };
  }
  const nativeFloor = best(rows.filter((x) => x.group === 'native' && x.kind === 'floor'));
  if (nativeFloor) floors.native = { id: nativeFloor.id, mbps: nativeFloor.mbps };

  const duck = rows.find((x) => x.kind === 'duckdb');
  const polars = rows.find((x) => x.kind === 'polars');
  for (const r of rows) {
    // Firefox and WebKit are held against Chromium's adagg with its default
    // workers, measured in the same rounds (Chromium's floor is not theirs).
    if (r.kind === 'engine') {
      const chromium = rows.find((x) => x.id === `browser.adagg.w${meta.browserCores}.${r.file}`);
      if (chromium) r.vsChromium = r.seconds / chromium.seconds;
      continue;
    }
    // Issue 19: Spark against the CLI measured in the same rounds.
    if (/^spark/.test(r.kind)) {
      const cli = rows.find((x) => x.kind === 'spark-cli' && x.file === r.file);
      if (cli && r.kind === 'spark') r.timeVsCli = r.seconds / cli.seconds;
      continue;
    }
    // Issue 18's rows have floors of their own (gzip -dc, a bare DecompressionStream read).
    if (/^(gzip|xlsx|polars-xlsx)/.test(r.kind)) {
      const f = r.kind === 'gzip' && rows.find((x) => x.kind === 'gzip-floor' && x.group === r.group && x.file === r.file);
      if (f) r.vsGzipFloor = f.seconds / r.seconds;
      const p = r.kind === 'xlsx' && r.group === 'native' && rows.find((x) => x.kind === 'polars-xlsx' && x.file === r.file);
      if (p) r.vsPolars = p.seconds / r.seconds;
      continue;
    }
    // DuckDB-WASM reads with one thread: it is held against the 1-reader floor.
    const floor = r.group === 'native' ? floors.native : floors.browser[r.readers ?? r.workers ?? 1];
    if (floor) r.vsFloor = r.mbps / floor.mbps;
    if (r.kind === 'adagg' && r.group === 'browser' && duck?.file === r.file) r.vsDuckdb = duck.seconds / r.seconds;
    if (r.kind === 'adagg' && r.group === 'native' && polars?.file === r.file) r.vsPolars = polars.seconds / r.seconds;
    if (r.kind === 'clicks' && r.group === 'native') {
      const d = rows.find((x) => x.kind === 'duckdb-clicks' && x.file === r.file);
      if (d) r.vsDuckdb = d.seconds / r.seconds;
    }
  }
  return { meta, floors, rows, sizes, targets: [...targets(meta, rows, floors), ...(sizes ? sizeTargets(sizes) : [])] };
}

function targets(meta, rows, floors) {
  const n = meta.browserCores;
  const t = meta.nativeThreads;
  const get = (id) => rows.find((r) => r.id === id);
  const out = [];
  const target = (name, ids, test) => {
    const found = ids.map(get);
    if (found.some((r) => !r)) return out.push({ name, pass: null, detail: 'not measured in this run' });
    const [pass, detail] = test(...found);
    out.push({ name, pass, detail });
  };
  const x = (v) => `${v.toFixed(2)}×`;
  const mib = (v) => `${v.toFixed(0)} MiB`;
  const idle = (r) => mib(r.rendererMiB - meta.idle.renderer); // the increase above idle Chromium
  for (const w of [...new Set([1, n])]) {
    target(`browser whole job ≥ 0.9 × read floor, ${w} worker(s) vs ${w} reader(s)`, [`browser.adagg.w${w}.50`], (a) => [
      a.vsFloor >= 0.9,
      `${a.mbps.toFixed(0)} MB/s = ${x(a.vsFloor)} the floor's ${floors.browser[w].mbps.toFixed(0)} MB/s (${floors.browser[w].id})`,
    ]);
  }
  target('browser ≥ 8 × DuckDB-WASM (adagg with N workers)', [`browser.adagg.w${n}.50`, 'browser.duckdb.50'], (a, d) => [
    a.vsDuckdb >= 8,
    `${x(a.vsDuckdb)} (${a.seconds.toFixed(2)} s vs ${d.seconds.toFixed(2)} s)`,
  ]);
  target(
    `renderer peak ≤ 1.1 × read floor's peak (adagg ${n} workers vs byob ${n} readers)`,
    [`browser.adagg.w${n}.50`, `browser.floor.byob.r${n}`],
    (a, f) => [
      a.rendererMiB <= 1.1 * f.rendererMiB,
      `${mib(a.rendererMiB)} vs ${mib(f.rendererMiB)} (${x(a.rendererMiB / f.rendererMiB)}; above idle ${idle(a)} vs ${idle(f)})`,
    ],
  );
  target(
    'renderer peak not growing 1 GB → 4 GB (≤ 1.1×)',
    [`browser.adagg.w${n}.50`, `browser.adagg.w${n}.4g`, `browser.floor.byob.r${n}`, `browser.floor.byob.r${n}.4g`],
    (a, b, f, g) => [
      b.rendererMiB <= 1.1 * a.rendererMiB,
      `adagg ${mib(a.rendererMiB)} → ${mib(b.rendererMiB)}, above idle ${idle(a)} → ${idle(b)}; read floor ${mib(f.rendererMiB)} → ${mib(g.rendererMiB)}, above idle ${idle(f)} → ${idle(g)}`,
    ],
  );
  for (const e of rows.filter((r) => r.kind === 'engine' && r.file === meta.base)) {
    target(`${e.label} whole job ≤ 2 × Chromium's time (each with its default workers)`, [e.id, `browser.adagg.w${n}.${meta.base}`], (a, c) => [
      a.vsChromium <= 2,
      `${a.seconds.toFixed(2)} s with ${a.workers} workers vs ${c.seconds.toFixed(2)} s with ${c.workers} (${x(a.vsChromium)} the time)`,
    ]);
  }
  const nf = (a) => `${a.mbps.toFixed(0)} MB/s = ${x(a.vsFloor)} the floor's ${floors.native?.mbps.toFixed(0)} MB/s (${floors.native?.id})`;
  target('native 1 thread ≥ 0.3 × newline floor', ['native.adagg.t1.50'], (a) => [a.vsFloor >= 0.3, nf(a)]);
  target(`native ${t} threads ≥ 0.5 × newline floor`, [`native.adagg.t${t}.50`], (a) => [a.vsFloor >= 0.5, nf(a)]);
  target(`native ≥ 8 × Polars (adagg -t ${t})`, [`native.adagg.t${t}.50`, 'native.polars.50'], (a, p) => [
    a.vsPolars >= 8,
    `${x(a.vsPolars)} (${a.seconds.toFixed(2)} s vs ${p.seconds.toFixed(2)} s)`,
  ]);
  // Issue 17's click-log targets (the page with its default workers).
  for (const [key, ratio] of [['clicks-ndjson', 0.3], ['clicks-csv', 0.5]]) {
    target(`browser click log (${key.slice(7).toUpperCase()}) ≥ ${ratio} × read floor`, [`browser.clicks.${key}`], (a) => [
      a.vsFloor >= ratio,
      `${a.mbps.toFixed(0)} MB/s = ${x(a.vsFloor)} the ${a.workers}-reader floor (${a.seconds.toFixed(2)} s, ${a.workers} workers)`,
    ]);
    target(`native adagg clicks ≥ 5 × DuckDB's GROUP BY (${key.slice(7).toUpperCase()})`, [`native.clicks.t${t}.${key}`, `native.duckdb-clicks.${key}`], (a, d) => [
      a.vsDuckdb >= 5,
      `${x(a.vsDuckdb)} (${a.seconds.toFixed(2)} s vs ${d.seconds.toFixed(2)} s)`,
    ]);
  }
  // Issue 18: gzip at ≥ 0.8 × the decompression floor in each shell; the workbook against Polars.
  for (const group of ['native', 'browser']) {
    const floorName = group === 'native' ? 'gzip -dc > /dev/null' : 'a bare DecompressionStream read';
    target(`${group} .csv.gz ≥ 0.8 × ${floorName}`, [`${group}.gzip.gz`, `${group}.gzip-floor.gz`], (a, f) => [
      a.vsGzipFloor >= 0.8,
      `${a.mbps.toFixed(0)} MB/s uncompressed = ${x(a.vsGzipFloor)} the floor (${a.seconds.toFixed(2)} s vs ${f.seconds.toFixed(2)} s)${a.rendererMiB != null ? `; renderer ${mib(a.rendererMiB)}` : `; peak RSS ${mib(a.peakMiB)}`}`,
    ]);
  }
  target('native .xlsx no slower than Polars read_excel (calamine)', ['native.xlsx.xlsx', 'native.polars-xlsx.xlsx'], (a, p) => [
    a.vsPolars >= 1,
    `${x(a.vsPolars)} (${a.seconds.toFixed(2)} s, peak RSS ${mib(a.peakMiB)}, vs ${p.seconds.toFixed(2)} s, ${mib(p.peakMiB)})`,
  ]);
  target('browser .xlsx: time and renderer memory', ['browser.xlsx.xlsx'], (a) => [
    null,
    `${a.seconds.toFixed(2)} s, renderer ${mib(a.rendererMiB)}`,
  ]);
  // Issue 19: no target; the ratios are reported as they are.
  target('Spark local[2]: time ÷ the CLI\'s on the same file (no target)', [`native.spark-local2.${meta.base}`, `native.spark-cli.${meta.base}`], (s, c) => [
    null,
    `${s.seconds.toFixed(1)} s vs ${c.seconds.toFixed(2)} s: ${s.timeVsCli.toFixed(0)}× the CLI's time (the job alone: ${median(s.jobRuns).toFixed(1)} s)`,
  ]);
  target('Spark local[1] ÷ local[2] (its scaling on this machine)', [`native.spark-local1.${meta.base}`, `native.spark-local2.${meta.base}`], (a, b) => [
    null,
    `${a.seconds.toFixed(1)} s vs ${b.seconds.toFixed(1)} s: ${x(a.seconds / b.seconds)}`,
  ]);
  const cli = rows.filter((r) => r.group === 'native' && r.kind === 'adagg' && meta.files[r.file]?.campaigns === 50);
  if (cli.length) {
    const peak = Math.max(...cli.map((r) => r.peakMiB));
    out.push({ name: 'CLI peak RSS < 20 MB (50 campaigns, all thread counts and sizes)', pass: peak * MiB < 20 * MB, detail: `${((peak * MiB) / MB).toFixed(1)} MB` });
  }
  for (const [group, id] of [['browser', `browser.adagg.w${n}`], ['native', `native.adagg.t${t}`]]) {
    target(`1 M campaigns ≥ 0.5 × 50-campaign throughput, ${group}`, [`${id}.50`, `${id}.1m`], (a, b) => [
      b.mbps >= 0.5 * a.mbps,
      `${b.mbps.toFixed(0)} vs ${a.mbps.toFixed(0)} MB/s (${x(b.mbps / a.mbps)})`,
    ]);
  }
  // Issue 15: every KPI and all campaigns on the revenue file, against the
  // default job on the same rows without revenue (per byte: the revenue
  // column makes the file ~20% longer).
  for (const [group, kpiId, baseId] of [['native', `native.kpi.t${t}.revenue`, `native.adagg.t${t}.50`], ['browser', `browser.kpi.w${n}.revenue`, `browser.adagg.w${n}.50`]]) {
    target(`6 KPIs + all campaigns on a revenue file ≥ 0.85 × the default job's throughput, ${group}`, [baseId, kpiId], (a, k) => [
      k.mbps >= 0.85 * a.mbps,
      `${k.mbps.toFixed(0)} vs ${a.mbps.toFixed(0)} MB/s (${x(k.mbps / a.mbps)})`,
    ]);
  }
  target(`normalize ≥ 0.5 × the aggregate job's throughput (native -t ${t})`, [`native.adagg.t${t}.50`, `native.normalize.t${t}.50`], (a, z) => [
    z.mbps >= 0.5 * a.mbps,
    `${z.mbps.toFixed(0)} vs ${a.mbps.toFixed(0)} MB/s (${x(z.mbps / a.mbps)})`,
  ]);
  // Issue 16: the daily series, both rolling windows and anomalies.
  target(`daily series + windows + anomalies ≥ 0.8 × the default job's throughput (native -t ${t})`, [`native.adagg.t${t}.50`, `native.daily.t${t}.50`], (a, d) => [
    d.mbps >= 0.8 * a.mbps,
    `${d.mbps.toFixed(0)} vs ${a.mbps.toFixed(0)} MB/s (${x(d.mbps / a.mbps)}); RSS ${mib(d.peakMiB)}`,
  ]);
  target(`daily series + windows + anomalies ≥ 0.8 × the default job's throughput (browser, ${n} workers)`, [`browser.adagg.w${n}.50`, `browser.daily.w${n}.50`], (a, d) => [
    d.mbps >= 0.8 * a.mbps,
    `${d.mbps.toFixed(0)} vs ${a.mbps.toFixed(0)} MB/s (${x(d.mbps / a.mbps)}); renderer ${mib(d.rendererMiB)} vs ${mib(a.rendererMiB)}`,
  ]);
  target('charts drawn ≤ 200 ms after the result (the daily chart and the ranking bars, browser)', [`browser.daily.w${n}.50`], (d) => [
    d.chartMs <= 200,
    `${d.chartMs.toFixed(0)} ms for ${d.check.match(/(\d+) \(campaign/)?.[1] ?? '?'} (campaign, day) rows`,
  ]);
  // Long ids: time against the 8-digit-id file of the same rows and
  // campaigns (so not per byte: its rows are 9 bytes longer), and threads
  // against one thread.
  for (const th of [...new Set([1, t])]) {
    target(`17-digit ids ≤ 1.5 × the time of 8-digit ids (5 M campaigns, native -t ${th})`, [`native.adagg.t${th}.ids8`, `native.adagg.t${th}.ids17`], (a, b) => [
      b.seconds <= 1.5 * a.seconds,
      `${b.seconds.toFixed(2)} s vs ${a.seconds.toFixed(2)} s (${x(b.seconds / a.seconds)}); RSS ${mib(b.peakMiB)} vs ${mib(a.peakMiB)}`,
    ]);
  }
  if (t > 1) {
    for (const f of ['ids8', 'ids17']) {
      target(`${t} threads no slower than 1 (5 M campaigns, ${f === 'ids8' ? 8 : 17}-digit ids, native)`, [`native.adagg.t1.${f}`, `native.adagg.t${t}.${f}`], (a, b) => [
        b.seconds <= a.seconds,
        `${b.seconds.toFixed(2)} s vs ${a.seconds.toFixed(2)} s (${x(b.seconds / a.seconds)})`,
      ]);
    }
  }
  return out;
}

const fmt = (v, digits) => (v === undefined ? '' : v.toFixed(digits));

function tableCells(report) {
  const { rows, meta } = report;
  const head = ['', 'name', 'file', 'median s', 'MB/s', 'vs floor', 'vs DuckDB', 'vs Polars', 'time ÷ Chromium', 'peak memory', 'check'];
  const memory = (r) => {
    if (r.kind === 'engine') return `all ${r.label} processes ${r.engineMiB.toFixed(0)} MiB`;
    if (r.kind === 'spark') return 'not measured (the JVM is not the timed process)';
    if (r.group === 'browser') return `renderer ${r.rendererMiB.toFixed(0)} (+${(r.rendererMiB - meta.idle.renderer).toFixed(0)}) / all ${r.chromiumMiB.toFixed(0)} MiB`;
    return `RSS ${r.peakMiB.toFixed(1)} MiB`;
  };
  const body = rows.map((r) => [
    r.group,
    r.name,
    meta.files[r.file]?.label ?? r.file,
    fmt(r.seconds, 3),
    fmt(r.mbps, 0),
    r.vsFloor === undefined ? '' : `${r.vsFloor.toFixed(2)}×`,
    r.vsDuckdb === undefined ? '' : `${r.vsDuckdb.toFixed(1)}×`,
    r.vsPolars === undefined ? '' : `${r.vsPolars.toFixed(1)}×`,
    r.vsChromium === undefined ? '' : `${r.vsChromium.toFixed(2)}×`,
    memory(r),
    r.check ?? '',
  ]);
  return [head, ...body];
}

/** One line naming the floors: the fastest method per reader count, the fastest newline count. */
function floorsLine({ floors, rows }) {
  const name = (id) => rows.find((r) => r.id === id).name;
  const parts = Object.values(floors.browser).map((f) => `browser ${name(f.id).replace('read floor: ', '')} ${f.mbps.toFixed(0)} MB/s`);
  if (floors.native) parts.push(`native ${name(floors.native.id).replace('newline count: ', '')} ${floors.native.mbps.toFixed(0)} MB/s`);
  return `Floors: ${parts.join('; ')}.`;
}

const verdict = (p) => (p === true ? 'PASS' : p === false ? 'FAIL' : 'n/a ');

export function toText(report) {
  const cells = tableCells(report);
  const widths = cells[0].map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  const lines = cells.map((row) => row.map((c, i) => (i >= 3 && i <= 8 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd());
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  lines.push('', floorsLine(report));
  if (report.sizes) lines.push('', ...sizeLines(report.sizes));
  lines.push('', ...report.targets.map((t) => `${verdict(t.pass)}  ${t.name}: ${t.detail}`));
  return lines.join('\n');
}

export function toMarkdown(report) {
  const { meta } = report;
  const cells = tableCells(report);
  const row = (c) => `| ${c.join(' | ')} |`;
  return [
    `# adagg bench${meta.smoke ? ' (smoke)' : ''}`,
    '',
    `${meta.date}, commit ${meta.commit}; ${meta.cpu}, ${meta.nativeThreads} threads (browser: ${meta.browserCores}); ` +
      `Chromium ${meta.chromium}` +
      Object.entries(meta.engines ?? {}).map(([k, v]) => `, ${ENGINE_LABELS[k] ?? k} ${v}`).join('') +
      `; median of ${meta.runs} run(s) each. See bench/README.md for what each number means.`,
    '',
    row(cells[0]),
    row(cells[0].map((_, i) => (i >= 3 && i <= 8 ? '---:' : '---'))),
    ...cells.slice(1).map(row),
    '',
    floorsLine(report),
    '',
    `Idle Chromium before the runs: renderers ${meta.idle.renderer.toFixed(0)} MiB, all processes ${meta.idle.all.toFixed(0)} MiB ` +
      '(renderer peaks show the increase above idle in parentheses). ' +
      `Load average (1 min) at start and end: ${meta.loadavg.start.toFixed(2)}, ${meta.loadavg.end.toFixed(2)}.`,
    '',
    ...(report.sizes ? ['## Download sizes', '', ...sizeLines(report.sizes, { markdown: true }), ''] : []),
    '## Targets (informational)',
    '',
    ...report.targets.map((t) => `- **${verdict(t.pass).trim()}** ${t.name}: ${t.detail}`),
    '',
  ].join('\n');
}
