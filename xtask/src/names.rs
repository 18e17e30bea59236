//! The names a wasm and its wasm-bindgen glue share, made short. wasm-bindgen names the wasm's
//! imports `__wbg_<what>_<16 hex digits>` and its exports `runtime_<method>`, `__wbindgen_*`, ...;
//! both files carry every one of them, and the hashes do not compress. `wasm-opt
//! --minify-imports-and-exports-and-modules` renames them in the wasm (`a`, `b`, ...) and prints
//! the mapping, which this applies to the glue (and its `.d.ts`): about 0.8 KB brotli off the
//! engine's first load, the wasm and `runtime.js` together.
//!
//! A wasm-bindgen or binaryen update that changes the shapes relied on fails the build here
//! rather than ship a glue that does not match its wasm: wasm-opt must print a mapping; each
//! import must be defined once in the glue's imports object (`name:`) and the import module named
//! once (`"./x_bg.js":`); afterwards every `wasm.<name>` the glue reads must be a new export name
//! and no old name may be left in it; and node must instantiate the glue with its wasm
//! (`initSync`), which fails on any import the wasm asks for and the glue does not give.

use crate::cmd;
use crate::{Failure, Outcome};
use std::path::Path;
use std::process::Stdio;

/// `(import module, old name, new name)`s and `(old name, new name)`s of the exports.
#[derive(Debug, Default, PartialEq)]
struct Mapping {
    imports: Vec<(String, String, String)>,
    exports: Vec<(String, String)>,
}

/// Minifies the import and export names of `pkg/<name>_bg.wasm` (already optimised; `-Oz` again
/// keeps it so) and rewrites `pkg/<name>.js` and its `.d.ts` files to match.
pub fn minify(wasm_opt: &Path, features: &[String], pkg: &Path, name: &str) -> Outcome {
    let bg = pkg.join(format!("{name}_bg.wasm"));
    let mut command = cmd::new(wasm_opt);
    command
        .arg(&bg)
        .args([
            "-Oz",
            "--strip-debug",
            "--strip-producers",
            "--strip-target-features",
            "--minify-imports-and-exports-and-modules",
        ])
        .args(features)
        .arg("-o")
        .arg(&bg);
    let shown = cmd::display(&command);
    println!("$ {shown}");
    cmd::flush();
    let output = command
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| Failure(format!("could not start `{shown}`: {e}")))?;
    if !output.status.success() {
        return Err(Failure(format!("`{shown}` failed ({})", output.status)));
    }
    let mapping = parse_mapping(&String::from_utf8_lossy(&output.stdout));
    if mapping.exports.is_empty() {
        return Err(Failure(format!(
            "`{shown}` printed no export mapping: cannot rewrite the glue to match"
        )));
    }
    let wasm = std::fs::read(&bg).map_err(|e| io("read", &bg, e))?;
    let module = first_import_module(&wasm);

    let glue_path = pkg.join(format!("{name}.js"));
    let glue = std::fs::read_to_string(&glue_path).map_err(|e| io("read", &glue_path, e))?;
    let glue = rewrite_glue(&glue, &mapping, module.as_deref())
        .map_err(|e| Failure(format!("{}: {e}", glue_path.display())))?;
    std::fs::write(&glue_path, glue).map_err(|e| io("write", &glue_path, e))?;

    for types in [format!("{name}.d.ts"), format!("{name}_bg.wasm.d.ts")] {
        let path = pkg.join(types);
        if let Ok(text) = std::fs::read_to_string(&path) {
            let mut text = text;
            for (old, new) in &mapping.exports {
                text = replace_tokens(&text, old, new, |rest| rest.starts_with(':'));
            }
            std::fs::write(&path, text).map_err(|e| io("write", &path, e))?;
        }
    }
    instantiates(&glue_path, &bg)
}

fn io(what: &str, path: &Path, e: std::io::Error) -> Failure {
    Failure(format!("cannot {what} {}: {e}", path.display()))
}

/// wasm-opt's mapping: `"imports": [ ["module", "old", "new"], ... ]`, then
/// `"exports": [ ["old", "new"], ... ]`, one entry a line.
fn parse_mapping(text: &str) -> Mapping {
    let mut mapping = Mapping::default();
    let mut in_exports = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with("\"imports\"") {
            in_exports = false;
        } else if line.starts_with("\"exports\"") {
            in_exports = true;
        }
        if !line.starts_with('[') {
            continue;
        }
        let strings: Vec<String> = line
            .split('"')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect();
        match (in_exports, strings.as_slice()) {
            (false, [module, old, new]) => {
                mapping
                    .imports
                    .push((module.clone(), old.clone(), new.clone()))
            }
            (true, [old, new]) => mapping.exports.push((old.clone(), new.clone())),
            _ => {}
        }
    }
    mapping
}

