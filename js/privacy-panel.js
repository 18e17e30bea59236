// The visitor's privacy panel (`trailmark.privacyPanel()` or a click on any `[data-tm-privacy]`
// element), loaded only when asked for: "what this site knows about you" in plain words (the
// journey stage, interests, recent touchpoints, where it is kept, what may leave), with buttons
// to download everything (`export()`, as a JSON file) and to erase it (`forget()`, every tab).
// A modal `<dialog>` (focus moves into it, Escape closes it, focus returns to where it was),
// labelled by its heading, built with DOM calls and textContent only, styled through a
// constructed stylesheet inside a shadow root (works under `style-src 'self'` and Trusted Types).

const CSS = `:host{all:initial}dialog{max-width:min(34rem,calc(100vw - 2rem));max-height:85vh;overflow:auto;border:1px solid #8a93a5;
border-radius:10px;padding:1rem 1.25rem;font:15px/1.5 system-ui,sans-serif;color:#1d2433;background:#fff}
h2{font-size:1.2rem;margin:0 0 .5rem}h3{font-size:1rem;margin:1rem 0 .25rem}ul{margin:0;padding-left:1.2rem}
p{margin:.25rem 0}.b{display:flex;flex-wrap:wrap;gap:.5rem;margin-top:1rem}button{font:inherit;padding:.4rem .8rem;border-radius:6px;
border:1px solid #5b6475;background:#f4f6fa;color:#1d2433;cursor:pointer}button:focus-visible{outline:3px solid #2f6fed;outline-offset:2px}
.danger{border-color:#b3261e;color:#b3261e}[role=status]{min-height:1.5em;margin-top:.5rem}`;

const ago = (ms, now) => {
  const m = Math.max(0, Math.round((now - ms) / 60000));
  if (m < 1) return 'just now';
  if (m < 60) return m + ' min ago';
  const h = Math.round(m / 60);
  return h < 48 ? h + ' h ago' : Math.round(h / 24) + ' days ago';
};

/** The panel's content as plain sentences, from `export()` (tested without a DOM). */
export function describe(data, now = Date.now()) {
  const l = data.lifecycle || {};
  const stages = (data.stages || []).slice().sort((a, b) => b.probability - a.probability);
  const top = stages[0];
  const p = data.privacy || {};
  const sections = [];
  const visits = l.visits || 0;
  sections.push([
    'Your journey',
    [
      top ? 'This site guesses you are most likely at the "' + (top.label || top.stage) + '" stage (' + Math.round(top.probability * 100) + '% sure).' : 'Nothing recorded yet.',
      visits + (visits === 1 ? ' visit' : ' visits') + ', ' + (l.orders || 0) + ' order(s) recorded.',
    ],
  ]);
  const interests = (l.interests || []).slice(0, 5).map((i) => i.category);
  sections.push(['Your interests', interests.length ? interests : ['None recorded.']]);
  const recent = (data.touchpoints || []).slice(-10).reverse().map((t) => t.event + (t.path ? ' on ' + t.path : '') + ', ' + ago(t.at, now));
  sections.push(['What you did recently', recent.length ? recent : ['Nothing recorded.']]);
  const e = p.export;
  sections.push([
    'Where it is kept and what leaves',
    [
      p.storage === 'browser' ? 'Kept in this browser only (not on our servers), until you erase it.' : 'Kept in this page only; nothing is stored.',
      e && e.active ? 'Your actions on this site are also sent to ' + e.url + ' (you consented to measurement).' : 'Nothing about you is sent anywhere.',
    ],
  ]);
  return sections;
}

export async function openPrivacyPanel(tm, doc = document) {
  const old = doc.querySelector('[data-tm-privacy-panel]');
  if (old) old.remove();
  const back = doc.activeElement;
  const host = doc.createElement('div');
  host.setAttribute('data-tm-privacy-panel', '');
  const root = host.attachShadow({ mode: 'open' });
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(CSS);
  root.adoptedStyleSheets = [sheet];
  const el = (tag, text, attrs) => {
    const e = doc.createElement(tag);
    if (text !== undefined) e.textContent = text;
    for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
    return e;
  };
  const dlg = el('dialog', undefined, { 'aria-labelledby': 'tm-pp-h' });
  const body = el('div');
  const status = el('p', '', { role: 'status' });
  const fill = () => {
    body.replaceChildren();
    for (const [title, lines] of describe(tm.export() || {})) {
      const ul = el('ul');
      for (const line of lines) ul.append(el('li', line));
      body.append(el('h3', title), ul);
    }
  };
  const button = (text, onClick, cls) => {
    const b = el('button', text, cls ? { class: cls, type: 'button' } : { type: 'button' });
    b.addEventListener('click', onClick);
    return b;
  };
  const download = button('Download my data', () => {
    const blob = new Blob([JSON.stringify(tm.export(), null, 2)], { type: 'application/json' });
    const a = el('a', '', { download: 'my-data.json', href: URL.createObjectURL(blob) });
    root.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
    status.textContent = 'Your data was downloaded as my-data.json.';
  });
  const erase = button('Erase my data', async () => {
    await tm.forget();
    fill();
    status.textContent = 'Everything this site knew about you in this browser was erased.';
  }, 'danger');
  const close = button('Close', () => dlg.close());
  dlg.addEventListener('close', () => {
    host.remove();
    if (back && back.focus) back.focus();
  });
  const actions = el('div', undefined, { class: 'b' });
  actions.append(download, erase, close);
  dlg.append(el('h2', 'What this site knows about you', { id: 'tm-pp-h' }), body, actions, status);
  fill();
  root.append(dlg);
  doc.body.append(host);
  dlg.showModal();
  close.focus();
  return dlg;
}
