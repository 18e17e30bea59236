//! The engine: a sans-IO state machine. [`Engine::ingest`] takes a touchpoint and the time, updates
//! the profile, stage estimates and micro journeys, and returns [`Effects`] for the caller to
//! apply. Nothing here reads a clock or storage; [`Engine::encode`] hands out bytes to persist.

use super::channel::{self, VisitSource};
use super::codec;
use super::config::{Config, Fact, Signal};
use super::error::Error;
use super::event::{EventKind, Touchpoint};
use super::micro::{names_event, JourneyStatus, MicroJourneyState};
use super::profile::{Profile, Session};
use super::prompt::{self, DecisionState};
use super::stage::{Cause, StageEstimate, StageState};
use super::url::Url;
use alloc::{string::String, vec::Vec};

/// Everything the engine persists between page loads.
#[derive(Clone, Debug, PartialEq)]
pub struct State {
    /// The visitor's profile.
    pub profile: Profile,
    /// Stage inference accumulators and trail.
    pub stages: StageState,
    /// One entry per configured micro journey.
    pub journeys: Vec<MicroJourneyState>,
    /// What prompts, surveys and experiments showed, and the experiment seed.
    pub decisions: DecisionState,
}

impl State {
    /// A new visitor.
    pub fn new(config: &Config) -> State {
        let mut journeys = Vec::with_capacity(config.micro_journeys.len());
        for j in &config.micro_journeys {
            journeys.push(MicroJourneyState::new(&j.id));
        }
        State {
            profile: Profile::default(),
            stages: StageState::new(config),
            journeys,
            decisions: DecisionState::default(),
        }
    }
}

/// Something the caller should act on.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// A new session started.
    SessionStarted {
        /// Session number (1 for the first).
        number: u32,
        /// Channel group it came from.
        channel: String,
    },
    /// The likeliest stage changed.
    StageChanged {
        /// Previous likeliest stage id.
        from: String,
        /// New likeliest stage id.
        to: String,
        /// Probability of the new stage.
        probability: f64,
    },
    /// A micro journey changed status or step.
    JourneyChanged {
        /// Journey id.
        journey: String,
        /// New status.
        status: JourneyStatus,
        /// Index of the step reached.
        step: u8,
    },
}

/// What one call produced.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Effects {
    /// Things to act on, in order.
    pub effects: Vec<Effect>,
    /// True when the state changed and should be persisted.
    pub persist: bool,
}

/// The journey engine for one visitor.
#[derive(Clone, Debug)]
pub struct Engine {
    config: Config,
    signals: Vec<CompiledSignal>,
    state: State,
    sources: channel::SourceTables,
}

/// A signal with its names resolved once, so ingest does no string parsing.
#[derive(Clone, Debug)]
struct CompiledSignal {
    trigger: Trigger,
    weights: Vec<(usize, f64)>,
}

#[derive(Clone, Debug)]
enum Trigger {
    Event(EventKind, Option<String>),
    Fact(Fact),
    Channel(String),
}

/// `state` re-keyed to `config`: stages aligned by id, journeys kept by id (one whose step no
/// longer exists starts over).
fn rekey(config: &Config, state: State) -> State {
    let State {
        profile,
        stages,
        journeys,
        mut decisions,
    } = state;
    // Memory of prompts and experiments no longer configured is dropped, so the bounded tables
    // always have room for the configured ones.
    decisions
        .prompts
        .retain(|id, _| config.prompt(id).is_some());
    decisions
        .assignments
        .retain(|id, _| config.experiments.contains_key(id));
    // A loop rather than an iterator chain collected: less wasm.
    let mut kept = Vec::with_capacity(config.micro_journeys.len());
    for def in &config.micro_journeys {
        let old = journeys.iter().find(|j| j.id == def.id);
        kept.push(match old {
            Some(j) if (j.step as usize) < def.steps.len() => j.clone(),
            _ => MicroJourneyState::new(&def.id),
        });
    }
    State {
        profile,
        stages: stages.align(config),
        journeys: kept,
        decisions,
    }
}

