// The one ranking table of the page and the widget, drawn from data: the
// result's `columns` ({key, label, header, kind}, in order) say what a
// ranked row holds, its `metrics` ({key, label, better}) which rankings
// there are. Adding a metric or a column needs no change here. Every value
// is set as text.
import { h } from './dom.js';

const cls = (...parts) => parts.filter(Boolean).join(' ');

/**
 * A ranking's title, e.g. "Top 10 campaigns by CTR" or "Top 10 campaigns
 * by lowest CPA".
 * @param {{label: string, better: 'higher' | 'lower'}} metric
 * @param {number} top
 * @returns {string}
 */
export function rankingTitle({ label, better }, top) {
  return `Top ${top} campaigns by ${better === 'lower' ? 'lowest ' : ''}${label}`;
}

/**
 * The file a ranking downloads as, as the CLI names it: `top10_ctr.csv`.
 * @param {{key: string}} metric
 * @param {number} top
 * @returns {string}
 */
export function rankingFileName({ key }, top) {
  return `top${top}_${key}.csv`;
}

/**
 * Draws a ranking (`result[metric.key]`) into `table`: a rank column, then
 * one per column descriptor (class `num` for every kind but `id`), the
 * column `highlight` (the metric's key) marked `key`. `columnClass(column)`
 * adds class names to a column (the widget hides some when compact); with
 * `names`, the last campaign name seen is shown beside the id.
 * @param {HTMLTableElement} table
 * @param {Array<Record<string, string>>} rows
 * @param {Array<{key: string, label: string, kind: string}>} columns
 * @param {string} highlight
 * @param {{names?: boolean, columnClass?: (column: {key: string, kind: string}) => string}} [options]
 */
export function renderRanking(table, rows, columns, highlight, { names = false, columnClass = () => '' } = {}) {
  const classOf = (column) => cls(column.kind !== 'id' && 'num', columnClass(column));
  const thead = h('thead', {}, [
    h('tr', {}, [
      h('th', { scope: 'col', className: 'num rank', text: '#' }),
      ...columns.map((c) => h('th', { scope: 'col', className: cls(classOf(c), c.key === highlight && 'key'), text: c.label })),
    ]),
  ]);
  const tbody = h('tbody');
  if (rows.length === 0) {
    tbody.append(h('tr', {}, [h('td', { colspan: String(columns.length + 1), className: 'empty', text: 'No campaigns qualify.' })]));
  }
  rows.forEach((row, i) => {
    const tr = h('tr', {}, [h('td', { className: 'num rank', text: String(i + 1) })]);
    for (const c of columns) {
      const value = row[c.key] == null || row[c.key] === '' ? '—' : String(row[c.key]);
      if (c.kind === 'id') {
        const cell = h('th', { scope: 'row', className: 'id', text: value });
        // The last campaign name seen, beside the id (exports with both columns).
        const name = names && row.campaignName && row.campaignName !== row[c.key] ? row.campaignName : '';
        if (name) cell.append(h('span', { className: 'campaign-name', text: name }));
        tr.append(cell);
      } else tr.append(h('td', { className: cls(classOf(c), c.key === highlight && 'key'), text: value }));
    }
    tbody.append(tr);
  });
  table.replaceChildren(thead, tbody);
}
