// rejected_rows.csv in the browser, for any number of rejected rows: each
// worker hands its rows over as they are found, as a Blob of records
// (Chromium keeps large Blobs out of the tab's memory), with line numbers
// relative to its range; once the ranges are merged, the line offset of each
// range is known and the records are copied out in file order, a slice at a
// time, into the final Blob. The CSV text of each row (reason, raw line,
// spreadsheet-safe quoting) is made by the wasm core; only the line number is
// written here.
//
// Record: u32 line (low), u32 line (high), u32 n, then n bytes: `,reason,raw\n`.

const HEADER = 'line,reason,raw_line\n';
const SLICE = 4 << 20;
const FLUSH = 1 << 20;

/** Collects a range's record batches (Uint8Arrays) into one Blob, a few MB at a time. */
export class RejectedSpool {
  #blob = new Blob([]);
  #parts = [];
  #pending = 0;

  /** @param {Uint8Array} batch records, as made by the wasm core */
  push(batch) {
    this.#parts.push(batch);
    this.#pending += batch.byteLength;
    if (this.#pending >= FLUSH) this.#flush();
  }

  #flush() {
    this.#blob = new Blob([this.#blob, ...this.#parts]);
    this.#parts = [];
    this.#pending = 0;
  }

  /** @returns {Blob} every record pushed so far */
  blob() {
    this.#flush();
    return this.#blob;
  }
}

/**
 * The final rejected_rows.csv. Runs in a worker (see worker.js): it copies
 * every record once, a slice at a time, writing the line numbers in place.
 * @param {Array<{blob: Blob, lineOffset: number, prefix?: string}>} ranges in
 *   file order; a record's line + lineOffset is its line in the file;
 *   `prefix` (a CSV cell and its comma: the file's name, several files)
 *   goes before each row
 * @param {string} [headerPrefix] before the header (`file,`: several files)
 * @returns {Promise<Blob>}
 */
export async function rejectedCsv(ranges, headerPrefix = '') {
  let out = new Blob([headerPrefix + HEADER]);
  let parts = [];
  let pending = 0;
  const encoder = new TextEncoder();
  for (const { blob, lineOffset, prefix = '' } of ranges) {
    const head = encoder.encode(prefix);
    let carry = new Uint8Array(0);
    for (let at = 0; at < blob.size; at += SLICE) {
      const chunk = new Uint8Array(await blob.slice(at, at + SLICE).arrayBuffer());
      let buf = chunk;
      if (carry.length) {
        buf = new Uint8Array(carry.length + chunk.length);
        buf.set(carry);
        buf.set(chunk, carry.length);
      }
      const { bytes, used } = numbered(buf, lineOffset, head);
      parts.push(bytes);
      pending += bytes.length;
      if (pending >= FLUSH) {
        out = new Blob([out, ...parts]);
        parts = [];
        pending = 0;
      }
      carry = buf.slice(used);
    }
    if (carry.length) throw new Error('rejected rows: a record was cut short');
  }
  return new Blob([out, ...parts], { type: 'text/csv;charset=utf-8' });
}

/**
 * The whole records at the start of `buf` as CSV rows: each record's 12-byte
 * head replaced by `head` (bytes, maybe none) and its line number (+
 * `lineOffset`) in decimal.
 * @returns {{bytes: Uint8Array, used: number}} the rows, and the bytes of
 *   `buf` they came from (the rest is the start of a cut record)
 */
function numbered(buf, lineOffset, head) {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  // A line number has at most 16 digits: 4 more than the head it replaces.
  const out = new Uint8Array(buf.length + Math.ceil(buf.length / 12) * (4 + head.length));
  let p = 0;
  let o = 0;
  while (p + 12 <= buf.length) {
    const len = view.getUint32(p + 8, true);
    if (p + 12 + len > buf.length) break;
    if (head.length) {
      out.set(head, o);
      o += head.length;
    }
    let line = view.getUint32(p, true) + view.getUint32(p + 4, true) * 2 ** 32 + lineOffset;
    let digits = 1;
    for (let t = line; t >= 10; t = Math.floor(t / 10)) digits++;
    for (let q = o + digits - 1; q >= o; q--) {
      out[q] = 48 + (line % 10);
      line = Math.floor(line / 10);
    }
    o += digits;
    const from = p + 12;
    if (len > 64) {
      out.set(buf.subarray(from, from + len), o);
    } else {
      for (let i = 0; i < len; i++) out[o + i] = buf[from + i];
    }
    o += len;
    p = from + len;
  }
  return { bytes: out.subarray(0, o), used: p };
}

/**
 * A range's result as the page gets it (worker.js's ranges, stream.js's
 * streams): the wasm's answer `r` with its partial in a buffer of its own
 * (to transfer) and the range's rejected rows from `spool` as a Blob.
 * @returns {{value: object, transfer: ArrayBuffer[]}}
 */
export function rangeValue(r, spool) {
  let partial = r.partial;
  if (partial.byteOffset !== 0 || partial.byteLength !== partial.buffer.byteLength) partial = partial.slice();
  const value = {
    partial,
    start: Number(r.start),
    end: Number(r.end),
    newlines: Number(r.newlines),
    strictStopped: Boolean(r.strictStopped),
    stopped: Boolean(r.stopped),
    rejected: spool.blob(),
  };
  return { value, transfer: [partial.buffer] };
}
