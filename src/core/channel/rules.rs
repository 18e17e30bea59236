//! Channel grouping: a visit's source / medium / campaign to a channel group name, by the
//! site's custom rules first and then GA4's default channel groups, first match wins, all
//! comparisons case-insensitive. Case is folded for ASCII letters only: sources, mediums and
//! campaigns are ASCII in practice, GA4's lists and patterns are, and full Unicode case tables
//! would cost the browser build about 15 KB.
//!
//! The default groups follow GA4's "Default channel group" definitions for manual traffic
//! (<https://support.google.com/analytics/answer/9756891>), in GA4's order; the regexes there
//! are implemented by hand (no regex engine in the wasm):
//! - paid medium `^(.*cp.*|ppc|retargeting|paid.*)$`,
//! - shopping campaign `^(.*(([^a-df-z]|^)shop|shopping).*)$`,
//! - video medium `^(.*video.*)$`.
//!
//! Google Ads / DV360 / SA360 integrations (ad network type, creative format) are not visible in
//! the browser; click ids stand in for them (see `params`).

use crate::core::text;
use alloc::string::{String, ToString};
use core::cell::OnceCell;

use super::config::{host_matches, ChannelConfig, ChannelRule};
use super::table::{Lookup, SourceCategory, SourceTable};

/// The group when nothing matches.
pub const UNASSIGNED: &str = "Unassigned";

/// A visit's source, medium and campaign as the rules see them.
pub(super) struct Tags<'a> {
    pub source: &'a str,
    pub medium: &'a str,
    pub campaign: &'a str,
}

/// The channel group for `tags` under `config`, the source's category read from `table`
/// (looked up once, and only if a rule needs it). The group is exact: when the category was
/// needed and only the full tables know it, the answer is [`NeedsFullTable`].
///
/// [`NeedsFullTable`]: super::table::NeedsFullTable
pub(super) fn group(
    config: &ChannelConfig,
    tags: &Tags<'_>,
    table: &SourceTable<'_>,
) -> Lookup<String> {
    let lookup = OnceCell::new();
    let category = || {
        *lookup.get_or_init(|| match config.sources.category_of(tags.source) {
            Some(c) => Ok(Some(c)),
            None => table.category(tags.source),
        })
    };
    // An unknown category reads as none here; the answer is withdrawn below.
    let known = || category().ok().flatten();
    let group = if let Some(rule) = config.rules.iter().find(|r| rule_matches(r, tags, known)) {
        rule.group.trim_ascii().to_string()
    } else if config.default_rules {
        let lower = Tags {
            source: &tags.source.trim_ascii().to_ascii_lowercase(),
            medium: &tags.medium.trim_ascii().to_ascii_lowercase(),
            campaign: &tags.campaign.trim_ascii().to_ascii_lowercase(),
        };
        ga4_default_group(&lower, known()).to_string()
    } else {
        UNASSIGNED.to_string()
    };
    match lookup.get() {
        Some(Err(e)) => Err(*e),
        _ => Ok(group),
    }
}

fn rule_matches(
    rule: &ChannelRule,
    tags: &Tags<'_>,
    category: impl Fn() -> Option<SourceCategory>,
) -> bool {
    let eq = |a: &str, b: &String| a.trim_ascii().eq_ignore_ascii_case(b.trim_ascii());
    let contains = |a: &str, b: &String| {
        text::contains(
            &a.to_ascii_lowercase(),
            &b.trim_ascii().to_ascii_lowercase(),
        )
    };
    (rule.source.is_empty() || rule.source.iter().any(|s| host_matches(tags.source, s)))
        && rule.source_category.is_none_or(|c| category() == Some(c))
        && (rule.medium.is_empty() || rule.medium.iter().any(|m| eq(tags.medium, m)))
        && rule
            .medium_contains
            .as_ref()
            .is_none_or(|m| contains(tags.medium, m))
        && (rule.campaign.is_empty() || rule.campaign.iter().any(|c| eq(tags.campaign, c)))
        && rule
            .campaign_contains
            .as_ref()
            .is_none_or(|c| contains(tags.campaign, c))
        && rule
            .paid
            .is_none_or(|p| is_paid_medium(&tags.medium.to_ascii_lowercase()) == p)
}

