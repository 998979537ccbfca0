//! Engine benchmarks (single thread): card and strip generation, claim checks, "to go" updates
//! and draw orders. Results and targets: docs/BENCHMARKS.md.
//!
//! cargo bench -p bingo-core --bench engine

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bingo_core::claim::{check, ClaimWindow};
use bingo_core::draw::draw_order;
use bingo_core::{Calls, Deck, GameKind, PatternSpec, Seed, ToGo};
use criterion::{black_box, criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use std::time::{Duration, Instant};

fn seed() -> Seed {
    Seed::from_bytes(core::array::from_fn(|i| i as u8))
}

const CARDS_PER_ITER: u64 = 1_000;
const STRIPS_PER_ITER: u64 = 100;
const TRACKED: u64 = 100_000;

fn cards(c: &mut Criterion) {
    let mut g = c.benchmark_group("cards");
    let deck75 = Deck::new(GameKind::Ball75, &seed());
    let mut next = 1u64;
    g.throughput(Throughput::Elements(CARDS_PER_ITER));
    g.bench_function("75-ball cards", |b| {
        b.iter(|| {
            for _ in 0..CARDS_PER_ITER {
                black_box(deck75.card(black_box(next)).unwrap());
                next += 1;
            }
        })
    });
    // For comparison: the same construction over smaller domains.
    for kind in [GameKind::Ball80, GameKind::Ball30] {
        let deck = Deck::new(kind, &seed());
        let cap = deck.capacity();
        let mut next = 1u64;
        g.bench_function(format!("{kind}-ball cards"), |b| {
            b.iter(|| {
                for _ in 0..CARDS_PER_ITER {
                    black_box(deck.card(black_box(next)).unwrap());
                    next = next % cap + 1;
                }
            })
        });
    }
    let deck90 = Deck::new(GameKind::Ball90, &seed());
    let mut strip = 1u64;
    g.throughput(Throughput::Elements(STRIPS_PER_ITER));
    g.bench_function("90-ball strips", |b| {
        b.iter(|| {
            for _ in 0..STRIPS_PER_ITER {
                black_box(deck90.strip(black_box(strip)).unwrap());
                strip = strip % 990_000_000 + 1;
            }
        })
    });
    g.finish();
}

fn claims(c: &mut Criterion) {
    let mut g = c.benchmark_group("claim check");
    g.throughput(Throughput::Elements(1));
    for (kind, id, balls) in [(GameKind::Ball75, "any-line", 30usize), (GameKind::Ball90, "full-house", 60)] {
        let deck = Deck::new(kind, &seed());
        let pattern = PatternSpec::Builtin(id.into()).resolve(kind).unwrap();
        let calls = Calls::from(draw_order(kind, &seed())[..balls].to_vec());
        let window = ClaimWindow { stage_first_call: 1, claim_before_next_ball: true };
        // A mix of winning and losing cards, cycled.
        let cards: Vec<_> = (1..=64).map(|s| deck.card(s).unwrap()).collect();
        let mut i = 0;
        g.bench_function(format!("{kind}-ball {id} after {balls} balls"), |b| {
            b.iter(|| {
                i = (i + 1) % cards.len();
                black_box(check(black_box(&cards[i]), &pattern, black_box(&calls), window))
            })
        });
    }
    g.finish();
}

fn togo(c: &mut Criterion) {
    let mut g = c.benchmark_group("to go");
    g.sample_size(30);
    g.throughput(Throughput::Elements(TRACKED));
    for (kind, id) in [(GameKind::Ball75, "any-line"), (GameKind::Ball90, "one-line")] {
        let deck = Deck::new(kind, &seed());
        let pattern = PatternSpec::Builtin(id.into()).resolve(kind).unwrap();
        let mut base = ToGo::new(&pattern);
        for s in 1..=TRACKED {
            base.add(&deck.card(s).unwrap(), 0);
        }
        let order = draw_order(kind, &seed());
        // One iteration = one ball: every card holding it is marked and recounted. The game is
        // replayed ball after ball; the tracker is reset (untimed) when all balls are out.
        g.bench_function(format!("{kind}-ball {id}, 100,000 cards, per ball"), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                let mut tracker = base.clone();
                let mut k = 0;
                for _ in 0..iters {
                    if k == order.len() {
                        tracker = base.clone();
                        k = 0;
                    }
                    let start = Instant::now();
                    tracker.call(black_box(order[k]));
                    black_box(tracker.count_needing(0));
                    total += start.elapsed();
                    k += 1;
                }
                total
            })
        });
    }
    g.finish();
}

fn draws(c: &mut Criterion) {
    let mut g = c.benchmark_group("draw order");
    g.throughput(Throughput::Elements(1));
    for kind in [GameKind::Ball75, GameKind::Ball90] {
        let mut n = 0u8;
        g.bench_function(format!("{kind}-ball"), |b| {
            b.iter_batched(
                || {
                    n = n.wrapping_add(1);
                    Seed::from_bytes([n; 32])
                },
                |s| draw_order(kind, &s),
                BatchSize::SmallInput,
            )
        });
    }
    g.finish();
}

criterion_group!(benches, cards, claims, togo, draws);
criterion_main!(benches);
