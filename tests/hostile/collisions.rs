//! Two sources for one output path, and paths no file system takes: located errors from both
//! `check` and `build`, before anything is written.

use super::*;

const BILINGUAL: &str = "title: Fixture\nbase_url: https://example.org/\nlanguages: [en, zh]\n";

/// `check` and `build` both fail with exit 1 and the same messages; nothing is written.
fn check_and_build_refuse(root: &Path) -> String {
    let r = root.to_str().unwrap();
    let (code, checked) = run(root, &["check", "--root", r]);
    assert_eq!(code, Some(1), "check: {checked}");
    let (code, built) = run(root, &["build", "--root", r]);
    assert_eq!(code, Some(1), "build: {built}");
    assert!(!root.join("public").exists());
    let strip = |s: &str| s.lines().filter(|l| l.contains(": error: ")).collect::<Vec<_>>().join("\n");
    assert_eq!(strip(&checked), strip(&built), "check and build must report the same");
    built
}

#[test]
fn an_alias_onto_any_page_or_file_seedbed_writes_is_a_located_error() {
    let mut messages = Vec::new();
    for alias in [
        "/index.html",
        "/zh/",
        "/reports/",
        "/search/",
        "/404.html",
        "/reports/a/index.html",
        "/atom.xml",
        "/sitemap.xml",
        "/reports/a/a.bib",
        "/style.css",
    ] {
        let b = format!(
            "---\ntitle: B\ndate: 2018-03-01\naliases:\n  - /fine/\n  - {alias}\nauthors: [Su Hongwen]\n---\n\nB.\n"
        );
        let dir = site(&[("site.yaml", BILINGUAL), ("content/reports/a.md", REPORT), ("content/reports/b.md", &b)]);
        let err = check_and_build_refuse(dir.path());
        assert!(err.starts_with("content/reports/b.md:6:5: error:"), "{alias}: {err}");
        messages.push(err);
    }
    insta::assert_snapshot!("alias_collisions", messages.join("\n"));
}

#[test]
fn a_static_or_content_file_at_a_rendered_page_is_a_located_error() {
    let dir = site(&[
        ("content/pages/about.md", "---\ntitle: About\n---\n\nAbout.\n"),
        ("static/about/index.html", "<p>mine</p>"),
        ("content/index.html", "<p>also mine</p>"),
        ("static/robots.txt", "User-agent: *"),
    ]);
    let err = check_and_build_refuse(dir.path());
    insta::assert_snapshot!("static_collisions", err);
}

#[test]
fn overlong_names_from_the_front_matter_are_cut_and_overlong_slugs_and_file_names_are_located() {
    let long = "Very long name ".repeat(20);
    let report = format!(
        "---\ntitle: R\ndate: 2018-02-15\nauthors: [\"{long}\"]\ntopics: [\"{long}\"]\nregions: [\"{long}\"]\nseries: \"{long}\"\nvolume: 1\nnumber: 1\n---\n\nBody.\n"
    );
    let story =
        format!("---\ntitle: S\ndate: 2018-02-15\nregion: {{province: \"{long}\", county: \"{long}\"}}\n---\n\nS.\n");
    let dir = site(&[("content/reports/r.md", &report), ("content/stories/s.md", &story)]);
    let r = dir.path().to_str().unwrap();
    assert_eq!(run(dir.path(), &["check", "--root", r]).0, Some(0));
    let (code, err) = run(dir.path(), &["build", "--root", r]);
    assert_eq!(code, Some(0), "{err}");
    for (path, _) in tree(&dir.path().join("public")) {
        assert!(path.split('/').all(|part| part.len() <= 120), "{path}");
    }
    let slug = "a".repeat(300);
    let name = format!("content/proceedings/{}.md", "b".repeat(245));
    let forum = "---\ntitle: F\ndate: 2018-02-15\nevent: {name: F, start: 2018-02-15}\n---\n\nF.\n";
    let dir = site(&[("content/reports/x.md", &format!("---\ntitle: X\nslug: {slug}\n---\n\nX.\n")), (&name, forum)]);
    let err = check_and_build_refuse(dir.path());
    insta::assert_snapshot!("overlong_slugs", err.replace(&"b".repeat(245), "B×245").replace(&slug, "a×300"));
}

#[test]
fn c_cpp_and_csharp_are_three_topics() {
    let report = |t: &str| format!("---\ntitle: \"{t}\"\ndate: 2018-02-15\ntopics: [\"{t}\"]\n---\n\nBody.\n");
    let dir = site(&[
        ("content/reports/c.md", &report("C")),
        ("content/reports/cpp.md", &report("C++")),
        ("content/reports/cs.md", &report("C#")),
    ]);
    assert_eq!(build(dir.path(), &[]).status.code(), Some(0));
    for (slug, title) in [("c", "C"), ("c-plus-plus", "C++"), ("c-sharp", "C#")] {
        let page = read(dir.path(), &format!("public/topics/{slug}/index.html"));
        assert!(page.contains(&format!(">{title}<")), "{slug}");
    }
}
