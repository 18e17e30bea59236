// Recommendation ranking in the browser, loaded lazily with recommend.js: the `.tmrm` model read
// in place (DataView, binary search over the sorted ids; no maps built), the catalog validated
// with JSON paths, the visitor read from the engine's export, and the strategies. This is a
// line-by-line port of the Rust reference in src/core/recommend/ (model.rs, catalog.rs, rank.rs,
// visitor.rs, view.rs), which the CLI evaluates; tests/cases/recommend.json holds both to the
// same answers. It lives in JavaScript so that it costs the first load nothing (the wasm is at
// its size ceiling); when the wasm has room, the Rust version can replace it, cases unchanged.
// One known difference: ties are broken by id with JavaScript's string order (UTF-16 code units)
// where Rust uses UTF-8 bytes; the two agree unless ids mix characters above U+FFFF with ones
// between U+E000 and U+FFFF.

import { TrailmarkError } from './runtime.js';

const utf8 = new TextEncoder();
const bytesOf = (s) => utf8.encode(s).length;
const DEPTH = 5;
const MAX_TEXT = 2048;

// ---- model (src/core/recommend/model.rs documents the layout) ---------------------------------

function fnv(b, from) {
  let h = 0x811c9dc5;
  for (let i = from; i < b.length; i++) h = Math.imul(h ^ b[i], 0x01000193) >>> 0;
  return h >>> 0;
}

const bad = (m) => new TrailmarkError('recommend/model', 'recommendation model: ' + m);

/** Validates model bytes (a Uint8Array) and returns a reader over them; throws `recommend/model`. */
export function readModel(b) {
  if (!(b instanceof Uint8Array) || b.length < 32 || b[0] !== 84 || b[1] !== 77 || b[2] !== 82 || b[3] !== 77) throw bad('not a Trailmark model file');
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const u32 = (at) => v.getUint32(at, true);
  const u16 = (at) => v.getUint16(at, true);
  if (u16(4) !== 1) throw bad('unsupported format version');
  const flags = u16(6);
  if (flags & ~3) throw bad('unknown flags (written by a newer version?)');
  const wide = (flags & 1) !== 0;
  const [n, r, nb, blobLen] = [u32(8), u32(12), u32(16), u32(20)];
  const w = wide ? 4 : 2;
  if (32 + 16 * n + blobLen + (w + 2) * (r + nb) !== b.length) throw bad('size does not match its header (truncated?)');
  if (fnv(b, 32) !== u32(28)) throw bad('checksum mismatch (corrupt file)');
  if (((flags & 2) !== 0) !== nb > 0) throw bad('bought-together flag does not match its table');
  if (!wide && n > 65536) throw bad('too many items for narrow targets');
  const idEnds = 32;
  const relEnds = idEnds + 4 * n;
  const btEnds = relEnds + 4 * n;
  const pop = btEnds + 4 * n;
  const trend = pop + 2 * n;
  const blob = trend + 2 * n;
  const rel = { ends: relEnds, t: blob + blobLen, w: blob + blobLen + w * r };
  const bt = { ends: btEnds, t: rel.w + 2 * r, w: rel.w + 2 * r + w * nb };
  const start = (i) => (i === 0 ? 0 : u32(idEnds + 4 * (i - 1)));
  const cmp = (i, want) => {
    const s = blob + start(i);
    const e = blob + u32(idEnds + 4 * i);
    for (let k = 0; k < want.length && s + k < e; k++) if (b[s + k] !== want[k]) return b[s + k] - want[k];
    return e - s - want.length;
  };
  const dec = new TextDecoder('utf-8', { fatal: true });
  const target = (e, at) => (wide ? u32(e.t + 4 * at) : u16(e.t + 2 * at));
  // Everything queries rely on, checked once.
  let prev = 0;
  for (let i = 0; i < n; i++) {
    const end = u32(idEnds + 4 * i);
    if (end < prev || end > blobLen) throw bad('item id table out of order');
    try {
      dec.decode(b.subarray(blob + prev, blob + end));
    } catch (e) {
      throw bad('item id is not UTF-8');
    }
    if (i > 0 && cmp(i - 1, b.subarray(blob + prev, blob + end)) >= 0) throw bad('item ids are not sorted and unique');
    prev = end;
  }
  if (prev !== blobLen) throw bad('item id table does not cover its blob');
  for (const [e, total] of [[rel, r], [bt, nb]]) {
    let p = 0;
    for (let i = 0; i < n; i++) {
      const end = u32(e.ends + 4 * i);
      if (end < p || end > total) throw bad('neighbour table out of order');
      p = end;
    }
    if (p !== total) throw bad('neighbour table does not cover its edges');
    for (let k = 0; k < total; k++) if (target(e, k) >= n) throw bad('neighbour index out of range');
  }
  const list = (e, i) => {
    const out = [];
    if (i < 0 || i >= n) return out;
    for (let k = i === 0 ? 0 : u32(e.ends + 4 * (i - 1)), end = u32(e.ends + 4 * i); k < end; k++) out.push([target(e, k), u16(e.w + 2 * k)]);
    return out;
  };
  const m = {
    len: n,
    size: b.length,
    hasBought: (flags & 2) !== 0,
    id: (i) => dec.decode(b.subarray(blob + start(i), blob + u32(idEnds + 4 * i))),
    index(id) {
      const want = utf8.encode(id);
      let lo = 0;
      let hi = n;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        const c = cmp(mid, want);
        if (c < 0) lo = mid + 1;
        else if (c > 0) hi = mid;
        else return mid;
      }
      return -1;
    },
    popularity: (i) => u16(pop + 2 * i),
    trending: (i) => u16(trend + 2 * i),
    related: (i) => list(rel, i),
    bought: (i) => list(bt, i),
    /** The `k` items with the highest score (ties by index), zero scores left out. */
    top(k, score) {
      const best = [];
      for (let i = 0; i < n; i++) {
        const s = score(i);
        if (s === 0 || (best.length === k && best[best.length - 1][0] >= s)) continue;
        let at = 0;
        while (at < best.length && best[at][0] >= s) at++;
        best.splice(at, 0, [s, i]);
        if (best.length > k) best.length = k;
      }
      return best.map((x) => x[1]);
    },
  };
  return m;
}

