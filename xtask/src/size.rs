//! `cargo xtask size`: transfer sizes of what `dist/` ships, checked against `budgets.json`.
//!
//! Every file in `dist/` is listed raw, gzip (level 9) and brotli (quality 11, window 22), the
//! way a server would pre-compress them. Two budgets are checked:
//!
//! - `loader_gzip_max`: `dist/trailmark.js`, the file the script tag loads first;
//! - `first_load_brotli_max`: everything a page fetches before Trailmark runs: the loader plus
//!   the wasm-bindgen glue and module (`dist/pkg/*.js`, `dist/pkg/*.wasm`), each compressed on
//!   its own (they are separate requests) and summed.

use crate::wasm::DIST;
use crate::{Failure, Outcome};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The script-tag loader, relative to `dist/`.
const LOADER: &str = "trailmark.js";

/// Budget file at the repository root.
const BUDGETS: &str = "budgets.json";

/// Byte sizes of one artefact.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Sizes {
    raw: u64,
    gzip: u64,
    brotli: u64,
}

impl std::ops::AddAssign for Sizes {
    fn add_assign(&mut self, other: Sizes) {
        self.raw += other.raw;
        self.gzip += other.gzip;
        self.brotli += other.brotli;
    }
}

struct Budgets {
    loader_gzip_max: u64,
    first_load_brotli_max: u64,
}

pub fn run() -> Outcome {
    let root = crate::root();
    let dist = root.join(DIST);
    if !dist.is_dir() {
        return Err(Failure(format!(
            "{} does not exist; run `cargo xtask build` first",
            dist.display()
        )));
    }
    let budgets = read_budgets(&root.join(BUDGETS))?;

    let mut files = Vec::new();
    list_files(&dist, &mut files)?;
    files.sort();

    println!(
        "{:<40} {:>10} {:>10} {:>10}",
        "artefact", "raw", "gzip", "brotli"
    );
    let mut first_load = Sizes::default();
    let mut loader = None;
    for file in &files {
        let relative = file
            .strip_prefix(&dist)
            .unwrap_or(file)
            .to_string_lossy()
            .replace('\\', "/");
        let bytes = std::fs::read(file)
            .map_err(|e| Failure(format!("cannot read {}: {e}", file.display())))?;
        let sizes = measure(&bytes)?;
        println!(
            "{:<40} {:>10} {:>10} {:>10}",
            relative, sizes.raw, sizes.gzip, sizes.brotli
        );
        if relative == LOADER {
            loader = Some(sizes);
        }
        if is_first_load(&relative) {
            first_load += sizes;
        }
    }
    println!(
        "{:<40} {:>10} {:>10} {:>10}",
        "first load (sum of requests)", first_load.raw, first_load.gzip, first_load.brotli
    );

    let mut over = Vec::new();
    match loader {
        Some(sizes) if sizes.gzip > budgets.loader_gzip_max => over.push(format!(
            "loader dist/{LOADER} is {} bytes gzip, budget loader_gzip_max is {}",
            sizes.gzip, budgets.loader_gzip_max
        )),
        Some(_) => {}
        None => println!("size: note: no dist/{LOADER} yet; loader budget not checked"),
    }
    if first_load.brotli > budgets.first_load_brotli_max {
        over.push(format!(
            "first load (dist/{LOADER} + dist/pkg/*.js + dist/pkg/*.wasm) is {} bytes brotli, \
             budget first_load_brotli_max is {}",
            first_load.brotli, budgets.first_load_brotli_max
        ));
    }
    if over.is_empty() {
        println!(
            "size: within budgets (loader gzip <= {}, first load brotli <= {})",
            budgets.loader_gzip_max, budgets.first_load_brotli_max
        );
        Ok(())
    } else {
        Err(Failure(format!("over budget:\n  {}", over.join("\n  "))))
    }
}

