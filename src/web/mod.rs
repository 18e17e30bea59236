//! The browser boundary, compiled for wasm32 only. It translates between JavaScript values and
//! the core's types and never decides anything itself.
//!
//! Architecture invariant: this is the only module that knows about `JsValue`. DOM capture,
//! rendering, storage and cross-tab sync live in `js/` (plain JavaScript): they must work before
//! the wasm arrives (the head loader applies stored render plans before first paint) and the
//! equivalent web-sys bindings would cost more bytes than the JavaScript they replace.

mod convert;
mod privacy;
mod prompts;
mod runtime;
mod sources;

pub use runtime::Runtime;
