// React JSX types for <ad-aggregator> (React 19, which sets a custom
// element's known properties as properties and listens for its events
// through `on<event-name>` props). In a TypeScript portal:
//
//   import 'adagg';         // defines <ad-aggregator>
//   import 'adagg/react';   // these types (the module itself is empty)
//
//   <ad-aggregator top={5} compact worker-url={…}
//     onadagg-done={(e) => setResult(e.detail)}
//     onadagg-error={(e) => console.warn(e.detail.kind, e.detail.message)} />
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type { AdAggregator, AdaggErrorDetail, AdaggProgressDetail, AdaggResult } from './adagg.js';

/** The props of `<ad-aggregator>` in JSX. */
export interface AdAggregatorProps extends DetailedHTMLProps<HTMLAttributes<AdAggregator>, AdAggregator> {
  /** Rows per ranking (default 10). */
  top?: number;
  /** The rankings, e.g. `"roas cpa:asc"` (default: CTR and lowest CPA). */
  rank?: string;
  /** Guardrail: minimum impressions for a campaign to be ranked. */
  'min-impressions'?: number | string;
  /** Guardrail: minimum clicks. */
  'min-clicks'?: number | string;
  /** Guardrail: minimum conversions. */
  'min-conversions'?: number | string;
  /** Guardrail: minimum spend (a decimal). */
  'min-spend'?: number | string;
  /** Also every campaign with every KPI (all_campaigns.csv). */
  'all-campaigns'?: boolean;
  /** A denser layout. */
  compact?: boolean;
  /** Parallel workers (default: the logical cores). */
  workers?: number;
  /** The worker script, when it is not the one bundled with adagg. */
  'worker-url'?: string;
  /** The WebAssembly module (adagg_wasm.js or adagg_bg.wasm), when it is not the one bundled with adagg. */
  'wasm-url'?: string;
  /** Progress of a run (throttled). */
  'onadagg-progress'?: (event: CustomEvent<AdaggProgressDetail>) => void;
  /** A run finished: `event.detail` is the result. */
  'onadagg-done'?: (event: CustomEvent<AdaggResult>) => void;
  /** A run (or loading adagg) failed, or was cancelled (`kind: 'abort'`). */
  'onadagg-error'?: (event: CustomEvent<AdaggErrorDetail>) => void;
}

declare module 'react' {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements {
      'ad-aggregator': AdAggregatorProps;
    }
  }
}
