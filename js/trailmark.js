// Trailmark script tag: <script async src="/trailmark/trailmark.js" data-config="/trailmark.json"></script>. Documented in js/README.md
((w, d) => {
  let s = d.currentScript || d.querySelector('script[src*="trailmark.js"]'),
    t = w.trailmark,
    fail = (e) => {
      // runtime.js could not even load: stop the loader, put defaults back, calls become no-ops
      console.error('Trailmark: wasm/load: Trailmark could not start; default content stays', e);
      let mo = t._mo;
      if (mo) mo.disconnect();
      for (let el of d.querySelectorAll('[data-tm-applied]')) {
        if (!el._tmd) continue;
        for (let k of [...el.childNodes]) if (k.localName != 'template') k.remove();
        el.append(el._tmd);
        el._tmd = null;
        el.removeAttribute('data-tm-applied');
      }
      for (let e of t._q.splice(0)) e[3] && e[3].r && e[3].r(); // early callers are not left waiting
      // a no-op instance answering what a failed runtime answers (js/README.md, index.d.ts)
      let P = () => Promise.resolve(), v = (x) => () => x, f = Object.assign(new Error('Trailmark could not start'), { name: 'TrailmarkError', code: 'wasm/load', cause: e });
      t._i = { ready: false, failed: f, track: P, page: P, identify: v(), stage: () => [], journey: () => ({}), lifecycle: v(null), decide: () => [], explain: v(null), prompt: () => Promise.resolve(null), on: () => () => {}, consent: () => ({}), export: v(null), forget: P, debug: P, privacyPanel: P, recommend: () => Promise.resolve([]) };
      t.ready = false;
      t.failed = f;
    };
  if (t && (t._loading || !t._q)) return console.warn('Trailmark: trailmark.js was loaded twice; keeping the first instance');
  if (!t) {
    // the same stub as loader.js, for pages that use this script tag alone
    t = w.trailmark = { _q: [] };
    'track page identify stage journey lifecycle decide explain prompt on consent export forget debug privacyPanel recommend'.split(' ').map((m) => (t[m] = (...a) => {
      if (t._i) return t._i[m](...a);
      let e = [m, a, Date.now(), {}];
      t._q.push(e);
      return m == 'on' ? () => (e[3].off ? e[3].off() : (e[3].cancelled = 1)) : new Promise((r) => (e[3].r = r));
    }));
  }
  t._loading = 1;
  try {
    let c = (s && s.getAttribute('data-config')) || (d.querySelector('script[data-config]') || s).getAttribute('data-config'),
      // Fetch everything start-up needs at once rather than one file after another: the wasm and
      // the config (as the fetches that use them will ask) while the runtime (the wasm-bindgen
      // glue inside), imported below, arrives.
      link = (f, rel, as) => {
        let l = d.createElement('link');
        l.rel = rel;
        l.href = new URL(f, s.src);
        if (as) (l.as = as), (l.crossOrigin = '');
        d.head.append(l);
      };
    link('pkg/trailmark_bg.wasm', 'preload', 'fetch');
    if (c) link(new URL(c, d.baseURI), 'preload', 'fetch');
    import(new URL('runtime.js', s.src))
      .then((m) => m.Trailmark.load({ configUrl: c && new URL(c, d.baseURI).href, stub: t }))
      .then((tm) => (w.trailmark = tm), fail);
  } catch (e) {
    fail(e);
  }
})(window, document);
