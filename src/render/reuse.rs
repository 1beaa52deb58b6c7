//! What lets `serve` render less after a change: which pages would come out as before.
//!
//! Input: the last build's site (for item pages) or fingerprints (for every other page), and
//! the new site. Output: which item pages are unchanged, compared by what they show (the item
//! and its `item::Surroundings`); and a fingerprint of every other page's template context, a
//! hash of exactly the values its template is given, so equal fingerprints mean equal pages.
//! Must not: be used across a change of config or templates (render everything then), or
//! fingerprint anything less than all a template is given.

use super::jobs::Job;
use super::views::{EntryView, Urls};
use super::{Templates, context, item, views};
use crate::error::SiteError;
use crate::model::{OutputFile, PageId, Site};
use crate::urls::output_file;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};

/// Where a page's template values go: a `tera::Context` to render, or a `Fingerprint`.
pub(super) trait ContextSink {
    fn set<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T);

    /// A value that depends on nothing but the config, the theme and the page's language (a
    /// value of its own): a change to any of the first two renders every page anyway.
    fn set_fixed<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        self.set(key, value);
    }

    /// The entries (`views::EntryView`) of the items `ids`, one page of a list.
    fn set_entries(&mut self, key: &'static str, urls: &Urls, ids: &[PageId]) {
        let entries: Vec<EntryView> = ids.iter().map(|&id| urls.entry(id)).collect();
        self.set(key, &entries);
    }
}

impl ContextSink for tera::Context {
    fn set<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        self.insert(key, value);
    }
}

/// The values a template is given, serialized as `tera::Context` would hold them but without
/// building them, then hashed: cheap enough to take for every listing after each change.
pub(super) struct Fingerprint<'e> {
    json: Vec<u8>,
    entries: &'e EntryJson,
}

/// Every item's list entry as JSON, made once per render: an item is on several lists.
pub(super) struct EntryJson(Vec<Vec<u8>>);

impl EntryJson {
    pub(super) fn new(urls: &Urls) -> EntryJson {
        let json = (0..urls.site.pages.len())
            .into_par_iter()
            .map(|id| serde_json::to_vec(&urls.entry(id)).unwrap_or_default())
            .collect();
        EntryJson(json)
    }

    /// The JSON of a list of entries, as `serde_json` writes the `Vec` of them.
    fn list(&self, ids: &[PageId], out: &mut Vec<u8>) {
        join_json_array(ids.iter().map(|&id| self.0.get(id).map_or(&[][..], Vec::as_slice)), out);
    }
}

fn join_json_array<'a>(elements: impl Iterator<Item = &'a [u8]>, out: &mut Vec<u8>) {
    out.push(b'[');
    for (i, element) in elements.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(element);
    }
    out.push(b']');
}

impl<'e> Fingerprint<'e> {
    pub(super) fn new(entries: &'e EntryJson) -> Fingerprint<'e> {
        Fingerprint { json: Vec::with_capacity(4096), entries }
    }

    pub(super) fn finish(self, template: &str) -> u64 {
        let mut hasher = DefaultHasher::new();
        template.hash(&mut hasher);
        self.json.hash(&mut hasher);
        hasher.finish()
    }
}

impl ContextSink for Fingerprint<'_> {
    fn set<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        // Keys and values are JSON, so each is delimited; a value that cannot serialize is
        // marked (and fails when rendered).
        self.json.extend_from_slice(key.as_bytes());
        self.json.push(b':');
        if serde_json::to_writer(&mut self.json, value).is_err() {
            self.json.push(0);
        }
        self.json.push(b',');
    }

    fn set_fixed<T: Serialize + ?Sized>(&mut self, _key: &'static str, _value: &T) {}

    fn set_entries(&mut self, key: &'static str, _urls: &Urls, ids: &[PageId]) {
        self.json.extend_from_slice(key.as_bytes());
        self.json.push(b':');
        self.entries.list(ids, &mut self.json);
        self.json.push(b',');
    }
}

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
    (site, templates, known): (&Site, &Templates, &HashSet<&str>),
    reuse: &Reuse,
    entries: Option<&EntryJson>,
) -> Outcome {
    let fingerprint = match (job, entries) {
        (Job::Item(_), _) | (_, None) => None,
        (_, Some(entries)) => Some(context::fingerprint(job, path, (site, templates, known), entries)),
    };
    let same = match (job, fingerprint) {
        (&Job::Item(id), _) => reuse.unchanged_items.get(id) == Some(&true),
        (_, Some(f)) => reuse.fingerprints.and_then(|was| was.get(&output_file(path))) == Some(&f),
        _ => false,
    };
    ((!same).then(|| context::render(job, path, site, templates, known)), fingerprint)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn fingerprint(values: &[(&'static str, serde_json::Value)], template: &str) -> u64 {
        let entries = EntryJson(Vec::new());
        let mut fp = Fingerprint::new(&entries);
        for (key, value) in values {
            fp.set(key, value);
        }
        fp.finish(template)
    }

    #[test]
    fn fingerprint_changes_with_any_value_key_or_template() {
        let base = fingerprint(&[("a", serde_json::json!({"t": "x"})), ("b", serde_json::json!(1))], "list.html");
        let same = fingerprint(&[("a", serde_json::json!({"t": "x"})), ("b", serde_json::json!(1))], "list.html");
        assert_eq!(base, same);
        for other in [
            fingerprint(&[("a", serde_json::json!({"t": "y"})), ("b", serde_json::json!(1))], "list.html"),
            fingerprint(&[("a", serde_json::json!({"t": "x"})), ("c", serde_json::json!(1))], "list.html"),
            fingerprint(&[("a", serde_json::json!({"t": "x"})), ("b", serde_json::json!(1))], "term.html"),
            // Values are delimited: moving text between two values is a change.
            fingerprint(&[("a", serde_json::json!("xb")), ("b", serde_json::json!(""))], "list.html"),
        ] {
            assert_ne!(base, other);
        }
        assert_ne!(
            fingerprint(&[("a", serde_json::json!("x")), ("b", serde_json::json!("b"))], "list.html"),
            fingerprint(&[("a", serde_json::json!("xb")), ("b", serde_json::json!(""))], "list.html"),
        );
    }

    #[test]
    fn entries_joined_from_their_own_json_are_the_json_of_the_list() {
        let entry = |title: &'static str, summary: Option<&'static str>| EntryView {
            title,
            url: format!("/reports/{title}/"),
            collection: "report",
            date: Some("2024-01-05".into()),
            date_display: None,
            summary,
            authors: vec![views::Link { name: "Liu \"Zheng\"".into(), url: "/people/liu/".into() }],
            issue_label: None,
        };
        let list = [entry("a", Some("Loans, <b>credit</b>")), entry("贷款", None), entry("c", Some("]"))];
        let cache = EntryJson(list.iter().map(|e| serde_json::to_vec(e).expect("json")).collect());
        for ids in [&[][..], &[1], &[0, 1, 2], &[2, 0]] {
            let mut joined = Vec::new();
            cache.list(ids, &mut joined);
            let chosen: Vec<&EntryView> = ids.iter().map(|&i| &list[i]).collect();
            assert_eq!(String::from_utf8_lossy(&joined), serde_json::to_string(&chosen).expect("json"));
        }
    }
}
