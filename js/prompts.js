// Prompts and micro-surveys in the page, loaded lazily by runtime.js on sites whose config has
// any. It decides which prompt to show, and why, from the engine's facts (`decide`, a port of
// the engine's reference, see there), watches the page for the triggers the config names (exit
// intent, scroll depth, idle time) and shows a decided prompt from the
// site's own `<template data-tm-prompt="...">`, filled with text only (textContent and
// allow-listed attributes set here, never HTML built from data).
//
// Conventions inside a prompt template:
// - `[data-tm-text="fact"]` shows a profile fact (as in slots);
// - `[data-tm-survey-question]` receives the survey's question, `[data-tm-survey-options]` one
//   button per answer (NPS 0-10, CSAT 1-5, CES 1-7, the choices), or a text box and a submit
//   button for a free-text survey;
// - `[data-tm-action="dismiss"]` closes the prompt (a `Prompt Dismissed` touchpoint), any other
//   `[data-tm-action]` element is the call to action (`Prompt Clicked`).
// Presentation by kind: a banner is prepended to <body> (role=region), a toast appended
// (role=region; its words are announced through the page's polite live region, below), an inline prompt goes into `[data-tm-prompt-slot="<id>"]`, a modal is
// a dialog (role=dialog, aria-modal) in a backdrop that keeps focus inside it until it closes;
// Escape closes a modal (focus returns where it was), and a banner or toast when focus is in it
// or nowhere in particular. Without personalisation consent nothing is decided or shown.

import { fillText, TrailmarkError } from './runtime.js';
import { decideFor } from './experiments.js';

const FOCUSABLE = 'a[href],button:not([disabled]),input:not([disabled]),select:not([disabled]),textarea:not([disabled]),[tabindex]:not([tabindex="-1"])';
const SCALES = { nps: [0, 10], csat: [1, 5], ces: [1, 7] };

// Touchpoints about prompts and experiments never trigger prompts themselves.
const OWN = ['Page Viewed', 'Prompt Shown', 'Prompt Clicked', 'Prompt Dismissed', 'Survey Answered', 'Experiment Viewed'];
let chain = Promise.resolve();
let open = null; // the overlay on screen (banner, toast or modal): one at a time
const inline = new Set(); // inline prompts in the page
let live = null; // the polite live region toasts are announced through

/**
 * One visually hidden polite live region (`[data-tm-announcer]`), put in the page when prompts
 * are set up, empty. Screen readers announce changes to a live region already in the page; a
 * region inserted with its text in it (a toast that was itself `role=status`) is often not
 * announced at all.
 */
function announcer(doc) {
  if (live && live.isConnected && live.ownerDocument === doc) return live;
  if (!doc.body) return null;
  live = doc.createElement('div');
  live.setAttribute('data-tm-announcer', '');
  live.setAttribute('role', 'status');
  live.setAttribute('aria-live', 'polite');
  live.setAttribute('aria-atomic', 'true');
  // Hidden from sight, not from assistive technology (CSSOM: allowed under a strict style-src).
  Object.assign(live.style, { position: 'absolute', width: '1px', height: '1px', overflow: 'hidden', clipPath: 'inset(50%)', whiteSpace: 'nowrap' });
  doc.body.append(live);
  return live;
}

/** A prompt's words without its controls (buttons, links, fields), whitespace collapsed. */
function words(box) {
  const c = box.cloneNode(true);
  for (const e of c.querySelectorAll('a,button,input,select,textarea,[data-tm-action],[data-tm-survey-options]')) e.remove();
  return c.textContent.replace(/\s+/g, ' ').trim();
}

function defOf(tm, id) {
  const c = tm._config || {};
  return (c.prompts && c.prompts[id]) || (c.surveys && c.surveys[id]) || {};
}

/** Every trigger string named in the config's prompts and surveys. */
function configuredTriggers(tm) {
  const c = tm._config || {};
  const out = new Set();
  for (const m of [c.prompts, c.surveys]) {
    for (const id in m || {}) for (const t of (m[id] && m[id].on) || []) if (typeof t === 'string') out.add(t);
  }
  return out;
}

/**
 * Watches the page for exit intent, scroll depth and idle time, when the config uses them, and
 * asks the engine for a prompt when one happens (each at most once per page view). Returns a
 * function that stops watching.
 */
