// The Trailmark runtime (ES module): loads the wasm engine, feeds it touchpoints through one
// queue, persists and shares the profile across tabs, decides and renders slots, and exposes the
// public API. Every public method is guarded: nothing here throws into the host page. A fatal
// problem (bad config, no or blocked WebAssembly, a wasm trap) restores the page's default slot
// content, logs one console error and turns the instance into a no-op.

import { TrailmarkError, toError, isFatal, monitor } from './errors.js';
import { engine } from './engine.js';
import { Store, webStorage, eraseAll, clearExportQueue, clearProfiles, fromBase64, openProfiles, updateProfile, storageKey } from './store.js';
import { render, restoreAll, planOf } from './slots.js';
import { readCapture, installCapture, needsExtra, pageProducts } from './capture.js';
import { resolvePurposes, watchTcf, watchConsentMode, crossSiteFrame, PURPOSES, PENDING } from './consent.js';

export { TrailmarkError };
// For the lazily loaded modules, which import these from here rather than from their own
// modules: dist/ then keeps one copy of each inside runtime.js (the build marks runtime.js
// external to them) instead of chunks every page would fetch besides runtime.js.
export { toError, pageProducts };
export { fillText } from './slots.js';
// For the benchmark (bench/), which reads the wasm memory: the engine's glue, inside runtime.js
// in dist/ (its init, run again, answers the running instance's exports).
export { engine };

const DONE = 500; // ids of stored touchpoints kept in the profile record
const RETENTION_MS = 3600000; // retention limits are applied at start-up and hourly
const EVENTS = ['stage', 'journey', 'session', 'decision', 'prompt', 'error'];
const logged = new Set();
/** The instance whose engine runs: the wasm holds one engine (src/web/runtime.rs). */
let running;

function log(err) {
  if (logged.has(err.code)) return;
  logged.add(err.code);
  console.error('Trailmark: ' + err.code + ': ' + err.message, err);
}

const domReady = (doc) =>
  doc.readyState === 'loading' && new Promise((r) => doc.addEventListener('DOMContentLoaded', r, { once: true }));

const device = (w) => (w < 768 ? 'mobile' : w < 1024 ? 'tablet' : 'desktop');
const round2 = (n) => (typeof n === 'number' ? Math.round(n * 100) / 100 : n);
// What capture (scroll depth, engaged time), prompts and experiments count in one page view.
const pageView = (url) => ({ url, _scroll: new Set(), _engaged: 0, _engagedDone: new Set(), _exposed: new Set() });
// A queued touchpoint's own fields (without its queue state), to store or queue again.
const touchpoint = ({ id, name, props, url, referrer, at }) => ({ id, name, props, url, referrer, at });
const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
// A lazily imported module that the config and the page make start-up (or a batch) need: one
// that cannot be loaded is fatal, as the runtime itself would be.
const needed = (p, name) => p.catch((e) => {
  throw new TrailmarkError('wasm/load', name + ' could not be loaded: ' + (e?.message || e));
});

/** A same-origin-credentials fetch whose HTTP errors throw too (`HTTP 404`). */
async function fetchOk(url) {
  const res = await fetch(url, { credentials: 'same-origin' });
  if (!res.ok) throw new Error('HTTP ' + res.status);
  return res;
}

async function fetchConfig(url) {
  let res;
  try {
    res = await fetchOk(url);
  } catch (e) {
    throw new TrailmarkError('config/fetch', 'cannot fetch the config ' + url + ': ' + e.message);
  }
  try {
    return await res.json();
  } catch (e) {
    throw new TrailmarkError('config/invalid', 'the config ' + url + ' is not JSON: ' + e.message, [{ path: '$', message: 'not JSON: ' + e.message }]);
  }
}

/** A failure to import or instantiate `what`'s wasm, as a `wasm/*` error (compile.js's too). */
export function wasmError(e, what) {
  const err = toError(e);
  return err.code.startsWith('wasm/') ? err : new TrailmarkError('wasm/load', what + ' could not be loaded: ' + err.message);
}

// Public methods and what they return once the SDK is a no-op (or when a call fails).
const resolved = () => Promise.resolve();
const API = {
  track: resolved,
  page: resolved,
  identify: () => undefined,
  stage: () => [],
  journey: () => ({}),
  lifecycle: () => null,
  decide: () => [],
  explain: () => null,
  prompt: () => Promise.resolve(null),
  on: () => () => {},
  consent: () => ({}),
  export: () => null,
  forget: resolved,
  debug: resolved,
  privacyPanel: resolved,
  recommend: () => Promise.resolve([]),
};

// Two random 32-bit numbers (every browser with WebAssembly has crypto.getRandomValues).
const random = () => globalThis.crypto.getRandomValues(new Uint32Array(2));

/**
 * A page's random id: touchpoint ids (`<tab>.<n>`) and so the export's `messageId`s are made from
 * it, and collectors drop messages whose id they have seen, so it carries 64 random bits (8
 * base-36 characters of Math.random, about 41 bits, collide once in about two million pages).
 */
const tabId = () => [...random()].map((n) => n.toString(36).padStart(7, '0')).join('');

export class Trailmark {
  /**
   * Loads the engine and starts capture. Always resolves: on failure, to a no-op instance whose
   * `failed` holds the TrailmarkError (also reported once to console.error and on("error")).
   */
  static async load(options = {}) {
    const tm = new Trailmark();
    try {
      await tm._init(options || {});
    } catch (e) {
      tm._fail(e, true);
    }
    const stub = options?.stub;
    if (stub && stub._i !== tm) tm._adopt(stub);
    return tm;
  }

