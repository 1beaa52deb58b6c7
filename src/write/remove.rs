//! Removing a previous build's folder once the new one is in place, on several threads: one thread
//! removing 56,000 entries took a third of a 10,000-page rebuild (1.7-2.3 s of 5.4-6.7 s).
//!
//! Input: the path of a folder this build moved aside (or the staging folder of a failed build).
//! Output: the folder gone.
//! Must not: follow a symbolic link anywhere in the tree (a link is removed, never what it points
//! to): every folder is opened beneath its parent's descriptor, refusing links, as
//! `std::fs::remove_dir_all` does.

use std::path::Path;

/// Threads removing: the file system's and disk's latency, not the cores, bounds them (100,000
/// pages' previous build: 11.8 s on the two cores' threads, 8.6 s on eight).
const REMOVERS: usize = 8;

/// Remove the folder at `path` and everything in it.
#[cfg(target_os = "linux")]
pub(super) fn remove_tree(path: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, Mode, openat};
    let dir = openat(CWD, path, folder_flags(), Mode::empty())?;
    match rayon::ThreadPoolBuilder::new().num_threads(REMOVERS).build() {
        Ok(pool) => pool.install(|| remove_contents(&dir))?,
        Err(_) => remove_contents(&dir)?,
    }
    drop(dir);
    std::fs::remove_dir(path)
}

#[cfg(not(target_os = "linux"))]
pub(super) fn remove_tree(path: &Path) -> std::io::Result<()> {
    std::fs::remove_dir_all(path)
}

#[cfg(target_os = "linux")]
fn folder_flags() -> rustix::fs::OFlags {
    use rustix::fs::OFlags;
    OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC
}

/// Remove everything in the open folder `dir`, its subfolders in parallel.
#[cfg(target_os = "linux")]
fn remove_contents(dir: &std::os::fd::OwnedFd) -> std::io::Result<()> {
    use rayon::prelude::*;
    use rustix::fs::{AtFlags, Dir, FileType, Mode, openat, unlinkat};
    let mut names = Vec::new();
    for entry in Dir::read_from(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_owned();
        if name.as_bytes() != b"." && name.as_bytes() != b".." {
            names.push((name, entry.file_type()));
        }
    }
    names.into_par_iter().try_for_each(|(name, file_type)| {
        if matches!(file_type, FileType::Directory | FileType::Unknown) {
            // Not a folder (or replaced by a link since it was listed): removed as a file below.
            if let Ok(sub) = openat(dir, name.as_c_str(), folder_flags(), Mode::empty()) {
                remove_contents(&sub)?;
                return Ok(unlinkat(dir, name.as_c_str(), AtFlags::REMOVEDIR)?);
            }
        }
        Ok(unlinkat(dir, name.as_c_str(), AtFlags::empty())?)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tree_is_removed_but_not_what_its_links_point_to() {
        let parent = tempfile::tempdir().unwrap();
        let (tree, kept) = (parent.path().join("old"), parent.path().join("kept"));
        for n in 0..50 {
            std::fs::create_dir_all(tree.join(format!("a/{n}/b"))).unwrap();
            std::fs::write(tree.join(format!("a/{n}/b/index.html")), "x").unwrap();
        }
        std::fs::create_dir(&kept).unwrap();
        std::fs::write(kept.join("thesis.txt"), "years of work").unwrap();
        std::os::unix::fs::symlink(&kept, tree.join("a/link-to-folder")).unwrap();
        std::os::unix::fs::symlink(kept.join("thesis.txt"), tree.join("link-to-file")).unwrap();
        remove_tree(&tree).unwrap();
        assert!(!tree.exists());
        assert_eq!(std::fs::read_to_string(kept.join("thesis.txt")).unwrap(), "years of work");
    }
}
