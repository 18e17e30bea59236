import { test } from 'node:test';
import assert from 'node:assert/strict';
import { propsFrom, productFrom, productFromLd, crossed, readCapture, CAPTURE_DEFAULTS } from '../capture.js';
import { fromDataLayer } from '../capture-extra.js';

// Just enough of an Element for attribute-driven capture.
const fake = (attrs) => ({
  attributes: Object.entries(attrs).map(([name, value]) => ({ name, value })),
  getAttribute: (n) => (n in attrs ? attrs[n] : null),
});

test('data-tm-* attributes become snake_case props; reserved ones do not', () => {
  const el = fake({ 'data-tm-event': 'Product Added', 'data-tm-product-id': '0042', 'data-tm-price': '19.90', 'data-tm-quantity': '2', class: 'btn', 'data-tm-slot': 'x' });
  assert.deepEqual(propsFrom(el), { product_id: '0042', price: 19.9, quantity: 2 });
});

test('product from JSON attribute, from attributes, or none', () => {
  assert.deepEqual(productFrom(fake({ 'data-tm-product': '{"product_id":"p1","price":5}' })), { product_id: 'p1', price: 5 });
  assert.deepEqual(productFrom(fake({ 'data-tm-product': '', 'data-tm-product-id': 'p2', 'data-tm-product-name': 'Boots', 'data-tm-product-price': '80', 'data-tm-product-category': 'Shoes' })),
    { product_id: 'p2', name: 'Boots', price: '80', category: 'Shoes' });
  assert.equal(productFrom(fake({ 'data-tm-product': '' })), null);
  assert.equal(productFrom(fake({ 'data-tm-product': '{broken' })), null);
});

test('schema.org Product JSON-LD, including @graph and offer lists', () => {
  const ld = { '@context': 'https://schema.org', '@graph': [{ '@type': 'BreadcrumbList' }, { '@type': ['Product'], sku: 'SKU1', name: 'Tent', category: 'Outdoor', brand: { name: 'Acme' }, offers: [{ price: '199.00', priceCurrency: 'EUR' }] }] };
  assert.deepEqual(productFromLd(ld), { product_id: 'SKU1', sku: 'SKU1', name: 'Tent', category: 'Outdoor', brand: 'Acme', price: 199, currency: 'EUR' });
  assert.equal(productFromLd({ '@type': 'Article' }), null);
});

test('GA4 dataLayer e-commerce pushes become touchpoints; others do not', () => {
  assert.deepEqual(fromDataLayer({ event: 'add_to_cart', ecommerce: { currency: 'EUR', items: [{ item_id: 'A', price: 3 }] } }),
    ['add_to_cart', { currency: 'EUR', items: [{ item_id: 'A', price: 3 }] }]);
  assert.equal(fromDataLayer({ event: 'gtm.js' }), null);
  assert.equal(fromDataLayer({ ecommerce: null }), null);
  assert.deepEqual(fromDataLayer({ event: 'login', method: 'Google' }), ['login', { method: 'Google' }]);
});

test('a dataLayer push keeps no enhanced-conversions user_data and no GTM keys', () => {
  const push = { event: 'purchase', 'gtm.uniqueEventId': 7, 'gtm.element': {}, user_data: { email: 'ann@example.com', phone_number: '+441234' }, ecommerce: { transaction_id: 'T1', value: 20, currency: 'EUR' } };
  assert.deepEqual(fromDataLayer(push), ['purchase', { transaction_id: 'T1', value: 20, currency: 'EUR' }]);
});

test('thresholds fire once each, in order', () => {
  const done = new Set();
  assert.deepEqual(crossed([25, 50, 75, 100], done, 60), [25, 50]);
  assert.deepEqual(crossed([25, 50, 75, 100], done, 60), []);
  assert.deepEqual(crossed([25, 50, 75, 100], done, 100), [75, 100]);
});

test('capture config: defaults and the form capture reads', () => {
  assert.deepEqual(readCapture(undefined), CAPTURE_DEFAULTS);
  const c = readCapture({ scroll: [50, 25, 50], engagement_seconds: false, data_layer: true, segment: true });
  assert.deepEqual(c.scroll, [25, 50]);
  assert.deepEqual(c.engagement_seconds, []);
  assert.equal(c.data_layer, 'dataLayer');
  assert.equal(c.segment, true);
  assert.equal(c.clicks, true);
  assert.equal(readCapture({ data_layer: 'myLayer' }).data_layer, 'myLayer');
  assert.deepEqual(CAPTURE_DEFAULTS.scroll, [25, 50, 75, 100], 'the defaults are not changed');
});
