//! Persisted-state codec: the compact, versioned, checksummed bytes that [`crate::core::Engine`]
//! hands out to store between page loads, and reads back.
//!
//! Hand-written rather than serde-derived, to keep the wasm small and the layout explicit.
//! Decoding never panics and never allocates more than the input's size: corrupt, truncated or
//! future-version bytes give a [`CodecError`] and the engine starts from a fresh state.
//!
//! # Format version 1
//!
//! ```text
//! magic     3 bytes  "TMK"
//! version   u16 LE   1
//! body      State (below)
//! checksum  u32 LE   CRC-32 (IEEE, as zlib) of every byte before it, magic included
//! ```
//!
//! Primitives of the body:
//! - `uN`: unsigned LEB128 varint, shortest form only, range-checked (`u8` is one raw byte);
//! - `time`: a `u64` ms timestamp as the zigzag LEB128 of its wrapping difference from the
//!   previous `time` written (the first is relative to 0), in the order fields appear below;
//! - `f64`: the 8 IEEE-754 bytes, little-endian (bit-exact, NaN payloads included);
//! - `str`: varint byte length, then UTF-8;
//! - `opt<T>`: byte 0 (absent) or 1 then `T`;
//! - `list<T>`: varint count, then the items; `map<K, V>`: a list of (K, V) with strictly
//!   increasing keys, so every state has exactly one encoding.
//!
//! ```text
//! State        = Profile StageState list<Journey>
//! Profile      = first_seen:time last_seen:time visits:u32 session:opt<Session>
//!                previous_visit:opt<time> first_touch:opt<Touch> touches:list<Touch>
//!                channel_counts:map<str,u32> orders:u32 revenue:f64 last_order:opt<time>
//!                interests:list<Interest> cart:list<CartLine> surveys:list<Survey>
//!                recent:list<Recorded> counts:map<str,u64> viewed_products:map<str,u32>
//! Session      = number:u32 started:time last:time touchpoints:u32 channel:Touch
//!                signal_hits:map<u16,u16>
//! Touch        = group:str source:str medium:str campaign:opt<str> term:opt<str>
//!                click_id:opt<str> at:time content:opt<str> campaign_id:opt<str>
//! Interest     = category:str score:f64 updated:time
//! CartLine     = product_id:str quantity:u32 price:opt<f64>
//! Survey       = survey:str answer:str score:opt<f64> at:time
//! Recorded     = at:time kind:u8 custom_name:opt<str> path:opt<str> product_id:opt<str>
//!                category:opt<str> value:opt<f64>
//! StageState   = stage_ids:list<str> evidence:list<f64> updated:time trail:list<Evidence>
//! Evidence     = at:time cause:Cause stage:u8 weight:f64
//! Cause        = 0 event:str | 1 fact:u8 | 2 channel:str
//! Journey      = id:str status:u8 step:u8 started:time updated:time deadline:opt<time>
//!                attempts:u32 completions:u32 abandons:u32 backtracks:u32
//! ```
//!
//! Codes: `kind` is [`EventKind::code`] (255 = custom), `status` is [`JourneyStatus::code`], and
//! `fact` is the index in [`FACTS`]. Codes are append-only.
//!
//! Decoding checks, in order: magic ([`CodecError::NotTrailmark`]), version (0 is invalid; above
//! 1 is [`CodecError::FutureVersion`], checked before the checksum because a later version may
//! checksum differently), checksum ([`CodecError::Checksum`]), then the body: running out is
//! [`CodecError::Truncated`], bad codes, UTF-8, varints or key order and trailing bytes are
//! [`CodecError::Invalid`].
//!
//! Why CRC-32: it detects every error burst of up to 32 bits (so any single corrupted byte, the
//! usual storage failure), costs 4 bytes and a 16-entry table, and zlib's `crc32` reproduces it.
//! It is not a defence against tampering, and need not be: the state is the visitor's own.
//!
//! Why delta timestamps: absolute millisecond timestamps take 6 bytes each (7 zigzagged); the
//! state holds a few hundred of them in near order, and deltas mostly take 2-4. Measured on a
//! year of ~1,000 realistic touchpoints (`tests/codec.rs`): 11.5 KB instead of 12.4 KB. Small,
//! but it costs two lines, so it stays.
//!
//! # Format version 2
//!
//! Version 2 (written since prompts, surveys and experiments) is version 1's layout with one
//! addition to the body and a list of tagged extension sections after it:
//!
//! ```text
//! magic     3 bytes  "TMK"
//! version   u16 LE   2
//! body      State (as in version 1, plus Cause code 3 below)
//! sections  list<Section>, tags strictly increasing, empty sections left out
//! checksum  u32 LE   CRC-32 as in version 1
//!
//! Cause     = ... | 3 survey:str                      (a survey answer as evidence)
//! Section   = tag:u16 length:u32 payload (length bytes; its `time`s restart from 0)
//! tag 1     = Decisions
//! Decisions = seed:u64 prompts:map<str,Prompt> assignments:map<str,Assignment>
//!             reported_channel:opt<str> pain_points:list<PainPoint>
//! Prompt    = shown:list<time> total:u32 clicks:u32 dismissed:opt<time>
//! Assignment = arm:str exposed_session:u32
//! PainPoint = reason:str at:time
//! ```
//!
//! Why sections: a later feature that needs to persist something new (a consent log, a
//! recommendation model's state) adds a tag rather than a format version. A build reading a tag
//! it does not know skips it (its length says how far), so older builds still read newer
//! states (dropping only what they do not understand), and a section's layout is free to grow
//! at its end: a decoder reads the fields it knows and ignores the rest of the payload. Only a
//! change to the body or to an existing field needs version 3.
//!
//! Version 1 still decodes (its states have no sections: a seed of 0 and empty histories); the
//! golden files `tests/golden/state-v1.bin` and `state-v2.bin` must keep decoding forever.
//!
//! **Compatibility rule:** never change a released layout. Add sections (new tags), or fields at
//! the end of a section; anything else is a new version, with the older decoders kept.

