// What a dropped or picked file is, and what is read from it (issue 18):
// a plain CSV (read in parallel ranges), a gzip (one stream, decompressed
// by the browser's DecompressionStream in the worker that parses it), a
// zip archive (its CSV, TSV, TXT, gzip and workbook members, each an input
// like several files dropped at once) or a workbook (.xlsx, .xls, .ods:
// its sheet as CSV text, made by the unpack module). No DOM.
//
// An input becomes one or more entries {file, platform, label, codecs?,
// expect?, unpacked?}: `file` a Blob (a File named `label` when it is part
// of an archive); `codecs` the DecompressionStream formats the worker
// applies in order (none: read in ranges); `expect` the first codec's
// declared output (a zip member's size); `unpacked` the summary's line.
import { withKind } from './errors.js';
import { MAGIC_BYTES, isCfb, isGzip, isZip } from './magic.js';

/** The first bytes of `blob`. */
async function head(blob, n) {
  return new Uint8Array(await blob.slice(0, n).arrayBuffer());
}


/** Megabytes for the summary, as the CLI writes them. */
export const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;

/** `blob` as a File called `name` (no copy: the parts are references). */
const named = (blob, name) => new File([blob], name, { type: 'text/csv' });

/**
 * The entries `inputs` give: archives and workbooks opened by `unpacker`
 * (`{members(file), sheet(file, codecs, expect, name, sheet, parse)}`,
 * loaded only when one is dropped: the unpack module), the rest as they are.
 * @param {Array<{file: Blob, platform: string | null, label: string}>} inputs
 * @param {{sheet?: string, parse?: object, unpacker: () => Promise<object>}} options
 */
export async function unpackInputs(inputs, { sheet, parse, unpacker }) {
  const out = [];
  for (const input of inputs) {
    const { file, platform, label } = input;
    const b = await head(file, MAGIC_BYTES);
    const lower = label.toLowerCase();
    if (isGzip(b)) {
      out.push({ file, platform, label, codecs: ['gzip'], unpacked: `${label}: gzip, ${mb(file.size)} compressed` });
    } else if (isCfb(b) || (isZip(b) && /\.(xlsx|xlsm|xlsb|ods)$/.test(lower))) {
      const tool = await unpacker();
      out.push(await tool.sheet({ file, codecs: [], expect: null, label, sheet, parse, platform }));
    } else if (isZip(b)) {
      const tool = await unpacker();
      out.push(...(await zipEntries(tool, file, label, platform, { sheet, parse })));
    } else {
      out.push(input);
    }
  }
  return out;
}

/** What a zip member is read as, by its name (input.rs: member_kind): 'csv', 'gzip', 'book', 'metadata' (passed over) or null (skipped, listed). */
function memberKind(name) {
  const lower = name.toLowerCase();
  const base = lower.split('/').pop();
  if (lower.startsWith('__macosx/') || base.startsWith('._') || base === '') return 'metadata';
  const ext = base.includes('.') ? base.split('.').pop() : '';
  if (['csv', 'tsv', 'txt'].includes(ext)) return 'csv';
  if (ext === 'gz') return 'gzip';
  if (['xlsx', 'xlsm', 'xlsb', 'xls', 'ods'].includes(ext)) return 'book';
  return null;
}

/** A zip's members as entries (input.rs: zip_members). */
async function zipEntries(tool, file, label, platform, { sheet, parse }) {
  const members = await tool.members(file);
  const out = [];
  const read = [];
  const skipped = [];
  for (const m of members) {
    if (m.dir) continue;
    const kind = memberKind(m.name);
    if (kind === 'metadata') continue;
    if (!kind) {
      skipped.push(m.name);
      continue;
    }
    // Encrypted, or compressed another way than stored or deflate: the core's words (zip.rs).
    if (m.unreadable) throw withKind(new Error(`${label}: ${m.unreadable}`), 'input');
    const memberLabel = `${label}/${m.name}`;
    const data = file.slice(m.dataStart, m.dataStart + m.compressed);
    const codecs = m.method === 8 ? ['deflate-raw'] : [];
    const expect = m.method === 8 ? m.uncompressed : null;
    read.push(`${m.name} (${mb(m.compressed)} → ${mb(m.uncompressed)})`);
    if (kind === 'book') {
      out.push(await tool.sheet({ file: named(data, memberLabel), codecs, expect, label: memberLabel, sheet, parse, platform }));
    } else if (kind === 'gzip') {
      out.push({ file: named(data, memberLabel), platform, label: memberLabel, codecs: [...codecs, 'gzip'], expect, member: m.name });
    } else {
      out.push({ file: named(data, memberLabel), platform, label: memberLabel, codecs: codecs.length ? codecs : undefined, expect, member: m.name });
    }
  }
  if (out.length === 0) {
    const has = skipped.length ? ` (it has: ${skipped.join(', ')})` : '';
    throw withKind(new Error(`${label}: the zip archive has no CSV, TSV, TXT, gzip or workbook member${has}`), 'input');
  }
  let note = `${label}: zip, ${read.length} member${read.length === 1 ? '' : 's'} read: ${read.join(', ')}`;
  if (skipped.length) note += `; skipped (not CSV, gzip or a workbook): ${skipped.join(', ')}`;
  out[0].unpacked = out[0].unpacked ? `${note}\n${out[0].unpacked}` : note;
  return out;
}
