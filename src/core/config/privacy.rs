//! `$.privacy`: consent defaults, which consent signals of the page Trailmark listens to (IAB TCF
//! v2.2, Google Consent Mode v2, Global Privacy Control), whether a cross-site iframe may store,
//! and the optional export to the site's own collector. The engine does not use it; it is
//! validated here so that `trailmark lint`, the JSON Schema and the browser runtime agree, and
//! the browser runtime reads the validated values through `Runtime::privacy`. What each consent
//! state allows is documented in the README's privacy section.

use alloc::{format, string::String, vec::Vec};
use serde::Deserialize;
use serde_json::Value;

use super::reader::Fields;
use crate::core::error::ConfigError;

/// Privacy settings. Every field is optional.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, default)]
pub struct PrivacyConfig {
    /// Each purpose's value while no consent signal (a `consent()` call, a TCF CMP, Google
    /// Consent Mode) has decided it. Default: functional and personalization granted,
    /// measurement (export) not.
    pub consent: ConsentDefaults,
    /// Follow an IAB TCF v2.2 CMP (`__tcfapi`) when the page has one. Default true.
    pub tcf: bool,
    /// Follow Google Consent Mode v2 (`gtag('consent', ...)` commands in `dataLayer`). Default
    /// true.
    pub consent_mode: bool,
    /// What a visitor whose browser sends Global Privacy Control still allows.
    pub gpc: GpcConfig,
    /// Whether Trailmark may store in a cross-site iframe (embedded in another site's page).
    /// Default false: memory only there.
    pub iframe_storage: bool,
    /// Send touchpoints to the site's own collector (Segment batch format). Off when absent.
    pub export: Option<ExportConfig>,
}

/// Default value of each consent purpose.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, default)]
pub struct ConsentDefaults {
    /// Keep the profile in the browser's storage across pages. Default true.
    pub functional: bool,
    /// Personalise content from the profile. Default true.
    pub personalization: bool,
    /// Send touchpoints to the configured export endpoint. Default false.
    pub measurement: bool,
}

impl Default for ConsentDefaults {
    fn default() -> Self {
        ConsentDefaults {
            functional: true,
            personalization: true,
            measurement: false,
        }
    }
}

/// What Global Privacy Control (`navigator.globalPrivacyControl === true`) still allows.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, default)]
pub struct GpcConfig {
    /// Export despite GPC. Default false: GPC blocks export.
    pub export: bool,
    /// Personalise locally despite GPC. Default true.
    pub personalization: bool,
}

impl Default for GpcConfig {
    fn default() -> Self {
        GpcConfig {
            export: false,
            personalization: true,
        }
    }
}

/// The opt-in export of touchpoints to the site's collector.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ExportConfig {
    /// The collector's batch endpoint: an `https://` (or `http://`) URL or a path on this site
    /// starting with `/`. It receives `POST`s of Segment `batch` payloads.
    pub url: String,
    /// Events per request at most (1..=100). Default 20.
    #[serde(default = "default_batch_size")]
    pub batch_size: u32,
    /// Seconds an event waits for more to batch with while the page is open (1..=3600).
    /// Default 5.
    #[serde(default = "default_flush_seconds")]
    pub flush_seconds: u32,
    /// Events kept while the collector cannot be reached (1..=10000); the oldest are dropped
    /// beyond it. Default 1000.
    #[serde(default = "default_max_queue")]
    pub max_queue: u32,
    /// First retry delay in milliseconds (100..=60000), doubled after each failure (with
    /// jitter, at most 5 minutes). Default 1000.
    #[serde(default = "default_retry_ms")]
    pub retry_ms: u32,
}

fn default_batch_size() -> u32 {
    20
}
fn default_flush_seconds() -> u32 {
    5
}
fn default_max_queue() -> u32 {
    1000
}
fn default_retry_ms() -> u32 {
    1000
}

impl Default for PrivacyConfig {
    fn default() -> Self {
        PrivacyConfig {
            consent: ConsentDefaults::default(),
            tcf: true,
            consent_mode: true,
            gpc: GpcConfig::default(),
            iframe_storage: false,
            export: None,
        }
    }
}

impl PrivacyConfig {
    /// The settings as the browser runtime reads them (the config's own field names).
    pub fn to_json(&self) -> Value {
        let mut consent = serde_json::Map::new();
        consent.insert("functional".into(), self.consent.functional.into());
        consent.insert(
            "personalization".into(),
            self.consent.personalization.into(),
        );
        consent.insert("measurement".into(), self.consent.measurement.into());
        let mut gpc = serde_json::Map::new();
        gpc.insert("export".into(), self.gpc.export.into());
        gpc.insert("personalization".into(), self.gpc.personalization.into());
        let export = self.export.as_ref().map_or(Value::Null, |e| {
            let mut o = serde_json::Map::new();
            o.insert("url".into(), e.url.as_str().into());
            o.insert("batch_size".into(), e.batch_size.into());
            o.insert("flush_seconds".into(), e.flush_seconds.into());
            o.insert("max_queue".into(), e.max_queue.into());
            o.insert("retry_ms".into(), e.retry_ms.into());
            Value::Object(o)
        });
        let mut o = serde_json::Map::new();
        o.insert("consent".into(), Value::Object(consent));
        o.insert("tcf".into(), self.tcf.into());
        o.insert("consent_mode".into(), self.consent_mode.into());
        o.insert("gpc".into(), Value::Object(gpc));
        o.insert("iframe_storage".into(), self.iframe_storage.into());
        o.insert("export".into(), export);
        Value::Object(o)
    }
}

