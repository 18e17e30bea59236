//! Micro journeys: short task flows (checkout, sign-up, search-to-product, support) declared as
//! ordered steps, tracked live as started / progressing / completed / abandoned.
//!
//! Rules, in the order they apply to each touchpoint:
//! - A journey whose deadline has passed is abandoned at the step it reached (the engine also
//!   checks deadlines on [`crate::core::Engine::tick`], so a nudge can fire without a new event).
//! - An `abandon_on` event abandons an active journey at once.
//! - The last step completes an active journey from any step (sites often skip tracking steps).
//! - Otherwise an active journey advances to a later step when every step between is optional;
//!   an event of an earlier step counts as a backtrack (the "checkout loop").
//! - An inactive journey starts at the first step, or at a later step whose predecessors are all
//!   optional.
//!
//! The deadline after reaching step `i` is the latest of the timeouts of the steps that could
//! come next (the optional ones after `i` and the first required one).

use super::config::{MicroJourneyDef, StepDef};
use super::event::{EventKind, Touchpoint};
use alloc::{borrow::ToOwned, string::String};

/// Where a micro journey stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JourneyStatus {
    /// Never started (or reset).
    NotStarted,
    /// The first reachable step was seen.
    Started,
    /// A later step was reached; not yet complete.
    Progressing,
    /// The last step was reached.
    Completed,
    /// Timed out, or an abandoning event was seen, before completion.
    Abandoned,
}

impl JourneyStatus {
    /// Lower-case name used in conditions and JSON: `not_started`, `started`, ...
    pub fn name(self) -> &'static str {
        match self {
            JourneyStatus::NotStarted => "not_started",
            JourneyStatus::Started => "started",
            JourneyStatus::Progressing => "progressing",
            JourneyStatus::Completed => "completed",
            JourneyStatus::Abandoned => "abandoned",
        }
    }

    /// Stable code for the codec.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// Inverse of [`JourneyStatus::code`].
    pub fn from_code(c: u8) -> Option<JourneyStatus> {
        [
            JourneyStatus::NotStarted,
            JourneyStatus::Started,
            JourneyStatus::Progressing,
            JourneyStatus::Completed,
            JourneyStatus::Abandoned,
        ]
        .get(c as usize)
        .copied()
    }

    /// Started or progressing.
    pub fn is_active(self) -> bool {
        matches!(self, JourneyStatus::Started | JourneyStatus::Progressing)
    }
}

/// Live state of one micro journey.
#[derive(Clone, Debug, PartialEq)]
pub struct MicroJourneyState {
    /// Journey id from config.
    pub id: String,
    /// Current status.
    pub status: JourneyStatus,
    /// Index of the furthest step reached in the current (or last) attempt.
    pub step: u8,
    /// When the current (or last) attempt started.
    pub started_ms: u64,
    /// When the status last changed.
    pub updated_ms: u64,
    /// While active: when it will count as abandoned without progress.
    pub deadline_ms: Option<u64>,
    /// Attempts started, ever.
    pub attempts: u32,
    /// Attempts completed, ever.
    pub completions: u32,
    /// Attempts abandoned, ever.
    pub abandons: u32,
    /// Returns to an earlier step in the current attempt.
    pub backtracks: u32,
}

impl MicroJourneyState {
    /// A journey that has not started.
    pub fn new(id: &str) -> MicroJourneyState {
        MicroJourneyState {
            id: id.to_owned(),
            status: JourneyStatus::NotStarted,
            step: 0,
            started_ms: 0,
            updated_ms: 0,
            deadline_ms: None,
            attempts: 0,
            completions: 0,
            abandons: 0,
            backtracks: 0,
        }
    }

    /// Abandons the journey if its deadline has passed. Returns true when the status changed.
    pub fn expire(&mut self, now_ms: u64) -> bool {
        match self.deadline_ms {
            Some(deadline) if self.status.is_active() && now_ms > deadline => {
                self.abandon(deadline);
                true
            }
            _ => false,
        }
    }

