//! Which items a new digest covers, in the order it lists them.
//!
//! Input: the assembled `Site`, the digests already sent (their item ids), today and the window
//! start. Output: the items, grouped: reports by series, newest issue first, then proceedings,
//! then stories. Must not: read files or the clock, or select an item a sent digest already carried
//! (an item is known by its translation key, so editing or retitling it never sends it again).

use crate::model::{Collection, Lang, PageId, Site};
use jiff::civil::Date;
use std::collections::{BTreeMap, BTreeSet};

/// One item of a digest: its id and its page in each language the site has it in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct SelectedItem {
    pub id: String,
    pub collection: Collection,
    pub pages: BTreeMap<Lang, PageId>,
}

/// Items the digest lists under one heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Group {
    pub collection: Collection,
    /// For reports: the series, volume and number they share (all `None` outside a series).
    pub issue: (Option<String>, Option<u32>, Option<u32>),
    pub items: Vec<SelectedItem>,
}

/// Items dated after `since` (and published by today, which assembling already ensured) that no
/// digest in `sent` carried.
pub(super) fn items(site: &Site, since: Date, sent: &BTreeSet<String>) -> Vec<Group> {
    let mut by_id: BTreeMap<&str, SelectedItem> = BTreeMap::new();
    for (id, page) in site.pages.iter().enumerate() {
        let listed = matches!(page.collection, Collection::Report | Collection::Proceedings | Collection::Story);
        let recent = page.date.is_some_and(|d| d.date() > since);
        if !listed || !recent || sent.contains(&page.translation_key) {
            continue;
        }
        by_id
            .entry(&page.translation_key)
            .or_insert_with(|| SelectedItem {
                id: page.translation_key.clone(),
                collection: page.collection,
                pages: BTreeMap::new(),
            })
            .pages
            .insert(page.lang, id);
    }
    group(site, by_id.into_values().collect())
}

/// The order of the digest: reports by series, newest issue first (volume, then number; newest
/// date first inside an issue), then proceedings, then stories, each newest first.
fn group(site: &Site, mut items: Vec<SelectedItem>) -> Vec<Group> {
    use std::cmp::Reverse;
    let first_page = |item: &SelectedItem| item.pages.values().next().map(|&id| &site.pages[id]);
    let key = |item: &SelectedItem| {
        let page = first_page(item);
        let front = page.map(|p| &p.front);
        let issue = (front.and_then(|f| f.series.clone()), front.and_then(|f| f.volume), front.and_then(|f| f.number));
        let newest = (issue.0.clone(), Reverse(issue.1), Reverse(issue.2));
        (item.collection, newest, Reverse(page.and_then(|p| p.date)), item.id.clone(), issue)
    };
    items.sort_by_cached_key(key);
    let mut groups: Vec<Group> = Vec::new();
    for item in items {
        let (collection, _, _, _, issue) = key(&item);
        let issue = if collection == Collection::Report { issue } else { (None, None, None) };
        match groups.last_mut() {
            Some(g) if g.collection == collection && g.issue == issue => g.items.push(item),
            _ => groups.push(Group { collection, issue, items: vec![item] }),
        }
    }
    groups
}

/// The id of a digest made on `today`: the date, with `-2`, `-3`… when one of that day exists.
pub(super) fn digest_id(today: Date, existing: &BTreeSet<String>) -> String {
    let base = today.to_string();
    if !existing.contains(&base) {
        return base;
    }
    (2..).map(|n| format!("{base}-{n}")).find(|id| !existing.contains(id)).unwrap_or(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_id_counts_up_within_a_day() {
        let today = jiff::civil::date(2026, 11, 28);
        let mut existing = BTreeSet::new();
        assert_eq!(digest_id(today, &existing), "2026-11-28");
        existing.insert("2026-11-28".to_string());
        existing.insert("2026-11-28-2".to_string());
        assert_eq!(digest_id(today, &existing), "2026-11-28-3");
    }
}
