//! Images in bodies: found beside the page, in a folder named after it or under static/; shown
//! with their size and WebP copies; copies made once and then taken from the cache.

use crate::common::*;
use std::collections::BTreeMap;
use std::path::Path;

/// A PNG of `width`×`height` with some detail (so its copies are smaller than it).
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x * 7 % 251) as u8, (y * 13 % 241) as u8, ((x ^ y) % 256) as u8])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).expect("encode png");
    out.into_inner()
}

fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 120]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg).expect("encode jpeg");
    out.into_inner()
}

fn report(body: &str) -> String {
    format!("---\ntitle: A report\ndate: 2018-02-15\n---\n\n{body}\n")
}

fn image_site() -> tempfile::TempDir {
    let dir = site(&[
        ("content/reports/a.md", &report("Rates rose.\n\n![Use rate by county](chart.png \"Figure 1. Use rate\")\n")),
        ("content/reports/b.md", &report("A photo ![Market day](photo.jpg) and a logo ![Logo](/img/logo.png).")),
    ]);
    write(dir.path(), "content/reports/chart.png", png(1200, 600));
    write(dir.path(), "content/reports/b/photo.jpg", jpeg(800, 400));
    write(dir.path(), "static/img/logo.png", png(300, 100));
    dir
}

fn webp_width(bytes: &[u8]) -> u32 {
    image::load_from_memory_with_format(bytes, image::ImageFormat::WebP).expect("a WebP copy").width()
}

/// The cache's files and when each was last written.
fn cache_state(root: &Path) -> BTreeMap<String, std::time::SystemTime> {
    std::fs::read_dir(root.join(".seedbed-cache/images"))
        .expect("the cache folder")
        .flatten()
        .map(|e| {
            (e.file_name().to_string_lossy().into_owned(), e.metadata().and_then(|m| m.modified()).expect("mtime"))
        })
        .collect()
}

#[test]
fn images_beside_the_page_in_its_folder_and_in_static_get_their_size_and_copies() {
    let dir = image_site();
    let out = build(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let a = read(dir.path(), "public/reports/a/index.html");
    assert!(a.contains("<figure><picture><source type=\"image/webp\" srcset=\"/reports/chart-480w.webp 480w, /reports/chart-960w.webp 960w, /reports/chart-1200w.webp 1200w\""), "{a}");
    assert!(a.contains("<img src=\"/reports/chart.png\" alt=\"Use rate by county\" width=\"1200\" height=\"600\" loading=\"lazy\" decoding=\"async\"></picture><figcaption>Figure 1. Use rate</figcaption></figure>"), "{a}");
    for width in [480, 960, 1200] {
        let copy = std::fs::read(dir.path().join(format!("public/reports/chart-{width}w.webp"))).expect("copy");
        assert_eq!(webp_width(&copy), width);
    }
    let b = read(dir.path(), "public/reports/b/index.html");
    assert!(b.contains("<p>A photo <picture>"), "an image inside a paragraph stays inline: {b}");
    assert!(b.contains("<img src=\"/reports/b/photo.jpg\" alt=\"Market day\" width=\"800\" height=\"400\""), "{b}");
    assert!(b.contains("<img src=\"/img/logo.png\" alt=\"Logo\" width=\"300\" height=\"100\""), "{b}");
}

#[test]
fn a_rebuild_with_unchanged_images_encodes_nothing_and_gives_the_same_bytes() {
    let dir = image_site();
    assert_eq!(build(dir.path(), &[]).status.code(), Some(0));
    let (first, cached) = (tree(&dir.path().join("public")), cache_state(dir.path()));
    assert_eq!(cached.len(), 3 + 2 + 1, "480, 960 and 1200 px; 480 and 800; 300");
    std::fs::remove_dir_all(dir.path().join("public")).expect("remove output");
    assert_eq!(build(dir.path(), &[]).status.code(), Some(0));
    assert_eq!(cache_state(dir.path()), cached, "no copy made or written again");
    assert_eq!(tree(&dir.path().join("public")), first);
    // A changed image gets new copies and its new size.
    write(dir.path(), "content/reports/chart.png", png(900, 600));
    assert_eq!(build(dir.path(), &[]).status.code(), Some(0));
    assert!(read(dir.path(), "public/reports/a/index.html").contains("width=\"900\" height=\"600\""));
    assert_eq!(cache_state(dir.path()).len(), cached.len() + 2, "480 and 900 px of the new image");
}

#[test]
fn an_image_cache_linked_out_of_the_site_is_neither_read_nor_written() {
    let dir = image_site();
    let outside = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(outside.path().join("images")).expect("mkdir");
    std::os::unix::fs::symlink(outside.path(), dir.path().join(".seedbed-cache")).expect("symlink");
    let out = build(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(tree(outside.path()).is_empty(), "nothing written outside the site");
    let copy = std::fs::read(dir.path().join("public/reports/chart-480w.webp")).expect("copy");
    assert_eq!(webp_width(&copy), 480);
}

#[test]
fn an_unreadable_image_is_a_warning_naming_it_and_the_page_still_shows_it() {
    let dir = site(&[("content/reports/a.md", &report("![A chart](chart.png)"))]);
    write(dir.path(), "content/reports/chart.png", "not a png at all");
    let out = build(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("content/reports/chart.png:1:1: warning: cannot read image"), "{}", stderr(&out));
    let a = read(dir.path(), "public/reports/a/index.html");
    assert!(
        a.contains("<p><img src=\"/reports/chart.png\" alt=\"A chart\" loading=\"lazy\" decoding=\"async\"></p>"),
        "{a}"
    );
}

#[test]
fn a_relative_link_to_a_file_beside_the_page_or_in_its_folder_gets_the_files_url() {
    let body = "See [the data](data.csv), [the slides](slides.pdf#page=3) and [an old file](gone.xlsx).";
    let dir = site(&[("content/reports/a.md", &report(body))]);
    write(dir.path(), "content/reports/data.csv", "county,rate\nA,1\n");
    write(dir.path(), "content/reports/a/slides.pdf", "%PDF-1.4\n");
    let out = build(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("content/reports/a.md:6:63: warning: linked file `gone.xlsx` is not in the site"),
        "{}",
        stderr(&out)
    );
    let a = read(dir.path(), "public/reports/a/index.html");
    assert!(a.contains("<a href=\"/reports/data.csv\">the data</a>"), "{a}");
    assert!(a.contains("<a href=\"/reports/a/slides.pdf#page=3\">the slides</a>"), "{a}");
    assert!(a.contains("<a href=\"gone.xlsx\">an old file</a>"), "kept as written: {a}");
}
