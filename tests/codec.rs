//! The persisted-state codec from outside: exact round-trips of arbitrary states, no panics on
//! arbitrary or corrupted bytes, the version-1 and version-2 golden files, and encoded sizes.
//!
//! Version 1 is released: its golden file is never rewritten. Regenerate the version-2 golden
//! file only while version 2 is unreleased: `TRAILMARK_BLESS=1 cargo test --test codec golden`.

use trailmark::core::map::SortedMap;

use proptest::collection::{btree_map, vec};
use proptest::option::of;
use proptest::prelude::*;
use trailmark::core::channel::ChannelTouch;
use trailmark::core::codec::{decode, encode, FACTS, MAGIC};
use trailmark::core::config::Fact;
use trailmark::core::engine::State;
use trailmark::core::error::CodecError;
use trailmark::core::event::{EventKind, Touchpoint};
use trailmark::core::map::IdMap;
use trailmark::core::micro::{JourneyStatus, MicroJourneyState};
use trailmark::core::profile::{
    CartLine, Interest, Profile, RecordedTouchpoint, Session, SurveyAnswer,
};
use trailmark::core::prompt::{Assignment, DecisionState, PainPoint, PromptHistory};
use trailmark::core::stage::{Cause, Evidence, StageState};
use trailmark::core::{Config, Engine};

const GOLDEN_V1: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/state-v1.bin");
const GOLDEN_V2: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/state-v2.bin");

// ---------------------------------------------------------------------------------------------
// Strategies

/// Every f64 bit pattern when `nan`, otherwise every non-NaN value (NaN != NaN under `==`).
fn float(nan: bool) -> BoxedStrategy<f64> {
    let bits = any::<u64>().prop_map(f64::from_bits);
    if nan {
        prop_oneof![bits, Just(f64::NAN), Just(-0.0), Just(f64::INFINITY)].boxed()
    } else {
        prop_oneof![
            bits.prop_filter("not NaN", |f| !f.is_nan()),
            Just(-0.0),
            Just(f64::NEG_INFINITY),
            any::<f64>().prop_filter("not NaN", |f| !f.is_nan()),
        ]
        .boxed()
    }
}

fn text() -> BoxedStrategy<String> {
    prop_oneof![
        "[a-z/ _-]{0,12}",
        "\\PC{0,8}",
        Just(String::new()),
        Just("Ünïcødé ✓ 🛒".to_string()),
    ]
    .boxed()
}

fn time() -> BoxedStrategy<u64> {
    prop_oneof![
        any::<u64>(),
        1_600_000_000_000u64..1_800_000_000_000,
        Just(0),
        Just(u64::MAX)
    ]
    .boxed()
}

fn kind() -> impl Strategy<Value = EventKind> {
    let kinds: Vec<EventKind> = EventKind::all().chain([EventKind::Custom]).collect();
    proptest::sample::select(kinds)
}

fn touch() -> impl Strategy<Value = ChannelTouch> {
    (
        (text(), text(), text()),
        (of(text()), of(text()), of(text())),
        time(),
        (of(text()), of(text())),
    )
        .prop_map(
            |(
                (group, source, medium),
                (campaign, term, click_id),
                at_ms,
                (content, campaign_id),
            )| {
                ChannelTouch {
                    group,
                    source,
                    medium,
                    campaign,
                    term,
                    click_id,
                    at_ms,
                    content,
                    campaign_id,
                }
            },
        )
}

fn session() -> impl Strategy<Value = Session> {
    (
        any::<u32>(),
        time(),
        time(),
        any::<u32>(),
        touch(),
        btree_map(any::<u16>(), any::<u16>(), 0..6),
    )
        .prop_map(
            |(number, started_ms, last_ms, touchpoints, channel, signal_hits)| Session {
                number,
                started_ms,
                last_ms,
                touchpoints,
                channel,
                signal_hits: signal_hits.into(),
            },
        )
}

