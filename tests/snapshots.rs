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
