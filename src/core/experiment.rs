//! Experiments: A/B/n tests on a slot or a prompt, with deterministic sticky buckets.
//!
//! A visitor's bucket is a hash of their seed (a random id the caller draws once and the engine
//! persists with the profile: the core has no randomness) and the experiment id, so the same
//! visitor always lands in the same arm, different experiments bucket independently, and
//! `forget()` (a fresh state, a new seed) re-draws every assignment. Once the visitor has been
//! exposed (an `Experiment Viewed` touchpoint), the arm is remembered as well, so later weight
//! changes do not move them.
//!
//! The hash is SplitMix64's finaliser over the seed mixed with the FNV-1a hash of the id: two
//! independent 53-bit uniforms come out, one for the holdout draw and one for the arm.
//! `tests/experiments.rs` checks the spread with a chi-square test over 100,000 seeds.

use super::condition::{Context, ValueDisplay};
use super::config::ExperimentDef;
use super::prompt::Assignment;
use alloc::{borrow::ToOwned, string::String, vec::Vec};

/// The arm id reported for a held-out visitor.
pub const HOLDOUT: &str = "holdout";

/// Which arm an eligible visitor is in, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct ExperimentDecision {
    /// Experiment id.
    pub experiment: String,
    /// Arm id ([`HOLDOUT`] when held out).
    pub arm: String,
    /// The arm's variant (slot variant or prompt template); `None` for the control and holdout.
    pub variant: Option<String>,
    /// True when the visitor is held out.
    pub holdout: bool,
    /// True when this session has not yet recorded an exposure: the caller should track
    /// `Experiment Viewed` when it shows the result.
    pub expose: bool,
    /// The eligibility condition's reads (empty without one).
    pub reads: Vec<(String, ValueDisplay)>,
}

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn fnv1a(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01B3);
    }
    h
}

/// Two uniforms in `[0, 1)` for `seed` in experiment `id`: (holdout draw, arm draw).
pub fn draws(seed: u64, id: &str) -> (f64, f64) {
    let h = splitmix(seed ^ fnv1a(id));
    let unit = |x: u64| (x >> 11) as f64 / (1u64 << 53) as f64;
    (unit(splitmix(h ^ 1)), unit(splitmix(h ^ 2)))
}

/// The arm index for an arm draw `u` in `[0, 1)` given the weights (zero-weight arms are never
/// drawn). `None` only when no weight is positive.
pub fn pick(weights: impl Iterator<Item = f64> + Clone, u: f64) -> Option<usize> {
    let total: f64 = weights.clone().filter(|w| *w > 0.0).sum();
    if total <= 0.0 {
        return None;
    }
    let mut target = u * total;
    let mut last = None;
    for (i, w) in weights.enumerate() {
        if w <= 0.0 {
            continue;
        }
        last = Some(i);
        if target < w {
            return Some(i);
        }
        target -= w;
    }
    last
}

/// Decides `def` (id `id`) for the visitor in `ctx`: `None` when the visitor is not eligible.
/// A remembered assignment whose arm still exists wins over the hash (stickiness across weight
/// changes).
pub fn decide(
    ctx: &Context<'_>,
    id: &str,
    def: &ExperimentDef,
    seed: u64,
    remembered: Option<&Assignment>,
    session: u32,
) -> Option<ExperimentDecision> {
    let reads = match &def.when {
        Some(c) if !c.is_true(ctx) => return None,
        Some(c) => c.evaluate(ctx).reads,
        None => Vec::new(),
    };
    let expose = remembered.is_none_or(|a| a.exposed_session != session);
    let from_memory = remembered.and_then(|a| {
        if a.arm == HOLDOUT {
            Some(None)
        } else {
            def.arms.iter().find(|arm| arm.id == a.arm).map(Some)
        }
    });
    let arm = match from_memory {
        Some(arm) => arm,
        None => {
            let (h, u) = draws(seed, id);
            if h < def.holdout {
                None
            } else {
                let i = pick(def.arms.iter().map(|a| a.weight()), u)?;
                Some(&def.arms[i])
            }
        }
    };
    Some(ExperimentDecision {
        experiment: id.to_owned(),
        arm: arm.map_or(HOLDOUT, |a| a.id.as_str()).to_owned(),
        variant: arm.and_then(|a| a.variant.clone()),
        holdout: arm.is_none(),
        expose,
        reads,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_by_weight_and_skips_zero_weights() {
        let w = [1.0, 0.0, 3.0];
        assert_eq!(pick(w.iter().copied(), 0.0), Some(0));
        assert_eq!(pick(w.iter().copied(), 0.2499), Some(0));
        assert_eq!(pick(w.iter().copied(), 0.25), Some(2));
        assert_eq!(pick(w.iter().copied(), 0.999_999), Some(2));
        assert_eq!(pick([0.0, 0.0].iter().copied(), 0.5), None);
    }

    #[test]
    fn draws_are_stable_and_differ_by_experiment() {
        assert_eq!(draws(42, "hero"), draws(42, "hero"));
        assert_ne!(draws(42, "hero"), draws(42, "nudge"));
        assert_ne!(draws(42, "hero"), draws(43, "hero"));
        let (a, b) = draws(7, "x");
        assert!((0.0..1.0).contains(&a) && (0.0..1.0).contains(&b));
    }
}
