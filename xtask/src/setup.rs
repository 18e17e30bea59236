//! `cargo xtask setup`: installs, idempotently, what the build and the tests need on a fresh
//! Debian machine that has only Rust, Node and apt. Each step first checks whether its result is
//! already present and prints one line either way, so it is cheap to run before every command.
//!
//! Why these sources: `wasm-bindgen-cli` must match the `wasm-bindgen` crate version exactly (the
//! CLI refuses other schema versions); `wasm-opt` comes from the npm `binaryen` package pinned in
//! `package-lock.json` because Debian's older binaryen produces modules that fail to load;
//! Chromium comes from Debian because browser builds cannot be downloaded here.

use crate::cmd;
use crate::{Failure, Outcome};
use std::path::Path;
use std::time::{Instant, SystemTime};

/// The wasm target the crate ships to.
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// Used only while neither Cargo.toml nor Cargo.lock names `wasm-bindgen` yet.
const DEFAULT_WASM_BINDGEN: &str = "0.2.130";

/// Where Debian's `chromium` and `chromium-driver` packages put their binaries.
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Runs every setup step in order.
pub fn run() -> Outcome {
    wasm_target()?;
    wasm_bindgen_cli()?;
    npm_packages()?;
    chromium()?;
    Ok(())
}

fn present(thing: &str) {
    println!("setup: {thing} ok (already present)");
    cmd::flush();
}

/// Runs `install` after printing the installing line; names the step if it fails.
fn installing(thing: &str, install: impl FnOnce() -> Outcome) -> Outcome {
    println!("setup: installing {thing}...");
    cmd::flush();
    let started = Instant::now();
    install().map_err(|Failure(why)| Failure(format!("setup step `{thing}` failed: {why}")))?;
    println!(
        "setup: {thing} installed in {:.0}s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn wasm_target() -> Outcome {
    let thing = format!("rust target {WASM_TARGET}");
    let installed = cmd::probe(cmd::new("rustup").args(["target", "list", "--installed"]))
        .ok_or_else(|| {
            Failure(format!(
                "setup step `{thing}` failed: `rustup target list --installed` did not run; \
                 is rustup installed and on PATH?"
            ))
        })?;
    if installed.lines().any(|line| line.trim() == WASM_TARGET) {
        present(&thing);
        return Ok(());
    }
    installing(&thing, || {
        cmd::run(cmd::new("rustup").args(["target", "add", WASM_TARGET]))
    })
}

fn wasm_bindgen_cli() -> Outcome {
    let version = wasm_bindgen_version()?;
    let thing = format!("wasm-bindgen-cli {version}");
    let wanted = format!("wasm-bindgen {version}");
    let current = cmd::probe(cmd::new(cmd::cargo_bin("wasm-bindgen")).arg("--version"));
    if current.as_deref().map(str::trim) == Some(wanted.as_str()) {
        present(&thing);
        return Ok(());
    }
    if let Some(other) = current {
        println!("setup: found `{}`, want `{wanted}`", other.trim());
    }
    // No `--locked`: the registry mirror lacks one of the CLI's locked dependencies. `--force`
    // because we only get here when the binary is missing or another version, and cargo would
    // otherwise skip a crate its records call installed.
    installing(&thing, || {
        cmd::run(cmd::cargo().args([
            "install",
            "--force",
            "wasm-bindgen-cli",
            "--version",
            &format!("={version}"),
        ]))?;
        let now = cmd::probe(cmd::new(cmd::cargo_bin("wasm-bindgen")).arg("--version"));
        match now.as_deref().map(str::trim) {
            Some(found) if found == wanted => Ok(()),
            found => Err(Failure(format!(
                "installed, but `wasm-bindgen --version` prints {found:?}, not `{wanted}`"
            ))),
        }
    })
}

/// The exact `wasm-bindgen` version: the `=0.2.N` pin in Cargo.toml, else Cargo.lock's, else the
/// default above (the crate does not depend on wasm-bindgen yet).
fn wasm_bindgen_version() -> Outcome<String> {
    let root = crate::root();
    let manifest = std::fs::read_to_string(root.join("Cargo.toml"))
        .map_err(|e| Failure(format!("cannot read Cargo.toml: {e}")))?;
    if let Some(version) = pinned_in_manifest(&manifest) {
        return Ok(version);
    }
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).unwrap_or_default();
    if let Some(version) = locked_version(&lock, "wasm-bindgen") {
        return Ok(version);
    }
    println!(
        "setup: note: Cargo.toml does not pin wasm-bindgen yet; expecting {DEFAULT_WASM_BINDGEN}"
    );
    Ok(DEFAULT_WASM_BINDGEN.to_string())
}

