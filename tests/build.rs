//! Successful builds: what is published, determinism, themes, translations, output swap.

use crate::common::*;

#[test]
fn two_builds_of_the_example_site_are_byte_identical() {
    let site_a = copy_site(&repo_root());
    let site_b = copy_site(&repo_root());
    assert_eq!(build(site_a.path(), &[]).status.code(), Some(0));
    assert_eq!(build(site_b.path(), &[]).status.code(), Some(0));
    let (a, b) = (tree(&site_a.path().join("public")), tree(&site_b.path().join("public")));
    assert!(a.len() > 50, "the example site should build many files, got {}", a.len());
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in &a {
        assert!(bytes == &b[path], "{path} differs between builds");
    }
}

#[test]
fn bom_and_crlf_give_the_same_html_as_lf() {
    let lf = "---\ntitle: \"Line endings\"\ndate: 2018-02-15\n---\n\n## Heading\n\nA paragraph\nover two lines.\n";
    let crlf = format!("\u{feff}{}", lf.replace('\n', "\r\n"));
    let a = site(&[("content/reports/x.md", lf)]);
    let b = site(&[("content/reports/x.md", &crlf)]);
    assert_eq!(build(a.path(), &[]).status.code(), Some(0));
    assert_eq!(build(b.path(), &[]).status.code(), Some(0));
    assert_eq!(read(a.path(), "public/reports/x/index.html"), read(b.path(), "public/reports/x/index.html"));
}

#[test]
fn drafts_and_future_items_are_held_back_unless_asked() {
    let dir = site(&[
        ("content/reports/now.md", REPORT),
        ("content/reports/draft.md", "---\ntitle: Draft\ndate: 2018-02-15\ndraft: true\n---\n\nx\n"),
        ("content/reports/later.md", "---\ntitle: Later\ndate: 2999-01-01\n---\n\nx\n"),
    ]);
    assert_eq!(build(dir.path(), &[]).status.code(), Some(0));
    let public = dir.path().join("public");
    assert!(public.join("reports/now/index.html").exists());
    assert!(!public.join("reports/draft").exists() && !public.join("reports/later").exists());
    assert!(!read(dir.path(), "public/reports/index.html").contains("Draft"));
    assert_eq!(build(dir.path(), &["--drafts", "--future"]).status.code(), Some(0));
    assert!(public.join("reports/draft/index.html").exists() && public.join("reports/later/index.html").exists());
}

#[test]
fn stale_files_do_not_survive_a_rebuild() {
    let dir = site(&[("content/reports/a.md", REPORT), ("content/reports/b.md", REPORT)]);
    assert_eq!(build(dir.path(), &[]).status.code(), Some(0));
    std::fs::remove_file(dir.path().join("content/reports/b.md")).expect("remove");
    assert_eq!(build(dir.path(), &[]).status.code(), Some(0));
    assert!(dir.path().join("public/reports/a/index.html").exists());
    assert!(!dir.path().join("public/reports/b").exists());
}

#[test]
fn a_site_template_overrides_one_theme_template_and_static_file() {
    let dir = site(&[
        ("content/reports/a.md", REPORT),
        ("templates/404.html", "{% extends \"base.html\" %}{% block content %}<h1>Lost?</h1>{% endblock content %}"),
        ("static/style.css", "body { color: red }"),
        ("static/files/brief.pdf", "%PDF-1.4"),
    ]);
    assert_eq!(build(dir.path(), &[]).status.code(), Some(0));
    assert!(read(dir.path(), "public/404.html").contains("<h1>Lost?</h1>"));
    assert_eq!(read(dir.path(), "public/style.css"), "body { color: red }");
    assert!(dir.path().join("public/files/brief.pdf").exists());
    assert!(
        read(dir.path(), "public/reports/a/index.html").contains("Body text."),
        "other templates still come from the theme"
    );
}

