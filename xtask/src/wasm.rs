//! `cargo xtask build`: compiles the crate to wasm32 and assembles `dist/`, the directory a site
//! serves (mounted at `/trailmark/` by the demo):
//!
//! - `dist/pkg/`: `wasm-bindgen --target web` output, its `_bg.wasm` shrunk by `wasm-opt -Oz`
//!   and the names it shares with its glue made short (`names.rs`),
//!   and the full channel source tables the browser fetches on demand (`sources.rs`);
//! - `dist/*`: the JavaScript of the top level of `js/` (not `js/test/`), bundled and minified by
//!   esbuild (see `bundle.rs`), plus the package's `package.json`, `index.d.ts` and README.
//!
//! The build is driven directly (no wasm-pack), so the wasm-bindgen CLI version is the one
//! `setup` pinned and wasm-opt is the one in `package-lock.json`.

use crate::cmd;
use crate::setup::WASM_TARGET;
use crate::{Failure, Outcome};
use std::path::{Path, PathBuf};

/// The library's artefact name (`[package] name` with `-` as `_`).
const CRATE_FILE: &str = "trailmark";

/// Output directory, relative to the repository root.
pub const DIST: &str = "dist";

/// The two wasm files: the engine every page loads, and the config compiler the browser loads
/// only for a JSON source config (`src/web/mod.rs`). `(wasm-bindgen --out-name, cargo features)`.
pub const WASMS: [(&str, &[&str]); 2] = [
    ("trailmark", &[]),
    ("trailmark_compiler", &["--features", "compiler"]),
];

/// Builds `dist/`. Expects `setup` to have run.
pub fn build() -> Outcome {
    let root = crate::root();
    let dist = root.join(DIST);
    // Start clean so files a previous build produced cannot linger in dist/.
    if dist.exists() {
        std::fs::remove_dir_all(&dist)
            .map_err(|e| Failure(format!("cannot clean {}: {e}", dist.display())))?;
    }
    for (name, features) in WASMS {
        wasm(name, features, &dist.join("pkg"))?;
    }
    crate::sources::copy_into(&dist.join("pkg"))?;
    crate::bundle::assemble(&root.join("js"), &dist)?;
    println!("build: dist ready at {}", dist.display());
    crate::recs::demo_model()?;
    demo_config()
}

/// Compiles the crate with `features`, binds it as `pkg/<name>.js` + `pkg/<name>_bg.wasm`, and
/// shrinks the wasm with wasm-opt.
fn wasm(name: &str, features: &[&str], pkg: &Path) -> Outcome {
    println!("build: compiling {name} for {WASM_TARGET} (release)");
    // Keep rustc's `target_features` section (the release profile's `strip = true` drops it):
    // wasm-bindgen reads it to decide e.g. whether to use reference types. wasm-opt strips the
    // names, producers and target-features sections afterwards instead.
    // `cargo rustc --crate-type cdylib`, not `cargo build`: for a library whose crate types
    // include `rlib` (the tests, benches and CLI need it), cargo silently leaves out the release
    // profile's `-C lto` (rust-lang/cargo#9672). Built alone, the cdylib gets LTO: the engine
    // wasm is 8 KB brotli smaller.
    cmd::run(
        cmd::cargo()
            .args(["rustc", "--lib", "--crate-type", "cdylib", "--release"])
            .args(["--target", WASM_TARGET])
            .args(features)
            .env("CARGO_PROFILE_RELEASE_STRIP", "false"),
    )?;

    let wasm = target_dir()
        .join(WASM_TARGET)
        .join("release")
        .join(format!("{CRATE_FILE}.wasm"));
    if !wasm.is_file() {
        return Err(Failure(format!("build produced no {}", wasm.display())));
    }
    println!("build: generating JS bindings");
    // `--encode-into always`: strings go to the wasm with `TextEncoder.encodeInto`, without the
    // glue's feature test and fallback (every browser that runs this wasm has it).
    cmd::run(
        cmd::new(cmd::cargo_bin("wasm-bindgen"))
            .args(["--target", "web", "--encode-into", "always"])
            .args(["--out-name", name, "--out-dir"])
            .arg(pkg)
            .arg(&wasm),
    )?;

    let bg = pkg.join(format!("{name}_bg.wasm"));
    let before = file_len(&bg)?;
    println!("build: optimising {} with wasm-opt -Oz", bg.display());
    let wasm_opt = cmd::npm_bin("wasm-opt");
    if !wasm_opt.is_file() {
        return Err(Failure(format!(
            "{} is missing; run `cargo xtask setup`",
            wasm_opt.display()
        )));
    }
    let features = wasm_opt_features()?;
    cmd::run(
        cmd::new(&wasm_opt)
            .args([
                // Flattening and re-relooping the control flow first, then two rounds of `-Oz`,
                // finds more to merge and fold than `-Oz` alone (0.2 KB brotli).
                "--flatten",
                "--rereloop",
                "-Oz",
                "-Oz",
                // Repeat the passes until the module stops shrinking (about 0.3 KB brotli).
                "--converge",
                // Rust's wasm puts the stack first (it grows down from 1 MiB towards 0, the data
                // follows it) and no pointer arithmetic wraps around past 0 into the low 1 KiB,
                // so wasm-opt may fold constant pointer offsets into the loads' and stores'
                // offsets (0.25 KB brotli).
                "--low-memory-unused",
                // Inline functions of up to 4 bytes everywhere (wasm-opt's default is 2): 50 to
                // 110 B brotli less, measured before and after the changes of its round.
                "--always-inline-max-function-size",
                "4",
                // Functions with one caller are inlined only up to 8 bytes (wasm-opt's default
                // inlines them all): large bodies merged into the exports' shims compress worse
                // (engine wasm 97 B brotli less; 0 to 4 bytes measured 39 B less, 5 to 15
                // bytes 57 to 125 B, 40 and more grew it).
                "--one-caller-inline-max-function-size",
                "8",
                "--strip-debug",
                "--strip-producers",
                "--strip-target-features",
            ])
            .args(&features)
            .arg(&bg)
            .arg("-o")
            .arg(&bg),
    )?;
    // Short import and export names in the wasm and its glue (a run of its own: `--converge`
    // would rename them again on each round).
    crate::names::minify(&wasm_opt, &features, pkg, name)?;
    println!(
        "build: {} bytes -> {} bytes after wasm-opt",
        before,
        file_len(&bg)?
    );
    Ok(())
}

