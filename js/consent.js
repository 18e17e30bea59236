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
// Reading the signals (TCF's `tcData`, Consent Mode's commands) is in consent-signals.js, which
// the runtime imports only on a page with a CMP or a `dataLayer`; here are the purposes and
// `resolvePurposes`, a pure function, and `findTcf` (js/test/consent.test.mjs).

export const PURPOSES = ['functional', 'personalization', 'measurement'];

/** TCF v2.2 says: no decision yet (a CMP is present and applies but has not answered). */
export const PENDING = 'pending';

const NONE = { functional: false, personalization: false, measurement: false };

/**
 * The purposes in force. `choice`: the visitor's `consent()` choice (may hold other purposes,
 * kept for conditions); `tcf`: undefined (no CMP), PENDING, `{applies: false}` or purposes;
 * `gcm`: null or purposes; `privacy`: the config's `$.privacy`; `gpc`: the browser sends GPC;
 * `frame`: running in a cross-site iframe.
 */
export function resolvePurposes({ defaults, choice, tcf, gcm, privacy, gpc, frame }) {
  const out = Object.assign({}, choice);
  const signals = [];
  if (tcf === PENDING) signals.push(NONE);
  else if (tcf && tcf.applies !== false) signals.push(tcf);
  if (gcm) signals.push(gcm);
  for (const p of PURPOSES) {
    if (choice && typeof choice[p] === 'boolean') continue;
    out[p] = signals.length ? signals.every((s) => s[p] === true) : !!defaults && defaults[p] === true;
  }
  if (gpc) {
    if (!(privacy && privacy.gpc && privacy.gpc.export)) out.measurement = false;
    if (privacy && privacy.gpc && privacy.gpc.personalization === false) out.personalization = false;
  }
  if (frame && !(privacy && privacy.iframe_storage)) out.functional = false;
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
 * Looks for a TCF CMP (`__tcfapi`) now and every `every` ms for `wait` ms, and calls
 * `found(api)` once when there is one. The rest of TCF (`watchTcf`, reading its answers) is in
 * consent-signals.js, which the runtime imports only then. Returns a stop function.
 */
export function findTcf(g, found, { wait = 10000, every = 250 } = {}) {
  let timer;
  const start = Date.now();
  const look = () => {
    const api = g.__tcfapi;
    if (typeof api === 'function') found(api);
    else if (Date.now() - start < wait) timer = setTimeout(look, every);
  };
  look();
  return () => clearTimeout(timer);
}
