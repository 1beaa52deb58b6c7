//! A body's HTML as a page shows it: links' URLs put in, and each image's markup (its size,
//! WebP copies to pick from, and a figure with a caption for a titled image on its own line).
//!
//! Input: a page of the assembled site and the image table. Output: HTML. Must not: decide
//! where an image or copy is (assemble and `urls` did).

use crate::model::{BodyImage, PageId, Site};
use crate::outputs::images::{ImageFacts, ImageTable};
use crate::text::escape_html;
use std::fmt::Write as _;

/// How wide a body's images are shown: the text column, or the whole screen on a phone.
const SIZES: &str = "(min-width: 50rem) 46rem, 100vw";

/// What a body's markup needs besides the site: its images' facts and a chart's words.
pub(super) struct BodyParts<'a> {
    pub images: &'a ImageTable,
    pub chart_labels: super::embeds::ChartLabels,
}

/// Page `id`'s body HTML with its links' URLs, its images' markup, and its tables and charts in.
pub(super) fn body_html(site: &Site, parts: &BodyParts, id: PageId) -> String {
    let html = with_images(site, parts.images, id);
    super::embeds::fill(html, site, id, &parts.chart_labels)
}

fn with_images(site: &Site, images: &ImageTable, id: PageId) -> String {
    let mut html = crate::text::fill_link_placeholders(site.pages[id].body_html.unpack(), &site.link_urls[id]);
    let (shown, paths) = (&site.pages[id].images, &site.image_paths[id]);
    let base_path = site.config.base_path();
    let url = |path: &str| format!("{base_path}{}", crate::urls::static_file(path));
    if shown.iter().any(|f| f.link) {
        let urls: Vec<String> = shown
            .iter()
            .zip(paths)
            .map(|(file, path)| match path {
                Some(path) => {
                    // `#page=3` and `?v=2` go with the file's URL.
                    let suffix = file.written.find(['?', '#']).map_or("", |at| &file.written[at..]);
                    format!("{}{suffix}", url(path))
                }
                None => file.written.clone(),
            })
            .collect();
        html = crate::text::fill_href_placeholders(html, "href=\"seedbed-file:", &urls);
    }
    crate::text::fill_image_markers(html, |n, alone| {
        let image = shown.get(n)?;
        let path = paths.get(n)?.as_deref();
        let src = path.map_or_else(|| image.written.clone(), url);
        let facts = path.and_then(|p| images.get(p));
        Some(markup(image, &src, facts, alone, base_path))
    })
}

/// An image, as a figure when it is titled and alone in its paragraph, else in a paragraph
/// (alone) or inline.
fn markup(image: &BodyImage, src: &str, facts: Option<&ImageFacts>, alone: bool, base_path: &str) -> String {
    let title = image.title.trim();
    let picture = picture(image, src, facts, base_path, alone && !title.is_empty());
    match (alone, title.is_empty()) {
        (true, false) => format!("<figure>{picture}<figcaption>{}</figcaption></figure>", escape_html(title)),
        (true, true) => format!("<p>{picture}</p>"),
        (false, _) => picture,
    }
}

/// `<img>` with its size, lazy loading and alt text; inside `<picture>` with the WebP copies when
/// there are any. A title not shown as a caption stays a tooltip.
fn picture(image: &BodyImage, src: &str, facts: Option<&ImageFacts>, base_path: &str, captioned: bool) -> String {
    let mut img = format!("<img src=\"{}\" alt=\"{}\"", escape_html(src), escape_html(image.alt.trim()));
    if let Some(f) = facts {
        let _ = write!(img, " width=\"{}\" height=\"{}\"", f.width, f.height);
    }
    img.push_str(" loading=\"lazy\" decoding=\"async\"");
    if !captioned && !image.title.trim().is_empty() {
        let _ = write!(img, " title=\"{}\"", escape_html(image.title.trim()));
    }
    img.push('>');
    let Some(facts) = facts.filter(|f| !f.copies.is_empty()) else { return img };
    let srcset: Vec<String> = facts
        .copies
        .iter()
        .map(|c| format!("{base_path}{} {}w", crate::urls::static_file(&c.out_path), c.width))
        .collect();
    format!(
        "<picture><source type=\"image/webp\" srcset=\"{}\" sizes=\"{SIZES}\">{img}</picture>",
        escape_html(&srcset.join(", "))
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outputs::images::SizedCopy;

    fn image(title: &str, alt: &str) -> BodyImage {
        BodyImage {
            written: "chart.png".into(),
            candidates: Some(vec!["r/x/chart.png".into()]),
            alt: alt.into(),
            title: title.into(),
            line: 1,
            column: 1,
            link: false,
        }
    }

    #[test]
    fn a_titled_image_alone_is_a_figure_with_its_size_and_copies() {
        let copies = vec![SizedCopy { width: 480, out_path: "r/x/chart-480w.webp".into() }];
        let facts = ImageFacts { width: 1000, height: 500, copies };
        let html = markup(&image("Figure 1. Use \"rate\"", "A <chart>"), "/r/x/chart.png", Some(&facts), true, "/b");
        assert_eq!(
            html,
            "<figure><picture><source type=\"image/webp\" srcset=\"/b/r/x/chart-480w.webp 480w\" \
             sizes=\"(min-width: 50rem) 46rem, 100vw\"><img src=\"/r/x/chart.png\" alt=\"A &lt;chart&gt;\" \
             width=\"1000\" height=\"500\" loading=\"lazy\" decoding=\"async\"></picture>\
             <figcaption>Figure 1. Use &quot;rate&quot;</figcaption></figure>"
        );
    }

    #[test]
    fn an_inline_titled_image_keeps_its_title_as_a_tooltip_and_a_remote_one_has_no_size() {
        let html = markup(&image("t", "a"), "https://x.org/a.png", None, false, "");
        assert_eq!(html, "<img src=\"https://x.org/a.png\" alt=\"a\" loading=\"lazy\" decoding=\"async\" title=\"t\">");
        assert!(markup(&image("", "a"), "/a.png", None, true, "").starts_with("<p><img "));
    }
}
