// Consent: the three purposes Trailmark asks for, and the page's signals that decide them.
//
//   functional       keep the profile in the browser's storage across pages (else memory only)
//   personalization  personalise content from the profile (else every slot keeps its default)
//   measurement      send touchpoints to the site's configured export endpoint
//
// Sources, strongest first: the visitor's choice given through `trailmark.consent({...})`
// (stored); else the page's CMP signals, IAB TCF v2.2 (`__tcfapi('addEventListener')`) and
// Google Consent Mode v2 (`gtag('consent', ...)` commands in `dataLayer`; Trailmark never calls
// gtag itself), a purpose being granted only when every signal present grants it; else the
// config's defaults (`$.privacy.consent`). Then, whatever the source: Global Privacy Control
// removes measurement (and personalization when `$.privacy.gpc.personalization` is false), and
// a cross-site iframe runs memory only (unless `$.privacy.iframe_storage`).
//
// Everything here except `watchTcf` / `watchConsentMode` is a pure function (js/test/consent.test.mjs).

export const PURPOSES = ['functional', 'personalization', 'measurement'];

/** TCF v2.2 says: no decision yet (a CMP is present and applies but has not answered). */
export const PENDING = 'pending';

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
  const yes = (n) => tc.purpose?.consents?.[n] === true || tc.publisher?.consents?.[n] === true;
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
 * The purposes in force. `choice`: the visitor's `consent()` choice (may hold other purposes,
 * kept for conditions); `tcf`: undefined (no CMP), PENDING, `{applies: false}` or purposes;
 * `gcm`: null or purposes; `privacy`: the config's `$.privacy`; `gpc`: the browser sends GPC;
 * `frame`: running in a cross-site iframe.
 */
export function resolvePurposes({ defaults, choice, tcf, gcm, privacy, gpc, frame }) {
  const out = Object.assign({}, choice);
  const signals = [];
  if (tcf === PENDING) signals.push({}); // grants nothing
  else if (tcf && tcf.applies !== false) signals.push(tcf);
  if (gcm) signals.push(gcm);
  for (const p of PURPOSES) {
    if (typeof choice?.[p] === 'boolean') continue;
    out[p] = signals.length ? signals.every((s) => s[p] === true) : defaults?.[p] === true;
  }
  if (gpc) {
    if (!privacy?.gpc?.export) out.measurement = false;
    if (privacy?.gpc?.personalization === false) out.personalization = false;
  }
  if (frame && !privacy?.iframe_storage) out.functional = false;
  return out;
}

/** True when the page runs in an iframe of another origin (its top cannot be read). */
export function crossSiteFrame(g = globalThis) {
  try {
    if (g.top === g.self) return false;
    return g.top.location.origin !== g.location.origin;
  } catch (e) {
    return true;
  }
}

/**
 * Follows a TCF CMP: `onChange(value)` with PENDING as soon as `__tcfapi` exists, then with
 * `tcfPurposes` results as the visitor decides. A CMP that appears late is looked for every
 * `every` ms for `wait` ms; one that throws or never answers leaves PENDING. Returns a stop
 * function, which also removes the listener from the CMP (`removeEventListener` with the
 * `listenerId` of its answers). Never throws.
 */
export function watchTcf(g, onChange, { wait = 10000, every = 250 } = {}) {
  let stopped = false;
  let timer;
  let api;
  let listenerId;
  const start = Date.now();
  const look = () => {
    if (stopped) return;
    api = g.__tcfapi;
    if (typeof api !== 'function') {
      if (Date.now() - start < wait) timer = setTimeout(look, every);
      return;
    }
    try {
      onChange(PENDING);
    } catch (e) {
      /* the caller reports its own problems; nothing may reach the page from here */
    }
    try {
      api('addEventListener', 2, (tc, ok) => {
        if (stopped || ok === false) return;
        try {
          if (tc?.listenerId != null) listenerId = tc.listenerId;
          const r = tcfPurposes(tc);
          if (r) onChange(r);
        } catch (e) {
          /* a malformed answer: no decision */
        }
      });
    } catch (e) {
      /* a CMP that throws: no decision, so PENDING stays */
    }
  };
  look();
  return () => {
    stopped = true;
    clearTimeout(timer);
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
 * Follows Google Consent Mode: reads `dataLayer` now and after each push (wrapping `push`,
 * keeping whatever push was there). `onChange(purposes)` when the state changes. Returns a
 * function that re-reads now (for a tag that replaced `push`). Never throws.
 */
export function watchConsentMode(g, onChange, name = 'dataLayer') {
  let last = null;
  const read = () => {
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
