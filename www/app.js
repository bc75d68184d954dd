// The adagg page's wiring: the DOM of index.html, the settings, drag and
// drop. The work is the core's (core/), the views are shared with the
// widget (ui/). User data is only ever set as textContent.
import { aggregateFile, aggregateFiles, detectPlatform, PLATFORMS } from './core/run.js';
import { aggregateClicks, maybeClickLog } from './core/clicks.js';
import { loadModule } from './core/module.js';

/**
 * The one WebAssembly module the page runs everything on: the daily one
 * (www/pkg-daily/: the default module plus the daily series, windows and
 * anomalies), loaded at page load so that a run loads nothing.
 */
const pageModule = loadModule({ daily: true });
import { warmUp } from './core/pool.js';
import { showMapping } from './ui/mapping-form.js';
import { renderProgress } from './ui/progress-view.js';
import { openCampaignList } from './core/list.js';
import { normalizeFile } from './core/normalize.js';
import { campaignTable } from './ui/campaign-table.js';
import { rankingIds, rankingPanel } from './ui/ranking-table.js';
import { renderSummary } from './ui/summary-view.js';
import { buildTimeCard, renderTime } from './ui/time-view.js';
import { h } from './ui/dom.js';
import { fmtBytes } from './ui/format.js';

const $ = (id) => document.getElementById(id);
const els = {
  file: $('file'),
  dropzone: $('dropzone'),
  inputCard: $('input-card'),
  workers: $('workers'),
  workersHint: $('workers-hint'),
  progressCard: $('progress-card'),
  progressFile: $('progress-file'),
  progress: $('progress'),
  progressText: $('progress-text'),
  cancel: $('cancel'),
  error: $('error'),
  errorText: $('error-text'),
  notice: $('notice'),
  results: $('results'),
  resultFile: $('result-file'),
  stats: $('stats'),
  mapping: $('mapping'),
  sheet: $('sheet'),
  sheetLabel: $('sheet-label'),
  skipped: $('skipped'),
  skippedReasons: $('skipped-reasons').tBodies[0],
  skippedList: $('skipped-list'),
  quality: $('quality'),
  qualityChecks: $('quality-checks').tBodies[0],
  qualityList: $('quality-list'),
  qualityNotes: $('quality-notes'),
  downloadRejected: $('download-rejected'),
  delimiter: $('delimiter'),
  encoding: $('encoding'),
  dateOrder: $('date-order'),
  strict: $('strict'),
  datesCard: $('dates-card'),
  datesText: $('dates-text'),
  datesOther: $('dates-other'),
  mappingCard: $('mapping-card'),
  mappingText: $('mapping-text'),
  mappingForm: $('mapping-form'),
  mappingFields: $('mapping-fields'),
  rankSettings: $('rank-settings'),
  rankMetric: $('rank-metric'),
  rankDirection: $('rank-direction'),
  rankTop: $('rank-top'),
  minImpressions: $('min-impressions'),
  minClicks: $('min-clicks'),
  minConversions: $('min-conversions'),
  minSpend: $('min-spend'),
  allCampaigns: $('all-campaigns'),
  rankings: $('rankings'),
  allCard: $('all-card'),
  allText: $('all-text'),
  downloadAll: $('download-all'),
  allTable: $('all-table'),
  normalize: $('normalize'),
  normalizeText: $('normalize-text'),
  downloadNormalized: $('download-normalized'),
  filesCard: $('files-card'),
  filesTable: $('files-table').tBodies[0],
  mergePlatforms: $('merge-platforms'),
  runFiles: $('run-files'),
  platformsCard: $('platforms-card'),
  platformsText: $('platforms-text'),
  filesSummary: $('files-summary').tBodies[0],
  platformTotals: $('platform-totals'),
  downloadPlatforms: $('download-platforms'),
  daily: $('daily'),
  anomalies: $('anomalies'),
  anomalyThreshold: $('anomaly-threshold'),
  hints: $('hints'),
};

