//! `trailmark model build` and `trailmark eval recs` as users run them: small hand-computed
//! logs in `tests/fixtures/`, and the YOOCHOOSE-100k split when `../shared/data` is there (the
//! test says it skipped otherwise: the data is never part of the repository).
#![cfg(feature = "cli")]

use std::path::Path;
use std::process::Command;

use trailmark::core::recommend::Model;

fn trailmark(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_trailmark"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn model_build_reads_tsv_and_jsonl_and_writes_a_loadable_model() {
    let dir = std::env::temp_dir().join(format!("trailmark-recs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("m.tmrm");
    let (ok, stdout, stderr) = trailmark(&[
        "model",
        "build",
        "tests/fixtures/recs-train.tsv",
        "tests/fixtures/recs-events.jsonl",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(ok, "{stderr}");
    assert!(
        stdout.contains("12 events, 4 sessions, 7 items"),
        "{stdout}"
    );
    let m = Model::from_bytes(std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(m.len(), 7); // a b c boots socks 11 12
    assert!(m.has_bought());
    let boots = m.index("boots").unwrap();
    let bought: Vec<&str> = m.bought(boots).map(|(t, _)| m.id(t)).collect();
    assert_eq!(bought, ["socks"]);
    // Bad input names the file and line.
    let (ok, _, stderr) = trailmark(&[
        "model",
        "build",
        "tests/fixtures/bad-config.json",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!ok);
    assert!(stderr.contains("bad-config.json: line 1"), "{stderr}");
    let (ok, _, stderr) = trailmark(&["model", "build", "/nonexistent/log.tsv", "--out", "x"]);
    assert!(!ok && stderr.contains("/nonexistent/log.tsv"), "{stderr}");
    std::fs::remove_dir_all(&dir).ok();
}

/// Train: `a b c`, `a b`. Test: `a b c d`, three predictions at k = 2 (worked out in the
/// comments of `src/core/recommend/rank.rs`'s weights): after `a` -> [b, c] (hit at 1), after
/// `a b` -> [c, a] (hit at 1), after `a b c` -> [b, a] (d unknown: miss). HR = MRR = 2/3.
#[test]
fn eval_recs_matches_a_hand_computed_example_and_writes_session_rec_csv() {
    let csv = std::env::temp_dir().join(format!("trailmark-recs-{}.csv", std::process::id()));
    let (ok, stdout, stderr) = trailmark(&[
        "eval",
        "recs",
        "--train",
        "tests/fixtures/recs-train.tsv",
        "--test",
        "tests/fixtures/recs-test.tsv",
        "--k",
        "2",
        "--csv",
        csv.to_str().unwrap(),
    ]);
    assert!(ok, "{stderr}");
    assert!(
        stdout.contains("| Trailmark (sequential rules, model file) | 0.6667 | 0.6667 |"),
        "{stdout}"
    );
    // Popularity (a, b by clicks): after a -> b hit at 2; after a b -> c miss; d miss: 1/3, 1/6.
    assert!(
        stdout.contains("| popularity | 0.3333 | 0.1667 |"),
        "{stdout}"
    );
    let text = std::fs::read_to_string(&csv).unwrap();
    let rows: Vec<Vec<&str>> = text.lines().map(|l| l.split(';').collect()).collect();
    assert_eq!(
        rows[0],
        ["SessionId", "Position", "Recommendations", "Scores"]
    );
    let lists: Vec<(&str, &str, &str)> = rows[1..].iter().map(|r| (r[0], r[1], r[2])).collect();
    assert_eq!(
        lists,
        [("7", "0", "b,c"), ("7", "1", "c,a"), ("7", "2", "b,a")]
    );
    let pop = std::fs::read_to_string(format!("{}.pop.csv", csv.display())).unwrap();
    assert_eq!(pop.lines().nth(1), Some("7;0;a,b;65535,65535"));
    std::fs::remove_file(&csv).ok();
    std::fs::remove_file(format!("{}.pop.csv", csv.display())).ok();
}

#[test]
fn eval_recs_on_yoochoose_when_the_shared_data_is_there() {
    let train = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/sessions/yoochoose-100k/yoochoose-clicks-100k_train_full.txt");
    if !train.exists() {
        eprintln!(
            "skipped: {} is missing (the shared data folder is not part of the repository)",
            train.display()
        );
        let (ok, _, stderr) = trailmark(&["eval", "recs"]);
        assert!(!ok && stderr.contains("shared data folder"), "{stderr}");
        return;
    }
    let (ok, stdout, stderr) = trailmark(&["eval", "recs"]);
    assert!(ok, "{stderr}");
    let value = |row: &str, col: usize| -> f64 {
        let line = stdout.lines().find(|l| l.starts_with(row)).unwrap();
        line.split('|').nth(col).unwrap().trim().parse().unwrap()
    };
    let (hr, mrr) = (value("| Trailmark", 2), value("| Trailmark", 3));
    let (phr, pmrr) = (value("| popularity", 2), value("| popularity", 3));
    // The README's numbers (HR@20 0.664, MRR@20 0.346; popularity 0.089, 0.026).
    assert!(
        (hr - 0.6638).abs() < 0.002 && (mrr - 0.3459).abs() < 0.002,
        "{stdout}"
    );
    assert!(
        (phr - 0.0894).abs() < 0.002 && (pmrr - 0.0264).abs() < 0.002,
        "{stdout}"
    );
}
