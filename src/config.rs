//! `site.yaml`: the raw file as written (`RawConfig`), checked and resolved into the settings
//! every stage reads (`model::Config`).
//!
//! Input: the text of `site.yaml`. Output: `Config` or located `SiteError`s.
//! Must not: read files (the load stage hands the text in) or accept unknown keys.

use crate::error::SiteError;
use crate::model::Lang;
pub use crate::model::{Config, DIGEST_KEYS, DigestConfig, FullTextRequest, Localized, MarkdownConfig};
use crate::yaml;
use serde::Deserialize;

/// The settings file at the site's root.
pub const CONFIG_FILE: &str = "site.yaml";

/// `site.yaml` as written. Every key is listed here; anything else is an error.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: Localized,
    description: Option<Localized>,
    base_url: String,
    default_language: Option<Lang>,
    languages: Option<Vec<Lang>>,
    theme: Option<String>,
    items_per_page: Option<usize>,
    full_text_request: Option<FullTextRequest>,
    taxonomies: Option<Vec<String>>,
    markdown: Option<MarkdownConfig>,
    timezone: Option<String>,
    search_index: Option<bool>,
    digest: Option<DigestConfig>,
    allowed_outside: Option<Vec<String>>,
    language_fallback: Option<Fallback>,
    term_translations: Option<Vec<std::collections::BTreeMap<Lang, String>>>,
    menus: Option<crate::model::Menus>,
    share_image: Option<crate::model::SitePicture>,
    logo: Option<crate::model::SitePicture>,
    extra: Option<serde_yaml::Value>,
}

/// `language_fallback:` on or off for every language, or per language (`{zh: false}`; a
/// language not named keeps the default, on).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Fallback {
    All(bool),
    PerLang(std::collections::BTreeMap<Lang, bool>),
}

/// The keys of `RawConfig`, for "did you mean" (a test checks them against the struct).
pub(crate) const RAW_KEYS: [&str; 20] = [
    "allowed_outside",
    "logo",
    "share_image",
    "menus",
    "language_fallback",
    "term_translations",
    "search_index",
    "digest",
    "title",
    "description",
    "base_url",
    "default_language",
    "languages",
    "theme",
    "items_per_page",
    "full_text_request",
    "taxonomies",
    "markdown",
    "timezone",
    "extra",
];

/// Taxonomies a site may list; each reads the front-matter key of the same name.
pub const KNOWN_TAXONOMIES: [&str; 2] = ["topics", "regions"];

impl Config {
    /// Parse and validate the text of `site.yaml`.
    pub fn parse(text: &str) -> Result<Config, Vec<SiteError>> {
        let raw: RawConfig = yaml::from_str(text, CONFIG_FILE, 0, &RAW_KEYS).map_err(|e| vec![e])?;
        let errors = validate(&raw, text);
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Config { positions: positions(text), ..resolve(raw) })
    }
}

