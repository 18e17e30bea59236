import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromBase64, Store, eraseAll, storageKey } from '../store.js';

const toBase64 = (bytes) => Buffer.from(bytes).toString('base64');

class FakeStorage {
  constructor() { this.m = new Map(); }
  get length() { return this.m.size; }
  key(i) { return [...this.m.keys()][i] ?? null; }
  getItem(k) { return this.m.has(k) ? this.m.get(k) : null; }
  setItem(k, v) { this.m.set(k, String(v)); }
  removeItem(k) { this.m.delete(k); }
}

test('base64 round trip of every byte value and of large inputs', () => {
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);
  assert.deepEqual(fromBase64(toBase64(all)), all);
  const big = new Uint8Array(200_000).map((_, i) => (i * 31) & 255);
  assert.deepEqual(fromBase64(toBase64(big)), big);
  assert.equal(toBase64(new Uint8Array()), '');
  assert.throws(() => fromBase64('%%%'));
});

test('a key whose read threw is never written (stored data is not lost)', () => {
  const ls = new FakeStorage();
  ls.setItem(storageKey('ns', 'state'), 'precious');
  const broken = Object.create(ls);
  broken.getItem = () => { throw new Error('SecurityError'); };
  broken.setItem = (k, v) => ls.setItem(k, v);
  const fails = [];
  const s = new Store('ns', broken, (e) => fails.push(e));
  assert.equal(s.read('state'), null);
  assert.equal(s.write('state', 'fresh'), false);
  assert.equal(ls.getItem(storageKey('ns', 'state')), 'precious');
  assert.equal(s.read('state'), 'fresh', 'memory keeps the value for this page');
  assert.equal(fails.length, 1);
});

test('a full storage falls back to memory without throwing', () => {
  const ls = new FakeStorage();
  ls.setItem = () => { const e = new Error('full'); e.name = 'QuotaExceededError'; throw e; };
  const fails = [];
  const s = new Store('ns', ls, (e) => fails.push(e.name));
  assert.equal(s.write('state', 'x'), false);
  assert.deepEqual(fails, ['QuotaExceededError']);
});

test('without storage consent nothing reaches storage', () => {
  const ls = new FakeStorage();
  const s = new Store('ns', ls, () => {});
  s._persist = false;
  s.write('state', 'x');
  assert.equal(ls.length, 0);
  assert.equal(s.read('state'), 'x');
});

test('eraseAll removes every trailmark key of every namespace and nothing else', () => {
  const ls = new FakeStorage();
  ls.setItem('trailmark:a:state', '1');
  ls.setItem('trailmark:b:plan', '2');
  ls.setItem('other', '3');
  eraseAll(ls);
  assert.deepEqual([...ls.m.keys()], ['other']);
  eraseAll(null); // never throws
});
