// Helpers for the privacy and export specs: the demo config with `$.privacy` settings, GPC and
// TCF CMP stubs installed before any page script, and what Trailmark keeps in the page's storage.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SHOP_DIR } from './server.mjs';

const DEMO = JSON.parse(readFileSync(join(SHOP_DIR, 'trailmark.json'), 'utf8'));

/** The demo shop's config with `privacy` as its `$.privacy`. */
export function configWith(privacy) {
  return { ...DEMO, privacy };
}

/** Global Privacy Control on, emulated on `Navigator.prototype` before any script runs. */
export const GPC_ON = "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true, configurable: true });";

/**
 * A TCF v2.2 CMP stub (`window.__tcfapi`), installed before any script runs. Every call is
 * recorded in `window.__tcfCalls`. `kind`: `granted` (tcloaded, every purpose), `denied`
 * (useractioncomplete, none), `throwing`, `silent` (never answers), `not-applicable`
 * (gdprApplies false), or `by-url` (`?silent`, `?deny` in the page's URL, else granted).
 */
export function tcfStub(kind) {
  return `(() => {
    const all = {}; for (let i = 1; i <= 11; i++) all[i] = true;
    const data = (eventStatus, consents, gdprApplies = true) => ({ tcString: 'x', tcfPolicyVersion: 5, cmpStatus: 'loaded', gdprApplies, eventStatus, listenerId: 1, purpose: { consents, legitimateInterests: {} }, publisher: { consents: {} } });
    window.__tcfCalls = [];
    window.__tcfapi = (command, version, callback) => {
      window.__tcfCalls.push(command);
      // 'by-url': the page's query string says (?silent, ?deny; else granted).
      const kind = ${JSON.stringify(kind)} !== 'by-url' ? ${JSON.stringify(kind)} : /silent/.test(location.search) ? 'silent' : /deny/.test(location.search) ? 'denied' : 'granted';
      if (kind === 'throwing') throw new Error('CMP exploded');
      if (kind === 'silent') return;
      const answer = kind === 'granted' ? data('tcloaded', all) : kind === 'denied' ? data('useractioncomplete', {}) : data('tcloaded', {}, false);
      setTimeout(() => callback(answer, true), 30);
    };
  })();`;
}

/** Trailmark's keys in localStorage and sessionStorage, and its IndexedDB stores' record counts. */
export function storageState(page) {
  return page.evaluate(async () => {
    const keys = (s) => Object.keys(s).filter((k) => k.startsWith('trailmark:')).sort();
    const idb = {};
    for (const { name } of await indexedDB.databases()) {
      if (!name.startsWith('trailmark')) continue;
      const db = await new Promise((resolve, reject) => {
        const r = indexedDB.open(name);
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      for (const store of db.objectStoreNames) {
        idb[name + '/' + store] = await new Promise((resolve) => {
          const r = db.transaction(store).objectStore(store).count();
          r.onsuccess = () => resolve(r.result);
        });
      }
      db.close();
    }
    return { local: keys(localStorage), session: keys(sessionStorage), idb };
  });
}

/** Polls `fn` until it returns a truthy value (returned) or `timeout` ms pass (then throws `what`). */
export async function until(fn, what, timeout = 10_000) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting for ' + what);
    await new Promise((r) => setTimeout(r, 50));
  }
}
