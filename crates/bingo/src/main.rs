//! The `bingo` binary: one executable for the platform's roles and its command-line tools.

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
    /// Print the cards of a game (a seed) by serial number.
    Cards(tools::cards::Args),
    /// Print the full draw order that a seed gives.
    Draws(tools::draws::Args),
    /// Check a revealed seed against its commitment and the balls that were called.
    Verify(tools::verify::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Cards(args) => tools::cards::run(args),
        Command::Draws(args) => tools::draws::run(args),
        Command::Verify(args) => tools::verify::run(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
