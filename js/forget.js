// What only `forget()` needs, loaded when it is called (`runtime.js` imports it inside the queue,
// so what is called after forget() still runs after the erasure): emptying every IndexedDB
// database Trailmark owns. It imports nothing: a static import of a module `runtime.js` also
// imports would move that module out of `runtime.js` into a chunk the first load fetches too.

// The profile database's name (store.js's `DB`); the export queue's is `trailmark-export`.
const DB = 'trailmark';

/**
 * Empties every object store of every IndexedDB database Trailmark owns: `trailmark` and any
 * named `trailmark-*` (the export queue, and whatever other features add), so forget() covers
 * stores it does not know by name. Needs `indexedDB.databases()`; without it, the databases in
 * `known` (open connections) are emptied. Resolves when done; never rejects.
 */
export async function clearDatabases(g = globalThis, known = []) {
  const idb = g.indexedDB;
  if (!idb) return;
  let names = [];
  try {
    if (typeof idb.databases === 'function') names = (await idb.databases()).map((d) => d.name);
  } catch (e) {
    /* fall back to the open connections */
  }
  const ours = (n) => n === DB || (typeof n === 'string' && n.startsWith(DB + '-'));
  const clear = (db) =>
    new Promise((resolve) => {
      const stores = [...db.objectStoreNames];
      if (!stores.length) return resolve();
      try {
        const tx = db.transaction(stores, 'readwrite');
        for (const s of stores) tx.objectStore(s).clear();
        tx.oncomplete = tx.onabort = tx.onerror = () => resolve();
      } catch (e) {
        resolve();
      }
    });
  const open = (name) =>
    new Promise((resolve) => {
      try {
        const r = idb.open(name);
        r.onsuccess = () => resolve(r.result);
        r.onerror = r.onblocked = () => resolve(null);
      } catch (e) {
        resolve(null);
      }
    });
  const done = new Set();
  for (const db of known) {
    if (db && ours(db.name)) {
      done.add(db.name);
      await clear(db);
    }
  }
  for (const name of names) {
    if (!ours(name) || done.has(name)) continue;
    const db = await open(name);
    if (db) {
      await clear(db);
      db.close();
    }
  }
}
