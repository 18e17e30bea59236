// Turns bench/results/latest.json into the markdown table (latest.md and the README block between
// <!-- bench:start --> and <!-- bench:end -->) and the SVG chart. Pure functions of the results
// file, so bench/test/readme.test.mjs can regenerate the block and compare it with the README.

import { readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCH = dirname(fileURLToPath(import.meta.url));
export const README = join(BENCH, '..', 'README.md');
export const START = '<!-- bench:start -->';
export const END = '<!-- bench:end -->';

export function median(xs) {
  const v = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

function range(xs) {
  const v = xs.filter((x) => typeof x === 'number' && Number.isFinite(x));
  return v.length ? [Math.min(...v), Math.max(...v)] : null;
}

/** `digits`-rounded number with thousands separators. */
function num(x, digits = 0) {
  if (x == null) return '–';
  return x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** "median (min–max)" of a metric; "n/a" when no sample has it. */
function cell(xs, digits = 0, scale = 1) {
  const m = median(xs);
  if (m == null) return 'n/a';
  const [lo, hi] = range(xs);
  const a = num(m / scale, digits);
  const l = num(lo / scale, digits);
  const h = num(hi / scale, digits);
  return l === h ? a : `${a} (${l}–${h})`;
}

const kb = (b) => num(b / 1024, 1);

/** The metrics of the main table: [key, header, accessor(sample), digits, scale]. */
export const METRICS = [
  ['ready_ms', 'time to ready, ms', (s) => s.ready_ms, 1, 1],
  ['startup_script_ms', 'start-up script time, ms', (s) => s.startup_script_ms, 1, 1],
  ['heap', 'JS heap after start, KiB', (s) => s.heap_bytes, 0, 1024],
  ['track_sync_us', '`track` call, µs', (s) => s.track_sync_us, 1, 1],
  ['track_script_us', 'deferred script time per `track` (timers, callbacks after the calls), µs', (s) => s.track_script_us, 1, 1],
  ['storage', 'storage after 10,000 events, KiB', (s) => (s.storage ? s.storage.total : null), 0, 1024],
  ['left', 'requests that tried to leave', (s) => s.left, 0, 1],
];

function samplesOf(subject, f) {
  return subject.samples.map(f);
}

export function markdown(r) {
  const L = [];
  const date = r.date.slice(0, 10);
  L.push(`Measured ${date} with \`cargo xtask bench\` in headless Chromium ${r.chromium} on ${r.machine.nproc} cores (${r.machine.cpu}), ` +
    `${r.reps} repetitions, subjects interleaved, a fresh browser context per sample; one run took ${Math.round(r.duration_s / 60)} min. ` +
    `Cells: median (min–max). Chart: [bench/results/latest.svg](bench/results/latest.svg); raw samples: [bench/results/latest.json](bench/results/latest.json); method: [bench/README.md](bench/README.md).`);
  L.push('');
  L.push('| subject | version | first load raw / gzip / brotli, KiB | ' + METRICS.map((m) => m[1]).join(' | ') + ' |');
  L.push('| --- | --- | --- | ' + METRICS.map(() => '---').join(' | ') + ' |');
  for (const s of r.subjects) {
    const size = s.size && s.size.raw ? `${kb(s.size.raw)} / ${kb(s.size.gzip)} / ${kb(s.size.brotli)}` : '0';
    const cells = METRICS.map(([key, , f, d, sc]) => {
      let c = cell(samplesOf(s, f), d, sc);
      if (key === 'storage') {
        const reached = s.samples.map((x) => x.storage_events).filter((n) => typeof n === 'number' && n < r.params.N_STORAGE);
        if (reached.length) c += ` after ${num(median(reached))} events †`;
      }
      return c;
    });
    L.push(`| ${s.label} | ${s.version || ''} | ${size} | ${cells.join(' | ')} |`);
  }
  L.push('');
  if (r.subjects.some((s) => s.samples.some((x) => typeof x.storage_events === 'number' && x.storage_events < r.params.N_STORAGE))) {
    L.push(`† did not reach 10,000 events within ${r.params.STORAGE_BUDGET_MS / 1000} s of tracking (per-event cost grows with its queue); storage at the median number of events reached.`);
    L.push('');
  }
  const tm = r.subjects.find((s) => s.id === 'trailmark');
  if (tm) {
    const pg = r.trailmark_page || [];
    L.push('Trailmark doing its whole job on the 10-slot page (capture on, default journeys; every `track` is ingested, inferred, stored in IndexedDB and decided):');
    L.push('');
    L.push('| Trailmark | bench page | standalone page (`bench/pages/trailmark.html`) |');
    L.push('| --- | --- | --- |');
    const row = (name, a, b) => L.push(`| ${name} | ${a} | ${b} |`);
    row('time to ready, ms', cell(samplesOf(tm, (s) => s.ready_ms), 1), cell(pg.map((p) => p.ready_ms), 1));
    row('`track()` call (synchronous part), µs', cell(samplesOf(tm, (s) => s.track_sync_us), 1), cell(pg.map((p) => p.track_sync_us), 1));
    row('1,000 `track()` until all promises resolved, µs per event', cell(samplesOf(tm, (s) => s.track_settled_us), 1), cell(pg.map((p) => p.track_settled_us), 1));
    row('`await track()` one at a time, ms', cell(samplesOf(tm, (s) => s.track_awaited_ms), 2), cell(pg.map((p) => p.track_awaited_ms), 2));
    row('`decide()` (returns the current decisions of the 10 slots), µs', cell(samplesOf(tm, (s) => s.decide_us), 2), cell(pg.map((p) => p.decide_us), 2));
    row('engine decision for the 10 slots with explanations (`Runtime.decide`, what every batch runs), µs', cell(samplesOf(tm, (s) => s.engine_decide_us), 1), cell(pg.map((p) => p.engine_decide_us), 1));
    row('decide + render + store the plan, µs', cell(samplesOf(tm, (s) => s.decide_render_us), 1), 'not measured');
    row('wasm memory after start, KiB', cell(samplesOf(tm, (s) => s.wasm_bytes), 0, 1024), cell(pg.map((p) => p.wasm_bytes), 0, 1024));
    row('wasm memory after 10,000 events, KiB', cell(samplesOf(tm, (s) => s.wasm_after_bytes), 0, 1024), cell(pg.map((p) => p.wasm_after_bytes), 0, 1024));
    row('decision for 20 prompts with caps and explanation (prompts.js `decide` over `Runtime.memory` and `Runtime.conditions`), µs', cell(samplesOf(tm, (s) => s.engine_prompt_us), 1), cell(pg.map((p) => p.engine_prompt_us), 1));
    row('engine decisions for a page of 10 slots and 20 prompts, µs', cell(samplesOf(tm, (s) => s.engine_page_us), 1), cell(pg.map((p) => p.engine_page_us), 1));
    L.push('');
  }
  const deciders = r.subjects.filter((s) => s.samples.some((x) => typeof x.decide_us === 'number') && s.id !== 'trailmark');
  if (deciders.length) {
    L.push('Decision latency of the flag / experiment SDKs for comparison (one flag, no flags loaded since their API is unreachable, so this is their fast path), µs: ' +
      deciders.map((s) => `${s.label} ${cell(samplesOf(s, (x) => x.decide_us), 2)}`).join('; ') + '.');
    L.push('');
  }
  L.push('Script-tag form of each subject: ' + r.subjects.map((s) => `${s.label}: ${s.form}`).join('; ') + '.');
  L.push('');
  const notes = notesOf(r);
  if (notes.length) {
    for (const n of notes) L.push(`- ${n}`);
    L.push('');
  }
  L.push(stability(r));
  return L.join('\n') + '\n';
}

/** Observations the table cannot show: SDKs that never became ready, errors, hosts they tried. */
function notesOf(r) {
  const notes = [];
  for (const s of r.subjects) {
    const notReady = s.samples.filter((x) => x.ready_ms == null).length;
    if (notReady) notes.push(`${s.label}: its ready signal did not come within ${r.params.READY_TIMEOUT_MS / 1000} s in ${notReady} of ${s.samples.length} samples (time to ready: n/a there; the other metrics were still measured).`);
    const hosts = [...new Set(s.samples.flatMap((x) => x.left_hosts || []))];
    if (hosts.length) notes.push(`${s.label} tried: ${hosts.join(', ')}.`);
    const errs = [...new Set(s.samples.flatMap((x) => x.errors || []).map((e) => e.slice(0, 120)))];
    if (errs.length) notes.push(`${s.label} page errors (${errs.length} distinct): ${errs.slice(0, 2).map((e) => '`' + e.replace(/`/g, "'").replace(/\|/g, '/') + '`').join('; ')}.`);
  }
  return notes;
}

/** Relative difference of medians between this run and the previous one (recorded by run.mjs). */
export function compare(now, prev) {
  if (!prev || !prev.subjects) return null;
  const floors = { ready_ms: 1, startup_script_ms: 1, heap: 1, track_sync_us: 0.5, track_script_us: 0.5, storage: 1024, left: 1 };
  const per = {};
  for (const [key, , f] of METRICS) {
    let worst = 0;
    let who = null;
    for (const s of now.subjects) {
      const p = prev.subjects.find((x) => x.id === s.id);
      if (!p) continue;
      const a = median(samplesOf(s, f));
      const b = median(samplesOf(p, f));
      if (a == null || b == null || Math.max(Math.abs(a), Math.abs(b)) < floors[key]) continue;
      const d = Math.abs(a - b) / Math.max(Math.abs(b), floors[key]);
      if (d > worst) {
        worst = d;
        who = s.id;
      }
    }
    per[key] = { max_pct: Math.round(worst * 1000) / 10, subject: who };
  }
  return { previous_date: prev.date, per_metric: per };
}

function stability(r) {
  const c = r.stability;
  if (!c) return 'Stability: no earlier run on this machine to compare with.';
  const parts = METRICS.map(([key, header]) => `${header.replace(/`/g, '')} ±${num(c.per_metric[key].max_pct, 1)}%${c.per_metric[key].subject ? ` (${c.per_metric[key].subject})` : ''}`);
  return `Stability: compared with the run of ${c.previous_date.slice(0, 16).replace('T', ' ')} UTC on the same machine, the largest change of a median per metric (values below 1 ms / 0.5 µs / 1 KiB / 1 request ignored) was: ${parts.join('; ')}. Sizes are exact.`;
}

// ---- chart ------------------------------------------------------------------------------------------

function esc(s) {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');
}

/** Two horizontal bar charts side by side: first-load brotli KB, and script µs per `track`. */
export function svg(r) {
  const rows = r.subjects;
  const W = 960;
  const rowH = 22;
  const top = 56;
  const labelW = 190;
  const panelW = (W - labelW - 40) / 2;
  const H = top + rows.length * rowH + 40;
  const panels = [
    { title: 'first load, KiB brotli', value: (s) => (s.size ? s.size.brotli / 1024 : 0), digits: 1, color: '#4e79a7' },
    { title: 'main-thread µs per track: call + deferred (median)', value: (s) => (median(s.samples.map((x) => x.track_sync_us)) || 0) + (median(s.samples.map((x) => x.track_script_us)) || 0), digits: 1, color: '#e15759' },
  ];
  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  out.push(`<text x="10" y="20" font-size="14" font-weight="bold">Trailmark and peers in headless Chromium ${esc(r.chromium)}, ${esc(r.date.slice(0, 10))}, ${r.machine.nproc} cores</text>`);
  rows.forEach((s, i) => {
    const y = top + i * rowH;
    out.push(`<text x="${labelW - 8}" y="${y + 15}" text-anchor="end"${s.id === 'trailmark' ? ' font-weight="bold"' : ''}>${esc(s.label)}</text>`);
  });
  panels.forEach((p, k) => {
    const x0 = labelW + k * (panelW + 20);
    const max = Math.max(...rows.map(p.value), 1e-9);
    out.push(`<text x="${x0}" y="${top - 12}" font-weight="bold">${esc(p.title)}</text>`);
    out.push(`<line x1="${x0}" y1="${top - 4}" x2="${x0}" y2="${top + rows.length * rowH}" stroke="#999"/>`);
    rows.forEach((s, i) => {
      const v = p.value(s);
      const w = Math.max(0, ((panelW - 70) * v) / max);
      const y = top + i * rowH;
      out.push(`<rect x="${x0}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowH - 6}" fill="${s.id === 'trailmark' ? '#f28e2b' : p.color}"/>`);
      out.push(`<text x="${(x0 + w + 4).toFixed(1)}" y="${y + 15}">${num(v, p.digits)}</text>`);
    });
  });
  out.push(`<text x="10" y="${H - 12}" fill="#555">Generated by cargo xtask bench from bench/results/latest.json (${r.reps} repetitions).</text>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}

// ---- README ------------------------------------------------------------------------------------------

/** The README text between the markers (without them). */
export function readmeBlock(r) {
  return '\n' + markdown(r);
}

export function updateReadme(r) {
  const text = readFileSync(README, 'utf8');
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a < 0 || b < a) throw new Error(`README.md has no ${START} ... ${END} block (put it at the end of the "## Numbers" section)`);
  writeFileSync(README, text.slice(0, a + START.length) + readmeBlock(r) + text.slice(b));
}
