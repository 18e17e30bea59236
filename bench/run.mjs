// The browser benchmark: `node bench/run.mjs` (run by `cargo xtask bench` after the build and
// `npm ci` in bench/). Loads every subject (bench/subjects.mjs) on the same 10-slot page in
// headless Chromium, round-robin over REPS repetitions with a fresh browser context per sample,
// measures, and writes bench/results/latest.{json,md,svg} and the README block.
//
// Options (environment): BENCH_REPS (default 5), BENCH_WARMUP=0 (no warm-up pass), BENCH_ONLY=id,id (subset, for development; the
// README is then left alone), CHROMIUM_PATH (default /usr/bin/chromium).

import { chromium } from 'playwright-core';
import { readFileSync, writeFileSync, mkdirSync, existsSync, cpSync, rmSync } from 'node:fs';
import { gzipSync, brotliCompressSync, constants as Z } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { cpus } from 'node:os';
import { SUBJECTS } from './subjects.mjs';
import { start, resolve, BENCH, ROOT, BUILT, DIST } from './server.mjs';
import { markdown, svg, updateReadme, compare } from './report.mjs';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--enable-precise-memory-info',
  // A safety net under the routing: no host but 127.0.0.1 resolves.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'];

const REPS = Number(process.env.BENCH_REPS || 5);
const ONLY = process.env.BENCH_ONLY ? process.env.BENCH_ONLY.split(',') : null;
const N_TRACK = 1000; // per-track cost loop
const N_AWAITED = 100; // Trailmark: `await track()` one at a time
const N_DECIDE = 1000; // decision loop
const N_STORAGE = 10000; // events in total before storage is measured
const SETTLE_START_MS = 500; // after ready, before start-up metrics (deferred init work)
const SETTLE_TRACK_MS = 700; // after the track loop, before its script time is read (batched work)
const SETTLE_STORAGE_MS = 1000; // after 10,000 events, before storage is read (flushes)
const READY_TIMEOUT_MS = 8000;
const STORAGE_BUDGET_MS = 4000; // time allowed for the events after the first 1,000

const log = (...a) => console.log('bench:', ...a);

// ---- build: esbuild IIFEs of the peers that ship no browser bundle ------------------------------

async function buildPeers(subjects) {
  const esbuild = await import('esbuild');
  mkdirSync(BUILT, { recursive: true });
  for (const s of subjects.filter((s) => s.build)) {
    const entry = join(BUILT, `${s.id}.entry.mjs`);
    writeFileSync(entry, `export * from '${s.build.entry}';\n`);
    await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      minify: true,
      format: 'iife',
      globalName: s.build.globalName,
      platform: 'browser',
      target: 'es2020',
      outfile: join(BUILT, s.files[0].built),
      nodePaths: [join(BENCH, 'node_modules')],
      define: { 'process.env.NODE_ENV': '"production"' },
      logLevel: 'warning',
    });
  }
}

function versionOf(name) {
  return JSON.parse(readFileSync(join(BENCH, 'node_modules', name, 'package.json'), 'utf8')).version;
}

// ---- sizes ----------------------------------------------------------------------------------------

function sizes(paths) {
  const files = [];
  for (const p of paths) {
    const file = resolve(p);
    if (!file) continue;
    const bytes = readFileSync(file);
    files.push({
      path: p,
      raw: bytes.length,
      gzip: gzipSync(bytes, { level: 9 }).length,
      brotli: brotliCompressSync(bytes, { params: { [Z.BROTLI_PARAM_QUALITY]: 11, [Z.BROTLI_PARAM_SIZE_HINT]: bytes.length } }).length,
    });
  }
  const sum = (k) => files.reduce((a, f) => a + f[k], 0);
  return { files, raw: sum('raw'), gzip: sum('gzip'), brotli: sum('brotli') };
}

// ---- one sample -----------------------------------------------------------------------------------

async function newVisitor(browser, origin) {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const net = { left: [], files: [] };
  // Every request is routed: anything not for the bench server (another host, or the SDKs'
  // configured API at 127.0.0.1:9) is aborted and counted as a request that tried to leave.
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.origin !== origin) {
      net.left.push(url.origin + url.pathname);
      return route.abort('blockedbyclient');
    }
    net.files.push(url.pathname);
    return route.continue();
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push('pageerror: ' + String(e && e.message ? e.message : e).slice(0, 300)));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) errors.push('console: ' + m.text().slice(0, 300));
  });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  return { context, page, cdp, net, errors };
}

async function scriptMs(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return metrics.find((m) => m.name === 'ScriptDuration').value * 1000;
}

