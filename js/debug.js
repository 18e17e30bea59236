// The debug panel (`trailmark.debug()`), loaded only when asked for. It draws what the engine
// knows about this visitor, for a marketer: channel, stage probabilities over time, micro
// journeys, recent touchpoints and why each slot shows what it shows. Built with DOM calls and
// textContent only, styled through a constructed stylesheet (works under `style-src 'self'`).
// Once opened it stays open on the next pages of the session (sessionStorage flag).

const CSS = `
:host{all:initial}
.p{position:fixed;right:12px;bottom:12px;z-index:2147483647;width:min(380px,calc(100vw - 24px));max-height:80vh;overflow:auto;
background:#fff;color:#1d2433;font:12px/1.4 system-ui,sans-serif;border:1px solid #cfd6e4;border-radius:10px;box-shadow:0 8px 30px #0003}
header{display:flex;align-items:center;gap:6px;padding:8px 10px;background:#1d2433;color:#fff;position:sticky;top:0}
header b{flex:1}button{font:inherit;border:1px solid #cfd6e4;background:#f4f6fa;border-radius:5px;padding:2px 7px;cursor:pointer}
section{padding:8px 10px;border-top:1px solid #eef1f6}h4{margin:0 0 4px;font-size:11px;text-transform:uppercase;color:#5b6475;letter-spacing:.04em}
.row{display:flex;align-items:center;gap:6px;margin:2px 0}.lab{width:92px}.bar{flex:1;height:10px;background:#eef1f6;border-radius:5px;overflow:hidden}
.fill{height:100%;background:#7aa2f7}.top .fill{background:#2f6fed}.num{width:36px;text-align:right}
table{width:100%;border-collapse:collapse}td{padding:1px 3px;vertical-align:top}.muted{color:#7b8496}
.ok{color:#197a3e}.warn{color:#b3261e}svg{display:block;width:100%;height:70px}`;

const COLORS = ['#9bb7ff', '#7aa2f7', '#f2b84b', '#e07a5f', '#81b29a', '#3d405b', '#b58cd9', '#5fb3b3'];
const MAX_HISTORY = 60;

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

function svg(tag, attrs) {
  const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const k in attrs) e.setAttribute(k, attrs[k]);
  return e;
}

const pct = (p) => Math.round(p * 100) + '%';
const time = (ms) => (ms ? new Date(ms).toLocaleTimeString() : '');

let panel = null;

export function openDebug(tm) {
  const key = 'trailmark:' + tm._ns + ':debug';
  // Its history is kept for the tab only with storage consent (`functional`); else for the page.
  const session = (() => {
    try {
      return tm._store && tm._store._durable ? globalThis.sessionStorage : null;
    } catch (e) {
      return null;
    }
  })();
  const read = () => {
    try {
      return JSON.parse(session.getItem(key)) || [];
    } catch (e) {
      return [];
    }
  };
  const write = (h) => {
    try {
      session.setItem(key, JSON.stringify(h));
    } catch (e) {
      /* the panel still works for this page */
    }
  };
  if (panel) return panel.refresh();
  if (!session || !session.getItem(key)) write([]);

  const host = el('div', { 'data-tm-debug': '' });
  const root = host.attachShadow({ mode: 'open' });
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
  } catch (e) {
    /* unstyled but usable */
  }
  const body = el('div');
  const close = el('button', { title: 'Close' }, '×');
  const forget = el('button', { title: 'Erase everything Trailmark keeps' }, 'Forget me');
  const exp = el('button', { title: 'Download the profile as JSON' }, 'Export');
  root.append(el('div', { class: 'p' }, el('header', {}, el('b', {}, 'Trailmark · on this device only'), exp, forget, close), body));
  document.body.append(host);

  const refresh = () => {
    const now = Date.now();
    const stages = tm.stage();
    const journeys = tm.journey();
    const life = tm.lifecycle() || {};
    const x = tm.export() || {};
    const history = read();
    const last = history[history.length - 1];
    const probs = stages.map((s) => Math.round(s.probability * 1000) / 1000);
    if (!last || last.p.join() !== probs.join()) {
      history.push({ at: now, p: probs });
      write(history.slice(-MAX_HISTORY));
    }
    body.replaceChildren(
      channelSection(life),
      stageSection(stages, history.slice(-MAX_HISTORY)),
      journeySection(journeys, now),
      touchSection(x.touchpoints || []),
      slotSection(tm.decide(), stages),
      promptSection(tm, stages),
    );
  };

  close.onclick = () => {
    host.remove();
    panel = null;
    try {
      session.removeItem(key);
    } catch (e) {
      /* nothing to remove */
    }
  };
  forget.onclick = () => tm.forget().then(refresh);
  exp.onclick = () => {
    const url = URL.createObjectURL(new Blob([JSON.stringify(tm.export(), null, 2)], { type: 'application/json' }));
    const a = el('a', { href: url, download: 'trailmark-profile.json' });
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  panel = { refresh };
  tm._debugRefresh = refresh;
  refresh();
}