pub(crate) mod wire;

use crate::core::map::SortedMap;
use alloc::vec::Vec;

use super::channel::ChannelTouch;
use super::config::Fact;
use super::engine::State;
use super::error::CodecError;
use super::event::EventKind;
use super::micro::{JourneyStatus, MicroJourneyState};
use super::profile::{CartLine, Interest, Profile, RecordedTouchpoint, Session, SurveyAnswer};
use super::prompt::{Assignment, DecisionState, PainPoint, PromptHistory};
use super::stage::{Cause, Evidence, StageState};
use wire::{crc32, Reader, Writer};

/// The first bytes of every encoding.
pub const MAGIC: &[u8; 3] = b"TMK";
/// The format version this build writes (and the newest it reads).
pub const VERSION: u16 = 2;
/// Extension section tag of [`DecisionState`].
pub const SECTION_DECISIONS: u16 = 1;
/// Lifecycle facts by their stable code (the index). Append only.
pub const FACTS: [Fact; 6] = [
    Fact::NewVisitor,
    Fact::ReturningVisitor,
    Fact::Customer,
    Fact::RepeatCustomer,
    Fact::Lapsed,
    Fact::ProductRevisit,
];
const HEADER: usize = MAGIC.len() + 2;
const CHECKSUM: usize = 4;

/// Encodes the state in the current format (see the module docs for the layout).
pub fn encode(state: &State) -> Vec<u8> {
    let mut w = Writer::default();
    w.bytes(MAGIC);
    w.bytes(&VERSION.to_le_bytes());
    profile(&mut w, &state.profile);
    stages(&mut w, &state.stages);
    w.len(state.journeys.len());
    for j in &state.journeys {
        journey(&mut w, j);
    }
    if is_empty(&state.decisions) {
        w.len(0);
    } else {
        w.len(1);
        let mut s = Writer::default();
        decisions(&mut s, &state.decisions);
        w.varint(SECTION_DECISIONS.into());
        w.varint(s.buf.len() as u64);
        w.bytes(&s.buf);
    }
    let sum = crc32(&w.buf);
    w.bytes(&sum.to_le_bytes());
    w.buf
}

/// Whether `d` equals `DecisionState::default()` (an empty section is left out). Field by
/// field rather than `==` on a fresh default: no deep comparison code in the wasm. Destructured,
/// so a new field does not compile until it is considered here.
fn is_empty(d: &DecisionState) -> bool {
    let DecisionState {
        seed,
        prompts,
        assignments,
        reported_channel,
        pain_points,
    } = d;
    *seed == 0
        && prompts.is_empty()
        && assignments.is_empty()
        && reported_channel.is_none()
        && pain_points.is_empty()
}

