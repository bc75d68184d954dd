// Type declarations for adagg's public module (www/adagg.js) and the
// <ad-aggregator> custom element (www/widget/ad-aggregator.js). Guide: README.md, section "Embedding".

/** One ranked campaign with its totals. Numbers are decimal strings, exactly as in the CSV output. */
export interface AdaggRow {
  campaignId: string;
  /** The last campaign name seen for the id ("" when the file has no name column beside the id). */
  campaignName: string;
  /** Its platform, when several platforms were loaded and kept apart (`aggregateFiles`). */
  platform?: string;
  totalImpressions: string;
  totalClicks: string;
  totalSpend: string;
  totalConversions: string;
  /** clicks ÷ impressions, 4 decimals. */
  ctr: string;
  /** spend ÷ conversions, 2 decimals; empty when there are no conversions. */
  cpa: string;
}

/**
 * A row of a ranking asked for with `rank`, or of all_campaigns.csv: every
 * sum and every KPI, as in the CSV files (an undefined KPI, or revenue and
 * ROAS without a revenue column, is "").
 */
export interface AdaggKpiRow extends AdaggRow {
  /** "" when no input had a revenue column. */
  totalRevenue: string;
  /** spend ÷ clicks, 2 decimals. */
  cpc: string;
  /** 1000 × spend ÷ impressions, 2 decimals. */
  cpm: string;
  /** conversions ÷ clicks, 4 decimals. */
  cvr: string;
  /** revenue ÷ spend, 2 decimals. */
  roas: string;
}

/** The KPIs a ranking can be by. */
export type AdaggKpiKey = 'ctr' | 'cpc' | 'cpm' | 'cvr' | 'cpa' | 'roas';

/** A ranking asked for: `'roas'`, `'cpa:desc'`, or `{ metric, direction }`. */
export type AdaggRankSpec = AdaggKpiKey | `${AdaggKpiKey}:${'asc' | 'desc'}` | { metric: AdaggKpiKey; direction?: 'asc' | 'desc' };

/** Guardrails: a campaign is ranked only when each of its totals is at least the minimum. */
export interface AdaggGuardrails {
  impressions?: number | string;
  clicks?: number | string;
  conversions?: number | string;
  /** A decimal, e.g. `"50"` or `"49.99"`. */
  spend?: number | string;
}

/** One ranking of a result, whichever was asked for (the two standard ones by default). */
export interface AdaggRanking {
  /** The metric ranked by, e.g. `roas`. */
  key: AdaggKpiKey;
  /** Its heading, e.g. `ROAS`. */
  label: string;
  /** Which end comes first in this ranking. */
  better: 'higher' | 'lower';
  /** Rows asked for. */
  top: number;
  /** The file it downloads as, as the CLI names it: `top10_roas.csv`. */
  fileName: string;
  /** The columns of its rows, in order. */
  columns: AdaggColumn[];
  /** The best campaigns, best first: {@link AdaggRow} for the standard tables, {@link AdaggKpiRow} for rankings asked for with `rank`. */
  rows: Array<AdaggRow | AdaggKpiRow>;
  /** Its CSV file's contents. */
  csv: string;
  /** Campaigns the metric is defined for that passed the guardrails. */
  eligible: number;
  /** Campaigns the metric is defined for that a guardrail removed. */
  removed: number;
  /** The guardrails in force (empty: none), minimums as decimal text. */
  guardrails: Array<{ field: 'impressions' | 'clicks' | 'conversions' | 'spend'; min: string }>;
  /** True when the metric needs revenue and no input had a revenue column: no rows, and it is absent, not zero. */
  absent: boolean;
}

/** What a column of a ranking holds: `id` (the campaign), `count` (a summed count), `money` (summed spend), `metric` (a ratio). */
export type AdaggColumnKind = 'id' | 'count' | 'money' | 'metric';

