// The File-API read floor, shared by the bench page (page.js) and the probe
// page (probe.js): the whole File read by `readers` dedicated workers
// (read-worker.js), one contiguous range each, nothing parsed. The workers
// are started before the clock starts and kept, like adagg's.

const READ_WORKER = new URL('./read-worker.js', import.meta.url);

/** Nominal split offsets dataStart = O_0 < O_1 < ... < O_n = size (as adagg's first pass). */
function splitOffsets(dataStart, size, n) {
  const len = size - dataStart;
  const offsets = [];
  for (let i = 0; i <= n; i++) offsets.push(dataStart + Math.floor((len * i) / n));
  return offsets;
}

/**
 * The read workers of the current run, started when it is armed: starting a
 * worker is not part of the measurement. (A worker that has read with the
 * default stream reader hangs on its next BYOB read in Chromium 156, and a
 * kept one once never answered: each run gets new ones.)
 */
const kept = [];

/** Starts `n` new read workers, and resolves once they all answer. */
export async function startReaders(n) {
  // New workers for every run: a set kept from the round before once never
  // answered (npm run bench hung at round 3's first BYOB floor, twice, after
  // the 4 GB BYOB floor of round 2).
  for (const w of kept.splice(0)) w.terminate();
  while (kept.length < n) kept.push(new Worker(READ_WORKER, { type: 'module' }));
  await Promise.all(kept.slice(0, n).map((w) => ask(w, { ping: true })));
}

function ask(w, message) {
  return new Promise((resolve, reject) => {
    w.onmessage = ({ data }) => (data.error ? reject(new Error(data.error)) : resolve(data.bytes));
    w.onerror = (e) => reject(new Error(e.message || 'the read worker failed'));
    w.postMessage(message);
  });
}

/**
 * @param {Blob} file
 * @param {{readers: number, method: string, chunkSize?: number}} opts
 *   method: see read-worker.js; chunkSize: slice size of the slice-based methods
 * @returns {Promise<{bytes: number}>}
 */
export async function readFloor(file, { readers, method, chunkSize = 16 << 20 }) {
  const offsets = splitOffsets(0, file.size, readers);
  if (kept.length < readers) await startReaders(readers); // normally started when the run was armed
  const parts = await Promise.all(
    kept.slice(0, readers).map((w, i) => ask(w, { file, start: offsets[i], end: offsets[i + 1], method, chunkSize })),
  );
  const bytes = parts.reduce((a, b) => a + b, 0);
  if (bytes !== file.size) throw new Error(`read ${bytes} of ${file.size} bytes`);
  return { bytes };
}

/** A bare DecompressionStream('gzip') read of `file` in this thread, nothing parsed: the gzip floor (unpack.mjs, probe.js). Resolves to the bytes given. */
export async function gunzipFloor(file) {
  const reader = file.stream().pipeThrough(new DecompressionStream('gzip')).getReader();
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
  }
  return bytes;
}
