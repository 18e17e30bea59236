//! `dist/`'s JavaScript: what `cargo xtask build` makes of the hand-written files at the top of
//! `js/` (esbuild, pinned in `package-lock.json`).
//!
//! The sources stay readable, one module per concept (the JS tests import them as they are). A
//! visitor's browser gets fewer, smaller files:
//!
//! - `loader.js` and `trailmark.js` are classic scripts: each is minified on its own;
//! - `runtime.js` and every module the sources load lazily with `import('./x.js')` are entry
//!   points, bundled: each carries the modules it imports statically, so the first page view
//!   fetches one runtime file instead of five. The lazy modules import what they share with
//!   the runtime from `./runtime.js` itself (kept external: the loaded runtime), so no shared
//!   chunk is split out of it; code only lazy modules share would go into a `chunk-*.js`, except
//!   `experiments.js`, which the runtime loads lazily and `prompts.js` imports statically: it is
//!   kept external too, so both load that one file ([`SHARED_LAZY`]).
//!   The engine's wasm-bindgen glue (`pkg/trailmark.js`) is bundled into `runtime.js` too: the
//!   sources reach it through `engine.js`, whose dynamic import keeps it out of the JS tests'
//!   way; the bundle is made from a copy of `js/` whose `engine.js` imports the glue statically
//!   instead ([`ENGINE_BUNDLED`]), so esbuild inlines it and drops the exports the runtime does
//!   not use (`initSync`). The compiler's glue (`./pkg/trailmark_compiler.js`, lazy) stays
//!   external (it finds its `.wasm` beside itself); both are minified in place in `dist/pkg/`
//!   (the node tests load them from there);
//! - `index.js`, the npm entry, only re-exports `runtime.js`: minified on its own;
//! - every other file (`index.d.ts`, `package.json`, `README.md`) is copied.
//!
//! Then terser (`xtask/terser.mjs`, pinned in `package-lock.json` too) compresses every file
//! again with its default, semantics-preserving transforms ([`compress`]). No syntax is lowered
//! (no `--target`, no terser `ecma`), so what runs in the browser is the code the tests run,
//! minified; the browser e2e tests run against `dist/`. Besides local names, the bundled modules' private
//! properties (`_name`) are renamed consistently across all of them (`--mangle-props`), except
//! those [`KEPT_PROPS`] lists and the API methods' implementations (`_track`, ... :
//! `runtime.js` finds them by name, `this['_' + name]` for each key of its `API` table).

use crate::cmd;
use crate::{Failure, Outcome};
use std::path::{Path, PathBuf};

/// Classic scripts (not modules): minified, never bundled.
const CLASSIC: [&str; 2] = ["loader.js", "trailmark.js"];
/// The module the script tag's `trailmark.js` imports by URL.
const RUNTIME: &str = "runtime.js";
/// The npm entry.
const NPM_ENTRY: &str = "index.js";
/// The lazy module another lazy module imports statically (`prompts.js` imports it).
const SHARED_LAZY: &str = "experiments.js";
/// Private properties that code outside the bundle reads or writes, kept as they are when the
/// others are renamed: the stub's `_q`, `_i`, `_mo` and `_loading` (`loader.js`, `trailmark.js`),
/// the slots' `_tmd` and `_tmr` (DOM properties the loaders and the README name), and what the
/// benchmark reads of an instance (`bench/`: `_rt`, `_pageContext`, `_config`,
/// `_decideAndRender`).
const KEPT_PROPS: [&str; 10] = [
    "q",
    "i",
    "mo",
    "loading",
    "tmd",
    "tmr",
    "rt",
    "pageContext",
    "config",
    "decideAndRender",
];

/// The wasm-bindgen glue of the engine and of the config compiler, built into `dist/pkg/`.
const GLUES: [&str; 2] = ["./pkg/trailmark.js", "./pkg/trailmark_compiler.js"];
/// The glue `runtime.js` imports lazily, kept external: the config compiler's.
const EXTERNAL_GLUE: &str = "./pkg/trailmark_compiler.js";
/// The engine's glue, bundled into `runtime.js`.
const ENGINE_GLUE: &str = "pkg/trailmark.js";
/// The source module through which the runtime reaches the engine's glue.
const ENGINE: &str = "engine.js";
/// What `engine.js` exports, in the sources (a dynamic import of the glue) and in the copy the
/// bundle is made from.
const ENGINE_EXPORT: &str = "export const engine = ";
/// `engine.js` in the copy of `js/` that is bundled: the glue imported statically, so it is
/// inlined into `runtime.js`, with only what the runtime uses (its `default` init function and
/// `Runtime`; a wasm-bindgen that exports them no more fails the bundle).
const ENGINE_BUNDLED: &str = "import init, { Runtime } from './pkg/trailmark.js';\n\
                              export const engine = async () => ({ default: init, Runtime });\n";