// ---- catalog ----------------------------------------------------------------------------------

/** Why a catalog URL is refused, or null (same rules as check_url in catalog.rs). */
export function urlProblem(url) {
  if (!url || bytesOf(url) > MAX_TEXT || /[\u0000-\u001f\u007f-\u009f ]/.test(url)) return 'must be a URL without spaces or control characters';
  if (/^https?:\/\//i.test(url)) return null;
  if (url.startsWith('//') || url.startsWith('\\')) return 'must be an https URL or a same-site path (not protocol-relative)';
  if (url.split(/[/?#]/)[0].includes(':')) return 'must be an https URL or a same-site path';
  return null;
}

const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const goodText = (v) => typeof v === 'string' && v.trim() !== '' && bytesOf(v) <= MAX_TEXT;

function text(v, path, errors) {
  if (goodText(v)) return v;
  errors.push({ path, message: typeof v === 'string' ? 'must be a non-empty string of at most 2048 bytes' : 'must be a string' });
  return undefined;
}

// A numeric id as text (`String(7)`): whole numbers to 2^53 - 1 only, as the Rust reader takes
// them; a larger one has already lost digits in JSON.parse.
function numericId(x, path, errors) {
  if (Number.isSafeInteger(x) && x >= 0) return String(x);
  errors.push({ path, message: Number.isInteger(x) && x > 0 ? 'numbers above 9007199254740991 lose digits in the browser; write the id as a string' : 'must be a string or a whole number >= 0' });
}

function product(v, path, errors) {
  if (!isObj(v)) return void errors.push({ path, message: 'must be an object' });
  const before = errors.length;
  const p = { id: undefined, title: undefined, categories: [], attributes: {} };
  for (const k of Object.keys(v).sort()) {
    const x = v[k];
    const at = path + '.' + k;
    if (k === 'id') p.id = typeof x === 'number' ? numericId(x, at, errors) : text(x, at, errors);
    else if (k === 'title') p.title = text(x, at, errors);
    else if (k === 'url' || k === 'image') {
      if (x === null) continue;
      const u = text(x, at, errors);
      if (u === undefined) continue;
      const problem = urlProblem(u);
      if (problem) errors.push({ path: at, message: problem });
      else p[k] = u;
    } else if (k === 'price') {
      if (typeof x === 'number' && isFinite(x) && x >= 0) p.price = x;
      else if (x !== null) errors.push({ path: at, message: 'must be a number >= 0' });
    } else if (k === 'currency' || k === 'availability') p[k] = text(x, at, errors);
    else if (k === 'categories') {
      if (!Array.isArray(x)) errors.push({ path: at, message: 'must be an array of strings' });
      else x.forEach((c, i) => (c = text(c, at + '[' + i + ']', errors)) !== undefined && p.categories.push(c));
    } else if (k === 'attributes') {
      if (!isObj(x)) errors.push({ path: at, message: 'must be an object' });
      else for (const a of Object.keys(x).sort()) {
        if (x[a] !== null && typeof x[a] === 'object') errors.push({ path: at + '.' + a, message: 'must be a string, number or boolean' });
        else p.attributes[a] = x[a];
      }
    } else errors.push({ path: at, message: 'unknown field (expected id, title, url, image, price, currency, categories, availability, attributes)' });
  }
  if (p.id === undefined && !('id' in v)) errors.push({ path: path + '.id', message: 'missing (every product needs an id)' });
  if (p.title === undefined && !('title' in v)) errors.push({ path: path + '.title', message: 'missing (every product needs a title)' });
  return errors.length === before ? p : undefined;
}

const byId = (a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** A catalog document as `{products (sorted by id), get(id)}`; throws `recommend/catalog` with every problem. */
export function readCatalog(doc) {
  const shape = 'a catalog is an array of products or {"products": [...]}';
  let list;
  let base = '$';
  if (Array.isArray(doc)) list = doc;
  else if (isObj(doc) && Array.isArray(doc.products) && Object.keys(doc).length === 1) (list = doc.products), (base = '$.products');
  const errors = [];
  if (!list) errors.push({ path: '$', message: shape });
  const found = [];
  (list || []).forEach((v, i) => {
    const p = product(v, base + '[' + i + ']', errors);
    if (p) found.push([p, base + '[' + i + ']', i]);
  });
  found.sort((a, b) => byId(a[0], b[0]) || a[2] - b[2]);
  for (let i = 1; i < found.length; i++) {
    if (found[i][0].id === found[i - 1][0].id) errors.push({ path: found[i][1] + '.id', message: 'duplicate product id "' + found[i][0].id + '"' });
  }
  if (errors.length) throw new TrailmarkError('recommend/catalog', 'invalid catalog: ' + errors[0].path + ': ' + errors[0].message, errors);
  return catalogOf(found.map((f) => f[0]));
}

function catalogOf(products) {
  const at = new Map(products.map((p) => [p.id, p]));
  return {
    products,
    get: (id) => at.get(id),
    /** Adds a product seen on a page (Segment-style props) unless known; returns whether added. */
    addSeen(props) {
      const s = (k) => (props && goodText(props[k]) ? props[k] : undefined);
      const id = s('product_id') || s('id');
      const title = s('name');
      if (!id || !title || at.has(id)) return false;
      const url = (k) => (s(k) && !urlProblem(s(k)) ? s(k) : undefined);
      const p = { id, title, url: url('url'), image: url('image_url') || url('image'), currency: s('currency'), categories: s('category') ? [s('category')] : [], attributes: s('brand') ? { brand: s('brand') } : {} };
      if (typeof props.price === 'number' && props.price >= 0) p.price = props.price;
      at.set(id, p);
      products.push(p);
      products.sort(byId);
      return true;
    },
  };
}

/** False for out-of-stock, sold-out and discontinued products. */
export function available(p) {
  if (typeof p.availability !== 'string') return true;
  const last = p.availability.split('/').pop().replace(/[_\- ]/g, '').toLowerCase();
  return !['outofstock', 'soldout', 'discontinued'].includes(last);
}

// ---- the visitor, from the engine's export() ----------------------------------------------------

/** What ranking needs from `Runtime.export(now)` (visitor.rs derives the same from the profile). */
export function visitorOf(x) {
  const tps = (x && x.touchpoints) || [];
  const viewed = [];
  for (let i = tps.length - 1; i >= 0; i--) {
    const t = tps[i];
    if (t.event === 'Product Viewed' && t.product_id && !viewed.includes(t.product_id)) viewed.push(t.product_id);
  }
  for (const id of (x && x.viewed_products) || []) if (!viewed.includes(id)) viewed.push(id);
  const purchased = [];
  let pending = [];
  for (const t of tps) {
    const id = t.product_id;
    if (t.event === 'Product Added' && id && !pending.includes(id)) pending.push(id);
    else if (t.event === 'Product Removed' && id) pending = pending.filter((p) => p !== id);
    else if (t.event === 'Order Completed') {
      if (id) pending.push(id);
      for (const p of pending) if (!purchased.includes(p)) purchased.push(p);
      pending = [];
    }
  }
  const l = (x && x.lifecycle) || {};
  const interests = (l.interests || []).map((i) => [i.category, i.score]);
  interests.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return { viewed, purchased: purchased.reverse(), cart: ((l.cart && l.cart.items) || []).map((i) => i.product_id), interests, stage: l.top_stage || '' };
}

// ---- requests and explanations (view.rs) -------------------------------------------------------

const STRATEGIES = ['related', 'bought-together', 'recently-viewed', 'trending', 'for-you'];
const STRATEGY_ERR = 'strategy must be one of "related", "bought-together", "recently-viewed", "trending", "for-you"';
const inputErr = (m) => new TrailmarkError('input/invalid', 'recommend(): ' + m);

/** A `recommend()` request checked and completed; throws `input/invalid`. */
export function readRequest(o, defaultLimit) {
  if (o === undefined || o === null) o = {};
  if (!isObj(o)) throw inputErr('the request must be an object');
  const strategy = o.strategy === undefined || o.strategy === null ? 'related' : o.strategy;
  if (!STRATEGIES.includes(strategy)) throw inputErr(STRATEGY_ERR);
  let limit = defaultLimit;
  if (o.limit !== undefined && o.limit !== null) {
    if (!Number.isInteger(o.limit) || o.limit < 1 || o.limit > 50) throw inputErr('limit must be a whole number from 1 to 50');
    limit = o.limit;
  }
  if (o.product !== undefined && o.product !== null && (typeof o.product !== 'string' || !o.product)) throw inputErr('product must be a product id (string)');
  const f = o.filters === undefined || o.filters === null ? {} : o.filters;
  if (!isObj(f)) throw inputErr('filters must be an object');
  const num = (k) => {
    const v = f[k];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !isFinite(v)) throw inputErr('filters.' + k + ' must be a number');
    return v;
  };
  if (f.category !== undefined && f.category !== null && typeof f.category !== 'string') throw inputErr('filters.category must be a string');
  const ex = f.exclude === undefined || f.exclude === null ? [] : f.exclude;
  if (!Array.isArray(ex) || !ex.every((s) => typeof s === 'string')) throw inputErr('filters.exclude must be an array of product ids');
  return { strategy, limit, product: o.product || undefined, category: f.category == null ? undefined : f.category, min_price: num('min_price'), max_price: num('max_price'), exclude: ex };
}

/** The explanation in words. */
export function because(reason, catalog) {
  const title = (id) => (catalog.get(id) || { title: id }).title;
  switch (reason.kind) {
    case 'viewed':
      return 'Because you viewed ' + title(reason.product);
    case 'bought_with':
      return 'Often bought with ' + title(reason.product);
    case 'similar':
      return 'Similar to ' + title(reason.product);
    case 'recently_viewed':
      return 'You viewed this';
    case 'trending':
      return 'Trending now';
    case 'popular':
      return 'Popular with other shoppers';
    default:
      return 'Because you like ' + reason.category;
  }
}

// ---- ranking (rank.rs) ---------------------------------------------------------------------------

/** `[item, score, index in the session of the strongest contributor]`, best first. */
export function sessionScores(m, session, depth) {
  const acc = [];
  const pos = new Map();
  for (let p = 0; p < depth && p < session.length; p++) {
    const at = session.length - 1 - p;
    const w = 1 / (p + 1);
    for (const [t, weight] of m.related(session[at])) {
      const add = (w * weight) / 65535;
      const a = pos.get(t);
      if (a) {
        a[1] += add;
        if (add > a[3]) (a[2] = at), (a[3] = add);
      } else {
        const row = [t, add, at, add];
        pos.set(t, row);
        acc.push(row);
      }
    }
  }
  acc.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  return acc.map((a) => [a[0], a[1], a[2]]);
}

// A product's link to itself (people go back to what they looked at) is explained as viewed.
const viewed = (m, t, src) => (t === src ? { kind: 'recently_viewed' } : { kind: 'viewed', product: m.id(src) });

const cmpId = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

function similar(catalog, anchor, out) {
  const a = catalog.get(anchor);
  if (!a) return;
  for (const p of catalog.products) {
    let s = 0;
    for (const c of p.categories) if (a.categories.includes(c)) s += 2;
    for (const k of Object.keys(p.attributes).sort()) if (k in a.attributes && a.attributes[k] === p.attributes[k]) s += 1;
    if (a.price !== undefined && p.price !== undefined && a.price > 0 && Math.abs(a.price - p.price) <= 0.3 * a.price) s += 1;
    if (s > 0) out.push([p.id, s, { kind: 'similar', product: anchor }]);
  }
}

function forYou(m, catalog, v, wide, out) {
  const [ws, wi, wp] = v.stage === 'discovery' || v.stage === 'research' ? [0.5, 1, 1] : v.stage === 'post_purchase' || v.stage === 'loyalty' ? [1, 0.7, 0.3] : [1, 0.5, 0.3];
  const at = new Map();
  const add = (id, s, r) => {
    const o = at.get(id);
    if (o) {
      if (s > o[1]) o[2] = r;
      o[1] += s;
    } else {
      const row = [id, s, r];
      at.set(id, row);
      out.push(row);
    }
  };
  if (m) {
    if ((v.stage === 'post_purchase' || v.stage === 'loyalty') && m.hasBought) {
      for (const id of v.purchased.slice(0, DEPTH)) {
        const i = m.index(id);
        if (i >= 0) for (const [t, w] of m.bought(i)) add(m.id(t), (1.5 * w) / 65535, { kind: 'bought_with', product: id });
      }
    }
    const session = v.viewed.slice(0, DEPTH).map((id) => m.index(id)).filter((i) => i >= 0).reverse();
    for (const [t, s, src] of sessionScores(m, session, DEPTH)) add(m.id(t), ws * s, viewed(m, t, session[src]));
    for (const i of m.top(wide, (i) => m.popularity(i))) add(m.id(i), (wp * m.popularity(i)) / 65535, { kind: 'popular' });
  }
  const max = v.interests.length ? v.interests[0][1] : 0;
  if (max > 0) {
    for (const p of catalog.products) {
      let best = null;
      for (const [c, s] of v.interests) if (p.categories.includes(c) && (!best || best[1] < s / max)) best = [c, s / max];
      if (best) add(p.id, wi * 0.5 * best[1], { kind: 'interest', category: best[0] });
    }
  }
}

/**
 * Ranks products: `[{product, score, reason}]`. `m` may be null (no model), `settings` is
 * `{exclude_purchased, max_per_category}`, `req` a request from `readRequest`.
 */
export function rank(m, catalog, v, settings, req) {
  const anchor = req.product !== undefined ? req.product : v.viewed[0];
  const wide = req.limit * 4 + 40;
  const scored = [];
  if (req.strategy === 'recently-viewed') v.viewed.forEach((id, i) => scored.push([id, v.viewed.length - i, { kind: 'recently_viewed' }]));
  else if (req.strategy === 'trending') {
    if (m) for (const i of m.top(wide, (i) => m.trending(i))) scored.push([m.id(i), m.trending(i), { kind: 'trending' }]);
  } else if (req.strategy === 'for-you') forYou(m, catalog, v, wide, scored);
  else {
    if (anchor === undefined) return [];
    const i = m ? m.index(anchor) : -1;
    if (i >= 0 && req.strategy === 'bought-together' && m.hasBought) {
      for (const [t, w] of m.bought(i)) scored.push([m.id(t), w, { kind: 'bought_with', product: anchor }]);
    } else if (i >= 0) {
      const session = v.viewed.filter((x) => x !== anchor).slice(0, DEPTH - 1).map((x) => m.index(x)).filter((x) => x >= 0).reverse();
      session.push(i);
      for (const [t, s, src] of sessionScores(m, session, DEPTH)) scored.push([m.id(t), s, viewed(m, t, session[src])]);
    } else similar(catalog, anchor, scored);
  }
  return select(catalog, v, settings, req, anchor, scored);
}

function select(catalog, v, settings, req, anchor, scored) {
  scored.sort((a, b) => b[1] - a[1] || cmpId(a[0], b[0]));
  const out = [];
  const held = [];
  const seen = new Set();
  const cat = (p) => p.categories[0];
  for (const [id, score, reason] of scored) {
    if (out.length >= req.limit) break;
    if (seen.has(id)) continue;
    seen.add(id);
    const p = catalog.get(id);
    if (!p) continue;
    const recent = req.strategy === 'recently-viewed';
    const excluded =
      !available(p) ||
      (!recent && anchor === id) ||
      (recent && req.product === id) ||
      v.cart.includes(id) ||
      (settings.exclude_purchased && v.purchased.includes(id)) ||
      req.exclude.includes(id) ||
      (req.category !== undefined && !p.categories.includes(req.category)) ||
      (req.min_price !== undefined && !(p.price >= req.min_price)) ||
      (req.max_price !== undefined && !(p.price <= req.max_price));
    if (excluded) continue;
    const rec = { product: p, score, reason };
    const same = out.filter((r) => cat(p) !== undefined && cat(r.product) === cat(p)).length;
    if (settings.max_per_category > 0 && same >= settings.max_per_category) held.push(rec);
    else out.push(rec);
  }
  for (const r of held) {
    if (out.length >= req.limit) break;
    out.push(r);
  }
  return out;
}