    fn abandon(&mut self, at_ms: u64) {
        self.status = JourneyStatus::Abandoned;
        self.updated_ms = at_ms;
        self.deadline_ms = None;
        self.abandons = self.abandons.saturating_add(1);
    }

    /// Abandons an active journey now (e.g. when its session ends). Returns true if it was active.
    pub fn end_session(&mut self, now_ms: u64) -> bool {
        if self.status.is_active() {
            self.abandon(now_ms);
            true
        } else {
            false
        }
    }

    /// Applies one touchpoint. Returns true when status or step changed.
    pub fn observe(&mut self, def: &MicroJourneyDef, tp: &Touchpoint, now_ms: u64) -> bool {
        if self.expire(now_ms) {
            // Fall through: the same touchpoint may start a new attempt.
            self.observe_live(def, tp, now_ms);
            return true;
        }
        self.observe_live(def, tp, now_ms)
    }

    fn observe_live(&mut self, def: &MicroJourneyDef, tp: &Touchpoint, now_ms: u64) -> bool {
        let last = def.steps.len().saturating_sub(1);
        if self.status.is_active() {
            if def.abandon_on.iter().any(|e| names_event(e, tp)) {
                self.abandon(now_ms);
                return true;
            }
            let reached = self.step as usize;
            if matches(&def.steps[last], tp) {
                self.reach(def, last, now_ms);
                return true;
            }
            // The nearest later step reachable over optional steps only.
            for j in reached + 1..last {
                if matches(&def.steps[j], tp) {
                    self.reach(def, j, now_ms);
                    return true;
                }
                if !def.steps[j].optional {
                    break;
                }
            }
            if def.steps[..reached].iter().any(|s| matches(s, tp)) {
                self.backtracks = self.backtracks.saturating_add(1);
                self.updated_ms = now_ms;
                self.deadline_ms = Some(deadline(def, reached, now_ms));
                return true;
            }
            if matches(&def.steps[reached], tp) {
                // Repeating the current step keeps the journey alive.
                self.deadline_ms = Some(deadline(def, reached, now_ms));
            }
            return false;
        }
        for (j, step) in def.steps.iter().enumerate() {
            if matches(step, tp) {
                self.attempts = self.attempts.saturating_add(1);
                self.started_ms = now_ms;
                self.backtracks = 0;
                self.reach(def, j, now_ms);
                return true;
            }
            if !step.optional {
                break;
            }
        }
        false
    }

    fn reach(&mut self, def: &MicroJourneyDef, step: usize, now_ms: u64) {
        let last = def.steps.len() - 1;
        self.step = step as u8;
        self.updated_ms = now_ms;
        if step == last {
            self.status = JourneyStatus::Completed;
            self.deadline_ms = None;
            self.completions = self.completions.saturating_add(1);
        } else {
            self.status = if self.status.is_active() {
                JourneyStatus::Progressing
            } else {
                JourneyStatus::Started
            };
            self.deadline_ms = Some(deadline(def, step, now_ms));
        }
    }
}

/// The deadline after reaching step `from`: the longest timeout among the steps that may come
/// next (optional ones, up to and including the first required one).
fn deadline(def: &MicroJourneyDef, from: usize, now_ms: u64) -> u64 {
    let mut longest = 0;
    for step in &def.steps[from + 1..] {
        longest = longest.max(step.timeout_s.unwrap_or(def.timeout_s));
        if !step.optional {
            break;
        }
    }
    now_ms.saturating_add(longest.saturating_mul(1000))
}

fn matches(step: &StepDef, tp: &Touchpoint) -> bool {
    names_event(&step.event, tp) && tp.has_props(&step.where_props)
}

