//! The compiled config: a validated [`Config`] as compact bytes, so the first-load wasm can
//! start from it without a JSON reader, a validator or the condition parser (together about
//! 80 KB of the wasm, 27 KB brotli).
//!
//! The site's JSON config stays the source of truth: `trailmark config compile` (or the
//! lazily loaded compiler wasm, in the browser) validates it with [`Config::parse`], reporting
//! every problem with its JSON path, then writes [`compiled_document`], a small JSON document
//! holding these bytes (base64) plus the few sections the browser's JavaScript reads itself.
//!
//! Layout: `TMC` + format version byte, then the config's fields in declaration order, then
//! the FNV-1a 32-bit hash of everything before it (little-endian). Integers are LEB128
//! varints, `f64` its 8 little-endian bytes, strings and lists a varint length then the items,
//! `Option` a presence byte, enums a variant byte then their payload. Conditions keep their
//! text (for explanations) and their parsed expression (see `condition::compiled`).
//!
//! Decoding never panics, checks every length against the bytes left before allocating, and
//! names what went wrong; a compiled config is tied to its format version, so an old file gives
//! a clear "recompile" error rather than a misread.

use alloc::{boxed::Box, string::String, vec::Vec};
use serde_json::Value;

use super::{
    ArmDef, CaptureConfig, Config, ConsentDefaults, DataLayer, ExperimentDef, ExportConfig, Fact,
    FatigueConfig, GpcConfig, InferenceConfig, LifecycleConfig, MicroJourneyDef, PrivacyConfig,
    PromptDef, PromptKind, PromptTrigger, RecommendConfig, RetentionConfig, SessionConfig, Signal,
    SlotDef, SlotRule, StageDef, StepDef, SurveyKind, Thresholds,
};
use crate::core::channel::{ChannelConfig, ChannelRule, SourceCategory, SourceLists};
use crate::core::codec::wire::Reader;
use crate::core::condition::Condition;
use crate::core::error::{CodecError, ConfigError};
use crate::core::map::SortedMap;

const MAGIC: &[u8; 3] = b"TMC";
/// The compiled format's version. Any change to the layout or to a config type bumps it.
pub const FORMAT: u8 = 1;

/// Appends a value's compiled form.
#[derive(Default)]
pub(crate) struct Out(Vec<u8>);

/// Reads compiled values: the persisted state's [`Reader`] (one copy of its byte, varint,
/// length and slice reads in the wasm; its varints are strict, refusing encodings longer than
/// needed, which `Out` never writes). Malformed input marks it failed and
/// reads as zeros and empties from then on, rather than returning early: early returns from
/// half-built structs cost the wasm a drop path per field (about 10 KB over the whole config).
/// Which error the reader records does not matter: any makes the config "damaged".
pub(crate) struct In<'a>(Reader<'a>);

/// A type with a compiled form. `get` never panics; on malformed input it marks the reader
/// failed ([`In::fail`]) and returns some value, which the caller then discards.
///
/// The `get`s of structs, `Option`s, `Vec`s, maps and the enums with payloads are
/// `#[inline(never)]`: inlined, each field's reading was repeated in every struct holding that
/// type, and the whole config's decoder grew into one 7 KB function (1.0 KB brotli more).
/// Field-less enums' and primitives' `get`s stay inlinable (never inlining the field-less
/// enums' cost 0.1 KB).
pub(crate) trait Wire: Sized {
    fn put(&self, o: &mut Out);
    fn get(r: &mut In<'_>) -> Self;
}

impl Out {
    #[cfg(test)]
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.0
    }

    pub(crate) fn byte(&mut self, b: u8) {
        self.0.push(b);
    }

    pub(crate) fn varint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.0.push(v as u8 | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
    }
}

impl<'a> In<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> In<'a> {
        In(Reader::new(bytes))
    }

    /// Whether everything read so far was well-formed and every byte was read.
    pub(crate) fn done(&self) -> bool {
        self.0.done()
    }

    /// Whether something read so far was malformed.
    fn bad(&self) -> bool {
        self.0.failed()
    }

    /// Marks the input malformed; reads return zeros from now on.
    pub(crate) fn fail(&mut self) {
        self.0.fail(CodecError::Truncated);
    }

    pub(crate) fn byte(&mut self) -> u8 {
        self.0.byte()
    }

    pub(crate) fn varint(&mut self) -> u64 {
        self.0.varint()
    }

    /// A length, refused when fewer bytes are left than items (every item takes at least one
    /// byte), so hostile input cannot make the decoder allocate more than its own size.
    pub(crate) fn len(&mut self) -> usize {
        self.0.len()
    }

    /// A tag below `n`; anything else marks the input malformed (and reads as 0).
    pub(crate) fn tag(&mut self, n: u8) -> u8 {
        let t = self.byte();
        if t < n {
            t
        } else {
            self.fail();
            0
        }
    }
}

