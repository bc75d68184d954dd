// Read-floor worker: reads bytes [start, end) of a File and parses nothing.
//   in:  {file, start, end, method: 'byob' | 'FileReaderSync' | 'arrayBuffer' | 'stream', chunkSize}
//   out: {bytes} or {error}
// 'byob' reads as adagg's worker does (src/wasm/stream.rs read_stream): Blob.stream()
// with a "bring your own buffer" reader into two reused 1 MiB buffers, one
// read in flight;
// 'arrayBuffer' reads chunkSize slices with Blob.arrayBuffer(), 3 in flight
// (how adagg read before; an earlier read_slices in src/wasm);
// 'FileReaderSync' reads them one at a time with FileReaderSync (how adagg
// read until 2025-12); 'stream' is Blob.stream() on the range.
//   in:  {ping: true}  out: {bytes: 0} (the worker is loaded)
self.onmessage = async ({ data: { file, start, end, method, chunkSize, ping } }) => {
  if (ping) {
    postMessage({ bytes: 0 });
    return;
  }
  try {
    let bytes = 0;
    if (method === 'FileReaderSync') {
      const reader = new FileReaderSync();
      for (let at = start; at < end; at += chunkSize) {
        bytes += reader.readAsArrayBuffer(file.slice(at, Math.min(end, at + chunkSize))).byteLength;
      }
    } else if (method === 'arrayBuffer') {
      // Blob.arrayBuffer() with IN_FLIGHT slices requested at once, as adagg
      // reads (IN_FLIGHT in an earlier read_slices in src/wasm).
      const IN_FLIGHT = 3;
      const queue = [];
      let next = start;
      while (next < end || queue.length) {
        while (queue.length < IN_FLIGHT && next < end) {
          const to = Math.min(end, next + chunkSize);
          queue.push(file.slice(next, to).arrayBuffer());
          next = to;
        }
        bytes += (await queue.shift()).byteLength;
      }
    } else if (method === 'byob') {
      // As adagg reads: the next read is requested before the previous
      // piece is handed on, into the other of two reused buffers.
      const PIECE = 1 << 20;
      const reader = file.slice(start, end).stream().getReader({ mode: 'byob' });
      let spare = new ArrayBuffer(PIECE);
      let pending = reader.read(new Uint8Array(new ArrayBuffer(PIECE)), { min: PIECE });
      for (;;) {
        const { value, done } = await pending;
        if (!done) pending = reader.read(new Uint8Array(spare), { min: PIECE });
        if (value) {
          bytes += value.byteLength;
          spare = value.buffer;
        }
        if (done) break;
      }
    } else if (method === 'stream') {
      const reader = file.slice(start, end).stream().getReader();
      for (let r = await reader.read(); !r.done; r = await reader.read()) bytes += r.value.byteLength;
    } else {
      throw new Error(`unknown method ${method}`);
    }
    postMessage({ bytes });
  } catch (err) {
    postMessage({ error: String(err?.message ?? err) });
  }
};
