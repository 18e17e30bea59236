// The host page never breaks: storage that throws, a broken config, a blocked wasm file and a
// strict Content-Security-Policy each leave the shop working, with default content where
// Trailmark could not decide, at most one console error from Trailmark and no uncaught error.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, SHOP_DIR, DIST_DIR } from './server.mjs';
import { launch, visitor, assertClean, waitReady, waitForVariant, slotVariant, visibleVariant, trailmarkErrors, lastLoadErrors } from './harness.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** Waits (bounded) for Trailmark to report its one error, then a little longer for stragglers. */
async function settleAfterError(page, log, timeout = 8_000) {
  const until = Date.now() + timeout;
  while (trailmarkErrors(log).length === 0 && Date.now() < until) await page.waitForTimeout(50);
  await page.waitForTimeout(300);
}

/** Every public call still works as a harmless no-op after a failure: none throws. */
async function callsAreHarmless(page) {
  return page.evaluate(async () => {
    const tm = window.trailmark;
    const thrown = [];
    const attempt = (name, fn) => {
      try {
        const r = fn();
        if (r && typeof r.then === 'function') return r.catch(() => undefined);
      } catch (e) {
        thrown.push(name + ': ' + e);
      }
    };
    attempt('track', () => tm.track('Product Added', { product_id: 'x', price: 1 }));
    attempt('page', () => tm.page());
    attempt('identify', () => tm.identify('u1', {}));
    attempt('stage', () => tm.stage());
    attempt('journey', () => tm.journey());
    await attempt('export', () => tm.export());
    return thrown;
  });
}

/** The hero shows its default children, and nothing else. */
async function assertDefaults(page) {
  assert.equal(await slotVariant(page, 'hero'), 'default');
  assert.equal(await visibleVariant(page, 'hero'), 'default');
  assert.ok(await page.isVisible('.hero-default h1'), 'the default hero is visible');
}

/** The shop itself still works: adding to the cart updates the badge. */
async function shopWorks(page, base) {
  await page.goto(`${base}products/summit-28.html`);
  await page.click('[data-add-to-cart]');
  await page.waitForSelector('[data-added-note]:not([hidden])');
  assert.equal(await page.textContent('[data-cart-count]'), '1');
}

