// The opt-in export (loaded only when `$.privacy.export` is configured and measurement consent is
// given; never with Global Privacy Control unless `$.privacy.gpc.export`): touchpoints go to the
// site's own collector as Segment `batch` payloads (`segmentBatch`, the format of the Rust
// reference `core::export`; both are checked against `tests/cases/export.json`).
//
// Queue: IndexedDB database `trailmark-export`, store `events`, key `<ns>|<touchpoint id>`, so it
// survives reloads and is shared by the tabs; at most `max_queue` events per namespace (the
// oldest are dropped). A flush runs under the Web Lock `trailmark:<ns>:export`, reads the queue,
// POSTs at most `batch_size` events per request (payload at most 64 KiB) with `fetch`, and
// deletes what the collector accepted (2xx). Network errors, 408, 429 and 5xx are retried with
// jittered exponential backoff from `retry_ms` (at most 5 minutes), never sooner than a
// `Retry-After`; any other status drops the batch (reported once as `export/rejected`).
//
// When the page is hidden or goes (`visibilitychange` to hidden, `pagehide`; never `unload`)
// this tab's unconfirmed events are sent at once with `fetch(..., {keepalive: true})`, or
// `navigator.sendBeacon` where keepalive fetch is unavailable or refused. They stay queued until
// a response confirms them; a page that is gone before its answer arrives leaves them for the
// next page, which sends them again with the same `messageId`s. Delivery is therefore
// at-least-once: the collector deduplicates on `messageId` (Segment, RudderStack and Jitsu do).

import { TrailmarkError } from './runtime.js';

const DB = 'trailmark-export';
const STORE = 'events';
const MAX_BYTES = 65536;
const MAX_DELAY = 300000;
const enc = new TextEncoder();

/** `context.library.version`; `js/test/exporter.test.mjs` keeps it equal to package.json's. */
export const VERSION = '0.1.0';

/**
 * One Segment event for a queued touchpoint: `Page Viewed` is a `page` call (its `title` as
 * `name`, url and referrer added to its properties), anything else a `track` call. `messageId`
 * is derived from the touchpoint's id, so every send of it carries the same one.
 */
export function segmentEvent(e, who) {
  const props = Object.assign({}, e.props);
  const o = {};
  if (e.name === 'Page Viewed') {
    o.type = 'page';
    if (typeof props.title === 'string') o.name = props.title;
    if (e.url && !('url' in props)) props.url = e.url;
    if (e.referrer && !('referrer' in props)) props.referrer = e.referrer;
  } else {
    o.type = 'track';
    o.event = e.name;
  }
  o.properties = props;
  o.messageId = 'tm-' + who.namespace + '-' + e.id;
  o.anonymousId = who.anonymousId;
  if (who.userId) o.userId = who.userId;
  o.timestamp = new Date(e.at).toISOString();
  const page = {};
  if (e.url) page.url = e.url;
  if (e.referrer) page.referrer = e.referrer;
  o.context = { library: { name: 'trailmark', version: who.version || VERSION } };
  if (e.url || e.referrer) o.context.page = page;
  return o;
}

/** The Segment `batch` payload for `events`, in order. */
export const segmentBatch = (events, who, sentAt) => ({ batch: events.map((e) => segmentEvent(e, who)), sentAt: new Date(sentAt).toISOString() });

