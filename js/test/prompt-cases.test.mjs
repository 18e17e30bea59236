// The language-neutral prompt, experiment and survey cases (tests/cases/prompts.json,
// experiments.json, surveys.json; run natively by tests/prompts.rs) through the built wasm
// `Runtime` (dist/pkg, made by `cargo xtask build`) and, for prompts, js/prompts.js's port of the
// decision: the browser build must decide the same.
import * as engine from './engine.mjs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const root = new URL('../../', import.meta.url);
const { skip } = engine;
const UNITS = { s: 1e3, m: 6e4, h: 36e5, d: 864e5 };

const cases = (file) => JSON.parse(readFileSync(new URL(`tests/cases/${file}`, root), 'utf8'));
const decisions = cases('prompt-decisions.json');

let newRuntime;
async function load() {
  newRuntime = (await engine.load()).newRuntime;
}

/** A Runtime from a case's config and seed, fed its events; returns it and the last time. */
function run(input) {
  const rt = newRuntime(input.config || {});
  if (input.seed) rt.seed(input.seed);
  let at = 0;
  for (const e of input.events) {
    if (typeof e.at === 'number') at = e.at;
    else if (typeof e.at === 'string') at += Number(e.at.slice(1, -1)) * UNITS[e.at.slice(-1)];
    if (e.tick) rt.tick(at);
    else rt.ingest(e.event, e.props, e.url, e.referrer, at);
  }
  return { rt, at };
}

test('prompt cases decide the same in the browser (prompts.js from the wasm facts)', { skip }, async () => {
  await load();
  for (const [name, input, want] of cases('prompts.json')) {
    const { rt, at } = run(input);
    const d = engine.decidePrompt(rt, at, input.page || {}, input.trigger);
    assert.equal(d.prompt, want.prompt, name);
    const passed = d.prompt ? d.explanation.passed_over : d.passed_over;
    assert.deepEqual(Object.fromEntries(passed.map((p) => [p.prompt, p.reason])), want.passed_over, name);
    // The whole decision (explanation text, reads, evidence, experiment, held-out exposures) as
    // the engine's reference writes it (tests/prompts.rs keeps that file).
    assert.deepEqual(JSON.parse(JSON.stringify(d)), decisions[name], name);
  }
});

test('experiment cases bucket the same in wasm', { skip }, async () => {
  await load();
  for (const [name, input, want] of cases('experiments.json')) {
    const { rt, at } = run(input);
    const decisions = engine.decideSlots(rt, at, {});
    for (const [slot, w] of Object.entries(want)) {
      const d = decisions.find((x) => x.slot === slot);
      assert.equal(d.experiment ? d.experiment.arm : null, w.arm, `${name}: arm`);
      assert.equal(d.variant, w.variant, `${name}: variant`);
      if ('expose' in w) assert.equal(d.experiment && d.experiment.expose, w.expose, `${name}: expose`);
    }
  }
});

test('survey cases are the same evidence in wasm', { skip }, async () => {
  await load();
  for (const [name, input, want] of cases('surveys.json')) {
    // One engine at a time (the wasm holds one): the answered run is read before the neutral one.
    const { rt, at } = run(input);
    const loyalty = (r) => r.stage(at).find((s) => s.stage === 'loyalty');
    const answered = loyalty(rt);
    if (want.evidence) assert.ok(answered.evidence.some((e) => e.cause === want.evidence), name);
    const life = rt.lifecycle(at);
    assert.deepEqual(life.pain_points.map((p) => p.reason), want.pain_points, name);
    assert.equal(life.reported_channel, want.reported_channel, name);
    const neutral = { ...input, events: input.events.map((e) => (e.event === 'Survey Answered' ? { ...e, event: 'Survey Skipped' } : e)) };
    const base = loyalty(run(neutral).rt);
    assert.equal(answered.probability > base.probability + 1e-9, want.loyalty_rises, name);
  }
});