fn validate(raw: &RawConfig, text: &str) -> Vec<SiteError> {
    let mut errors = Vec::new();
    let at = |key: &str, message: String, hint: &str| {
        let (line, column) = yaml::key_position(text, key).unwrap_or((1, 1));
        SiteError::new(CONFIG_FILE, line, column, message).with_hint(hint).with_source(text)
    };
    if let Err(why) = check_base_url(&raw.base_url) {
        errors.push(at(
            "base_url",
            format!("`base_url` {why}"),
            "write the address the site is published at, like https://example.org/",
        ));
    }
    if let Some(from) = raw.digest.as_ref().and_then(|d| d.from.as_ref())
        && let Err(e) = from.parse::<lettre::message::Mailbox>()
    {
        let (line, column) = yaml::nested_key_position(text, "digest", "from").unwrap_or((1, 1));
        let message = format!("`digest.from` is not a sender (`{}`: {e})", from.escape_debug());
        let hint = "write a name and an address, like `Research Centre <digest@example.org>`";
        errors.push(SiteError::new(CONFIG_FILE, line, column, message).with_hint(hint).with_source(text));
    }
    errors.extend(control_characters(text));
    if let Some(theme) = &raw.theme
        && !is_folder_name(theme)
    {
        errors.push(at(
            "theme",
            format!("`theme` must be the name of a folder under themes/, not the path `{theme}`"),
            "write the folder's name, like `theme: plain`; a theme lives in the site's themes/ folder",
        ));
    }
    if raw.items_per_page == Some(0) {
        errors.push(at("items_per_page", "`items_per_page` must be at least 1".into(), "use 20, or leave it out"));
    }
    for t in raw.taxonomies.iter().flatten() {
        if !KNOWN_TAXONOMIES.contains(&t.as_str()) {
            errors.push(at(
                "taxonomies",
                format!("unknown taxonomy `{t}`"),
                "seedbed knows `topics` and `regions`; authors always have their own pages",
            ));
        }
    }
    if let Some(tz) = &raw.timezone
        && jiff::tz::TimeZone::get(tz).is_err()
    {
        errors.push(at("timezone", format!("unknown time zone `{tz}`"), "use an IANA name such as Asia/Shanghai"));
    }
    if let (Some(d), Some(langs)) = (raw.default_language, &raw.languages)
        && !langs.contains(&d)
    {
        errors.push(at(
            "languages",
            format!("`languages` does not include the default language `{}`", d.code()),
            "add it to the list",
        ));
    }
    for name in raw.menus.iter().flat_map(|m| m.all_named()) {
        if !crate::model::MENU_KEYS.contains(&name) {
            let hint = match crate::error::did_you_mean(name, crate::model::MENU_KEYS) {
                Some(k) => format!("did you mean `{k}`? Or write a link as {{name: …, url: /path/}}"),
                None => {
                    format!("use one of {}, or a link {{name: …, url: /path/}}", crate::model::MENU_KEYS.join(", "))
                }
            };
            errors.push(at("menus", format!("unknown menu entry `{name}`"), &hint));
        }
    }
    for url in raw.menus.iter().flat_map(|m| m.all_urls()) {
        let lower = url.trim().to_ascii_lowercase();
        let safe = ["https://", "http://", "mailto:", "#"].iter().any(|p| lower.starts_with(p))
            || (lower.starts_with('/') && !lower.starts_with("//"));
        if !safe {
            errors.push(at(
                "menus",
                format!("menu link `{}` is not a path in the site or a web address", url.escape_debug()),
                "write a path such as /data/, or an https:// or mailto: address",
            ));
        }
    }
    if let Some(d) = &raw.digest {
        errors.extend(service_url_problem(d, text));
        for (key, url) in [("subscribe_endpoint", &d.subscribe_endpoint), ("unsubscribe_url", &d.unsubscribe_url)] {
            if url.as_ref().is_some_and(|u| !u.starts_with("https://")) {
                let (line, column) = yaml::nested_key_position(text, "digest", key).unwrap_or((1, 1));
                let message = format!("`digest.{key}` must be an https URL");
                errors.push(
                    SiteError::new(CONFIG_FILE, line, column, message).with_hint("write https://…").with_source(text),
                );
            }
        }
    }
    errors
}

/// `digest.service_url`: https (plain http only on this machine, for trying the service out), no
/// query or login, and not beside the two keys it replaces.
fn service_url_problem(d: &crate::model::DigestConfig, text: &str) -> Option<SiteError> {
    let url = d.service_url.as_deref()?;
    let at = |message: String, hint: &str| {
        let (line, column) = yaml::nested_key_position(text, "digest", "service_url").unwrap_or((1, 1));
        Some(SiteError::new(CONFIG_FILE, line, column, message).with_hint(hint).with_source(text))
    };
    if d.subscribe_endpoint.is_some() || d.unsubscribe_url.is_some() {
        return at(
            "`digest.service_url` replaces `subscribe_endpoint` and `unsubscribe_url`".into(),
            "remove those two keys: the form and the unsubscribe links go to the service",
        );
    }
    let local = url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(|h| matches!(h, "127.0.0.1" | "localhost" | "[::1]")))
        .unwrap_or(false);
    if let Err(why) = check_base_url(url) {
        return at(
            format!("`digest.service_url` {why}"),
            "write the service's public address, like https://example.org/alerts",
        );
    }
    if !url.starts_with("https://") && !local {
        return at(
            format!("`digest.service_url` must be an https URL, not `{url}`"),
            "readers' addresses and tokens travel to it: put the service behind an HTTPS reverse proxy",
        );
    }
    None
}

