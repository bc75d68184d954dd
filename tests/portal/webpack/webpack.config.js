import HtmlWebpackPlugin from 'html-webpack-plugin';
import { fileURLToPath } from 'node:url';

// Nothing adagg-specific: webpack 5 finds the worker (new Worker(new URL(...)))
// and the wasm chunk (import('../pkg/adagg_wasm.js')) in the package itself.
export default {
  entry: './src/index.js',
  output: {
    path: fileURLToPath(new URL('./dist', import.meta.url)),
    publicPath: '/portal/',
    filename: '[name].[contenthash].js',
    chunkFilename: '[name].[contenthash].js',
    clean: true,
  },
  plugins: [new HtmlWebpackPlugin({ template: './src/index.html', favicon: './src/favicon.svg' })],
  performance: { hints: false }, // the wasm chunk is ~1 MB (~410 kB gzipped), loaded on demand
};