function channelSection(l) {
  const ch = l.channel || {};
  const t = (c) => (c ? c.group + (c.source ? ' · ' + c.source : '') + (c.campaign ? ' · ' + c.campaign : '') : '—');
  return el('section', {}, el('h4', {}, 'Visitor'),
    el('table', {},
      el('tr', {}, el('td', { class: 'muted' }, 'This visit'), el('td', {}, t(l.session && l.session.channel))),
      el('tr', {}, el('td', { class: 'muted' }, 'First touch'), el('td', {}, t(ch.first))),
      el('tr', {}, el('td', { class: 'muted' }, 'Visits'), el('td', {}, (l.visits || 0) + (l.returning ? ' (returning)' : ' (new)'))),
      el('tr', {}, el('td', { class: 'muted' }, 'Orders'), el('td', {}, (l.orders || 0) + (l.customer ? ' · customer' : ''))),
      el('tr', {}, el('td', { class: 'muted' }, 'Cart'), el('td', {}, ((l.cart && l.cart.items) || []).length + ' item(s)')),
      el('tr', {}, el('td', { class: 'muted' }, 'Interests'), el('td', {}, (l.interests || []).slice(0, 3).map((i) => i.category).join(', ') || '—'))));
}

function stageSection(stages, history) {
  const top = stages.reduce((a, s) => (s.probability > a.probability ? s : a), { probability: -1 });
  const rows = stages.map((s, i) => el('div', { class: 'row' + (s === top ? ' top' : ''), title: s.evidence.slice(-4).map((e) => e.cause + ' (' + e.weight.toFixed(2) + ')').join('\n') },
    el('span', { class: 'lab' }, s.label), barOf(s.probability, COLORS[i % COLORS.length]), el('span', { class: 'num' }, pct(s.probability))));
  // Stacked columns: one per moment the probabilities changed (this session).
  const chart = svg('svg', { viewBox: '0 0 ' + MAX_HISTORY + ' 1', preserveAspectRatio: 'none', role: 'img', 'aria-label': 'stage probabilities over time' });
  history.forEach((h, x) => {
    let y = 0;
    h.p.forEach((p, i) => {
      chart.append(svg('rect', { x, y, width: 0.9, height: p, fill: COLORS[i % COLORS.length] }));
      y += p;
    });
  });
  return el('section', {}, el('h4', {}, 'Journey stage (hover for evidence)'), ...rows, chart);
}

function barOf(p, color) {
  const fill = el('div', { class: 'fill' });
  fill.style.width = pct(p);
  fill.style.background = color;
  return el('div', { class: 'bar' }, fill);
}

function journeySection(journeys, now) {
  const rows = Object.keys(journeys).map((id) => {
    const j = journeys[id];
    const left = j.deadline && j.status !== 'completed' && j.status !== 'abandoned' ? Math.max(0, Math.round((j.deadline - now) / 60000)) + ' min left' : '';
    const cls = j.status === 'completed' ? 'ok' : j.status === 'abandoned' ? 'warn' : '';
    return el('tr', {}, el('td', {}, id), el('td', { class: cls }, j.status), el('td', {}, j.step_label ? j.step_label + ' (' + (j.step + 1) + '/' + j.steps + ')' : ''), el('td', { class: 'muted' }, left));
  });
  return el('section', {}, el('h4', {}, 'Micro journeys'), el('table', {}, ...rows));
}

