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
// `unsafe` is for wasm32 alone: wasm-bindgen's generated glue, the allocator below, the one
// engine `web::Runtime` keeps in a static, and `core::text::utf8_prefix`'s conversion of bytes
// it has checked. Native builds have none.
#![cfg_attr(not(target_arch = "wasm32"), forbid(unsafe_code))]

extern crate alloc;

pub mod core;
#[cfg(target_arch = "wasm32")]
pub mod web;

// The browser build allocates with `SizeClasses` below rather than Rust's default dlmalloc
// (6.9 KB more wasm) or talc (1 KB raw, 0.45 KB brotli more). Single-threaded wasm only.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: SizeClasses = SizeClasses;

/// A size-class allocator: every block is a power of two from 16 bytes up, taken from the free
/// list of its size when there is one, else cut from the end of the heap (grown a page at a time
/// with `memory.grow`); a freed block goes back on its size's list. Blocks are never split or
/// merged, so allocation and freeing are a few instructions each (ingest measured 7% faster
/// than with talc in node) at the price of up to half a block unused: the heap of a node
/// micro-bench (10,000 events, decisions, encode and reload) needed as many 64 KiB pages as
/// with talc, but the browser bench's page starts one page larger (1,216 against 1,152 KiB)
/// and loading the source tables takes two more. Grows in place never (`GlobalAlloc`'s default `realloc`: allocate, copy, free).
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
struct SizeClasses;

/// The heap's free space (`next..end`) and the head of each size's free list (index: log2 of
/// the block size; 0 ends a list).
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
static mut HEAP: (usize, usize, [usize; 32]) = (0, 0, [0; 32]);

/// log2 of the block size for `layout`: its size rounded up to a power of two, at least 16.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
fn size_class(layout: ::core::alloc::Layout) -> usize {
    // `Layout` sizes are at most `isize::MAX`, so the class is at most 31.
    (usize::BITS - (layout.size().max(16) - 1).leading_zeros()) as usize
}

// SAFETY: single-threaded wasm (no atomics), so nothing runs between a read and a write of
// `HEAP`. Blocks are 16-aligned (the heap starts at a page and every block's size is a power of
// two of at least 16); larger alignments are refused (none of the engine's types needs one).
// A block is handed out once until it is freed, and its first word holds the free list's link
// only while it is free.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
unsafe impl ::core::alloc::GlobalAlloc for SizeClasses {
    unsafe fn alloc(&self, layout: ::core::alloc::Layout) -> *mut u8 {
        // SAFETY: see the impl; `HEAP` is only borrowed within this call.
        let heap = unsafe { &mut *::core::ptr::addr_of_mut!(HEAP) };
        if layout.align() > 16 {
            return ::core::ptr::null_mut();
        }
        let class = size_class(layout);
        let head = heap.2[class];
        if head != 0 {
            // SAFETY: `head` is a free block of this class: its first word is the next one.
            heap.2[class] = unsafe { *(head as *const usize) };
            return head as *mut u8;
        }
        let size = 1usize << class;
        if size > heap.1 - heap.0 {
            const PAGE: usize = 65536;
            let pages = size.div_ceil(PAGE);
            let old = ::core::arch::wasm32::memory_grow(0, pages);
            // Failed, or reached the 4 GiB end, whose address would not fit a `usize`.
            if old == usize::MAX || old + pages >= 65536 {
                return ::core::ptr::null_mut();
            }
            // The new pages continue the heap unless it has not started yet (the rest of a
            // heap that is not continued is left unused).
            if old * PAGE != heap.1 {
                heap.0 = old * PAGE;
            }
            heap.1 = (old + pages) * PAGE;
        }
        let block = heap.0;
        heap.0 += size;
        block as *mut u8
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: ::core::alloc::Layout) {
        // SAFETY: see the impl; `ptr` came from `alloc` with this `layout`, so it is a block of
        // this class, at least 16 bytes, no longer in use.
        let heap = unsafe { &mut *::core::ptr::addr_of_mut!(HEAP) };
        let class = size_class(layout);
        unsafe { *(ptr as *mut usize) = heap.2[class] };
        heap.2[class] = ptr as usize;
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
