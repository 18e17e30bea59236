// Recommendation benchmark, runnable on its own (the full `cargo xtask bench` takes ~9 minutes):
//
//   cargo xtask build && node bench/recs.mjs [--items 10000] [--queries 1000]
//
// 1. Writes a deterministic session log over N items (default 10,000) and builds its model with
//    the CLI (`target/debug/trailmark model build`; built by `cargo xtask build`).
// 2. Model size: raw, gzip -9 and brotli -q 11 (node's zlib), and per 1,000 items.
// 3. In headless Chromium (Debian's, as the e2e tests), on a 127.0.0.1 page importing
//    js/rank.js (the source: dist/ has it only inside the bundled recommend.js): time to validate the model bytes (`readModel`), and the latency of each strategy
//    (median and p95 of `queries` calls, each `performance.now()`-timed over a batch of 20 calls,
//    since the page clock is coarsened to 100 µs) for a visitor with five viewed products.
// 4. HR@20 / MRR@20 on YOOCHOOSE-100k (`trailmark eval recs`) when ../shared/data is there.
// Results: bench/results/recs.json, and a markdown table on stdout (copied into the README).

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { launch } from '../tests/e2e/harness.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const ITEMS = arg('--items', 10_000);
const QUERIES = arg('--queries', 1000);
const CLI = join(ROOT, 'target', 'debug', 'trailmark');
const WORK = join(ROOT, 'target', 'bench-recs');

function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Sessions that browse within item "families" of 25 with a Zipf-like popularity. */
function writeLog(file, items) {
  const r = rng(11);
  const lines = [];
  const id = (i) => 'sku-' + String(i).padStart(6, '0');
  for (let s = 0; s < items * 3; s++) {
    const family = Math.floor(Math.pow(r(), 1.5) * (items / 25));
    let t = 1_700_000_000 + s * 30;
    for (let n = 2 + Math.floor(r() * 6); n > 0; n--) {
      const i = r() < 0.85 ? family * 25 + Math.floor(Math.pow(r(), 2) * 25) : Math.floor(r() * items);
      lines.push(`${s}\t${id(Math.min(i, items - 1))}\t${(t += 40)}`);
    }
  }
  writeFileSync(file, 'SessionId\tItemId\tTime\n' + lines.join('\n') + '\n');
  return { id };
}

