//! Sharing a stage's prize between winners who claimed on the same ball, exactly, in whole
//! minor units (pence, cents).

use serde::{Deserialize, Serialize};

/// Where the minor units go that do not divide evenly between winners.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Remainder {
    /// One extra unit each to the earliest claims, in claim order (the default).
    #[default]
    FirstClaims,
    /// Kept by the house.
    House,
}

/// Splits `prize` between `winners` winners: (each winner's share in claim order, units kept by
/// the house). The shares and the house part always add up to `prize`.
pub fn split(prize: u64, winners: usize, rule: Remainder) -> (Vec<u64>, u64) {
    if winners == 0 {
        return (Vec::new(), prize);
    }
    let n = winners as u64;
    let base = prize / n;
    let remainder = prize % n;
    match rule {
        Remainder::FirstClaims => {
            let shares = (0..n).map(|i| base + u64::from(i < remainder)).collect();
            (shares, 0)
        }
        Remainder::House => (vec![base; winners], remainder),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_add_up_exactly() {
        for prize in [0u64, 1, 2, 99, 100, 1001, u64::MAX] {
            for winners in 0..8 {
                for rule in [Remainder::FirstClaims, Remainder::House] {
                    let (shares, house) = split(prize, winners, rule);
                    assert_eq!(shares.len(), winners);
                    let total = shares.iter().fold(u128::from(house), |t, &s| t + u128::from(s));
                    assert_eq!(total, u128::from(prize));
                    if let (Some(max), Some(min)) = (shares.iter().max(), shares.iter().min()) {
                        assert!(max - min <= 1);
                    }
                }
            }
        }
        assert_eq!(split(1000, 3, Remainder::FirstClaims), (vec![334, 333, 333], 0));
        assert_eq!(split(1000, 3, Remainder::House), (vec![333, 333, 333], 1));
    }
}
