// Shared helpers for the browser end-to-end specs: Chromium from apt driven by playwright-core,
// a browser context whose every request is routed (anything not on 127.0.0.1 is aborted and
// counted), error collection, and small "visitor" steps over the demo shop.

import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { resolvePath } from './server.mjs';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
}

/** Trailmark's own console errors start with this. */
export const TRAILMARK_ERROR = /^Trailmark/;

/**
 * A fresh browser context (a fresh visitor) with every request routed through `record`:
 * requests to another host are aborted and counted in `log.foreign`. `options.block(url)` may
 * return true to abort a request on 127.0.0.1 as well (e.g. a blocked wasm file).
 */
export async function visitor(browser, options = {}) {
  const context = await browser.newContext({ serviceWorkers: 'block', ...(options.context || {}) });
  const log = { foreign: [], requests: [], blocked: [], pageErrors: [], consoleErrors: [], console: [] };
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.hostname !== '127.0.0.1') {
      log.foreign.push(url.href);
      return route.abort('blockedbyclient');
    }
    log.requests.push(url);
    if (options.block && options.block(url)) {
      log.blocked.push(url.pathname);
      return route.abort('blockedbyclient');
    }
    return route.continue();
  });
  for (const script of options.initScripts || []) await context.addInitScript(script);
  let pages = 0;
  const watch = (page) => {
    const id = ++pages;
    let load = 0;
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) load++;
    });
    page.on('pageerror', (e) => log.pageErrors.push(`${page.url()}: ${e && e.stack ? e.stack : e}`));
    page.on('console', (m) => {
      const entry = { type: m.type(), text: m.text(), url: page.url(), load: `${id}.${load}` };
      log.console.push(entry);
      if (m.type() === 'error') log.consoleErrors.push(entry.text);
    });
  };
  context.on('page', watch);
  return { context, log };
}

/** Console errors not written by Trailmark, minus the browser's own notes about requests we failed on purpose. */
export function foreignConsoleErrors(log, { allowFailedLoads = false } = {}) {
  return log.consoleErrors.filter((t) => !TRAILMARK_ERROR.test(t) && !(allowFailedLoads && /^Failed to load resource/.test(t)));
}

/** Trailmark's own console errors. */
export function trailmarkErrors(log) {
  return log.consoleErrors.filter((t) => TRAILMARK_ERROR.test(t));
}

/**
 * The checks every spec makes at its end: nothing left 127.0.0.1, no uncaught exception, every
 * request was for one of the shop's files or Trailmark's (or, in the export specs, for the
 * `collector` origin), no
 * console error other than Trailmark's, and at most `maxTrailmarkErrors` of those per page load,
 * each matching `expect` when given.
 */
export function assertClean(log, { maxTrailmarkErrors = 0, expect = null, allowFailedLoads = false, collector = null } = {}) {
  assert.deepEqual(log.foreign, [], 'requests left 127.0.0.1');
  assert.deepEqual(log.pageErrors, [], 'uncaught exceptions in the page');
  // `collector`: the origin of the export specs' collector (tests/e2e/collector.mjs), whose
  // requests are the configured export; every other request must still be an own file.
  const unexpected = log.requests.filter((u) => u.origin !== collector && !isOwnFile(u.pathname)).map((u) => u.href);
  assert.deepEqual(unexpected, [], "requests other than the shop's and Trailmark's own files");
  assert.deepEqual(foreignConsoleErrors(log, { allowFailedLoads }), [], 'console errors not from Trailmark');
  const perLoad = {};
  for (const m of log.console) {
    if (m.type !== 'error' || !TRAILMARK_ERROR.test(m.text)) continue;
    (perLoad[m.load] = perLoad[m.load] || []).push(m.text.split('\n')[0]);
    if (expect) assert.match(m.text, expect, 'an expected Trailmark error');
  }
  for (const [load, errors] of Object.entries(perLoad)) {
    assert.ok(errors.length <= maxTrailmarkErrors, `at most ${maxTrailmarkErrors} Trailmark console error(s) per page load, got ${JSON.stringify(errors)} on load ${load}`);
  }
}

/** Trailmark's console errors of the latest load of the page, first lines only. */
export function lastLoadErrors(log) {
  const last = log.console.length ? log.console[log.console.length - 1].load : null;
  return log.console.filter((m) => m.load === last && m.type === 'error' && TRAILMARK_ERROR.test(m.text)).map((m) => m.text.split('\n')[0]);
}

/**
 * A lazily loaded module start-up needs (`path` under `/trailmark/`) cannot be fetched: the
 * visitor opens the demo shop's home page on `server`, and Trailmark must not start (one
 * `wasm/load` error naming the file) and leave `slot` with its default content. `config` is
 * served as the compiled config when given (to switch the module on).
 */
export async function assertModuleFailureKeepsDefaults(browser, server, path, slot, config) {
  server.reset();
  if (config) server.override('/trailmark.compiled.json', { body: config });
  server.fail(path, 404);
  const { context, log } = await visitor(browser);
  try {
    const page = await context.newPage();
    await page.goto(server.url);
    const state = await waitReady(page, 10_000, { allowFailed: true });
    assert.equal(state.failed, 'wasm/load');
    assert.equal(await page.$eval(`[data-tm-slot="${slot}"]:not(template)`, (el) => el.getAttribute('data-tm-applied')), null);
    assert.ok(lastLoadErrors(log).some((e) => e.includes(path.split('/').pop())), JSON.stringify(lastLoadErrors(log)));
    assertClean(log, { maxTrailmarkErrors: 1, expect: /wasm\/load/, allowFailedLoads: true });
  } finally {
    await context.close();
    server.reset();
  }
}