/// Text replaced in the engine's glue that is bundled (not in `dist/pkg/`):
///
/// - code the runtime never reaches, dropped: the string passing's branch for a call without
///   `realloc` (every call passes it), the module and instance variables nothing reads, and the
///   instance side of `Runtime`, which wasm-bindgen writes for every exported struct: its
///   `Symbol.dispose`, `free` and `FinalizationRegistry` (the engine is reached through
///   `Runtime`'s static methods only, no `Runtime` object is ever made: `src/web/runtime.rs`).
///
/// Measured: the unreachable code, -57 B brotli together (the `realloc` branch -39, the rest
/// about -20); `free` -52 B and the finaliser -53 B more, when `Runtime` objects existed.
///
/// Each must be found exactly once: a wasm-bindgen that writes them otherwise fails the build,
/// to have the edit updated or dropped. [`EXPORT`] in a text stands for any name of a wasm
/// export, which `names.rs` has shortened by then (`wasm.r`).
const GLUE_EDITS: [(&str, &str); 5] = [
    (
        "    if (realloc === undefined) {
        const buf = cachedTextEncoder.encode(arg);
        const ptr = malloc(buf.length, 1) >>> 0;
        getUint8ArrayMemory0().subarray(ptr, ptr + buf.length).set(buf);
        WASM_VECTOR_LEN = buf.length;
        return ptr;
    }
",
        "",
    ),
    (
        "    wasmInstance = instance;
    wasm = instance.exports;
    wasmModule = module;
",
        "    wasm = instance.exports;
",
    ),
    (
        "if (Symbol.dispose) Runtime.prototype[Symbol.dispose] = Runtime.prototype.free;
",
        "",
    ),
    (
        "    __destroy_into_raw() {
        const ptr = this.__wbg_ptr;
        this.__wbg_ptr = 0;
        RuntimeFinalization.unregister(this);
        return ptr;
    }
    free() {
        const ptr = this.__destroy_into_raw();
        wasm.<export>(ptr, 0);
    }
",
        "",
    ),
    (
        "const RuntimeFinalization = (typeof FinalizationRegistry === 'undefined')
    ? { register: () => {}, unregister: () => {} }
    : new FinalizationRegistry(ptr => wasm.<export>(ptr, 1));
",
        "",
    ),
];

