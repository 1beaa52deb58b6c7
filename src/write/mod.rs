//! Stage 6: put the output files on disk. The only stage that writes to the site's tree (the
//! digest's files go through `atomic`; `seedbed init`/`new` create new sources and nothing else).
//!
//! Input: every `OutputFile` of a successful build and a checked output folder (`target`).
//! Output: the folder replaced as a whole: files go to a fresh staging folder beside it, which is
//! swapped in only when everything was written (`swap`), so a failed build leaves the previous
//! output untouched and no stale file survives. Every output folder gets a marker file, so the
//! next build knows it may replace it.
//! Must not: be called when the build has errors, or write into a folder `target` did not check.

pub mod atomic;
mod swap;
pub mod target;

pub use swap::leftovers;
pub use target::{MARKER, OutputTarget};

use crate::model::{AssetSource, OutputContents, OutputFile};
use anyhow::{Context as _, Result, bail};
use rayon::prelude::*;
use std::fs;
use std::path::{Component, Path, PathBuf};

/// Write `files` into a staging folder and swap it in at `target`.
pub fn output(files: &[OutputFile], target: &OutputTarget) -> Result<()> {
    let _turn = swap::take_turn(target)?;
    let staging = swap::staging_path(target, "new");
    if let Err(e) = write_all(files, &staging) {
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    swap::swap_in(&staging, target)
}

fn write_all(files: &[OutputFile], root: &Path) -> Result<()> {
    fs::create_dir(root).with_context(|| format!("cannot create {}", root.display()))?;
    fs::write(root.join(MARKER), target::MARKER_TEXT).with_context(|| format!("cannot write {MARKER}"))?;
    let mut dirs: Vec<PathBuf> =
        files.iter().filter_map(|f| Path::new(&f.path).parent().map(Path::to_path_buf)).collect();
    dirs.sort();
    dirs.dedup();
    for d in &dirs {
        fs::create_dir_all(root.join(d)).with_context(|| format!("cannot create {}", root.join(d).display()))?;
    }
    files.par_iter().try_for_each(|f| write_one(f, root))
}

fn write_one(file: &OutputFile, root: &Path) -> Result<()> {
    if Path::new(&file.path).components().any(|c| !matches!(c, Component::Normal(_))) {
        bail!("refusing to write outside the output folder: {}", file.path);
    }
    let dest = root.join(&file.path);
    match &file.contents {
        OutputContents::Bytes(b) => fs::write(&dest, b).map(|_| ()),
        OutputContents::Copy(AssetSource::Embedded(b)) => fs::write(&dest, b).map(|_| ()),
        OutputContents::Copy(AssetSource::File(src)) => fs::copy(src, &dest).map(|_| ()),
    }
    .with_context(|| format!("cannot write {}", dest.display()))
}
