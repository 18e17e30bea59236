// The runtime's privacy plumbing with a fake engine (no browser, no wasm): retention applied as a
// queue item while running, purposes resolved from the choice and the page's signals, a CMP
// still deciding holds slots, measurement withdrawn stops the exporter and drops its queue.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Trailmark } from '../index.js';
import { Store } from '../store.js';
import { PENDING } from '../consent.js';

globalThis.location ??= { href: 'https://shop.example/p/1', pathname: '/p/1' };

function instance(log) {
  const tm = new Trailmark();
  tm._rt = {
    ingest: (name) => (log.push(name), { effects: [], persist: true }),
    applyRetention: () => (log.push('retention'), true),
    tick: () => ({ effects: [], persist: false }),
    nextDeadline: () => undefined,
    encode: () => new Uint8Array([1]),
    stage: () => [],
    journey: () => ({}),
    lifecycle: () => ({}),
    decide: () => (log.push('decide'), []),
    export: () => ({ format: 'trailmark-export/1' }),
    forget() {},
  };
  tm._ns = 'test';
  tm._store = new Store('test', null, () => {});
  tm._cap = null;
  tm._priv = { consent: { functional: true, personalization: true, measurement: false }, gpc: { export: false, personalization: true } };
  tm._consentReady = true;
  tm._purposes = tm._resolve();
  return tm;
}

test('retention runs as a queue item while the page is open', async () => {
  const log = [];
  const tm = instance(log);
  await tm._enqueue({ kind: 'retention' });
  assert.deepEqual(log.filter((l) => l !== 'decide'), ['retention']);
});

test('the choice wins over a CMP; GPC removes measurement; export() tells the privacy state', () => {
  const tm = instance([]);
  tm._gpc = true;
  tm._signal('tcf', { functional: true, personalization: false, measurement: true });
  assert.deepEqual(tm.consent(), { functional: true, personalization: false, measurement: false });
  tm.consent({ personalization: true });
  assert.equal(tm.consent().personalization, true);
  const p = tm.export().privacy;
  assert.deepEqual(p.purposes, { functional: true, personalization: true, measurement: false });
  assert.deepEqual(p.choice, { personalization: true });
  assert.equal(p.tcf, 'decided');
  assert.equal(p.global_privacy_control, true);
  assert.equal(p.storage, 'memory', 'no localStorage in this test');
});

test('while a CMP decides nothing is decided; its answer decides', () => {
  const log = [];
  const tm = instance(log);
  tm.ready = true;
  tm._signal('tcf', PENDING);
  tm._decideAndRender();
  assert.ok(!log.includes('decide'), 'held');
  tm._signal('tcf', { functional: false, personalization: true, measurement: false });
  assert.ok(log.includes('decide'), 'decided once the CMP answered');
});

test('withdrawing measurement stops the exporter and drops its queue at once', () => {
  const tm = instance([]);
  const calls = [];
  tm._priv.export = { url: '/c' };
  tm._exp = { clear: (stop) => calls.push(stop), add() {} };
  tm._purposes = { functional: true, personalization: true, measurement: true };
  tm.consent({ measurement: false });
  assert.deepEqual(calls, [true]);
  assert.equal(tm._exp, null);
});

test('forget() keeps a refusal: the stored choice survives, so storage does not resume', async () => {
  const m = new Map();
  const ls = { get length() { return m.size; }, key: (i) => [...m.keys()][i] ?? null, getItem: (k) => (m.has(k) ? m.get(k) : null), setItem: (k, v) => m.set(k, String(v)), removeItem: (k) => m.delete(k) };
  const tm = instance([]);
  tm._store = new Store('test', ls, () => {});
  tm.consent({ functional: false });
  assert.equal(tm._store._persist, false);
  m.set('trailmark:test:plan', '{}');
  globalThis.localStorage = ls; // forget() erases the page's localStorage
  try {
    await tm.forget();
  } finally {
    delete globalThis.localStorage;
  }
  assert.deepEqual([...m.keys()], ['trailmark:test:consent']);
  assert.deepEqual(JSON.parse(m.get('trailmark:test:consent')), { functional: false });
  assert.equal(tm.consent().functional, false);
});

