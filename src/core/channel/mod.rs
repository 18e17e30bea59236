//! Channel classification: where a visit came from, read from the landing URL's campaign tags
//! (UTM parameters, click ids) and the referrer, grouped by GA4's default channel groups (first
//! match wins, case-insensitive) after any custom rules from `$.channels`.
//!
//! How source / medium are chosen, first that applies:
//! 1. `utm_source` or `utm_medium` present: those (the missing one is `(not set)`);
//! 2. an ad click id (`gclid`, `msclkid`, ...; see `params`): the network's source and medium;
//! 3. an external referrer: a search engine's name with `organic`, or the host with `referral`;
//! 4. `fbclid`: `facebook / referral`;
//! 5. only `utm_campaign` / `utm_id`: `(not set) / (not set)`;
//! 6. otherwise `(direct) / (none)`.
//!
//! A referrer on the page's own host (ignoring `www.`) or on a configured `site_hosts` entry,
//! with no campaign tag or click id, is [`VisitSource::SameSite`]: the visit continues.
//!
//! Source categories and search engines come from the tables `build.rs` generates (`table`).
//! Native builds carry the full tables; the browser's wasm carries a subset that answers
//! exactly or says it cannot ([`classify_with`] gives [`NeedsFullTable`]), and an [`Engine`]'s
//! [`SourceTables`] take the full tables as bytes when the caller has fetched them.
//!
//! [`Engine`]: crate::core::Engine
//!
//! AI assistants (`chatgpt.com`, `perplexity.ai`, ...) are Referral (or Unassigned for
//! `utm_source=chatgpt.com` without a medium), as in GA4. A site that wants them apart adds
//! the rule `{"group": "AI Assistants", "source_category": "ai"}`.
//!
//! ```
//! use trailmark::core::channel::{classify, ChannelConfig, VisitSource};
//! let visit = classify(
//!     &ChannelConfig::default(),
//!     "https://shop.example/?utm_source=newsletter&utm_medium=email",
//!     None,
//!     0,
//! );
//! let VisitSource::Touch(touch) = visit else { panic!() };
//! assert_eq!(touch.group, "Email");
//! ```

mod config;
mod params;
mod referrer;
mod rules;
mod sources;
mod table;

use alloc::string::{String, ToString};
pub use config::{ChannelConfig, ChannelRule, SourceLists};
pub use rules::UNASSIGNED;
pub use sources::SourceTables;
#[cfg(not(target_arch = "wasm32"))]
pub use table::FULL_FILE;
pub use table::{
    category, search_engine, Lookup, NeedsFullTable, SearchEngine, SourceCategory, SourceTable,
    SourceTableError, SOURCE_FILE, SUBSET_BYTES, TABLE_BYTES,
};

use super::url::{strip_www, Url};
use params::CampaignParams;

/// Where one visit came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChannelTouch {
    /// Channel group, e.g. `Organic Search`.
    pub group: String,
    /// Source, e.g. `google`.
    pub source: String,
    /// Medium, e.g. `organic`.
    pub medium: String,
    /// Campaign name (`utm_campaign`).
    pub campaign: Option<String>,
    /// Search term (`utm_term`, or the keyword carried by a search-engine referrer).
    pub term: Option<String>,
    /// Name of the click-id parameter present, e.g. `gclid`.
    pub click_id: Option<String>,
    /// When the visit started.
    pub at_ms: u64,
    /// Ad content (`utm_content`).
    pub content: Option<String>,
    /// Campaign id (`utm_id`).
    pub campaign_id: Option<String>,
}

/// The result of classifying a page view's URL and referrer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VisitSource {
    /// A same-site referrer with no campaign parameters: the current session continues.
    SameSite,
    /// A new touch from outside (including Direct).
    Touch(ChannelTouch),
}

/// Classifies a page view of `url` arriving from `referrer` (`document.referrer`; `None` or an
/// empty or host-less string means no referrer) with the tables this build carries (natively
/// the full tables; in the browser the subset's best guess: see [`SourceTables`]). Never
/// panics.
pub fn classify(
    config: &ChannelConfig,
    url: &str,
    referrer: Option<&str>,
    at_ms: u64,
) -> VisitSource {
    SourceTables::default().classify(config, url, referrer, at_ms)
}

