//! Resolve links between Markdown files into URLs, checking targets and anchors; resolve
//! `related:` lists into page ids.

use crate::error::{SiteError, did_you_mean};
use crate::model::{InternalLink, Page, PageId};
use std::collections::HashMap;

/// Published pages by source path, and why the unpublished ones are held back.
pub(super) struct PathIndex {
    by_path: HashMap<String, PageId>,
    unpublished: HashMap<String, &'static str>,
    /// Files that could not be parsed: links to them are not checked.
    unparsed: std::collections::BTreeSet<String>,
}

impl PathIndex {
    pub(super) fn new(pages: &[Page], held_back: &[Page], drafts_published: bool) -> Self {
        let reason = |p: &Page| if p.draft && !drafts_published { "a draft" } else { "dated in the future" };
        PathIndex {
            by_path: pages.iter().enumerate().map(|(i, p)| (p.rel_path.clone(), i)).collect(),
            unpublished: held_back.iter().map(|p| (p.rel_path.clone(), reason(p))).collect(),
            unparsed: Default::default(),
        }
    }

    /// Leave links to these files (which could not be parsed) unchecked.
    pub(super) fn with_unparsed(mut self, unparsed: std::collections::BTreeSet<String>) -> Self {
        self.unparsed = unparsed;
        self
    }

    /// The page a link points to, or an error at the link's position.
    fn target(&self, from: &Page, link: &InternalLink) -> Result<PageId, SiteError> {
        self.by_path.get(link.target.as_str()).copied().ok_or_else(|| {
            let (message, guess) = match self.unpublished.get(link.target.as_str()) {
                Some(reason) => (format!("link to `{}`, which is {reason} and not published", link.target), None),
                None => (
                    format!("link to `{}`, which does not exist", link.target),
                    did_you_mean(&link.target, self.by_path.keys().map(String::as_str).filter(|p| *p != from.rel_path)),
                ),
            };
            let hint = match guess {
                Some(path) => format!(
                    "did you mean `{path}`? (a path is relative to this file, or to content/ when it starts with /)"
                ),
                None => "check the path: it is relative to this file, or to content/ when it starts with /".to_string(),
            };
            SiteError::new(&from.rel_path, link.line, link.column, message).with_hint(hint)
        })
    }
}

/// The URL of every link of every page (by page id, in link order; the body's placeholders are
/// filled when it is rendered); missing pages and anchors reported.
pub(super) fn resolve(pages: &[Page], index: &PathIndex, base_path: &str) -> (Vec<Vec<String>>, Vec<SiteError>) {
    use rayon::prelude::*;
    let (urls, errors): (Vec<Vec<String>>, Vec<Vec<SiteError>>) = (0..pages.len())
        .into_par_iter()
        .map(|i| {
            let mut errors = Vec::new();
            (hrefs(&pages[i], i, pages, index, base_path, &mut errors), errors)
        })
        .unzip();
    (urls, errors.into_iter().flatten().collect())
}

/// The URLs of the links of `page`, which takes the place of `pages[id]`.
pub(super) fn resolve_one(
    page: &Page,
    id: PageId,
    pages: &[Page],
    index: &PathIndex,
    base_path: &str,
) -> (Vec<String>, Vec<SiteError>) {
    let mut errors = Vec::new();
    (hrefs(page, id, pages, index, base_path, &mut errors), errors)
}

/// The URL of each of the links of `page` (id `i`), empty where the target is missing.
fn hrefs(
    page: &Page,
    i: PageId,
    pages: &[Page],
    index: &PathIndex,
    base_path: &str,
    errors: &mut Vec<SiteError>,
) -> Vec<String> {
    let mut hrefs = Vec::with_capacity(page.links.len());
    for link in &page.links {
        if index.unparsed.contains(&link.target) {
            hrefs.push(String::new());
            continue;
        }
        match index.target(page, link) {
            Ok(target_id) => {
                let target = if target_id == i { page } else { &pages[target_id] };
                if let Err(e) = check_anchor(page, link, target) {
                    errors.push(e);
                }
                let fragment = link.anchor.as_ref().map(|a| format!("#{a}")).unwrap_or_default();
                let path = if target_id == i { String::new() } else { format!("{base_path}{}", target.url_path) };
                hrefs.push(format!("{path}{fragment}"));
            }
            Err(e) => {
                errors.push(e);
                hrefs.push(String::new());
            }
        }
    }
    hrefs
}

/// Links from any page into `target` (id `id`) whose anchor it lacks.
pub(super) fn broken_anchors_into(pages: &[Page], id: PageId, target: &Page) -> Vec<SiteError> {
    pages
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != id)
        .flat_map(|(_, p)| p.links.iter().filter(|l| l.target == target.rel_path).map(move |l| (p, l)))
        .filter_map(|(p, l)| check_anchor(p, l, target).err())
        .collect()
}

fn check_anchor(page: &Page, link: &InternalLink, target: &Page) -> Result<(), SiteError> {
    let Some(anchor) = &link.anchor else { return Ok(()) };
    if target.has_anchor(anchor) {
        return Ok(());
    }
    let known: Vec<&str> = target.headings.iter().map(|h| h.id.as_str()).collect();
    // A page may have thousands of headings and thousands of links: keep each message short.
    let guess = if known.len() <= 1000 { did_you_mean(anchor, known.iter().copied()) } else { None };
    let hint = match guess {
        Some(s) => format!("did you mean `#{s}`?"),
        None if known.is_empty() => "that page has no headings to link to".to_string(),
        None => {
            let shown: Vec<String> = known.iter().take(8).map(|k| format!("#{k}")).collect();
            let more = if known.len() > 8 { format!(" and {} more", known.len() - 8) } else { String::new() };
            format!("its headings are: {}{more}", shown.join(", "))
        }
    };
    Err(SiteError::new(
        &page.rel_path,
        link.line,
        link.column,
        format!("link to `#{anchor}` in `{}`, which has no such heading", link.target),
    )
    .with_hint(hint))
}

/// Each page's `related:` items as page ids, in the order written.
pub(super) fn related(pages: &[Page], index: &PathIndex) -> (Vec<Vec<PageId>>, Vec<SiteError>) {
    let mut errors = Vec::new();
    let ids = pages
        .iter()
        .map(|p| {
            p.related
                .iter()
                .filter(|link| !index.unparsed.contains(&link.target))
                .filter_map(|link| index.target(p, link).map_err(|e| errors.push(e)).ok())
                .collect()
        })
        .collect();
    (ids, errors)
}
