//! The platform-free engine: touchpoints, channels, config, profile, journey inference, micro
//! journeys, conditions, slot decisions and the persisted-state codec.
//!
//! Architecture invariant: nothing below this module reads a clock, draws randomness, performs
//! I/O or knows about JavaScript. Every input (touchpoints, `now_ms`, seeds, stored bytes) is an
//! argument; every output is a return value.

pub mod channel;
pub mod codec;
pub mod condition;
pub mod config;
pub mod consent;
pub mod decide;
pub mod engine;
pub mod error;
pub mod event;
pub mod experiment;
pub mod export;
pub mod map;
pub mod micro;
pub mod number;
pub mod profile;
pub mod prompt;
pub mod props;
pub mod recommend;
pub mod replay;
pub mod stage;
pub mod text;
pub mod url;
pub mod view;

pub use condition::{Condition, PageContext};
pub use config::Config;
pub use decide::{Explanation, SlotDecision};
pub use engine::{Effect, Effects, Engine};
pub use error::{ConfigError, Error};
pub use event::{EventKind, Touchpoint};
pub use prompt::{PromptDecision, Trigger};
