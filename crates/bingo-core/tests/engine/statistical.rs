//! Statistical tests of the draw and of card faces over many seeds (docs/FAIRNESS.md, section 5).
//!
//! Seeds are SHA-256 of a label and a counter, so every run sees the same data and gets the same
//! p-values. Regulators usually ask for fairness at 99% confidence; each test here asserts
//! p > 0.001 instead of p > 0.01 so that a fixed, reproducible run is not a 1-in-100 coin flip
//! per test (with a few dozen tests, a 0.01 threshold would fail some honest run sooner or
//! later). Every p-value is printed (`[stats] ...` lines, shown even when output is captured).
//!
//! To show that the tests can fail, the same statistics are run on deliberately broken shuffles
//! (driven by a good generator, so only the algorithm is at fault) and must detect them with
//! p < 0.001; a correct Fisher-Yates with that same generator must pass.

use crate::common::{derived_seed, SplitMix};
use crate::stats::{binom, chi2_sf, chi_square, normal_two_sided, report, uniform_p};
use bingo_core::draw::draw_order;
use bingo_core::{Deck, GameKind, Seed};

/// Games per statistic.
const SEEDS: u64 = 20_000;
/// The significance level of every assertion.
const ALPHA: f64 = 0.001;

type Shuffle = fn(GameKind, &Seed) -> Vec<u8>;

fn engine(kind: GameKind, seed: &Seed) -> Vec<u8> {
    draw_order(kind, seed)
}

/// Correct Fisher-Yates with the test generator: the control.
fn control(kind: GameKind, seed: &Seed) -> Vec<u8> {
    let mut rng = SplitMix::from_seed(seed);
    let mut a: Vec<u8> = (1..=kind.balls()).collect();
    for i in (1..a.len()).rev() {
        let j = rng.uniform(i as u64 + 1) as usize;
        a.swap(i, j);
    }
    a
}

/// The classic naive shuffle: j drawn from the whole range at every step (n^n paths onto n!
/// orders, so some orders are more likely than others).
fn naive(kind: GameKind, seed: &Seed) -> Vec<u8> {
    let mut rng = SplitMix::from_seed(seed);
    let mut a: Vec<u8> = (1..=kind.balls()).collect();
    let n = a.len();
    for i in 0..n {
        let j = rng.uniform(n as u64) as usize;
        a.swap(i, j);
    }
    a
}

/// Off by one: `j = uniform(i)` instead of `uniform(i + 1)` (Sattolo's algorithm: only cyclic
/// orders, so no ball ever stays at its own position).
fn off_by_one(kind: GameKind, seed: &Seed) -> Vec<u8> {
    let mut rng = SplitMix::from_seed(seed);
    let mut a: Vec<u8> = (1..=kind.balls()).collect();
    for i in (1..a.len()).rev() {
        let j = rng.uniform(i as u64) as usize;
        a.swap(i, j);
    }
    a
}

/// A biased reduction: `byte mod (i + 1)` without rejection, favouring small indexes.
fn modulo_bias(kind: GameKind, seed: &Seed) -> Vec<u8> {
    let mut rng = SplitMix::from_seed(seed);
    let mut a: Vec<u8> = (1..=kind.balls()).collect();
    for i in (1..a.len()).rev() {
        let j = (rng.next_u64() as u8) as usize % (i + 1);
        a.swap(i, j);
    }
    a
}

/// P(R = r) for the number of runs R in a random arrangement of m items of one sort and m of
/// the other (r from 0 to 2m).
fn runs_distribution(m: u64) -> Vec<f64> {
    let total = binom(2 * m, m);
    (0..=2 * m)
        .map(|r| {
            if r < 2 {
                return 0.0;
            }
            let k = r / 2;
            let ways = if r % 2 == 0 {
                2.0 * binom(m - 1, k - 1) * binom(m - 1, k - 1)
            } else {
                2.0 * binom(m - 1, k) * binom(m - 1, k - 1)
            };
            ways / total
        })
        .collect()
}

