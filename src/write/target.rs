//! Where a build may write: the output folder, checked before anything is built or written.
//!
//! Input: the site root, the `--output` path, `--force`. Output: an `OutputTarget` (the folder's
//! absolute path, its parent and name), or an error naming the path and the way out.
//! Must not: touch the disk beyond reading metadata; allow, whatever the flag, an output that is
//! `/`, the home folder, the site root or a folder holding it, a symbolic link, a file, or a path
//! inside one of the site's source folders.

use anyhow::{Context as _, Result, bail};
use std::path::{Component, Path, PathBuf};

/// The file every output folder seedbed makes carries: only a folder with it (or an empty or
/// absent one) is replaced without `--force`.
pub const MARKER: &str = ".seedbed-output";
/// What the marker file says.
pub const MARKER_TEXT: &str = "This folder is made by `seedbed build` and replaced as a whole by the next build.\n";

/// Top-level entries of a site that hold what editors write (or what `digest` keeps): no build
/// goes inside them.
pub const SOURCE_ENTRIES: [&str; 8] =
    ["content", "static", "templates", "themes", "i18n", "digests", "site.yaml", ".git"];

/// A checked output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputTarget {
    /// Absolute, with symbolic links in its parents resolved.
    pub dir: PathBuf,
    /// The folder holding the output folder.
    pub parent: PathBuf,
    /// The output folder's name.
    pub name: String,
}

impl OutputTarget {
    /// Check `out` (relative paths are taken from the current folder) for a build of `root`.
    pub fn check(root: &Path, out: &Path, force: bool) -> Result<OutputTarget> {
        let root = root.canonicalize().with_context(|| format!("cannot open the site folder {}", root.display()))?;
        let dir = resolved(out)?;
        let shown = out.display();
        refuse_forbidden(&dir, &root, &shown.to_string())?;
        match std::fs::symlink_metadata(&dir) {
            Ok(meta) if meta.file_type().is_symlink() => bail!(
                "the output {shown} is a symbolic link: pass the folder it points to as --output, so it is clear what gets replaced"
            ),
            Ok(meta) if !meta.is_dir() => {
                bail!(
                    "the output {shown} is a file, not a folder: choose another --output, or remove the file yourself"
                )
            }
            Ok(_) if !force && !replaceable(&dir)? => bail!(
                "the output folder {shown} holds files seedbed did not make (it has no {MARKER}), and a build replaces the whole folder: \
                 choose an empty or new folder, or pass --force to replace it (everything in it is deleted)"
            ),
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("cannot look at the output {shown}")),
        }
        let parent = dir.parent().map(Path::to_path_buf).context("the output folder needs a parent")?;
        let name = dir.file_name().context("the output folder needs a name")?.to_string_lossy().into_owned();
        Ok(OutputTarget { dir, parent, name })
    }
}

/// `out` made absolute, `.` and `..` taken out, and the symbolic links of its longest existing
/// parent resolved (the last part itself is kept as written: it may be a link, which is refused).
fn resolved(out: &Path) -> Result<PathBuf> {
    let absolute = std::path::absolute(out).with_context(|| format!("cannot resolve {}", out.display()))?;
    let mut clean = PathBuf::new();
    for part in absolute.components() {
        match part {
            Component::ParentDir => {
                clean.pop();
            }
            Component::CurDir => {}
            other => clean.push(other),
        }
    }
    let Some(name) = clean.file_name().map(std::ffi::OsStr::to_os_string) else { return Ok(clean) };
    let mut parent = clean.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut rest = Vec::new();
    while !parent.exists() {
        match (parent.file_name().map(std::ffi::OsStr::to_os_string), parent.parent()) {
            (Some(last), Some(up)) => {
                rest.push(last);
                parent = up.to_path_buf();
            }
            _ => break,
        }
    }
    let mut dir = parent.canonicalize().unwrap_or(parent);
    dir.extend(rest.iter().rev());
    dir.push(name);
    Ok(dir)
}

