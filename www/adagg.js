// adagg's public module entry for portals.
//
//   <script type="module" src="/tools/adagg/www/adagg.js"></script>   defines <ad-aggregator>
//   import { aggregateFile } from '/tools/adagg/www/adagg.js';          your own UI
//
// Loading it defines the <ad-aggregator> element (once: loading it again, or
// a second copy, is a no-op) and adds no other global name. Types: adagg.d.ts.
// Guide: README.md, section "Embedding". The parts: core/ (no DOM: the wasm
// loader, the workers, aggregateFile), ui/ (views shared with the page),
// widget/ (the element).
export { AdAggregator } from './widget/ad-aggregator.js';
export { aggregateFile, aggregateFiles, detectPlatform, PLATFORMS, preload } from './core/run.js';
export { openCampaignList } from './core/list.js';
export { normalizeFile } from './core/normalize.js';
export { aggregateClicks, detectClickLog } from './core/clicks.js';
export { releaseWorkers, workerStats } from './core/pool.js';