/** The "Over time" card's elements (ui/time-view.js), in its slot. */
const timeEls = buildTimeCard();
$('time-slot').replaceWith(timeEls.card);
/** The chart shown, if any. */
let timeView = null;

/** Every KPI, for "All six KPIs". */
const KPIS = ['ctr', 'cpc', 'cpm', 'cvr', 'cpa', 'roas'];

const cores = navigator.hardwareConcurrency || 4;
const WORKERS_KEY = 'adagg.workers';

let controller = null; // AbortController of the running job, if any
let lastRun = null; // {inputs, parse} of the last finished run: ranking settings re-run it
/** Files chosen together, waiting for their platforms to be checked: [{file, select}]. */
let pendingFiles = [];
let blobUrls = [];
/** The all-campaigns table shown: {list, table, changed, fresh}, or null. */
let all = null;

function show(node, visible) {
  node.hidden = !visible;
}

// ---------- state ----------

function setRunning(running) {
  els.file.disabled = running;
  els.workers.disabled = running;
  for (const input of els.rankSettings.querySelectorAll('input, select')) input.disabled = running;
  for (const input of els.filesCard.querySelectorAll('input, select, button')) input.disabled = running;
  els.dropzone.classList.toggle('disabled', running);
  show(els.progressCard, running);
  if (running) els.cancel.focus();
}

function clearOutput() {
  show(els.error, false);
  show(els.mappingCard, false);
  show(els.notice, false);
  show(els.results, false);
  for (const url of blobUrls) URL.revokeObjectURL(url);
  blobUrls = [];
  closeAll();
  resetNormalized();
  timeView?.destroy();
  timeView = null;
  show(timeEls.card, false);
}

/** normalized.csv's header line, with its line break. */
const NORMALIZED_HEADER = 'date,platform,campaign_id,campaign_name,impressions,clicks,spend,conversions,revenue\n';
const NORMALIZE_HINT = 'Every row of this file in one clean schema (date, platform, campaign_id, campaign_name, impressions, clicks, spend, conversions, revenue): ISO dates, plain numbers, ready for a warehouse.';
let normalizing = null; // AbortController of a normalize pass

/** Makes normalized.csv of the last file (one worker, one pass), then offers it. */
async function makeNormalized() {
  if (!lastRun || normalizing) return;
  const { inputs, parse } = lastRun;
  normalizing = new AbortController();
  els.normalize.disabled = true;
  document.body.dataset.normalize = 'running';
  try {
    // Several files: each with its platform, one after the other, in one
    // normalized.csv (the header once).
    const total = inputs.reduce((n, { file }) => n + file.size, 0);
    let before = 0;
    const parts = [];
    let rows = 0;
    let skipped = 0;
    const platforms = [];
    for (const { file, platform } of inputs) {
      const r = await normalizeFile(file, {
        module: await pageModule,
        parse,
        platform: platform ?? undefined,
        signal: normalizing.signal,
        onProgress: ({ bytesDone }) => {
          els.normalizeText.textContent = `Normalizing… ${Math.floor((100 * (before + bytesDone)) / Math.max(1, total))}%`;
        },
      });
      before += file.size;
      parts.push(parts.length === 0 ? r.csv : r.csv.slice(NORMALIZED_HEADER.length));
      rows += r.rows;
      skipped += r.skipped;
      if (!platforms.includes(r.platform)) platforms.push(r.platform);
    }
    const url = URL.createObjectURL(new Blob(parts, { type: 'text/csv;charset=utf-8' }));
    blobUrls.push(url);
    els.downloadNormalized.href = url;
    show(els.downloadNormalized, true);
    els.normalizeText.textContent = `${rows.toLocaleString('en-US')} rows (platform ${platforms.join(', ')})${skipped ? `; ${skipped.toLocaleString('en-US')} skipped, as in rejected_rows.csv` : ''}.`;
    document.body.dataset.normalize = 'done';
  } catch (err) {
    els.normalizeText.textContent = err?.name === 'AbortError' ? 'Cancelled.' : `Could not normalize: ${err?.message || err}`;
    document.body.dataset.normalize = 'error';
  } finally {
    normalizing = null;
    els.normalize.disabled = false;
  }
}

