//! `cargo xtask test`: everything CI checks, in order, stopping at the first failure.
//!
//! Steps: setup; `cargo fmt --check`; clippy on native and on wasm32 (`-D warnings`); native
//! `cargo test` (unit, integration, doc); then, once `tests/e2e/*.spec.mjs` or `js/test/*.test.mjs`
//! exist, the wasm build and one `node --test` run of the browser end-to-end specs (each starts
//! its own server for the demo shop and `dist/`; Chromium from apt) followed by the JS unit
//! tests and the benchmark's README check (`bench/test`), whose summary the node runner prints; then the size budgets when a `dist/` exists. The
//! last line is the plain `xtask: N passed, N failed, N skipped` CI reads.

use crate::serve::Mount;
use crate::{cmd, setup, size, wasm};
use crate::{Failure, Outcome};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Where the unit-level JS tests live, and their suffix.
const JS_TESTS: (&str, &str) = ("js/test", ".test.mjs");
/// The benchmark's own tests (the README's performance block matches the latest results).
const BENCH_TESTS: (&str, &str) = ("bench/test", ".test.mjs");
/// Where the browser end-to-end specs live, and their suffix.
const E2E_TESTS: (&str, &str) = ("tests/e2e", ".spec.mjs");
/// The site the end-to-end specs drive.
pub const DEMO_SHOP: &str = "examples/demo-shop";

/// One named step of the run.
struct Step {
    name: &'static str,
    action: Box<dyn FnOnce() -> Outcome>,
}

impl Step {
    fn command(name: &'static str, mut command: Command) -> Step {
        Step {
            name,
            action: Box::new(move || cmd::run(&mut command)),
        }
    }

    fn call(name: &'static str, action: impl FnOnce() -> Outcome + 'static) -> Step {
        Step {
            name,
            action: Box::new(action),
        }
    }
}

pub fn run() -> Outcome {
    let steps = plan();
    let total = steps.len();
    let started = Instant::now();
    let mut timings = Vec::new();
    let mut failure = None;
    for (index, step) in steps.into_iter().enumerate() {
        println!("\n==> test step {}/{total}: {}", index + 1, step.name);
        cmd::flush();
        let step_started = Instant::now();
        let outcome = (step.action)();
        let seconds = step_started.elapsed().as_secs();
        match outcome {
            Ok(()) => timings.push(format!("{} {seconds}s", step.name)),
            Err(Failure(why)) => {
                failure = Some((step.name, why));
                break;
            }
        }
    }

    let passed = timings.len();
    let elapsed = started.elapsed().as_secs();
    println!();
    match failure {
        None => {
            println!(
                "xtask test: all {passed} steps passed in {elapsed}s ({})",
                timings.join(", ")
            );
            println!("xtask: {passed} passed, 0 failed");
            Ok(())
        }
        Some((name, why)) => {
            let skipped = total - passed - 1;
            println!("xtask test: FAILED at step `{name}` after {elapsed}s: {why}");
            println!("xtask: {passed} passed, 1 failed, {skipped} skipped");
            cmd::flush();
            Err(Failure(String::new()))
        }
    }
}

