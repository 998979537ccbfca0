//! The fairness tools' command-line values (`bingo cards`, `draws`, `verify`): one argument's
//! text parsed as every kind of value they take: a seed, a commitment, a kind, a count or serial,
//! a ball list for each kind (then checked against a seed's draw order, as `verify` does), and
//! "FROM COUNT" as a card range (its first and last cards then dealt, as `cards` does).
#![no_main]

use bingo_core::draw::check_draws;
use bingo_core::input::{card_range, decimal, draws};
use bingo_core::{Commitment, Deck, GameKind, Seed};
use libfuzzer_sys::fuzz_target;

const SEED: Seed = Seed::from_bytes([7; 32]);

fuzz_target!(|data: &[u8]| {
    // Arguments reach the tools as UTF-8 (clap refuses anything else).
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(seed) = text.parse::<Seed>() {
        let _ = seed.commitment().is_opened_by(&seed);
    }
    let _ = text.parse::<Commitment>();
    let _ = text.parse::<GameKind>();
    let _ = decimal(text);
    for kind in GameKind::ALL {
        if let Ok(called) = draws(text, kind) {
            let _ = check_draws(kind, &SEED, &called);
        }
    }
    if let Some((from, count)) = text.split_once(' ') {
        if let (Ok(from), Ok(count)) = (decimal(from), decimal(count)) {
            for kind in GameKind::ALL {
                let deck = Deck::new(kind, &SEED);
                if let Ok(serials) = card_range(from, count, deck.capacity()) {
                    let _ = deck.card(*serials.start());
                    let _ = deck.card(*serials.end());
                }
            }
        }
    }
});
