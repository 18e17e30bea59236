// Writes a synthetic but plausible session log for the demo shop, from which `cargo xtask build`
// builds the recommendation model with the CLI (`trailmark model build`). Deterministic (fixed
// seed), so the model is the same on every machine. Usage:
//   node examples/demo-shop/tools/sessions.mjs OUT.jsonl
// One JSON object per event: {"session", "product_id", "ts" (ms), "type": "clicks" | "carts" | "orders"}.
//
// How visitors behave here: each session has a mission (a product family, e.g. walking boots),
// looks at a few products of that family (popular ones more often), wanders to complementary
// families (boots -> socks, gaiters; tents -> footprints, mats, sleeping bags), sometimes carts
// the product it looked at last with a complement, and some of those order. Over the last three
// days sleeping bags and tarps are in fashion (what `trending` should show).

import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rng } from './catalog-data.mjs';

const COMPLEMENTS = {
  daypacks: ['dry-bags', 'running-vests', 'socks'],
  'trekking-packs': ['dry-bags', 'sleeping-mats', 'two-person-tents'],
  'running-vests': ['trail-runners', 'socks'],
  'dry-bags': ['daypacks', 'trekking-packs'],
  'two-person-tents': ['footprints', 'sleeping-mats', 'sleeping-bags'],
  'solo-tents': ['footprints', 'sleeping-mats'],
  footprints: ['two-person-tents', 'solo-tents'],
  'sleeping-mats': ['sleeping-bags', 'two-person-tents'],
  'sleeping-bags': ['sleeping-mats'],
  'walking-boots': ['socks', 'gaiters'],
  'trail-runners': ['socks', 'running-vests'],
  socks: ['walking-boots', 'trail-runners'],
  gaiters: ['walking-boots', 'socks'],
};

export function sessions(catalog, count = 4000) {
  const r = rng(7);
  const bySub = {};
  for (const p of catalog.products) (bySub[p.categories[1]] = bySub[p.categories[1]] || []).push(p);
  // Popularity within a family: Zipf-like over a shuffled order; the shop's flagships lead.
  const weight = new Map();
  for (const list of Object.values(bySub)) {
    const order = list.map((p) => [r(), p]).sort((a, b) => a[0] - b[0]).map((x) => x[1]);
    order.forEach((p, i) => weight.set(p.id, (p.attributes.brand === 'Ridgeline' ? 3 : 1) / Math.pow(i + 1, 0.8)));
  }
  const pick = (sub, boost) => {
    const list = bySub[sub];
    const w = list.map((p) => weight.get(p.id) * (boost && boost(p) ? 4 : 1));
    let x = r() * w.reduce((a, b) => a + b, 0);
    for (let i = 0; i < list.length; i++) if ((x -= w[i]) <= 0) return list[i];
    return list[list.length - 1];
  };
  const subs = Object.keys(bySub);
  const start = Date.UTC(2026, 9, 1);
  const days = 28;
  const out = [];
  for (let s = 0; s < count; s++) {
    let t = start + Math.floor((s / count) * days * 864e5) + Math.floor(r() * 36e5);
    const late = t > start + (days - 3) * 864e5;
    const inFashion = (p) => late && (p.categories[1] === 'sleeping-bags' || p.id === 'hollow-tarp');
    const mission = late && r() < 0.3 ? 'sleeping-bags' : subs[Math.floor(r() * subs.length)];
    const views = [];
    const ev = (p, type) => {
      t += 20e3 + Math.floor(r() * 100e3);
      out.push({ session: 's' + s, product_id: p.id, ts: t, type });
    };
    let n = 2 + Math.floor(r() * 6);
    while (n--) {
      const x = r();
      const sub = x < 0.6 || !views.length ? mission : x < 0.85 ? COMPLEMENTS[mission][Math.floor(r() * COMPLEMENTS[mission].length)] : subs[Math.floor(r() * subs.length)];
      const p = x > 0.9 && views.length ? views[Math.floor(r() * views.length)] : pick(sub, inFashion);
      views.push(p);
      ev(p, 'clicks');
    }
    if (r() < 0.35) {
      const main = views.filter((p) => p.availability !== 'out_of_stock').pop();
      if (!main) continue;
      ev(main, 'carts');
      const carted = [main];
      if (r() < 0.5) {
        const c = pick(COMPLEMENTS[main.categories[1]][Math.floor(r() * COMPLEMENTS[main.categories[1]].length)]);
        if (c.availability !== 'out_of_stock') {
          ev(c, 'clicks');
          ev(c, 'carts');
          carted.push(c);
        }
      }
      if (r() < 0.55) for (const p of carted) ev(p, 'orders');
    }
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = process.argv[2];
  if (!out) {
    console.error('usage: node examples/demo-shop/tools/sessions.mjs OUT.jsonl');
    process.exit(2);
  }
  const shop = join(dirname(fileURLToPath(import.meta.url)), '..');
  const catalog = JSON.parse(readFileSync(join(shop, 'recs', 'catalog.json'), 'utf8'));
  const events = sessions(catalog);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  console.log(`demo-shop: wrote ${events.length} events to ${out}`);
}