/// Decodes bytes written by [`encode`] (by this or an earlier format version).
pub fn decode(bytes: &[u8]) -> Result<State, CodecError> {
    let magic_len = bytes.len().min(MAGIC.len());
    if bytes[..magic_len] != MAGIC[..magic_len] {
        return Err(CodecError::NotTrailmark);
    }
    if bytes.len() < HEADER {
        return Err(CodecError::Truncated);
    }
    let version = match u16::from_le_bytes([bytes[3], bytes[4]]) {
        0 => return Err(CodecError::Invalid("version")),
        v @ 1..=VERSION => v,
        v => return Err(CodecError::FutureVersion(v)),
    };
    if bytes.len() < HEADER + CHECKSUM {
        return Err(CodecError::Truncated);
    }
    let (content, sum) = bytes.split_at(bytes.len() - CHECKSUM);
    if crc32(content).to_le_bytes() != sum {
        return Err(CodecError::Checksum);
    }
    decode_body(&content[HEADER..], version)
}

/// Decodes a body (between header and checksum) of `version`: version 1's state, then (from
/// version 2) the extension sections.
fn decode_body(body: &[u8], version: u16) -> Result<State, CodecError> {
    let mut r = Reader::new(body);
    let v2 = version >= 2;
    let mut state = State {
        profile: read_profile(&mut r),
        stages: read_stages(&mut r, v2),
        journeys: r.list(read_journey),
        decisions: DecisionState::default(),
    };
    if v2 {
        let mut last = 0;
        for _ in 0..r.len() {
            let tag = r.u16();
            if tag <= last {
                r.fail(CodecError::Invalid("section order"));
            }
            last = tag;
            let n = r.u32() as usize;
            let payload = r.take(n);
            if r.failed() {
                break;
            }
            if tag == SECTION_DECISIONS {
                let mut s = Reader::new(payload);
                state.decisions = read_decisions(&mut s);
                if let Some(e) = s.error() {
                    r.fail(e);
                }
            }
        }
    }
    r.finish().map(|()| state)
}

/// The stable code of a fact: its index in [`FACTS`]. Exhaustive, so a new `Fact` variant does
/// not compile until it has a code.
fn fact_code(f: Fact) -> u8 {
    match f {
        Fact::NewVisitor => 0,
        Fact::ReturningVisitor => 1,
        Fact::Customer => 2,
        Fact::RepeatCustomer => 3,
        Fact::Lapsed => 4,
        Fact::ProductRevisit => 5,
    }
}

fn profile(w: &mut Writer, p: &Profile) {
    w.time(p.first_seen_ms);
    w.time(p.last_seen_ms);
    w.varint(p.visits.into());
    w.opt(p.session.as_ref(), session);
    w.opt(p.previous_visit_ms, Writer::time);
    w.opt(p.first_touch.as_ref(), touch);
    w.len(p.touches.len());
    for t in &p.touches {
        touch(w, t);
    }
    map(
        w,
        &p.channel_counts,
        |w, k| w.str(k),
        |w, v| w.varint((*v).into()),
    );
    w.varint(p.orders.into());
    w.f64(p.revenue);
    w.opt(p.last_order_ms, Writer::time);
    w.len(p.interests.len());
    for i in &p.interests {
        w.str(&i.category);
        w.f64(i.score);
        w.time(i.updated_ms);
    }
    w.len(p.cart.len());
    for l in &p.cart {
        w.str(&l.product_id);
        w.varint(l.quantity.into());
        w.opt(l.price, Writer::f64);
    }
    w.len(p.surveys.len());
    for s in &p.surveys {
        w.str(&s.survey);
        w.str(&s.answer);
        w.opt(s.score, Writer::f64);
        w.time(s.at_ms);
    }
    w.len(p.recent.len());
    for t in &p.recent {
        w.time(t.at_ms);
        w.byte(t.kind.code());
        w.opt(t.custom_name.as_deref(), Writer::str);
        w.opt(t.path.as_deref(), Writer::str);
        w.opt(t.product_id.as_deref(), Writer::str);
        w.opt(t.category.as_deref(), Writer::str);
        w.opt(t.value, Writer::f64);
    }
    map(w, &p.counts, |w, k| w.str(k), |w, v| w.varint(*v));
    map(
        w,
        &p.viewed_products,
        |w, k| w.str(k),
        |w, v| w.varint((*v).into()),
    );
}