test('withdrawing measurement in one tab stops the exporter of another open tab and drops its queue', async () => {
  const a = instance([]);
  const b = instance([]);
  const calls = [];
  for (const tm of [a, b]) {
    tm._priv.export = { url: '/c' };
    tm._listenTabs(globalThis);
  }
  b._choice = { measurement: true };
  b._purposes = b._resolve();
  b._exp = { clear: (stop) => calls.push(stop), add() {} };
  try {
    a.consent({ measurement: false });
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(calls, [true], 'the other tab dropped its queue');
    assert.equal(b._exp, null);
    assert.equal(b.consent().measurement, false);
  } finally {
    a._bc.close();
    b._bc.close();
  }
});

test('forget() drops touchpoints still waiting for the exporter, a CMP or storage consent', async () => {
  const log = [];
  const tm = instance(log);
  tm._priv.export = { url: '/c' };
  tm._readStored = false; // memory only so far: this page's touchpoints are kept for a later grant
  tm._store._persist = false;
  const loading = (tm._expWait = []); // the exporter is loading
  await tm.track('Before Forget');
  assert.equal(loading.length, 1);
  tm._expWait = null; // (another moment: no exporter, a CMP deciding)
  tm._signals.tcf = PENDING;
  await tm.track('Held For The CMP');
  assert.equal(tm._held.length, 1);
  tm._expWait = loading;
  await tm.forget();
  assert.deepEqual(loading, [], 'nothing of the forgotten visitor reaches the exporter once loaded');
  assert.deepEqual(tm._held, [], 'nor when the CMP grants measurement');
  log.length = 0;
  tm._signal('tcf', { functional: true, personalization: true, measurement: false });
  await tm._chain;
  await new Promise((r) => setTimeout(r, 10));
  assert.ok(!log.includes('Before Forget') && !log.includes('Held For The CMP'), 'storage granted later does not bring them back: ' + log);
});

test('a CMP still deciding does not drop the export queue an earlier page left; a refusal does', async () => {
  const tm = instance([]);
  tm._priv.export = { url: '/c' };
  let looked = 0;
  globalThis.indexedDB = { databases: async () => (looked++, []) };
  try {
    tm._signal('tcf', PENDING);
    assert.equal(looked, 0, 'the queue is kept while the CMP decides');
    tm._signal('tcf', { functional: true, personalization: true, measurement: false });
    assert.equal(looked, 1, 'refused: the queue is dropped');
  } finally {
    delete globalThis.indexedDB;
  }
});

test('the page id behind every exported messageId carries 64 random bits (collectors drop repeated ids)', () => {
  const ids = Array.from({ length: 200 }, () => new Trailmark()._tabId);
  for (const id of ids) assert.match(id, /^[0-9a-z]{14}$/);
  assert.equal(new Set(ids).size, ids.length);
});

test('forget() in another tab erases this tab\'s sessionStorage keys too (sessionStorage is per tab)', async () => {
  const m = new Map([['trailmark:test:debug', '[]'], ['other', 'kept']]);
  const ss = { get length() { return m.size; }, key: (i) => [...m.keys()][i] ?? null, getItem: (k) => (m.has(k) ? m.get(k) : null), setItem: (k, v) => m.set(k, String(v)), removeItem: (k) => m.delete(k) };
  const tm = instance([]);
  globalThis.sessionStorage = ss;
  tm._listenTabs(globalThis);
  const other = new BroadcastChannel('trailmark:test');
  try {
    other.postMessage({ t: 'forget' });
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual([...m.keys()], ['other']);
  } finally {
    other.close();
    tm._bc.close();
    delete globalThis.sessionStorage;
  }
});

test('refusing storage takes a running exporter\'s queue out of IndexedDB', () => {
  const tm = instance([]);
  const calls = [];
  tm._priv.export = { url: '/c' };
  tm._choice = { measurement: true };
  tm._purposes = tm._resolve();
  tm._exp = { memoryOnly: async () => calls.push('memoryOnly'), clear: () => calls.push('clear'), add() {} };
  tm.consent({ functional: false });
  assert.deepEqual(calls, ['memoryOnly'], 'measurement still allowed: the exporter runs on, in memory');
  assert.ok(tm._exp);
});
