// The README's browser-benchmark block, bench/results/latest.md and the chart are what
// bench/report.mjs makes of bench/results/latest.json: regenerate them and compare, so the
// numbers in the README cannot drift from the committed results. Also: the standalone Trailmark
// page has the same 10-slot body as the bench page. Run: node --test bench/test/
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { markdown, svg, readmeBlock, README, START, END } from '../report.mjs';
import { body } from '../page.mjs';

const BENCH = join(dirname(fileURLToPath(import.meta.url)), '..');
const results = JSON.parse(readFileSync(join(BENCH, 'results', 'latest.json'), 'utf8'));

test("the README's benchmark block is generated from bench/results/latest.json", () => {
  const text = readFileSync(README, 'utf8');
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  assert.ok(a >= 0 && b > a, `README.md has a ${START} ... ${END} block`);
  assert.equal(text.slice(a + START.length, b), readmeBlock(results), 'README block differs from the results: run `cargo xtask bench` (or `node bench/report-update.mjs`) again');
});

test('bench/results/latest.md and latest.svg are generated from latest.json', () => {
  assert.equal(readFileSync(join(BENCH, 'results', 'latest.md'), 'utf8'), markdown(results));
  assert.equal(readFileSync(join(BENCH, 'results', 'latest.svg'), 'utf8'), svg(results));
});

test('the results cover every subject with samples', () => {
  assert.ok(results.reps >= 3, 'at least 3 repetitions');
  for (const s of results.subjects) assert.equal(s.samples.length, results.reps, `${s.id}: one sample per repetition`);
  assert.ok(results.subjects.some((s) => s.id === 'trailmark'));
  assert.ok(results.chromium && results.machine && results.machine.nproc && results.machine.cpu);
});

test('the standalone Trailmark page has the bench page body (10 slots)', () => {
  const page = readFileSync(join(BENCH, 'pages', 'trailmark.html'), 'utf8');
  assert.ok(page.includes(body()), 'bench/pages/trailmark.html embeds body() of bench/page.mjs');
  assert.equal((body().match(/<section data-tm-slot=/g) || []).length, 10);
});
