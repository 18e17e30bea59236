// Slots in the page: `<div data-tm-slot="hero">` keeps its children as the default content;
// `<template data-tm-variant="loyalty">` (a child of the slot, or anywhere in the document with
// `data-tm-slot="hero"`) holds a variant. Variants are cloned from the page's own templates and
// filled with text only (`textContent`), never HTML built from data.
//
// The head loader (loader.js) applies a stored plan before first paint with the same conventions:
// `data-tm-applied="<variant>"` on the slot and the default children kept, detached, in the
// slot's `_tmd` property (a DocumentFragment), so either side can restore them.

const SLOTS = '[data-tm-slot]:not(template)';

/** The plan for a list of decisions: slots with a variant only. */
export function planOf(decisions) {
  const plan = {};
  for (const d of decisions) if (d && typeof d.variant === 'string') plan[d.slot] = d.variant;
  return plan;
}

/** The slot's template for `variant`: its own child first, else one anywhere naming the slot (as loader.js finds it). */
export function findTemplate(doc, el, slot, variant) {
  const v = '[data-tm-variant="' + CSS.escape(variant) + '"]';
  return el.querySelector(':scope>template' + v) || doc.querySelector('template[data-tm-slot="' + CSS.escape(slot) + '"]' + v);
}

const shown = (el) => [...el.childNodes].filter((c) => c.localName !== 'template');

/** Replaces the slot's content with a clone of `tpl`, keeping the defaults detached. */
export function applyVariant(el, tpl, variant) {
  if (el._tmd) {
    for (const c of shown(el)) c.remove();
  } else {
    const keep = el.ownerDocument.createDocumentFragment();
    for (const c of shown(el)) keep.appendChild(c);
    el._tmd = keep;
  }
  el.appendChild(tpl.content.cloneNode(true));
  el.setAttribute('data-tm-applied', variant);
}

/** Puts the default content back (no-op for a slot showing its default). */
export function restoreSlot(el) {
  if (!el._tmd) return;
  for (const c of shown(el)) c.remove();
  el.appendChild(el._tmd);
  el._tmd = null;
  el.removeAttribute('data-tm-applied');
}

export function restoreAll(doc) {
  for (const el of doc.querySelectorAll('[data-tm-applied]')) restoreSlot(el);
}

/** Fills `[data-tm-text="fact"]` elements under `root` with facts, as text. */
export function fillText(root, facts) {
  for (const el of root.querySelectorAll('[data-tm-text]')) {
    const v = facts[el.getAttribute('data-tm-text')];
    if (v !== undefined && v !== null && el.textContent !== String(v)) el.textContent = String(v);
  }
}

/**
 * Shows each slot's decided variant, once per page view: slots in `done` are left alone (later
 * decisions only change the stored plan). A slot the loader already showed with the decided
 * variant is not touched. Returns nothing; never reads data into HTML.
 */
export function render(doc, decisions, facts, done) {
  const by = {};
  for (const d of decisions) by[d.slot] = d.variant;
  for (const el of doc.querySelectorAll(SLOTS)) {
    if (done.has(el)) continue;
    done.add(el);
    const slot = el.getAttribute('data-tm-slot');
    const want = typeof by[slot] === 'string' ? by[slot] : null;
    // Shown before first paint by the loader: left exactly as painted (its text included).
    if (want === el.getAttribute('data-tm-applied') && want !== null) continue;
    const tpl = want && findTemplate(doc, el, slot, want);
    if (tpl) applyVariant(el, tpl, want);
    else restoreSlot(el);
    fillText(el, facts);
  }
}
