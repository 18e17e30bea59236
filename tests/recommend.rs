//! Recommendations, natively: the model file round-trips and rejects corrupt bytes without
//! panicking, ranking applies exclusions, filters and diversity deterministically, falls back to
//! content similarity without a model, and the visitor is derived from the profile.

use proptest::prelude::*;
use proptest::strategy::Strategy as PropStrategy;

use serde_json::json;
use trailmark::core::recommend::build::{BuildOptions, Builder, Interaction};
use trailmark::core::recommend::rank::{next_items, session_scores};
use trailmark::core::recommend::{
    recommend, view, visitor::visitor, Catalog, Model, Reason, Request, Settings, Strategy, Visitor,
};
use trailmark::core::{Config, Engine, EventKind, Touchpoint};

/// Sessions: a->b->c often, a->d once; carts x+y together.
fn model_bytes() -> Vec<u8> {
    let mut b = Builder::new(BuildOptions::default());
    let mut t = 0.0;
    let mut push = |b: &mut Builder, s: &str, i: &str, k: Interaction| {
        t += 1.0;
        b.push(s, i, t, k);
    };
    for s in 0..5 {
        let s = format!("s{s}");
        push(&mut b, &s, "a", Interaction::View);
        push(&mut b, &s, "b", Interaction::View);
        push(&mut b, &s, "c", Interaction::View);
    }
    push(&mut b, "s9", "a", Interaction::View);
    push(&mut b, "s9", "d", Interaction::View);
    push(&mut b, "s10", "x", Interaction::Cart);
    push(&mut b, "s10", "y", Interaction::Cart);
    push(&mut b, "s10", "x", Interaction::Order);
    b.finish().0
}

fn catalog() -> Catalog {
    Catalog::parse(&json!([
        {"id": "a", "title": "Alpha", "url": "/p/a", "categories": ["boots"], "price": 100},
        {"id": "b", "title": "Bravo", "url": "/p/b", "categories": ["boots"], "price": 110},
        {"id": "c", "title": "Charlie", "url": "https://shop.example/p/c", "categories": ["socks"], "price": 10},
        {"id": "d", "title": "Delta", "categories": ["boots"], "price": 95, "availability": "out_of_stock"},
        {"id": "x", "title": "Xray", "categories": ["tents"], "attributes": {"brand": "Peak"}},
        {"id": "y", "title": "Yankee", "categories": ["tents"], "attributes": {"brand": "Peak"}},
        {"id": "z", "title": "Zulu", "categories": ["tents"], "attributes": {"brand": "Peak"}, "price": 5}
    ]))
    .unwrap()
}

const SETTINGS: Settings = Settings {
    exclude_purchased: true,
    max_per_category: 0,
};

fn req(strategy: Strategy, product: Option<&str>) -> Request {
    Request {
        strategy,
        limit: 10,
        product: product.map(str::to_owned),
        category: None,
        min_price: None,
        max_price: None,
        exclude: Vec::new(),
    }
}

