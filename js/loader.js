// Trailmark head loader; documented in js/README.md
((w, d) => {
 let s = d.currentScript, t = w.trailmark, A = (e, a) => e.getAttribute(a), E = CSS.escape, plan, facts = {}, mo
 if (!t) {
  t = w.trailmark = { _q: [] }
  'track page identify stage journey lifecycle decide explain prompt on consent export forget debug privacyPanel recommend'.split(' ').map(m => t[m] = (...a) => {
   if (t._i) return t._i[m](...a)
   let e = [m, a, Date.now(), {}]
   t._q.push(e)
   return m == 'on' ? () => e[3].off ? e[3].off() : e[3].cancelled = 1 : new Promise(r => e[3].r = r)
  })
 }
 let K = 'trailmark:' + (A(s, 'data-namespace') || 'default') + ':'
 try {
  plan = JSON.parse(localStorage[K + 'plan'])
  facts = JSON.parse(localStorage[K + 'facts'] || 0) || facts
 } catch (e) {}
 if (plan) {
  t._mo = mo = new MutationObserver(r => { try {
   for (let x of r) for (let n of x.addedNodes) x.target._tmd && n.parentNode == x.target && n.localName != 'template' && x.target._tmd.append(n)
   for (let el of d.querySelectorAll('[data-tm-slot]:not(template):not([data-tm-applied])')) {
    let id = A(el, 'data-tm-slot'), v = plan[id], c,
     tp = v && (el.querySelector(`:scope>template[data-tm-variant="${E(v)}"]`) || d.querySelector(`template[data-tm-slot="${E(id)}"][data-tm-variant="${E(v)}"]`))
    for (let n = tp; n; n = n.parentNode) if (n.nextSibling) {
     c = tp.content.cloneNode(true)
     for (let x of c.querySelectorAll('[data-tm-text]')) (n = facts[A(x, 'data-tm-text')]) != null && (x.textContent = n)
     el._tmd = d.createDocumentFragment()
     el._tmd.append(...[...el.childNodes].filter(k => k.localName != 'template'))
     el.append(c)
     el.setAttribute('data-tm-applied', v)
     break
    }
   }
   mo.takeRecords()
  } catch (e) {} })
  mo.observe(d.documentElement, { childList: true, subtree: true })
  d.addEventListener('DOMContentLoaded', () => mo.disconnect())
 }
 let m = d.createElement('script')
 m.src = new URL('trailmark.js', s.src)
 d.head.append(m)
})(window, document)
