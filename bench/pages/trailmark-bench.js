/* The standalone Trailmark benchmark page's measurements (bench/pages/trailmark.html). Runs
   before the head loader: marks the start, notices the moment trailmark.js installs a ready
   instance, then measures and publishes window.__results (and prints them in #out). */
(function (w) {
  var t0 = performance.now(), readyAt = null, v;
  Object.defineProperty(w, 'trailmark', {
    configurable: true,
    get: function () { return v; },
    set: function (x) { v = x; if (x && x.ready === true && readyAt == null) { readyAt = performance.now(); setTimeout(run, 500); } },
  });
  function ev(i) { return { product_id: 'p' + (i % 50), name: 'Trail boot ' + (i % 50), category: 'footwear', price: 129, currency: 'EUR', position: i % 10 }; }
  async function wasmBytes() {
    try { return Object.values(await (await (await import('/trailmark/runtime.js')).engine()).default()).find(function (x) { return x instanceof WebAssembly.Memory; }).buffer.byteLength; } catch (e) { return null; }
  }
  async function run() {
    var tm = w.trailmark, r = { ready_ms: readyAt - t0, slots: document.querySelectorAll('[data-tm-slot]:not(template)').length };
    r.wasm_bytes = await wasmBytes();
    var n = 1000, p = [], a = performance.now(), i;
    for (i = 0; i < n; i++) p.push(tm.track('Product Viewed', ev(i)));
    var b = performance.now();
    await Promise.all(p);
    r.track_sync_us = (b - a) * 1000 / n;
    r.track_settled_us = (performance.now() - a) * 1000 / n;
    a = performance.now();
    for (i = n; i < n + 100; i++) await tm.track('Product Viewed', ev(i));
    r.track_awaited_ms = (performance.now() - a) / 100;
    a = performance.now();
    for (i = 0; i < 1000; i++) tm.decide();
    r.decide_us = (performance.now() - a) * 1000 / 1000;
    r.decisions = tm.decide().length;
    if (tm._rt && tm._pageContext) { // the engine's decision (internal API: what every batch runs)
      a = performance.now();
      for (i = 0; i < 1000; i++) tm._rt.decide(Date.now(), tm._pageContext());
      r.engine_decide_us = (performance.now() - a) * 1000 / 1000;
    }
    // prompts.js decides prompts: the runtime's own instance of it (fetched at start-up)
    var prompts = tm._rt && tm._config && tm._config.decide ? await import('/trailmark/prompts.js') : null;
    if (tm._rt && prompts && prompts.decide) { // 20 prompts, all on exit intent (never fired here)
      var ctx = tm._pageContext();
      r.prompts = Object.keys(tm._config.prompts || {}).length;
      a = performance.now();
      for (i = 0; i < 1000; i++) prompts.decide(tm, Date.now(), ctx, 'exit_intent');
      r.engine_prompt_us = (performance.now() - a) * 1000 / 1000;
      a = performance.now();
      for (i = 0; i < 1000; i++) { tm._rt.decide(Date.now(), ctx); prompts.decide(tm, Date.now(), ctx, 'exit_intent'); }
      r.engine_page_us = (performance.now() - a) * 1000 / 1000;
    }
    for (i = n + 100; i < 10000; i += 1000) {
      p = [];
      for (var j = i; j < Math.min(10000, i + 1000); j++) p.push(tm.track('Product Viewed', ev(j)));
      await Promise.all(p);
    }
    r.wasm_after_bytes = await wasmBytes();
    w.__results = r;
    document.getElementById('out').textContent = JSON.stringify(r, null, 1);
  }
})(window);
