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

// The browser build allocates with talc rather than Rust's default dlmalloc: 6.9 KB less wasm
// (1.9 KB brotli) for the same heap high-water mark. Single-threaded wasm only, as it requires.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

// The README's Rust examples run as doc tests, so the README cannot drift from the code.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
