//! The condition language: one-line boolean expressions in config that decide which slot
//! variant, prompt, survey or experiment applies, e.g.
//! `stage.consideration > 0.5 && journey.checkout == "abandoned"`.
//!
//! A [`Condition`] is parsed and type-checked once, when the config is loaded (every error
//! carries a column: `column 17: expected a value after ">"`), and is then evaluated against a
//! [`Context`] (the engine's state at `now_ms` plus the [`PageContext`] the caller passes in)
//! without parsing, without failing and without panicking.
//!
//! # Grammar
//!
//! ```text
//! condition  := or
//! or         := and ( "||" and )*
//! and        := unary ( "&&" unary )*
//! unary      := "!" unary | comparison
//! comparison := operand [ ( "==" | "!=" | ">" | ">=" | "<" | "<=" ) operand
//!                       | "in" list
//!                       | "contains" operand
//!                       | "matches" string ]
//! operand    := number | string | "true" | "false" | list | variable | "(" or ")"
//! list       := "[" [ literal ( "," literal )* [ "," ] ] "]"     (numbers, strings, booleans)
//! variable   := name ( "." segment )* ( "[" string "]" [ "." segment ] )*
//! number     := [ "-" ] digits [ "." digits ] [ ( "e" | "E" ) [ "+" | "-" ] digits ]
//! string     := '"' characters, with \" and \\ as the only escapes '"'
//! ```
//!
//! Precedence, loosest first: `||`, `&&`, `!`, comparisons. `!` negates the whole comparison
//! after it (`!channel.last == "Email"` is `!(channel.last == "Email")`), and comparisons do not
//! chain (`1 < visits < 5` is an error: write `visits > 1 && visits < 5`). Whitespace is free.
//! Conditions are at most 2,000 characters and nest at most 32 levels deep.
//!
//! - `in [list]`: the value equals one of the list's items.
//! - `contains`: a string contains a substring (`page.url contains "utm_"`), or a list literal
//!   contains a value.
//! - `matches "glob"`: the string matches a pattern where `*` stands for any run of characters,
//!   `/` included (`page.path matches "/products/*"`); everything else matches itself.
//! - String comparisons are exact and case-sensitive (`interest.<category>` is the exception:
//!   the category is looked up ignoring ASCII case).
//!
//! # Variables
//!
//! | variable | type | value |
//! |---|---|---|
//! | `stage.<id>` | number | probability of a macro stage, 0..1 |
//! | `top_stage` | string | id of the likeliest stage |
//! | `journey.<id>` | string | micro journey status: `not_started`, `started`, `progressing`, `completed`, `abandoned` |
//! | `journey.<id>.step` | number | index of the step reached (missing before the first attempt) |
//! | `visits` | number | sessions so far |
//! | `returning`, `new_visitor` | boolean | second session or later / first session |
//! | `days_since_last_visit` | number | whole days between the previous session and this one (missing on a first visit) |
//! | `lapsed` | boolean | back after at least `lifecycle.lapsed_days` |
//! | `orders`, `revenue` | number | orders placed, their total value |
//! | `customer` | boolean | at least one order |
//! | `channel.session`, `channel.last`, `channel.first` | string | channel group (`"Organic Search"`) of this session, the latest touch, the first touch |
//! | `channel.reported` | string | the answer to an attribution survey ("how did you hear about us?"; missing before one) |
//! | `pain_points` | number | low survey scores reported (NPS 0-6, CSAT 1-2, CES 5-7) |
//! | `source.last`, `medium.last`, `campaign.last` | string | of the latest touch (`campaign.last` missing without `utm_campaign`) |
//! | `session.number`, `session.touchpoints` | number | the current session's number and touchpoint count |
//! | `cart.value`, `cart.items` | number | cart value, total quantity |
//! | `cart.empty` | boolean | no cart lines |
//! | `interest.<category>` | number | category affinity decayed to now; 0 when absent |
//! | `top_interest` | string | the strongest category (missing without interests) |
//! | `survey.<id>`, `survey.<id>.score` | string, number | the latest answer's text and numeric score |
//! | `page.path`, `page.url` | string | from [`PageContext`] (`path` derived from `url` when not given) |
//! | `device` | string | `mobile`, `tablet` or `desktop` |
//! | `consent.<purpose>` | boolean | the visitor's consent for a purpose |
//! | `hour`, `weekday` | number | local hour 0-23, local weekday 0 = Sunday .. 6 = Saturday |
//!
//! Ids that are not plain segments (letters, digits, `_`, `-`) are written in brackets:
//! `interest["Home & Garden"] > 1`, `survey["how did you hear"] == "Podcast"`.
//!
//! # Semantics
//!
//! - A bare operand is truthy when it is `true`, a non-zero number, a non-empty string or a
//!   non-empty list; a missing value is falsy.
//! - A missing value (no such survey answer, no previous visit, no last channel, a page field
//!   the caller did not give) makes `==`, `>`, `>=`, `<`, `<=`, `in`, `contains` and `matches`
//!   false, and `!=` true.
//! - At run time a comparison between values of different types is false (`!=` included); it
//!   never fails. Lint rejects the type mismatches it can see: `>` and friends need numbers on
//!   both sides, `==` / `!=` / `in` need the same type on both sides, `contains` needs a string or
//!   a list on its left, `matches` a string. It also rejects unknown variables, unknown stage and
//!   journey ids, and string values `top_stage`, `journey.<id>` and `device` never take, each
//!   with a "did you mean" hint where one is close.
//! - Evaluation short-circuits, and [`Condition::evaluate`] reports the variables it read with
//!   their values, so a decision can explain itself.
//!
//! ```
//! use trailmark::core::condition::{Condition, Context, PageContext};
//! use trailmark::core::{Config, Engine, Touchpoint};
//!
//! let c = Condition::parse(r#"new_visitor && page.path matches "/products/*""#).unwrap();
//! let mut engine = Engine::new(Config::default());
//! engine.ingest(&Touchpoint::page("https://shop.example/products/boots", None), 1_000);
//! let page = PageContext { url: Some("https://shop.example/products/boots".into()), ..Default::default() };
//! let ctx = Context::new(engine.config(), engine.state(), 1_000, &page);
//! let result = c.evaluate(&ctx);
//! assert!(result.matched);
//! assert_eq!(result.describe(), r#"new_visitor = true, page.path = "/products/boots""#);
//!
//! let err = Condition::parse("stage.research > ").unwrap_err();
//! assert_eq!(err.to_string(), r#"column 18: expected a value after ">""#);
//! ```

