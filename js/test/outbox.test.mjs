// The outbox: as a page goes (pagehide, or hidden), the touchpoints it has pending or in flight
// are written synchronously to localStorage, since its IndexedDB transaction may never commit.
// The next batch of any tab stores them, once (the `done` ids in the profile record), oldest
// first, before its own; a corrupt or unwritable outbox never breaks anything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Trailmark } from '../index.js';
import { Store } from '../store.js';

globalThis.location ??= { href: 'https://shop.example/p/1', pathname: '/p/1' };

class FakeStorage {
  constructor() { this.m = new Map(); }
  get length() { return this.m.size; }
  key(i) { return [...this.m.keys()][i] ?? null; }
  getItem(k) { return this.m.has(k) ? this.m.get(k) : null; }
  setItem(k, v) { this.m.set(k, String(v)); }
  removeItem(k) { this.m.delete(k); }
}

/**
 * A fake IndexedDB: one object store in a Map, readwrite transactions run one after another in
 * the order they were created, whichever connection (tab) made them. A connection's `state`:
 * 'dead' (the page is gone: its transactions abort, none of its code runs), 'silent' (the page
 * goes after its transaction asked for its write: the write commits, the page never hears of
 * it), or a promise (a frozen page: its transactions start
 * when it resolves).
 */
