// A click log's result as the page shows it (issue 17): the summary, the
// top ads, a uPlot chart of one ad's billable clicks per window (with
// duplicates and flagged clicks), the stats query (a form, its JSON answer
// and a table), and every file to download. Text only: every value from
// the file goes in as textContent. Imported on demand (a click log).
import uPlot from '../vendor/uPlot.esm.js';
import { h } from './dom.js';
import { adoptUplotCss } from './time-view.js';

/** `2025-01-15T14:05:00Z` for unix seconds. */
const iso = (s) => new Date(s * 1000).toISOString().replace('.000Z', 'Z');

/** CSV text → rows of cells (RFC 4180 quotes). */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  return rows;
}

function table(rows, caption) {
  const [head, ...body] = rows;
  return h('table', { className: 'table compact' }, [
    h('caption', { className: 'visually-hidden', text: caption }),
    h('thead', {}, [h('tr', {}, head.map((c) => h('th', { scope: 'col', text: c })))]),
    h('tbody', {}, body.map((r) => h('tr', {}, r.map((c, i) => h(i === 0 ? 'th' : 'td', i === 0 ? { scope: 'row', className: 'id', text: c } : { className: 'num', text: c }))))),
  ]);
}

/**
 * Fills `root` with the result's view.
 * @param {HTMLElement} root
 * @param {any} result from aggregateClicks
 * @param {string} name the file's name
 */
export async function renderClicks(root, result, name) {
  const links = Object.entries(result.files).map(([file, blob]) =>
    h('a', { className: 'button secondary', href: URL.createObjectURL(blob), download: file, text: `Download ${file}`, 'data-file': file }),
  );
  const topText = await result.files['top10_ads.csv'].text();
  const adSelect = h('select', { id: 'clicks-ad', 'aria-label': 'Ad' }, result.ads.map((a) => h('option', { value: a, text: a })));
  const windowSelect = h('select', { id: 'clicks-window', 'aria-label': 'Window' }, ['1m', '5m', '1h'].map((w) => h('option', { value: w, text: w })));
  const chartBox = h('div', { className: 'chart', id: 'clicks-chart' });
  const [first, last] = result.span;
  const startInput = h('input', { type: 'text', id: 'stats-start', value: iso(Math.floor(first / 3600) * 3600), size: 22, 'aria-label': 'Start (inclusive)' });
  const endInput = h('input', { type: 'text', id: 'stats-end', value: iso(Math.floor(last / 3600) * 3600 + 3600), size: 22, 'aria-label': 'End (exclusive)' });
  const statsOut = h('pre', { id: 'stats-json', className: 'json' });
  const statsTable = h('div', { id: 'stats-table' });
  const statsError = h('p', { id: 'stats-error', className: 'alert', hidden: true });
  const askStats = async () => {
    statsError.hidden = true;
    try {
      const answer = await result.stats({ adId: adSelect.value, window: windowSelect.value, start: startInput.value.trim(), end: endInput.value.trim() });
      statsOut.textContent = JSON.stringify(answer);
      statsTable.replaceChildren(
        table([['window_start', 'click_count', 'unique_users'], ...answer.data.map((d) => [iso(d.timestamp), String(d.click_count), String(d.unique_users)])], 'Stats answer'),
      );
    } catch (err) {
      statsError.textContent = err?.message || String(err);
      statsError.hidden = false;
    }
  };
  const statsButton = h('button', { type: 'button', className: 'button', id: 'stats-run', text: 'Ask' });
  statsButton.addEventListener('click', askStats);
  let plot = null;
  const draw = async () => {
    const s = await result.series(adSelect.value, windowSelect.value);
    plot?.destroy();
    adoptUplotCss(chartBox);
    const width = Math.max(320, chartBox.clientWidth || 720);
    plot = new uPlot(
      {
        width,
        height: 260,
        series: [{}, { label: 'billable clicks', stroke: '#2563eb', width: 2 }, { label: 'duplicates', stroke: '#64748b' }, { label: 'flagged', stroke: '#dc2626' }],
        axes: [{}, { label: 'clicks' }],
        scales: { x: { time: true } },
      },
      [Array.from(s.starts), Array.from(s.clicks), Array.from(s.duplicates), Array.from(s.flagged)],
      chartBox,
    );
  };
  adSelect.addEventListener('change', draw);
  windowSelect.addEventListener('change', draw);
  root.replaceChildren(
    h('h2', { className: 'section-title', text: `Click log: ${name}` }),
    h('div', { className: 'card' }, [
      h('h3', { text: 'Summary' }),
      h('ul', { id: 'clicks-summary' }, result.summaryLines.map((l) => h('li', { text: l }))),
      h('div', { className: 'downloads', id: 'clicks-downloads' }, links),
    ]),
    h('div', { className: 'card' }, [h('h3', { text: 'Top 10 ads by billable clicks' }), h('div', { id: 'clicks-top' }, [table(parseCsv(topText), 'Top 10 ads')])]),
    h('div', { className: 'card' }, [
      h('h3', { text: 'Clicks per window' }),
      h('div', { className: 'settings-row' }, [h('label', { text: 'Ad ' }, [adSelect]), h('label', { text: ' Window ' }, [windowSelect])]),
      chartBox,
    ]),
    h('div', { className: 'card' }, [
      h('h3', { text: 'Stats query' }),
      h('p', { className: 'ranking-note', text: 'One ad, one window size, start inclusive and end exclusive (ISO 8601 or unix seconds); windows without clicks show 0.' }),
      h('div', { className: 'settings-row' }, [h('label', { text: 'Start ' }, [startInput]), h('label', { text: ' End ' }, [endInput]), statsButton]),
      statsError,
      statsOut,
      statsTable,
    ]),
  );
  if (result.ads.length > 0) await draw();
  return { close: () => plot?.destroy() };
}
