// A portal page with both ways of using adagg: the <ad-aggregator> widget in
// JSX (typed by 'adagg/react') and aggregateFile() behind the page's own UI.
import { useRef, useState } from 'react';
import 'adagg'; // defines <ad-aggregator>
import 'adagg/react'; // JSX types for <ad-aggregator> (no code)
import { aggregateFile, type AdAggregator, type AdaggErrorDetail, type AdaggProgressDetail, type AdaggResult } from 'adagg';

type Outcome = { state: 'idle' | 'running' } | { state: 'done'; result: AdaggResult } | { state: 'error'; name: string; kind: string; message: string };

/** The last outcome, and how many runs ended so far (the tests wait for the count to grow). */
function useOutcome() {
  const [{ outcome, ended }, set] = useState<{ outcome: Outcome; ended: number }>({ outcome: { state: 'idle' }, ended: 0 });
  const report = (outcome: Outcome) =>
    set((prev) => ({ outcome, ended: outcome.state === 'done' || outcome.state === 'error' ? prev.ended + 1 : prev.ended }));
  return [outcome, ended, report] as const;
}

function Widget() {
  const ref = useRef<AdAggregator>(null);
  const [outcome, ended, setOutcome] = useOutcome();
  const onProgress = (event: CustomEvent<AdaggProgressDetail>) => {
    if (event.detail.phase === 'start') setOutcome({ state: 'running' });
  };
  const onDone = (event: CustomEvent<AdaggResult>) => setOutcome({ state: 'done', result: event.detail });
  const onError = (event: CustomEvent<AdaggErrorDetail>) =>
    setOutcome({ state: 'error', name: 'adagg-error', kind: event.detail.kind, message: event.detail.message });
  return (
    <section>
      <h2>Widget</h2>
      <ad-aggregator id="widget" ref={ref} top={10} workers={2} onadagg-progress={onProgress} onadagg-done={onDone} onadagg-error={onError}>
        <span slot="title">Campaigns (widget)</span>
      </ad-aggregator>
      <button id="widget-cancel" type="button" onClick={() => ref.current?.cancel()}>
        Cancel from the page
      </button>
      <Report id="widget" outcome={outcome} ended={ended} />
    </section>
  );
}

function OwnUi() {
  const input = useRef<HTMLInputElement>(null);
  const controller = useRef<AbortController | null>(null);
  const [outcome, ended, setOutcome] = useOutcome();
  const [progress, setProgress] = useState(0);

  async function run() {
    const file = input.current?.files?.[0];
    if (!file) return;
    controller.current?.abort();
    const own = new AbortController();
    controller.current = own;
    setOutcome({ state: 'running' });
    setProgress(0);
    try {
      const result = await aggregateFile(file, {
        top: 10,
        workers: 2,
        signal: own.signal,
        onProgress: ({ bytesDone, totalBytes }) => setProgress(totalBytes ? bytesDone / totalBytes : 1),
      });
      setOutcome({ state: 'done', result });
    } catch (err) {
      const e = err as Error & { kind?: string };
      setOutcome({ state: 'error', name: e.name, kind: e.kind ?? '', message: e.message });
    }
  }

  return (
    <section>
      <h2>Own UI</h2>
      <input id="own-file" ref={input} type="file" accept=".csv,text/csv" />
      <button id="own-run" type="button" onClick={run}>
        Aggregate
      </button>
      <button id="own-cancel" type="button" onClick={() => controller.current?.abort()}>
        Cancel
      </button>
      <progress id="own-progress" value={progress} max={1} />
      <Report id="own" outcome={outcome} ended={ended} />
    </section>
  );
}

function Report({ id, outcome, ended }: { id: string; outcome: Outcome; ended: number }) {
  return (
    <div className="report">
      <output id={`${id}-state`} data-ended={ended}>
        {outcome.state}
      </output>
      {outcome.state === 'done' && (
        <>
          <p id={`${id}-rows`}>{outcome.result.summary.rowsRead} rows</p>
          <pre id={`${id}-ctr`}>{outcome.result.ctrCsv}</pre>
          <pre id={`${id}-cpa`}>{outcome.result.cpaCsv}</pre>
        </>
      )}
      {outcome.state === 'error' && (
        <p id={`${id}-error`} data-name={outcome.name} data-kind={outcome.kind}>
          {outcome.message}
        </p>
      )}
    </div>
  );
}

export function App() {
  return (
    <main>
      <h1>Portal (Vite + React)</h1>
      <Widget />
      <OwnUi />
    </main>
  );
}
