//! Progress on stderr: a line per step, and for long copies a byte count (updated in place on a
//! terminal, a line every 10 seconds otherwise, e.g. in the journal).

use std::io::IsTerminal;
use std::time::{Duration, Instant};

pub struct Progress {
    tty: bool,
    started: Instant,
    last: Option<Instant>,
    /// A byte count is shown on the current line (terminal only).
    open_line: bool,
}

impl Progress {
    pub fn new() -> Progress {
        Progress { tty: std::io::stderr().is_terminal(), started: Instant::now(), last: None, open_line: false }
    }

    fn end_line(&mut self) {
        if self.open_line {
            crate::out::errln!();
            self.open_line = false;
        }
    }

    /// A step begins.
    pub fn step(&mut self, what: &str) {
        self.end_line();
        self.last = None;
        crate::out::errln!("[{:>6.1}s] {what}", self.started.elapsed().as_secs_f64());
    }

    /// `bytes` so far in the current step (rate-limited).
    pub fn bytes(&mut self, what: &str, bytes: u64) {
        let now = Instant::now();
        let every = if self.tty { Duration::from_millis(200) } else { Duration::from_secs(10) };
        if self.last.is_some_and(|t| now.duration_since(t) < every) {
            return;
        }
        if self.last.is_none() && !self.tty {
            // The first non-terminal report waits a full period: short steps stay quiet.
            self.last = Some(now);
            return;
        }
        self.last = Some(now);
        if self.tty {
            crate::out::err(format_args!("\r         {what}: {}   ", human(bytes)));
            self.open_line = true;
        } else {
            crate::out::errln!("[{:>6.1}s]   {what}: {}", self.started.elapsed().as_secs_f64(), human(bytes));
        }
    }

    pub fn done(&mut self) {
        self.end_line();
    }
}

/// `12.3 MiB`.
pub fn human(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}
