//! Macro journey stage inference: a probability per stage from weighted evidence with recency
//! decay, and the evidence trail that explains it.
//!
//! The model is a softmax over per-stage scores. Each stage `k` has a prior `b_k` and an evidence
//! accumulator `A_k` that every signal adds its weight to and that halves every
//! `half_life_hours`; `A_k` is clamped to `±max_evidence` so no single burst of activity can pin
//! a stage forever. Then `P(k) = exp(b_k + A_k) / Σ_j exp(b_j + A_j)`.
//!
//! Why this shape: journeys are not linear (people research after buying, or buy on the first
//! visit), so stages are not states of a machine but competing explanations of recent behaviour;
//! a softmax keeps them a proper distribution; exponential decay makes recent behaviour count
//! most while costing O(stages) per event and O(stages) storage (the accumulators can be decayed
//! lazily because decay is multiplicative); and weights in log-odds units are easy to reason
//! about ("+1 makes this stage e times likelier") and to tune in config.

use alloc::{string::String, vec, vec::Vec};

use super::config::{Config, Fact};

/// What produced a piece of evidence.
#[derive(Clone, Debug, PartialEq)]
pub enum Cause {
    /// A touchpoint, by name.
    Event(String),
    /// A lifecycle fact.
    Fact(Fact),
    /// The channel a session came from.
    Channel(String),
    /// A survey answer, described (`survey: NPS 10`).
    Survey(String),
}

impl Cause {
    /// Plain-language description, e.g. `Product Viewed` or `returning visitor`.
    pub fn describe(&self) -> String {
        match self {
            Cause::Event(name) => name.clone(),
            Cause::Fact(f) => match f {
                Fact::NewVisitor => "first visit".into(),
                Fact::ReturningVisitor => "returning visitor".into(),
                Fact::Customer => "has ordered before".into(),
                Fact::RepeatCustomer => "has ordered more than once".into(),
                Fact::Lapsed => "back after a long absence".into(),
                Fact::ProductRevisit => "viewed a product again".into(),
            },
            Cause::Channel(c) => crate::core::text::concat(&["arrived from ", c]),
            Cause::Survey(s) => s.clone(),
        }
    }
}

/// One piece of evidence: at `at_ms`, `cause` added `weight` to the stage at `stage`.
#[derive(Clone, Debug, PartialEq)]
pub struct Evidence {
    /// When.
    pub at_ms: u64,
    /// Why.
    pub cause: Cause,
    /// Index of the stage in the config.
    pub stage: u8,
    /// Weight added, before decay.
    pub weight: f64,
}

/// Persisted inference state.
#[derive(Clone, Debug, PartialEq)]
pub struct StageState {
    /// Stage ids, in config order, that `evidence` and the trail refer to.
    pub stage_ids: Vec<String>,
    /// Evidence accumulators, as of `updated_ms`.
    pub evidence: Vec<f64>,
    /// When the accumulators were last decayed.
    pub updated_ms: u64,
    /// The most recent evidence, oldest first, bounded by `inference.trail_length`.
    pub trail: Vec<Evidence>,
}

/// A stage with its current probability and the evidence behind it.
#[derive(Clone, Debug, PartialEq)]
pub struct StageEstimate {
    /// Stage id.
    pub stage: String,
    /// Probability in [0, 1]; all estimates sum to 1.
    pub probability: f64,
    /// Accumulated evidence after decay (log-odds units, before the prior).
    pub score: f64,
    /// Contributions still in the trail, newest first, with their weight decayed to now.
    pub trail: Vec<Contribution>,
}

/// One trail entry as it stands now.
#[derive(Clone, Debug, PartialEq)]
pub struct Contribution {
    /// What produced it.
    pub cause: Cause,
    /// When.
    pub at_ms: u64,
    /// Weight after decay.
    pub weight: f64,
}

impl StageState {
    /// No evidence yet.
    pub fn new(config: &Config) -> StageState {
        StageState {
            stage_ids: config.stages.iter().map(|s| s.id.clone()).collect(),
            evidence: vec![0.0; config.stages.len()],
            updated_ms: 0,
            trail: Vec::new(),
        }
    }