/** A column of the rankings' rows, in order: draw tables from these rather than from a list of your own. */
export interface AdaggColumn {
  /** The row's property, e.g. `totalClicks` or `ctr`. */
  key: Exclude<keyof AdaggKpiRow, 'campaignName' | 'platform'>;
  /** The heading to show, e.g. `Clicks` or `CTR`. */
  label: string;
  /** The column's name in the CSV files, e.g. `total_clicks` or `CTR`. */
  header: string;
  kind: AdaggColumnKind;
}

/** The metrics: each has a ranking (`result[key]`), its CSV (`result[`${key}Csv`]`) and a column. */
export type AdaggMetricKey = 'ctr' | 'cpa';

/** A metric the campaigns are ranked by; the result has its ranking under `key` and its CSV under `${key}Csv`. */
export interface AdaggMetric {
  /** `ctr` or `cpa`: also the key of its column. */
  key: AdaggMetricKey;
  /** `CTR` or `CPA`. */
  label: string;
  /** The first rows of its ranking have the highest (`higher`) or the lowest (`lower`) values. */
  better: 'higher' | 'lower';
}

export interface AdaggSummary {
  rowsRead: number;
  rowsAggregated: number;
  rowsSkipped: number;
  skippedByReason: Array<{ reason: string; count: number }>;
  /** The first skipped malformed rows, with their 1-based physical line numbers. */
  firstSkipped: Array<{ line: number; reason: string }>;
  /** The first rows skipped as not data (total and footer rows, a repeated header line), with their lines. */
  notData: Array<{ line: number; reason: string }>;
  campaigns: number;
  bytes: number;
  header: string[];
  headerLine: number;
  preambleRows: number;
  encoding: string;
  delimiter: string;
  mapping: Array<{ field: string; column: string }>;
  /** Notes that are not errors: two columns for one field (`header: "clicks" appears twice (columns 4 and 7); column 4 is used`), no data rows... */
  warnings: string[];
  /** Data-quality warnings about rows that were aggregated (never dropped). */
  quality: AdaggQuality;
  /** How 1/2/2025-style dates were read: day first or month first. */
  dates: AdaggDates;
}

/** How 1/2/2025-style dates were read (`summary.dates`). */
export interface AdaggDates {
  /** `mdy` (month first), `dmy` (day first), or `auto` (no such date seen: per value). */
  order: 'auto' | 'mdy' | 'dmy';
  /** The summary's line (as the CLI's `dates:`), or null when the file has no such date. */
  note: string | null;
  /** No date told day from month: the order was assumed (ask the user; `parse.dateOrder`). */
  asked: boolean;
  /** The whole file proved the other order than the one it was read in: [order, line, text] (aggregateFile has then read the file again by itself; set when that second read still disagrees, else null). */
  reread: ['mdy' | 'dmy', number, string] | null;
}

/** Parse option `dateOrder`: see {@link AdaggDates}. */
export type AdaggDateOrder = 'auto' | 'mdy' | 'dmy';

export type AdaggQualityKind = 'clicksOverImpressions' | 'conversionsOverClicks' | 'badDates' | 'futureDates' | 'duplicates' | 'spendRounded';

export interface AdaggQuality {
  /** One entry per kind, in this order, counts possibly 0. */
  checks: Array<{ kind: AdaggQualityKind; label: string; count: number }>;
  /** The first rows of each kind, e.g. `line 12: CMP001: clicks 300 > impressions 200` or `line 7: CMP001: spend "1.429999948" rounded to 1.430000`. */
  examples: string[];
  /** False when the file has no date column: dates and duplicates were not checked. */
  datesChecked: boolean;
  /** Over 250,000 distinct (campaign, date) pairs in a part of the file: the duplicate count is a lower bound. */
  duplicatesCapped: boolean;
}

export interface AdaggTiming {
  elapsedMs: number;
  bytes: number;
  workers: number;
  ranges: number;
  reruns: number;
}