fn recorded(nan: bool) -> impl Strategy<Value = RecordedTouchpoint> {
    (
        time(),
        kind(),
        (of(text()), of(text()), of(text()), of(text())),
        of(float(nan)),
    )
        .prop_map(
            |(at_ms, kind, (custom_name, path, product_id, category), value)| RecordedTouchpoint {
                at_ms,
                kind,
                custom_name,
                path,
                product_id,
                category,
                value,
            },
        )
}

fn profile(nan: bool) -> impl Strategy<Value = Profile> {
    let head = (
        (time(), time(), any::<u32>()),
        of(session()),
        of(time()),
        of(touch()),
        vec(touch(), 0..4),
        btree_map(text(), any::<u32>(), 0..4),
        (any::<u32>(), float(nan), of(time())),
    );
    let tail = (
        vec((text(), float(nan), time()), 0..4),
        vec((text(), any::<u32>(), of(float(nan))), 0..4),
        vec((text(), text(), of(float(nan)), time()), 0..4),
        vec(recorded(nan), 0..8),
        btree_map(text(), any::<u64>(), 0..4),
        btree_map(text(), any::<u32>(), 0..4),
    );
    (head, tail).prop_map(
        |(
            (
                (first_seen_ms, last_seen_ms, visits),
                session,
                previous_visit_ms,
                first_touch,
                touches,
                channel_counts,
                (orders, revenue, last_order_ms),
            ),
            (interests, cart, surveys, recent, counts, viewed_products),
        )| Profile {
            first_seen_ms,
            last_seen_ms,
            visits,
            session,
            previous_visit_ms,
            first_touch,
            touches,
            channel_counts: channel_counts.into(),
            orders,
            revenue,
            last_order_ms,
            interests: interests
                .into_iter()
                .map(|(category, score, updated_ms)| Interest {
                    category,
                    score,
                    updated_ms,
                })
                .collect(),
            cart: cart
                .into_iter()
                .map(|(product_id, quantity, price)| CartLine {
                    product_id,
                    quantity,
                    price,
                })
                .collect(),
            surveys: surveys
                .into_iter()
                .map(|(survey, answer, score, at_ms)| SurveyAnswer {
                    survey,
                    answer,
                    score,
                    at_ms,
                })
                .collect(),
            recent,
            counts: counts.into(),
            viewed_products: viewed_products.into(),
        },
    )
}

fn cause() -> impl Strategy<Value = Cause> {
    prop_oneof![
        text().prop_map(Cause::Event),
        proptest::sample::select(FACTS.to_vec()).prop_map(Cause::Fact),
        text().prop_map(Cause::Channel),
        text().prop_map(Cause::Survey),
    ]
}

fn stages(nan: bool) -> impl Strategy<Value = StageState> {
    (
        vec(text(), 0..7),
        vec(float(nan), 0..7),
        time(),
        vec((time(), cause(), any::<u8>(), float(nan)), 0..8),
    )
        .prop_map(|(stage_ids, evidence, updated_ms, trail)| StageState {
            stage_ids,
            evidence,
            updated_ms,
            trail: trail
                .into_iter()
                .map(|(at_ms, cause, stage, weight)| Evidence {
                    at_ms,
                    cause,
                    stage,
                    weight,
                })
                .collect(),
        })
}

fn status() -> impl Strategy<Value = JourneyStatus> {
    (0u8..5).prop_map(|c| JourneyStatus::from_code(c).expect("codes 0..5 exist"))
}

fn journey() -> impl Strategy<Value = MicroJourneyState> {
    (
        (text(), status(), any::<u8>()),
        (time(), time(), of(time())),
        (any::<u32>(), any::<u32>(), any::<u32>(), any::<u32>()),
    )
        .prop_map(
            |(
                (id, status, step),
                (started_ms, updated_ms, deadline_ms),
                (attempts, completions, abandons, backtracks),
            )| MicroJourneyState {
                id,
                status,
                step,
                started_ms,
                updated_ms,
                deadline_ms,
                attempts,
                completions,
                abandons,
                backtracks,
            },
        )
}