/// [`classify`] with the source tables `table`: the exact answer, or [`NeedsFullTable`] when
/// `table` is the subset and the answer depends on a key only the full tables know.
pub fn classify_with(
    config: &ChannelConfig,
    table: &SourceTable<'_>,
    url: &str,
    referrer: Option<&str>,
    at_ms: u64,
) -> Lookup<VisitSource> {
    let page = Url::parse(url);
    let tags = CampaignParams::read(&page);
    let referrer = referrer.map(Url::parse).filter(|r| !r.host.is_empty());
    let same_site = referrer
        .as_ref()
        .is_some_and(|r| is_same_site(config, &page, &r.host));
    if same_site && !tags.is_tagged() {
        return Ok(VisitSource::SameSite);
    }
    let external = referrer.filter(|_| !same_site);

    let mut term = tags.term.clone();
    let (source, medium) = if tags.source.is_some() || tags.medium.is_some() {
        let not_set = || "(not set)".to_string();
        (
            tags.source.clone().unwrap_or_else(not_set),
            tags.medium.clone().unwrap_or_else(not_set),
        )
    } else if let Some(click) = tags.click_id.filter(|c| c.paid) {
        (click.source.to_string(), click.medium.to_string())
    } else if let Some(r) = &external {
        let from = referrer::tags(r, table)?;
        term = term.or(from.term);
        (from.source, from.medium.to_string())
    } else if let Some(click) = tags.click_id {
        (click.source.to_string(), click.medium.to_string())
    } else if tags.is_tagged() {
        ("(not set)".to_string(), "(not set)".to_string())
    } else {
        ("(direct)".to_string(), "(none)".to_string())
    };

    let group = rules::group(
        config,
        &rules::Tags {
            source: &source,
            medium: &medium,
            campaign: tags.campaign.as_deref().unwrap_or(""),
        },
        table,
    )?;
    Ok(VisitSource::Touch(ChannelTouch {
        group,
        source,
        medium,
        campaign: tags.campaign,
        term,
        click_id: tags.click_id.map(|c| c.name.to_string()),
        at_ms,
        content: tags.content,
        campaign_id: tags.campaign_id,
    }))
}

/// Whether a referrer on `host` belongs to the site of `page`.
fn is_same_site(config: &ChannelConfig, page: &Url<'_>, host: &str) -> bool {
    let own = page.host_without_www();
    (!own.is_empty() && strip_www(host) == own)
        || config
            .site_hosts
            .iter()
            .any(|h| config::host_matches(host, h))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn touch(url: &str, referrer: Option<&str>) -> ChannelTouch {
        match classify(&ChannelConfig::default(), url, referrer, 7) {
            VisitSource::Touch(t) => t,
            VisitSource::SameSite => panic!("same site"),
        }
    }

    #[test]
    fn direct() {
        let t = touch("https://shop.example/", None);
        assert_eq!(
            (t.group.as_str(), t.source.as_str(), t.medium.as_str()),
            ("Direct", "(direct)", "(none)")
        );
        assert_eq!(t.at_ms, 7);
        assert_eq!(touch("https://shop.example/", Some("")).group, "Direct");
    }

    #[test]
    fn same_site_continues_unless_tagged() {
        let c = ChannelConfig {
            site_hosts: vec!["pay.example".into()],
            ..ChannelConfig::default()
        };
        let same = |url, r| classify(&c, url, Some(r), 0) == VisitSource::SameSite;
        assert!(same("https://www.shop.example/b", "https://shop.example/a"));
        assert!(same(
            "https://shop.example/b",
            "https://eu.pay.example/done"
        ));
        assert!(!same(
            "https://shop.example/b?utm_source=x",
            "https://shop.example/a"
        ));
        assert!(!same(
            "https://shop.example/b?gclid=1",
            "https://shop.example/a"
        ));
        assert!(!same(
            "https://shop.example/b",
            "https://blog.shop.example/a"
        ));
    }

    #[test]
    fn precedence_of_sources() {
        let t = touch(
            "https://s.example/?gclid=x&utm_source=news&utm_medium=email",
            Some("https://www.google.com/"),
        );
        assert_eq!((t.source.as_str(), t.group.as_str()), ("news", "Email"));
        assert_eq!(t.click_id.as_deref(), Some("gclid"));
        let t = touch(
            "https://s.example/?gclid=x",
            Some("https://www.google.com/"),
        );
        assert_eq!(
            (t.source.as_str(), t.medium.as_str(), t.group.as_str()),
            ("google", "cpc", "Paid Search")
        );
        let t = touch(
            "https://s.example/?fbclid=x",
            Some("https://l.facebook.com/"),
        );
        assert_eq!(
            (t.source.as_str(), t.group.as_str()),
            ("l.facebook.com", "Organic Social")
        );
        let t = touch("https://s.example/?fbclid=x", None);
        assert_eq!(
            (t.source.as_str(), t.group.as_str()),
            ("facebook", "Organic Social")
        );
        let t = touch("https://s.example/?utm_campaign=spring", None);
        assert_eq!(
            (t.source.as_str(), t.group.as_str()),
            ("(not set)", "Unassigned")
        );
    }

    #[test]
    fn terms_from_utm_or_referrer() {
        let t = touch(
            "https://s.example/",
            Some("https://duckduckgo.com/?q=trail+shoes"),
        );
        assert_eq!(t.term.as_deref(), Some("trail shoes"));
        let t = touch(
            "https://s.example/?utm_source=bing&utm_medium=cpc&utm_term=boots",
            None,
        );
        assert_eq!(
            (t.term.as_deref(), t.group.as_str()),
            (Some("boots"), "Paid Search")
        );
    }

    proptest! {
        #[test]
        fn never_panics(url in "\\PC*", referrer in proptest::option::of("\\PC*")) {
            let _ = classify(&ChannelConfig::default(), &url, referrer.as_deref(), 0);
        }

        #[test]
        fn never_panics_on_url_like_input(
            url in "(https?://)?[a-zA-Z0-9.%+&=?#/:_-]{0,40}",
            referrer in "(https?://)?[a-zA-Z0-9.%+&=?#/:_{}-]{0,40}",
        ) {
            let _ = classify(&ChannelConfig::default(), &url, Some(&referrer), 0);
        }
    }
}
