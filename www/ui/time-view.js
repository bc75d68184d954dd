// The daily series as the page shows it (issue 16): a uPlot chart of one
// KPI or sum per day, for the total or one campaign, with the 7- and
// 28-day windows as optional lines and the flagged days marked; the same
// data as a table (keyboard and screen-reader users), as CSV and as PNG;
// and the table of flagged days; and a bar chart of the current ranking.
// Window KPIs come from the window's sums, never from averaged daily ratios.
// Numbers here are for drawing only: the exact files are the core's
// (daily.csv, rolling_*.csv, anomalies.csv). The page and the widget build
// the same card (buildTimeCard); colours come from the widget's theme
// variables (--adagg-accent…) where they are set. Imported on demand only
// (the widget: when a result has a daily series), so that uPlot is in no
// download that does not draw.
import uPlot from '../vendor/uPlot.esm.js';
import UPLOT_CSS from '../vendor/uPlot.css.js';
import { h } from './dom.js';

/** uPlot's own CSS, adopted once per document or shadow root (also by the click-log view). */
let sheet = null;
export function adoptUplotCss(node) {
  const root = node.getRootNode();
  if (!('adoptedStyleSheets' in root) || typeof CSSStyleSheet !== 'function') return;
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(UPLOT_CSS);
  }
  if (!root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
}

/** Line colours: the theme's (widget variables), else these. */
function colors(node) {
  const css = getComputedStyle(node);
  const v = (name, fallback) => css.getPropertyValue(name).trim() || fallback;
  return {
    lines: [v('--adagg-chart-1', v('--adagg-accent', '#2563eb')), v('--adagg-chart-2', '#16a34a'), v('--adagg-chart-3', '#9333ea')],
    // Campaigns compared with the first one: one more colour each (cycled).
    others: [v('--adagg-chart-4', '#ea580c'), v('--adagg-chart-5', '#0891b2'), v('--adagg-chart-6', '#be185d'), v('--adagg-chart-7', '#4d7c0f'), v('--adagg-chart-8', '#7c3aed')],
    flag: v('--adagg-chart-flag', v('--adagg-danger', '#dc2626')),
    axis: v('--adagg-muted', v('--muted', '#64748b')),
  };
}

/**
 * The "Over time" card's elements, built (ids as the page's tests know
 * them; inside the widget they are scoped to its shadow root).
 * @param {{heading?: string}} [options] the title's tag (h3 on the page, h4 in the widget)
 */
