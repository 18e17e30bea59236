// The opt-in export against a Segment-compatible collector on 127.0.0.1 (tests/e2e/collector.mjs,
// another origin, as a site's collector usually is): with Global Privacy Control nothing is sent
// (the exporter is not even loaded) and, as a control, without it the events arrive exactly
// once; 503, 503, 200 and 429 with Retry-After are retried as specified and 400 is not; the queue
// survives a reload while the collector is down and is delivered, without duplicates, once it is
// up; withdrawing consent mid-session drops the queue.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './server.mjs';
import { startCollector } from './collector.mjs';
import { launch, visitor, assertClean, waitReady } from './harness.mjs';
import { configWith, GPC_ON, storageState, until } from './privacy-helpers.mjs';

let browser;
let server;
let collector;
before(async () => {
  browser = await launch();
  server = await startServer();
  collector = await startCollector();
});
after(async () => {
  await browser?.close();
  await server?.close();
  await collector?.close();
});

/** A visitor of a shop that exports to the collector, with measurement granted by default. */
async function exporting(options = {}, exportConfig = {}) {
  collector.reset();
  server.reset();
  server.override('/trailmark.compiled.json', {
    body: configWith({ consent: { measurement: true }, export: { url: collector.url, flush_seconds: 1, retry_ms: 200, ...exportConfig } }),
  });
  return visitor(browser, options);
}

const ids = (events) => events.map((e) => e.messageId);
const once = (list) => new Set(list).size === list.length;

async function walk(page, { waitForDelivery }) {
  const seen = [];
  for (const path of ['', 'products/bivvy-pro.html']) {
    await page.goto(server.url + path);
    await waitReady(page);
    if (path) await page.click('[data-add-to-cart]');
    seen.push(path);
    if (waitForDelivery) {
      const pages = () => collector.accepted().filter((e) => e.type === 'page').length;
      await until(() => pages() >= seen.length, 'the page view of ' + (path || '/'), 20_000).catch((e) => {
        throw new Error(e.message + '; posts: ' + JSON.stringify(collector.posts.map((p) => [p.status, (p.events || []).map((x) => x.event || x.type)])));
      });
    }
  }
}

test('with GPC on nothing is sent (the exporter is never loaded); with GPC off the events arrive exactly once', async () => {
  {
    const { context, log } = await exporting({ initScripts: [GPC_ON] });
    try {
      const page = await context.newPage();
      await walk(page, { waitForDelivery: false });
      assert.equal(await page.evaluate(() => navigator.globalPrivacyControl), true);
      assert.equal((await page.evaluate(() => window.trailmark.consent())).measurement, false);
      await page.waitForTimeout(2500); // longer than flush_seconds
      await page.goto(server.url + 'help.html'); // pagehide: no final flush either
      await waitReady(page);
      assert.deepEqual(collector.posts, [], 'nothing reached the collector');
      assert.ok(!log.requests.some((u) => u.origin === collector.origin), 'no request to the collector, not even a preflight');
      assert.ok(!server.requests.some((r) => r.path.endsWith('/exporter.js')), 'the exporter is not loaded');
      assertClean(log);
    } finally {
      await context.close();
    }
  }
  {
    const { context, log } = await exporting();
    try {
      const page = await context.newPage();
      await walk(page, { waitForDelivery: true });
      await until(() => collector.accepted().some((e) => e.event === 'Product Added'), 'Product Added');
      await page.goto(server.url + 'help.html');
      await waitReady(page);
      await until(() => collector.accepted().filter((e) => e.type === 'page').length >= 3, 'the third page view', 20_000);
      await page.waitForTimeout(1500);
      const got = collector.accepted();
      assert.ok(once(ids(got)), 'each event exactly once: ' + JSON.stringify(ids(got)));
      assert.deepEqual(got.filter((e) => e.type === 'page').map((e) => new URL(e.properties.url).pathname), ['/', '/products/bivvy-pro.html', '/help.html']);
      assert.equal(got.filter((e) => e.event === 'Product Added').length, 1);
      for (const e of got) {
        assert.match(e.messageId, /^tm-demo-shop-[a-z0-9]+\.\d+$/);
        assert.ok(e.anonymousId && e.timestamp && e.context.library.name === 'trailmark');
      }
      assert.equal(new Set(got.map((e) => e.anonymousId)).size, 1, 'one anonymous id for the visitor');
      for (const p of collector.posts) assert.ok(JSON.stringify({ batch: p.events }).length <= 65536);
      assertClean(log, { collector: collector.origin });
    } finally {
      await context.close();
    }
  }
});

