//! The variables a condition may read: their names, static types and (for some) the values they
//! can take. Names are resolved once, when a condition is parsed, into [`Var`], so evaluation
//! never compares variable names.

use crate::core::error::quote;
use alloc::{format, string::String, vec::Vec};
use core::fmt;

use super::ConditionError;

/// A variable, resolved from its dotted name.
#[derive(Clone, Debug, PartialEq)]
pub enum Var {
    /// `stage.<id>`: the stage's probability (0..1).
    Stage(String),
    /// `top_stage`: id of the likeliest stage.
    TopStage,
    /// `journey.<id>`: status name of a micro journey.
    Journey(String),
    /// `journey.<id>.step`: index of the step reached (missing when not started).
    JourneyStep(String),
    /// `visits`: sessions so far.
    Visits,
    /// `returning`: from the second session on.
    Returning,
    /// `new_visitor`: in the first session.
    NewVisitor,
    /// `days_since_last_visit`: whole days between the previous session and this one.
    DaysSinceLastVisit,
    /// `lapsed`: back after at least `lifecycle.lapsed_days`.
    Lapsed,
    /// `orders`: orders placed.
    Orders,
    /// `customer`: at least one order.
    Customer,
    /// `revenue`: total order value.
    Revenue,
    /// `channel.session`: channel group of the current session.
    ChannelSession,
    /// `channel.last`: channel group of the latest touch.
    ChannelLast,
    /// `channel.first`: channel group of the first touch.
    ChannelFirst,
    /// `channel.reported`: the channel the visitor named in an attribution survey.
    ChannelReported,
    /// `pain_points`: low survey scores the visitor reported.
    PainPoints,
    /// `source.last`
    SourceLast,
    /// `medium.last`
    MediumLast,
    /// `campaign.last`
    CampaignLast,
    /// `session.number`
    SessionNumber,
    /// `session.touchpoints`
    SessionTouchpoints,
    /// `cart.value`
    CartValue,
    /// `cart.items`: total quantity.
    CartItems,
    /// `cart.empty`
    CartEmpty,
    /// `interest.<category>`: decayed affinity score, 0 when absent.
    Interest(String),
    /// `top_interest`: the strongest category.
    TopInterest,
    /// `survey.<id>`: the latest answer, as text.
    Survey(String),
    /// `survey.<id>.score`: the latest answer's numeric score.
    SurveyScore(String),
    /// `page.path`
    PagePath,
    /// `page.url`
    PageUrl,
    /// `device`: `mobile`, `tablet` or `desktop`.
    Device,
    /// `consent.<purpose>`
    Consent(String),
    /// `hour`: local hour 0-23.
    Hour,
    /// `weekday`: local day, 0 = Sunday .. 6 = Saturday.
    Weekday,
}

/// The static type of a value, for lint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Type {
    Number,
    Text,
    Bool,
    List,
}

impl Type {
    pub(super) fn name(self) -> &'static str {
        match self {
            Type::Number => "a number",
            Type::Text => "a string",
            Type::Bool => "a boolean",
            Type::List => "a list",
        }
    }
}

/// Journey status names, as `journey.<id>` reads them.
pub(super) const STATUSES: &[&str] = &[
    "not_started",
    "started",
    "progressing",
    "completed",
    "abandoned",
];
/// Device classes, as `device` reads them.
pub(super) const DEVICES: &[&str] = &["mobile", "tablet", "desktop"];

/// Every variable name, for "did you mean" (`<id>` stands for any id).
const NAMES: &[&str] = &[
    "stage.<id>",
    "top_stage",
    "journey.<id>",
    "journey.<id>.step",
    "visits",
    "returning",
    "new_visitor",
    "days_since_last_visit",
    "lapsed",
    "orders",
    "customer",
    "revenue",
    "channel.session",
    "channel.last",
    "channel.first",
    "source.last",
    "medium.last",
    "campaign.last",
    "session.number",
    "session.touchpoints",
    "cart.value",
    "cart.items",
    "cart.empty",
    "interest.<category>",
    "top_interest",
    "survey.<id>",
    "survey.<id>.score",
    "page.path",
    "page.url",
    "device",
    "consent.<purpose>",
    "channel.reported",
    "pain_points",
    "hour",
    "weekday",
];

impl Var {
    /// Resolves a dotted name whose segments are already split (`["stage", "research"]`).
    pub(super) fn resolve(segments: &[String], col: usize) -> Result<Var, ConditionError> {
        let mut s: Vec<&str> = Vec::with_capacity(segments.len());
        for seg in segments {
            s.push(seg);
        }
        let id = |i: usize| segments[i].clone();
        let var = match s.as_slice() {
            ["stage", _] => Var::Stage(id(1)),
            ["top_stage"] => Var::TopStage,
            ["journey", _] => Var::Journey(id(1)),
            ["journey", _, "step"] => Var::JourneyStep(id(1)),
            ["visits"] => Var::Visits,
            ["returning"] => Var::Returning,
            ["new_visitor"] => Var::NewVisitor,
            ["days_since_last_visit"] => Var::DaysSinceLastVisit,
            ["lapsed"] => Var::Lapsed,
            ["orders"] => Var::Orders,
            ["customer"] => Var::Customer,
            ["revenue"] => Var::Revenue,
            ["channel", "session"] => Var::ChannelSession,
            ["channel", "last"] => Var::ChannelLast,
            ["channel", "first"] => Var::ChannelFirst,
            ["channel", "reported"] => Var::ChannelReported,
            ["pain_points"] => Var::PainPoints,
            ["source", "last"] => Var::SourceLast,
            ["medium", "last"] => Var::MediumLast,
            ["campaign", "last"] => Var::CampaignLast,
            ["session", "number"] => Var::SessionNumber,
            ["session", "touchpoints"] => Var::SessionTouchpoints,
            ["cart", "value"] => Var::CartValue,
            ["cart", "items"] => Var::CartItems,
            ["cart", "empty"] => Var::CartEmpty,
            ["interest", _] => Var::Interest(id(1)),
            ["top_interest"] => Var::TopInterest,
            ["survey", _] => Var::Survey(id(1)),
            ["survey", _, "score"] => Var::SurveyScore(id(1)),
            ["page", "path"] => Var::PagePath,
            ["page", "url"] => Var::PageUrl,
            ["device"] => Var::Device,
            ["consent", _] => Var::Consent(id(1)),
            ["hour"] => Var::Hour,
            ["weekday"] => Var::Weekday,
            _ => return Err(unknown(&s, col)),
        };
        Ok(var)
    }

