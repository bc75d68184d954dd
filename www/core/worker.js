// adagg worker: a thin message adapter around the wasm API. All file reading
// and parsing happens here, off the main thread. Protocol (see run.js):
//   in:  {type:'init', module?}            compiled WebAssembly.Module (optional)
//        {id, type:'sniff', file, options}   options: {delimiter?, encoding?, map?}
//        {id, type:'split', plan, size, n}  -> {points, ranges: [{start, stop, exact}]} (wasm splitRanges)
//        {id, type:'align', points, spans}  spans: [{start, end, stopped}] -> {merge: n} or
//                                     {rerun: index, start, stop, exact: true} (wasm alignRanges)
//        {id, type:'range', file, plan, start, stop, exact, locate}
//        {id, type:'stream', file, codecs, expect, options, port?} -> {plan, range}: a gzip file or a
//                                     zip's deflated member, decompressed here (DecompressionStream per
//                                     codec, `expect`: the first codec's declared output bytes), or by
//                                     another worker's 'inflate' call sending the bytes over `port`,
//                                     and read as one range (see stream.js)
//        {id, type:'inflate', file, codecs, expect, port} decompresses for a 'stream' call over `port`
//        {id, type:'finish', plan, partials, report}  report: {top, rank, min, all} (run.js)
//        {id, type:'rejected', ranges}      ranges: [{blob, lineOffset}] -> rejected_rows.csv Blob
//        {id, type:'warm'}                    a small synthetic run (see warmUp in pool.js)
//        {type:'cancel', target}             stop call `target` (a range stops within 16 MiB)
//        {id, type:'list-open', plan, merged} -> {handle, length}   the all-campaigns table (list.js)
//        {id, type:'list-sort', handle, key, descending} / {id, type:'list-filter', handle, text} -> rows shown
//        {id, type:'list-rows', handle, from, count} -> [[cell...]]; {id, type:'list-csv', handle} -> Blob;
//        {id, type:'list-close', handle}
//        {id, type:'normalize', file, options, platform} -> {csv: Blob, rows, skipped, platform} (normalized.csv)
//   out: {id, type:'progress', bytesDone, rows}
//        {id, type:'done', value, memory}   range value: {partial, start, end, newlines,
//                                     strictStopped, stopped, rejected: Blob of records (rejected.js)}
//        {id, type:'error', message, kind?, missing?, columns?, fields?, memory, fatal}
//   Every call is answered once, cancelled or not (kind 'cancelled' when it
//   stopped early); `memory` is the wasm memory's size in bytes: it never
//   shrinks, so the pool (pool.js) retires a worker that grew large; `fatal`:
//   the wasm instance trapped, so the pool retires the worker.
import { RejectedSpool, rangeValue, rejectedCsv } from './rejected.js';
import { DAILY_CSV_KEYS, isDailyModule } from './daily-module.js';

// The wasm-bindgen glue of the module this worker was given: pkg/'s, or
// pkg-daily/'s for the daily module (see daily-module.js), imported at init.
let sniff, aggregateRange, finishPartials, finishFiles, detectPlatform, checkReport, splitRanges, alignRanges, CampaignList, normalizeFile, StreamRun;

const SNIFF_BYTES = 1 << 20;
let ready = null;
let wasm = null; // the wasm instance's exports, once ready
/** The all-campaigns tables open in this worker: handle -> CampaignList. */
const lists = new Map();
let nextList = 1;

/** The list calls (see list.js). */
function doList(msg) {
  if (msg.type === 'list-open') {
    const list = new CampaignList(msg.plan, msg.merged);
    const handle = nextList++;
    lists.set(handle, list);
    return { handle, length: list.length };
  }
  const list = lists.get(msg.handle);
  if (!list) throw new Error('this campaign list was closed');
  if (msg.type === 'list-close') {
    lists.delete(msg.handle);
    list.free();
    return 0;
  }
  if (msg.type === 'list-sort') list.sort(msg.key, msg.descending);
  else if (msg.type === 'list-filter') list.filter(msg.text);
  else if (msg.type === 'list-rows') return list.rows(msg.from, msg.count);
  else if (msg.type === 'list-csv') return new Blob([list.csv()], { type: 'text/csv;charset=utf-8' });
  else throw new Error(`unknown message type ${msg.type}`);
  return list.shown;
}