/** The result of one run: plain data (structured-cloneable; JSON.stringify-able but for the `rejectedCsv` Blob). */
export interface AdaggResult {
  /** Every ranking, in the order asked for (by default the two standard ones: CTR, then lowest CPA). */
  rankings: AdaggRanking[];
  /** True when some input had a revenue column; else total_revenue and ROAS are absent (empty), not zero. */
  hasRevenue: boolean;
  /** Several platforms loaded and kept apart (`aggregateFiles`): every row has `platform`, and the CSVs carry `platform` first. False for one file. */
  hasPlatforms: boolean;
  /** all_campaigns.csv when `allCampaigns` asked for it (a Blob: it can be large), else null. */
  allCampaignsCsv: Blob | null;
  /** The daily series for charts, when `daily` or `anomalies` was asked for (absent otherwise). */
  daily?: AdaggDaily;
  /** daily.csv, rolling_7d.csv, rolling_28d.csv: the CLI's `--daily` files, byte for byte (with `daily` or `anomalies`). */
  dailyCsv?: Blob;
  rolling7dCsv?: Blob;
  rolling28dCsv?: Blob;
  /** The flagged days, newest first (with `anomalies`): as anomalies.csv's rows, numbers as text. */
  anomalies?: AdaggAnomaly[];
  /** anomalies.csv: the CLI's `--anomalies` file, byte for byte. */
  anomaliesCsv?: Blob;
  /** Budget hints (with `hints`): budget_hints.csv's header and rows as text cells, and the summary's lines (heuristics). */
  budgetHints?: { header: string[]; rows: string[][]; text: string };
  /** budget_hints.csv: the CLI's `--hints` file, byte for byte. */
  budgetHintsCsv?: Blob;
  /** Top campaigns by click-through rate (the standard table, with the guardrails in force). */
  ctr: AdaggRow[];
  /** Top campaigns by lowest cost per acquisition (the standard table). */
  cpa: AdaggRow[];
  /** The CTR ranking as CSV (top10_ctr.csv for top 10). */
  ctrCsv: string;
  /** The CPA ranking as CSV (top10_cpa.csv for top 10). */
  cpaCsv: string;
  /** The columns of a ranking's rows, in order (`campaignName` comes beside `campaignId`). */
  columns: AdaggColumn[];
  /** The metrics, one ranking each (`ctr`, then `cpa`). */
  metrics: AdaggMetric[];
  /** The columns of all_campaigns.csv and of rankings asked for with `rank`, in order. */
  kpiColumns: AdaggColumn[];
  /** Every KPI (CTR, CPC, CPM, CVR, CPA, ROAS) with its natural direction. */
  kpis: Array<{ key: AdaggKpiKey; label: string; better: 'higher' | 'lower' }>;
  /** rejected_rows.csv: `line,reason,raw_line` for every skipped data row (a Blob: it can be large). */
  rejectedCsv: Blob;
  summary: AdaggSummary;
  timing: AdaggTiming;
  /** What was unpacked to read the input (issue 18), one line each, as the CLI's `unpacked:` lines: a gzip's sizes, a zip's members read and skipped, a workbook's sheet. Empty for plain CSV files. */
  unpacked: string[];
  /** When one workbook was read: its name, the sheet read and every sheet, in workbook order (pass another as `sheet`). */
  workbook?: { label: string; sheet: string; sheets: string[] };
}

export type AdaggPhase = 'start' | 'read' | 'merge' | 'done';

/** The one progress shape: of `onProgress`, of `adagg-progress`, of the page. */
export interface AdaggProgress {
  phase: AdaggPhase;
  /** Bytes of the file processed so far (never decreases). */
  bytesDone: number;
  /** The file's size in bytes. */
  totalBytes: number;
  /** The same as `bytesDone` (the first API's name, kept). */
  bytes: number;
  /** The same as `totalBytes` (the first API's name, kept). */
  total: number;
  /** Rows read so far (exact once phase is 'merge' or 'done'). */
  rows: number;
  elapsedMs: number;
}

