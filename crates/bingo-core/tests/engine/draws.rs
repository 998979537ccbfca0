//! Draw orders, commitments and their hex forms.

use crate::common::{any_kind, any_seed};
use bingo_core::draw::{check_draws, draw_order, DrawCheck};
use bingo_core::{Commitment, GameKind, Seed};
use proptest::prelude::*;
use sha2::{Digest, Sha256};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn a_draw_order_is_a_permutation_of_the_balls(seed in any_seed(), kind in any_kind()) {
        let order = draw_order(kind, &seed);
        prop_assert_eq!(order.len(), usize::from(kind.balls()));
        let mut sorted = order.clone();
        sorted.sort_unstable();
        prop_assert_eq!(sorted, (1..=kind.balls()).collect::<Vec<u8>>());
        prop_assert_eq!(&order, &draw_order(kind, &seed.clone()));
    }

    #[test]
    fn check_draws_accepts_prefixes_and_finds_changes(
        seed in any_seed(),
        kind in any_kind(),
        len in 0usize..=90,
        at in any::<prop::sample::Index>(),
        replacement in 0u8..=255,
    ) {
        let order = draw_order(kind, &seed);
        let len = len.min(order.len());
        prop_assert_eq!(check_draws(kind, &seed, &order[..len]), DrawCheck::Matches);
        if len > 0 {
            let i = at.index(len);
            let mut wrong = order[..len].to_vec();
            if replacement != wrong[i] {
                wrong[i] = replacement;
                prop_assert_eq!(
                    check_draws(kind, &seed, &wrong),
                    DrawCheck::Differs { call: i + 1, called: replacement, expected: order[i] }
                );
            }
        }
        let mut long = order.clone();
        long.push(1);
        let too_many = matches!(check_draws(kind, &seed, &long), DrawCheck::TooMany { .. });
        prop_assert!(too_many);
    }

    #[test]
    fn commitment_and_reveal_round_trip(bytes in any::<[u8; 32]>(), bit in 0usize..256) {
        let seed = Seed::from_bytes(bytes);
        let commitment = seed.commitment();
        // The commitment is SHA-256 of the 32 raw seed bytes.
        let expected: [u8; 32] = Sha256::digest(bytes).into();
        prop_assert_eq!(commitment.as_bytes(), &expected);
        prop_assert!(commitment.is_opened_by(&seed));

        // Hex: 64 lowercase digits, parsed back to the same value (upper case accepted too).
        let hex = commitment.to_string();
        prop_assert_eq!(hex.len(), 64);
        prop_assert!(hex.chars().all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)));
        prop_assert_eq!(hex.parse::<Commitment>().unwrap(), commitment);
        prop_assert_eq!(hex.to_uppercase().parse::<Commitment>().unwrap(), commitment);
        let seed_hex = seed.to_hex();
        prop_assert_eq!(seed_hex.len(), 64);
        let reparsed: Seed = seed_hex.parse().unwrap();
        prop_assert_eq!(&reparsed, &seed);
        prop_assert!(commitment.is_opened_by(&reparsed));
        prop_assert!(!format!("{seed:?}").contains(&seed_hex), "Debug must not print the seed");

        // JSON forms are the hex strings.
        let json = serde_json::to_string(&commitment).unwrap();
        prop_assert_eq!(&json, &format!("\"{hex}\""));
        prop_assert_eq!(serde_json::from_str::<Commitment>(&json).unwrap(), commitment);
        let json = serde_json::to_string(&seed).unwrap();
        prop_assert_eq!(serde_json::from_str::<Seed>(&json).unwrap(), seed.clone());

        // Any other seed (here: one bit flipped) does not open it.
        let mut other = bytes;
        other[bit / 8] ^= 1 << (bit % 8);
        prop_assert!(!commitment.is_opened_by(&Seed::from_bytes(other)));

        // Malformed hex is an error, not a panic.
        prop_assert!(hex[..63].parse::<Commitment>().is_err());
        assert!(format!("{hex}00").parse::<Commitment>().is_err());
        assert!(format!("{}g", &hex[..63]).parse::<Commitment>().is_err());
        prop_assert!(seed_hex[1..].parse::<Seed>().is_err());
    }

    #[test]
    fn hex_parsers_never_panic(text in ".{0,80}") {
        let _ = text.parse::<Seed>();
        let _ = text.parse::<Commitment>();
        let _ = text.parse::<GameKind>();
    }
}

/// The first test vector of docs/FAIRNESS.md, section 4.
#[test]
fn fairness_document_vector() {
    let seed: Seed = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f".parse().unwrap();
    assert_eq!(seed.commitment().to_string(), "630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd");
    let expect = [
        (GameKind::Ball75, [20, 42, 71, 40, 51, 31, 66, 27, 47, 26]),
        (GameKind::Ball90, [85, 6, 88, 30, 9, 20, 41, 22, 46, 67]),
        (GameKind::Ball80, [61, 12, 64, 30, 73, 34, 2, 55, 3, 44]),
        (GameKind::Ball30, [17, 9, 6, 7, 8, 2, 13, 10, 24, 29]),
    ];
    for (kind, first) in expect {
        assert_eq!(draw_order(kind, &seed)[..10], first, "{kind}-ball");
    }
    let cards = [
        (
            GameKind::Ball75,
            r#"{"kind":"75","serial":1,"grid":[[10,17,43,47,71],[12,30,41,58,70],[1,25,null,48,69],[3,29,37,52,68],[5,20,44,56,75]]}"#,
        ),
        (
            GameKind::Ball80,
            r#"{"kind":"80","serial":1,"grid":[[20,32,60,64],[4,26,41,65],[9,29,42,63],[16,36,43,78]]}"#,
        ),
        (GameKind::Ball30, r#"{"kind":"30","serial":1,"grid":[[3,15,26],[4,18,25],[10,12,27]]}"#),
        (
            GameKind::Ball90,
            r#"{"kind":"90","serial":1,"strip":1,"position":1,"grid":[[null,null,null,36,null,52,65,70,83],[6,null,21,37,45,58,null,null,null],[8,13,29,null,null,null,null,78,89]]}"#,
        ),
    ];
    for (kind, line) in cards {
        let card = bingo_core::Deck::new(kind, &seed).card(1).unwrap();
        assert_eq!(serde_json::to_string(&card).unwrap(), line);
    }
}
