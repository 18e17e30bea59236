//! `cargo xtask bench`: the browser benchmark of Trailmark against the SDKs users would pick
//! instead (issue 8). Builds `dist/` (`cargo xtask build`), installs the peers from the committed
//! `bench/package-lock.json` (`npm ci`, skipped when `bench/node_modules` is already newer than the
//! lock file), then runs `node bench/run.mjs`, which writes `bench/results/latest.{json,md,svg}`
//! and the README block between `<!-- bench:start -->` and `<!-- bench:end -->`.
//! Method and options: `bench/README.md`.

use crate::cmd;
use crate::{setup, wasm, Failure, Outcome};
use std::path::Path;
use std::time::SystemTime;

pub fn run(args: &[String]) -> Outcome {
    let mut reps: Option<String> = None;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--reps" => {
                let n = it
                    .next()
                    .ok_or_else(|| Failure("--reps needs a number".into()))?;
                match n.parse::<u32>() {
                    Ok(k) if k > 0 => reps = Some(k.to_string()),
                    _ => return Err(Failure(format!("--reps: `{n}` is not a positive number"))),
                }
            }
            other => return Err(Failure(format!("unexpected argument `{other}`"))),
        }
    }
    setup::run()?;
    wasm::build()?;
    peers()?;
    let mut node = cmd::new("node");
    node.arg("bench/run.mjs");
    if let Some(reps) = reps {
        node.env("BENCH_REPS", reps);
    }
    node.env("CHROMIUM_PATH", setup::CHROMIUM);
    cmd::run(&mut node)
}

/// `npm ci` in bench/ from the committed lock file, unless what it installed is newer than it.
fn peers() -> Outcome {
    let bench = crate::root().join("bench");
    let lock = bench.join("package-lock.json");
    if !lock.is_file() {
        return Err(Failure("bench/package-lock.json is missing".into()));
    }
    let installed = bench.join("node_modules").join(".package-lock.json");
    if let (Some(i), Some(l)) = (modified(&installed), modified(&lock)) {
        if i >= l {
            println!(
                "bench: peers ok (bench/node_modules is up to date with bench/package-lock.json)"
            );
            cmd::flush();
            return Ok(());
        }
    }
    cmd::run(
        cmd::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&bench),
    )
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}