  constructor() {
    this.ready = false;
    this.failed = undefined;
    this._listeners = {};
    this._pending = [];
    this._decisions = [];
    this._shown = {};
    this._swapped = new WeakSet();
    this._traits = {};
    this._purposes = {};
    this._choice = {}; // the visitor's consent() choice
    this._held = []; // touchpoints awaiting a CMP's decision on export
    this._memLog = []; // touchpoints of this page while the stored profile is not read
    this._priv = {}; // $.privacy (from the compiled config) once loaded
    this._defaults = { functional: true, personalization: true, measurement: false };
    this._signals = {}; // {tcf, gcm}: the page's CMP signals (consent.js)
    this._pv = pageView('');
    this._tabId = tabId();
    this._n = 0;
    this._seq = 0;
    this._live = new Set(); // touchpoints of batches in flight
    this._boxes = []; // this tab's outbox keys
    this._failures = 0;
    this._at = 0;
    this._errs = new Set();
    for (const name of Object.keys(API)) {
      const impl = this['_' + name];
      const fallback = API[name];
      // Once failed, every method but forget() and on() answers as a no-op.
      this[name] = monitor((...args) => (this.failed && name !== 'forget' && name !== 'on' ? fallback() : impl.apply(this, args)), (e) => this._fail(e), fallback);
    }
  }

  // ---- start-up -------------------------------------------------------------------------------

  async _init(o) {
    // A second instance would drive the same engine: refused before it touches the page, so the
    // first goes on undisturbed (and one that failed may be replaced).
    if (running && !running.failed) throw new TrailmarkError('load/twice', 'Trailmark already runs on this page; use that instance');
    const g = globalThis;
    this._doc = g.document;
    this._stub = o.stub;
    if (typeof g.WebAssembly !== 'object') throw new TrailmarkError('wasm/unsupported', 'this browser has no WebAssembly; default content stays');
    let config = o.config !== undefined ? o.config : o.configUrl ? await fetchConfig(o.configUrl) : {};
    if (!isObject(config)) throw new TrailmarkError('config/invalid', 'the config must be a JSON object', [{ path: '$', message: 'must be an object' }]);
    // A compiled document (`trailmark compile`) is used as it is; a JSON source is validated
    // (every section, `capture` too) and compiled here by the compiler wasm, fetched only for it
    // (compile.js; the compiler's glue is fetched beside it, not after it).
    let compiled = config;
    if (config.trailmark_compiled === undefined) {
      import('./pkg/trailmark_compiler.js').catch(() => {});
      compiled = await (await needed(import('./compile.js'), 'compile.js')).compile(config, o.compilerWasm);
    }
    this._promptsOn = [compiled.prompts, compiled.surveys].some((m) => isObject(m) && Object.keys(m).length > 0);
    // prompts.js and experiments.js decide from the compiled decision table (a compiled file
    // from before it had one, or its experiments, is refused with the same advice).
    for (const [key, ok] of [['engine', typeof compiled.engine === 'string'], ['privacy', isObject(compiled.privacy)], ['decide', Array.isArray(compiled.decide?.prompts) && Array.isArray(compiled.decide.experiments)]]) {
      if (!ok) throw new TrailmarkError('config/invalid', 'the compiled config has no "' + key + '"; compile trailmark.json again', [{ path: '$.' + key, message: 'missing' }]);
    }
    // `$.capture` is checked by the compiler; a compiled file edited into a shape it never
    // writes is refused here with the same advice, not left to fail later inside capture.
    let capture;
    try {
      capture = readCapture(compiled.capture);
    } catch (e) {
      throw new TrailmarkError('config/invalid', 'the compiled config\'s "capture" is damaged; compile trailmark.json again', [{ path: '$.capture', message: 'not what trailmark compile writes' }]);
    }
    this._cap = o.capture === false ? null : capture;
    // The dataLayer and Segment bridges (capture-extra.js) are fetched only when switched on,
    // while the wasm loads; capture is installed once it is here.
    const extra = this._cap && needsExtra(capture) ? needed(import('./capture-extra.js'), 'capture-extra.js') : null;
    if (extra) extra.catch(() => {});
    this._config = compiled;
    // Fetch the prompt UI while the wasm loads, not after it: start-up waits for its triggers.
    if (this._promptsOn) this._promptUi().catch(() => {});
    // So are the slots' experiments (experiments.js), only on sites that have some.
    const xm = compiled.decide.experiments.some((x) => x?.slot != null) ? needed(import('./experiments.js'), 'experiments.js') : null;
    if (xm) xm.catch(() => {});

    // The engine is part of the first load: in dist/ its glue is inside this file (engine.js),
    // and `xtask size` follows the `new URL` to its wasm, which is named here for that reason
    // too (the glue's own default, beside itself, would not be beside a bundled glue).
    let wasm;
    try {
      wasm = await engine();
      await wasm.default({ module_or_path: o.wasm !== undefined ? o.wasm : new URL('./pkg/trailmark_bg.wasm', import.meta.url) });
    } catch (e) {
      throw wasmError(e, 'the engine');
    }

    this._srcUrl = String(o.sources || new URL('./pkg/trailmark_sources.txt', import.meta.url));
    this._recCfg = compiled.recommend;
    const ns = typeof compiled.namespace === 'string' && compiled.namespace ? compiled.namespace : 'default';
    this._ns = ns;
    const ls = o.storage !== undefined ? o.storage : webStorage();
    this._store = new Store(ns, ls, (e) => this._storageFailed(e));
    if (!ls) this._storageFailed(new Error('localStorage is not available'));

    // The engine starts from the compiled config (validated when it was compiled, privacy
    // settings included); the stored profile is read only once consent says it may be.
    // `Runtime`'s static methods are the engine (one per wasm instance: src/web/runtime.rs).
    wasm.Runtime.start(fromBase64(compiled.engine), Date.now());
    this._rt = wasm.Runtime;
    running = this;
    this._priv = compiled.privacy;
    this._defaults = Object.assign({}, this._priv.consent, o.consent);
    this._gpc = g.navigator?.globalPrivacyControl === true;
    this._frame = crossSiteFrame(g);
    this._store._persist = !(this._frame && !this._priv.iframe_storage);
    this._choice = this._json('consent') || {};
    const dl = capture.data_layer || 'dataLayer';
    // The CMPs call these from their own code: a problem here is ours to report, never theirs.
    const signal = (kind) => monitor((p) => this._signal(kind, p), (e) => this._fail(e));
    if (this._priv.consent_mode) this._readGcm = watchConsentMode(g, signal('gcm'), dl);
    if (this._priv.tcf) this._stopTcf = watchTcf(g, signal('tcf'));
    // The purposes in force before any request (with GPC the exporter is never loaded) and
    // before the stored profile is read; storage refused (not merely undecided) erases what an
    // earlier page stored.
    this._applyPurposes();
    this._consentReady = true;
    this._traits = this._json('traits') || {};

    // The stored profile (IndexedDB), else one an earlier version left in localStorage (moved to
    // IndexedDB by the first batch, then removed).
    let bytes;
    let rec;
    let problem;
    this._gen = null;
    const db = this._store._durable ? await this._openDb() : null;
    this._readStored = !!db; // else this page's touchpoints are kept (_memLog) for when storage is allowed
    if (db) {
      try {
        await updateProfile(db, ns, (r) => void (rec = r));
      } catch (e) {
        this._storageFailed(e);
        this._memOnly = true;
      }
    }
    const legacy = this._store.read('state');
    if (rec) {
      bytes = rec.state;
      this._gen = rec.gen;
    } else if (legacy) {
      try {
        bytes = fromBase64(legacy);
      } catch (e) {
        problem = 'not base64';
      }
    }
    this._legacy = !!legacy && !!db;
    if (bytes && bytes.length) problem = this._rt.reload(bytes);
    if (problem) this._report(new TrailmarkError('storage/corrupt', 'the stored profile could not be read (' + problem + '); starting fresh'));
    this._rt.applyRetention(Date.now());
    this._retention = setInterval(() => this._enqueue({ kind: 'retention' }), RETENTION_MS);

    this._listenTabs(g);
    await domReady(this._doc);
    if (this.failed) return;
    const more = extra && (await extra);
    this._xm = xm && (await xm);
    if (this.failed) return;

    const first = this._doc.referrer || undefined;
    if (this._cap?.page_views) this._pageView({}, first, o.startedAt);
    if (o.stub) this._adopt(o.stub);
    else this._replay(o.queue);
    if (this._cap) this._stopCapture = installCapture(g, this, this._cap, more);
    // The page goes or is hidden (maybe for good): `_hide`. Back from the bfcache: catch up.
    const doc = this._doc;
    const on = { signal: (this._off = new AbortController()).signal };
    const hide = (e) => (e.type === 'pagehide' || doc.visibilityState === 'hidden') && this._hide();
    g.addEventListener('pagehide', hide, on);
    doc.addEventListener('visibilitychange', hide, on);
    g.addEventListener('pageshow', (e) => e.persisted && this._enqueue({ kind: 'sync' }), on);
    await this._flush();
    if (this.failed) return;
    // Prompt triggers watch the page from the moment the SDK is ready.
    if (this._promptsOn) this._stopTriggers = (await this._promptUi()).installTriggers(this);
    if (this.failed) return;
    this.ready = true;
    // A click on any `[data-tm-privacy]` element (present now or added later) opens the panel.
    this._doc.addEventListener('click', (e) => {
      const a = e.target?.closest?.('[data-tm-privacy]');
      if (a) {
        e.preventDefault();
        this.privacyPanel();
      }
    }, on);
    if (this._doc.querySelector('[data-tm-recommend]')) this._recs().then((r) => r.ready, (e) => this._report(toError(e, 'recommend/load')));
    // Without sessionStorage the panel opens only when asked.
    const ss = webStorage('sessionStorage', g);
    if (ss?.getItem(storageKey(ns, 'debug'))) this.debug();
  }

