//! The ledger file, as `bingo verify --ledger` reads it: bytes -> `Ledger` (serde_json), the
//! hash chain checked (`chained_events`), then the whole game re-checked (`Game::verify_log`),
//! and its report derived and written (`bingo_core::report`, as the verdict prints it).
//!
//! The fuzzer cannot forge SHA-256, so every input is checked twice: as given (the chain check's
//! refusals) and re-chained, each link recomputed as a forger with the file would, so that
//! mutated payloads reach the event parser and the engine's replay.
#![no_main]

use bingo_core::report::{to_csv, to_text, Report};
use bingo_core::Game;
use bingo_storage::{chain_hash, Ledger, GENESIS_HASH, LEDGER_FORMAT};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(mut ledger) = serde_json::from_slice::<Ledger>(data) else {
        return;
    };
    if ledger.format != LEDGER_FORMAT {
        return;
    }
    check(&ledger);
    rechain(&mut ledger);
    check(&ledger);
});

fn check(ledger: &Ledger) {
    let Ok(events) = ledger.chained_events() else {
        return;
    };
    // The report of any chained log, verified or not (the server's stored logs are not re-verified).
    if let Ok(report) = Report::from_events(&ledger.game_id, &events) {
        let _ = (to_csv(&report), to_text(&report));
    }
    if let Ok(game) = Game::verify_log(&events) {
        // What the verdict prints: the results and the cards issued.
        for result in game.results() {
            let _ = game.patterns().get(result.stage).map(|p| p.name.len());
        }
        let issued = game.issued();
        let _ = issued.count() - issued.late_count();
    }
}

fn rechain(ledger: &mut Ledger) {
    let mut prev = GENESIS_HASH;
    for e in &mut ledger.events {
        e.prev_hash = hex(&prev);
        let hash = chain_hash(&prev, e.seq, e.payload.as_bytes());
        e.hash = hex(&hash);
        prev = hash;
    }
}

fn hex(bytes: &[u8; 32]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
