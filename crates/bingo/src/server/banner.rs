//! What a server prints when it starts: where the apps are and, on the very first start, how to
//! get the generated admin passphrase.
//!
//! The passphrase is printed only to a terminal. Anywhere else (systemd's journal, a log file, a
//! pipe to Loki) it would be kept and shipped with the logs, so it goes to a file readable by
//! this user only, `<data dir>/admin-passphrase`, and only that file's path is printed. It never
//! goes into a `tracing` event.

use super::config::Config;
use super::Role;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// The file a generated passphrase goes to when stdout is not a terminal.
pub const PASSPHRASE_FILE: &str = "admin-passphrase";

/// Where a newly generated passphrase is shown.
pub enum Reveal {
    /// In the banner, on the terminal.
    Terminal(String),
    /// In this file (mode 0600).
    File(PathBuf),
    /// Nowhere: the file could not be written (the error, without the passphrase).
    Failed(PathBuf, String),
}

/// Decides where a generated passphrase goes and, off a terminal, writes it there at once (before
/// anything else can fail, so that it is never lost).
pub fn reveal(config: &Config, passphrase: String) -> Reveal {
    if std::io::stdout().is_terminal() {
        return Reveal::Terminal(passphrase);
    }
    let path = config.data_dir.join(PASSPHRASE_FILE);
    match write_private(&path, &passphrase) {
        Ok(()) => Reveal::File(path),
        Err(e) => {
            let error = format!("{e}");
            tracing::error!(path = %path.display(), error, "cannot write the generated admin passphrase to its file");
            Reveal::Failed(path, error)
        }
    }
}

/// Writes `text` to a new file at `path` that only its owner may read (an old file there is
/// replaced; a symlink there is not followed).
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Some(why) = crate::private::create_dir(dir)? {
            tracing::warn!("{why}");
        }
    }
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    let mut file =
        std::fs::OpenOptions::new().write(true).create_new(true).mode(crate::private::FILE_MODE).open(path)?;
    crate::private::restrict(&file)?;
    file.write_all(format!("{text}\n").as_bytes())?;
    file.sync_all()
}

/// Prints where the apps are and, on the very first start, the admin passphrase or its file,
/// after the start-up log lines and set apart from them and from what follows by a blank line
/// each side. A closed stdout loses the banner, not the server.
pub fn announce(role: Role, config: &Config, generated: Option<&Reveal>) {
    if role == Role::Realtime {
        return;
    }
    if let Err(e) = crate::out::outln!("\n{}\n", text(role, config, generated)) {
        tracing::warn!(error = %format!("{e:#}"), "the start banner could not be printed");
    }
}

fn text(role: Role, config: &Config, generated: Option<&Reveal>) -> String {
    let url = config.public_url.trim_end_matches('/');
    let mut lines = vec![
        format!("bingo {} ({}) is running on {}", env!("CARGO_PKG_VERSION"), role.name(), config.listen),
        format!("  Screen:   {url}/screen"),
        format!("  Console:  {url}/console"),
        format!("  Player:   {url}/player"),
    ];
    let Some(reveal) = generated else { return lines.join("\n") };
    lines.push(String::new());
    lines.push(match reveal {
        Reveal::Terminal(passphrase) => {
            format!("  Admin passphrase (shown only this once; write it down): {passphrase}")
        }
        Reveal::File(path) => format!(
            "  Admin passphrase: generated and written to {} (readable by this user only; it is not \
             printed where logs are kept). Read it, then delete the file.",
            path.display()
        ),
        Reveal::Failed(path, error) => {
            format!("  An admin passphrase was generated but could not be written to {} ({error}).", path.display())
        }
    });
    lines.push("  Lost it? Start with --admin-passphrase-file FILE to set a new one.".into());
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn the_passphrase_file_is_the_owners_alone_and_replaces_an_old_one() {
        let dir = std::env::temp_dir().join(format!("bingo-banner-{}", std::process::id()));
        let path = dir.join("data").join(PASSPHRASE_FILE);
        write_private(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        write_private(&path, "abcde-fghij").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "abcde-fghij\n");
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
