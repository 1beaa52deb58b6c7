//! Live reload for `seedbed serve`: the current build, rebuilt when the site's files change,
//! and the reload channel open pages listen on.
//!
//! Input: file-system events under the site's folder. Output: a new `Current` (the last good
//! build, and the error of the last failed one) and a wake-up for every waiting reload request.
//! Served HTML gets a small script (and, while the site is broken, an error overlay) added on the
//! way out; `seedbed build` output never has either. Must not: write to the site's folder or to
//! the terminal (the CLI says how a rebuild went), or drop the last good build because a change
//! broke the site.

use super::ServedSite;
use crate::pipeline::incremental::{IncrementalBuild, Update};
use notify_debouncer_full::notify;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The path of the reload channel (server-sent events) and of its script.
pub const EVENTS_PATH: &str = "/__seedbed/events";
/// Where the reload script is served.
pub const SCRIPT_PATH: &str = "/__seedbed/live.js";

/// What the server shows now.
#[derive(Clone)]
pub struct Current {
    /// What is served now.
    pub site: Arc<ServedSite>,
    /// The last build's errors (`path:line:col: …`), while the site is broken.
    pub error: Option<String>,
    /// Counts builds, good or bad: a page loaded at generation N reloads once it is passed.
    pub generation: u64,
}

/// The current build, shared by the request handlers and the watcher.
pub struct Live {
    current: Mutex<Current>,
    /// The generation, for reload requests waiting on it.
    generation: tokio::sync::watch::Sender<u64>,
}

impl Live {
    /// Serve `site`, with no page waiting to reload.
    pub fn new(site: ServedSite) -> Live {
        let current = Current { site: Arc::new(site), error: None, generation: 1 };
        Live { current: Mutex::new(current), generation: tokio::sync::watch::Sender::new(1) }
    }

    /// What is served now, and how many rebuilds there have been.
    pub fn current(&self) -> Current {
        self.current.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// A build finished: its site, or its error (the last good site stays).
    pub fn publish(&self, result: Result<ServedSite, String>) {
        let mut current = self.current.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        match result {
            Ok(site) => {
                current.site = Arc::new(site);
                current.error = None;
            }
            Err(error) => current.error = Some(error),
        }
        current.generation += 1;
        self.generation.send_replace(current.generation);
    }

    /// Build the site again after `change` and publish the result; `done` is told how it went
    /// (the CLI says it on the terminal) before the search index catches up. `newer` says
    /// whether another change is waiting: then the search index is left for later.
    pub fn rebuild(
        &self,
        build: &mut IncrementalBuild,
        change: &Change,
        newer: crate::outputs::search_index::Stop,
        done: &dyn Fn(&Result<Update, String>, std::time::Duration),
    ) {
        let started = std::time::Instant::now();
        log::debug!("change: {change:?}");
        let paths = match change {
            Change::Paths(paths) => Some(paths.as_slice()),
            Change::Unknown => None,
        };
        let result = build.update(paths).map_err(|e| match e {
            crate::BuildError::Site(errors) => errors.to_string(),
            crate::BuildError::Env(e) => format!("error: {e:#}"),
        });
        done(&result, started.elapsed());
        let index_pending = result.as_ref().is_ok_and(|u| u.index_pending);
        // Nothing served changed (a file saved unchanged, a hidden file): no reason to reload.
        let same = result.as_ref().is_ok_and(|u| u.changed == 0);
        if !same || self.current().error.is_some() {
            self.publish(result.map(|_| ServedSite::new(build.files().clone())));
        }
        if index_pending && let Some(changed) = build.finish_index(newer) {
            self.replace_quietly(ServedSite::new(build.files().clone()));
            log::debug!(
                "search index caught up {} ms after the change: {changed} files",
                started.elapsed().as_millis()
            );
        }
    }

    /// Serve `site` from now on without reloading open pages: it differs from the published one
    /// only in the search index, which pages fetch when searched.
    fn replace_quietly(&self, site: ServedSite) {
        let mut current = self.current.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        current.site = Arc::new(site);
    }

    /// Wait until the generation passes `since`, at most `timeout`; the generation then.
    pub async fn wait_past(&self, since: u64, timeout: Duration) -> u64 {
        let mut generation = self.generation.subscribe();
        let _ = tokio::time::timeout(timeout, generation.wait_for(|g| *g > since)).await;
        *generation.borrow()
    }
}

/// Add the reload script (and the error overlay) before the page's last `</body>`.
pub fn inject(html: &[u8], current: &Current) -> Vec<u8> {
    let text = String::from_utf8_lossy(html);
    let mut extra = format!("<script src=\"{SCRIPT_PATH}\" data-generation=\"{}\"></script>", current.generation);
    if let Some(error) = &current.error {
        extra = format!("{}{extra}", overlay(error));
    }
    match text.rfind("</body>") {
        Some(at) => format!("{}{extra}{}", &text[..at], &text[at..]).into_bytes(),
        None => format!("{text}{extra}").into_bytes(),
    }
}

/// The build error, fixed over the page, escaped.
fn overlay(error: &str) -> String {
    let escaped = error.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    format!(
        "<div id=\"seedbed-error\" role=\"alert\" style=\"position:fixed;inset:0;z-index:2147483647;overflow:auto;\
         background:rgba(20,20,20,.94);color:#ffd7d7;font:14px/1.5 monospace;padding:2rem\">\
         <p style=\"color:#fff;font-weight:bold\">seedbed: the last change broke the build; this is the last good \
         version. Fix the file and the page reloads.</p><pre style=\"white-space:pre-wrap\">{escaped}</pre></div>"
    )
}

/// The script every served page loads: reload when a newer build is published.
pub const SCRIPT: &str = r#"(() => {
  const me = document.currentScript;
  const generation = Number(me && me.dataset.generation) || 0;
  const events = new EventSource("/__seedbed/events?since=" + generation);
  events.onmessage = (e) => { if (Number(e.data) > generation) { events.close(); location.reload(); } };
})();
"#;

