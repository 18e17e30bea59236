// js/recommend.js's pure helpers: URL checks at render time, price text, and the request a slot
// element asks for (the DOM rendering itself is covered by tests/e2e/recommend.spec.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { safeUrl, priceText, slotRequest } from '../recommend.js';

const BASE = 'http://127.0.0.1:8080/products/a.html';

test('render-time URLs: https or same-origin only', () => {
  assert.equal(safeUrl('/p/b.html', BASE), 'http://127.0.0.1:8080/p/b.html');
  assert.equal(safeUrl('https://cdn.example/i.svg', BASE), 'https://cdn.example/i.svg');
  assert.equal(safeUrl('http://127.0.0.1:8080/x', BASE), 'http://127.0.0.1:8080/x');
  for (const bad of ['http://other.example/x', 'javascript:alert(1)', 'JAVASCRIPT:alert(1)', 'data:image/svg+xml,<svg/>', '', null, 42, 'http://[bad']) {
    assert.equal(safeUrl(bad, BASE), null, String(bad));
  }
});

test('render-time URLs: a page with an opaque origin (srcdoc, about:blank, file:) does not make javascript: or data: same-origin', () => {
  for (const base of ['about:srcdoc', 'about:blank', 'file:///home/me/shop/index.html']) {
    for (const bad of ['javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'blob:null/x']) {
      assert.equal(safeUrl(bad, base), null, `${bad} on ${base}`);
    }
  }
  assert.equal(safeUrl('https://cdn.example/i.svg', 'about:srcdoc'), 'https://cdn.example/i.svg');
});

test('prices are text in their currency, or the bare number', () => {
  assert.equal(priceText(89, 'GBP', 'en'), '£89.00');
  assert.equal(priceText(9.5, undefined, 'en'), '9.50');
  assert.equal(priceText(9.5, 'NOT A CODE', 'en'), '9.50');
  assert.equal(priceText(undefined, 'GBP', 'en'), '');
});

test('a slot element asks for its strategy, limit, anchor and category', () => {
  const el = (attrs) => ({ getAttribute: (k) => (k in attrs ? attrs[k] : null) });
  assert.deepEqual(slotRequest(el({ 'data-tm-recommend': 'for-you', 'data-tm-limit': '6', 'data-tm-category': 'tents' }), 'p1'), {
    strategy: 'for-you',
    limit: 6,
    product: 'p1',
    filters: { category: 'tents' },
  });
  assert.deepEqual(slotRequest(el({ 'data-tm-recommend': '', 'data-tm-limit': 'x', 'data-tm-product-id': 'p2' }), 'p1'), { strategy: 'related', product: 'p2' });
  assert.equal(slotRequest(el({ 'data-tm-recommend': 'related', 'data-tm-limit': '500' })).limit, 50);
});