/**
 * `kind` of a failure: 'abort' (cancelled), 'input' (bad argument), 'load'
 * (the wasm module or the worker could not be loaded), 'empty' (empty file),
 * 'header' (no usable header), 'columns' (required columns not found: see
 * `missing` and `columns`), 'strict' (strict mode stopped at a malformed
 * row), 'read' (the file could not be read to the end: it changed or went
 * away meanwhile), 'error' (anything else).
 */
export type AdaggErrorKind = 'abort' | 'input' | 'load' | 'empty' | 'header' | 'columns' | 'strict' | 'read' | 'error';

/** What aggregateFile rejects with (besides a DOMException named AbortError). */
export interface AdaggError extends Error {
  kind?: Exclude<AdaggErrorKind, 'abort' | 'error'>;
  /** kind 'columns': the fields that were not found. */
  missing?: string[];
  /** kind 'columns': the file's column names. */
  columns?: string[];
  /** kind 'columns': every field a column can be chosen for (the keys of `parse.map`). */
  fields?: string[];
}

export interface AdaggParseOptions {
  delimiter?: ',' | ';' | 'tab' | '|';
  encoding?: 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252' | 'shift_jis';
  /** Column name per field, e.g. `{ spend: 'Cost' }`. */
  map?: Partial<Record<'campaign_id' | 'impressions' | 'clicks' | 'spend' | 'conversions', string>>;
  /** Stop at the first malformed row (rejects with kind 'strict'). */
  strict?: boolean;
  /** `YYYY-MM-DD`; later dates get a data-quality warning (default: the local date). */
  today?: string;
  /** 1/2/2025-style dates: decided from the data (`auto`, default), month first (`mdy`) or day first (`dmy`). */
  dateOrder?: AdaggDateOrder;
}

export interface AggregateOptions {
  /** Rows per ranking (default 10). */
  top?: number;
  /** The rankings to make, in the KPI format (default: the two standard tables, CTR and lowest CPA). */
  rank?: AdaggRankSpec | AdaggRankSpec[];
  /** Guardrails for every ranking (default: none). */
  min?: AdaggGuardrails;
  /** Also every campaign with every KPI: `result.allCampaignsCsv` (all_campaigns.csv). */
  allCampaigns?: boolean;
  /** Called at most ~10 times a second while reading, and at each phase change. */
  onProgress?: (progress: AdaggProgress) => void;
  /** Aborting stops the run's workers (kept for the next run); the promise rejects with a DOMException named AbortError. */
  signal?: AbortSignal;
  /** Parallel workers (default: navigator.hardwareConcurrency). */
  workers?: number;
  /** Forces the delimiter, encoding or columns instead of detecting them. */
  parse?: AdaggParseOptions;
  /** worker.js hosted elsewhere (same origin as the page); resolved against document.baseURI. */
  workerUrl?: string | URL;
  /** adagg_wasm.js, or adagg_bg.wasm (fetched: needs connect-src), hosted elsewhere. */
  wasmUrl?: string | URL;
  /** Keep the daily series: `result.daily`, `dailyCsv`, `rolling7dCsv`, `rolling28dCsv` (runs on the daily module, pkg-daily/). One file only. */
  daily?: boolean;
  /** Flag anomalous days (implies `daily`): `true` for |z| ≥ 3.5, or `{threshold}` as a decimal. */
  anomalies?: boolean | { threshold?: string | number };
  /** Budget hints (heuristics; implies `daily`): `true` for the defaults (spend ≥ 100.00 and conversions ≥ 10 in each window), or the minimums as text. */
  hints?: boolean | { minSpend?: string | number; minConversions?: string | number };
  /** Most (campaign, day) cells kept (default 2,000,000 in the browser: each cell is a row of three CSV files held by the tab; the CLI's default is 50,000,000); past it, the series of the top campaigns by spend only (the file is read again). */
  dailyLimit?: number;
  /** pkg-daily's adagg_wasm.js (or .wasm) hosted elsewhere, for runs with `daily` or `anomalies`. */
  dailyWasmUrl?: string | URL;
  /** A workbook's sheet to read (default: the first whose header names the fields). */
  sheet?: string;
  /** pkg-unpack's adagg_wasm.js (or .wasm) hosted elsewhere, loaded only for zip archives and workbooks. */
  unpackWasmUrl?: string | URL;
}

