//! Keeping the previous build's unchanged files: where a file's new bytes equal the bytes at the
//! same path in the output being replaced, the staging folder gets a hard link to that file instead
//! of a new copy. A link makes no new inode and writes no data, and an unchanged file keeps its
//! modification time, so `rsync` deploys only what changed. (On ext4 without a journal, making
//! inodes soon after many were deleted costs the kernel a scan per inode; a rebuild that makes a
//! fresh copy of every file paid that for each one.)
//!
//! Input: the output folder as the previous build left it; a file's path and new contents.
//! Output: whether the file was linked into the staging folder.
//! Must not: follow a symbolic link or leave the previous output folder (files are opened beneath
//! it, links refused), or link a file unless its bytes are the new bytes and the link made is that
//! very file.

use crate::model::{AssetSource, OutputContents};
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

/// The output folder of the previous build, open for reading beneath it.
pub(super) struct PreviousOutput {
    #[cfg(target_os = "linux")]
    dir: std::os::fd::OwnedFd,
    /// Set when the file system refuses links (another device, no hard links): stop trying.
    refused: AtomicBool,
}

impl PreviousOutput {
    /// The folder at `dir`, if there is one to keep files from.
    #[cfg(target_os = "linux")]
    pub(super) fn open(dir: &Path) -> Option<PreviousOutput> {
        use rustix::fs::{CWD, Mode, OFlags, openat};
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        let dir = openat(CWD, dir, flags, Mode::empty()).ok()?;
        Some(PreviousOutput { dir, refused: AtomicBool::new(false) })
    }

    #[cfg(not(target_os = "linux"))]
    pub(super) fn open(_dir: &Path) -> Option<PreviousOutput> {
        None
    }

    /// Link the previous output's `rel` to `dest` if its bytes are `contents`; false where it
    /// was not (the caller writes the file).
    #[cfg(target_os = "linux")]
    pub(super) fn link_if_same(&self, rel: &str, contents: &OutputContents, dest: &Path) -> bool {
        use rustix::fs::{AtFlags, CWD, FileType, Mode, OFlags, ResolveFlags, fstat, linkat, openat2, statat};
        use rustix::io::Errno;
        if self.refused.load(Ordering::Relaxed) {
            return false;
        }
        let resolve = ResolveFlags::BENEATH | ResolveFlags::NO_SYMLINKS | ResolveFlags::NO_MAGICLINKS;
        let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        let Ok(old) = openat2(&self.dir, rel, flags, Mode::empty(), resolve) else { return false };
        let Ok(stat) = fstat(&old) else { return false };
        if FileType::from_raw_mode(stat.st_mode) != FileType::RegularFile
            || !same_bytes(File::from(old), stat.st_size as u64, contents)
        {
            return false;
        }
        if let Err(e) = linkat(&self.dir, rel, CWD, dest, AtFlags::empty()) {
            // This file only (too many links, gone meanwhile), or the file system (no links here).
            if !matches!(e, Errno::MLINK | Errno::NOENT | Errno::EXIST) {
                log::debug!("cannot link {rel} from the previous build ({e}): writing every file");
                self.refused.store(true, Ordering::Relaxed);
            }
            return false;
        }
        // The path may have been changed since it was read: keep the link only if it is that file.
        let linked = statat(CWD, dest, AtFlags::SYMLINK_NOFOLLOW);
        if linked.is_ok_and(|l| l.st_dev == stat.st_dev && l.st_ino == stat.st_ino) {
            return true;
        }
        let _ = std::fs::remove_file(dest);
        false
    }

    #[cfg(not(target_os = "linux"))]
    pub(super) fn link_if_same(&self, _rel: &str, _contents: &OutputContents, _dest: &Path) -> bool {
        false
    }
}

/// Whether `old` (of length `old_len`) holds exactly `contents`.
fn same_bytes(old: File, old_len: u64, contents: &OutputContents) -> bool {
    match contents {
        OutputContents::Bytes(b) => old_len == b.len() as u64 && same_stream(old, &b[..]),
        OutputContents::Copy(AssetSource::Embedded(b)) => old_len == b.len() as u64 && same_stream(old, *b),
        OutputContents::Copy(AssetSource::File(src)) => File::open(src)
            .and_then(|f| Ok((f.metadata()?.len(), f)))
            .is_ok_and(|(len, f)| len == old_len && same_stream(old, f)),
    }
}

/// Whether two readers give the same bytes to their ends.
fn same_stream(a: impl Read, b: impl Read) -> bool {
    let (mut a, mut b) = (BufReader::with_capacity(64 * 1024, a), BufReader::with_capacity(64 * 1024, b));
    loop {
        let (Ok(x), Ok(y)) = (a.fill_buf(), b.fill_buf()) else { return false };
        if x.is_empty() || y.is_empty() {
            return x.is_empty() && y.is_empty();
        }
        let n = x.len().min(y.len());
        if x[..n] != y[..n] {
            return false;
        }
        a.consume(n);
        b.consume(n);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_the_same_only_when_every_byte_is() {
        let long: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        assert!(same_stream(&long[..], &long[..]));
        assert!(same_stream(&b""[..], &b""[..]));
        let mut changed = long.clone();
        changed[150_000] ^= 1;
        assert!(!same_stream(&long[..], &changed[..]));
        assert!(!same_stream(&long[..], &long[..long.len() - 1]));
        assert!(!same_stream(&long[..65_536], &long[..65_537]));
    }
}
