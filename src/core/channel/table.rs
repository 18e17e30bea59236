//! The source and referrer tables, generated at build time by `build.rs` from
//! `data/channels/ga4_source_categories.csv` (MIT, dbt-ga4) and `data/referrers/matomo-*.yml`
//! (CC0, Matomo), and the lookups over them: a source's category (search, social, shopping,
//! video, AI assistant) and a referrer host's search-engine record.
//!
//! Layout: sorted `key\tinfo` lines (binary-searched by byte range) and the search-engine records,
//! one per line; text rather than offset arrays because it compresses better. Keys are
//! lowercased sources or hosts without `www.`; `{}` in a host key stands for a TLD (`google.{}`
//! matches `google.de`, `google.co.uk`) or a subdomain (`{}.bing.com`).
//!
//! Two sets of tables ([`SourceTable`]):
//! - the full tables ([`TABLE_BYTES`], about 34 KB raw, 10 KB brotli): the file
//!   `trailmark_sources.txt` (a header line `trailmark-sources/1 <keys> <engines>`, the engine
//!   lines, the key lines), built into native code and fetched by the browser only when a visit
//!   needs it ([`SourceTable::parse`] checks it);
//! - the subset every build carries ([`SUBSET_BYTES`], about 6 KB raw, 1.5 KB brotli): every
//!   key holding one of a few *zone* words (`google`, `facebook`, `t`, `chatgpt`..., see
//!   `build.rs`), every `{}` key, a few extra keys (`(direct)`, `newsletter`...), and the
//!   engines these use, with the names of those engines.
//!
//! Exactness: a lookup in the subset gives the full tables' answer or [`NeedsFullTable`], never
//! another answer. A key the subset lacks is known to be absent from the full tables when it
//! contains `{}` or a zone word (the subset holds all of those); otherwise it is unknown. A
//! lookup walks its candidate keys in order and stops at the first that decides; an unknown
//! key before that makes the whole lookup unknown. `tests/source_subset.rs` checks every key
//! of the full tables and hosts derived from them. [`SourceTable::lenient`] turns unknown into
//! absent: what the browser uses when the full tables cannot be fetched.
//!
//! Matching decisions: sources are compared lowercased (ASCII letters only; the keys are ASCII)
//! and without `www.`; besides exact keys and `{}` wildcards, a host whose parent domain is a
//! social, shopping, video or AI source takes that category (`lm.facebook.com`,
//! `de.pinterest.com`), but search never does so, because search companies host non-search
//! products on subdomains (`mail.google.com`).

use crate::core::text::{concat, find, split, split_once};
use alloc::{
    string::{String, ToString},
    vec::Vec,
};
use core::cmp::Ordering;
use core::fmt;
use core::ops::Range;
use serde::Deserialize;

include!(concat!(env!("OUT_DIR"), "/source_tables.rs"));

/// The full tables' file, built in natively (CLI, tests, benches); the browser fetches it.
#[cfg(not(target_arch = "wasm32"))]
pub static FULL_FILE: &str = include_str!(concat!(env!("OUT_DIR"), "/trailmark_sources.txt"));

/// A category of traffic sources, as in GA4's source lists (plus Matomo's AI assistants).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum SourceCategory {
    /// Search engines (GA4 `SOURCE_CATEGORY_SEARCH`).
    Search,
    /// Social networks (GA4 `SOURCE_CATEGORY_SOCIAL`).
    Social,
    /// Shopping sites (GA4 `SOURCE_CATEGORY_SHOPPING`).
    Shopping,
    /// Video sites (GA4 `SOURCE_CATEGORY_VIDEO`).
    Video,
    /// AI assistants (Matomo's list; not a GA4 category, used only by custom rules).
    Ai,
}

impl SourceCategory {
    fn from_code(code: u16) -> Option<SourceCategory> {
        match code {
            1 => Some(SourceCategory::Search),
            2 => Some(SourceCategory::Social),
            3 => Some(SourceCategory::Shopping),
            4 => Some(SourceCategory::Video),
            5 => Some(SourceCategory::Ai),
            _ => None,
        }
    }
}

/// A search engine known from Matomo's list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SearchEngine<'a> {
    /// GA4-style source name, e.g. `google`.
    pub name: &'a str,
    /// Space-separated keyword parameters; `/s` means "the path segment after `s/`".
    pub params: &'a str,
    /// Counts as a search visit even without a keyword: the engine hides keywords (Matomo's
    /// `hiddenkeyword`) or the host is the engine's own.
    pub keyword_optional: bool,
}