#[inline(never)]
fn read_profile(r: &mut Reader<'_>) -> Profile {
    Profile {
        first_seen_ms: r.time(),
        last_seen_ms: r.time(),
        visits: r.u32(),
        session: r.opt(read_session),
        previous_visit_ms: r.opt(Reader::time),
        first_touch: r.opt(read_touch),
        touches: r.list(read_touch),
        channel_counts: read_map(r, Reader::string, Reader::u32),
        orders: r.u32(),
        revenue: r.f64(),
        last_order_ms: r.opt(Reader::time),
        interests: r.list(|r| Interest {
            category: r.string(),
            score: r.f64(),
            updated_ms: r.time(),
        }),
        cart: r.list(|r| CartLine {
            product_id: r.string(),
            quantity: r.u32(),
            price: r.opt(Reader::f64),
        }),
        surveys: r.list(|r| SurveyAnswer {
            survey: r.string(),
            answer: r.string(),
            score: r.opt(Reader::f64),
            at_ms: r.time(),
        }),
        recent: r.list(|r| {
            let at_ms = r.time();
            let code = r.byte();
            RecordedTouchpoint {
                at_ms,
                kind: r.code(EventKind::from_code(code), EventKind::Custom, "event kind"),
                custom_name: r.opt(Reader::string),
                path: r.opt(Reader::string),
                product_id: r.opt(Reader::string),
                category: r.opt(Reader::string),
                value: r.opt(Reader::f64),
            }
        }),
        counts: read_map(r, Reader::string, Reader::varint),
        viewed_products: read_map(r, Reader::string, Reader::u32),
    }
}

fn session(w: &mut Writer, s: &Session) {
    w.varint(s.number.into());
    w.time(s.started_ms);
    w.time(s.last_ms);
    w.varint(s.touchpoints.into());
    touch(w, &s.channel);
    map(
        w,
        &s.signal_hits,
        |w, k| w.varint((*k).into()),
        |w, v| w.varint((*v).into()),
    );
}

#[inline(never)]
fn read_session(r: &mut Reader<'_>) -> Session {
    Session {
        number: r.u32(),
        started_ms: r.time(),
        last_ms: r.time(),
        touchpoints: r.u32(),
        channel: read_touch(r),
        signal_hits: read_map(r, Reader::u16, Reader::u16),
    }
}

fn touch(w: &mut Writer, t: &ChannelTouch) {
    // Destructured so that a field added to `ChannelTouch` fails to compile here until the
    // codec handles it (in a new format version).
    let ChannelTouch {
        group,
        source,
        medium,
        campaign,
        term,
        click_id,
        at_ms,
        content,
        campaign_id,
    } = t;
    w.str(group);
    w.str(source);
    w.str(medium);
    w.opt(campaign.as_deref(), Writer::str);
    w.opt(term.as_deref(), Writer::str);
    w.opt(click_id.as_deref(), Writer::str);
    w.time(*at_ms);
    w.opt(content.as_deref(), Writer::str);
    w.opt(campaign_id.as_deref(), Writer::str);
}

fn read_touch(r: &mut Reader<'_>) -> ChannelTouch {
    ChannelTouch {
        group: r.string(),
        source: r.string(),
        medium: r.string(),
        campaign: r.opt(Reader::string),
        term: r.opt(Reader::string),
        click_id: r.opt(Reader::string),
        at_ms: r.time(),
        content: r.opt(Reader::string),
        campaign_id: r.opt(Reader::string),
    }
}

fn stages(w: &mut Writer, s: &StageState) {
    w.len(s.stage_ids.len());
    for id in &s.stage_ids {
        w.str(id);
    }
    w.len(s.evidence.len());
    for &e in &s.evidence {
        w.f64(e);
    }
    w.time(s.updated_ms);
    w.len(s.trail.len());
    for e in &s.trail {
        w.time(e.at_ms);
        match &e.cause {
            Cause::Event(name) => {
                w.byte(0);
                w.str(name);
            }
            Cause::Fact(f) => {
                w.byte(1);
                w.byte(fact_code(*f));
            }
            Cause::Channel(c) => {
                w.byte(2);
                w.str(c);
            }
            Cause::Survey(s) => {
                w.byte(3);
                w.str(s);
            }
        }
        w.byte(e.stage);
        w.f64(e.weight);
    }
}

