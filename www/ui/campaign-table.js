// The all-campaigns table: every campaign with every KPI, a million rows
// and more. Only the rows on screen are in the DOM; sorting and filtering
// happen in the list's worker (core/list.js), so the main thread only ever
// draws a screenful. Every value is set as text.
import { h } from './dom.js';
import { PLATFORM_COLUMN } from './ranking-table.js';

/** Row height in px (CSS .vt-row keeps to it). */
const ROW = 30;
/** Rows drawn above and below the visible ones. */
const OVERSCAN = 10;
/**
 * Tallest scroll height used: browsers cap an element's height (Firefox
 * near 17.9 M px), so past it the scroll position maps to rows in
 * proportion.
 */
const MAX_PX = 8_000_000;

/**
 * Draws `list` (an open campaign list) into `container` as a scrollable
 * table with sortable column headings and a filter box.
 * @param {HTMLElement} container
 * @param {{length: number, shown: number, sort: Function, filter: Function, rows: Function}} list
 * @param {Array<{key: string, label: string, kind: string}>} columns the list's cells, in order (kpiColumns)
 * @param {{kpis?: Array<{key: string, better: string}>, height?: number, onView?: (view: {sorted: boolean, filtered: boolean, shown: number}) => void}} [options]
 * @returns {{destroy: () => void}}
 */
export function campaignTable(container, list, columns, { kpis = [], height = 480, platforms = false, onView = () => {} } = {}) {
  const better = new Map(kpis.map((k) => [k.key, k.better]));
  // Several platforms kept apart: the list's cells end with the platform
  // (after the name); it is shown first, as in all_campaigns.csv.
  const kpiCount = columns.length;
  if (platforms) columns = [PLATFORM_COLUMN, ...columns];
  const ordered = (cells) => (platforms ? [cells[kpiCount + 1], ...cells.slice(0, kpiCount + 1)] : cells);
  const status = h('p', { className: 'vt-status', role: 'status' });
  const filter = h('input', { type: 'search', className: 'vt-filter', placeholder: 'Filter by id or name', 'aria-label': 'Filter campaigns by id or name' });
  const headCells = columns.map((c) =>
    h('th', { scope: 'col', className: c.kind === 'id' ? 'id' : c.kind === 'text' ? 'text' : 'num', 'aria-sort': 'none' }, [
      h('button', { type: 'button', className: 'vt-sort', 'data-key': c.key, text: c.label }),
    ]),
  );
  const thead = h('thead', {}, [h('tr', {}, headCells)]);
  const top = h('tr', { className: 'vt-spacer', 'aria-hidden': 'true' });
  const bottom = h('tr', { className: 'vt-spacer', 'aria-hidden': 'true' });
  const tbody = h('tbody', {}, [top, bottom]);
  const table = h('table', { className: 'table vt-table', 'aria-rowcount': String(list.length + 1) }, [thead, tbody]);
  const scroller = h('div', { className: 'vt-scroll', tabindex: '0', role: 'region', 'aria-label': 'All campaigns' }, [table]);
  scroller.style.maxHeight = `${height}px`;
  container.replaceChildren(h('div', { className: 'vt-tools' }, [filter, status]), scroller);

  let shown = list.length;
  let sorted = null; // {key, descending}
  let filtered = '';
  let request = 0; // the latest rows request; older answers are dropped
  let frame = 0;

  const fmt = (n) => n.toLocaleString('en-US');
  const say = () => {
    status.textContent = filtered
      ? `${fmt(shown)} of ${fmt(list.length)} campaigns match "${filtered}".`
      : `${fmt(list.length)} campaigns${sorted ? '' : ', by campaign id'}.`;
  };

  /** Which rows the scroll position shows, and where they go. */
  function layout() {
    const visible = Math.ceil(height / ROW) + 1;
    const total = shown * ROW;
    const scaled = total > MAX_PX;
    const space = scaled ? MAX_PX : total;
    const headH = thead.offsetHeight;
    const scrollTop = Math.min(scroller.scrollTop, Math.max(0, space + headH - scroller.clientHeight));
    let first;
    if (scaled) {
      const max = Math.max(1, space + headH - scroller.clientHeight);
      first = Math.floor((scrollTop / max) * Math.max(0, shown - visible + 1));
    } else first = Math.floor(scrollTop / ROW);
    const from = Math.max(0, first - OVERSCAN);
    const count = Math.min(shown - from, visible + 2 * OVERSCAN);
    // Rows are placed where the scroll position is, so that they are on screen either way.
    const topPx = scaled ? Math.max(0, scrollTop - (first - from) * ROW) : from * ROW;
    return { from, count, topPx, space };
  }

  function draw(rows, { from, topPx, space }) {
    const trs = rows.map((listCells, i) => {
      const cells = ordered(listCells);
      const tr = h('tr', { className: 'vt-row', 'aria-rowindex': String(from + i + 2) });
      columns.forEach((c, k) => {
        const value = cells[k] === '' ? '—' : cells[k];
        if (c.kind === 'id') {
          const th = h('th', { scope: 'row', className: 'id', text: value });
          const name = cells[columns.length];
          if (name && name !== cells[k]) th.append(h('span', { className: 'campaign-name', text: name }));
          tr.append(th);
        } else if (c.kind === 'text') tr.append(h('td', { className: sorted?.key === c.key ? 'key' : '', text: value }));
        else tr.append(h('td', { className: sorted?.key === c.key ? 'num key' : 'num', text: value }));
      });
      return tr;
    });
    top.style.height = `${topPx}px`;
    bottom.style.height = `${Math.max(0, space - topPx - rows.length * ROW)}px`;
    tbody.replaceChildren(top, ...trs, bottom);
  }

  function refresh() {
    const id = ++request;
    const at = layout();
    if (at.count <= 0) return draw([], at);
    list.rows(at.from, at.count).then((rows) => {
      if (id === request) draw(rows, layout().from === at.from ? at : layout());
    });
  }

  scroller.addEventListener('scroll', () => {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      refresh();
    });
  });

  thead.addEventListener('click', async (event) => {
    const key = event.target.closest?.('.vt-sort')?.dataset.key;
    if (!key) return;
    const column = columns.find((c) => c.key === key);
    // First click: the natural order (best first for a KPI, highest first for a sum, A→Z for text).
    const natural = column.kind === 'id' || column.kind === 'text' ? false : column.kind === 'metric' ? better.get(key) !== 'lower' : true;
    const descending = sorted?.key === key ? !sorted.descending : natural;
    for (const th of headCells) th.setAttribute('aria-sort', 'none');
    headCells[columns.indexOf(column)].setAttribute('aria-sort', descending ? 'descending' : 'ascending');
    sorted = { key, descending };
    table.setAttribute('aria-busy', 'true');
    shown = await list.sort(key, descending);
    table.removeAttribute('aria-busy');
    scroller.scrollTop = 0;
    say();
    onView({ sorted: true, filtered: filtered !== '', shown });
    refresh();
  });

  let typing = 0;
  filter.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(async () => {
      filtered = filter.value.trim();
      shown = await list.filter(filtered);
      scroller.scrollTop = 0;
      say();
      onView({ sorted: sorted !== null, filtered: filtered !== '', shown });
      refresh();
    }, 150);
  });

  say();
  refresh();
  return {
    destroy() {
      request++;
      cancelAnimationFrame(frame);
      container.replaceChildren();
    },
  };
}
