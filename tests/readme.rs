//! The README's config examples are valid configs (its Rust examples run as doc tests, its
//! `console` examples in `tests/cli.rs`).

use trailmark::core::Config;

#[test]
fn readme_json_blocks_are_valid_configs() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let blocks: Vec<&str> = readme
        .split("```json\n")
        .skip(1)
        .map(|b| b.split("```").next().unwrap())
        .collect();
    assert!(!blocks.is_empty(), "the README shows a config");
    for block in blocks {
        if let Err(errors) = Config::from_json(block) {
            panic!("README config is invalid: {errors:?}\n{block}");
        }
    }
}
