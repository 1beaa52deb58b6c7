//! Language fallback: which items each language's listings show, and what a term or series an
//! untranslated item carries is called in the language it is listed in.
//!
//! Input: pages sorted newest first, their translations, the languages with fallback on.
//! Output: per language, the dated items it lists (its own, then stand-ins for what it lacks),
//! and `Renames` learned from translated items. Must not: change pages or invent names: a name
//! no translation gives stays as its editor wrote it.

use crate::model::{Lang, Page, PageId};
use std::collections::BTreeMap;

/// A value as shown, and its slug: (`Microfinance`, `microfinance`).
pub(super) type Named = (String, String);

/// How often each name was given.
type Tally = BTreeMap<Named, usize>;

/// Per language, every dated item its listings, feeds and catalogue show, newest first: its own
/// items and, where fallback is on, one version of each item that has none in it (the default
/// language's, else the first language's that has one).
pub(super) fn listed(
    pages: &[Page],
    translations: &[Vec<PageId>],
    languages: &[Lang],
    fallback: &[Lang],
) -> BTreeMap<Lang, Vec<PageId>> {
    let stand_in = |id: PageId, lang: Lang| {
        let group = || std::iter::once(id).chain(translations[id].iter().copied());
        if group().any(|t| pages[t].lang == lang) {
            return false;
        }
        // `languages` starts with the default language: the first version in that order stands in.
        let first = languages.iter().find_map(|&l| group().find(|&t| pages[t].lang == l));
        first == Some(id)
    };
    languages
        .iter()
        .map(|&lang| {
            let ids = (0..pages.len())
                .filter(|&id| pages[id].collection.is_dated())
                .filter(|&id| pages[id].lang == lang || (fallback.contains(&lang) && stand_in(id, lang)))
                .collect();
            (lang, ids)
        })
        .collect()
}

/// What a topic, region or series named in one language is called in another: as `site.yaml`'s
/// `term_translations` says, else as learned from items whose translations list the same number
/// of values (the n-th value of one is the n-th of the other). Where translations disagree, the
/// name most of them give wins (ties: the first in sort order), so the result does not depend on
/// file order.
#[derive(Debug, Default)]
pub(super) struct Renames {
    /// (from language, slug) → (name, slug) in each other language, from `term_translations`.
    given: BTreeMap<(Lang, String), BTreeMap<Lang, Named>>,
    /// (list, from language, slug) → (name, slug) in each other language, with how often it was given.
    votes: BTreeMap<(String, Lang, String), BTreeMap<Lang, Tally>>,
}

impl Renames {
    /// Learn from every translated item; `values` gives the names an item lists for `list`.
    pub(super) fn learn(
        pages: &[Page],
        translations: &[Vec<PageId>],
        lists: &[&str],
        values: impl Fn(&Page, &str) -> Vec<Named>,
    ) -> Renames {
        let mut renames = Renames::default();
        for (id, p) in pages.iter().enumerate() {
            for &other in &translations[id] {
                for &list in lists {
                    let (mine, theirs) = (values(p, list), values(&pages[other], list));
                    if mine.len() != theirs.len() {
                        continue;
                    }
                    for (from, to) in mine.iter().zip(theirs) {
                        let key = (list.to_string(), p.lang, from.1.clone());
                        let names = renames.votes.entry(key).or_default().entry(pages[other].lang).or_default();
                        *names.entry(to).or_default() += 1;
                    }
                }
            }
        }
        renames
    }

    /// Add the names `site.yaml` gives (`term_translations`: one entry per value, its name in
    /// each language); they win over learned ones, for every list.
    pub(super) fn given(mut self, groups: &[BTreeMap<Lang, String>]) -> Renames {
        for group in groups {
            for (&from, name) in group {
                let to = group.iter().filter(|(l, _)| **l != from);
                let names = to.map(|(&l, n)| (l, (n.clone(), crate::text::name_slug(n)))).collect();
                self.given.insert((from, crate::text::name_slug(name)), names);
            }
        }
        self
    }

    /// What the value with slug `slug` of `list`, written in `from`, is called in `to`.
    pub(super) fn name(&self, list: &str, from: Lang, slug: &str, to: Lang) -> Option<&Named> {
        if let Some(named) = self.given.get(&(from, slug.to_string())).and_then(|g| g.get(&to)) {
            return Some(named);
        }
        let names = self.votes.get(&(list.to_string(), from, slug.to_string()))?.get(&to)?;
        let best = names.values().max()?;
        names.iter().find(|(_, n)| *n == best).map(|(named, _)| named)
    }
}

/// A warning per topic, region or series that a language lists under another language's name
/// (only untranslated items carry it there), naming the `term_translations` entry that would
/// name it; `check` prints these.
pub fn unnamed_terms(site: &crate::model::Site) -> Vec<crate::error::SiteError> {
    let taxonomies =
        site.taxonomies.iter().flat_map(|t| t.terms.iter().map(move |term| (t.name.as_str(), t.lang, term)));
    let terms = taxonomies.map(|(list, lang, term)| (list, lang, term.name_lang, term.name.as_str()));
    let series = site.catalogue.iter().map(|s| ("series", s.lang, s.name_lang, s.name.as_str()));
    let mut warnings: Vec<crate::error::SiteError> = terms
        .chain(series)
        .filter(|(_, lang, name_lang, _)| lang != name_lang)
        .map(|(list, lang, name_lang, name)| {
            let message = format!("{list} `{name}` is listed on the {} pages under its {} name", lang.spec().name, name_lang.spec().name);
            let hint = match list {
                "regions" => format!("name it (a county: name the county and its province) in site.yaml's term_translations, like {{{}: …, {}: …}}", name_lang.code(), lang.code()),
                _ => format!("name it in site.yaml: term_translations: [{{{}: {name}, {}: …}}]", name_lang.code(), lang.code()),
            };
            crate::error::SiteError::whole_file_warning(crate::config::CONFIG_FILE, message).with_hint(&hint)
        })
        .collect();
    warnings.sort();
    warnings.dedup();
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;

    fn votes(pairs: &[(&str, &str)]) -> Renames {
        let mut r = Renames::default();
        for (from, to) in pairs {
            let key = ("topics".to_string(), Lang::En, crate::text::name_slug(from));
            let to = (to.to_string(), crate::text::name_slug(to));
            *r.votes.entry(key).or_default().entry(Lang::Zh).or_default().entry(to).or_default() += 1;
        }
        r
    }

    #[test]
    fn the_name_most_translations_give_wins_and_ties_go_to_sort_order() {
        let r = votes(&[("Microfinance", "小额贷款"), ("Microfinance", "小额信贷"), ("Microfinance", "小额贷款")]);
        let name = |r: &Renames, slug| r.name("topics", Lang::En, slug, Lang::Zh).map(|n| n.0.clone());
        assert_eq!(name(&r, "microfinance").as_deref(), Some("小额贷款"));
        let tie = votes(&[("Employment", "就业"), ("Employment", "创业")]);
        assert_eq!(name(&tie, "employment").as_deref(), Some("创业"), "sorted: 创 before 就");
        assert_eq!(name(&tie, "microfinance"), None);
        let given = [BTreeMap::from([(Lang::En, "Employment".to_string()), (Lang::Zh, "就业".to_string())])];
        assert_eq!(name(&tie.given(&given), "employment").as_deref(), Some("就业"), "site.yaml wins");
    }
}