impl Wire for bool {
    fn put(&self, o: &mut Out) {
        o.byte(u8::from(*self));
    }
    fn get(r: &mut In<'_>) -> bool {
        r.tag(2) == 1
    }
}

impl Wire for u8 {
    fn put(&self, o: &mut Out) {
        o.byte(*self);
    }
    fn get(r: &mut In<'_>) -> u8 {
        r.byte()
    }
}

impl Wire for u32 {
    fn put(&self, o: &mut Out) {
        o.varint(u64::from(*self));
    }
    fn get(r: &mut In<'_>) -> u32 {
        r.0.u32()
    }
}

impl Wire for u64 {
    fn put(&self, o: &mut Out) {
        o.varint(*self);
    }
    fn get(r: &mut In<'_>) -> u64 {
        r.varint()
    }
}

impl Wire for i32 {
    fn put(&self, o: &mut Out) {
        // Zigzag, so small negative priorities stay one byte.
        o.varint(((*self << 1) ^ (*self >> 31)) as u32 as u64);
    }
    fn get(r: &mut In<'_>) -> i32 {
        let z = u32::get(r);
        (z >> 1) as i32 ^ -((z & 1) as i32)
    }
}

impl Wire for f64 {
    fn put(&self, o: &mut Out) {
        o.0.extend_from_slice(&self.to_bits().to_le_bytes());
    }
    fn get(r: &mut In<'_>) -> f64 {
        r.0.f64()
    }
}

impl Wire for String {
    fn put(&self, o: &mut Out) {
        o.varint(self.len() as u64);
        o.0.extend_from_slice(self.as_bytes());
    }
    fn get(r: &mut In<'_>) -> String {
        r.0.string()
    }
}

impl<T: Wire> Wire for Option<T> {
    fn put(&self, o: &mut Out) {
        match self {
            None => o.byte(0),
            Some(v) => {
                o.byte(1);
                v.put(o);
            }
        }
    }
    #[inline(never)]
    fn get(r: &mut In<'_>) -> Option<T> {
        (r.tag(2) == 1).then(|| T::get(r))
    }
}

impl<T: Wire> Wire for Box<T> {
    fn put(&self, o: &mut Out) {
        (**self).put(o);
    }
    fn get(r: &mut In<'_>) -> Box<T> {
        Box::new(T::get(r))
    }
}

impl<T: Wire> Wire for Vec<T> {
    fn put(&self, o: &mut Out) {
        o.varint(self.len() as u64);
        for v in self {
            v.put(o);
        }
    }
    #[inline(never)]
    fn get(r: &mut In<'_>) -> Vec<T> {
        let n = r.len();
        let mut v = Vec::with_capacity(n);
        for _ in 0..n {
            v.push(T::get(r));
        }
        v
    }
}

impl<A: Wire, B: Wire> Wire for (A, B) {
    fn put(&self, o: &mut Out) {
        self.0.put(o);
        self.1.put(o);
    }
    fn get(r: &mut In<'_>) -> (A, B) {
        let a = A::get(r);
        (a, B::get(r))
    }
}

/// A map key, refused (the input marked malformed) unless greater than the key before it:
/// keys were written in order, once each, and anything else is not our encoding. One function
/// for every map's keys.
#[inline(never)]
fn map_key(r: &mut In<'_>, last: Option<&String>) -> String {
    let k = String::get(r);
    if last.is_some_and(|last| *last >= k) {
        r.fail();
    }
    k
}

