//! Ranking helpers: binomial coefficients, combination unranking and Lehmer-code permutations.

/// `n choose k` for the small numbers a card column uses (n <= 64 fits in u64 for these k).
pub const fn binom(n: u64, k: u64) -> u64 {
    if k > n {
        return 0;
    }
    let mut result = 1u64;
    let mut i = 0;
    while i < k {
        result = result * (n - i) / (i + 1);
        i += 1;
    }
    result
}

pub const fn factorial(n: u64) -> u64 {
    let mut result = 1;
    let mut i = 2;
    while i <= n {
        result *= i;
        i += 1;
    }
    result
}

/// `binom(n, k)` for n <= 20, k <= 5 (every card column), looked up instead of computed.
const BINOM_TABLE: [[u64; 6]; 21] = {
    let mut t = [[0u64; 6]; 21];
    let mut n = 0;
    while n < 21 {
        let mut k = 0;
        while k < 6 {
            t[n][k] = binom(n as u64, k as u64);
            k += 1;
        }
        n += 1;
    }
    t
};

#[inline]
fn small_binom(n: u8, k: u64) -> u64 {
    match BINOM_TABLE.get(usize::from(n)).and_then(|row| row.get(k as usize)) {
        Some(&b) => b,
        None => binom(u64::from(n), k),
    }
}

/// Writes the `rank`-th `out.len()`-subset of `0..n`, ascending, in lexicographic order of
/// ascending subsets (rank 0 is `0, 1, ..., k-1`). `rank` must be below `binom(n, k)`.
pub fn unrank_combination(mut rank: u64, n: u8, out: &mut [u8]) {
    let k = out.len() as u64;
    let mut v = 0u8;
    for (i, slot) in out.iter_mut().enumerate() {
        loop {
            let count = small_binom(n - 1 - v, k - 1 - i as u64);
            if rank < count {
                *slot = v;
                v += 1;
                break;
            }
            rank -= count;
            v += 1;
        }
    }
}

/// Reorders `items` (ascending on entry) by the Lehmer code `code` in `0..items.len()!`:
/// position i takes the `code / (k-1-i)!`-th of the items not yet taken.
pub fn apply_lehmer(mut code: u64, items: &mut [u8]) {
    const FACTORIALS: [u64; 6] = [1, 1, 2, 6, 24, 120];
    let k = items.len();
    for i in 0..k {
        let f = FACTORIALS.get(k - 1 - i).copied().unwrap_or_else(|| factorial((k - 1 - i) as u64));
        let idx = (code / f) as usize;
        code %= f;
        // Move the chosen remaining item to position i, keeping the rest in order.
        items[i..=i + idx].rotate_right(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binomials() {
        assert_eq!(binom(15, 5), 3003);
        assert_eq!(binom(15, 4), 1365);
        assert_eq!(binom(20, 4), 4845);
        assert_eq!(binom(10, 3), 120);
        assert_eq!(binom(3, 5), 0);
    }

    #[test]
    fn unranking_enumerates_all_subsets_in_order() {
        let mut previous: Option<Vec<u8>> = None;
        for rank in 0..binom(7, 3) {
            let mut out = [0u8; 3];
            unrank_combination(rank, 7, &mut out);
            assert!(out[0] < out[1] && out[1] < out[2] && out[2] < 7);
            if let Some(p) = previous {
                assert!(p.as_slice() < out.as_slice());
            }
            previous = Some(out.to_vec());
        }
        assert_eq!(previous, Some(vec![4, 5, 6]));
    }

    #[test]
    fn lehmer_codes_are_distinct_permutations() {
        let mut seen = std::collections::HashSet::new();
        for code in 0..factorial(4) {
            let mut items = [10, 20, 30, 40];
            apply_lehmer(code, &mut items);
            let mut sorted = items;
            sorted.sort_unstable();
            assert_eq!(sorted, [10, 20, 30, 40]);
            assert!(seen.insert(items));
        }
        let mut items = [1, 2, 3];
        apply_lehmer(0, &mut items);
        assert_eq!(items, [1, 2, 3]);
        apply_lehmer(5, &mut items);
        assert_eq!(items, [3, 2, 1]);
    }
}
