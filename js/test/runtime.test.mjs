// The runtime's queue and error handling, driven with a fake engine (no browser, no wasm).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Trailmark, TrailmarkError } from '../index.js';
import { instance } from './instance.mjs';

globalThis.location ??= { href: 'https://shop.example/p/1', pathname: '/p/1' };

function fakeEngine(log, { trapOn } = {}) {
  return {
    ingest(name, props, url, referrer, at) {
      if (name === trapOn) throw new WebAssembly.RuntimeError('unreachable');
      if (name === 'bad') throw { code: 'input/invalid', message: 'properties is not plain JSON data' };
      for (const k in props) props[k]; // the engine reads every property (a getter may throw)
      log.push([name, props, at]);
      return { effects: name === 'Checkout Started' ? [{ type: 'journey_changed', journey: 'checkout', status: 'started', step: 0 }] : [], persist: true };
    },
    tick: () => ({ effects: [], persist: false }),
    nextDeadline: () => undefined,
    encode: () => new Uint8Array([1, 2, 3]),
    stage: () => [{ stage: 'discovery', label: 'Discovery', probability: 1, score: 0, evidence: [] }],
    journey: () => ({}),
    lifecycle: () => ({}),
    export: () => ({ format: 'trailmark-export/1' }),
    forget() {},
  };
}


// The stub's queue format: [method, args, time, entry].
function stub() {
  const t = { _q: [] };
  for (const m of ['track', 'page', 'identify', 'on', 'consent', 'stage']) {
    t[m] = (...a) => {
      if (t._i) return t._i[m](...a);
      const e = [m, a, Date.now(), {}];
      t._q.push(e);
      if (m === 'on') return () => (e[3].off ? e[3].off() : (e[3].cancelled = 1));
    };
  }
  return t;
}

test('queued calls replay in order, at the time they were made, then the stub forwards', async () => {
  const log = [];
  const tm = instance(fakeEngine(log));
  const s = stub();
  const seen = [];
  s.track('A', { n: 1 });
  s.on('journey', (e) => seen.push(e.journey));
  const off = s.on('journey', () => seen.push('cancelled listener'));
  off();
  s.track('Checkout Started');
  s._q[0][2] = 1000; // pretend A was called long ago
  tm._adopt(s);
  s.track('C'); // after adoption: forwarded, not queued
  await tm.track('D');
  assert.deepEqual(log.map((l) => l[0]), ['A', 'Checkout Started', 'C', 'D']);
  assert.equal(log[0][2], 1000);
  assert.deepEqual(seen, ['checkout']);
  assert.equal(s._q.length, 0);
});

test('bad calls never throw; they are reported as TrailmarkError', async () => {
  const log = [];
  const tm = instance(fakeEngine(log));
  const errors = [];
  tm.on('error', (e) => errors.push(e));
  const origError = console.error;
  console.error = () => {};
  try {
    assert.doesNotThrow(() => tm.track(42));
    assert.doesNotThrow(() => tm.track('x', 'not an object'));
    await tm.track('bad', {});
    await tm.track('odd', { get price() { throw new Error('price unavailable'); } });
    assert.doesNotThrow(() => tm.on('nope', () => {}));
    await tm.track('ok');
  } finally {
    console.error = origError;
  }
  assert.ok(errors.every((e) => e instanceof TrailmarkError && e.code === 'input/invalid'), errors.map(String).join());
  assert.equal(errors.length, 5);
  assert.equal(errors[3].message, 'odd: price unavailable');
  assert.deepEqual(log.map((l) => l[0]), ['ok']);
  assert.equal(tm.failed, undefined);
});

test('a wasm trap makes the SDK a no-op with one console error', async () => {
  const log = [];
  const tm = instance(fakeEngine(log, { trapOn: 'boom' }));
  const printed = [];
  const origError = console.error;
  console.error = (...a) => printed.push(a[0]);
  try {
    await tm.track('boom');
    await tm.track('after');
    assert.deepEqual(tm.stage(), []);
    assert.equal(tm.export(), null);
    await tm.forget();
  } finally {
    console.error = origError;
  }
  assert.equal(tm.failed.code, 'wasm/trap');
  assert.deepEqual(log, []);
  assert.equal(printed.filter((p) => String(p).includes('wasm/trap')).length, 1);
});

test('a bad config leaves a no-op instance with the JSON path', async () => {
  const origError = console.error;
  const printed = [];
  console.error = (...a) => printed.push(a[0]);
  let tm;
  try {
    // A compiled document without its engine (a JSON source's problems, `$.capture` included,
    // are the config compiler's: capture-cases.test.mjs, e2e resilience.spec.mjs).
    tm = await Trailmark.load({ config: { trailmark_compiled: 1, privacy: {} } });
  } finally {
    console.error = origError;
  }
  assert.equal(tm.failed.code, 'config/invalid');
  assert.equal(tm.failed.path, '$.engine');
  assert.equal(printed.length, 1);
  assert.doesNotThrow(() => tm.track('x'));
});

test('a compiled config without the decision table, or its experiments (compiled before it had them), is refused with its path', async () => {
  const origError = console.error;
  console.error = () => {};
  try {
    // Without prompts too: experiments.js would otherwise find no experiments the engine has.
    for (const [decide, prompts] of [[undefined, { p: { kind: 'toast' } }], [{ fatigue: 2 }, { p: { kind: 'toast' } }], [{ fatigue: 2, prompts: [] }, undefined], ['x', undefined]]) {
      const tm = await Trailmark.load({ config: { trailmark_compiled: 1, engine: '', privacy: {}, prompts, decide } });
      assert.equal(tm.failed.code, 'config/invalid', JSON.stringify(decide));
      assert.equal(tm.failed.path, '$.decide');
      assert.doesNotThrow(() => tm.track('x'));
    }
  } finally {
    console.error = origError;
  }
});

test('a compiled config whose capture section was edited into a shape trailmark compile never writes is refused with its path', async () => {
  const origError = console.error;
  console.error = () => {};
  try {
    for (const capture of [5, 'all', { scroll: 50 }]) {
      const tm = await Trailmark.load({ config: { trailmark_compiled: 1, engine: '', privacy: {}, decide: { fatigue: 1, prompts: [], experiments: [] }, capture } });
      assert.equal(tm.failed.code, 'config/invalid', JSON.stringify(capture));
      assert.equal(tm.failed.path, '$.capture');
      assert.doesNotThrow(() => tm.track('x'));
    }
  } finally {
    console.error = origError;
  }
});

test('identify keeps traits locally and export includes them', () => {
  const tm = instance(fakeEngine([]));
  tm.identify('u1', { first_name: 'Ada' });
  tm.identify({ plan: 'gold' });
  assert.deepEqual(tm.export().traits, { first_name: 'Ada', user_id: 'u1', plan: 'gold' });
  assert.equal(tm._facts().name, 'Ada');
});
