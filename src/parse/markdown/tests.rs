use super::images::site_file_paths;
use super::*;

fn ctx(trusted_html: bool) -> BodyContext<'static> {
    BodyContext {
        rel_path: "content/reports/a.md",
        line_offset: 3,
        trusted_html,
        smart_punctuation: true,
        keep_text: true,
    }
}

#[test]
fn headings_get_unique_anchor_ids() {
    let r = render(&ctx(false), "## Key findings\n\n## Key findings\n\n## 返乡 创业\n");
    let ids: Vec<_> = r.headings.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, ["key-findings", "key-findings-1", "返乡-创业"]);
    assert!(r.html.contains("<h2 id=\"key-findings-1\">"));
}

#[test]
fn raw_html_is_omitted_by_default_and_kept_when_trusted() {
    let body = "hello <script>alert(1)</script>\n\n<div>x</div>\n";
    let safe = render(&ctx(false), body);
    assert!(!safe.html.contains("<script") && !safe.html.contains("<div>"), "{}", safe.html);
    assert_eq!(safe.problems.len(), 1);
    assert!(render(&ctx(true), body).html.contains("<div>x</div>"));
}

#[test]
fn unsafe_link_schemes_are_dropped_but_text_stays() {
    for dest in ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "java%0ascript:x", "data:text/html,x", "vbscript:x"] {
        let r = render(&ctx(false), &format!("[click]({dest})\n"));
        assert!(!r.html.contains("href"), "{dest}: {}", r.html);
        assert!(r.html.contains("click"));
    }
    let r = render(&ctx(false), "[a](java&#x09;script:alert(1))\n");
    assert!(!r.html.contains("href"), "{}", r.html);
}

#[test]
fn safe_links_are_kept() {
    let r = render(&ctx(false), "[a](https://x.org) [b](mailto:a@b.org) [c](/files/r.pdf) [d](../img.png)\n");
    assert_eq!(r.html.matches("href=").count(), 4, "{}", r.html);
}

#[test]
fn markdown_links_become_placeholders_with_positions() {
    let r = render(&ctx(false), "Intro.\n\nSee [the report](../stories/b.md#impact) and [top](#intro).\n");
    assert_eq!(
        r.links[0],
        InternalLink { target: "content/stories/b.md".into(), anchor: Some("impact".into()), line: 6, column: 5 }
    );
    assert_eq!(r.links[1].target, "content/reports/a.md");
    assert!(r.html.contains("href=\"seedbed-link:0\""), "{}", r.html);
}

#[test]
fn code_blocks_are_highlighted_or_warned_about() {
    let r = render(&ctx(false), "```rust\nfn main() {}\n```\n\n```nosuchlang\nx\n```\n");
    assert!(r.html.contains("hl-"));
    assert_eq!(r.problems.len(), 1);
    assert_eq!(r.problems[0].line, 8);
}

#[test]
fn tables_are_wrapped_for_small_screens() {
    let r = render(&ctx(false), "| a | b |\n|---|---|\n| 1 | 2 |\n");
    assert!(r.html.starts_with("<div class=\"table-scroll\"><table>"), "{}", r.html);
}

#[test]
fn words_count_han_characters_one_each() {
    assert_eq!(count_words("two words 返乡创业"), 6);
}

#[test]
fn line_breaks_inside_chinese_paragraphs_add_no_space() {
    let r = render(&ctx(false), "留下的多是儿童、老人和\n照顾一家的妇女。\nThen English\ncontinues.\n");
    assert_eq!(r.html, "<p>留下的多是儿童、老人和照顾一家的妇女。\nThen English\ncontinues.</p>\n");
}

#[test]
fn a_line_break_before_a_link_stays_a_space() {
    let r = render(&ctx(false), "See\n[the report](https://x.org) and\n**this**.\n");
    assert_eq!(r.html, "<p>See\n<a href=\"https://x.org\">the report</a> and\n<strong>this</strong>.</p>\n");
}

#[test]
fn table_alignment_uses_classes_not_inline_styles() {
    let r = render(&ctx(false), "| a | b |\n|:---|---:|\n| 1 | 2 |\n");
    assert!(r.html.contains("<td class=\"align-right\">2</td>") && !r.html.contains("style="), "{}", r.html);
}

#[test]
fn body_text_has_no_markup_and_separates_blocks() {
    let body = render(
        &ctx(false),
        "# Title\n\nA *b*c &amp; `c`\nd <span>x</span>\n\n```rust\nfn f() {}\n```\n\n返乡\n创业\n\n- one\n- two\n",
    );
    assert_eq!(body.text, "Title A bc & c d x fn f() {}\n 返乡创业 one two");
}

#[test]
fn repeated_headings_skip_ids_already_taken_by_explicit_ones() {
    let r = render(&ctx(false), "## A {#a-2}\n\n## A\n\n## A\n\n## A\n\n## A\n");
    let ids: Vec<_> = r.headings.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, ["a-2", "a", "a-1", "a-3", "a-4"]);
}

#[test]
fn a_body_dense_with_markup_is_refused_where_the_budget_runs_out() {
    let dense = "[".repeat(MARKUP_FLOOR + 10);
    let e = check_density("content/pages/x.md", &dense, 3).unwrap_err();
    assert_eq!((e.line, e.column), (4, MARKUP_FLOOR + 1));
    let prose = "Returnees opened workshops in their home county. ".repeat(40_000);
    assert!(check_density("content/pages/x.md", &prose, 3).is_ok());
}

#[test]
fn images_become_markers_with_alt_title_position_and_the_files_they_may_be() {
    let r =
        render(&ctx(false), "Intro.\n\n![Use *rate* `2019`](chart%20a.png \"Figure 1\")\n\n![](https://x.org/a.png)\n");
    assert_eq!(r.html, "<p>Intro.</p>\n<p><!--seedbed-image:0--></p>\n<p><!--seedbed-image:1--></p>\n");
    let chart = &r.images[0];
    assert_eq!(
        (chart.alt.as_str(), chart.title.as_str(), chart.line, chart.column),
        ("Use rate 2019", "Figure 1", 6, 1)
    );
    assert_eq!(chart.candidates, Some(vec!["reports/chart a.png".to_string(), "reports/a/chart a.png".to_string()]));
    assert_eq!(r.images[1].candidates, None, "an http(s) image is used as written");
    assert_eq!(r.problems.len(), 1, "the second has no alt text: {:?}", r.problems);
}

#[test]
fn a_translation_shares_its_items_image_folder_and_a_rooted_path_is_from_the_top() {
    assert_eq!(site_file_paths("content/reports/x.zh.md", "c.png"), ["reports/c.png", "reports/x/c.png"]);
    assert_eq!(site_file_paths("content/reports/x.md", "/img/c.png?v=2"), ["img/c.png"]);
    assert_eq!(site_file_paths("content/reports/x.md", "../../../c.png"), Vec::<String>::new());
}

#[test]
fn an_image_with_an_unsafe_scheme_is_dropped_and_its_alt_text_stays() {
    let r = render(&ctx(false), "![a chart](javascript:alert(1))\n");
    assert_eq!(r.html, "<p>a chart</p>\n");
    assert!(r.images.is_empty() && r.problems.len() == 1);
}