export function installTriggers(tm) {
  const g = globalThis;
  const doc = tm._doc;
  const names = configuredTriggers(tm);
  const nums = (kind) => [...names].filter((t) => t.startsWith(kind + ':')).map((t) => Number(t.slice(kind.length + 1))).filter((n) => n >= 0);
  const scrolls = nums('scroll').sort((a, b) => a - b);
  const idles = nums('idle').sort((a, b) => a - b);
  const ac = new AbortController();
  const on = { signal: ac.signal, passive: true };
  announcer(doc);
  let pv = null;
  let fired = new Set();
  const fire = (t) => {
    if (pv !== tm._pv) (pv = tm._pv), (fired = new Set());
    if (fired.has(t)) return;
    fired.add(t);
    tm.prompt(t);
  };
  if (names.has('exit_intent')) {
    doc.addEventListener('mouseout', (e) => !e.relatedTarget && e.clientY <= 0 && fire('exit_intent'), on);
    // Touch screens have no pointer leaving the window: a fast scroll back up (a quarter of the
    // viewport within 400 ms, after reading half a screen down) stands in for it.
    if (g.matchMedia && g.matchMedia('(pointer: coarse)').matches) {
      let low = { y: g.scrollY, t: Date.now() };
      g.addEventListener('scroll', () => {
        const y = g.scrollY;
        const t = Date.now();
        if (y >= low.y || t - low.t > 400) low = { y, t };
        else if (low.y - y >= g.innerHeight / 4 && low.y >= g.innerHeight / 2) fire('exit_intent');
      }, on);
    }
  }
  if (scrolls.length) {
    g.addEventListener('scroll', () => {
      const h = doc.documentElement.scrollHeight - g.innerHeight;
      const depth = h > 0 ? Math.round((g.scrollY / h) * 100) : 100;
      for (const n of scrolls) if (depth >= n) fire('scroll:' + n);
    }, on);
  }
  const timers = [];
  const arm = () => {
    for (const t of timers.splice(0)) clearTimeout(t);
    for (const s of idles) timers.push(setTimeout(() => fire('idle:' + s), s * 1000));
  };
  if (idles.length) {
    for (const type of ['pointermove', 'pointerdown', 'keydown', 'scroll', 'touchstart']) g.addEventListener(type, arm, on);
    arm();
  }
  return () => {
    ac.abort();
    for (const t of timers.splice(0)) clearTimeout(t);
  };
}

function survey(doc, root, def, answer) {
  const q = root.querySelector('[data-tm-survey-question]');
  if (q && typeof def.question === 'string') q.textContent = def.question;
  const box = root.querySelector('[data-tm-survey-options]');
  if (!box) return;
  const button = (label, value) => {
    const b = doc.createElement('button');
    b.type = 'button';
    b.className = 'tm-answer';
    b.textContent = String(label);
    b.addEventListener('click', () => answer(value));
    return b;
  };
  const scale = SCALES[def.type];
  if (scale) {
    for (let n = scale[0]; n <= scale[1]; n++) box.append(button(n, n));
  } else if (def.type === 'choice') {
    for (const o of def.options || []) if (typeof o === 'string') box.append(button(o, o));
  } else {
    const t = doc.createElement('textarea');
    t.maxLength = 1000;
    t.setAttribute('aria-label', typeof def.question === 'string' ? def.question : 'Your answer');
    const submit = doc.createElement('button');
    submit.type = 'button';
    submit.className = 'tm-answer';
    submit.textContent = 'Send';
    submit.addEventListener('click', () => t.value.trim() && answer(t.value.trim()));
    box.append(t, submit);
  }
}

/** After a batch: the page view (`first`), each touchpoint and each abandoned journey. */
export function afterBatch(tm, out, first) {
  const triggers = first ? ['page_view'] : [];
  for (const n of out.names) if (!OWN.includes(n)) triggers.push('event:' + n);
  for (const fx of out.effects) if (fx.type === 'journey_changed' && fx.status === 'abandoned') triggers.push('abandoned:' + fx.journey);
  for (const t of triggers) ask(tm, t).catch((e) => tm._fail(e));
}

/**
 * Asks the engine for a prompt for `trigger` and shows it. Requests run one after another and
 * each waits until the previous prompt's `Prompt Shown` is stored, so caps and the fatigue
 * budget always count it. Resolves to the decision (`prompt: null` and `passed_over` when
 * nothing is shown).
 */
