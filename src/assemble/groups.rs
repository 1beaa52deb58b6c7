//! Group published pages: authors (linked to people pages), taxonomy terms, the catalogue.
//!
//! Input: pages already sorted newest first. Output: plain lists sorted by slug or number,
//! each holding `PageId`s in site order, so renderers never sort.

use crate::model::{Author, Collection, Issue, Lang, Page, PageId, Series, Taxonomy, Term};
use crate::text::{cut_slug, name_slug, person_slug};
use crate::urls;
use std::collections::BTreeMap;

/// Every person in every language: people pages first, then authors named only in front matter.
/// An author is matched to a people page by its name in any language (`李娜` and `Li Na` are the
/// same person when the page says so), and every person is known in every language, so an author
/// link and the language switch always reach the same person. Where a person has no works in a
/// language, their page there lists their works in the others.
pub(super) fn authors(pages: &[Page], langs: &[Lang], default: Lang) -> (Vec<Author>, Vec<Vec<usize>>) {
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
    in_every_language(&mut by_key, &people, langs, default);
    let index: BTreeMap<(Lang, String), usize> = by_key.keys().cloned().enumerate().map(|(i, k)| (k, i)).collect();
    let page_authors = page_authors.into_iter().map(|keys| keys.iter().map(|k| index[k]).collect()).collect();
    (by_key.into_values().collect(), page_authors)
}

fn author(lang: Lang, slug: &str, name: String, page: Option<PageId>) -> Author {
    Author { name, slug: slug.to_string(), lang, url_path: urls::person(lang, slug), page, works: Vec::new() }
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

/// One value an item carries for a taxonomy, with the slug of the value it sits under.
struct TermName {
    name: String,
    slug: String,
    parent: Option<String>,
}

impl TermName {
    fn top(name: &str) -> TermName {
        TermName { name: name.to_string(), slug: name_slug(name), parent: None }
    }
}

/// The values an item carries for a taxonomy; a story's `region` counts as one of its regions,
/// and its county as a region under that province.
fn term_names(page: &Page, taxonomy: &str) -> Vec<TermName> {
    let listed = match taxonomy {
        "topics" => page.front.topics.as_ref(),
        "regions" => page.front.regions.as_ref(),
        _ => None,
    };
    let mut names: Vec<TermName> = listed.iter().flat_map(|l| l.0.iter()).map(|n| TermName::top(n)).collect();
    if taxonomy == "regions"
        && let Some(r) = &page.front.region
    {
        let province = TermName::top(&r.province);
        if let Some(county) = &r.county {
            let name = (page.lang.spec().county_label)(county, &r.province);
            let slug = cut_slug(format!("{}-{}", province.slug, name_slug(county)));
            names.push(TermName { name, slug, parent: Some(province.slug.clone()) });
        }
        if !names.iter().any(|n| n.slug == province.slug) {
            names.push(province);
        }
    }
    names
}

pub(super) fn taxonomies(pages: &[Page], names: &[String], languages: &[Lang]) -> Vec<Taxonomy> {
    let mut out = Vec::new();
    for name in names {
        for &lang in languages {
            let mut terms: BTreeMap<String, Term> = BTreeMap::new();
            for (id, p) in pages.iter().enumerate().filter(|(_, p)| p.lang == lang && p.collection.is_dated()) {
                for t in term_names(p, name) {
                    let entry = terms.entry(t.slug.clone()).or_insert_with(|| Term {
                        name: t.name,
                        url_path: urls::term(lang, name, &t.slug),
                        slug: t.slug,
                        parent: t.parent,
                        pages: Vec::new(),
                    });
                    if entry.pages.last() != Some(&id) {
                        entry.pages.push(id);
                    }
                }
            }
            out.push(Taxonomy {
                name: name.clone(),
                lang,
                url_path: urls::taxonomy(lang, name),
                terms: terms.into_values().collect(),
            });
        }
    }
    out
}

/// Browsing indexes that need no JavaScript, per language: items by year (newest year first)
/// and by the first letter of their title (A–Z; Chinese titles by their pinyin initial).
pub(super) fn archive(pages: &[Page], languages: &[Lang]) -> Vec<Taxonomy> {
    let mut out = Vec::new();
    for &lang in languages {
        let dated = || pages.iter().enumerate().filter(move |(_, p)| p.lang == lang && p.collection.is_dated());
        let mut years: BTreeMap<i16, Vec<PageId>> = BTreeMap::new();
        let mut letters: BTreeMap<String, Vec<PageId>> = BTreeMap::new();
        for (id, p) in dated() {
            if let Some(d) = p.date {
                years.entry(d.date().year()).or_default().push(id);
            }
            letters.entry(initial(&p.title)).or_default().push(id);
        }
        let years = years.into_iter().rev().map(|(y, ids)| Term {
            name: y.to_string(),
            slug: y.to_string(),
            parent: None,
            url_path: urls::term(lang, "years", &y.to_string()),
            pages: ids,
        });
        out.push(Taxonomy {
            name: "years".into(),
            lang,
            url_path: urls::taxonomy(lang, "years"),
            terms: years.collect(),
        });
        let letters = letters.into_iter().map(|(l, mut ids)| {
            ids.sort_by(|&a, &b| pages[a].title.to_lowercase().cmp(&pages[b].title.to_lowercase()).then(a.cmp(&b)));
            let name = if l == "0-9" { l.clone() } else { l.to_uppercase() };
            Term { name, url_path: urls::term(lang, "a-z", &l), slug: l, parent: None, pages: ids }
        });
        out.push(Taxonomy {
            name: "a-z".into(),
            lang,
            url_path: urls::taxonomy(lang, "a-z"),
            terms: letters.collect(),
        });
    }
    out
}

/// `a`–`z`, `0-9`, or `other`, from the title's first letter once transliterated.
fn initial(title: &str) -> String {
    match slug::slugify(title).chars().next() {
        Some(c) if c.is_ascii_lowercase() => c.to_string(),
        Some(c) if c.is_ascii_digit() => "0-9".to_string(),
        _ => "other".to_string(),
    }
}

/// Series → issues (newest first) → reports, per language.
pub(super) fn catalogue(pages: &[Page]) -> Vec<Series> {
    type IssuesByNumber = BTreeMap<(u32, u32), Vec<PageId>>;
    let mut series: BTreeMap<(Lang, String), (String, IssuesByNumber)> = BTreeMap::new();
    for (id, p) in pages.iter().enumerate().filter(|(_, p)| p.collection == Collection::Report) {
        let (Some(name), Some(volume), Some(number)) = (&p.front.series, p.front.volume, p.front.number) else {
            continue;
        };
        let entry = series.entry((p.lang, name_slug(name))).or_insert_with(|| (name.clone(), BTreeMap::new()));
        entry.1.entry((volume, number)).or_default().push(id);
    }
    series
        .into_iter()
        .map(|((lang, slug), (name, issues))| {
            let url_path = urls::series(lang, &slug);
            let issues = issues
                .into_iter()
                .rev()
                .map(|((volume, number), ids)| Issue {
                    volume,
                    number,
                    year: ids.iter().filter_map(|&i| pages[i].date).map(|d| d.date().year()).min().unwrap_or(0),
                    url_path: urls::issue(&url_path, volume, number),
                    pages: ids,
                })
                .collect();
            Series { name, slug, lang, url_path, issues }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_cover_latin_chinese_and_digits() {
        assert_eq!(initial("Migrant workers"), "m");
        assert_eq!(initial("2016 Forum"), "0-9");
        assert_eq!(initial("汇川区小额贷款"), "h");
        assert_eq!(initial("¿?"), "other");
    }
}