function resetNormalized() {
  normalizing?.abort();
  show(els.downloadNormalized, false);
  els.normalizeText.textContent = NORMALIZE_HINT;
  document.body.dataset.normalize = '';
}

function closeAll() {
  all?.table?.destroy();
  all?.list?.close();
  all = null;
  document.body.dataset.allTable = '';
}

/** Opens the run's campaigns as the sortable, filterable table (the list lives in a worker). */
async function showAllCampaigns(result) {
  const mine = { list: null, table: null, changed: false, fresh: true };
  all = mine;
  try {
    const list = await openCampaignList(result);
    if (all !== mine) return list.close(); // a newer run took over
    mine.list = list;
    mine.table = campaignTable(els.allTable, list, result.kpiColumns, {
      kpis: result.kpis,
      platforms: Boolean(result.hasPlatforms),
      onView: ({ sorted, filtered }) => {
        mine.changed = sorted || filtered;
        mine.fresh = false;
      },
    });
    document.body.dataset.allTable = 'ready';
  } catch (err) {
    if (all === mine) els.allText.textContent += ` The table could not be opened: ${err?.message || err}`;
  }
}

function showError(message) {
  els.errorText.textContent = message;
  show(els.error, true);
}

function showNotice(message) {
  els.notice.textContent = message;
  show(els.notice, true);
}

function workerCount() {
  const n = Math.floor(Number(els.workers.value));
  return Number.isFinite(n) && n >= 1 ? Math.min(n, 64) : cores;
}

/** Delimiter and encoding forced in the settings, if any. */
function formatOptions() {
  const parse = {};
  if (els.delimiter.value) parse.delimiter = els.delimiter.value;
  if (els.encoding.value) parse.encoding = els.encoding.value;
  if (els.dateOrder.value) parse.dateOrder = els.dateOrder.value;
  if (els.strict.checked) parse.strict = true;
  return parse;
}

/**
 * The rankings and guardrails chosen in the settings, as aggregateFile
 * options; the daily series, anomalies and hints (on by default) for one
 * file only (`several`: aggregateFiles combines no series yet).
 */
function reportOptions(several = false) {
  const metric = els.rankMetric.value;
  const direction = els.rankDirection.value;
  const options = { top: Number(els.rankTop.value) || 10 };
  if (metric) options.rank = (metric === '*' ? KPIS : [metric]).map((m) => (direction ? `${m}:${direction}` : m));
  const min = {};
  for (const [key, input] of [['impressions', els.minImpressions], ['clicks', els.minClicks], ['conversions', els.minConversions], ['spend', els.minSpend]]) {
    if (input.value.trim() !== '') min[key] = input.value.trim();
  }
  if (Object.keys(min).length) options.min = min;
  if (els.allCampaigns.checked) options.allCampaigns = true;
  if (!els.sheet.hidden && els.sheet.value) options.sheet = els.sheet.value;
  if (several) return options;
  if (els.daily.checked) options.daily = true;
  if (els.anomalies.checked) options.anomalies = { threshold: els.anomalyThreshold.value.trim() || '3.5' };
  if (els.hints.checked) options.hints = true;
  return options;
}

/**
 * A workbook of several sheets: the Sheet choice, set to the one read;
 * choosing another reads the same file again with it.
 */
function showSheets(workbook) {
  const several = (workbook?.sheets?.length ?? 0) > 1;
  els.sheet.hidden = !several;
  els.sheetLabel.hidden = !several;
  if (!several) return;
  els.sheet.replaceChildren(...workbook.sheets.map((name) => h('option', { value: name, text: name })));
  els.sheet.value = workbook.sheet;
}