const KEYS: &[&str] = &[
    "consent",
    "tcf",
    "consent_mode",
    "gpc",
    "iframe_storage",
    "export",
];
const CONSENT_KEYS: &[&str] = &["functional", "personalization", "measurement"];
const GPC_KEYS: &[&str] = &["export", "personalization"];
const EXPORT_KEYS: &[&str] = &[
    "url",
    "batch_size",
    "flush_seconds",
    "max_queue",
    "retry_ms",
];

/// Reads `$.privacy`, reporting every problem; a part with a problem keeps its default (an
/// export with a problem is off).
pub(super) fn read(value: Option<&Value>, errors: &mut Vec<ConfigError>) -> PrivacyConfig {
    let mut p = PrivacyConfig::default();
    let Some(value) = value else { return p };
    let Some(mut f) = Fields::of(value, "$.privacy".into(), KEYS, errors) else {
        return p;
    };
    p.tcf = f.bool_or("tcf", true);
    p.consent_mode = f.bool_or("consent_mode", true);
    p.iframe_storage = f.bool_or("iframe_storage", false);
    let consent = f.get("consent");
    let gpc = f.get("gpc");
    let export = f.get("export");
    if let Some(v) = consent {
        if let Some(mut c) = Fields::of(v, "$.privacy.consent".into(), CONSENT_KEYS, errors) {
            let d = ConsentDefaults::default();
            p.consent = ConsentDefaults {
                functional: c.bool_or("functional", d.functional),
                personalization: c.bool_or("personalization", d.personalization),
                measurement: c.bool_or("measurement", d.measurement),
            };
        }
    }
    if let Some(v) = gpc {
        if let Some(mut g) = Fields::of(v, "$.privacy.gpc".into(), GPC_KEYS, errors) {
            p.gpc = GpcConfig {
                export: g.bool_or("export", false),
                personalization: g.bool_or("personalization", true),
            };
        }
    }
    if let Some(v) = export {
        p.export = read_export(v, errors);
    }
    p
}

fn read_export(v: &Value, errors: &mut Vec<ConfigError>) -> Option<ExportConfig> {
    let before = errors.len();
    let mut f = Fields::of(v, "$.privacy.export".into(), EXPORT_KEYS, errors)?;
    let url = f.string("url");
    let batch_size = ranged(&mut f, "batch_size", 20, (1, 100, "1..=100"));
    let flush_seconds = ranged(&mut f, "flush_seconds", 5, (1, 3600, "1..=3600"));
    let max_queue = ranged(&mut f, "max_queue", 1000, (1, 10_000, "1..=10000"));
    let retry_ms = ranged(&mut f, "retry_ms", 1000, (100, 60_000, "100..=60000"));
    if let Some(u) = &url {
        let ok = u.starts_with("https://") || u.starts_with("http://") || u.starts_with('/');
        if !ok || u.len() > 2000 || u.chars().any(|c| c.is_whitespace()) {
            f.error(
                "$.privacy.export.url".into(),
                "must be an http(s) URL or a path starting with '/', without spaces",
            );
        }
    }
    let out = ExportConfig {
        url: url?,
        batch_size,
        flush_seconds,
        max_queue,
        retry_ms,
    };
    (errors.len() == before).then_some(out)
}

/// A whole number in `lo..=hi` (`text` names the range), else an error at its path.
fn ranged(
    f: &mut Fields<'_, '_>,
    key: &str,
    default: u32,
    (lo, hi, text): (u32, u32, &str),
) -> u32 {
    let n = f.u32_or(key, default);
    if n < lo || n > hi {
        let path = super::reader::join("$.privacy.export", key);
        f.error(path, format!("must be in {text}"));
    }
    n
}

#[cfg(test)]
mod tests {
    use crate::core::Config;

    fn errors(text: &str) -> Vec<(String, String)> {
        Config::from_json(text)
            .unwrap_err()
            .into_iter()
            .map(|e| (e.path, e.message))
            .collect()
    }

    #[test]
    fn defaults_keep_everything_local_and_export_off() {
        let p = Config::from_json("{}").unwrap().privacy;
        assert!(p.consent.functional && p.consent.personalization && !p.consent.measurement);
        assert!(p.tcf && p.consent_mode && !p.iframe_storage);
        assert!(!p.gpc.export && p.gpc.personalization);
        assert_eq!(p.export, None);
    }

    #[test]
    fn export_reads_with_defaults() {
        let p = Config::from_json(
            r#"{"privacy": {"export": {"url": "/collect"}, "gpc": {"personalization": false}}}"#,
        )
        .unwrap()
        .privacy;
        let e = p.export.unwrap();
        assert_eq!(
            (
                e.url.as_str(),
                e.batch_size,
                e.flush_seconds,
                e.max_queue,
                e.retry_ms
            ),
            ("/collect", 20, 5, 1000, 1000)
        );
        assert!(!p.gpc.personalization && !p.gpc.export);
    }

    #[test]
    fn every_problem_is_reported_with_its_path() {
        let e = errors(
            r#"{"privacy": {"tcf": 1, "consent": {"measurment": true}, "gpc": {"export": "no"},
                "export": {"url": "javascript:alert(1)", "batch_size": 0, "retry_ms": 10}}}"#,
        );
        let paths: Vec<&str> = e.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            paths,
            [
                "$.privacy.tcf",
                "$.privacy.consent.measurment",
                "$.privacy.gpc.export",
                "$.privacy.export.batch_size",
                "$.privacy.export.retry_ms",
                "$.privacy.export.url",
            ]
        );
        assert!(e[1].1.contains("did you mean"), "{:?}", e[1]);
        assert_eq!(
            errors(r#"{"privacy": {"export": {}}}"#)[0].0,
            "$.privacy.export"
        );
    }
}
