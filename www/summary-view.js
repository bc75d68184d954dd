// The run summary as the page (app.js) and the widget (ad-aggregator.js)
// show it: the figures, the skipped rows, the data-quality warnings and the
// columns used. User data is set as text (textContent), never as HTML.
import { fmtBytes, fmtDuration, fmtInt, fmtRate, qualityNotes, qualityShown } from './format.js';

/**
 * A new element: `props.text` becomes its text, `className` and `hidden`
 * are set as such, other props as attributes (skipped when null or false);
 * then the children (nodes or strings, as text).
 */
export function h(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v == null || v === false) continue;
    if (k === 'text') node.textContent = v;
    else if (k === 'className') node.className = v;
    else if (k === 'hidden') node.hidden = Boolean(v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of [].concat(children)) if (c != null) node.append(c);
  return node;
}

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
  return items;
}

/**
 * Shows `result.summary` in `els`: `stats` (a <dl>), `skipped` (the block
 * shown when rows were skipped) with `skippedReasons` (a <tbody>) and
 * `skippedList` (a list), `quality` (the block shown when there is a
 * warning) with `qualityChecks`, `qualityList` and `qualityNotes`, and
 * `mapping` (the columns used). `statClass(label, extra)` adds class names
 * to a figure.
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

/** A ranking's columns: `[key of the row, heading, class names]`. */
export const RANKING_COLUMNS = [
  ['campaignId', 'Campaign', ''],
  ['totalImpressions', 'Impressions', 'num'],
  ['totalClicks', 'Clicks', 'num'],
  ['totalSpend', 'Spend', 'num'],
  ['totalConversions', 'Conversions', 'num'],
  ['ctr', 'CTR', 'num'],
  ['cpa', 'CPA', 'num'],
];

/**
 * Draws a ranking (`result.ctr` or `result.cpa`) into `table`, the column
 * `highlight` (`'ctr'` or `'cpa'`) marked as the key. `columns` defaults to
 * RANKING_COLUMNS (the widget adds classes to hide some when compact);
 * with `names`, the last campaign name seen is shown beside the id. Every
 * value is set as text.
 */
export function renderRanking(table, rows, highlight, { columns = RANKING_COLUMNS, names = false } = {}) {
  const cls = (...parts) => parts.filter(Boolean).join(' ');
  const thead = h('thead', {}, [
    h('tr', {}, [
      h('th', { scope: 'col', className: 'num rank', text: '#' }),
      ...columns.map(([key, label, c]) => h('th', { scope: 'col', className: cls(c, key === highlight && 'key'), text: label })),
    ]),
  ]);
  const tbody = h('tbody');
  if (rows.length === 0) {
    tbody.append(h('tr', {}, [h('td', { colspan: String(columns.length + 1), className: 'empty', text: 'No campaigns qualify.' })]));
  }
  rows.forEach((row, i) => {
    const tr = h('tr', {}, [h('td', { className: 'num rank', text: String(i + 1) })]);
    for (const [key, , c] of columns) {
      const value = row[key] == null || row[key] === '' ? '—' : String(row[key]);
      if (key === 'campaignId') {
        const cell = h('th', { scope: 'row', className: 'id', text: value });
        // The last campaign name seen, beside the id (exports with both columns).
        const name = names && row.campaignName && row.campaignName !== row.campaignId ? row.campaignName : '';
        if (name) cell.append(h('span', { className: 'campaign-name', text: name }));
        tr.append(cell);
      } else tr.append(h('td', { className: cls(c, key === highlight && 'key'), text: value }));
    }
    tbody.append(tr);
  });
  table.replaceChildren(thead, tbody);
}
