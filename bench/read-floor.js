// The File-API read floor, shared by the bench page (page.js) and the probe
// page (probe.js): the whole File read by `readers` dedicated workers
// (read-worker.js), one contiguous range each, nothing parsed.
import { splitOffsets } from '../www/aggregate.js';

const READ_WORKER = new URL('./read-worker.js', import.meta.url);

/**
 * @param {Blob} file
 * @param {{readers: number, method: string, chunkSize?: number}} opts
 *   method: see read-worker.js; chunkSize: slice size of the slice-based methods
 * @returns {Promise<{bytes: number}>}
 */
export async function readFloor(file, { readers, method, chunkSize = 16 << 20 }) {
  const offsets = splitOffsets(0, file.size, readers);
  const workers = offsets.slice(1).map(() => new Worker(READ_WORKER, { type: 'module' }));
  try {
    const parts = await Promise.all(
      workers.map(
        (w, i) =>
          new Promise((resolve, reject) => {
            w.onmessage = ({ data }) => (data.error ? reject(new Error(data.error)) : resolve(data.bytes));
            w.onerror = (e) => reject(new Error(e.message || 'the read worker failed'));
            w.postMessage({ file, start: offsets[i], end: offsets[i + 1], method, chunkSize });
          }),
      ),
    );
    const bytes = parts.reduce((a, b) => a + b, 0);
    if (bytes !== file.size) throw new Error(`read ${bytes} of ${file.size} bytes`);
    return { bytes };
  } finally {
    for (const w of workers) w.terminate();
  }
}