  _json(k) {
    try {
      const v = JSON.parse(this._store.read(k));
      return isObject(v) ? v : null;
    } catch (e) {
      return null;
    }
  }

  /** Replays calls queued by the stub, in order, each at the time it was made. */
  _replay(queue) {
    if (!Array.isArray(queue)) return;
    while (queue.length) {
      const [name, args, at, entry] = queue.shift();
      if (!(name in API) || entry?.cancelled) continue;
      this._at = at || 0;
      try {
        const r = this[name](...(args || []));
        if (entry && name === 'on') entry.off = r;
        // The stub returned a promise for the call: it settles with the answer (forget(): once erased).
        if (entry && typeof entry.r === 'function') entry.r(r);
      } finally {
        this._at = 0;
      }
    }
  }

  /** Makes the stub (and any reference a site kept to it) forward to this instance. */
  _adopt(stub) {
    this._replay(stub._q);
    stub._i = this;
  }

  _now() {
    return this._at || Date.now();
  }

  // ---- errors ---------------------------------------------------------------------------------

  _report(err) {
    if (err.code.startsWith('storage/')) {
      if (this._errs.has(err.code)) return;
      this._errs.add(err.code);
    }
    log(err);
    this._emit('error', err);
  }

  /** Reports `e`; a fatal one (or `fatal`) turns the SDK into a no-op with defaults restored. */
  _fail(e, fatal) {
    const err = toError(e);
    if (!(fatal || isFatal(err))) return this._report(err);
    if (this.failed) return;
    this.failed = err;
    this.ready = false;
    try {
      clearTimeout(this._timer);
      clearInterval(this._retention);
      this._stopTcf?.();
      this._exp?.clear(true);
      this._stopCapture?.();
      this._stopTriggers?.();
      this._promptsJs?.then((m) => m.closeAll(), () => {});
      this._off?.abort();
      this._bc?.close();
      for (const item of this._pending.splice(0)) item.done();
      this._stub?._mo?.disconnect();
      if (this._doc) restoreAll(this._doc);
      this._rec?.restore();
    } catch (x) {
      /* nothing more can be done */
    }
    this._rt = null;
    this._report(err);
  }

  _emit(type, detail) {
    for (const cb of this._listeners[type] || []) {
      try {
        cb(detail);
      } catch (e) {
        console.error('Trailmark: an on("' + type + '") listener threw', e);
      }
    }
  }

  // ---- the queue ------------------------------------------------------------------------------

  _enqueue(item) {
    return new Promise((done) => {
      item.done = done;
      if (item.kind === 'track' && !item.id) {
        item.id = this._tabId + '.' + ++this._seq;
        if (this._exp) this._exp.add(item);
        else if (this._expWait) this._expWait.push(item);
        // A CMP still deciding: held in memory, exported only if it grants measurement.
        else if (this._priv.export && this._signals.tcf === PENDING && this._held.length < DONE) this._held.push(item);
        if (!this._readStored && this._memLog.length < DONE) this._memLog.push(item);
      }
      this._pending.push(item);
      if (!this._scheduled) {
        this._scheduled = true;
        queueMicrotask(() => {
          this._scheduled = false;
          this._flush();
        });
      }
    });
  }

