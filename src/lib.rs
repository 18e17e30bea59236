//! Trailmark: customer-journey inference and personalisation that runs in the visitor's browser.
//!
//! The crate has one platform-free layer, [`core`], a sans-IO engine that the browser runtime and
//! the native CLI both drive. It never reads a clock, draws randomness or touches storage: time
//! and seeds are passed in, persisted bytes are handed out. See `ARCHITECTURE.md` for the map.
#![warn(missing_docs)]
// The browser build is `no_std`: std's panic handler formats every panic message, which keeps
// `core::fmt`'s machinery (padding, `char` escaping, Unicode printable tables) in the wasm. With
// our own handler below, that formatting is dead code at every panic site. Native builds (CLI,
// tests, benches) keep std.
#![cfg_attr(target_arch = "wasm32", no_std)]
// wasm-bindgen's generated glue needs `unsafe`; the rest of the crate has none.
#![cfg_attr(not(target_arch = "wasm32"), forbid(unsafe_code))]

extern crate alloc;

pub mod core;
#[cfg(target_arch = "wasm32")]
pub mod web;

// The browser build allocates with talc rather than Rust's default dlmalloc: 6.9 KB less wasm
// (1.9 KB brotli) for the same heap high-water mark. Single-threaded wasm only, as it requires.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static TALC: Talc = Talc(talc::wasm::new_wasm_dynamic_allocator());

/// talc without its `realloc`: a growing `Vec` or `String` gets `GlobalAlloc`'s default (allocate,
/// copy, free) instead of talc's resizing in place, which the wasm no longer carries (0.2 KB,
/// 90 B brotli; the engine's speed and heap size measured the same).
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
struct Talc(talc::wasm::WasmDynamicTalc);

// SAFETY: forwards to talc's own `GlobalAlloc`, whose contract these two methods keep.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
unsafe impl ::core::alloc::GlobalAlloc for Talc {
    unsafe fn alloc(&self, layout: ::core::alloc::Layout) -> *mut u8 {
        // SAFETY: the caller keeps `GlobalAlloc::alloc`'s contract.
        unsafe { self.0.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: ::core::alloc::Layout) {
        // SAFETY: the caller keeps `GlobalAlloc::dealloc`'s contract.
        unsafe { self.0.dealloc(ptr, layout) }
    }
}

// A panic in the browser must still trap: js/errors.js turns the `WebAssembly.RuntimeError` into
// a `wasm/trap` error, on which js/runtime.js restores every slot's default content, makes later
// calls no-ops and reports it once. So the handler executes `unreachable` and nothing else: the
// message is never formatted, which lets the optimiser drop it at every panic site.
// Out-of-memory ends here too: without std, `handle_alloc_error` panics.
#[cfg(target_arch = "wasm32")]
#[panic_handler]
fn panic(_: &::core::panic::PanicInfo<'_>) -> ! {
    ::core::arch::wasm32::unreachable()
}

// The README's Rust examples run as doc tests, so the README cannot drift from the code.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
