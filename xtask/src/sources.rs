//! The full channel source tables in `dist/`: the crate's `build.rs` writes them as
//! `trailmark_sources.txt` into its `OUT_DIR` (the wasm carries only a subset) and `cargo xtask
//! build` copies the file beside the wasm, into `dist/pkg/`. The browser fetches it only when a
//! visit's referrer or `utm_source` is not in the subset (`src/core/channel/table.rs`), so
//! `cargo xtask size` lists it as lazy data (`lazy_data_brotli_max`).

use crate::setup::WASM_TARGET;
use crate::{Failure, Outcome};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// The file's name, in `OUT_DIR` and in `dist/pkg/`.
pub const FILE: &str = "trailmark_sources.txt";

/// The file's first word (`build.rs`'s `FILE_MAGIC`).
const MAGIC: &str = "trailmark-sources/";

/// Copies the file the last release wasm build wrote into `pkg`.
pub fn copy_into(pkg: &Path) -> Outcome {
    let from = newest_output()?;
    let text = std::fs::read_to_string(&from)
        .map_err(|e| Failure(format!("cannot read {}: {e}", from.display())))?;
    if !text.starts_with(MAGIC) {
        return Err(Failure(format!(
            "{} is not a source tables file",
            from.display()
        )));
    }
    let to = pkg.join(FILE);
    std::fs::write(&to, text)
        .map_err(|e| Failure(format!("cannot write {}: {e}", to.display())))?;
    println!("build: copied the source tables to {}", to.display());
    Ok(())
}

/// `target/wasm32-unknown-unknown/release/build/trailmark-*/out/trailmark_sources.txt`, the
/// newest when several builds (feature sets, older builds) left one: the build script reruns
/// whenever `data/` changes, so the newest is the current data's.
fn newest_output() -> Outcome<PathBuf> {
    let build = crate::wasm::target_dir()
        .join(WASM_TARGET)
        .join("release")
        .join("build");
    let entries = std::fs::read_dir(&build)
        .map_err(|e| Failure(format!("cannot list {}: {e}", build.display())))?;
    let mut newest: Option<(SystemTime, PathBuf)> = None;
    for entry in entries.flatten() {
        if !entry
            .file_name()
            .to_string_lossy()
            .starts_with("trailmark-")
        {
            continue;
        }
        let file = entry.path().join("out").join(FILE);
        let Ok(modified) = std::fs::metadata(&file).and_then(|m| m.modified()) else {
            continue;
        };
        if newest.as_ref().is_none_or(|(t, _)| modified > *t) {
            newest = Some((modified, file));
        }
    }
    newest.map(|(_, f)| f).ok_or_else(|| {
        Failure(format!(
            "no {FILE} under {} (did the wasm build run build.rs?)",
            build.display()
        ))
    })
}