function fakeIdb() {
  const data = new Map();
  let queue = Promise.resolve();
  const connect = () => {
    const conn = { state: null };
    conn.transaction = () => {
      const tx = { error: null };
      const writes = [];
      let aborted = false;
      tx.abort = () => (aborted = true);
      tx.objectStore = () => ({
        get(key) {
          const req = {};
          const run = () => (queue = queue.then(() => new Promise((finished) => setTimeout(() => {
            if (conn.state === 'dead') return finished();
            req.result = structuredClone(data.get(key));
            req.onsuccess();
            setTimeout(() => {
              if (aborted) tx.onabort({});
              else {
                for (const [k, v] of writes) (v === null ? data.delete(k) : data.set(k, structuredClone(v)));
                if (conn.state !== 'silent') tx.oncomplete();
              }
              finished();
            });
          }))));
          if (conn.state && conn.state.then) conn.state.then(run);
          else run();
          return req;
        },
        put: (v, k) => writes.push([k, v]),
        delete: (k) => writes.push([k, null]),
      });
      return tx;
    };
    return conn;
  };
  return { data, connect };
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

/** A tab (page) of namespace "test" sharing `ls` and `idb`; `conn` is its IndexedDB connection. */
function tab(idb, ls, errors = []) {
  const tm = new Trailmark();
  const engine = listEngine();
  tm._rt = engine;
  tm._ns = 'test';
  tm._store = new Store('test', ls, () => {});
  tm.conn = idb.connect();
  tm._dbp = Promise.resolve(tm.conn);
  tm._cap = null;
  tm._decideAndRender = () => {};
  tm.engine = engine;
  tm.on('error', (e) => errors.push(e.code));
  return tm;
}

const stored = (idb) => JSON.parse(new TextDecoder().decode(idb.data.get('test').state));
const outboxKeys = (ls) => [...ls.m.keys()].filter((k) => k.startsWith('trailmark:test:outbox:'));
/** Lets the batch scheduled by the calls just made create its transaction. */
const started = () => new Promise((r) => setImmediate(r));
const quiet = async (fn) => {
  const orig = console.error;
  console.error = () => {};
  try {
    return await fn();
  } finally {
    console.error = orig;
  }
};

test('hiding writes the touchpoints pending and in flight to the outbox, with their times; removed once stored', async () => {
  const idb = fakeIdb();
  const ls = new FakeStorage();
  const a = tab(idb, ls);
  const one = a.track('one', { product_id: 'p1' });
  await started(); // 'one' is in flight
  a._at = 1234; // a call replayed with the time it was made
  const two = a.track('two');
  a._at = 0;
  a._hide();
  const keys = outboxKeys(ls);
  assert.equal(keys.length, 1);
  assert.ok(keys[0].startsWith('trailmark:test:outbox:' + a._tabId + '.'));
  const box = JSON.parse(ls.getItem(keys[0]));
  assert.deepEqual(box.map((t) => t.name), ['one', 'two']);
  assert.deepEqual(box[0].props, { product_id: 'p1' });
  assert.equal(box[1].at, 1234);
  assert.equal(box[0].url, location.href);
  assert.equal(new Set(box.map((t) => t.id)).size, 2);
  a._hide(); // visibilitychange after pagehide: the same outbox is not written twice
  assert.equal(outboxKeys(ls).length, 1);
  await Promise.all([one, two]);
  assert.deepEqual(stored(idb), ['one', 'two']);
  assert.deepEqual(outboxKeys(ls), [], 'the page stayed: its outbox is removed once all is stored');
});

test('a page gone before its transaction commits: the next batch of another tab stores its touchpoints, once', async () => {
  const idb = fakeIdb();
  const ls = new FakeStorage();
  const a = tab(idb, ls);
  a.track('a1');
  await started();
  a.track('a2');
  a._hide();
  a.conn.state = 'dead'; // the navigation tears the page down: its transactions abort
  const b = tab(idb, ls);
  await b.track('b1');
  assert.deepEqual(stored(idb), ['a1', 'a2', 'b1'], 'the outbox first, then the batch');
  assert.deepEqual(outboxKeys(ls), [], 'consumed');
  const c = tab(idb, ls);
  await c.track('c1');
  assert.deepEqual(stored(idb), ['a1', 'a2', 'b1', 'c1'], 'stored exactly once');
});

test('a transaction that commits after all: the done ids keep the outbox from storing it twice', async () => {
  const idb = fakeIdb();
  const ls = new FakeStorage();
  const a = tab(idb, ls);
  a.track('a1');
  await started();
  a._hide();
  a.conn.state = 'silent'; // the page is gone, but the browser lets its transaction commit
  assert.equal(outboxKeys(ls).length, 1, 'no code of the page runs to remove its outbox');
  const [id] = JSON.parse(ls.getItem(outboxKeys(ls)[0])).map((t) => t.id);
  const b = tab(idb, ls); // e.g. the next page of the same tab
  await b.track('b1');
  assert.deepEqual(stored(idb), ['a1', 'b1']);
  assert.ok(idb.data.get('test').done.includes(id));
  assert.deepEqual(outboxKeys(ls), [], 'read, all done, removed');
  assert.deepEqual(b.engine.list, ['a1', 'b1']);
});

test('a page back from the bfcache whose outbox another tab stored meanwhile stores nothing twice', async () => {
  const idb = fakeIdb();
  const ls = new FakeStorage();
  const errors = [];
  const a = tab(idb, ls, errors);
  await a.track('a0');
  let thaw;
  a.conn.state = new Promise((r) => (thaw = r)); // frozen: its transactions wait
  const a1 = a.track('a1');
  a._hide();
  assert.equal(outboxKeys(ls).length, 1);
  const b = tab(idb, ls);
  await b.track('b1');
  assert.deepEqual(stored(idb), ['a0', 'a1', 'b1']);
  a.conn.state = null;
  thaw(); // pageshow with persisted: the page runs again
  await a1;
  assert.deepEqual(stored(idb), ['a0', 'a1', 'b1'], 'a1 is done: not stored again');
  assert.deepEqual(a.engine.list, ['a0', 'a1', 'b1'], 'the tab took the stored profile');
  await a.track('a2');
  assert.deepEqual(stored(idb), ['a0', 'a1', 'b1', 'a2']);
  assert.deepEqual(outboxKeys(ls), []);
  assert.deepEqual(errors, []);
});

test('outbox keys of several tabs are stored oldest first, before the batch; own pending ones are left to their tab', async () => {
  const idb = fakeIdb();
  const ls = new FakeStorage();
  ls.setItem('trailmark:test:outbox:x.1', JSON.stringify([{ id: 'x.1', name: 'x30', at: 30 }]));
  ls.setItem('trailmark:test:outbox:y.5', JSON.stringify([{ id: 'y.3', name: 'y10', at: 10 }, { id: 'y.4', name: 'y40', at: 40 }]));
  ls.setItem('trailmark:test:outbox:y.7', JSON.stringify([{ id: 'y.4', name: 'y40', at: 40 }])); // hidden twice
  ls.setItem('trailmark:other:outbox:z.1', JSON.stringify([{ id: 'z.1', name: 'other namespace', at: 1 }]));
  const b = tab(idb, ls);
  await b.track('b1');
  assert.deepEqual(stored(idb), ['y10', 'x30', 'y40', 'b1']);
  assert.deepEqual(outboxKeys(ls), []);
  assert.ok(ls.getItem('trailmark:other:outbox:z.1'), "another namespace's outbox is not touched");
  assert.deepEqual(idb.data.get('test').done.slice(0, 3).sort(), ['x.1', 'y.3', 'y.4']);
});

test('a corrupt outbox is dropped with one error and breaks nothing', async () => {
  const idb = fakeIdb();
  const ls = new FakeStorage();
  ls.setItem('trailmark:test:outbox:x.1', '{oops');
  ls.setItem('trailmark:test:outbox:y.1', JSON.stringify([{ id: 'y.1', name: 'ok', at: 5 }, 7, { id: 'y.2', at: 6 }]));
  ls.setItem('trailmark:test:outbox:z.1', '{"id":"z.1"}');
  const errors = [];
  const b = tab(idb, ls, errors);
  await quiet(() => b.track('b1'));
  assert.deepEqual(stored(idb), ['ok', 'b1']);
  assert.deepEqual(outboxKeys(ls), []);
  assert.deepEqual(errors, ['storage/corrupt']);
  assert.equal(b.failed, undefined);
});

test('storage that throws: no outbox, nothing thrown, the batch still runs', async () => {
  const idb = fakeIdb();
  const ls = new FakeStorage();
  const errors = [];
  const a = tab(idb, ls, errors);
  ls.setItem = () => { throw Object.assign(new Error('full'), { name: 'QuotaExceededError' }); };
  ls.key = () => { throw new Error('SecurityError'); };
  const one = a.track('one');
  await quiet(() => a._hide());
  await one;
  assert.deepEqual(stored(idb), ['one']);
  assert.deepEqual(errors, ['storage/full']);
  assert.equal(a.failed, undefined);
});

test('props that are not JSON leave the other touchpoints in the outbox', async () => {
  const idb = fakeIdb();
  const ls = new FakeStorage();
  const a = tab(idb, ls);
  const cyclic = {};
  cyclic.self = cyclic;
  a.track('bad', cyclic);
  a.track('good');
  a._hide();
  assert.deepEqual(JSON.parse(ls.getItem(outboxKeys(ls)[0])).map((t) => t.name), ['good']);
});

test('the done list keeps the last 500 ids', async () => {
  const idb = fakeIdb();
  const ls = new FakeStorage();
  const a = tab(idb, ls);
  const calls = [];
  for (let i = 0; i < 510; i++) calls.push(a.track('t' + i));
  await Promise.all(calls);
  const done = idb.data.get('test').done;
  assert.equal(done.length, 500);
  assert.equal(done[499], a._tabId + '.510');
  assert.equal(stored(idb).length, 510);
});

test('an outbox that cannot be read now is kept for a later batch, not dropped', async () => {
  const idb = fakeIdb();
  const ls = new FakeStorage();
  ls.setItem('trailmark:test:outbox:x.1', JSON.stringify([{ id: 'x.1', name: 'x1', at: 1 }]));
  const getItem = ls.getItem;
  ls.getItem = () => { throw new Error('SecurityError'); };
  const errors = [];
  const b = tab(idb, ls, errors);
  await b.track('b1');
  assert.deepEqual(stored(idb), ['b1']);
  assert.equal(outboxKeys(ls).length, 1);
  ls.getItem = getItem;
  await b.track('b2');
  assert.deepEqual(stored(idb), ['b1', 'x1', 'b2']);
  assert.deepEqual(outboxKeys(ls), []);
  assert.deepEqual(errors, []);
});

test('withdrawing storage consent erases every key of the namespace, outbox included, but keeps the choice', async () => {
  const idb = fakeIdb();
  const ls = new FakeStorage();
  const a = tab(idb, ls);
  await a.track('A');
  a.track('B');
  a._hide(); // B is pending: it goes to the outbox
  assert.equal(outboxKeys(ls).length, 1);
  ls.setItem('trailmark:test:some-future-key', '1'); // a key another feature adds
  ls.setItem('trailmark:other:plan', '{}'); // another namespace
  a.consent({ functional: false });
  assert.deepEqual(outboxKeys(ls), []);
  assert.deepEqual([...ls.m.keys()].sort(), ['trailmark:other:plan', 'trailmark:test:consent']);
  assert.deepEqual(JSON.parse(ls.getItem('trailmark:test:consent')), { functional: false });
  await a._chain;
  assert.equal(idb.data.has('test'), false, 'the stored profile is gone');
  // Memory only from now on: hiding writes no outbox.
  a.track('C');
  a._hide();
  assert.deepEqual(outboxKeys(ls), []);
});
