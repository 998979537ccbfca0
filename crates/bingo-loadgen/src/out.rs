//! Lines on stdout and stderr without the panics of `println!`: a reader that goes away early
//! makes writing stdout an error (the command stops there), and a closed stderr loses the message.

use std::io::Write;

/// `text` and a newline on stdout, at once.
pub fn line(text: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes()).and_then(|()| out.write_all(b"\n")).and_then(|()| out.flush())
}

/// `text` and a newline on stderr, ignoring failure.
pub fn err(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes()).and_then(|()| err.write_all(b"\n"));
}
