// The one aggregateFile: a parallel aggregation of one CSV file across the
// pool's module Web Workers, with no DOM. The page (app.js), the widget
// and portals (through adagg.js) all call it.
//
//   import { aggregateFile } from './core/run.js';
//   const result = await aggregateFile(file, { workers: 4, onProgress, signal });
//
// Flow: worker 0 sniffs the header (first 1 MiB) -> plan, and asks the
// wasm to split the data bytes [plan.dataStart, file.size) into ranges, one
// per worker, aggregated concurrently. Each range result reports the
// record-aligned bounds it really covered; the wasm decides from them
// (alignRanges) whether to merge them or to run one range again from an
// exact byte (a quoted newline crossed a split): JS only dispatches. All
// partials then go, in file order, to one worker for the merge. The
// workers come from a pool started at page load (warmUp) and go back to it
// after the run, so that a run loads no script.
import { abortError, withKind } from './errors.js';
import { keepListSource } from './list.js';
import { loadModule, resolveUrl } from './module.js';
import { DAILY_RESULT_KEYS, isDailyModule } from './daily-module.js';
import { defaultWorkers, poolFor, warmUp, workerCount } from './pool.js';
import { packed } from './magic.js';

const DEFAULT_TOP = 10;
const DEFAULT_MIN_RANGE = 1 << 20; // do not split files into ranges smaller than this
const PROGRESS_INTERVAL_MS = 100; // ~10 progress updates per second

/**
 * Loads and compiles the WebAssembly module once (per URL), then starts
 * the workers in the background (`workers`, default: the logical cores;
 * kept for every later run, so that a run loads nothing). Optional: the
 * first run does it anyway; call it early to start sooner and to learn at
 * once whether the files are reachable.
 * `daily`: the module with the daily series instead (pkg-daily/, or
 * `dailyWasmUrl`), the one runs asking for `daily` or `anomalies` use.
 * @param {{wasmUrl?: string | URL, dailyWasmUrl?: string | URL, daily?: boolean, workerUrl?: string | URL, workers?: number}} [options]
 * @returns {Promise<WebAssembly.Module>}
 */
export function preload({ wasmUrl, dailyWasmUrl, daily = false, workerUrl, workers } = {}) {
  const loading = daily ? loadModule({ wasmUrl: dailyWasmUrl, daily: true }) : loadModule({ wasmUrl });
  loading.then(
    (module) => {
      let url;
      try {
        url = workerUrlOf(workerUrl);
      } catch {
        return; // a run reports it
      }
      warmUp({ module, workers: workers ?? undefined, workerUrl: url });
    },
    () => {},
  );
  return loading;
}

/**
 * `workerUrl` as an absolute URL, or null for the worker bundled with adagg
 * (core/spawn.js); throws (kind 'input') if invalid.
 */
function workerUrlOf(workerUrl) {
  if (workerUrl == null || workerUrl === '') return null;
  try {
    return resolveUrl(workerUrl);
  } catch {
    throw withKind(new TypeError(`Invalid workerUrl ${JSON.stringify(String(workerUrl))}.`), 'input');
  }
}

function checkTop(top) {
  const n = Number(top);
  if (!Number.isInteger(n) || n < 1 || n > 0xffffffff) {
    throw withKind(new RangeError(`top must be a whole number of at least 1 (got ${String(top)}).`), 'input');
  }
  return n;
}

/**
 * The report options as the wasm core reads them (`checkReport`,
 * `finishPartials`): rows per ranking, the rankings asked for
 * (`'roas'`, `'cpa:desc'`; null: the two FV-SEC001 tables), the
 * guardrails (minimums as decimal text) and whether every campaign is
 * wanted. Only the shape is checked here; the core checks the values
 * (before the file is read: see the `sniff` call).
 */
