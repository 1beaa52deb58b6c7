//! The header and footer menus of one page: `site.yaml`'s `menus:` (or the defaults) resolved
//! to labels and URLs in the page's language.
//!
//! Input: the site, the page's language and URL path, the UI strings. Output: `MenuLink`s.
//! Must not: fail: an entry that has nowhere to go in a language (no about page) is left out.

use super::Templates;
use super::views::Urls;
use crate::model::{Collection, Lang, Localized, MenuEntry, PageId, Site};
use crate::urls;
use serde::Serialize;
use std::collections::HashSet;

/// One link of a menu.
#[derive(Serialize)]
pub(super) struct MenuLink {
    /// The built-in entry's name (`reports`, `feeds`), or `link`.
    pub key: String,
    pub label: String,
    pub url: String,
    /// The page is this entry's or below it.
    pub current: bool,
    /// The language of the page linked to, when it is not the menu's (an English-only about page).
    pub lang: Option<&'static str>,
}

/// What resolving a menu needs to know of the page it is on.
pub(super) struct MenuPlace<'a> {
    pub site: &'a Site,
    pub templates: &'a Templates,
    pub lang: Lang,
    /// The page's URL path, without the base path.
    pub url_path: &'a str,
    /// Every page's URL path, to link a site path's version in `lang`.
    pub known: &'a HashSet<&'a str>,
}

impl MenuPlace<'_> {
    /// The entries, in order, that have somewhere to go.
    pub(super) fn links(&self, entries: &[MenuEntry]) -> Vec<MenuLink> {
        entries
            .iter()
            .filter_map(|e| match e {
                MenuEntry::Named(key) => self.named(key),
                MenuEntry::Link { name, url } => Some(self.link(name, url)),
            })
            .collect()
    }

    fn path_link(&self, key: &str, path: String, current: bool) -> MenuLink {
        let label = self.templates.label(self.lang, &format!("nav_{key}"));
        MenuLink { key: key.to_string(), label, url: self.urls().path(&path), current, lang: None }
    }

    fn urls(&self) -> Urls<'_> {
        Urls { site: self.site }
    }

    fn under(&self, path: &str) -> bool {
        self.url_path.starts_with(path)
    }

    fn named(&self, key: &str) -> Option<MenuLink> {
        let lang = self.lang;
        // A section: current on its own page and every page below it.
        let section = |path: String| Some(self.path_link(key, path.clone(), self.under(&path)));
        match key {
            "home" => Some(self.path_link(key, urls::home(lang), self.url_path == urls::home(lang))),
            "reports" => section(urls::listing(Collection::Report, lang)),
            "proceedings" => section(urls::listing(Collection::Proceedings, lang)),
            "stories" => section(urls::listing(Collection::Story, lang)),
            "people" => section(urls::listing(Collection::Person, lang)),
            "catalogue" => section(urls::catalogue(lang)),
            "browse" => {
                let browsing =
                    ["years", "a-z", "topics", "regions"].iter().any(|t| self.under(&urls::taxonomy(lang, t)));
                Some(self.path_link(key, urls::taxonomy(lang, "years"), browsing))
            }
            "search" => section(urls::search(lang)).filter(|_| self.site.config.search_index),
            "feeds" => Some(self.path_link(key, urls::feed(&urls::home(lang), urls::FeedFormat::Atom), false)),
            "contact" => Some(self.plain_page(key).unwrap_or_else(|| MenuLink {
                url: format!("mailto:{}", self.site.config.digest_contact()),
                current: false,
                ..self.path_link(key, String::new(), false)
            })),
            _ => self.plain_page(key),
        }
    }

    /// The plain page with slug `slug` in the menu's language, else in the first language that
    /// has it.
    fn plain_page(&self, slug: &str) -> Option<MenuLink> {
        let site = self.site;
        let find =
            |lang| site.collection(Collection::Page, lang).iter().copied().find(|&id| site.pages[id].slug == slug);
        let id: PageId = find(self.lang).or_else(|| site.config.languages.iter().find_map(|&l| find(l)))?;
        let page = &site.pages[id];
        Some(MenuLink {
            lang: (page.lang != self.lang).then(|| page.lang.code()),
            ..self.path_link(slug, page.url_path.clone(), self.url_path == page.url_path)
        })
    }

    fn link(&self, name: &Localized, url: &Localized) -> MenuLink {
        let written = url.get(self.lang);
        let (url, current) = if written.starts_with('/') && !written.starts_with("//") {
            // A site path written once for every language: its version in this language if any.
            let localized = urls::in_language(written, self.lang);
            let path = if matches!(url, Localized::Same(_)) && self.known.contains(localized.as_str()) {
                localized
            } else {
                written.to_string()
            };
            let current = path != urls::home(self.lang) && self.under(&path);
            (self.urls().path(&path), current)
        } else {
            (written.to_string(), false)
        };
        MenuLink { key: "link".into(), label: name.get(self.lang).to_string(), url, current, lang: None }
    }
}