  /**
   * Runs the pending touchpoints as one batch after the batch in flight (one at a time per tab).
   * With durable storage a batch is one IndexedDB readwrite transaction: read the stored profile,
   * take it if another tab changed it, ingest, write. Tabs' transactions on the record are
   * serialised by IndexedDB, so none can overwrite another's touchpoints.
   */
  _flush() {
    if (this.failed || !this._rt) return Promise.resolve();
    this._readGcm?.(); // a tag may have replaced dataLayer.push
    return (this._chain = (this._chain || Promise.resolve()).then(() => this._batch()).catch((e) => this._fail(e)));
  }

  async _batch(leaving) {
    if (this.failed || !this._rt || !this._pending.length) return;
    // Pending touchpoints, and other pages' outbox (a page left before its tables arrived),
    // wait here, still in order, while the source tables load. The batch run as the page goes
    // (`leaving`) cannot wait; `_hide` leaves such touchpoints to the outbox instead.
    const needs = (it) => this._needsSources(it);
    if (!leaving && (this._pending.some(needs) || (!this._srcDone && this._outbox(new Set(), true).list.some(needs)))) await this._sources();
    if (this.failed || !this._rt || !this._pending.length) return;
    const db = this._store._durable && !this._memOnly ? await this._openDb() : null;
    const items = this._pending.splice(0);
    let requeued = false;
    let box;
    for (const it of items) this._live.add(it);
    try {
      if (!db) return this._after(this._apply(items), null);
      let out;
      let remote = null;
      let before;
      let base;
      let thrown;
      const gen = this._gen;
      try {
        await updateProfile(db, this._ns, (rec) => {
          try {
            base = rec;
            if (!rec) before = this._rt.encode();
            remote = this._sync(rec, items);
            // Other pages' outbox (oldest first), then this batch; none already stored (`done`).
            const done = new Set(rec?.done);
            box = this._outbox(done);
            const todo = box.list.concat(items.filter((i) => !done.has(i.id)));
            out = this._apply(todo);
            if (!out.persist && !box.list.length && !items.some((i) => i.kind === 'save')) return undefined;
            for (const i of todo) if (i.id) done.add(i.id);
            this._gen = this._tabId + ':' + ++this._n;
            return { gen: this._gen, state: this._rt.encode(), done: [...done].slice(-DONE) };
          } catch (e) {
            thrown = e;
            throw e;
          }
        });
      } catch (e) {
        if (thrown) throw thrown;
        // Nothing was stored: back to what is stored (or was in memory), the batch runs again;
        // storage that keeps failing leaves the profile in memory for this page.
        if (out) {
          this._rt.reload(base ? base.state : before);
          this._gen = base ? base.gen : gen;
        }
        this._storageFailed(e);
        this._pending.unshift(...items);
        requeued = true;
        if (++this._failures >= 2) this._memOnly = true;
        queueMicrotask(() => this._flush());
        return;
      }
      // Stored: the outbox keys read are done with; this tab's too once nothing is pending.
      for (const it of items) this._live.delete(it);
      const drop = box.keys.concat(this._live.size || this._pending.length ? [] : this._boxes.splice(0));
      try {
        for (const k of drop) this._store._ls.removeItem(k);
      } catch (e) {
        /* the next batch removes them */
      }
      if (this._gen !== gen) {
        this._post({ t: 'sync', gen: this._gen });
        if (this._legacy) {
          this._legacy = false;
          this._store.remove('state');
          this._store.remove('gen');
        }
      }
      this._after(out, remote);
    } finally {
      for (const it of items) this._live.delete(it);
      if (!requeued) for (const it of items) it.done();
    }
  }

  /**
   * In the transaction: other pages' outbox keys (`trailmark:<ns>:outbox:<tabId>.<n>`) and their
   * touchpoints not in `done` (added), once each, oldest first. Corrupt ones are dropped.
   */
  _outbox(done, peek) {
    const keys = [];
    const list = [];
    const pre = storageKey(this._ns, 'outbox:');
    try {
      const ls = this._store._ls;
      for (let i = 0; i < ls.length; i++) {
        const k = ls.key(i);
        if (!k || !k.startsWith(pre) || k.startsWith(pre + this._tabId + '.')) continue;
        const raw = ls.getItem(k);
        let v;
        try {
          v = JSON.parse(raw);
        } catch (e) {
          /* corrupt */
        }
        keys.push(k);
        if (!Array.isArray(v)) v = [null];
        for (const t of v) {
          if (!t || typeof t.id !== 'string' || typeof t.name !== 'string' || typeof t.at !== 'number') {
            if (!peek) this._report(new TrailmarkError('storage/corrupt', 'a stored outbox entry is not a touchpoint; dropped'));
          } else if (!done.has(t.id)) {
            done.add(t.id);
            list.push(Object.assign(t, { kind: 'track' }));
          }
        }
      }
    } catch (e) {
      /* storage failing: the rest waits for a later batch */
    }
    list.sort((a, b) => a.at - b.at);
    return { keys, list };
  }

  /**
   * The page goes or is hidden: what is pending or in flight is copied (synchronously) to an
   * outbox key, as its transaction may never commit; what is pending gets its transaction now.
   */
  _hide() {
    this._exp?.hide();
    let boxed;
    try {
      const tps = [...this._live, ...this._pending].flatMap((it) => {
        try {
          return it.id ? [JSON.stringify(touchpoint(it))] : [];
        } catch (e) {
          return []; // props that are not JSON
        }
      });
      const v = '[' + tps + ']';
      if (tps.length && v !== this._boxed && this._dbp && this._store._durable && !this._memOnly) {
        const k = storageKey(this._ns, 'outbox:' + this._tabId + '.' + ++this._seq);
        this._store._ls.setItem(k, v);
        this._boxed = v;
        this._boxes.push(k);
      }
      boxed = v === this._boxed;
    } catch (e) {
      this._storageFailed(e); // no outbox: what is in flight may still be stored
    }
    // A touchpoint waiting for the source tables stays in the outbox (the next page loads them
    // first) rather than being stored now with the subset's guess.
    if (this._pending.length && !(boxed && this._pending.some((it) => this._needsSources(it)))) this._batch(true).catch((e) => this._fail(e));
  }