    /// Re-keys restored state to the config's stages: evidence for stages that still exist is
    /// kept, new stages start at zero, removed stages are dropped.
    pub fn align(self, config: &Config) -> StageState {
        if self
            .stage_ids
            .iter()
            .eq(config.stages.iter().map(|s| &s.id))
        {
            return self;
        }
        let map: Vec<Option<usize>> = self
            .stage_ids
            .iter()
            .map(|id| config.stage_index(id))
            .collect();
        let mut fresh = StageState::new(config);
        fresh.updated_ms = self.updated_ms;
        for (old, new) in map.iter().enumerate() {
            if let (Some(new), Some(v)) = (new, self.evidence.get(old)) {
                fresh.evidence[*new] = *v;
            }
        }
        // A loop rather than `filter_map(..).collect()`: ~1 KB less wasm.
        for mut e in self.trail {
            if let Some(&Some(new)) = map.get(e.stage as usize) {
                e.stage = new as u8;
                fresh.trail.push(e);
            }
        }
        fresh
    }

    fn decay_factor(config: &Config, from_ms: u64, to_ms: u64) -> f64 {
        let hours = to_ms.saturating_sub(from_ms) as f64 / 3_600_000.0;
        crate::core::number::halved(hours / config.inference.half_life_hours)
    }

    /// Decays the accumulators to `now_ms` (never backwards).
    fn advance(&mut self, config: &Config, now_ms: u64) {
        if now_ms > self.updated_ms {
            let f = Self::decay_factor(config, self.updated_ms, now_ms);
            for a in &mut self.evidence {
                *a *= f;
            }
            self.updated_ms = now_ms;
        }
    }

    /// Adds `weight` to stage `stage` at `now_ms`, clamped, and records it in the trail.
    pub fn add(&mut self, config: &Config, stage: usize, weight: f64, cause: Cause, now_ms: u64) {
        self.advance(config, now_ms);
        let Some(a) = self.evidence.get_mut(stage) else {
            return;
        };
        let cap = config.inference.max_evidence;
        *a = crate::core::number::clamp(*a + weight, -cap, cap);
        self.trail.push(Evidence {
            at_ms: now_ms,
            cause,
            stage: stage as u8,
            weight,
        });
        crate::core::profile::keep_last(&mut self.trail, config.inference.trail_length as usize);
    }

    /// Probabilities per stage at `now_ms`, in config order; they sum to 1.
    pub fn probabilities(&self, config: &Config, now_ms: u64) -> Vec<f64> {
        let f = Self::decay_factor(config, self.updated_ms, now_ms.max(self.updated_ms));
        let mut logits = Vec::with_capacity(self.evidence.len());
        for (s, a) in config.stages.iter().zip(&self.evidence) {
            logits.push(s.prior + a * f);
        }
        softmax(logits)
    }

    /// Index of the likeliest stage (the first on ties).
    pub fn top(&self, config: &Config, now_ms: u64) -> usize {
        let p = self.probabilities(config, now_ms);
        let mut best = 0;
        for (i, v) in p.iter().enumerate() {
            if *v > p[best] {
                best = i;
            }
        }
        best
    }

    /// Full estimates with their trails, in config order.
    pub fn estimates(&self, config: &Config, now_ms: u64) -> Vec<StageEstimate> {
        let probabilities = self.probabilities(config, now_ms);
        let f = Self::decay_factor(config, self.updated_ms, now_ms.max(self.updated_ms));
        // Loops rather than nested map / filter / collect chains: less wasm.
        let mut out = Vec::with_capacity(config.stages.len());
        for (i, s) in config.stages.iter().enumerate() {
            out.push(StageEstimate {
                stage: s.id.clone(),
                probability: probabilities[i],
                score: self.evidence[i] * f,
                trail: self.contributions(config, i, now_ms),
            });
        }
        out
    }