/// The module name of a wasm's first import (section 2), if it has imports.
fn first_import_module(wasm: &[u8]) -> Option<String> {
    let mut at = 8; // magic and version
    while at < wasm.len() {
        let id = wasm[at];
        at += 1;
        let size = leb(wasm, &mut at)? as usize;
        if id == 2 {
            let mut p = at;
            if leb(wasm, &mut p)? == 0 {
                return None;
            }
            let len = leb(wasm, &mut p)? as usize;
            return String::from_utf8(wasm.get(p..p + len)?.to_vec()).ok();
        }
        at += size;
    }
    None
}

/// An unsigned LEB128 at `*at`, advancing it.
fn leb(bytes: &[u8], at: &mut usize) -> Option<u64> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *bytes.get(*at)?;
        *at += 1;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '$'
}

/// `text` with each whole-identifier `old` for which `next(rest after it)` holds replaced by `new`.
fn replace_tokens(text: &str, old: &str, new: &str, next: impl Fn(&str) -> bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(old) {
        let before = rest[..at].chars().next_back().or(out.chars().next_back());
        let after = &rest[at + old.len()..];
        let whole = !before.is_some_and(is_ident) && !after.chars().next().is_some_and(is_ident);
        out.push_str(&rest[..at]);
        out.push_str(if whole && next(after) { new } else { old });
        rest = after;
    }
    out.push_str(rest);
    out
}

/// Whole-identifier occurrences of `name` in `text`.
fn count_tokens(text: &str, name: &str, next: impl Fn(&str) -> bool) -> usize {
    let marked = replace_tokens(text, name, "\u{0}", next);
    marked.matches('\u{0}').count()
}

/// The glue with `mapping` applied (`module`: the wasm's new import module name), or what did
/// not match.
fn rewrite_glue(glue: &str, mapping: &Mapping, module: Option<&str>) -> Result<String, String> {
    let mut glue = glue.to_string();
    let mut modules: Vec<&str> = mapping.imports.iter().map(|(m, _, _)| m.as_str()).collect();
    modules.sort_unstable();
    modules.dedup();
    match (modules.as_slice(), module) {
        ([], _) => {}
        ([old], Some(new)) => {
            let key = format!("\"{old}\":");
            if glue.matches(&key).count() != 1 {
                return Err(format!("the import module {key} is not named once"));
            }
            glue = glue.replacen(&key, &format!("\"{new}\":"), 1);
        }
        _ => return Err(format!("expected one import module, found {modules:?}")),
    }
    let key = |rest: &str| rest.starts_with(':');
    for (_, old, new) in &mapping.imports {
        let found = count_tokens(&glue, old, key);
        if found != 1 {
            return Err(format!(
                "the import `{old}:` is defined {found} times, not once"
            ));
        }
        glue = replace_tokens(&glue, old, new, key);
    }
    for (old, new) in &mapping.exports {
        glue = replace_tokens(
            &glue,
            &format!("wasm.{old}"),
            &format!("wasm.{new}"),
            |_| true,
        );
    }
    let exports: Vec<&str> = mapping.exports.iter().map(|(_, n)| n.as_str()).collect();
    let mut rest = glue.as_str();
    while let Some(at) = rest.find("wasm.") {
        let before_ok = !glue[..glue.len() - rest.len() + at]
            .chars()
            .next_back()
            .is_some_and(is_ident);
        rest = &rest[at + 5..];
        let name: String = rest.chars().take_while(|&c| is_ident(c)).collect();
        if before_ok && !exports.contains(&name.as_str()) {
            return Err(format!(
                "the glue reads `wasm.{name}`, which the wasm does not export"
            ));
        }
    }
    let olds = mapping
        .imports
        .iter()
        .map(|(_, old, _)| old)
        .chain(mapping.exports.iter().map(|(old, _)| old));
    for old in olds.filter(|old| old.contains('_')) {
        if count_tokens(&glue, old, |_| true) > 0 {
            return Err(format!(
                "`{old}` is still named in the glue after renaming it"
            ));
        }
    }
    Ok(glue)
}

