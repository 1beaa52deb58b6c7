//! Typography and per-language details: curly quotes in front-matter text, numbers, time zones
//! and catalogue labels as each language writes them.

use crate::common::*;

const SITE: &str = "title: {en: Fixture, zh: 测试}\nbase_url: https://example.org/\nlanguages: [en, zh]\n";

#[test]
fn titles_and_summaries_get_the_curly_quotes_and_dashes_bodies_get() {
    let report = "---\ntitle: \"Gansu's \\\"one number\\\" platform -- a review\"\ndate: 2020-01-01\n\
                  summary: It's 2016--2018...\n---\n\nIt's here.\n";
    let dir = site(&[("site.yaml", SITE), ("content/reports/x.md", report)]);
    assert_eq!(build(dir.path(), &[]).status.code(), Some(0));
    let page = read(dir.path(), "public/reports/x/index.html");
    assert!(page.contains("<h1>Gansu’s “one number” platform – a review</h1>"), "{page}");
    assert!(page.contains("It’s 2016–2018…"), "{page}");
    assert!(read(dir.path(), "public/atom.xml").contains("<title>Gansu’s “one number” platform – a review</title>"));
    write(dir.path(), "site.yaml", format!("{SITE}markdown:\n  smart_punctuation: false\n"));
    assert_eq!(build(dir.path(), &[]).status.code(), Some(0));
    assert!(
        read(dir.path(), "public/reports/x/index.html")
            .contains("<h1>Gansu&#39;s &quot;one number&quot; platform -- a review</h1>")
    );
}

#[test]
fn numbers_places_zones_and_series_are_written_as_each_language_writes_them() {
    let story = "---\ntitle: Tea\ndate: 2020-01-01\nregion: {province: Guizhou, county: Meitan}\n\
                 figures: {jobs_created: 2300, trainees: 12000}\n---\n\nText.\n";
    let story_zh = "---\ntitle: 茶\nregion: {province: 贵州, county: 湄潭县}\n\
                    figures: {jobs_created: 2300, trainees: 12000}\n---\n\n正文。\n";
    let forum = "---\ntitle: Forum\ndate: 2020-01-01\nevent: {name: Forum, start: 2020-01-01 09:00, timezone: Asia/Kolkata}\n\
                 sessions:\n  - {title: Opening, start: 2020-01-01 09:00}\n---\n\nNotes.\n";
    let report = "---\ntitle: 报告\ndate: 2020-01-01\nauthors: [苏红文]\nseries: 研究报告\nvolume: 20\nnumber: 1\n---\n\n正文。\n";
    let dir = site(&[
        ("site.yaml", SITE),
        ("content/stories/tea.md", story),
        ("content/stories/tea.zh.md", story_zh),
        ("content/proceedings/forum.md", forum),
        ("content/proceedings/forum.zh.md", "---\ntitle: 论坛\n---\n\n纪要。\n"),
        ("content/reports/r.zh.md", report),
    ]);
    let out = build(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let en = read(dir.path(), "public/stories/tea/index.html");
    assert!(
        en.contains("<dd>2,300</dd>") && en.contains("<dd>12,000</dd>") && en.contains("<dd>Meitan, Guizhou</dd>"),
        "{en}"
    );
    let zh = read(dir.path(), "public/zh/stories/tea/index.html");
    assert!(
        zh.contains("<dd>2300</dd>") && zh.contains("<dd>12,000</dd>") && zh.contains("<dd>贵州湄潭县</dd>"),
        "{zh}"
    );
    let forum = read(dir.path(), "public/proceedings/forum/index.html");
    assert!(forum.contains("Times are in Kolkata (UTC+5:30)."), "{forum}");
    let forum_zh = read(dir.path(), "public/zh/proceedings/forum/index.html");
    assert!(forum_zh.contains("时间均为Kolkata（UTC+5:30）。"), "{forum_zh}");
    let cited = read(dir.path(), "public/zh/reports/r/index.html");
    assert!(cited.contains("报告[R/OL]. 研究报告 第20卷 第1期. 测试, 2020."), "GB/T 7714 in Chinese: {cited}");
    assert!(cited.contains("下载引文："), "full-width colons in Chinese labels: {cited}");
}
