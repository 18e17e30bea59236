// The demo shop's wider range: a few hundred credible products generated deterministically from
// product families (no randomness at run time: a fixed-seed generator), plus the Trailmark
// recommendation catalog (`recs/catalog.json`) made from every product. generate.mjs imports
// this; sessions.mjs reads the catalog it writes to make the session log the model is built from.

/** A small deterministic generator (mulberry32). */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Family: subcategory id, label, category, price range, names, description and features makers.
const FAMILIES = [
  ['daypacks', 'Daypacks', 'packs', [45, 120], ['Corrie', 'Tarn', 'Bealach', 'Glen', 'Stac'], (n, v) => `A ${v} litre daypack for long walks, with a ventilated back and a stretch front pocket.`, (v) => [`${v} L`, 'Ventilated back panel', 'Hip-belt pockets', 'Rain cover included'], [18, 22, 25, 30, 32]],
  ['trekking-packs', 'Trekking packs', 'packs', [130, 260], ['Munro', 'Cuillin', 'Torridon', 'Nevis'], (n, v) => `A ${v} litre pack for multi-day treks with an adjustable back system.`, (v) => [`${v} L`, 'Adjustable torso', 'Lid and front access', 'Hydration compatible'], [40, 45, 55, 65]],
  ['running-vests', 'Running vests', 'packs', [55, 130], ['Skyline', 'Ridgerun', 'Fellstride'], (n, v) => `A ${v} litre running vest that stays put on fast descents.`, (v) => [`${v} L`, 'Two soft flasks', 'Chest pockets', 'Reflective trim'], [5, 8, 12]],
  ['dry-bags', 'Dry bags', 'packs', [9, 35], ['Burn', 'Lochan', 'Spate'], (n, v) => `A roll-top ${v} litre dry bag to keep spare layers dry inside your pack.`, (v) => [`${v} L`, 'Roll-top closure', 'Welded seams', 'Lash point'], [3, 5, 8, 13, 20]],
  ['two-person-tents', 'Two-person tents', 'shelter', [220, 480], ['Bothy', 'Shieling', 'Lairig', 'Cairn'], (n, v) => `A ${v} kg two-person tent with two porches, pitched outer first in the rain.`, (v) => [`2 person, ${v} kg`, 'Two doors', 'Outer-first pitch', '3,000 mm flysheet'], ['1.4', '1.7', '2.1', '2.6']],
  ['solo-tents', 'Solo tents', 'shelter', [180, 380], ['Lone', 'Summit', 'Ardent'], (n, v) => `A ${v} kg one-person tent that packs down to the size of a water bottle.`, (v) => [`1 person, ${v} kg`, 'Trekking-pole pitch', 'Mesh inner', 'Compact pack size'], ['0.8', '1.0', '1.3']],
  ['footprints', 'Footprints & pegs', 'shelter', [12, 45], ['Groundwork', 'Anchor', 'Holdfast'], (n, v) => `${v} that save your groundsheet from sharp stones and hold in a gale.`, (v) => [v, 'Lightweight', 'Fits most tents', 'Stuff sack'], ['Tent footprint', 'Alloy pegs ×8', 'Rock pegs ×6', 'Guyline kit']],
  ['sleeping-mats', 'Sleeping mats', 'shelter', [45, 160], ['Drift', 'Moss', 'Heather'], (n, v) => `An R-value ${v} sleeping mat for three-season nights on hard ground.`, (v) => [`R-value ${v}`, 'Quiet fabric', 'Pump sack included', 'Repair kit'], ['2.5', '3.2', '4.1', '5.5']],
  ['sleeping-bags', 'Sleeping bags', 'shelter', [90, 340], ['Ember', 'Glow', 'Hearth'], (n, v) => `A sleeping bag with a ${v} comfort rating and a snug hood.`, (v) => [`Comfort ${v}`, 'Box-wall baffles', 'Draught collar', 'Compression sack'], ['+8 °C', '+3 °C', '-2 °C', '-6 °C']],
  ['walking-boots', 'Walking boots', 'footwear', [120, 240], ['Scarp', 'Crag', 'Ben', 'Tor'], (n, v) => `A ${v} walking boot with a grippy outsole and a waterproof lining.`, (v) => [`${v} cut`, 'Waterproof membrane', 'Lugged outsole', 'Padded collar'], ['mid', 'high', 'mid', 'low']],
  ['trail-runners', 'Trail runners', 'footwear', [90, 170], ['Scree', 'Bog', 'Fellrace', 'Ghyll'], (n, v) => `A trail shoe with ${v} mm lugs for mud, grass and loose rock.`, (v) => [`${v} mm lugs`, 'Rock plate', 'Drainage ports', 'Gusseted tongue'], [4, 5, 6, 8]],
  ['socks', 'Hiking socks', 'footwear', [12, 28], ['Merino', 'Loft', 'Toasty', 'Trek'], (n, v) => `${v} merino walking socks that stay soft after days on the trail.`, (v) => [`${v} weight`, 'Merino blend', 'Cushioned heel', 'Seamless toe'], ['Light', 'Mid', 'Heavy']],
  ['gaiters', 'Gaiters & insoles', 'footwear', [18, 55], ['Spate', 'Heel', 'Stride'], (n, v) => `${v} that keep bogs and grit out and feet comfortable.`, (v) => [v, 'Adjustable', 'Durable fabric', 'Fits most boots'], ['Ankle gaiters', 'Knee gaiters', 'Support insoles', 'Cushion insoles']],
];

