//! Language fallback: an item with no translation is listed in every language, under its own
//! title with a badge, and counted wherever items are counted.

use crate::common::*;

const SITE: &str = "title: {en: Fixture, zh: 测试}\nbase_url: https://example.org/\nlanguages: [en, zh]\n";

/// One report translated (its topics, region and series named in both languages), one report
/// and one forum only in English, one story only in Chinese.
fn bilingual_site(settings: &str) -> tempfile::TempDir {
    site(&[
        ("site.yaml", settings),
        (
            "content/reports/pair.md",
            "---\ntitle: Guarantee funds\ndate: 2018-02-15\nauthors: [Liu Zheng]\ntopics: [Microfinance]\n\
             regions: [Guizhou]\nseries: Research Report\nvolume: 20\nnumber: 1\n---\n\nBody.\n",
        ),
        (
            "content/reports/pair.zh.md",
            "---\ntitle: 担保基金\ntopics: [小额贷款]\nregions: [贵州]\nseries: 研究报告\n---\n\n正文。\n",
        ),
        (
            "content/reports/only-en.md",
            "---\ntitle: Platforms\ndate: 2018-05-10\nauthors: [Liu Zheng]\ntopics: [Microfinance, Public policy]\n\
             regions: [Guizhou]\nseries: Research Report\nvolume: 20\nnumber: 2\nsummary: Data platforms.\n---\n\nBody.\n",
        ),
        (
            "content/proceedings/forum.md",
            "---\ntitle: Forum 2016\ndate: 2016-11-18\nevent:\n  name: Forum\n  start: 2016-11-18 09:00\n---\n\nNotes.\n",
        ),
        ("content/stories/tea.zh.md", "---\ntitle: 茶山\ndate: 2017-03-20\ntopics: [合作社]\n---\n\n故事。\n"),
        ("content/people/liu-zheng.md", "---\ntitle: {en: Liu Zheng, zh: 刘峥}\n---\n\nEconomist.\n"),
    ])
}

/// The entries of a listing: (title, badge) in order.
fn entries(html: &str) -> Vec<(String, Option<String>)> {
    html.split("<li class=\"entry\">")
        .skip(1)
        .map(|e| {
            let badge = e.split_once("class=\"lang-badge\"").and_then(|(_, r)| r.split_once('>')).map(|(_, r)| r);
            let badge = badge.and_then(|r| r.split_once('<')).map(|(b, _)| b.to_string());
            let link = e.split_once("class=\"entry-title\"").and_then(|(_, r)| r.split_once("<a ")).map(|(_, r)| r);
            let title = link.and_then(|r| r.split_once('>')).map(|(_, r)| r);
            let title = title.and_then(|r| r.split_once("</a>")).map(|(t, _)| t.to_string()).unwrap_or_default();
            (title, badge)
        })
        .collect()
}

