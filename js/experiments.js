// Experiments on slots and prompts, decided in the browser: loaded by the runtime only when the
// config has an experiment on a slot, and by prompts.js. A port of the engine's
// `experiment::decide` (src/core/experiment.rs, the reference run by the CLI and the native
// tests), held to it by tests/cases/experiments.json and tests/cases/prompt-decisions.json: the
// compiled config's decision table gives the arms, weights and holdout; the engine gives the
// seed, the remembered assignments and the session (`Runtime.memory`) and whether each
// experiment's condition holds, with the values it read (`Runtime.conditions`).

const M = 2n ** 64n - 1n;

/** SplitMix64's finaliser. */
const mix = (z) => {
  z = (z + 0x9e3779b97f4a7c15n) & M;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & M;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & M;
  return z ^ (z >> 31n);
};

/**
 * Two uniforms in [0, 1) for `seed` in experiment `id`: [holdout draw, arm draw], SplitMix64
 * over the seed mixed with the FNV-1a hash of the id's UTF-8 bytes, as `experiment::draws`.
 */
export function draws(seed, id) {
  let h = 0xcbf29ce484222325n;
  for (const b of new TextEncoder().encode(id)) h = ((h ^ BigInt(b)) * 0x100000001b3n) & M;
  h = mix(BigInt(seed) ^ h);
  return [1n, 2n].map((k) => Number(mix(h ^ k) >> 11n) / 2 ** 53);
}

/** The arm an arm draw `u` picks by weight (zero weights never), as `experiment::pick`; -1 when no weight is positive. */
export function pick(arms, u) {
  let total = 0;
  let last = -1;
  for (const a of arms) if (a.weight > 0) total += a.weight;
  if (total <= 0) return -1;
  let target = u * total;
  for (let i = 0; i < arms.length; i++) {
    const w = arms[i].weight;
    if (w <= 0) continue;
    last = i;
    if (target < w) return i;
    target -= w;
  }
  return last;
}

/**
 * Experiment `x` (a decision-table row) decided for the visitor: `{id, arm, variant, holdout,
 * expose, reads}`, or null when the visitor has no seed yet or is not eligible. `held` is
 * `Runtime.conditions`' answer for it (null: its condition does not hold), `mem`
 * `Runtime.memory`'s. A remembered arm that still exists wins over the draw (sticky across
 * weight changes); `expose` is true until this session records an exposure.
 */
export function decideExperiment(x, held, mem) {
  if (!mem.experiment_seed || !held) return null;
  const a = mem.experiments[x.id];
  let arm = a && (a.arm === 'holdout' ? null : x.arms.find((r) => r.id === a.arm));
  if (arm === undefined) {
    const [h, u] = draws(mem.experiment_seed, x.id);
    arm = null; // held out
    if (h >= x.holdout) {
      const i = pick(x.arms, u);
      if (i < 0) return null;
      arm = x.arms[i];
    }
  }
  return { id: x.id, arm: arm ? arm.id : 'holdout', variant: arm ? arm.variant : null, holdout: !arm, expose: !a || a.exposed_session !== mem.session, reads: held.reads };
}

/**
 * The experiments on `targets` (`key` names what each row tests: 'slot' or 'prompt'), decided:
 * `{target: decision}` for those with one. One `conditions` call for them all.
 */
export function decideFor(rt, table, key, targets, now, page, mem) {
  const rows = [];
  for (const t of targets) {
    const x = table.experiments.find((r) => r[key] === t);
    if (x) rows.push([t, x]);
  }
  const out = {};
  if (!rows.length) return out;
  const held = rt.conditions(now, page, rows.map(([, x]) => '*' + x.id).join('\n'), false).holds;
  mem = mem || rt.memory(now);
  rows.forEach(([t, x], i) => (out[t] = decideExperiment(x, held[i], mem)));
  return out;
}

/**
 * Applies the slots' experiments to the engine's rule decisions (`Runtime.decide`), as
 * `Engine::decide` does: an arm with a variant replaces the rules' choice, the control keeps it,
 * a held-out visitor keeps the default content. Changes and returns `decisions`.
 */
export function slots(rt, table, decisions, now, page) {
  const xs = decideFor(rt, table, 'slot', decisions.map((d) => d.slot), now, page);
  for (const d of decisions) {
    const x = (d.experiment = xs[d.slot] || null);
    if (x) d.variant = x.holdout ? null : x.variant != null ? x.variant : d.variant;
  }
  return decisions;
}

/**
 * Tracks `Experiment Viewed` for the slots in this page whose experiment asks for it, once per
 * experiment per page view (the engine then remembers the session's exposure).
 */
export function expose(tm, decisions) {
  for (const d of decisions) {
    const x = d.experiment;
    if (!x?.expose || tm._pv._exposed.has(x.id) || !tm._doc?.querySelector('[data-tm-slot="' + CSS.escape(d.slot) + '"]:not(template)')) continue;
    tm._pv._exposed.add(x.id);
    tm._track('Experiment Viewed', { experiment_id: x.id, variant_id: x.arm });
  }
}