    /// The accumulated evidence of the stage at index `stage`, decayed to `now_ms` (an
    /// estimate's `score`).
    pub(crate) fn score(&self, config: &Config, stage: usize, now_ms: u64) -> f64 {
        let f = Self::decay_factor(config, self.updated_ms, now_ms.max(self.updated_ms));
        self.evidence[stage] * f
    }

    /// The trail entries of the stage at index `stage`, newest first, with their weight decayed
    /// to `now_ms` (an estimate's `trail`).
    pub fn contributions(&self, config: &Config, stage: usize, now_ms: u64) -> Vec<Contribution> {
        let mut trail = Vec::new();
        for e in self.trail.iter().rev() {
            if e.stage as usize == stage {
                trail.push(Contribution {
                    cause: e.cause.clone(),
                    at_ms: e.at_ms,
                    weight: e.weight * Self::decay_factor(config, e.at_ms, now_ms.max(e.at_ms)),
                });
            }
        }
        trail
    }
}

/// In place, in the same order of operations as the `fold` / `map` / `sum` it replaced (bit
/// for bit), without two intermediate vectors.
fn softmax(mut logits: Vec<f64>) -> Vec<f64> {
    let mut max = f64::NEG_INFINITY;
    for &l in &logits {
        max = f64::max(max, l);
    }
    for l in &mut logits {
        *l = libm::exp(*l - max);
    }
    let sum: f64 = logits.iter().sum();
    for e in &mut logits {
        *e /= sum;
    }
    logits
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: u64 = 3_600_000;

    #[test]
    fn no_evidence_gives_the_priors() {
        let c = Config::default();
        let s = StageState::new(&c);
        let p = s.probabilities(&c, 0);
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert_eq!(s.top(&c, 0), 0, "discovery has the highest prior");
    }

    #[test]
    fn evidence_moves_and_then_fades() {
        let c = Config::default();
        let mut s = StageState::new(&c);
        let purchase = c.stage_index("purchase").unwrap();
        for _ in 0..3 {
            s.add(
                &c,
                purchase,
                1.5,
                Cause::Event("Checkout Started".into()),
                0,
            );
        }
        assert_eq!(s.top(&c, 0), purchase);
        let p0 = s.probabilities(&c, 0)[purchase];
        let p_later = s.probabilities(&c, 72 * HOUR)[purchase];
        let p_much_later = s.probabilities(&c, 72 * 10 * HOUR)[purchase];
        assert!(p0 > p_later && p_later > p_much_later);
        assert_eq!(
            s.top(&c, 72 * 10 * HOUR),
            0,
            "back to the prior's favourite"
        );
    }

    #[test]
    fn evidence_is_capped() {
        let c = Config::default();
        let mut s = StageState::new(&c);
        for _ in 0..100 {
            s.add(&c, 1, 5.0, Cause::Event("x".into()), 0);
        }
        assert_eq!(s.evidence[1], c.inference.max_evidence);
        assert_eq!(s.trail.len(), c.inference.trail_length as usize);
    }

    #[test]
    fn trail_explains_with_decayed_weights() {
        let c = Config::default();
        let mut s = StageState::new(&c);
        s.add(&c, 2, 1.0, Cause::Event("Reviews Viewed".into()), 0);
        let e = &s.estimates(&c, 72 * HOUR)[2];
        assert_eq!(e.trail.len(), 1);
        assert!((e.trail[0].weight - 0.5).abs() < 1e-9);
        assert!((e.score - 0.5).abs() < 1e-9);
    }

    #[test]
    fn align_keeps_evidence_of_stages_that_remain() {
        let c = Config::default();
        let mut s = StageState::new(&c);
        s.add(&c, 5, 2.0, Cause::Event("Referral Sent".into()), 0);
        let renamed = Config::from_json(
            r#"{"stages": [{"id": "loyalty"}, {"id": "new_stage"}], "signals": []}"#,
        )
        .unwrap();
        let a = s.align(&renamed);
        assert_eq!(a.evidence, vec![2.0, 0.0]);
        assert_eq!(a.trail[0].stage, 0);
    }
}
