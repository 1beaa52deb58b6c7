//! What lets `serve` render less after a change: which pages would come out as before.
//!
//! Input: the last build's site (for item pages) or fingerprints (for every other page), and
//! the new site. Output: which item pages are unchanged, compared by what they show (the item
//! and its `item::Surroundings`); and a fingerprint of every other page's template context, a
//! hash of exactly the values its template is given, so equal fingerprints mean equal pages.
//! Must not: be used across a change of config or templates (render everything then), or
//! fingerprint anything less than all a template is given.

use super::jobs::Job;
use super::sink::EntryJson;
use super::{RenderContext, context, item, views};
use crate::error::SiteError;
use crate::model::find_dataset;
use crate::model::{OutputFile, Site};
use crate::outputs::images::ImageTable;
use crate::urls::output_file;
use rayon::prelude::*;
use std::collections::HashMap;

/// The fingerprints of the last render's pages other than items, by output path.
pub type Fingerprints = HashMap<String, u64>;

/// What the last build lets a render leave out.
#[derive(Default)]
pub struct Reuse<'a> {
    /// By page id: the item's page renders as before (`unchanged_items`).
    pub unchanged_items: Vec<bool>,
    /// Fingerprint every page other than items, and leave out those whose fingerprint is this
    /// one (`None`: render them all and take no fingerprints, as `build` does).
    pub fingerprints: Option<&'a Fingerprints>,
}

/// A job's file (`None`: it renders as before) and, when fingerprinting, the fingerprint of a
/// page other than an item.
pub(super) type Outcome = (Option<Result<OutputFile, SiteError>>, Option<u64>);

/// Render `job` unless `reuse` says it renders as before: an item marked unchanged, or another
/// page whose fingerprint (taken when `entries` is given) is the one remembered.
pub(super) fn render_unless_same(
    job: &Job,
    path: &str,
    rc: &RenderContext,
    reuse: &Reuse,
    entries: Option<&EntryJson>,
) -> Outcome {
    let fingerprint = match (job, entries) {
        (Job::Item(_), _) | (_, None) => None,
        (_, Some(entries)) => Some(context::fingerprint(job, path, rc, entries)),
    };
    let same = match (job, fingerprint) {
        (&Job::Item(id), _) => reuse.unchanged_items.get(id) == Some(&true),
        (_, Some(f)) => reuse.fingerprints.and_then(|was| was.get(&output_file(path))) == Some(&f),
        _ => false,
    };
    ((!same).then(|| context::render(job, path, rc)), fingerprint)
}

/// For each item of `new`, whether its page renders as it did in `old` (same config and
/// templates assumed): the item, its links' URLs, its images and their sizes and copies, the
/// datasets its tables and charts show, and its
/// `item::Surroundings` are equal. Items
/// with a programme are always rendered: their speakers link to whichever people pages exist.
pub fn unchanged_items((old, old_images): (&Site, &ImageTable), (new, new_images): (&Site, &ImageTable)) -> Vec<bool> {
    let old_ids: HashMap<&str, usize> = old.pages.iter().enumerate().map(|(i, p)| (p.rel_path.as_str(), i)).collect();
    let (old_urls, new_urls) = (views::Urls { site: old }, views::Urls { site: new });
    (0..new.pages.len())
        .into_par_iter()
        .map(|id| {
            let page = &new.pages[id];
            old_ids.get(page.rel_path.as_str()).is_some_and(|&was| {
                page.front.sessions.is_none()
                    && *page == old.pages[was]
                    && new.link_urls[id] == old.link_urls[was]
                    && new.image_paths[id] == old.image_paths[was]
                    && new.image_paths[id].iter().flatten().all(|p| new_images.get(p) == old_images.get(p))
                    && new.pdf_pages(id) == old.pdf_pages(was)
                    && page.embeds.iter().all(|e| {
                        let path = e.data_path();
                        find_dataset(&new.datasets, &path) == find_dataset(&old.datasets, &path)
                    })
                    && item::surroundings(&new_urls, id) == item::surroundings(&old_urls, was)
            })
        })
        .collect()
}
