//! Retention: deletes this tool's own backups older than the limit, by the time in their names
//! (a copy or `touch` does not change it), and always keeps the newest complete backup. Files
//! whose names are not ours are never touched; neither are directories or symbolic links.

use super::format::{parse_own_name, Stamp};
use anyhow::Context;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A leftover `.partial` (a run that died) is removed once it is this old.
const STALE_PARTIAL_SECS: u64 = 24 * 3600;

/// What retention did.
#[derive(Debug, Default)]
pub struct Pruned {
    /// Files deleted.
    pub deleted: Vec<PathBuf>,
    /// Complete backups kept.
    pub kept: usize,
}

/// The files of one backup.
struct Group {
    stamp: Stamp,
    /// (path, suffix after the dump's name)
    files: Vec<(PathBuf, String)>,
    /// The dump itself is there.
    complete: bool,
}

/// Prunes `dir` as of `now`: backups whose name's time is more than `days` days old are deleted
/// (dump, manifest and checksum together), except the newest complete backup.
pub fn prune(dir: &Path, days: u32, now: Stamp) -> anyhow::Result<Pruned> {
    let limit = u64::from(days) * 86_400;
    let mut groups: BTreeMap<String, Group> = BTreeMap::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))? {
        let entry = entry.with_context(|| format!("listing {}", dir.display()))?;
        let Some(name) = entry.file_name().to_str().map(str::to_string) else { continue };
        let Some(own) = parse_own_name(&name) else { continue };
        // symlink_metadata: a link is not followed, and not ours to delete.
        if !entry.path().symlink_metadata().is_ok_and(|m| m.is_file()) {
            continue;
        }
        let group =
            groups.entry(own.dump.clone()).or_insert(Group { stamp: own.stamp, files: Vec::new(), complete: false });
        group.complete |= own.suffix.is_empty();
        group.files.push((entry.path(), own.suffix));
    }
    let newest =
        groups.iter().filter(|(_, g)| g.complete).map(|(name, g)| (g.stamp, name.clone())).max().map(|(_, name)| name);
    let mut pruned = Pruned::default();
    for (name, Group { stamp, files, complete }) in groups {
        let age = now.unix.saturating_sub(stamp.unix);
        if Some(&name) == newest.as_ref() {
            pruned.kept += 1;
            continue;
        }
        for (path, suffix) in files {
            let stale =
                if suffix == ".partial" || suffix.ends_with(".tmp") { age > STALE_PARTIAL_SECS } else { age > limit };
            if stale {
                std::fs::remove_file(&path)
                    .with_context(|| format!("deleting the old backup file {}", path.display()))?;
                pruned.deleted.push(path);
            }
        }
        if complete && age <= limit {
            pruned.kept += 1;
        }
    }
    Ok(pruned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(dir: &Path, name: &str) {
        std::fs::write(dir.join(name), name).unwrap();
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> =
            std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        v.sort();
        v
    }

    #[test]
    fn keeps_the_newest_even_when_all_are_old() {
        let dir = tempfile::tempdir().unwrap();
        let now = Stamp::parse_compact("20250301T000000Z").unwrap();
        for n in ["bingo-20250101T000000Z.pgdump", "bingo-20250102T000000Z.pgdump"] {
            touch(dir.path(), n);
            touch(dir.path(), &format!("{n}.sha256"));
        }
        // An orphan checksum newer than every dump does not count as the newest backup.
        touch(dir.path(), "bingo-20250103T000000Z.pgdump.sha256");
        let pruned = prune(dir.path(), 30, now).unwrap();
        assert_eq!(pruned.kept, 1);
        assert_eq!(names(dir.path()), vec!["bingo-20250102T000000Z.pgdump", "bingo-20250102T000000Z.pgdump.sha256"]);
    }
}
