//! Stage 6: put the output files on disk. The only stage that writes to the site's tree.
//!
//! Input: every `OutputFile` of a successful build and the output folder. Output: the folder
//! replaced as a whole: files go to a fresh temporary folder beside it, which is swapped in
//! only when everything was written, so a failed build leaves the previous output untouched
//! and no stale file survives.
//! Must not: be called when the build has errors.

use crate::model::{AssetSource, OutputContents, OutputFile};
use anyhow::{Context as _, Result, bail};
use rayon::prelude::*;
use std::fs;
use std::path::{Component, Path, PathBuf};

pub fn output(files: &[OutputFile], out_dir: &Path) -> Result<()> {
    let parent = out_dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = out_dir.file_name().context("the output folder needs a name")?.to_string_lossy().into_owned();
    fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    let staging = unique_sibling(parent, &format!(".{name}.new"));
    let result = write_all(files, &staging);
    if let Err(e) = result {
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    swap_in(&staging, out_dir, parent, &name)
}

fn write_all(files: &[OutputFile], root: &Path) -> Result<()> {
    fs::create_dir(root).with_context(|| format!("cannot create {}", root.display()))?;
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

/// Replace `out_dir` with `staging`: the old folder is moved aside first and removed last.
fn swap_in(staging: &Path, out_dir: &Path, parent: &Path, name: &str) -> Result<()> {
    let old = unique_sibling(parent, &format!(".{name}.old"));
    let had_old = out_dir.exists();
    if had_old {
        fs::rename(out_dir, &old).with_context(|| format!("cannot move {} aside", out_dir.display()))?;
    }
    if let Err(e) = fs::rename(staging, out_dir) {
        if had_old {
            let _ = fs::rename(&old, out_dir);
        }
        return Err(e).with_context(|| format!("cannot move the new build into {}", out_dir.display()));
    }
    if had_old {
        fs::remove_dir_all(&old).with_context(|| format!("cannot remove the previous build at {}", old.display()))?;
    }
    Ok(())
}

fn unique_sibling(parent: &Path, stem: &str) -> PathBuf {
    let pid = std::process::id();
    (0..).map(|n| parent.join(format!("{stem}-{pid}-{n}"))).find(|p| !p.exists()).unwrap_or_else(|| parent.join(stem))
}
