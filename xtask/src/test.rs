//! `cargo xtask test`: everything CI checks, in order, stopping at the first failure.
//!
//! Steps: setup; `cargo fmt --check`; clippy on native and on wasm32 (`-D warnings`); native
//! `cargo test` (unit, integration, doc); then, once `js/test/` or `tests/e2e/` exist, the wasm
//! build, the JS tests (`node --test`) and the browser end-to-end specs (`node --test`, against
//! the demo shop served in-process, Chromium from apt); then the size budgets when a `dist/`
//! exists. The last line is the plain `xtask: N passed, N failed, N skipped` CI reads.

use crate::serve::{Mount, Server};
use crate::{cmd, setup, size, wasm};
use crate::{Failure, Outcome};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Where the unit-level JS tests live.
const JS_TESTS: &str = "js/test";
/// Where the browser end-to-end specs live.
const E2E_TESTS: &str = "tests/e2e";
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
            "cargo test (native)",
            cargo(&["test", "--workspace", "--all-features"]),
        ),
    ];

    let js_tests = test_files(&root.join(JS_TESTS));
    let e2e_tests = test_files(&root.join(E2E_TESTS));
    if js_tests.is_empty() && e2e_tests.is_empty() {
        println!("test: no browser tests yet ({E2E_TESTS} missing or empty, {JS_TESTS} too)");
    } else {
        steps.push(Step::call("wasm build", wasm::build));
        if js_tests.is_empty() {
            println!("test: no JS tests yet ({JS_TESTS} missing or empty)");
        } else {
            steps.push(Step::command("js tests", node_test(&js_tests)));
        }
        if e2e_tests.is_empty() {
            println!("test: no browser tests yet ({E2E_TESTS} missing or empty)");
        } else {
            steps.push(Step::call("browser e2e", move || e2e(&e2e_tests)));
        }
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

fn node_test(files: &[PathBuf]) -> Command {
    let mut command = cmd::new("node");
    command.arg("--test").args(files);
    command
}

/// Serves the demo shop (at `/`) and `dist/` (at `/trailmark/`) on a free port for the specs,
/// which find it in `TRAILMARK_BASE_URL` and the browser in `CHROMIUM_PATH`.
fn e2e(files: &[PathBuf]) -> Outcome {
    let root = crate::root();
    let server = Server::bind(0, demo_mounts(&root))?;
    let url = server.spawn();
    println!("test: demo shop served at {url}");
    let mut command = node_test(files);
    command
        .env("TRAILMARK_BASE_URL", &url)
        .env("CHROMIUM_PATH", setup::CHROMIUM)
        .env("CHROMEDRIVER_PATH", setup::CHROMEDRIVER);
    cmd::run(&mut command)
}

/// The demo's URL layout: the shop at `/`, the built package where the script tag expects it.
pub fn demo_mounts(root: &Path) -> Vec<Mount> {
    vec![
        Mount::new("/", root.join(DEMO_SHOP)),
        Mount::new("/trailmark/", root.join(wasm::DIST)),
    ]
}

/// Test files under `dir` (recursively): `*.test.{js,mjs,cjs}` and `*.spec.{js,mjs,cjs}`, sorted.
/// Listing them ourselves keeps helpers and fixtures out and works on every Node version.
fn test_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    collect(dir, &mut found);
    found.sort();
    found
}

fn collect(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for path in entries.flatten().map(|e| e.path()) {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            if name != "node_modules" && !name.starts_with('.') {
                collect(&path, found);
            }
        } else if is_test_file(name) {
            found.push(path);
        }
    }
}

fn is_test_file(name: &str) -> bool {
    let stem = ["js", "mjs", "cjs"]
        .iter()
        .find_map(|ext| name.strip_suffix(ext)?.strip_suffix('.'));
    stem.is_some_and(|stem| stem.ends_with(".test") || stem.ends_with(".spec"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_test_files() {
        assert!(is_test_file("loader.test.mjs"));
        assert!(is_test_file("checkout.spec.js"));
        assert!(!is_test_file("helpers.mjs"));
        assert!(!is_test_file("test.d.ts"));
        assert!(!is_test_file("fixture.test.json"));
    }
}
