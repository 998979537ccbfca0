//! Prize splits add up exactly.

use bingo_core::prize::split;
use bingo_core::Remainder;
use proptest::prelude::*;

fn prize() -> impl Strategy<Value = u64> {
    prop_oneof![0u64..10_000, any::<u64>(), Just(u64::MAX)]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn prize_splits_add_up_exactly(prize in prize(), winners in 0usize..2_000, house_keeps in any::<bool>()) {
        let rule = if house_keeps { Remainder::House } else { Remainder::FirstClaims };
        let (shares, house) = split(prize, winners, rule);
        prop_assert_eq!(shares.len(), winners);
        let total = shares.iter().fold(u128::from(house), |t, &s| t + u128::from(s));
        prop_assert_eq!(total, u128::from(prize));
        if winners == 0 {
            prop_assert_eq!(house, prize);
            return Ok(());
        }
        let n = winners as u64;
        match rule {
            Remainder::House => {
                prop_assert!(shares.iter().all(|&s| s == prize / n));
                prop_assert_eq!(house, prize % n);
            }
            Remainder::FirstClaims => {
                prop_assert_eq!(house, 0);
                // Earlier claims get the extra units: shares never increase, differ by at most 1.
                prop_assert!(shares.windows(2).all(|w| w[0] >= w[1]));
                prop_assert!(shares[0] - shares[winners - 1] <= 1);
                let extra = shares.iter().filter(|&&s| s > prize / n).count() as u64;
                prop_assert_eq!(extra, prize % n);
            }
        }
    }
}
