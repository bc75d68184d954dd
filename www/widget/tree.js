// The widget's shadow tree: built once per element with h(), no HTML
// strings, every id scoped to the shadow root. The element
// (ad-aggregator.js) wires it; the ranking panels are added per result.
import { h } from '../ui/dom.js';

/**
 * The widget's DOM: `root` (the <section> to append to the shadow root) and
 * `els`, its parts by name (file, dropzone, progress, progressText, cancel,
 * live, error, notice, mapping form, results, stats, rankings...).
 * @returns {{root: HTMLElement, els: Record<string, HTMLElement>}}
 */
export function buildTree() {
  const id = (name) => name; // ids are scoped to this shadow root
  const els = {};
  const ref = (name, node) => ((els[name] = node), node);

  ref('file', h('input', { type: 'file', id: id('file'), className: 'file-input', accept: '.csv,.tsv,.txt,text/csv,text/plain,.gz,.zip,.xlsx,.xlsm,.xls,.ods,application/gzip,application/zip,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,application/vnd.ms-excel,application/vnd.oasis.opendocument.spreadsheet', 'aria-describedby': 'file-hint' }));
  const dropLabel = h('label', { for: 'file', className: 'drop-label' }, [
    h('span', { className: 'drop-icon', 'aria-hidden': 'true' }),
    h('span', { className: 'drop-main' }, [h('span', { className: 'link-like', text: 'Choose a CSV file' }), ' or drop it here']),
    h('span', {
      className: 'drop-sub',
      id: 'file-hint',
      text: 'Columns: campaign_id, date, impressions, clicks, spend, conversions. Files of several GB are fine.',
    }),
  ]);
  ref('dropzone', h('div', { className: 'dropzone' }, [els.file, dropLabel]));

  ref('progressFile', h('span', { className: 'file-name' }));
  ref('cancel', h('button', { type: 'button', className: 'button secondary', text: 'Cancel' }));
  ref('progress', h('progress', { max: '1000', value: '0', 'aria-labelledby': 'progress-title' }));
  ref('progressText', h('p', { className: 'progress-text' }));
  ref('progressBox', h('div', { className: 'progress-box', hidden: true }, [
    h('div', { className: 'progress-head' }, [
      h('p', { className: 'progress-title', id: 'progress-title' }, ['Processing ', els.progressFile]),
      els.cancel,
    ]),
    els.progress,
    els.progressText,
  ]));
  // Screen readers: phase changes, each quarter of the file, the outcome.
  ref('live', h('p', { className: 'sr-only', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' }));

  ref('errorTitle', h('p', { className: 'alert-title' }));
  ref('errorText', h('p'));
  ref('error', h('div', { className: 'alert', role: 'alert', hidden: true }, [els.errorTitle, els.errorText]));
  ref('notice', h('div', { className: 'notice', hidden: true }));

  ref('mappingText', h('p'));
  ref('mappingFields', h('div', { className: 'mapping-grid' }));
  ref('mappingForm', h('form', { className: 'mapping', hidden: true, 'aria-labelledby': 'mapping-title' }, [
    h('p', { className: 'progress-title', id: 'mapping-title', text: 'Which column holds what?' }),
    els.mappingText,
    els.mappingFields,
    h('button', { type: 'submit', className: 'button', text: 'Run with these columns' }),
  ]));

  ref('resultFile', h('span', { className: 'file-name' }));
  ref('resultsTitle', h('h3', { className: 'results-title', id: 'results-title', tabindex: '-1' }, ['Results for ', els.resultFile]));
  ref('stats', h('dl', { className: 'stats' }));
  ref('mappingUsed', h('span'));
  ref('skippedReasons', h('tbody'));
  ref('skippedList', h('ol', { className: 'skipped-list' }));
  ref('skipped', h('details', { className: 'skipped', hidden: true }, [
    h('summary', { text: 'Skipped rows' }),
    h('div', { className: 'skipped-body' }, [
      h('div', {}, [
        h('h4', { id: 'reasons-title', text: 'By reason' }),
        h('div', { className: 'table-wrap' }, [
          h('table', { className: 'small', 'aria-labelledby': 'reasons-title' }, [
            h('thead', {}, [h('tr', {}, [h('th', { scope: 'col', text: 'Reason' }), h('th', { scope: 'col', className: 'num', text: 'Rows' })])]),
            els.skippedReasons,
          ]),
        ]),
      ]),
      h('div', {}, [h('h4', { text: 'First skipped rows' }), els.skippedList]),
    ]),
  ]));
  ref('qualityChecks', h('tbody'));
  ref('qualityList', h('ol', { className: 'skipped-list' }));
  ref('qualityNotes', h('p', { className: 'mapping-used' }));
  ref('quality', h('details', { className: 'skipped quality', hidden: true }, [
    h('summary', { text: 'Data-quality warnings (rows kept)' }),
    h('div', { className: 'skipped-body' }, [
      h('div', {}, [
        h('h4', { id: 'checks-title', text: 'By check' }),
        h('div', { className: 'table-wrap' }, [
          h('table', { className: 'small', 'aria-labelledby': 'checks-title' }, [
            h('thead', {}, [h('tr', {}, [h('th', { scope: 'col', text: 'Check' }), h('th', { scope: 'col', className: 'num', text: 'Rows' })])]),
            els.qualityChecks,
          ]),
        ]),
      ]),
      h('div', {}, [h('h4', { text: 'First rows with a warning' }), els.qualityList, els.qualityNotes]),
    ]),
  ]));

  // One panel per metric, made when a result arrives (#renderResult).
  ref('rankings', h('div', { className: 'rankings' }));
  ref('results', h('div', { className: 'results', hidden: true, role: 'region', 'aria-labelledby': 'results-title' }, [
    els.resultsTitle,
    els.stats,
    h('p', { className: 'mapping-used' }, ['Columns used: ', els.mappingUsed]),
    els.skipped,
    els.quality,
    els.rankings,
  ]));

  const titleSlot = h('slot', { name: 'title', text: 'Ad performance: top campaigns' });
  const root = h('section', { className: 'root', 'aria-labelledby': 'title' }, [
    h('div', { className: 'head' }, [
      h('h2', { className: 'title', id: 'title' }, [h('span', { className: 'logo', 'aria-hidden': 'true' }), titleSlot]),
      h('p', { className: 'tagline', text: 'Top campaigns by click-through rate and cost per acquisition. The file is processed in this browser and never uploaded.' }),
    ]),
    els.dropzone,
    els.progressBox,
    els.live,
    els.error,
    els.notice,
    els.mappingForm,
    els.results,
    ref('clicks', h('div', { className: 'clicks-results', hidden: true, role: 'region', 'aria-label': 'Click log results' })),
  ]);
  return { root, els };
}
