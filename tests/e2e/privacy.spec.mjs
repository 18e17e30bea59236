// Privacy in the browser: with no export configured nothing but the shop's and Trailmark's own
// files is requested over a whole journey; TCF CMP stubs (granted, denied, throwing, never
// answering, not applicable) give the documented purposes, storage and export with no page
// error; forget() in one tab empties every Trailmark key and database and the profile in a
// second tab; the privacy panel shows what is known and erases it.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './server.mjs';
import { startCollector } from './collector.mjs';
import { launch, visitor, assertClean, waitReady, addToCart, startCheckout, pay } from './harness.mjs';
import { configWith, tcfStub, storageState, until } from './privacy-helpers.mjs';

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

test('with no export configured a whole journey requests only the shop\'s and Trailmark\'s own files', async () => {
  server.reset();
  const { context, log } = await visitor(browser);
  try {
    const page = await context.newPage();
    await page.goto(server.url);
    await waitReady(page);
    await addToCart(page, server.url, 'bivvy-pro');
    await startCheckout(page, server.url);
    await pay(page);
    await page.goto(server.url);
    await waitReady(page);
    assert.ok(log.requests.length > 10);
    assert.ok(!server.requests.some((r) => r.path.endsWith('/exporter.js')), 'the exporter is not even loaded');
    // Neither data_layer nor segment is switched on in the shop's config.
    assert.ok(!server.requests.some((r) => r.path.endsWith('/capture-extra.js')), 'no optional capture switched on');
    assert.ok(!server.requests.some((r) => r.path.includes('trailmark_compiler') || r.path.endsWith('/compile.js')), 'a compiled config never loads the config compiler');
    assert.ok(!log.console.some((m) => /compiled in the browser/.test(m.text)), 'and gives no hint');
    assert.deepEqual(server.requests.filter((r) => r.method !== 'GET').map((r) => r.path), [], 'nothing but GETs');
    assertClean(log); // every request an own file of the shop or Trailmark, none off 127.0.0.1
  } finally {
    await context.close();
  }
});

/** Purposes, storage and what reached the collector for a visit under a TCF stub. */
async function visitUnderTcf(kind) {
  collector.reset();
  server.override('/trailmark.compiled.json', { body: configWith({ export: { url: collector.url, flush_seconds: 1, retry_ms: 100 } }) });
  const { context, log } = await visitor(browser, { initScripts: [tcfStub(kind)] });
  try {
    const page = await context.newPage();
    await page.goto(server.url);
    await waitReady(page);
    await page.waitForTimeout(300); // the stub answers after 30 ms
    await page.evaluate(() => window.trailmark.track('Product Added', { product_id: 'bivvy-pro', price: 10 }));
    await page.waitForTimeout(1800); // longer than flush_seconds
    if (kind === 'granted') await until(() => collector.accepted().some((e) => e.event === 'Product Added'), 'the export', 15_000);
    const out = {
      consent: await page.evaluate(() => window.trailmark.consent()),
      calls: await page.evaluate(() => [...new Set(window.__tcfCalls)]),
      storage: await storageState(page),
      sent: collector.accepted().map((e) => e.event || e.type),
      ids: collector.accepted().map((e) => e.messageId),
      hero: await page.$eval('[data-tm-slot="hero"]:not(template)', (el) => el.getAttribute('data-tm-applied') || 'default'),
    };
    assertClean(log, { collector: collector.origin });
    return out;
  } finally {
    await context.close();
    server.reset();
  }
}

const NONE = { functional: false, personalization: false, measurement: false };

test('TCF granted: stored, personalised and exported', async () => {
  const r = await visitUnderTcf('granted');
  assert.deepEqual(r.calls, ['addEventListener'], 'only addEventListener, never getTCData');
  assert.deepEqual(r.consent, { functional: true, personalization: true, measurement: true });
  assert.equal(r.storage.idb['trailmark/profiles'], 1);
  assert.ok(r.storage.local.includes('trailmark:demo-shop:plan'));
  // Touchpoints made while the CMP was deciding were held in memory, then sent once it granted.
  assert.ok(r.sent.includes('page') && r.sent.includes('Product Added'), JSON.stringify(r.sent));
  assert.equal(new Set(r.ids).size, r.ids.length, 'each once');
  assert.notEqual(r.hero, 'default');
});

