// The parts of automatic capture a site opts into in `$.capture` (both are off by default): the
// bridges from GA4 `dataLayer` pushes (`data_layer`) and Segment `analytics.track` calls
// (`segment`). The runtime imports this module only when one of them is on, while the wasm
// loads, and installs it with the rest of capture (`installCapture` in capture.js), so nothing
// is captured later or in another order than when it was bundled in.

const GA4 = new Set(['login', 'sign_up', 'search', 'generate_lead', 'view_item_list', 'select_item', 'view_item', 'add_to_cart', 'remove_from_cart', 'view_cart', 'begin_checkout', 'add_shipping_info', 'add_payment_info', 'purchase', 'refund', 'add_to_wishlist', 'view_promotion', 'select_promotion', 'share']);

/** A dataLayer entry as `[name, props]` when it is a GA4 (e-commerce) event, else null. */
export function fromDataLayer(entry) {
  if (!entry || typeof entry !== 'object' || typeof entry.event !== 'string') return null;
  const e = entry.ecommerce;
  const hasEcom = e && typeof e === 'object';
  if (!GA4.has(entry.event) && !hasEcom) return null;
  const props = {};
  // Not kept: GTM's own keys, and `user_data` (GA4 enhanced conversions: the visitor's email,
  // phone and address), which a touchpoint has no use for and an export must never carry.
  for (const k in entry) if (k !== 'event' && k !== 'ecommerce' && k !== 'user_data' && !k.startsWith('gtm.') && typeof entry[k] !== 'function') props[k] = entry[k];
  if (hasEcom) Object.assign(props, e);
  return [entry.event, props];
}

/** The dataLayer (`cap.data_layer`) and Segment (`cap.segment`) bridges, installed last. */
export function bridges(win, tm, cap, guard, off) {
  if (cap.data_layer) {
    const name = cap.data_layer;
    const dl = (win[name] = Array.isArray(win[name]) ? win[name] : []);
    const feed = (entry) => {
      const ev = fromDataLayer(entry);
      if (ev) tm._capture(ev[0], ev[1]);
    };
    dl.forEach(guard(feed));
    const orig = dl.push;
    const patched = function () {
      const r = orig.apply(this, arguments);
      for (const entry of arguments) guard(feed)(entry);
      return r;
    };
    dl.push = patched;
    off.push(() => dl.push === patched && (dl.push = orig));
  }

  if (cap.segment) {
    const a = win.analytics;
    if (a && typeof a.track === 'function') {
      const orig = a.track;
      const patched = function (name, props) {
        guard(() => typeof name === 'string' && tm._capture(name, props && typeof props === 'object' ? props : {}))();
        return orig.apply(this, arguments);
      };
      a.track = patched;
      off.push(() => a.track === patched && (a.track = orig));
    }
  }
}
