//! Stage 5: `sitemap.xml` (every page, with `hreflang` alternates for translated items) and
//! `robots.txt` pointing at it.
//!
//! Input: the assembled `Site` and the URL paths of the rendered pages. Output: two `OutputFile`s.
//! Must not: read the clock: `lastmod` comes from the items' own dates.

use crate::model::{OutputFile, PageId, Site};
use crate::urls;
use std::fmt::Write as _;

/// `pages`: the URL path of every HTML page, with the item it shows if it shows one.
pub(crate) fn files(site: &Site, pages: &[(String, Option<PageId>)]) -> Vec<OutputFile> {
    let mut xml = String::from(concat!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
        "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n"
    ));
    for (path, item) in pages {
        let _ = write!(xml, "<url><loc>{}</loc>", escape(&site.config.permalink(path)));
        if let Some(id) = *item {
            let p = &site.pages[id];
            if let Some(d) = p.front.updated.or(p.date) {
                let _ = write!(xml, "<lastmod>{}</lastmod>", d.date());
            }
            if !site.translations[id].is_empty() {
                for &t in std::iter::once(&id).chain(&site.translations[id]) {
                    let alt = &site.pages[t];
                    let href = escape(&site.config.permalink(&alt.url_path));
                    let _ =
                        write!(xml, "<xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{href}\"/>", alt.lang.code());
                }
            }
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    let robots = format!("User-agent: *\nAllow: /\n\nSitemap: {}\n", site.config.permalink(urls::SITEMAP));
    vec![
        OutputFile::text(urls::output_file(urls::SITEMAP), xml),
        OutputFile::text(urls::output_file(urls::ROBOTS), robots),
    ]
}

fn escape(text: &str) -> String {
    crate::text::escape_html(&crate::text::xml_safe(text))
}
