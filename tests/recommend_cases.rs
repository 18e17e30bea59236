//! The recommendation conformance cases (`tests/cases/recommend.json`), answered by the Rust
//! reference in `src/core/recommend`. `js/test/rank.test.mjs` runs the same rows through the
//! browser's `js/rank.js`, so the two cannot drift apart. `TRAILMARK_BLESS=1` rewrites the
//! expected rankings from this implementation (review the diff before committing).

use serde_json::{json, Value};
use trailmark::core::recommend::view::because;
use trailmark::core::recommend::{recommend, Catalog, Model, Request, Settings, Visitor};

const CASES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cases/recommend.json");
const MODEL: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/recs-cases.tmrm"
);

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn visitor(v: &Value) -> Visitor {
    Visitor {
        viewed: strings(&v["viewed"]),
        cart: strings(&v["cart"]),
        purchased: strings(&v["purchased"]),
        interests: v["interests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p[0].as_str().unwrap().to_owned(), p[1].as_f64().unwrap()))
            .collect(),
        stage: v["stage"].as_str().unwrap().to_owned(),
    }
}

#[test]
fn rank_cases() {
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(CASES).unwrap()).unwrap();
    let model = Model::from_bytes(std::fs::read(MODEL).unwrap()).unwrap();
    let catalog = Catalog::parse(&doc["catalog"]).unwrap();
    let bless = std::env::var_os("TRAILMARK_BLESS").is_some();
    let rows = doc["rank"].as_array_mut().unwrap();
    assert!(rows.len() >= 20);
    let mut failures = Vec::new();
    for row in rows.iter_mut() {
        let name = row[0].as_str().unwrap().to_owned();
        let input = &row[1];
        let settings = Settings {
            exclude_purchased: input["settings"]["exclude_purchased"].as_bool().unwrap(),
            max_per_category: input["settings"]["max_per_category"].as_u64().unwrap() as usize,
        };
        let request = Request::from_json(&input["request"], 4).unwrap();
        let m = input["model"].as_bool().unwrap().then_some(&model);
        // A row may bring its own catalog (odd ids and attributes the shared one lacks).
        let own = input.get("catalog").map(|c| Catalog::parse(c).unwrap());
        let catalog = own.as_ref().unwrap_or(&catalog);
        let got: Vec<Value> =
            recommend(m, catalog, &visitor(&input["visitor"]), settings, &request)
                .iter()
                .map(|r| json!([r.product.id, because(&r.reason, catalog)]))
                .collect();
        let got = Value::Array(got);
        if bless {
            row[2] = got;
        } else if row[2] != got {
            failures.push(format!("{name}: expected {}, got {got}", row[2]));
        }
    }
    if bless {
        let text = serde_json::to_string_pretty(&doc).unwrap();
        std::fs::write(CASES, text + "\n").unwrap();
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn catalog_cases() {
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(CASES).unwrap()).unwrap();
    for row in doc["catalogs"].as_array().unwrap() {
        let paths: Vec<String> = match Catalog::parse(&row[1]) {
            Ok(_) => Vec::new(),
            Err(errors) => errors.into_iter().map(|e| e.path).collect(),
        };
        assert_eq!(paths, strings(&row[2]), "{}", row[0]);
    }
}

#[test]
fn request_cases() {
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(CASES).unwrap()).unwrap();
    for row in doc["requests"].as_array().unwrap() {
        match (Request::from_json(&row[1], 4), row[2].as_str()) {
            (Ok(_), None) => {}
            (Err(e), Some(want)) => assert!(e.contains(want), "{}: {e}", row[0]),
            (got, want) => panic!("{}: got {got:?}, expected {want:?}", row[0]),
        }
    }
}

/// The committed fixture model is what the CLI builds from the committed log.
#[cfg(feature = "cli")]
#[test]
fn fixture_model_is_up_to_date() {
    let out = std::env::temp_dir().join(format!("recs-cases-{}.tmrm", std::process::id()));
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_trailmark"))
        .args(["model", "build", "tests/fixtures/recs-cases.jsonl", "--out"])
        .arg(&out)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(status.status.success());
    let fresh = std::fs::read(&out).unwrap();
    std::fs::remove_file(&out).ok();
    assert!(
        fresh == std::fs::read(MODEL).unwrap(),
        "tests/fixtures/recs-cases.tmrm is stale: rebuild it with `trailmark model build \
         tests/fixtures/recs-cases.jsonl --out tests/fixtures/recs-cases.tmrm`"
    );
}