export function ask(tm, trigger) {
  const run = async () => {
    if (tm.failed || !tm._rt) return null;
    // Prompts are chosen from the profile (conditions, caps, experiment buckets): without
    // personalisation consent none is decided or shown, as slots keep their default content.
    if (!tm._mayPersonalize()) return { prompt: null, passed_over: [] };
    tm._seed();
    const d = decide(tm, Date.now(), tm._pageContext(), trigger);
    // A visitor held out of a prompt's experiment is exposed (to the holdout) when the prompt
    // would have shown, once per session, like the arms: the holdout can then be measured.
    for (const x of d.held_out || []) tm.track('Experiment Viewed', { experiment_id: x.id, variant_id: x.arm });
    const shown = d.prompt && showPrompt(tm, d);
    if (!shown) return d.prompt ? { prompt: null, passed_over: [{ prompt: d.prompt, reason: 'another prompt is on screen or the page has no template for it' }] } : d;
    tm._shown[d.prompt] = d;
    tm._emit('prompt', d);
    await shown;
    return d;
  };
  return (chain = chain.then(run, run));
}

const HIGHER = 'a higher-priority prompt was chosen';
const HELD_OUT = 'held out of its experiment';
const TRIGGER = /^(?:page_view|exit_intent|(event|abandoned):([^]+)|(scroll|idle):(\d{1,9}))$/;

/**
 * A fired trigger read as the engine's `PromptTrigger::parse` reads it: `[text, key]`, `text`
 * as the explanation writes it and `key` the form the decision table names (an event's
 * canonical name; scroll and idle as numbers, matched by threshold). Throws on a malformed one.
 */
function fired(tm, t) {
  const m = typeof t === 'string' && TRIGGER.exec(t);
  const n = m && m[4] !== undefined ? Number(m[4]) : 0;
  if (!m || (m[3] === 'scroll' && n > 100)) throw new TrailmarkError('input/invalid', JSON.stringify(t) + ' is not a trigger (page_view, exit_intent, event:<name>, scroll:<percent>, idle:<seconds>, abandoned:<journey>)');
  if (m[3] === 'idle' && !(n >= 1 && n <= 86400)) throw new TrailmarkError('input/invalid', JSON.stringify(t) + ': idle:<seconds> takes 1 to 86400 seconds');
  if (m[3]) return [m[3] + ':' + n, [m[3], n]];
  return [t, m[1] === 'event' ? 'event:' + (tm._rt.kind(m[2]) || m[2]) : t];
}

/** Whether a configured trigger (the decision table's form) matches the fired one's key. */
function matches(c, key) {
  if (typeof key === 'string') return c === key;
  const i = c.indexOf(':');
  return c.slice(0, i) === key[0] && key[1] >= Number(c.slice(i + 1));
}

/** Times shown at or after `since` (a prompt's history in `Runtime.memory`), as `PromptHistory::shown_since`. */
const since = (h, t) => (h ? h.shown.filter((x) => x >= t).length : 0);

/**
 * Why prompt `p` (a decision-table row) cannot be shown now, given whether its condition holds
 * and the engine's memory; '' when it can.
 */
function blocked(p, held, mem, now) {
  const h = mem.prompts[p.id];
  if (!held) return 'condition not met';
  if (p.survey && mem.answered.includes(p.id)) return 'already answered';
  if (since(h, mem.session_start) >= p.session) return 'shown enough this session';
  if (p.day != null && since(h, Math.max(0, now - 864e5) + 1) >= p.day) return 'shown enough today';
  if (p.total != null && (h ? h.total : 0) >= p.total) return 'shown enough in all';
  if (h && h.dismissed != null && Math.max(0, now - h.dismissed) < p.cooldown_hours * 3600000) return 'dismissed recently (cooling down)';
  return '';
}

