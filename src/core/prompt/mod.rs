//! Prompts, micro-surveys and experiments: what the engine remembers about what it showed
//! ([`DecisionState`]), how the touchpoints that report it update that memory ([`observe`]), and
//! (in `decide.rs`) which prompt to show now, with its explanation.
//!
//! Showing is a touchpoint like any other. The engine only *decides*; the caller shows the
//! prompt and tracks `Prompt Shown` / `Prompt Clicked` / `Prompt Dismissed` (with `prompt_id`),
//! `Survey Answered` (with `survey_id`, `answer`, `score`) and `Experiment Viewed` (with
//! `experiment_id`, `variant_id`). Caps, cool-downs, the fatigue budget and exposures are
//! therefore functions of the recorded touchpoints: replaying a journey gives the same decisions.
//!
//! Survey answers become evidence ([`observe`]): an NPS of 9-10 adds advocacy evidence to the
//! `loyalty` stage (when the config has one); an NPS of 0-6, a CSAT of 1-2 or a CES of 5-7 is a
//! pain point on the profile (noted "after support" when the `support` micro journey was
//! started); the answer to an attribution survey is the visitor's self-reported channel.

pub(crate) mod decide;
mod survey;

use alloc::{string::String, vec::Vec};
pub use decide::{PromptDecision, PromptExplanation, Trigger, HELD_OUT};

use super::config::Config;
use super::engine::State;
use super::event::{EventKind, Touchpoint};
use super::map::IdMap;

/// How many show times are kept per prompt (enough for any per-session or per-day cap).
pub const SHOWN_KEPT: usize = 16;
/// How many pain points are kept.
pub const PAIN_POINTS_KEPT: usize = 20;
/// How many prompts and experiments are remembered (the least recently used go first).
pub const ENTRIES_KEPT: usize = 64;

/// What was shown to the visitor, and what they did with it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PromptHistory {
    /// When it was shown, oldest first (the last [`SHOWN_KEPT`]).
    pub shown_ms: Vec<u64>,
    /// Times shown, ever.
    pub total: u32,
    /// Times clicked, ever.
    pub clicks: u32,
    /// The latest dismissal.
    pub dismissed_ms: Option<u64>,
}

impl PromptHistory {
    /// Times shown at or after `since_ms` (one function for every cap and count, so the wasm
    /// carries the loop once).
    pub fn shown_since(&self, since_ms: u64) -> u32 {
        let mut n = 0;
        for &t in &self.shown_ms {
            if t >= since_ms {
                n += 1;
            }
        }
        n
    }
}

/// A sticky experiment assignment.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Assignment {
    /// Arm id (`"holdout"` for a held-out visitor).
    pub arm: String,
    /// The session number of the latest exposure (0: never exposed).
    pub exposed_session: u32,
}

/// A pain point the visitor reported (a low score).
#[derive(Clone, Debug, PartialEq)]
pub struct PainPoint {
    /// What, e.g. `CSAT 2 after support`.
    pub reason: String,
    /// When.
    pub at_ms: u64,
}

/// The engine's memory of prompts, surveys and experiments. Persisted with the profile (codec
/// v2's extension section 1) and erased with it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DecisionState {
    /// The visitor's random id for experiment buckets: drawn by the caller (the core has no
    /// randomness) and kept for good; 0 until set.
    pub seed: u64,
    /// Per prompt or survey id.
    pub prompts: IdMap<PromptHistory>,
    /// Per experiment id.
    pub assignments: IdMap<Assignment>,
    /// The channel the visitor said they came from ("how did you hear about us?").
    pub reported_channel: Option<String>,
    /// Reported pain points, oldest first (the last [`PAIN_POINTS_KEPT`]).
    pub pain_points: Vec<PainPoint>,
}

impl DecisionState {
    /// Prompts and surveys shown since `since_ms` (the session start), all together.
    pub fn shown_since(&self, since_ms: u64) -> usize {
        let mut n = 0;
        for h in self.prompts.values() {
            n += h.shown_since(since_ms) as usize;
        }
        n
    }
}

/// The entry for `key` when the config names it (`configured`), within the [`ENTRIES_KEPT`]
/// bound. Ids the config does not name are not remembered: a site tracking `Prompt Shown` or
/// `Experiment Viewed` for its own popups and tests would otherwise fill the memory that the
/// configured ones (at most [`ENTRIES_KEPT`], checked at load) need for their caps.
fn remembered<'m, V: Default>(
    map: &'m mut IdMap<V>,
    key: &str,
    configured: bool,
) -> Option<&'m mut V> {
    if !configured || (!map.contains_key(key) && map.len() >= ENTRIES_KEPT) {
        return None;
    }
    Some(map.entry(key, V::default))
}