for (const kind of ['denied', 'throwing', 'silent']) {
  test(`TCF ${kind}: memory only, default content, nothing sent, no page error`, async () => {
    const r = await visitUnderTcf(kind);
    assert.deepEqual(r.consent, NONE);
    assert.deepEqual(r.storage.local, [], 'no localStorage key');
    assert.deepEqual(r.storage.session, []);
    assert.ok(!r.storage.idb['trailmark/profiles'], 'no stored profile');
    assert.deepEqual(r.sent, []);
    assert.equal(r.hero, 'default');
  });
}

test('TCF not applicable (gdprApplies false): the config defaults, stored, nothing sent', async () => {
  const r = await visitUnderTcf('not-applicable');
  assert.deepEqual(r.consent, { functional: true, personalization: true, measurement: false });
  assert.equal(r.storage.idb['trailmark/profiles'], 1);
  assert.deepEqual(r.sent, []);
});

test('a page whose dataLayer getter throws: Trailmark starts and stores, nothing reaches the page', async () => {
  server.reset();
  const odd = "Object.defineProperty(window, 'dataLayer', { get() { throw new Error('odd dataLayer'); }, configurable: true });";
  const { context, log } = await visitor(browser, { initScripts: [odd] });
  try {
    const page = await context.newPage();
    await page.goto(server.url);
    await waitReady(page);
    await page.evaluate(() => window.trailmark.track('Newsletter Signup'));
    assert.equal((await storageState(page)).idb['trailmark/profiles'], 1);
    assertClean(log);
  } finally {
    await context.close();
  }
});

test('a TCF CMP that appears after start-up: PENDING at once, then its refusal erases', async () => {
  server.reset();
  const { context, log } = await visitor(browser);
  try {
    const page = await context.newPage();
    await page.goto(server.url);
    await waitReady(page);
    assert.equal((await storageState(page)).idb['trailmark/profiles'], 1, 'stored under the config defaults');
    await page.evaluate(tcfStub('denied'));
    // Looked for every 250 ms: found, it holds everything at once, until it answers.
    await until(() => page.evaluate(() => window.trailmark.export().privacy.tcf !== 'absent'), 'the CMP found', 2_000);
    await until(async () => (await page.evaluate(() => window.__tcfCalls)).includes('addEventListener'), 'the listener');
    await until(() => page.evaluate(() => window.trailmark.export().privacy.tcf === 'decided'), 'the answer');
    assert.deepEqual(await page.evaluate(() => window.trailmark.consent()), NONE);
    const s = await until(async () => { const st = await storageState(page); return !st.idb['trailmark/profiles'] && st; }, 'the erased profile');
    assert.deepEqual(s.local, []);
    assertClean(log);
  } finally {
    await context.close();
  }
});

test('forget() in one tab empties storage and the profile in a second tab; the visitor is new', async () => {
  const { context, log } = await visitor(browser);
  try {
    const [a, b] = [await context.newPage(), await context.newPage()];
    await a.goto(`${server.url}products/bivvy-pro.html`);
    await b.goto(server.url);
    await Promise.all([waitReady(a), waitReady(b)]);
    await a.click('[data-add-to-cart]');
    await a.evaluate(() => window.trailmark.identify('u-1', { first_name: 'Ada' }));
    await a.evaluate(() => window.trailmark.debug()); // a sessionStorage key
    await until(() => b.evaluate(() => window.trailmark.export().touchpoints.length >= 3), 'b has the touchpoints');
    const full = await storageState(a);
    assert.ok(full.local.length >= 3 && full.session.length >= 1 && full.idb['trailmark/profiles'] === 1, JSON.stringify(full));

    await a.evaluate(() => window.trailmark.forget());
    assert.deepEqual(await storageState(a), { local: [], session: [], idb: { 'trailmark/profiles': 0 } }, 'erased when forget() resolves');
    const empty = (page) => page.evaluate(() => {
      const e = window.trailmark.export();
      return e.touchpoints.length === 0 && Object.keys(e.event_counts).length === 0 && !e.lifecycle.visits && Object.keys(e.traits).length === 0;
    });
    assert.ok(await empty(a));
    await until(() => empty(b), 'the second tab forgot the visitor');
    // The other tab shows the default content again, and does not write the old profile back.
    assert.equal(await b.$eval('[data-tm-slot="hero"]:not(template)', (el) => el.getAttribute('data-tm-applied')), null);
    await b.reload();
    await waitReady(b);
    const lc = await b.evaluate(() => window.trailmark.lifecycle());
    assert.equal(lc.visits, 1, 'a new visitor');
    assert.equal(lc.orders, 0);
    assertClean(log);
  } finally {
    await context.close();
  }
});

