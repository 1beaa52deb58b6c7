//! The catalogue e-mail digest: `seedbed digest build | send | status`.
//!
//! `build` runs the shared stages up to the assembled `Site` (it never parses content itself),
//! selects the items no sent digest carried (`select`), composes the record and the parts
//! (`compose`) and stores them under `digests/<id>/` (`store`). `send` reads only that folder, the
//! subscriber list (`subscribers`) and the delivery ledger (`ledger`), and hands one message per
//! subscriber (`message`) to an SMTP server or an outbox (`deliver`).

pub(crate) mod compose;
pub mod deliver;
pub mod ledger;
mod message;
mod recipients;
mod select;
pub mod store;
pub mod subscribers;

use crate::error::BuildError;
use crate::pipeline::{Assembled, BuildSettings};
use jiff::civil::Date;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

pub use crate::model::{GREETING_SLOT, TOKEN_SLOT};

/// What `digest build` did.
#[derive(Debug)]
pub enum Built {
    /// No item is new since `since`: no digest.
    Nothing {
        /// The first day it covers.
        since: Date,
    },
    /// A new digest was written.
    Digest {
        /// Its id (`2026-11-28`).
        id: String,
        /// Its folder.
        dir: PathBuf,
        /// How many items it lists.
        items: usize,
        /// Unsent digests it replaces.
        replaced: Vec<String>,
    },
}

/// Select, compose and store the next digest of the site at `root`, made on `today`.
pub fn build(root: &Path, today: Date, since: Option<Date>) -> Result<Built, BuildError> {
    let options = crate::assemble::BuildOptions { drafts: false, future: false, today };
    let settings = BuildSettings { options, base_url: None };
    let Assembled { site, templates, .. } = crate::assemble_site(root, &settings)?;
    let _lock = store::lock(root)?;
    let past = store::list(root)?;
    let (started, unsent): (Vec<_>, Vec<_>) = past.into_iter().partition(|d| d.started);
    let sent: BTreeSet<String> = started.iter().flat_map(|d| d.record.items.iter().map(|i| i.id.clone())).collect();
    // The first digest covers the window; later ones everything since, so an item added late
    // with an older date is still sent once.
    let window_start = today.saturating_sub(jiff::Span::new().days(i64::from(site.config.digest.window_days)));
    let since = since.or_else(|| started.first().and_then(|d| d.record.since.parse().ok())).unwrap_or(window_start);
    let groups = select::items(&site, since, &sent);
    if groups.is_empty() {
        return Ok(Built::Nothing { since });
    }
    let existing: BTreeSet<String> = started.iter().map(|d| d.record.id.clone()).collect();
    let id = select::digest_id(today, &existing);
    let composed = compose::digest(&site, &templates, &groups, (&id, today, since))
        .map_err(|e| BuildError::Site(crate::error::SiteErrors::from_vec(vec![e])))?;
    // An unsent digest is superseded: its items are not sent, so the new one carries them.
    let mut replaced = Vec::new();
    for old in &unsent {
        store::remove_unsent(old)?;
        replaced.push(old.record.id.clone());
    }
    let dir = store::write(root, &id, &composed.files)?;
    Ok(Built::Digest { id, dir, items: composed.record.items.len(), replaced })
}
