//! What conditions read: the [`PageContext`] the caller passes in (page, device, consent, local
//! time) and the engine's state at `now_ms`, resolved per variable without allocating.

use crate::core::map::SortedMap;
use alloc::{string::String, vec::Vec};

use serde::Deserialize;

use super::parser::Literal;
use super::vars::Var;
use crate::core::config::Config;
use crate::core::engine::State;
use crate::core::url::Url;

const DAY_MS: f64 = 86_400_000.0;

/// The class of device the page is shown on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Device {
    /// A phone.
    Mobile,
    /// A tablet.
    Tablet,
    /// Anything else.
    Desktop,
}

impl Device {
    /// `mobile`, `tablet` or `desktop`, as conditions compare it.
    pub fn name(self) -> &'static str {
        match self {
            Device::Mobile => "mobile",
            Device::Tablet => "tablet",
            Device::Desktop => "desktop",
        }
    }
}

/// Facts about the page being shown that the engine cannot know by itself. The web layer fills
/// it from the browser; native callers and tests build it by hand (or from JSON:
/// `{"url": "...", "device": "mobile", "consent": {"personalization": true}, "hour": 18}`).
/// Every field is optional; a variable whose field is absent reads as missing.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PageContext {
    /// The page's full URL (`page.url`).
    pub url: Option<String>,
    /// The page's path (`page.path`); derived from `url` when absent.
    pub path: Option<String>,
    /// The device class (`device`).
    pub device: Option<Device>,
    /// Consent per purpose (`consent.<purpose>`); an absent purpose reads as missing (falsy).
    pub consent: SortedMap<String, bool>,
    /// Local hour 0-23 (`hour`); other values read as missing.
    pub hour: Option<u8>,
    /// Local day of the week, 0 = Sunday .. 6 = Saturday (`weekday`); other values read as
    /// missing.
    pub weekday: Option<u8>,
}

/// A value read during evaluation, borrowed from the state, the page or the condition.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Val<'a> {
    Missing,
    Num(f64),
    Str(&'a str),
    Bool(bool),
    List(&'a [(Literal, usize)]),
}

/// Everything a condition can read, at one moment. Build it once per page decision and evaluate
/// any number of conditions against it: stage probabilities are computed here, once.
#[derive(Clone, Debug)]
pub struct Context<'a> {
    config: &'a Config,
    state: &'a State,
    page: &'a PageContext,
    now_ms: u64,
    probabilities: Vec<f64>,
    top: Option<usize>,
}

