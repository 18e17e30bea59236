#!/usr/bin/env node
// `npx trailmark compile|lint`: the npm package's command line, for sites that have Node but not
// Rust. It runs the same config compiler the browser falls back to (`pkg/trailmark_compiler`,
// built from `src/web/compile.rs`), so its output is what `cargo run --features cli -- compile`
// writes (the same document; key order may differ). `--check` compares with the file `--out`
// names instead of writing it, for a site's CI: a compiled config older than its source is
// refused there, not discovered by visitors. The Rust CLI (`trailmark replay`, `eval`, `model`)
// has the other commands.

import { realpathSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';

const USAGE = `usage:
  trailmark lint CONFIG.json                     check a config; every problem with its JSON path
  trailmark compile CONFIG.json [--out FILE]     check it, then write the compiled document that
                                                 the script tag's data-config can point at
  trailmark compile CONFIG.json --out FILE --check
                                                 exit 1 if FILE is not CONFIG.json compiled
                                                 (stale or edited); writes nothing
(The Rust CLI, cargo install --features cli, also has replay, eval and model.)`;

/** Runs one command; resolves to the exit code. `io` holds `out` and `err` writers. */
export async function main(args, io = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) }) {
  const [cmd, path, ...rest] = args;
  let out = null;
  let check = false;
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--out' && i + 1 < rest.length) out = rest[++i];
    else if (rest[i] === '--check') check = true;
    else return usage(io, `unknown option ${rest[i]}`);
  }
  if ((cmd !== 'compile' && cmd !== 'lint') || !path) return usage(io, 'unknown or missing command');
  if (cmd === 'lint' && (out || check)) return usage(io, 'lint takes only CONFIG.json');
  if (check && !out) return usage(io, '--check needs --out FILE');

  let source;
  try {
    source = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    io.err(`trailmark: ${path}: ${e.code === 'ENOENT' ? 'no such file' : e.message}\n`);
    return 1;
  }
  let doc;
  try {
    const compiler = await import('./pkg/trailmark_compiler.js');
    const wasm = await readFile(new URL('./pkg/trailmark_compiler_bg.wasm', import.meta.url));
    await compiler.default({ module_or_path: wasm });
    doc = compiler.compile(source);
  } catch (e) {
    if (e && e.code === 'config/invalid' && Array.isArray(e.errors)) {
      io.err(`trailmark: ${path}: ${e.errors.length} problem(s)\n`);
      for (const p of e.errors) io.err(`  ${p.path}: ${p.message}\n`);
    } else io.err(`trailmark: ${path}: ${(e && e.message) || e}\n`);
    return 1;
  }
  if (cmd === 'lint') {
    io.err(`${path}: ok\n`);
    return 0;
  }
  const json = JSON.stringify(doc) + '\n';
  if (check) {
    let current;
    try {
      current = JSON.parse(await readFile(out, 'utf8'));
    } catch (e) {
      io.err(`trailmark: ${out}: ${e.code === 'ENOENT' ? 'no such file' : e.message}; run trailmark compile ${path} --out ${out}\n`);
      return 1;
    }
    if (!isDeepStrictEqual(current, doc)) {
      io.err(`trailmark: ${out} is not ${path} compiled by this version (stale or edited); run trailmark compile ${path} --out ${out}\n`);
      return 1;
    }
    io.err(`${out}: up to date with ${path}\n`);
    return 0;
  }
  if (!out) {
    io.out(json);
    return 0;
  }
  try {
    await writeFile(out, json);
  } catch (e) {
    io.err(`trailmark: cannot write ${out}: ${e.message}\n`);
    return 1;
  }
  io.err(`${path}: compiled to ${out}\n`);
  return 0;
}

function usage(io, why) {
  io.err(`trailmark: ${why}\n${USAGE}\n`);
  return 2;
}

// Run as a command (also through npm's `node_modules/.bin/trailmark` link), not when imported.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
