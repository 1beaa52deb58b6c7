//! The validated site settings (`site.yaml`), as every stage reads them; `config` parses them.

use super::Lang;
use serde::Deserialize;
use std::collections::BTreeMap;

/// A string the same in every language, or one per language code.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum Localized {
    /// The same text in every language.
    Same(String),
    /// A text per language.
    PerLang(BTreeMap<Lang, String>),
}

impl Localized {
    /// The text for `lang`, falling back to English, then to any text.
    pub fn get(&self, lang: Lang) -> &str {
        match self {
            Localized::Same(s) => s,
            Localized::PerLang(map) => {
                map.get(&lang).or_else(|| map.get(&Lang::En)).or_else(|| map.values().next()).map_or("", |s| s)
            }
        }
    }
}

/// The names of the links seedbed can put in a menu by itself (`menus:` in `site.yaml`).
pub const MENU_KEYS: [&str; 12] = [
    "home",
    "reports",
    "catalogue",
    "proceedings",
    "stories",
    "people",
    "browse",
    "search",
    "about",
    "subscribe",
    "contact",
    "feeds",
];

/// One entry of a menu.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum MenuEntry {
    /// A link seedbed makes (`MENU_KEYS`): a listing, the catalogue, a plain page by its slug.
    Named(String),
    /// Any link, named per language: `{name: {en: Data, zh: 数据}, url: /data/}`. A path that
    /// has a version in the page's language (`/zh/data/`) links there.
    Link {
        /// What the link says.
        name: Localized,
        /// A path in the site (`/data/`) or an address (`https://…`).
        url: Localized,
    },
}

/// A menu: the same entries in every language, or a list per language.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum Menu {
    /// The same entries in every language.
    Same(Vec<MenuEntry>),
    /// Entries per language; a language not listed gets the default menu.
    PerLang(BTreeMap<Lang, Vec<MenuEntry>>),
}

/// The header and footer menus (`menus:` in `site.yaml`).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Menus {
    /// The header's links (the search box and language switch are always there).
    #[serde(default = "Menus::default_main")]
    pub main: Menu,
    /// The footer's links.
    #[serde(default = "Menus::default_footer")]
    pub footer: Menu,
}

impl Menus {
    fn named(keys: &[&str]) -> Menu {
        Menu::Same(keys.iter().map(|k| MenuEntry::Named(k.to_string())).collect())
    }

    fn default_main() -> Menu {
        Menus::named(&["reports", "catalogue", "proceedings", "stories", "people", "browse"])
    }

    fn default_footer() -> Menu {
        Menus::named(&["about", "subscribe", "contact", "feeds"])
    }

    /// The entries of `menu` in `lang`; `default` when a per-language menu leaves it out.
    pub fn entries(menu: &Menu, lang: Lang, default: fn() -> Menu) -> Vec<MenuEntry> {
        match menu {
            Menu::Same(entries) => entries.clone(),
            Menu::PerLang(map) => map.get(&lang).cloned().unwrap_or_else(|| Menus::entries(&default(), lang, default)),
        }
    }

    /// The header's entries in `lang`.
    pub fn main_in(&self, lang: Lang) -> Vec<MenuEntry> {
        Menus::entries(&self.main, lang, Menus::default_main)
    }

    /// The footer's entries in `lang`.
    pub fn footer_in(&self, lang: Lang) -> Vec<MenuEntry> {
        Menus::entries(&self.footer, lang, Menus::default_footer)
    }

    /// Every entry of both menus in every language, for checking.
    fn all(&self) -> Vec<&MenuEntry> {
        fn lists(m: &Menu) -> Vec<&MenuEntry> {
            match m {
                Menu::Same(e) => e.iter().collect(),
                Menu::PerLang(map) => map.values().flatten().collect(),
            }
        }
        let mut all = lists(&self.main);
        all.extend(lists(&self.footer));
        all
    }

    /// Every named entry of both menus in every language, for checking.
    pub fn all_named(&self) -> impl Iterator<Item = &str> {
        self.all().into_iter().filter_map(|e| match e {
            MenuEntry::Named(n) => Some(n.as_str()),
            MenuEntry::Link { .. } => None,
        })
    }

    /// Every address a menu link gives, in every language, for checking.
    pub fn all_urls(&self) -> Vec<&str> {
        let urls = self.all().into_iter().filter_map(|e| match e {
            MenuEntry::Link { url, .. } => Some(url),
            MenuEntry::Named(_) => None,
        });
        urls.flat_map(|u| match u {
            Localized::Same(s) => vec![s.as_str()],
            Localized::PerLang(map) => map.values().map(String::as_str).collect(),
        })
        .collect()
    }
}

impl Default for Menus {
    fn default() -> Self {
        Menus { main: Menus::default_main(), footer: Menus::default_footer() }
    }
}

/// A picture of the site's own (`share_image:`, the picture shown when a page with none of its
/// own is shared; `logo:`, shown in the header and the digest).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SitePicture {
    /// A raster image under `static/`, as its path in the site (`/images/share.png`).
    pub src: String,
    /// What it shows.
    pub alt: Localized,
}

impl SitePicture {
    /// `src` as an output path (`images/share.png`).
    pub fn out_path(&self) -> &str {
        self.src.trim().trim_start_matches('/')
    }
}

/// How readers ask for the full text of an abstract-only report.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct FullTextRequest {
    /// An address to write to.
    pub email: Option<String>,
    /// A form to fill in.
    pub url: Option<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq, Default)]
#[serde(deny_unknown_fields, default)]
/// How Markdown is read (`markdown:` in `site.yaml`).
pub struct MarkdownConfig {
    /// Pass raw HTML in Markdown through unchanged. Only for sites whose every editor is trusted.
    pub trusted_html: bool,
    /// Curly quotes, dashes and ellipses.
    pub smart_punctuation: Option<bool>,
}

