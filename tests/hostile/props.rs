//! Property tests over what users write: front matter and Markdown, `site.yaml`, subscriber
//! lists and serve's request targets. No input panics; what passes keeps its promises (URLs stay
//! inside the site, no script or `javascript:` link reaches a page, no control character reaches
//! a header); and, run as a user runs it, `check` says what `build` says, `build` writes nothing
//! outside its output and publishes nothing from outside the site.
//!
//! The seed is fixed, so every run tries the same inputs; `PROPTEST_RNG_SEED` and `PROPTEST_CASES`
//! choose others (README: the longer run).

use super::*;
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, RngSeed};
use seedbed::model::SourceFile;

/// The fixed seed and a number of cases, unless the environment names others.
fn config(cases: u32) -> ProptestConfig {
    let mut config = ProptestConfig { failure_persistence: None, ..ProptestConfig::default() };
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        config.rng_seed = RngSeed::Fixed(0x5eed_bed0);
    }
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = cases;
    }
    config
}

/// Pieces that break naive parsers, quoting and escaping, among ordinary words.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => "[a-zA-Z0-9 ]{1,10}",
        2 => "\\PC{1,6}",
        1 => prop::sample::select(vec![
            "\"", "'", "\\", "\\0", "\\e", ":", ": ", "#", "&a ", "*a", "[", "]", "{", "}", ",", "-", "|", ">",
            "\n", "\t", "\r\n", "---", "...", "<script>alert(1)</script>", "javascript:alert(1)", "../",
            "%2e%2e/", "\u{0}", "\u{1b}[31m", "\u{202e}", "\u{feff}", "返乡创业", "C++", "0000-01-01",
            "2018-02-15", "9999-12-31 23:59", "~", "null", "true", "1e999", "-1", "&amp;", "]]>",
        ])
        .prop_map(String::from),
    ]
}

fn text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..max).prop_map(|p| p.concat())
}

/// Text safe inside double quotes (so most values parse, and the rest of the file is tested).
fn quoted(max: usize) -> impl Strategy<Value = String> {
    text(max).prop_map(|t| format!("\"{}\"", t.replace(['\\', '"'], "").replace(['\n', '\r'], " ")))
}

/// A YAML value as an editor might (mis)write it.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => quoted(6),
        1 => text(6),
        1 => text(6).prop_map(|t| format!("'{}'", t.replace('\'', "''"))),
        2 => prop::collection::vec(quoted(3), 0..4).prop_map(|items| format!("[{}]", items.join(", "))),
        1 => prop::collection::vec(text(3), 1..3).prop_map(|items| items.iter().map(|i| format!("\n  - {i}")).collect()),
        1 => (text(3), text(3)).prop_map(|(k, v)| format!("{{name: {k}, start: {v}}}")),
    ]
}

/// A value meant for `key`: usually well formed, sometimes anything.
fn value_for(key: &'static str) -> BoxedStrategy<String> {
    let good: BoxedStrategy<String> = match key {
        "date" | "updated" => {
            prop::sample::select(vec!["2018-02-15", "2019-12-31 09:30", "1000-01-01", "0000-01-01", "2017-02-30"])
                .prop_map(String::from)
                .boxed()
        }
        "slug" => "[a-z0-9-]{1,12}".boxed(),
        "aliases" => prop::collection::vec(
            prop::sample::select(vec![
                "/old/",
                "/index.html",
                "/atom.xml",
                "/reports/a/",
                "/zh/",
                "../x",
                "/a b/",
                "/old-2/",
            ]),
            0..3,
        )
        .prop_map(|a| format!("[{}]", a.join(", ")))
        .boxed(),
        "volume" | "number" => (0u32..30).prop_map(|n| n.to_string()).boxed(),
        "draft" => prop::sample::select(vec!["true", "false"]).prop_map(String::from).boxed(),
        "topics" | "authors" | "regions" => {
            prop::collection::vec(quoted(3), 0..3).prop_map(|v| format!("[{}]", v.join(", "))).boxed()
        }
        _ => quoted(6).boxed(),
    };
    prop_oneof![4 => good, 1 => value()].boxed()
}

/// Keys every item takes, and those only some collections take (a few are misplaced on purpose).
const COMMON: [&str; 5] = ["slug", "aliases", "summary", "extra", "draft"];
const DATED: [&str; 6] = ["date", "authors", "topics", "regions", "related", "updated"];
const ODD: [&str; 4] = ["series", "volume", "tilte", "event"];