/// True when a config event name denotes this touchpoint (same kind, or same custom name).
pub(crate) fn names_event(name: &str, tp: &Touchpoint) -> bool {
    match EventKind::parse(name) {
        Some(kind) => kind == tp.kind,
        None => tp.kind == EventKind::Custom && tp.name == name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Config;

    fn checkout() -> MicroJourneyDef {
        Config::default().micro_journeys.remove(0)
    }

    fn tp(kind: EventKind) -> Touchpoint {
        Touchpoint::of(kind)
    }

    #[test]
    fn checkout_completes_through_optional_steps() {
        let d = checkout();
        let mut s = MicroJourneyState::new("checkout");
        assert!(s.observe(&d, &tp(EventKind::CheckoutStarted), 0));
        assert_eq!(s.status, JourneyStatus::Started);
        assert!(s.observe(&d, &tp(EventKind::PaymentInfoEntered), 1000));
        assert_eq!((s.status, s.step), (JourneyStatus::Progressing, 2));
        assert!(s.observe(&d, &tp(EventKind::OrderCompleted), 2000));
        assert_eq!((s.status, s.completions), (JourneyStatus::Completed, 1));
    }

    #[test]
    fn times_out_into_abandoned_at_the_step_reached() {
        let d = checkout();
        let mut s = MicroJourneyState::new("checkout");
        s.observe(&d, &tp(EventKind::CheckoutStarted), 0);
        s.observe(&d, &tp(EventKind::CheckoutStepCompleted), 1000);
        assert!(!s.expire(1000 + 1_800_000));
        assert!(s.expire(1000 + 1_800_001));
        assert_eq!(
            (s.status, s.step, s.abandons),
            (JourneyStatus::Abandoned, 1, 1)
        );
        // A new attempt starts cleanly.
        s.observe(&d, &tp(EventKind::CheckoutStarted), 5_000_000);
        assert_eq!((s.status, s.attempts), (JourneyStatus::Started, 2));
    }

    #[test]
    fn going_back_counts_as_backtrack() {
        let d = checkout();
        let mut s = MicroJourneyState::new("checkout");
        s.observe(&d, &tp(EventKind::CheckoutStarted), 0);
        s.observe(&d, &tp(EventKind::CheckoutStepCompleted), 1);
        s.observe(&d, &tp(EventKind::CheckoutStarted), 2);
        assert_eq!(
            (s.status, s.step, s.backtracks),
            (JourneyStatus::Progressing, 1, 1)
        );
    }

    #[test]
    fn unrelated_events_change_nothing() {
        let d = checkout();
        let mut s = MicroJourneyState::new("checkout");
        assert!(!s.observe(&d, &tp(EventKind::PageViewed), 0));
        assert!(
            !s.observe(&d, &tp(EventKind::OrderCompleted), 0),
            "last step alone does not start"
        );
        assert_eq!(s.status, JourneyStatus::NotStarted);
    }

    #[test]
    fn optional_first_step_lets_later_step_start() {
        let support = Config::default().micro_journeys.remove(3);
        let mut s = MicroJourneyState::new("support");
        assert!(s.observe(&support, &tp(EventKind::SupportContacted), 0));
        assert_eq!(s.status, JourneyStatus::Completed);
    }

    #[test]
    fn abandon_on_event_abandons_at_once() {
        let mut d = checkout();
        d.abandon_on = vec!["Product Removed".into()];
        let mut s = MicroJourneyState::new("checkout");
        s.observe(&d, &tp(EventKind::CheckoutStarted), 0);
        assert!(s.observe(&d, &tp(EventKind::ProductRemoved), 10));
        assert_eq!(s.status, JourneyStatus::Abandoned);
    }

    #[test]
    fn where_props_must_match() {
        let sign_up = Config::default().micro_journeys.remove(1);
        let mut s = MicroJourneyState::new("sign_up");
        assert!(!s.observe(
            &sign_up,
            &tp(EventKind::FormSubmitted).with("form", "newsletter"),
            0
        ));
        assert!(s.observe(
            &sign_up,
            &tp(EventKind::FormSubmitted).with("form", "sign_up"),
            0
        ));
    }
}