/// Lays out `dist/`'s JavaScript and package files from `js/`.
pub fn assemble(js: &Path, dist: &Path) -> Outcome {
    let esbuild = cmd::npm_bin("esbuild");
    if !esbuild.is_file() {
        return Err(Failure(format!(
            "{} is missing; run `cargo xtask setup`",
            esbuild.display()
        )));
    }
    let files = top_level_files(js)?;
    let sources: Vec<(String, String)> = files
        .iter()
        .filter(|name| name.ends_with(".js"))
        .map(|name| {
            let path = js.join(name);
            std::fs::read_to_string(&path)
                .map(|text| (name.clone(), text))
                .map_err(|e| Failure(format!("cannot read {}: {e}", path.display())))
        })
        .collect::<Outcome<_>>()?;

    let mut entries = vec![RUNTIME.to_string()];
    for (_, text) in &sources {
        for lazy in lazy_imports(text) {
            if !entries.contains(&lazy) {
                entries.push(lazy);
            }
        }
    }
    for entry in &entries {
        if !files.contains(entry) {
            return Err(Failure(format!(
                "js/{entry} is imported but does not exist"
            )));
        }
    }
    let runtime = sources
        .iter()
        .find(|(name, _)| name == RUNTIME)
        .map(|(_, text)| text.as_str())
        .unwrap_or_default();
    let api = api_methods(runtime);
    if api.is_empty() {
        return Err(Failure(format!(
            "js/{RUNTIME} has no `const API = {{` table: cannot tell which properties to keep"
        )));
    }
    let kept: Vec<String> = KEPT_PROPS
        .iter()
        .map(|p| p.to_string())
        .chain(api)
        .collect();
    let stage = stage(dist, &sources)?;
    println!("build: bundling {} with esbuild", entries.join(", "));
    cmd::run(
        cmd::new(&esbuild)
            .current_dir(&stage)
            .args(&entries)
            .args([
                "--bundle",
                "--splitting",
                "--format=esm",
                "--minify",
                "--legal-comments=none",
                "--chunk-names=chunk-[hash]",
                "--log-level=warning",
                "--mangle-props=^_[a-zA-Z]",
            ])
            .arg(format!("--reserve-props=^_({})$", kept.join("|")))
            .arg(format!("--external:{EXTERNAL_GLUE}"))
            // Lazy modules import what they share with the runtime from `./runtime.js`, kept
            // as an import of the loaded runtime rather than bundled again or split out; and
            // prompts.js imports `./experiments.js`, which the runtime also loads lazily, as
            // that file rather than a chunk split out of both.
            .arg(format!("--external:./{RUNTIME}"))
            .arg(format!("--external:./{SHARED_LAZY}"))
            .arg(format!("--outdir={}", dist.display())),
    )?;

    for name in CLASSIC.iter().chain([&NPM_ENTRY]) {
        if files.iter().any(|f| f == name) {
            minify(
                &esbuild,
                &js.join(name),
                &dist.join(name),
                *name == NPM_ENTRY,
            )?;
        }
    }
    runtime_imports_no_chunk(dist)?;
    runtime_has_the_engine(dist)?;
    for glue in GLUES.map(|g| dist.join(g)) {
        if glue.is_file() {
            minify(&esbuild, &glue, &glue, true)?;
        }
    }
    compress(dist)?;

    // Modules only imported statically are inside an entry already; other files are copied.
    for name in files.iter().filter(|name| !name.ends_with(".js")) {
        let (from, to) = (js.join(name), dist.join(name));
        std::fs::copy(&from, &to).map_err(|e| {
            Failure(format!(
                "cannot copy {} to {}: {e}",
                from.display(),
                to.display()
            ))
        })?;
    }
    Ok(())
}

/// A fresh copy of `js/`'s top-level modules (`sources`) to bundle, under `target/`: the
/// engine's glue from `dist/` (not yet minified) beside them, and `engine.js` importing it
/// statically ([`ENGINE_BUNDLED`]). Fails when `js/engine.js` is not the module that
/// [`ENGINE_BUNDLED`] stands in for.
fn stage(dist: &Path, sources: &[(String, String)]) -> Outcome<PathBuf> {
    let io = |what: &str, path: &Path, e: std::io::Error| {
        Failure(format!("cannot {what} {}: {e}", path.display()))
    };
    match sources.iter().find(|(name, _)| name == ENGINE) {
        Some((_, text)) if text.contains(ENGINE_EXPORT) => {}
        _ => {
            return Err(Failure(format!(
                "js/{ENGINE} must exist and export `engine` (`{ENGINE_EXPORT}...`): the build \
                 bundles the engine's glue into {RUNTIME} in its place"
            )))
        }
    }
    let stage = crate::wasm::target_dir().join("js-bundle");
    if stage.exists() {
        std::fs::remove_dir_all(&stage).map_err(|e| io("clean", &stage, e))?;
    }
    let pkg = stage.join("pkg");
    std::fs::create_dir_all(&pkg).map_err(|e| io("create", &pkg, e))?;
    for (name, text) in sources {
        let text = if name == ENGINE { ENGINE_BUNDLED } else { text };
        let to = stage.join(name);
        std::fs::write(&to, text).map_err(|e| io("write", &to, e))?;
    }
    let (from, to) = (dist.join(ENGINE_GLUE), stage.join(ENGINE_GLUE));
    let glue = std::fs::read_to_string(&from).map_err(|e| io("read", &from, e))?;
    let glue = edit_glue(glue).map_err(|e| Failure(format!("{}: {e}", from.display())))?;
    std::fs::write(&to, glue).map_err(|e| io("write", &to, e))?;
    Ok(stage)
}

