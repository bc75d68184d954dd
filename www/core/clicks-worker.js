// A click-log worker (issue 17), with the clicks module (pkg-clicks/).
// clicks.js starts several for one log, one range of the file each, and
// runs the steps of src/wasm/clicks.rs: every worker reads its range twice
// (pass 1: 'scan', pass 2: 'tally'); the first one also settles between
// the passes ('cross', 'hot'), appends the tallies ('finish'), keeps the
// result and answers the files, the chart's series and the stats query
// until it is closed. Protocol (clicks.js):
//   in:  {type:'init', module}
//        {id, type:'plan', file}                                  -> {format, encoding} | null
//        {id, type:'split', file, parts}                          -> [range starts..., end]
//        {id, type:'scan', file, from, to, index, head, atEof, options}
//                                                                 -> {lines, open, keysSeen, overLimit, ids}
//        {id, type:'cross', ids: [...], options}                  -> {crosses: [...], ids, overLimit}
//        {id, type:'apply', cross}                                -> bucket counts
//        {id, type:'hot', counts: [...], options}                 -> hot buckets
//        {id, type:'firstLines', head, atEof, lines}              -> [first line per range]
//        {id, type:'tally', file, from, to, hot, keysSeen, firstLine} -> the range's tally
//        {id, type:'finish', head, atEof, options, tallies: [...], keysSeen, ids, overLimit}
//                                                                 -> {summary, summaryLines, files: {name: Blob}, ads, span}
//        {id, type:'stats', query}                                -> JSON text
//        {id, type:'series', adId, window}                        -> [starts, clicks, duplicates, flagged]
//        {type:'cancel', target}
//   out: {id, type:'progress', bytesDone, rows}, {id, type:'done', value}, {id, type:'error', message}
// Byte arrays (ids, counts, tallies) travel as transferred Uint8Arrays.
let glue = null;
let ready = null;
let range = null; // this worker's ClickRange, between the passes
let run = null; // the result (first worker)
const cancelled = new Set();

function init(module) {
  ready ??= (async () => {
    glue = await import('../pkg-clicks/adagg.js');
    await glue.default({ module_or_path: module });
  })();
  return ready;
}

const csv = (bytes) => new Blob([bytes], { type: 'text/csv;charset=utf-8' });

/** progress(bytesDone, rows) for the message `id`: false once it is cancelled. */
const progressOf = (id) => (bytesDone, rows) => {
  if (cancelled.has(id)) return false;
  postMessage({ id, type: 'progress', bytesDone, rows });
  return true;
};

async function handle(msg) {
  const { id, type } = msg;
  await ready;
  if (type === 'plan') {
    const end = Math.min(msg.file.size, 1 << 20);
    const prefix = new Uint8Array(await msg.file.slice(0, end).arrayBuffer());
    return glue.clickPlan(prefix, end === msg.file.size);
  }
  if (type === 'split') return Array.from(await glue.splitClicks(msg.file, msg.parts));
  if (type === 'scan') {
    range?.free();
    range = null;
    run?.free();
    run = null;
    const r = await glue.scanClicks(msg.file.slice(msg.from, msg.to), msg.head, msg.atEof, msg.options ?? undefined, msg.index, progressOf(id));
    range = r;
    return { lines: r.lines(), open: r.open(), keysSeen: r.keysSeen(), overLimit: r.overLimit(), ids: r.takeIds() };
  }
  if (type === 'cross') {
    const out = glue.crossClicks(msg.ids, msg.options ?? undefined);
    return { crosses: Array.from(out.crosses), ids: out.ids, overLimit: out.overLimit };
  }
  if (type === 'apply') return needRange().applyCross(msg.cross);
  if (type === 'hot') return glue.hotClicks(msg.counts, msg.options ?? undefined);
  if (type === 'firstLines') return Array.from(glue.clickFirstLines(msg.head, msg.atEof, Float64Array.from(msg.lines)));
  if (type === 'tally') {
    const r = needRange();
    range = null; // given to tallyClicks, which frees it
    return glue.tallyClicks(r, msg.file.slice(msg.from, msg.to), msg.hot, msg.keysSeen, msg.firstLine, progressOf(id));
  }
  if (type === 'finish') {
    run?.free();
    run = glue.finishClicks(msg.head, msg.atEof, msg.options ?? undefined, msg.tallies, msg.keysSeen, msg.ids, msg.overLimit);
    const r = run;
    return {
      summary: JSON.parse(r.summary()),
      summaryLines: r.summaryLines(),
      files: {
        'clicks_1m.csv': csv(r.windowCsv('1m')),
        'clicks_5m.csv': csv(r.windowCsv('5m')),
        'clicks_1h.csv': csv(r.windowCsv('1h')),
        'top10_ads.csv': csv(r.topAdsCsv()),
        'flagged_clicks.csv': csv(r.flaggedCsv()),
        'rejected_rows.csv': csv(r.rejectedCsv()),
        'user_sketches_1h.csv': csv(r.sketchesCsv()),
        'click_summary.json': new Blob([r.summary()], { type: 'application/json' }),
      },
      ads: r.adsByClicks(1000),
      span: r.span(),
    };
  }
  if (!run) throw new Error('no click log has been read in this worker');
  if (type === 'stats') return run.stats(msg.query);
  if (type === 'series') return run.series(msg.adId, msg.window);
  throw new Error(`unknown message type ${type}`);
}

function needRange() {
  if (!range) throw new Error('this worker has no click-log range read');
  return range;
}

/** The buffers of the byte arrays in `value`, to transfer rather than copy. */
function transferables(value) {
  if (value instanceof Uint8Array) return [value.buffer];
  if (value && typeof value === 'object' && !(value instanceof Blob)) {
    return Object.values(value).flatMap((v) => (v instanceof Uint8Array ? [v.buffer] : Array.isArray(v) ? v.filter((x) => x instanceof Uint8Array).map((x) => x.buffer) : []));
  }
  return [];
}

self.onmessage = (e) => {
  const msg = e.data;
  if (msg.type === 'init') {
    init(msg.module);
    return;
  }
  if (msg.type === 'cancel') {
    cancelled.add(msg.target);
    return;
  }
  handle(msg).then(
    (value) => postMessage({ id: msg.id, type: 'done', value }, transferables(value)),
    (err) => postMessage({ id: msg.id, type: 'error', message: err?.message || String(err), cancelled: cancelled.has(msg.id) }),
  );
};
