//! Where a page's template values go: a `tera::Context` to render, or a `Fingerprint` that
//! hashes exactly those values (so `reuse` can tell a page would render as before).
//!
//! Input: the values `context` sets. Output: a context, or a 64-bit fingerprint.
//! Must not: leave out any value a template is given from the fingerprint.

use super::views::{EntryView, Urls};
use crate::model::{Lang, PageId};
use rayon::prelude::*;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

/// Where a page's template values go: a `tera::Context` to render, or a `Fingerprint`.
pub(super) trait ContextSink {
    fn set<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T);

    /// A value that depends on nothing but the config, the theme and the page's language (a
    /// value of its own): a change to any of the first two renders every page anyway.
    fn set_fixed<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        self.set(key, value);
    }

    /// The entries (`views::EntryView`) of the items `ids`, one page of a list in `lang`.
    fn set_entries(&mut self, key: &'static str, urls: &Urls, ids: &[PageId], lang: Lang) {
        let entries: Vec<EntryView> = ids.iter().map(|&id| urls.entry(id, lang)).collect();
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

/// Every item's list entry as JSON, made once per render: an item is on several lists. Entries
/// in another language's lists (fallback) are made once per such language.
#[derive(Default)]
pub(super) struct EntryJson {
    own: Vec<Vec<u8>>,
    elsewhere: HashMap<(Lang, PageId), Vec<u8>>,
}

impl EntryJson {
    pub(super) fn new(urls: &Urls) -> EntryJson {
        let site = urls.site;
        let json = |id, lang| serde_json::to_vec(&urls.entry(id, lang)).unwrap_or_default();
        let own = (0..site.pages.len()).into_par_iter().map(|id| json(id, site.pages[id].lang)).collect();
        let foreign: Vec<(Lang, PageId)> = (site.listed.iter())
            .flat_map(|(&lang, ids)| {
                ids.iter().filter(move |&&id| site.pages[id].lang != lang).map(move |&id| (lang, id))
            })
            .collect();
        let elsewhere = foreign.into_par_iter().map(|(lang, id)| ((lang, id), json(id, lang))).collect();
        EntryJson { own, elsewhere }
    }

    /// The JSON of a list of entries in `lang`, as `serde_json` writes the `Vec` of them.
    fn list(&self, urls: &Urls, ids: &[PageId], lang: Lang, out: &mut Vec<u8>) {
        let made: Vec<std::borrow::Cow<[u8]>> = ids
            .iter()
            .map(|&id| {
                if urls.site.pages[id].lang == lang {
                    return Cow::Borrowed(self.own.get(id).map_or(&[][..], Vec::as_slice));
                }
                match self.elsewhere.get(&(lang, id)) {
                    Some(json) => Cow::Borrowed(json.as_slice()),
                    // Not listed there, yet on one of its lists (a person's works borrowed from another language).
                    None => Cow::Owned(serde_json::to_vec(&urls.entry(id, lang)).unwrap_or_default()),
                }
            })
            .collect();
        join_json_array(made.iter().map(|j| &j[..]), out);
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

    fn set_entries(&mut self, key: &'static str, urls: &Urls, ids: &[PageId], lang: Lang) {
        self.json.extend_from_slice(key.as_bytes());
        self.json.push(b':');
        self.entries.list(urls, ids, lang, &mut self.json);
        self.json.push(b',');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fingerprint(values: &[(&'static str, serde_json::Value)], template: &str) -> u64 {
        let entries = EntryJson::default();
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
            lang: "en",
            badge: Some("English"),
            url: format!("/reports/{title}/"),
            collection: "report",
            date: Some("2024-01-05".into()),
            date_display: None,
            summary,
            authors: vec![super::super::views::Link { name: "Liu \"Zheng\"".into(), url: "/people/liu/".into() }],
            issue_label: None,
            issue_lang: None,
        };
        let list = [entry("a", Some("Loans, <b>credit</b>")), entry("贷款", None), entry("c", Some("]"))];
        let cache: Vec<Vec<u8>> = list.iter().map(|e| serde_json::to_vec(e).expect("json")).collect();
        for ids in [&[][..], &[1], &[0, 1, 2], &[2, 0]] {
            let mut joined = Vec::new();
            join_json_array(ids.iter().map(|&i| cache[i].as_slice()), &mut joined);
            let chosen: Vec<&EntryView> = ids.iter().map(|&i| &list[i]).collect();
            assert_eq!(String::from_utf8_lossy(&joined), serde_json::to_string(&chosen).expect("json"));
        }
    }
}