/// The bundled glue's start-up, from the first text to the second (each found exactly once),
/// replaced by [`GLUE_INIT`]'s third: `js/runtime.js` calls the init once per instance with
/// `{ module_or_path }` (a URL, `Request`, `Response`, bytes or a `Module`: `LoadOptions.wasm`),
/// so wasm-bindgen's handling of other parameters, of an init under way and its `initSync` are
/// not needed; what it does with each kind of `module_or_path` is kept, with its long MIME-type
/// warning said shorter, and an init already done returns its exports (the benchmark reads the
/// wasm's memory that way). Measured: −136 B brotli.
const GLUE_INIT: (&str, &str, &str) = (
    "async function __wbg_load(module, imports) {",
    "export { initSync, __wbg_init as default };",
    "async function __wbg_init({ module_or_path: m } = {}) {
    if (wasm !== undefined) return wasm;
    const imports = __wbg_get_imports();
    if (typeof m === 'string' || m instanceof URL || m instanceof Request) m = fetch(m);
    m = await m;
    let r;
    if (m instanceof Response) {
        if (!m.ok) throw new Error(`failed to fetch Wasm: ${m.status} ${m.statusText} fetching '${m.url}'`);
        try {
            r = await WebAssembly.instantiateStreaming(m, imports);
        } catch (e) {
            // A browser without it, or a server that does not say application/wasm: the
            // bytes are compiled instead.
            if (WebAssembly.instantiateStreaming) {
                if (m.headers.get('Content-Type') === 'application/wasm') throw e;
                console.warn('Trailmark: the wasm is not served as application/wasm; compiling it the slower way:', e);
            }
            r = await WebAssembly.instantiate(await m.arrayBuffer(), imports);
        }
    } else {
        r = await WebAssembly.instantiate(m, imports);
    }
    return __wbg_finalize_init(r.instance || r);
}
export { __wbg_init as default };",
);

/// Text replaced in the bundled engine glue at each of its occurrences, which must be exactly
/// as many as said: `Runtime.ingest` and `Runtime.needsSources` pass three strings into the
/// wasm inside a `try` whose `catch` frees the strings already passed when passing a later one
/// throws, and rethrows. Only an argument that is not a string can throw there (no caller
/// passes one but a corrupt outbox entry's `url` or `referrer`, whose batch fails either way)
/// or an allocation that traps (after which the engine is done with), so the `catch` is
/// dropped: the same error is thrown, without freeing those few bytes first. Measured: −50 B
/// brotli.
const GLUE_EDITS_EACH: [(&str, &str, usize); 2] = [
    ("\n        try {\n", "\n        {\n", 2),
    (
        "        } catch (e) {
            if (ptr2) { wasm.<export>(ptr2, len2 * 1, 1); }
            if (ptr1) { wasm.<export>(ptr1, len1 * 1, 1); }
            if (ptr0) { wasm.<export>(ptr0, len0 * 1, 1); }
            throw e;
        }
",
        "        }
",
        2,
    ),
];

/// In a [`GLUE_EDITS`] text: any export name (`[A-Za-z0-9_$]+`).
const EXPORT: &str = "<export>";

/// `glue` with [`GLUE_EDITS`], [`GLUE_EDITS_EACH`] and [`GLUE_INIT`] made, or which one it
/// does not hold as many times as it should (once for each of [`GLUE_EDITS`]).
fn edit_glue(mut glue: String) -> Result<String, String> {
    let once = GLUE_EDITS.iter().map(|&(from, to)| (from, to, 1));
    for (from, to, times) in once.chain(GLUE_EDITS_EACH) {
        let found = occurrences(&glue, from);
        if found.len() != times {
            return Err(format!(
                "wasm-bindgen's glue holds {} times, not {times}, the text the glue edits in \
                 xtask/src/bundle.rs replace: `{from}`; update or drop that edit",
                found.len()
            ));
        }
        for &(start, end) in found.iter().rev() {
            glue.replace_range(start..end, to);
        }
    }
    let (first, last, to) = GLUE_INIT;
    match (
        &occurrences(&glue, first)[..],
        &occurrences(&glue, last)[..],
    ) {
        (&[(start, _)], &[(_, end)]) if start < end => glue.replace_range(start..end, to),
        _ => {
            return Err(format!(
            "wasm-bindgen's glue does not hold `{first}` once, then `{last}` once, the start-up \
                 GLUE_INIT in xtask/src/bundle.rs replaces; update or drop that edit"
        ))
        }
    }
    Ok(glue)
}

