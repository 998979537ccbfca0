//! A game's stored log: bytes -> `Vec<Event>` (JSON, as the storage keeps each event), replayed
//! by `Game::restore` with a fixed seed. The first event's commitment is set to that seed's, as
//! the fuzzer cannot find a seed for a commitment, so that the replay goes past the first event.
//! Every parsed log, replayable or not, also gets its report (`bingo_core::report`).
#![no_main]

use bingo_core::report::{to_csv, to_text, Report};
use bingo_core::{Event, EventKind, Game, GameView, Seed};
use libfuzzer_sys::fuzz_target;

const SEED: Seed = Seed::from_bytes([7; 32]);

fuzz_target!(|data: &[u8]| {
    let Ok(mut events) = serde_json::from_slice::<Vec<Event>>(data) else {
        return;
    };
    if let Some(EventKind::GameCreated { commitment, .. }) = events.first_mut().map(|e| &mut e.kind) {
        *commitment = SEED.commitment();
    }
    if let Ok(report) = Report::from_events("fuzz", &events) {
        let _ = (to_csv(&report), to_text(&report));
    }
    if let Ok(game) = Game::restore(SEED, &events) {
        // What a client is sent of the restored game.
        let _ = serde_json::to_vec(&GameView::of(&game));
    }
});
