// The benchmark page: the same body for every subject (a product page with 10 personalised slots,
// each with its default content and <template> variants as its first children, which is where
// Trailmark's loader can swap before first paint), and the Trailmark config used by the bench.

import { EVENT_JS } from './subjects.mjs';

export const SLOTS = ['hero', 'promo', 'cart_nudge', 'checkout_help', 'loyalty', 'reviews', 'related', 'newsletter', 'shipping', 'footer_offer'];

/**
 * 20 prompts and surveys, each with a condition and caps, all triggered by exit intent (which the
 * bench never fires, so none is shown and the measurements are not disturbed): the engine's
 * prompt decision for that trigger evaluates every one of them.
 */
export const PROMPTS = Object.fromEntries(
  Array.from({ length: 20 }, (_, i) => [
    'p' + i,
    {
      kind: ['banner', 'toast', 'modal', 'inline'][i % 4],
      on: ['exit_intent'],
      when: [
        'journey.checkout == "abandoned" && !cart.empty',
        `stage.consideration > ${(0.2 + i * 0.01).toFixed(2)} && visits >= 1`,
        'customer && top_stage == "loyalty"',
        'new_visitor && page.path matches "/products/*"',
        'top_stage in ["research", "consideration"] || cart.value > 100',
      ][i % 5],
      priority: i % 7,
      max_per_session: 1,
      max_per_day: 2,
      max_total: 5,
      cooldown_hours: 24,
    },
  ]),
);

/** Trailmark's config: 10 slots with stage / journey / lifecycle rules and 20 prompts; default stages and journeys; capture on. */
export const TRAILMARK_CONFIG = {
  namespace: 'bench',
  slots: Object.fromEntries(
    SLOTS.map((slot, i) => [
      slot,
      {
        rules: [
          { variant: 'loyalty', when: 'customer && returning' },
          { variant: 'nudge', when: 'journey.checkout == "abandoned" && cart.items > 0' },
          { variant: 'consideration', when: `top_stage == "consideration" || stage.consideration > ${(0.3 + i * 0.02).toFixed(2)}` },
          { variant: 'research', when: 'top_stage == "research"' },
          { variant: 'discovery', when: 'new_visitor' },
        ],
      },
    ]),
  ),
  prompts: PROMPTS,
  capture: { page_views: true, spa: true, clicks: true, forms: true, products: true, scroll: [25, 50, 75, 100], engagement_seconds: [10, 30, 60] },
};

export function body() {
  const variants = ['loyalty', 'nudge', 'consideration', 'research', 'discovery'];
  const slots = SLOTS.map(
    (slot) =>
      `<section data-tm-slot="${slot}">` +
      variants.map((v) => `<template data-tm-variant="${v}"><h2>${slot}: ${v}</h2><p>Welcome back, visit <b data-tm-text="visits">n</b>.</p></template>`).join('') +
      `<h2>${slot}</h2><p>Default content of the ${slot} slot.</p></section>`,
  ).join('\n');
  return `<main>
<h1>Trail boot</h1>
<div data-tm-product data-tm-product-id="boot-1" data-tm-product-name="Trail boot" data-tm-product-price="129" data-tm-product-category="footwear">
<button data-tm-event="Product Added" data-tm-product-id="boot-1">Add to cart</button>
</div>
${slots}
</main>`;
}

/**
 * The page of one subject: an inline harness (time origin mark, `__ready`), the subject's script
 * tags and its inline init, then the common body.
 */
export function page(subject, scriptUrls) {
  const harness = `window.__b={t0:performance.now(),readyAt:null};window.__ready=function(){if(__b.readyAt==null)__b.readyAt=performance.now()};${EVENT_JS}`;
  let head;
  if (subject.trailmark) {
    // Ready = the moment trailmark.js replaces the stub with an instance whose `ready` is true
    // (Trailmark has no ready callback; it assigns window.trailmark once the first page view is
    // stored and the slots are rendered).
    const hook = `(function(){var v;Object.defineProperty(window,'trailmark',{configurable:true,get:function(){return v},set:function(x){v=x;if(x&&x.ready===true)__ready()}})})();`;
    head = `<script>${harness}${hook}</script>\n<script src="/trailmark/loader.js" data-config="/bench-config.json" data-namespace="bench"></script>\n<script>${subject.init}</script>`;
  } else {
    head = `<script>${harness}${subject.pre || ''}</script>\n` + scriptUrls.map((u) => `<script src="${u}"></script>`).join('\n') + `\n<script>${subject.init}</script>`;
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>bench: ${subject.label}</title>
${head}
</head><body>
${body()}
</body></html>
`;
}
