//! Build script: compiles the bundled referrer and source lists in `data/` into compact tables,
//! `src/core/channel/table.rs` reads them.
//!
//! Inputs (kept unchanged, licences beside them):
//! - `data/channels/ga4_source_categories.csv` (MIT): GA4's SEARCH / SOCIAL / SHOPPING / VIDEO
//!   source lists.
//! - `data/referrers/matomo-*.yml` (CC0): Matomo's search engines (hosts, keyword parameters),
//!   social networks and AI assistants.
//!
//! Tables: every key (a lowercased source name or a host without `www.`, possibly with a `{}`
//! wildcard standing for a TLD or a subdomain), sorted, one `key\tinfo` line each (category and
//! search-engine record), plus the search-engine records (canonical source name, keyword
//! parameters, "keyword may be hidden"), one per line. Plain sorted text rather than offset
//! arrays: it compresses better (about 10 KB brotli instead of 13.6 KB) and is still
//! binary-searched.
//!
//! Outputs, both in `OUT_DIR`:
//! - `trailmark_sources.txt`: the full tables, a header line then the engines and the keys. The
//!   browser fetches it only when a visit needs it (`cargo xtask build` copies it into
//!   `dist/pkg/`); native builds `include_str!` it.
//! - `source_tables.rs`: the built-in subset every build carries (the keys holding one of
//!   [`ZONES`]' words, every wildcard key, a few extra keys) and the constants describing both.
//!
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

    let full = Tables::new(&keys, &engines, |_| true);
    let subset = subset(&keys, &engines);

    let out_dir = env::var("OUT_DIR").expect("OUT_DIR");
    // The full tables as the browser fetches them (`cargo xtask build` copies the file next to
    // the wasm): a header naming the format and the line counts, then the engines, then the
    // keys. The counts let the reader reject a truncated file.
    let file = format!(
        "{FILE_MAGIC} {} {}\n{}{}",
        full.key_count, full.engine_count, full.engines, full.keys
    );
    fs::write(Path::new(&out_dir).join(FILE_NAME), &file).expect("writing the source file");

    let mut out = String::new();
    let mut line = |s: String| {
        out.push_str(&s);
        out.push('\n');
    };
    line("/// Bytes of static data in the full tables (keys and engines).".into());
    line(format!(
        "pub const TABLE_BYTES: usize = {};",
        full.keys.len() + full.engines.len()
    ));
    line("/// Bytes of static data in the built-in subset (keys, engines, zones).".into());
    line(format!(
        "pub const SUBSET_BYTES: usize = {};",
        subset.keys.len() + subset.engines.len() + ZONES.join(" ").len()
    ));
    line("/// The full tables' file name and its first word.".into());
    line(format!("pub const SOURCE_FILE: &str = {FILE_NAME:?};"));
    line(format!("const FILE_MAGIC: &str = {FILE_MAGIC:?};"));
    line(
        "/// Subset keys: sorted `key\\tinfo` lines; info is the category digit (0: none, 1: search,"
            .into(),
    );
    line(
        "/// 2: social, 3: shopping, 4: video, 5: AI), then `,N` for search-engine record `N`."
            .into(),
    );
    line(format!("static SUBSET_KEYS: &str = {:?};", subset.keys));
    line(
        "/// Subset search engines, one per line: `{hidden 0|1}{name}\\t{space-separated params}`."
            .into(),
    );
    line(format!(
        "static SUBSET_ENGINES: &str = {:?};",
        subset.engines
    ));
    line(
        "/// Words (host labels or source words) whose every full-table key is in the subset."
            .into(),
    );
    line(format!("static ZONES: &str = {:?};", ZONES.join(" ")));
    fs::write(Path::new(&out_dir).join("source_tables.rs"), out).expect("writing source tables");
}

/// The file the browser fetches when the subset cannot answer (`dist/pkg/`), and its first word.
const FILE_NAME: &str = "trailmark_sources.txt";
const FILE_MAGIC: &str = "trailmark-sources/1";