#[test]
fn a_named_theme_is_used_and_a_missing_one_is_an_error() {
    let dir = site(&[
        ("site.yaml", "title: T\nbase_url: https://example.org/\ntheme: plain\n"),
        ("content/reports/a.md", REPORT),
        ("themes/plain/templates/report.html", "<p>plain {{ item.title }}</p>"),
    ]);
    assert_eq!(build(dir.path(), &[]).status.code(), Some(0));
    assert_eq!(read(dir.path(), "public/reports/a/index.html"), "<p>plain A report</p>");
    std::fs::remove_dir_all(dir.path().join("themes")).expect("rm");
    let out = build(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).starts_with("site.yaml:3:1: error: theme `plain` not found"), "{}", stderr(&out));
}

#[test]
fn translations_link_to_each_other_both_ways() {
    let dir = copy_site(&repo_root());
    assert_eq!(build(dir.path(), &[]).status.code(), Some(0));
    let en = read(dir.path(), "public/reports/returning-migrants-rural-revitalization/index.html");
    let zh = read(dir.path(), "public/zh/reports/returning-migrants-rural-revitalization/index.html");
    assert!(en.contains("href=\"/zh/reports/returning-migrants-rural-revitalization/\" hreflang=\"zh\""));
    assert!(zh.contains("href=\"/reports/returning-migrants-rural-revitalization/\" hreflang=\"en\""));
    assert!(zh.contains("<html lang=\"zh\">"));
}

#[test]
fn aliases_redirect_to_their_page() {
    let dir =
        site(&[("content/reports/a.md", "---\ntitle: A\ndate: 2018-02-15\naliases: [/old/a-report]\n---\n\nx\n")]);
    assert_eq!(build(dir.path(), &[]).status.code(), Some(0));
    let alias = read(dir.path(), "public/old/a-report/index.html");
    assert!(alias.contains("<meta http-equiv=\"refresh\" content=\"0; url=/reports/a/\">"), "{alias}");
}

#[test]
fn authors_without_a_page_still_get_one_and_people_pages_list_works() {
    let dir = site(&[
        ("content/reports/a.md", "---\ntitle: A\ndate: 2018-02-15\nauthors: [Su Hongwen, Nobody Yet]\n---\n\nx\n"),
        ("content/people/su-hongwen.md", "---\ntitle: Su Hongwen\naffiliation: Centre\n---\n\nBio.\n"),
    ]);
    assert_eq!(build(dir.path(), &[]).status.code(), Some(0));
    let su = read(dir.path(), "public/people/su-hongwen/index.html");
    assert!(su.contains("Bio.") && su.contains("href=\"/reports/a/\""));
    assert!(read(dir.path(), "public/people/nobody-yet/index.html").contains("href=\"/reports/a/\""));
    assert!(read(dir.path(), "public/reports/a/index.html").contains("href=\"/people/nobody-yet/\""));
}

#[test]
fn raw_html_and_script_links_are_left_out_unless_trusted() {
    let body = "---\ntitle: A\ndate: 2018-02-15\n---\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))\n";
    let dir = site(&[("content/reports/a.md", body)]);
    let out = build(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(0));
    let html = read(dir.path(), "public/reports/a/index.html");
    assert!(!html.contains("<script>alert(1)") && !html.contains("javascript:"), "{html}");
    assert!(stderr(&out).contains("content/reports/a.md:6:1: warning: raw HTML is left out of the page"));
    write(dir.path(), "site.yaml", "title: T\nbase_url: https://example.org/\nmarkdown:\n  trusted_html: true\n");
    assert_eq!(build(dir.path(), &[]).status.code(), Some(0));
    assert!(read(dir.path(), "public/reports/a/index.html").contains("<script>alert(1)</script>"));
}

#[test]
fn unknown_code_language_warns_and_builds() {
    let dir = site(&[("content/reports/a.md", "---\ntitle: A\ndate: 2018-02-15\n---\n\n```klingon\nqapla'\n```\n")]);
    let out = build(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stderr(&out).contains(
        "content/reports/a.md:6:1: warning: unknown code language `klingon`; the block is shown as plain text"
    ));
    assert!(
        read(dir.path(), "public/reports/a/index.html").contains("qapla&#39;")
            || read(dir.path(), "public/reports/a/index.html").contains("qapla'")
    );
}

