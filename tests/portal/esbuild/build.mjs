// esbuild bundles adagg and splits its wasm chunk (import('../pkg/adagg_wasm.js'))
// by itself, but it does not build workers: `new Worker(new URL('./worker.js',
// import.meta.url))` is kept as written, so the bundle asks for worker.js next
// to itself. The one adagg-specific line: the worker as a second entry point
// named `worker`, in the same output folder (the README's esbuild recipe).
import { build } from 'esbuild';
import { cp, rm } from 'node:fs/promises';

// ADAGG_NO_WORKER_ENTRY=1 leaves the line out, as a developer who skipped
// the README would (the portal test checks the message they then get).
const entryPoints = { index: 'src/index.js', worker: 'node_modules/adagg/www/core/worker.js' };
if (process.env.ADAGG_NO_WORKER_ENTRY) delete entryPoints.worker;

await rm('dist', { recursive: true, force: true });
await build({
  entryPoints,
  bundle: true,
  format: 'esm',
  splitting: true,
  minify: true,
  outdir: 'dist',
  logLevel: 'warning',
});
await cp('src/index.html', 'dist/index.html');
await cp('src/favicon.svg', 'dist/favicon.svg');
