// A stream read once from its first byte (issue 18): a gzip file (every
// member) or a zip's deflated member, decompressed by the browser's
// DecompressionStream in the worker that parses it, its bytes fed to the
// wasm StreamRun. worker.js imports it for a 'stream' call only.
import { RejectedSpool, rangeValue } from './rejected.js';

/** The header is looked for in the first MiB (worker.js's SNIFF_BYTES). */
const SNIFF_BYTES = 1 << 20;

/** Bytes of a stream between two progress reports. */
const STREAM_REPORT = 16 << 20;

/**
 * The decompressed bytes of `file` (codecs applied in order), and a count
 * of the compressed bytes read so far (`read()`). The first codec's output
 * is held to `expect` bytes when given (a zip member's declared size: more
 * is a bomb or a lying header, fewer a damaged archive).
 */
/** Bytes as the core says them (zip.rs `Bytes`): `3221225472 bytes (3.0 GiB)`. */
function bytesText(n) {
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  for (let i = units.length - 1; i >= 0; i--) {
    if (n >= 2 ** (10 * (i + 1))) return `${n} bytes (${(n / 2 ** (10 * (i + 1))).toFixed(1)} ${units[i]})`;
  }
  return `${n} bytes`;
}

/**
 * The decompressed bytes of `file` (codecs applied in order) as a reader,
 * and the compressed bytes read so far (`read()`). The first codec's output
 * is held to `expect` bytes when given (a zip member's declared size: more
 * is a bomb or a lying header, fewer a damaged archive).
 */
function decompressed(file, codecs, expect, member) {
  const state = { read: 0 };
  // A gzip file (or a stored .gz member): every member, one after another.
  if (codecs.length === 1 && codecs[0] === 'gzip') {
    const chunks = gunzip(file, state);
    return { reader: { read: () => chunks.next(), cancel: async () => chunks.return() }, read: () => state.read };
  }
  let out = 0;
  const label = file.name || 'the file';
  const name = JSON.stringify(member ?? label);
  let stream = null;
  codecs.forEach((codec, i) => {
    stream = i === 0 ? decompressCounted(file.stream(), codec, state) : stream.pipeThrough(new DecompressionStream(codec));
    if (i === 0 && expect != null) {
      stream = stream.pipeThrough(new TransformStream({
        transform(chunk, c) {
          out += chunk.byteLength;
          if (out > expect) throw new Error(`${label}: zip member ${name} decompresses to more than the ${bytesText(expect)} its header declares (a corrupt archive or a zip bomb)`);
          c.enqueue(chunk);
        },
        flush() {
          if (out !== expect) throw new Error(`${label}: zip member ${name} decompressed to ${bytesText(out)}, fewer than the ${bytesText(expect)} its header declares (truncated or corrupt)`);
        },
      }));
    }
  });
  return { reader: stream.getReader(), read: () => state.read };
}

/**
 * The output of `new DecompressionStream(codec)` fed with `source`, the
 * bytes handed to it counted in `state.read`. Fed by hand rather than
 * through a counting TransformStream: one hop less per chunk on the
 * thread that decompresses (the stream's critical path).
 */
function decompressCounted(source, codec, state) {
  const ds = new DecompressionStream(codec);
  const writer = ds.writable.getWriter();
  const reader = source.getReader();
  (async () => {
    try {
      for (;;) {
        await writer.ready;
        const { done, value } = await reader.read();
        if (done) break;
        state.read += value.byteLength;
        writer.write(value).catch(() => {}); // its failure is the readable's error
      }
      await writer.close();
    } catch (err) {
      // The output was cancelled or failed (stop reading the file), or the file could not be read (the output fails with its error).
      reader.cancel(err).catch(() => {});
      writer.abort(err).catch(() => {});
    }
  })();
  return ds.readable;
}

/** Bytes searched back from where a gzip member's stream failed, for the next member's header. */
const MEMBER_WINDOW = 16 << 20;

/**
 * The decompressed chunks of a gzip file of one or more members (files
 * joined with `cat`, BGZF): the browser's DecompressionStream reads one
 * member and fails on the bytes after it ("junk"), and drops the output of
 * the chunk that held the member's end. So when a member's stream fails,
 * the next member is looked for just before where it failed: a gzip header
 * (1f 8b 08) after a trailer whose size field fits the bytes given so far;
 * that member is decompressed again up to there (checked to end there),
 * its lost output given, and reading goes on from the next member. No
 * such header: the failure is the file's (truncated or corrupt).
 */
async function* gunzip(file, state) {
  let start = 0;
  while (start < file.size) {
    let consumed = 0;
    const sub = { read: 0 };
    const reader = decompressCounted(file.slice(start).stream(), 'gzip', sub).getReader();
    let emitted = 0;
    let failure = null;
    try {
      for (;;) {
        let r;
        try {
          r = await reader.read();
        } catch (err) {
          failure = err;
          break;
        } finally {
          consumed = sub.read;
          state.read = start + consumed;
        }
        if (r.done) return;
        emitted += r.value.byteLength;
        yield r.value;
      }
    } finally {
      if (!failure) reader.cancel().catch(() => {});
    }
    const next = await nextMember(file, start, consumed, emitted);
    if (!next) throw failure;
    if (next.tail.byteLength) yield next.tail;
    start = next.at;
    state.read = start;
  }
}

