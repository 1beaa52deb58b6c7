//! The command line: exit codes (0 ok, 1 site errors, 2 usage/environment) and messages.

use crate::common::*;

#[test]
fn help_lists_the_commands() {
    let out = seedbed(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    for cmd in ["build", "check", "init", "new"] {
        assert!(text.contains(cmd), "{text}");
    }
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(seedbed(&["build", "--no-such-flag"]).status.code(), Some(2));
    assert_eq!(seedbed(&["frobnicate"]).status.code(), Some(2));
}

#[test]
fn a_folder_without_site_yaml_exits_2_and_says_what_to_do() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = build(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no site.yaml in") && stderr(&out).contains("seedbed init"), "{}", stderr(&out));
}

#[test]
fn build_prints_one_summary_line() {
    let dir = site(&[("content/reports/a.md", REPORT)]);
    let out = build(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(0));
    let text = stderr(&out);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(
        text.starts_with("Built 2 pages, ") && text.contains(" listings, 1 catalogue page, 0 redirects ("),
        "{text}"
    );
    assert!(text.trim_end().ends_with(" ms") && text.contains("files) into "), "{text}");
}

#[test]
fn output_flag_writes_elsewhere() {
    let dir = site(&[("content/reports/a.md", REPORT)]);
    let out_dir = tempfile::tempdir().expect("tempdir");
    let target = out_dir.path().join("site");
    let out = build(dir.path(), &["--output", target.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(target.join("reports/a/index.html").exists());
    assert!(!dir.path().join("public").exists());
}

#[test]
fn init_creates_a_site_that_builds_and_refuses_a_non_empty_folder() {
    let parent = tempfile::tempdir().expect("tempdir");
    let root = parent.path().join("new-site");
    let out = seedbed(&["init", root.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let built = build(&root, &[]);
    assert_eq!(built.status.code(), Some(0), "{}", stderr(&built));
    assert!(!stderr(&built).contains("warning"), "the new site builds without warnings: {}", stderr(&built));
    for page in [
        "about/index.html",
        "reports/first-report/index.html",
        "zh/reports/first-report/index.html",
        "proceedings/first-forum/index.html",
        "stories/first-story/index.html",
        "people/li-na/index.html",
    ] {
        assert!(root.join("public").join(page).exists(), "{page}");
    }
    assert_eq!(seedbed(&["init", root.to_str().expect("path")]).status.code(), Some(2));
}

#[test]
fn new_creates_valid_content_for_every_collection() {
    let parent = tempfile::tempdir().expect("tempdir");
    let root = parent.path().join("s");
    let r = root.to_str().expect("path");
    assert_eq!(seedbed(&["init", r]).status.code(), Some(0));
    for (kind, title, lang, file) in [
        ("report", "Returnee Loans in 2018", "en", "content/reports/returnee-loans-in-2018.md"),
        ("proceedings", "Spring Forum", "en", "content/proceedings/spring-forum.md"),
        ("story", "A Tea Cooperative", "en", "content/stories/a-tea-cooperative.md"),
        ("person", "Su Hongwen", "en", "content/people/su-hongwen.md"),
        ("page", "Contact", "en", "content/pages/contact.md"),
        ("report", "Returnee Loans in 2018", "zh", "content/reports/returnee-loans-in-2018.zh.md"),
    ] {
        let out = seedbed(&["new", kind, title, "--lang", lang, "--root", r]);
        assert_eq!(out.status.code(), Some(0), "{kind}: {}", stderr(&out));
        assert!(root.join(file).exists(), "{file}");
    }
    let again = seedbed(&["new", "page", "Contact", "--root", r]);
    assert_eq!(again.status.code(), Some(2), "an existing file is never overwritten");
    let check = seedbed(&["check", "--root", r, "--drafts"]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
}

#[test]
fn new_leaves_out_the_language_suffix_only_for_the_default_language() {
    let dir =
        site(&[("site.yaml", "title: T\nbase_url: https://example.org/\ndefault_language: zh\nlanguages: [zh, en]\n")]);
    let r = dir.path().to_str().expect("path");
    for (lang, file) in [("zh", "content/reports/loans.md"), ("en", "content/reports/loans.en.md")] {
        let out = seedbed(&["new", "report", "Loans", "--lang", lang, "--root", r]);
        assert_eq!(out.status.code(), Some(0), "{lang}: {}", stderr(&out));
        assert!(dir.path().join(file).exists(), "{file}");
    }
    let built = build(dir.path(), &["--drafts"]);
    assert_eq!(built.status.code(), Some(0), "{}", stderr(&built));
    assert!(dir.path().join("public/reports/loans/index.html").exists(), "the English file is English");
    assert!(dir.path().join("public/zh/reports/loans/index.html").exists(), "the suffixless file is Chinese");
}

#[test]
fn check_warns_about_missing_translations_without_failing() {
    let dir = site(&[
        ("site.yaml", "title: T\nbase_url: https://example.org/\nlanguages: [en, zh]\n"),
        ("content/reports/a.md", REPORT),
        ("content/reports/b.md", REPORT),
        ("content/reports/b.zh.md", REPORT),
    ]);
    let out = seedbed(&["check", "--root", dir.path().to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(0));
    let text = stderr(&out);
    assert!(text.contains("content/reports/a.md:1:1: warning: no translation into zh"), "{text}");
    assert!(!text.contains("content/reports/b.md:1:1: warning: no translation"), "{text}");
}
