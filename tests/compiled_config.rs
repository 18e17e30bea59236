//! The compiled config's layout is pinned: `tests/golden/config-v1.tmc` is
//! `tests/fixtures/compiled-config.json` (a copy of the demo shop's config, kept fixed) compiled. A change to any config type changes these bytes; that must come with a new
//! `compiled::FORMAT` (so sites recompile and old files are refused with a clear error, never
//! misread) and a regenerated golden file (`TRAILMARK_BLESS=1 cargo test --test compiled_config`).

use trailmark::core::config::compiled::FORMAT;
use trailmark::core::Config;

const GOLDEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/config-v1.tmc");

fn fixture() -> Config {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/compiled-config.json"
    ))
    .unwrap();
    Config::from_json(&text).unwrap()
}

#[test]
fn the_layout_is_pinned_to_its_format_version() {
    let bytes = fixture().to_compiled();
    if std::env::var_os("TRAILMARK_BLESS").is_some() {
        std::fs::write(GOLDEN, &bytes).unwrap();
    }
    let golden = std::fs::read(GOLDEN).expect("tests/golden/config-v1.tmc exists");
    assert_eq!(golden[3], FORMAT, "the golden file is for format {FORMAT}");
    assert!(
        bytes == golden,
        "the compiled config's bytes changed: bump config::compiled::FORMAT, then regenerate \
         the golden file with TRAILMARK_BLESS=1 (and rename it for the new version)"
    );
    assert_eq!(Config::from_compiled(&golden).unwrap(), fixture());
}
