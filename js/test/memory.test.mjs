// The engine wasm's heap in steady use. The wasm allocates with its own size-class allocator
// (src/lib.rs): blocks are never merged, split or given back, so a leak or a pattern that keeps
// asking for new blocks would grow the page's memory for as long as the page stays open. After
// a warm-up, thousands more touchpoints with decisions, prompt decisions, views and the encode /
// reload round trip every batch makes must need no new 64 KiB page.
import * as engine from './engine.mjs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const root = new URL('../../', import.meta.url);

/** One batch of a long visit: `i` picks pages, products, channels and searches in rotation. */
function batch(rt, i, at) {
  const page = `https://shop.example/products/p${i % 300}?utm_source=news${i % 7}&utm_medium=email`;
  const referrer = i % 5 ? 'https://shop.example/' : 'https://www.google.com/';
  rt.ingest('Page Viewed', { title: `Product ${i % 300}` }, page, referrer, at);
  rt.ingest('Product Viewed', { product_id: `p${i % 300}`, category: `c${i % 9}`, price: (i % 100) + 0.5 }, page, referrer, at + 1000);
  if (i % 3 === 0) rt.ingest('Products Searched', { query: 'x'.repeat(1 + (i % 40)) }, page, referrer, at + 2000);
  if (i % 4 === 0) rt.ingest('Product Added', { product_id: `p${i % 300}`, price: 10, quantity: 1 + (i % 3) }, page, referrer, at + 3000);
  if (i % 11 === 0) rt.ingest('Checkout Started', { value: 30 }, page, referrer, at + 4000);
  if (i % 29 === 0) rt.ingest('Order Completed', { order_id: `o${i}`, revenue: 30 }, page, referrer, at + 5000);
  if (i % 7 === 0) rt.ingest(`custom event ${i % 13}`, { n: i }, page, referrer, at + 6000);
  rt.decide(at + 7000, { url: page });
  engine.decidePrompt(rt, at + 7000, { url: page }, 'page_view');
  rt.stage(at + 7000);
  rt.journey();
  rt.lifecycle(at + 7000);
  if (i % 10 === 0) rt.export(at + 7000);
  const saved = rt.reload(rt.encode());
  assert.equal(saved, undefined, 'the state it wrote reads back');
}

test('the engine heap stops growing in steady use', { skip: engine.skip }, async () => {
  const { newRuntime, memory } = await engine.load();
  assert.ok(memory, 'the engine exports its memory');
  const config = JSON.parse(readFileSync(new URL('examples/demo-shop/trailmark.json', root), 'utf8'));
  const rt = newRuntime(config, 0);
  if (rt.needsSeed()) rt.seed(12345);
  rt.loadSources(readFileSync(new URL('dist/pkg/trailmark_sources.txt', root)));
  let at = Date.UTC(2026, 0, 1);
  const run = (from, to) => {
    for (let i = from; i < to; i++, at += 20 * 60_000) batch(rt, i, at);
  };
  run(0, 2000);
  const warm = memory.buffer.byteLength;
  run(2000, 6000);
  assert.equal(memory.buffer.byteLength, warm, `grew from ${warm / 65536} to ${memory.buffer.byteLength / 65536} pages`);
});