fn keys_for(folder: &str) -> Vec<&'static str> {
    let mut keys: Vec<&str> = COMMON.to_vec();
    if matches!(folder, "reports" | "stories" | "proceedings") {
        keys.extend(DATED);
    }
    keys
}

/// Front matter: a title (and what the collection requires), then a few more keys.
fn front_matter(folder: &'static str) -> impl Strategy<Value = String> {
    let key = prop_oneof![12 => prop::sample::select(keys_for(folder)), 1 => prop::sample::select(ODD.to_vec())];
    let line = key.prop_flat_map(|k| value_for(k).prop_map(move |v| format!("{k}: {v}\n")));
    let required = match folder {
        "proceedings" => "date: 2016-05-01\nevent: {name: Forum, start: 2016-05-01}\n",
        "stories" => "date: 2016-05-01\n",
        _ => "",
    };
    (quoted(4), prop::collection::vec(line, 0..4)).prop_map(move |(title, lines)| {
        let mut seen = std::collections::BTreeSet::new();
        let lines: String =
            lines.into_iter().filter(|l| seen.insert(l.split(':').next().unwrap_or_default().to_string())).collect();
        let lines = if required.is_empty() {
            lines
        } else {
            lines.lines().filter(|l| !l.starts_with("date:")).map(|l| format!("{l}\n")).collect()
        };
        let title = title.trim_start_matches('"').trim_end_matches('"').to_string();
        format!("title: \"T{title}\"\n{required}{lines}")
    })
}

/// A Markdown body mixing prose with links, images, raw HTML, code and headings.
fn body() -> impl Strategy<Value = String> {
    let part = prop_oneof![
        6 => text(8),
        2 => prop::sample::select(vec!["../reports/a.md", "/reports/b.md", "../pages/about.md#x", "https://example.org/", "#top"])
            .prop_map(|u| format!("[a link]({u})")),
        1 => (text(2), text(3)).prop_map(|(t, u)| format!("[{t}]({u})")),
        1 => (text(2), text(3)).prop_map(|(t, u)| format!("![{t}]({u} \"{t}\")")),
        1 => text(3).prop_map(|t| format!("\n## {t}\n")),
        1 => text(3).prop_map(|t| format!("\n```rust\n{t}\n```\n")),
        1 => prop::sample::select(vec![
            "[x](../../../etc/passwd.md)", "[x](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))",
            "[x](&#106;avascript:alert(1))", "<img src=x onerror=alert(1)>", "<a href=\"javascript:x\">y</a>",
            "[x][ref]\n\n[ref]: javascript:alert(1)", "[^1]\n\n[^1]: note", "| a | b |\n|---|---|\n| 1 | 2 |",
            "<script>alert(1)</script>", "[x](data:text/html;base64,PHNjcmlwdD4=)", "[[[[[[", "****", "`",
        ])
        .prop_map(String::from),
    ];
    prop::collection::vec(part, 0..12).prop_map(|p| p.join(" "))
}

#[test]
fn attribute_names_skip_quoted_values() {
    assert_eq!(attribute_names("a href=\"x y\" title='on=1' onclick=go"), ["href", "title", "onclick"]);
}

fn site_config() -> seedbed::config::Config {
    seedbed::config::Config::parse("title: T\nbase_url: https://example.org/\nlanguages: [en, zh]\n").expect("config")
}

/// What a page that parsed must never carry.
fn assert_page_is_safe(page: &seedbed::model::Page) {
    let url = &page.url_path;
    assert!(url.starts_with('/') && url.ends_with('/'), "{url}");
    assert!(
        url.split('/').all(|s| s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')),
        "{url}"
    );
    // Text is escaped (`&lt;`), so every raw `<` opens a real element: look at those only.
    let (body_html, text) = (page.body_html.unpack(), page.text.unpack());
    let html = body_html.to_ascii_lowercase();
    assert!(!html.contains("<script") && !html.contains("<img src=x"), "{html}");
    for tag in html.split('<').skip(1).map(|t| t.split('>').next().unwrap_or_default()) {
        for attribute in ["href=\"", "src=\""] {
            for value in tag.split(attribute).skip(1) {
                let value = value.trim_start();
                assert!(!value.starts_with("javascript:") && !value.starts_with("data:"), "<{tag}> in {html}");
            }
        }
        assert!(!attribute_names(tag).iter().any(|n| n.starts_with("on")), "an event handler in <{tag}>");
    }
    for text in [&page.title, &body_html, &text] {
        assert!(seedbed::text::first_stray_control(text).is_none(), "control character in {text:?}");
    }
}

/// The attribute names of a tag's text (`a href="x" title="y"` → `href`, `title`).
fn attribute_names(tag: &str) -> Vec<String> {
    let (mut names, mut quote, mut name, mut in_name) = (Vec::new(), None, String::new(), false);
    for c in tag.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, c) if c.is_whitespace() => {
                if in_name && !name.is_empty() {
                    names.push(std::mem::take(&mut name));
                }
                in_name = true;
            }
            (None, '=') => {
                if in_name && !name.is_empty() {
                    names.push(std::mem::take(&mut name));
                }
                in_name = false;
            }
            (None, c) if in_name => name.push(c),
            _ => {}
        }
    }
    if in_name && !name.is_empty() {
        names.push(name);
    }
    names
}