test('forget() still erases everything when forget.js cannot be fetched (offline), with one error', async () => {
  const { context, log } = await visitor(browser, { block: (u) => u.pathname.endsWith('/forget.js') });
  try {
    const page = await context.newPage();
    await page.goto(`${server.url}products/bivvy-pro.html`);
    await waitReady(page);
    await page.click('[data-add-to-cart]');
    await page.evaluate(() => window.trailmark.debug()); // a sessionStorage key
    await until(() => page.evaluate(() => window.trailmark.export().touchpoints.length >= 2), 'touchpoints stored');
    const full = await storageState(page);
    assert.ok(full.local.length >= 1 && full.idb['trailmark/profiles'] === 1, JSON.stringify(full));
    await page.evaluate(() => window.trailmark.forget());
    assert.deepEqual(await storageState(page), { local: [], session: [], idb: { 'trailmark/profiles': 0 } }, 'erased when forget() resolves');
    assert.equal(await page.evaluate(() => window.trailmark.export().touchpoints.length), 0);
    assert.deepEqual(log.blocked.filter((p) => p.endsWith('/forget.js')).length, 1);
    assertClean(log, { maxTrailmarkErrors: 1, expect: /forget\/fallback/, allowFailedLoads: true });
  } finally {
    await context.close();
  }
});

test('the privacy panel says what is known, downloads it and erases it, from a data-tm-privacy link', async () => {
  const { context, log } = await visitor(browser, { context: { acceptDownloads: true } });
  try {
    const page = await context.newPage();
    await page.goto(`${server.url}products/bivvy-pro.html`);
    await waitReady(page);
    // The shop's footer link (generate.mjs), as a site would mark it.
    await page.click('footer a[data-tm-privacy]');
    const dialog = page.locator('[data-tm-privacy-panel] dialog');
    await dialog.waitFor();
    assert.equal(await dialog.getAttribute('aria-labelledby'), 'tm-pp-h');
    const text = await dialog.innerText();
    assert.match(text, /What this site knows about you/);
    assert.match(text, /Product Viewed on \/products\/bivvy-pro\.html/);
    assert.match(text, /Nothing about you is sent anywhere/);
    const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'Download my data' }).click()]);
    const data = JSON.parse(await (await import('node:fs/promises')).readFile(await download.path(), 'utf8'));
    assert.equal(data.format, 'trailmark-export/1');
    assert.ok(data.touchpoints.length >= 2 && data.privacy.storage === 'browser');
    await dialog.getByRole('button', { name: 'Erase my data' }).click();
    await dialog.getByText('was erased').waitFor();
    assert.equal(await page.evaluate(() => window.trailmark.export().touchpoints.length), 0);
    await page.keyboard.press('Escape');
    await page.locator('[data-tm-privacy-panel]').waitFor({ state: 'detached' });
    assertClean(log);
  } finally {
    await context.close();
  }
});

test('a returning visitor under a CMP that answers after start-up keeps their stored profile', async () => {
  server.override('/trailmark.compiled.json', { body: configWith({}) });
  const { context, log } = await visitor(browser, { initScripts: [tcfStub('granted')] });
  try {
    const page = await context.newPage();
    for (let visit = 1; visit <= 3; visit++) {
      await page.goto(`${server.url}products/bivvy-pro.html`);
      await waitReady(page);
      // The page starts memory only (the CMP has not answered); once it grants storage, the stored
      // profile is taken and this page's touchpoints are added to it, not written over it.
      await until(() => page.evaluate((n) => ((window.trailmark.export().event_counts || {})['Product Viewed'] || 0) === n, visit), `visit ${visit} counted on top of the stored ones`);
      await page.waitForTimeout(100);
    }
    const stored = await storageState(page);
    assert.equal(stored.idb['trailmark/profiles'], 1);
    // A JSON source config (this test's override) is compiled in the browser, with a hint.
    const hints = log.console.filter((m) => m.type === 'info' && /compiled in the browser/.test(m.text));
    assert.equal(hints.length, 3, 'one hint a page load');
    assertClean(log);
  } finally {
    await context.close();
    server.reset();
  }
});

