// The full source tables in the runtime, with a fake engine and a fake fetch (no browser, no
// wasm): a page view from a referrer the wasm's subset does not know waits for the tables,
// fetched once, and nothing queued after it overtakes it; a failed fetch reports one error and
// the touchpoints are ingested anyway.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { instance } from './instance.mjs';

const instanceWithTable = (engine) => instance(engine, { _srcUrl: 'https://shop.example/trailmark/pkg/trailmark_sources.txt' });

globalThis.location ??= { href: 'https://shop.example/p/1', pathname: '/p/1' };

const LONG_TAIL = 'https://search.seznam.cz/?q=stan';

function fakeEngine(log) {
  const engine = {
    loaded: 0,
    needsSources: (name, url, referrer) => name === 'Page Viewed' && referrer === LONG_TAIL && !engine.loaded,
    loadSources(bytes) {
      if (new TextDecoder().decode(bytes) !== 'trailmark-sources/1 0 0\n') throw { code: 'sources/invalid', message: 'not a source file' };
      engine.loaded++;
    },
    ingest(name, props, url, referrer) {
      log.push([name, referrer === LONG_TAIL ? (engine.loaded ? 'full' : 'subset') : '-']);
      return { effects: [], persist: true };
    },
    tick: () => ({ effects: [], persist: false }),
    nextDeadline: () => undefined,
    encode: () => new Uint8Array([1]),
    stage: () => [],
    journey: () => ({}),
    forget() {},
  };
  return engine;
}


async function withFetch(fake, fn) {
  const orig = [globalThis.fetch, console.error];
  const printed = [];
  globalThis.fetch = fake;
  console.error = (...a) => printed.push(String(a[0]));
  try {
    await fn(printed);
  } finally {
    [globalThis.fetch, console.error] = orig;
  }
}

test('the tables are fetched once, before the page view that needs them, in order', async () => {
  const log = [];
  const engine = fakeEngine(log);
  const tm = instanceWithTable(engine);
  const fetched = [];
  await withFetch(async (url) => {
    fetched.push(String(url));
    await new Promise((r) => setTimeout(r, 30));
    return new Response('trailmark-sources/1 0 0\n');
  }, async () => {
    const first = tm._enqueue({ kind: 'track', name: 'Page Viewed', url: 'https://shop.example/', referrer: LONG_TAIL, at: 1 });
    const later = tm.track('Product Viewed', { product_id: 'p1' });
    await Promise.all([first, later]);
    await tm._enqueue({ kind: 'track', name: 'Page Viewed', url: 'https://shop.example/', referrer: LONG_TAIL, at: 3 });
  });
  assert.deepEqual(fetched, [tm._srcUrl]);
  assert.equal(engine.loaded, 1);
  assert.deepEqual(log, [['Page Viewed', 'full'], ['Product Viewed', '-'], ['Page Viewed', 'full']]);
  assert.equal(tm.failed, undefined);
});

test('a failed fetch reports one error and ingests with the subset', async () => {
  for (const fake of [async () => new Response('nope', { status: 404 }), async () => { throw new TypeError('Failed to fetch'); }, async () => new Response('<html>')]) {
    const log = [];
    const tm = instanceWithTable(fakeEngine(log));
    const errors = [];
    tm.on('error', (e) => errors.push(e.code));
    let calls = 0;
    await withFetch(async (...a) => (calls++, fake(...a)), async () => {
      await tm._enqueue({ kind: 'track', name: 'Page Viewed', url: 'https://shop.example/', referrer: LONG_TAIL, at: 1 });
      await tm.track('Product Viewed');
      await tm._enqueue({ kind: 'track', name: 'Page Viewed', url: 'https://shop.example/', referrer: LONG_TAIL, at: 3 });
    });
    assert.equal(calls, 1);
    assert.equal(errors.length, 1, errors.join());
    assert.match(errors[0], /^sources\/(fetch|invalid)$/);
    assert.deepEqual(log, [['Page Viewed', 'subset'], ['Product Viewed', '-'], ['Page Viewed', 'subset']]);
    assert.equal(tm.failed, undefined);
  }
});

test('visits the subset answers for fetch nothing', async () => {
  const log = [];
  const tm = instanceWithTable(fakeEngine(log));
  let calls = 0;
  await withFetch(async () => (calls++, new Response('')), async () => {
    await tm._enqueue({ kind: 'track', name: 'Page Viewed', url: 'https://shop.example/', referrer: 'https://www.google.com/', at: 1 });
    await tm.track('Product Viewed');
  });
  assert.equal(calls, 0);
  assert.equal(log.length, 2);
});