/// The answer to a lookup is only in the full tables (the subset cannot tell).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NeedsFullTable;

/// A lookup's answer: exactly the full tables' answer, or [`NeedsFullTable`].
pub type Lookup<T> = Result<T, NeedsFullTable>;

/// Why bytes offered as the full tables were refused (`sources/invalid`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SourceTableError {
    /// The bytes are not UTF-8.
    NotText,
    /// The first line is not `trailmark-sources/1 <keys> <engines>`.
    Header,
    /// There are fewer or more lines than the header says (a truncated file).
    Count,
    /// Line `n` (1-based) is not a well-formed engine or key line, or is out of order.
    Line(usize),
}

impl SourceTableError {
    /// Stable `area/reason` code.
    pub fn code(&self) -> &'static str {
        "sources/invalid"
    }

    /// What is wrong, without the line number (so the browser build needs no formatting).
    pub fn message(&self) -> &'static str {
        match self {
            SourceTableError::NotText => "the source tables file is not UTF-8 text",
            SourceTableError::Header => {
                "the source tables file does not start with `trailmark-sources/1 <keys> <engines>`"
            }
            SourceTableError::Count => {
                "the source tables file does not hold the lines its header counts (truncated?)"
            }
            SourceTableError::Line(_) => {
                "the source tables file has a line without a tab or an unsorted key"
            }
        }
    }
}

impl fmt::Display for SourceTableError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())?;
        match self {
            SourceTableError::Line(n) => write!(f, " (line {n})"),
            _ => Ok(()),
        }
    }
}

impl core::error::Error for SourceTableError {}

/// One set of source tables (the full ones or the subset), borrowed.
#[derive(Clone, Copy, Debug)]
pub struct SourceTable<'a> {
    keys: &'a str,
    engines: &'a str,
    /// `None` for complete tables (a key they lack is absent); the subset's zone words, space
    /// separated, otherwise.
    zones: Option<&'a str>,
}

/// The byte ranges of the engine lines and key lines of a full-tables file.
pub(super) type Sections = (Range<usize>, Range<usize>);

impl SourceTable<'static> {
    /// The subset every build carries.
    pub fn subset() -> SourceTable<'static> {
        SourceTable {
            keys: SUBSET_KEYS,
            engines: SUBSET_ENGINES,
            zones: Some(ZONES),
        }
    }

    /// The full tables, built into native code.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn full() -> SourceTable<'static> {
        static SECTIONS: std::sync::OnceLock<Sections> = std::sync::OnceLock::new();
        let sections = SECTIONS.get_or_init(|| {
            SourceTable::sections(FULL_FILE).expect("the built-in source tables are valid")
        });
        SourceTable::from_sections(FULL_FILE, sections)
    }

    /// The tables a build carries: the full tables natively, the subset in the browser.
    pub fn builtin() -> SourceTable<'static> {
        #[cfg(not(target_arch = "wasm32"))]
        return SourceTable::full();
        #[cfg(target_arch = "wasm32")]
        return SourceTable::subset();
    }
}

