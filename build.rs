//! Build script: compiles the bundled referrer and source lists in `data/` into compact static
//! tables (`$OUT_DIR/source_tables.rs`), `include!`d by `src/core/channel/table.rs`.
//!
//! Inputs (kept unchanged, licences beside them):
//! - `data/channels/ga4_source_categories.csv` (MIT): GA4's SEARCH / SOCIAL / SHOPPING / VIDEO
//!   source lists.
//! - `data/referrers/matomo-*.yml` (CC0): Matomo's search engines (hosts, keyword parameters),
//!   social networks and AI assistants.
//!
//! Output: every key (a lowercased source name or a host without `www.`, possibly with a `{}`
//! wildcard standing for a TLD or a subdomain), sorted, one `key\tinfo` line each (category and
//! search-engine record), plus the search-engine records (canonical source name, keyword
//! parameters, "keyword may be hidden"), one per line. Plain sorted text rather than offset
//! arrays: it compresses better (about 10 KB brotli instead of 13.6 KB) and is still
//! binary-searched.
//! The Matomo YAML is parsed by hand: it is a regular two-level format.

use std::collections::BTreeMap;
use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

const SEARCH: u8 = 1;
const SOCIAL: u8 = 2;
const SHOPPING: u8 = 3;
const VIDEO: u8 = 4;
const AI: u8 = 5;
const NO_ENGINE: u16 = 0x1FFF;

/// One Matomo list entry: the engine/network name and its fields.
#[derive(Default)]
struct YamlEntry {
    name: String,
    urls: Vec<String>,
    params: Vec<String>,
    hidden: bool,
}

fn main() {
    let files = [
        "data/channels/ga4_source_categories.csv",
        "data/referrers/matomo-SearchEngines.yml",
        "data/referrers/matomo-Socials.yml",
        "data/referrers/matomo-AIAssistants.yml",
    ];
    for f in files {
        println!("cargo:rerun-if-changed={f}");
    }
    println!("cargo:rerun-if-changed=build.rs");
    let read = |p: &str| fs::read_to_string(p).unwrap_or_else(|e| panic!("reading {p}: {e}"));

    // key -> (category, engine index)
    let mut keys: BTreeMap<String, (u8, u16)> = BTreeMap::new();
    let mut engines: Vec<(String, String, bool)> = Vec::new();

    // GA4 categories first: they win over Matomo-derived categories.
    for line in read(files[0]).lines().skip(1) {
        let Some((source, cat)) = line.trim().rsplit_once(',') else {
            continue;
        };
        let cat = match cat {
            "SOURCE_CATEGORY_SEARCH" => SEARCH,
            "SOURCE_CATEGORY_SOCIAL" => SOCIAL,
            "SOURCE_CATEGORY_SHOPPING" => SHOPPING,
            "SOURCE_CATEGORY_VIDEO" => VIDEO,
            _ => continue,
        };
        keys.entry(normalize_key(source))
            .or_insert((cat, NO_ENGINE));
    }

    // AI assistants that Matomo also lists as search engines (ChatGPT) stay out of search:
    // GA4 counts them as referrals.
    let ai_hosts: Vec<String> = parse_matomo(&read(files[3]))
        .iter()
        .flat_map(|e| e.urls.iter().map(|u| normalize_key(u)))
        .collect();
    for mut entry in parse_matomo(&read(files[1])) {
        entry.urls.retain(|u| !ai_hosts.contains(&normalize_key(u)));
        if entry.urls.is_empty() {
            continue;
        }
        let name = canonical_name(&entry.name);
        let params: Vec<String> = entry
            .params
            .iter()
            .filter_map(|p| keyword_param(p))
            .collect();
        let record = (name.clone(), params.join(" "), entry.hidden);
        let index = match engines.iter().position(|e| *e == record) {
            Some(i) => i,
            None => {
                engines.push(record);
                engines.len() - 1
            }
        } as u16;
        // The canonical name is itself a search source (e.g. `utm_source=yahoo`).
        keys.entry(name.clone()).or_insert((SEARCH, NO_ENGINE));
        for url in &entry.urls {
            if url.contains('/') {
                continue; // app-referrer and path patterns are not supported (documented)
            }
            let key = normalize_key(url);
            // Portals listed under an engine (e.g. www.cnn.com under Google) count as search
            // only when they carry a keyword; hosts named after the engine always do.
            let cat = if key.contains(name.as_str()) {
                SEARCH
            } else {
                0
            };
            let slot = keys.entry(key).or_insert((cat, index));
            if slot.1 == NO_ENGINE {
                slot.1 = index;
            }
        }
    }
    for (file, cat) in [(files[2], SOCIAL), (files[3], AI)] {
        for entry in parse_matomo(&read(file)) {
            for url in entry.urls.iter().filter(|u| !u.contains('/')) {
                let slot = keys.entry(normalize_key(url)).or_insert((0, NO_ENGINE));
                if slot.0 == 0 {
                    slot.0 = cat;
                }
            }
        }
    }

    // Keys: sorted `key\tinfo` lines, where info is the category digit followed by `,N` when
    // the key belongs to search-engine record N. Text with no offset arrays: the runtime
    // binary-searches the lines, and brotli compresses text far better than offset tables.
    let mut key_text = String::new();
    for (key, (cat, engine)) in &keys {
        assert!(!key.contains(['\n', '\t']), "key {key:?} holds a separator");
        write!(key_text, "{key}\t{cat}").unwrap();
        if *engine != NO_ENGINE {
            write!(key_text, ",{engine}").unwrap();
        }
        key_text.push('\n');
    }
    // Engines: `{hidden 0|1}{name}\t{params}` records (params space-separated), one per line.
    let mut engine_text = String::new();
    for (name, params, hidden) in &engines {
        let flag = if *hidden { "1" } else { "0" };
        writeln!(engine_text, "{flag}{name}\t{params}").unwrap();
    }
    let table_bytes = key_text.len() + engine_text.len();

    let mut out = String::new();
    let mut line = |s: String| {
        out.push_str(&s);
        out.push('\n');
    };
    line("/// Bytes of static data in these tables (keys and engines).".into());
    line(format!("pub const TABLE_BYTES: usize = {table_bytes};"));
    line(
        "/// Sorted `key\\tinfo` lines: info is the category digit (0: none, 1: search, 2: social,"
            .into(),
    );
    line("/// 3: shopping, 4: video, 5: AI), then `,N` for search-engine record `N`.".into());
    line(format!("static KEYS: &str = {key_text:?};"));
    line(
        "/// Search engines, one per line: `{hidden 0|1}{name}\\t{space-separated params}`.".into(),
    );
    line(format!("static ENGINES: &str = {engine_text:?};"));
    let dest = Path::new(&env::var("OUT_DIR").expect("OUT_DIR")).join("source_tables.rs");
    fs::write(dest, out).expect("writing source tables");
}

