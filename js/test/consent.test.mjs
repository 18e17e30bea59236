// Consent-state mapping (js/consent.js): TCF v2.2 tcData and Google Consent Mode v2 state to
// Trailmark's purposes, how sources combine, GPC and cross-site frames; and the TCF watcher with
// CMP stubs that grant, deny, throw, never answer, do not apply, or appear late.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tcfPurposes, consentModeState, consentModePurposes, resolvePurposes, watchTcf, watchConsentMode, crossSiteFrame, PENDING } from '../consent.js';

const DEFAULTS = { functional: true, personalization: true, measurement: false };
const PRIVACY = { gpc: { export: false, personalization: true }, iframe_storage: false };
const tc = (status, consents, extra = {}) => ({ gdprApplies: true, eventStatus: status, purpose: { consents }, ...extra });
const ALL = { 1: true, 5: true, 6: true, 8: true };

test('TCF: purposes 1 / 5+6 / 1+8 map to functional / personalization / measurement on final events only', () => {
  assert.deepEqual(tcfPurposes(tc('tcloaded', ALL)), { functional: true, personalization: true, measurement: true });
  assert.deepEqual(tcfPurposes(tc('useractioncomplete', { 1: true, 5: true })), { functional: true, personalization: false, measurement: false });
  assert.deepEqual(tcfPurposes(tc('useractioncomplete', { 8: true, 5: true, 6: true })), { functional: false, personalization: true, measurement: false });
  assert.deepEqual(tcfPurposes(tc('tcloaded', {}, { publisher: { consents: { 1: true, 8: true } } })), { functional: true, personalization: false, measurement: true });
  assert.deepEqual(tcfPurposes(tc('tcloaded', { 1: 'yes' })), { functional: false, personalization: false, measurement: false });
  assert.equal(tcfPurposes(tc('cmpuishown', ALL)), null, 'the UI is showing: no decision');
  assert.deepEqual(tcfPurposes({ gdprApplies: false, eventStatus: 'tcloaded' }), { applies: false });
  assert.equal(tcfPurposes(null), null);
  assert.equal(tcfPurposes('x'), null);
});

test('Consent Mode: defaults overridden by updates, region defaults ignored, unset types not granted', () => {
  assert.equal(consentModeState([]), null);
  assert.equal(consentModeState(undefined), null);
  const dl = [
    { event: 'gtm.js' },
    ['consent', 'default', { analytics_storage: 'denied', personalization_storage: 'denied' }],
    ['consent', 'default', { analytics_storage: 'granted', region: ['US-CA'] }],
  ];
  assert.deepEqual(consentModePurposes(consentModeState(dl)), { functional: false, personalization: false, measurement: false });
  dl.push(['consent', 'update', { analytics_storage: 'granted' }]);
  assert.deepEqual(consentModePurposes(consentModeState(dl)), { functional: false, personalization: false, measurement: true });
  // gtag pushes `arguments` objects, not arrays.
  const args = (function () { return arguments; })('consent', 'update', { personalization_storage: 'granted', analytics_storage: 'denied' });
  dl.push(args);
  assert.deepEqual(consentModePurposes(consentModeState(dl)), { functional: true, personalization: true, measurement: false });
  // Only ad types set: Trailmark's purposes stay not granted.
  assert.deepEqual(consentModePurposes(consentModeState([['consent', 'default', { ad_storage: 'granted', ad_user_data: 'granted' }]])), { functional: false, personalization: false, measurement: false });
  assert.equal(consentModePurposes(null), null);
});

test('resolution: the visitor\'s choice, else every CMP signal present, else defaults; then GPC and frames', () => {
  const r = (o) => resolvePurposes({ defaults: DEFAULTS, choice: {}, privacy: PRIVACY, ...o });
  assert.deepEqual(r({}), DEFAULTS, 'no signal: the defaults');
  assert.deepEqual(r({ tcf: PENDING }), { functional: false, personalization: false, measurement: false }, 'a CMP that has not answered');
  assert.deepEqual(r({ tcf: { applies: false } }), DEFAULTS, 'GDPR does not apply: the defaults');
  const granted = { functional: true, personalization: true, measurement: true };
  assert.deepEqual(r({ tcf: granted }), granted);
  assert.deepEqual(r({ tcf: granted, gcm: { functional: true, personalization: false, measurement: true } }), { functional: true, personalization: false, measurement: true }, 'both present: both must grant');
  assert.deepEqual(r({ tcf: granted, choice: { measurement: false, ads: true } }), { functional: true, personalization: true, measurement: false, ads: true }, 'the choice wins and keeps other purposes');
  assert.deepEqual(r({ tcf: granted, gpc: true }), { functional: true, personalization: true, measurement: false }, 'GPC blocks export');
  assert.deepEqual(r({ choice: { measurement: true }, gpc: true }).measurement, false, 'even after an explicit choice');
  assert.equal(r({ tcf: granted, gpc: true, privacy: { gpc: { export: true } } }).measurement, true, 'unless the site configures otherwise');
  assert.equal(r({ gpc: true, privacy: { gpc: { personalization: false } } }).personalization, false);
  assert.equal(r({ frame: true }).functional, false, 'a cross-site frame runs memory only');
  assert.equal(r({ frame: true, privacy: { iframe_storage: true } }).functional, true);
});