#[test]
fn every_chinese_listing_shows_the_untranslated_items_with_their_language() {
    let dir = bilingual_site(SITE);
    let out = build(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let en = Some("English".to_string());
    let reports = read(dir.path(), "public/zh/reports/index.html");
    assert_eq!(entries(&reports), [("Platforms".into(), en.clone()), ("担保基金".into(), None)]);
    assert!(reports.contains("<h2 class=\"entry-title\" lang=\"en\"><a href=\"/reports/only-en/\" hreflang=\"en\">"));
    assert!(reports.contains("<p class=\"summary\" lang=\"en\">Data platforms.</p>"), "{reports}");
    assert!(reports.contains("2018年5月10日"), "dates as the page's language writes them: {reports}");
    assert!(
        reports.contains("<span class=\"issue-label\">研究报告 第20卷 第2期</span>"),
        "its issue in the Chinese series: {reports}"
    );
    assert!(reports.contains("<a href=\"/zh/people/liu-zheng/\">刘峥</a>"), "authors as in Chinese: {reports}");
    let forums = read(dir.path(), "public/zh/proceedings/index.html");
    assert_eq!(entries(&forums), [("Forum 2016".into(), en.clone())]);
    let stories = read(dir.path(), "public/stories/index.html");
    assert_eq!(entries(&stories), [("茶山".into(), Some("中文".into()))], "and the other way round");
    for page in ["zh/years/2018", "zh/a-z/p", "zh/people/liu-zheng"] {
        let html = read(dir.path(), &format!("public/{page}/index.html"));
        assert!(entries(&html).contains(&("Platforms".into(), en.clone())), "{page}: {html}");
    }
    let home = read(dir.path(), "public/zh/index.html");
    assert!(entries(&home).contains(&("Forum 2016".into(), en.clone())), "{home}");
    assert!(home.contains("研究报告 2018年 第20卷 第2期"), "the latest issue is over every report: {home}");
}

#[test]
fn untranslated_items_join_the_terms_and_series_their_translated_siblings_name() {
    let dir = bilingual_site(&format!("{SITE}term_translations:\n  - {{en: Public policy, zh: 公共政策}}\n"));
    assert_eq!(build(dir.path(), &[]).status.code(), Some(0));
    // Microfinance ↔ 小额贷款 and Guizhou ↔ 贵州 are learned from the translated report; Public
    // policy ↔ 公共政策 is given in site.yaml.
    let microfinance = read(dir.path(), "public/zh/topics/xiao-e-dai-kuan/index.html");
    assert_eq!(entries(&microfinance).len(), 2, "{microfinance}");
    assert!(dir.path().join("public/zh/topics/gong-gong-zheng-ce/index.html").exists());
    assert!(!dir.path().join("public/zh/topics/microfinance").exists(), "one term, not two");
    assert_eq!(entries(&read(dir.path(), "public/zh/regions/gui-zhou/index.html")).len(), 2);
    let catalogue = read(dir.path(), "public/zh/catalogue/index.html");
    assert!(catalogue.contains("研究报告 2018年 第20卷 第2期</a> <span class=\"count\">1</span>"), "{catalogue}");
    assert!(!dir.path().join("public/zh/catalogue/research-report").exists(), "one series: {catalogue}");
    // A term only an untranslated item carries keeps its name, marked as in its language.
    let topics = read(dir.path(), "public/topics/index.html");
    assert!(topics.contains("<a href=\"/topics/he-zuo-she/\" lang=\"zh\">合作社</a>"), "{topics}");
}

#[test]
fn feeds_and_the_sitemap_carry_the_untranslated_items() {
    let dir = bilingual_site(SITE);
    assert_eq!(build(dir.path(), &[]).status.code(), Some(0));
    let atom = read(dir.path(), "public/zh/atom.xml");
    // An untranslated item says its language: Atom per element, RSS through Dublin Core.
    assert!(atom.contains("<title xml:lang=\"en\">Platforms</title>"), "{atom}");
    assert!(atom.contains("<summary xml:lang=\"en\">Data platforms.</summary>"), "{atom}");
    assert!(atom.contains("<title>担保基金</title>"), "its own items say nothing: {atom}");
    let rss = read(dir.path(), "public/zh/rss.xml");
    assert!(rss.contains("xmlns:dc=\"http://purl.org/dc/elements/1.1/\""), "{rss}");
    assert!(rss.contains("<title>Platforms</title>") && rss.contains("<dc:language>en</dc:language>"), "{rss}");
    assert!(
        read(dir.path(), "public/rss.xml")
            .contains("<title>茶山</title><link>https://example.org/zh/stories/tea/</link>")
    );
    let reports = read(dir.path(), "public/reports/rss.xml");
    assert!(!reports.contains("xmlns:dc"), "no Dublin Core where every item is in the feed's language: {reports}");
    let json: serde_json::Value = serde_json::from_str(&read(dir.path(), "public/zh/feed.json")).expect("json");
    let platforms = json["items"].as_array().and_then(|i| i.iter().find(|i| i["title"] == "Platforms")).cloned();
    assert_eq!(platforms.map(|p| p["language"].clone()), Some(serde_json::json!("en")), "{json}");
    let sitemap = read(dir.path(), "public/sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.org/zh/proceedings/</loc>"));
}

#[test]
fn fallback_can_be_turned_off_for_one_language() {
    let dir = bilingual_site(&format!("{SITE}language_fallback: {{zh: false}}\n"));
    assert_eq!(build(dir.path(), &[]).status.code(), Some(0));
    assert_eq!(entries(&read(dir.path(), "public/zh/reports/index.html")), [("担保基金".to_string(), None)]);
    assert!(entries(&read(dir.path(), "public/zh/proceedings/index.html")).is_empty());
    // English still lists the Chinese-only story.
    assert_eq!(entries(&read(dir.path(), "public/stories/index.html")).len(), 1);
    // The forum's switch goes to the Chinese home page, not to an empty listing, and says why.
    let forum = read(dir.path(), "public/proceedings/forum/index.html");
    assert!(
        forum.contains("<a href=\"/zh/\" hreflang=\"zh\" lang=\"zh\" title=\"本页暂无中文版。\">中文</a>"),
        "{forum}"
    );
}

#[test]
fn check_names_the_terms_a_language_lists_under_another_languages_name() {
    let dir = bilingual_site(SITE);
    let out = seedbed(&["check", "--root", dir.path().to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(0));
    let err = stderr(&out);
    assert!(
        err.contains(
            "site.yaml:1:1: warning: topics `Public policy` is listed on the 中文 pages under its English name"
        ),
        "{err}"
    );
    assert!(err.contains("term_translations: [{en: Public policy, zh: …}]"), "{err}");
    assert!(!err.contains("`Microfinance`"), "learned from the translated report: {err}");
    let named = bilingual_site(&format!("{SITE}term_translations:\n  - {{en: Public policy, zh: 公共政策}}\n"));
    let out = seedbed(&["check", "--root", named.path().to_str().expect("utf-8")]);
    assert!(!stderr(&out).contains("Public policy"), "{}", stderr(&out));
}
