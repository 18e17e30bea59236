// TrailmarkError and the guard every public entry point runs through, so nothing the SDK does
// can throw into the host page (the DataDog browser-sdk `monitor` idea).

/** An error Trailmark reports: `code` is `area/reason`, e.g. `config/invalid`, `wasm/load`. */
export class TrailmarkError extends Error {
  constructor(code, message, errors) {
    super(message);
    this.name = 'TrailmarkError';
    this.code = code;
    // For config errors: every problem found, each with the JSON path it concerns.
    this.errors = Array.isArray(errors) ? errors : [];
    this.path = this.errors.length ? this.errors[0].path : undefined;
  }
}

/** Errors that leave the SDK unusable: it restores default content and becomes a no-op. */
const FATAL = /^(config|wasm)\//;
export const isFatal = (e) => FATAL.test(e.code);

/**
 * Any thrown value as a TrailmarkError: wasm-bindgen boundary objects `{code, message, errors}`,
 * a wasm trap (`WebAssembly.RuntimeError`), compile/instantiate failures, plain errors.
 */
export function toError(e, fallback = 'internal/error') {
  if (e instanceof TrailmarkError) return e;
  if (e && typeof e === 'object' && typeof e.code === 'string' && typeof e.message === 'string') {
    return new TrailmarkError(e.code, e.message, e.errors);
  }
  const W = globalThis.WebAssembly;
  const msg = String(e?.message || e);
  if (W && e instanceof W.RuntimeError) return new TrailmarkError('wasm/trap', 'the engine stopped: ' + msg);
  if (W && (e instanceof W.CompileError || e instanceof W.LinkError) || /WebAssembly|wasm/i.test(msg)) {
    return /unsafe-eval|Content Security Policy|CSP/i.test(msg)
      ? new TrailmarkError('wasm/blocked', "the Content-Security-Policy blocks WebAssembly (add 'wasm-unsafe-eval' to script-src): " + msg)
      : new TrailmarkError('wasm/load', 'the engine could not be loaded: ' + msg);
  }
  return new TrailmarkError(fallback, msg);
}

/**
 * Wraps `fn` so it never throws: a throw (or a rejected promise it returns) goes to `report`
 * as a TrailmarkError and the call returns `fallback()`. The public methods, capture's
 * listeners and the CMPs' callbacks all run through it.
 */
export function monitor(fn, report, fallback = () => {}) {
  return function () {
    try {
      const r = fn.apply(this, arguments);
      return r && typeof r.then === 'function' ? r.catch((e) => (report(toError(e)), fallback())) : r;
    } catch (e) {
      report(toError(e));
      return fallback();
    }
  };
}
