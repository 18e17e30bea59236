import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TrailmarkError, toError, monitor, isFatal } from '../errors.js';

test('boundary error objects become TrailmarkError with the first path', () => {
  const e = toError({ code: 'config/invalid', message: 'bad', errors: [{ path: '$.slots.hero', message: 'x' }, { path: '$.a', message: 'y' }] });
  assert.ok(e instanceof TrailmarkError && e instanceof Error);
  assert.equal(e.code, 'config/invalid');
  assert.equal(e.path, '$.slots.hero');
  assert.equal(e.errors.length, 2);
  assert.ok(isFatal(e));
  assert.ok(!isFatal(new TrailmarkError('input/invalid', 'x')));
});

test('wasm failures are classified', () => {
  assert.equal(toError(new WebAssembly.RuntimeError('unreachable')).code, 'wasm/trap');
  assert.equal(toError(new WebAssembly.CompileError('bad magic')).code, 'wasm/load');
  assert.equal(toError(new WebAssembly.CompileError("Refused to compile because 'unsafe-eval' is not an allowed source")).code, 'wasm/blocked');
  assert.equal(toError(new TypeError('oops')).code, 'internal/error');
  assert.equal(toError('text').message, 'text');
});

test('monitor never throws and reports sync and async failures', async () => {
  const seen = [];
  const f = monitor(() => { throw { code: 'input/invalid', message: 'no' }; }, (e) => seen.push(e.code), () => 'fallback');
  assert.equal(f(), 'fallback');
  const g = monitor(() => Promise.reject(new Error('late')), (e) => seen.push(e.code), () => 'fb');
  assert.equal(await g(), 'fb');
  assert.deepEqual(seen, ['input/invalid', 'internal/error']);
});
