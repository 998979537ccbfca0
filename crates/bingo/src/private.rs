//! Files and directories for their owner's eyes only. The database holds the seeds of running
//! games, backups hold the same, and the passphrase file a secret: bingo sets their modes itself
//! (directories 0700, files 0600) instead of leaving them to the umask, whose usual 022 would
//! let every local user read them.

use std::fs::{self, File, OpenOptions, Permissions};
use std::io;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

pub const DIR_MODE: u32 = 0o700;
pub const FILE_MODE: u32 = 0o600;

/// Creates `dir` and any missing parents with mode 0700. A directory that is already there keeps
/// its mode: it may be someone else's to manage (systemd's `StateDirectoryMode`, a mount point),
/// and group access may be deliberate. If other users can enter it, the answer is a warning to
/// show; the files bingo writes in it are 0600 either way.
pub fn create_dir(dir: &Path) -> io::Result<Option<String>> {
    let existed = dir.is_dir();
    fs::DirBuilder::new().recursive(true).mode(DIR_MODE).create(dir)?;
    if !existed {
        fs::set_permissions(dir, Permissions::from_mode(DIR_MODE))?;
        return Ok(None);
    }
    let mode = fs::metadata(dir)?.permissions().mode() & 0o777;
    Ok((mode & 0o007 != 0).then(|| {
        format!(
            "other users can enter {} (mode {mode:o}); bingo's files in it are its owner's only, but \
             `chmod 700` it to hide them",
            dir.display()
        )
    }))
}

/// Creates `path`, or empties an existing file there, and makes it the owner's only.
pub fn create_file(path: &Path) -> io::Result<File> {
    let file = OpenOptions::new().write(true).create(true).truncate(true).mode(FILE_MODE).open(path)?;
    restrict(&file)?;
    Ok(file)
}

/// Creates a new empty file at `path`, the owner's only; `Ok(false)` if something is there.
pub fn create_new(path: &Path) -> io::Result<bool> {
    match OpenOptions::new().write(true).create_new(true).mode(FILE_MODE).open(path) {
        Ok(file) => restrict(&file).map(|()| true),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(e),
    }
}

/// Mode 0600 for an open file, when it is a regular file (`--out /dev/stdout` is left alone).
pub fn restrict(file: &File) -> io::Result<()> {
    if file.metadata()?.is_file() {
        file.set_permissions(Permissions::from_mode(FILE_MODE))?;
    }
    Ok(())
}

/// Takes group and other access away from the regular file at `path` (not through a symlink);
/// `Ok(true)` if it had any. A missing file is not an error.
pub fn tighten(path: &Path) -> io::Result<bool> {
    let meta = match fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e),
    };
    if !meta.is_file() || meta.permissions().mode() & 0o077 == 0 {
        return Ok(false);
    }
    fs::set_permissions(path, Permissions::from_mode(FILE_MODE))?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn new_things_are_private_and_loose_old_ones_are_tightened_or_named() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("a/b");
        assert_eq!(create_dir(&dir).unwrap(), None);
        assert_eq!(mode(&dir), 0o700);
        fs::set_permissions(&dir, Permissions::from_mode(0o750)).unwrap();
        assert_eq!(create_dir(&dir).unwrap(), None, "group access is the deployment's choice");
        fs::set_permissions(&dir, Permissions::from_mode(0o755)).unwrap();
        assert!(create_dir(&dir).unwrap().unwrap().contains("other users can enter"));
        assert_eq!(mode(&dir), 0o755, "an existing directory keeps its mode");

        let file = dir.join("f");
        assert!(create_new(&file).unwrap());
        assert!(!create_new(&file).unwrap());
        assert_eq!(mode(&file), 0o600);
        fs::set_permissions(&file, Permissions::from_mode(0o644)).unwrap();
        assert!(tighten(&file).unwrap());
        assert_eq!(mode(&file), 0o600);
        assert!(!tighten(&file).unwrap());
        assert!(!tighten(&dir.join("missing")).unwrap());
        fs::set_permissions(&file, Permissions::from_mode(0o666)).unwrap();
        drop(create_file(&file).unwrap());
        assert_eq!(mode(&file), 0o600);
    }
}