impl<'a> SourceTable<'a> {
    /// Reads a full-tables file (`trailmark_sources.txt`), checking its whole layout.
    pub fn parse(text: &'a str) -> Result<SourceTable<'a>, SourceTableError> {
        Ok(SourceTable::from_sections(
            text,
            &SourceTable::sections(text)?,
        ))
    }

    /// Tables over `text`'s sections, as [`SourceTable::sections`] found them.
    pub(super) fn from_sections(text: &'a str, (engines, keys): &Sections) -> SourceTable<'a> {
        SourceTable {
            engines: text.get(engines.clone()).unwrap_or(""),
            keys: text.get(keys.clone()).unwrap_or(""),
            zones: None,
        }
    }

    /// Checks a full-tables file: the header, the line counts (a truncated file fails), a tab
    /// on every line, strictly sorted keys (the binary search relies on it). Returns the
    /// sections. The fields need no check: lookups read any text without panicking.
    pub(super) fn sections(text: &str) -> Result<Sections, SourceTableError> {
        // Splits at ASCII bytes (`core::text`), not `char` patterns: less wasm.
        let (header, body) = split_once(text, b'\n').ok_or(SourceTableError::Header)?;
        let number = |w: Option<&str>| {
            let w = w.filter(|w| !w.is_empty())?;
            w.bytes().try_fold(0usize, |n, b| {
                b.is_ascii_digit()
                    .then(|| n.saturating_mul(10).saturating_add(usize::from(b - b'0')))
            })
        };
        let mut words = split(header, b' ');
        let (magic, keys, engines) = (words.next(), number(words.next()), number(words.next()));
        let (Some(FILE_MAGIC), Some(keys), Some(engines), None) =
            (magic, keys, engines, words.next())
        else {
            return Err(SourceTableError::Header);
        };
        if !body.is_empty() && !body.ends_with("\n") {
            return Err(SourceTableError::Count); // cut off in the middle of a line
        }
        let mut at = header.len() + 1;
        let (start, mut keys_start) = (at, at);
        let (mut lines, mut previous) = (0, "");
        // Every line ends with a newline (checked above), so this reads them all.
        let mut rest = body;
        while let Some((line, next)) = split_once(rest, b'\n') {
            rest = next;
            lines += 1;
            let bad = SourceTableError::Line(lines + 1);
            let (key, _) = split_once(line, b'\t').ok_or(bad.clone())?;
            if lines > engines {
                if key <= previous {
                    return Err(bad);
                }
                previous = key;
            }
            at += line.len() + 1;
            if lines == engines {
                keys_start = at;
            }
        }
        if lines != keys + engines || at != text.len() {
            return Err(SourceTableError::Count);
        }
        Ok((start..keys_start, keys_start..at))
    }

    /// These tables with unknown keys read as absent: the subset's best guess, used when the
    /// full tables cannot be had. Complete tables are unchanged.
    pub fn lenient(self) -> SourceTable<'a> {
        SourceTable {
            zones: None,
            ..self
        }
    }

    /// Whether every lookup answers (the full tables, or lenient ones).
    pub fn is_complete(&self) -> bool {
        self.zones.is_none()
    }

    /// The info word of key `k`: `Ok(None)` when the full tables lack it.
    fn entry(&self, k: &str) -> Lookup<Option<u16>> {
        match (info(self.keys, k), self.zones) {
            (Some(i), _) => Ok(Some(i)),
            (None, None) => Ok(None),
            (None, Some(zones)) => {
                // Nested `any`s rather than `flat_map`: less wasm.
                let covered = crate::core::text::contains(k, "{}")
                    || split(k, b'.')
                        .any(|part| split(part, b' ').any(|w| split(zones, b' ').any(|z| z == w)));
                if covered {
                    Ok(None)
                } else {
                    Err(NeedsFullTable)
                }
            }
        }
    }

    /// The category of `source` (a bare name like `facebook` or a host like `m.facebook.com`),
    /// if any.
    pub fn category(&self, source: &str) -> Lookup<Option<SourceCategory>> {
        let s = normalize(source);
        for key in host_keys(&s) {
            let found = self
                .entry(&key)?
                .and_then(|i| SourceCategory::from_code(i >> 13));
            if found.is_some() {
                return Ok(found);
            }
        }
        // Parent domains, down to two labels, for every category but search.
        let mut rest = s.as_str();
        while let Some((_, parent)) = split_once(rest, b'.') {
            if find(parent, b'.').is_none() {
                break;
            }
            let found = self
                .entry(parent)?
                .and_then(|i| SourceCategory::from_code(i >> 13));
            if let Some(c) = found.filter(|c| *c != SourceCategory::Search) {
                return Ok(Some(c));
            }
            rest = parent;
        }
        Ok(None)
    }

    /// The search engine a referrer `host` belongs to, if Matomo's list knows it.
    pub fn search_engine(&self, host: &str) -> Lookup<Option<SearchEngine<'a>>> {
        let host = normalize(host);
        for key in host_keys(&host) {
            let Some(i) = self.entry(&key)? else { continue };
            let Some(record) = split(self.engines, b'\n').nth(usize::from(i & 0x1FFF)) else {
                continue;
            };
            let Some((name, params)) = record.get(1..).and_then(|r| split_once(r, b'\t')) else {
                continue;
            };
            return Ok(Some(SearchEngine {
                name,
                params,
                keyword_optional: record.starts_with("1") || i >> 13 == 1,
            }));
        }
        Ok(None)
    }
}

/// The packed info word of a key line's info (`2` or `1,17`): category << 13 | engine
/// record (0x1FFF: none).
fn info_word(info: &str) -> Option<u16> {
    let (cat, engine) = split_once(info, b',').unwrap_or((info, ""));
    let cat = u16::from(cat.bytes().next()?.wrapping_sub(b'0'));
    let mut index: u16 = if engine.is_empty() { 0x1FFF } else { 0 };
    for b in engine.bytes() {
        index = index
            .wrapping_mul(10)
            .wrapping_add(u16::from(b.wrapping_sub(b'0')));
    }
    Some(cat << 13 | (index & 0x1FFF))
}

