// The npm package's command line (`dist/cli.mjs`, `npx trailmark compile|lint`) and the package's
// file list: what `npm pack` would publish must hold every file the runtime can fetch.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIST = join(ROOT, 'dist');
const CLI = join(DIST, 'cli.mjs');
const DEMO = join(ROOT, 'examples', 'demo-shop');
const skip = !existsSync(join(DIST, 'pkg', 'trailmark_compiler_bg.wasm')) && 'no build (run cargo xtask build)';

/** Runs `node <file> ...args`; resolves to `{code, stdout, stderr}`. */
function run(file, args, cwd = ROOT) {
  return new Promise((resolve) => {
    execFile(process.execPath, [file, ...args], { cwd }, (err, stdout, stderr) => resolve({ code: err ? err.code : 0, stdout, stderr }));
  });
}

const tmp = () => mkdtempSync(join(tmpdir(), 'trailmark-cli-'));

test('compile writes what the Rust CLI writes for the demo config', { skip }, async () => {
  // examples/demo-shop/trailmark.compiled.json is written by the Rust CLI (cargo xtask build).
  const rust = JSON.parse(readFileSync(join(DEMO, 'trailmark.compiled.json'), 'utf8'));
  const printed = await run(CLI, ['compile', join(DEMO, 'trailmark.json')]);
  assert.equal(printed.code, 0, printed.stderr);
  assert.deepEqual(JSON.parse(printed.stdout), rust);
  const out = join(tmp(), 'c.json');
  const written = await run(CLI, ['compile', join(DEMO, 'trailmark.json'), '--out', out]);
  assert.equal(written.code, 0, written.stderr);
  assert.match(written.stderr, /compiled to/);
  assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')), rust);
});

test('lint and compile list every problem with its JSON path and exit 1', { skip }, async () => {
  const dir = tmp();
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, JSON.stringify({ namespace: 5, slots: { hero: { rules: [{ variant: 'a', when: 'stage.nope > 1' }] } } }));
  for (const args of [['lint', bad], ['compile', bad, '--out', join(dir, 'out.json')]]) {
    const r = await run(CLI, args);
    assert.equal(r.code, 1, args.join(' '));
    assert.match(r.stderr, /2 problem\(s\)/);
    assert.match(r.stderr, /\$\.namespace: /);
    assert.match(r.stderr, /\$\.slots\.hero\.rules\[0\]\.when: .*unknown stage "nope"/);
  }
  assert.ok(!existsSync(join(dir, 'out.json')), 'nothing written for a bad config');
  writeFileSync(bad, '{"namespace": ');
  const notJson = await run(CLI, ['lint', bad]);
  assert.equal(notJson.code, 1);
  assert.match(notJson.stderr, /bad\.json: .*JSON/);
  const missing = await run(CLI, ['lint', join(dir, 'nope.json')]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /nope\.json: no such file/);
  const good = await run(CLI, ['lint', join(DEMO, 'trailmark.json')]);
  assert.equal(good.code, 0, good.stderr);
});

test('compile --check passes for an up-to-date file and fails for a stale one, writing nothing', { skip }, async () => {
  const dir = tmp();
  const src = join(dir, 'trailmark.json');
  const out = join(dir, 'trailmark.compiled.json');
  const config = JSON.parse(readFileSync(join(DEMO, 'trailmark.json'), 'utf8'));
  writeFileSync(src, JSON.stringify(config));
  assert.equal((await run(CLI, ['compile', src, '--out', out])).code, 0);
  const fresh = await run(CLI, ['compile', src, '--out', out, '--check']);
  assert.equal(fresh.code, 0, fresh.stderr);
  assert.match(fresh.stderr, /up to date/);
  // The site edits its config but forgets to recompile.
  config.session = { ...(config.session || {}), timeout_minutes: 45 };
  writeFileSync(src, JSON.stringify(config));
  const before = readFileSync(out, 'utf8');
  const stale = await run(CLI, ['compile', src, '--out', out, '--check']);
  assert.equal(stale.code, 1);
  assert.match(stale.stderr, /is not .*trailmark\.json compiled by this version \(stale or edited\); run trailmark compile/);
  assert.equal(readFileSync(out, 'utf8'), before, '--check writes nothing');
  const absent = await run(CLI, ['compile', src, '--out', join(dir, 'none.json'), '--check']);
  assert.equal(absent.code, 1);
  assert.match(absent.stderr, /none\.json: no such file/);
});

test('bad usage prints the usage and exits 2; the command runs through a bin link', { skip }, async () => {
  for (const args of [[], ['replay', 'x.json'], ['compile'], ['lint', 'x.json', '--out', 'y'], ['compile', 'x.json', '--check'], ['compile', 'x.json', '--frobnicate']]) {
    const r = await run(CLI, args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, /usage:/);
  }
  // npm installs the bin as a link in node_modules/.bin.
  const link = join(tmp(), 'trailmark');
  symlinkSync(CLI, link);
  const r = await run(link, ['lint', join(DEMO, 'trailmark.json')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /ok/);
});

test('the package publishes every file the runtime can fetch, and the command', { skip }, async () => {
  const pack = await new Promise((resolve, reject) => {
    execFile('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: DIST }, (err, stdout) => (err ? reject(err) : resolve(JSON.parse(stdout))));
  });
  const published = new Set(pack[0].files.map((f) => f.path));
  const needed = [
    ...readdirSync(DIST).filter((f) => f.endsWith('.js') || f.endsWith('.mjs') || f.endsWith('.d.ts')),
    ...readdirSync(join(DIST, 'pkg'))
      .filter((f) => f.endsWith('.js') || f.endsWith('.wasm') || f.endsWith('.txt'))
      .map((f) => 'pkg/' + f),
  ];
  assert.ok(needed.includes('pkg/trailmark_compiler_bg.wasm') && needed.includes('pkg/trailmark_sources.txt'));
  for (const f of needed) assert.ok(published.has(f), `${f} is not in the package`);
  const pkg = JSON.parse(readFileSync(join(DIST, 'package.json'), 'utf8'));
  assert.equal(pkg.bin.trailmark, './cli.mjs');
});