/** The header could not be mapped: let the user pick a column per field. */
function offerMapping(file, err) {
  const view = { form: els.mappingForm, text: els.mappingText, fields: els.mappingFields };
  showMapping(view, file.name, err, (map) => run([{ file, platform: null }], { ...formatOptions(), map }));
  show(els.mappingCard, true);
  (els.mappingFields.querySelector('select[required]') ?? els.mappingFields.querySelector('select'))?.focus();
}

// ---------- results ----------

function setDownload(link, csv) {
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  blobUrls.push(url);
  link.href = url;
}

/** Several files: a row per file and the totals per platform. */
function renderPlatforms(result) {
  const files = result.files ?? [];
  show(els.platformsCard, files.length > 0);
  if (files.length === 0) return;
  const fmt = (n) => Number(n).toLocaleString('en-US');
  const warnings = (s) => (s.quality?.checks ?? []).reduce((n, c) => n + Number(c.count), 0);
  els.filesSummary.replaceChildren(
    ...files.map((f) => {
      const s = f.summary;
      const td = (text, num = true) => h('td', { className: num ? 'num' : '', text });
      return h('tr', {}, [h('th', { scope: 'row', className: 'id', text: f.label }), td(f.platform, false), td(fmt(s.rowsRead)), td(fmt(s.rowsAggregated)), td(fmt(s.rowsSkipped)), td(fmt(warnings(s))), td(fmt(s.campaigns))]);
    }),
  );
  const columns = [
    { key: 'files', label: 'Files' },
    { key: 'rows', label: 'Rows' },
    { key: 'campaigns', label: 'Campaigns' },
    ...result.kpiColumns.slice(1),
  ];
  els.platformTotals.replaceChildren(
    h('thead', {}, [h('tr', {}, [h('th', { scope: 'col', text: 'Platform' }), ...columns.map((c) => h('th', { scope: 'col', className: 'num', text: c.label }))])]),
    h('tbody', {}, result.platforms.map((p) => h('tr', { 'data-platform': p.platform }, [
      h('th', { scope: 'row', className: 'id', text: p.platform }),
      ...columns.map((c) => h('td', { className: 'num', 'data-key': c.key, text: p[c.key] === '' ? '—' : String(p[c.key]) })),
    ]))),
  );
  setDownload(els.downloadPlatforms, result.platformTotalsCsv);
  els.platformsText.textContent = result.hasPlatforms
    ? 'Campaigns stay apart by platform: every table and file has the platform first.'
    : result.platforms.length > 1
      ? 'Campaigns with the same id are merged across platforms.'
      : 'One platform: the files are merged by campaign id.';
}

function renderResult(result, inputs) {
  const file = inputs.length === 1 ? inputs[0].file : null;
  els.resultFile.textContent = file ? file.name || 'the file' : `${inputs.length} files`;
  renderSummary(els, result, file, (label) => (label === 'Format' || label === 'Unpacked' ? 'wide' : ''));
  showSheets(result.workbook);
  renderPlatforms(result);
  // Every warning, one per line (a header note and "no data rows" can come together).
  const fileWarnings = (result.files ?? []).flatMap((f) => f.summary.warnings ?? []);
  const warnings = [
    // Several files: the combined summary repeats the first file's header notes, shown below with its name.
    ...(result.summary.warnings ?? []).filter((w) => !fileWarnings.includes(w)),
    ...(result.files ?? []).flatMap((f) => (f.summary.warnings ?? []).map((w) => `${f.label}: ${w}`)),
  ];
  if (warnings.length > 0) showNotice(warnings.join('\n'));
  // One panel per ranking (#ctr-table, #download-ctr...).
  const rankings = result.rankings ?? [];
  const ids = rankingIds(rankings);
  els.rankings.replaceChildren(...rankings.map((r, i) => rankingPanel(r, { id: ids[i], setDownload, names: true })));
  show(els.allCard, result.allCampaignsCsv != null);
  if (result.allCampaignsCsv != null) {
    setDownload(els.downloadAll, result.allCampaignsCsv);
    els.allText.textContent = `${Number(result.summary.campaigns).toLocaleString('en-US')} campaigns with every KPI. Sort by any column, filter by id or name; the download follows the table.${result.hasRevenue ? '' : ' No revenue column: total_revenue and ROAS are empty.'}`;
    showAllCampaigns(result);
  }
  setDownload(els.downloadRejected, result.rejectedCsv);
  // Only total/footer rows skipped: rejected_rows.csv would hold its header alone.
  const header = `${result.files ? 'file,' : ''}line,reason,raw_line\n`;
  show(els.downloadRejected, (result.rejectedCsv?.size ?? result.rejectedCsv?.length ?? 0) > header.length);
  show(els.results, true);
  // Drawn once shown, at the card's width.
  timeView = renderTime(timeEls, result, setDownload, inputs.length === 1 ? showOverTime : null);
  renderDates(result.summary.dates, inputs.length === 1);
}

