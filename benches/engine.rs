//! Engine benchmarks: ingest cost per touchpoint on a visitor with a 1,000-touchpoint history,
//! encode/decode cost, and the encoded state size after 10,000 touchpoints (printed).
//!
//! Run with `cargo bench --bench engine`; numbers go in the README.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use trailmark::core::{Config, Engine, EventKind, Touchpoint};

const MIN: u64 = 60_000;

/// A realistic mix: page views, product views, searches, cart, checkout, now and then an order,
/// with sessions a day apart.
fn journey(n: usize) -> Vec<(Touchpoint, u64)> {
    let mut out = Vec::with_capacity(n);
    let mut t = 1_735_725_600_000u64;
    for i in 0..n {
        let product = format!("p{}", i % 300);
        let category = ["Shoes", "Jackets", "Bags", "Socks"][i % 4];
        let tp = match i % 20 {
            0 => Touchpoint::page(
                &format!(
                    "https://shop.example/?utm_source=news&utm_medium=email&utm_campaign=c{}",
                    i % 7
                ),
                Some(""),
            ),
            1 | 5 | 9 => Touchpoint::page(
                &format!("https://shop.example/c/{category}"),
                Some("https://shop.example/"),
            ),
            2 => Touchpoint::of(EventKind::ProductsSearched).with("query", "boots"),
            3 | 4 | 6 | 7 => Touchpoint::of(EventKind::ProductViewed)
                .with("product_id", product)
                .with("category", category)
                .with("price", 49.0),
            8 => Touchpoint::of(EventKind::ReviewsViewed),
            10 => Touchpoint::of(EventKind::ProductAdded)
                .with("product_id", product)
                .with("price", 49.0),
            11 => Touchpoint::of(EventKind::CartViewed),
            12 => Touchpoint::of(EventKind::CheckoutStarted),
            13 if i % 60 == 13 => Touchpoint::of(EventKind::OrderCompleted).with("revenue", 49.0),
            14 => Touchpoint::new("Newsletter Opened", Default::default()),
            _ => Touchpoint::of(EventKind::ScrollDepth).with("depth", 50),
        };
        t += if i % 20 == 0 { 86_400_000 } else { MIN };
        out.push((tp, t));
    }
    out
}

fn warmed(n: usize) -> (Engine, u64) {
    let mut engine = Engine::new(Config::default());
    let mut last = 0;
    for (tp, t) in journey(n) {
        engine.ingest(&tp, t);
        last = t;
    }
    (engine, last)
}

fn bench(c: &mut Criterion) {
    let (engine, last) = warmed(1_000);
    let next = Touchpoint::of(EventKind::ProductViewed)
        .with("product_id", "p7")
        .with("category", "Shoes")
        .with("price", 49.0);
    c.bench_function("ingest: product view, 1,000-touchpoint history", |b| {
        b.iter_batched_ref(
            || engine.clone(),
            |e| black_box(e.ingest(black_box(&next), last + MIN)),
            BatchSize::SmallInput,
        )
    });
    let page = Touchpoint::page(
        "https://shop.example/c/Bags",
        Some("https://www.google.com/"),
    );
    c.bench_function(
        "ingest: page view with channel classification, 1,000-touchpoint history",
        |b| {
            b.iter_batched_ref(
                || engine.clone(),
                |e| black_box(e.ingest(black_box(&page), last + 86_400_000)),
                BatchSize::SmallInput,
            )
        },
    );
    c.bench_function("stage estimates with trails", |b| {
        b.iter(|| black_box(engine.stage(last)))
    });
    let bytes = engine.encode();
    c.bench_function("encode state (1,000-touchpoint history)", |b| {
        b.iter(|| black_box(engine.encode()))
    });
    c.bench_function("restore state (1,000-touchpoint history)", |b| {
        b.iter(|| black_box(Engine::restore(Config::default(), black_box(&bytes))))
    });

    let (big, _) = warmed(10_000);
    println!(
        "encoded state size: {} bytes after 1,000 touchpoints, {} bytes after 10,000 touchpoints",
        bytes.len(),
        big.encode().len()
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