function touchSection(tps) {
  const rows = tps.slice(-12).reverse().map((t) => el('tr', {}, el('td', { class: 'muted' }, time(t.at)), el('td', {}, t.event), el('td', { class: 'muted' }, t.product_id || t.path || '')));
  return el('section', {}, el('h4', {}, 'Recent touchpoints'), el('table', {}, ...rows));
}

// "Why am I seeing this?" in plain words: what the matching rule read, the experiment arm, and
// the evidence behind the likeliest stage.
function phrase(r) {
  const v = r.value;
  const n = r.name;
  if (v === null || v === undefined) return n + ' is not known';
  if (n === 'new_visitor') return v ? 'this is your first visit' : 'you have been here before';
  if (n === 'returning') return v ? 'you have been here before' : 'this is your first visit';
  if (n === 'customer') return v ? 'you have ordered before' : 'you have not ordered yet';
  if (n === 'top_stage') return 'you look most like you are in "' + v + '"';
  if (n === 'visits') return 'this is visit ' + v;
  if (n === 'cart.empty') return v ? 'your cart is empty' : 'your cart has something in it';
  if (n === 'cart.items') return 'your cart holds ' + v + ' item(s)';
  if (n === 'cart.value') return 'your cart is worth ' + v;
  if (n.startsWith('journey.')) return 'your ' + n.slice(8) + ' is ' + (v === 'abandoned' ? 'unfinished' : v);
  if (n.startsWith('stage.')) return 'the chance you are in "' + n.slice(6) + '" is ' + pct(v);
  if (n === 'page.path') return 'you are on ' + v;
  return n + ' is ' + (typeof v === 'number' ? Math.round(v * 100) / 100 : v);
}

function because(e, stages) {
  const parts = [];
  if (e.condition) parts.push('because ' + (e.reads || []).map(phrase).join(' and ') + '.');
  else if (e.condition === null && e.trigger === undefined) parts.push('no rule matched, so you see the page as written.');
  const top = stages.find((s) => s.stage === e.top_stage);
  const ev = (e.evidence || []).slice(0, 3).map((x) => x.cause + ' (' + (x.weight > 0 ? '+' : '') + x.weight.toFixed(1) + ')');
  if (e.top_stage) parts.push('Your likeliest stage is ' + (top ? top.label : e.top_stage) + ' (' + pct(e.probability) + ')' + (ev.length ? ', mostly from: ' + ev.join(', ') + '.' : '.'));
  return parts.join(' ');
}

function experimentNote(x) {
  if (!x) return '';
  return x.holdout ? ' You are in the hold-out group of experiment ' + x.id + ', so you see the default.' : ' Experiment ' + x.id + ' put you in arm "' + x.arm + '".';
}

function slotSection(decisions, stages) {
  const rows = decisions.map((d) => {
    const e = d.explanation || {};
    const why = because(e, stages) + experimentNote(d.experiment);
    return el('tr', {}, el('td', {}, d.slot), el('td', {}, d.variant || 'default'), el('td', { class: 'muted', title: e.text || '' }, why));
  });
  return el('section', {}, el('h4', {}, 'Slots: why am I seeing this?'), rows.length ? el('table', {}, ...rows) : el('div', { class: 'muted' }, 'no slot decisions yet'));
}

function promptSection(tm, stages) {
  const shown = tm._shown || {};
  const rows = Object.keys(shown).map((id) => {
    const e = shown[id].explanation || {};
    const why = 'Shown on ' + e.trigger + ' ' + because(e, stages) + ' Shown ' + e.shown_session + ' time(s) earlier this session; ' + e.budget_used + ' of ' + e.budget + ' prompts this session.' + experimentNote(shown[id].experiment);
    const skipped = (e.passed_over || []).map((p) => p.prompt + ': ' + p.reason).join('; ');
    return el('tr', {}, el('td', {}, id), el('td', { class: 'muted', title: e.text || '' }, why + (skipped ? ' Not shown instead: ' + skipped + '.' : '')));
  });
  return el('section', {}, el('h4', {}, 'Prompts on this page: why am I seeing this?'), rows.length ? el('table', {}, ...rows) : el('div', { class: 'muted' }, 'no prompt shown on this page'));
}