/// node imports the glue and instantiates its wasm (`initSync`): every import the wasm asks for
/// must be given, and its start function run.
fn instantiates(glue: &Path, wasm: &Path) -> Outcome {
    let script = "const { readFileSync } = await import('node:fs');\
                  const { pathToFileURL } = await import('node:url');\
                  const m = await import(pathToFileURL(process.env.TM_GLUE).href);\
                  m.initSync({ module: readFileSync(process.env.TM_WASM) });";
    cmd::run(
        cmd::new("node")
            .args(["--input-type=module", "-e", script])
            .env("TM_GLUE", glue)
            .env("TM_WASM", wasm),
    )
    .map_err(|e| {
        Failure(format!(
            "{} does not instantiate {} after renaming: {}",
            glue.display(),
            wasm.display(),
            e.0
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PRINTED: &str = "{\n \"imports\": [\n  [\"./x_bg.js\", \"__wbg_get_0cf5b2d4c86705a8\", \"a\"],\n  [\"./x_bg.js\", \"__wbindgen_init_externref_table\", \"b\"]\n ],\n\"exports\": [\n  [\"memory\", \"c\"],\n  [\"runtime_new\", \"d\"],\n  [\"runtime_newer\", \"e\"]\n ]\n}\n";

    fn mapping() -> Mapping {
        parse_mapping(PRINTED)
    }

    #[test]
    fn reads_wasm_opts_mapping() {
        let m = mapping();
        assert_eq!(m.imports.len(), 2);
        assert_eq!(m.imports[0].1, "__wbg_get_0cf5b2d4c86705a8");
        assert_eq!(
            m.exports,
            [
                ("memory", "c"),
                ("runtime_new", "d"),
                ("runtime_newer", "e")
            ]
            .map(|(a, b)| (a.to_string(), b.to_string()))
        );
    }

    #[test]
    fn rewrites_the_glue_to_the_new_names() {
        let glue = "const x = wasm.runtime_new(1); wasm.runtime_newer(); new Uint8Array(wasm.memory.buffer);\n\
                    const import0 = { __proto__: null, __wbg_get_0cf5b2d4c86705a8: function(a) {}, \
                    __wbindgen_init_externref_table: function() { wasm.memory; } };\n\
                    return { \"./x_bg.js\": import0 };";
        let out = rewrite_glue(glue, &mapping(), Some("f")).unwrap();
        assert_eq!(
            out,
            "const x = wasm.d(1); wasm.e(); new Uint8Array(wasm.c.buffer);\n\
             const import0 = { __proto__: null, a: function(a) {}, \
             b: function() { wasm.c; } };\n\
             return { \"f\": import0 };"
        );
    }

    #[test]
    fn refuses_a_glue_of_another_shape() {
        let ok = "wasm.runtime_new(); ({ __wbg_get_0cf5b2d4c86705a8: 1, __wbindgen_init_externref_table: 2, \"./x_bg.js\": 3 })";
        assert!(rewrite_glue(ok, &mapping(), Some("f")).is_ok());
        // An import defined twice, or not at all.
        let twice = ok.replace("2,", "2, __wbg_get_0cf5b2d4c86705a8: 4,");
        assert!(rewrite_glue(&twice, &mapping(), Some("f")).is_err());
        let missing = ok.replace("__wbindgen_init_externref_table: 2, ", "");
        assert!(rewrite_glue(&missing, &mapping(), Some("f")).is_err());
        // An export read another way than `wasm.name`, or one the wasm does not export.
        let other = format!("{ok}; exports['runtime_new']()");
        assert!(rewrite_glue(&other, &mapping(), Some("f")).is_err());
        let unknown = format!("{ok}; wasm.runtime_old()");
        assert!(rewrite_glue(&unknown, &mapping(), Some("f")).is_err());
        // No module name read from the wasm.
        assert!(rewrite_glue(ok, &mapping(), None).is_err());
    }

    #[test]
    fn reads_the_first_import_module_of_a_wasm() {
        // magic, version; a type section (id 1, 4 bytes); an import section: 1 import,
        // module "ab", name "c", a function of type 0.
        let wasm = [
            0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 2, 8, 1, 2, b'a', b'b', 1, b'c',
            0, 0,
        ];
        assert_eq!(first_import_module(&wasm).as_deref(), Some("ab"));
        assert_eq!(first_import_module(&wasm[..14]), None);
    }
}