/** The member after the one at `start` (see gunzip): `{at, tail}` or null. */
async function nextMember(file, start, consumed, emitted) {
  const from = Math.max(start, start + consumed - MEMBER_WINDOW);
  const bytes = new Uint8Array(await file.slice(from, start + consumed).arrayBuffer());
  for (let i = Math.max(4, start + 18 - from); i + 3 <= bytes.length; i++) {
    if (bytes[i] !== 0x1f || bytes[i + 1] !== 0x8b || bytes[i + 2] !== 8) continue;
    const isize = (bytes[i - 4] | (bytes[i - 3] << 8) | (bytes[i - 2] << 16) | (bytes[i - 1] << 24)) >>> 0;
    // The member's size (mod 2^32) is at least what was given, and not far past it.
    if (((isize - (emitted % 2 ** 32) + 2 ** 32) % 2 ** 32) > MEMBER_WINDOW * 1032) continue;
    const at = from + i;
    const tail = await memberTail(file.slice(start, at), emitted, isize);
    if (tail) return { at, tail };
  }
  return null;
}

/** The output of the gzip member `blob` past its first `skip` bytes, if it is one whole member of `isize` bytes (mod 2^32); else null. */
async function memberTail(blob, skip, isize) {
  const parts = [];
  let total = 0;
  try {
    const reader = blob.stream().pipeThrough(new DecompressionStream('gzip')).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const end = total + value.byteLength;
      if (end > skip) parts.push(value.subarray(Math.max(0, skip - total)));
      total = end;
    }
  } catch {
    return null;
  }
  if (total % 2 ** 32 !== isize || total < skip) return null;
  const tail = new Uint8Array(total - skip);
  parts.reduce((at, p) => (tail.set(p, at), at + p.byteLength), 0);
  return tail;
}

/** The stream's own error said as the CLI says it (input.rs), naming the byte. */
function streamError(err, file, codecs, read) {
  // The file itself could not be read (changed, moved or deleted after it was chosen).
  if (err?.name === 'NotReadableError' || err?.name === 'NotFoundError') {
    return new Error(`${file.name || 'the file'}: the file could not be read past byte ${read} of ${file.size} (was it changed, moved or deleted after it was chosen?); no result is given for a part of the file`);
  }
  if (!(err instanceof TypeError) || /zip member/.test(err.message)) return err;
  const gzip = codecs[codecs.length - 1] === 'gzip' ? 'gzip' : 'deflate';
  const what = read >= file.size
    ? `the ${gzip} data is truncated: it ends at byte ${file.size} before the end of its stream`
    : `the ${gzip} data is corrupt at or before byte ${read} of ${file.size} (${err.message})`;
  return new Error(`${file.name || 'the file'}: ${what}; no result is given for a part of the file`);
}

/**
 * A stream read once from its first byte (a gzip file, a zip's deflated
 * member): its first MiB sniffed, then every byte fed to a StreamRun.
 * Resolves to `{plan, range}` (range: as doRange's value, `uncompressed`:
 * the bytes the stream gave).
 */
export async function readStream({ file, codecs, expect, member, port, options }, { sniff, StreamRun, cancelled, progress }) {
  // From another worker that decompresses (`port`, see inflate), or decompressed here.
  const { reader, read } = port ? fromPort(port) : decompressed(file, codecs, expect, member);
  try {
    return await parse({ file, codecs, options }, { reader, read }, { sniff, StreamRun, cancelled, progress });
  } finally {
    reader.cancel().catch(() => {}); // ends the decompressing worker too
  }
}

/** Messages from the decompressing worker to the parsing one: in flight at once, and the bytes each holds (at least). */
const IN_FLIGHT = 4;
const BATCH = 1 << 20;

/**
 * Decompresses `file` (as `decompressed`) and hands the bytes to the worker
 * that parses them over `port`: messages of the decompressor's chunks as
 * they came (`chunks`, transferred) holding at least BATCH bytes, at most
 * IN_FLIGHT not yet taken (so decompression and parsing overlap, and memory
 * stays bounded). Every message says the compressed bytes read so far
 * (`read`) and whether it is the last; an error (or a cancel: 'cancelled')
 * is the last message; the parser's `stop` ends it.
 */
