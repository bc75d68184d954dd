// The core's first entry point, kept for the pages and scripts that import
// it (bench/, older integrations): the coordinator is core/. `preload` here
// only compiles the module (the page calls warmUp itself); adagg.js's
// `preload` also starts the workers.
export { aggregateFile } from './core/run.js';
export { loadModule as preload } from './core/module.js';
export { releaseWorkers, warmUp, workerStats } from './core/pool.js';
