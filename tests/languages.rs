//! Adding a language is a change to one table: with a made-up third language (`xx`, added to
//! `model::LANGUAGES` by `--features made-up-language`), the example site builds with it and every
//! link on every page, in every language, leads to a file of the site.
//!
//! Runs only in that build: `cargo test --features made-up-language languages` (scripts/test does).
#![cfg(feature = "made-up-language")]

use crate::common::{build, copy_dir, repo_root, stderr, write};
use std::collections::BTreeSet;
use std::path::Path;

/// The example site with `xx` added: its site.yaml, UI strings, and two translated items.
fn example_with_a_third_language() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_dir(&repo_root(), dir.path());
    let yaml = std::fs::read_to_string(dir.path().join("site.yaml")).expect("site.yaml");
    write(dir.path(), "site.yaml", yaml.replace("languages: [en, zh]", "languages: [en, zh, xx]"));
    let strings = std::fs::read_to_string(repo_root().join("themes/default/i18n/en.yaml")).expect("en.yaml");
    write(dir.path(), "i18n/xx.yaml", strings);
    for (from, to) in [
        ("content/reports/county-guarantee-funds.md", "content/reports/county-guarantee-funds.xx.md"),
        ("content/pages/about.md", "content/pages/about.xx.md"),
    ] {
        std::fs::copy(dir.path().join(from), dir.path().join(to)).expect("copy");
    }
    dir
}

/// Every `href` and `src` of an HTML page that points inside the site, without its fragment.
fn internal_links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        for (at, _) in html.match_indices(attr) {
            let rest = &html[at + attr.len()..];
            let value = &rest[..rest.find('"').unwrap_or(0)];
            let value = value.split('#').next().unwrap_or_default().split('?').next().unwrap_or_default();
            if value.starts_with('/') && !value.starts_with("//") {
                out.push(value.to_string());
            }
        }
    }
    out
}

fn resolves(public: &Path, url: &str) -> bool {
    let rel = url.trim_start_matches('/');
    let path = public.join(rel);
    if url.ends_with('/') { path.join("index.html").is_file() } else { path.is_file() }
}

#[test]
fn a_made_up_third_language_is_one_table_row_and_every_link_resolves() {
    let dir = example_with_a_third_language();
    let out = build(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let public = dir.path().join("public");
    for page in ["xx/reports/county-guarantee-funds/index.html", "xx/about/index.html", "xx/atom.xml", "xx/feed.json"] {
        assert!(public.join(page).is_file(), "{page}");
    }
    // Every section the Chinese edition has, the made-up one has too, at its own prefix.
    for section in [
        "",
        "reports/",
        "proceedings/",
        "stories/",
        "people/",
        "topics/",
        "regions/",
        "years/",
        "a-z/",
        "catalogue/",
        "search/",
    ] {
        assert!(public.join(format!("zh/{section}index.html")).is_file(), "zh/{section}");
        let page = std::fs::read_to_string(public.join(format!("xx/{section}index.html"))).expect(section);
        assert!(page.contains("<html lang=\"xx\""), "xx/{section} is in its language");
        assert!(page.contains("href=\"/xx/reports/\""), "xx/{section}: its menu stays in the language");
    }
    let mut broken = BTreeSet::new();
    let mut checked = 0;
    for entry in walkdir::WalkDir::new(&public).sort_by_file_name() {
        let entry = entry.expect("walk");
        if entry.path().extension().is_none_or(|e| e != "html") {
            continue;
        }
        let html = std::fs::read_to_string(entry.path()).expect("read");
        for url in internal_links(&html) {
            checked += 1;
            if !resolves(&public, &url) {
                broken.insert(format!(
                    "{} -> {url}",
                    entry.path().strip_prefix(&public).unwrap_or(entry.path()).display()
                ));
            }
        }
    }
    assert!(checked > 1000, "only {checked} links seen");
    assert!(broken.is_empty(), "{} broken links:\n{}", broken.len(), broken.into_iter().collect::<Vec<_>>().join("\n"));
    let report = std::fs::read_to_string(public.join("reports/county-guarantee-funds/index.html")).expect("report");
    assert!(
        report.contains("href=\"/xx/reports/county-guarantee-funds/\""),
        "the English report links its xx translation"
    );
}

#[test]
fn a_language_without_ui_strings_is_an_error_at_the_languages_key() {
    let dir =
        crate::common::site(&[("site.yaml", "title: Fixture\nbase_url: https://example.org/\nlanguages: [en, xx]\n")]);
    let out = build(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(1));
    let message = stderr(&out);
    assert!(message.contains("site.yaml:3:1: error: the theme has no UI strings for `xx`"), "{message}");
    assert!(message.contains("add i18n/xx.yaml to the theme"), "{message}");
}
