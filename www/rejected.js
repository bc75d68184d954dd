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
 * The final rejected_rows.csv.
 * @param {Array<{blob: Blob, lineOffset: number}>} ranges in file order; a
 *   record's line + lineOffset is its line in the file
 * @returns {Promise<Blob>}
 */
export async function rejectedCsv(ranges) {
  const enc = new TextEncoder();
  let out = new Blob([HEADER]);
  let parts = [];
  let pending = 0;
  for (const { blob, lineOffset } of ranges) {
    let carry = new Uint8Array(0);
    for (let at = 0; at < blob.size; at += SLICE) {
      const chunk = new Uint8Array(await blob.slice(at, at + SLICE).arrayBuffer());
      let buf = chunk;
      if (carry.length) {
        buf = new Uint8Array(carry.length + chunk.length);
        buf.set(carry);
        buf.set(chunk, carry.length);
      }
      const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
      let p = 0;
      while (p + 12 <= buf.length) {
        const len = view.getUint32(p + 8, true);
        if (p + 12 + len > buf.length) break;
        const line = view.getUint32(p, true) + view.getUint32(p + 4, true) * 2 ** 32 + lineOffset;
        parts.push(enc.encode(String(line)), buf.subarray(p + 12, p + 12 + len));
        pending += 20 + len;
        p += 12 + len;
        if (pending >= FLUSH) {
          out = new Blob([out, ...parts]);
          parts = [];
          pending = 0;
        }
      }
      carry = buf.slice(p);
    }
    if (carry.length) throw new Error('rejected rows: a record was cut short');
  }
  return new Blob([out, ...parts], { type: 'text/csv;charset=utf-8' });
}