#[inline(never)]
fn read_stages(r: &mut Reader<'_>, v2: bool) -> StageState {
    StageState {
        stage_ids: r.list(Reader::string),
        evidence: r.list(Reader::f64),
        updated_ms: r.time(),
        trail: r.list(|r| Evidence {
            at_ms: r.time(),
            cause: read_cause(r, v2),
            stage: r.byte(),
            weight: r.f64(),
        }),
    }
}

fn read_cause(r: &mut Reader<'_>, v2: bool) -> Cause {
    match r.byte() {
        0 => Cause::Event(r.string()),
        1 => {
            let code = r.byte();
            Cause::Fact(r.code(FACTS.get(usize::from(code)).copied(), FACTS[0], "fact"))
        }
        2 => Cause::Channel(r.string()),
        3 if v2 => Cause::Survey(r.string()),
        _ => {
            r.fail(CodecError::Invalid("cause"));
            Cause::Fact(FACTS[0])
        }
    }
}

fn decisions(w: &mut Writer, d: &DecisionState) {
    w.bytes(&d.seed.to_le_bytes());
    w.len(d.prompts.len());
    for (k, h) in &d.prompts {
        w.str(k);
        w.len(h.shown_ms.len());
        for t in &h.shown_ms {
            w.time(*t);
        }
        w.varint(h.total.into());
        w.varint(h.clicks.into());
        w.opt(h.dismissed_ms, Writer::time);
    }
    w.len(d.assignments.len());
    for (k, a) in &d.assignments {
        w.str(k);
        w.str(&a.arm);
        w.varint(a.exposed_session.into());
    }
    w.opt(d.reported_channel.as_deref(), Writer::str);
    w.len(d.pain_points.len());
    for p in &d.pain_points {
        w.str(&p.reason);
        w.time(p.at_ms);
    }
}

/// Reads a decisions section; fields a later build appended after these are ignored.
#[inline(never)]
fn read_decisions(r: &mut Reader<'_>) -> DecisionState {
    DecisionState {
        seed: r.u64_le(),
        prompts: read_map(r, Reader::string, |r| PromptHistory {
            shown_ms: r.list(Reader::time),
            total: r.u32(),
            clicks: r.u32(),
            dismissed_ms: r.opt(Reader::time),
        }),
        assignments: read_map(r, Reader::string, |r| Assignment {
            arm: r.string(),
            exposed_session: r.u32(),
        }),
        reported_channel: r.opt(Reader::string),
        pain_points: r.list(|r| PainPoint {
            reason: r.string(),
            at_ms: r.time(),
        }),
    }
}

fn journey(w: &mut Writer, j: &MicroJourneyState) {
    w.str(&j.id);
    w.byte(j.status.code());
    w.byte(j.step);
    w.time(j.started_ms);
    w.time(j.updated_ms);
    w.opt(j.deadline_ms, Writer::time);
    for n in [j.attempts, j.completions, j.abandons, j.backtracks] {
        w.varint(n.into());
    }
}

#[inline(never)]
fn read_journey(r: &mut Reader<'_>) -> MicroJourneyState {
    let id = r.string();
    let code = r.byte();
    MicroJourneyState {
        id,
        status: r.code(
            JourneyStatus::from_code(code),
            JourneyStatus::NotStarted,
            "journey status",
        ),
        step: r.byte(),
        started_ms: r.time(),
        updated_ms: r.time(),
        deadline_ms: r.opt(Reader::time),
        attempts: r.u32(),
        completions: r.u32(),
        abandons: r.u32(),
        backtracks: r.u32(),
    }
}

fn map<K, V>(
    w: &mut Writer,
    m: &SortedMap<K, V>,
    key: impl Fn(&mut Writer, &K),
    value: impl Fn(&mut Writer, &V),
) {
    w.len(m.len());
    for (k, v) in m {
        key(w, k);
        value(w, v);
    }
}

