// The engine's wasm-bindgen glue (`pkg/trailmark.js`), imported by start-up. As a source (the JS
// tests) it is a separate module, loaded only when start-up gets there; `cargo xtask build`
// bundles it into `runtime.js` instead (xtask/src/bundle.rs: its `engine.js` imports the glue
// statically), so a page fetches one file fewer and no glue export the runtime does not use.
export const engine = () => import('./pkg/trailmark.js');