/**
 * How 1/2/2025-style dates were read (issue 16): the core's line, and when
 * no date told day from month (the order was assumed), the other order
 * offered (the file is read again with it).
 */
function renderDates(dates, single) {
  show(els.datesCard, Boolean(dates?.note));
  if (!dates?.note) return;
  els.datesText.textContent = `Dates: ${dates.note.replace(/--date-order (mdy|dmy)/g, (_, o) => `"${o === 'dmy' ? 'Day first' : 'Month first'}" (Input format)`)}`;
  const other = dates.order === 'mdy' ? 'dmy' : 'mdy';
  show(els.datesOther, dates.asked && single);
  els.datesOther.textContent = other === 'dmy' ? 'Read them day first (1/2/2025 is 1 February)' : 'Read them month first (1/2/2025 is January 2)';
  els.datesOther.onclick = () => {
    els.dateOrder.value = other;
    if (lastRun && !controller) run(lastRun.inputs, { ...lastRun.parse, dateOrder: other }, lastRun.mergePlatforms);
  };
}

/** The Over time card's offer: the series and anomalies for the last file (read again). */
function showOverTime() {
  els.daily.checked = true;
  els.anomalies.checked = true;
  els.hints.checked = true;
  if (lastRun && !controller) run(lastRun.inputs, lastRun.parse, lastRun.mergePlatforms);
}

// ---------- run ----------

/**
 * Runs one file, or several (`inputs`: [{file, platform}], platform null
 * to detect it) as one result.
 */
async function run(inputs, parse = formatOptions(), mergePlatforms = false) {
  if (controller) return; // a job is already running
  clearOutput();
  closeClicks();
  delete document.body.dataset.kind;
  controller = new AbortController();
  const { signal } = controller;
  const file = inputs[0].file;
  const several = inputs.length > 1;
  els.progressFile.textContent = several ? `${inputs.length} files` : file.name || '';
  const progressView = { bar: els.progress, text: els.progressText };
  const totalBytes = inputs.reduce((n, i) => n + i.file.size, 0);
  renderProgress(progressView, { phase: 'start', bytesDone: 0, totalBytes, rows: 0, elapsedMs: 0 });
  setRunning(true);
  document.body.dataset.state = 'running';
  try {
    const options = {
      ...reportOptions(several),
      workers: workerCount(),
      module: await pageModule,
      parse,
      signal,
      onProgress: (p) => {
        if (!signal.aborted) renderProgress(progressView, p);
      },
    };
    const result = several ? await aggregateFiles(inputs, { ...options, mergePlatforms }) : await aggregateFile(file, options);
    renderResult(result, inputs);
    lastRun = { inputs, parse, mergePlatforms };
    document.body.dataset.state = 'done';
  } catch (err) {
    if (err?.name === 'AbortError') {
      showNotice(`Cancelled. ${several ? 'The files were' : `${file.name || 'The file'} was`} not processed; choose a file to start again.`);
      document.body.dataset.state = 'cancelled';
    } else if (err?.kind === 'columns' && !several) {
      offerMapping(file, err);
      document.body.dataset.state = 'mapping';
    } else {
      showError(err?.message || String(err));
      document.body.dataset.state = 'error';
    }
  } finally {
    controller = null;
    setRunning(false);
    els.file.value = ''; // choosing the same file again triggers `change`
    const state = document.body.dataset.state;
    if (state !== 'done' && state !== 'mapping') els.file.focus();
  }
}