fn decisions() -> impl Strategy<Value = DecisionState> {
    let history = (vec(time(), 0..4), any::<u32>(), any::<u32>(), of(time())).prop_map(
        |(shown_ms, total, clicks, dismissed_ms)| PromptHistory {
            shown_ms,
            total,
            clicks,
            dismissed_ms,
        },
    );
    let assignment = (text(), any::<u32>()).prop_map(|(arm, exposed_session)| Assignment {
        arm,
        exposed_session,
    });
    (
        any::<u64>(),
        btree_map(text(), history, 0..4),
        btree_map(text(), assignment, 0..4),
        of(text()),
        vec((text(), time()), 0..3),
    )
        .prop_map(
            |(seed, prompts, assignments, reported_channel, pains)| DecisionState {
                seed,
                prompts: prompts.into_iter().collect(),
                assignments: assignments.into_iter().collect(),
                reported_channel,
                pain_points: pains
                    .into_iter()
                    .map(|(reason, at_ms)| PainPoint { reason, at_ms })
                    .collect(),
            },
        )
}

fn state(nan: bool) -> impl Strategy<Value = State> {
    (profile(nan), stages(nan), vec(journey(), 0..5), decisions()).prop_map(
        |(profile, stages, journeys, decisions)| State {
            profile,
            stages,
            journeys,
            decisions,
        },
    )
}

// ---------------------------------------------------------------------------------------------
// Properties

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        // Integration tests have no lib.rs beside them for proptest to find.
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn round_trip_is_exact(s in state(false)) {
        let bytes = encode(&s);
        prop_assert_eq!(decode(&bytes), Ok(s));
    }

    /// With NaN payloads `==` cannot compare, so compare the bits via re-encoding.
    #[test]
    fn round_trip_is_bit_exact_for_every_float(s in state(true)) {
        let bytes = encode(&s);
        let back = decode(&bytes);
        prop_assert!(back.is_ok(), "{:?}", back);
        prop_assert_eq!(encode(&back.unwrap()), bytes);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in vec(any::<u8>(), 0..512)) {
        let _ = decode(&bytes);
        let mut tagged = b"TMK\x01\x00".to_vec();
        tagged.extend_from_slice(&bytes);
        let _ = decode(&tagged);
    }

    /// Bodies that pass the header and checksum checks, so the body decoder itself is attacked.
    #[test]
    fn arbitrary_sealed_bodies_never_panic(body in vec(any::<u8>(), 0..512)) {
        let _ = decode(&sealed(&body));
    }

    /// A valid encoding with bytes overwritten, then re-sealed: decodes or errs, never panics,
    /// and whatever decodes re-encodes to the same bytes (the encoding is canonical).
    #[test]
    fn corrupted_sealed_bodies_never_panic(
        s in state(true),
        edits in vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
    ) {
        let bytes = encode(&s);
        let mut body = bytes[5..bytes.len() - 4].to_vec();
        for (at, b) in edits {
            let i = at.index(body.len());
            body[i] = b;
        }
        let sealed = sealed(&body);
        if let Ok(back) = decode(&sealed) {
            prop_assert_eq!(encode(&back), sealed);
        }
    }

    #[test]
    fn any_single_byte_change_is_an_error(
        s in state(true),
        at in any::<prop::sample::Index>(),
        xor in 1u8..=255,
    ) {
        let mut bytes = encode(&s);
        let i = at.index(bytes.len());
        bytes[i] ^= xor;
        let r = decode(&bytes);
        prop_assert!(r.is_err(), "byte {} ^ {:#x} decoded", i, xor);
        if i >= 5 {
            prop_assert_eq!(r, Err(CodecError::Checksum));
        }
    }

    #[test]
    fn every_truncation_is_an_error(s in state(true)) {
        let bytes = encode(&s);
        for n in 0..bytes.len() {
            prop_assert!(decode(&bytes[..n]).is_err(), "prefix of {} bytes decoded", n);
        }
    }
}