  // ---- source tables ----------------------------------------------------------------------------

  /** Whether ingesting `it` needs the full channel source tables, not yet loaded or failed. */
  _needsSources(it) {
    const rt = this._rt;
    return !this._srcDone && it.kind === 'track' && typeof it.url === 'string' && typeof rt.needsSources === 'function' && rt.needsSources(it.name, it.url, it.referrer);
  }

  /**
   * Fetches the full source tables (`pkg/trailmark_sources.txt`, beside the wasm) once per page
   * and loads them into the engine. If that fails, touchpoints are classified with the subset
   * the wasm carries (an unknown referrer is then a Referral) and one error is reported.
   */
  _sources() {
    return (this._srcP = this._srcP || (async () => {
      // Loaded or not, they are not asked for again in this page.
      let bytes;
      try {
        bytes = new Uint8Array(await (await fetchOk(this._srcUrl)).arrayBuffer());
      } catch (e) {
        this._srcDone = true;
        return this._report(new TrailmarkError('sources/fetch', 'cannot fetch the referrer source tables ' + this._srcUrl + ' (' + (e?.message || e) + '); unknown referrers count as referrals'));
      }
      try {
        this._rt?.loadSources(bytes);
      } catch (e) {
        const err = toError(e);
        if (err.code === 'wasm/trap') throw e;
        this._report(new TrailmarkError('sources/invalid', err.message + ' (' + this._srcUrl + '); unknown referrers count as referrals'));
      } finally {
        this._srcDone = true;
      }
    })());
  }

  /** Ingests a batch into the engine (memory); returns `{effects, persist}`. */
  _apply(items) {
    const rt = this._rt;
    const effects = [];
    const names = [];
    let persist = this._seed();
    for (const it of items) {
      let r;
      if (it.kind === 'sync' || it.kind === 'save') continue;
      if (it.kind === 'retention') {
        persist = rt.applyRetention(Date.now()) || persist;
        continue;
      }
      if (it.kind === 'tick') r = rt.tick(Date.now());
      else {
        try {
          r = rt.ingest(it.name, it.props, it.url, it.referrer, it.at);
        } catch (e) {
          // Properties the engine refuses, or whose getter throws as it reads them, cost this
          // touchpoint alone; only a trap ends the engine.
          const err = toError(e, 'input/invalid');
          if (err.code === 'wasm/trap') throw e;
          this._report(new TrailmarkError(err.code, it.name + ': ' + err.message));
          continue;
        }
      }
      persist = persist || r.persist || r.effects.length > 0;
      effects.push(...r.effects);
      if (it.kind === 'track') names.push(it.name);
    }
    return { effects, persist, n: items.length, names };
  }

  /** After a batch is stored: events, decisions, slots, the next deadline. */
  _after(out, remote) {
    for (const [type, detail] of remote || []) this._emit(type, detail);
    for (const fx of out.effects) {
      const type = fx.type === 'stage_changed' ? 'stage' : fx.type === 'journey_changed' ? 'journey' : 'session';
      this._emit(type, fx);
    }
    if (out.n || remote) this._decideAndRender();
    if (this._promptsOn && out.n) this._promptsAfter(out);
    if (this._rec && (out.n || remote)) this._rec.refresh();
    this._arm();
    this._debugRefresh?.();
  }

  _openDb() {
    if (!this._dbp) {
      this._dbp = globalThis.indexedDB
        ? openProfiles((e) => this._storageFailed(e))
        : (this._storageFailed(new Error('IndexedDB is not available')), Promise.resolve(null));
    }
    return this._dbp;
  }

  _storageFailed(e) {
    this._report(new TrailmarkError(e?.name === 'QuotaExceededError' ? 'storage/full' : 'storage/unavailable',
      'storage failed (' + (e?.message || e) + '); the profile is kept in memory'));
  }

  /**
   * Inside the transaction: takes the profile another tab stored since this tab last read or
   * wrote it (none stored while we had one: another tab forgot the visitor). Returns the
   * `[event, detail]`s to re-emit with `remote: true`, or null when nothing changed. A `save`
   * item (storage consent given again) keeps this tab's profile instead.
   */
  _sync(rec, items) {
    const gen = rec ? rec.gen : null;
    if (gen === this._gen || items.some((i) => i.kind === 'save')) return null;
    const before = this._summary();
    if (rec) {
      let err;
      try {
        err = this._rt.reload(rec.state);
      } catch (e) {
        if (toError(e).code === 'wasm/trap') throw e;
        err = String(e);
      }
      if (err) this._report(new TrailmarkError('storage/corrupt', 'the stored profile could not be read (' + err + '); keeping this tab\'s'));
    } else this._rt.forget();
    this._gen = gen;
    this._traits = this._json('traits') || {};
    // Re-emit what changed, so listeners in every tab hear about every touchpoint's effects.
    const after = this._summary();
    const events = [];
    if (after.stage.stage !== before.stage.stage) {
      events.push(['stage', { type: 'stage_changed', from: before.stage.stage, to: after.stage.stage, probability: after.stage.probability, remote: true }]);
    }
    for (const id in after.journeys) {
      const a = after.journeys[id];
      const b = before.journeys[id] || {};
      if (a.status !== b.status || a.step !== b.step) {
        events.push(['journey', { type: 'journey_changed', journey: id, status: a.status, step: a.step, remote: true }]);
      }
    }
    return events;
  }

  _summary() {
    const stages = this._rt.stage(Date.now()) || [];
    const top = stages.reduce((a, s) => (s.probability > a.probability ? s : a), { probability: -1 });
    return { stage: top, journeys: this._rt.journey() || {} };
  }

  /** Sets one timer for the engine's next deadline (an abandoned checkout is known live). */
  _arm() {
    clearTimeout(this._timer);
    const d = this._rt?.nextDeadline();
    if (d === undefined || d === null) return;
    const ms = Math.min(Math.max(d - Date.now(), 0) + 20, 0x7fffffff);
    this._timer = setTimeout(() => this._enqueue({ kind: 'tick' }), ms);
  }