    /// The value type lint checks comparisons against.
    pub(super) fn ty(&self) -> Type {
        use Var::*;
        match self {
            Stage(_) | JourneyStep(_) | Visits | DaysSinceLastVisit | Orders | Revenue
            | SessionNumber | SessionTouchpoints | CartValue | CartItems | Interest(_)
            | SurveyScore(_) | Hour | Weekday | PainPoints => Type::Number,
            TopStage | Journey(_) | ChannelSession | ChannelLast | ChannelFirst
            | ChannelReported | SourceLast | MediumLast | CampaignLast | TopInterest
            | Survey(_) | PagePath | PageUrl | Device => Type::Text,
            Returning | NewVisitor | Lapsed | Customer | CartEmpty | Consent(_) => Type::Bool,
        }
    }
}

fn unknown(s: &[&str], col: usize) -> ConditionError {
    let name = s.join(".");
    // Compare with the id placeholders filled in from what was written.
    // Loops rather than map / collect chains: less wasm.
    let mut candidates: Vec<String> = Vec::with_capacity(NAMES.len());
    for n in NAMES {
        let mut parts: Vec<&str> = Vec::new();
        for part in n.split('.') {
            parts.push(part);
        }
        if parts.len() > 1 && parts[1].starts_with('<') {
            if let Some(given) = s.get(1) {
                parts[1] = given;
            }
        }
        candidates.push(parts.join("."));
    }
    let hint = crate::core::config::suggest(&name, candidates.iter().map(String::as_str));
    let mut family: Vec<&str> = Vec::new();
    for n in NAMES {
        if n.split('.').next() == s.first().copied() && n.contains('.') {
            family.push(n);
        }
    }
    let what = if hint.is_empty() && !family.is_empty() {
        format!(
            "unknown variable {} (use {})",
            quote(&name),
            family.join(" or ")
        )
    } else {
        format!("unknown variable {}{hint}", quote(&name))
    };
    ConditionError::new(col, what)
}

impl Var {
    /// The name as a condition writes it (`stage.research`, `survey["my id"].score`), for
    /// explanations. Built in a `String`: through `Display` (`to_string`), the wasm would
    /// carry a `Formatter` and its dispatch for this alone.
    pub(crate) fn name(&self) -> String {
        use Var::*;
        let seg = |root: &str, id: &str, tail: &str| {
            let mut out = String::from(root);
            if is_segment(id) {
                out.push('.');
                out.push_str(id);
            } else {
                out.push('[');
                out.push_str(&quote(id));
                out.push(']');
            }
            out.push_str(tail);
            out
        };
        match self {
            Stage(id) => seg("stage", id, ""),
            Journey(id) => seg("journey", id, ""),
            JourneyStep(id) => seg("journey", id, ".step"),
            Interest(c) => seg("interest", c, ""),
            Survey(id) => seg("survey", id, ""),
            SurveyScore(id) => seg("survey", id, ".score"),
            Consent(p) => seg("consent", p, ""),
            other => String::from(match other {
                TopStage => "top_stage",
                Visits => "visits",
                Returning => "returning",
                NewVisitor => "new_visitor",
                DaysSinceLastVisit => "days_since_last_visit",
                Lapsed => "lapsed",
                Orders => "orders",
                Customer => "customer",
                Revenue => "revenue",
                ChannelSession => "channel.session",
                ChannelLast => "channel.last",
                ChannelFirst => "channel.first",
                ChannelReported => "channel.reported",
                PainPoints => "pain_points",
                SourceLast => "source.last",
                MediumLast => "medium.last",
                CampaignLast => "campaign.last",
                SessionNumber => "session.number",
                SessionTouchpoints => "session.touchpoints",
                CartValue => "cart.value",
                CartItems => "cart.items",
                CartEmpty => "cart.empty",
                TopInterest => "top_interest",
                PagePath => "page.path",
                PageUrl => "page.url",
                Device => "device",
                Hour => "hour",
                _ => "weekday",
            }),
        }
    }
}

impl fmt::Display for Var {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

/// True when `s` can be written as a bare path segment (else it needs `["..."]`).
pub(super) fn is_segment(s: &str) -> bool {
    !s.is_empty()
        // Bytes, not `chars()`: a non-ASCII `char`'s bytes fail the same tests.
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}