proptest! {
    #![proptest_config(config(400))]

    #[test]
    fn content_files_never_panic_and_pages_that_parse_are_safe(
        (folder, front) in prop::sample::select(vec!["reports", "proceedings", "stories", "people", "pages"])
            .prop_flat_map(|f| front_matter(f).prop_map(move |fm| (f, fm))),
        body in body(),
        lang in prop::sample::select(vec!["", ".zh"]),
    ) {
        let source = SourceFile {
            rel_path: format!("content/{folder}/item{lang}.md"),
            bytes: format!("---\n{front}---\n\n{body}\n").into_bytes(),
        };
        let (page, problems) = seedbed::parse::page(&site_config(), &source, &seedbed::model::RawBudget::new(0));
        if let Some(page) = page {
            assert_page_is_safe(&page);
        } else {
            prop_assert!(problems.iter().any(|p| p.is_error()), "no page and no error");
        }
        for p in &problems {
            prop_assert!(p.line >= 1 && p.column >= 1);
            prop_assert!(p.source_line.as_deref().is_none_or(|l| !l.chars().any(|c| c.is_control() && c != '\t')));
        }
    }

    #[test]
    fn site_yaml_never_panics_and_what_passes_is_sound(lines in prop::collection::vec(
        (prop::sample::select(vec!["title", "base_url", "theme", "languages", "digest", "timezone", "items_per_page", "allowed_outside", "markdown", "baseurl"]), value()),
        0..6,
    )) {
        let text: String = lines.iter().map(|(k, v)| format!("{k}: {v}\n")).collect();
        if let Ok(config) = seedbed::config::Config::parse(&text) {
            prop_assert!(seedbed::config::check_base_url(&config.base_url).is_ok(), "{}", config.base_url);
            prop_assert!(!config.theme.contains(['/', '\\']) && !config.theme.starts_with('.'), "{}", config.theme);
            prop_assert!(config.items_per_page >= 1);
        }
    }

    #[test]
    fn subscriber_lists_never_panic_and_what_passes_fits_a_header(rows in prop::collection::vec(
        (text(3), text(3), prop::sample::select(vec!["en", "zh", "", "fr", "zh-CN"])),
        0..12,
    ), crlf in any::<bool>()) {
        let end = if crlf { "\r\n" } else { "\n" };
        let mut csv = format!("email,name,lang{end}");
        for (email, name, lang) in &rows {
            csv.push_str(&format!("{email}@example.org,{name},{lang}{end}"));
        }
        let line_count = csv.lines().count() as u64;
        if let Ok((subscribers, problems)) = seedbed::digest::subscribers::parse(&csv, &Default::default()) {
            for s in &subscribers {
                prop_assert!(!s.name.chars().any(char::is_control), "{:?}", s.name);
                prop_assert!(s.line >= 2 && s.line <= line_count, "line {} of {line_count}", s.line);
                prop_assert!(!s.email.to_string().contains(['\r', '\n', ' ']));
            }
            for p in &problems {
                prop_assert!(p.line >= 1 && p.line <= line_count.max(1), "line {} of {line_count}", p.line);
            }
        }
    }

    #[test]
    fn request_targets_map_only_to_plain_paths_in_the_build(target in prop_oneof![
        text(8).prop_map(|t| format!("/{t}")),
        prop::collection::vec(prop::sample::select(vec!["..", ".", "%2e", "%2E%2e", "%252e", "a", "%5c", "\\", "%00", "%2f", "/", "?", "#", "%c0%af", "中"]), 0..10).prop_map(|p| format!("/{}", p.join("/"))),
        "\\PC{0,20}",
    ]) {
        if let Some(path) = seedbed::serve::served_path(&target) {
            prop_assert!(!path.starts_with('/'), "{path}");
            prop_assert!(path.split('/').all(|s| s != ".." && s != "."), "{path}");
            prop_assert!(!path.contains('\\') && !path.chars().any(char::is_control), "{path:?}");
        }
    }
}

