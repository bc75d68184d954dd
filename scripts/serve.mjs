#!/usr/bin/env node
// Tiny dependency-free static file server for the adagg web app.
//
//   node scripts/serve.mjs            # serves the repo root on 127.0.0.1:8080
//   PORT=0 node scripts/serve.mjs     # any free port
//   PREFIX=/tools/adagg/ node scripts/serve.mjs   # serves the root under a sub-path
//
// Also importable: `startServer(root, port, { prefix, headers, onRequest }) -> Promise<{ port, url, close }>`.
// With a prefix, only URLs under it are served (the prefix is stripped) and
// `url` ends with it; everything else is 404, as behind a portal's proxy.
// `headers` are added to every answer (e.g. a Content-Security-Policy).
// Binds 127.0.0.1 only. Sends `Cache-Control: no-store` so a rebuilt
// www/pkg is always picked up, and never lists directories.
import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
};

const BASE_HEADERS = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

function send(res, answer, status, text, extra = {}) {
  res.writeHead(status, {
    ...answer,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    ...extra,
  });
  res.end(text);
}

/** Maps a URL path to a file under root, or null if it must not be served. */
function resolvePath(root, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const parts = decoded.split('/').filter((p) => p !== '');
  // No dot-files or dot-directories (.git, .ci, ...), no "..".
  if (parts.some((p) => p.startsWith('.') || p.includes('\\'))) return null;
  const file = resolve(root, ...parts);
  if (file !== root && !file.startsWith(root + sep)) return null;
  return file;
}

/** '/tools/adagg/' style: leading and trailing slash, no dot segments; '' = none. */
function normalizePrefix(prefix) {
  if (prefix == null || prefix === '' || prefix === '/') return '';
  const parts = String(prefix).split('/').filter((p) => p !== '');
  if (parts.some((p) => p === '.' || p === '..')) throw new Error(`invalid prefix ${JSON.stringify(prefix)}`);
  return parts.length ? `/${parts.join('/')}/` : '';
}

async function handle(root, prefix, answer, req, res) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    send(res, answer, 405, 'method not allowed\n', { Allow: 'GET, HEAD' });
    return;
  }
  const url = new URL(req.url, 'http://localhost');
  let pathname = url.pathname;
  if (prefix) {
    if (pathname === prefix.slice(0, -1)) {
      res.writeHead(301, { ...answer, Location: prefix + url.search, 'Content-Length': 0 });
      res.end();
      return;
    }
    if (!pathname.startsWith(prefix)) {
      send(res, answer, 404, 'not found\n');
      return;
    }
    pathname = pathname.slice(prefix.length - 1);
  }
  let file = resolvePath(root, pathname);
  if (file === null) {
    send(res, answer, 404, 'not found\n');
    return;
  }
  let st = await stat(file).catch(() => null);
  if (st && st.isDirectory()) {
    if (!url.pathname.endsWith('/')) {
      res.writeHead(301, { ...answer, Location: url.pathname + '/' + url.search, 'Content-Length': 0 });
      res.end();
      return;
    }
    file = join(file, 'index.html');
    st = await stat(file).catch(() => null);
  }
  if (!st || !st.isFile()) {
    send(res, answer, 404, 'not found\n');
    return;
  }
  res.writeHead(200, {
    ...answer,
    'Content-Type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': st.size,
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const stream = createReadStream(file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

/**
 * Starts the server on 127.0.0.1.
 * @param {string} root directory to serve
 * @param {number} [port=8080] 0 picks any free port
 * @param {{prefix?: string, headers?: Record<string, string>, onRequest?: (req: import('node:http').IncomingMessage) => void}} [options]
 *   prefix: serve `root` under this URL path (e.g. '/tools/adagg/'); other
 *   paths are 404. headers: added to every answer
 *   (e.g. `{ 'Content-Security-Policy': "default-src 'self'" }`).
 *   onRequest: called with every request as it arrives (the engine tests
 *   record what a page fetched)
 * @returns {Promise<{port: number, url: string, close: () => Promise<void>}>}
 *   `url` includes the prefix
 */
export function startServer(root, port = 8080, { prefix = '', headers = {}, onRequest } = {}) {
  const absRoot = resolve(root);
  const base = normalizePrefix(prefix);
  const answer = { ...BASE_HEADERS, ...headers };
  const server = createServer((req, res) => {
    onRequest?.(req);
    handle(absRoot, base, answer, req, res).catch(() => {
      if (!res.headersSent) send(res, answer, 500, 'internal error\n');
      else res.destroy();
    });
  });
  return new Promise((resolveStart, rejectStart) => {
    server.once('error', rejectStart);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', rejectStart);
      const actual = server.address().port;
      resolveStart({
        port: actual,
        url: `http://127.0.0.1:${actual}${base || '/'}`,
        close: () =>
          new Promise((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

const isMain = process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (isMain) {
  const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
  const raw = process.env.PORT ?? '8080';
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535) {
    console.error(`adagg: invalid PORT ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  let prefix;
  try {
    prefix = normalizePrefix(process.env.PREFIX);
  } catch (err) {
    console.error(`adagg: ${err.message}`);
    process.exit(2);
  }
  startServer(root, port, { prefix }).then(
    ({ url, close }) => {
      console.log(`adagg: ${url}`);
      const stop = () => close().then(() => process.exit(0));
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    },
    (err) => {
      console.error(`adagg: cannot listen on 127.0.0.1:${port}: ${err.message}`);
      process.exit(1);
    },
  );
}
