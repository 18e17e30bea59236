// Two tabs of the same visitor tracking at the same time share one profile and lose nothing.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './server.mjs';
import { launch, visitor, assertClean, waitReady } from './harness.mjs';

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

const PER_TAB = 15;

/** Touchpoints named `name` in the profile export: per tab (by product id prefix) and in total. */
function countIn(page, name) {
  return page.evaluate(async (name) => {
    const data = await window.trailmark.export();
    const byTab = {};
    for (const t of data.touchpoints || []) {
      if (t.event === name && t.product_id) byTab[t.product_id.split('-')[0]] = (byTab[t.product_id.split('-')[0]] || 0) + 1;
    }
    return { byTab, count: (data.event_counts || {})[name] || 0 };
  }, name);
}

test('two tabs tracking concurrently lose no touchpoint', async () => {
  const { context, log } = await visitor(browser);
  try {
    const [a, b] = [await context.newPage(), await context.newPage()];
    await Promise.all([a.goto(`${server.url}category/packs.html`), b.goto(`${server.url}category/shelter.html`)]);
    await Promise.all([waitReady(a), waitReady(b)]);
    // Both tabs fire their events interleaved, each with small random pauses.
    const fire = (page, tab) =>
      page.evaluate(
        async ([tab, n]) => {
          for (let i = 0; i < n; i++) {
            window.trailmark.track('Product Viewed', { product_id: `${tab}-${i}`, i });
            await new Promise((r) => setTimeout(r, Math.random() * 15));
          }
        },
        [tab, PER_TAB]
      );
    await Promise.all([fire(a, 'a'), fire(b, 'b')]);
    const expected = { byTab: { a: PER_TAB, b: PER_TAB }, count: 2 * PER_TAB };
    // Each tab converges on the whole profile (cross-tab sync is asynchronous).
    for (const page of [a, b]) {
      const deadline = Date.now() + 5_000;
      let seen;
      do {
        seen = await countIn(page, 'Product Viewed');
        if (seen.byTab.a === PER_TAB && seen.byTab.b === PER_TAB && seen.count === 2 * PER_TAB) break;
        await page.waitForTimeout(100);
      } while (Date.now() < deadline);
      assert.deepEqual(seen, expected, `tab ${page === a ? 'a' : 'b'} sees every touchpoint`);
    }
    // And a third tab opened afterwards reads them all from storage.
    const c = await context.newPage();
    await c.goto(server.url);
    await waitReady(c);
    assert.deepEqual(await countIn(c, 'Product Viewed'), expected, 'a new tab reads every touchpoint from storage');
    assertClean(log);
  } finally {
    await context.close();
  }
});