/// A small site from generated pieces, as a user would run it: `check`, then `build`.
#[derive(Debug, Clone)]
struct GeneratedSite {
    items: Vec<(String, String)>,
    statics: Vec<String>,
    link_out: bool,
}

fn generated_site() -> impl Strategy<Value = GeneratedSite> {
    // Mostly well-formed items, so that many sites build and their output can be checked too.
    let body = prop_oneof![3 => "[a-zA-Z ,.]{0,80}".boxed(), 1 => body().boxed()];
    let front = |folder: &'static str| {
        prop_oneof![
            3 => Just(format!("title: Item\n{}", if folder == "proceedings" { "date: 2016-05-01\nevent: {name: F, start: 2016-05-01}\n" } else { "date: 2016-05-01\n" })).boxed(),
            1 => front_matter(folder).boxed(),
        ]
    };
    let item = prop::sample::select(vec!["reports/a", "reports/b", "pages/about", "stories/s", "proceedings/f"])
        .prop_flat_map(move |path| (Just(path), front(path.split('/').next().unwrap_or_default()), body.clone()))
        .prop_map(|(path, front, body)| (format!("content/{path}.md"), format!("---\n{front}---\n\n{body}\n")));
    let statics = prop::collection::vec(
        prop::sample::select(vec![
            "static/index.html",
            "static/atom.xml",
            "static/reports/a/index.html",
            "static/x.css",
            "static/files/r.pdf",
            "content/reports/a.pdf",
            "static/logo.svg",
            "static/a/b/c.txt",
        ]),
        0..3,
    );
    (prop::collection::vec(item, 1..5), statics, prop::bool::weighted(0.2)).prop_map(|(items, statics, link_out)| {
        GeneratedSite { items, statics: statics.into_iter().map(String::from).collect(), link_out }
    })
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn check_says_what_build_says_and_build_stays_inside_its_output(site in generated_site()) {
        let work = tempfile::tempdir().unwrap();
        let outside = work.path().join("outside");
        write(&outside, "secret.txt", "CANARY-OUTSIDE");
        let root = work.path().join("site");
        write(&root, "site.yaml", "title: T\nbase_url: https://example.org/\nlanguages: [en, zh]\n");
        for (path, text) in &site.items {
            write(&root, path, text);
        }
        for path in &site.statics {
            write(&root, path, "static");
        }
        if site.link_out {
            std::fs::create_dir_all(root.join("static")).unwrap();
            std::os::unix::fs::symlink(outside.join("secret.txt"), root.join("static/secret.txt")).unwrap();
        }
        let before = tree(&root);
        let out = work.path().join("out");
        let r = root.to_str().unwrap();
        let checked = seedbed(&["check", "--root", r]);
        let built = seedbed(&["build", "--root", r, "--output", out.to_str().unwrap()]);
        let (c, b) = (checked.status.code(), built.status.code());
        prop_assert!(matches!(b, Some(0) | Some(1)), "build: {:?}\n{}", b, stderr(&built));
        prop_assert_eq!(c, b, "check and build disagree:\ncheck: {}\nbuild: {}", stderr(&checked), stderr(&built));
        let errors = |s: &str| s.lines().filter(|l| l.contains(": error: ")).map(str::to_string).collect::<Vec<_>>();
        prop_assert_eq!(errors(&stderr(&checked)), errors(&stderr(&built)));
        prop_assert_eq!(tree(&root), before, "the site's files changed");
        let mut top: Vec<String> = std::fs::read_dir(work.path()).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
        top.sort();
        let expected: Vec<&str> = if b == Some(0) { vec!["out", "outside", "site"] } else { vec!["outside", "site"] };
        prop_assert_eq!(top, expected, "nothing is written beside the output");
        if b == Some(0) {
            prop_assert!(!site.link_out, "a link out of the site must fail the build");
            for entry in walkdir::WalkDir::new(&out).into_iter().flatten() {
                prop_assert!(!entry.path_is_symlink(), "{}", entry.path().display());
            }
            for (path, bytes) in tree(&out) {
                prop_assert!(!String::from_utf8_lossy(&bytes).contains("CANARY-OUTSIDE"), "{}", path);
            }
        }
    }
}
