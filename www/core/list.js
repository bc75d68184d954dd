// The all-campaigns table's data: every campaign of a run, kept in one of
// the pool's workers (a CampaignList in its wasm instance) while the table
// is open, so that sorting and filtering a million campaigns never block
// the page's main thread; only the rows on screen cross over.
import { withKind } from './errors.js';
import { poolFor } from './pool.js';

/** result -> {plan, merged, workerUrl, module}: what a list is opened from (run.js: the run's compiled module and worker URL, or null). */
const sources = new WeakMap();

/**
 * Records what `openCampaignList(result)` needs (called by run.js for a
 * run with `allCampaigns`): the plan, the merged campaigns' bytes, and
 * the worker and module the run used.
 */
export function keepListSource(result, source) {
  sources.set(result, source);
}

/**
 * Opens every campaign of `result` (a result of `aggregateFile` with
 * `allCampaigns: true`) as a table to sort, filter and page through in a
 * worker. Call `close()` when the table goes away.
 * @param {object} result
 * @returns {Promise<{length: number, shown: number,
 *   sort(key: string, descending: boolean): Promise<number>,
 *   filter(text: string): Promise<number>,
 *   rows(from: number, count: number): Promise<string[][]>,
 *   csv(): Promise<Blob>, close(): void}>}
 */
export async function openCampaignList(result) {
  const source = sources.get(result);
  if (!source) {
    throw withKind(new TypeError('openCampaignList: the result has no campaign list (run aggregateFile with allCampaigns: true).'), 'input');
  }
  // One of the pool's workers (started at page load: opening a list loads
  // nothing), kept out of the pool until close().
  const shared = poolFor(source.module, source.workerUrl);
  const [worker] = await shared.take(1);
  let handle;
  let length;
  try {
    ({ handle, length } = await worker.call({ type: 'list-open', plan: source.plan, merged: source.merged }));
  } catch (err) {
    shared.give(worker);
    throw err;
  }
  let closed = false;
  let shown = length;
  return {
    length,
    get shown() {
      return shown;
    },
    /** Sorts by a column key (`totalSpend`, `cpm`, `campaignName`…); resolves with the rows shown. */
    async sort(key, descending) {
      shown = await worker.call({ type: 'list-sort', handle, key, descending: Boolean(descending) });
      return shown;
    },
    /** Shows only the campaigns whose id or name contains `text`; resolves with the rows shown. */
    async filter(text) {
      shown = await worker.call({ type: 'list-filter', handle, text: String(text ?? '') });
      return shown;
    },
    /** Rows `from..from + count` shown, each its cells: the KPI columns, then the name. */
    rows(from, count) {
      return worker.call({ type: 'list-rows', handle, from, count });
    },
    /** all_campaigns.csv of the rows shown, in their order. */
    csv() {
      return worker.call({ type: 'list-csv', handle });
    },
    /** Frees the list and gives its worker back to the pool. */
    close() {
      if (closed) return;
      closed = true;
      const freed = worker.call({ type: 'list-close', handle }).catch(() => {});
      shared.give(worker, freed);
    },
  };
}
