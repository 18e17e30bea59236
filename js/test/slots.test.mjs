import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planOf } from '../slots.js';

test('plan of decisions: slots with a variant', () => {
  assert.deepEqual(planOf([{ slot: 'hero', variant: 'loyalty' }, { slot: 'nudge', variant: null }]), { hero: 'loyalty' });
});
