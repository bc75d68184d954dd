// The one progress view of the page and the widget: a <progress> bar and
// the line of text under it, drawn from the core's progress object
// ({phase, bytesDone, totalBytes, rows, elapsedMs}).
import { fmtBytes, fmtDuration, fmtInt, fmtRate } from './format.js';

/**
 * The progress line shown under the bar.
 * @param {{phase: string, bytesDone: number, totalBytes: number, rows: number, elapsedMs: number}} p
 * @returns {string}
 */
export function progressText({ phase, bytesDone, totalBytes, rows, elapsedMs }) {
  if (phase === 'start') return 'Starting workers and reading the header…';
  if (phase === 'merge' || phase === 'done') {
    return `Read ${fmtBytes(totalBytes)} in ${fmtDuration(elapsedMs)}. Merging and ranking campaigns…`;
  }
  const pct = totalBytes > 0 ? bytesDone / totalBytes : 1;
  return `${fmtBytes(bytesDone)} of ${fmtBytes(totalBytes)} (${Math.floor(pct * 100)}%) · ${fmtInt(rows)} rows · ${fmtRate(bytesDone, elapsedMs)}`;
}

/**
 * Shows progress `p` in `bar` (a <progress max="1000">, with its
 * aria-valuetext) and `text` (the line under it).
 * @param {{bar: HTMLProgressElement, text: HTMLElement}} view
 * @param {{phase: string, bytesDone: number, totalBytes: number, rows: number, elapsedMs: number}} p
 * @returns {number} the share of the file done, 0 to 1
 */
export function renderProgress({ bar, text }, p) {
  const pct = p.totalBytes > 0 ? p.bytesDone / p.totalBytes : 1;
  bar.value = Math.round(pct * 1000);
  bar.setAttribute('aria-valuetext', `${Math.floor(pct * 100)}%`);
  text.textContent = progressText(p);
  return pct;
}
