// Automatic capture: page views (with single-page-app navigation), marked clicks and forms,
// scroll depth, engagement time and product data; the opt-in dataLayer / Segment calls are in
// `capture-extra.js`, which the runtime imports only when they are switched on. Each part is
// switched by the config's `capture` section (see CAPTURE_DEFAULTS). Only attributes the site
// marked are read; form field values never are.

import { monitor } from './errors.js';

export const CAPTURE_DEFAULTS = {
  page_views: true,
  spa: true,
  clicks: true,
  forms: true,
  scroll: [25, 50, 75, 100],
  engagement_seconds: [10, 30, 60],
  products: true,
  data_layer: false,
  segment: false,
};

/**
 * `$.capture` with its defaults, as capture reads it: thresholds sorted (`false`: none) and
 * `data_layer: true` as "dataLayer". The config compiler has validated it.
 */
export function readCapture(value) {
  if (value !== undefined && !(value && typeof value === 'object')) throw new TypeError('capture must be an object');
  const capture = { ...CAPTURE_DEFAULTS, ...value };
  for (const k of ['scroll', 'engagement_seconds']) capture[k] = capture[k] ? [...new Set(capture[k])].sort((a, b) => a - b) : [];
  if (capture.data_layer === true) capture.data_layer = 'dataLayer';
  return capture;
}

// data-tm-* attributes with a meaning of their own, never copied into props.
const RESERVED = new Set(['event', 'slot', 'variant', 'applied', 'form', 'text', 'product']);
// Props read as numbers when they look like one (ids stay strings).
const NUMERIC = new Set(['price', 'value', 'revenue', 'quantity', 'total', 'position', 'rating', 'discount', 'shipping', 'tax', 'depth', 'seconds']);

const num = (v) => (/^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v);

/** `data-tm-product-id="p1"` → `{product_id: "p1"}`, for every non-reserved data-tm-* attribute. */
export function propsFrom(el) {
  const props = {};
  for (const a of el.attributes) {
    if (!a.name.startsWith('data-tm-')) continue;
    const name = a.name.slice(8);
    if (RESERVED.has(name)) continue;
    const key = name.replace(/-/g, '_');
    props[key] = NUMERIC.has(key) ? num(a.value) : a.value;
  }
  return props;
}

/**
 * The product an element describes: `data-tm-product='{"product_id": ...}'` (JSON), or
 * `data-tm-product-id`, `-name`, `-price`, `-category`, ... attributes. Null when neither.
 */
export function productFrom(el) {
  const raw = el.getAttribute('data-tm-product');
  if (raw?.trim().startsWith('{')) {
    try {
      const v = JSON.parse(raw);
      if (v && typeof v === 'object' && !Array.isArray(v)) return v;
    } catch (e) {
      /* fall through to attributes */
    }
  }
  const props = propsFrom(el);
  const product = {};
  for (const k in props) if (k.startsWith('product_') || k === 'price' || k === 'category' || k === 'brand') product[k] = props[k];
  for (const k of ['name', 'price', 'category', 'brand', 'sku', 'variant']) {
    if ('product_' + k in product && !(k in product)) {
      product[k] = product['product_' + k];
      delete product['product_' + k];
    }
  }
  return Object.keys(product).length ? product : null;
}

/** A schema.org Product (parsed JSON-LD, possibly a list or an @graph) as Segment props. */
export function productFromLd(data) {
  const list = Array.isArray(data) ? data : data?.['@graph'] || [data];
  for (const d of list) {
    if (!d || typeof d !== 'object') continue;
    const type = [].concat(d['@type'] || []);
    if (!type.includes('Product')) continue;
    const offer = [].concat(d.offers || [])[0] || {};
    const p = {};
    const id = d.sku || d.productID || d.mpn || d['@id'];
    if (id) p.product_id = String(id);
    if (d.sku) p.sku = String(d.sku);
    if (typeof d.name === 'string') p.name = d.name;
    if (typeof d.category === 'string') p.category = d.category;
    const brand = d.brand && (typeof d.brand === 'string' ? d.brand : d.brand.name);
    if (brand) p.brand = String(brand);
    const price = offer.price != null ? offer.price : offer.lowPrice;
    if (price != null && isFinite(price)) p.price = Number(price);
    if (offer.priceCurrency) p.currency = String(offer.priceCurrency);
    return p;
  }
  return null;
}

/** Thresholds in `list` that `value` reached and `done` does not hold yet (added to `done`). */
export function crossed(list, done, value) {
  const out = [];
  for (const t of list) if (value >= t && !done.has(t)) (done.add(t), out.push(t));
  return out;
}

