// Compresses `dist/`'s JavaScript a second time, after esbuild (see `bundle.rs`): terser's
// compressor, two passes, with its default (safe) options, then its name mangler. Run by
// `cargo xtask build` as `node xtask/terser.mjs <file>...`, each file rewritten in place; a
// file given as `script:<path>` is a classic script (its top-level names are globals, kept),
// any other an ES module.
//
// Each file is compressed twice, with and without `hoist_funs` (function declarations moved to
// the top of their scope, where the language hoists them anyway: only the layout changes), and
// the output that is smaller with brotli (as `cargo xtask size` measures it) is kept: hoisting
// saves `runtime.js` about 48 B brotli but makes some lazy modules larger.
import { minify } from 'terser';
import { readFileSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants } from 'node:zlib';

const brotli = (text) =>
  brotliCompressSync(text, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_LGWIN]: 22 } }).length;

for (const arg of process.argv.slice(2)) {
  const script = arg.startsWith('script:');
  const path = script ? arg.slice('script:'.length) : arg;
  const source = readFileSync(path, 'utf8');
  let best;
  for (const hoist_funs of [false, true]) {
    const { code } = await minify(source, {
      module: !script,
      compress: { passes: 2, hoist_funs },
      mangle: true,
      format: { comments: 'some' },
    });
    if (best === undefined || brotli(code) < brotli(best)) best = code;
  }
  writeFileSync(path, best);
}
