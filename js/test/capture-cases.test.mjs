// The JS validation of `$.capture` against the language-neutral cases the Rust config reads too
// (tests/cases/capture.json), so the two validators cannot drift apart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readCapture } from '../capture.js';

const cases = JSON.parse(readFileSync(new URL('../../tests/cases/capture.json', import.meta.url), 'utf8'));

test('capture cases', () => {
  assert.ok(cases.length > 0);
  for (const [name, input, expected] of cases) {
    const { errors } = readCapture(input);
    assert.deepEqual(errors.map((e) => e.path).sort(), [...expected].sort(), name);
  }
});
