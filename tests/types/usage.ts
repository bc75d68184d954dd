// Compile-only usage of adagg's public types: `npm run typecheck`.
// Imports both by relative path (next to the JS) and by package name (exports map).
import { aggregateFile, preload, AdAggregator } from '../../www/adagg.js';
import type { AdaggResult, AdaggProgress, AdaggErrorDetail, AdaggError, AggregateOptions } from '../../www/adagg.js';
import { aggregateFile as fromPackage } from 'adagg';
import type { AdaggRow } from 'adagg';
import { AdAggregator as ElementFromSubpath } from 'adagg/ad-aggregator.js';

// ---------- the module API ----------

async function ownUi(file: File): Promise<string> {
  const controller = new AbortController();
  const seen: AdaggProgress[] = [];
  const options: AggregateOptions = {
    top: 5,
    signal: controller.signal,
    workers: 2,
    onProgress: (p) => {
      seen.push(p);
      const fraction: number = p.total > 0 ? p.bytes / p.total : 1;
      if (p.phase === 'read' && fraction > 0.5 && p.rows > 1e9) controller.abort();
    },
    parse: { delimiter: ';', encoding: 'windows-1252', map: { spend: 'Cost' } },
    wasmUrl: new URL('/static/adagg/pkg/adagg_wasm.js', location.href),
    workerUrl: '/static/adagg/worker.js',
  };
  try {
    const result: AdaggResult = await aggregateFile(file, options);
    const best: AdaggRow | undefined = result.ctr[0];
    const rows: number = result.summary.rowsRead + result.summary.rowsSkipped;
    const csv: string = result.ctrCsv + result.cpaCsv;
    const ms: number = result.timing.elapsedMs;
    return `${best?.campaignId ?? '-'} ${best?.ctr ?? ''} ${rows} ${csv.length} ${ms}`;
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') return 'cancelled';
    const e = err as AdaggError;
    if (e.kind === 'columns') return `missing ${e.missing?.join(', ')} in ${e.columns?.join(', ')}`;
    return e.message;
  }
}

async function minimal(blob: Blob): Promise<void> {
  const r = await fromPackage(blob);
  r.cpa.forEach((row) => row.totalSpend.toUpperCase());
  const m: WebAssembly.Module = await preload();
  void m;
  await preload({ wasmUrl: '/x/adagg_bg.wasm' });
}

// ---------- the element ----------

function widget(): void {
  const el = document.createElement('ad-aggregator'); // typed through HTMLElementTagNameMap
  const typed: AdAggregator = el;
  typed.top = 5;
  typed.compact = true;
  typed.workers = null;
  typed.workerUrl = '/static/adagg/worker.js';
  typed.wasmUrl = null;
  el.addEventListener('adagg-progress', (e) => {
    const { bytes, total, rows } = e.detail;
    console.log(bytes / total, rows);
  });
  el.addEventListener('adagg-done', (e) => {
    const result: AdaggResult = e.detail;
    console.log(result.summary.campaigns, el.result?.ctr.length);
  });
  el.addEventListener('adagg-error', (e) => {
    const d: AdaggErrorDetail = e.detail;
    if (d.kind === 'abort') return;
    console.warn(d.kind, d.message, d.missing, d.columns);
  });
  el.addEventListener('click', (e: MouseEvent) => e.preventDefault()); // ordinary events still typed
  document.body.append(el);
  const found = document.querySelector('ad-aggregator');
  found?.cancel();
  const running: boolean = el.running;
  if (!running) void el.aggregate(new File(['a'], 'a.csv')).then((r) => r.cpaCsv);
  const Same: typeof AdAggregator = ElementFromSubpath;
  void Same;
}

// ---------- what must not compile ----------

// @ts-expect-error top is a number
void aggregateFile(new Blob([]), { top: '10' });
// @ts-expect-error the first argument is a Blob
void aggregateFile('file.csv');
// @ts-expect-error unknown option
void aggregateFile(new Blob([]), { topN: 3 });
// @ts-expect-error result is read-only
document.createElement('ad-aggregator').result = null;
document.createElement('ad-aggregator').addEventListener('adagg-done', (e) => {
  // @ts-expect-error the detail is a result, not a progress report
  void e.detail.bytes;
});

export { ownUi, minimal, widget };