fn ids(recs: &[trailmark::core::recommend::Recommendation<'_>]) -> Vec<String> {
    recs.iter().map(|r| r.product.id.clone()).collect()
}

#[test]
fn model_round_trips_ids_neighbours_and_popularity() {
    let m = Model::from_bytes(model_bytes()).unwrap();
    assert_eq!(m.len(), 6);
    let ids: Vec<&str> = (0..m.len()).map(|i| m.id(i)).collect();
    assert_eq!(ids, ["a", "b", "c", "d", "x", "y"]);
    for (i, id) in ids.iter().enumerate() {
        assert_eq!(m.index(id), Some(i));
    }
    assert_eq!(m.index("nope"), None);
    let a = m.index("a").unwrap();
    let related: Vec<(&str, u16)> = m.related(a).map(|(t, w)| (m.id(t), w)).collect();
    // a->b (5 x 1) beats a->c (5 x 1/2) beats a->d (1).
    assert_eq!(related[0], ("b", 65535));
    assert_eq!(related[1].0, "c");
    assert_eq!(related[2].0, "d");
    assert!(related[1].1 > related[2].1);
    assert!(m.has_bought());
    let bought: Vec<&str> = m
        .bought(m.index("x").unwrap())
        .map(|(t, _)| m.id(t))
        .collect();
    assert_eq!(bought, ["y"]);
    assert_eq!(m.popularity(a), 65535); // 6 clicks, the most
    assert_eq!(m.sessions(), 7);
    // Top-k by popularity, ties by id.
    assert_eq!(
        m.top(2, |i| m.popularity(i)),
        vec![a, m.index("b").unwrap()]
    );
}

/// Recency weights can underflow to 0 (`--half-life-days` with a log whose times go back far
/// before its first line): carts then make no bought-together edge, and the model must still
/// read back (its flag said "lists present" over an empty table).
#[test]
fn a_model_whose_cart_pairs_all_weigh_zero_still_reads_back() {
    let mut b = Builder::new(BuildOptions {
        half_life_s: Some(1.0),
        ..BuildOptions::default()
    });
    b.push("s1", "a", 1e9, Interaction::View);
    b.push("s2", "x", 0.0, Interaction::Cart);
    b.push("s2", "y", 1.0, Interaction::Cart);
    let (bytes, stats) = b.finish();
    assert_eq!(stats.bought_edges, 0);
    let m = Model::from_bytes(bytes).unwrap();
    assert!(!m.has_bought());
    assert_eq!(m.len(), 3);
}

#[test]
fn model_building_is_deterministic() {
    assert_eq!(model_bytes(), model_bytes());
}

#[test]
fn corrupt_model_bytes_are_errors_never_panics() {
    let good = model_bytes();
    for n in 0..good.len() {
        assert!(
            Model::from_bytes(good[..n].to_vec()).is_err(),
            "truncated to {n}"
        );
    }
    for at in 0..good.len() {
        let mut bad = good.clone();
        bad[at] ^= 0x40;
        let r = Model::from_bytes(bad);
        // Only the informational sessions count may change without an error.
        if !(24..28).contains(&at) {
            assert!(r.is_err(), "byte {at} flipped was accepted");
        }
    }
    let e =
        Model::from_bytes(b"<html>not found</html>......................".to_vec()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "recommendation model: not a Trailmark model file"
    );
}

fn json_value() -> impl PropStrategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i32>().prop_map(serde_json::Value::from),
        (-1e6f64..1e6).prop_map(serde_json::Value::from),
        "[a-z:/ <>.]{0,12}".prop_map(serde_json::Value::from),
        prop_oneof![
            Just("id"),
            Just("title"),
            Just("url"),
            Just("price"),
            Just("categories")
        ]
        .prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
            proptest::collection::btree_map(
                prop_oneof![
                    Just("id".to_string()),
                    Just("title".to_string()),
                    Just("url".to_string()),
                    Just("image".to_string()),
                    Just("price".to_string()),
                    Just("categories".to_string()),
                    Just("attributes".to_string()),
                    Just("availability".to_string()),
                    Just("products".to_string()),
                    "[a-z]{1,5}",
                ],
                inner,
                0..6
            )
            .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn catalogs_and_requests_never_panic(doc in json_value()) {
        if let Ok(c) = Catalog::parse(&doc) {
            let v = Visitor { viewed: c.products().iter().take(2).map(|p| p.id.clone()).collect(), ..Default::default() };
            for s in [Strategy::Related, Strategy::ForYou, Strategy::RecentlyViewed] {
                let _ = recommend(None, &c, &v, SETTINGS, &req(s, None));
            }
        }
        let _ = Request::from_json(&doc, 4);
        let _ = Catalog::default().add_seen(&doc);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let mut b = b"TMRM\x01\x00".to_vec();
        b.extend(bytes.iter().copied());
        let _ = Model::from_bytes(b);
        let _ = Model::from_bytes(bytes);
    }
}

