// Opt-in capture (`capture-extra.js`, loaded lazily): the dataLayer bridge (`$.capture.data_layer`)
// and the Segment one (`$.capture.segment`) are fetched only when the config switches them on
// (the demo shop's does not: privacy.spec.mjs checks it is never requested there), while the
// wasm loads, and capture nothing later or in another order than when they were bundled in;
// single-page-app navigation (`spa`, on by default) stays in the runtime.
// If the module cannot be fetched, Trailmark does not start (one `wasm/load` error) and the page
// keeps its default content.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, SHOP_DIR } from './server.mjs';
import { launch, visitor, assertClean, waitReady, assertModuleFailureKeepsDefaults } from './harness.mjs';

const DEMO = JSON.parse(readFileSync(join(SHOP_DIR, 'trailmark.json'), 'utf8'));
const EXTRA = '/trailmark/capture-extra.js';
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

/** The names of the touchpoints the runtime holds, oldest first. */
function names(page) {
  return page.evaluate(() => {
    const data = window.trailmark.export();
    return (data.touchpoints || []).map((t) => t.name || t.event);
  });
}

// A GA4 push made before Trailmark loads, as a site's tags would.
const EARLY_PUSH = "window.dataLayer = [{ event: 'view_item_list', ecommerce: { items: [{ item_id: 'a' }] } }];";

test('data_layer on: capture-extra.js is fetched once; pushes (early ones first) and pushState navigations are touchpoints, in order', async () => {
  server.reset();
  server.override('/trailmark.compiled.json', { body: { ...DEMO, capture: { ...DEMO.capture, spa: true, data_layer: true } } });
  const { context, log } = await visitor(browser, { initScripts: [EARLY_PUSH] });
  try {
    const page = await context.newPage();
    await page.goto(server.url);
    await waitReady(page);
    assert.equal(server.requests.filter((r) => r.path === EXTRA).length, 1);
    const before = await names(page);
    const pv = before.indexOf('Page Viewed');
    assert.ok(pv >= 0 && pv < before.indexOf('Product List Viewed'), 'the page view, then the early push: ' + before.join());
    await page.evaluate(() => window.dataLayer.push({ event: 'add_to_cart', ecommerce: { items: [{ item_id: 'bivvy-pro' }] } }));
    await page.evaluate(() => history.pushState({}, '', '/spa-view'));
    await page.waitForFunction(() => window.trailmark.export().touchpoints.some((t) => t.event === 'Page Viewed' && t.path === '/spa-view'));
    // The push, then the new page view (and its products, read from the page as it stands).
    const after = (await names(page)).slice(before.length);
    assert.deepEqual(after.slice(0, 2), ['Product Added', 'Page Viewed'], after.join());
    assertClean(log);
  } finally {
    await context.close();
    server.reset();
  }
});

test('spa on, data_layer and segment off: capture-extra.js is not fetched; navigations are page views', async () => {
  server.reset();
  server.override('/trailmark.compiled.json', { body: { ...DEMO, capture: { ...DEMO.capture, spa: true } } });
  const { context, log } = await visitor(browser);
  try {
    const page = await context.newPage();
    await page.goto(server.url);
    await waitReady(page);
    await page.evaluate(() => history.pushState({}, '', '/spa-view'));
    await page.waitForFunction(() => window.trailmark.export().touchpoints.some((t) => t.event === 'Page Viewed' && t.path === '/spa-view'));
    assert.equal(server.requests.filter((r) => r.path === EXTRA).length, 0);
    assertClean(log);
  } finally {
    await context.close();
    server.reset();
  }
});

test('capture-extra.js cannot be fetched: Trailmark does not start, one wasm/load error, default content', () =>
  assertModuleFailureKeepsDefaults(browser, server, EXTRA, 'hero', { ...DEMO, capture: { ...DEMO.capture, segment: true } }));