/** A series' sums per day (money in currency units, as numbers: for drawing; the CSVs are exact). */
export interface AdaggDailySums {
  impressions: number[];
  clicks: number[];
  spend: number[];
  conversions: number[];
  revenue: number[];
}

/** The daily series as `result.daily` carries it for charts. */
export interface AdaggDaily {
  /** Campaigns with a series. */
  campaigns: number;
  /** Days of all series together ((campaign, day) rows of daily.csv). */
  days: number;
  /** (campaign, day) cells with rows. */
  cells: number;
  /** Bytes the series' sums take in memory (as the CLI's summary states them). */
  bytes: number;
  /** The cell limit in force. */
  limit: number;
  /** Campaigns with a series before the limit left some out, or null. */
  leftOutOf: number | null;
  /** The campaigns kept when the cells outgrew the limit and the file was read again, or null. */
  readAgainFor: string[] | null;
  /** Every date from the first series' first to the last one's last (`YYYY-MM-DD`). */
  dates: string[];
  /** All campaigns' sums per date. */
  total: AdaggDailySums;
  /** The top campaigns by spend and those with the newest flags: their sums from `dates[offset]` on. */
  top: Array<{ campaignId: string; offset: number; sums: AdaggDailySums }>;
}

/** A flagged day (a row of anomalies.csv). */
export interface AdaggAnomaly {
  campaignId: string;
  /** `YYYY-MM-DD`. */
  date: string;
  metric: 'spend' | 'conversions' | 'CTR' | 'CPA';
  /** The day's value, its 28-day median and z, as anomalies.csv writes them. */
  value: string;
  median: string;
  z: string;
}

/**
 * Aggregates a CSV file in Web Workers, entirely in the browser.
 * Rejects with a DOMException named AbortError when `signal` aborts, and with
 * an {@link AdaggError} otherwise.
 */
export function aggregateFile(file: Blob, options?: AggregateOptions): Promise<AdaggResult>;

/** A platform a file can come from. */
export type AdaggPlatform = 'google_ads' | 'meta' | 'linkedin' | 'tiktok' | 'microsoft_ads' | 'generic';

/** Every {@link AdaggPlatform}, in the order results list them. */
export const PLATFORMS: readonly AdaggPlatform[];

/** One platform's totals over its files (`AdaggFilesResult.platforms`): sums and KPIs as text, keyed like `kpiColumns` (empty when undefined). */
export interface AdaggPlatformTotals {
  platform: AdaggPlatform;
  files: number;
  /** Rows aggregated from its files. */
  rows: number;
  /** Distinct campaigns on this platform. */
  campaigns: number;
  totalImpressions: string;
  totalClicks: string;
  totalSpend: string;
  totalConversions: string;
  totalRevenue: string;
  ctr: string;
  cpc: string;
  cpm: string;
  cvr: string;
  cpa: string;
  roas: string;
}

/** The result of several files (`aggregateFiles`): the files combined, plus per file and per platform. */
export interface AdaggFilesResult extends AdaggResult {
  /** Per file, in the order given: its name, platform and own summary (rows read, skipped, warnings). */
  files: Array<{ label: string; platform: AdaggPlatform; csvCell: string; summary: AdaggSummary }>;
  /** Per platform loaded: its totals. */
  platforms: AdaggPlatformTotals[];
  /** platform_totals.csv: `platform,files,rows,campaigns,total_impressions,...,ROAS`. */
  platformTotalsCsv: Blob;
}

export interface AggregateFilesOptions extends AggregateOptions {
  /** One campaign per campaign id whatever its platform (default: one per platform and id when several platforms are loaded). */
  mergePlatforms?: boolean;
}

/**
 * Aggregates several CSV files as one result, each with its platform
 * (given, or detected from its header or name). One progress over all
 * files; `rejectedCsv` has a `file` column first. An error's message
 * starts with the file's name.
 */