/// Reads a map written by [`map`]; keys must be strictly increasing (canonical form). Not
/// inlined: 72 B brotli less than a copy in each reader.
#[inline(never)]
fn read_map<'a, K: Ord, V>(
    r: &mut Reader<'a>,
    key: impl Fn(&mut Reader<'a>) -> K,
    value: impl Fn(&mut Reader<'a>) -> V,
) -> SortedMap<K, V> {
    let n = r.len();
    let mut m = SortedMap::new();
    for _ in 0..n {
        let k = key(r);
        if m.last_key_value().is_some_and(|(last, _)| *last >= k) {
            r.fail(CodecError::Invalid("map key order"));
        }
        let v = value(r);
        if r.failed() {
            break;
        }
        m.push_last(k, v);
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Config;

    fn fresh() -> State {
        State::new(&Config::default())
    }

    #[test]
    fn fresh_state_round_trips() {
        let s = fresh();
        let bytes = encode(&s);
        assert_eq!(&bytes[..3], MAGIC);
        assert_eq!(decode(&bytes), Ok(s));
    }

    #[test]
    fn header_errors_are_distinguished() {
        let bytes = encode(&fresh());
        assert_eq!(decode(b""), Err(CodecError::Truncated));
        assert_eq!(decode(b"TM"), Err(CodecError::Truncated));
        assert_eq!(decode(b"{\"json\":1}"), Err(CodecError::NotTrailmark));
        assert_eq!(decode(b"X"), Err(CodecError::NotTrailmark));
        let mut future = bytes.clone();
        future[3] = 3;
        assert_eq!(decode(&future), Err(CodecError::FutureVersion(3)));
        future[3..5].copy_from_slice(&u16::MAX.to_le_bytes());
        assert_eq!(decode(&future), Err(CodecError::FutureVersion(u16::MAX)));
        let mut zero = bytes.clone();
        zero[3] = 0;
        assert_eq!(decode(&zero), Err(CodecError::Invalid("version")));
        let mut flipped = bytes.clone();
        flipped[6] ^= 0x10;
        assert_eq!(decode(&flipped), Err(CodecError::Checksum));
        assert_eq!(decode(&bytes[..6]), Err(CodecError::Truncated));
    }

    /// Re-seals a body with a valid header and checksum, to reach the body checks.
    fn sealed(body: &[u8]) -> Vec<u8> {
        let mut b = MAGIC.to_vec();
        b.extend_from_slice(&VERSION.to_le_bytes());
        b.extend_from_slice(body);
        let sum = crc32(&b);
        b.extend_from_slice(&sum.to_le_bytes());
        b
    }

    fn body(s: &State) -> Vec<u8> {
        let b = encode(s);
        b[HEADER..b.len() - CHECKSUM].to_vec()
    }

    #[test]
    fn body_errors_are_reported_not_panicked() {
        let mut b = body(&fresh());
        b.push(0);
        assert_eq!(
            decode(&sealed(&b)),
            Err(CodecError::Invalid("trailing bytes"))
        );
        let b = body(&fresh());
        assert_eq!(
            decode(&sealed(&b[..b.len() - 1])),
            Err(CodecError::Truncated)
        );
        // A session presence byte of 7.
        let mut b = body(&fresh());
        b[3] = 7;
        assert_eq!(
            decode(&sealed(&b)),
            Err(CodecError::Invalid("presence byte"))
        );
    }

    #[test]
    fn unknown_codes_are_invalid() {
        let mut s = fresh();
        s.journeys[0].status = JourneyStatus::Abandoned;
        let mut b = body(&s);
        let code = JourneyStatus::Abandoned.code();
        let at = b
            .windows(9)
            .position(|w| w[..9] == *b"\x08checkout")
            .unwrap()
            + 9;
        assert_eq!(b[at], code);
        b[at] = 200;
        assert_eq!(
            decode(&sealed(&b)),
            Err(CodecError::Invalid("journey status"))
        );
    }

    #[test]
    fn unsorted_map_keys_are_invalid() {
        let mut s = fresh();
        s.profile.counts.insert("a".into(), 1);
        s.profile.counts.insert("b".into(), 2);
        let mut b = body(&s);
        let at = b.windows(4).position(|w| w == b"\x01a\x01\x01").unwrap();
        b[at + 1] = b'c';
        assert_eq!(
            decode(&sealed(&b)),
            Err(CodecError::Invalid("map key order"))
        );
    }

    #[test]
    fn only_the_default_decision_state_is_empty() {
        let mut d = DecisionState::default();
        assert!(is_empty(&d));
        d.seed = 7;
        assert!(!is_empty(&d));
        let d = DecisionState {
            reported_channel: Some(String::new()),
            ..DecisionState::default()
        };
        assert!(!is_empty(&d));
    }

    #[test]
    fn every_fact_has_a_code() {
        for (i, f) in FACTS.iter().enumerate() {
            assert_eq!(usize::from(fact_code(*f)), i);
        }
    }
}
