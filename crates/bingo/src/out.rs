//! Standard output and error for every command, without the panics of `println!`.
//!
//! Rust ignores SIGPIPE, so a reader that goes away early (`bingo cards ... | head`) turns the
//! next write into an EPIPE error, which `println!` answers with a panic (exit status 101). Here
//! a closed stdout is [`Closed`]: the command stops there and `main` exits with status
//! [`CLOSED_STATUS`], 141, what a shell shows for a program killed by SIGPIPE (dying by the signal
//! itself would need `unsafe` to restore its default action). A closed stderr only loses the
//! message: there is nowhere left to report it.

use std::fmt;
use std::io::{self, BufWriter, Write};

/// The exit status after stdout was closed before everything was written: 128 + SIGPIPE (13).
pub const CLOSED_STATUS: u8 = 141;

/// Standard output was closed by its reader.
#[derive(Debug)]
pub struct Closed;

impl fmt::Display for Closed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("standard output was closed")
    }
}

impl std::error::Error for Closed {}

fn stdout_error(e: io::Error) -> anyhow::Error {
    if e.kind() == io::ErrorKind::BrokenPipe {
        Closed.into()
    } else {
        anyhow::Error::new(e).context("writing to standard output")
    }
}

/// Whether `e` is, or was caused by, a closed stdout.
pub fn is_closed(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| cause.is::<Closed>())
}

/// Writes `args` and a newline to stdout, at once (stdout is line-buffered).
pub fn line(args: fmt::Arguments<'_>) -> anyhow::Result<()> {
    let mut out = io::stdout().lock();
    out.write_fmt(args).and_then(|()| out.write_all(b"\n")).map_err(stdout_error)
}

/// Writes `args` to stderr, ignoring failure.
pub fn err(args: fmt::Arguments<'_>) {
    let mut err = io::stderr().lock();
    let _ = err.write_fmt(args).and_then(|()| err.flush());
}

/// `println!`, returning `anyhow::Result<()>`: `Err(Closed)` when stdout was closed.
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::out::line(format_args!($($arg)*))
    };
}

/// `eprintln!` that never panics.
macro_rules! errln {
    () => {
        $crate::out::err(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::out::err(format_args!("{}\n", format_args!($($arg)*)))
    };
}

pub(crate) use {errln, outln};

/// Stdout through a buffer, for output of any length (`bingo cards --count 1000000`).
pub struct Buffered(BufWriter<io::StdoutLock<'static>>);

impl Buffered {
    pub fn new() -> Buffered {
        Buffered(BufWriter::new(io::stdout().lock()))
    }

    pub fn write(&mut self, text: &str) -> anyhow::Result<()> {
        self.0.write_all(text.as_bytes()).map_err(stdout_error)
    }

    /// Writes out what is buffered: a close found only now is still [`Closed`].
    pub fn finish(mut self) -> anyhow::Result<()> {
        self.0.flush().map_err(stdout_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_broken_pipe_is_closed_through_any_context_and_other_errors_are_not() {
        use anyhow::Context;
        let closed = stdout_error(io::Error::from(io::ErrorKind::BrokenPipe));
        assert!(is_closed(&closed));
        assert!(is_closed(&Err::<(), _>(closed).context("printing the cards").unwrap_err()));
        assert!(!is_closed(&stdout_error(io::Error::from(io::ErrorKind::StorageFull))));
        assert!(!is_closed(&anyhow::anyhow!("standard output was closed")));
    }
}
