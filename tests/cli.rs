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
