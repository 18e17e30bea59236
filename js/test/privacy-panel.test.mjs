// The privacy panel's words (js/privacy-panel.js `describe`), from an export: the stage,
// interests, recent touchpoints, and where the data is kept and whether anything leaves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describe } from '../privacy-panel.js';

const NOW = Date.parse('2026-03-01T12:00:00Z');

test('the panel says what is known in plain words', () => {
  const data = {
    lifecycle: { visits: 3, orders: 1, interests: [{ category: 'Tents' }, { category: 'Stoves' }] },
    stages: [
      { stage: 'research', label: 'Research', probability: 0.2 },
      { stage: 'consideration', label: 'Consideration', probability: 0.7 },
    ],
    touchpoints: [
      { event: 'Page Viewed', path: '/', at: NOW - 3 * 3600000 },
      { event: 'Product Viewed', path: '/p/tent', at: NOW - 5 * 60000 },
    ],
    privacy: { storage: 'browser', export: null },
  };
  const s = Object.fromEntries(describe(data, NOW));
  assert.deepEqual(s['Your journey'], ['This site guesses you are most likely at the "Consideration" stage (70% sure).', '3 visits, 1 order(s) recorded.']);
  assert.deepEqual(s['Your interests'], ['Tents', 'Stoves']);
  assert.deepEqual(s['What you did recently'], ['Product Viewed on /p/tent, 5 min ago', 'Page Viewed on /, 3 h ago']);
  assert.match(s['Where it is kept and what leaves'][0], /in this browser only/);
  assert.equal(s['Where it is kept and what leaves'][1], 'Nothing about you is sent anywhere.');
});

test('an empty profile, memory only, with an active export', () => {
  const s = Object.fromEntries(describe({ privacy: { storage: 'memory', export: { url: 'https://c.test/v1/batch', active: true } } }, NOW));
  assert.equal(s['Your journey'][0], 'Nothing recorded yet.');
  assert.deepEqual(s['What you did recently'], ['Nothing recorded.']);
  assert.match(s['Where it is kept and what leaves'][0], /nothing is stored/);
  assert.match(s['Where it is kept and what leaves'][1], /sent to https:\/\/c\.test\/v1\/batch/);
});