/// Why `url` cannot be a site's address (`base_url`, or `--base-url`): it must be an absolute
/// http or https URL with a host, and no query, fragment or login.
pub fn check_base_url(url: &str) -> Result<(), String> {
    let parsed = url::Url::parse(url)
        .map_err(|e| format!("must be an absolute http(s) URL, not `{}` ({e})", url.escape_debug()))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none_or(str::is_empty) {
        return Err(format!("must be an absolute http(s) URL with a host, not `{}`", url.escape_debug()));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() || !parsed.username().is_empty() {
        return Err(format!("must be a plain address without `?`, `#` or a login, not `{}`", url.escape_debug()));
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>') {
        return Err(format!("must not contain spaces, quotes or angle brackets: `{}`", url.escape_debug()));
    }
    Ok(())
}

/// Control characters in the settings' text (written, or made by a YAML escape such as `"\0"`),
/// each at its top-level key: they would end up in every page.
fn control_characters(text: &str) -> Vec<SiteError> {
    yaml::control_chars_by_key(text)
        .into_iter()
        .map(|(key, bad)| {
            let (line, column) = yaml::key_position(text, &key).unwrap_or((1, 1));
            let message = format!("`{key}` contains the control character U+{:04X}", u32::from(bad));
            SiteError::new(CONFIG_FILE, line, column, message)
                .with_hint("remove it (a pasted invisible character, or an escape like \\0)")
                .with_source(text)
        })
        .collect()
}

/// One plain path component: no separators or control characters, not `.` or `..`, not hidden.
fn is_folder_name(name: &str) -> bool {
    !name.is_empty() && !name.starts_with('.') && !name.contains(['/', '\\']) && !name.chars().any(char::is_control)
}

/// Where each top-level key and each key under `digest:` is written (`digest.from`), so later
/// stages can point at the setting a problem comes from.
fn positions(text: &str) -> crate::model::Positions {
    let mut keys = Vec::new();
    for (key, line, column) in yaml::top_level_keys(text) {
        keys.push((key, crate::model::Position { line, column }));
    }
    for key in DIGEST_KEYS {
        if let Some((line, column)) = yaml::nested_key_position(text, "digest", key) {
            keys.push((format!("digest.{key}"), crate::model::Position { line, column }));
        }
    }
    crate::model::Positions::of_keys(keys, Vec::new())
}

fn resolve(raw: RawConfig) -> Config {
    let RawConfig {
        title,
        description,
        base_url,
        default_language,
        languages,
        theme,
        items_per_page,
        full_text_request,
        taxonomies,
        markdown,
        timezone,
        search_index,
        digest,
        allowed_outside,
        language_fallback,
        term_translations,
        menus,
        share_image,
        logo,
        extra,
    } = raw;
    let default_language = default_language.unwrap_or(Lang::En);
    let mut languages = languages.unwrap_or_else(|| vec![default_language]);
    languages.sort();
    languages.dedup();
    languages.sort_by_key(|l| *l != default_language);
    let fallback = languages
        .iter()
        .copied()
        .filter(|l| match &language_fallback {
            None => true,
            Some(Fallback::All(on)) => *on,
            Some(Fallback::PerLang(map)) => map.get(l).copied().unwrap_or(true),
        })
        .collect();
    Config {
        title,
        description: description.unwrap_or(Localized::Same(String::new())),
        base_url: if base_url.ends_with('/') { base_url } else { format!("{base_url}/") },
        default_language,
        languages,
        theme: theme.unwrap_or_else(|| "default".into()),
        items_per_page: items_per_page.unwrap_or(20),
        full_text_request,
        taxonomies: taxonomies.unwrap_or_else(|| KNOWN_TAXONOMIES.iter().map(|s| s.to_string()).collect()),
        markdown: markdown.unwrap_or_default(),
        timezone: timezone.unwrap_or_else(|| "Asia/Shanghai".into()),
        search_index: search_index.unwrap_or(true),
        digest: digest.unwrap_or_default(),
        allowed_outside: allowed_outside.unwrap_or_default(),
        fallback,
        term_translations: term_translations.unwrap_or_default(),
        menus: menus.unwrap_or_default(),
        share_image,
        logo,
        extra: extra.unwrap_or(serde_yaml::Value::Null),
        positions: crate::model::Positions::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_keys_are_the_fields_of_digest_config() {
        let fields = serde_aux::serde_introspection::serde_introspect::<DigestConfig>();
        assert_eq!(DIGEST_KEYS, fields, "DIGEST_KEYS must list DigestConfig's fields in order");
    }

    #[test]
    fn positions_point_at_top_level_and_digest_keys() {
        let c =
            Config::parse("title: T\nbase_url: https://x.org/\ndigest:\n  window_days: 3\n  from: \"A <a@x.org>\"\n")
                .expect("valid");
        assert_eq!(c.positions.of("base_url"), crate::model::Position { line: 2, column: 1 });
        assert_eq!(c.positions.of("digest.from"), crate::model::Position { line: 5, column: 3 });
        assert_eq!(c.positions.of("languages"), crate::model::Position { line: 1, column: 1 }, "absent: the top");
    }

    #[test]
    fn raw_keys_are_the_fields_of_raw_config() {
        let mut fields = serde_aux::serde_introspection::serde_introspect::<RawConfig>().to_vec();
        let mut keys = RAW_KEYS.to_vec();
        fields.sort_unstable();
        keys.sort_unstable();
        assert_eq!(keys, fields, "RAW_KEYS must list RawConfig's fields");
    }

    #[test]
    fn minimal_config_gets_defaults() {
        let c = Config::parse("title: T\nbase_url: https://example.org\n").unwrap();
        assert_eq!(c.base_url, "https://example.org/");
        assert_eq!(c.languages, vec![Lang::En]);
        assert_eq!(c.items_per_page, 20);
        assert_eq!(c.base_path(), "");
    }

    #[test]
    fn language_fallback_is_on_unless_turned_off_for_all_or_per_language() {
        let base = "title: T\nbase_url: https://x.org/\nlanguages: [en, zh]\n";
        let fallback = |extra: &str| Config::parse(&format!("{base}{extra}")).map(|c| c.fallback);
        assert_eq!(fallback(""), Ok(vec![Lang::En, Lang::Zh]));
        assert_eq!(fallback("language_fallback: false\n"), Ok(vec![]));
        assert_eq!(fallback("language_fallback: {zh: false}\n"), Ok(vec![Lang::En]));
        assert!(fallback("language_fallback: sometimes\n").is_err());
    }

    #[test]
    fn menu_links_must_be_site_paths_or_web_addresses() {
        let menu =
            |url: &str| format!("title: T\nbase_url: https://x.org/\nmenus:\n  main: [{{name: X, url: '{url}'}}]\n");
        for good in ["/data/", "https://x.org/a", "mailto:a@x.org", "#top"] {
            assert!(Config::parse(&menu(good)).is_ok(), "{good}");
        }
        for bad in ["javascript:alert(1)", " JavaScript:x", "data:text/html,x", "//evil.example/", "data/"] {
            let e = Config::parse(&menu(bad)).unwrap_err();
            assert_eq!((e[0].line, e[0].column), (3, 1), "{bad}");
            assert!(e[0].message.starts_with("menu link"), "{bad}: {}", e[0].message);
        }
    }

    #[test]
    fn a_service_url_is_https_or_on_this_machine_and_replaces_the_endpoints() {
        let digest = |keys: &str| format!("title: T\nbase_url: https://x.org/\ndigest:\n{keys}");
        for good in ["https://x.org/alerts", "http://127.0.0.1:8025", "http://localhost:8025/"] {
            assert!(Config::parse(&digest(&format!("  service_url: {good}\n"))).is_ok(), "{good}");
        }
        for (bad, says) in [
            ("  service_url: http://alerts.x.org\n", "must be an https URL"),
            ("  service_url: https://x.org/a?b=1\n", "without `?`"),
            ("  service_url: https://x.org/a\n  unsubscribe_url: https://x.org/u\n", "replaces"),
        ] {
            let e = Config::parse(&digest(bad)).unwrap_err();
            assert_eq!((e[0].line, e[0].column), (4, 3), "{bad}");
            assert!(e[0].message.contains(says), "{bad}: {}", e[0].message);
        }
    }

    #[test]
    fn base_path_is_the_url_path() {
        let c = Config::parse("title: T\nbase_url: https://example.org/kb/\n").unwrap();
        assert_eq!(c.base_path(), "/kb");
    }

    #[test]
    fn a_theme_is_a_folder_name_not_a_path() {
        for bad in ["../../../x", "/etc", "a/b", "..", ".hidden", "a\\b"] {
            let e = Config::parse(&format!("title: T\nbase_url: https://x.org/\ntheme: '{bad}'\n")).unwrap_err();
            assert_eq!((e[0].line, e[0].column), (3, 1), "{bad}");
            assert!(e[0].message.starts_with("`theme` must be the name of a folder"), "{bad}");
        }
        assert_eq!(Config::parse("title: T\nbase_url: https://x.org/\ntheme: plain\n").unwrap().theme, "plain");
    }

    #[test]
    fn base_urls_must_be_plain_http_addresses() {
        for good in ["https://example.org/", "http://127.0.0.1:1111/", "https://example.org/kb/"] {
            assert!(check_base_url(good).is_ok(), "{good}");
        }
        for bad in [
            "javascript:alert(1)//",
            "example.org",
            "https://",
            "ftp://x.org/",
            "https://x.org/?a",
            "https://u@x.org/",
            "https://x.org/a b",
        ] {
            assert!(check_base_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn control_characters_and_bad_senders_are_located() {
        let e = Config::parse("title: \"T\\0\"\nbase_url: https://x.org/\ndigest:\n  from: \"x\"\n").unwrap_err();
        let found: Vec<(usize, usize, &str)> = e.iter().map(|e| (e.line, e.column, e.message.as_str())).collect();
        assert_eq!(found[0].0, 4, "{found:?}");
        assert!(found[0].2.starts_with("`digest.from` is not a sender"), "{found:?}");
        assert_eq!((found[1].0, found[1].2), (1, "`title` contains the control character U+0000"));
    }

    #[test]
    fn unknown_key_suggests_the_right_one() {
        let e = Config::parse("title: T\nbase_ur: https://x.org\n").unwrap_err();
        assert_eq!(e[0].line, 2);
        assert_eq!(e[0].hint.as_deref(), Some("did you mean `base_url`?"));
    }
}
