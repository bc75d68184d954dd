// A portal page with both ways of using adagg: the <ad-aggregator> widget
// (in index.html) and aggregateFile() behind the page's own UI.
import { aggregateFile } from 'adagg'; // also defines <ad-aggregator>

const $ = (id) => document.getElementById(id);

function report(id, outcome) {
  const state = $(`${id}-state`);
  state.textContent = outcome.state;
  // How many runs ended so far (the tests wait for it to grow).
  if (outcome.state === 'done' || outcome.state === 'error') state.dataset.ended = Number(state.dataset.ended) + 1;
  $(`${id}-ctr`).textContent = outcome.result?.ctrCsv ?? '';
  $(`${id}-cpa`).textContent = outcome.result?.cpaCsv ?? '';
  const error = $(`${id}-error`);
  error.textContent = outcome.message ?? '';
  error.dataset.name = outcome.name ?? '';
  error.dataset.kind = outcome.kind ?? '';
}

// The widget.
const widget = $('widget');
widget.addEventListener('adagg-progress', (event) => {
  if (event.detail.phase === 'start') report('widget', { state: 'running' });
});
widget.addEventListener('adagg-done', (event) => report('widget', { state: 'done', result: event.detail }));
widget.addEventListener('adagg-error', (event) =>
  report('widget', { state: 'error', name: 'adagg-error', kind: event.detail.kind, message: event.detail.message }),
);
$('widget-cancel').addEventListener('click', () => widget.cancel());

// The page's own UI.
let controller = null;
$('own-run').addEventListener('click', async () => {
  const file = $('own-file').files[0];
  if (!file) return;
  controller?.abort();
  const own = new AbortController();
  controller = own;
  report('own', { state: 'running' });
  try {
    const result = await aggregateFile(file, {
      top: 10,
      workers: 2,
      signal: own.signal,
      onProgress: ({ bytesDone, totalBytes }) => ($('own-progress').value = totalBytes ? bytesDone / totalBytes : 1),
    });
    report('own', { state: 'done', result });
  } catch (err) {
    report('own', { state: 'error', name: err.name, kind: err.kind ?? '', message: err.message });
  }
});
$('own-cancel').addEventListener('click', () => controller?.abort());
