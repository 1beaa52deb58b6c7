//! What lets `serve` render less after a change: which pages would come out as before.
//!
//! Input: the last build's site and page contexts, and the new site. Output: which item pages
//! are unchanged (compared by what they show: the item and its `item::Surroundings`), the pages
//! to render after a change to bodies alone, and whether another page's context is unchanged
//! (compared whole: a page is a pure function of its context and the templates).
//! Must not: be used across a change of config or templates (clear the memo then), or decide
//! that a page is unchanged from anything less than all it shows.

use super::context::{self, Prepared};
use super::jobs::{self, Job};
use super::{Templates, item, summarise_template_errors, views};
use crate::error::SiteError;
use crate::model::{OutputFile, PageId, Site};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};

/// The contexts of the last render's pages other than items, by output path (items are compared
/// by `unchanged_items` instead: their contexts hold whole bodies, too costly to build to compare).
#[derive(Default)]
pub struct ContextMemo {
    contexts: HashMap<String, tera::Context>,
}

impl ContextMemo {
    pub fn clear(&mut self) {
        self.contexts.clear();
    }

    pub(super) fn contexts(&self) -> &HashMap<String, tera::Context> {
        &self.contexts
    }

    pub(super) fn replace(&mut self, contexts: HashMap<String, tera::Context>) {
        self.contexts = contexts;
    }
}

/// A job's file (`None`: left out, as before) and, for pages other than items, its context.
pub(super) type Outcome = (Option<Result<OutputFile, SiteError>>, Option<tera::Context>);

/// Render `job` unless it is an item marked in `unchanged`, or (with `previous` contexts) another
/// page whose context is the one remembered.
pub(super) fn render_unless_same(
    job: &Job,
    path: &str,
    (site, templates, known): (&Site, &Templates, &HashSet<&str>),
    unchanged: &[bool],
    previous: Option<&HashMap<String, tera::Context>>,
) -> Outcome {
    if let Job::Item(id) = *job {
        if unchanged.get(id) == Some(&true) {
            return (None, None);
        }
        return (Some(context::render(&context::prepare(job, path, site, templates, known), path, templates)), None);
    }
    let Prepared { template, context } = context::prepare(job, path, site, templates, known);
    let Some(previous) = previous else {
        return (Some(context::render(&Prepared { template, context }, path, templates)), None);
    };
    if previous.get(&jobs::output_path(path)) == Some(&context) {
        return (None, Some(context));
    }
    let prepared = Prepared { template, context };
    (Some(context::render(&prepared, path, templates)), Some(prepared.context))
}

/// For each item of `new`, whether its page renders as it did in `old` (same config and
/// templates assumed): the item and its `item::Surroundings` are equal. Items with a programme
/// are always rendered: their speakers link to whichever people pages exist.
pub fn unchanged_items(old: &Site, new: &Site) -> Vec<bool> {
    let old_ids: HashMap<&str, usize> = old.pages.iter().enumerate().map(|(i, p)| (p.rel_path.as_str(), i)).collect();
    let (old_urls, new_urls) = (views::Urls { site: old }, views::Urls { site: new });
    (0..new.pages.len())
        .into_par_iter()
        .map(|id| {
            let page = &new.pages[id];
            old_ids.get(page.rel_path.as_str()).is_some_and(|&was| {
                page.front.sessions.is_none()
                    && *page == old.pages[was]
                    && item::surroundings(&new_urls, id) == item::surroundings(&old_urls, was)
            })
        })
        .collect()
}

/// Only the pages that show the bodies of `ids`: their own pages (a person's page lists their
/// works too, on every page of that list). For `serve`, when only those bodies changed: nothing
/// else the site renders shows a body. The memo learns the people pages' new contexts.
pub fn items(
    site: &Site,
    templates: &Templates,
    ids: &[PageId],
    memo: &mut ContextMemo,
) -> Result<Vec<OutputFile>, Vec<SiteError>> {
    let jobs = jobs::all(site);
    let paths: Vec<String> = jobs.iter().map(|j| jobs::url_path(j, site)).collect();
    let known: HashSet<&str> = paths.iter().map(String::as_str).collect();
    let shows = |job: &Job| match *job {
        Job::Item(id) => ids.contains(&id),
        Job::Person { author, .. } => site.authors[author].page.is_some_and(|id| ids.contains(&id)),
        _ => false,
    };
    let (mut files, mut errors, mut learnt) = (Vec::new(), Vec::new(), Vec::new());
    for (job, path) in jobs.iter().zip(&paths).filter(|(job, _)| shows(job)) {
        let prepared = context::prepare(job, path, site, templates, &known);
        match context::render(&prepared, path, templates) {
            Ok(file) => files.push(file),
            Err(e) => errors.push(e),
        }
        if !matches!(job, Job::Item(_)) {
            learnt.push((jobs::output_path(path), prepared.context));
        }
    }
    if !errors.is_empty() {
        return Err(summarise_template_errors(errors));
    }
    memo.contexts.extend(learnt);
    Ok(files)
}