/**
 * Files chosen or dropped: one runs at once; several wait in the files
 * card, each with its platform (detected, editable), for "Aggregate".
 */
async function chosen(files) {
  if (files.length === 0 || controller) return;
  showSheets(null); // a new file: its first sheet with a header
  if (files.length === 1) {
    show(els.filesCard, false);
    pendingFiles = [];
    if ((await maybeClickLog(files[0])) && (await runClicks(files[0]))) return;
    return run([{ file: files[0], platform: null }]);
  }
  clearOutput();
  pendingFiles = files.map((file) => {
    // '' (detected when read): archives and workbooks, whose members each have their own.
    const select = h('select', { 'aria-label': `Platform of ${file.name}` }, [h('option', { value: '', text: 'detected' }), ...PLATFORMS.map((p) => h('option', { value: p, text: p }))]);
    select.value = '';
    select.disabled = true; // until detected
    return { file, select };
  });
  els.filesTable.replaceChildren(
    ...pendingFiles.map(({ file, select }) =>
      h('tr', {}, [h('th', { scope: 'row', className: 'id', text: file.name }), h('td', { className: 'num', text: fmtBytes(file.size) }), h('td', {}, [select])]),
    ),
  );
  show(els.filesCard, true);
  document.body.dataset.files = 'detecting';
  els.runFiles.disabled = true;
  const mine = pendingFiles;
  Promise.all(
    mine.map(async ({ file, select }) => {
      try {
        select.value = await detectPlatform(file, { parse: formatOptions(), module: await pageModule });
      } catch {
        // Unreadable header: the run will say why; the user may still pick a platform.
      }
      select.disabled = false;
    }),
  ).then(() => {
    if (pendingFiles !== mine) return;
    els.runFiles.disabled = false;
    document.body.dataset.files = 'ready';
    els.runFiles.focus();
  });
}

/** The click log's result shown (issue 17), closed when another run starts. */
let clickResult = null;
let clickView = null;

function closeClicks() {
  clickView?.close();
  clickResult?.close();
  clickView = clickResult = null;
  const root = document.getElementById('clicks-results');
  root.replaceChildren();
  root.hidden = true;
}

/** The fraud rules' settings, as aggregateClicks takes them. */
function clickOptions() {
  const rulesOff = ['ip_blocklist', 'bot_user_agent', 'ip_velocity', 'user_velocity'].filter((r) => !document.getElementById(`rule-${r}`).checked);
  const n = Number(document.getElementById('velocity-max').value);
  return { blocklist: document.getElementById('blocklist').files?.[0], velocityMax: Number.isInteger(n) && n >= 0 ? n : 5, rulesOff };
}

/**
 * Reads `file` as a click log; false when it is not one (the export path
 * reads it then).
 */