export function aggregateFiles(files: Array<Blob | { file: Blob; platform?: AdaggPlatform | null }>, options?: AggregateFilesOptions): Promise<AdaggFilesResult>;

/** The platform `aggregateFiles` would detect for `file` (its header, else its name). */
export function detectPlatform(file: Blob, options?: { parse?: AdaggParseOptions; workerUrl?: string | URL; wasmUrl?: string | URL }): Promise<AdaggPlatform>;

/** What normalizeFile resolves with. */
export interface AdaggNormalized {
  /** normalized.csv: `date,platform,campaign_id,campaign_name,impressions,clicks,spend,conversions,revenue`, one row per data row, in file order. */
  csv: Blob;
  /** Rows written. */
  rows: number;
  /** Rows skipped (the rows of rejected_rows.csv, and total rows). */
  skipped: number;
  /** The platform written in every row: detected from the header (`google_ads`, `meta`, `linkedin`, `tiktok`, `microsoft_ads`, `generic`) or `platform`. */
  platform: string;
}

/**
 * Writes normalized.csv of `file` in one worker, in one pass (flat memory).
 * Rejects like aggregateFile; with a DOMException named AbortError when `signal` aborts.
 */
export function normalizeFile(
  file: Blob,
  options?: {
    parse?: AdaggParseOptions;
    /** Overrides the detected platform. */
    platform?: string;
    signal?: AbortSignal;
    onProgress?: (progress: { bytesDone: number; totalBytes: number; rows: number }) => void;
    workerUrl?: string | URL;
    wasmUrl?: string | URL;
    /** A compiled module instead of wasmUrl's. */
    module?: WebAssembly.Module;
  },
): Promise<AdaggNormalized>;

/** Every campaign of a run, kept in a worker of its own: sort, filter and read it a page at a time. */
export interface AdaggCampaignList {
  /** Campaigns in the run. */
  readonly length: number;
  /** Rows shown after the filter. */
  readonly shown: number;
  /** Sorts by a column key of `kpiColumns` or `campaignName` (exact ratios; a KPI a campaign lacks sorts last); resolves with the rows shown. */
  sort(key: Exclude<keyof AdaggKpiRow, never>, descending: boolean): Promise<number>;
  /** Shows the campaigns whose id or name contains `text` (case-insensitive; '' for all); resolves with the rows shown. */
  filter(text: string): Promise<number>;
  /** Rows `from..from + count` shown, each its cells in `kpiColumns` order, then the name. */
  rows(from: number, count: number): Promise<string[][]>;
  /** all_campaigns.csv of the rows shown, in their order. */
  csv(): Promise<Blob>;
  /** Ends its worker. */
  close(): void;
}

/** Opens every campaign of `result` (of aggregateFile with `allCampaigns: true`) as an {@link AdaggCampaignList}. */
export function openCampaignList(result: AdaggResult): Promise<AdaggCampaignList>;

/**
 * Loads and compiles the WebAssembly module ahead of the first run (cached
 * per URL), then starts the workers in the background (kept for every run).
 */
export function preload(options?: { wasmUrl?: string | URL; workerUrl?: string | URL; workers?: number; daily?: boolean; dailyWasmUrl?: string | URL }): Promise<WebAssembly.Module>;

/**
 * Terminates the workers kept alive between runs; the next run starts new
 * ones (loading the worker scripts again).
 */
export function releaseWorkers(): void;

/** Worker counts, for diagnostics: kept `idle`, `busy`, `spawned`/`retired` so far, cancelled calls `stoppedEarly`. */
export function workerStats(): { idle: number; busy: number; spawned: number; retired: number; stoppedEarly: number };

/** `detail` of `adagg-progress`. */
export type AdaggProgressDetail = AdaggProgress;

/** `detail` of `adagg-error`. */
export interface AdaggErrorDetail {
  message: string;
  kind: AdaggErrorKind;
  /** kind 'columns' only. */
  missing?: string[];
  /** kind 'columns' only. */
  columns?: string[];
  /** kind 'columns' only: every field a column can be chosen for. */
  fields?: string[];
}