/** normalized.csv of `file`, made here in one pass, kept as Blob parts (flat memory). */
async function doNormalize(id, { file, options, platform }) {
  const parts = [];
  const r = await normalizeFile(
    file,
    options,
    platform || undefined,
    (bytesDone, rows) => {
      if (running.get(id)) return false;
      postMessage({ id, type: 'progress', bytesDone: Number(bytesDone), rows: Number(rows) });
      return true;
    },
    (chunk) => parts.push(new Blob([chunk])),
    typeof file.name === 'string' ? file.name : undefined,
  );
  if (running.get(id)) throw Object.assign(new Error('cancelled'), { kind: 'cancelled' });
  return { csv: new Blob(parts, { type: 'text/csv;charset=utf-8' }), rows: Number(r.rows), skipped: Number(r.skipped), platform: r.platform };
}

/** The calls running: id -> true once asked to stop. */
const running = new Map();

function initOnce(module) {
  if (!ready) {
    ready = (async () => {
      const glue = module && isDailyModule(module) ? await import('../pkg-daily/adagg.js') : await import('../pkg/adagg.js');
      ({ sniff, aggregateRange, finishPartials, finishFiles, detectPlatform, checkReport, splitRanges, alignRanges, CampaignList, normalizeFile, StreamRun } = glue);
      wasm = await (module ? glue.default({ module_or_path: module }) : glue.default());
      return wasm;
    })();
  }
  return ready;
}

/** The wasm memory's size in bytes (0 before the instance exists). */
const memoryBytes = () => wasm?.memory.buffer.byteLength ?? 0;

/** True when the bytes of `file` from `from` on are line breaks only (and the zero bytes of UTF-16). */
async function blankToEnd(file, from, utf16) {
  for (let at = from; at < file.size; at += SNIFF_BYTES) {
    const bytes = new Uint8Array(await file.slice(at, at + SNIFF_BYTES).arrayBuffer());
    if (!bytes.every((b) => b === 10 || b === 13 || (utf16 && b === 0))) return false;
  }
  return true;
}

async function doSniff(file, options) {
  const end = Math.min(file.size, SNIFF_BYTES);
  const prefix = new Uint8Array(await file.slice(0, end).arrayBuffer());
  let plan;
  try {
    plan = sniff(prefix, end === file.size, options ?? undefined);
  } catch (err) {
    // The first MiB is blank lines: the file is empty if they run to its end.
    const utf16 = (prefix[0] === 0xff && prefix[1] === 0xfe) || (prefix[0] === 0xfe && prefix[1] === 0xff);
    if (err?.blankLines && await blankToEnd(file, end, utf16)) sniff(new Uint8Array(0), true, undefined); // throws "the file is empty"
    throw err;
  }
  if (plan == null) {
    throw new Error('The header line is longer than 1 MiB; is this really a CSV file?');
  }
  return plan;
}

/**
 * A small synthetic run (4 MB: 50 campaigns, then 30,000 more), so that the
 * engine compiles the hot wasm functions with its optimizing tier now, on
 * the module every later worker shares, rather than during the user's
 * first file.
 */
async function doWarm() {
  const lines = ['campaign_id,date,impressions,clicks,spend,conversions'];
  for (let i = 0; i < 100_000; i++) {
    const id = i < 60_000 || i % 2 ? `CMP${String(i % 50).padStart(3, '0')}` : `WARM${i % 30_000}`;
    const day = String(1 + (i % 28)).padStart(2, '0');
    lines.push(`${id},2025-02-${day},${1000 + (i % 9000)},${i % 300},${i % 700}.${String(i % 100).padStart(2, '0')},${i % 9}`);
  }
  const blob = new Blob([lines.join('\n'), '\n']);
  const plan = await doSniff(blob);
  const r = await aggregateRange(blob, plan, Number(plan.dataStart), blob.size, undefined, true, undefined, false);
  finishPartials(plan, [r.partial], { top: 10, rank: null, min: {}, all: false });
  return true;
}