function reportOptions({ top, rank, min, allCampaigns, anomalies, hints }) {
  const bad = (what) => withKind(new TypeError(`aggregateFile: ${what}`), 'input');
  let ranks = null;
  if (rank != null) {
    const list = typeof rank === 'string' ? [rank] : rank;
    if (!Array.isArray(list)) throw bad('rank must be a metric key, "metric:asc|desc", or a list of them.');
    ranks = list.map((r) => {
      if (typeof r === 'string') return r;
      if (r && typeof r === 'object' && typeof r.metric === 'string') return r.direction ? `${r.metric}:${r.direction}` : r.metric;
      throw bad(`rank entries must be strings like "roas" or "cpa:desc", or {metric, direction} (got ${JSON.stringify(r)}).`);
    });
  }
  const mins = {};
  if (min != null) {
    if (typeof min !== 'object') throw bad('min must be an object like {clicks: 100, spend: "50.00"}.');
    for (const [key, value] of Object.entries(min)) {
      if (value == null || value === '') continue;
      if (typeof value !== 'number' && typeof value !== 'string' && typeof value !== 'bigint') {
        throw bad(`min.${key} must be a number or a decimal string (got ${typeof value}).`);
      }
      mins[key] = String(value);
    }
  }
  let threshold = null;
  if (anomalies != null && anomalies !== false) {
    threshold = anomalies === true ? '3.5' : String(anomalies?.threshold ?? '3.5');
  }
  let hintOptions = null;
  if (hints != null && hints !== false) {
    const h = hints === true ? {} : hints;
    if (typeof h !== 'object') throw bad('hints must be true or { minSpend, minConversions }.');
    hintOptions = { minSpend: h.minSpend == null ? null : String(h.minSpend), minConversions: h.minConversions == null ? null : String(h.minConversions) };
  }
  return { top, rank: ranks, min: mins, all: Boolean(allCampaigns), anomalies: threshold, hints: hintOptions };
}

/** The daily series the sniff asks for (issue 16), or undefined. */
function dailyOptions({ daily, anomalies, hints, dailyLimit }) {
  if (!daily && (anomalies == null || anomalies === false) && (hints == null || hints === false)) return undefined;
  // No limit given: the core's browser default (BROWSER_DAILY_LIMIT in src/read/plan.rs).
  if (dailyLimit == null) return { only: null };
  const limit = Number(dailyLimit);
  if (!Number.isInteger(limit) || limit < 1) throw withKind(new RangeError(`dailyLimit must be a whole number of at least 1 (got ${String(dailyLimit)}).`), 'input');
  return { limit, only: null };
}

/** Today's date where the user is, as `YYYY-MM-DD` (the core has no clock). */
function localToday() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/**
 * Aggregates a CSV file (File or Blob) in Web Workers and resolves to the
 * result: a ranking per metric (`ctr`, `cpa`, each row with the campaign's
 * totals), the same rankings as CSV (`ctrCsv`, `cpaCsv`), `columns` and
 * `metrics` (what the rankings' rows hold, to draw tables from),
 * `rejectedCsv` (a Blob), the run `summary` and `timing`.
 *
 * Aborting `signal` stops the run's workers (they are kept for the next
 * run) and rejects with a DOMException named AbortError. Other failures
 * reject with an Error whose `kind` is 'input', 'load', 'empty', 'header',
 * 'columns' (then also `missing`, `columns` and `fields`), 'strict', 'read'
 * (the file changed or went away while it was read) or undefined.
 *
 * @param {Blob} file
 * @param {object} [options]
 * @param {number} [options.top=10] rows per ranking
 * @param {string | Array<string | {metric: string, direction?: 'asc' | 'desc'}>} [options.rank]
 *   the rankings to make (`ctr cpc cpm cvr cpa roas`, each `:asc` or `:desc`,
 *   default its natural direction), in the KPI format (`result.rankings`);
 *   default: the two FV-SEC001 tables (`ctr`, `cpa`)
 * @param {{impressions?: number, clicks?: number, conversions?: number, spend?: number | string}} [options.min]
 *   guardrails: a campaign is ranked only when each total is at least its minimum
 * @param {boolean} [options.allCampaigns] also every campaign with every KPI
 *   (`result.allCampaignsCsv`, all_campaigns.csv)
 * @param {(p: {phase: 'start'|'read'|'merge'|'done', bytesDone: number, totalBytes: number,
 *   rows: number, elapsedMs: number, bytes: number, total: number}) => void} [options.onProgress]
 *   at most ~10 calls/s during the read phase, plus one call per phase change;
 *   `bytesDone` never decreases; `bytes` and `total` are the same as
 *   `bytesDone` and `totalBytes` (the names of the first public API)
 * @param {AbortSignal} [options.signal]
 * @param {number} [options.workers] parallel workers (default: the logical cores)
 * @param {{delimiter?: string, encoding?: string, map?: Record<string, string>, strict?: boolean,
 *   today?: string}} [options.parse] forces the delimiter (`,` `;` `tab` `|`), the encoding
 *   (`utf-8`, `utf-16le`, `utf-16be`, `windows-1252`, `shift_jis`) or columns for fields (`{spend: 'Cost'}`);
 *   `strict` rejects with `kind: 'strict'` at the first malformed row; `today`
 *   (`YYYY-MM-DD`, default: the local date): later dates get a data-quality warning
 * @param {string | URL} [options.workerUrl] worker script (same-origin with the page)
 * @param {string | URL} [options.wasmUrl] adagg_wasm.js or adagg_bg.wasm
 * @param {WebAssembly.Module} [options.module] compiled module instead of wasmUrl's
 * @param {number} [options.minRangeBytes] smallest range worth its own worker
 * @returns {Promise<object>} the result (see AdaggResult in adagg.d.ts)
 */