/// Binary search of the sorted key lines `keys` for `k`: halve the byte range, widen the middle
/// to its whole line, compare its key.
fn info(keys: &str, k: &str) -> Option<u16> {
    let text = keys.as_bytes();
    // `lo` and `hi` always sit at line starts (or the end).
    let (mut lo, mut hi) = (0, text.len());
    while lo < hi {
        let mid = (lo + hi) / 2;
        let start = text[lo..mid]
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(lo, |p| lo + p + 1);
        let end = start + text[start..].iter().position(|b| *b == b'\n')?;
        let (key, info) = split_once(keys.get(start..end)?, b'\t')?;
        match key.cmp(k) {
            Ordering::Less => lo = end + 1,
            Ordering::Greater => hi = start,
            Ordering::Equal => return info_word(info),
        }
    }
    None
}

/// Lowercases (ASCII) and drops `www.`: the form keys are stored in.
pub(super) fn normalize(source: &str) -> String {
    crate::core::url::strip_www(source.trim_ascii()).to_ascii_lowercase()
}

/// The keys a (normalised) `host` is looked up under, in order: the host itself, then `{}`
/// wildcard forms. A list built by a loop: the iterator chain it replaced cost the wasm 1 KB.
fn host_keys(host: &str) -> Vec<String> {
    let mut keys = Vec::new();
    keys.push(host.to_string());
    for (i, b) in host.bytes().enumerate() {
        if b != b'.' {
            continue;
        }
        let (prefix, suffix) = (host.get(..i).unwrap_or(""), host.get(i + 1..).unwrap_or(""));
        let first_label = suffix.bytes().position(|b| b == b'.');
        let more_dots = first_label.map(|f| suffix.bytes().skip(f + 1).any(|b| b == b'.'));
        // `{}` as a TLD: one label, or two when the first is short (`co.uk`, `com.br`).
        let tld = match (first_label, more_dots) {
            (None, _) => true,
            (Some(len), Some(false)) => len <= 3,
            _ => false,
        };
        if tld {
            keys.push(concat(&[prefix, ".{}"]));
        }
        keys.push(concat(&["{}.", suffix]));
    }
    keys
}

/// The category of `source` in the tables this build carries (natively the full tables; in the
/// browser the subset, reading unknown keys as absent).
pub fn category(source: &str) -> Option<SourceCategory> {
    SourceTable::builtin()
        .lenient()
        .category(source)
        .ok()
        .flatten()
}

