// The unpack worker (issue 18), with the unpack module (pkg-unpack/): reads
// a zip's directory from Blob slices (its last bytes, the directory, each
// member's local header; never the whole archive) and turns a workbook's
// sheet into CSV text. Protocol (unpacker.js):
//   in:  {type:'init', module}
//        {id, type:'members', file}  -> [{name, method, compressed, uncompressed, dataStart, encrypted, dir}]
//        {id, type:'sheet', file, codecs, expect, label, sheet, options}
//                                    -> {csv: Blob, sheet, sheets, rows, bytes}
//   out: {id, type:'done', value} | {id, type:'error', message}
let glue = null;
let ready = null;

function init(module) {
  ready ??= (async () => {
    glue = await import('../pkg-unpack/adagg.js');
    await glue.default({ module_or_path: module });
  })();
  return ready;
}

const bytesOf = async (blob, from, to) => new Uint8Array(await blob.slice(from, to).arrayBuffer());

async function members(file) {
  const size = file.size;
  const tail = await bytesOf(file, Math.max(0, size - glue.zipTail()), size);
  const dir = glue.zipDirectory(tail, size);
  const directory = await bytesOf(file, dir.offset, dir.offset + dir.len);
  const list = glue.zipMembers(directory, dir.offset, dir.len, dir.entries, size);
  for (const m of list) {
    if (m.dir || m.encrypted) continue;
    const header = await bytesOf(file, m.headerOffset, m.headerOffset + glue.zipLocalHeader());
    m.dataStart = glue.zipDataOffset(directory, dir.offset, dir.len, dir.entries, size, m.index, header);
  }
  return list;
}

/** The largest workbook read: it is held in memory with its CSV text (input.rs: MAX_WORKBOOK). */
const MAX_WORKBOOK = 2 ** 31;

async function sheet({ file, codecs, expect, label, sheet: name, options }) {
  const size = expect ?? file.size;
  if (size > MAX_WORKBOOK) throw new Error(`${label}: a workbook over ${(MAX_WORKBOOK / 1e6).toFixed(1)} MB is not read (it is held in memory); save its sheet as CSV`);
  let bytes;
  if (codecs.length) {
    let stream = file.stream();
    for (const codec of codecs) stream = stream.pipeThrough(new DecompressionStream(codec));
    bytes = new Uint8Array(await new Response(stream).arrayBuffer());
    if (expect != null && bytes.length !== expect) throw new Error(`${label}: the member gives ${bytes.length} bytes, not its declared ${expect} (a damaged archive)`);
  } else {
    bytes = new Uint8Array(await file.arrayBuffer());
  }
  const r = glue.sheetCsv(bytes, label.split('/').pop(), name ?? undefined, options ?? undefined);
  return { csv: new Blob([r.csv], { type: 'text/csv' }), sheet: r.sheet, sheets: r.sheets, rows: Number(r.rows), bytes: bytes.length };
}

self.onmessage = async ({ data: msg }) => {
  if (msg.type === 'init') {
    init(msg.module).catch(() => {});
    return;
  }
  const { id } = msg;
  try {
    await ready;
    let value;
    if (msg.type === 'members') value = await members(msg.file);
    else if (msg.type === 'sheet') value = await sheet(msg);
    else throw new Error(`unknown message type ${msg.type}`);
    postMessage({ id, type: 'done', value });
  } catch (err) {
    postMessage({ id, type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
};
