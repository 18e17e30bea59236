// Generates the demo shop's static pages from one product list, so every product page carries
// its own schema.org JSON-LD and `data-tm-product` attributes (no client-side rendering, no
// flicker). Run from anywhere: `node examples/demo-shop/tools/generate.mjs`. The output is
// committed; edit this file and re-run rather than editing the generated HTML by hand.
//
// Every page uses only Trailmark's documented HTML and script API: the loader in <head>,
// `data-tm-slot` / `<template data-tm-variant>` slots, `data-tm-event` clicks, a marked sign-up
// form, product markup, and `window.trailmark.*` calls from shop.js. No inline scripts or
// styles, so the pages work under `script-src 'self'; style-src 'self'`.

import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { extraProducts, trailmarkCatalog, HAND_SUBCATEGORY } from './catalog-data.mjs';

// `DEMO_SHOP_OUT` redirects the output (tests/e2e/generated.spec.mjs regenerates into a temporary
// folder and compares, so the committed pages cannot drift from this generator).
const ROOT = process.env.DEMO_SHOP_OUT || join(dirname(fileURLToPath(import.meta.url)), '..');
const SHOP = 'Ridgeline Supply Co.';

const CATEGORIES = [
  { id: 'packs', name: 'Packs', blurb: 'Daypacks, trekking packs and vests that carry well all day.' },
  { id: 'shelter', name: 'Shelter', blurb: 'Tents, tarps and bivvies for nights above the treeline.' },
  { id: 'footwear', name: 'Footwear', blurb: 'Boots and trail shoes built for scree, mud and long miles.' },
];

// id, name, category, price, colour, rating, reviews, short description, features
const PRODUCTS = [
  ['summit-28', 'Summit 28 Daypack', 'packs', 89, '#c2552d', 4.7, 212, 'A 28-litre daypack with a ventilated back panel and a lid that opens wide.', ['28 L, 1.1 kg', 'Ventilated mesh back', 'Hip-belt pockets', 'Rain cover included']],
  ['traverse-45', 'Traverse 45 Trekking Pack', 'packs', 159, '#2f6b4f', 4.8, 148, 'A 45-litre pack for hut-to-hut treks, with an adjustable torso and front stretch pocket.', ['45 L, 1.6 kg', 'Adjustable torso length', 'Side and front access', 'Hydration compatible']],
  ['cragline-18', 'Cragline 18 Climbing Pack', 'packs', 74, '#3b5b8c', 4.5, 86, 'A slim 18-litre pack that stays out of the way on scrambles and via ferratas.', ['18 L, 0.6 kg', 'Helmet holder', 'Rope strap', 'Abrasion-resistant base']],
  ['drift-12', 'Drift 12 Hydration Vest', 'packs', 69, '#7a4e9c', 4.4, 97, 'A 12-litre running vest with two soft flasks and a snug, bounce-free fit.', ['12 L, 0.3 kg', 'Two 500 ml soft flasks', 'Phone-sized chest pockets', 'Reflective trim']],
  ['ember-2', 'Ember 2 Backpacking Tent', 'shelter', 329, '#d08a2c', 4.8, 174, 'A freestanding two-person tent with two doors, two porches and a 5-minute pitch.', ['2 person, 1.9 kg', 'Two doors, two porches', 'Colour-coded poles', '3,000 mm flysheet']],
  ['lumen-ul1', 'Lumen UL1 Tent', 'shelter', 289, '#6f8f3a', 4.6, 63, 'A one-person ultralight tent that pitches with your trekking poles.', ['1 person, 0.9 kg', 'Trekking-pole pitch', 'Full mesh inner', 'Packs to a bottle size']],
  ['hollow-tarp', 'Hollow Tarp 3×3', 'shelter', 119, '#4b7f86', 4.5, 51, 'A 3 by 3 metre silnylon tarp with 16 tie-outs for endless pitches.', ['3 × 3 m, 0.5 kg', '16 reinforced tie-outs', 'Silicone-coated nylon', 'Guylines included']],
  ['bivvy-pro', 'Bivvy Pro Shelter', 'shelter', 149, '#5a5f66', 4.3, 39, 'A hooped bivvy bag that keeps the fabric off your face on stormy nights.', ['1 person, 0.7 kg', 'Single hoop', 'Breathable membrane', 'Bug-net hood']],
  ['ridge-mid-gtx', 'Ridge Mid GTX Boot', 'footwear', 189, '#8a5a3b', 4.7, 301, 'A waterproof mid boot with a grippy rubber outsole and a wide toe box.', ['Waterproof membrane', 'Lugged rubber outsole', 'Wide toe box', '620 g per boot']],
  ['scree-runner', 'Scree Trail Runner', 'footwear', 139, '#d1453b', 4.6, 188, 'A cushioned trail running shoe with a rock plate and 5 mm lugs.', ['Rock plate', '5 mm lugs', '8 mm drop', '290 g per shoe']],
  ['basecamp-slip', 'Basecamp Camp Shoe', 'footwear', 59, '#41729f', 4.2, 74, 'A packable camp shoe with a collapsible heel for evenings at the tent.', ['Collapsible heel', 'Packs flat', 'Insulated footbed', '240 g per pair']],
  ['alpine-approach', 'Alpine Approach Shoe', 'footwear', 159, '#59606b', 4.5, 92, 'A sticky-rubber approach shoe for scrambling to the foot of the climb.', ['Sticky climbing rubber', 'Climbing-zone toe', 'Lace-to-toe fit', '420 g per shoe']],
].map(([id, name, category, price, colour, rating, reviews, description, features]) => ({
  id, name, category, price, colour, rating, reviews, description, features,
  url: `/products/${id}.html`, image: `/img/${id}.svg`,
}));