impl<'a> Context<'a> {
    /// The context of `state` (run under `config`) at `now_ms`, on `page`. A `now_ms` before the
    /// last touchpoint counts as that moment (the clock never goes backwards).
    pub fn new(
        config: &'a Config,
        state: &'a State,
        now_ms: u64,
        page: &'a PageContext,
    ) -> Context<'a> {
        let now_ms = now_ms.max(state.profile.last_seen_ms);
        let probabilities = state.stages.probabilities(config, now_ms);
        let mut top: Option<usize> = None;
        for (i, p) in probabilities.iter().enumerate() {
            if top.is_none_or(|t| *p > probabilities[t]) {
                top = Some(i);
            }
        }
        Context {
            config,
            state,
            page,
            now_ms,
            probabilities,
            top,
        }
    }

    /// The likeliest stage and its probability (`None` only for a config without stages).
    pub fn top_stage(&self) -> Option<(&'a str, f64)> {
        let t = self.top?;
        Some((
            self.config.stages.get(t)?.id.as_str(),
            self.probabilities[t],
        ))
    }

    /// The index of the likeliest stage in the config (`None` only without stages).
    pub(crate) fn top_index(&self) -> Option<usize> {
        self.top
    }

    /// The config conditions are read under.
    pub fn config(&self) -> &'a Config {
        self.config
    }

    /// The engine state conditions read.
    pub fn state(&self) -> &'a State {
        self.state
    }

    /// The moment this context describes.
    pub fn now_ms(&self) -> u64 {
        self.now_ms
    }

    fn interest(&self, i: &crate::core::profile::Interest) -> f64 {
        let days = self.now_ms.saturating_sub(i.updated_ms) as f64 / DAY_MS;
        i.score * crate::core::number::halved(days / self.config.lifecycle.interest_half_life_days)
    }

    /// The current value of a variable.
    pub(super) fn read<'c>(&'c self, var: &'c Var) -> Val<'c> {
        let p = &self.state.profile;
        let num = |n: Option<f64>| n.map_or(Val::Missing, Val::Num);
        let text = |s: Option<&'c str>| s.map_or(Val::Missing, Val::Str);
        match var {
            Var::Stage(id) => num(self
                .config
                .stage_index(id)
                .and_then(|i| self.probabilities.get(i).copied())),
            Var::TopStage => text(self.top_stage().map(|t| t.0)),
            Var::Journey(id) => text(self.journey(id).map(|j| j.status.name())),
            Var::JourneyStep(id) => num(self
                .journey(id)
                .filter(|j| j.attempts > 0)
                .map(|j| f64::from(j.step))),
            Var::Visits => Val::Num(f64::from(p.visits)),
            Var::Returning => Val::Bool(p.is_returning()),
            Var::NewVisitor => Val::Bool(!p.is_returning()),
            Var::DaysSinceLastVisit => num(p.days_since_last_visit().map(|d| d as f64)),
            Var::Lapsed => Val::Bool(p.is_lapsed(&self.config.lifecycle)),
            Var::Orders => Val::Num(f64::from(p.orders)),
            Var::Customer => Val::Bool(p.orders > 0),
            Var::Revenue => Val::Num(p.revenue),
            Var::ChannelSession => text(p.session.as_ref().map(|s| s.channel.group.as_str())),
            Var::ChannelLast => text(p.last_touch().map(|t| t.group.as_str())),
            Var::ChannelFirst => text(p.first_touch.as_ref().map(|t| t.group.as_str())),
            Var::ChannelReported => text(self.state.decisions.reported_channel.as_deref()),
            Var::PainPoints => Val::Num(self.state.decisions.pain_points.len() as f64),
            Var::SourceLast => text(p.last_touch().map(|t| t.source.as_str())),
            Var::MediumLast => text(p.last_touch().map(|t| t.medium.as_str())),
            Var::CampaignLast => text(p.last_touch().and_then(|t| t.campaign.as_deref())),
            Var::SessionNumber => num(p.session.as_ref().map(|s| f64::from(s.number))),
            Var::SessionTouchpoints => num(p.session.as_ref().map(|s| f64::from(s.touchpoints))),
            Var::CartValue => Val::Num(p.cart_value()),
            Var::CartItems => Val::Num(p.cart.iter().map(|l| f64::from(l.quantity)).sum()),
            Var::CartEmpty => Val::Bool(p.cart.is_empty()),
            Var::Interest(c) => Val::Num(
                p.interests
                    .iter()
                    .find(|i| i.category.eq_ignore_ascii_case(c))
                    .map_or(0.0, |i| self.interest(i)),
            ),
            Var::TopInterest => {
                let mut best: Option<(&str, f64)> = None;
                for i in &p.interests {
                    let s = self.interest(i);
                    if best.is_none_or(|b| s > b.1) {
                        best = Some((&i.category, s));
                    }
                }
                text(best.map(|b| b.0))
            }
            Var::Survey(id) => text(self.survey(id).map(|a| a.answer.as_str())),
            Var::SurveyScore(id) => num(self.survey(id).and_then(|a| a.score)),
            Var::PagePath => text(
                self.page
                    .path
                    .as_deref()
                    .or_else(|| self.page.url.as_deref().map(|u| Url::parse(u).path)),
            ),
            Var::PageUrl => text(self.page.url.as_deref()),
            Var::Device => text(self.page.device.map(Device::name)),
            Var::Consent(purpose) => self
                .page
                .consent
                .get(purpose)
                .map_or(Val::Missing, |b| Val::Bool(*b)),
            Var::Hour => num(self.page.hour.filter(|h| *h < 24).map(f64::from)),
            Var::Weekday => num(self.page.weekday.filter(|d| *d < 7).map(f64::from)),
        }
    }

    fn journey(&self, id: &str) -> Option<&'a crate::core::micro::MicroJourneyState> {
        self.state.journeys.iter().find(|j| j.id == id)
    }

    fn survey(&self, id: &str) -> Option<&'a crate::core::profile::SurveyAnswer> {
        self.state
            .profile
            .surveys
            .iter()
            .rev()
            .find(|a| a.survey == id)
    }
}