export async function aggregateFile(file, options = {}) {
  if (!(file instanceof Blob)) {
    throw withKind(new TypeError('aggregateFile: the first argument must be a File or a Blob.'), 'input');
  }
  return start([{ file, platform: null }], options ?? {}, false);
}

/** The platform names a file can be given (`aggregateFiles`). */
export const PLATFORMS = ['google_ads', 'meta', 'linkedin', 'tiktok', 'microsoft_ads', 'generic'];

/**
 * Aggregates several CSV files (select or drop many) as one result: each
 * file's platform detected from its header or its name unless given;
 * with several platforms, a campaign is one per (platform, campaign id)
 * unless `mergePlatforms`. Takes `aggregateFile`'s options plus
 * `mergePlatforms`; resolves to its result for the files combined, plus
 * `files` (per file: label, platform, summary), `platforms` (totals per
 * platform), `platformTotalsCsv` and `hasPlatforms`. One progress for all
 * files (bytes over their total size). An error names its file.
 * @param {Array<Blob | {file: Blob, platform?: string}>} files
 * @param {object} [options]
 * @returns {Promise<object>}
 */
export async function aggregateFiles(files, options = {}) {
  if (!Array.isArray(files) || files.length === 0) {
    throw withKind(new TypeError('aggregateFiles: the first argument must be a non-empty array of Files or {file, platform}.'), 'input');
  }
  const inputs = files.map((f, i) => {
    const input = f instanceof Blob ? { file: f, platform: null } : { file: f?.file, platform: f?.platform ?? null };
    if (!(input.file instanceof Blob)) {
      throw withKind(new TypeError(`aggregateFiles: files[${i}] must be a File, a Blob or {file, platform}.`), 'input');
    }
    if (input.platform != null && !PLATFORMS.includes(input.platform)) {
      throw withKind(new TypeError(`aggregateFiles: files[${i}].platform must be one of ${PLATFORMS.join(', ')} (got ${JSON.stringify(input.platform)}).`), 'input');
    }
    return input;
  });
  return start(inputs, options ?? {}, true);
}

/**
 * The platform of `file` as `aggregateFiles` would detect it (its header,
 * else its name): one of `PLATFORMS`. Reads the first MiB in a worker.
 * @param {Blob} file
 * @param {{parse?: object, wasmUrl?: string | URL, workerUrl?: string | URL, module?: WebAssembly.Module}} [options]
 * @returns {Promise<string>}
 */
export async function detectPlatform(file, { parse, wasmUrl, workerUrl, module } = {}) {
  if (!(file instanceof Blob)) throw withKind(new TypeError('detectPlatform: the argument must be a File or a Blob.'), 'input');
  const compiled = module ?? (await loadModule({ wasmUrl }));
  const shared = poolFor(compiled, workerUrlOf(workerUrl));
  const [worker] = await shared.take(1);
  try {
    const plan = await worker.call({ type: 'sniff', file, options: { today: localToday(), ...parse } });
    return await worker.call({ type: 'platform', plan, name: file.name ?? '' });
  } finally {
    shared.give(worker);
  }
}

