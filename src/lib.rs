//! Trailmark: customer-journey inference and personalisation that runs in the visitor's browser.
//!
//! The crate has one platform-free layer, [`core`], a sans-IO engine that the browser runtime and
//! the native CLI both drive. It never reads a clock, draws randomness or touches storage: time
//! and seeds are passed in, persisted bytes are handed out. See `ARCHITECTURE.md` for the map.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod core;
