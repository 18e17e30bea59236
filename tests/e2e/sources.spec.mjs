// The full referrer source tables are lazy: the wasm carries a subset (the big search engines,
// social networks, video, shopping and AI hosts), and the runtime fetches
// `pkg/trailmark_sources.txt` only for a visit the subset cannot classify, once per page, before
// ingesting that page view. A failed fetch leaves the page working with one error, the visit
// classified as the subset would (an unknown referrer is a Referral).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './server.mjs';
import { launch, visitor, assertClean, waitReady, lastLoadErrors } from './harness.mjs';

const TABLE = '/trailmark/pkg/trailmark_sources.txt';
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

/** The current session's channel touch, per the runtime. */
function channel(page) {
  return page.evaluate(() => {
    const l = window.trailmark.lifecycle();
    return l && l.session && { group: l.session.channel.group, source: l.session.channel.source };
  });
}

const tableRequests = (log) => log.requests.filter((u) => u.pathname === TABLE).length;

test('a visit from Google is classified with the built-in subset: no table request', async () => {
  const { context, log } = await visitor(browser);
  try {
    const page = await context.newPage();
    await page.goto(server.url, { referer: 'https://www.google.com/' });
    await waitReady(page);
    assert.deepEqual(await channel(page), { group: 'Organic Search', source: 'google' });
    // A second page of the visit (same-site referrer) needs nothing either.
    await page.click('a.category-tile.category-packs');
    await page.waitForURL('**/category/packs.html');
    await waitReady(page);
    assert.deepEqual(await channel(page), { group: 'Organic Search', source: 'google' });
    assert.equal(tableRequests(log), 0, 'the source tables were requested');
    assertClean(log);
  } finally {
    await context.close();
  }
});

test('a visit from a long-tail search engine or social host fetches the table once and is classified by it', async () => {
  for (const [referer, expected] of [
    ['https://search.seznam.cz/', { group: 'Organic Search', source: 'seznam' }],
    ['https://mastodon.social/@trailmark', { group: 'Organic Social', source: 'mastodon.social' }],
  ]) {
    const { context, log } = await visitor(browser);
    try {
      const page = await context.newPage();
      await page.goto(server.url, { referer });
      await waitReady(page);
      assert.deepEqual(await channel(page), expected, referer);
      // Later touchpoints of the page are ingested after the page view, in order.
      await page.evaluate(() => window.trailmark.track('Product Viewed', { product_id: 'summit-28' }));
      const names = await page.evaluate(async () => {
        const data = await window.trailmark.export();
        const list = data.touchpoints || (data.profile && data.profile.touchpoints) || [];
        return list.map((t) => t.name || t.event);
      });
      assert.ok(names.indexOf('Page Viewed') >= 0 && names.indexOf('Page Viewed') < names.lastIndexOf('Product Viewed'), names.join());
      assert.equal(tableRequests(log), 1, referer);
      // The next page of the visit has a same-site referrer: no new request.
      await page.click('a.category-tile.category-packs');
      await page.waitForURL('**/category/packs.html');
      await waitReady(page);
      assert.deepEqual(await channel(page), expected, referer);
      assert.equal(tableRequests(log), 1, referer);
      assertClean(log);
    } finally {
      await context.close();
    }
  }
});

test('a failed table fetch leaves the page working with one error; the visit is a referral', async () => {
  server.fail(TABLE, 404);
  const { context, log } = await visitor(browser);
  try {
    const page = await context.newPage();
    await page.goto(server.url, { referer: 'https://search.seznam.cz/' });
    await waitReady(page);
    assert.deepEqual(await channel(page), { group: 'Referral', source: 'search.seznam.cz' });
    assert.deepEqual(await page.evaluate(() => window.trailmark.failed || null), null);
    // The SDK keeps working: later touchpoints are ingested.
    await page.evaluate(() => window.trailmark.track('Product Viewed', { product_id: 'summit-28' }));
    const stage = await page.evaluate(() => window.trailmark.stage().length);
    assert.ok(stage > 0);
    assert.equal(tableRequests(log), 1);
    const errors = lastLoadErrors(log);
    assert.equal(errors.length, 1, errors.join('\n'));
    assert.match(errors[0], /^Trailmark: sources\/fetch: .*trailmark_sources\.txt .*HTTP 404/);
    assertClean(log, { maxTrailmarkErrors: 1, expect: /sources\/fetch/, allowFailedLoads: true });
  } finally {
    await context.close();
  }
});

test('a visitor who leaves before the table arrives is still classified by it, on the next page', async () => {
  // The table is slow; the visitor clicks on before it arrives. The first page's page view must
  // not be stored with the subset's guess (a Referral) as the page goes: it waits in the outbox,
  // and the next page loads the table before ingesting it.
  server.reset();
  server.delay(TABLE, 1500);
  const { context, log } = await visitor(browser);
  try {
    const page = await context.newPage();
    await page.goto(server.url, { referer: 'https://search.seznam.cz/' });
    const asked = Date.now();
    while (tableRequests(log) === 0 && Date.now() - asked < 5_000) await new Promise((r) => setTimeout(r, 20));
    assert.equal(tableRequests(log), 1, 'the first page asked for the table');
    await page.click('a.category-tile.category-packs');
    await page.waitForURL('**/category/packs.html');
    await waitReady(page);
    assert.deepEqual(await channel(page), { group: 'Organic Search', source: 'seznam' });
    const first = await page.evaluate(() => window.trailmark.lifecycle().channel.first);
    assert.equal(first && first.group, 'Organic Search', JSON.stringify(first));
    assertClean(log);
  } finally {
    server.reset();
    await context.close();
  }
});
