// Compile-only: <ad-aggregator> in React JSX with adagg/react's types
// (`npm run typecheck`, strict). A wrong prop or handler type fails.
import 'adagg';
import 'adagg/react';
import type { AdaggResult, AdaggErrorDetail } from 'adagg';

export function Portal({ onResult }: { onResult: (r: AdaggResult) => void }) {
  const onError = (e: CustomEvent<AdaggErrorDetail>) => {
    if (e.detail.kind !== 'abort') console.warn(e.detail.kind, e.detail.message);
  };
  return (
    <ad-aggregator
      top={5}
      compact
      workers={2}
      worker-url="/static/adagg/worker.js"
      onadagg-done={(e) => onResult(e.detail)}
      onadagg-error={onError}
      onadagg-progress={(e) => {
        const fraction: number = e.detail.totalBytes > 0 ? e.detail.bytesDone / e.detail.totalBytes : 1;
        void fraction;
      }}
    />
  );
}

export function Wrong() {
  return (
    <>
      {/* @ts-expect-error top is a number */}
      <ad-aggregator top="ten" />
      {/* @ts-expect-error the done event carries an AdaggResult, not a string */}
      <ad-aggregator onadagg-done={(e: CustomEvent<string>) => e.detail.toUpperCase()} />
      {/* @ts-expect-error no such property (hyphenated names are not checked by TypeScript) */}
      <ad-aggregator wasmPath="x" />
    </>
  );
}
