// Read-floor worker: reads bytes [start, end) of a File and parses nothing.
//   in:  {file, start, end, method: 'FileReaderSync' | 'stream', chunkSize}
//   out: {bytes} or {error}
// 'FileReaderSync' reads chunkSize slices exactly as adagg's worker does
// (src/wasm.rs aggregateRange); 'stream' is Blob.stream() on the range.
self.onmessage = async ({ data: { file, start, end, method, chunkSize } }) => {
  try {
    let bytes = 0;
    if (method === 'FileReaderSync') {
      const reader = new FileReaderSync();
      for (let at = start; at < end; at += chunkSize) {
        bytes += reader.readAsArrayBuffer(file.slice(at, Math.min(end, at + chunkSize))).byteLength;
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