export function buildTimeCard({ heading = 'h3' } = {}) {
  const link = (id, file, hidden = false) => h('a', { className: 'button secondary', id, download: file, href: '#', text: file, hidden });
  const els = {
    text: h('p', { className: 'ranking-note', id: 'time-text' }),
    metric: h('select', { id: 'chart-metric' }),
    campaign: h('select', { id: 'chart-campaign' }),
    compare: h('select', { id: 'chart-compare', multiple: true, size: 3 }),
    w7: h('input', { type: 'checkbox', id: 'chart-7d' }),
    w28: h('input', { type: 'checkbox', id: 'chart-28d' }),
    chart: h('div', { id: 'chart', className: 'chart', role: 'img', 'aria-label': 'Daily chart; the same data is in the table below' }),
    table: h('table', { className: 'table compact', id: 'chart-table' }),
    png: h('button', { type: 'button', className: 'button secondary', id: 'download-chart-png', text: 'Chart as PNG' }),
    csv: link('download-chart-csv', 'chart.csv'),
    bars: h('div', { id: 'ranking-chart', className: 'chart', role: 'img', 'aria-label': 'Bar chart of the first ranking; its table is above' }),
    barsTitle: h('h4', { id: 'ranking-chart-title' }),
    barsPng: h('button', { type: 'button', className: 'button secondary', id: 'download-bars-png', text: 'Bars as PNG' }),
    barsCsv: link('download-bars-csv', 'ranking_chart.csv'),
    anomalyTable: h('table', { className: 'table compact', id: 'anomaly-table' }),
    downloadDaily: link('download-daily', 'daily.csv'),
    downloadRolling7: link('download-rolling7', 'rolling_7d.csv'),
    downloadRolling28: link('download-rolling28', 'rolling_28d.csv'),
    downloadAnomalies: link('download-anomalies', 'anomalies.csv', true),
    offer: h('button', { type: 'button', className: 'button', id: 'show-over-time', hidden: true, text: 'Show daily series, anomalies and budget hints' }),
    hintsText: h('p', { className: 'ranking-note', id: 'hints-text' }),
    hintsTable: h('table', { className: 'table compact', id: 'hints-table' }),
    downloadHints: link('download-hints', 'budget_hints.csv'),
  };
  els.csv.textContent = 'Chart data as CSV';
  els.barsCsv.textContent = 'Bar data as CSV';
  const label = (input, text) => h('label', {}, [input, ` ${text}`]);
  els.anomalyBlock = h('div', { id: 'anomaly-block', hidden: true }, [
    h('h4', {}, ['Flagged days ', h('small', { text: '(newest first; robust z against the 28 days before)' })]),
    h('div', { className: 'table-scroll' }, [els.anomalyTable]),
  ]);
  els.hintsBlock = h('div', { id: 'hints-block', hidden: true }, [
    h('div', { className: 'settings chart-settings' }, [h('h4', { text: 'Budget hints — heuristics, not advice' }), els.downloadHints]),
    els.hintsText,
    h('div', { className: 'table-scroll' }, [els.hintsTable]),
  ]);
  els.barsBlock = h('div', { id: 'ranking-chart-block', hidden: true }, [
    h('div', { className: 'settings chart-settings' }, [els.barsTitle, els.barsPng, els.barsCsv]),
    els.bars,
  ]);
  els.card = h('div', { className: 'card', id: 'time-card', hidden: true }, [
    h('div', { className: 'card-head' }, [h(heading, { id: 'time-title', text: 'Over time' }), els.downloadDaily, els.downloadRolling7, els.downloadRolling28, els.downloadAnomalies]),
    els.text,
    els.offer,
    (els.controls = h('div', { className: 'settings chart-settings' }, [
      h('label', { for: 'chart-metric', text: 'Show' }), els.metric,
      h('label', { for: 'chart-campaign', text: 'for' }), els.campaign,
      h('label', { for: 'chart-compare', text: 'compared with' }), els.compare,
      label(els.w7, '7-day window'), label(els.w28, '28-day window'),
      els.png, els.csv,
    ])),
    els.chart,
    (els.chartData = h('details', { className: 'chart-data' }, [
      h('summary', { text: "The chart's data as a table" }),
      h('div', { className: 'table-scroll' }, [els.table]),
    ])),
    els.anomalyBlock,
    els.hintsBlock,
    els.barsBlock,
  ]);
  return els;
}

/** Saves `node`'s canvas as `name` (PNG). */
function savePng(node, name) {
  const canvas = node.querySelector('canvas');
  canvas?.toBlob((blob) => {
    if (!blob) return;
    const a = h('a', { href: URL.createObjectURL(blob), download: name });
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  });
}

/** A CSV of `header` and `rows` (dates and plain numbers; the header quoted). */
function csvBlob(header, rows) {
  const head = header.map((t) => `"${String(t).replaceAll('"', '""')}"`).join(',');
  return new Blob([[head, ...rows.map((r) => r.join(','))].join('\n') + '\n'], { type: 'text/csv;charset=utf-8' });
}

/** What the chart can show: a KPI from two sums, or a sum. */
export const CHART_METRICS = [
  { key: 'ctr', label: 'CTR', num: 'clicks', den: 'impressions', factor: 1, decimals: 4, anomaly: 'CTR' },
  { key: 'cpc', label: 'CPC', num: 'spend', den: 'clicks', factor: 1, decimals: 2 },
  { key: 'cpm', label: 'CPM', num: 'spend', den: 'impressions', factor: 1000, decimals: 2 },
  { key: 'cvr', label: 'CVR', num: 'conversions', den: 'clicks', factor: 1, decimals: 4 },
  { key: 'cpa', label: 'CPA', num: 'spend', den: 'conversions', factor: 1, decimals: 2, anomaly: 'CPA' },
  { key: 'roas', label: 'ROAS', num: 'revenue', den: 'spend', factor: 1, decimals: 2, revenue: true },
  { key: 'spend', label: 'Spend', num: 'spend', decimals: 2, anomaly: 'spend' },
  { key: 'conversions', label: 'Conversions', num: 'conversions', decimals: 0, anomaly: 'conversions' },
  { key: 'clicks', label: 'Clicks', num: 'clicks', decimals: 0 },
  { key: 'impressions', label: 'Impressions', num: 'impressions', decimals: 0 },
];