impl<V: Wire> Wire for SortedMap<String, V> {
    fn put(&self, o: &mut Out) {
        o.varint(self.len() as u64);
        for (k, v) in self {
            k.put(o);
            v.put(o);
        }
    }
    #[inline(never)]
    fn get(r: &mut In<'_>) -> SortedMap<String, V> {
        let n = r.len();
        let mut m = SortedMap::new();
        for _ in 0..n {
            let k = map_key(r, m.last_key_value().map(|(last, _)| last));
            let v = V::get(r);
            if r.bad() {
                // Leaked in the browser, like the damaged config in `from_compiled`: this was
                // the engine wasm's last place that dropped config values (conditions, prompt
                // triggers), so it carries no drop code for them (0.9 KB, 0.4 KB brotli).
                #[cfg(target_arch = "wasm32")]
                core::mem::forget((k, v));
                break;
            }
            // In order, checked above: appended without a search.
            m.push_last(k, v);
        }
        m
    }
}

/// A struct's compiled form: its fields in the order listed. The struct literal in `get`
/// makes the compiler refuse a list that misses a field.
macro_rules! wire_struct {
    ($($t:ident { $($f:ident),* $(,)? })*) => {$(
        impl Wire for $t {
            fn put(&self, o: &mut Out) {
                $(self.$f.put(o);)*
            }
            #[inline(never)]
            fn get(r: &mut In<'_>) -> $t {
                $t { $($f: Wire::get(r),)* }
            }
        }
    )*};
}

/// A field-less enum's compiled form: its index in `ALL`. `index` is an exhaustive match, so a
/// new variant fails to compile until it is added here too.
macro_rules! wire_unit {
    ($($t:ident [$($v:ident),* $(,)?])*) => {$(
        impl Wire for $t {
            fn put(&self, o: &mut Out) {
                let mut i = 0u8;
                $(
                    if matches!(self, $t::$v) {
                        o.byte(i);
                        return;
                    }
                    i += 1;
                )*
                let _ = i;
            }
            fn get(r: &mut In<'_>) -> $t {
                const ALL: &[$t] = &[$($t::$v),*];
                ALL[usize::from(r.tag(ALL.len() as u8))]
            }
        }
        impl $t {
            #[allow(dead_code)]
            fn exhaustive(self) {
                match self { $($t::$v => (),)* }
            }
        }
    )*};
}

wire_unit! {
    Fact [NewVisitor, ReturningVisitor, Customer, RepeatCustomer, Lapsed, ProductRevisit]
    SourceCategory [Search, Social, Shopping, Video, Ai]
    PromptKind [Banner, Toast, Modal, Inline]
    SurveyKind [Nps, Csat, Ces, Choice, Text]
}

wire_struct! {
    Config {
        schema, namespace, stages, signals, inference, micro_journeys, custom_events, channels,
        session, lifecycle, retention, slots, capture, privacy, prompts, surveys, fatigue,
        experiments, recommend,
    }
    StageDef { id, label, prior }
    Signal { event, fact, channel, path_prefix, where_props, stages, max_per_session }
    InferenceConfig { half_life_hours, max_evidence, trail_length }
    MicroJourneyDef { id, steps, abandon_on, timeout_s }
    StepDef { event, label, where_props, optional, timeout_s }
    ChannelConfig { site_hosts, sources, rules, default_rules }
    SourceLists { search, social, shopping, video, ai }
    ChannelRule {
        group, source, source_category, medium, medium_contains, campaign, campaign_contains,
        paid,
    }
    SessionConfig { timeout_minutes, new_on_campaign_change }
    LifecycleConfig { lapsed_days, interest_half_life_days, max_interests }
    RetentionConfig {
        max_touchpoints, touchpoint_days, max_channel_touches, survey_days, inactive_days,
    }
    SlotDef { rules }
    SlotRule { variant, when }
    CaptureConfig {
        page_views, spa, clicks, forms, scroll, engagement_seconds, products, data_layer, segment,
    }
    PrivacyConfig { consent, tcf, consent_mode, gpc, iframe_storage, export }
    ConsentDefaults { functional, personalization, measurement }
    GpcConfig { export, personalization }
    ExportConfig { url, batch_size, flush_seconds, max_queue, retry_ms }
    PromptDef {
        kind, template, on, when, priority, max_per_session, max_per_day, max_total,
        cooldown_hours, survey, question, options, attribution,
    }
    FatigueConfig { max_per_session }
    ExperimentDef { slot, prompt, when, holdout, arms }
    ArmDef { id, weight, variant }
    RecommendConfig { catalog, model, exclude_purchased, max_per_category, limit }
}