fn compile(config: &Config) -> Vec<CompiledSignal> {
    // Loops rather than `filter_map(..).collect()`: each chain was its own code in the wasm.
    let mut out = Vec::with_capacity(config.signals.len());
    for s in &config.signals {
        let trigger = if let Some(e) = &s.event {
            match EventKind::parse(e) {
                Some(k) => Trigger::Event(k, None),
                None => Trigger::Event(EventKind::Custom, Some(e.clone())),
            }
        } else if let Some(f) = s.fact {
            Trigger::Fact(f)
        } else if let Some(c) = &s.channel {
            Trigger::Channel(c.clone())
        } else {
            continue;
        };
        let mut weights = Vec::new();
        for (id, w) in &s.stages {
            if let Some(i) = config.stage_index(id) {
                weights.push((i, *w));
            }
        }
        out.push(CompiledSignal { trigger, weights });
    }
    out
}

impl Engine {
    /// An engine for a new visitor.
    pub fn new(config: Config) -> Engine {
        let state = State::new(&config);
        Engine::with_state(config, state)
    }

    /// An engine resuming `state` (e.g. decoded from storage). Stages and journeys are re-keyed
    /// to the config, so a config change keeps what still applies.
    pub fn with_state(config: Config, state: State) -> Engine {
        Engine {
            signals: compile(&config),
            state: rekey(&config, state),
            config,
            sources: Default::default(),
        }
    }

    /// Replaces the visitor's state (another tab's, or `State::new` to forget), re-keyed to the
    /// config as in [`Engine::with_state`]. Keeps the config and compiled signals, so the caller
    /// need not clone the config to rebuild the engine.
    pub fn set_state(&mut self, state: State) {
        self.state = rekey(&self.config, state);
    }

    /// Resumes from persisted bytes. Corrupt, truncated or future-version bytes give the error
    /// and a fresh engine, so the caller can report once and carry on.
    pub fn restore(config: Config, bytes: &[u8]) -> (Engine, Option<Error>) {
        match codec::decode(bytes) {
            Ok(state) => (Engine::with_state(config, state), None),
            Err(e) => (Engine::new(config), Some(Error::Codec(e))),
        }
    }

    /// The persisted form of the current state.
    pub fn encode(&self) -> Vec<u8> {
        codec::encode(&self.state)
    }

    /// Loads the full source tables (the bytes of `trailmark_sources.txt`), checked first; see
    /// [`channel::SourceTables`]. Natively they are built in already.
    pub fn load_source_tables(&mut self, bytes: &[u8]) -> Result<(), channel::SourceTableError> {
        self.sources.load(bytes)
    }

    /// Whether a page view of `url` from `referrer` needs the full source tables to be
    /// classified exactly (ask before ingesting it, load them, then ingest).
    pub fn needs_source_tables(&self, url: &str, referrer: Option<&str>) -> bool {
        self.sources
            .needs_full(&self.config.channels, url, referrer)
    }

    /// The config this engine runs.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The full state.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// The visitor's profile.
    pub fn profile(&self) -> &Profile {
        &self.state.profile
    }

    /// Micro journey states, in config order.
    pub fn journeys(&self) -> &[MicroJourneyState] {
        &self.state.journeys
    }

    /// One micro journey's state.
    pub fn journey(&self, id: &str) -> Option<&MicroJourneyState> {
        self.state.journeys.iter().find(|j| j.id == id)
    }

    /// Stage estimates at `now_ms`, in config order, with their evidence trails.
    pub fn stage(&self, now_ms: u64) -> Vec<StageEstimate> {
        self.state.stages.estimates(&self.config, now_ms)
    }

    /// The likeliest stage at `now_ms` and its probability.
    pub fn top_stage(&self, now_ms: u64) -> (&str, f64) {
        let p = self.state.stages.probabilities(&self.config, now_ms);
        let top = self.state.stages.top(&self.config, now_ms);
        (&self.config.stages[top].id, p[top])
    }

