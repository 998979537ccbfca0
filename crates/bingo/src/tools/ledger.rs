//! `bingo ledger export` and `bingo verify --ledger`: a game's whole event log in a file, with
//! its hash chain, that a treasurer or licence holder can check end to end afterwards.

use crate::out::outln;
use anyhow::{bail, Context};
use bingo_core::{Channel, Event, EventKind, Game, GameState};
use bingo_storage::{Ledger, Store, LEDGER_FORMAT};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum Command {
    /// Write a game's event log, with its hash chain, to a file.
    Export(ExportArgs),
}

#[derive(clap::Args)]
pub struct ExportArgs {
    /// The game's id.
    #[arg(long)]
    game: String,
    /// Where to write the ledger.
    #[arg(long)]
    out: PathBuf,
    /// The database (postgres://... or sqlite://...); default: the embedded database in --data-dir.
    #[arg(long, env = "BINGO_DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,
    /// The data directory of the embedded database.
    #[arg(long, env = "BINGO_DATA_DIR", default_value = "data")]
    data_dir: PathBuf,
}

pub fn run(command: Command) -> anyhow::Result<ExitCode> {
    let Command::Export(args) = command;
    let url = match args.database_url {
        Some(url) => url,
        None => {
            let file = args.data_dir.join("bingo.db");
            if !file.exists() {
                bail!("there is no embedded database at {}: give --data-dir or --database-url", file.display());
            }
            format!("sqlite://{}", file.display())
        }
    };
    let store = Store::open(&url, 1).context("opening the database")?;
    let meta = store.game_meta(&args.game)?.with_context(|| format!("no game {:?} in that database", args.game))?;
    let stored = store.events_after(&args.game, 0, u32::MAX)?;
    let ledger = Ledger::new(&meta, &stored);
    let text = serde_json::to_string_pretty(&ledger)?;
    // The owner's only, as the database it comes from: a finished game's log holds its seed.
    crate::private::create_file(&args.out)
        .and_then(|mut file| std::io::Write::write_all(&mut file, (text + "\n").as_bytes()))
        .with_context(|| format!("writing {}", args.out.display()))?;
    outln!("wrote {} events of game {} to {}", ledger.events.len(), args.game, args.out.display())?;
    Ok(ExitCode::SUCCESS)
}

/// `bingo verify --ledger FILE [--report-csv OUT]`: the verdict, then (if the game verifies) its report.
pub fn verify(path: &std::path::Path, report_csv: Option<&std::path::Path>) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let ledger: Ledger =
        serde_json::from_str(&text).with_context(|| format!("{} is not a bingo ledger", path.display()))?;
    if ledger.format != LEDGER_FORMAT {
        bail!("{} is a {:?} file; this tool reads {LEDGER_FORMAT}", path.display(), ledger.format);
    }
    let events = match ledger.chained_events() {
        Ok(events) => events,
        Err(why) => {
            outln!("NOT VALID: {why}.")?;
            return Ok(ExitCode::FAILURE);
        }
    };
    match events.first().map(|e| &e.kind) {
        Some(EventKind::GameCreated { commitment, .. }) if commitment.to_string() == ledger.commitment => {}
        _ => {
            outln!("NOT VALID: the log does not start with the game's creation and its commitment.")?;
            return Ok(ExitCode::FAILURE);
        }
    }
    let game = match Game::verify_log(&events) {
        Ok(game) => game,
        Err(bingo_core::GameError::BadLog { seq: 0, .. }) => {
            outln!(
                "INCOMPLETE: the hash chain of all {} events is intact, but the game has not ended, so its seed is not revealed and the draw cannot be checked yet.",
                events.len()
            )?;
            return Ok(ExitCode::FAILURE);
        }
        Err(e) => {
            outln!("NOT FAIR: {e}.")?;
            return Ok(ExitCode::FAILURE);
        }
    };
    if game.state() != GameState::Finished {
        outln!("INCOMPLETE: the game has not finished.")?;
        return Ok(ExitCode::FAILURE);
    }
    let config = game.config();
    outln!(
        "FAIR: {}-ball game {} ({} events): the hash chain is intact, the revealed seed matches the commitment {}, all {} balls are the seed's draw order{}, and every claim was decided by the rules{}.",
        config.kind,
        ledger.game_id,
        events.len(),
        ledger.commitment,
        game.calls().count(),
        if config.draw_mode == bingo_core::DrawMode::Manual { " (manual game: balls checked for range and repeats)" } else { "" },
        if game.records_cards() { " for cards issued before the balls they won on" } else { "" },
    )?;
    for line in card_report(&events, &game) {
        outln!("{line}")?;
    }
    for result in game.results() {
        let name = game.patterns().get(result.stage).map_or("stage", |p| p.name.as_str());
        let winners: Vec<String> = result
            .winners
            .iter()
            .map(|w| match &w.name {
                // Quoted: a name is whatever the winner typed.
                Some(who) => format!("card {} {who:?} ({})", w.serial, w.amount),
                None => format!("card {} ({})", w.serial, w.amount),
            })
            .collect();
        outln!("  stage {} {name}: {}", result.stage + 1, winners.join(", "))?;
    }
    super::report::print(&ledger.game_id, &events, report_csv)?;
    Ok(ExitCode::SUCCESS)
}

/// What the log says about the cards issued: how many, through which channel, and each late issue
/// with the call it followed (a late card wins only on later balls; `Game::verify_log` checked it).
fn card_report(events: &[Event], game: &Game) -> Vec<String> {
    if !game.records_cards() {
        return vec!["  cards: not checked (this game's log was made before issued cards were recorded)".into()];
    }
    let (mut calls, mut phone, mut paper) = (0u16, 0u64, 0u64);
    let mut late = Vec::new();
    for e in events {
        match e.kind {
            EventKind::BallCalled { call, .. } => calls = call,
            EventKind::BallVoided { call, .. } => calls = call.saturating_sub(1),
            EventKind::CardsIssued { first, last, channel, late: is_late, .. } => {
                let count = last - first + 1;
                let via = match channel {
                    Channel::Phone => {
                        phone += count;
                        "phone"
                    }
                    Channel::Paper => {
                        paper += count;
                        "paper"
                    }
                };
                if is_late {
                    let serials = if first == last { format!("card {first}") } else { format!("cards {first}-{last}") };
                    late.push(format!("  late: {serials} ({via}) issued after call {calls}"));
                }
            }
            _ => {}
        }
    }
    let issued = game.issued();
    let mut lines = vec![format!(
        "  cards: {} issued ({phone} on phones, {paper} on paper), {} before the first ball, {} late",
        issued.count(),
        issued.count() - issued.late_count(),
        issued.late_count()
    )];
    lines.extend(late);
    lines
}