mod compiled;
mod context;
mod eval;
mod lexer;
mod lint;
mod page;
mod parser;
mod vars;

use alloc::{borrow::ToOwned, format, string::String, vec::Vec};
use core::fmt;

use serde::{Deserialize, Deserializer};

pub use context::{Context, Device, PageContext};
pub use eval::ValueDisplay;
pub use vars::Var;

use crate::core::config::Config;
use parser::{Expr, OperandKind};

/// A syntax, type or reference error in a condition, at a 1-based character column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConditionError {
    /// Column (in characters, from 1) where the problem starts.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl ConditionError {
    fn new(column: usize, message: impl Into<String>) -> ConditionError {
        ConditionError {
            column,
            message: message.into(),
        }
    }
}

impl fmt::Display for ConditionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "column {}: {}", self.column, self.message)
    }
}

impl core::error::Error for ConditionError {}

/// A parsed, type-checked condition. Deserializes from its text (so a config field holding one
/// is parsed at load); compares equal when the text is equal.
#[derive(Clone, Debug)]
pub struct Condition {
    text: String,
    expr: Expr,
}

/// The outcome of one evaluation: whether the condition holds, and the variables read (in the
/// order first read, each once) with their values.
#[derive(Clone, Debug, PartialEq)]
pub struct Evaluation {
    /// True when the condition holds.
    pub matched: bool,
    /// `(variable, value)` for each variable read; short-circuiting skips the rest.
    pub reads: Vec<(String, ValueDisplay)>,
}

impl Evaluation {
    /// `stage.consideration = 0.62, top_stage = "loyalty"`.
    pub fn describe(&self) -> String {
        let parts: Vec<String> = self
            .reads
            .iter()
            .map(|(name, value)| format!("{name} = {value}"))
            .collect();
        parts.join(", ")
    }
}

impl Condition {
    /// Parses and type-checks condition text (see the module doc for the language).
    pub fn parse(text: &str) -> Result<Condition, ConditionError> {
        Ok(Condition {
            text: text.to_owned(),
            expr: parser::parse(text)?,
        })
    }

    /// The text it was parsed from.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Checks the ids the condition names against a config: stage and journey ids, and the
    /// string values compared with `top_stage`. Returns every problem, each with its column.
    pub fn check(&self, config: &Config) -> Vec<ConditionError> {
        let mut errors = Vec::new();
        lint::walk(&self.expr, &mut |expr| {
            lint::check_ids(expr, config, &mut errors)
        });
        errors
    }

    /// Whether the condition holds in `ctx`. The fast path: records nothing, allocates nothing.
    pub fn is_true(&self, ctx: &Context<'_>) -> bool {
        eval::eval(&self.expr, ctx, &mut None)
    }

    /// Whether the condition holds in `ctx`, with the variables read and their values.
    pub fn evaluate(&self, ctx: &Context<'_>) -> Evaluation {
        let mut reads = Vec::new();
        let matched = eval::eval(&self.expr, ctx, &mut Some(&mut reads));
        Evaluation { matched, reads }
    }

    /// The variables the condition names, in order of appearance (repeats included).
    pub fn variables(&self) -> Vec<&Var> {
        let mut out = Vec::new();
        lint::walk(&self.expr, &mut |e| {
            for o in lint::operands(e) {
                if let OperandKind::Var(v) = &o.kind {
                    out.push(v);
                }
            }
        });
        out
    }
}

impl PartialEq for Condition {
    fn eq(&self, other: &Condition) -> bool {
        self.text == other.text
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl core::str::FromStr for Condition {
    type Err = ConditionError;
    fn from_str(s: &str) -> Result<Condition, ConditionError> {
        Condition::parse(s)
    }
}

impl<'de> Deserialize<'de> for Condition {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Condition, D::Error> {
        let text = String::deserialize(d)?;
        Condition::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Condition {
    fn schema_name() -> alloc::borrow::Cow<'static, str> {
        "Condition".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "minLength": 1,
            "maxLength": 2000,
            "description": "A condition, e.g. `stage.consideration > 0.5 && journey.checkout == \"abandoned\"`. Operators: || && ! == != > >= < <= in [list] contains matches \"glob*\". Variables: stage.<id>, top_stage, journey.<id>, journey.<id>.step, visits, returning, new_visitor, days_since_last_visit, lapsed, orders, customer, revenue, channel.session|last|first|reported, pain_points, source.last, medium.last, campaign.last, session.number, session.touchpoints, cart.value, cart.items, cart.empty, interest.<category>, top_interest, survey.<id>, survey.<id>.score, page.path, page.url, device, consent.<purpose>, hour, weekday.",
            "examples": ["customer && top_stage == \"loyalty\"", "page.path matches \"/products/*\""]
        })
    }
}

#[cfg(test)]
mod tests;
