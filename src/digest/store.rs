//! The site's `digests/` folder: the digests made so far, and writing a new one.
//!
//! Input: `digests/<id>/items.json` of each digest and whether it has a `ledger` (sending began).
//! Output: `StoredDigest`s, oldest first; a new digest folder. Must not: touch anything outside
//! `digests/`, or leave a half-written digest (it is written beside, then renamed into place).

use anyhow::Context;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The folder of built digests, at the site's root.
pub const DIGESTS_DIR: &str = "digests";
/// Each digest's list of items.
pub const RECORD_FILE: &str = "items.json";
/// Each digest's send ledger.
pub const LEDGER_FILE: &str = "ledger";

/// What a digest is and everything `digest send` needs besides its parts (`items.json`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Record {
    /// The digest's id (`2026-11-28`).
    pub id: String,
    /// The day it was made, and the day after which its items are dated.
    pub date: String,
    /// The first day it covers.
    pub since: String,
    /// The sender.
    pub from: String,
    /// The sender per language code, named as the site is in that language (older records: none;
    /// `from` is used).
    #[serde(default)]
    pub senders: BTreeMap<String, String>,
    /// The greeting per language code: with `{name}`, and without a name.
    #[serde(default)]
    pub greetings: BTreeMap<String, (String, String)>,
    /// The `List-Id`.
    pub list_id: String,
    /// Where unsubscribe requests go.
    pub unsubscribe_mailto: String,
    /// The one-click unsubscribe endpoint, when the site has one.
    pub unsubscribe_url: Option<String>,
    /// The subscription service (`digest.service_url`): the subscribers and their tokens are in
    /// its database.
    #[serde(default)]
    pub service_url: Option<String>,
    /// Subject per language code.
    pub subjects: BTreeMap<String, String>,
    /// What it lists.
    pub items: Vec<RecordItem>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
/// One item a digest lists.
pub struct RecordItem {
    /// Stable: the item's translation key, `reports/returning-migrants`.
    pub id: String,
    /// Its collection.
    pub collection: String,
    /// Its date.
    pub date: Option<String>,
    /// Its series.
    pub series: Option<String>,
    /// Its volume.
    pub volume: Option<u32>,
    /// Its number.
    pub number: Option<u32>,
    /// Title and absolute URL per language code the item exists in.
    pub titles: BTreeMap<String, String>,
    /// Its URL in each language it has, by language code.
    pub urls: BTreeMap<String, String>,
}

/// A digest on disk.
#[derive(Debug, Clone)]
pub struct StoredDigest {
    /// The digest's folder.
    pub dir: PathBuf,
    /// What it lists.
    pub record: Record,
    /// A ledger exists: at least one send began, so its items count as sent.
    pub started: bool,
}

/// Every digest of the site, oldest first (ids are dates, with `-N` for later ones of a day).
pub fn list(root: &Path) -> anyhow::Result<Vec<StoredDigest>> {
    let dir = root.join(DIGESTS_DIR);
    let mut found = Vec::new();
    if !dir.is_dir() {
        return Ok(found);
    }
    for entry in std::fs::read_dir(&dir).with_context(|| format!("cannot read {}", dir.display()))? {
        let path = entry?.path();
        let record_path = path.join(RECORD_FILE);
        if !record_path.is_file() {
            continue;
        }
        let text =
            std::fs::read_to_string(&record_path).with_context(|| format!("cannot read {}", record_path.display()))?;
        let record: Record = serde_json::from_str(&text).with_context(|| {
            format!("{} is not a digest record (was it edited by hand? build the digest again)", record_path.display())
        })?;
        found.push(StoredDigest { started: path.join(LEDGER_FILE).exists(), dir: path, record });
    }
    found.sort_by_key(|d| order_key(&d.record.id));
    Ok(found)
}

/// `2026-11-28-10` sorts after `2026-11-28-9`.
fn order_key(id: &str) -> (String, u32) {
    match id.get(10..).and_then(|rest| rest.strip_prefix('-')).and_then(|n| n.parse().ok()) {
        Some(n) => (id[..10].to_string(), n),
        None => (id.to_string(), 1),
    }
}

/// Write `files` as `digests/<id>/`, replacing nothing that exists: the folder is filled under a
/// temporary name and renamed when complete.
pub fn write(root: &Path, id: &str, files: &[(String, Vec<u8>)]) -> anyhow::Result<PathBuf> {
    let target = root.join(DIGESTS_DIR).join(id);
    crate::write::atomic::folder(&target, files)?;
    Ok(target)
}

/// Held while a run builds or sends digests: one run at a time per site, so two `digest send`
/// started together cannot both mail the same subscriber. The lock is the operating system's
/// (flock on `digests/.lock`): it goes with the process, so a killed run leaves none behind.
pub struct DigestsLock {
    _file: std::fs::File,
}

/// The lock file in `digests/`.
pub const LOCK_FILE: &str = ".lock";

/// Take the site's digest lock, or say that another run holds it.
pub fn lock(root: &Path) -> anyhow::Result<DigestsLock> {
    let dir = root.join(DIGESTS_DIR);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let path = dir.join(LOCK_FILE);
    // Empty, and never written: what counts is the lock on it (so the folder stays the same bytes).
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(DigestsLock { _file: file }),
        Err(std::fs::TryLockError::WouldBlock) => anyhow::bail!(
            "another seedbed digest run is building or sending this site's digests ({} is locked): \
             wait for it to finish; a run that was killed frees the lock by itself",
            path.display()
        ),
        Err(std::fs::TryLockError::Error(e)) => Err(e).with_context(|| format!("cannot lock {}", path.display())),
    }
}

/// Remove a digest no send has started (it is being replaced by a newer selection).
pub fn remove_unsent(digest: &StoredDigest) -> anyhow::Result<()> {
    anyhow::ensure!(!digest.started, "digest {} has a ledger: it is being sent, not replaced", digest.record.id);
    std::fs::remove_dir_all(&digest.dir).with_context(|| format!("cannot remove {}", digest.dir.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_run_cannot_take_the_lock_until_the_first_lets_go() {
        let root = tempfile::tempdir().unwrap();
        let first = lock(root.path()).unwrap();
        let e = lock(root.path()).err().unwrap().to_string();
        assert!(e.starts_with("another seedbed digest run"), "{e}");
        drop(first);
        assert!(lock(root.path()).is_ok());
    }

    #[test]
    fn later_digests_of_a_day_sort_after_earlier_ones() {
        let mut ids = vec!["2026-11-28-10", "2026-11-29", "2026-11-28-2", "2026-11-28"];
        ids.sort_by_key(|id| order_key(id));
        assert_eq!(ids, ["2026-11-28", "2026-11-28-2", "2026-11-28-10", "2026-11-29"]);
    }
}
