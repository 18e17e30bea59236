// A small static server for the browser end-to-end specs: the demo shop at `/`, `dist/` at
// `/trailmark/`, on 127.0.0.1 and a random port. Each spec starts its own, so it controls what
// it needs: extra response headers (a CSP), replaced bodies (a broken config, a config with
// short timeouts), failed or delayed paths. Every request is logged in `server.requests`.
//
//   const server = await startServer({ headers: {'Content-Security-Policy': "default-src 'self'"} });
//   server.override('/trailmark.compiled.json', { body: '{not json' });
//   server.fail('/trailmark/pkg/trailmark_bg.wasm', 500);
//   server.delay('/trailmark/trailmark.js', 300);
//   ... server.url ... await server.close();

import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { dirname, join, normalize, sep, extname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SHOP_DIR = join(ROOT, 'examples', 'demo-shop');
export const DIST_DIR = join(ROOT, 'dist');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
};

/** Maps a URL path to a file on disk, or null (outside the mounts or a `..` segment). */
export function resolvePath(pathname) {
  let path;
  try {
    path = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (!path.startsWith('/') || path.includes('\0') || path.split('/').includes('..')) return null;
  const [base, rest] = path.startsWith('/trailmark/') ? [DIST_DIR, path.slice('/trailmark/'.length)] : [SHOP_DIR, path.slice(1)];
  const file = normalize(join(base, rest));
  if (file !== base && !file.startsWith(base + sep)) return null;
  return file;
}

export async function startServer(options = {}) {
  const headers = { ...(options.headers || {}) };
  const overrides = new Map(); // path -> {status, body, type, headers}
  const failures = new Map(); // path -> status (0 = destroy the connection)
  const delays = new Map(); // path -> ms
  const requests = [];

  async function handle(req, res) {
    const url = new URL(req.url, 'http://127.0.0.1');
    const entry = { method: req.method, path: url.pathname, search: url.search, status: 0, at: Date.now() };
    requests.push(entry);
    const send = (status, type, body, extra = {}) => {
      entry.status = status;
      res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', ...headers, ...extra });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    const wait = delays.get(url.pathname);
    if (wait) await new Promise((r) => setTimeout(r, wait));
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'text/plain', 'method not allowed\n');
    if (failures.has(url.pathname)) {
      const status = failures.get(url.pathname);
      if (status === 0) {
        entry.status = 0;
        return req.socket.destroy();
      }
      return send(status, 'text/plain', 'failed on purpose\n');
    }
    const o = overrides.get(url.pathname);
    if (o) {
      const body = typeof o.body === 'string' || Buffer.isBuffer(o.body) ? o.body : JSON.stringify(o.body);
      return send(o.status || 200, o.type || TYPES[extname(url.pathname)] || 'text/plain', body, o.headers);
    }
    let file = resolvePath(url.pathname);
    if (!file) return send(403, 'text/plain', 'forbidden\n');
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      return send(200, TYPES[extname(file)] || 'application/octet-stream', body);
    } catch {
      return send(404, 'text/plain', 'not found\n');
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      try {
        res.writeHead(500);
        res.end(String(e));
      } catch {
        /* already sent */
      }
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  if (options.log) server.on('request', (req) => console.log(`server: ${req.method} ${req.url}`));

  return {
    url: `http://127.0.0.1:${port}/`,
    origin: `http://127.0.0.1:${port}`,
    port,
    requests,
    /** Serve `body` (string, Buffer or a value to JSON-encode) for `path` instead of the file. */
    override(path, response) {
      overrides.set(path, response);
    },
    /** Answer `path` with `status` (0: drop the connection). */
    fail(path, status = 500) {
      failures.set(path, status);
    },
    /** Hold the answer for `path` for `ms` milliseconds. */
    delay(path, ms) {
      delays.set(path, ms);
    },
    reset() {
      overrides.clear();
      failures.clear();
      delays.clear();
      requests.length = 0;
    },
    close() {
      server.closeAllConnections?.();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

// `node tests/e2e/server.mjs [port]`: serve the shop by hand (what `cargo xtask demo` does).
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const s = await startServer({ log: true });
  console.log(`demo shop: ${s.url}`);
}