test('cross-site frame detection', () => {
  const self = { location: { origin: 'https://a.test' } };
  self.top = self;
  self.self = self;
  assert.equal(crossSiteFrame(self), false);
  const inner = { self: null, location: { origin: 'https://a.test' }, top: { get location() { throw new Error('cross-origin'); } } };
  inner.self = inner;
  assert.equal(crossSiteFrame(inner), true);
  const same = { location: { origin: 'https://a.test' }, top: { location: { origin: 'https://a.test' } } };
  same.self = same;
  assert.equal(crossSiteFrame(same), false);
});

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

test('TCF watcher: granted, denied, throwing, silent, not applicable and late CMPs', async () => {
  const run = async (api, opts) => {
    const seen = [];
    const g = { __tcfapi: api };
    const stop = watchTcf(g, (v) => seen.push(v), opts);
    await tick(30);
    stop();
    return seen;
  };
  const answering = (data) => (cmd, v, cb) => {
    assert.equal(cmd, 'addEventListener', 'only addEventListener, never getTCData');
    assert.equal(v, 2);
    setTimeout(() => cb(data, true));
  };
  assert.deepEqual(await run(answering(tc('tcloaded', ALL))), [PENDING, { functional: true, personalization: true, measurement: true }]);
  assert.deepEqual(await run(answering(tc('useractioncomplete', {}))), [PENDING, { functional: false, personalization: false, measurement: false }]);
  assert.deepEqual(await run(() => { throw new Error('CMP broken'); }), [PENDING]);
  assert.deepEqual(await run(() => {}), [PENDING], 'never answers');
  assert.deepEqual(await run(answering({ gdprApplies: false, eventStatus: 'tcloaded' })), [PENDING, { applies: false }]);
  assert.deepEqual(await run((c, v, cb) => cb(null, false)), [PENDING], 'success false: ignored');
  // A callback that throws inside our handler cannot escape (malformed tcData).
  assert.deepEqual(await run((c, v, cb) => cb({ get gdprApplies() { throw new Error('x'); } }, true)), [PENDING]);
  // Late: appears after 40 ms, looked for every 10 ms.
  const g = {};
  const seen = [];
  const stop = watchTcf(g, (v) => seen.push(v), { wait: 1000, every: 10 });
  await tick(40);
  assert.deepEqual(seen, []);
  g.__tcfapi = answering(tc('tcloaded', ALL));
  await tick(40);
  stop();
  assert.deepEqual(seen, [PENDING, { functional: true, personalization: true, measurement: true }]);
  // Absent for good: nothing, and the search stops.
  assert.deepEqual(await run(undefined, { wait: 15, every: 5 }), []);
});

test('Consent Mode watcher: reads pushes through whatever push was there, and re-reads on demand', () => {
  const seen = [];
  const dl = [['consent', 'default', { analytics_storage: 'denied' }]];
  const g = { dataLayer: dl };
  const reread = watchConsentMode(g, (p) => seen.push(p.measurement));
  dl.push(['consent', 'update', { analytics_storage: 'granted' }]);
  assert.equal(dl.length, 2, 'the push still pushes');
  Array.prototype.push.call(dl, ['consent', 'update', { analytics_storage: 'denied' }]); // a tag that replaced push
  reread();
  assert.deepEqual(seen, [false, true, false]);
  assert.doesNotThrow(() => watchConsentMode({ get dataLayer() { throw new Error('x'); } }, () => {}));
});

test('TCF watcher: stopping removes the listener from the CMP; a throwing onChange never reaches the page', async () => {
  const calls = [];
  const g = {
    __tcfapi: (cmd, v, cb, id) => {
      calls.push([cmd, v, id]);
      if (cmd === 'addEventListener') setTimeout(() => cb(Object.assign(tc('tcloaded', ALL), { listenerId: 7 }), true));
    },
  };
  const stop = watchTcf(g, () => {});
  await tick(20);
  stop();
  assert.deepEqual(calls, [['addEventListener', 2, undefined], ['removeEventListener', 2, 7]]);
  assert.doesNotThrow(() => watchTcf(g, () => { throw new Error('caller bug'); })());
});

test('Consent Mode: a region default that denies wins over a global default that grants (the visitor may be there)', () => {
  const dl = [
    ['consent', 'default', { analytics_storage: 'denied', personalization_storage: 'denied', region: ['AT', 'BE', 'DE', 'FR'] }],
    ['consent', 'default', { analytics_storage: 'granted', personalization_storage: 'granted' }],
  ];
  assert.deepEqual(consentModePurposes(consentModeState(dl)), { functional: false, personalization: false, measurement: false });
  dl.push(['consent', 'update', { analytics_storage: 'granted' }]);
  assert.deepEqual(consentModePurposes(consentModeState(dl)), { functional: false, personalization: false, measurement: true }, "the visitor's update decides");
});
