//! Running external tools: echoing the command line, inheriting the terminal, capturing output
//! for version probes, and finding binaries that `cargo install` or `npm ci` put in place.

use crate::{Failure, Outcome};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Builds a command that runs in the repository root.
pub fn new(program: impl AsRef<OsStr>) -> Command {
    let mut command = Command::new(program);
    command.current_dir(crate::root());
    command
}

/// Builds a `cargo` command in the repository root, using the cargo that runs xtask.
pub fn cargo() -> Command {
    new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// Shell-like rendering of a command, for logs and error messages.
pub fn display(command: &Command) -> String {
    let mut words = vec![command.get_program().to_string_lossy().into_owned()];
    words.extend(command.get_args().map(|a| a.to_string_lossy().into_owned()));
    words.join(" ")
}

/// Runs a command with the terminal inherited; fails with the command line and exit status.
pub fn run(command: &mut Command) -> Outcome {
    let shown = display(command);
    println!("$ {shown}");
    flush();
    let status = command
        .status()
        .map_err(|e| Failure(format!("could not start `{shown}`: {e}")))?;
    if status.success() {
        Ok(())
    } else {
        Err(Failure(format!("`{shown}` failed ({status})")))
    }
}

/// Runs a command quietly and returns its stdout when it succeeds; `None` when the program is
/// missing or fails. Used for probes such as `wasm-bindgen --version`.
pub fn probe(command: &mut Command) -> Option<String> {
    let output = command
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Whether `program` can be started (found on PATH or as a path).
pub fn exists(program: impl AsRef<OsStr>) -> bool {
    Command::new(program)
        .arg("--version")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

/// Path of a binary installed by `cargo install`: `$CARGO_HOME/bin` or `~/.cargo/bin` when it is
/// there (CI's PATH may lack it), else the bare name for a PATH lookup.
pub fn cargo_bin(name: &str) -> PathBuf {
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")));
    match cargo_home.map(|home| home.join("bin").join(name)) {
        Some(path) if path.is_file() => path,
        _ => PathBuf::from(name),
    }
}

/// Path of a binary installed by `npm ci` at the repository root.
pub fn npm_bin(name: &str) -> PathBuf {
    crate::root().join("node_modules").join(".bin").join(name)
}

/// Flushes stdout so our lines interleave correctly with child processes' output.
pub fn flush() {
    use std::io::Write;
    let _ = std::io::stdout().flush();
}