/// The demo shop's compiled config (`trailmark compile`), which its pages' `data-config` names:
/// the shop shows the recommended set-up, so its pages never load the config compiler.
fn demo_config() -> Outcome {
    let shop = crate::root().join("examples").join("demo-shop");
    println!("build: compiling the demo shop's config");
    cmd::run(
        cmd::new(crate::recs::cli()?)
            .arg("compile")
            .arg(shop.join("trailmark.json"))
            .arg("--out")
            .arg(shop.join("trailmark.compiled.json")),
    )
}

/// Cargo's target directory, honouring `CARGO_TARGET_DIR`.
pub(crate) fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => crate::root().join(dir),
        None => crate::root().join("target"),
    }
}

fn file_len(path: &Path) -> Outcome<u64> {
    std::fs::metadata(path)
        .map(|m| m.len())
        .map_err(|e| Failure(format!("cannot read {}: {e}", path.display())))
}

/// wasm-opt validates against the MVP unless told otherwise, and rustc enables more than the MVP
/// on wasm32 (bulk-memory, sign-ext, nontrapping-fptoint, multivalue, reference-types, ... by
/// default in recent releases). Ask this rustc which features it enables, so a toolchain update
/// cannot make wasm-opt reject or mis-optimise the module.
fn wasm_opt_features() -> Outcome<Vec<String>> {
    let cfg = cmd::probe(cmd::new("rustc").args(["--print", "cfg", "--target", WASM_TARGET]))
        .ok_or_else(|| Failure(format!("`rustc --print cfg --target {WASM_TARGET}` failed")))?;
    Ok(features_from_cfg(&cfg)
        .into_iter()
        .filter_map(|feature| {
            let flag = wasm_opt_flag(feature);
            if flag.is_none() {
                println!("build: warning: no wasm-opt flag known for target feature `{feature}`");
            }
            flag.map(|flag| format!("--enable-{flag}"))
        })
        .collect())
}

/// The `target_feature="..."` values of `rustc --print cfg`.
fn features_from_cfg(cfg: &str) -> Vec<&str> {
    cfg.lines()
        .filter_map(|line| line.strip_prefix("target_feature=\""))
        .filter_map(|rest| rest.strip_suffix('"'))
        .collect()
}

/// rustc's wasm target-feature names mapped to binaryen's `--enable-*` names.
fn wasm_opt_flag(rustc_feature: &str) -> Option<&'static str> {
    Some(match rustc_feature {
        "bulk-memory" => "bulk-memory",
        "bulk-memory-opt" => "bulk-memory-opt",
        "call-indirect-overlong" => "call-indirect-overlong",
        "nontrapping-fptoint" => "nontrapping-float-to-int",
        "sign-ext" => "sign-ext",
        "mutable-globals" => "mutable-globals",
        "multivalue" => "multivalue",
        "reference-types" => "reference-types",
        "simd128" => "simd",
        "relaxed-simd" => "relaxed-simd",
        "extended-const" => "extended-const",
        "tail-call" => "tail-call",
        "atomics" => "threads",
        "exception-handling" => "exception-handling",
        "multimemory" => "multimemory",
        "gc" => "gc",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_rustc_features_to_wasm_opt_flags() {
        let cfg = "target_arch=\"wasm32\"\ntarget_feature=\"bulk-memory\"\n\
                   target_feature=\"nontrapping-fptoint\"\ntarget_os=\"unknown\"\n";
        let features = features_from_cfg(cfg);
        assert_eq!(features, ["bulk-memory", "nontrapping-fptoint"]);
        assert_eq!(
            wasm_opt_flag("nontrapping-fptoint"),
            Some("nontrapping-float-to-int")
        );
        assert_eq!(wasm_opt_flag("simd128"), Some("simd"));
        assert_eq!(wasm_opt_flag("unheard-of"), None);
    }
}
