//! Writing a build while it is made: each file goes, as soon as it is rendered, through a bounded
//! queue to writer threads that put it into the staging folder beside the output; the folder is
//! swapped in (`swap`) only when every file was written and the build had no error.
//!
//! Input: `OutputFile`s from any thread. Output: the staging folder, swapped in by `finish`.
//! Must not: hold more than `QUEUE` files at once (the build's memory stays bounded by what it
//! renders, not by what it has made), or leave a staging folder behind when the build fails.

use super::previous::PreviousOutput;
use super::swap::{self, Turn};
use super::target::{MARKER, MARKER_TEXT, OutputTarget};
use crate::model::OutputFile;
use anyhow::{Context as _, Result};
use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// Files rendered but not yet written; a full queue makes rendering wait for the disk.
const QUEUE: usize = 256;
/// Writer threads: the disk's latency, not the cores, limits them.
const WRITERS: usize = 4;

/// A build being written into its staging folder.
pub struct Staging {
    _turn: Turn,
    path: PathBuf,
    target: OutputTarget,
    sender: Option<crossbeam_channel::Sender<OutputFile>>,
    writers: Vec<JoinHandle<Result<Written>>>,
}

/// What the writer threads did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Written {
    files: usize,
    /// Of `files`, those linked from the previous build because their bytes did not change.
    kept: usize,
}

impl Staging {
    /// Wait for other builds into the same folder, then make an empty staging folder beside it.
    pub fn begin(target: &OutputTarget) -> Result<Staging> {
        let turn = swap::take_turn(target)?;
        let path = swap::staging_path(target, "new");
        fs::create_dir(&path).with_context(|| format!("cannot create {}", path.display()))?;
        let (sender, receiver) = crossbeam_channel::bounded::<OutputFile>(QUEUE);
        let made: Arc<Mutex<HashSet<PathBuf>>> = Arc::default();
        let previous = PreviousOutput::open(&target.dir).map(Arc::new);
        let writers = (0..WRITERS)
            .map(|_| {
                let (receiver, root, made) = (receiver.clone(), path.clone(), Arc::clone(&made));
                let previous = previous.clone();
                std::thread::spawn(move || write_all(&receiver, &root, &made, previous.as_deref()))
            })
            .collect();
        let staging = Staging { _turn: turn, path, target: target.clone(), sender: Some(sender), writers };
        staging.put(OutputFile::text(MARKER, MARKER_TEXT.to_string()));
        Ok(staging)
    }

    /// Queue `file` to be written (waits while the queue is full). A failed write is reported by
    /// `finish`.
    pub fn put(&self, file: OutputFile) {
        if let Some(sender) = &self.sender {
            // Every writer gone means each met an error: `finish` reports it.
            let _ = sender.send(file);
        }
    }

    /// Wait for every queued file, then swap the staging folder in. Returns the number of files
    /// written (the marker file not counted).
    pub fn finish(mut self) -> Result<usize> {
        let started = std::time::Instant::now();
        let written = self.drain()?;
        log::debug!("the writers finished {:?} after the last file was made", started.elapsed());
        log::info!(
            "{} of {} files unchanged since the previous build: linked, not written",
            written.kept,
            written.files
        );
        swap::swap_in(&self.path, &self.target)?;
        Ok(written.files.saturating_sub(1))
    }

    /// Close the queue and wait for the writers: the files written, or the first error.
    fn drain(&mut self) -> Result<Written> {
        drop(self.sender.take());
        let mut written = Written::default();
        let mut first_error = None;
        for writer in self.writers.drain(..) {
            match writer.join() {
                Ok(Ok(n)) => (written.files, written.kept) = (written.files + n.files, written.kept + n.kept),
                Ok(Err(e)) => first_error = first_error.or(Some(e)),
                Err(_) => first_error = first_error.or(Some(anyhow::anyhow!("a writer thread stopped"))),
            }
        }
        first_error.map_or(Ok(written), Err)
    }
}

impl Drop for Staging {
    /// A build that did not finish (an error, a panic) leaves the previous output as it was.
    fn drop(&mut self) {
        if self.sender.is_some() || !self.writers.is_empty() {
            let _ = self.drain();
        }
        if fs::symlink_metadata(&self.path).is_ok() {
            let _ = super::remove::remove_tree(&self.path);
        }
    }
}

