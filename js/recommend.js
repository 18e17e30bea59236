// Recommendations in the page, loaded lazily (runtime.js imports this module only on pages with
// `[data-tm-recommend]` slots, or on the first `recommend()` call). After first paint it fetches
// the catalog and the model named in `$.recommend`, adds the products seen on the page, ranks
// with rank.js (the visitor read from the engine's export), and renders each slot from its
// `<template data-tm-item>`: fields
// as text (`data-tm-field`), links and images only through checked URLs (`data-tm-href`,
// `data-tm-src`; https or same-origin), never HTML built from data. A slot whose recommendations
// cannot be computed (no catalog, a catalog or model that fails to load, nothing to recommend)
// keeps its default content.

import { TrailmarkError, toError, pageProducts } from './runtime.js';
import { readModel, readCatalog, visitorOf, readRequest, rank, because } from './rank.js';

const SLOTS = '[data-tm-recommend]';

/** `url` made absolute if it is https or same-origin, else null (javascript:, data:, http elsewhere). */
export function safeUrl(url, base) {
  if (typeof url !== 'string' || !url) return null;
  try {
    const u = new URL(url, base);
    // Same origin only for http(s): every javascript:, data: or blob: URL has the opaque origin
    // "null", which equals the origin of a srcdoc, about:blank or file: page.
    const origin = new URL(base).origin;
    return u.protocol === 'https:' || (u.protocol === 'http:' && u.origin === origin) ? u.href : null;
  } catch (e) {
    return null;
  }
}

/** A price as text in its currency (the page's language), or the bare number. */
export function priceText(price, currency, lang) {
  if (typeof price !== 'number') return '';
  try {
    if (currency) return new Intl.NumberFormat(lang || undefined, { style: 'currency', currency }).format(price);
  } catch (e) {
    /* unknown currency code: the number alone */
  }
  return price.toFixed(2);
}

/** Fills one clone of an item template with a recommendation: text and checked URLs only. */
export function fillItem(root, rec, base, lang) {
  const own = (o, k) => (o && Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined);
  const text = (k) => (k === 'price' ? priceText(rec.price, rec.currency, lang) : k === 'category' ? (rec.categories || [])[0] : own(rec, k) !== undefined ? own(rec, k) : own(rec.attributes, k));
  for (const el of root.querySelectorAll('[data-tm-field]')) {
    const v = text(el.getAttribute('data-tm-field'));
    el.textContent = v === undefined || v === null ? '' : String(v);
  }
  for (const [attr, name] of [['data-tm-href', 'href'], ['data-tm-src', 'src']]) {
    for (const el of root.querySelectorAll('[' + attr + ']')) {
      const u = safeUrl(rec[el.getAttribute(attr)], base);
      if (u) el.setAttribute(name, u);
      else el.removeAttribute(name);
    }
  }
  for (const el of root.querySelectorAll('[data-tm-alt]')) el.setAttribute('alt', String(text(el.getAttribute('data-tm-alt')) || ''));
  for (const el of root.querySelectorAll('*')) if (el.hasAttribute('data-tm-event')) el.setAttribute('data-tm-product-id', rec.id);
}

const shown = (el) => [...el.childNodes].filter((c) => c.localName !== 'template');

/** Shows `recs` in the slot (defaults kept detached in `_tmr`), or its default for none. */
export function renderSlot(el, recs, base, lang) {
  const tpl = [...el.children].find((c) => c.localName === 'template' && c.hasAttribute('data-tm-item'));
  if (!tpl || !recs.length) return restore(el);
  if (el._tmr) for (const c of shown(el)) c.remove();
  else {
    el._tmr = el.ownerDocument.createDocumentFragment();
    for (const c of shown(el)) el._tmr.appendChild(c);
  }
  for (const rec of recs) {
    const item = tpl.content.cloneNode(true);
    fillItem(item, rec, base, lang);
    el.appendChild(item);
  }
  el.setAttribute('data-tm-recommended', String(recs.length));
}

function restore(el) {
  if (!el._tmr) return;
  for (const c of shown(el)) c.remove();
  el.appendChild(el._tmr);
  el._tmr = null;
  el.removeAttribute('data-tm-recommended');
}

/** The request a slot element asks for. */
export function slotRequest(el, pageProduct) {
  const strategy = el.getAttribute('data-tm-recommend') || 'related';
  const req = { strategy };
  const limit = Number(el.getAttribute('data-tm-limit'));
  if (Number.isInteger(limit) && limit > 0) req.limit = Math.min(limit, 50);
  const product = el.getAttribute('data-tm-product-id') || pageProduct;
  if (product) req.product = product;
  const category = el.getAttribute('data-tm-category');
  if (category) req.filters = { category };
  return req;
}