async function doRange(id, { file, plan, start, stop, exact, locate }) {
  // Every rejected row, out of wasm memory as it is found (see rejected.js).
  const spool = new RejectedSpool();
  const r = await aggregateRange(
    file,
    plan,
    start,
    stop,
    (bytesDone, rows) => {
      if (running.get(id)) return false; // asked to stop: stops the range
      postMessage({ id, type: 'progress', bytesDone: Number(bytesDone), rows: Number(rows) });
      return true;
    },
    Boolean(exact),
    (records) => spool.push(records),
    Boolean(locate),
  );
  return rangeValue(r, spool);
}

self.onmessage = async ({ data: msg }) => {
  if (msg.type === 'init') {
    initOnce(msg.module).catch(() => {}); // reported on first real call
    return;
  }
  if (msg.type === 'cancel') {
    if (running.has(msg.target)) running.set(msg.target, true); // else it has been answered already
    return;
  }
  const { id } = msg;
  running.set(id, false);
  try {
    await initOnce();
    let value;
    let transfer = [];
    if (msg.type === 'sniff') {
      if (msg.report) checkReport(msg.report); // bad report options fail before the file is read
      value = await doSniff(msg.file, msg.options);
    }
    else if (msg.type === 'range') ({ value, transfer } = await doRange(id, msg));
    else if (msg.type === 'inflate') {
      // The decompressing half of a stream read by two workers (stream.js).
      const { inflate } = await import('./stream.js');
      value = await inflate(msg, { cancelled: () => running.get(id) });
    }
    else if (msg.type === 'stream') {
      if (msg.report) checkReport(msg.report);
      // Imported only for a stream: portals' bundles keep it out of every run's download.
      const { readStream } = await import('./stream.js');
      ({ value, transfer } = await readStream(msg, {
        sniff,
        StreamRun,
        cancelled: () => running.get(id),
        progress: (bytesDone, rows) => postMessage({ id, type: 'progress', bytesDone, rows }),
      }));
    }
    else if (msg.type === 'split') value = splitRanges(msg.plan, msg.size, msg.n);
    else if (msg.type === 'align') value = alignRanges(msg.points, msg.spans);
    else if (msg.type === 'finish') {
      value = finishPartials(msg.plan, msg.partials, msg.report);
      // all_campaigns.csv (and the daily files) leave wasm memory as bytes, and the page gets Blobs.
      for (const key of ['allCampaignsCsv', ...DAILY_CSV_KEYS]) {
        if (value[key]) value[key] = new Blob([value[key]], { type: 'text/csv;charset=utf-8' });
      }
    }
    else if (msg.type === 'finishFiles') {
      value = finishFiles(msg.files, msg.report, msg.mergePlatforms);
      if (value.allCampaignsCsv) value.allCampaignsCsv = new Blob([value.allCampaignsCsv], { type: 'text/csv;charset=utf-8' });
    }
    else if (msg.type === 'platform') value = detectPlatform(msg.plan, msg.name);
    else if (msg.type === 'rejected') value = await rejectedCsv(msg.ranges, msg.header);
    else if (msg.type === 'warm') value = await doWarm();
    else if (msg.type.startsWith('list-')) value = doList(msg);
    else if (msg.type === 'normalize') value = await doNormalize(id, msg);
    else throw new Error(`unknown message type ${msg.type}`);
    postMessage({ id, type: 'done', value, memory: memoryBytes() }, transfer);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // kind / missing / columns / fields let the page offer a column-mapping form.
    const { missing, columns, fields, fileIndex } = err ?? {};
    const kind = running.get(id) ? 'cancelled' : err?.kind;
    // A trap (a Rust panic, memory exhausted) may leave the wasm instance
    // half-updated: this worker must not serve another run.
    const fatal = err instanceof WebAssembly.RuntimeError;
    postMessage({ id, type: 'error', message: message || 'unknown error in the worker', kind, missing, columns, fields, fileIndex, memory: memoryBytes(), fatal });
  } finally {
    running.delete(id);
  }
};
