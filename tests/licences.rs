//! Every crate in the dependency graph (the shipped wasm's, the CLI's, the tests' and xtask's)
//! is available under a licence `deny.toml` allows: the rule `cargo deny check licenses` applies,
//! checked here with `cargo metadata` so it runs offline in every `cargo xtask test`.

use std::process::Command;

/// The `allow = [...]` list of `deny.toml`'s `[licenses]` table.
fn allowed() -> Vec<String> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/deny.toml"))
        .expect("deny.toml is readable");
    let start = text.find("allow = [").expect("deny.toml has an allow list") + 9;
    let end = start + text[start..].find(']').expect("the allow list is closed");
    text[start..end]
        .split(',')
        .map(|s| s.trim().trim_matches('"').to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Whether an SPDX expression (with Cargo's old `/` for OR) is satisfied by `allowed`: one side
/// of each `OR`, every side of each `AND`; `X WITH exception` counts as `X`.
fn satisfied(expr: &str, allowed: &[String]) -> bool {
    let expr = expr.replace('/', " OR ");
    let tokens: Vec<String> = expr
        .replace('(', " ( ")
        .replace(')', " ) ")
        .split_whitespace()
        .map(str::to_string)
        .collect();
    let mut at = 0;
    let result = or(&tokens, &mut at, allowed);
    assert_eq!(at, tokens.len(), "cannot read licence expression {expr:?}");
    result
}

fn or(t: &[String], at: &mut usize, allowed: &[String]) -> bool {
    let mut any = and(t, at, allowed);
    while t.get(*at).is_some_and(|s| s == "OR") {
        *at += 1;
        any |= and(t, at, allowed);
    }
    any
}

fn and(t: &[String], at: &mut usize, allowed: &[String]) -> bool {
    let mut all = term(t, at, allowed);
    while t.get(*at).is_some_and(|s| s == "AND") {
        *at += 1;
        all &= term(t, at, allowed);
    }
    all
}

fn term(t: &[String], at: &mut usize, allowed: &[String]) -> bool {
    let token = t.get(*at).expect("licence expression ends early").clone();
    *at += 1;
    let ok = if token == "(" {
        let inner = or(t, at, allowed);
        assert_eq!(t.get(*at).map(String::as_str), Some(")"), "unclosed (");
        *at += 1;
        inner
    } else {
        allowed.contains(&token)
    };
    if t.get(*at).is_some_and(|s| s == "WITH") {
        *at += 2;
    }
    ok
}

#[test]
fn expressions_are_read_as_spdx() {
    let allowed = vec!["MIT".to_string(), "Unicode-3.0".to_string()];
    assert!(satisfied("MIT OR Apache-2.0", &allowed));
    assert!(satisfied("Apache-2.0/MIT", &allowed));
    assert!(satisfied("(MIT OR Apache-2.0) AND Unicode-3.0", &allowed));
    assert!(!satisfied("MIT AND GPL-3.0", &allowed));
    assert!(!satisfied("Apache-2.0 WITH LLVM-exception", &allowed));
    assert!(satisfied(
        "Apache-2.0 WITH LLVM-exception OR Apache-2.0 OR MIT",
        &allowed
    ));
    assert!(!satisfied("LGPL-2.1-or-later", &allowed));
}

#[test]
fn every_dependency_has_an_allowed_licence() {
    let out = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).expect("metadata is JSON");
    let allowed = allowed();
    let mut refused = Vec::new();
    let packages = meta["packages"].as_array().expect("a package list");
    assert!(packages.len() > 10, "the dependency graph looks empty");
    for p in packages {
        let name = p["name"].as_str().unwrap_or("?");
        let version = p["version"].as_str().unwrap_or("?");
        match p["license"].as_str() {
            Some(expr) if satisfied(expr, &allowed) => {}
            Some(expr) => refused.push(format!("{name} {version}: {expr}")),
            None => refused.push(format!("{name} {version}: no SPDX licence")),
        }
    }
    assert!(
        refused.is_empty(),
        "licences not allowed by deny.toml:\n{}",
        refused.join("\n")
    );
}
