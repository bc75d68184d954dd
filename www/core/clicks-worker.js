// The click-log worker (issue 17): one per click-log result, with the
// clicks module (pkg-clicks/). It reads the file twice (see
// src/wasm/clicks.rs), keeps the result, and answers the files, the chart's
// series and the stats query until it is closed. Protocol (clicks.js):
//   in:  {type:'init', module}
//        {id, type:'plan', file}             -> {format, encoding} | null
//        {id, type:'run', file, options}     -> {summary, summaryLines, files: {name: Blob}, ads, span}
//        {id, type:'stats', query}           -> JSON text
//        {id, type:'series', adId, window}   -> [starts, clicks, duplicates, flagged]
//        {type:'cancel', target}
//   out: {id, type:'progress', bytesDone, rows}, {id, type:'done', value}, {id, type:'error', message}
let glue = null;
let ready = null;
let run = null;
const cancelled = new Set();

function init(module) {
  ready ??= (async () => {
    glue = await import('../pkg-clicks/adagg.js');
    await glue.default({ module_or_path: module });
  })();
  return ready;
}

const csv = (bytes) => new Blob([bytes], { type: 'text/csv;charset=utf-8' });

async function handle(msg) {
  const { id, type } = msg;
  await ready;
  if (type === 'plan') {
    const end = Math.min(msg.file.size, 1 << 20);
    const prefix = new Uint8Array(await msg.file.slice(0, end).arrayBuffer());
    return glue.clickPlan(prefix, end === msg.file.size);
  }
  if (type === 'run') {
    run?.free();
    run = null;
    const r = await glue.runClicks(msg.file, msg.options ?? undefined, (bytesDone, rows) => {
      if (cancelled.has(id)) return false;
      postMessage({ id, type: 'progress', bytesDone, rows });
      return true;
    });
    run = r;
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
    (value) => postMessage({ id: msg.id, type: 'done', value }),
    (err) => postMessage({ id: msg.id, type: 'error', message: err?.message || String(err), cancelled: cancelled.has(msg.id) }),
  );
};
