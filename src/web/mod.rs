//! The browser boundary, compiled for wasm32 only. It translates between JavaScript values and
//! the core's types and never decides anything itself.
//!
//! Architecture invariant: this is the only module that knows about `JsValue`. DOM capture,
//! rendering, storage and cross-tab sync live in `js/` (plain JavaScript): they must work before
//! the wasm arrives (the head loader applies stored render plans before first paint) and the
//! equivalent web-sys bindings would cost more bytes than the JavaScript they replace.

//!
//! Two wasm files are built from it. The engine (the default) is what every page loads: it
//! starts from a compiled config (`config::compiled`) and carries no JSON config reader. The
//! compiler (`--features compiler`) holds only `compile`: the validator that turns a site's
//! JSON config into the compiled document, loaded by the browser only when `data-config`
//! points at a JSON source rather than a compiled document.

#[cfg(feature = "compiler")]
mod compile;
mod convert;
#[cfg(not(feature = "compiler"))]
mod privacy;
#[cfg(not(feature = "compiler"))]
mod prompts;
#[cfg(not(feature = "compiler"))]
mod runtime;
#[cfg(not(feature = "compiler"))]
mod sources;

#[cfg(not(feature = "compiler"))]
pub use runtime::Runtime;