    /// Gives the visitor their experiment seed (a random id the caller draws, e.g. from
    /// `crypto.getRandomValues`) unless they have one. Returns true when it was taken, so the
    /// caller persists it. 0 is not a seed.
    pub fn seed(&mut self, seed: u64) -> bool {
        if self.state.decisions.seed != 0 || seed == 0 {
            return false;
        }
        self.state.decisions.seed = seed;
        true
    }

    /// The earliest moment at which [`Engine::tick`] would change something (a micro journey
    /// deadline), so the caller can set one timer.
    pub fn next_deadline(&self) -> Option<u64> {
        // A loop rather than `filter` / `filter_map` / `min`: less wasm.
        let mut next: Option<u64> = None;
        for j in &self.state.journeys {
            if let Some(d) = j.deadline_ms.filter(|_| j.status.is_active()) {
                next = Some(next.map_or(d, |n| n.min(d)));
            }
        }
        next
    }

    /// Advances time without a touchpoint: abandons micro journeys whose deadline passed.
    pub fn tick(&mut self, now_ms: u64) -> Effects {
        let now_ms = now_ms.max(self.state.profile.last_seen_ms);
        let mut out = Effects::default();
        for j in &mut self.state.journeys {
            if j.expire(now_ms) {
                out.effects.push(journey_effect(j));
            }
        }
        out.persist = !out.effects.is_empty();
        out
    }

    /// Applies data-retention limits (call at start-up and now and then while running; ingest
    /// applies them as it goes).
    pub fn apply_retention(&mut self, now_ms: u64) -> Effects {
        let expired = self.expire_inactive(now_ms);
        let dropped = self
            .state
            .profile
            .apply_retention(now_ms, &self.config.retention);
        Effects {
            effects: Vec::new(),
            persist: expired || dropped,
        }
    }

    /// A visitor not seen for `retention.inactive_days` is forgotten entirely (rolled-up counts
    /// have no dates of their own). True when it was.
    fn expire_inactive(&mut self, now_ms: u64) -> bool {
        let last = self.state.profile.last_seen_ms;
        let limit = u64::from(self.config.retention.inactive_days) * 86_400_000;
        if last == 0 || now_ms.saturating_sub(last) <= limit {
            return false;
        }
        self.state = State::new(&self.config);
        true
    }

    /// Records one touchpoint at `now_ms` (milliseconds since the Unix epoch). A clock that goes
    /// backwards is treated as standing still, so history stays ordered.
    pub fn ingest(&mut self, tp: &Touchpoint, now_ms: u64) -> Effects {
        self.expire_inactive(now_ms);
        let now_ms = now_ms.max(self.state.profile.last_seen_ms);
        let mut out = self.tick(now_ms);
        out.persist = true;
        let top_before = self.state.stages.top(&self.config, now_ms);

        self.update_session(tp, now_ms, &mut out);
        let profile = &mut self.state.profile;
        if profile.first_seen_ms == 0 {
            profile.first_seen_ms = now_ms;
        }
        profile.last_seen_ms = now_ms;
        if let Some(s) = profile.session.as_mut() {
            s.last_ms = now_ms;
            s.touchpoints = s.touchpoints.saturating_add(1);
        }
        let revisit = profile.record(tp, now_ms, &self.config.lifecycle);
        profile.apply_retention(now_ms, &self.config.retention);

        if revisit {
            self.apply_fact(Fact::ProductRevisit, now_ms);
        }
        self.apply_event_signals(tp, now_ms);
        prompt::observe(&self.config, &mut self.state, tp, now_ms);

        for (state, def) in self
            .state
            .journeys
            .iter_mut()
            .zip(&self.config.micro_journeys)
        {
            let before = (state.status, state.step);
            if state.observe(def, tp, now_ms) && before != (state.status, state.step) {
                out.effects.push(journey_effect(state));
            }
        }

        let top_after = self.state.stages.top(&self.config, now_ms);
        if top_after != top_before {
            let p = self.state.stages.probabilities(&self.config, now_ms);
            out.effects.push(Effect::StageChanged {
                from: self.config.stages[top_before].id.clone(),
                to: self.config.stages[top_after].id.clone(),
                probability: p[top_after],
            });
        }
        out
    }