export const SUBCATEGORY = Object.fromEntries(FAMILIES.map((f) => [f[0], f[1]]));

// The twelve hand-written products belong to these families.
export const HAND_SUBCATEGORY = {
  'summit-28': 'daypacks', 'traverse-45': 'trekking-packs', 'cragline-18': 'daypacks', 'drift-12': 'running-vests',
  'ember-2': 'two-person-tents', 'lumen-ul1': 'solo-tents', 'hollow-tarp': 'footprints', 'bivvy-pro': 'solo-tents',
  'ridge-mid-gtx': 'walking-boots', 'scree-runner': 'trail-runners', 'basecamp-slip': 'socks', 'alpine-approach': 'walking-boots',
};

const BRANDS = ['Ridgeline', 'Corrie & Co', 'Munro Works', 'Bothy Gear', 'Tarn & Fell', 'Loch Outdoor'];
const COLOURS = ['#c2552d', '#2f6b4f', '#3b5b8c', '#7a4e9c', '#d08a2c', '#6f8f3a', '#4b7f86', '#5a5f66', '#8a5a3b', '#d1453b', '#41729f', '#59606b'];
const cap = (s) => s.replace(/\b[a-z]/g, (c) => c.toUpperCase());
// What one product of a family is called: "Daypack", "Trekking Pack", "Hiking Socks".
const kind = (sub, label) => (sub === 'socks' ? 'Hiking Socks' : cap(label.split(' & ')[0].replace(/s$/, '')));
const slug = (s) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/** The generated range: about 19 products per family, ids unique and stable. */
export function extraProducts(handIds) {
  const r = rng(2026);
  const out = [];
  const used = new Set(handIds);
  for (const [sub, label, category, [lo, hi], names, describe, features, variants] of FAMILIES) {
    for (const name of names) {
      for (let k = 0; k < Math.ceil(19 / names.length); k++) {
        const v = variants[(k + names.indexOf(name)) % variants.length];
        const again = k >= variants.length ? ' II' : '';
        const full = typeof v === 'string' && / |×/.test(v) ? `${name} ${v}${again}` : `${name} ${kind(sub, label)} ${typeof v === 'number' ? v : cap(v)}${again}`;
        let id = slug(`${name}-${sub}-${k + 1}`);
        while (used.has(id)) id += '-b';
        used.add(id);
        const price = Math.round(lo + r() * (hi - lo)) - 0.01 * (r() < 0.5);
        out.push({
          id, name: full, category, subcategory: sub, brand: BRANDS[Math.floor(r() * BRANDS.length)],
          price: Math.round(price * 100) / 100, colour: COLOURS[Math.floor(r() * COLOURS.length)],
          rating: Math.round((3.9 + r() * 1.0) * 10) / 10, reviews: 5 + Math.floor(r() * 240),
          description: describe(name, v), features: features(v),
          // About one in twenty is out of stock.
          availability: r() < 0.05 ? 'out_of_stock' : 'in_stock',
        });
      }
    }
  }
  return out;
}

/** Every product in Trailmark's catalog format (README: recommendations). */
export function trailmarkCatalog(products, categoryName) {
  return {
    products: products.map((p) => ({
      id: p.id, title: p.name, url: p.url, image: p.image, price: p.price, currency: 'GBP',
      categories: [p.category, p.subcategory],
      availability: p.availability,
      attributes: { brand: p.brand, category_name: categoryName(p.category), subcategory_name: SUBCATEGORY[p.subcategory], rating: p.rating },
    })),
  };
}
