//! Chaos: the platform while what it stands on fails. Redis stopped and restarted under an API
//! node and three realtime nodes, PostgreSQL restarted during auto-draw, and the embedded
//! database's filesystem full. Each test prints what it measured (`chaos: ...` lines; run with
//! `--no-capture` to see them); docs/BENCHMARKS.md ("Under faults") records the numbers.
//!
//! They start daemons of their own (a Redis, a PostgreSQL cluster) or mount a filesystem, so the
//! nix-sandbox profile leaves them out; the PostgreSQL and disk tests need root (CI runs as root)
//! and print "skipped" otherwise.

mod disk_full;
mod postgres;
mod redis;

use std::process::Command;

pub fn is_root() -> bool {
    rustix::process::geteuid().is_root()
}

/// Runs a command to completion; panics with its output if it fails.
pub fn run(command: &mut Command) -> String {
    let out = command.output().unwrap_or_else(|e| panic!("{command:?}: {e}"));
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{command:?} failed ({}):\n{text}", out.status);
    text
}

/// A measured number, printed so that the run's output records it.
pub fn report(test: &str, what: &str, value: impl std::fmt::Display) {
    println!("chaos: {test}: {what}: {value}");
}