async function fetchAs(url, kind, code) {
  let res;
  try {
    res = await fetch(url, { credentials: 'same-origin' });
  } catch (e) {
    throw new TrailmarkError(code, 'cannot fetch ' + url + ': ' + e.message);
  }
  if (!res.ok) throw new TrailmarkError(code, 'cannot fetch ' + url + ': HTTP ' + res.status);
  try {
    return kind === 'json' ? await res.json() : new Uint8Array(await res.arrayBuffer());
  } catch (e) {
    throw new TrailmarkError(code, url + ' could not be read: ' + e.message);
  }
}

const afterPaint = (g, doc) =>
  new Promise((r) => {
    const go = () => g.setTimeout(r, 0);
    if (doc.readyState === 'complete') go();
    else g.addEventListener('load', go, { once: true });
  });

/** A ranked recommendation as the public API returns it (fields as the catalog has them). */
function view(r, catalog) {
  const p = r.product;
  const out = { id: p.id, title: p.title };
  for (const k of ['url', 'image', 'price', 'currency']) if (p[k] !== undefined) out[k] = p[k];
  out.categories = p.categories.slice();
  if (p.availability !== undefined) out.availability = p.availability;
  out.attributes = Object.assign({}, p.attributes);
  out.score = r.score;
  out.because = because(r.reason, catalog);
  out.reason = Object.assign({}, r.reason);
  return out;
}

/**
 * Starts recommendations for `tm` (a Trailmark instance) with the config's `recommend` section
 * (validated by the engine): returns `{ ready, recommend(opts), refresh(), restore() }`.
 */
export function start(tm, cfg) {
  const g = globalThis;
  const doc = tm._doc;
  cfg = cfg || {};
  const settings = { exclude_purchased: cfg.exclude_purchased !== false, max_per_category: cfg.max_per_category === undefined ? 2 : cfg.max_per_category };
  const limit = cfg.limit || 4;
  let state = null; // {model, catalog} once loaded
  let pageProduct;
  const ready = (async () => {
    if (!cfg.catalog) return;
    await afterPaint(g, doc);
    const base = doc.baseURI;
    const [doc1, bytes] = await Promise.all([
      fetchAs(new URL(cfg.catalog, base).href, 'json', 'recommend/catalog'),
      cfg.model ? fetchAs(new URL(cfg.model, base).href, 'bytes', 'recommend/model') : null,
    ]);
    const model = bytes ? readModel(bytes) : null;
    state = { model, catalog: readCatalog(doc1) };
    seePage();
  })();
  // The page's products join the catalog; the product page's product is the default anchor.
  // Read again on every refresh, so a single-page app's new page counts.
  const seePage = () => {
    pageProduct = undefined;
    for (const [name, p] of pageProducts(doc)) {
      if (name === 'Product Viewed') pageProduct = p.product_id;
      for (const x of name === 'Product Viewed' ? [p] : p.products || []) state.catalog.addSeen(x);
    }
  };
  let failed = null;
  ready.catch((e) => {
    failed = toError(e);
    tm._report(failed);
  });

  // The visitor's history, cart and interests, only while personalisation is consented: without
  // it every strategy ranks as for a new visitor (recently viewed is empty, so its slot keeps its
  // default content).
  const visitor = () => visitorOf(tm._mayPersonalize() ? tm._rt.export(Date.now()) : null);
  const ask = (req, v = visitor()) => {
    if (!state || !tm._rt) return [];
    const r = readRequest(req, limit);
    return rank(state.model, state.catalog, v, settings, r).map((x) => view(x, state.catalog));
  };

  const refresh = () => {
    if (!state || !tm._rt) return;
    seePage();
    const base = doc.baseURI;
    const lang = doc.documentElement.lang;
    const v = visitor(); // one export per refresh, not one per slot
    for (const el of doc.querySelectorAll(SLOTS)) {
      try {
        renderSlot(el, ask(slotRequest(el, pageProduct), v), base, lang);
      } catch (e) {
        const err = toError(e);
        if (err.code === 'wasm/trap') throw e;
        tm._report(err);
        restore(el);
      }
    }
  };

  return {
    ready: ready.then(refresh, () => {}),
    refresh,
    restore: () => doc.querySelectorAll(SLOTS).forEach(restore),
    async recommend(opts) {
      if (opts !== undefined && opts !== null && (typeof opts !== 'object' || Array.isArray(opts))) {
        throw new TrailmarkError('input/invalid', 'recommend(options): options must be an object');
      }
      const o = Object.assign({}, opts);
      let el = null;
      if (o.slot !== undefined) {
        el = typeof o.slot === 'string' ? doc.getElementById(o.slot) : null;
        if (!el || !el.hasAttribute('data-tm-recommend')) throw new TrailmarkError('input/invalid', 'recommend({slot}): no [data-tm-recommend] element with id "' + o.slot + '"');
        Object.assign(o, slotRequest(el, pageProduct), opts);
      }
      delete o.slot;
      readRequest(o, limit); // bad options are reported now, not after loading
      await ready.catch(() => {});
      if (failed || !state) return [];
      if (o.product === undefined && pageProduct) o.product = pageProduct;
      const list = ask(o);
      if (el) renderSlot(el, list, doc.baseURI, doc.documentElement.lang);
      return list;
    },
  };
}