/// Where `pattern` occurs in `text` (start and end), its [`EXPORT`]s matching any name.
fn occurrences(text: &str, pattern: &str) -> Vec<(usize, usize)> {
    let mut parts = pattern.split(EXPORT);
    let first = parts.next().unwrap_or_default();
    let rest: Vec<&str> = parts.collect();
    let mut out = Vec::new();
    for (start, _) in text.match_indices(first) {
        let mut at = start + first.len();
        let matched = rest.iter().all(|part| {
            let name = text[at..]
                .bytes()
                .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'$')
                .count();
            at += name;
            let hit = name > 0 && text[at..].starts_with(part);
            if hit {
                at += part.len();
            }
            hit
        });
        if matched {
            out.push((start, at));
        }
    }
    out
}

/// The engine's glue inside `runtime.js`, not imported from `pkg/`, and the wasm named beside
/// it: else pages would fetch the glue after the runtime, or a wasm that is not there.
fn runtime_has_the_engine(dist: &Path) -> Outcome {
    let path = dist.join(RUNTIME);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| Failure(format!("cannot read {}: {e}", path.display())))?;
    let glue = format!("\"./{ENGINE_GLUE}\"");
    if text.contains(&glue) || !text.contains("new URL(\"./pkg/trailmark_bg.wasm\"") {
        return Err(Failure(format!(
            "{} does not carry the engine's glue (it imports {glue}, or does not name \
             ./pkg/trailmark_bg.wasm): see js/{ENGINE}",
            path.display()
        )));
    }
    Ok(())
}

/// `trailmark.js` fetches `runtime.js` and the wasm at once, not chunks: the lazy modules import what
/// they share with the runtime from `./runtime.js` (external to them), so esbuild has nothing
/// to split out of it. Should that change, this fails the build rather than let every page
/// fetch a chunk only after `runtime.js` has arrived.
fn runtime_imports_no_chunk(dist: &Path) -> Outcome {
    let path = dist.join(RUNTIME);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| Failure(format!("cannot read {}: {e}", path.display())))?;
    match static_chunks(&text).first() {
        None => Ok(()),
        Some(chunk) => Err(Failure(format!(
            "{} imports {chunk}: a module shared with the runtime is imported from its own file \
             by a lazy module; import it from ./runtime.js instead",
            path.display()
        ))),
    }
}

/// The chunks a bundled module imports statically: `from"./chunk-XXXX.js"`.
fn static_chunks(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("from\"./chunk-") {
        rest = &rest[at + 7..];
        let Some(end) = rest.find('"') else { break };
        let name = rest[..end].to_string();
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// Minifies one file without bundling (`module`: keep it an ES module).
fn minify(esbuild: &Path, from: &Path, to: &Path, module: bool) -> Outcome {
    let mut command = cmd::new(esbuild);
    command
        .arg(from)
        .args(["--minify", "--legal-comments=inline", "--log-level=warning"])
        .arg("--allow-overwrite")
        .arg(format!("--outfile={}", to.display()));
    if module {
        command.arg("--format=esm");
    }
    cmd::run(&mut command)
}

/// Runs terser (`xtask/terser.mjs`) over every JavaScript file esbuild wrote to `dist/` and
/// `dist/pkg/`: its compressor finds what esbuild's minifier leaves (−0.4 KB brotli on the
/// first load, −0.37 KB of it in `runtime.js`, measured on esbuild 0.28 and terser 5.51). Run
/// after esbuild, not instead of it: terser over esbuild's unminified bundle came out 0.1 KB
/// larger. Each file is compressed with and without `hoist_funs` and the smaller with brotli is
/// kept (`runtime.js` −48 B hoisted; some lazy modules are larger hoisted).
fn compress(dist: &Path) -> Outcome {
    let mut files = Vec::new();
    for dir in [dist.to_path_buf(), dist.join("pkg")] {
        for name in top_level_files(&dir)? {
            if name.ends_with(".js") {
                let path = dir.join(&name).display().to_string();
                let classic = dir == dist && CLASSIC.contains(&name.as_str());
                files.push(if classic {
                    format!("script:{path}")
                } else {
                    path
                });
            }
        }
    }
    let script = crate::root().join("xtask").join("terser.mjs");
    cmd::run(cmd::new("node").arg(script).args(files))
}

/// Names of the regular files at the top of `dir`, sorted.
fn top_level_files(dir: &Path) -> Outcome<Vec<String>> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| Failure(format!("cannot list {}: {e}", dir.display())))?;
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Failure(format!("cannot list {}: {e}", dir.display())))?;
        if entry.path().is_file() {
            names.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    names.sort();
    Ok(names)
}

