//! The `$.channels` section of the config: the site's own hosts, extra entries for the source
//! lists, and custom rules evaluated before (or instead of) GA4's default channel groups, with
//! validation that names the JSON path of each problem.

use alloc::{format, string::String, vec::Vec};
use serde::Deserialize;

use super::table::SourceCategory;
use crate::core::error::ConfigError;

/// Channel settings from config (`$.channels`). `Default` is GA4's default channel groups with
/// no custom rules.
///
/// ```
/// use trailmark::core::channel::ChannelConfig;
/// let config: ChannelConfig = serde_json::from_str(r#"{
///     "site_hosts": ["shop.example", "checkout.example"],
///     "sources": { "search": ["intranet-search.example"] },
///     "rules": [
///         { "group": "Partners", "source": ["partner.example"] },
///         { "group": "AI Assistants", "source_category": "ai" }
///     ]
/// }"#).unwrap();
/// let mut errors = Vec::new();
/// config.validate("$.channels", &mut errors);
/// assert!(errors.is_empty());
/// ```
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, default)]
pub struct ChannelConfig {
    /// The site's own hosts besides the page's host (e.g. a separate checkout domain). A referrer
    /// on one of them, or on a subdomain of one, is same-site. Compared without `www.`.
    pub site_hosts: Vec<String>,
    /// Extra sources added to the bundled search / social / shopping / video / AI lists.
    pub sources: SourceLists,
    /// Custom rules, evaluated in order before the default groups; the first match wins.
    pub rules: Vec<ChannelRule>,
    /// Whether GA4's default channel groups run after the custom rules (default `true`). With
    /// `false` only `rules` apply, and a visit no rule matches is `Unassigned`.
    pub default_rules: bool,
}

impl Default for ChannelConfig {
    fn default() -> Self {
        ChannelConfig {
            site_hosts: Vec::new(),
            sources: SourceLists::default(),
            rules: Vec::new(),
            default_rules: true,
        }
    }
}

/// Sources a site adds to the bundled lists (bare names like `mysearch` or hosts like
/// `search.example`; a host also covers its subdomains).
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, default)]
pub struct SourceLists {
    /// Extra search sites.
    pub search: Vec<String>,
    /// Extra social sites.
    pub social: Vec<String>,
    /// Extra shopping sites.
    pub shopping: Vec<String>,
    /// Extra video sites.
    pub video: Vec<String>,
    /// Extra AI assistants.
    pub ai: Vec<String>,
}

impl SourceLists {
    /// The category a site listed `source` under, if any.
    pub fn category_of(&self, source: &str) -> Option<SourceCategory> {
        let lists = [
            (&self.search, SourceCategory::Search),
            (&self.social, SourceCategory::Social),
            (&self.shopping, SourceCategory::Shopping),
            (&self.video, SourceCategory::Video),
            (&self.ai, SourceCategory::Ai),
        ];
        lists
            .into_iter()
            .find(|(list, _)| list.iter().any(|entry| host_matches(source, entry)))
            .map(|(_, c)| c)
    }
}

/// One custom rule: every condition given must hold (case-insensitive); a rule with no
/// condition matches every visit.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, default)]
pub struct ChannelRule {
    /// The channel group to assign, e.g. `Partners`.
    pub group: String,
    /// Source is one of these (a host entry also matches its subdomains and `www.`).
    pub source: Vec<String>,
    /// Source belongs to this category (bundled lists plus `sources`).
    pub source_category: Option<SourceCategory>,
    /// Medium is one of these.
    pub medium: Vec<String>,
    /// Medium contains this text.
    pub medium_contains: Option<String>,
    /// Campaign is one of these.
    pub campaign: Vec<String>,
    /// Campaign contains this text.
    pub campaign_contains: Option<String>,
    /// Whether the medium is paid by GA4's regex `^(.*cp.*|ppc|retargeting|paid.*)$`.
    pub paid: Option<bool>,
}

impl ChannelConfig {
    /// Checks the settings, pushing every problem with its JSON path under `path`.
    pub fn validate(&self, path: &str, errors: &mut Vec<ConfigError>) {
        for (i, host) in self.site_hosts.iter().enumerate() {
            check_host(&format!("{path}.site_hosts[{i}]"), host, errors);
        }
        let lists = [
            ("search", &self.sources.search),
            ("social", &self.sources.social),
            ("shopping", &self.sources.shopping),
            ("video", &self.sources.video),
            ("ai", &self.sources.ai),
        ];
        for (name, list) in lists {
            for (i, source) in list.iter().enumerate() {
                check_text(&format!("{path}.sources.{name}[{i}]"), source, errors);
            }
        }
        for (i, rule) in self.rules.iter().enumerate() {
            rule.validate(&format!("{path}.rules[{i}]"), errors);
        }
        if !self.default_rules && self.rules.is_empty() {
            errors.push(ConfigError::new(
                format!("{path}.rules"),
                "must not be empty when default_rules is false",
            ));
        }
    }
}

