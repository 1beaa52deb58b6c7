//! insta snapshots of rendered HTML: a report page, a listing page, a catalogue issue page.

use crate::common::*;

fn built() -> tempfile::TempDir {
    let dir = copy_site(&fixture("sites/catalogue"));
    let out = build(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    dir
}

#[test]
fn report_page() {
    let dir = built();
    insta::assert_snapshot!(read(dir.path(), "public/reports/county-loans/index.html"));
}

#[test]
fn listing_page() {
    let dir = built();
    insta::assert_snapshot!(read(dir.path(), "public/reports/index.html"));
}

#[test]
fn catalogue_pages() {
    let dir = built();
    insta::assert_snapshot!("catalogue_index", read(dir.path(), "public/catalogue/index.html"));
    insta::assert_snapshot!(
        "catalogue_issue",
        read(dir.path(), "public/catalogue/policy-briefs/vol-3/no-2/index.html")
    );
}

/// A figure with credit and source, a table and a line chart from YAML data, a note; embeds
/// in code are left as written.
#[test]
fn embeds_body() {
    let dir = copy_site(&fixture("sites/embeds"));
    let out = build(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let html = read(dir.path(), "public/reports/tables/index.html");
    let body = html.split("<div class=\"body\">").nth(1).and_then(|b| b.split("</article>").next()).unwrap_or_default();
    insta::assert_snapshot!(body);
}