export interface AdAggregatorEventMap extends HTMLElementEventMap {
  'adagg-progress': CustomEvent<AdaggProgressDetail>;
  'adagg-done': CustomEvent<AdaggResult>;
  /** A click log was read (issue 17): its summary. The element shows the click view. */
  'adagg-clicks-done': CustomEvent<{ summary: AdaggClickSummary }>;
  'adagg-error': CustomEvent<AdaggErrorDetail>;
}

/**
 * `<ad-aggregator top="10" compact worker-url="…" wasm-url="…" workers="4">`.
 * Events (bubbling, composed): `adagg-progress`, `adagg-done`, `adagg-error`;
 * `adagg-clicks-done` when the file was a click log (attribute `clicks-wasm-url`:
 * pkg-clicks' adagg_wasm.js when not next to the package).
 */
export class AdAggregator extends HTMLElement {
  /** Attribute `top`: rows per ranking (default 10). */
  top: number;
  /** Boolean attribute `compact`. */
  compact: boolean;
  /** Attribute `rank` (e.g. `"roas cpa:asc"`), as a list; null for the standard tables. */
  rank: string[] | null;
  /** Attributes `min-impressions`, `min-clicks`, `min-conversions`, `min-spend`. */
  min: AdaggGuardrails;
  /** Boolean attribute `all-campaigns`. */
  allCampaigns: boolean;
  /** Boolean attribute `over-time`: daily series, windows, anomaly flags and charts (the daily module is loaded). */
  overTime: boolean;
  /** Attribute `anomaly-threshold` (default "3.5"). */
  anomalyThreshold: string;
  /** Attribute `daily-wasm-url`, or null for pkg-daily/adagg_wasm.js next to adagg.js. */
  dailyWasmUrl: string | null;
  /** Attribute `workers`: parallel workers, or null for the default. */
  workers: number | null;
  /** Attribute `worker-url`, or null for core/worker.js next to adagg.js. */
  workerUrl: string | null;
  /** Attribute `wasm-url`, or null for pkg/adagg_wasm.js next to the module. */
  wasmUrl: string | null;
  /** The last successful result, or null (also while a run is going). */
  readonly result: AdaggResult | null;
  /** True while a file is being aggregated. */
  readonly running: boolean;
  /**
   * Aggregates `file` and shows the result; a run already going is cancelled
   * first. Resolves like `adagg-done`; rejects (after `adagg-error`) like aggregateFile.
   */
  aggregate(file: Blob): Promise<AdaggResult>;
  /** Cancels the running aggregation, if any; its workers stop and are kept for the next run. */
  cancel(): void;