fn is_first_load(relative: &str) -> bool {
    relative == LOADER
        || relative.strip_prefix("pkg/").is_some_and(|name| {
            !name.contains('/') && (name.ends_with(".js") || name.ends_with(".wasm"))
        })
}

fn list_files(dir: &Path, out: &mut Vec<PathBuf>) -> Outcome {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| Failure(format!("cannot list {}: {e}", dir.display())))?;
    for entry in entries {
        let path = entry
            .map_err(|e| Failure(format!("cannot list {}: {e}", dir.display())))?
            .path();
        if path.is_dir() {
            list_files(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

fn measure(bytes: &[u8]) -> Outcome<Sizes> {
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gzip.write_all(bytes)?;
    let gzip = gzip.finish()?.len() as u64;

    let mut brotli = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut brotli, &params)?;

    Ok(Sizes {
        raw: bytes.len() as u64,
        gzip,
        brotli: brotli.len() as u64,
    })
}

fn read_budgets(path: &Path) -> Outcome<Budgets> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure(format!("cannot read {}: {e}", path.display())))?;
    let fields = parse_flat_object(&text).ok_or_else(|| {
        Failure(format!(
            "{} must be a flat JSON object of whole numbers",
            path.display()
        ))
    })?;
    let mut loader_gzip_max = None;
    let mut first_load_brotli_max = None;
    for (key, value) in fields {
        match key.as_str() {
            "loader_gzip_max" => loader_gzip_max = Some(value),
            "first_load_brotli_max" => first_load_brotli_max = Some(value),
            other => {
                return Err(Failure(format!(
                    "{}: unknown budget `{other}`",
                    path.display()
                )))
            }
        }
    }
    let missing = |name: &str| Failure(format!("{}: budget `{name}` missing", path.display()));
    Ok(Budgets {
        loader_gzip_max: loader_gzip_max.ok_or_else(|| missing("loader_gzip_max"))?,
        first_load_brotli_max: first_load_brotli_max
            .ok_or_else(|| missing("first_load_brotli_max"))?,
    })
}

/// Parses `{"key": 123, ...}` (string keys without escapes, non-negative integers); enough for
/// `budgets.json` without pulling a JSON library into the tool.
fn parse_flat_object(text: &str) -> Option<Vec<(String, u64)>> {
    let inner = text.trim().strip_prefix('{')?.strip_suffix('}')?.trim();
    if inner.is_empty() {
        return Some(Vec::new());
    }
    inner
        .split(',')
        .map(|pair| {
            let (key, value) = pair.split_once(':')?;
            let key = key.trim().strip_prefix('"')?.strip_suffix('"')?;
            if key.contains(['"', '\\']) {
                return None;
            }
            Some((key.to_string(), value.trim().parse().ok()?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_budget_file_shape() {
        let fields =
            parse_flat_object("{\"loader_gzip_max\": 1024,\n \"first_load_brotli_max\": 51200}\n");
        assert_eq!(
            fields,
            Some(vec![
                ("loader_gzip_max".to_string(), 1024),
                ("first_load_brotli_max".to_string(), 51200)
            ])
        );
        assert_eq!(parse_flat_object("{\"a\": -1}"), None);
        assert_eq!(parse_flat_object("[1]"), None);
    }

    #[test]
    fn first_load_is_the_loader_and_the_package_code() {
        assert!(is_first_load("trailmark.js"));
        assert!(is_first_load("pkg/trailmark.js"));
        assert!(is_first_load("pkg/trailmark_bg.wasm"));
        assert!(!is_first_load("pkg/trailmark.d.ts"));
        assert!(!is_first_load("trailmark.d.ts"));
    }

    #[test]
    fn compression_shrinks_repetitive_input() {
        let sizes = measure(&[b'a'; 10_000]).unwrap();
        assert_eq!(sizes.raw, 10_000);
        assert!(sizes.gzip < 100 && sizes.brotli < 100, "{sizes:?}");
    }
}
