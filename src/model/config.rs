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
pub const DIGEST_KEYS: [&str; 7] =
    ["from", "subscribe_endpoint", "contact", "unsubscribe_url", "window_days", "attempts", "retry_ms"];

/// The catalogue e-mail digest (`digest:` in `site.yaml`). Every key is optional.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct DigestConfig {
    /// The sender, `Name <address>`. Default: the site title and `digest@` the site's host.
    pub from: Option<String>,
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

    /// The path part of `base_url` without its trailing slash: `""` or `/sub`.
    pub fn base_path(&self) -> &str {
        let after_scheme = self.base_url.split_once("://").map_or(self.base_url.as_str(), |(_, rest)| rest);
        after_scheme.find('/').map_or("", |i| after_scheme[i..].trim_end_matches('/'))
    }
}
