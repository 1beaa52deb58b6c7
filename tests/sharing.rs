//! What a shared page shows (`og:image`, Twitter's large card) and the menus `site.yaml` makes.

use crate::common::*;

const SITE: &str = "title: {en: Fixture, zh: 测试}\nbase_url: https://example.org/\nlanguages: [en, zh]\n";

/// A PNG of `width` × `height` pixels, made by the image crate seedbed itself depends on.
fn png(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = std::io::Cursor::new(Vec::new());
    image::RgbImage::from_pixel(width, height, image::Rgb([11, 92, 142]))
        .write_to(&mut bytes, image::ImageFormat::Png)
        .expect("png");
    bytes.into_inner()
}

fn meta(html: &str, key: &str) -> Option<String> {
    let attr = if key.starts_with("og:") { "property" } else { "name" };
    let start = format!("<meta {attr}=\"{key}\" content=\"");
    html.split_once(&start).and_then(|(_, r)| r.split_once('"')).map(|(v, _)| v.to_string())
}

#[test]
fn a_shared_page_shows_its_image_else_its_first_figure_else_the_sites_picture() {
    let dir = site(&[
        ("site.yaml", &format!("{SITE}share_image:\n  src: /images/card.png\n  alt: {{en: The centre, zh: 中心}}\n")),
        (
            "content/reports/chosen.md",
            "---\ntitle: Chosen\ndate: 2020-01-01\nimage: cover.png\nimage_alt: A cover\n---\n\n![A chart](chart.png)\n",
        ),
        ("content/reports/figure.md", "---\ntitle: Figure\ndate: 2020-01-02\n---\n\nText.\n\n![A chart](chart.png)\n"),
        ("content/reports/plain.md", "---\ntitle: Plain\ndate: 2020-01-03\n---\n\nText.\n"),
        ("content/reports/figure.zh.md", "---\ntitle: 图\n---\n\n正文。\n"),
    ]);
    write(dir.path(), "content/reports/cover.png", png(1200, 630));
    write(dir.path(), "content/reports/chart.png", png(800, 500));
    write(dir.path(), "static/images/card.png", png(600, 315));
    let out = build(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let chosen = read(dir.path(), "public/reports/chosen/index.html");
    assert_eq!(meta(&chosen, "og:image").as_deref(), Some("https://example.org/reports/cover.png"));
    assert_eq!(
        (meta(&chosen, "og:image:width"), meta(&chosen, "og:image:height")),
        (Some("1200".into()), Some("630".into()))
    );
    assert_eq!(meta(&chosen, "og:image:alt").as_deref(), Some("A cover"));
    assert_eq!(meta(&chosen, "twitter:card").as_deref(), Some("summary_large_image"));
    assert!(
        !chosen.contains("cover.png\" alt") && !chosen.contains("<img src=\"/reports/cover.png"),
        "not in the body"
    );
    let figure = read(dir.path(), "public/reports/figure/index.html");
    assert_eq!(meta(&figure, "og:image").as_deref(), Some("https://example.org/reports/chart.png"));
    assert_eq!(meta(&figure, "twitter:image:alt").as_deref(), Some("A chart"));
    let translated = read(dir.path(), "public/zh/reports/figure/index.html");
    assert_eq!(
        meta(&translated, "og:image").as_deref(),
        Some("https://example.org/reports/chart.png"),
        "the original's"
    );
    let plain = read(dir.path(), "public/reports/plain/index.html");
    assert_eq!(meta(&plain, "og:image").as_deref(), Some("https://example.org/images/card.png"));
    assert_eq!(meta(&plain, "og:image:width").as_deref(), Some("600"));
    let home = read(dir.path(), "public/zh/index.html");
    assert_eq!(meta(&home, "og:image:alt").as_deref(), Some("中心"), "the site's picture, described in Chinese");
    assert!(plain.contains("href=\"mailto:?subject=Plain&amp;body=https%3A%2F%2Fexample%2Eorg%2Freports%2Fplain%2F\""));
    // A picture only shared pages show is fetched whole by the preview: no smaller copies of it.
    let copies = |prefix: &str| {
        tree(&dir.path().join("public")).into_keys().filter(|p| p.starts_with(prefix) && p.ends_with(".webp")).count()
    };
    assert_eq!((copies("images/card-"), copies("reports/cover-")), (0, 0));
    assert!(copies("reports/chart-") > 0, "a body's figure keeps its copies");
}

#[test]
fn a_missing_share_picture_is_an_error_at_its_key() {
    let dir = site(&[
        ("site.yaml", &format!("{SITE}share_image:\n  src: /images/none.png\n  alt: x\n")),
        ("content/reports/a.md", "---\ntitle: A\ndate: 2020-01-01\nimage: gone.png\n---\n\nText.\n"),
    ]);
    let out = build(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("site.yaml:4:1: error: `share_image` `/images/none.png` is not in the site"), "{err}");
    assert!(err.contains("content/reports/a.md:4:1: error: image `gone.png` is not in the site"), "{err}");
    assert!(err.contains("content/reports/a.md:4:1: warning: `image: gone.png` has no `image_alt`"), "{err}");
}

#[test]
fn menus_from_site_yaml_link_pages_in_each_language_and_unknown_names_are_errors() {
    let menus = "menus:\n  main: [reports, about, {name: {en: Data, zh: 数据}, url: /data/}]\n  footer:\n    \
                 zh: [contact, feeds]\n";
    let dir = site(&[
        ("site.yaml", &format!("{SITE}{menus}")),
        ("content/pages/about.md", "---\ntitle: About\n---\n\nWho we are.\n"),
        ("content/pages/data.md", "---\ntitle: Data\n---\n\nTables.\n"),
        ("content/pages/data.zh.md", "---\ntitle: 数据\n---\n\n表格。\n"),
    ]);
    let out = build(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let zh = read(dir.path(), "public/zh/index.html");
    let header = zh.split("</header>").next().unwrap_or_default();
    assert!(header.contains("<a href=\"/zh/reports/\">研究报告</a>"), "{header}");
    assert!(
        header.contains("<a href=\"/about/\" lang=\"en\" hreflang=\"en\">关于我们</a>"),
        "English-only page: {header}"
    );
    assert!(header.contains("<a href=\"/zh/data/\">数据</a>"), "the path's Chinese version: {header}");
    assert!(
        header.contains("<form class=\"header-search\" role=\"search\" aria-label=\"全站搜索\" action=\"/zh/search/\"")
    );
    let footer = zh.split("<footer class=\"site-footer\">").nth(1).unwrap_or_default();
    assert!(
        footer.contains(">联系我们</a>") && footer.contains("订阅源：") && !footer.contains(">关于我们<"),
        "{footer}"
    );
    let en_footer = read(dir.path(), "public/index.html");
    assert!(en_footer.contains("<li><a href=\"/about/\">About</a></li>"), "English keeps the default footer");
    write(dir.path(), "site.yaml", format!("{SITE}menus:\n  main: [reports, abuot]\n"));
    let bad = build(dir.path(), &[]);
    assert_eq!(bad.status.code(), Some(1));
    let err = stderr(&bad);
    assert!(
        err.contains("site.yaml:4:1: error: unknown menu entry `abuot`") && err.contains("did you mean `about`?"),
        "{err}"
    );
}

#[test]
fn the_logo_shows_in_the_header_and_the_digest_and_a_missing_one_is_an_error_at_its_key() {
    let yaml = format!("{SITE}logo:\n  src: /images/logo.png\n  alt: {{en: The centre's seedling, zh: 中心的幼苗}}\n");
    let dir =
        site(&[("site.yaml", &yaml), ("content/reports/one.md", "---\ntitle: One\ndate: 2020-01-01\n---\n\nText.\n")]);
    write(dir.path(), "static/images/logo.png", png(160, 80));
    let out = build(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let home = read(dir.path(), "public/zh/index.html");
    assert!(home.contains("<a class=\"brand\" href=\"/zh/\"><img src=\"https://example.org/images/logo.png\" alt=\"\" width=\"160\" height=\"80\">测试</a>"), "{home}");
    let root = dir.path().to_str().expect("path");
    let out = seedbed(&["digest", "build", "--root", root, "--since", "2019-01-01"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let digest = std::fs::read_dir(dir.path().join("digests"))
        .expect("digests")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.is_dir())
        .expect("a digest");
    let zh = std::fs::read_to_string(digest.join("digest.zh.html")).expect("part");
    assert!(zh.contains("<img src=\"https://example.org/images/logo.png\" alt=\"中心的幼苗\""), "{zh}");
    std::fs::remove_file(dir.path().join("static/images/logo.png")).expect("remove");
    let out = build(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("site.yaml:4:1") && stderr(&out).contains("`logo` `/images/logo.png` is not in the site"),
        "{}",
        stderr(&out)
    );
}
