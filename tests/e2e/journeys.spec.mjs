// Visitors walking the demo shop, and what they see: the hero and cart-nudge slots choose their
// variant from the visitor's journey, and a decision known from stored state is on screen at
// first paint, never swapped in after it.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, SHOP_DIR } from './server.mjs';
import {
  launch,
  visitor,
  assertClean,
  waitReady,
  waitForVariant,
  slotVariant,
  visibleVariant,
  topStage,
  addToCart,
  startCheckout,
  pay,
} from './harness.mjs';

const CONFIG = JSON.parse(readFileSync(join(SHOP_DIR, 'trailmark.json'), 'utf8'));
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

test('a first-time visitor from a search engine gets the discovery variant', async () => {
  const { context, log } = await visitor(browser);
  try {
    const page = await context.newPage();
    await page.goto(server.url, { referer: 'https://www.google.com/' });
    await waitReady(page);
    await waitForVariant(page, 'hero', 'discovery');
    assert.equal(await visibleVariant(page, 'hero'), 'discovery');
    // Nothing abandoned, so the nudge slot keeps its (empty) default.
    assert.equal(await slotVariant(page, 'cart_nudge'), 'default');
    const channel = await page.evaluate(async () => {
      const data = await window.trailmark.export();
      return JSON.stringify(data);
    });
    assert.match(channel, /Organic Search/, 'the visit is classified as Organic Search');
    assertClean(log);
  } finally {
    await context.close();
  }
});

test('after comparing products and reading reviews the visitor gets the consideration variant', async () => {
  const { context, log } = await visitor(browser);
  try {
    const page = await context.newPage();
    await page.goto(server.url, { referer: 'https://www.google.com/' });
    await waitReady(page);
    // Browse a category and compare two packs from it.
    await page.click('a.category-tile.category-packs');
    await page.waitForURL('**/category/packs.html');
    await waitReady(page);
    await page.check('[data-compare][value="summit-28"]');
    await page.check('[data-compare][value="traverse-45"]');
    await Promise.all([page.waitForURL('**/compare.html?ids=*'), page.click('[data-compare-form] button[type=submit]')]);
    await waitReady(page);
    await page.waitForSelector('[data-compare-table] tr');
    // Read the reviews of both.
    for (const id of ['summit-28', 'traverse-45']) {
      await page.goto(`${server.url}products/${id}.html`);
      await waitReady(page);
      await page.click('[data-reviews-toggle]');
      await page.waitForSelector('#reviews:not([hidden])');
    }
    // Compare again from the product page.
    await Promise.all([page.waitForURL('**/compare.html?ids=*'), page.click('[data-compare-link]')]);
    await waitReady(page);
    await page.waitForSelector('[data-compare-table] tr');
    await page.goto(server.url);
    await waitReady(page);
    assert.equal(await topStage(page), 'consideration');
    await waitForVariant(page, 'hero', 'consideration');
    assertClean(log);
  } finally {
    await context.close();
  }
});

// Abandonment needs time to pass. Rather than faking the page clock (the runtime schedules its
// deadline check with timers, and a faked clock would also have to survive navigations), the
// server serves this test a config whose checkout steps time out after 2 seconds; everything
// else is the demo's own config.
test('an abandoned checkout shows the cart nudge on the next page', async () => {
  const short = structuredClone(CONFIG);
  short.micro_journeys = [
    {
      id: 'checkout',
      steps: [
        { event: 'Checkout Started' },
        { event: 'Checkout Step Completed', optional: true, timeout_s: 2 },
        { event: 'Payment Info Entered', optional: true, timeout_s: 2 },
        { event: 'Order Completed', timeout_s: 2 },
      ],
      timeout_s: 2,
    },
  ];
  const local = await startServer();
  local.override('/trailmark.compiled.json', { body: short });
  const { context, log } = await visitor(browser);
  try {
    const page = await context.newPage();
    await addToCart(page, local.url, 'ember-2');
    await startCheckout(page, local.url);
    assert.notEqual(await slotVariant(page, 'cart_nudge'), 'nudge', 'no nudge while the checkout is live');
    // The visitor stops on the payment step; the runtime notices the deadline pass.
    await page.waitForFunction(() => window.trailmark.journey().checkout.status === 'abandoned', null, { timeout: 10_000, polling: 100 });
    await page.goto(`${local.url}category/shelter.html`);
    await waitForVariant(page, 'cart_nudge', 'nudge');
    assert.equal(await visibleVariant(page, 'cart_nudge'), 'nudge');
    assert.match(await page.textContent('[data-tm-slot="cart_nudge"]'), /left something in your cart/);
    assertClean(log);
  } finally {
    await context.close();
    await local.close();
  }
});