/// Header, body and a valid CRC-32 (computed here independently of the crate).
fn sealed(body: &[u8]) -> Vec<u8> {
    let mut b = b"TMK\x01\x00".to_vec();
    b.extend_from_slice(body);
    let sum = crc32_reference(&b);
    b.extend_from_slice(&sum.to_le_bytes());
    b
}

/// Bitwise CRC-32 (IEEE), the textbook definition.
fn crc32_reference(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

// ---------------------------------------------------------------------------------------------
// Examples

#[test]
fn checksum_is_standard_crc32_over_everything_before_it() {
    let bytes = encode(&State::new(&Config::default()));
    let (content, sum) = bytes.split_at(bytes.len() - 4);
    assert_eq!(&content[..3], MAGIC);
    assert_eq!(&content[3..5], &[2, 0]);
    assert_eq!(sum, crc32_reference(content).to_le_bytes());
}

#[test]
fn errors_for_foreign_truncated_future_and_corrupt_bytes() {
    let bytes = encode(&State::new(&Config::default()));
    assert_eq!(decode(b"null"), Err(CodecError::NotTrailmark));
    assert_eq!(decode(&bytes[..2]), Err(CodecError::Truncated));
    assert_eq!(decode(&bytes[..bytes.len() - 1]), Err(CodecError::Checksum));
    let mut future = bytes.clone();
    future[3] = 3;
    assert_eq!(decode(&future), Err(CodecError::FutureVersion(3)));
    let mut corrupt = bytes;
    let last = corrupt.len() - 5;
    corrupt[last] ^= 1;
    assert_eq!(decode(&corrupt), Err(CodecError::Checksum));
}

#[test]
fn engine_restore_gives_error_and_fresh_state_on_bad_bytes() {
    let config = Config::default();
    let fresh = State::new(&config);
    for bad in [&b""[..], b"TMK\x09\x00", b"garbage", b"TMK\x01\x00\x00"] {
        let (engine, err) = Engine::restore(config.clone(), bad);
        assert!(err.is_some(), "{bad:?}");
        assert_eq!(engine.state(), &fresh);
    }
}

// ---------------------------------------------------------------------------------------------
// Golden file

/// A state with every field populated and every variant present, built in code.
fn golden_state() -> State {
    let t0: u64 = 1_735_689_600_000; // 2025-01-01T00:00:00Z
    let min = 60_000;
    let google = ChannelTouch {
        group: "Organic Search".into(),
        source: "google".into(),
        medium: "organic".into(),
        campaign: None,
        term: Some("trail shoes".into()),
        click_id: None,
        at_ms: t0,
        content: None,
        campaign_id: None,
    };
    let email = ChannelTouch {
        group: "Email".into(),
        source: "newsletter".into(),
        medium: "email".into(),
        campaign: Some("spring_sale".into()),
        term: None,
        click_id: Some("gclid".into()),
        at_ms: t0 + 3 * 86_400_000,
        content: Some("hero-button".into()),
        campaign_id: Some("c-42".into()),
    };
    let profile = Profile {
        first_seen_ms: t0,
        last_seen_ms: t0 + 3 * 86_400_000 + 10 * min,
        visits: 2,
        session: Some(Session {
            number: 2,
            started_ms: email.at_ms,
            last_ms: email.at_ms + 10 * min,
            touchpoints: 4,
            channel: email.clone(),
            signal_hits: SortedMap::from([(0, 1), (7, 3), (300, 65_535)]),
        }),
        previous_visit_ms: Some(t0 + 20 * min),
        first_touch: Some(google.clone()),
        touches: Vec::from([google, email]),
        channel_counts: SortedMap::from([("Email".into(), 1), ("Organic Search".into(), 1)]),
        orders: 1,
        revenue: 129.95,
        last_order_ms: Some(t0 + 3 * 86_400_000 + 9 * min),
        interests: vec![
            Interest {
                category: "Shoes".into(),
                score: 4.25,
                updated_ms: t0 + 3 * 86_400_000 + 9 * min,
            },
            Interest {
                category: "Zubehör".into(),
                score: -0.0,
                updated_ms: t0 + 5 * min,
            },
        ],
        cart: vec![
            CartLine {
                product_id: "sku-1".into(),
                quantity: 2,
                price: Some(59.5),
            },
            CartLine {
                product_id: "sku-2".into(),
                quantity: 1,
                price: None,
            },
        ],
        surveys: vec![SurveyAnswer {
            survey: "nps".into(),
            answer: "9".into(),
            score: Some(9.0),
            at_ms: t0 + 3 * 86_400_000 + 10 * min,
        }],
        recent: Vec::from([
            RecordedTouchpoint {
                at_ms: t0,
                kind: EventKind::PageViewed,
                custom_name: None,
                path: Some("/".into()),
                product_id: None,
                category: None,
                value: None,
            },
            RecordedTouchpoint {
                at_ms: t0 + 5 * min,
                kind: EventKind::ProductViewed,
                custom_name: None,
                path: Some("/p/sku-1".into()),
                product_id: Some("sku-1".into()),
                category: Some("Shoes".into()),
                value: Some(59.5),
            },
            RecordedTouchpoint {
                at_ms: t0 + 3 * 86_400_000 + 9 * min,
                kind: EventKind::OrderCompleted,
                custom_name: None,
                path: None,
                product_id: None,
                category: None,
                value: Some(f64::INFINITY),
            },
            RecordedTouchpoint {
                at_ms: t0 + 3 * 86_400_000 + 10 * min,
                kind: EventKind::Custom,
                custom_name: Some("Newsletter Opened".into()),
                path: None,
                product_id: None,
                category: None,
                value: Some(f64::MIN_POSITIVE),
            },
        ]),
        counts: SortedMap::from([
            ("(other)".into(), 3),
            ("Newsletter Opened".into(), 1),
            ("Order Completed".into(), 1),
            ("Page Viewed".into(), u64::MAX),
            ("Product Viewed".into(), 1),
        ]),
        viewed_products: SortedMap::from([("sku-1".into(), 1)]),
    };
    let stages = StageState {
        stage_ids: [
            "discovery",
            "research",
            "consideration",
            "purchase",
            "post_purchase",
            "loyalty",
        ]
        .map(String::from)
        .to_vec(),
        evidence: vec![0.5, 1.25, -0.75, 6.0, 2.0, f64::EPSILON],
        updated_ms: t0 + 3 * 86_400_000 + 10 * min,
        trail: Vec::from([
            Evidence {
                at_ms: t0,
                cause: Cause::Channel("Organic Search".into()),
                stage: 0,
                weight: 0.5,
            },
            Evidence {
                at_ms: t0,
                cause: Cause::Fact(Fact::NewVisitor),
                stage: 0,
                weight: 1.0,
            },
            Evidence {
                at_ms: t0 + 5 * min,
                cause: Cause::Event("Product Viewed".into()),
                stage: 2,
                weight: -0.75,
            },
            Evidence {
                at_ms: t0 + 3 * 86_400_000,
                cause: Cause::Fact(Fact::ProductRevisit),
                stage: 255,
                weight: 0.8,
            },
        ]),
    };
    let journeys = vec![
        MicroJourneyState {
            id: "checkout".into(),
            status: JourneyStatus::Completed,
            step: 3,
            started_ms: t0 + 3 * 86_400_000 + 7 * min,
            updated_ms: t0 + 3 * 86_400_000 + 9 * min,
            deadline_ms: None,
            attempts: 2,
            completions: 1,
            abandons: 1,
            backtracks: 0,
        },
        MicroJourneyState {
            id: "support".into(),
            status: JourneyStatus::Progressing,
            step: 1,
            started_ms: t0 + 3 * 86_400_000 + 8 * min,
            updated_ms: t0 + 3 * 86_400_000 + 8 * min,
            deadline_ms: Some(t0 + 3 * 86_400_000 + 38 * min),
            attempts: 1,
            completions: 0,
            abandons: 0,
            backtracks: u32::MAX,
        },
        MicroJourneyState::new("sign_up"),
    ];
    State {
        profile,
        stages,
        journeys,
        decisions: DecisionState::default(),
    }
}

/// The version-2 golden state: the version-1 one plus a survey cause and every decision field.
fn golden_state_v2() -> State {
    let mut s = golden_state();
    let t0: u64 = 1_735_689_600_000;
    s.stages.trail.push(Evidence {
        at_ms: t0 + 5 * 86_400_000,
        cause: Cause::Survey("survey: NPS 10".into()),
        stage: 5,
        weight: 1.5,
    });
    s.decisions = DecisionState {
        seed: 0x0123_4567_89AB_CDEF,
        prompts: IdMap::from_iter([
            (
                "cart-nudge".to_string(),
                PromptHistory {
                    shown_ms: vec![t0 + 1_000, t0 + 86_400_000],
                    total: 2,
                    clicks: 1,
                    dismissed_ms: Some(t0 + 86_400_000 + 5_000),
                },
            ),
            ("nps".to_string(), PromptHistory::default()),
        ]),
        assignments: IdMap::from_iter([
            (
                "hero-copy".to_string(),
                Assignment {
                    arm: "bold".into(),
                    exposed_session: 3,
                },
            ),
            (
                "nudge-test".to_string(),
                Assignment {
                    arm: "holdout".into(),
                    exposed_session: 0,
                },
            ),
        ]),
        reported_channel: Some("Podcast".into()),
        pain_points: vec![PainPoint {
            reason: "CSAT 1 after support".into(),
            at_ms: t0 + 2 * 86_400_000,
        }],
    };
    s
}

/// The version-1 golden file (released: never rewritten) decodes to the state above, with no
/// decision state; re-encoding writes the current version.
#[test]
fn golden_v1() {
    let expected = golden_state();
    let bytes = std::fs::read(GOLDEN_V1).expect("tests/golden/state-v1.bin exists");
    assert_eq!(&bytes[3..5], &[1, 0]);
    assert_eq!(decode(&bytes), Ok(expected.clone()));
    let now = encode(&expected);
    assert_eq!(&now[3..5], &[2, 0]);
    assert_eq!(decode(&now), Ok(expected));
}

/// The version-2 golden file decodes to the state above and re-encodes to identical bytes.
/// `TRAILMARK_BLESS=1` rewrites it (only while version 2 is unreleased).
#[test]
fn golden_v2() {
    let expected = golden_state_v2();
    if std::env::var_os("TRAILMARK_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(GOLDEN_V2, encode(&expected)).expect("write golden file");
    }
    let bytes = std::fs::read(GOLDEN_V2).expect("tests/golden/state-v2.bin exists");
    assert_eq!(decode(&bytes), Ok(expected.clone()));
    assert_eq!(
        encode(&expected),
        bytes,
        "the v2 layout changed: add sections or v3"
    );
}

/// A version-2 state with a section this build does not know (tag 9) still decodes; sections
/// out of order do not.
#[test]
fn unknown_sections_are_skipped() {
    let bytes = encode(&golden_state_v2());
    let body = &bytes[5..bytes.len() - 4];
    // The body ends with: count 1, tag 1, length, payload. The count sits where the same state
    // without decisions ends its body. Append a tag-9 section after the first.
    let mut extended = body.to_vec();
    let plain = encode(&State {
        decisions: DecisionState::default(),
        ..golden_state_v2()
    });
    let prefix = plain.len() - 4 - 5 - 1;
    assert_eq!(extended[prefix], 1, "one section");
    extended[prefix] = 2;
    extended.extend_from_slice(&[9, 3, 0xAA, 0xBB, 0xCC]);
    let sealed2 = |body: &[u8]| {
        let mut b = b"TMK\x02\x00".to_vec();
        b.extend_from_slice(body);
        let sum = crc32_reference(&b);
        b.extend_from_slice(&sum.to_le_bytes());
        b
    };
    assert_eq!(decode(&sealed2(&extended)), Ok(golden_state_v2()));
    let mut unordered = body.to_vec();
    unordered[prefix] = 2;
    unordered.extend_from_slice(&[1, 0]);
    assert_eq!(
        decode(&sealed2(&unordered)),
        Err(CodecError::Invalid("section order"))
    );
}

// ---------------------------------------------------------------------------------------------
// Size

/// A deterministic year of realistic traffic: ~1,000 touchpoints over 60 visits from mixed
/// channels, browsing, searching, carts, orders, surveys and custom events.
fn realistic_year(touchpoints: usize) -> Engine {
    let mut engine = Engine::new(Config::default());
    let mut t: u64 = 1_735_689_600_000;
    let mut rng: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move |n: u64| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng % n
    };
    let landings = [
        (
            "https://shop.example/?utm_source=newsletter&utm_medium=email&utm_campaign=spring",
            None,
        ),
        ("https://shop.example/", Some("https://www.google.com/")),
        ("https://shop.example/p/sku-3?gclid=abc", None),
        ("https://shop.example/", None),
        (
            "https://shop.example/blog/trail-running",
            Some("https://l.facebook.com/"),
        ),
    ];
    let categories = ["Shoes", "Jackets", "Backpacks", "Socks", "Tents"];
    let mut n = 0;
    while n < touchpoints {
        let (url, referrer) = landings[next(landings.len() as u64) as usize];
        engine.ingest(&Touchpoint::page(url, referrer), t);
        n += 1;
        for _ in 0..(8 + next(20)) {
            t += 15_000 + next(120_000);
            let sku = format!("sku-{}", next(300));
            let category = categories[next(5) as usize];
            let tp = match next(12) {
                0 => Touchpoint::of(EventKind::ProductsSearched).with("query", "rain jacket"),
                1 => Touchpoint::of(EventKind::ProductListViewed)
                    .with("category", category)
                    .at_url(&format!("https://shop.example/c/{category}")),
                2 => Touchpoint::of(EventKind::ProductAdded)
                    .with("product_id", sku)
                    .with("category", category)
                    .with("price", 49.9),
                3 => Touchpoint::of(EventKind::CheckoutStarted),
                4 if next(3) == 0 => {
                    Touchpoint::of(EventKind::OrderCompleted).with("revenue", 120.5)
                }
                5 => Touchpoint::new("Newsletter Opened", Default::default()),
                6 => Touchpoint::of(EventKind::SurveyAnswered)
                    .with("survey_id", "nps")
                    .with("answer", 8),
                7 => Touchpoint::of(EventKind::ScrollDepth).with("depth", 75),
                _ => Touchpoint::of(EventKind::ProductViewed)
                    .with("product_id", sku.clone())
                    .with("category", category)
                    .with("price", 49.9)
                    .at_url(&format!("https://shop.example/p/{sku}")),
            };
            engine.ingest(&tp, t);
            n += 1;
        }
        t += 86_400_000 * (1 + next(10));
    }
    engine
}

#[test]
fn encoded_sizes_stay_small() {
    let fresh = encode(&State::new(&Config::default()));
    let year = realistic_year(1_000);
    let bytes = year.encode();
    let s = year.state();
    println!(
        "encoded size: fresh state {} B; after 1,000 touchpoints {} B \
         (recent {}, touches {}, trail {}, counts {}, viewed {})",
        fresh.len(),
        bytes.len(),
        s.profile.recent.len(),
        s.profile.touches.len(),
        s.stages.trail.len(),
        s.profile.counts.len(),
        s.profile.viewed_products.len(),
    );
    assert!(fresh.len() < 320, "fresh state is {} bytes", fresh.len());
    assert!(bytes.len() < 24 * 1024, "a year is {} bytes", bytes.len());
    // Bounded: another thousand touchpoints do not grow it materially.
    let two_years = realistic_year(2_000).encode();
    assert!(two_years.len() < bytes.len() * 5 / 4);
    assert_eq!(decode(&bytes).as_ref(), Ok(s));
}
