// What only a JSON config source needs (`data-config` naming `trailmark.json` rather than
// `trailmark compile`'s output): the config compiler wasm, which validates the config (every
// problem with its JSON path) and compiles it. The runtime imports this module, and the
// compiler's glue beside it (not after it), only for such a source.

import { wasmError } from './runtime.js';

/** The compiled document of `config`; `wasm`: where the compiler's `.wasm` is (default beside its glue). */
export async function compile(config, wasm) {
  let compiler;
  try {
    compiler = await import('./pkg/trailmark_compiler.js');
    await compiler.default(wasm !== undefined ? { module_or_path: wasm } : undefined);
  } catch (e) {
    throw wasmError(e, 'the config compiler');
  }
  const compiled = compiler.compile(config);
  // Works, but costs every visitor the compiler's download: say how to avoid it, once a page.
  console.info('Trailmark: the config was compiled in the browser; serve `trailmark compile`\'s output as data-config to skip the compiler download');
  return compiled;
}
