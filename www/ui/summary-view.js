// The run summary as the page (app.js) and the widget (widget/ad-aggregator.js)
// show it: the figures, the skipped rows, the data-quality warnings and the
// columns used. User data is set as text (textContent), never as HTML.
import { h } from './dom.js';
import { fmtBytes, fmtDuration, fmtInt, fmtRate, qualityNotes, qualityShown } from './format.js';

/**
 * The run's figures: `[label, value, extra]`, `extra` true for the ones a
 * compact view may leave out.
 * @returns {[string, string, boolean][]}
 */
function summaryItems(result, file) {
  const s = result.summary;
  const t = result.timing;
  const bytes = file?.size ?? s.bytes;
  const delimiterName = s.delimiter === 'tab' ? 'tab' : `“${s.delimiter}”`;
  const items = [
    ['Rows read', fmtInt(s.rowsRead), false],
    ['Rows aggregated', fmtInt(s.rowsAggregated), true],
    ['Rows skipped', fmtInt(s.rowsSkipped), false],
    ['Campaigns', fmtInt(s.campaigns), false],
    ['File size', fmtBytes(bytes), true],
    ['Time', fmtDuration(t.elapsedMs), false],
    ['Throughput', fmtRate(bytes, t.elapsedMs), true],
    ['Workers', String(t.workers), true],
    ['Format', `${s.encoding}, ${delimiterName}, header on line ${s.headerLine}`, true],
  ];
  if (Number(s.preambleRows) > 0) items.push(['Rows above header', fmtInt(s.preambleRows), true]);
  // Archives, gzip and workbooks (issue 18): what was unpacked, one line each.
  if (result.unpacked?.length) items.push(['Unpacked', result.unpacked.join('\n'), false]);
  // Several files (aggregateFiles): their count and platforms, not one file's format.
  if (result.files) {
    items.splice(items.findIndex(([label]) => label === 'Format'), 1, ['Files', `${result.files.length}: ${[...new Set(result.files.map((f) => f.platform))].join(', ')}`, false]);
  }
  return items;
}

/**
 * Shows `result.summary` in `els`: `stats` (a <dl>), `skipped` (the block
 * shown when rows were skipped) with `skippedReasons` (a <tbody>) and
 * `skippedList` (a list), `quality` (the block shown when there is a
 * warning) with `qualityChecks`, `qualityList` and `qualityNotes`, and
 * `mapping` (the columns used). `statClass(label, extra)` adds class names
 * to a figure.
 * @param {Record<string, HTMLElement>} els
 * @param {object} result an aggregateFile result
 * @param {Blob | null | undefined} file the file it came from (for its size)
 * @param {(label: string, extra: boolean) => string} [statClass]
 */
export function renderSummary(els, result, file, statClass = () => '') {
  const s = result.summary;
  const skipped = Number(s.rowsSkipped) > 0;
  els.stats.replaceChildren(
    ...summaryItems(result, file).map(([label, value, extra]) => {
      const classes = ['stat', statClass(label, extra), label === 'Rows skipped' && skipped && 'warn'];
      return h('div', { className: classes.filter(Boolean).join(' ') }, [h('dt', { text: label }), h('dd', { text: value })]);
    }),
  );
  const countRow = (label, count) => h('tr', {}, [h('td', { text: String(label) }), h('td', { className: 'num', text: fmtInt(count) })]);
  const codeItem = (text) => h('li', {}, [h('code', { text: String(text) })]);

  const reasons = s.skippedByReason ?? [];
  // Malformed rows first, then the rows left out as not data (total rows,
  // repeated headers), each with its line.
  const first = [...(s.firstSkipped ?? []), ...(s.notData ?? [])];
  els.skippedReasons.replaceChildren(...reasons.map(({ reason, count }) => countRow(reason, count)));
  els.skippedList.replaceChildren(...first.map(({ line, reason }) => codeItem(`line ${line}: ${reason}`)));
  els.skipped.hidden = reasons.length === 0 && first.length === 0;

  const q = s.quality ?? { checks: [], examples: [], datesChecked: true };
  els.qualityChecks.replaceChildren(...(q.checks ?? []).map(({ label, count }) => countRow(label, count)));
  els.qualityList.replaceChildren(...(q.examples ?? []).map(codeItem));
  els.qualityNotes.textContent = qualityNotes(q);
  els.quality.hidden = !qualityShown(q);
  els.mapping.textContent = (s.mapping ?? []).map(({ field, column }) => `${field} ← ${column}`).join(' · ');
}