function size(bytes) {
  return {
    raw: bytes.length,
    gzip: zlib.gzipSync(bytes, { level: 9 }).length,
    brotli: zlib.brotliCompressSync(bytes, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

const PAGE = `<!doctype html><meta charset="utf-8"><title>recs bench</title><script type="module">
import { readModel, readCatalog, rank, readRequest } from '/trailmark/rank.js';
const bytes = new Uint8Array(await (await fetch('/model.tmrm')).arrayBuffer());
const catalog = readCatalog(await (await fetch('/catalog.json')).json());
const t0 = performance.now();
let model;
for (let i = 0; i < 10; i++) model = readModel(bytes);
const load = (performance.now() - t0) / 10;
const viewed = ['sku-000003', 'sku-000010', 'sku-000257', 'sku-000260', 'sku-004012'];
const visitor = { viewed, cart: ['sku-000004'], purchased: [], interests: [['family-1', 1]], stage: 'consideration' };
const settings = { exclude_purchased: true, max_per_category: 2 };
const out = { load_ms: load, strategies: {} };
for (const strategy of ['related', 'bought-together', 'recently-viewed', 'trending', 'for-you']) {
  const req = readRequest({ strategy, limit: 8 }, 8);
  for (let i = 0; i < 20; i++) rank(model, catalog, visitor, settings, req);
  const samples = [];
  let n = 0;
  for (let b = 0; b < ${Math.ceil(QUERIES / 20)}; b++) {
    const s = performance.now();
    for (let i = 0; i < 20; i++) n += rank(model, catalog, visitor, settings, req).length;
    samples.push(((performance.now() - s) / 20) * 1000);
  }
  samples.sort((a, b) => a - b);
  out.strategies[strategy] = { median_us: samples[samples.length >> 1], p95_us: samples[Math.floor(samples.length * 0.95)], results: n / (samples.length * 20) };
}
window.__result = out;
</script>`;

async function main() {
  if (!existsSync(CLI)) {
    console.error('bench/recs.mjs: run `cargo xtask build` first (needs target/debug/trailmark)');
    process.exit(2);
  }
  mkdirSync(WORK, { recursive: true });
  const log = join(WORK, `sessions-${ITEMS}.tsv`);
  const modelFile = join(WORK, `model-${ITEMS}.tmrm`);
  const { id } = writeLog(log, ITEMS);
  const built = execFileSync(CLI, ['model', 'build', log, '--out', modelFile], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  const model = readFileSync(modelFile);
  const catalog = { products: Array.from({ length: ITEMS }, (_, i) => ({ id: id(i), title: 'Product ' + i, url: '/p/' + i, price: 10 + (i % 90), categories: ['family-' + Math.floor(i / 25)], availability: i % 41 === 0 ? 'out_of_stock' : 'in_stock' })) };

  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://127.0.0.1').pathname;
    const send = (type, body) => res.writeHead(200, { 'Content-Type': type }).end(body);
    if (path === '/') return send('text/html', PAGE);
    if (path === '/model.tmrm') return send('application/octet-stream', model);
    if (path === '/catalog.json') return send('application/json', JSON.stringify(catalog));
    if (path.startsWith('/trailmark/') && !path.includes('..')) {
      try {
        return send('text/javascript', readFileSync(join(ROOT, 'js', path.slice('/trailmark/'.length))));
      } catch {
        /* 404 below */
      }
    }
    res.writeHead(404).end();
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const browser = await launch();
  let result;
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await page.waitForFunction(() => window.__result, null, { timeout: 120_000 });
    result = await page.evaluate(() => window.__result);
    result.chromium = browser.version();
  } finally {
    await browser.close();
    server.close();
  }

  let quality = null;
  try {
    const text = execFileSync(CLI, ['eval', 'recs'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const row = (name) => text.split('\n').find((l) => l.startsWith('| ' + name)).split('|').map((c) => c.trim());
    const t = row('Trailmark');
    const p = row('popularity');
    quality = { trailmark: { hr20: Number(t[2]), mrr20: Number(t[3]) }, popularity: { hr20: Number(p[2]), mrr20: Number(p[3]) }, summary: text.trim().split('\n').pop() };
  } catch {
    console.error('bench/recs.mjs: YOOCHOOSE-100k not found in ../shared/data; skipping HR@20 / MRR@20');
  }

  const s = size(model);
  const report = { measured: new Date().toISOString().slice(0, 10), items: ITEMS, queries: QUERIES, build: built, model: { ...s, per_1000_items: Math.round((s.raw * 1000) / ITEMS), per_1000_items_brotli: Math.round((s.brotli * 1000) / ITEMS) }, ...result, yoochoose: quality };
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench', 'results', 'recs.json'), JSON.stringify(report, null, 2) + '\n');
  const f = (n, d = 1) => n.toFixed(d);
  console.log(`| ${ITEMS.toLocaleString('en')}-item model | value |\n| --- | --- |`);
  console.log(`| size raw / gzip / brotli | ${s.raw.toLocaleString('en')} / ${s.gzip.toLocaleString('en')} / ${s.brotli.toLocaleString('en')} bytes (${report.model.per_1000_items.toLocaleString('en')} / ${report.model.per_1000_items_brotli.toLocaleString('en')} bytes raw / brotli per 1,000 items) |`);
  console.log(`| validate the bytes (\`readModel\`, once per page) | ${f(result.load_ms, 2)} ms |`);
  for (const [k, v] of Object.entries(result.strategies)) console.log(`| \`${k}\` query, median (p95) | ${f(v.median_us)} µs (${f(v.p95_us)} µs) |`);
  if (quality) console.log(`\nYOOCHOOSE-100k: Trailmark HR@20 ${quality.trailmark.hr20}, MRR@20 ${quality.trailmark.mrr20}; popularity HR@20 ${quality.popularity.hr20}, MRR@20 ${quality.popularity.mrr20}`);
  console.log(`\n${result.chromium}; wrote bench/results/recs.json`);
}

await main();