impl Wire for PromptTrigger {
    fn put(&self, o: &mut Out) {
        match self {
            PromptTrigger::PageView => o.byte(0),
            PromptTrigger::ExitIntent => o.byte(1),
            PromptTrigger::Event(s) => {
                o.byte(2);
                s.put(o);
            }
            PromptTrigger::Scroll(p) => {
                o.byte(3);
                o.byte(*p);
            }
            PromptTrigger::Idle(s) => {
                o.byte(4);
                s.put(o);
            }
            PromptTrigger::Abandoned(s) => {
                o.byte(5);
                s.put(o);
            }
        }
    }
    #[inline(never)]
    fn get(r: &mut In<'_>) -> PromptTrigger {
        match r.tag(6) {
            0 => PromptTrigger::PageView,
            1 => PromptTrigger::ExitIntent,
            2 => PromptTrigger::Event(Wire::get(r)),
            3 => PromptTrigger::Scroll(r.byte()),
            4 => PromptTrigger::Idle(Wire::get(r)),
            _ => PromptTrigger::Abandoned(Wire::get(r)),
        }
    }
}

impl Wire for Thresholds {
    fn put(&self, o: &mut Out) {
        match self {
            Thresholds::Off(b) => {
                o.byte(0);
                b.put(o);
            }
            Thresholds::List(l) => {
                o.byte(1);
                l.put(o);
            }
        }
    }
    #[inline(never)]
    fn get(r: &mut In<'_>) -> Thresholds {
        match r.tag(2) {
            0 => Thresholds::Off(Wire::get(r)),
            _ => Thresholds::List(Wire::get(r)),
        }
    }
}

impl Wire for DataLayer {
    fn put(&self, o: &mut Out) {
        match self {
            DataLayer::Enabled(b) => {
                o.byte(0);
                b.put(o);
            }
            DataLayer::Name(s) => {
                o.byte(1);
                s.put(o);
            }
        }
    }
    #[inline(never)]
    fn get(r: &mut In<'_>) -> DataLayer {
        match r.tag(2) {
            0 => DataLayer::Enabled(Wire::get(r)),
            _ => DataLayer::Name(Wire::get(r)),
        }
    }
}

impl Wire for Condition {
    fn put(&self, o: &mut Out) {
        self.put_compiled(o);
    }
    fn get(r: &mut In<'_>) -> Condition {
        Condition::get_compiled(r)
    }
}

/// FNV-1a, 32 bits: catches truncation and corruption (not an adversary; the file is the
/// site's own).
fn fnv1a(bytes: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in bytes {
        h = (h ^ u32::from(*b)).wrapping_mul(0x0100_0193);
    }
    h
}

impl Config {
    /// The compiled form of this (validated) config. See the module doc for the layout.
    pub fn to_compiled(&self) -> Vec<u8> {
        let mut o = Out(MAGIC.to_vec());
        o.byte(FORMAT);
        self.put(&mut o);
        let sum = fnv1a(&o.0);
        o.0.extend_from_slice(&sum.to_le_bytes());
        o.0
    }

    /// Reads a compiled config. The error names the problem (not compiled, another format
    /// version, damaged) and says how to fix it.
    pub fn from_compiled(bytes: &[u8]) -> Result<Config, ConfigError> {
        let err = |m: &str| Err(ConfigError::new("$", m));
        if bytes.len() < 8 || &bytes[..3] != MAGIC {
            return err("not a compiled Trailmark config");
        }
        if bytes[3] != FORMAT {
            return err("the compiled config is for another Trailmark version; compile trailmark.json again with this version (trailmark compile)");
        }
        let (body, sum) = bytes.split_at(bytes.len() - 4);
        if fnv1a(body).to_le_bytes() != sum {
            return err(
                "the compiled config is damaged (checksum mismatch); compile trailmark.json again",
            );
        }
        let mut r = In::new(body.get(4..).unwrap_or_default());
        let config = Config::get(&mut r);
        if !r.done() {
            // In the browser a damaged config is leaked, not dropped: the engine wasm drops no
            // `Config` anywhere else (`web::Runtime` never drops its engine), so it carries no
            // drop code for one (0.9 KB), and the page's runtime gives up on this error anyway.
            #[cfg(target_arch = "wasm32")]
            core::mem::forget(config);
            return err(
                "the compiled config is damaged (it does not decode); compile trailmark.json again",
            );
        }
        Ok(config)
    }
}

