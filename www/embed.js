// The example portal's own code (embed.html): what a portal developer writes.
// It listens to the widgets' events and runs aggregateFile() for its own UI.
import { aggregateFile } from './adagg.js';

const $ = (id) => document.getElementById(id);

// ---------- the widgets' events ----------

const log = $('event-log');
function logLine(text) {
  const li = document.createElement('li');
  li.textContent = `${new Date().toLocaleTimeString()} · ${text}`; // text only: campaign ids are user data
  log.prepend(li);
  while (log.children.length > 20) log.lastElementChild.remove();
}

// The events bubble out of the shadow DOM, so one listener serves every widget.
document.addEventListener('adagg-done', (e) => {
  const { summary, ctr } = e.detail;
  const best = ctr[0] ? `best CTR ${ctr[0].campaignId} (${ctr[0].ctr})` : 'no campaign qualifies';
  logLine(`#${e.target.id}: done, ${summary.rowsRead} rows, ${summary.campaigns} campaigns, ${best}`);
});
document.addEventListener('adagg-error', (e) => {
  logLine(`#${e.target.id}: ${e.detail.kind}: ${e.detail.message}`);
});

// ---------- own UI with aggregateFile() ----------

const input = $('api-file');
const topInput = $('api-top');
const cancel = $('api-cancel');
const progress = $('api-progress');
const status = $('api-status');
const table = $('api-table');
let controller = null;

input.addEventListener('change', async () => {
  const file = input.files?.[0];
  if (!file) return;
  controller?.abort();
  controller = new AbortController();
  const mine = controller;
  cancel.disabled = false;
  table.hidden = true;
  status.textContent = `Processing ${file.name}…`;
  try {
    const top = Math.min(100, Math.max(1, Math.floor(Number(topInput.value)) || 3));
    const result = await aggregateFile(file, {
      top,
      signal: mine.signal,
      onProgress: ({ bytes, total }) => {
        progress.value = total > 0 ? bytes / total : 1;
      },
    });
    const { summary } = result;
    status.textContent = `${file.name}: ${summary.rowsRead} rows read, ${summary.rowsSkipped} skipped, ${summary.campaigns} campaigns.`;
    const rows = result.ctr.map((r) => {
      const tr = document.createElement('tr');
      for (const v of [r.campaignId, r.totalClicks, r.totalImpressions, r.ctr]) {
        const td = document.createElement('td');
        td.textContent = v;
        tr.append(td);
      }
      return tr;
    });
    table.tBodies[0].replaceChildren(...rows);
    table.hidden = false;
  } catch (err) {
    status.textContent = err.name === 'AbortError' ? 'Cancelled.' : `Error (${err.kind ?? 'error'}): ${err.message}`;
  } finally {
    if (controller === mine) {
      controller = null;
      cancel.disabled = true;
      input.value = '';
    }
  }
});
cancel.addEventListener('click', () => controller?.abort());