/// Changes that are not edits to the site: to what the load never reads (`load::is_ignored`:
/// hidden names, editors' temporaries) and to the folders seedbed and other tools write.
pub fn ignored(root: &Path, path: &Path) -> bool {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let top = rel.components().next().map(|c| c.as_os_str().to_string_lossy().into_owned()).unwrap_or_default();
    ["public", "target", "digests", "node_modules"].contains(&top.as_str())
        || top.starts_with(crate::subscription::database::SQLITE_FILE)
        || rel.components().any(|c| crate::load::is_ignored(c.as_os_str()))
}

/// How the site's folder is watched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Watching {
    /// The system's file events (inotify).
    Events,
    /// Looking every half second (`serve::poll`): asked for (`--poll`), or the system's watch
    /// limit was reached.
    Polling {
        /// Because watching failed, not because it was asked for.
        fell_back: bool,
    },
}

type Batch = notify_debouncer_full::DebounceEventResult;

/// The debouncer hands a file's events over this long after the file's last one. It times each
/// file on its own, so a burst across many files (a `git checkout`) comes as a stream of batches.
const QUIET: Duration = Duration::from_millis(20);
/// How often the debouncer looks for files that went quiet.
const TICK: Duration = Duration::from_millis(5);
/// A burst ends when no batch follows the last for this long: the whole tree has been quiet
/// for `QUIET + BURST_GAP` (50 ms), long enough for an editor's save-by-rename or a checkout
/// (unless it stalls that long between two files), short enough not to be felt.
const BURST_GAP: Duration = Duration::from_millis(30);

/// What changed in one burst of file events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// These files or folders (absolute paths), created, changed, renamed or removed.
    Paths(Vec<PathBuf>),
    /// The watcher lost track (its queue overflowed, or it failed): look at everything.
    Unknown,
}

/// Watch `root` and call `rebuild` after each burst of relevant changes, forever. Its second
/// argument says whether a newer change is already waiting (so slow follow-up work can stop).
pub fn watch(
    root: &Path,
    poll: bool,
    mut rebuild: impl FnMut(&Change, crate::outputs::search_index::Stop) + Send + 'static,
) -> anyhow::Result<Watching> {
    let root: PathBuf = root.canonicalize()?;
    let (tx, rx) = std::sync::mpsc::channel::<Change>();
    // Counted before sending, so a change counted but not yet received is always waiting.
    let sent = Arc::new(AtomicUsize::new(0));
    let send = {
        let sent = Arc::clone(&sent);
        move |change: Change| {
            sent.fetch_add(1, Ordering::SeqCst);
            tx.send(change).is_ok()
        }
    };
    let handler = {
        let (root, send) = (root.clone(), send.clone());
        move |batch: Batch| {
            if let Some(change) = relevant(&root, batch) {
                send(change);
            }
        }
    };
    let (keep, watching): (Box<dyn Send>, Watching) = if poll {
        (Box::new(polling(&root, send)?), Watching::Polling { fell_back: false })
    } else {
        match events(&root, handler) {
            Ok(debouncer) => (Box::new(debouncer), Watching::Events),
            // Out of inotify watches or instances (a big tree, or many programs watching).
            Err(e) if matches!(e.kind, notify::ErrorKind::MaxFilesWatch) || is_limit(&e) => {
                (Box::new(polling(&root, send)?), Watching::Polling { fell_back: true })
            }
            Err(e) => return Err(e.into()),
        }
    };
    std::thread::spawn(move || {
        let _keep = keep;
        let mut received = 0;
        while let Ok(mut change) = rx.recv() {
            received += 1;
            while let Ok(next) = rx.recv_timeout(BURST_GAP) {
                received += 1;
                change = merged(change, next);
            }
            rebuild(&change, &|| sent.load(Ordering::SeqCst) > received);
        }
    });
    Ok(watching)
}

