//! `cargo xtask`: Trailmark's developer tooling, written in Rust so that a fresh machine with only
//! Rust, Node and apt can set itself up, test, build, measure and demo the crate with one command.
//!
//! Each command lives in its own module; this file only parses the command line and maps failures
//! to one clear message and a non-zero exit code.

mod bench;
mod bundle;
mod cmd;
mod demo;
mod names;
mod recs;
mod serve;
mod setup;
mod size;
mod sources;
mod test;
mod wasm;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
Usage: cargo xtask <command> [options]

Commands:
  setup                 install what is missing: wasm32 target, wasm-bindgen-cli (pinned),
                        npm devDependencies (wasm-opt, playwright-core), chromium + chromedriver
  test                  setup, then fmt, clippy (native + wasm32), cargo test, browser/JS tests,
                        size budgets; stops at the first failure
  build                 setup, then build the wasm package into dist/ (wasm-bindgen + wasm-opt)
  size                  print raw / gzip / brotli sizes of dist/ and check budgets.json
  demo [--port N]       setup, build, then serve the demo shop (default port 8080)
  bench [--reps N]      setup, build, npm ci in bench/, then the browser benchmark against the
                        peer SDKs (bench/README.md); writes bench/results/ and the README table
  serve [--root DIR] [--mount /PREFIX/=DIR]... [--port N]
                        serve directories over HTTP on 127.0.0.1 (port 0 picks a free one)
";

/// A failed step: the message is printed once, as `xtask <command>: error: <message>`.
#[derive(Debug)]
pub struct Failure(pub String);

impl<T: std::fmt::Display> From<T> for Failure {
    fn from(message: T) -> Self {
        Failure(message.to_string())
    }
}

/// Result type of every command.
pub type Outcome<T = ()> = Result<T, Failure>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(command) = args.first().map(String::as_str) else {
        eprint!("{USAGE}");
        return ExitCode::FAILURE;
    };
    let rest = &args[1..];
    let outcome = match command {
        "setup" => no_options(rest).and_then(|()| setup::run()),
        "test" => no_options(rest).and_then(|()| test::run()),
        "build" => no_options(rest).and_then(|()| setup::run().and_then(|()| wasm::build())),
        "size" => no_options(rest).and_then(|()| size::run()),
        "demo" => demo::run(rest),
        "bench" => bench::run(rest),
        "serve" => serve::run_cli(rest),
        "help" | "--help" | "-h" => {
            print!("{USAGE}");
            Ok(())
        }
        other => Err(Failure(format!("unknown command `{other}`\n\n{USAGE}"))),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        // An empty message means the command already reported the failure itself.
        Err(Failure(message)) => {
            if !message.is_empty() {
                eprintln!("xtask {command}: error: {message}");
            }
            ExitCode::FAILURE
        }
    }
}

fn no_options(rest: &[String]) -> Outcome {
    match rest.first() {
        None => Ok(()),
        Some(arg) => Err(Failure(format!("unexpected argument `{arg}`"))),
    }
}

/// The repository root (the workspace that contains `xtask/`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the repository root")
        .to_path_buf()
}