/**
 * The prompt or survey to show now that `trigger` fired: the browser's port of the engine's
 * `Engine::decide_prompt` (src/core/prompt/decide.rs, the reference; the whole decisions in
 * `tests/cases/prompt-decisions.json` hold both to the same answers). The compiled config's
 * decision table gives each prompt's triggers, priority, caps and cool-down; the engine gives
 * its shows, dismissals and answers (`Runtime.memory`) and, for those whose trigger matched,
 * whether their condition holds (`Runtime.conditions`); experiments.js decides their
 * experiments. Among them the highest priority (ties: the lower id) that passes its
 * condition, "not answered yet" (surveys), caps, cool-down, experiment (a held-out visitor sees
 * nothing) and the fatigue budget is shown; every other one is passed over with the reason.
 * Returns `{prompt, kind, template, survey, experiment, held_out, explanation}`, or `{prompt:
 * null, passed_over, held_out}`; `held_out` lists the prompt experiments whose holdout exposure
 * the caller tracks.
 */
export function decide(tm, now, page, trigger) {
  const [text, key] = fired(tm, trigger);
  const table = tm._config.decide;
  const rt = tm._rt;
  const rows = table.prompts.filter((p) => p.on.some((c) => matches(c, key)));
  // Most touchpoints' triggers match no prompt: no engine call for them.
  if (!rows.length) return { prompt: null, passed_over: [], held_out: [] };
  const mem = rt.memory(now);
  const ids = rows.map((p) => p.id);
  const held = rt.conditions(now, page, ids.join('\n'), false).holds;
  const xs = decideFor(rt, table, 'prompt', ids, now, page, mem);
  let used = 0;
  for (const h of Object.values(mem.prompts)) used += since(h, mem.session_start);
  const passed = [];
  let best = null;
  rows.forEach((p, r) => {
    const why = blocked(p, held[r], mem, now);
    const x = xs[p.id];
    if (why) passed.push([p.id, why]);
    else if (x && x.holdout) passed.push([p.id, HELD_OUT]);
    else if (used >= table.fatigue) passed.push([p.id, 'fatigue budget used up this session']);
    else if (best && (best.priority > p.priority || (best.priority === p.priority && best.id < p.id))) passed.push([p.id, HIGHER]);
    else {
      if (best) passed.push([best.id, HIGHER]);
      best = p;
    }
  });
  const passed_over = passed.map(([prompt, reason]) => ({ prompt, reason }));
  const held_out = [];
  for (const [id, why] of passed) {
    const x = why === HELD_OUT && xs[id];
    if (x && x.expose) held_out.push(x);
  }
  if (!best) return { prompt: null, passed_over, held_out };
  const p = best;
  // The chosen one's condition again, with its explanation (asked for it alone: the costly part).
  const w = rt.conditions(now, page, p.id, true);
  const c = w.holds[0] || {};
  const x = xs[p.id] || null;
  const h = mem.prompts[p.id];
  const [shown, total] = [since(h, mem.session_start), h ? h.total : 0];
  return {
    prompt: p.id,
    kind: p.kind,
    template: x && x.variant != null ? x.variant : p.template,
    survey: p.survey,
    experiment: x,
    held_out,
    explanation: {
      text: text + ': ' + (c.text || 'everyone') + '; shown ' + shown + ' this session, ' + total + ' in all; ' + used + ' of ' + table.fatigue + ' prompts this session',
      trigger: text,
      condition: p.when,
      reads: c.reads || [],
      shown_session: shown,
      shown_total: total,
      budget_used: used,
      budget: table.fatigue,
      top_stage: w.top_stage,
      probability: w.probability,
      evidence: w.evidence,
      passed_over,
    },
  };
}

/** Removes the prompts on screen without a touchpoint (forget(), a failed SDK). */
export function closeAll() {
  if (open) open.close(null);
  for (const s of [...inline]) s.close(null);
}

/**
 * Shows a decided prompt (`decide`'s result). Returns the promise of its `Prompt Shown`
 * touchpoint, or null when it cannot be shown: an overlay is already on screen, or the page has
 * no template (or inline target) for it.
 */