export async function inflate({ file, codecs, expect, member, port }, { cancelled }) {
  let credits = IN_FLIGHT;
  let stopped = false;
  let wake = null;
  port.onmessage = ({ data }) => {
    if (data.stop) stopped = true;
    else credits++;
    wake?.();
    wake = null;
  };
  let source = null;
  let parts = [];
  let size = 0;
  // The chunks go as they came (transferred, not copied into one buffer:
  // this thread is the stream's critical path).
  const send = async (last) => {
    while (credits === 0 && !stopped) await new Promise((r) => (wake = r));
    if (stopped) return;
    const chunks = parts;
    parts = [];
    size = 0;
    credits--;
    port.postMessage({ chunks, read: source.read(), last }, chunks.map((c) => c.buffer));
  };
  // A chunk that is a view into a larger buffer is copied, so that each buffer is transferred once.
  const keep = (c) => {
    parts.push(c.byteOffset === 0 && c.byteLength === c.buffer.byteLength ? c : c.slice());
    size += c.byteLength;
  };
  try {
    source = decompressed(file, codecs, expect, member);
    for (;;) {
      if (stopped) return false;
      if (cancelled()) {
        port.postMessage({ error: 'cancelled' });
        return false;
      }
      let r;
      try {
        r = await source.reader.read();
      } catch (err) {
        port.postMessage({ error: streamError(err, file, codecs, source.read()).message });
        return false;
      }
      if (r.done) {
        await send(true);
        return true;
      }
      if (r.value.byteLength) keep(r.value);
      if (size >= BATCH) await send(false);
    }
  } catch (err) {
    // Anything else that fails here reaches the parser, which would otherwise wait for bytes.
    if (!stopped) port.postMessage({ error: String(err?.message ?? err) });
    return false;
  } finally {
    source?.reader.cancel().catch(() => {});
  }
}

/** A reader of the chunks `inflate` hands over `port`, and the compressed bytes read so far. */
function fromPort(port) {
  const queue = [];
  let waiting = null;
  let read = 0;
  let ended = false;
  port.onmessage = ({ data }) => {
    queue.push(data);
    waiting?.();
    waiting = null;
  };
  // The chunks of the message being read, and the next one's index.
  let chunks = [];
  let next = 0;
  const reader = {
    async read() {
      while (next === chunks.length) {
        if (ended) return { done: true };
        while (queue.length === 0) await new Promise((r) => (waiting = r));
        const m = queue.shift();
        if (m.error != null) {
          ended = true;
          throw new Error(m.error);
        }
        read = m.read;
        port.postMessage({ ack: true });
        if (m.last) ended = true;
        chunks = m.chunks;
        next = 0;
      }
      return { done: false, value: chunks[next++] };
    },
    async cancel() {
      port.postMessage({ stop: true });
      port.close();
    },
  };
  return { reader, read: () => read };
}

/** The stream's bytes from `reader`: the header sniffed, then every byte fed to a StreamRun. */
async function parse({ file, codecs, options }, { reader, read }, { sniff, StreamRun, cancelled, progress }) {
  const stop = () => {
    reader.cancel().catch(() => {});
    throw Object.assign(new Error('cancelled'), { kind: 'cancelled' });
  };
  let total = 0;
  const next = async () => {
    let r;
    try {
      r = await reader.read();
    } catch (err) {
      throw streamError(err, file, codecs, read());
    }
    if (!r.done) total += r.value.byteLength;
    return r;
  };
  // 1. The first MiB: the header.
  const head = [];
  let headBytes = 0;
  let ended = false;
  while (headBytes < SNIFF_BYTES) {
    const r = await next();
    if (r.done) {
      ended = true;
      break;
    }
    head.push(r.value);
    headBytes += r.value.byteLength;
  }
  const prefix = new Uint8Array(headBytes);
  head.reduce((at, chunk) => (prefix.set(chunk, at), at + chunk.byteLength), 0);
  let plan;
  try {
    plan = sniff(prefix.subarray(0, Math.min(headBytes, SNIFF_BYTES)), ended && headBytes <= SNIFF_BYTES, options ?? undefined);
  } catch (err) {
    if (err?.blankLines) {
      // Empty if the blank lines run to the end of the stream.
      let blank = prefix.every((b) => b === 10 || b === 13);
      while (blank && !ended) {
        const r = await next();
        if (r.done) ended = true;
        else blank = r.value.every((b) => b === 10 || b === 13);
      }
      reader.cancel().catch(() => {});
      if (blank) sniff(new Uint8Array(0), true, undefined); // throws "the file is empty"
    }
    throw err;
  }
  if (plan == null) throw new Error('The header line is longer than 1 MiB; is this really a CSV file?');
  // 2. Every byte, from the first.
  const spool = new RejectedSpool();
  const run = new StreamRun(plan);
  try {
    const feed = (bytes) => {
      const records = run.feed(bytes);
      if (records) spool.push(records);
    };
    feed(prefix);
    let reported = 0;
    while (!ended) {
      if (cancelled()) stop();
      const r = await next();
      if (r.done) break;
      feed(r.value);
      if (total - reported >= STREAM_REPORT) {
        reported = total;
        progress(read(), run.rows());
      }
    }
    progress(read(), run.rows());
  } catch (err) {
    run.free();
    throw err;
  }
  const r = run.finish();
  if (r.rest) spool.push(r.rest);
  const { value, transfer } = rangeValue(r, spool);
  return { value: { plan, range: { ...value, uncompressed: total } }, transfer };
}