/// The built-in subset (what the first load carries): every key holding one of these words (a
/// host label or a word of a source name), so a lookup of any key holding one is exact with
/// the subset alone. The traffic that matters most: the big search engines, social networks,
/// video, shopping and AI assistants, and the click ids' sources (`params.rs`).
const ZONES: [&str; 27] = [
    "google",
    "bing",
    "yahoo",
    "duckduckgo",
    "baidu",
    "yandex",
    "ecosia",
    "naver",
    "msn",
    "facebook",
    "fb",
    "instagram",
    "t",
    "twitter",
    "x",
    "linkedin",
    "lnkd",
    "pinterest",
    "reddit",
    "youtube",
    "tiktok",
    "chatgpt",
    "openai",
    "perplexity",
    "gemini",
    "copilot",
    "amazon",
];

/// Keys the subset holds besides the zones' (with their full-table info, or `0` when the full
/// table lacks them: a line `key\t0` answers exactly like an absent key, and tells the subset
/// the key is not in the full table). Direct and `(not set)` visits and common mail sources
/// then never need the full table; `ig` is Instagram's `utm_source`.
const EXTRA: [&str; 7] = [
    "(direct)",
    "(not set)",
    "newsletter",
    "email",
    "mailchimp",
    "klaviyo",
    "ig",
];

/// Keys and engines laid out as the runtime reads them.
struct Tables {
    keys: String,
    engines: String,
    key_count: usize,
    engine_count: usize,
}

impl Tables {
    /// The keys `keep` selects, with the engines they use (renumbered in order).
    fn new(
        keys: &BTreeMap<String, (u8, u16)>,
        engines: &[(String, String, bool)],
        keep: impl Fn(&str) -> bool,
    ) -> Tables {
        let kept: Vec<(&String, &(u8, u16))> = keys.iter().filter(|(k, _)| keep(k)).collect();
        let mut used: Vec<u16> = kept
            .iter()
            .map(|(_, (_, e))| *e)
            .filter(|e| *e != NO_ENGINE)
            .collect();
        used.sort_unstable();
        used.dedup();
        // Keys: sorted `key\tinfo` lines, where info is the category digit followed by `,N`
        // when the key belongs to search-engine record N. Text with no offset arrays: the
        // runtime binary-searches the lines, and brotli compresses text far better than
        // offset tables.
        let mut key_text = String::new();
        for (key, (cat, engine)) in &kept {
            assert!(!key.contains(['\n', '\t']), "key {key:?} holds a separator");
            write!(key_text, "{key}\t{cat}").unwrap();
            if *engine != NO_ENGINE {
                let n = used.binary_search(engine).unwrap();
                write!(key_text, ",{n}").unwrap();
            }
            key_text.push('\n');
        }
        // Engines: `{hidden 0|1}{name}\t{params}` records (params space-separated), one per line.
        let mut engine_text = String::new();
        for &i in &used {
            let (name, params, hidden) = &engines[usize::from(i)];
            let flag = if *hidden { "1" } else { "0" };
            writeln!(engine_text, "{flag}{name}\t{params}").unwrap();
        }
        Tables {
            keys: key_text,
            engines: engine_text,
            key_count: kept.len(),
            engine_count: used.len(),
        }
    }
}

/// The subset: every key with `{}` (so every wildcard form a host can produce is known), every
/// key holding a zone word, the extra keys, and the names of the engines these use (so a
/// referrer the subset finds an engine for also gets that engine's category).
fn subset(keys: &BTreeMap<String, (u8, u16)>, engines: &[(String, String, bool)]) -> Tables {
    let mut keys = keys.clone();
    for extra in EXTRA {
        keys.entry(extra.to_string()).or_insert((0, NO_ENGINE));
    }
    let mut kept: Vec<String> = keys
        .keys()
        .filter(|k| {
            k.contains("{}")
                || EXTRA.contains(&k.as_str())
                || k.split(['.', ' ']).any(|w| ZONES.contains(&w))
        })
        .cloned()
        .collect();
    loop {
        let names: Vec<String> = kept
            .iter()
            .filter_map(|k| {
                let engine = keys[k].1;
                (engine != NO_ENGINE).then(|| engines[usize::from(engine)].0.clone())
            })
            .filter(|name| keys.contains_key(name) && !kept.contains(name))
            .collect();
        if names.is_empty() {
            break;
        }
        kept.extend(names);
    }
    Tables::new(&keys, engines, |k| kept.iter().any(|x| x == k))
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
