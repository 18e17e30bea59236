// A `Trailmark` wired to a fake engine, for the runtime's unit tests: no wasm, no storage
// (memory only), no capture. `extra` sets further private fields.
import { Trailmark } from '../index.js';
import { Store } from '../store.js';

export function instance(engine, extra = {}) {
  const tm = new Trailmark();
  tm._rt = engine;
  tm._ns = 'test';
  tm._store = new Store('test', null, () => {});
  tm._cap = null;
  return Object.assign(tm, extra);
}