test('a returning visitor under a CMP that answers after start-up keeps the traits identify() stored', async () => {
  const { context, log } = await visitor(browser, { initScripts: [tcfStub('granted')] });
  try {
    const page = await context.newPage();
    await page.goto(server.url);
    await waitReady(page);
    await until(() => page.evaluate(() => window.trailmark.consent().functional), 'the CMP granting storage');
    await page.evaluate(() => window.trailmark.identify('u1', { first_name: 'Ada' }));
    await page.goto(`${server.url}help.html`);
    await waitReady(page);
    await until(() => page.evaluate(() => window.trailmark.consent().functional), 'the CMP granting storage');
    await page.evaluate(() => window.trailmark.track('Newsletter Signup'));
    assert.deepEqual(await page.evaluate(() => window.trailmark.export().traits), { first_name: 'Ada', user_id: 'u1' });
    assert.deepEqual(JSON.parse(await page.evaluate(() => localStorage['trailmark:demo-shop:traits'])), { first_name: 'Ada', user_id: 'u1' });
    assertClean(log);
  } finally {
    await context.close();
  }
});

test('a CMP that answers as soon as it is asked decides before the stored profile is read: no re-emitted events', async () => {
  // The CMP answers inside addEventListener (a stored decision), and a stub queues on('stage').
  const cmp = `window.__tcfapi = (command, version, callback) => {
      const all = {}; for (let i = 1; i <= 11; i++) all[i] = true;
      if (command === 'addEventListener') callback({ gdprApplies: true, eventStatus: 'tcloaded', listenerId: 1, purpose: { consents: all }, publisher: { consents: {} } }, true);
    };
    window.__stage = [];
    window.trailmark = { _q: [['on', ['stage', (e) => window.__stage.push(e)], Date.now(), {}]] };`;
  const { context, log } = await visitor(browser, { initScripts: [cmp] });
  try {
    const page = await context.newPage();
    await page.goto(`${server.url}products/bivvy-pro.html`);
    await waitReady(page);
    await page.click('[data-add-to-cart]');
    await until(() => page.evaluate(() => (window.trailmark.export().event_counts || {})['Product Added'] === 1), 'the cart');
    await page.goto(`${server.url}help.html`);
    await waitReady(page);
    assert.deepEqual(await page.evaluate(() => window.trailmark.consent()), { functional: true, personalization: true, measurement: true });
    assert.deepEqual(await page.evaluate(() => window.__stage.filter((e) => e.remote)), [], 'the stored profile was read at start-up, not taken as another tab\'s');
    assert.equal(await page.evaluate(() => (window.trailmark.export().event_counts || {})['Product Added']), 1);
    assertClean(log);
  } finally {
    await context.close();
  }
});

test('while the CMP decides slots keep the stored plan and storage is untouched; a later refusal erases it', async () => {
  server.override('/trailmark.compiled.json', { body: configWith({}) });
  const { context, log } = await visitor(browser, { initScripts: [tcfStub('by-url')] });
  try {
    const page = await context.newPage();
    await page.goto(server.url); // granted: stored, hero decided and planned for the next page
    await waitReady(page);
    await until(() => page.evaluate(() => !!localStorage['trailmark:demo-shop:plan'] && document.querySelector('[data-tm-slot="hero"]:not(template)').hasAttribute('data-tm-applied')), 'a stored plan');
    const shown = await page.$eval('[data-tm-slot="hero"]:not(template)', (el) => el.getAttribute('data-tm-applied'));
    const before = await storageState(page);

    await page.goto(server.url + '?silent'); // the CMP never answers
    await waitReady(page);
    await page.waitForTimeout(500);
    assert.deepEqual(await page.evaluate(() => window.trailmark.consent()), NONE);
    assert.equal(await page.$eval('[data-tm-slot="hero"]:not(template)', (el) => el.getAttribute('data-tm-applied')), shown, 'the loader\'s variant stays');
    assert.deepEqual(await storageState(page), before, 'nothing stored, nothing erased');

    await page.goto(server.url + '?deny'); // the visitor now refuses
    await waitReady(page);
    await until(async () => {
      const s = await storageState(page);
      return s.local.length === 0 && !s.idb['trailmark/profiles'];
    }, 'the earlier pages\' data erased');
    assert.equal(await page.$eval('[data-tm-slot="hero"]:not(template)', (el) => el.getAttribute('data-tm-applied')), null, 'default content');
    assertClean(log);
  } finally {
    await context.close();
    server.reset();
  }
});