#[test]
fn related_excludes_cart_purchased_out_of_stock_and_the_anchor() {
    let m = Model::from_bytes(model_bytes()).unwrap();
    let cat = catalog();
    let v = Visitor {
        viewed: vec!["a".into()],
        ..Default::default()
    };
    let r = recommend(Some(&m), &cat, &v, SETTINGS, &req(Strategy::Related, None));
    // d is out of stock; a is the anchor.
    assert_eq!(ids(&r), ["b", "c"]);
    assert_eq!(r[0].reason, Reason::Viewed("a".into()));
    assert_eq!(
        view::because(&r[0].reason, &cat),
        "Because you viewed Alpha"
    );
    let v = Visitor {
        viewed: vec!["a".into()],
        cart: vec!["b".into()],
        purchased: vec!["c".into()],
        ..Default::default()
    };
    let r = recommend(Some(&m), &cat, &v, SETTINGS, &req(Strategy::Related, None));
    assert!(r.is_empty(), "{:?}", ids(&r));
    let keep = Settings {
        exclude_purchased: false,
        ..SETTINGS
    };
    let r = recommend(Some(&m), &cat, &v, keep, &req(Strategy::Related, None));
    assert_eq!(ids(&r), ["c"]);
}

#[test]
fn filters_limit_and_diversity() {
    let m = Model::from_bytes(model_bytes()).unwrap();
    let cat = catalog();
    let v = Visitor::default();
    let mut q = req(Strategy::Related, Some("a"));
    q.category = Some("socks".into());
    assert_eq!(ids(&recommend(Some(&m), &cat, &v, SETTINGS, &q)), ["c"]);
    let mut q = req(Strategy::Related, Some("a"));
    q.max_price = Some(50.0);
    assert_eq!(ids(&recommend(Some(&m), &cat, &v, SETTINGS, &q)), ["c"]);
    let mut q = req(Strategy::Related, Some("a"));
    q.exclude = vec!["b".into()];
    assert_eq!(ids(&recommend(Some(&m), &cat, &v, SETTINGS, &q)), ["c"]);
    let mut q = req(Strategy::Related, Some("a"));
    q.limit = 1;
    assert_eq!(ids(&recommend(Some(&m), &cat, &v, SETTINGS, &q)), ["b"]);
    // Diversity: without a model, x's neighbours by similarity are y and z (tents); a cap of
    // one per category puts a different category second when there is one.
    let mut q = req(Strategy::Related, Some("x"));
    q.limit = 2;
    let capped = Settings {
        max_per_category: 1,
        ..SETTINGS
    };
    let plain = ids(&recommend(None, &cat, &v, SETTINGS, &q));
    assert_eq!(plain, ["y", "z"]);
    let mut cat2 = catalog();
    cat2.add_product(trailmark::core::recommend::Product {
        id: "w".into(),
        title: "Whiskey".into(),
        url: None,
        image: None,
        price: None,
        currency: None,
        categories: vec!["stoves".into()],
        availability: None,
        attributes: serde_json::from_value(json!({"brand": "Peak"})).unwrap(),
    });
    let r = ids(&recommend(None, &cat2, &v, capped, &q));
    assert_eq!(r, ["y", "w"]);
}

#[test]
fn no_model_falls_back_to_content_similarity() {
    let cat = catalog();
    let v = Visitor {
        viewed: vec!["x".into()],
        ..Default::default()
    };
    let r = recommend(None, &cat, &v, SETTINGS, &req(Strategy::Related, None));
    assert_eq!(ids(&r), ["y", "z"]);
    assert_eq!(r[0].reason, Reason::Similar("x".into()));
    assert_eq!(view::because(&r[0].reason, &cat), "Similar to Xray");
    // Nothing to anchor on, or nothing in the catalog: empty (the slot keeps its default).
    assert!(recommend(
        None,
        &cat,
        &Visitor::default(),
        SETTINGS,
        &req(Strategy::Related, None)
    )
    .is_empty());
    assert!(recommend(
        None,
        &Catalog::default(),
        &v,
        SETTINGS,
        &req(Strategy::Related, None)
    )
    .is_empty());
    assert!(recommend(None, &cat, &v, SETTINGS, &req(Strategy::Trending, None)).is_empty());
}