/// The keys of `digest:` in `site.yaml`, in `DigestConfig` field order (a test checks).
pub const DIGEST_KEYS: [&str; 8] =
    ["from", "service_url", "subscribe_endpoint", "contact", "unsubscribe_url", "window_days", "attempts", "retry_ms"];

/// The catalogue e-mail digest (`digest:` in `site.yaml`). Every key is optional.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct DigestConfig {
    /// The sender, `Name <address>`. Default: the site title and `digest@` the site's host.
    pub from: Option<String>,
    /// The public https address of `seedbed subscribers serve` (behind the centre's reverse
    /// proxy): the subscribe form posts to `<it>/subscribe`, every digest links
    /// `<it>/unsubscribe?t=…` with a token from the subscriber database.
    pub service_url: Option<String>,
    /// Where readers subscribe: the form on the subscribe page posts here (e-mail, lang).
    /// Without it the page offers a `mailto:` link to `contact`.
    pub subscribe_endpoint: Option<String>,
    /// The address subscription and unsubscription requests go to. Default: the sender's address.
    pub contact: Option<String>,
    /// An https endpoint for one-click unsubscription; each message links it with a
    /// per-subscriber token (`SEEDBED_UNSUBSCRIBE_SECRET` signs it).
    pub unsubscribe_url: Option<String>,
    /// Days before the first digest that it covers.
    pub window_days: u32,
    /// Attempts per message when the server answers 4xx or the connection drops.
    pub attempts: u32,
    /// The first retry waits this long; each next one twice as long, with jitter.
    pub retry_ms: u64,
}

impl Default for DigestConfig {
    fn default() -> Self {
        DigestConfig {
            from: None,
            service_url: None,
            subscribe_endpoint: None,
            contact: None,
            unsubscribe_url: None,
            window_days: 30,
            attempts: 5,
            retry_ms: 2000,
        }
    }
}

/// Validated site settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The site's name.
    pub title: Localized,
    /// What the site is, for feeds and search engines.
    pub description: Localized,
    /// Always ends with `/`.
    pub base_url: String,
    /// The language of files without a language suffix.
    pub default_language: Lang,
    /// The default language first, then the others in a stable order.
    pub languages: Vec<Lang>,
    /// The theme's folder name under `themes/` (`default`: the built-in one).
    pub theme: String,
    /// Entries per listing page.
    pub items_per_page: usize,
    /// How readers ask for abstract-only reports' full text.
    pub full_text_request: Option<FullTextRequest>,
    /// Taxonomy names besides authors, e.g. `topics`, `regions`.
    pub taxonomies: Vec<String>,
    /// How Markdown is read.
    pub markdown: MarkdownConfig,
    /// The time zone events are in unless they say otherwise (`Asia/Shanghai`).
    pub timezone: String,
    /// Write the search index and the search page (on unless `search_index: false`).
    pub search_index: bool,
    /// The e-mail digest.
    pub digest: DigestConfig,
    /// Folders outside the site (absolute, or relative to it) that symbolic links in the site
    /// may point into; every other link out of the site is an error.
    pub allowed_outside: Vec<String>,
    /// The languages whose listings also show items not translated into them (`language_fallback`).
    pub fallback: Vec<Lang>,
    /// Topics, regions and series named per language (`{en: Public policy, zh: 公共政策}`), so an
    /// untranslated item is listed under the name a language uses.
    pub term_translations: Vec<BTreeMap<Lang, String>>,
    /// The header and footer menus.
    pub menus: Menus,
    /// The picture shown when a page with none of its own is shared.
    pub share_image: Option<SitePicture>,
    /// The site's logo, beside its title in the header and at the top of the digest.
    pub logo: Option<SitePicture>,
    /// Anything else, for custom templates.
    pub extra: serde_yaml::Value,
    /// Where each top-level key, and each key under `digest:` (`digest.from`), is written.
    pub positions: super::Positions,
}

impl Config {
    /// `base_url` without the trailing slash, for joining with URL paths.
    pub fn permalink(&self, url_path: &str) -> String {
        format!("{}{}", self.base_url.trim_end_matches('/'), url_path)
    }

    /// The host of `base_url`, for default addresses.
    pub fn host(&self) -> String {
        url::Url::parse(&self.base_url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_else(|| "localhost".into())
    }

    /// Where subscription requests go: `digest.contact`, else the address in `digest.from`, else
    /// `digest@` the site's host.
    pub fn digest_contact(&self) -> String {
        if let Some(contact) = &self.digest.contact {
            return contact.clone();
        }
        let from = self.digest.from.as_deref().unwrap_or_default();
        let address = from.rsplit_once('<').map_or(from, |(_, a)| a.trim_end_matches('>')).trim();
        if address.contains('@') { address.to_string() } else { format!("digest@{}", self.host()) }
    }

    /// Where a reader asks to be unsubscribed by mail (every digest's `List-Unsubscribe`, and the
    /// unsubscribe link of a digest's page on the site).
    pub fn unsubscribe_mailto(&self) -> String {
        format!("mailto:{}?subject=unsubscribe", self.digest_contact())
    }

    /// Publish under `url` instead (`--base-url`; a trailing `/` is added when missing).
    pub fn set_base_url(&mut self, url: &str) {
        self.base_url = if url.ends_with('/') { url.to_string() } else { format!("{url}/") };
    }

    /// The path part of `base_url` without its trailing slash: `""` or `/sub`.
    pub fn base_path(&self) -> &str {
        let after_scheme = self.base_url.split_once("://").map_or(self.base_url.as_str(), |(_, rest)| rest);
        after_scheme.find('/').map_or("", |i| after_scheme[i..].trim_end_matches('/'))
    }
}
