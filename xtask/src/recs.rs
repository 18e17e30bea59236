//! The demo shop's recommendation model, built as part of `cargo xtask build`: the shop's session
//! generator (`examples/demo-shop/tools/sessions.mjs`, deterministic) writes a log into
//! `target/demo-shop/`, and the CLI (`trailmark model build`, a debug build: the log is about
//! 20,000 events and builds in well under a second; a release CLI build would cost minutes on
//! two cores) writes `examples/demo-shop/recs/model.tmrm`, which is not committed. The CLI is
//! built with `--all-features`, the feature set `cargo test --all-features` uses, so `cargo xtask
//! test` reuses its artefacts.

use crate::cmd;
use crate::{Failure, Outcome};

/// Builds the demo shop's model.
/// Builds the native CLI (debug) and returns its path.
pub fn cli() -> Outcome<std::path::PathBuf> {
    cmd::run(cmd::cargo().args(["build", "--quiet", "--all-features", "--bin", "trailmark"]))?;
    let exe = crate::wasm::target_dir()
        .join("debug")
        .join(format!("trailmark{}", std::env::consts::EXE_SUFFIX));
    if !exe.is_file() {
        return Err(Failure(format!("no CLI at {}", exe.display())));
    }
    Ok(exe)
}

pub fn demo_model() -> Outcome {
    let root = crate::root();
    let target = crate::wasm::target_dir();
    let log = target.join("demo-shop").join("sessions.jsonl");
    let model = root
        .join("examples")
        .join("demo-shop")
        .join("recs")
        .join("model.tmrm");
    println!("build: demo shop session log and recommendation model");
    cmd::run(
        cmd::new("node")
            .arg(root.join("examples/demo-shop/tools/sessions.mjs"))
            .arg(&log),
    )?;
    cmd::run(
        cmd::new(cli()?)
            .args(["model", "build"])
            .arg(&log)
            .arg("--out")
            .arg(&model),
    )
}
