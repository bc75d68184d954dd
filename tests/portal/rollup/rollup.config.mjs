// Rollup bundles adagg and splits its wasm chunk (import('../pkg/adagg_wasm.js'))
// by itself, but it does not build workers: `new Worker(new URL('./worker.js',
// import.meta.url))` is kept as written, so the bundle asks for worker.js next
// to itself. The one adagg-specific line: the worker as a second input named
// `worker`, in the same output folder (the README's Rollup recipe).
import { nodeResolve } from '@rollup/plugin-node-resolve';

export default {
  input: { index: 'src/index.js', worker: 'node_modules/adagg/www/core/worker.js' },
  output: { dir: 'dist', format: 'es' }, // entry file names stay [name].js
  plugins: [nodeResolve()],
};
