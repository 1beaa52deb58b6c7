//! Group the items each language lists into taxonomy terms, the browsing indexes (years, A–Z)
//! and the catalogue (series → issues → reports).
//!
//! Input: pages sorted newest first, each language's listed items (`fallback::listed`) and the
//! names translations give (`fallback::Renames`). Output: plain lists sorted by slug or number,
//! each holding `PageId`s in site order, so renderers never sort. Must not: list an item twice
//! in one language.

use super::fallback::{Named, Renames};
use crate::model::{Collection, Issue, Lang, Page, PageId, Series, Taxonomy, Term};
use crate::text::{cut_slug, name_slug};
use crate::urls;
use std::collections::BTreeMap;

/// Each language's listed items, newest first.
pub(super) type Listed = BTreeMap<Lang, Vec<PageId>>;

/// One value an item carries for a taxonomy, with the slug of the value it sits under.
struct TermName {
    name: String,
    slug: String,
    parent: Option<String>,
    /// A county: its own name and its province's, as written.
    county: Option<(String, String)>,
}

impl TermName {
    fn top(name: &str) -> TermName {
        TermName { name: name.to_string(), slug: name_slug(name), parent: None, county: None }
    }

    /// A county under its province, named as `lang` writes the pair.
    fn county(county: &str, province: &str, lang: Lang) -> TermName {
        let name = (lang.spec().county_label)(county, province);
        let slug = cut_slug(format!("{}-{}", name_slug(province), name_slug(county)));
        let county = Some((county.to_string(), province.to_string()));
        TermName { name, slug, parent: Some(name_slug(province)), county }
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
            names.push(TermName::county(county, &r.province, page.lang));
        }
        if !names.iter().any(|n| n.slug == province.slug) {
            names.push(province);
        }
    }
    names
}

/// The values of a taxonomy or of `series` an item lists, as `Renames` learns them.
pub(super) fn named_values(page: &Page, list: &str) -> Vec<Named> {
    if list == "series" {
        return page.front.series.iter().map(|s| (s.clone(), name_slug(s))).collect();
    }
    term_names(page, list).into_iter().map(|t| (t.name, t.slug)).collect()
}

/// The values item `page` carries for `taxonomy` as listed in `lang`, with the language each
/// name is in: its own, or for an untranslated item the names its translations elsewhere give
/// (else its own names, in its language).
fn terms_in(page: &Page, taxonomy: &str, lang: Lang, renames: &Renames) -> Vec<(TermName, Lang)> {
    let names = term_names(page, taxonomy);
    if page.lang == lang {
        return names.into_iter().map(|t| (t, lang)).collect();
    }
    let renamed = |slug: &str| renames.name(taxonomy, page.lang, slug, lang);
    names
        .into_iter()
        .map(|t| match renamed(&t.slug) {
            Some((name, slug)) => {
                let parent = t.parent.as_deref().map(|p| renamed(p).map_or_else(|| p.to_string(), |n| n.1.clone()));
                (TermName { name: name.clone(), slug: slug.clone(), parent, county: None }, lang)
            }
            // A county the translations do not show: named from its own name and its province's.
            None => match &t.county {
                Some((county, province)) => match (renamed(&name_slug(county)), renamed(&name_slug(province))) {
                    (Some(c), Some(p)) => (TermName::county(&c.0, &p.0, lang), lang),
                    _ => (t, page.lang),
                },
                None => (t, page.lang),
            },
        })
        .collect()
}

pub(super) fn taxonomies(pages: &[Page], names: &[String], listed: &Listed, renames: &Renames) -> Vec<Taxonomy> {
    let mut out = Vec::new();
    for name in names {
        for (&lang, ids) in listed {
            let mut terms: BTreeMap<String, Term> = BTreeMap::new();
            for &id in ids {
                for (t, name_lang) in terms_in(&pages[id], name, lang, renames) {
                    let entry = terms.entry(t.slug.clone()).or_insert_with(|| Term {
                        name: t.name.clone(),
                        name_lang,
                        url_path: urls::term(lang, name, &t.slug),
                        slug: t.slug,
                        parent: t.parent,
                        pages: Vec::new(),
                    });
                    // A name in the listing's own language wins over one borrowed from another.
                    if entry.name_lang != lang && name_lang == lang {
                        (entry.name, entry.name_lang) = (t.name, lang);
                    }
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
pub(super) fn archive(pages: &[Page], listed: &Listed) -> Vec<Taxonomy> {
    let mut out = Vec::new();
    for (&lang, ids) in listed {
        let mut years: BTreeMap<i16, Vec<PageId>> = BTreeMap::new();
        let mut letters: BTreeMap<String, Vec<PageId>> = BTreeMap::new();
        for &id in ids {
            let p = &pages[id];
            if let Some(d) = p.date {
                years.entry(d.date().year()).or_default().push(id);
            }
            letters.entry(initial(&p.title)).or_default().push(id);
        }
        let years = years.into_iter().rev().map(|(y, ids)| Term {
            name: y.to_string(),
            name_lang: lang,
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
            Term { name, name_lang: lang, url_path: urls::term(lang, "a-z", &l), slug: l, parent: None, pages: ids }
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

/// Series → issues (newest first) → reports, per language. An untranslated report joins the
/// series its translated siblings put their translations in (`Research Report` → `研究报告`).
pub(super) fn catalogue(pages: &[Page], listed: &Listed, renames: &Renames) -> Vec<Series> {
    type IssuesByNumber = BTreeMap<(u32, u32), Vec<PageId>>;
    let mut series: BTreeMap<(Lang, String), (Named, Lang, IssuesByNumber)> = BTreeMap::new();
    for (&lang, ids) in listed {
        for &id in ids.iter().filter(|&&id| pages[id].collection == Collection::Report) {
            let p = &pages[id];
            let (Some(name), Some(volume), Some(number)) = (&p.front.series, p.front.volume, p.front.number) else {
                continue;
            };
            let own = (name.clone(), name_slug(name));
            let (named, name_lang) = if p.lang == lang {
                (own, lang)
            } else {
                match renames.name("series", p.lang, &own.1, lang) {
                    Some(named) => (named.clone(), lang),
                    None => (own, p.lang),
                }
            };
            let entry = series.entry((lang, named.1.clone())).or_insert_with(|| (named, name_lang, BTreeMap::new()));
            if entry.1 != lang && name_lang == lang {
                entry.1 = lang;
                entry.0.0.clone_from(name);
            }
            entry.2.entry((volume, number)).or_default().push(id);
        }
    }
    series
        .into_iter()
        .map(|((lang, slug), ((name, _), name_lang, issues))| {
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
            Series { name, name_lang, slug, lang, url_path, issues }
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
