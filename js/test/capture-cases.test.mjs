// `$.capture` is validated by the config compiler (`src/core/config/capture.rs`), in the browser
// for a JSON source as in `trailmark compile`; `capture.js` only reads what it allowed. The
// language-neutral cases (tests/cases/capture.json, which the native tests read too) through the
// compiler wasm: every problem named by its JSON path, a valid section accepted as it is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { load, skip } from './engine.mjs';

const cases = JSON.parse(readFileSync(new URL('../../tests/cases/capture.json', import.meta.url), 'utf8'));

test('capture cases', { skip }, async () => {
  const { compile } = await load();
  assert.ok(cases.length > 0);
  for (const [name, input, expected] of cases) {
    let paths = [];
    try {
      const doc = compile(input === null ? {} : { capture: input });
      if (input !== null) assert.deepEqual(doc.capture, input, name);
    } catch (e) {
      assert.equal(e.code, 'config/invalid', name);
      paths = e.errors.map((x) => x.path);
    }
    assert.deepEqual(paths.sort(), [...expected].sort(), name);
  }
});
