//! A translation and its original are one item: what is not language-bound comes from the
//! original when the translation leaves it out.

use crate::common::*;

const SITE: &str = "title: {en: Fixture, zh: 测试}\nbase_url: https://example.org/\nlanguages: [en, zh]\n";

#[test]
fn a_translation_with_only_a_title_shows_its_originals_date_authors_issue_and_pdf() {
    let dir = site(&[
        ("site.yaml", SITE),
        (
            "content/reports/x.md",
            "---\ntitle: Guarantee funds\ndate: 2018-02-15\nauthors: [Su Hongwen]\nseries: Research Report\n\
             volume: 20\nnumber: 1\npdf: files/x.pdf\n---\n\nBody.\n",
        ),
        ("content/reports/x.zh.md", "---\ntitle: 担保基金\n---\n\n正文。\n"),
        (
            "content/proceedings/forum.md",
            "---\ntitle: Forum\ndate: 2016-05-20\nevent:\n  name: Forum\n  start: 2016-05-20 09:00\n---\n\nNotes.\n",
        ),
        ("content/proceedings/forum.zh.md", "---\ntitle: 论坛\n---\n\n纪要。\n"),
        ("static/files/x.pdf", "%PDF-1.4\n"),
    ]);
    let out = build(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let zh = read(dir.path(), "public/zh/reports/x/index.html");
    assert!(zh.contains("2018年2月15日"), "the original's date: {zh}");
    assert!(zh.contains(">Su Hongwen</a>"), "the original's authors: {zh}");
    assert!(zh.contains("/files/x.pdf"), "the original's PDF: {zh}");
    assert!(zh.contains("citation_date") || zh.contains("citation_publication_date"), "citable as the original: {zh}");
    let forum = read(dir.path(), "public/zh/proceedings/forum/index.html");
    assert!(forum.contains("2016年5月20日"), "the forum's date and event: {forum}");
    assert!(dir.path().join("public/zh/proceedings/forum/forum.ics").exists(), "a calendar for the event");
}

#[test]
fn new_translation_of_writes_the_keys_to_translate_beside_its_original_and_refuses_mistakes() {
    let dir = site(&[
        ("site.yaml", SITE),
        (
            "content/reports/x.md",
            "---\ntitle: Guarantee funds\ndate: 2018-02-15\nauthors: [Su Hongwen]\n---\n\nBody.\n",
        ),
    ]);
    let root = dir.path().to_str().expect("utf-8");
    let new = |args: &[&str]| seedbed(&[&["new"], args, &["--root", root]].concat());
    let out = new(&["report", "县域担保基金", "--lang", "zh", "--translation-of", "reports/x.md"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let written = read(dir.path(), "content/reports/x.zh.md");
    assert!(written.starts_with("---\ntitle: \"县域担保基金\"\n# Translates reports/x.md"), "{written}");
    assert!(!written.contains("date:") && !written.contains("authors:"), "{written}");
    let built = build(dir.path(), &["--drafts"]);
    assert_eq!(built.status.code(), Some(0), "{}", stderr(&built));
    assert!(read(dir.path(), "public/zh/reports/x/index.html").contains("2018年2月15日"));
    for (args, says) in [
        (vec!["report", "再来", "--lang", "zh", "--translation-of", "reports/x.md"], "already exists"),
        (vec!["story", "故事", "--lang", "zh", "--translation-of", "reports/x.md"], "is not in content/stories/"),
        (vec!["report", "无", "--lang", "zh", "--translation-of", "reports/gone.md"], "does not exist"),
        (vec!["report", "Same", "--lang", "en", "--translation-of", "reports/x.md"], "in another"),
    ] {
        let out = new(&args);
        assert_ne!(out.status.code(), Some(0), "{args:?}");
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn a_people_page_named_per_language_matches_authors_written_in_either_and_exists_in_both() {
    let dir = site(&[
        ("site.yaml", SITE),
        ("content/people/li-na.md", "---\ntitle: {en: Li Na, zh: 李娜}\naffiliation: Centre\n---\n\nLi Na.\n"),
        ("content/reports/a.md", "---\ntitle: Cold chains\ndate: 2018-02-15\nauthors: [李娜]\n---\n\nBody.\n"),
        ("content/reports/b.zh.md", "---\ntitle: 冷链\ndate: 2019-03-01\nauthors: [Li Na]\n---\n\n正文。\n"),
    ]);
    let out = build(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let en = read(dir.path(), "public/reports/a/index.html");
    assert!(en.contains("href=\"/people/li-na/\""), "the Han-written author is the people page's person: {en}");
    let zh = read(dir.path(), "public/zh/reports/b/index.html");
    assert!(zh.contains("href=\"/zh/people/li-na/\">李娜</a>"), "named in the item's language: {zh}");
    let zh_person = read(dir.path(), "public/zh/people/li-na/index.html");
    assert!(zh_person.contains("<h1>李娜</h1>"), "{zh_person}");
    assert!(zh_person.contains("href=\"/people/li-na/\""), "the language switch reaches the same person: {zh_person}");
    let en_person = read(dir.path(), "public/people/li-na/index.html");
    assert!(en_person.contains("<h1>Li Na</h1>") && en_person.contains("/zh/people/li-na/"), "{en_person}");
}

#[test]
fn a_person_named_only_in_one_language_has_a_page_in_the_other_listing_their_works() {
    let dir = site(&[
        ("site.yaml", SITE),
        ("content/reports/b.zh.md", "---\ntitle: 冷链\ndate: 2019-03-01\nauthors: [单雨]\n---\n\n正文。\n"),
    ]);
    let out = build(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let en = read(dir.path(), "public/people/shan-yu/index.html");
    assert!(en.contains("/zh/reports/b/"), "their works in the other language: {en}");
    let zh = read(dir.path(), "public/zh/people/shan-yu/index.html");
    assert!(zh.contains("href=\"/people/shan-yu/\""), "{zh}");
}

#[test]
fn a_title_per_language_outside_people_pages_is_an_error_at_the_key() {
    let dir = site(&[
        ("site.yaml", SITE),
        ("content/reports/a.md", "---\ndate: 2018-02-15\ntitle: {en: Cold chains, zh: 冷链}\n---\n\nBody.\n"),
    ]);
    let out = build(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("content/reports/a.md:3:1") && err.contains("only a people page"), "{err}");
}