/// The named p-values of the battery for one shuffle.
fn battery(name: &str, kind: GameKind, shuffle: Shuffle) -> Vec<(String, f64)> {
    let b = usize::from(kind.balls());
    let mut counts = vec![vec![0u64; b + 1]; b];
    // Runs above/below the median; 75 balls: the median ball 38 is skipped, leaving 37 + 37.
    let m = (b / 2) as u64;
    let below = |x: u8| usize::from(x) <= b / 2;
    let skip = |x: u8| b % 2 == 1 && usize::from(x) == b / 2 + 1;
    let mut runs_hist = vec![0u64; 2 * m as usize + 1];
    let mut runs_sum = 0.0;
    // Serial correlation: S = sum of x_i * x_(i+1) along each order.
    let (mut s_sum, mut s_sq) = (0.0f64, 0.0f64);
    for i in 0..SEEDS {
        let order = shuffle(kind, &derived_seed("draw statistics", i));
        for (pos, &x) in order.iter().enumerate() {
            counts[pos][usize::from(x)] += 1;
        }
        let signs: Vec<bool> = order.iter().filter(|&&x| !skip(x)).map(|&x| below(x)).collect();
        let runs = 1 + signs.windows(2).filter(|w| w[0] != w[1]).count();
        runs_hist[runs] += 1;
        runs_sum += runs as f64;
        let s: f64 = order.windows(2).map(|w| f64::from(w[0]) * f64::from(w[1])).sum();
        s_sum += s;
        s_sq += s * s;
    }
    let n = SEEDS as f64;
    let mut out = Vec::new();
    for (label, pos) in [("first ball", 0), ("second ball", 1), ("middle ball", b / 2), ("last ball", b - 1)] {
        let (stat, df, p) = uniform_p(&counts[pos][1..]);
        out.push((format!("{label} (position {pos}): chi2 {stat:.1}, df {df}"), p));
    }
    // Every position at once: for sums of independent uniform permutation matrices, Pearson's
    // statistic times (B-1)/B is asymptotically chi-square with (B-1)^2 degrees of freedom.
    let e = n / b as f64;
    let pearson: f64 =
        counts.iter().flat_map(|row| row[1..].iter()).map(|&o| (o as f64 - e) * (o as f64 - e) / e).sum();
    let stat = pearson * (b as f64 - 1.0) / b as f64;
    let df = ((b - 1) * (b - 1)) as f64;
    out.push((format!("all positions x balls: chi2 {stat:.1}, df {df}"), chi2_sf(stat, df)));

    let dist = runs_distribution(m);
    let expected: Vec<f64> = dist.iter().map(|p| p * n).collect();
    let observed: Vec<f64> = runs_hist.iter().map(|&c| c as f64).collect();
    let (stat, df) = chi_square(&observed, &expected, 5.0);
    out.push((format!("runs above/below the median, distribution: chi2 {stat:.1}, df {df}"), chi2_sf(stat, df)));
    let mf = m as f64;
    let mean_r = mf + 1.0; // 2 m m / 2m + 1
    let var_r = 2.0 * mf * mf * (2.0 * mf * mf - 2.0 * mf) / (4.0 * mf * mf * (2.0 * mf - 1.0));
    let z = (runs_sum / n - mean_r) / (var_r / n).sqrt();
    out.push((
        format!("runs above/below the median, mean {:.4} vs {mean_r}: z {z:.2}", runs_sum / n),
        normal_two_sided(z),
    ));

    let bf = b as f64;
    let sum_x = bf * (bf + 1.0) / 2.0;
    let sum_x2 = bf * (bf + 1.0) * (2.0 * bf + 1.0) / 6.0;
    let expected_s = (sum_x * sum_x - sum_x2) / bf;
    let mean_s = s_sum / n;
    let var_s = (s_sq / n - mean_s * mean_s) * n / (n - 1.0);
    let z = (mean_s - expected_s) / (var_s / n).sqrt();
    let (mu, var) = ((bf + 1.0) / 2.0, (bf * bf - 1.0) / 12.0);
    let r = (mean_s / (bf - 1.0) - mu * mu) / var;
    out.push((
        format!("serial correlation lag 1: r {r:.5} (exact {:.5}), z {z:.2}", -1.0 / (bf - 1.0)),
        normal_two_sided(z),
    ));
    for (label, p) in &out {
        report(&format!("{name} {kind}-ball, {SEEDS} seeds: {label}: p = {p:.3e}"));
    }
    out
}

fn assert_passes(results: &[(String, f64)], name: &str) {
    for (label, p) in results {
        assert!(*p > ALPHA, "{name}: {label}: p = {p:e} <= {ALPHA}");
    }
}

/// The p-value of the battery entry whose label starts with `prefix`.
fn p_of(results: &[(String, f64)], prefix: &str) -> f64 {
    results.iter().find(|(l, _)| l.starts_with(prefix)).map(|r| r.1).expect("a known statistic")
}

#[test]
fn engine_draw_passes_the_battery() {
    for kind in [GameKind::Ball75, GameKind::Ball90] {
        assert_passes(&battery("engine draw", kind, engine), "engine");
    }
}

#[test]
fn control_shuffle_passes_the_battery() {
    for kind in [GameKind::Ball75, GameKind::Ball90] {
        assert_passes(&battery("control (correct Fisher-Yates)", kind, control), "control");
    }
}

#[test]
fn naive_shuffle_is_detected() {
    for kind in [GameKind::Ball75, GameKind::Ball90] {
        let r = battery("BIASED naive swap", kind, naive);
        let p = p_of(&r, "all positions");
        assert!(p < ALPHA, "{kind}-ball naive shuffle not detected: p = {p:e}");
    }
}