/// Lowercases and drops a leading `www.` (hosts are compared without it).
fn normalize_key(s: &str) -> String {
    let s = s.trim().to_lowercase();
    match s.strip_prefix("www.") {
        Some(rest) => rest.to_string(),
        None => s,
    }
}

/// GA4-style short source name for an engine: `Yahoo! Japan` -> `yahoo`, `Google Images` ->
/// `google`, `El Mundo` -> `elmundo` (first word when it is 4+ characters, else all words).
fn canonical_name(name: &str) -> String {
    let clean = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric() || *c == '.' || *c == '-')
            .collect::<String>()
    };
    let lower = name.to_lowercase();
    let first = clean(lower.split_whitespace().next().unwrap_or(""));
    if first.chars().count() >= 4 {
        first
    } else {
        clean(&lower)
    }
}

/// A keyword parameter as the runtime reads it: a query parameter name, or `/word` for the
/// Matomo path pattern `/word\/([^\/]+)/` (keyword is the path segment after `word/`). Other
/// regex patterns are skipped.
fn keyword_param(p: &str) -> Option<String> {
    if let Some(inner) = p.strip_prefix('/') {
        let word = inner.strip_suffix(r"\/([^\/]+)/")?;
        return (!word.is_empty() && word.chars().all(|c| c.is_ascii_alphanumeric()))
            .then(|| format!("/{word}"));
    }
    (!p.is_empty() && !p.contains(' ')).then(|| p.to_string())
}

fn unquote(s: &str) -> String {
    let s = s.trim();
    if s.len() >= 2 && s.starts_with('\'') && s.ends_with('\'') {
        s[1..s.len() - 1].replace("''", "'")
    } else if s.len() >= 2 && s.starts_with('"') && s.ends_with('"') {
        s[1..s.len() - 1].to_string()
    } else {
        s.to_string()
    }
}

/// Parses both Matomo shapes: `Name:` followed by `-` entries with `urls:` / `params:` /
/// `hiddenkeyword:` lists (search engines), or by `- host` items directly (socials, AI).
fn parse_matomo(text: &str) -> Vec<YamlEntry> {
    let mut out: Vec<YamlEntry> = Vec::new();
    let mut name = String::new();
    let mut field = String::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        if indent == 0 {
            name = unquote(trimmed.trim_end_matches(':'));
            field = "urls".into();
            out.push(YamlEntry {
                name: name.clone(),
                ..YamlEntry::default()
            });
        } else if trimmed == "-" {
            // A new engine entry under the same name; replace an untouched placeholder.
            if out
                .last()
                .is_some_and(|e| e.urls.is_empty() && e.params.is_empty())
            {
                out.pop();
            }
            out.push(YamlEntry {
                name: name.clone(),
                ..YamlEntry::default()
            });
        } else if let Some(item) = trimmed.strip_prefix("- ") {
            let Some(entry) = out.last_mut() else {
                continue;
            };
            match field.as_str() {
                "urls" => entry.urls.push(unquote(item)),
                "params" => entry.params.push(unquote(item)),
                "hiddenkeyword" => entry.hidden = true,
                _ => {}
            }
        } else if let Some((key, _value)) = trimmed.split_once(':') {
            field = key.trim().to_string();
        }
    }
    out.retain(|e| !e.urls.is_empty());
    out
}
