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
/** The platform column of rows of several platforms (text, not a sum). */
export const PLATFORM_COLUMN = { key: 'platform', label: 'Platform', header: 'platform', kind: 'text' };

export function renderRanking(table, rows, columns, highlight, { names = false, columnClass = () => '' } = {}) {
  // A wide table (every KPI): the ranked metric's column comes right after
  // the campaign, so that it is on screen without scrolling (the CSV keeps
  // its own order).
  if (columns.length > 8) {
    const key = columns.find((c) => c.key === highlight);
    if (key) columns = [columns[0], key, ...columns.slice(1).filter((c) => c !== key)];
  }
  // Several platforms kept apart: each row's platform first, as in the CSV.
  if (rows.some((row) => row.platform != null)) columns = [PLATFORM_COLUMN, ...columns];
  const classOf = (column) => cls(column.kind !== 'id' && column.kind !== 'text' && 'num', columnClass(column));
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

/**
 * One line about a ranking's guardrails: "Guardrails: conversions ≥ 10;
 * 37 campaigns removed, 120 eligible." ('' without guardrails).
 * @param {{guardrails?: Array<{field: string, min: string}>, removed?: number, eligible?: number}} ranking
 * @returns {string}
 */
export function guardrailText({ guardrails = [], removed = 0, eligible = 0 }) {
  if (guardrails.length === 0) return '';
  const rails = guardrails.map(({ field, min }) => `${field} ≥ ${min}`).join(', ');
  const n = (k, one, many) => `${Number(k).toLocaleString('en-US')} ${Number(k) === 1 ? one : many}`;
  return `Guardrails: ${rails}; ${n(removed, 'campaign', 'campaigns')} removed, ${n(eligible, 'eligible', 'eligible')}.`;
}

/**
 * A ranking's panel: its title, download link, guardrail line and table,
 * for `result.rankings[i]` ({key, label, better, top, fileName, columns,
 * rows, csv, guardrails, removed, eligible, absent}). `id` prefixes the
 * ids (`${id}-title`, `${id}-table`, `download-${id}`); `setDownload(link,
 * csv)` makes the link download `csv`; `heading` is 'h3' or 'h4'.
 * @returns {HTMLElement}
 */
export function rankingPanel(ranking, { id, setDownload, heading = 'h3', className = 'card', names = false, columnClass } = {}) {
  const title = rankingTitle({ label: ranking.label, better: ranking.better }, ranking.top);
  const link = h('a', { className: 'button', id: `download-${id}`, href: '#', download: ranking.fileName, text: `Download ${ranking.fileName}` });
  setDownload(link, ranking.csv);
  const table = h('table', { className: 'table', id: `${id}-table`, 'aria-labelledby': `${id}-title` });
  renderRanking(table, ranking.rows ?? [], ranking.columns ?? [], ranking.key, { names, columnClass });
  const notes = [];
  const rails = guardrailText(ranking);
  if (rails) notes.push(h('p', { className: 'ranking-note', text: rails }));
  if (ranking.absent) notes.push(h('p', { className: 'ranking-note', text: `${ranking.label} needs a revenue column (revenue, Conv. value, Purchases conversion value…); this file has none, so it is absent, not zero.` }));
  return h('div', { className }, [
    h('div', { className: 'card-head ranking-head' }, [h(heading, { className: 'ranking-title', id: `${id}-title`, text: title }), link]),
    ...notes,
    // Focusable so that keyboard users can scroll a wide table.
    h('div', { className: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': `${id}-title` }, [table]),
  ]);
}

/**
 * Ids for a list of rankings: the metric's key (`ctr`), then `ctr-2`…
 * when a metric is ranked twice (both directions).
 * @param {Array<{key: string}>} rankings
 * @returns {string[]}
 */
export function rankingIds(rankings) {
  const seen = new Map();
  return rankings.map(({ key }) => {
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    return n === 1 ? key : `${key}-${n}`;
  });
}