    /// Starts a new session when the last one timed out, when there is none, or when a visit
    /// arrives from a different campaign or source.
    fn update_session(&mut self, tp: &Touchpoint, now_ms: u64, out: &mut Effects) {
        let timeout = u64::from(self.config.session.timeout_minutes) * 60_000;
        let profile = &self.state.profile;
        let expired = profile
            .session
            .as_ref()
            .is_none_or(|s| now_ms.saturating_sub(s.last_ms) > timeout);
        let source = match (&tp.url, tp.kind) {
            (Some(url), EventKind::PageViewed) => Some(self.sources.classify(
                &self.config.channels,
                url,
                tp.referrer.as_deref(),
                now_ms,
            )),
            _ => None,
        };
        let touch = match source {
            Some(VisitSource::Touch(t)) => {
                let changed = self.config.session.new_on_campaign_change
                    && t.group != "Direct"
                    && profile.session.as_ref().is_some_and(|s| {
                        (&s.channel.source, &s.channel.medium, &s.channel.campaign)
                            != (&t.source, &t.medium, &t.campaign)
                    });
                if expired || changed {
                    Some(t)
                } else {
                    None
                }
            }
            Some(VisitSource::SameSite) | None if expired => {
                // No URL to classify (or a same-site referrer after a timeout): a direct visit.
                match channel::classify(&self.config.channels, "", None, now_ms) {
                    VisitSource::Touch(t) => Some(t),
                    VisitSource::SameSite => None,
                }
            }
            _ => None,
        };
        let Some(touch) = touch else { return };

        // The previous session ends: journeys still open are abandoned at its end.
        let previous_end = self.state.profile.session.as_ref().map(|s| s.last_ms);
        if let Some(end) = previous_end {
            for j in &mut self.state.journeys {
                if j.end_session(end) {
                    out.effects.push(journey_effect(j));
                }
            }
        }
        let profile = &mut self.state.profile;
        profile.previous_visit_ms = previous_end.or(profile.previous_visit_ms);
        profile.visits = profile.visits.saturating_add(1);
        let group = touch.group.clone();
        profile.session = Some(Session {
            number: profile.visits,
            started_ms: now_ms,
            last_ms: now_ms,
            touchpoints: 0,
            channel: touch.clone(),
            signal_hits: Default::default(),
        });
        profile.add_touch(touch, self.config.retention.max_channel_touches);
        out.effects.push(Effect::SessionStarted {
            number: profile.visits,
            channel: group.clone(),
        });

        let facts = [
            (Fact::NewVisitor, profile.visits == 1),
            (Fact::ReturningVisitor, profile.visits > 1),
            (Fact::Customer, profile.orders >= 1),
            (Fact::RepeatCustomer, profile.orders >= 2),
            (Fact::Lapsed, profile.is_lapsed(&self.config.lifecycle)),
        ];
        for (fact, holds) in facts {
            if holds {
                self.apply_fact(fact, now_ms);
            }
        }
        let matching = self
            .matching(&|_, t| matches!(t, Trigger::Channel(c) if c.eq_ignore_ascii_case(&group)));
        self.apply_signals(&matching, now_ms, Cause::Channel(group));
    }

    fn apply_fact(&mut self, fact: Fact, now_ms: u64) {
        let matching = self.matching(&|_, t| matches!(t, Trigger::Fact(f) if *f == fact));
        self.apply_signals(&matching, now_ms, Cause::Fact(fact));
    }

    fn apply_event_signals(&mut self, tp: &Touchpoint, now_ms: u64) {
        let url = tp.url.as_deref().map(Url::parse);
        let path = url.as_ref().map(|u| u.path);
        let matching = self.matching(&|def, t| {
            let Trigger::Event(kind, custom) = t else {
                return false;
            };
            *kind == tp.kind
                && custom.as_ref().is_none_or(|c| names_event(c, tp))
                && def
                    .path_prefix
                    .as_deref()
                    .is_none_or(|prefix| path.is_some_and(|p| p.starts_with(prefix)))
                && tp.has_props(&def.where_props)
        });
        self.apply_signals(&matching, now_ms, Cause::Event(tp.name.clone()));
    }

