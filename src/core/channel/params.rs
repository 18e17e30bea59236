//! Campaign parameters on the landing URL: the UTM tags and the ad networks' click ids.
//!
//! Click ids stand in for the ad-platform integrations GA4 has and the browser does not:
//! `gclid` / `gbraid` / `wbraid` mean `google / cpc`, `msclkid` `bing / cpc`, `dclid`
//! `google / display` (Display & Video 360), `ttclid` `tiktok / cpc`, `twclid` `twitter / cpc`
//! and `li_fat_id` `linkedin / cpc` (these three are only added to ad clicks). `fbclid` is
//! different: Meta adds it to organic links too, so it never means paid; it only names
//! `facebook / referral` (Organic Social) when the visit has no external referrer (in-app
//! browsers often send none). Manual UTM tags win over click ids for source and medium.

use crate::core::url::Url;
use alloc::string::{String, ToString};

/// A click id parameter and the source / medium it implies.
pub(super) struct ClickId {
    /// Parameter name, e.g. `gclid`.
    pub name: &'static str,
    /// Implied source.
    pub source: &'static str,
    /// Implied medium.
    pub medium: &'static str,
    /// Whether the id only appears on ad clicks (and so beats the referrer).
    pub paid: bool,
}

const CLICK_IDS: [ClickId; 9] = [
    ClickId {
        name: "gclid",
        source: "google",
        medium: "cpc",
        paid: true,
    },
    ClickId {
        name: "gbraid",
        source: "google",
        medium: "cpc",
        paid: true,
    },
    ClickId {
        name: "wbraid",
        source: "google",
        medium: "cpc",
        paid: true,
    },
    ClickId {
        name: "dclid",
        source: "google",
        medium: "display",
        paid: true,
    },
    ClickId {
        name: "msclkid",
        source: "bing",
        medium: "cpc",
        paid: true,
    },
    ClickId {
        name: "ttclid",
        source: "tiktok",
        medium: "cpc",
        paid: true,
    },
    ClickId {
        name: "twclid",
        source: "twitter",
        medium: "cpc",
        paid: true,
    },
    ClickId {
        name: "li_fat_id",
        source: "linkedin",
        medium: "cpc",
        paid: true,
    },
    ClickId {
        name: "fbclid",
        source: "facebook",
        medium: "referral",
        paid: false,
    },
];

/// The campaign tags of a landing URL; empty values count as absent.
#[derive(Default)]
pub(super) struct CampaignParams {
    pub source: Option<String>,
    pub medium: Option<String>,
    pub campaign: Option<String>,
    pub term: Option<String>,
    pub content: Option<String>,
    pub campaign_id: Option<String>,
    pub click_id: Option<&'static ClickId>,
}

impl CampaignParams {
    /// Reads the UTM tags and the first known click id (in the order listed above).
    pub fn read(page: &Url<'_>) -> CampaignParams {
        let utm = |name: &str| {
            page.param(name)
                .map(|v| v.trim_ascii().to_string())
                .filter(|v| !v.is_empty())
        };
        CampaignParams {
            source: utm("utm_source"),
            medium: utm("utm_medium"),
            campaign: utm("utm_campaign"),
            term: utm("utm_term"),
            content: utm("utm_content"),
            campaign_id: utm("utm_id"),
            click_id: CLICK_IDS.iter().find(|c| {
                page.param(c.name)
                    .is_some_and(|v| !v.trim_ascii().is_empty())
            }),
        }
    }

    /// Whether the URL is tagged at all: such a visit starts a new touch even from the same site.
    pub fn is_tagged(&self) -> bool {
        self.source.is_some()
            || self.medium.is_some()
            || self.campaign.is_some()
            || self.campaign_id.is_some()
            || self.click_id.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_utm_and_click_ids() {
        let url = Url::parse(
            "https://s.example/?UTM_SOURCE=News%20Letter&utm_medium=&utm_term=a+b&msclkid=1&gclid=2",
        );
        let p = CampaignParams::read(&url);
        assert_eq!(p.source.as_deref(), Some("News Letter"));
        assert_eq!(p.medium, None, "empty values are absent");
        assert_eq!(p.term.as_deref(), Some("a b"));
        assert_eq!(
            p.click_id.map(|c| c.name),
            Some("gclid"),
            "list order, not URL order"
        );
        assert!(p.is_tagged());
    }

    #[test]
    fn untagged_urls() {
        let p = CampaignParams::read(&Url::parse("https://s.example/p?utm_content=x&gclid="));
        assert!(
            !p.is_tagged(),
            "utm_content alone or an empty click id is not a campaign"
        );
        assert_eq!(p.content.as_deref(), Some("x"));
    }
}
