// js/rank.js against the Rust reference: every row of tests/cases/recommend.json (rankings with
// their explanations, catalog validation paths, request checks) must give the answer the Rust
// implementation gives (tests/recommend_cases.rs runs the same rows). Plus what only the browser
// side does: reading the model bytes defensively and deriving the visitor from export().
import * as engine from './engine.mjs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readModel, readCatalog, readRequest, rank, because, visitorOf, urlProblem, available } from '../rank.js';

const root = new URL('../../', import.meta.url);
const cases = JSON.parse(readFileSync(new URL('tests/cases/recommend.json', root), 'utf8'));
const bytes = new Uint8Array(readFileSync(new URL('tests/fixtures/recs-cases.tmrm', root)));

test('rank cases give the Rust reference answers', () => {
  const model = readModel(bytes);
  const catalog = readCatalog(cases.catalog);
  assert.ok(cases.rank.length >= 20);
  for (const [name, input, expected] of cases.rank) {
    const req = readRequest(input.request, 4);
    const cat = input.catalog ? readCatalog(input.catalog) : catalog;
    const got = rank(input.model ? model : null, cat, input.visitor, input.settings, req).map((r) => [r.product.id, because(r.reason, cat)]);
    assert.deepEqual(got, expected, name);
  }
});

test('catalog cases name the same paths', () => {
  for (const [name, doc, paths] of cases.catalogs) {
    let got = [];
    try {
      readCatalog(doc);
    } catch (e) {
      assert.equal(e.code, 'recommend/catalog', name);
      got = e.errors.map((x) => x.path);
    }
    assert.deepEqual(got, paths, name);
  }
});

test('request cases', () => {
  for (const [name, req, err] of cases.requests) {
    if (err === null) readRequest(req, 4);
    else assert.throws(() => readRequest(req, 4), (e) => e.code === 'input/invalid' && e.message.includes(err), name);
  }
});

test('the model reads ids, neighbours and popularity in place', () => {
  const m = readModel(bytes);
  assert.equal(m.len, 8);
  const ids = Array.from({ length: m.len }, (_, i) => m.id(i));
  assert.deepEqual(ids, ['a', 'b', 'c', 'd', 'w', 'x', 'y', 'z']);
  ids.forEach((id, i) => assert.equal(m.index(id), i));
  assert.equal(m.index('nope'), -1);
  assert.equal(m.index(''), -1);
  assert.ok(m.hasBought);
  assert.equal(m.id(m.related(m.index('a'))[0][0]), 'b');
});

test('corrupt model bytes are a recommend/model error, never anything else', () => {
  for (let n = 0; n < bytes.length; n++) {
    assert.throws(() => readModel(bytes.slice(0, n)), (e) => e.code === 'recommend/model', 'truncated to ' + n);
  }
  for (let at = 0; at < bytes.length; at++) {
    if (at >= 24 && at < 28) continue; // the informational sessions count
    const bad = bytes.slice();
    bad[at] ^= 0x40;
    assert.throws(() => readModel(bad), (e) => e.code === 'recommend/model', 'byte ' + at);
  }
  assert.throws(() => readModel(new TextEncoder().encode('<!doctype html><title>404</title>...........')), /not a Trailmark model file/);
  assert.throws(() => readModel('TMRM'), (e) => e.code === 'recommend/model');
});

test('URL rules and availability', () => {
  for (const ok of ['https://a.example/x', 'HTTP://a.example/', '/p/a', 'p/a?x=1:2', '#top']) assert.equal(urlProblem(ok), null, ok);
  for (const bad of ['javascript:alert(1)', ' JavaScript:alert(1)', 'data:text/html,x', '//evil.example', '\\\\evil', 'vbscript:x', 'a b', '']) assert.ok(urlProblem(bad), bad);
  assert.equal(available({ availability: 'https://schema.org/OutOfStock' }), false);
  assert.equal(available({ availability: 'sold-out' }), false);
  assert.equal(available({ availability: 'in_stock' }), true);
  assert.equal(available({}), true);
});


// The same journey as the Rust test `visitor_is_derived_from_the_profile` (tests/recommend.rs).
test('the visitor derived from export() matches the Rust derivation', { skip: engine.skip }, async () => {
  const rt = (await engine.load()).newRuntime({});
  const t = 1_735_725_600_000;
  rt.ingest('Product Viewed', { product_id: 'a' }, undefined, undefined, t);
  rt.ingest('Product Viewed', { product_id: 'b' }, undefined, undefined, t + 1000);
  rt.ingest('Product Viewed', { product_id: 'a' }, undefined, undefined, t + 2000);
  rt.ingest('Product Added', { product_id: 'b' }, undefined, undefined, t + 3000);
  rt.ingest('Order Completed', {}, undefined, undefined, t + 4000);
  rt.ingest('add_to_cart', { item_id: 'c', items: [{ item_id: 'c' }] }, undefined, undefined, t + 5000);
  const v = visitorOf(rt.export(t + 6000));
  assert.deepEqual(v.viewed, ['a', 'b']);
  assert.deepEqual(v.purchased, ['b']);
  assert.deepEqual(v.cart, ['c']);
});

test('arbitrary catalog documents and requests give TrailmarkErrors, never other exceptions', () => {
  let seed = 42;
  const r = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const keys = ['id', 'title', 'url', 'image', 'price', 'categories', 'attributes', 'availability', 'products', 'x', '__proto__'];
  const value = (d) => {
    const x = r();
    if (d > 3 || x < 0.3) return [null, true, 7, -1, 1.5, 'javascript:x', '/p', '', 'a'][Math.floor(r() * 9)];
    if (x < 0.6) return Array.from({ length: Math.floor(r() * 4) }, () => value(d + 1));
    const o = {};
    for (let i = Math.floor(r() * 5); i > 0; i--) o[keys[Math.floor(r() * keys.length)]] = value(d + 1);
    return o;
  };
  for (let i = 0; i < 2000; i++) {
    const doc = value(0);
    for (const f of [() => readCatalog(doc), () => readRequest(doc, 4)]) {
      try {
        const c = f();
        if (c && c.products) rank(null, c, { viewed: c.products.slice(0, 2).map((p) => p.id), cart: [], purchased: [], interests: [], stage: '' }, { exclude_purchased: true, max_per_category: 1 }, readRequest({}, 4));
      } catch (e) {
        assert.equal(e.name, 'TrailmarkError', String(e && e.stack));
      }
    }
  }
});