/// Outputs no flag allows: the whole machine, the home folder, the site or a source folder.
fn refuse_forbidden(dir: &Path, root: &Path, shown: &str) -> Result<()> {
    if dir.parent().is_none() {
        bail!("refusing to build into {shown}: it is the root of the file system");
    }
    let home = std::env::var_os("HOME").map(PathBuf::from).and_then(|h| h.canonicalize().ok());
    if home.is_some_and(|h| h == dir) {
        bail!("refusing to build into {shown}: it is your home folder; use a folder of its own, like public/");
    }
    if root.starts_with(dir) {
        bail!(
            "refusing to build into {shown}: it {} the site itself, and a build replaces the whole output folder; \
             use a folder of its own, like public/",
            if root == dir { "is" } else { "holds" }
        );
    }
    if let Ok(inside) = dir.strip_prefix(root)
        && let Some(Component::Normal(first)) = inside.components().next()
        && let Some(source) = SOURCE_ENTRIES.iter().find(|s| first == std::ffi::OsStr::new(s))
    {
        let (what, name) = if *source == "site.yaml" { ("file", *source) } else { ("folder", &*format!("{source}/")) };
        let place = if inside.components().count() == 1 { "is" } else { "is inside" };
        bail!(
            "refusing to build into {shown}: it {place} the site's {what} `{name}`, which holds the site's own files \
             and would be replaced; use a folder of its own, like public/"
        );
    }
    Ok(())
}

/// Whether an existing folder may be replaced without `--force`: it is empty or has the marker.
fn replaceable(dir: &Path) -> Result<bool> {
    if dir.join(MARKER).is_file() {
        return Ok(true);
    }
    let mut entries =
        std::fs::read_dir(dir).with_context(|| format!("cannot read the output folder {}", dir.display()))?;
    Ok(entries.next().is_none())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content/pages")).unwrap();
        std::fs::write(dir.path().join("site.yaml"), "title: x\n").unwrap();
        dir
    }

    #[test]
    fn the_site_its_parents_and_its_source_folders_are_never_outputs() {
        let s = site();
        let root = s.path();
        for out in [
            root.to_path_buf(),
            root.join("."),
            root.join("content/.."),
            root.parent().unwrap().to_path_buf(),
            root.join("content"),
            root.join("content/pages"),
            root.join("static/new"),
            root.join("themes/default"),
            root.join("site.yaml"),
            root.join("digests"),
            PathBuf::from("/"),
        ] {
            for force in [false, true] {
                let e = OutputTarget::check(root, &out, force).unwrap_err().to_string();
                assert!(e.starts_with("refusing to build into"), "{}: {e}", out.display());
            }
        }
    }

    #[test]
    fn a_folder_with_other_files_needs_force_and_an_empty_or_marked_one_does_not() {
        let s = site();
        let out = s.path().join("public");
        assert!(OutputTarget::check(s.path(), &out, false).is_ok());
        std::fs::create_dir(&out).unwrap();
        assert!(OutputTarget::check(s.path(), &out, false).is_ok());
        std::fs::write(out.join("thesis.docx"), "x").unwrap();
        let e = OutputTarget::check(s.path(), &out, false).unwrap_err().to_string();
        assert!(e.contains("--force") && e.contains("did not make"), "{e}");
        assert!(OutputTarget::check(s.path(), &out, true).is_ok());
        std::fs::write(out.join(MARKER), MARKER_TEXT).unwrap();
        assert_eq!(OutputTarget::check(s.path(), &out, false).unwrap().dir, out.canonicalize().unwrap());
    }

    #[test]
    fn files_and_links_are_refused_even_with_force() {
        let s = site();
        let elsewhere = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), s.path().join("public")).unwrap();
        std::fs::write(s.path().join("notes.txt"), "x").unwrap();
        for (out, says) in [("public", "symbolic link"), ("notes.txt", "is a file")] {
            let e = OutputTarget::check(s.path(), &s.path().join(out), true).unwrap_err().to_string();
            assert!(e.contains(says), "{e}");
        }
    }

    #[test]
    fn dot_dot_and_linked_parents_are_resolved_before_checking() {
        let s = site();
        let link = tempfile::tempdir().unwrap();
        let via = link.path().join("site");
        std::os::unix::fs::symlink(s.path(), &via).unwrap();
        let e = OutputTarget::check(s.path(), &via.join("content/x/.."), true).unwrap_err().to_string();
        assert!(e.contains("is the site's folder `content/`"), "{e}");
        let t = OutputTarget::check(s.path(), &via.join("new/deeper/out"), false).unwrap();
        assert_eq!(t.dir, s.path().canonicalize().unwrap().join("new/deeper/out"));
    }
}