/** Checks the options of either entry and runs `inputs`. */
async function start(inputs, options, several) {
  const { top = DEFAULT_TOP, onProgress, signal, workers, parse, workerUrl, wasmUrl, dailyWasmUrl, unpackWasmUrl, module, minRangeBytes, rank, min, allCampaigns, mergePlatforms, daily, anomalies, hints, dailyLimit, sheet } = options;
  const report = reportOptions({ top: checkTop(top), rank, min, allCampaigns, anomalies, hints });
  const dailyPlan = dailyOptions({ daily, anomalies, hints, dailyLimit });
  if (sheet != null && typeof sheet !== 'string') throw withKind(new TypeError('aggregateFile: sheet must be a sheet name (a string).'), 'input');
  // Archives and workbooks: their members and sheets (unpack.js, and the unpack module
  // loaded only for them).
  inputs = inputs.map((input, i) => ({ ...input, label: typeof input.file.name === 'string' && input.file.name ? input.file.name : `file ${i + 1}` }));
  if ((await Promise.all(inputs.map(({ file }) => packed(file)))).some(Boolean)) {
    const { unpackInputs } = await import('./unpack.js');
    let unpacker = null;
    const openOnce = () => (unpacker ??= import('./unpacker.js').then((m) => m.openUnpacker({ wasmUrl: unpackWasmUrl, signal })));
    try {
      inputs = await unpackInputs(inputs, { sheet, parse, unpacker: openOnce });
    } finally {
      if (unpacker) unpacker.then((u) => u.close(), () => {});
    }
  }
  if (signal?.aborted) throw abortError();
  several = several || inputs.length > 1;
  if (dailyPlan && several) throw withKind(new TypeError('aggregateFiles: daily series and anomalies take one file (several files\' series are not combined yet).'), 'input');
  if (onProgress != null && typeof onProgress !== 'function') {
    throw withKind(new TypeError('aggregateFile: onProgress must be a function.'), 'input');
  }
  if (signal?.aborted) throw abortError();
  const url = workerUrlOf(workerUrl);
  // Daily series and anomalies run on the daily module (pkg-daily/).
  const compiled = module ?? (await (dailyPlan ? loadModule({ wasmUrl: dailyWasmUrl, daily: true }) : loadModule({ wasmUrl })));
  if (dailyPlan && !isDailyModule(compiled)) {
    throw withKind(new TypeError('aggregateFile: daily series and anomalies need the daily WebAssembly module (pkg-daily/adagg_wasm.js); the module passed in is the default one.'), 'input');
  }
  if (signal?.aborted) throw abortError();
  try {
    return await run(inputs, {
      several,
      mergePlatforms: Boolean(mergePlatforms),
      report,
      onProgress,
      signal,
      workers: workers ?? defaultWorkers(),
      parse: dailyPlan ? { ...parse, daily: dailyPlan } : parse,
      workerUrl: url,
      module: compiled,
      minRangeBytes: minRangeBytes ?? DEFAULT_MIN_RANGE,
    });
  } catch (err) {
    if (signal?.aborted || err?.name === 'AbortError') {
      throw err instanceof DOMException && err.name === 'AbortError' ? err : abortError();
    }
    if (err instanceof Error && !err.kind && /worker message could not be decoded/i.test(err.message)) {
      withKind(err, 'load');
    }
    throw err;
  }
}

/** The progress callback of one run: throttled, `bytesDone` never decreasing. */
function progressEmitter(onProgress, totalBytes, t0) {
  // doneBytes, doneRows: the files already read (several files).
  const state = { phase: 'start', doneBytes: 0, doneRows: 0, headerBytes: 0, rangeBytes: [], rangeRows: [], finished: false };
  let lastEmit = -Infinity;
  let shown = 0; // bytes reported so far: a re-run range counts from 0 again, the report does not
  state.emit = (force = false) => {
    if (!onProgress || state.finished) return;
    const now = performance.now();
    if (!force && now - lastEmit < PROGRESS_INTERVAL_MS) return;
    lastEmit = now;
    let done = state.doneBytes + state.headerBytes;
    for (const b of state.rangeBytes) done += b;
    if (state.phase === 'merge' || state.phase === 'done') done = totalBytes;
    shown = Math.max(shown, Math.min(done, totalBytes));
    let rows = state.doneRows;
    for (const r of state.rangeRows) rows += r;
    const elapsedMs = now - t0;
    try {
      onProgress({ phase: state.phase, bytesDone: shown, totalBytes, rows, elapsedMs, bytes: shown, total: totalBytes });
    } catch (err) {
      console.error('onProgress callback failed', err);
    }
  };
  return state;
}

