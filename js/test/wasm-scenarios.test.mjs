// The same recorded journeys, natively and in wasm: every scenario in tests/scenarios is replayed
// through the built wasm `Runtime` (dist/pkg, made by `cargo xtask build`) and compared, step by
// step, with the native CLI's output committed beside it (`replay.golden.jsonl`, checked against
// the CLI by tests/scenarios.rs): same sessions, channels, top stages, micro journeys, effects,
// and stage probabilities to 4 decimals; for scenarios with a `config.json`, the same slot
// variants, prompts, experiment arms and explanation texts. The engine must decide the same
// everywhere.
import * as engine from './engine.mjs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';

const root = new URL('../../', import.meta.url);
// The full channel source tables, loaded as the browser runtime loads them: when asked for.
const sourcesFile = new URL('dist/pkg/trailmark_sources.txt', root);

const UNITS = { s: 1e3, m: 6e4, h: 36e5, d: 864e5 };

/** The replay line format (src/core/replay.rs): absolute ms or "+<n><s|m|h|d>", ticks. */
function* inputs(text) {
  let at = 0;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('//')) continue;
    const o = JSON.parse(line);
    if (o.seed !== undefined) {
      yield o;
      continue;
    }
    if (typeof o.at === 'number') at = o.at;
    else if (typeof o.at === 'string') at += Number(o.at.slice(1, -1)) * UNITS[o.at.slice(-1)];
    yield { ...o, at };
  }
}

/** The decisions a replay step reports (src/core/replay.rs `decisions`), from the wasm Runtime. */
function decisions(rt, at, url, trigger) {
  const exp = (x) => (x ? x.id + ':' + x.arm : null);
  const slots = {};
  for (const d of engine.decideSlots(rt, at, { url })) slots[d.slot] = { variant: d.variant, experiment: exp(d.experiment), why: d.explanation.text };
  const p = trigger ? engine.decidePrompt(rt, at, { url }, trigger) : { prompt: null };
  const prompt = p.prompt ? { id: p.prompt, experiment: exp(p.experiment), why: p.explanation.text } : null;
  return { slots, prompt };
}

function report(rt, input, fx) {
  const stages = rt.stage(input.at);
  let top = stages[0];
  for (const s of stages) if (s.probability > top.probability) top = s;
  const life = rt.lifecycle(input.at);
  const journeys = {};
  for (const [id, j] of Object.entries(rt.journey())) if (j.attempts > 0) journeys[id] = { status: j.status, step: j.step };
  return {
    session: life.session ? life.session.number : null,
    channel: life.session ? life.session.channel.group : null,
    top_stage: top.stage,
    stages: Object.fromEntries(stages.map((s) => [s.stage, s.probability])),
    journeys,
    effects: fx.effects.map((e) => e.type),
  };
}

test('scenarios replay the same in wasm as natively', { skip: engine.skip }, async () => {
  const { newRuntime } = await engine.load();
  const dir = new URL('tests/scenarios/', root);
  const names = readdirSync(dir).sort();
  assert.ok(names.length > 0);
  for (const name of names) {
    const events = readFileSync(new URL(`${name}/events.jsonl`, dir), 'utf8');
    const golden = readFileSync(new URL(`${name}/replay.golden.jsonl`, dir), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const configFile = new URL(`${name}/config.json`, dir);
    const config = existsSync(configFile) ? JSON.parse(readFileSync(configFile, 'utf8')) : {};
    const rt = newRuntime(config);
    let i = 0;
    let url;
    for (const input of inputs(events)) {
      if (input.seed !== undefined) {
        rt.seed(input.seed);
        continue;
      }
      if (!input.tick && input.url && rt.needsSources(input.event, input.url, input.referrer)) rt.loadSources(readFileSync(sourcesFile));
      const fx = input.tick ? rt.tick(input.at) : rt.ingest(input.event, input.props, input.url, input.referrer, input.at);
      const got = report(rt, input, fx);
      if (input.event === 'Page Viewed' && input.url) url = input.url;
      const want = golden[i];
      const ctx = `${name} step ${i}`;
      assert.ok(want, `${ctx}: the native replay has no such step`);
      assert.equal(got.session, want.session, `${ctx}: session`);
      assert.equal(got.channel, want.channel, `${ctx}: channel`);
      assert.equal(got.top_stage, want.top_stage, `${ctx}: top stage`);
      assert.deepEqual(got.journeys, want.journeys, `${ctx}: journeys`);
      assert.deepEqual(got.effects, want.effects.map((e) => e.type), `${ctx}: effects`);
      if (want.decisions) {
        const abandoned = fx.effects.find((e) => e.type === 'journey_changed' && e.status === 'abandoned');
        const trigger = input.tick ? abandoned && 'abandoned:' + abandoned.journey : input.event === 'Page Viewed' ? 'page_view' : 'event:' + input.event;
        assert.deepEqual(decisions(rt, input.at, url, trigger), want.decisions, `${ctx}: decisions`);
      }
      for (const [stage, p] of Object.entries(want.stages)) {
        assert.ok(Math.abs(got.stages[stage] - p) <= 5e-5, `${ctx}: P(${stage}) ${got.stages[stage]} vs native ${p}`);
      }
      i++;
    }
    assert.equal(i, golden.length, `${name}: step count`);
  }
});
