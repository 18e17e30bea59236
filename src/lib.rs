//! Trailmark: customer-journey inference and personalisation that runs in the visitor's browser.
//!
//! The crate has one platform-free layer, [`core`], a sans-IO engine that the browser runtime and
//! the native CLI both drive. It never reads a clock, draws randomness or touches storage: time
//! and seeds are passed in, persisted bytes are handed out. See `ARCHITECTURE.md` for the map.
#![warn(missing_docs)]
// wasm-bindgen's generated glue needs `unsafe`; the rest of the crate has none.
#![cfg_attr(not(target_arch = "wasm32"), forbid(unsafe_code))]

pub mod core;
#[cfg(target_arch = "wasm32")]
pub mod web;

// The README's Rust examples run as doc tests, so the README cannot drift from the code.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
