// The element module at its first path (package.json exports
// "./ad-aggregator.js"): the element is widget/ad-aggregator.js; the same
// exports as adagg.js.
export { AdAggregator } from './widget/ad-aggregator.js';
export { aggregateFile, preload } from './core/run.js';
export { releaseWorkers, workerStats } from './core/pool.js';
