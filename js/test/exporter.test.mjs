// The export's pure parts (js/exporter.js): the Segment batch encoder against the cases the Rust
// reference encoder (`core::export`) also passes, payload splitting at 64 KiB, the retry policy
// (which statuses, jittered exponential backoff, Retry-After).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { segmentBatch, chunks, backoff, retryAfter, retryable, VERSION } from '../exporter.js';

const cases = JSON.parse(readFileSync(new URL('../../tests/cases/export.json', import.meta.url), 'utf8'));

test('batches match the shared cases (tests/cases/export.json)', () => {
  assert.ok(cases.length >= 3);
  for (const [name, input, expected] of cases) {
    const s = input.sender;
    const got = segmentBatch(input.events, { namespace: s.namespace, anonymousId: s.anonymous_id, userId: s.user_id, version: s.version }, input.sent_at);
    assert.deepEqual(JSON.parse(JSON.stringify(got)), expected, name);
  }
});

test('the library version sent is the package version', () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  assert.equal(VERSION, pkg.version);
});

test('payloads are split to at most 64 KiB; an event too large alone is set apart', () => {
  const who = { namespace: 'n', anonymousId: 'a' };
  const big = 'x'.repeat(3000);
  const events = Array.from({ length: 60 }, (_, i) => ({ id: 't.' + i, name: 'E', props: { big }, at: i }));
  events.splice(30, 0, { id: 'huge', name: 'E', props: { big: 'y'.repeat(70000) }, at: 30 });
  const { out, tooLarge } = chunks(events, (list) => JSON.stringify(segmentBatch(list, who, 0)));
  assert.deepEqual(tooLarge.map((e) => e.id), ['huge']);
  assert.ok(out.length >= 3);
  for (const c of out) assert.ok(new TextEncoder().encode(c.text).length <= 65536);
  const sent = out.flatMap((c) => c.events.map((e) => e.id));
  assert.deepEqual(sent, events.filter((e) => e.id !== 'huge').map((e) => e.id), 'every other event once, in order');
  const ids = out.flatMap((c) => JSON.parse(c.text).batch.map((b) => b.messageId));
  assert.equal(new Set(ids).size, 60);
});

test('retried: network errors, 408, 429, 5xx; not other 4xx', () => {
  for (const s of [0, 408, 429, 500, 502, 503, 504]) assert.equal(retryable(s), true, String(s));
  for (const s of [400, 401, 403, 404, 413, 422]) assert.equal(retryable(s), false, String(s));
});

test('backoff doubles from the base with jitter in [d/2, d], capped at 5 minutes', () => {
  assert.equal(backoff(0, 1000, () => 0), 500);
  assert.equal(backoff(0, 1000, () => 1), 1000);
  assert.equal(backoff(3, 1000, () => 1), 8000);
  assert.equal(backoff(3, 1000, () => 0), 4000);
  assert.equal(backoff(30, 1000, () => 1), 300000);
  const seen = new Set(Array.from({ length: 20 }, () => backoff(2, 1000)));
  assert.ok(seen.size > 1, 'jittered');
  for (const d of seen) assert.ok(d >= 2000 && d <= 4000);
});

test('Retry-After in seconds or as a date, capped at an hour; anything else is 0', () => {
  assert.equal(retryAfter('2'), 2000);
  assert.equal(retryAfter('0'), 0);
  assert.equal(retryAfter(null), 0);
  assert.equal(retryAfter('soon'), 0);
  assert.equal(retryAfter('999999'), 3600000);
  const now = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(retryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now), 30000);
});
