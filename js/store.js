// Storage for one namespace. The profile (engine state and its generation) is one IndexedDB record
// per namespace, read, updated and written in one readwrite transaction, so tabs cannot overwrite
// each other's touchpoints (localStorage cannot do that: in Chromium each renderer process reads
// a cached copy that other tabs' writes reach asynchronously, Web Lock or not). Small values the
// head loader reads synchronously (plan, facts) and settings (traits, consent) are
// `trailmark:<ns>:<key>` in localStorage when it works, memory when it throws, is full, or storage
// consent is missing. A key whose read failed is never written, so unreadable data is never
// replaced by fresh data.

export const PREFIX = 'trailmark:';
export const storageKey = (ns, k) => PREFIX + ns + ':' + k;

/** base64 (the compiled config's engine, a profile an earlier version stored) to bytes; throws on malformed input. */
export function fromBase64(text) {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/**
 * The page's localStorage (or `kind`: sessionStorage), or null when reading it throws (blocked
 * cookies, sandboxed frame).
 */
export function webStorage(kind = 'localStorage', g = globalThis) {
  try {
    const s = g[kind];
    s.getItem(PREFIX);
    return s;
  } catch (e) {
    return null;
  }
}

/**
 * Erases the keys of a Storage (or null) that start with `pre` except `pre + k` for each `k` in
 * `keep`: by default every `trailmark:` key (all namespaces); with `storageKey(ns, '')` namespace
 * `ns`'s, whatever their names (keys other features add are covered). Never throws.
 */
export function eraseAll(storage, pre = PREFIX, keep = []) {
  try {
    for (let i = storage.length - 1; i >= 0; i--) {
      const k = storage.key(i);
      if (k && k.startsWith(pre) && !keep.includes(k.slice(pre.length))) storage.removeItem(k);
    }
  } catch (e) {
    /* storage unavailable: nothing of ours can be in it */
  }
}

/** Drops namespace `ns`'s events from the export queue an earlier page left, if there is one. */
export async function clearExportQueue(ns, g = globalThis) {
  const idb = g.indexedDB;
  try {
    if (!idb || !(await idb.databases()).some((d) => d.name === DB + '-export')) return;
    const r = idb.open(DB + '-export');
    r.onsuccess = () => {
      const db = r.result;
      try {
        const tx = db.transaction('events', 'readwrite');
        tx.objectStore('events').delete(IDBKeyRange.bound(ns + '|', ns + '|\uffff'));
        tx.oncomplete = tx.onabort = () => db.close();
      } catch (e) {
        db.close();
      }
    };
  } catch (e) {
    /* no queue to drop */
  }
}

export class Store {
  /**
   * @param ns namespace
   * @param ls a Storage or null (memory only)
   * @param fail called with the thrown error when storage misbehaves
   */
  constructor(ns, ls, fail) {
    this._ns = ns;
    this._ls = ls;
    this._onFail = fail;
    this._persist = true; // false without storage consent: memory only
    this._mem = new Map();
    this._unreadable = new Set();
  }

  get _durable() {
    return !!this._ls && this._persist;
  }

  read(k) {
    if (this._durable && !this._unreadable.has(k)) {
      try {
        return this._ls.getItem(storageKey(this._ns, k));
      } catch (e) {
        this._unreadable.add(k);
        this._onFail(e);
      }
    }
    return this._mem.has(k) ? this._mem.get(k) : null;
  }

  /** Returns true when the value reached durable storage. */
  write(k, v) {
    this._mem.set(k, v);
    if (!this._durable || this._unreadable.has(k)) return false;
    try {
      this._ls.setItem(storageKey(this._ns, k), v);
      return true;
    } catch (e) {
      this._onFail(e); // quota: the value lives on in memory
      return false;
    }
  }

  remove(k) {
    this._mem.delete(k);
    if (!this._durable) return;
    try {
      this._ls.removeItem(storageKey(this._ns, k));
    } catch (e) {
      this._onFail(e);
    }
  }
}

const DB = 'trailmark';
const PROFILES = 'profiles';

/** Opens the profile database; resolves to null (and calls `fail`) when IndexedDB is unusable. */
export function openProfiles(fail, g = globalThis) {
  return new Promise((resolve) => {
    const no = (e) => {
      fail(e || new Error('IndexedDB could not be opened'));
      resolve(null);
    };
    try {
      const req = g.indexedDB.open(DB, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(PROFILES);
      req.onsuccess = () => {
        const db = req.result;
        db.onversionchange = () => db.close();
        resolve(db);
      };
      req.onerror = () => no(req.error);
      req.onblocked = () => no();
    } catch (e) {
      no(e);
    }
  });
}

/**
 * One atomic read-modify-write of namespace `ns`'s record `{gen, state}` (or undefined). `fn`
 * runs synchronously inside the transaction and returns the record to store, `null` to delete
 * it, or undefined to leave it. Resolves with what `fn` returned once committed; rejects with
 * `fn`'s exception or the transaction's error (nothing is then written).
 */
export function updateProfile(db, ns, fn) {
  return new Promise((resolve, reject) => {
    let out;
    let thrown;
    const tx = db.transaction(PROFILES, 'readwrite');
    const os = tx.objectStore(PROFILES);
    const get = os.get(ns);
    get.onsuccess = () => {
      try {
        out = fn(get.result);
        if (out === null) os.delete(ns);
        else if (out !== undefined) os.put(out, ns);
      } catch (e) {
        thrown = { e };
        tx.abort();
      }
    };
    tx.oncomplete = () => resolve(out);
    tx.onabort = tx.onerror = (ev) => {
      ev?.preventDefault?.();
      reject(thrown ? thrown.e : tx.error || new Error('the profile transaction was aborted'));
    };
  });
}

/** Deletes every namespace's profile. */
export function clearProfiles(db) {
  return new Promise((resolve) => {
    const tx = db.transaction(PROFILES, 'readwrite');
    tx.objectStore(PROFILES).clear();
    tx.oncomplete = tx.onabort = () => resolve();
  });
}