// Records, from before the document exists, every mutation inside the hero slot (with the time
// it was observed), the paint timings, and what the slot showed in the first animation frame
// that had it (the frame that paints it).
// Records, from before the page's first byte: every DOM mutation inside the hero slot (and
// whether it touched a variant: a node carrying `data-variant`, or `data-tm-applied`), the paint
// timings, and what the slot shows at every animation frame (rAF runs right before each frame
// is rendered, after all microtasks, so it sees exactly what gets painted).
const RECORD_HERO = () => {
  window.__tm = { mutations: [], paints: [], frames: [], firstFrame: null };
  const inHero = (node) => {
    const el = node && (node.nodeType === 1 ? node : node.parentElement);
    return !!(el && el.closest && el.closest('[data-tm-slot="hero"]:not(template)'));
  };
  const variantNode = (n) => n.nodeType === 1 && (n.hasAttribute('data-variant') || !!n.querySelector('[data-variant]'));
  new MutationObserver((records) => {
    const t = performance.now();
    for (const r of records) {
      if (!inHero(r.target)) continue;
      const variant =
        r.attributeName === 'data-tm-applied' ||
        [...r.addedNodes].some(variantNode) ||
        [...r.removedNodes].some(variantNode);
      window.__tm.mutations.push({ t, type: r.type, attribute: r.attributeName, added: r.addedNodes.length, removed: r.removedNodes.length, variant });
    }
  }).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__tm.paints.push({ name: e.name, t: e.startTime });
  }).observe({ type: 'paint', buffered: true });
  const frame = () => {
    const slot = document.querySelector('[data-tm-slot="hero"]:not(template)');
    if (slot) {
      const shown = [...slot.querySelectorAll('[data-variant]')].filter((n) => !n.closest('template') && n.getClientRects().length > 0);
      const f = { t: performance.now(), applied: slot.getAttribute('data-tm-applied'), shown: shown.map((n) => n.getAttribute('data-variant')) };
      if (!window.__tm.firstFrame) window.__tm.firstFrame = f;
      window.__tm.frames.push(f);
    }
    if (window.__tm.frames.length < 600) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
};

test('a returning customer sees the loyalty variant on first paint, with no swap after it', async () => {
  const { context, log } = await visitor(browser);
  try {
    const page = await context.newPage();
    // First visit: buy something.
    await page.goto(server.url, { referer: 'https://www.google.com/' });
    await waitReady(page);
    await addToCart(page, server.url, 'scree-runner');
    await startCheckout(page, server.url);
    await pay(page);
    // Second visit: back from the club newsletter (a new campaign starts a new session).
    await page.goto(`${server.url}?utm_source=newsletter&utm_medium=email&utm_campaign=spring-club`);
    await waitReady(page);
    await waitForVariant(page, 'hero', 'loyalty');
    await page.close();

    // Next page load: the decision is known from stored state before anything paints.
    const next = await context.newPage();
    await next.addInitScript(RECORD_HERO);
    await next.goto(server.url);
    await waitReady(next);
    await next.waitForFunction(() => window.__tm.paints.some((p) => p.name === 'first-contentful-paint'), null, { timeout: 5_000 });
    // Give the runtime time to apply its own (fresh) decision, which must not change anything.
    await next.evaluate(() => new Promise((r) => setTimeout(r, 500)));
    const rec = await next.evaluate(() => window.__tm);
    const firstPaint = Math.min(...rec.paints.map((p) => p.t));
    assert.ok(Number.isFinite(firstPaint), `paint timings recorded: ${JSON.stringify(rec.paints)}`);
    // Every painted frame showed the hero slot either still being parsed (nothing in it yet) or
    // the loyalty variant: never the default, never another variant, and nothing once loyalty
    // was there.
    const shownAt = rec.frames.findIndex((f) => f.shown.length > 0);
    assert.ok(shownAt >= 0, `a frame showed the hero (of ${rec.frames.length})`);
    const wrong = rec.frames.filter((f, i) =>
      i < shownAt ? f.shown.length !== 0 : JSON.stringify(f.shown) !== '["loyalty"]');
    assert.deepEqual(wrong, [], `frames showing something other than the loyalty variant (of ${rec.frames.length}; first paint ${firstPaint.toFixed(1)} ms)`);
    // Once the loyalty variant was painted, no mutation touched a variant or the applied marker.
    // (The parser may still add later default children, which the loader moves out in the same
    // task, before any frame: those never paint and are not a swap.)
    const painted = rec.frames[shownAt].t;
    const late = rec.mutations.filter((m) => m.t >= painted && m.variant);
    assert.deepEqual(late, [], `hero variant changed after it was painted (${painted.toFixed(1)} ms)`);
    assert.equal(await slotVariant(next, 'hero'), 'loyalty');
    assert.equal(await visibleVariant(next, 'hero'), 'loyalty');
    assertClean(log);
  } finally {
    await context.close();
  }
});
