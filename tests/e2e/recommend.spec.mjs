// Recommendations in the demo shop (catalog and model built by `cargo xtask build`): the related
// products follow what was viewed, carted and out-of-stock products never appear, a broken model
// URL leaves the default content with one console error, a catalog field holding markup renders
// as text, and nothing leaves 127.0.0.1 (assertClean).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, SHOP_DIR } from './server.mjs';
import { launch, visitor, assertClean, waitReady, addToCart, trailmarkErrors } from './harness.mjs';

const catalog = JSON.parse(readFileSync(join(SHOP_DIR, 'recs', 'catalog.json'), 'utf8'));
const SLOT = '[data-tm-recommend="related"]';

let browser;
let server;
before(async () => {
  browser = await launch();
  server = await startServer();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/** The ids a slot shows once rendered (null while it shows its default content). */
async function shown(page, selector = SLOT, timeout = 8_000) {
  await page.waitForFunction((s) => document.querySelector(s).hasAttribute('data-tm-recommended'), selector, { timeout });
  return page.$$eval(`${selector} .rec-card`, (cards) => cards.map((c) => c.getAttribute('data-tm-product-id')));
}

test('related products follow what was viewed and carry their explanation', async () => {
  const { context, log } = await visitor(browser);
  const page = await context.newPage();
  await page.goto(`${server.url}products/ember-2.html`);
  await waitReady(page);
  const tent = await shown(page);
  assert.equal(tent.length, 4);
  assert.ok(!tent.includes('ember-2'), 'not the product itself');
  const because = await page.$$eval(`${SLOT} .because`, (els) => els.map((e) => e.textContent));
  assert.ok(because.every((b) => /^(Because you viewed|Similar to) /.test(b)), JSON.stringify(because));
  assert.ok(because.includes('Because you viewed Ember 2 Backpacking Tent'), JSON.stringify(because));
  // Links and images come from the catalog, checked, and rendered as attributes.
  const hrefs = await page.$$eval(`${SLOT} .rec-card a`, (as) => as.map((a) => a.getAttribute('href')));
  assert.ok(hrefs.every((h) => h.startsWith(server.url + 'products/')), JSON.stringify(hrefs));

  await page.goto(`${server.url}products/ridge-mid-gtx.html`);
  await waitReady(page);
  const boots = await shown(page);
  assert.notDeepEqual(boots, tent, 'boots and a tent have different related products');
  const families = boots.map((id) => catalog.products.find((p) => p.id === id).categories[0]);
  assert.ok(families.filter((c) => c === 'footwear').length >= 2, JSON.stringify(boots));
  // The public call answers the same, with the explanation.
  const recs = await page.evaluate(() => window.trailmark.recommend({ strategy: 'related', limit: 2 }));
  assert.equal(recs.length, 2);
  assert.equal(typeof recs[0].because, 'string');
  assert.equal(recs[0].id, boots[0]);
  // Recently viewed (on the cart page) knows both pages, newest first.
  await page.goto(`${server.url}cart.html`);
  await waitReady(page);
  assert.deepEqual((await shown(page, '[data-tm-recommend="recently-viewed"]')).slice(0, 2), ['ridge-mid-gtx', 'ember-2']);
  assertClean(log);
  await context.close();
});

test('carted items and out-of-stock items never appear', async () => {
  const { context, log } = await visitor(browser);
  const page = await context.newPage();
  await page.goto(`${server.url}products/ember-2.html`);
  await waitReady(page);
  const first = await shown(page);
  await addToCart(page, server.url, first[0]);
  await page.goto(`${server.url}products/ember-2.html`);
  await waitReady(page);
  const after = await shown(page);
  assert.ok(!after.includes(first[0]), `${first[0]} is in the cart but was recommended: ${after}`);
  const out = new Set(catalog.products.filter((p) => p.availability === 'out_of_stock').map((p) => p.id));
  assert.ok(out.size > 0);
  // Ask widely, for every strategy: no out-of-stock product and nothing from the cart.
  for (const strategy of ['related', 'bought-together', 'trending', 'for-you', 'recently-viewed']) {
    const recs = await page.evaluate((s) => window.trailmark.recommend({ strategy: s, limit: 50 }), strategy);
    for (const r of recs) {
      assert.ok(!out.has(r.id), `${strategy} recommended ${r.id}, which is out of stock`);
      assert.notEqual(r.id, first[0], `${strategy} recommended a carted product`);
    }
  }
  // An out-of-stock product the visitor viewed is not offered back either.
  const gone = [...out][0];
  await page.goto(`${server.url}products/${gone}.html`);
  await waitReady(page);
  const seen = await page.evaluate(() => window.trailmark.recommend({ strategy: 'recently-viewed', limit: 50 }));
  assert.ok(!seen.some((r) => r.id === gone));
  assertClean(log);
  await context.close();
});

test('a broken model URL leaves the default content, with one console error', async () => {
  const s = await startServer();
  s.fail('/recs/model.tmrm', 404);
  const { context, log } = await visitor(browser);
  const page = await context.newPage();
  await page.goto(`${s.url}products/ember-2.html`);
  await waitReady(page);
  for (let i = 0; i < 200 && trailmarkErrors(log).length === 0; i++) await page.waitForTimeout(50);
  await page.waitForTimeout(300);
  assert.equal(await page.getAttribute(SLOT, 'data-tm-recommended'), null);
  const defaults = await page.$$eval(`${SLOT} > li.card`, (cards) => cards.length);
  assert.equal(defaults, 4, 'the four static cards stay');
  assert.deepEqual(await page.evaluate(() => window.trailmark.recommend()), []);
  assert.equal(trailmarkErrors(log).length, 1);
  assertClean(log, { maxTrailmarkErrors: 1, expect: /recommend\/model/, allowFailedLoads: true });
  await context.close();
  await s.close();
});

test('a catalog field holding markup renders as text, and unsafe URLs are not used', async () => {
  const s = await startServer();
  const evil = structuredClone(catalog);
  const target = evil.products.find((p) => p.id === 'ember-2');
  // Served as page products would be if the catalog said so: markup in a title, a javascript: URL
  // on a product that the validation then rejects as a whole catalog error.
  for (const p of evil.products) if (p.id !== 'ember-2' && p.categories[0] === 'shelter') p.title = `<img src=x onerror="window.__xss=1">${p.title}`;
  target.title = 'Ember 2';
  s.override('/recs/catalog.json', { body: evil, type: 'application/json' });
  const { context, log } = await visitor(browser);
  const page = await context.newPage();
  await page.goto(`${s.url}products/ember-2.html`);
  await waitReady(page);
  await shown(page);
  const titles = await page.$$eval(`${SLOT} .card-name`, (els) => els.map((e) => e.textContent));
  assert.ok(titles.some((t) => t.startsWith('<img src=x')), JSON.stringify(titles));
  assert.equal(await page.$$eval(`${SLOT} img[onerror]`, (els) => els.length), 0);
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  assertClean(log);
  await context.close();

  // A javascript: URL makes the catalog invalid: one error naming its path; defaults stay.
  const bad = structuredClone(catalog);
  bad.products[3].url = 'javascript:alert(1)';
  s.override('/recs/catalog.json', { body: bad, type: 'application/json' });
  const v2 = await visitor(browser);
  const p2 = await v2.context.newPage();
  await p2.goto(`${s.url}products/ember-2.html`);
  await waitReady(p2);
  for (let i = 0; i < 200 && trailmarkErrors(v2.log).length === 0; i++) await p2.waitForTimeout(50);
  assert.match(trailmarkErrors(v2.log)[0], /recommend\/catalog.*\$\.products\[3\]\.url/);
  assert.equal(await p2.getAttribute(SLOT, 'data-tm-recommended'), null);
  assertClean(v2.log, { maxTrailmarkErrors: 1, expect: /recommend\/catalog/ });
  await v2.context.close();
  await s.close();
});

test('without personalisation consent recommendations read no visitor data', async () => {
  const { context, log } = await visitor(browser);
  const page = await context.newPage();
  await page.goto(`${server.url}products/ember-2.html`);
  await waitReady(page);
  await shown(page);
  await page.goto(`${server.url}cart.html`);
  await waitReady(page);
  const recent = '[data-tm-recommend="recently-viewed"]';
  assert.equal((await shown(page, recent))[0], 'ember-2');
  // Withdrawn on this page: the slot drops the history at once and shows its default content.
  await page.evaluate(() => window.trailmark.consent({ personalization: false }));
  await page.waitForFunction((s) => !document.querySelector(s).hasAttribute('data-tm-recommended'), recent, { timeout: 8_000 });
  const forYou = await page.evaluate(() => window.trailmark.recommend({ strategy: 'for-you', limit: 5 }));
  assert.ok(forYou.every((r) => !/viewed/i.test(r.because)), JSON.stringify(forYou.map((r) => r.because)));
  assert.deepEqual(await page.evaluate(() => window.trailmark.recommend({ strategy: 'recently-viewed' })), []);
  // And on the next page, where the choice is stored.
  await page.goto(`${server.url}cart.html`);
  await waitReady(page);
  // recommend() answers once the catalog and model are loaded and the slots rendered.
  assert.deepEqual(await page.evaluate(() => window.trailmark.recommend({ strategy: 'recently-viewed' })), []);
  assert.equal(await page.$eval(recent, (el) => el.hasAttribute('data-tm-recommended')), false);
  assertClean(log);
  await context.close();
});
