//! The CLI as users see it: the README's `console` examples are run and their output compared.
#![cfg(feature = "cli")]

use std::process::Command;

/// Every ```console block in the README: the `$ trailmark ...` line and the lines it prints.
fn readme_examples() -> Vec<(String, Vec<String>)> {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let mut out = Vec::new();
    for block in readme.split("```console\n").skip(1) {
        let body = block.split("```").next().unwrap();
        let mut lines = body.lines();
        let command = lines
            .next()
            .unwrap()
            .strip_prefix("$ ")
            .expect("command line")
            .to_owned();
        out.push((command, lines.map(str::to_owned).collect()));
    }
    out
}

#[test]
fn readme_console_examples_match_the_cli() {
    let examples = readme_examples();
    assert!(!examples.is_empty());
    for (command, expected) in examples {
        let mut words = command.split_whitespace();
        assert_eq!(words.next(), Some("trailmark"), "{command}");
        let out = Command::new(env!("CARGO_BIN_EXE_trailmark"))
            .args(words)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap();
        let printed = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        let printed: Vec<&str> = printed.lines().collect();
        assert_eq!(printed, expected, "{command}");
    }
}

#[test]
fn lint_exit_codes() {
    let run = |path: &str| {
        Command::new(env!("CARGO_BIN_EXE_trailmark"))
            .args(["lint", path])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .status()
            .unwrap()
            .success()
    };
    assert!(!run("tests/fixtures/bad-config.json"));
    assert!(!run("tests/fixtures/does-not-exist.json"));
    assert!(run("schema/../tests/fixtures/empty-config.json"));
    assert!(
        run("examples/demo-shop/trailmark.json"),
        "the demo shop's config lints clean"
    );
}

#[test]
fn replay_prints_every_decision_with_its_explanation() {
    let out = Command::new(env!("CARGO_BIN_EXE_trailmark"))
        .args([
            "replay",
            "tests/scenarios/prompts-and-experiments/config.json",
            "tests/scenarios/prompts-and-experiments/events.jsonl",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for line in [
        "    slot hero = discovery-bold [experiment hero-copy:bold] because new_visitor (new_visitor = true)",
        "    prompt cart-abandon because abandoned:checkout: journey.checkout == \"abandoned\" && !cart.empty (journey.checkout = \"abandoned\", cart.empty = false); shown 0 this session, 0 in all; 0 of 2 prompts this session",
        "    prompt nps because event:Order Completed: customer (customer = true); shown 0 this session, 0 in all; 0 of 2 prompts this session",
    ] {
        assert!(text.lines().any(|l| l == line), "missing {line:?} in\n{text}");
    }
}

/// `compile` writes a document whose engine bytes decode to exactly the config `lint` accepts,
/// and refuses a bad config with the same problems `lint` names.
#[test]
fn compile_writes_what_the_engine_reads() {
    use trailmark::core::Config;
    let out = Command::new(env!("CARGO_BIN_EXE_trailmark"))
        .args(["compile", "examples/demo-shop/trailmark.json"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let source: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/examples/demo-shop/trailmark.json"
        ))
        .unwrap(),
    )
    .unwrap();
    assert_eq!(doc["namespace"], source["namespace"]);
    assert_eq!(doc["capture"], source["capture"]);
    let engine = base64(doc["engine"].as_str().unwrap());
    assert_eq!(
        Config::from_compiled(&engine).unwrap(),
        Config::parse(&source).unwrap()
    );

    let bad = Command::new(env!("CARGO_BIN_EXE_trailmark"))
        .args(["compile", "tests/fixtures/bad-config.json"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(bad.stdout.is_empty(), "nothing written for a bad config");
    let said = String::from_utf8_lossy(&bad.stderr);
    assert!(said.contains("$.slots.hero.rules[0].when"), "{said}");
}

fn base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let bytes: Vec<u8> = text.bytes().filter(|&c| c != b'=').collect();
    let mut out = Vec::new();
    for chunk in bytes.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &c)| n | u32::from(value(c)) << (18 - 6 * i));
        out.extend_from_slice(&n.to_be_bytes()[1..chunk.len()]);
    }
    out
}
