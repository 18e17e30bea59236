//! Channel classification (placeholder interface; being implemented).

use serde::Deserialize;

use super::error::ConfigError;

/// Channel settings from config (`$.channels`). `Default` is GA4's default channel groups.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelConfig {}

impl ChannelConfig {
    /// Checks the settings, pushing every problem with its JSON path under `path`.
    pub fn validate(&self, path: &str, errors: &mut Vec<ConfigError>) {
        let _ = (path, errors);
    }
}

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
}

/// The result of classifying a page view's URL and referrer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VisitSource {
    /// A same-site referrer with no campaign parameters: the current session continues.
    SameSite,
    /// A new touch from outside (including Direct).
    Touch(ChannelTouch),
}

/// Classifies a page view of `url` arriving from `referrer`.
pub fn classify(
    config: &ChannelConfig,
    url: &str,
    referrer: Option<&str>,
    at_ms: u64,
) -> VisitSource {
    let _ = (config, url, referrer);
    VisitSource::Touch(ChannelTouch {
        group: "Direct".into(),
        source: "(direct)".into(),
        medium: "(none)".into(),
        campaign: None,
        term: None,
        click_id: None,
        at_ms,
    })
}