/// The document `trailmark compile` writes and `data-config` may point at: the engine's config
/// compiled, plus what the browser's JavaScript reads itself: the storage namespace, the
/// privacy settings with their defaults filled, and (copied from the source, so both read the
/// same values) capture settings, recommendation URLs, the prompts' and surveys' texts; and the
/// prompt decision table (`decide`, see [`decide_table`]).
pub fn compiled_document(source: &Value, config: &Config) -> Value {
    let mut doc = serde_json::Map::new();
    doc.insert("trailmark_compiled".into(), Value::from(FORMAT));
    doc.insert("namespace".into(), Value::from(config.namespace.clone()));
    // `$.privacy` with its defaults filled: the browser decides consent from it before the
    // engine reads any stored data.
    doc.insert("privacy".into(), config.privacy.to_json());
    for key in ["capture", "recommend", "prompts", "surveys"] {
        if let Some(v) = source.get(key).filter(|v| !v.is_null()) {
            doc.insert(key.into(), v.clone());
        }
    }
    doc.insert("decide".into(), decide_table(config));
    doc.insert("engine".into(), Value::from(base64(&config.to_compiled())));
    Value::Object(doc)
}

/// What `js/prompts.js` needs to decide a prompt as [`crate::core::Engine::decide_prompt`]
/// does, and `js/experiments.js` an experiment as `experiment::decide` does, from the validated
/// config with its defaults filled: `{fatigue, prompts: [{id, on, priority, session, day, total,
/// cooldown_hours, kind, template, survey, when}], experiments: [{id, slot, prompt, holdout,
/// arms: [{id, weight, variant}]}]}`, prompts then surveys, each by id, and experiments by id
/// (the engine's orders). An `event:` trigger naming a known event is written with its
/// canonical name (`event:add_to_cart` as `event:Product Added`), since triggers match by
/// event kind.
pub fn decide_table(config: &Config) -> Value {
    // Values built directly rather than with `json!`, whose generic serialisation of each field
    // cost the compiler wasm 0.9 KB brotli.
    let opt = |n: Option<u32>| n.map_or(Value::Null, Value::from);
    let mut prompts = Vec::new();
    for (id, def) in config.prompts.iter().chain(config.surveys.iter()) {
        let mut on = Vec::new();
        for t in &def.on {
            on.push(Value::from(crate::core::prompt::decide::canonical_trigger(
                t,
            )));
        }
        let mut p = serde_json::Map::new();
        for (k, v) in [
            ("id", Value::from(id.as_str())),
            ("on", Value::Array(on)),
            ("priority", Value::from(def.priority)),
            ("session", Value::from(def.max_per_session.unwrap_or(1))),
            ("day", opt(def.max_per_day)),
            ("total", opt(def.max_total)),
            ("cooldown_hours", Value::from(def.cooldown_hours)),
            ("kind", Value::from(def.kind.name())),
            ("template", Value::from(def.template_or(id))),
            ("survey", Value::Bool(def.survey.is_some())),
            (
                "when",
                def.when.as_ref().map_or(Value::Null, |c| c.text().into()),
            ),
        ] {
            p.insert(k.into(), v);
        }
        prompts.push(Value::Object(p));
    }
    let text = |t: &Option<String>| t.as_deref().map_or(Value::Null, Value::from);
    let mut experiments = Vec::new();
    for (id, def) in &config.experiments {
        let mut arms = Vec::new();
        for a in &def.arms {
            let mut arm = serde_json::Map::new();
            arm.insert("id".into(), Value::from(a.id.as_str()));
            arm.insert("weight".into(), Value::from(a.weight()));
            arm.insert("variant".into(), text(&a.variant));
            arms.push(Value::Object(arm));
        }
        let mut x = serde_json::Map::new();
        for (k, v) in [
            ("id", Value::from(id.as_str())),
            ("slot", text(&def.slot)),
            ("prompt", text(&def.prompt)),
            ("holdout", Value::from(def.holdout)),
            ("arms", Value::Array(arms)),
        ] {
            x.insert(k.into(), v);
        }
        experiments.push(Value::Object(x));
    }
    let mut table = serde_json::Map::new();
    table.insert("fatigue".into(), config.fatigue.max_per_session.into());
    table.insert("prompts".into(), Value::Array(prompts));
    table.insert("experiments".into(), Value::Array(experiments));
    Value::Object(table)
}

