// The IndexedDB profile batch, with a fake database: one transaction per batch, the stored
// profile taken when another tab changed it, nothing half-stored when a transaction fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Trailmark } from '../index.js';
import { Store } from '../store.js';

globalThis.location ??= { href: 'https://shop.example/p/1', pathname: '/p/1' };

/** A fake IDBDatabase holding one object store in a Map; `failNext` aborts commits. */
function fakeDb() {
  const data = new Map();
  const db = { data, failNext: 0, transactions: 0, queue: Promise.resolve() };
  db.transaction = () => {
    db.transactions++;
    const tx = { error: null };
    const writes = [];
    let aborted = false;
    tx.abort = () => (aborted = true);
    tx.objectStore = () => ({
      // Like IndexedDB, readwrite transactions on the store run one after another.
      get(key) {
        const req = {};
        db.queue = db.queue.then(() => new Promise((finished) => setTimeout(() => {
          req.result = structuredClone(data.get(key));
          req.onsuccess();
          setTimeout(() => {
            if (!aborted && db.failNext > 0) {
              db.failNext--;
              tx.error = Object.assign(new Error('full'), { name: 'QuotaExceededError' });
              aborted = true;
            }
            if (aborted) tx.onabort({});
            else {
              for (const [k, v] of writes) (v === null ? data.delete(k) : data.set(k, structuredClone(v)));
              tx.oncomplete();
            }
            finished();
          });
        })));
        return req;
      },
      put: (v, k) => writes.push([k, v]),
      delete: (k) => writes.push([k, null]),
    });
    return tx;
  };
  return db;
}

/** An engine whose state is the list of touchpoint names. */
function listEngine() {
  let list = [];
  return {
    get list() { return list; },
    ingest(name) { list.push(name); return { effects: [], persist: true }; },
    tick: () => ({ effects: [], persist: false }),
    nextDeadline: () => undefined,
    encode: () => new TextEncoder().encode(JSON.stringify(list)),
    reload(bytes) { list = JSON.parse(new TextDecoder().decode(bytes)); },
    forget() { list = []; },
    stage: () => [],
    journey: () => ({}),
    lifecycle: () => ({}),
    export: () => ({}),
  };
}

function tab(db, engine) {
  const tm = new Trailmark();
  tm._rt = engine;
  tm._ns = 'test';
  tm._store = new Store('test', { getItem: () => null, setItem() {}, removeItem() {} }, () => {});
  tm._dbp = Promise.resolve(db);
  tm._cap = null;
  tm._decideAndRender = () => {};
  return tm;
}

const stored = (db) => JSON.parse(new TextDecoder().decode(db.data.get('test').state));

test('two tabs interleaving batches store every touchpoint exactly once', async () => {
  const db = fakeDb();
  const [a, b] = [tab(db, listEngine()), tab(db, listEngine())];
  const calls = [];
  for (let i = 0; i < 20; i++) {
    calls.push(a.track('a' + i));
    if (i % 3 === 0) await new Promise((r) => setTimeout(r));
    calls.push(b.track('b' + i));
  }
  await Promise.all(calls);
  const names = stored(db);
  assert.equal(names.length, 40);
  assert.equal(new Set(names).size, 40);
});

test('a failed transaction stores nothing, rolls back and retries; a second failure goes to memory', async () => {
  const db = fakeDb();
  const engine = listEngine();
  const tm = tab(db, engine);
  const errors = [];
  tm.on('error', (e) => errors.push(e.code));
  const orig = console.error;
  console.error = () => {};
  try {
    await tm.track('one');
    db.failNext = 1;
    await tm.track('two');
    assert.deepEqual(stored(db), ['one', 'two'], 'stored once, by the retry');
    assert.deepEqual(engine.list, ['one', 'two'], 'memory holds it once');
    db.failNext = 2;
    await tm.track('three');
    assert.deepEqual(stored(db), ['one', 'two'], 'nothing half-stored');
    assert.deepEqual(engine.list, ['one', 'two', 'three'], 'kept in memory, once');
  } finally {
    console.error = orig;
  }
  assert.deepEqual(errors, ['storage/full']);
  assert.equal(tm.failed, undefined);
});