async function heapBytes(cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  return (await cdp.send('Runtime.getHeapUsage')).usedSize;
}

async function wasmBytes(page) {
  return page.evaluate(async () => {
    try {
      // The glue is inside runtime.js (the same module instance as the page's runtime).
      const m = await (await import('/trailmark/runtime.js')).engine();
      const exports = await m.default(); // already initialised by the runtime: returns its exports
      // The wasm's export names are minified (xtask/src/names.rs): its one memory, by type.
      return Object.values(exports).find((x) => x instanceof WebAssembly.Memory).buffer.byteLength;
    } catch (e) {
      return null;
    }
  });
}

async function storageBytes(page) {
  return page.evaluate(async () => {
    let local = 0;
    for (let i = 0; i < localStorage.length; i++) {
      const k = localStorage.key(i);
      local += (k.length + (localStorage.getItem(k) || '').length) * 2;
    }
    const est = navigator.storage && navigator.storage.estimate ? await navigator.storage.estimate() : {};
    const d = est.usageDetails || {};
    return { local, indexeddb: d.indexedDB || 0, cookie: document.cookie.length, total: local + (d.indexedDB || 0) + document.cookie.length };
  });
}

/**
 * Runs `fn(arg)` in the page as a task of its own (a setTimeout callback), not inside the CDP
 * evaluation. (Observed: CDP ScriptDuration counts neither the evaluation nor this task, only the
 * work the SDKs defer to later timers and callbacks; see bench/README.md.)
 */
function inTask(page, fn, arg) {
  return page.evaluate(
    ([src, arg]) => new Promise((ok, fail) => setTimeout(() => Promise.resolve().then(() => (0, eval)('(' + src + ')')(arg)).then(ok, fail), 0)),
    [fn.toString(), arg],
  );
}