impl ChannelRule {
    fn validate(&self, path: &str, errors: &mut Vec<ConfigError>) {
        if self.group.trim().is_empty() {
            errors.push(ConfigError::new(
                format!("{path}.group"),
                "must not be empty",
            ));
        }
        let lists = [
            ("source", &self.source),
            ("medium", &self.medium),
            ("campaign", &self.campaign),
        ];
        for (name, list) in lists {
            for (i, value) in list.iter().enumerate() {
                check_text(&format!("{path}.{name}[{i}]"), value, errors);
            }
        }
        for (name, value) in [
            ("medium_contains", &self.medium_contains),
            ("campaign_contains", &self.campaign_contains),
        ] {
            if let Some(value) = value {
                check_text(&format!("{path}.{name}"), value, errors);
            }
        }
    }
}

fn check_text(path: &str, value: &str, errors: &mut Vec<ConfigError>) {
    if value.trim().is_empty() {
        errors.push(ConfigError::new(path, "must not be empty"));
    }
}

fn check_host(path: &str, host: &str, errors: &mut Vec<ConfigError>) {
    if host.trim().is_empty() {
        errors.push(ConfigError::new(path, "must not be empty"));
    } else if host.contains(['/', ':', '?', '#', ' ']) {
        errors.push(ConfigError::new(
            path,
            "must be a bare host like `shop.example`, not a URL",
        ));
    }
}

/// Whether `value` (a source or host) is `entry` or a subdomain of it, ignoring case and `www.`.
pub(super) fn host_matches(value: &str, entry: &str) -> bool {
    let value = crate::core::url::strip_www(value.trim_ascii());
    let entry = crate::core::url::strip_www(entry.trim_ascii());
    if entry.is_empty() {
        return false;
    }
    if value.eq_ignore_ascii_case(entry) {
        return true;
    }
    value.len() > entry.len()
        && value.is_char_boundary(value.len() - entry.len())
        && value.as_bytes()[value.len() - entry.len() - 1] == b'.'
        && value
            .get(value.len() - entry.len()..)
            .is_some_and(|tail| tail.eq_ignore_ascii_case(entry))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors_of(json: &str) -> Vec<String> {
        let config: ChannelConfig = serde_json::from_str(json).unwrap();
        let mut errors = Vec::new();
        config.validate("$.channels", &mut errors);
        errors.iter().map(|e| e.to_string()).collect()
    }

    #[test]
    fn defaults_are_ga4() {
        let config: ChannelConfig = serde_json::from_str("{}").unwrap();
        assert_eq!(config, ChannelConfig::default());
        assert!(config.default_rules);
        assert!(errors_of("{}").is_empty());
    }

    #[test]
    fn unknown_fields_are_rejected() {
        assert!(serde_json::from_str::<ChannelConfig>(r#"{"rulez": []}"#).is_err());
        assert!(
            serde_json::from_str::<ChannelConfig>(r#"{"rules": [{"group": "A", "x": 1}]}"#)
                .is_err()
        );
        assert!(serde_json::from_str::<ChannelConfig>(r#"{"sources": {"email": []}}"#).is_err());
    }

    #[test]
    fn problems_name_their_paths() {
        let errors = errors_of(
            r#"{"site_hosts": ["ok.example", "https://bad.example/"],
                "sources": {"social": [" "]},
                "rules": [{"group": "A"}, {"group": "B"}, {"group": "", "medium": [""],
                           "campaign_contains": ""}]}"#,
        );
        assert_eq!(
            errors,
            [
                "$.channels.site_hosts[1]: must be a bare host like `shop.example`, not a URL",
                "$.channels.sources.social[0]: must not be empty",
                "$.channels.rules[2].group: must not be empty",
                "$.channels.rules[2].medium[0]: must not be empty",
                "$.channels.rules[2].campaign_contains: must not be empty",
            ]
        );
        assert_eq!(
            errors_of(r#"{"default_rules": false}"#),
            ["$.channels.rules: must not be empty when default_rules is false"]
        );
    }

    #[test]
    fn hosts_match_subdomains_and_www() {
        assert!(host_matches("www.Shop.example", "shop.example"));
        assert!(host_matches("eu.shop.example", "shop.example"));
        assert!(!host_matches("myshop.example", "shop.example"));
        assert!(!host_matches("shop.example", ""));
        assert!(!host_matches("é.example", "xample"));
        let lists = SourceLists {
            video: vec!["tube.example".into()],
            ..SourceLists::default()
        };
        assert_eq!(
            lists.category_of("m.tube.example"),
            Some(SourceCategory::Video)
        );
    }
}