/** Sums of `window` days ending on each day (the day included). */
function rolling(values, window) {
  const out = new Array(values.length);
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i];
    if (i >= window) sum -= values[i - window];
    out[i] = sum;
  }
  return out;
}

/** The metric per day from sums (`null` where undefined). */
function metricOf(metric, sums, window = 1) {
  const num = window === 1 ? sums[metric.num] : rolling(sums[metric.num], window);
  if (!metric.den) return num.slice();
  const den = window === 1 ? sums[metric.den] : rolling(sums[metric.den], window);
  return num.map((n, i) => (den[i] > 0 ? (metric.factor * n) / den[i] : null));
}

/** Day number (UTC seconds) of `YYYY-MM-DD`. */
const secondsOf = (date) => Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / 1000;

/**
 * Shows `result.daily` in `els` (`card`, `text`, `metric`, `campaign`,
 * `w7`, `w28`, `chart`, `table`, `png`, `csv`, `anomalyBlock`,
 * `anomalyTable`), `setDownload(link, blob)` sets a download link.
 * Returns `{ destroy }`.
 */
export function renderTime(els, result, setDownload, onOffer = null) {
  const daily = result.daily;
  // Without a series: offer one when the file has dates (the page keeps
  // it off by default: on a file of many campaigns over a year it costs
  // far more than the ranking; see the README).
  const hasDates = (result.summary?.mapping ?? []).some((m) => m.field === 'date');
  const offer = !daily && hasDates && typeof onOffer === 'function';
  els.card.hidden = !daily && !offer;
  els.offer.hidden = !offer;
  for (const el of [els.controls, els.chart, els.chartData, els.downloadDaily, els.downloadRolling7, els.downloadRolling28]) el.hidden = !daily;
  if (!daily) {
    els.anomalyBlock.hidden = true;
    els.hintsBlock.hidden = true;
    els.barsBlock.hidden = true;
    els.downloadAnomalies.hidden = true;
    if (!offer) return { destroy() {} };
    els.text.textContent = 'This file has dates: its daily series, 7- and 28-day windows, anomaly flags and charts are one more read of the file away.';
    els.offer.addEventListener('click', onOffer, { once: true });
    return { destroy() { els.offer.removeEventListener('click', onOffer); } };
  }
  adoptUplotCss(els.card);
  const theme = colors(els.card);
  const fmt = (n) => Number(n).toLocaleString('en-US');
  const notes = [`${fmt(daily.days)} days of ${fmt(daily.campaigns)} campaigns' series (each from its first to its last date; days without rows count as zero), from ${fmt(daily.cells)} (campaign, day) cells with rows; ${(daily.bytes / 1e6).toFixed(1)} MB of sums.`];
  if (daily.leftOutOf != null || daily.readAgainFor) {
    const of = result.summary?.campaigns ? ` of ${fmt(result.summary.campaigns)}` : '';
    notes.push(`Over ${fmt(daily.limit)} days in all: the series are kept for the top ${fmt(daily.campaigns)}${of} campaigns by spend only.`);
  }
  if (result.anomalies) notes.push(`${fmt(result.anomalies.length)} flagged days.`);
  if (daily.dates.length === 0) notes.push('The file has no dates: no series.');
  els.text.textContent = notes.join(' ');
  setDownload(els.downloadDaily, result.dailyCsv);
  setDownload(els.downloadRolling7, result.rolling7dCsv);
  setDownload(els.downloadRolling28, result.rolling28dCsv);
  els.downloadAnomalies.hidden = !result.anomaliesCsv;
  if (result.anomaliesCsv) setDownload(els.downloadAnomalies, result.anomaliesCsv);

  // Budget hints: the file's rows as a table, with the numbers behind each tag.
  const hints = result.budgetHints;
  els.hintsBlock.hidden = !hints;
  if (hints) {
    setDownload(els.downloadHints, result.budgetHintsCsv);
    els.hintsText.textContent = hints.text.replace(/\s+/g, ' ').replace(/^budget hints: /, '');
    els.hintsTable.replaceChildren(
      h('thead', {}, [h('tr', {}, hints.header.map((t, i) => h('th', { scope: 'col', className: i >= 4 ? 'num' : '', text: t })))]),
      h('tbody', {}, hints.rows.slice(0, 500).map((r) => h('tr', {}, r.map((v, i) => h(i === 0 ? 'th' : 'td', { scope: i === 0 ? 'row' : null, className: i === 0 ? 'id' : i >= 4 ? 'num' : '', text: v }))))),
    );
  }

  // Flagged days, newest first (the first 500 on screen; the file has all).
  const flags = result.anomalies ?? [];
  els.anomalyBlock.hidden = !result.anomalies;
  const head = ['Campaign', 'Date', 'Metric', 'Value', 'Median of the 28 days before', 'z'];
  els.anomalyTable.replaceChildren(
    h('thead', {}, [h('tr', {}, head.map((t, i) => h('th', { scope: 'col', className: i >= 3 ? 'num' : '', text: t })))]),
    h('tbody', {}, flags.slice(0, 500).map((a) => h('tr', {}, [
      h('th', { scope: 'row', className: 'id', text: a.campaignId }),
      h('td', { text: a.date }),
      h('td', { text: a.metric }),
      h('td', { className: 'num', text: a.value }),
      h('td', { className: 'num', text: a.median }),
      h('td', { className: 'num', text: a.z }),
    ]))),
  );

  const metrics = CHART_METRICS.filter((m) => !m.revenue || result.hasRevenue);
  els.metric.replaceChildren(...metrics.map((m) => h('option', { value: m.key, text: m.label })));
  els.campaign.replaceChildren(
    h('option', { value: '', text: 'All campaigns (total)' }),
    ...daily.top.map((c) => h('option', { value: c.campaignId, text: c.campaignId })),
  );
  // Other campaigns drawn alongside (daily lines of the same KPI).
  els.compare.replaceChildren(...daily.top.map((c) => h('option', { value: c.campaignId, text: c.campaignId })));
  // First look: the newest flagged day's campaign and metric, if any.
  const first = flags.find((a) => daily.top.some((c) => c.campaignId === a.campaignId));
  if (first) {
    els.campaign.value = first.campaignId;
    els.metric.value = metrics.find((m) => m.anomaly === first.metric)?.key ?? 'ctr';
  }
  const xs = daily.dates.map(secondsOf);
  let plot = null;
  let shown = null; // {header, rows} of the table and the CSV

  const draw = () => {
    const metric = metrics.find((m) => m.key === els.metric.value) ?? metrics[0];
    const id = els.campaign.value;
    const c = daily.top.find((t) => t.campaignId === id);
    // A campaign's days on the whole date axis (null outside its series).
    const padOf = (camp) => (values) => {
      if (!camp) return values;
      const out = new Array(xs.length).fill(null);
      for (let i = 0; i < values.length; i++) out[camp.offset + i] = values[i];
      return out;
    };
    const pad = padOf(c);
    const sums = c ? c.sums : daily.total;
    const comparing = [...els.compare.selectedOptions].some((o) => o.value !== id);
    const lines = [{ label: comparing ? `${id || 'All campaigns'}: ${metric.label}` : metric.label, values: pad(metricOf(metric, sums)) }];
    if (els.w7.checked) lines.push({ label: `${metric.label}, 7 days`, values: pad(metricOf(metric, sums, 7)) });
    if (els.w28.checked) lines.push({ label: `${metric.label}, 28 days`, values: pad(metricOf(metric, sums, 28)) });
    const own = lines.length; // the first campaign's lines (the theme's colours)
    for (const option of els.compare.selectedOptions) {
      const other = daily.top.find((t) => t.campaignId === option.value);
      if (other && other !== c) lines.push({ label: `${other.campaignId}: ${metric.label}`, values: padOf(other)(metricOf(metric, other.sums)) });
    }
    // Flagged days of this campaign and metric: points on the daily line.
    const marks = new Array(xs.length).fill(null);
    if (c && metric.anomaly) {
      const at = new Map(daily.dates.map((d, i) => [d, i]));
      for (const a of flags) {
        if (a.campaignId === id && a.metric === metric.anomaly && at.has(a.date)) marks[at.get(a.date)] = lines[0].values[at.get(a.date)];
      }
    }
    const series = [
      {},
      ...lines.map((l, i) => ({ label: l.label, stroke: i < own ? theme.lines[i] : theme.others[(i - own) % theme.others.length], width: i && i < own ? 1.5 : 1, spanGaps: false })),
      { label: 'Flagged', stroke: theme.flag, width: 0, points: { show: true, size: 9, fill: theme.flag } },
    ];
    const data = [xs, ...lines.map((l) => l.values), marks];
    plot?.destroy();
    const width = Math.max(320, els.chart.clientWidth || 800);
    const axis = { stroke: theme.axis };
    // Dates are UTC days: shown in UTC, not shifted by the user's zone.
    const tzDate = (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC');
    plot = new uPlot({ width, height: 320, series, tzDate, axes: [axis, { ...axis, size: 70 }], scales: { x: { time: true } } }, data, els.chart);
    // The same data as a table and as CSV (dates and plain numbers only).
    const header = ['date', ...lines.map((l) => l.label), 'flagged'];
    const cell = (v) => (v == null ? '' : metric.decimals === 0 ? String(Math.round(v)) : v.toFixed(metric.decimals));
    const rows = daily.dates.map((d, i) => [d, ...lines.map((l) => cell(l.values[i])), marks[i] == null ? '' : 'yes']).filter((r) => r.slice(1).some((v) => v !== ''));
    shown = { header, rows };
    els.table.replaceChildren(
      h('thead', {}, [h('tr', {}, header.map((t) => h('th', { scope: 'col', text: t })))]),
      h('tbody', {}, rows.map((r) => h('tr', {}, r.map((v, i) => h(i === 0 ? 'th' : 'td', { className: i ? 'num' : '', text: v }))))),
    );
    setDownload(els.csv, csvBlob(header, rows));
    els.chart.dataset.drawn = String(Date.now());
  };
  const onPng = () => savePng(els.chart, 'chart.png');
  const onBarsPng = () => savePng(els.bars, 'ranking_chart.png');
  const bars = drawRankingBars(els, result.rankings?.find((r) => r.rows.length > 0), theme, setDownload);
  const controls = [els.metric, els.campaign, els.compare, els.w7, els.w28];
  for (const el of controls) el.addEventListener('change', draw);
  els.png.addEventListener('click', onPng);
  els.barsPng.addEventListener('click', onBarsPng);
  draw();
  return {
    shown: () => shown,
    destroy() {
      for (const el of controls) el.removeEventListener('change', draw);
      els.png.removeEventListener('click', onPng);
      els.barsPng.removeEventListener('click', onBarsPng);
      bars?.destroy();
      plot?.destroy();
      plot = null;
    },
  };
}

/**
 * A bar chart of `ranking` (the first one shown): its metric for each of
 * its rows, best first; the ranking's table is the same data as text.
 * Returns the uPlot instance, or null when there is nothing to draw.
 */
function drawRankingBars(els, ranking, theme, setDownload) {
  els.barsBlock.hidden = !ranking;
  if (!ranking) return null;
  const rows = ranking.rows.filter((r) => r[ranking.key] !== '');
  const ids = rows.map((r) => r.campaignId);
  const values = rows.map((r) => Number(r[ranking.key]));
  els.barsTitle.textContent = `${ranking.label}, top ${rows.length} (${ranking.better} is better)`;
  // Its data is the ranking's own file (the core's, spreadsheet-safe).
  els.barsCsv.setAttribute('download', ranking.fileName);
  setDownload(els.barsCsv, ranking.csv);
  const xs = ids.map((_, i) => i);
  const width = Math.max(320, els.bars.clientWidth || 800);
  const axis = { stroke: theme.axis };
  const plot = new uPlot(
    {
      width,
      height: 260,
      // Bars grow from zero.
      scales: { x: { time: false, range: [-0.5, Math.max(0.5, ids.length - 0.5)] }, y: { range: (_, min, max) => [Math.min(0, min), Math.max(0, max) * 1.05 || 1] } },
      axes: [{ ...axis, values: (_, ticks) => ticks.map((t) => (Number.isInteger(t) ? ids[t] ?? '' : '')), rotate: -30, size: 70 }, { ...axis, size: 70 }],
      series: [{}, { label: ranking.label, stroke: theme.lines[0], fill: theme.lines[0], paths: uPlot.paths.bars({ size: [0.7, 60] }), points: { show: false } }],
      legend: { show: false },
    },
    [xs, values],
    els.bars,
  );
  els.bars.dataset.drawn = String(Date.now());
  return plot;
}