async function sample(browser, origin, subject, warmOnly = false) {
  const dbg = process.env.BENCH_DEBUG ? (m) => console.log(`  ${subject.id}: ${m}`) : () => {};
  const v = await newVisitor(browser, origin);
  const { page, cdp, net, errors } = v;
  const s = { errors };
  try {
    await page.goto(`${origin}/page/${subject.id}`, { waitUntil: 'load' });
    await page.waitForFunction(() => window.__b && __b.readyAt != null, null, { timeout: READY_TIMEOUT_MS, polling: 20 }).catch(() => {});
    dbg('s.ready_ms = await');
    s.ready_ms = await page.evaluate(() => (__b.readyAt == null ? null : __b.readyAt - __b.t0));
    if (warmOnly) throw new Error('warm-up only');
    await page.waitForTimeout(SETTLE_START_MS);
    dbg('s.startup_script_ms = await');
    s.startup_script_ms = await scriptMs(cdp);
    s.heap_bytes = await heapBytes(cdp);
    s.wasm_bytes = subject.trailmark ? await wasmBytes(page) : null;
    s.files = [...net.files];

    // Per-track cost: N calls in a loop. `sync` is the calls themselves; `settled` until every
    // returned promise resolved (Trailmark: stored in IndexedDB and decided); `script` is the
    // increase of CDP ScriptDuration over the loop and SETTLE_TRACK_MS after it: the work an SDK
    // defers (batching, storage, timers); the loop's own task is not in it (see inTask).
    dbg('const before = await scriptMs');
    const before = await scriptMs(cdp);
    const t = await inTask(page, async (n) => {
      const p = [];
      const t0 = performance.now();
      for (let i = 0; i < n; i++) p.push(__bench.track(i));
      const t1 = performance.now();
      await Promise.all(p);
      const t2 = performance.now();
      return { sync: ((t1 - t0) * 1000) / n, settled: ((t2 - t0) * 1000) / n };
    }, N_TRACK);
    await page.waitForTimeout(SETTLE_TRACK_MS);
    dbg('s.track_sync_us = t.sync');
    s.track_sync_us = t.sync;
    s.track_settled_us = t.settled;
    s.track_script_us = (((await scriptMs(cdp)) - before) * 1000) / N_TRACK;
    // Requests that tried to leave: counted over load, start-up and the first 1,000 events. Then
    // the routing is removed so that SDKs sending one request per event do not spend the rest of
    // the sample in the interception round trip; the browser's host-resolver rule still keeps
    // every other host unreachable, and the SDKs' API (127.0.0.1:9) refuses connections.
    s.left = net.left.length;
    s.left_hosts = [...new Set(net.left.map((u) => new URL(u).host))];
    dbg('await v.context.unroute');
    await v.context.unroute('**/*');
    let done = N_TRACK;

    dbg('if (subject.trailmark) {\n     ');
    if (subject.trailmark) {
      // One at a time: the latency of `await trailmark.track()` (a batch of one: ingest,
      // IndexedDB transaction, decide, render).
      s.track_awaited_ms = await inTask(page, async ([from, n]) => {
        const t0 = performance.now();
        for (let i = from; i < from + n; i++) await __bench.track(i);
        return (performance.now() - t0) / n;
      }, [done, N_AWAITED]);
      done += N_AWAITED;
      // Decisions: the public `decide()` (returns the current decisions), the engine's decision
      // for the 10 slots with explanations (what each batch runs), and decide + render + plan.
      Object.assign(s, await inTask(page, async (n) => {
        const tm = window.trailmark;
        // prompts.js decides prompts (from the engine's facts); fetched at start-up on a page
        // whose config has prompts, so this is the runtime's own instance of it.
        const prompts = tm._rt && tm._config && tm._config.decide ? await import('/trailmark/prompts.js') : null;
        const time = (f) => {
          const t0 = performance.now();
          for (let i = 0; i < n; i++) f();
          return ((performance.now() - t0) * 1000) / n;
        };
        const r = { decide_us: time(() => tm.decide()) };
        if (tm._rt && typeof tm._rt.decide === 'function' && typeof tm._pageContext === 'function') {
          r.engine_decide_us = time(() => tm._rt.decide(Date.now(), tm._pageContext()));
          r.decisions = tm._rt.decide(Date.now(), tm._pageContext()).length;
        }
        if (tm._rt && prompts && typeof prompts.decide === 'function') {
          // The 20 prompts (all on exit intent): the prompt decision with its explanation, and a
          // whole page's decisions (10 slots + 20 prompts).
          const ask = () => prompts.decide(tm, Date.now(), tm._pageContext(), 'exit_intent');
          r.engine_prompt_us = time(ask);
          r.engine_page_us = time(() => (tm._rt.decide(Date.now(), tm._pageContext()), ask()));
        }
        if (typeof tm._decideAndRender === 'function') r.decide_render_us = time(() => tm._decideAndRender());
        return r;
      }, N_DECIDE));
    } else if (/decide\(\)/.test(subject.init)) {
      s.decide_us = await inTask(page, (n) => {
        const t0 = performance.now();
        for (let i = 0; i < n; i++) __bench.decide();
        return ((performance.now() - t0) * 1000) / n;
      }, N_DECIDE);
    }

    // Up to N_STORAGE events in all, in chunks of 1,000 (awaiting each chunk's promises), within
    // STORAGE_BUDGET_MS: SDKs whose per-event cost grows with their queue (they re-serialise it
    // into localStorage on every event) would otherwise take minutes; they stop early and the
    // storage cell says how many events were reached.
    s.storage_events = await inTask(page, async ([from, to, budget]) => {
      const end = performance.now() + budget;
      let i = from;
      while (i < to && performance.now() < end) {
        const p = [];
        const stop = Math.min(to, i + 250);
        for (; i < stop; i++) p.push(__bench.track(i));
        await Promise.all(p);
        await new Promise((r) => setTimeout(r, 0));
      }
      return i;
    }, [done, N_STORAGE, STORAGE_BUDGET_MS]);
    await page.waitForTimeout(SETTLE_STORAGE_MS);
    s.storage = await storageBytes(page);
    s.heap_after_bytes = await heapBytes(cdp);
    if (subject.trailmark) s.wasm_after_bytes = await wasmBytes(page);
  } catch (e) {
    errors.push('runner: ' + String(e && e.message ? e.message : e).split('\n')[0]);
  }
  if (s.left == null) {
    s.left = net.left.length;
    s.left_hosts = [...new Set(net.left.map((u) => new URL(u).host))];
  }
  await v.context.close();
  return s;
}

/** The standalone Trailmark page (bench/pages/trailmark.html), which measures itself. */
async function standalone(browser, origin) {
  const v = await newVisitor(browser, origin);
  let r;
  try {
    await v.page.goto(`${origin}/pages/trailmark.html`, { waitUntil: 'load' });
    await v.page.waitForFunction(() => window.__results, null, { timeout: 60000, polling: 100 });
    r = await v.page.evaluate(() => window.__results);
  } catch (e) {
    r = { error: String(e).split('\n')[0] };
  }
  r.left = v.net.left.length;
  r.errors = v.errors;
  await v.context.close();
  return r;
}