test('503, 503, then 200: retried with growing delays, the same messageIds, delivered once', async () => {
  const { context, log } = await exporting();
  collector.script(503, 503, 200);
  try {
    const page = await context.newPage();
    await page.goto(server.url + 'help.html');
    await waitReady(page);
    await until(() => collector.posts.length >= 3, 'three posts');
    await page.waitForTimeout(1000);
    const [a, b, c] = collector.posts;
    assert.deepEqual(collector.posts.map((p) => p.status), [503, 503, 200], 'no more posts once accepted');
    assert.deepEqual(ids(b.events), ids(a.events));
    assert.deepEqual(ids(c.events), ids(a.events));
    // retry_ms 200: the first retry after 100..200 ms, the second after 200..400 ms.
    assert.ok(b.at - a.at >= 90, `first retry after ${b.at - a.at} ms`);
    assert.ok(c.at - b.at >= 190, `second retry after ${c.at - b.at} ms`);
    assert.ok(once(ids(collector.accepted())));
    assertClean(log, { collector: collector.origin, allowFailedLoads: true }); // the browser's notes on the 503s
  } finally {
    await context.close();
  }
});

test('429 with Retry-After is retried no sooner than it says', async () => {
  const { context, log } = await exporting();
  collector.script({ status: 429, headers: { 'Retry-After': '2' } }, 200);
  try {
    const page = await context.newPage();
    await page.goto(server.url + 'help.html');
    await waitReady(page);
    await until(() => collector.posts.length >= 2, 'the retry', 8000);
    const [a, b] = collector.posts;
    assert.deepEqual([a.status, b.status], [429, 200]);
    assert.ok(b.at - a.at >= 1950, `retried after ${b.at - a.at} ms, Retry-After: 2`);
    assert.deepEqual(ids(b.events), ids(a.events));
    assertClean(log, { collector: collector.origin, allowFailedLoads: true });
  } finally {
    await context.close();
  }
});

test('400 is not retried: the batch is dropped with one clear error', async () => {
  const { context, log } = await exporting();
  collector.script(400);
  try {
    const page = await context.newPage();
    await page.goto(server.url + 'help.html');
    await waitReady(page);
    await until(() => collector.posts.length >= 1, 'the post');
    await page.waitForTimeout(2500);
    assert.deepEqual(collector.posts.map((p) => p.status), [400]);
    assert.equal((await storageState(page)).idb['trailmark-export/events'], 0, 'dropped from the queue');
    assertClean(log, { collector: collector.origin, maxTrailmarkErrors: 1, expect: /export\/rejected/, allowFailedLoads: true });
  } finally {
    await context.close();
  }
});

test('the queue survives a reload while the collector is down and is delivered once it is up, without duplicates', async () => {
  const { context, log } = await exporting();
  collector.down();
  try {
    const page = await context.newPage();
    await page.goto(server.url);
    await waitReady(page);
    await page.evaluate(() => window.trailmark.track('Newsletter Signup', { n: 1 }));
    await page.waitForTimeout(1500); // a flush fails (network error)
    await page.reload(); // the final flush as the page goes fails too
    await waitReady(page);
    const queued = (await storageState(page)).idb['trailmark-export/events'];
    assert.ok(queued >= 3, `queued across the reload: ${queued}`);
    assert.deepEqual(collector.accepted(), []);
    collector.up();
    await until(() => collector.accepted().filter((e) => e.type === 'page').length === 2, 'both page views', 15_000);
    await page.waitForTimeout(1500);
    const got = collector.accepted();
    assert.ok(once(ids(got)), 'no duplicates: ' + JSON.stringify(ids(got)));
    assert.equal(got.filter((e) => e.event === 'Newsletter Signup').length, 1);
    assert.equal((await storageState(page)).idb['trailmark-export/events'], 0, 'the queue is empty once delivered');
    assertClean(log, { collector: collector.origin, allowFailedLoads: true });
  } finally {
    await context.close();
  }
});

test('withdrawing measurement consent mid-session drops the queue at once', async () => {
  const { context, log } = await exporting();
  collector.down();
  try {
    const page = await context.newPage();
    await page.goto(server.url);
    await waitReady(page);
    await page.evaluate(() => window.trailmark.track('Newsletter Signup'));
    await until(async () => (await storageState(page)).idb['trailmark-export/events'] >= 2, 'the queue written');
    await page.evaluate(() => window.trailmark.consent({ measurement: false }));
    await until(async () => (await storageState(page)).idb['trailmark-export/events'] === 0, 'the queue emptied');
    collector.up();
    await page.evaluate(() => window.trailmark.track('After Withdrawal'));
    await page.waitForTimeout(2500);
    assert.deepEqual(collector.posts, [], 'nothing sent after withdrawal');
    // Withdrawn for later pages too (the choice is stored).
    await page.reload();
    await waitReady(page);
    await page.waitForTimeout(1500);
    assert.deepEqual(collector.posts, []);
    assertClean(log, { collector: collector.origin, allowFailedLoads: true });
  } finally {
    await context.close();
  }
});
