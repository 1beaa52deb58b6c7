//! Stage 6: put the output files on disk. The only stage that writes to the site's tree (the
//! digest's files go through `atomic`; `seedbed init`/`new` create new sources and nothing else).
//!
//! Input: the `OutputFile`s of a build, as they are made, and a checked output folder (`target`).
//! Output: the folder replaced as a whole: files go to a fresh staging folder beside it (`staging`,
//! on writer threads while the build goes on), which is swapped in only when everything was
//! written and the build had no error (`swap`), so a failed build leaves the previous output
//! untouched and no stale file survives. Every output folder gets a marker file, so the next
//! build knows it may replace it.
//! Must not: swap in a build that has errors, or write into a folder `target` did not check.

pub mod atomic;
mod previous;
mod remove;
mod staging;
mod swap;
pub mod target;

pub use staging::Staging;
pub use swap::leftovers;
pub use target::{MARKER, OutputTarget};

use crate::model::{AssetSource, OutputContents, OutputFile};
use anyhow::{Context as _, Result, bail};
use std::fs;
use std::path::{Component, Path};

/// Where `rel` goes beneath `root`; an error for a path that would leave it.
fn destination(rel: &str, root: &Path) -> Result<std::path::PathBuf> {
    if Path::new(rel).components().any(|c| !matches!(c, Component::Normal(_))) {
        bail!("refusing to write outside the output folder: {rel}");
    }
    Ok(root.join(rel))
}

/// Write `file` at `dest` (its `destination`).
fn write_one(file: &OutputFile, dest: &Path) -> Result<()> {
    match &file.contents {
        OutputContents::Bytes(b) => fs::write(dest, b).map(|_| ()),
        OutputContents::Copy(AssetSource::Embedded(b)) => fs::write(dest, b).map(|_| ()),
        OutputContents::Copy(AssetSource::File(src)) => fs::copy(src, dest).map(|_| ()),
    }
    .with_context(|| format!("cannot write {}", dest.display()))
}
