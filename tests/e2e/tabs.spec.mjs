// Tabs of the same visitor tracking at the same time share one profile: every touchpoint a tab
// accepted ends up in the stored profile exactly once, whichever tab stored it and however the
// tabs' batches interleave (both tabs hammer at once, in bursts and one at a time), and a fresh
// page opened afterwards reads all of them from storage.
//
// Run it under CPU load to make it mean something (the race it guards against needs two
// renderer processes with delayed cross-process updates), e.g. several copies at once:
//   for i in 1 2 3; do node --test tests/e2e/tabs.spec.mjs & done; wait

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

// The demo keeps the last 200 touchpoints (retention.max_touchpoints): stay under it so every
// one of them can be checked by id.
const PER_TAB = 80;
const NAME = 'Product Viewed';

/** What the profile export of `page` holds of our touchpoints: ids seen (with repeats) and the count. */
function stored(page) {
  return page.evaluate(async (name) => {
    const data = await window.trailmark.export();
    const ids = {};
    for (const t of data.touchpoints || []) if (t.event === name && t.product_id) ids[t.product_id] = (ids[t.product_id] || 0) + 1;
    return { ids, count: (data.event_counts || {})[name] || 0 };
  }, NAME);
}

/** Problems with `seen` against every id of both tabs exactly once. */
function problems(seen) {
  const out = [];
  for (const tab of ['a', 'b']) {
    for (let i = 0; i < PER_TAB; i++) {
      const n = seen.ids[`${tab}-${i}`] || 0;
      if (n !== 1) out.push(`${tab}-${i} x${n}`);
    }
  }
  if (seen.count !== 2 * PER_TAB) out.push(`event_counts["${NAME}"] = ${seen.count}, expected ${2 * PER_TAB}`);
  return out;
}

test('two tabs hammering at once lose no touchpoint and store each exactly once', async () => {
  const { context, log } = await visitor(browser);
  try {
    const [a, b] = [await context.newPage(), await context.newPage()];
    await Promise.all([a.goto(`${server.url}category/packs.html`), b.goto(`${server.url}category/shelter.html`)]);
    await Promise.all([waitReady(a), waitReady(b)]);
    // Each tab: bursts of 1 to 6 calls made in the same task (one batch), some awaited one by
    // one, with random pauses; both tabs at once. Every track() promise must resolve.
    const fire = (page, tab) =>
      page.evaluate(
        async ([tab, n, name]) => {
          const all = [];
          for (let i = 0; i < n; ) {
            const burst = 1 + Math.floor(Math.random() * 6);
            for (let k = 0; k < burst && i < n; k++, i++) all.push(window.trailmark.track(name, { product_id: `${tab}-${i}`, i }));
            if (Math.random() < 0.3) await all[all.length - 1];
            await new Promise((r) => setTimeout(r, Math.random() * 8));
          }
          await Promise.all(all);
        },
        [tab, PER_TAB, NAME]
      );
    await Promise.all([fire(a, 'a'), fire(b, 'b')]);
    // Each tab converges on the whole profile (the other tab's batches arrive asynchronously).
    for (const [label, page] of [['a', a], ['b', b]]) {
      const deadline = Date.now() + 5_000;
      let seen;
      do {
        seen = await stored(page);
        if (!problems(seen).length) break;
        await page.waitForTimeout(100);
      } while (Date.now() < deadline);
      assert.deepEqual(problems(seen), [], `tab ${label} holds every touchpoint exactly once`);
    }
    // A fresh page opened afterwards reads them all from storage.
    const c = await context.newPage();
    await c.goto(server.url);
    await waitReady(c);
    assert.deepEqual(problems(await stored(c)), [], 'a new page reads every touchpoint, once, from storage');
    assertClean(log);
  } finally {
    await context.close();
  }
});

// Storage is asynchronous (IndexedDB): a touchpoint tracked as the page goes (a click on a link
// with data-tm-event) must still be stored before the next page reads the profile.
test('a click that navigates away is stored for the next page', async () => {
  const { context, log } = await visitor(browser);
  try {
    const page = await context.newPage();
    for (let round = 1; round <= 3; round++) {
      await page.goto(`${server.url}search.html?q=tent`);
      await waitReady(page);
      await page.waitForSelector('[data-search-results] li a');
      await Promise.all([page.waitForURL('**/products/**'), page.click('[data-search-results] li a')]);
      await waitReady(page);
      const n = await page.evaluate(async () => ((await window.trailmark.export()).event_counts || {})['Product Clicked'] || 0);
      assert.equal(n, round, `Product Clicked stored once per click (round ${round})`);
    }
    assertClean(log);
  } finally {
    await context.close();
  }
});