/// Standard base64 with padding (what the browser's `atob` reads).
fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for c in bytes.chunks(3) {
        let n = c
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= c.len() {
                s.push(char::from(ABC[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                s.push('=');
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn round_trip(doc: Value) {
        let c = Config::parse(&doc).unwrap();
        let bytes = c.to_compiled();
        assert_eq!(Config::from_compiled(&bytes).unwrap(), c);
    }

    #[test]
    fn the_default_config_round_trips() {
        round_trip(json!({}));
    }

    #[test]
    fn every_section_round_trips() {
        round_trip(json!({
            "$schema": "x",
            "namespace": "shop",
            "stages": [{"id": "discovery", "label": "Finding", "prior": 0.5}, {"id": "purchase", "prior": -1}],
            "signals": [
                {"event": "Product Viewed", "stages": {"discovery": 1.5}, "path_prefix": "/p/", "where": {"category": "shoes"}, "max_per_session": 2},
                {"fact": "lapsed", "stages": {"purchase": -0.5}},
                {"channel": "Paid Search", "stages": {"purchase": 0.25}}
            ],
            "micro_journeys": [{"id": "co", "timeout_s": 600, "abandon_on": ["Order Refunded"],
                "steps": [{"event": "Checkout Started", "label": "start"}, {"event": "Payment Info Entered", "optional": true, "timeout_s": 60, "where": {"step": "2"}}, {"event": "Order Completed"}]}],
            "channels": {"site_hosts": ["shop.example"], "sources": {"social": ["mastodon.social"]},
                "rules": [{"group": "Partners", "source": ["partner.example"], "source_category": "ai", "medium_contains": "aff", "paid": false}]},
            "session": {"timeout_minutes": 45, "new_on_campaign_change": false},
            "slots": {"hero": {"rules": [
                {"variant": "a", "when": "stage.discovery > 0.4 && !(journey.co in [\"abandoned\", \"started\"])"},
                {"variant": "b", "when": "page.path matches \"/p/*\" || top_interest contains \"sho\" || survey.nps.score >= -1.5 || device == \"mobile\""}]}},
            "capture": {"scroll": [25, 50], "engagement_seconds": false, "data_layer": "myLayer"},
            "privacy": {"consent": {"measurement": true}, "export": {"url": "https://collect.example/v1/batch"}},
            "prompts": {"help": {"kind": "toast", "on": ["page_view", "exit_intent", "event:Product Viewed", "scroll:50", "idle:30", "abandoned:co"],
                "when": "returning", "priority": -3, "max_per_day": 1, "cooldown_hours": 2.5}},
            "surveys": {"nps": {"kind": "modal", "type": "nps", "question": "Recommend us?", "on": ["page_view"]},
                "how": {"kind": "toast", "type": "choice", "question": "How?", "options": ["Search", "Friend"], "attribution": true, "on": ["page_view"]}},
            "fatigue": {"max_per_session": 3},
            "experiments": {"hero-test": {"slot": "hero", "holdout": 0.1, "when": "visits >= 1", "arms": [{"id": "a", "weight": 2, "variant": "a"}, {"id": "b", "variant": "b"}]}},
            "recommend": {"catalog": "/recs/catalog.json", "limit": 6}
        }));
    }

    #[test]
    fn the_demo_config_round_trips() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/examples/demo-shop/trailmark.json"
        ))
        .unwrap();
        round_trip(serde_json::from_str(&text).unwrap());
    }

    #[test]
    fn damage_is_reported_never_a_panic() {
        let bytes = Config::parse(&json!({})).unwrap().to_compiled();
        for cut in 0..bytes.len() {
            assert!(Config::from_compiled(&bytes[..cut]).is_err());
        }
        for i in 0..bytes.len() {
            let mut b = bytes.clone();
            b[i] ^= 0x5a;
            assert!(Config::from_compiled(&b).is_err(), "byte {i}");
        }
        let mut other = bytes.clone();
        other[3] = FORMAT + 1;
        let e = Config::from_compiled(&other).unwrap_err();
        assert!(e.message.contains("another Trailmark version"), "{e}");
        assert!(Config::from_compiled(b"{}")
            .unwrap_err()
            .message
            .contains("not a compiled"));
    }

    #[test]
    fn maps_out_of_order_or_repeated_are_refused() {
        for keys in [["b", "a"], ["a", "a"]] {
            let mut o = Out::default();
            o.varint(2);
            for k in keys {
                String::from(k).put(&mut o);
                7u32.put(&mut o);
            }
            let mut r = In::new(o.bytes());
            let _ = <SortedMap<String, u32> as Wire>::get(&mut r);
            assert!(!r.done(), "{keys:?}");
        }
        let m: SortedMap<String, u32> = [("a".to_string(), 1), ("b".to_string(), 2)].into();
        let mut o = Out::default();
        m.put(&mut o);
        let mut r = In::new(o.bytes());
        assert_eq!(<SortedMap<String, u32> as Wire>::get(&mut r), m);
        assert!(r.done());
    }

    #[test]
    fn hostile_bodies_with_a_valid_checksum_never_panic() {
        // The checksum is not a defence: arbitrary bodies must fail cleanly on their own.
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for len in 0..400 {
            let mut body = MAGIC.to_vec();
            body.push(FORMAT);
            for _ in 0..len {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                body.push(seed as u8);
            }
            let sum = fnv1a(&body);
            body.extend_from_slice(&sum.to_le_bytes());
            let _ = Config::from_compiled(&body);
        }
    }

    #[test]
    fn the_decision_table_has_defaults_filled_and_canonical_event_triggers() {
        let src = json!({
            "fatigue": {"max_per_session": 3},
            "prompts": {
                "b": {"kind": "toast", "on": ["event:add_to_cart", "event:my thing", "scroll:50"], "priority": 2,
                      "max_per_day": 4, "max_total": 9, "cooldown_hours": 1.5, "template": "t", "when": "visits >= 2"},
                "a": {"kind": "banner"}
            },
            "surveys": {"nps": {"kind": "modal", "type": "nps", "question": "?"}},
            "slots": {"hero": {"rules": []}},
            "experiments": {
                "y": {"prompt": "b", "holdout": 0.25, "when": "visits >= 2", "arms": [{"id": "t2", "variant": "t2", "weight": 3}]},
                "x": {"slot": "hero", "arms": [{"id": "control"}, {"id": "bold", "variant": "bold"}]}
            }
        });
        let table = decide_table(&Config::parse(&src).unwrap());
        assert_eq!(
            table,
            json!({"fatigue": 3, "prompts": [
                {"id": "a", "on": ["page_view"], "priority": 0, "session": 1, "day": null, "total": null,
                 "cooldown_hours": 24.0, "kind": "banner", "template": "a", "survey": false, "when": null},
                {"id": "b", "on": ["event:Product Added", "event:my thing", "scroll:50"], "priority": 2, "session": 1,
                 "day": 4, "total": 9, "cooldown_hours": 1.5, "kind": "toast", "template": "t", "survey": false,
                 "when": "visits >= 2"},
                {"id": "nps", "on": ["page_view"], "priority": 0, "session": 1, "day": null, "total": null,
                 "cooldown_hours": 24.0, "kind": "modal", "template": "nps", "survey": true, "when": null}
            ], "experiments": [
                {"id": "x", "slot": "hero", "prompt": null, "holdout": 0.0, "arms": [
                    {"id": "control", "weight": 1.0, "variant": null},
                    {"id": "bold", "weight": 1.0, "variant": "bold"}
                ]},
                {"id": "y", "slot": null, "prompt": "b", "holdout": 0.25, "arms": [
                    {"id": "t2", "weight": 3.0, "variant": "t2"}
                ]}
            ]})
        );
    }

    #[test]
    fn the_document_carries_what_the_browser_reads() {
        let src = json!({"namespace": "n", "capture": {"clicks": false}, "prompts": {"p": {"kind": "banner", "on": ["page_view"]}}});
        let c = Config::parse(&src).unwrap();
        let doc = compiled_document(&src, &c);
        assert_eq!(doc["trailmark_compiled"], json!(FORMAT));
        assert_eq!(doc["namespace"], "n");
        assert_eq!(doc["capture"], json!({"clicks": false}));
        assert_eq!(doc["prompts"], src["prompts"]);
        assert!(doc.get("recommend").is_none());
        assert_eq!(doc["privacy"], c.privacy.to_json());
        assert_eq!(doc["decide"]["prompts"][0]["id"], "p");
        assert_eq!(base64(b"Man"), "TWFu");
        assert_eq!(base64(b"Ma"), "TWE=");
        assert_eq!(base64(b"M"), "TQ==");
        assert_eq!(base64(b""), "");
    }
}