#[test]
fn strategies_bought_together_recently_viewed_trending_for_you() {
    let m = Model::from_bytes(model_bytes()).unwrap();
    let cat = catalog();
    let v = Visitor {
        viewed: vec!["c".into(), "b".into(), "a".into()],
        ..Default::default()
    };
    let r = recommend(
        Some(&m),
        &cat,
        &v,
        SETTINGS,
        &req(Strategy::BoughtTogether, Some("x")),
    );
    assert_eq!(ids(&r), ["y"]);
    assert_eq!(view::because(&r[0].reason, &cat), "Often bought with Xray");
    let r = recommend(
        Some(&m),
        &cat,
        &v,
        SETTINGS,
        &req(Strategy::RecentlyViewed, Some("c")),
    );
    assert_eq!(ids(&r), ["b", "a"]);
    let r = recommend(Some(&m), &cat, &v, SETTINGS, &req(Strategy::Trending, None));
    assert_eq!(r[0].reason, Reason::Trending);
    assert!(!ids(&r).contains(&"d".to_string()));
    let r = recommend(Some(&m), &cat, &v, SETTINGS, &req(Strategy::ForYou, None));
    assert!(!r.is_empty());
    assert!(ids(&r).iter().all(|id| id != "d"));
}

#[test]
fn ranking_is_deterministic_and_ties_go_by_id() {
    let m = Model::from_bytes(model_bytes()).unwrap();
    let cat = catalog();
    let v = Visitor {
        viewed: vec!["a".into(), "x".into()],
        interests: vec![("tents".into(), 1.0)],
        stage: "consideration".into(),
        ..Default::default()
    };
    for s in [Strategy::Related, Strategy::ForYou, Strategy::Trending] {
        let one = ids(&recommend(Some(&m), &cat, &v, SETTINGS, &req(s, None)));
        let two = ids(&recommend(Some(&m), &cat, &v, SETTINGS, &req(s, None)));
        assert_eq!(one, two);
    }
    // y and z tie on similarity to x: id order.
    let r = recommend(None, &cat, &v, SETTINGS, &req(Strategy::Related, Some("x")));
    assert_eq!(ids(&r)[..2], ["y", "z"]);
}

/// `eval recs --k N` passes any whole number to `top` and `next_items`: a huge `k` asks for
/// every item, it does not overflow or try to reserve `k` slots.
#[test]
fn a_huge_k_lists_every_item_without_panicking() {
    let m = Model::from_bytes(model_bytes()).unwrap();
    let all = m.top(usize::MAX, |i| m.popularity(i));
    assert_eq!(all.len(), m.len());
    let a = m.index("a").unwrap();
    assert_eq!(next_items(&m, &[a], usize::MAX).len(), m.len());
}

#[test]
fn session_scores_weight_recent_items_more() {
    let m = Model::from_bytes(model_bytes()).unwrap();
    let (a, b) = (m.index("a").unwrap(), m.index("b").unwrap());
    let s = session_scores(&m, &[a, b], 5);
    // b -> c is strongest (last item), a's neighbours at half weight.
    assert_eq!(m.id(s[0].0), "c");
    assert_eq!(s[0].2, 1, "explained by b, the last item");
    let list = next_items(&m, &[a], 4);
    assert_eq!(list.len(), 4);
    assert_eq!(m.id(list[0].0), "b");
}

#[test]
fn catalog_errors_name_their_path_and_unsafe_urls_are_refused() {
    let errors = Catalog::parse(&json!({"products": [
        {"id": "a", "title": "A", "url": "javascript:alert(1)"},
        {"id": "b", "title": "B", "image": "data:image/png;base64,xx"},
        {"id": "c", "url": "//evil.example/x"},
        {"id": "a", "title": "again", "price": -1, "colour": "red"}
    ]}))
    .unwrap_err();
    let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "$.products[0].url",
            "$.products[1].image",
            "$.products[2].url",
            "$.products[2].title",
            "$.products[3].colour",
            "$.products[3].price",
        ]
    );
    assert!(Catalog::parse(&json!("nope")).is_err());
    let dup =
        Catalog::parse(&json!([{"id": "a", "title": "A"}, {"id": "a", "title": "B"}])).unwrap_err();
    assert_eq!(dup[0].path, "$[1].id");
    // Markup is kept as text (rendering uses textContent), not rejected or interpreted.
    let c = Catalog::parse(&json!([{"id": "h", "title": "<img src=x onerror=alert(1)>"}])).unwrap();
    assert_eq!(c.get("h").unwrap().title, "<img src=x onerror=alert(1)>");
}