fn is_limit(e: &notify::Error) -> bool {
    matches!(&e.kind, notify::ErrorKind::Io(io) if io.raw_os_error() == Some(24) || io.raw_os_error() == Some(28))
}

fn events(
    root: &Path,
    handler: impl notify_debouncer_full::DebounceEventHandler,
) -> Result<
    notify_debouncer_full::Debouncer<notify::RecommendedWatcher, notify_debouncer_full::RecommendedCache>,
    notify::Error,
> {
    let mut debouncer = notify_debouncer_full::new_debouncer(QUIET, Some(TICK), handler)?;
    debouncer.watch(root, notify::RecursiveMode::Recursive)?;
    Ok(debouncer)
}

/// Look for changes every half second (`poll`): notify's own poller compares modification
/// times in whole seconds, so a second save within a second would go unseen.
fn polling(root: &Path, send: impl Fn(Change) -> bool + Send + 'static) -> anyhow::Result<std::thread::JoinHandle<()>> {
    let base = root.to_path_buf();
    Ok(super::poll::start(root, move |path| ignored(&base, path), move |paths| send(Change::Paths(paths)))?)
}

/// Two changes of one burst as one.
fn merged(a: Change, b: Change) -> Change {
    match (a, b) {
        (Change::Paths(mut a), Change::Paths(b)) => {
            a.extend(b);
            a.sort();
            a.dedup();
            Change::Paths(a)
        }
        _ => Change::Unknown,
    }
}

/// The changes to the site in a batch of events, if any (reading files, as the build itself
/// does, raises access events: only changes count).
fn relevant(root: &Path, batch: Batch) -> Option<Change> {
    match batch {
        Ok(events) => {
            let events: Vec<_> = events.iter().filter(|e| !matches!(e.kind, notify::EventKind::Access(_))).collect();
            if events.iter().any(|e| e.need_rescan()) {
                return Some(Change::Unknown);
            }
            let mut paths: Vec<PathBuf> =
                events.iter().flat_map(|e| &e.paths).filter(|p| !ignored(root, p)).cloned().collect();
            paths.sort();
            paths.dedup();
            (!paths.is_empty()).then_some(Change::Paths(paths))
        }
        Err(errors) => {
            log::warn!("watching: {errors:?}");
            Some(Change::Unknown)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_of_one_burst_merge_into_one_change() {
        let paths = |p: &[&str]| Change::Paths(p.iter().map(PathBuf::from).collect());
        assert_eq!(merged(paths(&["/b", "/c"]), paths(&["/a", "/b"])), paths(&["/a", "/b", "/c"]));
        assert_eq!(merged(paths(&["/a"]), Change::Unknown), Change::Unknown);
        assert_eq!(merged(Change::Unknown, paths(&["/a"])), Change::Unknown);
    }

    #[test]
    fn editor_temporaries_and_output_folders_are_not_edits() {
        let root = Path::new("/site");
        for path in [
            "content/a.md.swp",
            "content/a.md~",
            "content/4913",
            "content/#a.md#",
            "content/.#a.md",
            "content/a.md___jb_tmp___",
            "public/index.html",
            ".public.tmp/x",
            "digests/x/ledger",
            "subscribers.sqlite-wal",
            ".git/index",
        ] {
            assert!(ignored(root, &root.join(path)), "{path}");
        }
        for path in ["content/reports/a.md", "site.yaml", "themes/default/templates/base.html", "static/x.css"] {
            assert!(!ignored(root, &root.join(path)), "{path}");
        }
    }

    #[test]
    fn the_script_goes_before_the_last_body_end_and_the_overlay_is_escaped() {
        let site = ServedSite::new(Default::default());
        let mut current = Current { site: Arc::new(site), error: None, generation: 7 };
        let page = inject(b"<html><body><p>x</p></body></html>", &current);
        assert_eq!(
            String::from_utf8(page).unwrap(),
            "<html><body><p>x</p><script src=\"/__seedbed/live.js\" data-generation=\"7\"></script></body></html>"
        );
        current.error = Some("content/a.md:2:1: error: <b>bad</b>".into());
        let page = String::from_utf8(inject(b"<body></body>", &current)).unwrap();
        assert!(page.contains("content/a.md:2:1: error: &lt;b&gt;bad&lt;/b&gt;"));
    }
}
