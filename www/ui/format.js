// Number, size, rate and duration formatting shared by the page (app.js)
// and the widget (widget/ad-aggregator.js).

const intFmt = new Intl.NumberFormat('en-US');

/** 1234567 -> "1,234,567"; other values as text. */
export const fmtInt = (n) => (typeof n === 'number' || typeof n === 'bigint' ? intFmt.format(n) : String(n ?? ''));

/** Bytes in decimal units: "4.19 MB". */
export function fmtBytes(n) {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = Number(n);
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(v < 10 ? 2 : 1)} ${units[i]}`;
}

/** Throughput: "28.9 MB/s" ("–" for no time). */
export function fmtRate(bytes, ms) {
  if (!(ms > 0)) return '–';
  return `${(Number(bytes) / 1e6 / (ms / 1000)).toFixed(1)} MB/s`;
}

/** "569 ms", "2.39 s", "1 min 5 s". */
export function fmtDuration(ms) {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - m * 60)} s`;
}

/**
 * The notes under the data-quality warnings (summary.quality): what was not
 * checked, in one line ('' when everything was).
 */
export function qualityNotes(q) {
  const notes = [];
  if (!q.datesChecked) notes.push('No date column: dates and duplicate (campaign, date) rows were not checked.');
  if (q.duplicatesCapped) notes.push('Over 250,000 distinct (campaign, date) pairs in a part of the file: later rows were not checked for duplicates.');
  return notes.join(' ');
}

/** True when the data-quality block is worth showing: a warning, or a note. */
export const qualityShown = (q) => (q.checks ?? []).some(({ count }) => Number(count) > 0) || qualityNotes(q) !== '';