#[test]
fn off_by_one_shuffle_is_detected() {
    for kind in [GameKind::Ball75, GameKind::Ball90] {
        let r = battery("BIASED off-by-one (Sattolo)", kind, off_by_one);
        for stat in ["first ball", "all positions"] {
            let p = p_of(&r, stat);
            assert!(p < ALPHA, "{kind}-ball off-by-one not detected by {stat}: p = {p:e}");
        }
    }
}

#[test]
fn modulo_biased_shuffle_is_detected() {
    for kind in [GameKind::Ball75, GameKind::Ball90] {
        // The first ball comes from the last step, j = byte mod 2, which is unbiased: the bias
        // shows in the other positions.
        let r = battery("BIASED byte modulo", kind, modulo_bias);
        let p = p_of(&r, "all positions");
        assert!(p < ALPHA, "{kind}-ball modulo bias not detected: p = {p:e}");
    }
}

#[test]
fn runs_distribution_is_a_distribution() {
    for m in [37, 45] {
        let d = runs_distribution(m);
        let total: f64 = d.iter().sum();
        assert!((total - 1.0).abs() < 1e-9, "{total}");
        let mean: f64 = d.iter().enumerate().map(|(r, p)| r as f64 * p).sum();
        assert!((mean - (m as f64 + 1.0)).abs() < 1e-9, "{mean}");
    }
}

/// Counts the number found at one cell, as `value - lo`, and tests uniformity.
fn cell_uniformity(label: &str, lo: u8, width: usize, values: impl Iterator<Item = u8>) -> f64 {
    let mut counts = vec![0u64; width];
    for v in values {
        let i = usize::from(v - lo);
        assert!(i < width, "{label}: {v} out of range");
        counts[i] += 1;
    }
    let (stat, df, p) = uniform_p(&counts);
    report(&format!("card faces: {label}: chi2 {stat:.1}, df {df}: p = {p:.3e}"));
    p
}

#[test]
fn card_cells_are_uniform_over_their_column() {
    let n = SEEDS;
    let at = |kind: GameKind, serial: u64, row: u8, col: u8| {
        move |i: u64| {
            Deck::new(kind, &derived_seed("card statistics", i)).card(serial).unwrap().number_at(row, col).unwrap()
        }
    };
    let mut ps = vec![
        cell_uniformity(
            "75-ball top-left cell of serial 1 over 20,000 seeds (1-15)",
            1,
            15,
            (0..n).map(at(GameKind::Ball75, 1, 0, 0)),
        ),
        cell_uniformity(
            "75-ball N column top cell of serial 1 over 20,000 seeds (31-45)",
            31,
            15,
            (0..n).map(at(GameKind::Ball75, 1, 0, 2)),
        ),
        cell_uniformity(
            "80-ball bottom-right cell of serial 7 over 20,000 seeds (61-80)",
            61,
            20,
            (0..n).map(at(GameKind::Ball80, 7, 3, 3)),
        ),
        cell_uniformity(
            "30-ball top-left cell of serial 1,728,000 over 20,000 seeds (1-10)",
            1,
            10,
            (0..n).map(at(GameKind::Ball30, 1_728_000, 0, 0)),
        ),
    ];
    let deck = Deck::new(GameKind::Ball75, &derived_seed("card statistics", u64::MAX));
    ps.push(cell_uniformity(
        "75-ball top-left cell of serials 1-20,000 of one game (1-15)",
        1,
        15,
        (1..=n).map(|s| deck.card(s).unwrap().number_at(0, 0).unwrap()),
    ));
    // 90-ball: the ticket at strip position 1 holds exactly one number of 10-19.
    let column_1 = |card: bingo_core::Card| {
        let found: Vec<u8> = (0..3).filter_map(|r| card.number_at(r, 1)).collect();
        assert_eq!(found.len(), 1, "position 1 holds one number of 10-19");
        found[0]
    };
    ps.push(cell_uniformity(
        "90-ball 10-19 number of ticket 1 over 20,000 seeds",
        10,
        10,
        (0..n).map(|i| column_1(Deck::new(GameKind::Ball90, &derived_seed("card statistics", i)).card(1).unwrap())),
    ));
    let deck = Deck::new(GameKind::Ball90, &derived_seed("card statistics", u64::MAX));
    ps.push(cell_uniformity(
        "90-ball 10-19 number of the first ticket of strips 1-20,000 of one game",
        10,
        10,
        (0..n).map(|q| column_1(deck.card(6 * q + 1).unwrap())),
    ));
    for p in ps {
        assert!(p > ALPHA, "a card cell is not uniform: p = {p:e}");
    }
}
