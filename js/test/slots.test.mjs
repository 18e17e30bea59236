import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePlan, planOf } from '../slots.js';

test('plan parsing keeps string variants only and never throws', () => {
  assert.deepEqual(parsePlan('{"hero":"loyalty","nudge":null,"x":3,"y":""}'), { hero: 'loyalty' });
  assert.deepEqual(parsePlan('not json'), {});
  assert.deepEqual(parsePlan(null), {});
  assert.deepEqual(parsePlan('[1,2]'), {});
});

test('plan of decisions: slots with a variant', () => {
  assert.deepEqual(planOf([{ slot: 'hero', variant: 'loyalty' }, { slot: 'nudge', variant: null }]), { hero: 'loyalty' });
});