    /// Indices of the signals whose trigger (and definition) satisfy `pred`.
    /// `dyn` and a loop: one body in the wasm instead of a filter-and-collect per caller.
    fn matching(&self, pred: &dyn Fn(&Signal, &Trigger) -> bool) -> Vec<usize> {
        let mut out = Vec::new();
        for (i, (def, compiled)) in self.config.signals.iter().zip(&self.signals).enumerate() {
            if pred(def, &compiled.trigger) {
                out.push(i);
            }
        }
        out
    }

    /// Adds the weights of the given signals, respecting per-session caps.
    fn apply_signals(&mut self, indices: &[usize], now_ms: u64, cause: Cause) {
        for &i in indices {
            let cap = self.config.signals[i].max_per_session;
            if let Some(session) = self.state.profile.session.as_mut() {
                let hits = session.signal_hits.get_or_insert(i as u16, 0);
                if cap.is_some_and(|c| u32::from(*hits) >= c) {
                    continue;
                }
                *hits = hits.saturating_add(1);
            }
            for &(stage, weight) in &self.signals[i].weights {
                self.state
                    .stages
                    .add(&self.config, stage, weight, cause.clone(), now_ms);
            }
        }
    }
}

fn journey_effect(j: &MicroJourneyState) -> Effect {
    Effect::JourneyChanged {
        journey: j.id.clone(),
        status: j.status,
        step: j.step,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: u64 = 60_000;
    const DAY: u64 = 86_400_000;

    fn engine() -> Engine {
        Engine::new(Config::default())
    }

    #[test]
    fn first_page_view_starts_a_session() {
        let mut e = engine();
        let fx = e.ingest(&Touchpoint::page("https://shop.example/", None), 1_000);
        assert!(matches!(
            fx.effects[0],
            Effect::SessionStarted { number: 1, .. }
        ));
        assert_eq!(e.profile().visits, 1);
        assert!(!e.profile().is_returning());
        assert_eq!(e.top_stage(1_000).0, "discovery");
    }

    #[test]
    fn inactivity_starts_a_new_session_and_visitor_returns() {
        let mut e = engine();
        e.ingest(&Touchpoint::page("https://shop.example/", None), 0);
        e.ingest(&Touchpoint::page("https://shop.example/a", None), 29 * MIN);
        assert_eq!(e.profile().visits, 1);
        e.ingest(
            &Touchpoint::page("https://shop.example/b", None),
            29 * MIN + 31 * MIN,
        );
        assert_eq!(e.profile().visits, 2);
        assert!(e.profile().is_returning());
    }

    #[test]
    fn shopping_moves_through_stages() {
        let mut e = engine();
        let mut t = 0;
        let mut next = |e: &mut Engine, tp: Touchpoint| {
            t += MIN;
            e.ingest(&tp, t);
            t
        };
        next(&mut e, Touchpoint::page("https://shop.example/", None));
        next(
            &mut e,
            Touchpoint::of(EventKind::ProductsSearched).with("query", "boots"),
        );
        let now = next(&mut e, Touchpoint::of(EventKind::ProductListViewed));
        assert_eq!(
            e.top_stage(now).0,
            "discovery",
            "one search is not yet research"
        );
        next(
            &mut e,
            Touchpoint::of(EventKind::ProductsSearched).with("query", "winter boots"),
        );
        let now = next(&mut e, Touchpoint::of(EventKind::ProductListFiltered));
        assert_eq!(e.top_stage(now).0, "research");
        for id in ["a", "b", "c"] {
            next(
                &mut e,
                Touchpoint::of(EventKind::ProductViewed).with("product_id", id),
            );
        }
        next(&mut e, Touchpoint::of(EventKind::ProductsCompared));
        let now = next(&mut e, Touchpoint::of(EventKind::ReviewsViewed));
        assert_eq!(e.top_stage(now).0, "consideration");
        next(
            &mut e,
            Touchpoint::of(EventKind::ProductAdded).with("product_id", "a"),
        );
        let now = next(&mut e, Touchpoint::of(EventKind::CheckoutStarted));
        assert_eq!(e.top_stage(now).0, "purchase");
        let fx = e.ingest(
            &Touchpoint::of(EventKind::OrderCompleted).with("revenue", 80),
            now + MIN,
        );
        assert_eq!(e.top_stage(now + MIN).0, "post_purchase");
        assert!(fx.effects.iter().any(|f| matches!(f,
            Effect::JourneyChanged { journey, status: JourneyStatus::Completed, .. } if journey == "checkout")));
        assert_eq!((e.profile().orders, e.profile().revenue), (1, 80.0));
    }

    #[test]
    fn abandoned_checkout_is_reported_by_tick_and_deadline() {
        let mut e = engine();
        e.ingest(&Touchpoint::of(EventKind::CheckoutStarted), 0);
        let deadline = e.next_deadline().unwrap();
        assert_eq!(deadline, 30 * MIN);
        assert!(e.tick(deadline).effects.is_empty());
        let fx = e.tick(deadline + 1);
        assert_eq!(
            fx.effects,
            vec![Effect::JourneyChanged {
                journey: "checkout".into(),
                status: JourneyStatus::Abandoned,
                step: 0
            }]
        );
        assert!(e.next_deadline().is_none());
    }

    #[test]
    fn returning_customer_leans_loyal() {
        let mut e = engine();
        for visit in 0..3u64 {
            let t = visit * 20 * DAY;
            e.ingest(&Touchpoint::page("https://shop.example/", None), t);
            e.ingest(
                &Touchpoint::of(EventKind::OrderCompleted).with("revenue", 50),
                t + MIN,
            );
        }
        let t = 70 * DAY;
        e.ingest(&Touchpoint::page("https://shop.example/", None), t);
        assert_eq!(e.top_stage(t).0, "loyalty");
    }

    #[test]
    fn caps_limit_signal_hits_per_session() {
        let mut e = engine();
        let cap = e
            .config()
            .signals
            .iter()
            .find(|s| s.event.as_deref() == Some("Products Searched"))
            .and_then(|s| s.max_per_session)
            .unwrap();
        for i in 0..(cap as u64 + 5) {
            e.ingest(&Touchpoint::of(EventKind::ProductsSearched), i);
        }
        let searched = e
            .state()
            .stages
            .trail
            .iter()
            .filter(|ev| ev.cause == Cause::Event("Products Searched".into()))
            .count();
        assert_eq!(searched, cap as usize);
    }

    #[test]
    fn clock_going_backwards_stands_still() {
        let mut e = engine();
        e.ingest(&Touchpoint::page("https://shop.example/", None), 10 * MIN);
        e.ingest(&Touchpoint::page("https://shop.example/a", None), 5 * MIN);
        assert_eq!(e.profile().last_seen_ms, 10 * MIN);
        assert_eq!(e.profile().visits, 1);
    }

    #[test]
    fn retention_asks_to_persist_only_when_it_dropped_something() {
        let mut e = engine();
        e.ingest(&Touchpoint::page("https://shop.example/", None), 0);
        assert!(!e.apply_retention(MIN).persist);
        assert!(
            e.apply_retention(91 * DAY).persist,
            "the 90-day-old touchpoint is rolled up"
        );
        assert!(!e.apply_retention(92 * DAY).persist);
    }

    #[test]
    fn probabilities_sum_to_one() {
        let mut e = engine();
        e.ingest(&Touchpoint::of(EventKind::ProductAdded), 0);
        let sum: f64 = e.stage(0).iter().map(|s| s.probability).sum();
        assert!((sum - 1.0).abs() < 1e-9);
    }
}
