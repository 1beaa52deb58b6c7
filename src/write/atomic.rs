//! Whole-or-nothing writes of one file or one new folder, for the digest's files and outbox.
//!
//! Input: a path and bytes. Output: the file or folder in place, complete, or an error with nothing
//! at the final path. Must not: replace an existing folder (a build's output goes through `swap`).

use anyhow::{Context as _, Result};
use std::fs;
use std::path::{Path, PathBuf};

/// The hidden name a file or folder is written under before it is complete: `.<name>.partial`.
fn partial(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!(".{name}.partial"))
}

/// Write `bytes` to `path` beside it first, then rename: a reader never sees half a file.
pub fn file(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let partial = partial(path);
    fs::write(&partial, bytes).with_context(|| format!("cannot write {}", partial.display()))?;
    fs::rename(&partial, path).with_context(|| format!("cannot write {}", path.display()))
}

/// Make the folder `path` holding `files` (name, bytes), filled under a hidden name and renamed when
/// complete. A partial folder a killed run left is replaced; an existing `path` is an error.
pub fn folder(path: &Path, files: &[(String, Vec<u8>)]) -> Result<()> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let partial = partial(path);
    let _ = fs::remove_dir_all(&partial);
    fs::create_dir(&partial).with_context(|| format!("cannot create {}", partial.display()))?;
    for (name, bytes) in files {
        let file = partial.join(name);
        fs::write(&file, bytes).with_context(|| format!("cannot write {}", file.display()))?;
    }
    fs::rename(&partial, path).with_context(|| format!("cannot move {} into place", path.display()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_file_and_a_folder_appear_whole_and_leave_nothing_beside_them() {
        let dir = tempfile::tempdir().unwrap();
        super::file(&dir.path().join("a/x.eml"), b"hello").unwrap();
        assert_eq!(std::fs::read(dir.path().join("a/x.eml")).unwrap(), b"hello");
        super::folder(&dir.path().join("d/2026-12-04"), &[("en.txt".into(), b"hi".to_vec())]).unwrap();
        assert_eq!(std::fs::read(dir.path().join("d/2026-12-04/en.txt")).unwrap(), b"hi");
        let names: Vec<_> = std::fs::read_dir(dir.path().join("d")).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["2026-12-04"]);
        assert!(super::folder(&dir.path().join("d/2026-12-04"), &[]).is_err(), "an existing folder stays");
    }
}