  // ---- tabs -----------------------------------------------------------------------------------

  _listenTabs(g) {
    const onMessage = (m) => {
      if (this.failed || !m) return;
      try {
        if (m.t === 'forget') {
          // sessionStorage is each tab's own: the tab that forgot cannot reach this one's.
          eraseAll(webStorage('sessionStorage', g));
          this._forgetHere();
        } else if (m.t === 'consent') this._remoteChoice(m.choice);
        else this._enqueue({ kind: 'sync' });
      } catch (e) {
        this._fail(e);
      }
    };
    // Without BroadcastChannel a tab still takes the others' touchpoints on its next batch.
    if (typeof g.BroadcastChannel === 'function') {
      this._bc = new g.BroadcastChannel('trailmark:' + this._ns);
      this._bc.onmessage = (e) => onMessage(e.data);
    }
  }

  _post(m) {
    try {
      this._bc?.postMessage(m);
    } catch (e) {
      /* a closed channel: the other tabs still see the generation on their next batch */
    }
  }

  // ---- decisions and slots --------------------------------------------------------------------

  _pageContext() {
    const w = globalThis;
    const d = new Date();
    return { url: w.location.href, path: w.location.pathname, device: device(w.innerWidth || 1024), hour: d.getHours(), weekday: d.getDay(), consent: this._purposes };
  }

  /** Gives a profile without one its experiment seed (a random id, persisted with it). */
  _seed() {
    const rt = this._rt;
    if (!rt || typeof rt.needsSeed !== 'function' || !rt.needsSeed()) return false;
    const r = random();
    return rt.seed((r[0] & 0x1fffff) * 4294967296 + r[1] || 1);
  }

  _promptUi() {
    return (this._promptsJs = this._promptsJs || import('./prompts.js'));
  }

  /** After a batch: the page view, each touchpoint and each abandoned journey may show a prompt (prompts.js). */
  _promptsAfter(out) {
    const first = !this._pv.prompted;
    this._pv.prompted = true;
    this._promptUi().then((m) => m.afterBatch(this, out, first));
  }

  /** `prompt(trigger)`: asks the engine for a prompt and shows it (prompts.js `ask`). */
  _prompt(trigger) {
    if (typeof trigger !== 'string' || !trigger) throw new TrailmarkError('input/invalid', 'prompt(trigger): trigger must be a string such as "exit_intent"');
    return this._promptUi().then((m) => m.ask(this, trigger));
  }

  /** A TCF CMP is still deciding and the visitor has not chosen: nothing personalised yet. */
  _undecided() {
    return this._signals.tcf === PENDING && typeof this._choice.personalization !== 'boolean';
  }

  /** Whether personalised content may read the profile now (a CMP still deciding counts as no). */
  _mayPersonalize() {
    return !this._undecided() && this._purposes.personalization !== false;
  }

  _decideAndRender() {
    const rt = this._rt;
    if (!rt || typeof rt.decide !== 'function') return;
    this._rendered = true;
    // While a CMP decides, slots keep what the head loader showed (a plan stored when consent
    // allowed it) and nothing new is decided or stored.
    if (this._undecided()) return;
    this._seed();
    // Without personalization consent every slot keeps its default content.
    const [now, page] = [Date.now(), this._pageContext()];
    const decisions = this._purposes.personalization === false ? [] : rt.decide(now, page) || [];
    this._xm?.slots(rt, this._config.decide, decisions, now, page);
    const before = {};
    for (const d of this._decisions) before[d.slot] = d.variant;
    const first = !this._decisions.length;
    this._decisions = decisions;
    const facts = this._facts();
    this._write('plan', JSON.stringify(planOf(decisions)));
    this._write('facts', JSON.stringify(facts));
    if (this._doc && this._purposes.personalization === false) restoreAll(this._doc);
    if (this._doc) render(this._doc, decisions, facts, this._swapped);
    for (const d of decisions) if (first || before[d.slot] !== d.variant) this._emit('decision', d);
    // Experiments on slots in this page: one exposure per experiment per session (the engine
    // remembers it).
    this._xm?.expose(this, decisions);
  }

  _write(k, v) {
    if (this._store.read(k) !== v) this._store.write(k, v);
  }

  /** The profile facts `data-tm-text="..."` elements can show. */
  _facts() {
    const now = Date.now();
    const l = this._rt.lifecycle(now) || {};
    const stages = this._rt.stage(now) || [];
    const top = stages.find((s) => s.stage === l.top_stage);
    const cart = l.cart || {};
    const f = {
      visits: l.visits,
      orders: l.orders,
      revenue: round2(l.revenue),
      days_since_last_visit: l.days_since_last_visit,
      cart_items: (cart.items || []).reduce((n, i) => n + (i.quantity || 1), 0),
      cart_value: round2(cart.value),
      top_stage: top ? top.label : l.top_stage,
      channel: l.channel?.last?.group,
      first_channel: l.channel?.first?.group,
      interest: l.interests?.[0]?.category,
      name: this._traits.first_name || this._traits.name,
    };
    for (const k in f) if (f[k] === undefined || f[k] === null) delete f[k];
    return f;
  }

  // ---- page views -----------------------------------------------------------------------------

  _pageView(props, referrer, at, href) {
    const url = new URL(href || globalThis.location.href);
    this._pv = pageView(url.href);
    this._swapped = new WeakSet(); // a new page view may swap each slot once again
    const p = Object.assign({ path: url.pathname, title: this._doc.title }, props);
    const done = this._enqueue({ kind: 'track', name: 'Page Viewed', props: p, url: url.href, referrer, at: at || this._now() });
    if (this._cap?.products) {
      for (const [name, pp] of pageProducts(this._doc)) this._enqueue({ kind: 'track', name, props: pp, url: url.href, at: this._now() });
    }
    this._onPage?.();
    return done;
  }

  /** Called by capture after history changes: a page view when the URL really changed. */
  _navigated(url) {
    if (this.failed || url === this._pv.url) return;
    this._pageView({}, this._pv.url, undefined, url);
  }

  /** Called by capture for automatic touchpoints. */
  _capture(name, props) {
    if (!this.failed) this._track(name, props);
  }

