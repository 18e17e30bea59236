// js/consent.js against tests/cases/consent.json, the rows the Rust reference (src/core/consent.rs,
// tests/consent_cases.rs) answers too: TCF v2.2, Consent Mode v2, GPC and frames map to the
// purposes the same way in both.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { tcfPurposes, consentModeState, consentModePurposes, resolvePurposes, PENDING } from '../consent.js';

const rows = JSON.parse(readFileSync(new URL('../../tests/cases/consent.json', import.meta.url), 'utf8'));

test('consent mapping matches the shared cases', () => {
  const kinds = [0, 0, 0];
  for (const [name, input, expected] of rows) {
    let got;
    if ('tcf_data' in input) {
      kinds[0]++;
      got = tcfPurposes(input.tcf_data);
    } else if ('data_layer' in input) {
      kinds[1]++;
      const state = consentModeState(input.data_layer);
      got = { state, purposes: consentModePurposes(state) };
    } else {
      kinds[2]++;
      const r = input.resolve;
      got = resolvePurposes({ ...r, tcf: r.tcf === 'pending' ? PENDING : r.tcf === null ? undefined : r.tcf });
    }
    assert.deepEqual(got, expected, name);
  }
  assert.ok(kinds.every((n) => n >= 5), String(kinds));
});