/// One writer: every file it takes from the queue, until the queue closes. After an error it
/// keeps taking files (so rendering never waits on a queue nobody empties) but writes none.
fn write_all(
    receiver: &crossbeam_channel::Receiver<OutputFile>,
    root: &Path,
    made: &Mutex<HashSet<PathBuf>>,
    previous: Option<&PreviousOutput>,
) -> Result<Written> {
    let mut written = Written::default();
    let mut failed = None;
    for file in receiver {
        if failed.is_none() {
            match make_parent(root, &file.path, made).and_then(|()| write_or_keep(&file, root, previous)) {
                Ok(kept) => (written.files, written.kept) = (written.files + 1, written.kept + usize::from(kept)),
                Err(e) => failed = Some(e),
            }
        }
    }
    failed.map_or(Ok(written), Err)
}

/// Link `file` from the previous build where its bytes did not change, else write it; whether it
/// was linked.
fn write_or_keep(file: &OutputFile, root: &Path, previous: Option<&PreviousOutput>) -> Result<bool> {
    let dest = super::destination(&file.path, root)?;
    if previous.is_some_and(|p| p.link_if_same(&file.path, &file.contents, &dest)) {
        return Ok(true);
    }
    super::write_one(file, &dest).map(|()| false)
}

/// Make the folder a file goes in, once per folder for the whole build.
fn make_parent(root: &Path, rel: &str, made: &Mutex<HashSet<PathBuf>>) -> Result<()> {
    let Some(parent) = Path::new(rel).parent().filter(|p| !p.as_os_str().is_empty()) else { return Ok(()) };
    let known = made.lock().unwrap_or_else(std::sync::PoisonError::into_inner).contains(parent);
    if !known {
        // Two writers may make the same folder at once: `create_dir_all` allows that.
        let dir = root.join(parent);
        fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        made.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(parent.to_path_buf());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(parent: &Path) -> OutputTarget {
        OutputTarget { dir: parent.join("public"), parent: parent.to_path_buf(), name: "public".into() }
    }

    #[test]
    fn files_written_while_the_build_runs_appear_only_when_it_finishes() {
        let parent = tempfile::tempdir().unwrap();
        let target = target(parent.path());
        let staging = Staging::begin(&target).unwrap();
        for n in 0..1000 {
            staging.put(OutputFile::text(format!("a/{}/index.html", n % 37), n.to_string()));
        }
        staging.put(OutputFile::text("index.html", "home".into()));
        assert!(!target.dir.exists(), "nothing at the output before `finish`");
        assert_eq!(staging.finish().unwrap(), 1001);
        assert_eq!(fs::read_to_string(target.dir.join("index.html")).unwrap(), "home");
        assert!(target.dir.join(MARKER).is_file());
        let names: Vec<_> = fs::read_dir(parent.path()).unwrap().flatten().map(|e| e.file_name()).collect();
        assert_eq!(names, ["public"]);
    }

    #[test]
    fn a_build_that_stops_leaves_the_previous_output_and_no_staging_folder() {
        let parent = tempfile::tempdir().unwrap();
        let target = target(parent.path());
        let first = Staging::begin(&target).unwrap();
        first.put(OutputFile::text("index.html", "first".into()));
        first.finish().unwrap();
        let second = Staging::begin(&target).unwrap();
        second.put(OutputFile::text("index.html", "second".into()));
        drop(second);
        assert_eq!(fs::read_to_string(target.dir.join("index.html")).unwrap(), "first");
        let names: Vec<_> = fs::read_dir(parent.path()).unwrap().flatten().map(|e| e.file_name()).collect();
        assert_eq!(names, ["public"]);
    }

    #[test]
    fn a_path_that_cannot_be_written_fails_the_build_and_keeps_the_output() {
        let parent = tempfile::tempdir().unwrap();
        let target = target(parent.path());
        let staging = Staging::begin(&target).unwrap();
        staging.put(OutputFile::text("a", "file".into()));
        staging.put(OutputFile::text("../escape", "x".into()));
        assert!(staging.finish().is_err());
        assert!(!target.dir.exists() && !parent.path().join("escape").exists());
    }
}