/// The search engine of referrer `host` in the tables this build carries (as [`category`]).
pub fn search_engine(host: &str) -> Option<SearchEngine<'static>> {
    SourceTable::builtin()
        .lenient()
        .search_engine(host)
        .ok()
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use SourceCategory::*;

    const _: () = assert!(TABLE_BYTES > 10_000, "the bundled tables look empty");
    const _: () = assert!(SUBSET_BYTES < 8_000, "the subset is meant to be small");

    #[test]
    fn host_keys_are_the_host_then_its_wildcard_forms() {
        // The iterator chain `host_keys` replaced (for size), as the reference.
        fn reference(host: &str) -> Vec<String> {
            let dots = host.match_indices('.').map(|(i, _)| i);
            let wildcards = dots.flat_map(move |i| {
                let (prefix, suffix) = (&host[..i], &host[i + 1..]);
                let labels: Vec<&str> = suffix.split('.').collect();
                let tld = labels.len() == 1 || (labels.len() == 2 && labels[0].len() <= 3);
                let as_tld = tld.then(|| format!("{prefix}.{{}}"));
                [as_tld, Some(format!("{{}}.{suffix}"))]
            });
            core::iter::once(host.to_string())
                .chain(wildcards.flatten())
                .collect()
        }
        assert_eq!(host_keys("google.de"), ["google.de", "google.{}", "{}.de"]);
        for host in [
            "",
            ".",
            "..",
            "google",
            "google.de",
            "www.google.co.uk",
            "a.bcde.fg",
            "x..y.",
            "l.facebook.com",
            "search.seznam.cz",
            "a.b.c.d.e",
            "é.ü.de",
            ".com",
            "com.",
        ] {
            assert_eq!(host_keys(host), reference(host), "{host}");
        }
    }

    #[test]
    fn keys_are_sorted_and_unique() {
        for table in [SourceTable::full(), SourceTable::subset()] {
            let keys: Vec<&str> = table
                .keys
                .lines()
                .map(|l| l.split('\t').next().unwrap())
                .collect();
            assert!(keys.len() > 200);
            for w in keys.windows(2) {
                assert!(w[0] < w[1], "{:?} !< {:?}", w[0], w[1]);
            }
            // Every key is found by the binary search, with the info its line holds.
            for line in table.keys.lines() {
                let (key, i) = line.split_once('\t').unwrap();
                assert_eq!(info(table.keys, key), info_word(i), "{key}");
            }
            assert_eq!(info(table.keys, "zzzz-not-a-key"), None);
            assert_eq!(info(table.keys, ""), None);
        }
        assert!(SourceTable::full().keys.lines().count() > 1000);
    }

    #[test]
    fn the_file_is_checked() {
        assert!(SourceTable::parse(FULL_FILE).is_ok());
        let (header, body) = FULL_FILE.split_once('\n').unwrap();
        let lines: Vec<&str> = body.lines().collect();
        let truncated = &FULL_FILE[..FULL_FILE.len() - lines[lines.len() - 1].len() - 1];
        assert_eq!(
            SourceTable::parse(truncated).unwrap_err(),
            SourceTableError::Count
        );
        assert_eq!(
            SourceTable::parse("").unwrap_err(),
            SourceTableError::Header
        );
        assert_eq!(
            SourceTable::parse("<html>\n").unwrap_err(),
            SourceTableError::Header
        );
        // Body line 400 is file line 402; the key after it is then out of order.
        let unsorted = FULL_FILE.replacen(lines[400], "~~~\t1", 1);
        assert_eq!(
            SourceTable::parse(&unsorted).unwrap_err(),
            SourceTableError::Line(403)
        );
        let no_tab = format!("{header}\n{}", body.replacen('\t', " ", 1));
        assert_eq!(
            SourceTable::parse(&no_tab).unwrap_err(),
            SourceTableError::Line(2)
        );
        let bad_count = FULL_FILE.replacen(' ', " 1", 1);
        assert_eq!(
            SourceTable::parse(&bad_count).unwrap_err(),
            SourceTableError::Count
        );
        assert_eq!(
            SourceTableError::Count.to_string(),
            "the source tables file does not hold the lines its header counts (truncated?)"
        );
        let empty = format!("{FILE_MAGIC} 0 0\n");
        let t = SourceTable::parse(&empty).unwrap();
        assert_eq!(t.category("google"), Ok(None));
    }

    #[test]
    fn categories_accept_bare_and_host_forms() {
        assert_eq!(category("google"), Some(Search));
        assert_eq!(category("Google"), Some(Search));
        assert_eq!(category("www.google.com"), Some(Search));
        assert_eq!(category("google.co.uk"), Some(Search));
        assert_eq!(category("facebook"), Some(Social));
        assert_eq!(category("m.facebook.com"), Some(Social));
        assert_eq!(category("l.facebook.com"), Some(Social));
        assert_eq!(category("x1.lm.facebook.com"), Some(Social));
        assert_eq!(category("bsky.app"), Some(Social), "Matomo social");
        assert_eq!(category("Google Shopping"), Some(Shopping));
        assert_eq!(category("youtube.com"), Some(Video));
        assert_eq!(category("chatgpt.com"), Some(Ai));
        assert_eq!(category("yahoo"), Some(Search));
    }

    #[test]
    fn unknown_and_search_subdomains_have_no_category() {
        assert_eq!(category("partner.example"), None);
        assert_eq!(category("mail.google.com"), None);
        assert_eq!(
            category("cnn.com"),
            None,
            "portal listed under Google needs a keyword"
        );
        assert_eq!(category("google.evil.example"), None);
        assert_eq!(category(""), None);
    }

    #[test]
    fn search_engines_by_host() {
        let g = search_engine("www.google.de").unwrap();
        assert_eq!(g.name, "google");
        assert!(g.keyword_optional);
        assert!(g.params.split(' ').any(|p| p == "q"));
        assert_eq!(search_engine("cn.bing.com").unwrap().name, "bing");
        assert_eq!(search_engine("yandex.ru").unwrap().params, "text");
        let cnn = search_engine("www.cnn.com").unwrap();
        assert!(!cnn.keyword_optional);
        assert_eq!(search_engine("shop.example"), None);
    }
}