function req(r) {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

function openQueue(g) {
  return new Promise((resolve, reject) => {
    const r = g.indexedDB.open(DB, 1);
    r.onupgradeneeded = () => r.result.createObjectStore(STORE);
    r.onsuccess = () => {
      const db = r.result;
      db.onversionchange = () => db.close();
      resolve(db);
    };
    r.onerror = () => reject(r.error);
    r.onblocked = () => reject(new Error('the export queue database is blocked'));
  });
}

/** Milliseconds a `Retry-After` header asks for (seconds or an HTTP date), or 0. */
export function retryAfter(value, now = Date.now()) {
  if (!value) return 0;
  const s = Number(value);
  const ms = Number.isFinite(s) ? s * 1000 : Date.parse(value) - now;
  return Number.isFinite(ms) && ms > 0 ? Math.min(ms, 3600000) : 0;
}

/** The delay before retry `n` (0-based): exponential from `base`, capped, with jitter in [d/2, d]. */
export function backoff(n, base, random = Math.random) {
  const d = Math.min(base * 2 ** Math.min(n, 20), MAX_DELAY);
  return Math.round(d / 2 + (random() * d) / 2);
}

/** Whether a response status is retried: 408, 429, 5xx (0 = network error). */
export const retryable = (status) => status === 0 || status === 408 || status === 429 || status >= 500;

/**
 * Splits `events` into payload texts of at most `max` bytes, `encode(list)` giving the text for
 * a list. An event too large on its own is returned in `tooLarge`.
 */
export function chunks(events, encode, max = MAX_BYTES) {
  const out = [];
  const tooLarge = [];
  let rest = events;
  while (rest.length) {
    let n = rest.length;
    let text = encode(rest.slice(0, n));
    while (enc.encode(text).length > max && n > 1) {
      n = Math.ceil(n / 2);
      text = encode(rest.slice(0, n));
    }
    if (enc.encode(text).length > max) tooLarge.push(rest[0]);
    else out.push({ events: rest.slice(0, n), text });
    rest = rest.slice(n);
  }
  return { out, tooLarge };
}

/**
 * A random id for this visitor (`trailmark:<ns>:anon`, in the instance's store), sent with
 * exported events (Segment requires one); forget() erases it, so a new one is made.
 */
function anonymousId(store) {
  let id = store.read('anon');
  if (!id) {
    const c = globalThis.crypto;
    id = c && c.randomUUID ? c.randomUUID() : Date.now().toString(36) + Math.random().toString(36).slice(2);
    store.write('anon', id);
  }
  return id;
}

export class Exporter {
  /**
   * @param tm the Trailmark instance (engine, store, namespace, error reporting)
   * @param cfg `$.privacy.export` with defaults filled
   */
  constructor(tm, cfg, g = globalThis) {
    this.tm = tm;
    this.cfg = cfg;
    this.g = g;
    this.ns = tm._ns;
    this.url = new URL(cfg.url, g.location.href).href;
    this.mine = new Map(); // this tab's events not yet confirmed: key -> event
    this.inflight = new Set(); // keys of events in a request not answered yet (never sent twice at once)
    this.writes = [];
    this.failures = 0;
    this.wait = 0;
    this.stopped = false;
    this.aborts = new Set();
    // Stored only with storage consent (not in a cross-site frame, not after a refusal): else
    // the queue lives in this page's memory.
    const durable = !tm._store || tm._store._durable;
    this.db = g.indexedDB && durable ? openQueue(g).catch((e) => (this.report('storage/unavailable', 'the export queue cannot be stored (' + e.message + '); it is kept in memory'), null)) : Promise.resolve(null);
    this.schedule(this.cfg.flush_seconds * 1000); // what earlier pages left
  }

  key(id) {
    return this.ns + '|' + id;
  }

  report(code, message) {
    this.tm._report(new TrailmarkError(code, message));
  }

  /** Queues an accepted touchpoint `{id, name, props, url, referrer, at}`. */
  add(t) {
    if (this.stopped || !t.id) return;
    // Queued as plain JSON, once: a BigInt (as text), a function (left out) or a cycle (the event
    // is dropped) in a site's props would otherwise fail every flush of the queue, for good.
    let props;
    try {
      props = t.props == null ? undefined : JSON.parse(JSON.stringify(t.props, (k, v) => (typeof v === 'bigint' ? String(v) : v)));
    } catch (x) {
      this.report('export/invalid', 'the properties of "' + t.name + '" are not JSON (' + ((x && x.message) || x) + '); it is not exported');
      return;
    }
    const e = { id: t.id, name: t.name, props, url: t.url, referrer: t.referrer, at: t.at };
    this.mine.set(this.key(t.id), e);
    // Bounded in memory too (without IndexedDB this is the whole queue): the oldest go first.
    while (this.mine.size > this.cfg.max_queue) this.mine.delete(this.mine.keys().next().value);
    this.writes.push(e);
    if (this.writes.length === 1) queueMicrotask(() => this.persist());
    this.schedule(this.mine.size >= this.cfg.batch_size ? 0 : this.cfg.flush_seconds * 1000);
  }

  async persist() {
    const list = this.writes.splice(0);
    const db = await this.db;
    if (!db || this.stopped || !list.length) return;
    try {
      const tx = db.transaction(STORE, 'readwrite');
      const os = tx.objectStore(STORE);
      for (const e of list) os.put(e, this.key(e.id));
      // Bounded: beyond max_queue, the oldest of this namespace go.
      const all = await req(os.getAll(IDBKeyRange.bound(this.ns + '|', this.ns + '|\uffff')));
      if (all.length > this.cfg.max_queue) {
        all.sort((a, b) => a.at - b.at);
        for (const e of all.slice(0, all.length - this.cfg.max_queue)) {
          os.delete(this.key(e.id));
          this.mine.delete(this.key(e.id));
        }
      }
      await new Promise((resolve, reject) => {
        tx.oncomplete = resolve;
        tx.onabort = tx.onerror = () => reject(tx.error);
      });
    } catch (e) {
      this.report('storage/unavailable', 'the export queue could not be stored (' + ((e && e.message) || e) + ')');
    }
  }

  schedule(ms) {
    if (this.stopped) return;
    const at = Date.now() + Math.max(ms, this.wait - Date.now(), 0);
    if (this.timer && this.timerAt <= at) return;
    clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, at - Date.now());
  }

  /** One flush under the cross-tab lock (or without, where Web Locks are missing). */
  flush() {
    const locks = this.g.navigator && this.g.navigator.locks;
    const run = () => this.run().catch((e) => this.report('export/failed', 'the export failed: ' + ((e && e.message) || e)));
    return locks ? locks.request('trailmark:' + this.ns + ':export', run) : run();
  }

  async run() {
    if (this.stopped) return;
    await this.persist();
    const db = await this.db;
    let queue;
    if (db) {
      queue = await req(db.transaction(STORE).objectStore(STORE).getAll(IDBKeyRange.bound(this.ns + '|', this.ns + '|\uffff')));
    } else queue = [...this.mine.values()];
    queue = queue.filter((e) => !this.inflight.has(this.key(e.id))).sort((a, b) => a.at - b.at);
    if (!queue.length) return;
    const first = queue.slice(0, this.cfg.batch_size);
    const status = await this.send(first, false);
    if (this.stopped) return;
    if (status >= 200 && status < 300) {
      this.failures = 0;
      this.wait = 0;
      if (queue.length > first.length) this.schedule(0);
    } else if (retryable(status)) {
      this.wait = Date.now() + Math.max(backoff(this.failures++, this.cfg.retry_ms), this.retryAfterMs || 0);
      this.schedule(0);
    }
  }

  /**
   * Sends `events` (in payloads of at most 64 KiB) and handles the answers: accepted or refused
   * events leave the queue. Returns the worst status (0: network error).
   */
  async send(events, final) {
    const who = this.tm._traits || {};
    const anon = anonymousId(this.tm._store);
    const now = Date.now();
    const sender = { namespace: this.ns, anonymousId: anon, userId: who.user_id };
    const { out, tooLarge } = chunks(events, (list) => JSON.stringify(segmentBatch(list, sender, now)));
    if (tooLarge.length) {
      this.report('export/too-large', tooLarge.length + ' event(s) over 64 KiB were dropped from the export');
      await this.drop(tooLarge);
    }
    let worst = 200;
    // While the page goes, one request (keepalive allows 64 KiB in flight); the rest stay queued.
    for (const c of final ? out.slice(0, 1) : out) {
      const keys = c.events.map((e) => this.key(e.id));
      for (const k of keys) this.inflight.add(k);
      const status = await this.post(c.text, final).finally(() => keys.forEach((k) => this.inflight.delete(k)));
      if (this.stopped) return status;
      if ((status >= 200 && status < 300) || !retryable(status)) {
        if (!(status >= 200 && status < 300)) this.report('export/rejected', 'the collector refused a batch (HTTP ' + status + '); it was dropped');
        await this.drop(c.events);
      }
      if (!(status >= 200 && status < 300)) {
        worst = status;
        if (retryable(status)) break;
      }
    }
    return worst;
  }

  /** POSTs one payload; resolves to the status (0: network error). */
  async post(text, final) {
    const g = this.g;
    const ac = new AbortController();
    this.aborts.add(ac);
    this.retryAfterMs = 0;
    try {
      const res = await g.fetch(this.url, { method: 'POST', body: text, headers: { 'Content-Type': 'application/json' }, keepalive: final, credentials: 'omit', signal: ac.signal });
      if (retryable(res.status)) this.retryAfterMs = retryAfter(res.headers.get('Retry-After'));
      return res.status;
    } catch (e) {
      // keepalive refused (too many bytes in flight) while the page goes: a beacon instead.
      if (final && !this.stopped && g.navigator.sendBeacon && e && e.name === 'TypeError') {
        try {
          g.navigator.sendBeacon(this.url, new Blob([text], { type: 'text/plain' }));
        } catch (x) {
          /* nothing more can be done now; the next page sends it again */
        }
      }
      return 0;
    } finally {
      this.aborts.delete(ac);
    }
  }

  async drop(events) {
    for (const e of events) this.mine.delete(this.key(e.id));
    const db = await this.db;
    if (!db) return;
    const tx = db.transaction(STORE, 'readwrite');
    for (const e of events) tx.objectStore(STORE).delete(this.key(e.id));
    await new Promise((r) => (tx.oncomplete = tx.onabort = tx.onerror = r));
  }

  /** The page is hidden or goes: send this tab's unconfirmed events now (keepalive). */
  hide() {
    if (this.stopped || !this.mine.size) return;
    this.persist();
    // One request of at most batch_size events (keepalive allows 64 KiB in flight); the rest stay queued.
    const list = [...this.mine.values()].filter((e) => !this.inflight.has(this.key(e.id))).sort((a, b) => a.at - b.at).slice(0, this.cfg.batch_size);
    if (!list.length) return;
    this.send(list, true).then((status) => {
      if (!(status >= 200 && status < 300)) this.schedule(retryable(status) ? backoff(this.failures++, this.cfg.retry_ms) : 0);
    }, () => {});
  }

  /** Storage consent refused: the queue leaves IndexedDB and lives on in this page's memory. */
  async memoryOnly() {
    const dbp = this.db;
    this.db = Promise.resolve(null);
    const db = await dbp;
    if (!db) return;
    try {
      const tx = db.transaction(STORE, 'readwrite');
      tx.objectStore(STORE).delete(IDBKeyRange.bound(this.ns + '|', this.ns + '|\uffff'));
      await new Promise((r) => (tx.oncomplete = tx.onabort = tx.onerror = r));
    } finally {
      db.close();
    }
  }

  /** Consent withdrawn or visitor forgotten: stop sending and empty the queue at once. */
  async clear(stop) {
    if (stop) this.stopped = true;
    clearTimeout(this.timer);
    this.timer = null;
    for (const ac of this.aborts) ac.abort();
    this.mine.clear();
    this.writes.length = 0;
    const db = await this.db;
    if (!db) return;
    const tx = db.transaction(STORE, 'readwrite');
    tx.objectStore(STORE).delete(IDBKeyRange.bound(this.ns + '|', this.ns + '|\uffff'));
    await new Promise((r) => (tx.oncomplete = tx.onabort = tx.onerror = r));
  }
}
