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
