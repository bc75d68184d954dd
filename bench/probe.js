// Probe page (bench/probe.mjs): like page.js, but the adagg job can load
// aggregate.js from any served directory (a variant of www/, for
// back-to-back A/B runs in one browser), and returns the result's timing.
import { gunzipFloor, readFloor, startReaders } from './read-floor.js';

const variants = new Map();

function load(dir) {
  if (!variants.has(dir)) {
    variants.set(
      dir,
      import(new URL(`${dir}/aggregate.js`, location.href).href).then(async (m) => {
        await m.preload();
        await m.warmUp?.(); // as the page does (variants without it: none)
        return m;
      }),
    );
  }
  return variants.get(dir);
}

const floor = (file, { readers, method = 'FileReaderSync', chunkSize }) => readFloor(file, { readers, method, chunkSize });

async function adagg(file, { workers, variant = '/www', progress = false }) {
  const m = await load(variant);
  let calls = 0;
  const onProgress = progress ? () => calls++ : undefined;
  const r = await m.aggregateFile(file, { workers, onProgress });
  return { ctrCsv: r.ctrCsv, cpaCsv: r.cpaCsv, timing: r.timing, trace: r.trace, progressCalls: calls };
}

/** A bare DecompressionStream('gzip') read in this thread (unpack.mjs's floor). */
const gunzip = async (file) => ({ bytes: await gunzipFloor(file) });

const JOBS = { floor, adagg, gunzip };
const input = document.querySelector('#file');
let armed = null;

globalThis.probe = {
  done: null,
  async arm(job, opts = {}) {
    if (job === 'adagg') {
      const m = await load(opts.variant ?? '/www');
      await m.warmUp?.({ workers: opts.workers }); // start workers beyond the default now
    }
    if (job === 'floor') await startReaders(opts.readers);
    input.value = '';
    probe.done = new Promise((resolve, reject) => {
      armed = { job, opts, resolve, reject };
    });
    probe.done.catch(() => {});
  },
};

input.addEventListener('change', () => {
  const file = input.files[0];
  if (!file || !armed) return;
  const { job, opts, resolve, reject } = armed;
  armed = null;
  const t0 = performance.now();
  const abs0 = performance.timeOrigin + t0;
  JOBS[job](file, opts).then((value) => resolve({ ms: performance.now() - t0, abs0, ...value }), reject);
});