/// Decides the steps up front, so a failure can say how many were skipped.
fn plan() -> Vec<Step> {
    let root = crate::root();
    let mut steps = vec![
        Step::call("setup", setup::run),
        Step::command("fmt", fmt_check()),
        Step::command(
            "clippy (native)",
            cargo(&[
                "clippy",
                "--workspace",
                "--all-targets",
                "--all-features",
                "--",
                "-D",
                "warnings",
            ]),
        ),
        Step::command(
            "clippy (wasm32)",
            cargo(&[
                "clippy",
                "--lib",
                "--target",
                setup::WASM_TARGET,
                "--",
                "-D",
                "warnings",
            ]),
        ),
        Step::command(
            "clippy (wasm32, config compiler)",
            cargo(&[
                "clippy",
                "--lib",
                "--target",
                setup::WASM_TARGET,
                "--features",
                "compiler",
                "--",
                "-D",
                "warnings",
            ]),
        ),
        Step::command(
            "cargo test (native)",
            cargo(&["test", "--workspace", "--all-features"]),
        ),
    ];

    let e2e_tests = test_files(&root, E2E_TESTS);
    let js_tests = test_files(&root, JS_TESTS);
    if e2e_tests.is_empty() {
        println!(
            "test: no browser tests ({}/*{} missing)",
            E2E_TESTS.0, E2E_TESTS.1
        );
    }
    if js_tests.is_empty() {
        println!("test: no JS tests ({}/*{} missing)", JS_TESTS.0, JS_TESTS.1);
    }
    if !(e2e_tests.is_empty() && js_tests.is_empty()) {
        steps.push(Step::call("wasm build", wasm::build));
        let files = [e2e_tests, js_tests, test_files(&root, BENCH_TESTS)].concat();
        steps.push(Step::call("node tests (browser e2e, js)", move || {
            node_tests(&files)
        }));
    }

    // The build above creates dist/; otherwise a dist/ left by `cargo xtask build` is checked.
    if !steps.iter().any(|s| s.name == "wasm build") && !root.join(wasm::DIST).is_dir() {
        println!("test: no dist/ to measure (size budgets run once there is a wasm build)");
    } else {
        steps.push(Step::call("size budgets", size::run));
    }
    steps
}

/// `cargo fmt --all -- --check`, without colour codes when the output goes to a log.
fn fmt_check() -> Command {
    let mut command = cargo(&["fmt", "--all", "--", "--check"]);
    if !std::io::stdout().is_terminal() {
        command.args(["--color", "never"]);
    }
    command
}

fn cargo(args: &[&str]) -> Command {
    let mut command = cmd::cargo();
    command.args(args);
    command
}

/// One `node --test` run of `files` (relative to the repository root, so its report names them
/// briefly); the runner prints its summary (`# tests`, `# pass`, `# fail`) and exits non-zero
/// when any test failed. The specs start their own servers and find Chromium in `CHROMIUM_PATH`.
fn node_tests(files: &[PathBuf]) -> Outcome {
    let mut command = cmd::new("node");
    command
        .current_dir(crate::root())
        .arg("--test")
        .args(files)
        .env("CHROMIUM_PATH", setup::CHROMIUM);
    cmd::run(&mut command)
}

/// The demo's URL layout: the shop at `/`, the built package where the script tag expects it.
pub fn demo_mounts(root: &Path) -> Vec<Mount> {
    vec![
        Mount::new("/", root.join(DEMO_SHOP)),
        Mount::new("/trailmark/", root.join(wasm::DIST)),
    ]
}

/// `dir/*suffix` (not recursive: helpers, servers and fixtures live next to the tests), relative
/// to `root`, sorted. Listing them ourselves works on every Node version.
fn test_files(root: &Path, (dir, suffix): (&str, &str)) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| e.path().is_file())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|name| is_test_file(name, suffix))
        .map(|name| Path::new(dir).join(name))
        .collect();
    found.sort();
    found
}

fn is_test_file(name: &str, suffix: &str) -> bool {
    name.len() > suffix.len() && name.ends_with(suffix) && !name.starts_with('.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_test_files() {
        assert!(is_test_file("store.test.mjs", JS_TESTS.1));
        assert!(is_test_file("tabs.spec.mjs", E2E_TESTS.1));
        assert!(!is_test_file("harness.mjs", E2E_TESTS.1));
        assert!(!is_test_file("server.mjs", E2E_TESTS.1));
        assert!(!is_test_file("tabs.spec.js", E2E_TESTS.1));
        assert!(!is_test_file(".spec.mjs", E2E_TESTS.1));
    }

    #[test]
    fn lists_the_specs_then_the_unit_tests() {
        let root = crate::root();
        let e2e = test_files(&root, E2E_TESTS);
        assert!(e2e.iter().any(|p| p.ends_with("tabs.spec.mjs")), "{e2e:?}");
        assert!(e2e.iter().all(|p| p.starts_with("tests/e2e")), "{e2e:?}");
        let js = test_files(&root, JS_TESTS);
        assert!(
            js.iter()
                .all(|p| p.to_string_lossy().ends_with(".test.mjs")),
            "{js:?}"
        );
    }
}