/// Finds `wasm-bindgen = "=X"` or `wasm-bindgen = { version = "=X", ... }` in a manifest.
fn pinned_in_manifest(manifest: &str) -> Option<String> {
    manifest.lines().find_map(|line| {
        let (key, value) = line.split_once('=')?;
        if key.trim() != "wasm-bindgen" {
            return None;
        }
        let value = value.trim();
        let quoted = match value.strip_prefix('{') {
            Some(table) => table
                .split_once("version")?
                .1
                .trim_start()
                .strip_prefix('=')?,
            None => value,
        };
        let version = quoted.trim_start().strip_prefix('"')?.split('"').next()?;
        let exact = version.trim().strip_prefix('=')?.trim();
        (!exact.is_empty()).then(|| exact.to_string())
    })
}

/// Finds the version of package `name` in a Cargo.lock.
fn locked_version(lock: &str, name: &str) -> Option<String> {
    let wanted = format!("name = \"{name}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == wanted {
            let version = lines.next()?.trim().strip_prefix("version = \"")?;
            return Some(version.trim_end_matches('"').to_string());
        }
    }
    None
}

fn npm_packages() -> Outcome {
    let thing = "npm devDependencies (wasm-opt, esbuild, terser, playwright-core)";
    let root = crate::root();
    let lock = root.join("package-lock.json");
    let installed = root.join("node_modules").join(".package-lock.json");
    if !lock.is_file() {
        return Err(Failure(format!(
            "setup step `{thing}` failed: package-lock.json is missing at the repository root"
        )));
    }
    let fresh = match (modified(&installed), modified(&lock)) {
        (Some(installed_at), Some(locked_at)) => installed_at >= locked_at,
        _ => false,
    };
    if fresh
        && ["wasm-opt", "esbuild", "terser"]
            .iter()
            .all(|b| cmd::npm_bin(b).is_file())
    {
        present(thing);
        return Ok(());
    }
    installing(thing, || {
        cmd::run(cmd::new("npm").args(["ci", "--no-audit", "--no-fund"]))
    })
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

fn chromium() -> Outcome {
    let thing = "chromium + chromium-driver (apt)";
    if Path::new(CHROMIUM).is_file() && Path::new(CHROMEDRIVER).is_file() {
        present(thing);
        return Ok(());
    }
    installing(thing, || {
        let sudo = if is_root() {
            None
        } else if cmd::exists("sudo") {
            Some("sudo")
        } else {
            return Err(Failure(
                "not root and sudo is unavailable: run as root, or install chromium \
                 and chromium-driver yourself"
                    .into(),
            ));
        };
        let apt = |args: &[&str]| {
            let mut command = match sudo {
                Some(sudo) => {
                    let mut c = cmd::new(sudo);
                    c.args(["env", "DEBIAN_FRONTEND=noninteractive", "apt-get"]);
                    c
                }
                None => cmd::new("apt-get"),
            };
            command
                .args(args)
                .env("DEBIAN_FRONTEND", "noninteractive")
                .stdin(std::process::Stdio::null());
            cmd::run(&mut command)
        };
        apt(&["update"])?;
        apt(&[
            "install",
            "-y",
            "--no-install-recommends",
            "chromium",
            "chromium-driver",
        ])
    })
}

fn is_root() -> bool {
    cmd::probe(std::process::Command::new("id").arg("-u")).is_some_and(|id| id.trim() == "0")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_exact_pins_from_the_manifest() {
        let plain = "[target.'cfg(target_arch = \"wasm32\")'.dependencies]\n\
                     wasm-bindgen = \"=0.2.130\"\nwasm-bindgen-futures = \"0.4\"\n";
        assert_eq!(pinned_in_manifest(plain).as_deref(), Some("0.2.130"));
        let table = "wasm-bindgen = { version = \"=0.2.106\", default-features = false }";
        assert_eq!(pinned_in_manifest(table).as_deref(), Some("0.2.106"));
        assert_eq!(pinned_in_manifest("wasm-bindgen = \"0.2\""), None);
        assert_eq!(pinned_in_manifest("wasm-bindgen-test = \"=0.3.1\""), None);
    }

    #[test]
    fn reads_locked_versions() {
        let lock = "[[package]]\nname = \"wasm-bindgen-shared\"\nversion = \"0.2.1\"\n\n\
                    [[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\n";
        assert_eq!(
            locked_version(lock, "wasm-bindgen").as_deref(),
            Some("0.2.130")
        );
        assert_eq!(locked_version(lock, "serde"), None);
    }
}
