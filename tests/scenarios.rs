//! Scenario folders (`tests/scenarios/<name>/events.jsonl` + `expected.json`) replayed through
//! the CLI (`trailmark replay - events.jsonl --json`, or with the folder's `config.json` when it
//! has one), checking what the engine inferred and decided after the steps named in
//! `expected.json` (0-based, counting touchpoint and tick lines; `slots` and `prompt` check the
//! decisions).
#![cfg(feature = "cli")]

use std::path::Path;
use std::process::Command;

use serde_json::Value;

#[test]
fn scenarios_replay_as_expected() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty());
    for dir in dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let config = dir.join("config.json");
        let config = if config.exists() {
            config.into_os_string()
        } else {
            "-".into()
        };
        let out = Command::new(env!("CARGO_BIN_EXE_trailmark"))
            .arg("replay")
            .arg(config)
            .arg(dir.join("events.jsonl"))
            .arg("--json")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // The native replay is committed beside the scenario, so the wasm build can be compared
        // with it step by step (js/test/wasm-scenarios.test.mjs).
        let golden = dir.join("replay.golden.jsonl");
        if std::env::var_os("TRAILMARK_BLESS").is_some() {
            std::fs::write(&golden, &out.stdout).unwrap();
        }
        let committed = std::fs::read(&golden)
            .unwrap_or_else(|e| panic!("{}: {e} (bless with TRAILMARK_BLESS=1)", golden.display()));
        assert!(
            committed == out.stdout,
            "{name}: the CLI's replay differs from replay.golden.jsonl (bless with TRAILMARK_BLESS=1 if intended)"
        );
        let reports: Vec<Value> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let expected: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap())
                .unwrap();
        for (step, want) in expected["steps"].as_object().unwrap() {
            let i: usize = step.parse().unwrap();
            let got = reports
                .get(i)
                .unwrap_or_else(|| panic!("{name}: no step {i}"));
            let ctx = format!("{name} step {i}: {got}");
            for key in ["channel", "session", "top_stage"] {
                if let Some(w) = want.get(key) {
                    assert_eq!(&got[key], w, "{ctx}: {key}");
                }
            }
            for (journey, status) in want
                .get("journeys")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                assert_eq!(
                    &got["journeys"][journey]["status"], status,
                    "{ctx}: journey {journey}"
                );
            }
            for (slot, variant) in want
                .get("slots")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                assert_eq!(
                    &got["decisions"]["slots"][slot]["variant"], variant,
                    "{ctx}: slot {slot}"
                );
            }
            if let Some(p) = want.get("prompt") {
                let shown = &got["decisions"]["prompt"];
                let id = if shown.is_null() { shown } else { &shown["id"] };
                assert_eq!(id, p, "{ctx}: prompt");
            }
            for kind in want
                .get("effects")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                assert!(
                    got["effects"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|e| &e["type"] == kind),
                    "{ctx}: effect {kind}"
                );
            }
        }
    }
}
