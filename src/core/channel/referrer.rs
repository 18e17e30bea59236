//! Source, medium and search term from a referrer URL when the landing page carries no campaign
//! tags: a known search engine gives its short name (e.g. `google`) with medium `organic` and
//! the keyword when the referrer still carries one; any other host gives the host without
//! `www.` (e.g. `m.facebook.com`) with medium `referral`, as GA4 reports them.
//!
//! A host listed under a search engine that is not the engine's own (Matomo lists portals such
//! as `www.cnn.com` under Google) counts as search only when a keyword is present. Matomo's
//! regex keyword patterns are supported only in the `/word\/([^\/]+)/` form (path segment after
//! `word/`); entries whose URL has a path (`x.com/i/grok`, Android app referrers) are skipped.

use super::table::{Lookup, SourceTable};
use crate::core::text;
use crate::core::url::{decode, Url};
use alloc::string::{String, ToString};

/// What a referrer says about a visit.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct ReferrerTags {
    pub source: String,
    pub medium: &'static str,
    pub term: Option<String>,
}

/// Reads an external referrer (its host is not empty) with `table`.
pub(super) fn tags(referrer: &Url<'_>, table: &SourceTable<'_>) -> Lookup<ReferrerTags> {
    if let Some(engine) = table.search_engine(&referrer.host)? {
        let term = text::split(engine.params, b' ').find_map(|p| keyword(referrer, p));
        if term.is_some() || engine.keyword_optional {
            return Ok(ReferrerTags {
                source: engine.name.to_string(),
                medium: "organic",
                term,
            });
        }
    }
    Ok(ReferrerTags {
        source: referrer.host_without_www().to_string(),
        medium: "referral",
        term: None,
    })
}

/// The keyword under parameter `param`, or in the path segment after `word/` for `/word`.
fn keyword(referrer: &Url<'_>, param: &str) -> Option<String> {
    let raw = match param.strip_prefix("/") {
        Some(word) => {
            let mut segments = text::split(referrer.path, b'/');
            segments.find(|s| *s == word)?;
            decode(segments.next()?)
        }
        None => referrer.param(param)?,
    };
    let term = raw.trim_ascii();
    (!term.is_empty()).then(|| term.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(referrer: &str) -> (String, &'static str, Option<String>) {
        let r = tags(&Url::parse(referrer), &SourceTable::full()).unwrap();
        (r.source, r.medium, r.term)
    }

    #[test]
    fn search_engines_give_organic_and_terms() {
        assert_eq!(
            t("https://www.google.com/"),
            ("google".into(), "organic", None)
        );
        assert_eq!(
            t("https://www.bing.com/search?q=running+shoes&form=QBLH"),
            ("bing".into(), "organic", Some("running shoes".into()))
        );
        assert_eq!(
            t("https://yandex.ru/search/?text=%D0%BA%D0%BE%D1%84%D0%B5"),
            ("yandex".into(), "organic", Some("кофе".into()))
        );
        assert_eq!(
            t("https://duckduckgo.com/"),
            ("duckduckgo".into(), "organic", None)
        );
    }

    #[test]
    fn path_keyword_patterns() {
        assert_eq!(t("https://1.cz/s/kola/").2.as_deref(), Some("kola"));
    }

    #[test]
    fn portals_need_a_keyword() {
        assert_eq!(
            t("https://www.cnn.com/world"),
            ("cnn.com".into(), "referral", None)
        );
        assert_eq!(t("https://www.cnn.com/search?query=x").1, "organic");
    }

    #[test]
    fn other_hosts_are_referrals() {
        assert_eq!(
            t("https://m.facebook.com/"),
            ("m.facebook.com".into(), "referral", None)
        );
        assert_eq!(
            t("https://WWW.Blog.Example/post"),
            ("blog.example".into(), "referral", None)
        );
    }
}
