// Storage for one namespace: every `trailmark:<ns>:<key>` goes through here. localStorage when it
// works, memory when it throws, is full, or storage consent is missing. A key whose read failed
// is never written, so an unreadable profile is never replaced by a fresh one.

export const PREFIX = 'trailmark:';
export const storageKey = (ns, k) => PREFIX + ns + ':' + k;

/** Bytes to base64 (chunked: spreading a large array into fromCharCode overflows the stack). */
export function toBase64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

/** base64 to bytes; throws on malformed input. */
export function fromBase64(text) {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** The page's localStorage, or null when reading it throws (blocked cookies, sandboxed frame). */
export function localStore(g = globalThis) {
  try {
    const ls = g.localStorage;
    ls.getItem(PREFIX);
    return ls;
  } catch (e) {
    return null;
  }
}

/** Erases every `trailmark:` key of a Storage (all namespaces). Never throws. */
export function eraseAll(storage) {
  try {
    for (let i = storage.length - 1; i >= 0; i--) {
      const k = storage.key(i);
      if (k && k.startsWith(PREFIX)) storage.removeItem(k);
    }
  } catch (e) {
    /* storage unavailable: nothing of ours can be in it */
  }
}

export class Store {
  /**
   * @param ns namespace
   * @param ls a Storage or null (memory only)
   * @param fail called with the thrown error when storage misbehaves
   */
  constructor(ns, ls, fail) {
    this.ns = ns;
    this.ls = ls;
    this.fail = fail;
    this.persist = true; // false without storage consent: memory only
    this.mem = new Map();
    this.unreadable = new Set();
  }

  get durable() {
    return !!this.ls && this.persist;
  }

  read(k) {
    if (this.durable && !this.unreadable.has(k)) {
      try {
        return this.ls.getItem(storageKey(this.ns, k));
      } catch (e) {
        this.unreadable.add(k);
        this.fail(e);
      }
    }
    return this.mem.has(k) ? this.mem.get(k) : null;
  }

  /** Returns true when the value reached durable storage. */
  write(k, v) {
    this.mem.set(k, v);
    if (!this.durable || this.unreadable.has(k)) return false;
    try {
      this.ls.setItem(storageKey(this.ns, k), v);
      return true;
    } catch (e) {
      this.fail(e); // quota: the value lives on in memory
      return false;
    }
  }

  remove(k) {
    this.mem.delete(k);
    if (!this.durable) return;
    try {
      this.ls.removeItem(storageKey(this.ns, k));
    } catch (e) {
      this.fail(e);
    }
  }
}
