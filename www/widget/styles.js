// The widget's look: one constructed stylesheet shared by every
// <ad-aggregator> (no <style> element, no inline style attribute, so a
// strict `style-src 'self'` CSP is fine). Themed with the --adagg-*
// custom properties (README, "Look").

const CSS = `
:host { all: initial; display: block; color-scheme: inherit; }
:host([hidden]) { display: none; }
[hidden] { display: none !important; }
*, *::before, *::after { box-sizing: border-box; }

.root {
  --_accent: var(--adagg-accent, light-dark(#2457d6, #6f9bff));
  --_accent-hover: var(--adagg-accent-hover, light-dark(#1b45b0, #94b5ff));
  --_accent-soft: var(--adagg-accent-soft, light-dark(#e9effd, #1c2940));
  --_on-accent: var(--adagg-on-accent, light-dark(#ffffff, #0f141c));
  --_bg: var(--adagg-bg, light-dark(#f5f7fb, #0f141c));
  --_surface: var(--adagg-surface, light-dark(#ffffff, #171e29));
  --_text: var(--adagg-text, light-dark(#17202e, #e6eaf2));
  --_muted: var(--adagg-muted, light-dark(#5b6578, #9aa5b8));
  --_border: var(--adagg-border, light-dark(#dfe4ee, #2a3342));
  --_warn: var(--adagg-warn, light-dark(#a35b00, #f0b35a));
  --_warn-soft: var(--adagg-warn-soft, light-dark(#fff4e3, #2e2414));
  --_danger: var(--adagg-danger, light-dark(#b3261e, #ff8a80));
  --_danger-soft: var(--adagg-danger-soft, light-dark(#fdecea, #3a1b1a));
  --_row-alt: var(--adagg-row-alt, light-dark(#f8fafd, #1b2330));
  --_focus: var(--adagg-focus, var(--_accent));
  --_radius: var(--adagg-radius, 10px);
  --_mono: var(--adagg-font-mono, ui-monospace, "SFMono-Regular", "Cascadia Mono", "DejaVu Sans Mono", Menlo, Consolas, monospace);
  display: block;
  container-type: inline-size;
  margin: 0;
  padding: var(--adagg-padding, 20px 22px);
  background: var(--_surface);
  color: var(--_text);
  border: var(--adagg-border-width, 1px) solid var(--_border);
  border-radius: var(--_radius);
  box-shadow: var(--adagg-shadow, 0 1px 2px rgb(16 24 40 / 6%), 0 1px 3px rgb(16 24 40 / 8%));
  font-family: var(--adagg-font, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif);
  font-size: var(--adagg-font-size, 15px);
  font-weight: 400; font-style: normal; font-variant: normal; line-height: 1.5;
  letter-spacing: normal; word-spacing: normal; text-transform: none; text-align: start;
  text-indent: 0; text-shadow: none; white-space: normal; visibility: visible; cursor: auto;
  -webkit-text-size-adjust: 100%;
}

h2, h3, h4, p { margin: 0; line-height: 1.25; }
p { line-height: 1.5; }
:focus-visible { outline: 3px solid var(--_focus); outline-offset: 2px; }
.sr-only { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; border: 0; overflow: hidden; clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap; }

.head { margin-bottom: 14px; }
.title { font-size: 1.1em; font-weight: 600; display: flex; align-items: center; gap: 8px; }
.logo { width: 20px; height: 20px; border-radius: 5px; background: var(--_accent); flex: none; position: relative; }
.logo::after { content: ""; position: absolute; left: 5px; right: 5px; bottom: 5px; height: 8px; border-left: 3px solid var(--_on-accent); border-right: 3px solid var(--_on-accent); }
.tagline { margin-top: 4px; color: var(--_muted); font-size: 0.92em; max-width: 70ch; }

/* drop zone */
.dropzone { position: relative; }
.file-input { position: absolute; width: 1px; height: 1px; opacity: 0; overflow: hidden; }
.drop-label {
  display: flex; flex-direction: column; align-items: center; gap: 6px; text-align: center;
  padding: 28px 18px; border: 2px dashed var(--_border); border-radius: var(--_radius);
  background: var(--_bg); cursor: pointer; transition: border-color 0.15s, background-color 0.15s;
}
.drop-label:hover, .dropzone.dragover .drop-label { border-color: var(--_accent); background: var(--_accent-soft); }
.file-input:focus-visible + .drop-label { outline: 3px solid var(--_focus); outline-offset: 2px; border-color: var(--_accent); }
.dropzone.disabled .drop-label { opacity: 0.55; cursor: not-allowed; }
.drop-icon { width: 36px; height: 36px; border-radius: 50%; background: var(--_accent-soft); position: relative; margin-bottom: 2px; flex: none; }
.drop-icon::before { content: ""; position: absolute; left: 50%; top: 10px; width: 11px; height: 11px; margin-left: -5.5px; border-left: 2.5px solid var(--_accent); border-top: 2.5px solid var(--_accent); transform: rotate(45deg); }
.drop-icon::after { content: ""; position: absolute; left: 50%; top: 12px; width: 2.5px; height: 14px; margin-left: -1.25px; background: var(--_accent); }
.drop-main { font-size: 1.05em; font-weight: 500; }
.link-like { color: var(--_accent); text-decoration: underline; text-underline-offset: 3px; }
.drop-sub { color: var(--_muted); font-size: 0.88em; }

/* buttons */
.button {
  display: inline-flex; align-items: center; gap: 6px; padding: 6px 13px; border-radius: 7px; margin: 0;
  font: inherit; font-size: 0.9em; font-weight: 500; line-height: 1.4; text-decoration: none; cursor: pointer;
  background: var(--_accent); color: var(--_on-accent); border: 1px solid var(--_accent);
}
.button:hover { background: var(--_accent-hover); border-color: var(--_accent-hover); }
.button.secondary { background: var(--_surface); color: var(--_text); border-color: var(--_border); }
.button.secondary:hover { background: var(--_bg); }
a.button::before { content: ""; width: 10px; height: 10px; border: 2px solid currentColor; border-top: 0; border-radius: 0 0 2px 2px; }

/* progress */
.progress-box { margin-top: 16px; }
.progress-head { display: flex; align-items: center; justify-content: space-between; gap: 12px; flex-wrap: wrap; margin-bottom: 10px; }
.progress-title { font-weight: 600; }
progress { display: block; width: 100%; height: 12px; appearance: none; border: 0; border-radius: 6px; background: var(--_accent-soft); overflow: hidden; }
progress::-webkit-progress-bar { background: var(--_accent-soft); border-radius: 6px; }
progress::-webkit-progress-value { background: var(--_accent); border-radius: 6px; }
progress::-moz-progress-bar { background: var(--_accent); border-radius: 6px; }
.progress-text { margin-top: 8px; color: var(--_muted); font-variant-numeric: tabular-nums; font-size: 0.92em; }

/* messages */
.alert { margin-top: 16px; border: 1px solid var(--_danger); background: var(--_danger-soft); border-radius: var(--_radius); padding: 12px 16px; }
.alert-title { font-weight: 600; color: var(--_danger); margin-bottom: 4px; }
.alert p { overflow-wrap: anywhere; }
.notice { white-space: pre-line; margin-top: 16px; border: 1px solid var(--_border); background: var(--_bg); border-radius: var(--_radius); padding: 10px 16px; color: var(--_muted); overflow-wrap: anywhere; }

/* column mapping */
.mapping { margin-top: 16px; }
.mapping .progress-title { margin-bottom: 4px; }
.mapping-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(11em, 1fr)); gap: 10px 14px; margin: 12px 0; }
.mapping-field { display: flex; flex-direction: column; gap: 4px; }
.mapping-field label { font-family: var(--_mono); font-size: 0.88em; }
select { font: inherit; font-size: 0.92em; color: var(--_text); background: var(--_surface); border: 1px solid var(--_border); border-radius: 6px; padding: 5px 8px; max-width: 100%; }

/* results */
.results { margin-top: 18px; }
.results-title { font-size: 1.05em; font-weight: 600; margin-bottom: 12px; }
.results-title:focus { outline: none; }
.results-title:focus-visible { outline: 3px solid var(--_focus); outline-offset: 2px; }
.file-name { font-family: var(--_mono); font-weight: 500; font-size: 0.95em; overflow-wrap: anywhere; }
.stats { display: grid; grid-template-columns: repeat(auto-fill, minmax(135px, 1fr)); gap: 8px; margin: 0; }
.stat { border: 1px solid var(--_border); border-radius: 8px; padding: 8px 11px; background: var(--_bg); min-width: 0; }
.stat dt { font-size: 0.75em; color: var(--_muted); text-transform: uppercase; letter-spacing: 0.04em; }
.stat dd { margin: 2px 0 0; font-size: 1.12em; font-weight: 600; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
.stat.warn { border-color: color-mix(in srgb, var(--_warn) 45%, var(--_border)); background: var(--_warn-soft); }
.stat.warn dd { color: var(--_warn); }
.mapping-used { margin-top: 10px; color: var(--_muted); font-size: 0.88em; overflow-wrap: anywhere; }

.skipped { margin-top: 12px; border: 1px solid var(--_border); border-radius: 8px; padding: 8px 12px; }
.skipped summary { cursor: pointer; font-weight: 500; }
.skipped-body { display: grid; grid-template-columns: minmax(200px, 1fr) 2fr; gap: 18px; margin-top: 10px; }
@container (max-width: 620px) { .skipped-body { grid-template-columns: 1fr; } }
h4 { font-size: 0.8em; font-weight: 600; color: var(--_muted); text-transform: uppercase; letter-spacing: 0.04em; margin-bottom: 6px; }
.skipped-list { margin: 0; padding: 0; list-style: none; max-height: 220px; overflow: auto; border: 1px solid var(--_border); border-radius: 8px; }
.skipped-list li { padding: 4px 10px; border-bottom: 1px solid var(--_border); }
.skipped-list li:last-child { border-bottom: 0; }
.skipped-list li:nth-child(even) { background: var(--_row-alt); }
code { font-family: var(--_mono); font-size: 0.85em; overflow-wrap: anywhere; white-space: pre-wrap; }

.ranking { margin-top: 18px; }
.ranking-head { display: flex; align-items: center; justify-content: space-between; gap: 12px; flex-wrap: wrap; margin-bottom: 8px; }
.ranking-title { font-size: 1em; font-weight: 600; }
.table-wrap { overflow-x: auto; border: 1px solid var(--_border); border-radius: 8px; }
/* Over time (attribute over-time, ui/time-view.js): the chart, its data, the flagged days. */
#time-card { margin-top: 18px; }
#time-card .card-head, .chart-settings { display: flex; align-items: center; gap: 8px; flex-wrap: wrap; margin: 8px 0; }
#time-card .card-head h4, .chart-settings h4 { font-size: 1em; font-weight: 600; margin: 0 auto 0 0; }
.chart { width: 100%; min-height: 260px; margin-top: 8px; }
.chart-data { margin-top: 8px; }
.table-scroll { overflow: auto; max-height: 320px; border: 1px solid var(--_border); border-radius: 8px; margin-top: 8px; }
#anomaly-table td, #chart-table td, #hints-table td { white-space: nowrap; }
#time-card select { font: inherit; color: inherit; background: var(--_surface); border: 1px solid var(--_border); border-radius: 6px; padding: 2px 6px; }
table { width: 100%; border-collapse: collapse; border-spacing: 0; font-variant-numeric: tabular-nums; font-size: 0.9em; }
th, td { padding: 7px 11px; border-bottom: 1px solid var(--_border); text-align: start; vertical-align: top; font-weight: 400; }
thead th { font-size: 0.76em; font-weight: 600; color: var(--_muted); text-transform: uppercase; letter-spacing: 0.04em; white-space: nowrap; border-bottom-width: 2px; }
tbody tr:nth-child(even) { background: var(--_row-alt); }
tbody tr:last-child > * { border-bottom: 0; }
.num { text-align: end; white-space: nowrap; }
.rank { width: 2.5em; color: var(--_muted); }
tbody th.id { font-family: var(--_mono); font-weight: 500; font-size: 0.95em; overflow-wrap: anywhere; white-space: pre-wrap; min-width: 10ch; }
.key { font-weight: 600; }
thead .key { color: var(--_accent); }
.empty { text-align: center; color: var(--_muted); padding: 16px; }
table.small th, table.small td { padding: 4px 9px; }

/* compact: for side panels and dashboards */
:host([compact]) .root { padding: var(--adagg-padding, 14px 16px); font-size: var(--adagg-font-size, 14px); }
:host([compact]) .tagline, :host([compact]) .drop-icon, :host([compact]) .drop-sub,
:host([compact]) .mapping-used, :host([compact]) .skipped, :host([compact]) .stat.extra,
:host([compact]) .col-extra { display: none; }
:host([compact]) .head { margin-bottom: 10px; }
:host([compact]) .drop-label { padding: 14px 12px; }
:host([compact]) .stats { grid-template-columns: repeat(auto-fill, minmax(105px, 1fr)); gap: 6px; }
:host([compact]) .stat { padding: 6px 9px; }
:host([compact]) .stat dd { font-size: 1em; }
:host([compact]) .ranking { margin-top: 14px; }
:host([compact]) th, :host([compact]) td { padding: 5px 8px; }

@media (prefers-reduced-motion: reduce) {
  .drop-label { transition: none; }
}
@media (forced-colors: active) {
  .logo, .drop-icon { forced-color-adjust: none; }
  .button { border: 1px solid ButtonText; }
}
`;

let sharedSheet = null;
/**
 * Styles `root` (a shadow root) with the one stylesheet every widget shares
 * (constructed once); older browsers without constructed stylesheets get a
 * <style> element (their CSP's style-src must allow it).
 * @param {ShadowRoot} root
 */
export function adoptStyles(root) {
  if ('adoptedStyleSheets' in root && typeof CSSStyleSheet === 'function' && 'replaceSync' in CSSStyleSheet.prototype) {
    if (!sharedSheet) {
      sharedSheet = new CSSStyleSheet();
      sharedSheet.replaceSync(CSS);
    }
    root.adoptedStyleSheets = [sharedSheet];
  } else {
    // Older browsers: a <style> element (needs style-src to allow it).
    const style = document.createElement('style');
    style.textContent = CSS;
    root.append(style);
  }
}
