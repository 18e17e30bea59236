// The engine's boundary with the page's own code: values a page hands over are read before the
// engine is held (src/web/runtime.rs, `Held`), so a getter that throws or calls Trailmark
// cannot leave the engine held or alias it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as engine from './engine.mjs';

const { skip } = engine;
const URL_ = 'https://shop.example/p/1';

test('a property getter that throws fails that touchpoint only', { skip }, async () => {
  const rt = (await engine.load()).newRuntime({});
  const odd = { get price() { throw new Error('price unavailable'); } };
  assert.throws(() => rt.ingest('Product Viewed', odd, URL_, undefined, 1000), /price unavailable/);
  const out = rt.ingest('Product Viewed', { product_id: 'a' }, URL_, undefined, 2000);
  assert.equal(typeof out.persist, 'boolean');
  assert.equal(rt.export(3000).touchpoints.length, 1);
});

test('a property getter may call the engine while the properties are read', { skip }, async () => {
  const rt = (await engine.load()).newRuntime({});
  let stages;
  const props = { get category() { stages = rt.stage(1000); return 'shoes'; } };
  rt.ingest('Product Viewed', props, URL_, undefined, 1000);
  assert.ok(Array.isArray(stages) && stages.length > 0);
  assert.equal(rt.export(2000).touchpoints[0].category, 'shoes');
});

test('a call into the engine while it builds an answer throws, and the engine goes on', { skip }, async () => {
  const rt = (await engine.load()).newRuntime({});
  rt.ingest('Page Viewed', {}, URL_, undefined, 1000);
  const push = Array.prototype.push;
  let inner;
  // A page that patched Array.prototype.push to call Trailmark: the engine's answers are built
  // with push, while the engine is held.
  Array.prototype.push = function (...items) {
    if (inner === undefined) {
      try {
        rt.forget();
        inner = 'ran';
      } catch (e) {
        inner = e;
      }
    }
    return push.apply(this, items);
  };
  let stages;
  try {
    stages = rt.stage(2000);
  } finally {
    Array.prototype.push = push;
  }
  assert.match(String(inner), /busy/);
  assert.ok(stages.length > 0);
  assert.equal(rt.export(3000).touchpoints.length, 1, 'forget did not run inside stage()');
  rt.forget();
  assert.equal(rt.export(4000).touchpoints.length, 0);
});
