//! The standing hostile suite: careless and hostile input, each case with what must happen.
//! HARDENING.md lists every case with its expected and observed outcome; a new input that a
//! feature adds (images, PDFs, data files, the subscription service's forms) joins it here.

mod bodies;
mod collisions;
mod digest;
mod kills;
mod nonsense;
mod output;
mod props;
mod serve;
mod sources;

use crate::common::*;
use std::path::Path;

/// Error text with the temporary folders named `SITE` and `OUT`, for snapshots.
pub fn redacted(text: &str, site: &Path, out: Option<&Path>) -> String {
    let mut text = text.to_string();
    let mut names = vec![(site.to_path_buf(), "SITE")];
    if let Some(out) = out {
        names.insert(0, (out.to_path_buf(), "OUT"));
    }
    for (path, name) in names {
        if let Ok(canonical) = path.canonicalize() {
            text = text.replace(&canonical.display().to_string(), name);
        }
        text = text.replace(&path.display().to_string(), name);
    }
    text
}

/// Run seedbed with `args`; exit code and redacted standard error.
pub fn run(site: &Path, args: &[&str]) -> (Option<i32>, String) {
    let out = seedbed(args);
    (out.status.code(), redacted(&stderr(&out), site, None))
}

/// A small site that builds: two reports, one with an alias, a page.
pub fn small_site() -> tempfile::TempDir {
    site(&[
        ("content/reports/a.md", REPORT),
        ("content/reports/b.md", "---\ntitle: B\ndate: 2018-03-01\naliases: [/old-b/]\n---\n\nB body.\n"),
        ("content/pages/about.md", "---\ntitle: About\n---\n\nAbout us.\n"),
    ])
}

/// Every file under the site, to show a refused build touched nothing.
pub fn snapshot_of(root: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    tree(root)
}