/// The keys of `runtime.js`'s `const API = {` table (one `name: ...` per line, up to `};`): the
/// public methods, whose implementations `_name` it looks up by name.
fn api_methods(runtime: &str) -> Vec<String> {
    let Some(at) = runtime.find("const API = {") else {
        return Vec::new();
    };
    runtime[at..]
        .lines()
        .skip(1)
        .take_while(|line| line.trim() != "};")
        .filter_map(|line| {
            let key = line.trim().split(':').next()?;
            (!key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric()))
                .then(|| key.to_string())
        })
        .collect()
}

/// Sibling modules a source imports lazily: `import('./name.js')` with a literal path (the glue
/// under `./pkg/` excepted).
fn lazy_imports(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for quote in ['\'', '"'] {
        let open = format!("import({quote}./");
        let mut rest = text;
        while let Some(at) = rest.find(&open) {
            rest = &rest[at + open.len()..];
            let Some(end) = rest.find(quote) else { break };
            let name = &rest[..end];
            if name.ends_with(".js") && !name.contains('/') && !out.iter().any(|n| n == name) {
                out.push(name.to_string());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::lazy_imports;

    #[test]
    fn edits_the_glue_or_says_which_edit_no_longer_applies() {
        let all = |side: fn(&(&str, &str)) -> String| {
            super::GLUE_EDITS
                .iter()
                .map(side)
                .collect::<Vec<_>>()
                .join("\n-\n")
        };
        let each = |side: fn(&(&str, &str, usize)) -> String| {
            super::GLUE_EDITS_EACH
                .iter()
                .map(|e| side(e).repeat(e.2))
                .collect::<Vec<_>>()
                .join("\n-\n")
        };
        let (first, last, init) = super::GLUE_INIT;
        let glue = format!(
            "a\n{}\n{}\n{first}\nanything\n{last}\nb\n",
            all(|e| e.0.replace(super::EXPORT, "r")),
            each(|e| e.0.replace(super::EXPORT, "r"))
        );
        let edited = super::edit_glue(glue).unwrap();
        assert_eq!(
            edited,
            format!(
                "a\n{}\n{}\n{init}\nb\n",
                all(|e| e.1.to_string()),
                each(|e| e.1.to_string())
            )
        );
        let init_twice = format!(
            "{}\n{}\n{first}{last}{first}{last}",
            all(|e| e.0.replace(super::EXPORT, "r")),
            each(|e| e.0.replace(super::EXPORT, "r"))
        );
        let err = super::edit_glue(init_twice).unwrap_err();
        assert!(err.contains("GLUE_INIT"), "{err}");
        let twice = format!("{0}{0}{1}", super::GLUE_EDITS[0].0, super::GLUE_EDITS[1].0);
        let err = super::edit_glue(twice).unwrap_err();
        assert!(err.contains("2 times, not 1"), "{err}");
        let err = super::edit_glue(String::from("no such text")).unwrap_err();
        assert!(err.contains("0 times"), "{err}");
    }

    #[test]
    fn an_export_placeholder_matches_any_export_name() {
        let found = super::occurrences(
            "x wasm.r(1); wasm.(1); wasm.ab$(1) wasm.c(2)",
            "wasm.<export>(1)",
        );
        assert_eq!(found, [(2, 11), (23, 34)]);
    }

    #[test]
    fn finds_the_chunks_a_bundle_imports() {
        let text = r#"import{a as b}from"./chunk-AB12.js";import{c}from"./chunk-AB12.js";x=import("./chunk-EF56.js")"#;
        assert_eq!(super::static_chunks(text), ["chunk-AB12.js"]);
    }

    #[test]
    fn reads_the_api_table() {
        let text = "x\nconst API = {\n  track: () => Promise.resolve(),\n  on: () => () => {},\n};\nconst y = { z: 1 };";
        assert_eq!(super::api_methods(text), ["track", "on"]);
    }

    #[test]
    fn finds_lazy_sibling_imports_only() {
        let text = "a = await import('./pkg/trailmark.js'); import('./debug.js').then(f);\n\
                    import(\"./panel.js\"); import(url); import('./debug.js');";
        assert_eq!(lazy_imports(text), ["debug.js", "panel.js"]);
    }
}
