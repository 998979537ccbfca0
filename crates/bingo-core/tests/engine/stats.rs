//! Numerical helpers for the statistical tests: the chi-square distribution through the
//! regularized incomplete gamma function (Numerical Recipes' series and Lentz continued
//! fraction, Lanczos log-gamma), binomials, and pooling of sparse bins.

use std::io::Write;

/// ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; relative error about 1e-15).
#[allow(clippy::excessive_precision)]
pub fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_93,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_13,
        -176.615_029_162_140_59,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_571_6e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let t = x + G + 0.5;
    let mut a = C[0];
    for (i, c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

const EPS: f64 = 1e-15;
const MAX_ITER: usize = 1_000_000;

/// P(a, x) by its series, for x < a + 1.
fn gamma_p_series(a: f64, x: f64) -> f64 {
    let mut ap = a;
    let mut del = 1.0 / a;
    let mut sum = del;
    for _ in 0..MAX_ITER {
        ap += 1.0;
        del *= x / ap;
        sum += del;
        if del.abs() < sum.abs() * EPS {
            break;
        }
    }
    sum * (-x + a * x.ln() - ln_gamma(a)).exp()
}

/// Q(a, x) by its continued fraction (modified Lentz), for x >= a + 1.
fn gamma_q_fraction(a: f64, x: f64) -> f64 {
    let tiny = 1e-300;
    let mut b = x + 1.0 - a;
    let mut c = 1.0 / tiny;
    let mut d = 1.0 / b;
    let mut h = d;
    for i in 1..MAX_ITER {
        let an = -(i as f64) * (i as f64 - a);
        b += 2.0;
        d = an * d + b;
        if d.abs() < tiny {
            d = tiny;
        }
        c = b + an / c;
        if c.abs() < tiny {
            c = tiny;
        }
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() < EPS {
            break;
        }
    }
    (-x + a * x.ln() - ln_gamma(a)).exp() * h
}

/// The upper regularized incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a).
pub fn gamma_q(a: f64, x: f64) -> f64 {
    if x <= 0.0 {
        1.0
    } else if x < a + 1.0 {
        1.0 - gamma_p_series(a, x)
    } else {
        gamma_q_fraction(a, x)
    }
}

/// P(X >= stat) for X chi-square with `df` degrees of freedom.
pub fn chi2_sf(stat: f64, df: f64) -> f64 {
    gamma_q(df / 2.0, stat / 2.0)
}

/// P(|Z| >= |z|) for a standard normal Z.
pub fn normal_two_sided(z: f64) -> f64 {
    gamma_q(0.5, z * z / 2.0)
}

/// Pearson's statistic of observed counts against expected counts, after merging neighbouring
/// bins until each expects at least `min_expected`. Returns (statistic, degrees of freedom).
pub fn chi_square(observed: &[f64], expected: &[f64], min_expected: f64) -> (f64, f64) {
    assert_eq!(observed.len(), expected.len());
    let mut bins: Vec<(f64, f64)> = Vec::new();
    let (mut o, mut e) = (0.0, 0.0);
    for (&ob, &ex) in observed.iter().zip(expected) {
        o += ob;
        e += ex;
        if e >= min_expected {
            bins.push((o, e));
            (o, e) = (0.0, 0.0);
        }
    }
    if e > 0.0 || o > 0.0 {
        match bins.last_mut() {
            Some(last) => {
                last.0 += o;
                last.1 += e;
            }
            None => bins.push((o, e)),
        }
    }
    let stat = bins.iter().map(|(o, e)| (o - e) * (o - e) / e).sum();
    (stat, bins.len() as f64 - 1.0)
}

/// Chi-square goodness of fit of counts against the uniform distribution over the bins.
pub fn uniform_p(counts: &[u64]) -> (f64, f64, f64) {
    let total: u64 = counts.iter().sum();
    let e = total as f64 / counts.len() as f64;
    let observed: Vec<f64> = counts.iter().map(|&c| c as f64).collect();
    let (stat, df) = chi_square(&observed, &vec![e; counts.len()], 5.0);
    (stat, df, chi2_sf(stat, df))
}

/// n choose k as a float (exact for the sizes used here).
pub fn binom(n: u64, k: u64) -> f64 {
    if k > n {
        return 0.0;
    }
    (ln_gamma(n as f64 + 1.0) - ln_gamma(k as f64 + 1.0) - ln_gamma((n - k) as f64 + 1.0)).exp().round()
}

/// Writes one line to the test log, bypassing libtest's output capture, so every p-value is
/// visible in a plain `cargo test` run.
pub fn report(line: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "[stats] {line}");
}

#[test]
fn chi_square_distribution_matches_known_values() {
    let close = |a: f64, b: f64, tol: f64| (a - b).abs() <= tol * b.abs().max(1e-300);
    // Textbook critical values.
    assert!(close(chi2_sf(3.841_458_820_694_124, 1.0), 0.05, 1e-9));
    assert!(close(chi2_sf(6.634_896_601_021_214, 1.0), 0.01, 1e-9));
    assert!(close(chi2_sf(23.209_251_158_954_36, 10.0), 0.01, 1e-8));
    assert!(close(chi2_sf(18.307_038_053_275_146, 10.0), 0.05, 1e-8));
    // df = 2 is exponential: Q = exp(-x/2).
    assert!(close(chi2_sf(2.0, 2.0), (-1.0f64).exp(), 1e-12));
    assert!(close(chi2_sf(30.0, 2.0), (-15.0f64).exp(), 1e-10));
    // Large df, both branches: P(chi2_100 > 100) = 0.48119..., P(chi2_100 > 124.342) = 0.05
    assert!(close(chi2_sf(100.0, 100.0), 0.481_191_684_527_956_7, 1e-10));
    assert!(close(chi2_sf(124.342_113_404_070_8, 100.0), 0.05, 1e-9));
    // The (B-1)^2 degrees of freedom of the position x ball tables (exact values for even df).
    assert!(close(chi2_sf(5476.0, 5476.0), 0.497_458_600_327_086_8, 1e-9));
    assert!(close(chi2_sf(5800.0, 5476.0), 0.001_170_053_706_646_714_6, 1e-7));
    assert!(close(chi2_sf(7600.0, 7920.0), 0.994_949_108_041_729_9, 1e-9));
    assert!(close(normal_two_sided(1.959_963_984_540_054), 0.05, 1e-9));
    assert!(close(normal_two_sided(3.290_526_731_491_9), 0.001, 1e-7));
    assert!(close(ln_gamma(10.0), 362_880f64.ln(), 1e-13));
    assert!(close(ln_gamma(0.5), std::f64::consts::PI.sqrt().ln(), 1e-13));
    assert_eq!(binom(15, 5), 3003.0);
}
