//! Group published pages by person: authors, linked to people pages, per language.
//!
//! Input: pages already sorted newest first, each language's listed items. Output: authors
//! sorted by language and slug, each holding `PageId`s in site order, so renderers never sort.

use super::terms::Listed;
use crate::model::{Author, Collection, Lang, Page, PageId};
use crate::text::person_slug;
use crate::urls;
use std::collections::BTreeMap;

/// Every person in every language: people pages first, then authors named only in front matter.
/// An author is matched to a people page by its name in any language (`李娜` and `Li Na` are the
/// same person when the page says so), and every person is known in every language, so an author
/// link and the language switch always reach the same person. A person's works in a language are
/// the items listed there (`listed`: with fallback, untranslated items too); where they have none,
/// their page there lists their works in the others.
pub(super) fn authors(pages: &[Page], listed: &Listed, default: Lang) -> (Vec<Author>, Vec<Vec<usize>>) {
    let people = PeopleNames::of(pages);
    let mut by_key: BTreeMap<(Lang, String), Author> = BTreeMap::new();
    for (id, p) in pages.iter().enumerate().filter(|(_, p)| p.collection == Collection::Person) {
        by_key.insert((p.lang, p.slug.clone()), author(p.lang, &p.slug, p.title.clone(), Some(id)));
    }
    let mut page_authors: Vec<Vec<(Lang, String)>> = Vec::with_capacity(pages.len());
    for (id, p) in pages.iter().enumerate() {
        let mut keys = Vec::new();
        for name in p.front.authors.iter().flat_map(|a| a.0.iter()) {
            let slug = people.slug(p.lang, name);
            let written = people.name(&slug, p.lang).unwrap_or(name).to_string();
            let entry = by_key.entry((p.lang, slug.clone())).or_insert_with(|| author(p.lang, &slug, written, None));
            if entry.works.last() != Some(&id) {
                entry.works.push(id);
            }
            keys.push((p.lang, slug));
        }
        page_authors.push(keys);
    }
    listed_elsewhere(&mut by_key, &people, pages, listed, &page_authors);
    let langs: Vec<Lang> = listed.keys().copied().collect();
    in_every_language(&mut by_key, &people, &langs, default);
    let index: BTreeMap<(Lang, String), usize> = by_key.keys().cloned().enumerate().map(|(i, k)| (k, i)).collect();
    let page_authors = page_authors.into_iter().map(|keys| keys.iter().map(|k| index[k]).collect()).collect();
    (by_key.into_values().collect(), page_authors)
}

fn author(lang: Lang, slug: &str, name: String, page: Option<PageId>) -> Author {
    Author { name, slug: slug.to_string(), lang, url_path: urls::person(lang, slug), page, works: Vec::new() }
}

/// Add to each person's works in a language the untranslated items listed there.
fn listed_elsewhere(
    by_key: &mut BTreeMap<(Lang, String), Author>,
    people: &PeopleNames,
    pages: &[Page],
    listed: &Listed,
    page_authors: &[Vec<(Lang, String)>],
) {
    for (&lang, ids) in listed {
        for &id in ids.iter().filter(|&&id| pages[id].lang != lang) {
            for key in &page_authors[id] {
                let written = by_key.get(key).map(|a| a.name.clone()).unwrap_or_default();
                let named = people.name(&key.1, lang).map_or(written, str::to_string);
                let entry = by_key.entry((lang, key.1.clone())).or_insert_with(|| author(lang, &key.1, named, None));
                entry.works.push(id);
            }
        }
    }
    for a in by_key.values_mut() {
        // Page ids are in site order: sorted ids are newest first.
        a.works.sort_unstable();
        a.works.dedup();
    }
}

/// Give every person an entry in each language they lack: named as their people page names them
/// there (else as in the default language), listing their works in the other languages.
fn in_every_language(
    by_key: &mut BTreeMap<(Lang, String), Author>,
    people: &PeopleNames,
    langs: &[Lang],
    default: Lang,
) {
    let slugs: std::collections::BTreeSet<String> = by_key.keys().map(|(_, s)| s.clone()).collect();
    for slug in slugs {
        // The default language's entry first, so its name and works are the ones borrowed.
        let mut known: Vec<&Author> = langs.iter().filter_map(|&l| by_key.get(&(l, slug.clone()))).collect();
        known.sort_by_key(|a| a.lang != default);
        let Some(first) = known.first() else { continue };
        let name = first.name.clone();
        let works = known.iter().find(|a| !a.works.is_empty()).map(|a| a.works.clone()).unwrap_or_default();
        for &lang in langs {
            let entry = by_key.entry((lang, slug.clone())).or_insert_with(|| {
                let named = people.name(&slug, lang).map_or_else(|| name.clone(), str::to_string);
                author(lang, &slug, named, None)
            });
            if entry.works.is_empty() {
                entry.works.clone_from(&works);
            }
        }
    }
}

/// What people pages say of names: each person's name per language, and which slug a name
/// (in a language, or in any) belongs to.
struct PeopleNames {
    names: BTreeMap<String, BTreeMap<Lang, String>>,
    slugs: BTreeMap<(Option<Lang>, String), String>,
}

impl PeopleNames {
    fn of(pages: &[Page]) -> PeopleNames {
        let mut names: BTreeMap<String, BTreeMap<Lang, String>> = BTreeMap::new();
        let mut slugs = BTreeMap::new();
        for p in pages.iter().filter(|p| p.collection == Collection::Person) {
            let own = names.entry(p.slug.clone()).or_default();
            own.insert(p.lang, p.title.clone());
            for (lang, name) in p.front.title.iter().flat_map(|t| t.names()) {
                own.entry(lang.unwrap_or(p.lang)).or_insert_with(|| name.to_string());
                slugs.entry((None, name.to_lowercase())).or_insert_with(|| p.slug.clone());
            }
            slugs.insert((Some(p.lang), p.title.to_lowercase()), p.slug.clone());
            slugs.entry((None, p.slug.clone())).or_insert_with(|| p.slug.clone());
        }
        PeopleNames { names, slugs }
    }

    /// The slug of the person `name` (as an item in `lang` writes it) is: a people page's, else
    /// one made from the name.
    fn slug(&self, lang: Lang, name: &str) -> String {
        let lower = name.to_lowercase();
        self.slugs
            .get(&(Some(lang), lower.clone()))
            .or_else(|| self.slugs.get(&(None, lower)))
            .or_else(|| self.slugs.get(&(None, name.to_string())))
            .cloned()
            .unwrap_or_else(|| person_slug(name))
    }

    /// The person's name in `lang` as their people pages give it.
    fn name(&self, slug: &str, lang: Lang) -> Option<&str> {
        self.names.get(slug).and_then(|n| n.get(&lang)).map(String::as_str)
    }
}
