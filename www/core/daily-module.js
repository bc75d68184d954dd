// Which of the two WebAssembly modules a compiled module is (issue 16):
// www/pkg/ (the default) or www/pkg-daily/ (the same plus the daily series,
// windows and anomalies). Each has its own wasm-bindgen JS glue; a worker
// must load the glue of the module it is given. Also: the result keys the
// daily module adds, for the worker (Blobs) and run.js (a second read).

/** The result keys a run with the daily series adds (src/wasm/daily.rs); a second read replaces them together. */
export const DAILY_RESULT_KEYS = ['daily', 'dailyCsv', 'rolling7dCsv', 'rolling28dCsv', 'anomalies', 'anomaliesCsv', 'budgetHints', 'budgetHintsCsv'];

/** Those that are CSV bytes (Blobs once out of the worker). */
export const DAILY_CSV_KEYS = DAILY_RESULT_KEYS.filter((k) => k.endsWith('Csv'));

/** An export only the daily module has (src/wasm/daily.rs). */
export const DAILY_EXPORT = 'dailyModule';

/**
 * Whether `module` is the daily one.
 * @param {WebAssembly.Module} module
 */
export function isDailyModule(module) {
  return WebAssembly.Module.exports(module).some((e) => e.name === DAILY_EXPORT);
}