test('storage that throws leaves the defaults at first paint and breaks nothing', async () => {
  const server = await startServer();
  const throwing = () => {
    for (const name of ['localStorage', 'sessionStorage']) {
      Object.defineProperty(window, name, {
        configurable: true,
        get() {
          throw new DOMException('The operation is insecure.', 'SecurityError');
        },
      });
    }
    window.__firstFrame = null;
    const frame = () => {
      const slot = document.querySelector('[data-tm-slot="hero"]:not(template)');
      if (!slot) return requestAnimationFrame(frame);
      window.__firstFrame = slot.getAttribute('data-tm-applied') || 'default';
    };
    requestAnimationFrame(frame);
  };
  const { context, log } = await visitor(browser, { initScripts: [throwing] });
  try {
    const page = await context.newPage();
    await page.goto(server.url, { referer: 'https://www.google.com/' });
    // Storage is not needed to run: the profile lives in memory for this page.
    assert.equal((await waitReady(page)).ready, true);
    await page.waitForTimeout(300);
    assert.equal(await page.evaluate(() => window.__firstFrame), 'default', 'nothing could be read from storage, so defaults at first paint');
    const variant = await slotVariant(page, 'hero');
    assert.ok(['default', 'discovery'].includes(variant), `hero shows default or the in-memory decision, got ${variant}`);
    assert.deepEqual(await callsAreHarmless(page), []);
    await shopWorks(page, server.url);
    assertClean(log, { maxTrailmarkErrors: 1, expect: /^Trailmark: storage\// });
  } finally {
    await context.close();
    await server.close();
  }
});

/** The demo's compiled config (made by `cargo xtask build`) with one engine byte changed. */
function damagedCompiled() {
  const doc = JSON.parse(readFileSync(join(SHOP_DIR, 'trailmark.compiled.json'), 'utf8'));
  const at = doc.engine.length >> 1;
  doc.engine = doc.engine.slice(0, at) + (doc.engine[at] === 'A' ? 'B' : 'A') + doc.engine.slice(at + 1);
  return JSON.stringify(doc);
}

for (const [name, body] of [
  ['invalid JSON', '{"namespace": "demo-shop", "slots": {"hero": '],
  ['an invalid config', JSON.stringify({ namespace: 'demo-shop', slots: { hero: { rules: [{ variant: 'discovery', when: 'top_stage == ' }] } }, stages: 'all of them' })],
  ['a damaged compiled config', damagedCompiled()],
]) {
  test(`a broken config (${name}) leaves defaults and one clear error`, async () => {
    const server = await startServer();
    server.override('/trailmark.compiled.json', { body, type: 'application/json' });
    const { context, log } = await visitor(browser);
    try {
      const page = await context.newPage();
      await page.goto(server.url, { referer: 'https://www.google.com/' });
      assert.equal((await waitReady(page, 10_000, { allowFailed: true })).failed, 'config/invalid');
      await settleAfterError(page, log);
      await assertDefaults(page);
      const errors = trailmarkErrors(log);
      assert.equal(errors.length, 1, `exactly one Trailmark error, got ${JSON.stringify(errors)}`);
      if (name === 'an invalid config') assert.match(errors[0], /\$\./, 'the error names a JSON path');
      if (name === 'a damaged compiled config') assert.match(errors[0], /compiled config is damaged/);
      // Only a JSON source is compiled in the browser: the compiler is fetched for it alone.
      const compiler = server.requests.some((r) => r.path.endsWith('/trailmark_compiler_bg.wasm'));
      assert.equal(compiler, name === 'an invalid config', 'the config compiler is fetched only for a JSON source');
      assert.equal(server.requests.some((r) => r.path === '/trailmark/compile.js'), compiler, 'and compile.js with it');
      assert.deepEqual(await callsAreHarmless(page), []);
      await shopWorks(page, server.url);
      await page.goto(server.url);
      await page.waitForTimeout(300);
      await assertDefaults(page);
      // One error per page load.
      assertClean(log, { maxTrailmarkErrors: 1, expect: /^Trailmark: config\/invalid/ });
    } finally {
      await context.close();
      await server.close();
    }
  });
}

test('a JSON source config: compile.js and the compiler\'s glue are fetched side by side; without compile.js, defaults and one wasm/load error', async () => {
  const CONFIG = JSON.parse(readFileSync(join(SHOP_DIR, 'trailmark.json'), 'utf8'));
  const server = await startServer();
  server.override('/trailmark.compiled.json', { body: JSON.stringify(CONFIG), type: 'application/json' });
  server.delay('/trailmark/compile.js', 600);
  let { context, log } = await visitor(browser);
  try {
    const page = await context.newPage();
    await page.goto(server.url);
    await waitReady(page);
    const at = (path) => server.requests.find((r) => r.path === path)?.at;
    const compile = at('/trailmark/compile.js');
    const glue = at('/trailmark/pkg/trailmark_compiler.js');
    assert.ok(compile && glue, 'both fetched');
    assert.ok(glue < compile + 600, 'the glue requested while compile.js was on its way, not after it');
    assert.equal(server.requests.filter((r) => r.path === '/trailmark/compile.js').length, 1);
    assertClean(log);
  } finally {
    await context.close();
  }
  server.reset();
  server.override('/trailmark.compiled.json', { body: JSON.stringify(CONFIG), type: 'application/json' });
  server.fail('/trailmark/compile.js', 404);
  ({ context, log } = await visitor(browser));
  try {
    const page = await context.newPage();
    await page.goto(server.url);
    assert.equal((await waitReady(page, 10_000, { allowFailed: true })).failed, 'wasm/load');
    await settleAfterError(page, log);
    await assertDefaults(page);
    assert.match(lastLoadErrors(log).join('\n'), /compile\.js/);
    assert.deepEqual(await callsAreHarmless(page), []);
    assertClean(log, { maxTrailmarkErrors: 1, expect: /^Trailmark: wasm\/load/, allowFailedLoads: true });
  } finally {
    await context.close();
    await server.close();
  }
});

test('a blocked wasm file leaves defaults and one clear error', async () => {
  const server = await startServer();
  const { context, log } = await visitor(browser, { block: (url) => url.pathname.endsWith('.wasm') });
  try {
    const page = await context.newPage();
    await page.goto(server.url, { referer: 'https://www.google.com/' });
    assert.match((await waitReady(page, 10_000, { allowFailed: true })).failed, /^wasm\//);
    await settleAfterError(page, log);
    assert.ok(log.blocked.some((p) => p.endsWith('.wasm')), 'the wasm file was requested (and blocked)');
    await assertDefaults(page);
    assert.equal(trailmarkErrors(log).length, 1, `exactly one Trailmark error, got ${JSON.stringify(trailmarkErrors(log))}`);
    assert.deepEqual(await callsAreHarmless(page), []);
    await shopWorks(page, server.url);
    assertClean(log, { maxTrailmarkErrors: 1, expect: /^Trailmark: wasm\//, allowFailedLoads: true });
  } finally {
    await context.close();
    await server.close();
  }
});

// A browser without WebAssembly, and a CSP that does not allow compiling it: the same promise
// as a blocked wasm file (defaults, one clear error, harmless calls, a working shop).
for (const [name, serverOptions, visitorOptions, code] of [
  ['a browser without WebAssembly', {}, { initScripts: [() => { delete window.WebAssembly; }] }, /^wasm\//],
  [
    "a CSP without 'wasm-unsafe-eval'",
    { headers: { 'Content-Security-Policy': "default-src 'self'; script-src 'self'; style-src 'self'" } },
    {},
    /^wasm\//,
  ],
]) {
  test(`${name} leaves defaults and one clear error`, async () => {
    const server = await startServer(serverOptions);
    const { context, log } = await visitor(browser, visitorOptions);
    try {
      const page = await context.newPage();
      await page.goto(server.url, { referer: 'https://www.google.com/' });
      assert.match((await waitReady(page, 10_000, { allowFailed: true })).failed, code);
      await settleAfterError(page, log);
      await assertDefaults(page);
      assert.equal(trailmarkErrors(log).length, 1, `exactly one Trailmark error, got ${JSON.stringify(trailmarkErrors(log))}`);
      assert.deepEqual(await callsAreHarmless(page), []);
      await shopWorks(page, server.url);
      assert.deepEqual(log.pageErrors, []);
      assert.deepEqual(log.foreign, []);
    } finally {
      await context.close();
      await server.close();
    }
  });
}

// runtime.js itself cannot load (blocked), so trailmark.js turns the stub into a no-op: a
// returning customer's stored plan (loyalty, painted by the head loader) is put back to the
// defaults, and every call answers its documented empty value.
test('a blocked runtime.js leaves defaults, one clear error and documented no-op answers', async () => {
  const server = await startServer();
  const { context, log } = await visitor(browser, { block: (url) => url.pathname === '/trailmark/runtime.js' });
  try {
    const page = await context.newPage();
    // A stored plan, so that the loader has something to undo.
    await page.goto(`${server.url}help.html`);
    await page.evaluate(() => localStorage.setItem('trailmark:demo-shop:plan', JSON.stringify({ hero: 'loyalty' })));
    await page.goto(server.url, { referer: 'https://www.google.com/' });
    assert.equal((await waitReady(page, 10_000, { allowFailed: true })).failed, 'wasm/load');
    await settleAfterError(page, log);
    assert.ok(log.blocked.includes('/trailmark/runtime.js'), 'runtime.js was requested (and blocked)');
    await assertDefaults(page);
    assert.deepEqual(lastLoadErrors(log).map((t) => t.slice(0, 26)), ['Trailmark: wasm/load: Trai'], 'exactly one Trailmark error on this load');
    const answers = await page.evaluate(async () => {
      const tm = window.trailmark;
      const off = tm.on('stage', () => {});
      return {
        stage: tm.stage(),
        journey: tm.journey(),
        lifecycle: tm.lifecycle(),
        decide: tm.decide(),
        explain: tm.explain('hero'),
        consent: tm.consent({ functional: true }),
        identify: tm.identify('u1', {}) === undefined,
        off: typeof off === 'function' && off() === undefined,
        track: (await tm.track('Product Added', { product_id: 'x' })) === undefined,
        page: (await tm.page()) === undefined,
        export: await tm.export(),
        forget: (await tm.forget()) === undefined,
        debug: (await tm.debug()) === undefined,
        ready: tm.ready,
        failed: tm.failed && tm.failed.code,
      };
    });
    assert.deepEqual(answers, {
      stage: [],
      journey: {},
      lifecycle: null,
      decide: [],
      explain: null,
      consent: {},
      identify: true,
      off: true,
      track: true,
      page: true,
      export: null,
      forget: true,
      debug: true,
      ready: false,
      failed: 'wasm/load',
    });
    assert.deepEqual(await callsAreHarmless(page), []);
    await shopWorks(page, server.url);
    assertClean(log, { maxTrailmarkErrors: 1, expect: /^Trailmark: wasm\/load/, allowFailedLoads: true });
  } finally {
    await context.close();
    await server.close();
  }
});

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";

test(`no CSP violation under "${CSP}"`, async () => {
  const server = await startServer({ headers: { 'Content-Security-Policy': CSP } });
  const listen = () => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber} (${e.sample})`);
    });
  };
  const { context, log } = await visitor(browser, { initScripts: [listen] });
  const violations = [];
  try {
    const page = await context.newPage();
    const collect = async () => violations.push(...(await page.evaluate(() => window.__csp)));
    await page.goto(server.url, { referer: 'https://www.google.com/' });
    await waitReady(page);
    await waitForVariant(page, 'hero', 'discovery');
    await collect();
    await page.goto(`${server.url}products/ember-2.html`);
    await waitReady(page);
    await page.click('[data-reviews-toggle]');
    await page.click('[data-add-to-cart]');
    await page.goto(`${server.url}search.html?q=tent`);
    await waitReady(page);
    await page.waitForSelector('[data-search-results] li');
    await page.goto(`${server.url}cart.html`);
    await waitReady(page);
    // The debug panel last: it stays open over the following pages of the session.
    await page.click('[data-debug-panel]');
    await page.waitForSelector('[data-tm-debug]', { state: 'attached' });
    if (process.env.E2E_SCREENSHOTS) await page.screenshot({ path: process.env.E2E_SCREENSHOTS + '/debug-panel.png' });
    await page.waitForTimeout(300);
    await collect();
    const consoleCsp = log.console.filter((m) => /Content Security Policy|Refused to/i.test(m.text)).map((m) => m.text);
    assert.deepEqual(violations, [], 'securitypolicyviolation events');
    assert.deepEqual(consoleCsp, [], 'CSP messages in the console');
    assertClean(log);
  } finally {
    await context.close();
    await server.close();
  }
});

test('a second Trailmark.load on a page that runs one fails with load/twice and leaves the first alone', async () => {
  const server = await startServer();
  const { context, log } = await visitor(browser);
  try {
    const page = await context.newPage();
    await page.goto(server.url, { referer: 'https://www.google.com/' });
    await waitReady(page);
    const hero = await slotVariant(page, 'hero');
    const second = await page.evaluate(async () => {
      const { Trailmark } = await import('/trailmark/runtime.js');
      const tm = await Trailmark.load({ configUrl: '/trailmark.compiled.json' });
      return { code: tm.failed?.code, stage: tm.stage(), same: tm === window.trailmark };
    });
    assert.deepEqual(second, { code: 'load/twice', stage: [], same: false });
    // The first instance still runs its engine, and the page is as it showed it.
    assert.equal(await slotVariant(page, 'hero'), hero);
    const counts = async () => page.evaluate(() => window.trailmark.export().touchpoints.length);
    const before = await counts();
    await page.evaluate(() => window.trailmark.track('Product Viewed', { product_id: 'summit-28' }));
    assert.equal(await counts(), before + 1);
    assert.equal(await page.evaluate(() => window.trailmark.failed), undefined);
    assertClean(log, { maxTrailmarkErrors: 1, expect: /^Trailmark: load\/twice/ });
  } finally {
    await context.close();
    await server.close();
  }
});

test('a wasm served with another MIME type than application/wasm still starts, with one warning', async () => {
  const server = await startServer();
  const wasm = readFileSync(join(DIST_DIR, 'pkg', 'trailmark_bg.wasm'));
  server.override('/trailmark/pkg/trailmark_bg.wasm', { body: wasm, type: 'application/octet-stream' });
  const { context, log } = await visitor(browser);
  try {
    const page = await context.newPage();
    await page.goto(server.url, { referer: 'https://www.google.com/' });
    assert.equal((await waitReady(page)).ready, true);
    await waitForVariant(page, 'hero', 'discovery');
    const warnings = log.console.filter((m) => m.type === 'warning' && /^Trailmark/.test(m.text));
    assert.equal(warnings.length, 1, JSON.stringify(warnings));
    assert.match(warnings[0].text, /not served as application\/wasm/);
    assertClean(log);
  } finally {
    await context.close();
    await server.close();
  }
});