// ---- the run --------------------------------------------------------------------------------------

function machine() {
  let cpu = 'unknown';
  try {
    const m = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpu = m[1].trim();
  } catch (e) {
    /* not Linux */
  }
  let nproc = cpus().length;
  try {
    nproc = Number(execFileSync('nproc').toString().trim());
  } catch (e) {
    /* no coreutils */
  }
  return { nproc, cpu };
}

async function main() {
  const started = Date.now();
  if (!process.env.BENCH_DIST) {
    if (!existsSync(join(ROOT, 'dist', 'loader.js'))) throw new Error('dist/ is missing: run `cargo xtask build` first (or `cargo xtask bench`)');
    rmSync(DIST, { recursive: true, force: true });
    cpSync(join(ROOT, 'dist'), DIST, { recursive: true });
  }
  if (!existsSync(join(DIST, 'loader.js'))) throw new Error(`${DIST} has no loader.js`);
  const subjects = SUBJECTS.filter((s) => !ONLY || ONLY.includes(s.id));
  await buildPeers(subjects);
  const { server, origin } = await start();
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const out = {
    date: new Date().toISOString(),
    chromium: browser.version(),
    node: process.version,
    machine: machine(),
    reps: REPS,
    params: { N_TRACK, N_AWAITED, N_DECIDE, N_STORAGE, STORAGE_BUDGET_MS, SETTLE_START_MS, SETTLE_TRACK_MS, SETTLE_STORAGE_MS, READY_TIMEOUT_MS },
    subjects: subjects.map((s) => ({ id: s.id, label: s.label, package: s.name || null, version: s.name ? versionOf(s.name) : null, form: s.form, samples: [] })),
    trailmark_page: [],
  };
  try {
    // Warm-up (not recorded): one load of each subject (up to ready), so disk caches and the browser's first
    // compilation do not land on whichever subject comes first.
    if (process.env.BENCH_WARMUP !== '0') for (const s of subjects) await sample(browser, origin, s, true);
    for (let rep = 0; rep < REPS; rep++) {
      // Round-robin, starting one further each repetition so no subject is always first.
      for (let k = 0; k < subjects.length; k++) {
        const i = (k + rep) % subjects.length;
        const t0 = Date.now();
        const s = await sample(browser, origin, subjects[i]);
        s.sample_s = (Date.now() - t0) / 1000;
        out.subjects[i].samples.push(s);
        log(`rep ${rep + 1}/${REPS} ${subjects[i].id}: ready ${fmt(s.ready_ms)} ms, track ${fmt(s.track_sync_us)} µs, left ${s.left}, ${s.sample_s} s${s.errors.length ? ', errors: ' + s.errors.length : ''}`);
      }
      if (!ONLY || ONLY.includes('trailmark')) out.trailmark_page.push(await standalone(browser, origin));
    }
  } finally {
    await browser.close();
    server.close();
  }
  for (const [i, s] of subjects.entries()) {
    const first = out.subjects[i].samples.find((x) => x.files) || { files: [] };
    const loaded = [...new Set(first.files)].filter((p) => !p.startsWith('/page/') && p !== '/bench-config.json' && p !== '/favicon.ico');
    out.subjects[i].size = sizes(loaded);
    for (const x of out.subjects[i].samples) delete x.files;
  }
  out.duration_s = Math.round((Date.now() - started) / 1000);
  const dir = join(BENCH, 'results');
  mkdirSync(dir, { recursive: true });
  // Stability: the medians of this run against the previous run's (same machine, same command).
  const prevFile = join(dir, 'latest.json');
  if (existsSync(prevFile) && !ONLY) {
    try {
      const prev = JSON.parse(readFileSync(prevFile, 'utf8'));
      if (prev.machine && prev.machine.cpu === out.machine.cpu && prev.reps === out.reps) out.stability = compare(out, prev);
    } catch (e) {
      /* unreadable: no comparison */
    }
  }
  writeFileSync(join(dir, 'latest.json'), JSON.stringify(out, null, 1) + '\n');
  writeFileSync(join(dir, 'latest.md'), markdown(out));
  writeFileSync(join(dir, 'latest.svg'), svg(out));
  if (!ONLY) updateReadme(out);
  log(`done in ${out.duration_s} s: bench/results/latest.{json,md,svg}${ONLY ? '' : ', README.md'}`);
}

function fmt(x) {
  return x == null ? '-' : x.toFixed(1);
}

main().catch((e) => {
  console.error('bench: error:', e && e.stack ? e.stack : e);
  process.exit(1);
});