export function showPrompt(tm, d) {
  const doc = tm._doc;
  if (!doc || !d || !d.prompt || (open && d.kind !== 'inline')) return null;
  // An inline prompt already in the page is not added a second time.
  if (d.kind === 'inline' && [...inline].some((s) => s.id === d.prompt)) return null;
  const tpl = [...doc.querySelectorAll('template[data-tm-prompt]')].find((t) => t.getAttribute('data-tm-prompt') === d.template);
  const target = d.kind === 'inline' ? [...doc.querySelectorAll('[data-tm-prompt-slot]')].find((e) => e.getAttribute('data-tm-prompt-slot') === d.prompt) : doc.body;
  if (!tpl || !target) return null;
  const def = defOf(tm, d.prompt);
  const box = doc.createElement('div');
  box.className = 'tm-prompt tm-' + d.kind;
  box.setAttribute('data-tm-prompt-id', d.prompt);
  box.append(tpl.content.cloneNode(true));
  fillText(box, tm._facts());
  const props = { prompt_id: d.prompt, kind: d.kind };
  if (d.experiment) Object.assign(props, { experiment_id: d.experiment.id, variant_id: d.experiment.arm });

  const before = doc.activeElement;
  let outer = box;
  const close = (event) => {
    if (open !== state && !inline.has(state)) return;
    if (open === state) open = null;
    inline.delete(state);
    doc.removeEventListener('keydown', keys, d.kind === 'modal');
    outer.remove();
    if (said && said.textContent === text) said.textContent = ''; // a later toast is a change again
    if (event) tm.track(event, props);
    if (d.kind === 'modal' && before && typeof before.focus === 'function' && before.isConnected) before.focus();
  };
  const answer = (v) => {
    const p = { survey_id: d.prompt, answer: String(v) };
    if (typeof v === 'number') p.score = v;
    tm.track('Survey Answered', p);
    close(null);
  };
  if (d.survey) survey(doc, box, def, answer);
  const keys = (e) => {
    if (e.key === 'Escape') {
      // A modal is on top of everything and takes the key. A banner or toast only closes when
      // focus is in it or nowhere in particular, and the page still gets the key: the visitor
      // may be closing the site's own menu or dialog.
      if (d.kind === 'modal') e.stopPropagation();
      else if (doc.activeElement && doc.activeElement !== doc.body && !box.contains(doc.activeElement)) return;
      close('Prompt Dismissed');
    } else if (e.key === 'Tab' && d.kind === 'modal') {
      const f = [...box.querySelectorAll(FOCUSABLE)].filter((x) => !x.closest('[hidden]'));
      if (!f.length) return e.preventDefault();
      const first = f[0];
      const last = f[f.length - 1];
      if (e.shiftKey && (doc.activeElement === first || !box.contains(doc.activeElement))) (e.preventDefault(), last.focus());
      else if (!e.shiftKey && (doc.activeElement === last || !box.contains(doc.activeElement))) (e.preventDefault(), first.focus());
    }
  };
  box.addEventListener('click', (e) => {
    const a = e.target.closest && e.target.closest('[data-tm-action]');
    if (!a || !box.contains(a)) return;
    const dismiss = a.getAttribute('data-tm-action') === 'dismiss';
    close(dismiss ? 'Prompt Dismissed' : 'Prompt Clicked');
  });
  const label = tpl.getAttribute('aria-label') || def.question || d.prompt;
  if (d.kind === 'modal') {
    box.setAttribute('role', 'dialog');
    box.setAttribute('aria-modal', 'true');
    box.tabIndex = -1;
    const h = box.querySelector('h1,h2,h3,[data-tm-survey-question]');
    if (h) {
      h.id = h.id || 'tm-prompt-' + d.prompt + '-title';
      box.setAttribute('aria-labelledby', h.id);
    } else box.setAttribute('aria-label', label);
    outer = doc.createElement('div');
    outer.className = 'tm-prompt-backdrop';
    outer.append(box);
    doc.body.append(outer);
  } else {
    box.setAttribute('role', 'region');
    box.setAttribute('aria-label', label);
    if (d.kind === 'banner') doc.body.prepend(box);
    else target.append(box);
  }
  // A toast appears away from focus: its words are announced through the live region.
  const said = d.kind === 'toast' ? announcer(doc) : null;
  const text = said ? (tpl.getAttribute('aria-label') || words(box) || label) : '';
  if (said) said.textContent = text;
  const state = { id: d.prompt, el: box, close };
  if (d.kind === 'inline') inline.add(state);
  else {
    open = state;
    doc.addEventListener('keydown', keys, d.kind === 'modal');
  }
  if (d.kind === 'modal') (box.querySelector(FOCUSABLE) || box).focus();
  if (d.experiment && d.experiment.expose) tm.track('Experiment Viewed', { experiment_id: d.experiment.id, variant_id: d.experiment.arm });
  return tm.track('Prompt Shown', props);
}
