//! The platform-free engine: touchpoints, channels, config, profile, journey inference, micro
//! journeys and the persisted-state codec.
//!
//! Architecture invariant: nothing below this module reads a clock, draws randomness, performs
//! I/O or knows about JavaScript. Every input (touchpoints, `now_ms`, seeds, stored bytes) is an
//! argument; every output is a return value.

pub mod channel;
pub mod codec;
pub mod config;
pub mod engine;
pub mod error;
pub mod event;
pub mod micro;
pub mod profile;
pub mod replay;
pub mod stage;
pub mod url;

pub use config::Config;
pub use engine::{Effect, Effects, Engine};
pub use error::{ConfigError, Error};
pub use event::{EventKind, Touchpoint};
