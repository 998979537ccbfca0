//! The `bingo` binary: one executable for the platform's roles and its command-line tools.

mod backup;
mod out;
mod private;
mod server;
mod tools;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "bingo", version, about = "Bingo for halls, charities, pubs and remote events")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the whole platform in one process: API, realtime hub and web apps.
    Serve(server::config::ServerArgs),
    /// Run the HTTP API role (with auto-draw); realtime nodes serve the sockets.
    Api(server::config::ServerArgs),
    /// Run a realtime node: WebSocket sessions, fed through Redis.
    Realtime(server::config::ServerArgs),
    /// Apply the database migrations and exit.
    Migrate(server::config::ServerArgs),
    /// Print the cards of a game (a seed) by serial number.
    Cards(tools::cards::Args),
    /// Print the full draw order that a seed gives.
    Draws(tools::draws::Args),
    /// Check a revealed seed against its commitment and the balls that were called, or a whole
    /// game's ledger file.
    Verify(tools::verify::Args),
    /// A game's tamper-evident event log.
    #[command(subcommand)]
    Ledger(tools::ledger::Command),
    /// Back up the database (PostgreSQL: pg_dump; the embedded SQLite: an online copy) into a
    /// directory, verified and checksummed, and delete this tool's old backups.
    Backup(backup::BackupArgs),
    /// Restore the database from a backup: verified first, a safety backup taken, restored
    /// beside the live database, checked, then swapped in. Stop the server first.
    Restore(backup::RestoreArgs),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(&e),
    };
    let result = match cli.command {
        Command::Serve(args) => serve(server::Role::Serve, args),
        Command::Api(args) => serve(server::Role::Api, args),
        Command::Realtime(args) => serve(server::Role::Realtime, args),
        Command::Migrate(args) => args.resolve("migrate").and_then(server::migrate).map(|()| ExitCode::SUCCESS),
        Command::Cards(args) => tools::cards::run(args),
        Command::Draws(args) => tools::draws::run(args),
        Command::Verify(args) => tools::verify::run(args),
        Command::Ledger(command) => tools::ledger::run(command),
        Command::Backup(args) => backup::run_backup(args),
        Command::Restore(args) => backup::run_restore(args),
    };
    match result {
        Ok(code) => code,
        Err(e) if out::is_closed(&e) => ExitCode::from(out::CLOSED_STATUS),
        Err(e) => {
            out::errln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// Prints clap's verdict on the arguments. A bad value of a known option is malformed input and
/// gets one line (clap's text before its hints, joined); help, version and usage errors are
/// printed as clap writes them.
fn usage_error(e: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if !matches!(e.kind(), ErrorKind::InvalidValue | ErrorKind::ValueValidation) {
        let _ = e.print();
        return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
    }
    let text = e.render().to_string();
    let head = text.split("\n\n").next().unwrap_or_default();
    out::errln!("{}", head.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" "));
    ExitCode::from(2)
}

fn serve(role: server::Role, args: server::config::ServerArgs) -> anyhow::Result<ExitCode> {
    let name = format!("{role:?}").to_lowercase();
    server::run(role, args.resolve(&name)?)?;
    Ok(ExitCode::SUCCESS)
}