  // ---- public API (wrapped in the constructor) --------------------------------------------------

  _track(name, props) {
    if (typeof name !== 'string' || !name.trim()) throw new TrailmarkError('input/invalid', 'track(name, props): name must be a non-empty string');
    if (props !== undefined && props !== null && !isObject(props)) throw new TrailmarkError('input/invalid', 'track("' + name + '", props): props must be an object');
    return this._enqueue({ kind: 'track', name, props: props || undefined, url: globalThis.location.href, at: this._now() });
  }

  _page(props) {
    if (props !== undefined && props !== null && !isObject(props)) throw new TrailmarkError('input/invalid', 'page(props): props must be an object');
    const ref = this._pv.url || this._doc.referrer || undefined;
    return this._pageView(props || {}, ref === globalThis.location.href ? undefined : ref);
  }

  _identify(id, traits) {
    if (isObject(id)) (traits = id), (id = undefined);
    const next = Object.assign({}, this._traits, isObject(traits) ? traits : {});
    if (id !== undefined && id !== null) next.user_id = String(id);
    this._traits = next;
    this._store.write('traits', JSON.stringify(next));
  }

  _stage() {
    return this._rt.stage(Date.now());
  }

  _journey() {
    return this._rt.journey();
  }

  _lifecycle() {
    return this._rt.lifecycle(Date.now());
  }

  _decide() {
    return this._decisions.slice();
  }

  _explain(id) {
    const d = this._decisions.find((x) => x.slot === id);
    if (d) return Object.assign({ variant: d.variant, experiment: d.experiment }, d.explanation);
    const p = this._shown[id];
    return p ? Object.assign({ prompt: p.prompt, template: p.template, experiment: p.experiment }, p.explanation) : null;
  }

  _on(type, cb) {
    if (!EVENTS.includes(type)) throw new TrailmarkError('input/invalid', 'on(event): event must be one of ' + EVENTS.join(', '));
    if (typeof cb !== 'function') throw new TrailmarkError('input/invalid', 'on("' + type + '", cb): cb must be a function');
    (this._listeners[type] = this._listeners[type] || []).push(cb);
    if (type === 'error' && this.failed) queueMicrotask(() => cb(this.failed));
    return () => {
      const l = this._listeners[type];
      const i = l.indexOf(cb);
      if (i >= 0) l.splice(i, 1);
    };
  }

  _consent(purposes) {
    if (purposes !== undefined) {
      if (!isObject(purposes)) throw new TrailmarkError('input/invalid', 'consent(purposes): purposes must be an object of booleans');
      this._choose(purposes);
      this._saveChoice();
      this._applyPurposes();
      // The other tabs apply it now: a withdrawal stops their exporters and drops their queues.
      this._post({ t: 'consent', choice: this._choice });
    }
    return Object.assign({}, this._purposes);
  }

  /** Another tab's visitor changed their choice: it is this tab's choice too, in force at once. */
  _remoteChoice(choice) {
    this._choice = {};
    if (isObject(choice)) this._choose(choice);
    this._applyPurposes();
  }

  /** Takes the purposes `choice` sets (true or false) into the visitor's choice. */
  _choose(choice) {
    for (const k in choice) if (typeof choice[k] === 'boolean') this._choice[k] = choice[k];
  }

  /**
   * Stores the visitor's choice. Remembering it is strictly necessary, so it is stored whatever
   * it says (except in a cross-site frame, which stores nothing).
   */
  _saveChoice() {
    const s = this._store;
    const was = s._persist;
    s._persist = !(this._frame && !this._priv.iframe_storage);
    s.write('consent', JSON.stringify(this._choice));
    s._persist = was;
  }

  /** A CMP signal changed (`tcf` or `gcm`, consent.js). */
  _signal(kind, value) {
    const held = this._signals.tcf === PENDING;
    this._signals[kind] = value;
    if (!this._consentReady || this.failed) return;
    this._applyPurposes();
    // Slots were held while the CMP decided: decide now, whatever it decided. `_rendered`, not
    // `ready`: an answer between the first render pass and `ready` must not be missed.
    if (held && value !== PENDING && kind === 'tcf' && this._rendered) this._decideAndRender();
  }

  _resolve() {
    return resolvePurposes({ defaults: this._defaults, choice: this._choice, tcf: this._signals.tcf, gcm: this._signals.gcm, privacy: this._priv, gpc: this._gpc, frame: this._frame });
  }

  /**
   * Puts the purposes in force: storage consent withdrawn erases this namespace's stored data
   * (every `trailmark:<ns>:` key but the choice, and the IndexedDB profile) and runs in memory;
   * given again, the profile is stored again; measurement withdrawn drops the export queue at
   * once; personalization withdrawn restores default content.
   */
  _applyPurposes() {
    const before = this._purposes;
    const now = (this._purposes = this._resolve());
    const s = this._store;
    const was = s._persist;
    s._persist = now.functional !== false;
    if (!s._persist) {
      // A CMP still deciding neither stores nor erases; a decision against storage erases.
      if (this._signals.tcf !== PENDING && !this._wiped) this._wipe();
    } else {
      this._wiped = false;
    }
    if (s._persist && !was && this._rt) {
      // After a memory-only start (a CMP answering late) the stored traits are the visitor's,
      // with this page's identify() on top, not to be written over.
      if (!this._readStored) this._traits = Object.assign({}, this._json('traits'), this._traits);
      s.write('traits', JSON.stringify(this._traits));
      if (this._readStored) this._enqueue({ kind: 'save' }); // this page's profile is the visitor's
      else {
        // Storage allowed after the page started memory only (a CMP answering late): the next
        // batch takes the stored profile, then this page's touchpoints are added to it.
        this._readStored = true;
        this._rt.forget();
        this._gen = null;
        const log = this._memLog.splice(0).filter((it) => !this._pending.includes(it)).map((it) => ({ kind: 'track', ...touchpoint(it) }));
        for (const it of log) this._enqueue(it);
        if (!log.length) this._enqueue({ kind: 'sync' });
      }
    }
    if (before.personalization !== now.personalization && this._rt) {
      this._swapped = new WeakSet(); // the slots may change once more in this page view
      if (this.ready) this._decideAndRender();
      this._rec?.refresh();
    }
    this._exportSwitch();
  }