// The hand-written products join a generated wider range (tools/catalog-data.mjs): a few hundred
// products, so recommendations have something to choose from.
for (const p of PRODUCTS) Object.assign(p, { subcategory: HAND_SUBCATEGORY[p.id], brand: 'Ridgeline', availability: 'in_stock' });
PRODUCTS.push(...extraProducts(PRODUCTS.map((p) => p.id)).map((p) => ({ ...p, url: `/products/${p.id}.html`, image: `/img/${p.id}.svg` })));

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
const money = (n) => `£${n.toFixed(2)}`;
const catName = (id) => CATEGORIES.find((c) => c.id === id).name;

function write(rel, text) {
  const file = join(ROOT, rel);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

// ---------------------------------------------------------------- layout

const LOGO = `<svg class="logo-mark" viewBox="0 0 32 32" aria-hidden="true"><path d="M2 27 12 9l6 10 4-6 8 14z" fill="currentColor"/><circle cx="24" cy="7" r="3" fill="#e8a33d"/></svg>`;

const CART_NUDGE = `<div data-tm-slot="cart_nudge" class="slot slot-nudge">
      <template data-tm-variant="nudge"><aside class="nudge" data-variant="nudge" role="status">
        <svg class="nudge-icon" viewBox="0 0 24 24" aria-hidden="true"><path d="M3 4h2l2.4 10.2a2 2 0 0 0 2 1.5h7.7a2 2 0 0 0 1.9-1.4L21 8H6.2" fill="none" stroke="currentColor" stroke-width="2"/><circle cx="10" cy="20" r="1.6" fill="currentColor"/><circle cx="17" cy="20" r="1.6" fill="currentColor"/></svg>
        <p><strong>You left something in your cart.</strong> It is saved on this device. Free delivery over £100 still applies.</p>
        <a class="button button-small" href="/cart.html" data-tm-event="Nudge Clicked">Return to cart</a>
        <span class="variant-tag">variant: nudge</span>
      </aside></template>
    </div>`;

// Prompts and micro-surveys (config `prompts` / `surveys`): the markup Trailmark fills with text
// and shows when the engine decides one (js/prompts.js). Every page carries them.
const PROMPTS = `<template data-tm-prompt="cart-abandon"><div class="prompt-card">
    <p><strong>Still thinking it over?</strong> Your cart (<span data-tm-text="cart_items">0</span> items) is saved on this device.</p>
    <p class="prompt-actions"><a class="button button-small" href="/cart.html" data-tm-action="open-cart">Back to my cart</a> <button type="button" class="button button-ghost button-small" data-tm-action="dismiss">Not now</button></p>
  </div></template>
  <template data-tm-prompt="exit-offer"><div class="prompt-card">
    <h2>Before you go, <span data-tm-text="name">explorer</span>: 10% off your first order</h2>
    <p>Use code TRAIL10 at checkout. Free delivery over £100 still applies.</p>
    <p class="prompt-actions"><a class="button" href="/cart.html" data-tm-action="claim">Shop with 10% off</a> <button type="button" class="button button-ghost" data-tm-action="dismiss">No thanks</button></p>
  </div></template>
  <template data-tm-prompt="help-nudge"><div class="prompt-card">
    <p><strong>Need a hand?</strong> Call 0131 496 0000 (8am–8pm) or read <a href="/help.html" data-tm-action="help">delivery &amp; returns</a>.</p>
    <p class="prompt-actions"><button type="button" class="button button-ghost button-small" data-tm-action="dismiss">I am fine</button></p>
  </div></template>
  <template data-tm-prompt="newsletter" aria-label="Field notes"><div class="prompt-card prompt-wide">
    <p><strong>Field notes:</strong> one email a month with route ideas and kit care. <a href="/account.html" data-tm-action="subscribe">Sign up</a></p>
    <button type="button" class="button button-ghost button-small" data-tm-action="dismiss">Close</button>
  </div></template>
  <template data-tm-prompt="loyalty-club" aria-label="Ridgeline Club"><div class="prompt-card prompt-wide">
    <p><strong>Welcome back, <span data-tm-text="name">friend</span>.</strong> Club members get free repairs and early access. <a href="/account.html" data-tm-action="join">Join the club</a></p>
    <button type="button" class="button button-ghost button-small" data-tm-action="dismiss">Close</button>
  </div></template>
  <template data-tm-prompt="referral"><div class="prompt-card">
    <p><strong>Give £10, get £10.</strong> Share your link with a friend; when they order, you both save.</p>
    <p class="prompt-actions"><a class="button button-small" href="/account.html" data-tm-action="refer">Get my link</a> <button type="button" class="button button-ghost button-small" data-tm-action="dismiss">Not now</button></p>
  </div></template>
  <template data-tm-prompt="nps"><div class="prompt-card survey">
    <p data-tm-survey-question></p>
    <div class="survey-scale" data-tm-survey-options></div>
    <p class="prompt-actions"><button type="button" class="button button-ghost button-small" data-tm-action="dismiss">Skip</button></p>
  </div></template>
  <template data-tm-prompt="heard"><div class="prompt-card survey">
    <p data-tm-survey-question></p>
    <div class="survey-choices" data-tm-survey-options></div>
    <p class="prompt-actions"><button type="button" class="button button-ghost button-small" data-tm-action="dismiss">Skip</button></p>
  </div></template>`;

function page({ title, path, body, main = 'main', description = 'Outdoor gear for long days in the hills.' }) {
  const nav = CATEGORIES.map((c) => `<a href="/category/${c.id}.html"${path === `/category/${c.id}.html` ? ' aria-current="page"' : ''}>${c.name}</a>`).join('\n          ');
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${esc(title)} · ${SHOP}</title>
  <meta name="description" content="${esc(description)}">
  <script src="/trailmark/loader.js" data-config="/trailmark.compiled.json" data-namespace="demo-shop"></script>
  <link rel="icon" href="/img/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="/style.css">
  <script src="/shop.js" defer></script>
</head>
<body class="${main}">
  <a class="skip" href="#content">Skip to content</a>
  <div class="topbar">Free delivery on orders over £100 · 60-day returns · Personalised on your device, never tracked off it</div>
  <header class="site-header">
    <div class="wrap header-row">
      <a class="logo" href="/">${LOGO}<span>Ridgeline<small>Supply Co.</small></span></a>
      <nav class="main-nav" aria-label="Main">
          ${nav}
          <a href="/journal/layering-guide.html"${path.startsWith('/journal') ? ' aria-current="page"' : ''}>Journal</a>
          <a href="/help.html"${path === '/help.html' ? ' aria-current="page"' : ''}>Help</a>
      </nav>
      <form class="search-form" action="/search.html" method="get" role="search">
        <label class="visually-hidden" for="q">Search products</label>
        <input id="q" name="q" type="search" placeholder="Search tents, packs, boots…" autocomplete="off">
        <button type="submit" class="button button-small">Search</button>
      </form>
      <a class="cart-link" href="/cart.html">Cart <span class="cart-count" data-cart-count>0</span></a>
    </div>
  </header>
  <div class="wrap">
    ${CART_NUDGE}
  </div>
  <main id="content" class="wrap">
${body}
  </main>
  <footer class="site-footer">
    <div class="wrap footer-grid">
      <div>
        <a class="logo logo-footer" href="/">${LOGO}<span>Ridgeline<small>Supply Co.</small></span></a>
        <p>Independent outdoor gear since 2009. A Trailmark demo: this shop is fictional and takes no payments.</p>
      </div>
      <div>
        <h2>Shop</h2>
        <ul>${CATEGORIES.map((c) => `<li><a href="/category/${c.id}.html">${c.name}</a></li>`).join('')}<li><a href="/compare.html?ids=summit-28,traverse-45">Compare packs</a></li></ul>
      </div>
      <div>
        <h2>Ridgeline</h2>
        <ul><li><a href="/journal/layering-guide.html">Journal</a></li><li><a href="/help.html">Help &amp; returns</a></li><li><a href="/account.html">Join the Ridgeline Club</a></li></ul>
      </div>
      <div>
        <h2>Your journey</h2>
        <p>Trailmark personalises this shop in your browser. Nothing you do here leaves your device.</p>
        <button type="button" class="button button-ghost" data-debug-panel>Open the journey debug panel</button>
        <p><a href="#" data-tm-privacy>What this site knows about you</a></p>
      </div>
    </div>
  </footer>
  ${PROMPTS}
</body>
</html>
`;
}

function card(p) {
  return `<li class="card" data-tm-product data-tm-product-id="${p.id}" data-tm-product-name="${esc(p.name)}" data-tm-product-price="${p.price}" data-tm-product-category="${p.category}">
          <a href="${p.url}" class="card-link">
            <img src="${p.image}" alt="" width="320" height="240" loading="lazy">
            <span class="card-cat">${catName(p.category)}</span>
            <span class="card-name">${esc(p.name)}</span>
          </a>
          <span class="card-meta"><span class="price">${money(p.price)}</span> <span class="rating" aria-label="Rated ${p.rating} out of 5">★ ${p.rating} <small>(${p.reviews})</small></span></span>
        </li>`;
}

// A recommendation slot (README: recommendations): the item template is filled as text by the
// runtime; the default content stays when there is nothing to recommend.
function recSlot(strategy, limit, fallback) {
  return `<ul class="grid recs" data-tm-recommend="${strategy}" data-tm-limit="${limit}">
        <template data-tm-item><li class="card rec-card" data-tm-event="Recommendation Clicked" data-tm-list="${strategy}">
          <a class="card-link" data-tm-href="url"><img data-tm-src="image" data-tm-alt="title" alt="" width="320" height="240" loading="lazy"><span class="card-cat" data-tm-field="category_name"></span><span class="card-name" data-tm-field="title"></span></a>
          <span class="card-meta"><span class="price" data-tm-field="price"></span></span>
          <small class="because" data-tm-field="because"></small>
        </li></template>
        ${fallback}
      </ul>`;
}

// ---------------------------------------------------------------- pages

function home() {
  const featured = ['traverse-45', 'ember-2', 'ridge-mid-gtx', 'scree-runner'].map((id) => PRODUCTS.find((p) => p.id === id));
  const body = `    <div data-tm-slot="usp" class="slot slot-usp">
      <p class="usp" data-variant="default">Free delivery on orders over £100, on every order.</p>
      <template data-tm-variant="returns"><p class="usp" data-variant="returns">60-day returns, no questions asked: try your kit on the hill.</p></template>
    </div>
    <div data-tm-slot="hero" class="slot slot-hero">
      <template data-tm-variant="discovery"><section class="hero hero-discovery" data-variant="discovery">
        <div class="hero-text">
          <p class="eyebrow">New here? Welcome to Ridgeline</p>
          <h1>Gear for your first big day out</h1>
          <p>Not sure where to start? Our kit guides walk you through what you actually need, and nothing you don't.</p>
          <p class="hero-actions"><a class="button" href="/journal/layering-guide.html">Read the beginner's guide</a> <a class="button button-ghost" href="/category/packs.html">Browse packs</a></p>
        </div>
        <img class="hero-art" src="/img/hero.svg" alt="" width="560" height="320">
        <span class="variant-tag">variant: discovery</span>
      </section></template>
      <template data-tm-variant="research"><section class="hero hero-research" data-variant="research">
        <div class="hero-text">
          <p class="eyebrow">Doing your homework?</p>
          <h1>Compare specs side by side</h1>
          <p>Weights, volumes and materials for every pack, tent and boot, in one table, with real owners' reviews.</p>
          <p class="hero-actions"><a class="button" href="/compare.html?ids=summit-28,traverse-45,cragline-18">Compare packs</a> <a class="button button-ghost" href="/compare.html?ids=ember-2,lumen-ul1">Compare tents</a></p>
        </div>
        <img class="hero-art" src="/img/hero.svg" alt="" width="560" height="320">
        <span class="variant-tag">variant: research</span>
      </section></template>
      <template data-tm-variant="consideration"><section class="hero hero-consideration" data-variant="consideration">
        <div class="hero-text">
          <p class="eyebrow">Still deciding?</p>
          <h1>Try it on the trail for 60 days</h1>
          <p>Free delivery over £100 and free returns for 60 days, even if it has seen some mud. Our fit team answers within the hour.</p>
          <p class="hero-actions"><a class="button" href="/help.html">How returns work</a> <a class="button button-ghost" href="/compare.html?ids=ridge-mid-gtx,alpine-approach">Compare boots</a></p>
        </div>
        <img class="hero-art" src="/img/hero.svg" alt="" width="560" height="320">
        <span class="variant-tag">variant: consideration</span>
      </section></template>
      <template data-tm-variant="loyalty"><section class="hero hero-loyalty" data-variant="loyalty">
        <div class="hero-text">
          <p class="eyebrow">Welcome back to Ridgeline</p>
          <h1>Your Ridgeline Club reward is ready</h1>
          <p>Thanks for shopping with us again. Members get 10% off the next order and free re-proofing of anything bought here.</p>
          <p class="hero-actions"><a class="button" href="/account.html">Claim your reward</a> <a class="button button-ghost" href="/journal/layering-guide.html">New in the journal</a></p>
        </div>
        <img class="hero-art" src="/img/hero.svg" alt="" width="560" height="320">
        <span class="variant-tag">variant: loyalty</span>
      </section></template>
      <section class="hero hero-default" data-variant="default">
        <div class="hero-text">
          <p class="eyebrow">Spring collection</p>
          <h1>Built for long days in the hills</h1>
          <p>Packs, shelters and footwear tested on the Cairngorms plateau and the Lakeland fells.</p>
          <p class="hero-actions"><a class="button" href="/category/packs.html">Shop packs</a> <a class="button button-ghost" href="/category/shelter.html">Shop shelter</a></p>
        </div>
        <img class="hero-art" src="/img/hero.svg" alt="" width="560" height="320">
        <span class="variant-tag">variant: default</span>
      </section>
    </div>

    <section class="section">
      <h2 class="section-title">Shop by category</h2>
      <ul class="categories">
        ${CATEGORIES.map((c) => `<li><a class="category-tile category-${c.id}" href="/category/${c.id}.html"><span class="category-name">${c.name}</span><span>${esc(c.blurb)}</span></a></li>`).join('\n        ')}
      </ul>
    </section>

    <section class="section">
      <h2 class="section-title">Best sellers this month</h2>
      <ul class="grid">
        ${featured.map(card).join('\n        ')}
      </ul>
    </section>

    <section class="section">
      <h2 class="section-title">Picked for you</h2>
      ${recSlot('for-you', 4, '<li class="recs-empty">Browse a few products and suggestions appear here, worked out on your device.</li>')}
    </section>

    <section class="section promise">
      <div><h3>60-day trail trial</h3><p>Use it, get it muddy, send it back if it is not right.</p></div>
      <div><h3>Repair, not replace</h3><p>Free repairs for the first two years on everything we sell.</p></div>
      <div><h3>Private by design</h3><p>Recommendations are worked out on your device. No tracking pixels, no ad networks.</p></div>
    </section>`;
  write('index.html', page({ title: 'Outdoor gear for long days in the hills', path: '/', body, main: 'page-home' }));
}

function category(c) {
  const items = PRODUCTS.filter((p) => p.category === c.id);
  const body = `    <nav class="breadcrumb" aria-label="Breadcrumb"><a href="/">Home</a> › <span>${c.name}</span></nav>
    <header class="page-head">
      <h1>${c.name}</h1>
      <p>${esc(c.blurb)}</p>
    </header>
    <form class="compare-bar" action="/compare.html" method="get" data-compare-form>
      <p>Tick up to three products to compare them side by side.</p>
      <input type="hidden" name="ids" value="">
      <button type="submit" class="button button-small" disabled>Compare selected</button>
    </form>
    <ul class="grid" data-tm-list="${c.id}">
      ${items.map((p) => card(p).replace('</li>', `  <label class="compare-check"><input type="checkbox" value="${p.id}" data-compare> Compare</label>\n        </li>`)).join('\n      ')}
    </ul>`;
  write(`category/${c.id}.html`, page({ title: c.name, path: `/category/${c.id}.html`, body, main: 'page-category', description: c.blurb }));
}

function reviewsFor(p) {
  const names = ['Morag, Aviemore', 'Tom, Kendal', 'Priya, Sheffield', 'Huw, Betws-y-Coed'];
  const quotes = [
    `Used the ${p.name} for a week in the Highlands. Exactly as described and very well made.`,
    'Comfortable from day one. Would buy again.',
    'Great value. Customer service sorted a sizing question within the hour.',
  ];
  return quotes.map((q, i) => `<li class="review"><span class="stars" aria-label="${5 - (i === 2 ? 1 : 0)} stars">${'★'.repeat(5 - (i === 2 ? 1 : 0))}</span><p>${esc(q)}</p><small>${names[i]}</small></li>`).join('\n          ');
}

function product(p) {
  const others = PRODUCTS.filter((q) => q.id !== p.id && q.availability !== 'out_of_stock');
  const similar = [...others.filter((q) => q.subcategory === p.subcategory), ...others.filter((q) => q.category === p.category && q.subcategory !== p.subcategory)].slice(0, 4);
  const ld = {
    '@context': 'https://schema.org',
    '@type': 'Product',
    sku: p.id,
    productID: p.id,
    name: p.name,
    description: p.description,
    image: p.image,
    category: p.category,
    brand: { '@type': 'Brand', name: 'Ridgeline' },
    aggregateRating: { '@type': 'AggregateRating', ratingValue: p.rating, reviewCount: p.reviews },
    offers: { '@type': 'Offer', price: p.price.toFixed(2), priceCurrency: 'GBP', availability: p.availability === 'out_of_stock' ? 'https://schema.org/OutOfStock' : 'https://schema.org/InStock' },
  };
  const body = `    <script type="application/ld+json">${JSON.stringify(ld).replace(/</g, '\\u003c')}</script>
    <nav class="breadcrumb" aria-label="Breadcrumb"><a href="/">Home</a> › <a href="/category/${p.category}.html">${catName(p.category)}</a> › <span>${esc(p.name)}</span></nav>
    <article class="product" data-tm-product data-tm-product-id="${p.id}" data-tm-product-name="${esc(p.name)}" data-tm-product-price="${p.price}" data-tm-product-category="${p.category}" data-tm-product-currency="GBP">
      <div class="product-media"><img src="${p.image}" alt="${esc(p.name)}" width="640" height="480"></div>
      <div class="product-info">
        <p class="eyebrow">${catName(p.category)}</p>
        <h1>${esc(p.name)}</h1>
        <p class="rating">★ ${p.rating} <small>(${p.reviews} reviews)</small></p>
        <p class="price price-large">${money(p.price)}</p>
        <p>${esc(p.description)}</p>
        <ul class="features">${p.features.map((f) => `<li>${esc(f)}</li>`).join('')}</ul>
        <form class="add-form" data-add-form data-product-id="${p.id}" data-name="${esc(p.name)}" data-price="${p.price}" data-category="${p.category}">
          <label for="qty">Quantity</label>
          <input id="qty" name="quantity" type="number" min="1" max="9" value="1">
          <button type="submit" class="button" data-add-to-cart>Add to cart</button>
        </form>
        <p class="added-note" data-added-note hidden>Added to your cart. <a href="/cart.html">View cart</a></p>
        <p class="product-links">
          <button type="button" class="link-button" data-tm-event="Reviews Viewed" data-tm-product-id="${p.id}" data-tm-category="${p.category}" data-reviews-toggle aria-controls="reviews" aria-expanded="false">Read ${p.reviews} reviews</button>
          · <a href="/compare.html?ids=${[p.id, ...similar.slice(0, 2).map((q) => q.id)].join(',')}" data-compare-link>Compare with similar ${catName(p.category).toLowerCase()}</a>
        </p>
      </div>
    </article>
    <section id="reviews" class="reviews" hidden>
      <h2>What owners say</h2>
      <ul class="review-list">
          ${reviewsFor(p)}
      </ul>
    </section>
    <section class="section">
      <h2 class="section-title">You might also like</h2>
      ${recSlot('related', 4, similar.map(card).join('\n        '))}
    </section>
    <section class="section">
      <h2 class="section-title">Often bought together</h2>
      ${recSlot('bought-together', 3, '<li class="recs-empty">Everything you need for the trip, in one place.</li>')}
    </section>`;
  write(`products/${p.id}.html`, page({ title: p.name, path: p.url, body, main: 'page-product', description: p.description }));
}

function simplePages() {
  write('search.html', page({
    title: 'Search', path: '/search.html', main: 'page-search', body: `    <header class="page-head">
      <h1>Search</h1>
      <p data-search-summary>Type what you are looking for in the search box above.</p>
    </header>
    <ul class="grid" data-search-results></ul>`,
  }));

  write('compare.html', page({
    title: 'Compare products', path: '/compare.html', main: 'page-compare', body: `    <nav class="breadcrumb" aria-label="Breadcrumb"><a href="/">Home</a> › <span>Compare</span></nav>
    <header class="page-head">
      <h1>Compare side by side</h1>
      <p>Specs, prices and owner ratings at a glance.</p>
    </header>
    <div class="compare-table-wrap"><table class="compare-table" data-compare-table></table></div>
    <p data-compare-empty hidden>Choose products to compare from a <a href="/category/packs.html">category page</a>.</p>`,
  }));

  write('cart.html', page({
    title: 'Your cart', path: '/cart.html', main: 'page-cart', body: `    <header class="page-head"><h1>Your cart</h1></header>
    <div class="cart-layout">
      <div>
        <table class="cart-table" data-cart-table hidden>
          <thead><tr><th scope="col">Product</th><th scope="col">Price</th><th scope="col">Quantity</th><th scope="col">Total</th><th scope="col"><span class="visually-hidden">Remove</span></th></tr></thead>
          <tbody data-cart-lines></tbody>
        </table>
        <p class="empty" data-cart-empty hidden>Your cart is empty. <a href="/">Keep shopping</a>.</p>
      </div>
      <aside class="summary" data-cart-summary hidden>
        <h2>Order summary</h2>
        <dl><dt>Subtotal</dt><dd data-cart-subtotal>£0.00</dd><dt>Delivery</dt><dd data-cart-delivery>£0.00</dd><dt class="total">Total</dt><dd class="total" data-cart-total>£0.00</dd></dl>
        <a class="button button-block" href="/checkout.html" data-checkout-link>Checkout securely</a>
      </aside>
    </div>
    <section class="section">
      <h2 class="section-title">Recently viewed</h2>
      ${recSlot('recently-viewed', 4, '<li class="recs-empty">Products you look at appear here (kept on this device only).</li>')}
    </section>`,
  }));

  const help = `<div data-tm-slot="checkout_help" class="slot slot-help">
      <template data-tm-variant="help"><aside class="help-box help-box-active" data-variant="help">
        <h2>Welcome back: need a hand finishing your order?</h2>
        <p>Our team can answer sizing or delivery questions now: call 0131 496 0000 (8am–8pm) or read <a href="/help.html">delivery &amp; returns</a>. Your cart is exactly as you left it.</p>
        <span class="variant-tag">variant: help</span>
      </aside></template>
      <template data-tm-variant="express"><aside class="help-box" data-variant="express">
        <h2>Good to see you again</h2>
        <p>As a Ridgeline customer your delivery is upgraded to next-day at no extra cost.</p>
        <span class="variant-tag">variant: express</span>
      </aside></template>
      <aside class="help-box" data-variant="default">
        <h2>Questions?</h2>
        <p>Free delivery over £100 and 60-day returns. <a href="/help.html">Help &amp; returns</a></p>
      </aside>
    </div>`;

  const steps = (n) => `<ol class="steps"><li${n === 1 ? ' aria-current="step"' : ''}>Shipping</li><li${n === 2 ? ' aria-current="step"' : ''}>Payment</li><li${n === 3 ? ' aria-current="step"' : ''}>Confirmation</li></ol>`;

  write('checkout.html', page({
    title: 'Checkout: shipping', path: '/checkout.html', main: 'page-checkout', body: `    <header class="page-head"><h1>Checkout</h1>${steps(1)}</header>
    <div class="checkout-layout">
      <form class="checkout-form" data-shipping-form>
        <h2>Shipping address</h2>
        <p class="empty" data-checkout-empty hidden>Your cart is empty. <a href="/">Keep shopping</a>.</p>
        <div class="field-row"><label>Full name <input name="name" autocomplete="name" required value=""></label></div>
        <div class="field-row"><label>Email <input name="email" type="email" autocomplete="email" required></label></div>
        <div class="field-row"><label>Address <input name="address" autocomplete="street-address" required></label></div>
        <div class="field-row two"><label>Town <input name="town" autocomplete="address-level2" required></label><label>Postcode <input name="postcode" autocomplete="postal-code" required></label></div>
        <fieldset><legend>Delivery</legend>
          <label class="radio"><input type="radio" name="shipping" value="standard" checked> Standard, 3–5 days (free over £100)</label>
          <label class="radio"><input type="radio" name="shipping" value="express"> Next day, £7.95</label>
        </fieldset>
        <button type="submit" class="button">Continue to payment</button>
      </form>
      <div>
        <aside class="summary" data-checkout-summary><h2>Your order</h2><ul class="mini-cart" data-mini-cart></ul><p class="total">Total <span data-cart-total>£0.00</span></p></aside>
        ${help}
      </div>
    </div>`,
  }));

  write('payment.html', page({
    title: 'Checkout: payment', path: '/payment.html', main: 'page-checkout', body: `    <header class="page-head"><h1>Checkout</h1>${steps(2)}</header>
    <div class="checkout-layout">
      <form class="checkout-form" data-payment-form>
        <h2>Payment</h2>
        <p class="note">This is a demo shop: no card is charged and nothing you type leaves this page.</p>
        <div class="field-row"><label>Name on card <input name="cardname" autocomplete="off" required></label></div>
        <div class="field-row"><label>Card number <input name="card" inputmode="numeric" autocomplete="off" required placeholder="4242 4242 4242 4242"></label></div>
        <div class="field-row two"><label>Expiry <input name="expiry" autocomplete="off" required placeholder="MM/YY"></label><label>CVC <input name="cvc" autocomplete="off" required placeholder="123"></label></div>
        <button type="submit" class="button">Place order</button>
      </form>
      <div>
        <aside class="summary" data-checkout-summary><h2>Your order</h2><ul class="mini-cart" data-mini-cart></ul><p class="total">Total <span data-cart-total>£0.00</span></p></aside>
        ${help}
      </div>
    </div>`,
  }));

  write('confirmation.html', page({
    title: 'Order confirmed', path: '/confirmation.html', main: 'page-confirmation', body: `    <header class="page-head">${steps(3)}</header>
    <section class="confirmation" data-confirmation>
      <h1>Thank you, your order is confirmed</h1>
      <p>Order <strong data-order-id>—</strong> · total <strong data-order-total>£0.00</strong></p>
      <p>We will email you when it ships. In the meantime, the <a href="/journal/layering-guide.html">layering guide</a> will help you get the most from your kit.</p>
      <p><a class="button" href="/">Back to the shop</a> <a class="button button-ghost" href="/account.html">Join the Ridgeline Club</a></p>
      <div data-tm-prompt-slot="referral"></div>
    </section>`,
  }));

  write('account.html', page({
    title: 'Ridgeline Club', path: '/account.html', main: 'page-account', body: `    <header class="page-head">
      <h1>Join the Ridgeline Club</h1>
      <p>Members get 10% off every third order, free re-proofing and early access to the spring sale.</p>
    </header>
    <form class="checkout-form narrow" data-tm-form="sign_up" data-signup-form>
      <div class="field-row"><label>First name <input name="first_name" autocomplete="given-name" required></label></div>
      <div class="field-row"><label>Email <input name="email" type="email" autocomplete="email" required></label></div>
      <label class="radio"><input type="checkbox" name="newsletter" value="yes"> Send me the monthly trail notes</label>
      <button type="submit" class="button">Create my account</button>
      <p class="added-note" data-signup-done hidden>Welcome to the club! (Demo: no account is really created.)</p>
    </form>`,
  }));

  write('help.html', page({
    title: 'Help & returns', path: '/help.html', main: 'page-help', body: `    <header class="page-head"><h1>Help &amp; returns</h1><p>Answers to the questions we hear most.</p></header>
    <div class="faq">
      <details open><summary>How long does delivery take?</summary><p>Standard delivery takes 3–5 working days and is free over £100. Next-day delivery is £7.95 when you order before 2pm.</p></details>
      <details><summary>Can I return used gear?</summary><p>Yes. Our 60-day trail trial means you can use it outdoors and still return it if it is not right.</p></details>
      <details><summary>How do I choose a pack size?</summary><p>Measure your torso from the bony bump at the base of your neck to the top of your hips. Our <a href="/journal/layering-guide.html">journal</a> has a full guide.</p></details>
      <details><summary>Do you repair gear?</summary><p>Everything we sell gets two years of free repairs. Send it to our Kendal workshop with your order number.</p></details>
    </div>
    <section class="contact-box">
      <h2>Still stuck?</h2>
      <p>Call 0131 496 0000 (8am–8pm, every day) or write to help@ridgeline.example.</p>
      <button type="button" class="button" data-tm-event="Support Contacted" data-tm-channel="callback" data-support-button>Request a call back</button>
      <p class="added-note" data-support-done hidden>Thanks, we will call you back within the hour. (Demo: nobody will.)</p>
    </section>`,
  }));

  write('journal/layering-guide.html', page({
    title: 'The three-layer system, explained', path: '/journal/layering-guide.html', main: 'page-journal', description: 'How to layer for a day in the hills.', body: `    <article class="article">
      <nav class="breadcrumb" aria-label="Breadcrumb"><a href="/">Home</a> › <span>Journal</span></nav>
      <p class="eyebrow">Journal · Skills · 6 min read</p>
      <h1>The three-layer system, explained</h1>
      <p class="lede">Mountain weather changes by the hour. Layering lets you add and shed warmth as it does, without carrying a wardrobe.</p>
      <img src="/img/hero.svg" alt="" width="560" height="320">
      <h2>1. The base layer moves sweat</h2>
      <p>Next to your skin you want something that wicks moisture away fast: merino wool or a synthetic. Cotton holds water and chills you the moment you stop.</p>
      <h2>2. The mid layer traps warmth</h2>
      <p>A fleece or a light insulated jacket holds a layer of still air. Take it off on the climb, put it on at the summit.</p>
      <h2>3. The shell keeps the weather out</h2>
      <p>A waterproof, breathable shell blocks wind and rain. Pit zips let heat out on steep ground.</p>
      <h2>Pack it right</h2>
      <p>Everything you are not wearing goes in your pack, so size matters: 20 to 30 litres is right for most day walks. See the <a href="/products/summit-28.html">Summit 28</a> or <a href="/compare.html?ids=summit-28,traverse-45,cragline-18">compare our packs</a>.</p>
    </article>`,
  }));
}

// ---------------------------------------------------------------- images

function productSvg(p) {
  const c = p.colour;
  const shapes = {
    packs: `<rect x="110" y="50" width="100" height="150" rx="30" fill="${c}"/><rect x="125" y="120" width="70" height="55" rx="12" fill="#000" opacity=".18"/><rect x="130" y="38" width="60" height="26" rx="12" fill="${c}" stroke="#000" stroke-opacity=".25" stroke-width="4"/><path d="M120 80h80" stroke="#fff" stroke-opacity=".5" stroke-width="4"/>`,
    shelter: `<path d="M50 200 160 60l110 140z" fill="${c}"/><path d="M160 60v140" stroke="#000" stroke-opacity=".25" stroke-width="4"/><path d="M135 200l25-60 25 60z" fill="#000" opacity=".25"/><path d="M30 200h260" stroke="#3d4a3d" stroke-width="6" stroke-linecap="round"/>`,
    footwear: `<path d="M70 110c0-20 10-40 40-40h30c10 0 14 16 20 30l20 40c40 6 80 14 80 40v10H70z" fill="${c}"/><path d="M70 190h190v14H70z" fill="#2b2b2b"/><path d="M120 100h30M125 115h34M130 130h36" stroke="#fff" stroke-opacity=".6" stroke-width="5" stroke-linecap="round"/>`,
  };
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 320 240" width="320" height="240"><rect width="320" height="240" fill="#f1ede4"/><circle cx="255" cy="55" r="22" fill="#e8a33d" opacity=".5"/>${shapes[p.category]}</svg>\n`;
}

function images() {
  for (const p of PRODUCTS) write(`img/${p.id}.svg`, productSvg(p));
  write('img/hero.svg', `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 560 320" width="560" height="320"><defs><linearGradient id="s" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#f6d8a8"/><stop offset="1" stop-color="#f1ede4"/></linearGradient></defs><rect width="560" height="320" fill="url(#s)"/><circle cx="420" cy="90" r="40" fill="#e8a33d"/><path d="M0 260 120 120l70 80 90-130 120 150 70-60 90 100v60H0z" fill="#2f6b4f"/><path d="M0 290 140 190l90 60 110-80 120 90 100-40v100H0z" fill="#1f4a37"/><path d="M280 70l-25 36h50z" fill="#fff" opacity=".85"/></svg>\n`);
  write('img/favicon.svg', `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#1f4a37"/><path d="M3 26 12 10l6 9 4-5 7 12z" fill="#f1ede4"/></svg>\n`);
}

// ---------------------------------------------------------------- catalog

function catalog() {
  const out = {
    categories: CATEGORIES,
    products: PRODUCTS.map(({ id, name, category, price, rating, reviews, description, features, url, image }) => ({ id, name, category, price, currency: 'GBP', rating, reviews, description, features, url, image })),
  };
  write('catalog.json', JSON.stringify(out, null, 2) + '\n');
  write('recs/catalog.json', JSON.stringify(trailmarkCatalog(PRODUCTS, catName)) + '\n');
}

images();
catalog();
home();
CATEGORIES.forEach(category);
PRODUCTS.forEach(product);
simplePages();
console.log(`demo-shop: wrote ${PRODUCTS.length} products, ${CATEGORIES.length} categories and the static pages`);
