// Compresses `dist/`'s JavaScript a second time, after esbuild (see `bundle.rs`): terser's
// compressor, two passes, with its default (safe) options, then its name mangler. Run by
// `cargo xtask build` as `node xtask/terser.mjs <file>...`, each file rewritten in place; a
// file given as `script:<path>` is a classic script (its top-level names are globals, kept),
// any other an ES module.
import { minify } from 'terser';
import { readFileSync, writeFileSync } from 'node:fs';

for (const arg of process.argv.slice(2)) {
  const script = arg.startsWith('script:');
  const path = script ? arg.slice('script:'.length) : arg;
  const result = await minify(readFileSync(path, 'utf8'), {
    module: !script,
    compress: { passes: 2 },
    mangle: true,
    format: { comments: 'some' },
  });
  writeFileSync(path, result.code);
}
