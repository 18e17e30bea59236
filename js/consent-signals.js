// Reading a page's consent signals: IAB TCF v2.2 (`__tcfapi('addEventListener')`) and Google
// Consent Mode v2 (`gtag('consent', ...)` commands in `dataLayer`), mapped to Trailmark's
// purposes (consent.js says how they combine). The runtime imports this module only on a page
// that has a TCF CMP (`findTcf` in consent.js found `__tcfapi`; until the CMP answers, the
// purposes are PENDING: nothing is stored, read or decided) or a `dataLayer` array (fetched
// while the wasm loads when the array is there at start-up, so consent is read, as before,
// before the stored profile; a `dataLayer` created later is read before the next batch, as
// before, the batch waiting for this module). Everything here except `listenTcf`, `watchTcf`,
// `readConsentMode` and `watchConsentMode` is a pure function (js/test/consent.test.mjs).

import { PENDING, findTcf } from './runtime.js';

/**
 * Purposes from a TCF v2.2 `tcData`: `{applies: false}` when GDPR does not apply, the purposes
 * on `tcloaded` / `useractioncomplete`, else null (no decision in this event). A purpose counts
 * when the visitor consented to it for vendors (`purpose.consents`) or for the publisher
 * (`publisher.consents`): functional = TCF purpose 1 (store and access information on a
 * device); personalization = purposes 5 and 6 (create and use profiles for personalised
 * content); measurement = purposes 1 and 8 (measure content performance).
 */
export function tcfPurposes(tc) {
  if (!tc || typeof tc !== 'object') return null;
  if (tc.gdprApplies === false) return { applies: false };
  if (tc.eventStatus !== 'tcloaded' && tc.eventStatus !== 'useractioncomplete') return null;
  const yes = (n) => !!((tc.purpose && tc.purpose.consents && tc.purpose.consents[n] === true) || (tc.publisher && tc.publisher.consents && tc.publisher.consents[n] === true));
  return { functional: yes(1), personalization: yes(5) && yes(6), measurement: yes(1) && yes(8) };
}

/**
 * Google Consent Mode state from a `dataLayer` array: the types of `consent default` commands
 * overridden by `consent update` commands, in order. The visitor's region is unknown here, so a
 * `default` with a `region` cannot grant, but a type it denies is denied (the visitor may be in
 * that region, and Google applies a region's defaults before the global ones). Null when there
 * is no consent command.
 */
export function consentModeState(dataLayer) {
  if (!Array.isArray(dataLayer)) return null;
  let defaults = null;
  let updates = null;
  const denied = {};
  for (const e of dataLayer) {
    if (!e || e[0] !== 'consent' || !e[2] || typeof e[2] !== 'object') continue;
    if (e[1] === 'default' && !e[2].region) defaults = Object.assign(defaults || {}, e[2]);
    else if (e[1] === 'update') updates = Object.assign(updates || {}, e[2]);
    else if (e[1] === 'default') {
      defaults = defaults || {};
      for (const t in e[2]) if (e[2][t] === 'denied') denied[t] = 'denied';
    }
  }
  return defaults || updates ? Object.assign({}, defaults, denied, updates) : null;
}

/**
 * Purposes from Consent Mode types; a type that is unset is not granted. functional and
 * personalization = `personalization_storage`; measurement = `analytics_storage`.
 */
export function consentModePurposes(state) {
  if (!state) return null;
  const g = (t) => state[t] === 'granted';
  return { functional: g('personalization_storage'), personalization: g('personalization_storage'), measurement: g('analytics_storage') };
}

/**
 * Listens to the TCF CMP `api`: `onChange` with `tcfPurposes` results as the visitor decides;
 * a CMP that throws or never answers decides nothing. Returns a stop function, which also
 * removes the listener from the CMP (`removeEventListener` with the `listenerId` of its
 * answers). Never throws.
 */
export function listenTcf(api, onChange) {
  let stopped = false;
  let listenerId;
  try {
    api('addEventListener', 2, (tc, ok) => {
      if (stopped || ok === false) return;
      try {
        if (tc && tc.listenerId !== undefined && tc.listenerId !== null) listenerId = tc.listenerId;
        const r = tcfPurposes(tc);
        if (r) onChange(r);
      } catch (e) {
        /* a malformed answer: no decision */
      }
    });
  } catch (e) {
    /* a CMP that throws: no decision, so PENDING stays */
  }
  return () => {
    stopped = true;
    // The CMP keeps calling a listener until it is removed (by the id its answers carry).
    if (listenerId === undefined) return;
    try {
      api('removeEventListener', 2, () => {}, listenerId);
    } catch (e) {
      /* a CMP that throws: the listener ignores it anyway */
    }
  };
}

/**
 * Follows a TCF CMP: `onChange(value)` with PENDING as soon as `__tcfapi` exists (`findTcf`),
 * then as `listenTcf`. Returns a stop function. Never throws. (The runtime does the same in two
 * steps, importing this module once `findTcf` found a CMP.)
 */
export function watchTcf(g, onChange, opts) {
  let stop = () => {};
  const stopFind = findTcf(g, (api) => {
    try {
      onChange(PENDING);
    } catch (e) {
      /* the caller reports its own problems; nothing may reach the page from here */
    }
    stop = listenTcf(api, onChange);
  }, opts);
  return () => {
    stopFind();
    stop();
  };
}

/**
 * A function that reads Google Consent Mode from `g[name]` and calls `onChange(purposes)` when
 * the state changed since its last read. Never throws.
 */
export function readConsentMode(g, onChange, name = 'dataLayer') {
  let last = null;
  return () => {
    try {
      const p = consentModePurposes(consentModeState(g[name]));
      const key = JSON.stringify(p);
      if (key !== last) {
        last = key;
        if (p) onChange(p);
      }
    } catch (e) {
      /* an odd dataLayer: no change */
    }
  };
}

/**
 * Follows Google Consent Mode: reads `dataLayer` now and after each push (wrapping `push`,
 * keeping whatever push was there). `onChange(purposes)` when the state changes. Returns a
 * function that re-reads now (for a tag that replaced `push`). Never throws.
 */
export function watchConsentMode(g, onChange, name = 'dataLayer') {
  const read = readConsentMode(g, onChange, name);
  try {
    const dl = g[name];
    if (Array.isArray(dl)) {
      const push = dl.push;
      dl.push = function () {
        const r = push.apply(this, arguments);
        read();
        return r;
      };
    }
  } catch (e) {
    /* a frozen dataLayer: read() on batches still sees it */
  }
  read();
  return read;
}
