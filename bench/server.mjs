// The bench's HTTP server, on 127.0.0.1 only (port chosen by the OS):
//   /page/<id>          the benchmark page of a subject (bench/page.mjs)
//   /s/<id>/<file>      a subject's script files (shipped bundle or esbuild output)
//   /trailmark/...      dist/ (what a site serves)
//   /bench-config.json  Trailmark's config for the bench page, compiled (as `trailmark compile`
//                       would) by dist's config compiler, the set-up the README recommends
//   /pages/...          bench/pages/ (the standalone Trailmark benchmark page)

import { createServer } from 'node:http';
import { readFileSync, existsSync, statSync } from 'node:fs';
import { join, normalize, extname, dirname, basename } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SUBJECTS } from './subjects.mjs';
import { page, TRAILMARK_CONFIG } from './page.mjs';

export const BENCH = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(BENCH, '..');
export const BUILT = join(BENCH, '.build');
// dist/ as it was when the run started (run.mjs copies it), so a concurrent rebuild cannot change
// Trailmark's files in the middle of a run; BENCH_DIST overrides.
export const DIST = process.env.BENCH_DIST || join(BUILT, 'dist');

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.json': 'application/json', '.wasm': 'application/wasm', '.css': 'text/css' };

/** Absolute path of one entry of a subject's `files`. */
export function fileOf(entry) {
  return entry.built ? join(BUILT, entry.built) : join(BENCH, entry.from);
}

/** URL path under which a subject's file is served. */
export function urlOf(subject, entry) {
  return `/s/${subject.id}/${basename(fileOf(entry))}`;
}

/** Maps a request path to a file on disk (or null). */
export function resolve(pathname) {
  const safe = (base, rest) => {
    const file = normalize(join(base, rest));
    return file.startsWith(base) && existsSync(file) && statSync(file).isFile() ? file : null;
  };
  if (pathname.startsWith('/trailmark/')) return safe(DIST, pathname.slice('/trailmark/'.length));
  if (pathname.startsWith('/pages/')) return safe(join(BENCH, 'pages'), pathname.slice('/pages/'.length));
  const m = /^\/s\/([a-z]+)\/([^/]+)$/.exec(pathname);
  if (m) {
    const subject = SUBJECTS.find((s) => s.id === m[1]);
    const entry = subject && subject.files.find((e) => basename(fileOf(e)) === m[2]);
    return entry ? fileOf(entry) : null;
  }
  return null;
}

/** TRAILMARK_CONFIG compiled by dist's config compiler wasm (the source if there is none). */
function compiledConfig() {
  const glue = join(DIST, 'pkg', 'trailmark_compiler.js');
  if (!existsSync(glue)) return TRAILMARK_CONFIG;
  return import(pathToFileURL(glue).href).then((m) => {
    m.initSync({ module: readFileSync(join(DIST, 'pkg', 'trailmark_compiler_bg.wasm')) });
    return m.compile(TRAILMARK_CONFIG);
  });
}

export async function start() {
  const config = JSON.stringify(await compiledConfig());
  const server = createServer((req, res) => {
    const { pathname } = new URL(req.url, 'http://127.0.0.1');
    let status = 200;
    let type;
    let bytes;
    const pm = /^\/page\/([a-z]+)$/.exec(pathname);
    if (pm && SUBJECTS.some((s) => s.id === pm[1])) {
      const subject = SUBJECTS.find((s) => s.id === pm[1]);
      bytes = page(subject, subject.files.filter((e) => !e.serveOnly).map((e) => urlOf(subject, e)));
      type = TYPES['.html'];
    } else if (pathname === '/bench-config.json') {
      bytes = config;
      type = TYPES['.json'];
    } else if (pathname === '/favicon.ico') {
      status = 204;
      bytes = '';
    } else {
      const file = resolve(pathname);
      if (file) {
        bytes = readFileSync(file);
        type = TYPES[extname(file)] || 'application/octet-stream';
      } else {
        status = 404;
        bytes = 'not found';
      }
    }
    res.writeHead(status, { 'content-type': type || 'text/plain', 'cache-control': 'no-store' });
    res.end(bytes);
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok({ server, origin: `http://127.0.0.1:${server.address().port}` })));
}