/**
 * Whether `cap` switches on a part of capture that lives in `capture-extra.js` (the dataLayer
 * and Segment bridges), which the runtime then imports.
 */
export const needsExtra = (cap) => !!(cap.data_layer || cap.segment);

/**
 * Installs capture on `win` for `tm` (a Trailmark: `_capture(name, props)`, `_pageView()`), with
 * `extra`, the loaded `capture-extra.js` module, when `needsExtra(cap)`. Returns a function that
 * removes everything it installed.
 */
export function installCapture(win, tm, cap, extra) {
  const doc = win.document;
  const off = [];
  const listen = (target, type, fn, opts) => {
    target.addEventListener(type, fn, opts);
    off.push(() => target.removeEventListener(type, fn, opts));
  };
  const guard = (fn) => monitor(fn, (e) => tm._fail(e));

  if (cap.spa) {
    const h = win.history;
    for (const m of ['pushState', 'replaceState']) {
      const orig = h[m];
      const patched = function () {
        const r = orig.apply(this, arguments);
        navigated();
        return r;
      };
      h[m] = patched;
      off.push(() => h[m] === patched && (h[m] = orig));
    }
    // Deferred a tick so frameworks can set the title after pushState; a URL equal to the last
    // page view's (replaceState to the same URL, popstate + hashchange pairs) gives none.
    const navigated = () => {
      const url = win.location.href; // each navigation counts, even two in one task
      setTimeout(guard(() => tm._navigated(url)), 0);
    };
    listen(win, 'popstate', navigated);
    listen(win, 'hashchange', navigated);
  }

  if (cap.clicks) {
    listen(doc, 'click', guard((e) => {
      const el = e.target?.closest?.('[data-tm-event]');
      if (!el) return;
      const card = el.closest('[data-tm-product]');
      const props = Object.assign({}, card && productFrom(card), propsFrom(el));
      tm._capture(el.getAttribute('data-tm-event'), props);
    }), true);
  }

  if (cap.forms) {
    listen(doc, 'submit', guard((e) => {
      const form = e.target?.closest?.('form[data-tm-form]');
      if (form) tm._capture('Form Submitted', Object.assign(propsFrom(form), { form: form.getAttribute('data-tm-form') }));
    }), true);
  }

  if (cap.scroll.length) {
    let pending = false;
    listen(win, 'scroll', () => {
      if (pending) return;
      pending = true;
      win.requestAnimationFrame(guard(() => {
        pending = false;
        const root = doc.documentElement;
        const depth = ((win.scrollY + win.innerHeight) / Math.max(root.scrollHeight, 1)) * 100;
        for (const t of crossed(cap.scroll, tm._pv._scroll, Math.ceil(depth))) tm._capture('Scroll Depth Reached', { depth: t });
      }));
    }, { passive: true });
  }

  if (cap.engagement_seconds.length) {
    // Engaged time: the page is visible and focused. A timer is set for the next threshold.
    let since = null;
    let timer = 0;
    const update = guard(() => {
      const p = tm._pv;
      const now = Date.now();
      if (since !== null) p._engaged += now - since;
      since = doc.visibilityState === 'visible' && doc.hasFocus() ? now : null;
      for (const t of crossed(cap.engagement_seconds, p._engagedDone, p._engaged / 1000)) tm._capture('Engaged', { seconds: t });
      clearTimeout(timer);
      const next = cap.engagement_seconds.find((t) => !p._engagedDone.has(t));
      if (since !== null && next !== undefined) timer = setTimeout(update, next * 1000 - p._engaged + 5);
    });
    tm._onPage = update; // a new page view restarts the count
    for (const t of ['visibilitychange', 'focus', 'blur', 'pagehide', 'pageshow']) listen(t === 'visibilitychange' ? doc : win, t, update);
    update();
    off.push(() => clearTimeout(timer));
  }

  // The dataLayer and Segment bridges (capture-extra.js), last, as ever.
  if (extra) extra.bridges(win, tm, cap, guard, off);

  return () => off.forEach((f) => f());
}

/** Product touchpoints for the page as it stands: JSON-LD first, then marked elements. */
export function pageProducts(doc) {
  for (const s of doc.querySelectorAll('script[type="application/ld+json"]')) {
    try {
      const p = productFromLd(JSON.parse(s.textContent));
      if (p) return [['Product Viewed', p]];
    } catch (e) {
      /* a site's broken JSON-LD is not our error */
    }
  }
  const found = [...doc.querySelectorAll('[data-tm-product]')].map(productFrom).filter(Boolean);
  if (found.length === 1) return [['Product Viewed', found[0]]];
  if (found.length > 1) return [['Product List Viewed', { products: found.slice(0, 50) }]];
  return [];
}