test('Google Consent Mode: denied by default runs memory only; an update granting storage and analytics stores and exports', async () => {
  collector.reset();
  server.override('/trailmark.compiled.json', { body: configWith({ consent: { measurement: true }, export: { url: collector.url, flush_seconds: 1, retry_ms: 100 } }) });
  const gtag = `window.dataLayer = window.dataLayer || []; window.gtag = function () { dataLayer.push(arguments); };
    gtag('consent', 'default', { analytics_storage: 'denied', personalization_storage: 'denied', ad_storage: 'denied' });`;
  const { context, log } = await visitor(browser, { initScripts: [gtag] });
  try {
    const page = await context.newPage();
    await page.goto(server.url);
    await waitReady(page);
    assert.deepEqual(await page.evaluate(() => window.trailmark.consent()), NONE);
    assert.deepEqual((await storageState(page)).local, []);
    await page.evaluate(() => window.gtag('consent', 'update', { analytics_storage: 'granted', personalization_storage: 'granted' }));
    assert.deepEqual(await page.evaluate(() => window.trailmark.consent()), { functional: true, personalization: true, measurement: true });
    await page.evaluate(() => window.trailmark.track('Newsletter Signup'));
    await until(() => collector.accepted().some((e) => e.event === 'Newsletter Signup'), 'the export');
    await until(async () => (await storageState(page)).idb['trailmark/profiles'] === 1, 'the stored profile');
    const commands = await page.evaluate(() => window.dataLayer.filter((e) => e[0] === 'consent').map((e) => e[1]));
    assert.deepEqual(commands, ['default', 'update'], 'Trailmark never calls gtag(\'consent\')');
    assertClean(log, { collector: collector.origin });
  } finally {
    await context.close();
    server.reset();
  }
});

test('Google Consent Mode in a dataLayer made after start-up: the next batch applies it first', async () => {
  server.reset();
  const { context, log } = await visitor(browser);
  try {
    const page = await context.newPage();
    await page.goto(server.url);
    await waitReady(page);
    assert.equal((await storageState(page)).idb['trailmark/profiles'], 1, 'stored under the config defaults');
    // A tag makes the dataLayer late, denying storage; the next touchpoint's batch reads it first.
    const consent = await page.evaluate(async () => {
      window.dataLayer = [['consent', 'default', { analytics_storage: 'denied', personalization_storage: 'denied' }]];
      await window.trailmark.track('Newsletter Signup');
      return window.trailmark.consent();
    });
    assert.deepEqual(consent, NONE);
    const s = await until(async () => { const st = await storageState(page); return !st.idb['trailmark/profiles'] && st; }, 'the erased profile');
    assert.deepEqual(s.local, [], 'storage refused: every key erased');
    assertClean(log);
  } finally {
    await context.close();
  }
});

test('embedded in another origin\'s page (an iframe) Trailmark runs memory only', async () => {
  const host = await startServer();
  host.override('/embed.html', { type: 'text/html', body: `<!doctype html><title>host</title><iframe src="${server.url}" width="800" height="600"></iframe>` });
  const { context, log } = await visitor(browser);
  try {
    const page = await context.newPage();
    await page.goto(host.url + 'embed.html');
    const frame = await until(() => page.frames().find((f) => f.url().startsWith(server.url)), 'the shop frame');
    await waitReady(frame);
    await frame.evaluate(() => window.trailmark.track('Newsletter Signup'));
    const p = await frame.evaluate(() => window.trailmark.export().privacy);
    assert.equal(p.cross_site_frame, true);
    assert.equal(p.storage, 'memory');
    assert.equal(p.purposes.functional, false);
    assert.ok(await frame.evaluate(() => window.trailmark.export().touchpoints.length >= 2), 'the profile works in memory');
    const s = await storageState(frame);
    assert.deepEqual(s.local, []);
    assert.ok(!s.idb['trailmark/profiles']);
    assertClean(log, { collector: host.origin }); // the embedding page's origin is allowed too
  } finally {
    await context.close();
    await host.close();
  }
});

test('without storage consent the debug panel keeps its history for the page only', async () => {
  const { context, log } = await visitor(browser);
  try {
    const page = await context.newPage();
    await page.goto(`${server.url}products/bivvy-pro.html`);
    await waitReady(page);
    await page.evaluate(() => window.trailmark.consent({ functional: false }));
    await page.evaluate(() => window.trailmark.debug());
    assert.equal(await page.locator('[data-tm-debug]').count(), 1, 'the panel is open');
    await page.evaluate(() => window.trailmark.track('Reviews Viewed'));
    const session = await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('trailmark:')));
    assert.deepEqual(session, [], 'nothing in sessionStorage');
    assertClean(log);
  } finally {
    await context.close();
  }
});