  /**
   * Erases what this namespace stored (every `trailmark:<ns>:` key but the choice, whatever
   * feature wrote it, and the profile record), after the batch in flight, which may still store.
   */
  _wipe() {
    const s = this._store;
    this._wiped = true;
    for (const k of s._mem.keys()) if (k !== 'consent') s._mem.delete(k);
    const pre = storageKey(this._ns, '');
    eraseAll(s._ls, pre, ['consent']);
    eraseAll(webStorage('sessionStorage'), pre);
    this._boxes.length = 0;
    // The export queue is stored data too: kept in memory by a running exporter, else dropped.
    if (this._exp) this._exp.memoryOnly().catch((e) => this._storageFailed(e));
    else if (this._priv.export) clearExportQueue(this._ns);
    this._chain = (this._chain || Promise.resolve()).then(async () => {
      // Only a database that exists is opened (opening would create one).
      const idb = s._ls && globalThis.indexedDB;
      const there = this._dbp || (idb && typeof idb.databases === 'function' && (await idb.databases()).some((d) => d.name === 'trailmark'));
      const db = there ? await this._openDb() : null;
      if (db) await updateProfile(db, this._ns, () => null);
      this._gen = null;
    }).catch((e) => this._storageFailed(e));
  }

  /** Starts the exporter (lazily loaded) when export is configured and allowed; stops it and drops its queue when not. */
  _exportSwitch() {
    const on = !!(this._priv.export) && this._purposes.measurement === true && !this.failed;
    if (on && !this._exp && !this._expWait) {
      this._expWait = this._held.splice(0);
      import('./exporter.js').then((m) => {
        const wait = this._expWait;
        this._expWait = null;
        if (!wait || this.failed) return;
        this._exp = new m.Exporter(this, this._priv.export);
        for (const it of wait) this._exp.add(it);
      }).catch((e) => {
        this._expWait = null;
        this._report(new TrailmarkError('export/load', 'the exporter could not be loaded: ' + (e?.message || e)));
      });
    } else if (!on) {
      this._expWait = null;
      if (this._signals.tcf !== PENDING) this._held.length = 0;
      this._exp?.clear(true);
      this._exp = null;
      // A queue an earlier page left (e.g. consent withdrawn before the exporter loaded).
      // Not while a CMP decides: its grant sends that queue, its refusal drops it.
      if (this._priv.export && this._rt && this._signals.tcf !== PENDING) clearExportQueue(this._ns);
    }
  }

  _export() {
    const purposes = {};
    for (const p of PURPOSES) purposes[p] = this._purposes[p];
    return Object.assign(this._rt.export(Date.now()), {
      traits: this._traits,
      consent: Object.assign({}, this._purposes),
      privacy: {
        purposes,
        choice: Object.assign({}, this._choice),
        tcf: this._signals.tcf === undefined ? 'absent' : this._signals.tcf === 'pending' ? 'pending' : this._signals.tcf.applies === false ? 'not_applicable' : 'decided',
        consent_mode: this._signals.gcm ? 'present' : 'absent',
        global_privacy_control: this._gpc,
        cross_site_frame: this._frame,
        storage: this._store._durable ? 'browser' : 'memory',
        export: this._priv.export ? { url: this._priv.export.url, active: !!(this._exp || this._expWait) } : null,
      },
    });
  }

  async _forget() {
    const erase = async ({ clearDatabases }) => {
      const exp = this._exp;
      if (exp) await exp.clear(false);
      eraseAll(webStorage());
      eraseAll(webStorage('sessionStorage'));
      const db = globalThis.indexedDB ? await (this._dbp || openProfiles(() => {})) : null;
      await clearDatabases(globalThis, [db, exp && (await exp.db)]);
      this._forgetHere();
      // The consent choice is not data about the visitor: it stays, so a refusal is not undone.
      if (Object.keys(this._choice).length) this._saveChoice();
      this._post({ t: 'forget' });
    };
    // If forget.js cannot be fetched (offline), forget() must still erase: the profiles through
    // the open connection and this site's export queue, which is every database Trailmark has
    // today; only databases it does not know by name would be left, so that is reported.
    const fallback = (e) => {
      this._report(new TrailmarkError('forget/fallback', 'cannot load forget.js (' + (e?.message || e) + '): erased the profiles and export queue without it, not other trailmark-* databases'));
      const clearDatabases = async (g, [db]) => {
        if (db) await clearProfiles(db);
        await clearExportQueue(this._ns);
      };
      return { clearDatabases };
    };
    // After the batch in flight, so that it cannot store the profile again afterwards. The code
    // only forget() needs (forget.js) is loaded in the queue, so what follows still waits for it.
    await (this._chain = (this._chain || Promise.resolve()).catch(() => {}).then(() => import('./forget.js').catch(fallback)).then(erase));
  }

  _forgetHere() {
    this._shown = {};
    // Touchpoints waiting for the exporter to load, for a CMP's answer or for storage consent
    // are the forgotten visitor's: none may be exported or stored afterwards.
    this._held.length = 0;
    if (this._expWait) this._expWait.length = 0;
    this._memLog.length = 0;
    this._promptsJs?.then((m) => m.closeAll());
    for (const it of this._pending.splice(0)) it.done();
    this._exp?.clear(false);
    if (this._store) this._store._mem.clear();
    this._boxes.length = 0;
    this._rt?.forget();
    this._gen = null;
    this._traits = {};
    this._decisions = [];
    if (this._doc) restoreAll(this._doc);
    this._rec?.refresh();
  }

  /** The lazily loaded recommendations (js/recommend.js), started once. */
  _recs() {
    return (this._rp = this._rp || import('./recommend.js').then((m) => m.start(this, this._recCfg)).then((r) => (this._rec = r)));
  }

  _recommend(opts) {
    return this._recs().then((r) => r.recommend(opts));
  }

  _privacyPanel() {
    return import('./privacy-panel.js').then((m) => m.openPrivacyPanel(this));
  }

  _debug() {
    return import('./debug.js').then((m) => m.openDebug(this));
  }
}