#[test]
fn listings_paginate_and_link_pages() {
    let mut files: Vec<(String, String)> = (1..=25)
        .map(|i| {
            (format!("content/stories/s{i:02}.md"), format!("---\ntitle: Story {i}\ndate: 2018-01-{i:02}\n---\n\nx\n"))
        })
        .collect();
    files.push(("site.yaml".into(), "title: T\nbase_url: https://example.org/\nitems_per_page: 10\n".into()));
    let refs: Vec<(&str, &str)> = files.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let dir = site(&refs);
    assert_eq!(build(dir.path(), &[]).status.code(), Some(0));
    let first = read(dir.path(), "public/stories/index.html");
    assert!(first.contains("Story 25") && !first.contains("Story 15<"), "newest first, ten a page");
    assert!(first.contains("href=\"/stories/page/2/\" rel=\"next\""));
    let third = read(dir.path(), "public/stories/page/3/index.html");
    assert!(third.contains("Story 1<") && third.contains("href=\"/stories/page/2/\" rel=\"prev\""));
    assert!(!dir.path().join("public/stories/page/4").exists());
}

#[test]
fn base_url_with_a_path_prefixes_every_link() {
    let dir = site(&[("content/reports/a.md", REPORT)]);
    assert_eq!(build(dir.path(), &["--base-url", "https://example.org/kb/"]).status.code(), Some(0));
    let html = read(dir.path(), "public/reports/a/index.html");
    assert!(html.contains("href=\"/kb/style.css\"") && html.contains("href=\"/kb/reports/\""), "{html}");
    assert!(html.contains("<link rel=\"canonical\" href=\"https://example.org/kb/reports/a/\">"));
}

