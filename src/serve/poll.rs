//! `serve --poll` (and the fallback when the system's watch limit is reached): finding changes
//! by looking at the site's folder every half second, for file systems that send no events.
//!
//! Input: the site's folder. Output: the paths that appeared, disappeared, or whose modification
//! time (to the nanosecond) or size changed since the last look. Must not: read any file's
//! contents (on a network file system that would be the whole site twice a second), or report a
//! `git checkout` still under way in pieces.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// How often the folder is looked at.
const INTERVAL: Duration = Duration::from_millis(500);
/// After a look that found changes, look again this soon, until a look finds no more: a burst
/// (a checkout, an editor's save by rename) is reported once, whole.
const SETTLE: Duration = Duration::from_millis(50);

/// What a file looked like: its modification time and size.
type Stamp = (Option<SystemTime>, u64);

/// Every file and folder under `root` that `ignored` keeps, with its stamp.
fn look(root: &Path, ignored: &impl Fn(&Path) -> bool) -> BTreeMap<PathBuf, Stamp> {
    walkdir::WalkDir::new(root)
        .min_depth(1)
        .into_iter()
        .filter_entry(|e| !ignored(e.path()))
        .filter_map(Result::ok)
        .filter_map(|e| {
            let meta = e.metadata().ok()?;
            let size = if meta.is_dir() { 0 } else { meta.len() };
            Some((e.into_path(), (meta.modified().ok(), size)))
        })
        .collect()
}

/// The paths that differ between two looks, sorted.
fn differences(before: &BTreeMap<PathBuf, Stamp>, after: &BTreeMap<PathBuf, Stamp>) -> Vec<PathBuf> {
    let changed = after.iter().filter(|(path, stamp)| before.get(*path) != Some(stamp)).map(|(p, _)| p);
    let gone = before.keys().filter(|path| !after.contains_key(*path));
    let mut paths: Vec<PathBuf> = changed.chain(gone).cloned().collect();
    paths.sort();
    paths
}

/// Look at `root` every half second on a thread of its own and call `changed` with each burst
/// of changed paths, until `changed` says to stop (returns false).
pub(super) fn start(
    root: &Path,
    ignored: impl Fn(&Path) -> bool + Send + 'static,
    mut changed: impl FnMut(Vec<PathBuf>) -> bool + Send + 'static,
) -> std::io::Result<std::thread::JoinHandle<()>> {
    let root = root.to_path_buf();
    let mut last = look(&root, &ignored);
    std::thread::Builder::new().name("poll".into()).spawn(move || {
        loop {
            std::thread::sleep(INTERVAL);
            let mut now = look(&root, &ignored);
            let mut burst = differences(&last, &now);
            while !burst.is_empty() {
                std::thread::sleep(SETTLE);
                let next = look(&root, &ignored);
                let more = differences(&now, &next);
                if more.is_empty() {
                    break;
                }
                burst.extend(more);
                now = next;
            }
            last = now;
            burst.sort();
            burst.dedup();
            if !burst.is_empty() && !changed(burst) {
                return;
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(nanos: u32, size: u64) -> Stamp {
        (Some(SystemTime::UNIX_EPOCH + Duration::new(1_700_000_000, nanos)), size)
    }

    #[test]
    fn a_change_within_the_same_second_or_of_size_alone_is_a_difference() {
        let before: BTreeMap<PathBuf, Stamp> =
            [("a", stamp(100, 5)), ("b", stamp(0, 5)), ("c", stamp(0, 5)), ("gone", stamp(0, 1))]
                .map(|(p, s)| (PathBuf::from(p), s))
                .into();
        let after: BTreeMap<PathBuf, Stamp> =
            [("a", stamp(600_000_000, 5)), ("b", stamp(0, 6)), ("c", stamp(0, 5)), ("new", stamp(0, 1))]
                .map(|(p, s)| (PathBuf::from(p), s))
                .into();
        assert_eq!(differences(&before, &after), ["a", "b", "gone", "new"].map(PathBuf::from));
    }
}
