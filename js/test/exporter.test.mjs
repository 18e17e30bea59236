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

// The Exporter with fakes: no IndexedDB (the queue in memory), a fake fetch and sendBeacon.
import { Exporter } from '../exporter.js';

function fakeTm() {
  const errors = [];
  return { errors, _ns: 'n', _traits: { user_id: 'u1' }, _store: { _durable: true, read: () => 'anon', write() {} }, _report: (e) => errors.push(e.code) };
}
function fakeGlobal(answer) {
  const g = { location: { href: 'https://shop.test/p' }, navigator: {}, calls: [], beacons: [] };
  g.fetch = (url, init) => {
    g.calls.push({ url, init, events: JSON.parse(init.body).batch });
    return answer(init);
  };
  g.navigator.sendBeacon = (url, blob) => (g.beacons.push({ url, type: blob.type }), true);
  return g;
}
const cfg = { url: '/v1/batch', batch_size: 2, flush_seconds: 3600, max_queue: 3, retry_ms: 100 };
const tp = (n) => ({ id: 'tab.' + n, name: 'E' + n, props: { n }, url: 'https://shop.test/p', at: 1000 + n });
const settle = () => new Promise((r) => setTimeout(r, 20));

test('exporter: batches of batch_size to the resolved URL, accepted events leave the queue, queue bounded by max_queue', async () => {
  const g = fakeGlobal(async () => ({ status: 200, headers: { get: () => null } }));
  const x = new Exporter(fakeTm(), cfg, g);
  for (let i = 1; i <= 5; i++) x.add(tp(i));
  assert.deepEqual([...x.mine.values()].map((e) => e.id), ['tab.3', 'tab.4', 'tab.5'], 'the oldest dropped beyond max_queue');
  await x.run();
  await x.run();
  await settle();
  assert.equal(g.calls[0].url, 'https://shop.test/v1/batch');
  assert.equal(g.calls[0].init.keepalive, false);
  assert.equal(g.calls[0].init.credentials, 'omit');
  assert.deepEqual(g.calls.map((c) => c.events.map((e) => e.messageId)), [['tm-n-tab.3', 'tm-n-tab.4'], ['tm-n-tab.5']]);
  assert.equal(g.calls[0].events[0].userId, 'u1');
  assert.equal(x.mine.size, 0);
  x.clear(true);
});

test('exporter: as the page goes, keepalive; a refused keepalive falls back to sendBeacon; events stay queued until confirmed', async () => {
  const g = fakeGlobal((init) => (init.keepalive ? Promise.reject(new TypeError('keepalive refused')) : new Promise(() => {})));
  const x = new Exporter(fakeTm(), cfg, g);
  x.add(tp(1));
  x.hide();
  await settle();
  assert.equal(g.calls.length, 1);
  assert.equal(g.calls[0].init.keepalive, true);
  assert.deepEqual(g.beacons, [{ url: 'https://shop.test/v1/batch', type: 'text/plain' }]);
  assert.equal(x.mine.size, 1, 'a beacon is never a confirmation: the next page sends it again (same messageId)');
  x.clear(true);
});

test('exporter: an event in an unanswered request is not sent again meanwhile; clear() aborts it and empties the queue', async () => {
  let aborted = false;
  const g = fakeGlobal((init) => new Promise((resolve, reject) => init.signal.addEventListener('abort', () => ((aborted = true), reject(new DOMException('aborted', 'AbortError'))))));
  const x = new Exporter(fakeTm(), cfg, g);
  x.add(tp(1));
  const first = x.run();
  await settle();
  x.hide(); // tab.1 is in flight: nothing more to send
  await x.run();
  assert.equal(g.calls.length, 1);
  await x.clear(true);
  await first;
  assert.equal(aborted, true);
  assert.equal(x.mine.size, 0);
  x.add(tp(2));
  assert.equal(x.mine.size, 0, 'stopped: nothing queued');
});

test('exporter: 400 drops the batch with one export/rejected error; 503 keeps it for a retry', async () => {
  let status = 503;
  const g = fakeGlobal(async () => ({ status, headers: { get: () => null } }));
  const tm = fakeTm();
  const x = new Exporter(tm, cfg, g);
  x.add(tp(1));
  await x.run();
  assert.equal(x.mine.size, 1);
  assert.ok(x.wait > Date.now(), 'a retry is scheduled later');
  status = 400;
  x.wait = 0;
  await x.run();
  assert.equal(x.mine.size, 0);
  assert.deepEqual(tm.errors, ['export/rejected']);
  x.clear(true);
});

test('exporter: props that are not JSON never block the queue (BigInt as text, functions left out, a cycle dropped)', async () => {
  const g = fakeGlobal(async () => ({ status: 200, headers: { get: () => null } }));
  const tm = fakeTm();
  const x = new Exporter(tm, { ...cfg, batch_size: 10, max_queue: 10 }, g);
  const cyclic = { a: 1 };
  cyclic.self = cyclic;
  x.add({ ...tp(1), props: { big: 10n, fn() {}, ok: 'yes' } });
  x.add({ ...tp(2), props: cyclic });
  x.add(tp(3));
  try {
    await x.run();
    assert.equal(g.calls.length, 1);
    assert.deepEqual(g.calls[0].events.map((e) => e.messageId), ['tm-n-tab.1', 'tm-n-tab.3']);
    assert.deepEqual(g.calls[0].events[0].properties, { big: '10', ok: 'yes' });
    assert.deepEqual(tm.errors, ['export/invalid']);
    assert.equal(x.mine.size, 0, 'delivered: nothing stuck');
  } finally {
    x.clear(true);
  }
});

test('exporter: as the page goes, one request of at most batch_size events', async () => {
  const g = fakeGlobal(() => new Promise(() => {}));
  const x = new Exporter(fakeTm(), { ...cfg, batch_size: 2, max_queue: 10 }, g);
  for (let i = 1; i <= 5; i++) x.mine.set(x.key('tab.' + i), tp(i));
  try {
    x.hide();
    await settle();
    assert.equal(g.calls.length, 1);
    assert.deepEqual(g.calls[0].events.map((e) => e.messageId), ['tm-n-tab.1', 'tm-n-tab.2']);
    assert.equal(g.calls[0].init.keepalive, true);
  } finally {
    await x.clear(true);
  }
});

test('exporter: without storage consent (or in a cross-site frame) the queue is never written to IndexedDB', async () => {
  const g = fakeGlobal(() => new Promise(() => {}));
  let opened = 0;
  g.indexedDB = { open: () => (opened++, {}) };
  const x = new Exporter({ ...fakeTm(), _store: { _durable: false, read: () => 'anon', write() {} } }, cfg, g);
  try {
    x.add(tp(1));
    await settle();
    assert.equal(opened, 0);
    assert.equal(x.mine.size, 1, 'kept in memory');
  } finally {
    await x.clear(true);
  }
});

test('exporter: a Retry-After on any retried status (408, 5xx, 429) is honoured', async () => {
  for (const status of [408, 500, 429]) {
    const g = fakeGlobal(async () => ({ status, headers: { get: (h) => (h === 'Retry-After' ? '30' : null) } }));
    const x = new Exporter(fakeTm(), cfg, g);
    try {
      x.add(tp(1));
      const before = Date.now();
      await x.run();
      assert.ok(x.wait >= before + 30000, status + ': no retry sooner than Retry-After');
    } finally {
      await x.clear(true);
    }
  }
});