#[test]
fn related_items_are_listed_and_checked() {
    let dir = site(&[
        ("content/reports/a.md", "---\ntitle: A\ndate: 2018-02-15\nrelated: [b.md, ../stories/s.md]\n---\n\nx\n"),
        ("content/reports/b.md", "---\ntitle: Bee\ndate: 2018-02-14\n---\n\nx\n"),
        ("content/stories/s.md", "---\ntitle: Ess\ndate: 2018-02-13\n---\n\nx\n"),
    ]);
    assert_eq!(build(dir.path(), &[]).status.code(), Some(0));
    let html = read(dir.path(), "public/reports/a/index.html");
    assert!(
        html.contains("<a href=\"/reports/b/\">Bee</a>") && html.contains("<a href=\"/stories/s/\">Ess</a>"),
        "{html}"
    );
    write(dir.path(), "content/reports/b.md", "---\ntitle: Bee\ndate: 2018-02-14\nrelated: [gone.md]\n---\n\nx\n");
    let out = build(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out)
            .starts_with("content/reports/b.md:4:1: error: link to `content/reports/gone.md`, which does not exist"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn sitemap_lists_every_page_with_hreflang_and_robots_points_to_it() {
    let dir = copy_site(&repo_root());
    assert_eq!(build(dir.path(), &[]).status.code(), Some(0));
    let sitemap = read(dir.path(), "public/sitemap.xml");
    let report = "https://example.org/reports/returning-migrants-rural-revitalization/";
    assert!(sitemap.contains(&format!("<url><loc>{report}</loc><lastmod>2018-02-15</lastmod><xhtml:link rel=\"alternate\" hreflang=\"en\" href=\"{report}\"/><xhtml:link rel=\"alternate\" hreflang=\"zh\" href=\"https://example.org/zh/reports/returning-migrants-rural-revitalization/\"/></url>")), "{sitemap}");
    let listed = sitemap.matches("<url>").count();
    let html_pages = tree(&dir.path().join("public")).keys().filter(|p| p.ends_with("index.html")).count();
    assert_eq!(listed, html_pages - 1, "every page but the one redirect");
    assert!(read(dir.path(), "public/robots.txt").contains("Sitemap: https://example.org/sitemap.xml"));
}

#[test]
fn every_item_is_reachable_by_year_and_by_letter_without_javascript() {
    let dir = copy_site(&repo_root());
    assert_eq!(build(dir.path(), &[]).status.code(), Some(0));
    let years = read(dir.path(), "public/years/index.html");
    assert!(years.contains("href=\"/years/2018/\"") && years.contains("href=\"/years/2016/\""));
    assert!(years.find("/years/2018/") < years.find("/years/2016/"), "newest year first");
    let m = read(dir.path(), "public/a-z/m/index.html");
    assert!(m.contains("href=\"/reports/returning-migrants-rural-revitalization/\""));
    let zh_h = read(dir.path(), "public/zh/a-z/h/index.html");
    assert!(
        zh_h.contains("href=\"/zh/stories/huichuan-micro-loans/\""),
        "Chinese titles file under their pinyin initial"
    );
}

#[test]
fn citable_reports_carry_scholar_tags_and_others_warn() {
    let dir = site(&[
        (
            "content/reports/cited.md",
            "---\ntitle: Cited\ndate: 2018-02-15\nauthors: [Su Hongwen]\nseries: RR\nvolume: 20\nnumber: 1\npdf: files/cited.pdf\n---\n\nx\n",
        ),
        ("content/reports/anonymous.md", "---\ntitle: Anonymous\ndate: 2018-02-14\npdf: files/missing.pdf\n---\n\nx\n"),
        ("static/files/cited.pdf", "%PDF-1.4"),
    ]);
    let out = build(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let cited = read(dir.path(), "public/reports/cited/index.html");
    for tag in [
        "<meta name=\"citation_title\" content=\"Cited\">",
        "<meta name=\"citation_author\" content=\"Su Hongwen\">",
        "<meta name=\"citation_publication_date\" content=\"2018/02/15\">",
        "<meta name=\"citation_journal_title\" content=\"RR\">",
        "<meta name=\"citation_volume\" content=\"20\">",
        "<meta name=\"citation_issue\" content=\"1\">",
        "<meta name=\"citation_pdf_url\" content=\"https://example.org/files/cited.pdf\">",
    ] {
        assert!(cited.contains(tag), "{tag}");
    }
    let anonymous = read(dir.path(), "public/reports/anonymous/index.html");
    assert!(!anonymous.contains("citation_") && !anonymous.contains("missing.pdf"));
    let warnings = stderr(&out);
    assert!(
        warnings.contains(
            "content/reports/anonymous.md:1:1: warning: this report has no authors, so no Google Scholar citation tags are emitted"
        ),
        "{warnings}"
    );
    assert!(warnings.contains(
        "content/reports/anonymous.md:4:1: warning: `pdf: files/missing.pdf` names a file that is not in the site"
    ));
}

#[test]
fn hostile_front_matter_stays_text_in_html_meta_and_json_ld() {
    let dir = copy_site(&fixture("sites/payloads"));
    let out = build(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for (path, bytes) in tree(&dir.path().join("public")) {
        let text = String::from_utf8_lossy(&bytes);
        if !path.ends_with(".html") {
            continue;
        }
        // The only <script> elements are JSON-LD blocks, the search page's own two and an
        // item's share script; payloads never open one or an <img>.
        let search = [
            "<script type=\"application/json\" id=\"search-labels\">",
            "<script type=\"module\" src=\"/search/ui.mjs\">",
            "<script type=\"module\" src=\"/share.mjs\">",
        ];
        let own = text.matches("<script type=\"application/ld+json\">").count()
            + search.iter().map(|s| text.matches(s).count()).sum::<usize>();
        assert_eq!(text.matches("<script").count(), own, "{path}");
        assert!(!text.contains("<img") && !text.contains("<b>Bold"), "{path}");
        for block in text.split("<script type=\"application/ld+json\">").skip(1) {
            let json = block.split("</script>").next().unwrap_or_default();
            assert!(!json.contains('<'), "raw < in JSON-LD of {path}");
            serde_json::from_str::<serde_json::Value>(json).unwrap_or_else(|e| panic!("JSON-LD of {path}: {e}"));
        }
    }
    let page = read(dir.path(), "public/reports/payload/index.html");
    assert!(
        page.contains("<title>Loans &amp; &lt;script&gt;alert(&#x27;t&#x27;)&lt;&#x2F;script&gt;")
            || page.contains("<title>Loans &amp; &lt;script&gt;"),
        "{page}"
    );
}

#[test]
fn reports_offer_citations_and_bib_ris_downloads_per_report_and_issue() {
    let dir = copy_site(&repo_root());
    assert_eq!(build(dir.path(), &[]).status.code(), Some(0));
    let page = read(dir.path(), "public/reports/returning-migrants-rural-revitalization/index.html");
    assert!(
        page.contains("<dt>APA</dt><dd>Su, H., Jiao, X., &amp; Liu, Z. (2018). <i>Migrant Workers Returning Home"),
        "{page}"
    );
    assert!(page.contains(
        "href=\"/reports/returning-migrants-rural-revitalization/returning-migrants-rural-revitalization.bib\" download"
    ));
    let bib = read(
        dir.path(),
        "public/reports/returning-migrants-rural-revitalization/returning-migrants-rural-revitalization.bib",
    );
    assert!(
        bib.starts_with("@techreport{su2018returning,\n  author = {Su, Hongwen and Jiao, Xudong and Liu, Zheng},"),
        "{bib}"
    );
    let ris = read(
        dir.path(),
        "public/reports/returning-migrants-rural-revitalization/returning-migrants-rural-revitalization.ris",
    );
    assert!(ris.starts_with("TY  - RPRT\r\nAU  - Su, Hongwen\r\n") && ris.ends_with("ER  - \r\n"));
    let issue = read(dir.path(), "public/catalogue/research-report/vol-20/no-1/index.html");
    assert!(issue.contains("href=\"/catalogue/research-report/vol-20/no-1/research-report-vol-20-no-1.bib\""));
    assert!(
        read(dir.path(), "public/catalogue/research-report/vol-20/no-1/research-report-vol-20-no-1.ris")
            .contains("TI  - Migrant Workers")
    );
    let zh = read(dir.path(), "public/zh/reports/returning-migrants-rural-revitalization/index.html");
    assert!(
        zh.contains(
            "<dt>GB/T 7714</dt><dd>苏红文, 焦旭东, 刘峥. 农民工返乡创业创新助力乡村振兴: RERC-RR-2018-01[R/OL]."
        ),
        "{zh}"
    );
}

#[test]
fn region_pages_group_stories_by_province_and_county() {
    let dir = copy_site(&repo_root());
    assert_eq!(build(dir.path(), &[]).status.code(), Some(0));
    let guizhou = read(dir.path(), "public/regions/guizhou/index.html");
    assert!(guizhou.contains("<a href=\"/regions/guizhou-huichuan/\">Huichuan, Guizhou</a>"), "{guizhou}");
    assert!(
        guizhou.contains("href=\"/stories/returnee-tea-cooperative/\""),
        "a county's stories are in its province too"
    );
    let meitan = read(dir.path(), "public/regions/guizhou-meitan/index.html");
    assert!(
        meitan.contains("href=\"/stories/returnee-tea-cooperative/\"")
            && !meitan.contains("href=\"/stories/huichuan-micro-loans/\"")
    );
}

#[test]
fn untranslated_items_switch_language_to_the_listing_not_a_missing_page() {
    let dir = copy_site(&repo_root());
    assert_eq!(build(dir.path(), &[]).status.code(), Some(0));
    let page = read(dir.path(), "public/stories/gansu-labour-platform/index.html");
    assert!(
        page.contains("<a href=\"/zh/stories/\" hreflang=\"zh\" lang=\"zh\" title=\"本页暂无中文版。\">"),
        "{page}"
    );
    assert!(
        page.contains("<p class=\"translation-note\" lang=\"zh\">本页暂无中文版。<a href=\"/zh/stories/\""),
        "{page}"
    );
    assert!(!page.contains("<link rel=\"alternate\" hreflang=\"zh\""), "no hreflang for a page that does not exist");
}

#[test]
fn abstract_only_reports_publish_the_abstract_and_a_request_link_but_not_the_body() {
    let dir = copy_site(&repo_root());
    assert_eq!(build(dir.path(), &[]).status.code(), Some(0));
    let page = read(dir.path(), "public/reports/county-guarantee-funds/index.html");
    assert!(page.contains("County guarantee funds are meant to close that gap."), "the abstract is shown");
    assert!(
        page.contains("href=\"mailto:publications@example.org?subject=Full%20text%20request%3A%20Guarantee%20Funds"),
        "{page}"
    );
    assert!(!page.contains("anonymised records of 2,140 guaranteed loans"), "the body is not published");
    for file in ["public/atom.xml", "public/reports/rss.xml", "public/feed.json"] {
        assert!(!read(dir.path(), file).contains("anonymised records"), "{file}");
    }
}

#[test]
fn a_report_without_authors_or_date_builds_with_a_warning_and_no_scholar_tags() {
    let dir = site(&[("content/reports/bare.md", "---\ntitle: Bare\n---\n\nText.\n")]);
    let out = build(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains(
        "content/reports/bare.md:1:1: warning: this report has no authors and no date, so no Google Scholar citation tags are emitted"
    ));
    assert!(!read(dir.path(), "public/reports/bare/index.html").contains("citation_"));
}

#[test]
fn a_doi_and_report_number_reach_the_page_its_tags_and_its_citations_and_the_pdf_says_its_size() {
    let report = "---\ntitle: Guarantee funds\ndate: 2019-03-01\nauthors: [Liu Zheng]\n\
                  doi: https://doi.org/10.5555/rerc.2019.7\nreport_number: RR-2019-7\npdf: files/g.pdf\n---\n\nBody.\n";
    let dir = site(&[
        ("content/reports/g.md", report),
        ("content/people/liu-zheng.md", "---\ntitle: Liu Zheng\naffiliation: County Finance Institute\n---\n\nBio.\n"),
    ]);
    write(dir.path(), "static/files/g.pdf", vec![b'%'; 2_345_678]);
    let out = build(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let page = read(dir.path(), "public/reports/g/index.html");
    for expected in [
        "DOI <a href=\"https://doi.org/10.5555/rerc.2019.7\">10.5555/rerc.2019.7</a> · Report No. RR-2019-7",
        "Download the PDF<span class=\"pdf-size\"> (2.3 MB)</span>",
        "<meta name=\"citation_author\" content=\"Liu Zheng\">\n<meta name=\"citation_author_institution\" content=\"County Finance Institute\">",
        "<meta name=\"citation_doi\" content=\"10.5555/rerc.2019.7\">",
        "<meta name=\"citation_technical_report_number\" content=\"RR-2019-7\">",
        "\"identifier\":{\"@type\":\"PropertyValue\",\"propertyID\":\"DOI\",\"value\":\"10.5555/rerc.2019.7\"}",
        "\"reportNumber\":\"RR-2019-7\"",
    ] {
        assert!(page.contains(expected), "{expected}\n{page}");
    }
    assert!(read(dir.path(), "public/reports/g/g.bib").contains("  doi = {10.5555/rerc.2019.7}"));
    write(dir.path(), "content/reports/g.md", report.replace("https://doi.org/10.5555/rerc.2019.7", "rerc.2019.7"));
    let out = build(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).starts_with("content/reports/g.md:5:1: error: `doi: rerc.2019.7` is not a DOI"),
        "{}",
        stderr(&out)
    );
}
