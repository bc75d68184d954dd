// Which of the two WebAssembly modules a compiled module is (issue 16):
// www/pkg/ (the default) or www/pkg-daily/ (the same plus the daily series,
// windows and anomalies). Each has its own wasm-bindgen JS glue; a worker
// must load the glue of the module it is given.

/** An export only the daily module has (src/wasm/daily.rs). */
export const DAILY_EXPORT = 'dailyModule';

/**
 * Whether `module` is the daily one.
 * @param {WebAssembly.Module} module
 */
export function isDailyModule(module) {
  return WebAssembly.Module.exports(module).some((e) => e.name === DAILY_EXPORT);
}
