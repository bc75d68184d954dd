// No bundler: the page's own files, plus node_modules/adagg/www/ copied as it
// is to dist/vendor/adagg/ (everything is found relative to adagg.js). The
// plain .wasm and the type declarations are left out: the page never loads them.
import { cp, rm } from 'node:fs/promises';

await rm('dist', { recursive: true, force: true });
await cp('src', 'dist', { recursive: true });
await cp('node_modules/adagg/www', 'dist/vendor/adagg', {
  recursive: true,
  filter: (src) => !/\.wasm$|\.d\.ts$/.test(src),
});
