// What a file is by its first bytes (issue 18): gzip, zip (also .xlsx and
// .ods), and the compound file of .xls. run.js asks `packed` for every
// input, so that unpack.js is imported only when one is.

/** A gzip stream: 1f 8b. */
export const isGzip = (b) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
/** A zip archive: a local header, or the end record of an empty one. */
export const isZip = (b) => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && ((b[2] === 3 && b[3] === 4) || (b[2] === 5 && b[3] === 6));
/** A compound file (.xls). */
export const isCfb = (b) => b.length >= 8 && [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1].every((x, i) => b[i] === x);
/** Bytes `packed` looks at. */
export const MAGIC_BYTES = 8;

/** Whether `file` is a gzip, a zip or a compound file (read through unpack.js). */
export async function packed(file) {
  const b = new Uint8Array(await file.slice(0, MAGIC_BYTES).arrayBuffer());
  return isGzip(b) || isZip(b) || isCfb(b);
}