/**
 * A file of the demo shop (`/`) or of Trailmark (anything under `/trailmark/`, where the site
 * serves dist/; a missing one shows up as a failed load in the console instead).
 */
export function isOwnFile(pathname) {
  if (pathname.startsWith('/trailmark/')) return true;
  const file = resolvePath(pathname);
  if (!file) return false;
  try {
    const target = statSync(file).isDirectory() ? join(file, 'index.html') : file;
    return existsSync(target);
  } catch {
    return false;
  }
}

/**
 * Waits until the runtime replaced the stub and processed the first page view
 * (`trailmark.ready === true`), or gave up (`trailmark.failed`, then this throws with its code
 * unless `allowFailed`). Resolves to `{ready, failed}` (`failed` is the error's code).
 */
export async function waitReady(page, timeout = 10_000, { allowFailed = false } = {}) {
  const handle = await page.waitForFunction(
    () => {
      const tm = window.trailmark;
      if (!tm) return false;
      if (tm.ready === true) return { ready: true, failed: null };
      if (tm.failed) return { ready: false, failed: String(tm.failed.code || tm.failed) };
      return false;
    },
    null,
    { timeout, polling: 50 }
  );
  const state = await handle.jsonValue();
  if (state.failed && !allowFailed) throw new Error(`Trailmark failed to start: ${state.failed}`);
  return state;
}

/** The variant a slot shows: `data-tm-applied`, or "default" when none was applied. */
export function slotVariant(page, slot) {
  return page.$eval(`[data-tm-slot="${slot}"]:not(template)`, (el) => el.getAttribute('data-tm-applied') || 'default');
}

/** The `data-variant` of what is visible in the slot (the banner's own label). */
export function visibleVariant(page, slot) {
  return page.$eval(`[data-tm-slot="${slot}"]:not(template)`, (el) => {
    const shown = [...el.querySelectorAll('[data-variant]')].filter((n) => !n.closest('template') && n.getClientRects().length > 0);
    return shown.map((n) => n.getAttribute('data-variant')).join(',') || 'none';
  });
}

/** Waits until `slot` shows `variant` (as applied and as visible). */
export async function waitForVariant(page, slot, variant, timeout = 10_000) {
  await page.waitForFunction(
    ([slot, variant]) => {
      const el = document.querySelector(`[data-tm-slot="${slot}"]:not(template)`);
      if (!el || el.getAttribute('data-tm-applied') !== variant) return false;
      const shown = [...el.querySelectorAll('[data-variant]')].filter((n) => !n.closest('template') && n.getClientRects().length > 0);
      return shown.length === 1 && shown[0].getAttribute('data-variant') === variant;
    },
    [slot, variant],
    { timeout, polling: 50 }
  );
}

/** The top stage right now, per the runtime. */
export function topStage(page) {
  return page.evaluate(() => {
    const s = window.trailmark.stage();
    return s.slice().sort((a, b) => b.probability - a.probability)[0].stage;
  });
}

/** Loads a product page and adds it to the cart, the way a visitor would. */
export async function addToCart(page, base, productId) {
  await page.goto(`${base}products/${productId}.html`);
  await waitReady(page);
  await page.click('[data-add-to-cart]');
  await page.waitForSelector('[data-added-note]:not([hidden])');
}

/** From the cart through shipping to the payment page (checkout started and step 1 done). */
export async function startCheckout(page, base) {
  await page.goto(`${base}cart.html`);
  await waitReady(page);
  await page.click('[data-checkout-link]');
  await page.waitForURL('**/checkout.html');
  await waitReady(page);
  await page.fill('input[name=name]', 'Ada Walker');
  await page.fill('input[name=email]', 'ada@example.com');
  await page.fill('input[name=address]', '1 Fell Road');
  await page.fill('input[name=town]', 'Kendal');
  await page.fill('input[name=postcode]', 'LA9 4AA');
  await Promise.all([page.waitForURL('**/payment.html'), page.click('[data-shipping-form] button[type=submit]')]);
  await waitReady(page);
}

/** Pays on the payment page and waits for the confirmation page to have tracked the order. */
export async function pay(page) {
  await page.fill('input[name=cardname]', 'Ada Walker');
  await page.fill('input[name=card]', '4242 4242 4242 4242');
  await page.fill('input[name=expiry]', '12/30');
  await page.fill('input[name=cvc]', '123');
  await Promise.all([page.waitForURL('**/confirmation.html'), page.click('[data-payment-form] button[type=submit]')]);
  await waitReady(page);
  await page.waitForFunction(() => {
    const j = window.trailmark.journey();
    return j && j.checkout && j.checkout.status === 'completed';
  }, null, { timeout: 10_000, polling: 50 });
}

/** The number of touchpoints the runtime's `export()` holds, by event name. */
export async function exportedCounts(page) {
  return page.evaluate(async () => {
    const data = await window.trailmark.export();
    const list = data.touchpoints || (data.profile && data.profile.touchpoints) || [];
    const counts = {};
    for (const t of list) counts[t.name || t.event] = (counts[t.name || t.event] || 0) + 1;
    return { counts, total: list.length, keys: Object.keys(data) };
  });
}
