//! Putting a finished build in place of the output folder, one build at a time.
//!
//! Input: a checked `OutputTarget` and a staging folder beside it. Output: the staging folder at
//! the output's path, the old output removed. Builds into one folder take turns (a lock on the
//! folder's parent), so a staging or old folder found beside the output is a killed build's, and
//! is removed before a new build writes.
//! Must not: leave the output path empty while a build is replaced where the system can swap two
//! folders at once (Linux `renameat2(RENAME_EXCHANGE)`); elsewhere the old folder is moved aside
//! and the new one moved in, two renames apart (the only window in which a kill leaves no output).

use super::target::OutputTarget;
use anyhow::{Context as _, Result};
use std::fs;
use std::path::{Path, PathBuf};

/// Held while a build writes into and swaps its output: dropped, the next build may go on.
pub(super) struct Turn {
    _lock: Option<fs::File>,
}

/// Wait for other builds into the same parent folder, then remove what killed ones left.
pub(super) fn take_turn(target: &OutputTarget) -> Result<Turn> {
    fs::create_dir_all(&target.parent).with_context(|| format!("cannot create {}", target.parent.display()))?;
    // A lock on the parent folder itself (flock on a folder works on Linux and macOS) leaves
    // no lock file behind; where it cannot be taken, builds simply do not take turns.
    let lock = fs::File::open(&target.parent).ok().filter(|dir| match dir.try_lock() {
        Ok(()) => true,
        Err(fs::TryLockError::WouldBlock) => {
            log::warn!("waiting for another build into {} to finish", target.parent.display());
            dir.lock().is_ok()
        }
        Err(fs::TryLockError::Error(_)) => false,
    });
    if lock.is_some() {
        remove_leftovers(target);
    }
    Ok(Turn { _lock: lock })
}

/// The staging and old folders of builds into `target` that were killed before they finished.
pub fn leftovers(target: &OutputTarget) -> Vec<PathBuf> {
    let prefixes = [format!(".{}.new-", target.name), format!(".{}.old-", target.name)];
    let Ok(entries) = fs::read_dir(&target.parent) else { return Vec::new() };
    let mut found: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            prefixes.iter().any(|p| name.strip_prefix(p.as_str()).is_some_and(is_pid_and_count))
        })
        .map(|e| e.path())
        .collect();
    found.sort();
    found
}

/// `PID-N`, as `staging_path` names them.
fn is_pid_and_count(rest: &str) -> bool {
    rest.split_once('-')
        .is_some_and(|(pid, n)| [pid, n].iter().all(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())))
}

fn remove_leftovers(target: &OutputTarget) {
    for path in leftovers(target) {
        // Only folders: a file of that name is not ours to remove.
        if fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
            match super::remove::remove_tree(&path) {
                Ok(()) => log::info!("removed {}, left by a build that did not finish", path.display()),
                Err(e) => log::warn!("cannot remove {}, left by a build that did not finish: {e}", path.display()),
            }
        }
    }
}

/// A fresh sibling of the output: `.NAME.new-PID-N` (or `.old-`).
pub(super) fn staging_path(target: &OutputTarget, kind: &str) -> PathBuf {
    let pid = std::process::id();
    let stem = format!(".{}.{kind}-{pid}", target.name);
    (0u32..)
        .map(|n| target.parent.join(format!("{stem}-{n}")))
        .find(|p| fs::symlink_metadata(p).is_err())
        .unwrap_or_else(|| target.parent.join(stem))
}

/// Put `staging` at the output's path and remove the old output.
pub(super) fn swap_in(staging: &Path, target: &OutputTarget) -> Result<()> {
    let out = &target.dir;
    if fs::symlink_metadata(out).is_err() {
        return fs::rename(staging, out).with_context(|| format!("cannot move the new build into {}", out.display()));
    }
    let old = match exchange(staging, out) {
        // The old build is now at the staging path.
        Ok(()) => staging.to_path_buf(),
        Err(e) => {
            log::debug!("cannot swap the folders at once ({e}): moving the old one aside first");
            two_renames(staging, target)?
        }
    };
    let started = std::time::Instant::now();
    let removed = super::remove::remove_tree(&old)
        .with_context(|| format!("cannot remove the previous build at {}", old.display()));
    log::debug!("removed the previous build in {:?}", started.elapsed());
    removed
}

/// The old output moved aside, then the new one moved in; the old one's path.
fn two_renames(staging: &Path, target: &OutputTarget) -> Result<PathBuf> {
    let (out, old) = (&target.dir, staging_path(target, "old"));
    fs::rename(out, &old).with_context(|| format!("cannot move {} aside", out.display()))?;
    pause_between_renames();
    if let Err(e) = fs::rename(staging, out) {
        let _ = fs::rename(&old, out);
        return Err(e).with_context(|| format!("cannot move the new build into {}", out.display()));
    }
    Ok(old)
}

/// Swap two folders in one step.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    if std::env::var_os("SEEDBED_TEST_NO_EXCHANGE").is_some() {
        return Err(std::io::Error::other("disabled for a test"));
    }
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::new(std::io::ErrorKind::Unsupported, "no atomic exchange on this system"))
}

/// Tests widen the two-rename window (`SEEDBED_TEST_SWAP_PAUSE_MS`) to show what a kill in it does.
fn pause_between_renames() {
    if let Some(ms) = std::env::var("SEEDBED_TEST_SWAP_PAUSE_MS").ok().and_then(|s| s.parse().ok()) {
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_names_of_killed_builds_count_as_leftovers() {
        let parent = tempfile::tempdir().unwrap();
        for name in
            [".public.new-12-0", ".public.old-7-3", ".public.new-x-0", ".public.newer-1-0", "public", ".other.new-1-0"]
        {
            fs::create_dir(parent.path().join(name)).unwrap();
        }
        let target = OutputTarget {
            dir: parent.path().join("public"),
            parent: parent.path().to_path_buf(),
            name: "public".into(),
        };
        let names: Vec<String> =
            leftovers(&target).iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
        assert_eq!(names, [".public.new-12-0", ".public.old-7-3"]);
        let _turn = take_turn(&target).unwrap();
        assert!(leftovers(&target).is_empty());
        assert!(parent.path().join(".public.new-x-0").is_dir() && parent.path().join("public").is_dir());
    }

    #[test]
    fn a_swap_replaces_the_folder_and_leaves_nothing_beside_it() {
        let parent = tempfile::tempdir().unwrap();
        let target =
            OutputTarget { dir: parent.path().join("out"), parent: parent.path().to_path_buf(), name: "out".into() };
        for round in 0..2 {
            let staging = staging_path(&target, "new");
            fs::create_dir(&staging).unwrap();
            fs::write(staging.join("round"), round.to_string()).unwrap();
            swap_in(&staging, &target).unwrap();
            assert_eq!(fs::read_to_string(target.dir.join("round")).unwrap(), round.to_string());
            let names: Vec<_> = fs::read_dir(parent.path()).unwrap().flatten().map(|e| e.file_name()).collect();
            assert_eq!(names, ["out"]);
        }
    }
}
