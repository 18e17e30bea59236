// The head loader's stub (js/loader.js, run here in a VM with a minimal page): a call made before
// the runtime loads returns a promise that settles with the runtime's answer once it is replayed,
// so `await trailmark.forget()` made early resolves only after the deletion, as documented.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import vm from 'node:vm';
import { Trailmark } from '../index.js';
import { Store } from '../store.js';

globalThis.location ??= { href: 'https://shop.example/p/1', pathname: '/p/1' };

function page(localStorage = {}) {
  const script = { src: 'https://shop.example/trailmark/loader.js', getAttribute: (a) => (a === 'data-namespace' ? 'test' : null) };
  const document = { currentScript: script, createElement: () => ({}), head: { append() {} }, documentElement: {}, addEventListener() {} };
  const window = {};
  class MutationObserver {
    observe() {}
  }
  vm.runInNewContext(readFileSync(new URL('../loader.js', import.meta.url), 'utf8'), { window, document, URL, CSS: { escape: (s) => s }, localStorage, MutationObserver });
  return window.trailmark;
}

test('loader: a stored plan or facts that are not what it wrote never stop the page', () => {
  for (const [plan, facts, observes] of [['not json', undefined, false], ['{"hero":"loyalty"}', '{broken', true], ['{"hero":"loyalty"}', '{"visits":2}', true], ['[1,2]', 'null', true], ['null', undefined, false]]) {
    const stub = page({ 'trailmark:test:plan': plan, 'trailmark:test:facts': facts });
    assert.equal(typeof stub.track, 'function', plan);
    assert.equal(!!stub._mo, observes, plan + ' ' + facts);
  }
});

test('loader stub: forget() called before the runtime loads resolves only once the deletion is done', async () => {
  const stub = page();
  const early = stub.forget();
  assert.equal(typeof (early && early.then), 'function', 'a promise, as after load');
  const m = new Map([['trailmark:test:plan', '{}']]);
  const ls = { get length() { return m.size; }, key: (i) => [...m.keys()][i] ?? null, getItem: (k) => (m.has(k) ? m.get(k) : null), setItem: (k, v) => m.set(k, String(v)), removeItem: (k) => m.delete(k) };
  const tm = new Trailmark();
  tm._rt = { forget() {}, nextDeadline: () => undefined };
  tm._ns = 'test';
  tm._store = new Store('test', ls, () => {});
  tm._cap = null;
  globalThis.localStorage = ls;
  try {
    tm._adopt(stub);
    await early;
    assert.equal(m.size, 0, 'erased when the early forget() resolves');
  } finally {
    delete globalThis.localStorage;
  }
});
