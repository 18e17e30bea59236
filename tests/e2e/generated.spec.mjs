// The demo shop's pages are generated (examples/demo-shop/tools/generate.mjs) and committed, so
// their many near-identical lines are one source: regenerate into a temporary folder and check
// that every generated file equals the committed one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SHOP_DIR } from './server.mjs';

function files(dir, base = dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path, base) : [path.slice(base.length + 1)];
  });
}

test('the committed demo shop pages are what the generator writes', () => {
  const out = mkdtempSync(join(tmpdir(), 'demo-shop-'));
  try {
    execFileSync(process.execPath, [join(SHOP_DIR, 'tools', 'generate.mjs')], {
      env: { ...process.env, DEMO_SHOP_OUT: out },
    });
    const generated = files(out);
    assert.ok(generated.length > 20, `generated ${generated.length} files`);
    for (const rel of generated) {
      assert.equal(readFileSync(join(out, rel), 'utf8'), readFileSync(join(SHOP_DIR, rel), 'utf8'), `${rel} differs: re-run tools/generate.mjs`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
