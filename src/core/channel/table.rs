//! The bundled source and referrer tables, generated at build time by `build.rs` from
//! `data/channels/ga4_source_categories.csv` (MIT, dbt-ga4) and `data/referrers/matomo-*.yml`
//! (CC0, Matomo), and the lookups over them: a source's category (search, social, shopping,
//! video, AI assistant) and a referrer host's search-engine record.
//!
//! Layout: sorted `key\tinfo` lines (binary-searched by byte range) and the search-engine records,
//! one per line; text rather than offset arrays because it compresses better (about 10 KB
//! brotli). Keys are lowercased sources or hosts without `www.`; `{}` in a host key stands for a
//! TLD (`google.{}` matches `google.de`, `google.co.uk`) or a subdomain (`{}.bing.com`).
//! [`TABLE_BYTES`] is the static data size: about 33 KB with the bundled data, before
//! compression.
//!
//! Matching decisions: sources are compared lowercased (ASCII letters only; the keys are ASCII)
//! and without `www.`; besides exact keys
//! and `{}` wildcards, a host whose parent domain is a social, shopping, video or AI source takes
//! that category (`lm.facebook.com`, `de.pinterest.com`), but search never does so, because
//! search companies host non-search products on subdomains (`mail.google.com`).

use serde::Deserialize;

include!(concat!(env!("OUT_DIR"), "/source_tables.rs"));

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
pub struct SearchEngine {
    /// GA4-style source name, e.g. `google`.
    pub name: &'static str,
    /// Space-separated keyword parameters; `/s` means "the path segment after `s/`".
    pub params: &'static str,
    /// Counts as a search visit even without a keyword: the engine hides keywords (Matomo's
    /// `hiddenkeyword`) or the host is the engine's own.
    pub keyword_optional: bool,
}

/// The packed info word of a `KEYS` line's info (`2` or `1,17`): category << 13 | engine
/// record (0x1FFF: none).
fn info_word(info: &str) -> Option<u16> {
    let (cat, engine) = info.split_once(',').unwrap_or((info, ""));
    let cat = u16::from(cat.bytes().next()?.wrapping_sub(b'0'));
    let mut index: u16 = if engine.is_empty() { 0x1FFF } else { 0 };
    for b in engine.bytes() {
        index = index
            .wrapping_mul(10)
            .wrapping_add(u16::from(b.wrapping_sub(b'0')));
    }
    Some(cat << 13 | (index & 0x1FFF))
}

/// Binary search of the sorted `KEYS` lines for `k`: halve the byte range, widen the middle to
/// its whole line, compare its key.
fn info(k: &str) -> Option<u16> {
    let text = KEYS.as_bytes();
    // `lo` and `hi` always sit at line starts (or the end).
    let (mut lo, mut hi) = (0, text.len());
    while lo < hi {
        let mid = (lo + hi) / 2;
        let start = text[lo..mid]
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(lo, |p| lo + p + 1);
        let end = start + text[start..].iter().position(|b| *b == b'\n')?;
        let (key, info) = KEYS.get(start..end)?.split_once('\t')?;
        match key.cmp(k) {
            std::cmp::Ordering::Less => lo = end + 1,
            std::cmp::Ordering::Greater => hi = start,
            std::cmp::Ordering::Equal => return info_word(info),
        }
    }
    None
}

/// Lowercases (ASCII) and drops `www.`: the form keys are stored in.
pub(super) fn normalize(source: &str) -> String {
    crate::core::url::strip_www(source.trim()).to_ascii_lowercase()
}

/// Info words for `host` (normalised): the exact key, then `{}` wildcard forms, in that order.
fn host_infos(host: &str) -> impl Iterator<Item = u16> + '_ {
    let dots = host.match_indices('.').map(|(i, _)| i);
    let wildcards = dots.flat_map(move |i| {
        let (prefix, suffix) = (&host[..i], &host[i + 1..]);
        let labels: Vec<&str> = suffix.split('.').collect();
        // `{}` as a TLD: one label, or two when the first is short (`co.uk`, `com.br`).
        let tld = labels.len() == 1 || (labels.len() == 2 && labels[0].len() <= 3);
        let as_tld = tld.then(|| format!("{prefix}.{{}}"));
        [as_tld, Some(format!("{{}}.{suffix}"))]
    });
    std::iter::once(host.to_string())
        .chain(wildcards.flatten())
        .filter_map(|k| info(&k))
}

/// The bundled category of `source` (a bare name like `facebook` or a host like
/// `m.facebook.com`), if any.
pub fn category(source: &str) -> Option<SourceCategory> {
    let s = normalize(source);
    if let Some(c) = host_infos(&s).find_map(|i| SourceCategory::from_code(i >> 13)) {
        return Some(c);
    }
    // Parent domains, down to two labels, for every category but search.
    let mut rest = s.as_str();
    while let Some((_, parent)) = rest.split_once('.') {
        if !parent.contains('.') {
            break;
        }
        let found = info(parent).and_then(|i| SourceCategory::from_code(i >> 13));
        if let Some(c) = found.filter(|c| *c != SourceCategory::Search) {
            return Some(c);
        }
        rest = parent;
    }
    None
}

/// The search engine a referrer `host` belongs to, if Matomo's list knows it.
pub fn search_engine(host: &str) -> Option<SearchEngine> {
    let host = normalize(host);
    let found = host_infos(&host).find_map(|i| {
        let record = ENGINES.split('\n').nth(usize::from(i & 0x1FFF))?;
        let (name, params) = record.get(1..)?.split_once('\t')?;
        let hidden = record.starts_with('1');
        let own_host = i >> 13 == 1;
        Some(SearchEngine {
            name,
            params,
            keyword_optional: hidden || own_host,
        })
    });
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use SourceCategory::*;

    const _: () = assert!(TABLE_BYTES > 10_000, "the bundled tables look empty");

    #[test]
    fn keys_are_sorted_and_unique() {
        let keys: Vec<&str> = KEYS
            .lines()
            .map(|l| l.split('\t').next().unwrap())
            .collect();
        assert!(keys.len() > 1000);
        for w in keys.windows(2) {
            assert!(w[0] < w[1], "{:?} !< {:?}", w[0], w[1]);
        }
        // Every key is found by the binary search, with the info its line holds.
        for line in KEYS.lines() {
            let (key, i) = line.split_once('\t').unwrap();
            assert_eq!(info(key), info_word(i), "{key}");
        }
        assert_eq!(info("zzzz-not-a-key"), None);
        assert_eq!(info(""), None);
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