/// Same-site paths with non-ASCII characters are ordinary URLs: checking the scheme prefix must
/// not slice through a multi-byte character (it panicked, trapping the wasm on config load).
#[test]
fn urls_with_non_ascii_characters_are_checked_without_panicking() {
    for url in [
        "/p/café",
        "/p/cafés-au-lait",
        "/données/x.json",
        "https://shop.example/ü",
    ] {
        let c = Catalog::parse(&json!([{"id": "u", "title": "U", "url": url, "image": url}]));
        assert_eq!(c.unwrap().get("u").unwrap().url.as_deref(), Some(url));
    }
    assert!(Catalog::parse(&json!([{"id": "u", "title": "U", "url": "é:x"}])).is_err());
    let config = Config::from_json(
        r#"{"recommend": {"catalog": "/p/café.json", "model": "/données/m.tmrm"}}"#,
    )
    .unwrap();
    assert_eq!(config.recommend.catalog.as_deref(), Some("/p/café.json"));
}

#[test]
fn products_seen_on_pages_join_the_catalog_without_overriding_it() {
    let mut c = catalog();
    assert!(!c.add_seen(&json!({"product_id": "a", "name": "Other"})));
    assert_eq!(c.get("a").unwrap().title, "Alpha");
    assert!(c.add_seen(&json!({"product_id": "n", "name": "New", "price": 3, "category": "socks", "url": "javascript:x"})));
    let n = c.get("n").unwrap();
    assert_eq!(
        (n.price, n.url.as_deref(), n.category()),
        (Some(3.0), None, Some("socks"))
    );
    assert!(!c.add_seen(&json!({"name": "no id"})));
}

#[test]
fn visitor_is_derived_from_the_profile() {
    let mut e = Engine::new(Config::default());
    let t = 1_735_725_600_000;
    let view = |id: &str| Touchpoint::of(EventKind::ProductViewed).with("product_id", id);
    e.ingest(&view("a"), t);
    e.ingest(&view("b"), t + 1000);
    e.ingest(&view("a"), t + 2000);
    e.ingest(
        &Touchpoint::of(EventKind::ProductAdded).with("product_id", "b"),
        t + 3000,
    );
    e.ingest(&Touchpoint::of(EventKind::OrderCompleted), t + 4000);
    e.ingest(
        &Touchpoint::of(EventKind::ProductAdded).with("product_id", "c"),
        t + 5000,
    );
    let v = visitor(&e, t + 6000);
    assert_eq!(v.viewed, ["a", "b"]);
    assert_eq!(v.purchased, ["b"]);
    assert_eq!(v.cart, ["c"]);
}

#[test]
fn requests_read_from_json_with_clear_errors() {
    let r = Request::from_json(
        &json!({"strategy": "for-you", "limit": 3, "filters": {"category": "boots", "max_price": 50, "exclude": ["a"]}}),
        4,
    )
    .unwrap();
    assert_eq!(
        (r.strategy, r.limit, r.max_price),
        (Strategy::ForYou, 3, Some(50.0))
    );
    assert_eq!(Request::from_json(&json!(null), 4).unwrap().limit, 4);
    assert!(Request::from_json(&json!({"strategy": "magic"}), 4)
        .unwrap_err()
        .contains("strategy"));
    assert!(Request::from_json(&json!({"limit": 0}), 4).is_err());
    assert!(Request::from_json(&json!({"filters": {"exclude": [1]}}), 4).is_err());
}

#[test]
fn config_recommend_section_is_validated_with_paths() {
    let c = Config::from_json(r#"{"recommend": {"catalog": "/catalog.json", "model": "/m.tmrm"}}"#)
        .unwrap();
    assert_eq!(c.recommend.catalog.as_deref(), Some("/catalog.json"));
    assert_eq!((c.recommend.limit, c.recommend.max_per_category), (4, 2));
    let e =
        Config::from_json(r#"{"recommend": {"catalog": "javascript:x", "limit": 0, "modle": 1}}"#)
            .unwrap_err();
    let paths: Vec<&str> = e.iter().map(|e| e.path.as_str()).collect();
    assert!(paths.contains(&"$.recommend.catalog"), "{paths:?}");
    assert!(paths.contains(&"$.recommend.limit"), "{paths:?}");
    assert!(paths.contains(&"$.recommend.modle"), "{paths:?}");
}