async function runClicks(file) {
  clearOutput();
  closeClicks();
  controller = new AbortController();
  const { signal } = controller;
  els.progressFile.textContent = file.name || '';
  const progressView = { bar: els.progress, text: els.progressText };
  renderProgress(progressView, { phase: 'start', bytesDone: 0, totalBytes: 2 * file.size, rows: 0, elapsedMs: 0 });
  setRunning(true);
  document.body.dataset.state = 'running';
  try {
    const result = await aggregateClicks(file, { ...clickOptions(), workers: workerCount(), signal, onProgress: (p) => !signal.aborted && renderProgress(progressView, p) });
    clickResult = result;
    const root = document.getElementById('clicks-results');
    root.hidden = false;
    const { renderClicks } = await import('./ui/clicks-view.js');
    clickView = await renderClicks(root, result, file.name || 'click log');
    document.body.dataset.state = 'done';
    document.body.dataset.kind = 'clicks';
    return true;
  } catch (err) {
    if (err?.name === 'AbortError') {
      showNotice(`Cancelled. ${file.name || 'The file'} was not processed; choose a file to start again.`);
      document.body.dataset.state = 'cancelled';
      return true;
    }
    if (/^not a click log/.test(err?.message || '')) return false;
    showError(err?.message || String(err));
    document.body.dataset.state = 'error';
    return true;
  } finally {
    controller = null;
    setRunning(false);
    els.file.value = '';
  }
}

// ---------- wiring ----------

function init() {
  const saved = Number(localStorage.getItem(WORKERS_KEY));
  els.workers.value = String(saved >= 1 ? Math.min(saved, 64) : cores);
  els.workersHint.textContent = `This device reports ${cores} logical cores.`;
  els.workers.addEventListener('change', () => {
    els.workers.value = String(workerCount());
    localStorage.setItem(WORKERS_KEY, els.workers.value);
    pageModule.then((module) => warmUp({ module, workers: workerCount() }), () => {}); // start the extra workers now, not during the run
  });

  els.normalize.addEventListener('click', makeNormalized);

  // all_campaigns.csv as the table shows it: once sorted or filtered, the
  // list's worker writes the file in that order.
  els.downloadAll.addEventListener('click', async (event) => {
    if (!all?.changed || all.fresh) return; // the link holds the right file
    event.preventDefault();
    const mine = all;
    const url = URL.createObjectURL(await mine.list.csv());
    blobUrls.push(url);
    if (all !== mine) return;
    els.downloadAll.href = url;
    mine.fresh = true;
    els.downloadAll.click();
  });

  // A new ranking or guardrail applies to the last file at once (the file
  // is read again: about a second per GB).
  els.rankSettings.addEventListener('change', () => {
    if (lastRun && !controller) run(lastRun.inputs, lastRun.parse, lastRun.mergePlatforms);
  });

  els.file.addEventListener('change', () => chosen(Array.from(els.file.files ?? [])));
  els.sheet.addEventListener('change', () => {
    if (lastRun && !controller) run(lastRun.inputs, lastRun.parse, lastRun.mergePlatforms);
  });
  els.runFiles.addEventListener('click', () => {
    if (controller || pendingFiles.length === 0) return;
    const inputs = pendingFiles.map(({ file, select }) => ({ file, platform: select.value || null }));
    run(inputs, formatOptions(), els.mergePlatforms.checked);
  });
  els.cancel.addEventListener('click', () => controller?.abort());
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && controller) controller.abort();
  });

  // Drag and drop anywhere on the page; the drop zone highlights.
  let depth = 0;
  const hasFiles = (e) => Array.from(e.dataTransfer?.types ?? []).includes('Files');
  document.addEventListener('dragenter', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    depth++;
    els.dropzone.classList.add('dragover');
  });
  document.addEventListener('dragleave', () => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) els.dropzone.classList.remove('dragover');
  });
  document.addEventListener('dragover', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = controller ? 'none' : 'copy';
  });
  document.addEventListener('drop', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    depth = 0;
    els.dropzone.classList.remove('dragover');
    if (!controller) chosen(Array.from(e.dataTransfer.files ?? []));
  });

  // Fetch and compile the wasm module now, so that a run starts at once and
  // a missing build is reported before the user picks a file.
  // Then start the workers (a run loads nothing once the page has loaded)
  // and warm the engine's optimizing compiler up on a small synthetic run.
  pageModule.then(
    (module) => {
      document.body.dataset.ready = 'true';
      warmUp({ module, workers: workerCount() }).then(() => (document.body.dataset.warm = 'true'));
    },
    (err) => showError(err.message),
  );
}

init();