  addEventListener<K extends keyof AdAggregatorEventMap>(
    type: K,
    listener: (this: AdAggregator, ev: AdAggregatorEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof AdAggregatorEventMap>(
    type: K,
    listener: (this: AdAggregator, ev: AdAggregatorEventMap[K]) => unknown,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
}

declare global {
  interface HTMLElementTagNameMap {
    'ad-aggregator': AdAggregator;
  }
}

// ---------- Click logs (issue 17) ----------

/** A fraud rule's id. */
export type AdaggClickRule = 'ip_blocklist' | 'bot_user_agent' | 'ip_velocity' | 'user_velocity';

/** A window size. */
export type AdaggClickWindow = '1m' | '5m' | '1h';

/** Options of {@link aggregateClicks}. */
export interface AdaggClickOptions {
  /** IPs and CIDR ranges (IPv4/IPv6), one a line, `#` comments: turns `ip_blocklist` on. */
  blocklist?: string | Blob;
  /** Velocity rules flag a bucket with more than N clicks (default 5). */
  velocityMax?: number;
  /** Rules switched off. */
  rulesOff?: AdaggClickRule[];
  /** HLL lg_k, 4 to 21 (default 12). */
  lgK?: number;
  /** Distinct click ids kept for exactly-once counting (default 20,000,000). */
  idLimit?: number;
  /** Parallel workers, one range of the file each (default: navigator.hardwareConcurrency). */
  workers?: number;
  /** Ranges are not made smaller than this (default 16 MiB): fewer workers for a small file. */
  minRangeBytes?: number;
  /** Progress: each range is read twice, `totalBytes` is twice the file's size. */
  onProgress?: (p: AdaggProgress) => void;
  /** Cancels the run (rejects with an AbortError). */
  signal?: AbortSignal;
  /** The clicks module's adagg_wasm.js or .wasm, when not next to the package. */
  wasmUrl?: string | URL;
}

/** The stats query's answer (the seed's `GET /v1/stats`). */
export interface AdaggStatsAnswer {
  ad_id: string;
  window: AdaggClickWindow;
  data: { timestamp: number; click_count: number; unique_users: number }[];
}

/** A rule in the click summary. */
export interface AdaggClickRuleState {
  id: AdaggClickRule;
  on: boolean;
  /** Why it is off (`switched off`, `no IP column`, `no blocklist given`, …). */
  off_reason: string | null;
  flagged: number;
}

/** `click_summary.json`. */
export interface AdaggClickSummary {
  format: 'NDJSON' | 'CSV';
  encoding: string;
  rows: number;
  clicks: number;
  billable: number;
  duplicates: number;
  without_click_id: number;
  not_deduplicated: number;
  flagged: number;
  rejected: number;
  rejected_by_reason: { malformed: number; ad_id: number; timestamp: number; cost: number };
  rules: AdaggClickRuleState[];
  velocity_max: number;
  blocklist_entries: number;
  bot_list: string;
  timestamps: { unix_seconds: number; unix_milliseconds: number; iso8601: number; iso8601_without_zone: number };
  first_click: string | null;
  last_click: string | null;
  ads: number;
  windows: Record<AdaggClickWindow, number>;
  dedup_ids: number;
  dedup_set_bytes: number;
  dedup_limit: number;
  dedup_limit_reached: boolean;
  lg_k: number;
}

/** A click log's result; its worker holds the data until {@link AdaggClickResult.close}. */
export interface AdaggClickResult {
  summary: AdaggClickSummary;
  /** The summary as lines of text (as the CLI prints it). */
  summaryLines: string[];
  /** Every file, by name: clicks_1m.csv, clicks_5m.csv, clicks_1h.csv, top10_ads.csv, flagged_clicks.csv, rejected_rows.csv, user_sketches_1h.csv, click_summary.json. */
  files: Record<string, Blob>;
  /** Ad ids by billable clicks, most first (at most 1000). */
  ads: string[];
  /** First and last click, unix seconds. */
  span: [number, number];
  elapsedMs: number;
  /** Workers started, ranges read (one per worker used), and reruns as one range (a split inside a quoted CSV field). */
  timing: { workers: number; ranges: number; reruns: number; pass1Ms: number; settleMs: number; pass2Ms: number; finishMs: number };
  /** The stats query: start inclusive, end exclusive (unix seconds, milliseconds or ISO 8601); empty windows present with 0. */
  stats(query: { adId: string; window: AdaggClickWindow; start: number | string; end: number | string }): Promise<AdaggStatsAnswer>;
  /** One ad's windows with clicks, for a chart. */
  series(adId: string, window: AdaggClickWindow): Promise<{ starts: Float64Array; clicks: Float64Array; duplicates: Float64Array; flagged: Float64Array }>;
  /** Ends the worker that holds the result. */
  close(): void;
}

/** Reads a click log (NDJSON or CSV) in a worker of its own; nothing leaves the browser. */
export function aggregateClicks(file: Blob, options?: AdaggClickOptions): Promise<AdaggClickResult>;

/** `{format, encoding}` when `file` is a click log, else null. */
export function detectClickLog(file: Blob, options?: { wasmUrl?: string | URL }): Promise<{ format: 'NDJSON' | 'CSV'; encoding: string } | null>;
