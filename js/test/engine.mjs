// The built wasm pair (dist/pkg, made by `cargo xtask build`) for the node tests: the config
// compiler turns a JSON config into the compiled document, and the engine starts from it, as
// the browser runtime does for a JSON source config.
import { existsSync, readFileSync } from 'node:fs';
import { decide } from '../prompts.js';
import { slots } from '../experiments.js';

const root = new URL('../../', import.meta.url);
const files = ['trailmark.js', 'trailmark_bg.wasm', 'trailmark_compiler.js', 'trailmark_compiler_bg.wasm'].map((f) => new URL(`dist/pkg/${f}`, root));

/** False when there is no wasm build, so tests can skip with a reason. */
export const built = files.every((f) => existsSync(f));
export const skip = !built && 'no wasm build (run cargo xtask build)';

let engine;
let compiler;
let exports;

/**
 * Loads both modules once; returns `{Runtime, compile, newRuntime(config, now = 0), memory}`.
 * `newRuntime` starts the engine and returns `Runtime`, whose static methods use it: the last
 * one started (the wasm holds one), so a test uses one at a time.
 */
export async function load() {
  if (!engine) {
    engine = await import(files[0].href);
    exports = engine.initSync({ module: readFileSync(files[1]) });
    compiler = await import(files[2].href);
    compiler.initSync({ module: readFileSync(files[3]) });
  }
  const newRuntime = (config = {}, now = 0) => {
    const doc = compiler.compile(config);
    // One engine per wasm instance: a new one replaces (and leaks) the last.
    engine.Runtime.start(engineBytes(doc), now);
    lastDoc = doc;
    return engine.Runtime;
  };
  // The engine's linear memory (its export name is minified, so found by type).
  const memory = Object.values(exports).find((v) => v instanceof WebAssembly.Memory);
  return { Runtime: engine.Runtime, compile: compiler.compile, newRuntime, memory };
}

/** The compiled document of the engine `newRuntime` started last. */
let lastDoc;

/**
 * A prompt decision as the browser makes it: js/prompts.js's `decide`, from the facts of a
 * runtime `newRuntime` made and its compiled document's decision table.
 */
export const decidePrompt = (rt, now, page, trigger) => decide({ _rt: rt, _config: lastDoc }, now, page, trigger);

/** The compiled document's engine bytes (base64, as the browser's runtime decodes them). */
export function engineBytes(doc) {
  return new Uint8Array(Buffer.from(doc.engine, 'base64'));
}

/**
 * Slot decisions as the browser makes them: the engine's rules (`Runtime.decide`), then
 * js/experiments.js's slot experiments from the compiled document's decision table.
 */
export const decideSlots = (rt, now, page) => slots(rt, lastDoc.decide, rt.decide(now, page), now, page);
