// The adagg page's wiring: the DOM of index.html, the settings, drag and
// drop. The work is the core's (core/), the views are shared with the
// widget (ui/). User data is only ever set as textContent.
import { aggregateFile } from './core/run.js';
import { loadModule } from './core/module.js';
import { warmUp } from './core/pool.js';
import { showMapping } from './ui/mapping-form.js';
import { renderProgress } from './ui/progress-view.js';
import { openCampaignList } from './core/list.js';
import { normalizeFile } from './core/normalize.js';
import { campaignTable } from './ui/campaign-table.js';
import { rankingIds, rankingPanel } from './ui/ranking-table.js';
import { renderSummary } from './ui/summary-view.js';

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
  strict: $('strict'),
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
};

/** Every KPI, for "All six KPIs". */
const KPIS = ['ctr', 'cpc', 'cpm', 'cvr', 'cpa', 'roas'];

const cores = navigator.hardwareConcurrency || 4;
const WORKERS_KEY = 'adagg.workers';

let controller = null; // AbortController of the running job, if any
let lastRun = null; // {file, parse} of the last finished run: ranking settings re-run it
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
}

const NORMALIZE_HINT = 'Every row of this file in one clean schema (date, platform, campaign_id, campaign_name, impressions, clicks, spend, conversions, revenue): ISO dates, plain numbers, ready for a warehouse.';
let normalizing = null; // AbortController of a normalize pass

/** Makes normalized.csv of the last file (one worker, one pass), then offers it. */
async function makeNormalized() {
  if (!lastRun || normalizing) return;
  const { file, parse } = lastRun;
  normalizing = new AbortController();
  els.normalize.disabled = true;
  document.body.dataset.normalize = 'running';
  try {
    const r = await normalizeFile(file, {
      parse,
      signal: normalizing.signal,
      onProgress: ({ bytesDone, totalBytes }) => {
        els.normalizeText.textContent = `Normalizing… ${Math.floor((100 * bytesDone) / Math.max(1, totalBytes))}%`;
      },
    });
    const url = URL.createObjectURL(r.csv);
    blobUrls.push(url);
    els.downloadNormalized.href = url;
    show(els.downloadNormalized, true);
    els.normalizeText.textContent = `${r.rows.toLocaleString('en-US')} rows (platform ${r.platform})${r.skipped ? `; ${r.skipped.toLocaleString('en-US')} skipped, as in rejected_rows.csv` : ''}.`;
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
  if (els.strict.checked) parse.strict = true;
  return parse;
}

/** The rankings and guardrails chosen in the settings, as aggregateFile options. */
function reportOptions() {
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
  return options;
}

/** The header could not be mapped: let the user pick a column per field. */
function offerMapping(file, err) {
  const view = { form: els.mappingForm, text: els.mappingText, fields: els.mappingFields };
  showMapping(view, file.name, err, (map) => run(file, { ...formatOptions(), map }));
  show(els.mappingCard, true);
  (els.mappingFields.querySelector('select[required]') ?? els.mappingFields.querySelector('select'))?.focus();
}

// ---------- results ----------

function setDownload(link, csv) {
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  blobUrls.push(url);
  link.href = url;
}

function renderResult(result, file) {
  els.resultFile.textContent = file.name || 'the file';
  renderSummary(els, result, file, (label) => (label === 'Format' ? 'wide' : ''));
  // Every warning, one per line (a header note and "no data rows" can come together).
  const warnings = result.summary.warnings ?? [];
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
  show(els.downloadRejected, (result.rejectedCsv?.size ?? result.rejectedCsv?.length ?? 0) > 'line,reason,raw_line\n'.length);
  show(els.results, true);
}

// ---------- run ----------

async function run(file, parse = formatOptions()) {
  if (controller) return; // a job is already running
  clearOutput();
  controller = new AbortController();
  const { signal } = controller;
  els.progressFile.textContent = file.name || '';
  const progressView = { bar: els.progress, text: els.progressText };
  renderProgress(progressView, { phase: 'start', bytesDone: 0, totalBytes: file.size, rows: 0, elapsedMs: 0 });
  setRunning(true);
  document.body.dataset.state = 'running';
  try {
    const result = await aggregateFile(file, {
      ...reportOptions(),
      workers: workerCount(),
      parse,
      signal,
      onProgress: (p) => {
        if (!signal.aborted) renderProgress(progressView, p);
      },
    });
    renderResult(result, file);
    lastRun = { file, parse };
    document.body.dataset.state = 'done';
  } catch (err) {
    if (err?.name === 'AbortError') {
      showNotice(`Cancelled. ${file.name || 'The file'} was not processed; choose a file to start again.`);
      document.body.dataset.state = 'cancelled';
    } else if (err?.kind === 'columns') {
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

// ---------- wiring ----------

function init() {
  const saved = Number(localStorage.getItem(WORKERS_KEY));
  els.workers.value = String(saved >= 1 ? Math.min(saved, 64) : cores);
  els.workersHint.textContent = `This device reports ${cores} logical cores.`;
  els.workers.addEventListener('change', () => {
    els.workers.value = String(workerCount());
    localStorage.setItem(WORKERS_KEY, els.workers.value);
    warmUp({ workers: workerCount() }); // start the extra workers now, not during the run
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
    if (lastRun && !controller) run(lastRun.file, lastRun.parse);
  });

  els.file.addEventListener('change', () => {
    const file = els.file.files?.[0];
    if (file) run(file);
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
    const file = e.dataTransfer.files?.[0];
    if (file && !controller) run(file);
  });

  // Fetch and compile the wasm module now, so that a run starts at once and
  // a missing build is reported before the user picks a file.
  // Then start the workers (a run loads nothing once the page has loaded)
  // and warm the engine's optimizing compiler up on a small synthetic run.
  loadModule().then(
    () => {
      document.body.dataset.ready = 'true';
      warmUp({ workers: workerCount() }).then(() => (document.body.dataset.warm = 'true'));
    },
    (err) => showError(err.message),
  );
}

init();