/// Updates the decision memory (and, for survey answers, the stage evidence) from one
/// touchpoint, already recorded in the profile. Only ids the config names are remembered; memory
/// of ids no longer configured is dropped when the state is next loaded (`Engine::with_state`).
pub fn observe(config: &Config, state: &mut State, tp: &Touchpoint, now_ms: u64) {
    let d = &mut state.decisions;
    let prompt_id = || tp.str_prop("prompt_id").or_else(|| tp.str_prop("prompt"));
    match tp.kind {
        // One look-up shared by the three prompt events (it was inlined once per arm).
        EventKind::PromptShown | EventKind::PromptClicked | EventKind::PromptDismissed => {
            let Some(h) = prompt_id()
                .and_then(|id| remembered(&mut d.prompts, &id, config.prompt(&id).is_some()))
            else {
                return;
            };
            match tp.kind {
                EventKind::PromptShown => {
                    h.shown_ms.push(now_ms);
                    // `while`: stored bytes may hold a longer list (an older build, edited
                    // storage); the next show brings it back within the bound.
                    while h.shown_ms.len() > SHOWN_KEPT {
                        h.shown_ms.remove(0);
                    }
                    h.total = h.total.saturating_add(1);
                }
                EventKind::PromptClicked => h.clicks = h.clicks.saturating_add(1),
                _ => h.dismissed_ms = Some(now_ms),
            }
        }
        EventKind::SurveyAnswered => survey::answered(config, state, tp, now_ms),
        EventKind::Custom if tp.name == "Experiment Viewed" => {
            let session = state.profile.session.as_ref().map_or(0, |s| s.number);
            let exp = tp.str_prop("experiment_id");
            let arm = tp.str_prop("variant_id").or_else(|| tp.str_prop("variant"));
            if let (Some(exp), Some(mut arm)) = (exp, arm) {
                let configured = config.experiments.contains_key(&exp);
                if let Some(a) = remembered(&mut state.decisions.assignments, &exp, configured) {
                    // The first 100 characters, counted on bytes (a character starts at each
                    // byte that is not 0x80..=0xBF): no `char` decoding in the wasm.
                    let mut chars = 0;
                    let end = arm.bytes().position(|b| {
                        chars += usize::from((b as i8) >= -0x40);
                        chars > 100
                    });
                    arm.truncate(end.unwrap_or(arm.len()));
                    a.arm = arm;
                    a.exposed_session = session;
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Engine;

    #[test]
    fn unknown_ids_cannot_crowd_out_the_configured_ones() {
        // A site that tracks its own `Prompt Shown` / `Experiment Viewed` events for popups and
        // tests Trailmark does not run must not fill the memory the configured ones need: the
        // configured prompt's cap still holds after 100 unknown ids on the same page.
        let config = Config::from_json(
            r#"{"prompts": {"nudge": {"kind": "toast", "max_per_session": 1}},
                "slots": {"hero": {"rules": [{"variant": "a", "when": "true"}]}},
                "experiments": {"hero": {"slot": "hero",
                    "arms": [{"id": "a"}, {"id": "b", "variant": "a"}]}}}"#,
        )
        .unwrap();
        let mut e = Engine::new(config);
        e.ingest(&Touchpoint::page("https://shop.example/", None), 0);
        for i in 0..100u32 {
            let id = i.to_string();
            e.ingest(
                &Touchpoint::of(EventKind::PromptShown).with("prompt_id", id.as_str()),
                1_000,
            );
            e.ingest(
                &Touchpoint::new("Experiment Viewed", Default::default())
                    .with("experiment_id", id.as_str())
                    .with("variant_id", "b"),
                1_000,
            );
        }
        e.ingest(
            &Touchpoint::of(EventKind::PromptShown).with("prompt_id", "nudge"),
            2_000,
        );
        e.ingest(
            &Touchpoint::new("Experiment Viewed", Default::default())
                .with("experiment_id", "hero")
                .with("variant_id", "b"),
            2_000,
        );
        let d = &e.state().decisions;
        assert_eq!(d.prompts.keys().collect::<Vec<_>>(), ["nudge"]);
        assert_eq!(d.prompts["nudge"].total, 1);
        assert_eq!(d.assignments.keys().collect::<Vec<_>>(), ["hero"]);
    }

    #[test]
    fn stored_lists_longer_than_kept_come_back_within_bounds() {
        // Stored bytes may hold longer lists (an older build, edited storage): the next update
        // keeps the newest, as the bounds promise.
        let config = Config::from_json(
            r#"{"prompts": {"nudge": {"kind": "toast"}},
                "surveys": {"nps": {"kind": "modal", "type": "nps", "question": "Us?"}}}"#,
        )
        .unwrap();
        let mut e = Engine::new(config.clone());
        e.ingest(&Touchpoint::page("https://shop.example/", None), 0);
        let mut state = e.state().clone();
        let h = state
            .decisions
            .prompts
            .entry("nudge", PromptHistory::default);
        h.shown_ms = (0..40).collect();
        for i in 0..(PAIN_POINTS_KEPT as u64 + 9) {
            state.decisions.pain_points.push(PainPoint {
                reason: "NPS 3".into(),
                at_ms: i,
            });
        }
        let bytes = crate::core::codec::encode(&state);
        let (mut e, _) = Engine::restore(config, &bytes);
        e.ingest(
            &Touchpoint::of(EventKind::PromptShown).with("prompt_id", "nudge"),
            1_000,
        );
        e.ingest(
            &Touchpoint::of(EventKind::SurveyAnswered)
                .with("survey_id", "nps")
                .with("answer", "2")
                .with("score", 2.0),
            1_000,
        );
        let d = &e.state().decisions;
        let mut newest: Vec<u64> = (25..40).collect();
        newest.push(1_000);
        assert_eq!(d.prompts["nudge"].shown_ms, newest);
        assert_eq!(d.pain_points.len(), PAIN_POINTS_KEPT);
        assert_eq!(d.pain_points[0].at_ms, 10);
    }

    #[test]
    fn prompt_touchpoints_update_the_history() {
        let config = Config::from_json(r#"{"prompts": {"nudge": {"kind": "toast"}}}"#).unwrap();
        let mut e = Engine::new(config);
        let tp = |kind| Touchpoint::of(kind).with("prompt_id", "nudge");
        for i in 0..20 {
            e.ingest(&tp(EventKind::PromptShown), 1_000 + i);
        }
        e.ingest(&tp(EventKind::PromptClicked), 2_000);
        e.ingest(&tp(EventKind::PromptDismissed), 3_000);
        e.ingest(&Touchpoint::of(EventKind::PromptShown), 3_500); // no id: ignored
        let h = &e.state().decisions.prompts["nudge"];
        assert_eq!((h.total, h.clicks, h.dismissed_ms), (20, 1, Some(3_000)));
        assert_eq!(h.shown_ms.len(), SHOWN_KEPT);
        assert_eq!(h.shown_ms[0], 1_004);
        assert_eq!(e.state().decisions.shown_since(1_010), 10);
        assert_eq!(e.state().decisions.prompts.len(), 1);
    }

    /// A config with one experiment, `hero`, of two arms on the slot `hero`.
    fn hero_experiment() -> Config {
        Config::from_json(
            r#"{"slots": {"hero": {"rules": [{"variant": "a", "when": "true"}]}},
                "experiments": {"hero": {"slot": "hero",
                    "arms": [{"id": "a"}, {"id": "b", "variant": "a"}]}}}"#,
        )
        .unwrap()
    }

    /// The `Experiment Viewed` touchpoint of `hero`'s arm `arm`.
    fn hero_viewed(arm: &str) -> Touchpoint {
        Touchpoint::new("Experiment Viewed", Default::default())
            .with("experiment_id", "hero")
            .with("variant_id", arm)
    }

    #[test]
    fn exposures_are_remembered_per_session() {
        let mut e = Engine::new(hero_experiment());
        e.ingest(&Touchpoint::page("https://shop.example/", None), 0);
        e.ingest(&hero_viewed("b"), 1_000);
        assert_eq!(
            e.state().decisions.assignments["hero"],
            Assignment {
                arm: "b".into(),
                exposed_session: 1
            }
        );
    }

    #[test]
    fn an_arm_is_kept_to_its_first_100_characters() {
        for arm in [
            "b",
            "é€😀x",
            &"é".repeat(100),
            &"a€😀".repeat(40),
            &"x".repeat(101),
        ] {
            let mut e = Engine::new(hero_experiment());
            e.ingest(&hero_viewed(arm), 1_000);
            let want: String = arm.chars().take(100).collect();
            assert_eq!(e.state().decisions.assignments["hero"].arm, want);
        }
    }

    #[test]
    fn memory_of_prompts_no_longer_configured_is_dropped_on_load() {
        let before = r#"{"prompts": {"kept": {"kind": "toast"}, "gone": {"kind": "toast"}}}"#;
        let mut e = Engine::new(Config::from_json(before).unwrap());
        for id in ["kept", "gone"] {
            e.ingest(
                &Touchpoint::of(EventKind::PromptShown).with("prompt_id", id),
                1_000,
            );
        }
        assert_eq!(e.state().decisions.prompts.len(), 2);
        let after = Config::from_json(r#"{"prompts": {"kept": {"kind": "toast"}}}"#).unwrap();
        let (restored, _) = Engine::restore(after, &e.encode());
        let ids: Vec<&String> = restored.state().decisions.prompts.keys().collect();
        assert_eq!(ids, ["kept"]);
    }
}