/// GA4's default channel group for lowercased `tags` whose source is in `category`.
fn ga4_default_group(t: &Tags<'_>, category: Option<SourceCategory>) -> &'static str {
    use SourceCategory::*;
    let (s, m, c) = (t.source, t.medium, t.campaign);
    let paid = is_paid_medium(m);
    let shopping = category == Some(Shopping) || is_shopping_campaign(c);
    let email = |v: &str| one_of(v, "email|e-mail|e_mail|e mail");
    if s == "(direct)" && matches!(m, "(not set)" | "(none)") {
        "Direct"
    } else if text::contains(c, "cross-network") {
        "Cross-network"
    } else if shopping && paid {
        "Paid Shopping"
    } else if category == Some(Search) && paid {
        "Paid Search"
    } else if category == Some(Social) && paid {
        "Paid Social"
    } else if category == Some(Video) && paid {
        "Paid Video"
    } else if one_of(m, "display|banner|expandable|interstitial|cpm") {
        "Display"
    } else if paid {
        "Paid Other"
    } else if shopping {
        "Organic Shopping"
    } else if category == Some(Social)
        || one_of(
            m,
            "social|social-network|social-media|sm|social network|social media",
        )
    {
        "Organic Social"
    } else if category == Some(Video) || text::contains(m, "video") {
        "Organic Video"
    } else if category == Some(Search) || m == "organic" {
        "Organic Search"
    } else if one_of(m, "referral|app|link") {
        "Referral"
    } else if email(s) || email(m) {
        "Email"
    } else if m == "affiliate" {
        "Affiliates"
    } else if m == "audio" {
        "Audio"
    } else if s == "sms" || m == "sms" {
        "SMS"
    } else if m.ends_with("push")
        || text::contains(m, "mobile")
        || text::contains(m, "notification")
        || s == "firebase"
    {
        "Mobile Push Notifications"
    } else {
        UNASSIGNED
    }
}

/// Whether `v` is one of the `|`-separated `words`, GA4's `^(a|b|c)$`: one loop over a string
/// rather than a comparison call per word (less wasm).
fn one_of(v: &str, words: &str) -> bool {
    text::split(words, b'|').any(|w| w == v)
}

/// `^(.*cp.*|ppc|retargeting|paid.*)$` on a lowercased medium.
pub(super) fn is_paid_medium(m: &str) -> bool {
    text::contains(m, "cp") || m == "ppc" || m == "retargeting" || m.starts_with("paid")
}

/// `^(.*(([^a-df-z]|^)shop|shopping).*)$` on a lowercased campaign: `shopping` anywhere, or
/// `shop` at the start or after any character but a lowercase letter other than `e`. One loop
/// over the bytes rather than `contains` and a `positions` iterator: less wasm.
fn is_shopping_campaign(c: &str) -> bool {
    let mut rest = c.as_bytes();
    // The byte before `rest`: for a multi-byte character, a continuation byte, which (like the
    // character) is not a lowercase ASCII letter.
    let mut before = None;
    while let Some((&b, tail)) = rest.split_first() {
        if rest.starts_with(b"shopping")
            || (rest.starts_with(b"shop")
                && before.is_none_or(|p: u8| p == b'e' || !p.is_ascii_lowercase()))
        {
            return true;
        }
        before = Some(b);
        rest = tail;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full_group(config: &ChannelConfig, tags: &Tags<'_>) -> String {
        group(config, tags, &SourceTable::full()).unwrap()
    }

    fn g(source: &str, medium: &str, campaign: &str) -> String {
        group(
            &ChannelConfig::default(),
            &Tags {
                source,
                medium,
                campaign,
            },
            &SourceTable::full(),
        )
        .unwrap()
    }

    #[test]
    fn hand_written_regexes() {
        for m in [
            "cpc",
            "xcpx",
            "ppc",
            "retargeting",
            "paid",
            "paid_social",
            "cpm",
        ] {
            assert!(is_paid_medium(m), "{m}");
        }
        for m in ["ppcx", "retargeting2", "unpaid", "c-p", "organic"] {
            assert!(!is_paid_medium(m), "{m}");
        }
        for c in [
            "shop",
            "eshop",
            "summer-shop",
            "shopping",
            "my shop",
            "1shop",
            "workshopping",
        ] {
            assert!(is_shopping_campaign(c), "{c}");
        }
        for c in ["workshop", "bishop", "shpo", "", "spring_sale"] {
            assert!(!is_shopping_campaign(c), "{c}");
        }
        assert!(one_of("social media", "social|social media"));
        assert!(one_of("", "a|"));
        for v in ["soc", "social-", "a|b", ""] {
            assert!(!one_of(v, "social|a|b"), "{v}");
        }
    }

    #[test]
    fn default_groups_in_order() {
        assert_eq!(g("(direct)", "(none)", ""), "Direct");
        assert_eq!(g("google", "cpc", "q3 cross-network"), "Cross-network");
        assert_eq!(g("google", "cpc", "summer shop"), "Paid Shopping");
        assert_eq!(g("Google", "CPC", ""), "Paid Search");
        assert_eq!(g("facebook", "paid", ""), "Paid Social");
        assert_eq!(g("youtube.com", "ppc", ""), "Paid Video");
        assert_eq!(g("dv360", "cpm", ""), "Display");
        assert_eq!(g("newsletter-partner", "cpa", ""), "Paid Other");
        assert_eq!(g("IGShopping", "referral", ""), "Organic Shopping");
        assert_eq!(g("t.co", "referral", ""), "Organic Social");
        assert_eq!(g("vimeo", "referral", ""), "Organic Video");
        assert_eq!(g("duckduckgo", "referral", ""), "Organic Search");
        assert_eq!(g("blog.example", "referral", ""), "Referral");
        assert_eq!(g("newsletter", "e-mail", ""), "Email");
        assert_eq!(g("partner", "affiliate", ""), "Affiliates");
        assert_eq!(g("spotify-ads", "audio", ""), "Audio");
        assert_eq!(g("sms", "text", ""), "SMS");
        assert_eq!(g("firebase", "(not set)", ""), "Mobile Push Notifications");
        assert_eq!(g("chatgpt.com", "(not set)", ""), "Unassigned");
    }

    #[test]
    fn custom_rules_come_first_or_replace_defaults() {
        let mut config: ChannelConfig = serde_json::from_str(
            r#"{"rules": [
                {"group": "Partners", "source": ["partner.example"], "campaign_contains": "Q3"},
                {"group": "AI Assistants", "source_category": "ai"},
                {"group": "Paid Anything", "paid": true, "medium_contains": "x"}
            ]}"#,
        )
        .unwrap();
        let tags = |source, medium, campaign| Tags {
            source,
            medium,
            campaign,
        };
        assert_eq!(
            full_group(
                &config,
                &tags("www.Partner.example", "referral", "q3-launch")
            ),
            "Partners"
        );
        assert_eq!(
            full_group(&config, &tags("partner.example", "referral", "")),
            "Referral"
        );
        assert_eq!(
            full_group(&config, &tags("chatgpt.com", "referral", "")),
            "AI Assistants"
        );
        assert_eq!(
            full_group(&config, &tags("google", "cpx", "")),
            "Paid Anything"
        );
        assert_eq!(
            full_group(&config, &tags("google", "cpc", "")),
            "Paid Search"
        );
        config.default_rules = false;
        assert_eq!(full_group(&config, &tags("google", "cpc", "")), UNASSIGNED);
    }

    #[test]
    fn site_source_lists_extend_the_defaults() {
        let config: ChannelConfig =
            serde_json::from_str(r#"{"sources": {"search": ["find.example"]}}"#).unwrap();
        let tags = Tags {
            source: "www.find.example",
            medium: "referral",
            campaign: "",
        };
        assert_eq!(full_group(&config, &tags), "Organic Search");
    }
}