/** The run itself, its options checked and its module compiled. */
async function run(inputs, { several, mergePlatforms, report, onProgress, signal, workers, parse, workerUrl, module, minRangeBytes }) {
  const maxWorkers = workerCount(workers);
  const t0 = performance.now();
  const shared = poolFor(module, workerUrl); // the pool the workers come from
  const pool = []; // this run's workers, given back to `shared` when it ends
  // Back to the pool: a worker still busy (an error elsewhere, an abort) is
  // asked to stop first.
  const giveBack = (ws) => {
    for (const w of ws) shared.give(w);
  };

  let rejectAbort;
  const aborted = new Promise((_, reject) => {
    rejectAbort = reject;
  });
  aborted.catch(() => {});
  const onAbort = () => {
    for (const w of pool) w.cancel(abortError());
    rejectAbort(abortError());
  };
  signal?.addEventListener('abort', onAbort, { once: true });

  const totalBytes = inputs.reduce((n, { file }) => n + file.size, 0);
  const progress = progressEmitter(onProgress, totalBytes, t0);

  const work = async () => {
    // Adds k workers to the run (none once it has ended: an abort).
    const take = async (k) => {
      const got = await shared.take(Math.max(0, k));
      if (progress.finished) {
        giveBack(got);
        throw abortError();
      }
      pool.push(...got);
    };
    progress.emit(true);

    const rangeCount = (dataLen) =>
      Math.max(1, Math.min(maxWorkers, Math.floor(dataLen / Math.max(1, minRangeBytes))));

    // Range `slot` of `file` from `start` (`exact`: a known record start,
    // else the first line after it) to the first line boundary after `stop`.
    const runRange = (worker, file, plan, slot, { start, stop, exact }, locate = false) => {
      const span = Math.max(0, stop - start);
      progress.rangeBytes[slot] = 0;
      progress.rangeRows[slot] = 0;
      return worker
        .call(
          { type: 'range', file, plan, start, stop, exact, locate },
          {
            onProgress: (bytesDone, rows) => {
              progress.rangeBytes[slot] = Math.min(bytesDone, span);
              progress.rangeRows[slot] = rows;
              progress.emit();
            },
          },
        )
        .then((r) => {
          progress.rangeBytes[slot] = span;
          return r;
        });
    };

    // A stream (a gzip, a zip's deflated member) is read once from its first
    // byte, as one range: with two workers or more, one decompresses and
    // hands the bytes to another that parses them (stream.js: the two
    // overlap); with one, it does both.
    const readStream = async (input, parseNow) => {
      const { file } = input;
      const two = maxWorkers >= 2;
      await take((two ? 2 : 1) - pool.length);
      giveBack(pool.splice(two ? 2 : 1));
      progress.rangeBytes = [0];
      progress.rangeRows = [0];
      progress.phase = 'read';
      progress.emit(true);
      const source = { file, codecs: input.codecs, expect: input.expect ?? null, member: input.member ?? null };
      const channel = two ? new MessageChannel() : null;
      const inflating = two ? pool[1].call({ type: 'inflate', ...source, port: channel.port1 }, { transfer: [channel.port1] }) : null;
      inflating?.catch(() => {}); // its error reaches the parser, which reports it
      const { plan, range } = await pool[0].call(
        { type: 'stream', ...source, port: channel?.port2, options: { today: localToday(), ...parseNow }, report },
        {
          transfer: channel ? [channel.port2] : [],
          onProgress: (bytesDone, rows) => {
            progress.rangeBytes[0] = Math.min(bytesDone, file.size);
            progress.rangeRows[0] = rows;
            progress.emit();
          },
        },
      );
      await inflating;
      progress.doneBytes += file.size;
      progress.doneRows += progress.rangeRows[0];
      progress.rangeBytes = [];
      progress.rangeRows = [];
      input.uncompressed = range.uncompressed;
      return { input, file, plan, results: [range], n: two ? 2 : 1, reruns: 0 };
    };

    // One file read: its plan, its range results in file order, the
    // workers used and the ranges run again.
    const readFile = async (input, parseNow = parse) => {
      // A workbook's sheet is CSV text the unpack module wrote with commas.
      if (input.parse) parseNow = { ...parseNow, ...input.parse };
      if (input.codecs) return readStream(input, parseNow);
      const { file } = input;
      const fileBytes = file.size;
      // 1. Sniff the header in worker 0; take the other workers meanwhile.
      if (pool.length === 0) await take(1);
      const planPromise = pool[0].call({ type: 'sniff', file, options: { today: localToday(), ...parseNow }, report });
      const others = take(rangeCount(fileBytes) - pool.length);
      others.catch(() => {});
      const plan = await planPromise;
      await others;
      const dataStart = Number(plan.dataStart);
      progress.headerBytes = dataStart;

      // 2. Split the data (the wasm decides where) and aggregate the ranges concurrently.
      const n = rangeCount(Math.max(0, fileBytes - dataStart));
      await take(n - pool.length);
      giveBack(pool.splice(n));
      const { points, ranges } = await pool[0].call({ type: 'split', plan, size: fileBytes, n });
      progress.rangeBytes = new Array(ranges.length).fill(0);
      progress.rangeRows = new Array(ranges.length).fill(0);
      progress.phase = 'read';
      progress.emit(true);
      const results = await Promise.all(ranges.map((range, j) => runRange(pool[j], file, plan, j, range)));

      // 3. Line the ranges up: the wasm says merge the first n results, or run
      //    one range again from the exact end of the one before it (a range
      //    that began inside a quoted field may have read its text as rows;
      //    its error only counts once its start is confirmed).
      let reruns = 0;
      for (;;) {
        const spans = results.map(({ start, end, stopped }) => ({ start, end, stopped }));
        const step = await pool[0].call({ type: 'align', points, spans });
        if (step.merge != null) {
          results.length = step.merge;
          break;
        }
        reruns++;
        const index = step.rerun;
        const rerun = await runRange(pool[0], file, plan, index, step);
        if (rerun.start !== step.start) {
          throw new Error(`internal error: could not realign the range at byte ${step.start} (got ${rerun.start})`);
        }
        results[index] = rerun;
      }
      const last = results[results.length - 1];
      if (results[0].start !== dataStart || (last.end !== fileBytes && !last.stopped)) {
        throw new Error(
          `internal error: the ranges cover bytes ${results[0].start}..${last.end}, expected ${dataStart}..${fileBytes}`,
        );
      }
      // The next file's bytes count after this one's.
      progress.doneBytes += fileBytes;
      progress.doneRows += progress.rangeRows.reduce((a, b) => a + b, 0);
      progress.headerBytes = 0;
      progress.rangeBytes = [];
      progress.rangeRows = [];
      return { input, file, plan, results, n, reruns };
    };

    // A problem found without its line (a total that overflows only when
    // two ranges' totals meet, an id found invalid in a range's table):
    // one pass over the file's data through csv-core stops at it and names
    // the line; the finish throws it with kind 'input'.
    const locate = async ({ input, file, plan }) => {
      if (input.codecs) return; // a stream is one range: its problems are found with their line
      progress.phase = 'read';
      const dataStart = Number(plan.dataStart);
      const located = await runRange(pool[0], file, plan, 0, { start: dataStart, stop: file.size, exact: true }, true);
      await pool[0].call({ type: 'finish', plan, partials: [located.partial], report }, { transfer: [located.partial.buffer] });
    };

    const read = [];
    for (const input of inputs) read.push(await readFile(input));

    // 4. Merge in one worker; free the others first.
    giveBack(pool.splice(1));
    progress.phase = 'merge';
    progress.emit(true);
    let result;
    if (!several) {
      const [{ plan, results }] = read;
      const partials = results.map((r) => r.partial);
      try {
        result = await pool[0].call({ type: 'finish', plan, partials, report }, { transfer: partials.map((p) => p.buffer) });
      } catch (err) {
        if (err?.kind !== 'locate') throw err;
        await locate(read[0]);
        throw err; // not found again: report it as found
      }
      // The whole file proves the other order of day and month than the
      // one its first MiB chose (or assumed): the result must not be used;
      // read the file again in that order, as the CLI does.
      // A second pass over the file with `parseNow`: its read and its result.
      const readAgain = async (parseNow) => {
        progress.doneBytes = 0;
        const again = await readFile(read[0].input, parseNow);
        giveBack(pool.splice(1));
        const parts = again.results.map((r) => r.partial);
        const value = await pool[0].call({ type: 'finish', plan: again.plan, partials: parts, report }, { transfer: parts.map((p) => p.buffer) });
        return { again, value };
      };
      const reread = result.summary?.dates?.reread;
      if (reread) {
        const [order, line, text] = reread;
        parse = { ...parse, dateOrder: order, dateReread: [Number(line) + Number(read[0].plan.dataStartLine) - 1, text] };
        ({ again: read[0], value: result } = await readAgain(parse));
      }
      // The daily series outgrew its cell limit while read: read the file
      // again, keeping cells only for the top campaigns by spend.
      const only = result.daily?.readAgainFor;
      if (only) {
        const { value: second } = await readAgain({ ...parse, daily: { ...parse.daily, only } });
        for (const key of DAILY_RESULT_KEYS) result[key] = second[key];
        result.daily.readAgainFor = only;
      }
    } else {
      const files = [];
      for (const [i, { file, plan, results }] of read.entries()) {
        const platform = inputs[i].platform ?? (await pool[0].call({ type: 'platform', plan, name: file.name ?? '' }));
        files.push({ label: inputs[i].label, platform, plan, partials: results.map((r) => r.partial) });
      }
      try {
        result = await pool[0].call(
          { type: 'finishFiles', files, report, mergePlatforms },
          { transfer: files.flatMap((f) => f.partials.map((p) => p.buffer)) },
        );
      } catch (err) {
        const i = err?.fileIndex;
        const named = (e) => {
          if (i != null && e instanceof Error) e.message = `${files[i].label}: ${e.message}`;
          return e;
        };
        if (err?.kind !== 'locate' || i == null) throw named(err);
        try {
          await locate(read[i]);
        } catch (located) {
          throw named(located);
        }
        throw named(err);
      }
    }
    // Every rejected row, numbered now that each range's first line is
    // known; with several files, file by file, the file's name first.
    const spools = [];
    for (const [i, { plan, results }] of read.entries()) {
      let lineOffset = Number(plan.dataStartLine) - 1;
      const prefix = several ? `${result.files[i].csvCell},` : '';
      for (const r of results) {
        spools.push({ blob: r.rejected, lineOffset, prefix });
        lineOffset += Number(r.newlines);
      }
    }
    result.rejectedCsv = await pool[0].call({ type: 'rejected', ranges: spools, header: several ? 'file,' : '' });
    if (several) {
      for (const f of result.files) delete f.rejectedCsv; // the combined file has them
      result.platformTotalsCsv = new Blob([result.platformTotalsCsv], { type: 'text/csv;charset=utf-8' });
    }
    progress.phase = 'done';
    progress.emit(true);
    const elapsedMs = performance.now() - t0;
    const n = Math.max(...read.map((r) => r.n));
    const ranges = read.reduce((k, r) => k + r.results.length, 0);
    const reruns = read.reduce((k, r) => k + r.reruns, 0);
    result.timing = { elapsedMs, bytes: totalBytes, workers: n, ranges, reruns };
    // The workbook read, when one was: its sheets and the one read (the page offers the others).
    const books = inputs.filter((i) => i.sheets);
    if (books.length === 1) result.workbook = { label: books[0].label, sheet: books[0].sheet, sheets: books[0].sheets };
    // What was unpacked (archives' members, a gzip's sizes, a workbook's sheet), as the CLI's summary says it.
    result.unpacked = inputs.filter((i) => i.unpacked).map((i) =>
      i.codecs && i.uncompressed != null && /: gzip,/.test(i.unpacked) ? `${i.unpacked}, ${(i.uncompressed / 1e6).toFixed(1)} MB uncompressed` : i.unpacked);
    // The merged campaigns, for openCampaignList(result): kept aside, not in the result.
    const listPlan = result.listPlan ?? read[0].plan;
    if (result.mergedPartial) keepListSource(result, { plan: listPlan, merged: result.mergedPartial, workerUrl, module });
    delete result.mergedPartial;
    delete result.listPlan;
    return result;
  };

  const running = work();
  running.catch(() => {});
  try {
    return await Promise.race([running, aborted]);
  } finally {
    progress.finished = true;
    signal?.removeEventListener('abort', onAbort);
    giveBack(pool.splice(0));
  }
}
