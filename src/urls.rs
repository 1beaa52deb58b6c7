//! Every public URL path of a site, in one place.
//!
//! Input: languages, collections, slugs, numbers. Output: URL paths below the site root, starting
//! with `/` (`/zh/reports/x/`), and the output file each is written to. Parse and assemble call
//! these once and store the result in the model (`Page::url_path`, `Author::url_path`, …); the
//! later stages read what is stored, and for the few per-language pages (home, listings, search)
//! call the function here. Must not: add the base path (`render::Urls` does, for templates) or
//! know anything but the shape of a URL.

use crate::model::{Collection, Lang};

/// A language's home page: `/`, `/zh/`.
pub(crate) fn home(lang: Lang) -> String {
    lang.prefix().to_string()
}

/// An item: `/reports/x/`; a plain page sits at the top of its language: `/about/`.
pub(crate) fn item(collection: Collection, lang: Lang, slug: &str) -> String {
    match collection {
        Collection::Page => format!("{}{slug}/", lang.prefix()),
        c => format!("{}{}/{slug}/", lang.prefix(), c.dir()),
    }
}

/// A collection's listing: `/reports/` (for people, the people index).
pub(crate) fn listing(collection: Collection, lang: Lang) -> String {
    match collection {
        Collection::Page => home(lang),
        c => format!("{}{}/", lang.prefix(), c.dir()),
    }
}

/// A sent catalogue digest as a web page: `/digests/2026-11-28/`, `/zh/digests/2026-11-28/`.
pub(crate) fn digest_archive(id: &str, lang: Lang) -> String {
    format!("{}digests/{id}/", lang.prefix())
}

/// Where the subscription service sends a reader after a request: `/subscription/confirmed/`.
pub(crate) fn answer_page(page: crate::model::AnswerPage, lang: Lang) -> String {
    format!("{}subscription/{}/", lang.prefix(), page.slug())
}

/// A path of the subscription service (`/subscribe`) under its public base `digest.service_url`.
pub(crate) fn service(service_url: &str, path: &str) -> String {
    format!("{}{path}", service_url.trim_end_matches('/'))
}

/// Where the subscribe form posts: the service's `/subscribe`, else `digest.subscribe_endpoint`.
pub(crate) fn subscribe_form(digest: &crate::model::DigestConfig) -> Option<String> {
    match &digest.service_url {
        Some(base) => Some(service(base, "/subscribe")),
        None => digest.subscribe_endpoint.clone(),
    }
}

/// The unsubscribe link of every digest, up to its token: the service's page, else
/// `digest.unsubscribe_url` (whose endpoint checks signed tokens).
pub(crate) fn unsubscribe_link(digest: &crate::model::DigestConfig) -> Option<String> {
    if let Some(base) = &digest.service_url {
        return Some(format!("{}?t=", service(base, "/unsubscribe")));
    }
    let url = digest.unsubscribe_url.as_ref()?;
    Some(format!("{url}{}s=", if url.contains('?') { '&' } else { '?' }))
}

/// A person's page: `/people/su-hongwen/`.
pub(crate) fn person(lang: Lang, slug: &str) -> String {
    item(Collection::Person, lang, slug)
}

/// A taxonomy's index (`/topics/`), including the browsing indexes `years` and `a-z`.
pub(crate) fn taxonomy(lang: Lang, name: &str) -> String {
    format!("{}{name}/", lang.prefix())
}

/// One term of a taxonomy: `/topics/rural-finance/`.
pub(crate) fn term(lang: Lang, taxonomy_name: &str, slug: &str) -> String {
    format!("{}{slug}/", taxonomy(lang, taxonomy_name))
}

/// The catalogue of every series: `/catalogue/`.
pub(crate) fn catalogue(lang: Lang) -> String {
    format!("{}catalogue/", lang.prefix())
}

/// One series: `/catalogue/research-report/`.
pub(crate) fn series(lang: Lang, slug: &str) -> String {
    format!("{}{slug}/", catalogue(lang))
}

/// One issue of a series: `/catalogue/research-report/vol-20/no-1/`.
pub(crate) fn issue(series_url: &str, volume: u32, number: u32) -> String {
    format!("{series_url}vol-{volume}/no-{number}/")
}

/// An old address an item's `aliases:` lists, as a URL path: `reports/old` → `/reports/old/`.
pub(crate) fn alias(raw: &str) -> String {
    let path = format!("/{}", raw.trim().trim_matches('/'));
    if path.ends_with(".html") || path == "/" { path } else { format!("{path}/") }
}

/// The search page: `/search/`.
pub(crate) fn search(lang: Lang) -> String {
    format!("{}search/", lang.prefix())
}

/// Page `n` (1-based) of a list whose first page is `first`: `/reports/page/2/`.
pub(crate) fn paged(first: &str, n: usize) -> String {
    if n <= 1 { first.to_string() } else { format!("{first}page/{n}/") }
}

/// The kinds of citation file an item or an issue has.
#[derive(Debug, Clone, Copy)]
pub(crate) enum CitationFormat {
    Bibtex,
    Ris,
}

impl CitationFormat {
    fn extension(self) -> &'static str {
        match self {
            CitationFormat::Bibtex => "bib",
            CitationFormat::Ris => "ris",
        }
    }
}

/// An item's citation file: `/reports/x/x.bib`.
pub(crate) fn item_citation(item_url: &str, slug: &str, format: CitationFormat) -> String {
    format!("{item_url}{slug}.{}", format.extension())
}

/// An issue's citation file (every citable report of it): `/catalogue/s/vol-1/no-2/s-vol-1-no-2.ris`.
pub(crate) fn issue_citation(
    issue_url: &str,
    series_slug: &str,
    volume: u32,
    number: u32,
    format: CitationFormat,
) -> String {
    format!("{issue_url}{series_slug}-vol-{volume}-no-{number}.{}", format.extension())
}

/// An event's calendar file: `/proceedings/x/x.ics`.
pub(crate) fn event_calendar(item_url: &str, slug: &str) -> String {
    format!("{item_url}{slug}.ics")
}

/// One session's calendar file (1-based): `/proceedings/x/x-session-2.ics`.
pub(crate) fn session_calendar(item_url: &str, slug: &str, n: usize) -> String {
    format!("{item_url}{slug}-session-{n}.ics")
}

/// The feed formats every listing with a feed has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FeedFormat {
    Atom,
    Rss,
    Json,
}

/// A listing's feed: `/reports/atom.xml`, `/zh/rss.xml`, `/topics/x/feed.json`.
pub(crate) fn feed(listing_url: &str, format: FeedFormat) -> String {
    let name = match format {
        FeedFormat::Atom => "atom.xml",
        FeedFormat::Rss => "rss.xml",
        FeedFormat::Json => "feed.json",
    };
    format!("{listing_url}{name}")
}

/// Characters a file name may have that a URL path must not hold as they are.
const PATH_ESCAPED: &percent_encoding::AsciiSet =
    &percent_encoding::CONTROLS.add(b' ').add(b'"').add(b'#').add(b'%').add(b'<').add(b'>').add(b'?').add(b'`');

/// A file copied from `static/` (or the theme, or beside content), by its path in the output:
/// `files/x.pdf` → `/files/x.pdf`, `img/use rate.png` → `/img/use%20rate.png`.
pub(crate) fn static_file(out_path: &str) -> String {
    format!("/{}", percent_encoding::utf8_percent_encode(out_path, PATH_ESCAPED))
}

/// A DOI's address: `10.1234/x` → `https://doi.org/10.1234/x`.
pub(crate) fn doi(doi: &str) -> String {
    format!("https://doi.org/{doi}")
}

/// Where the WebP copy of an image at `width` pixels goes: `reports/x/chart.png` →
/// `reports/x/chart-480w.webp`.
pub(crate) fn image_copy(out_path: &str, width: u32) -> String {
    let stem = out_path.rsplit_once('.').map_or(out_path, |(stem, _)| stem);
    format!("{stem}-{width}w.webp")
}

pub(crate) const SITEMAP: &str = "/sitemap.xml";
pub(crate) const ROBOTS: &str = "/robots.txt";
pub(crate) const NOT_FOUND: &str = "/404.html";

/// The file a URL path is written to, relative to the output folder: `/a/b/` → `a/b/index.html`,
/// `/a/x.ics` → `a/x.ics`.
pub(crate) fn output_file(url_path: &str) -> String {
    let trimmed = url_path.trim_start_matches('/');
    if trimmed.is_empty() || trimmed.ends_with('/') { format!("{trimmed}index.html") } else { trimmed.into() }
}

/// The same path in another language (`/zh/reports/` → `/reports/`): the page may not exist.
pub(crate) fn in_language(url_path: &str, lang: Lang) -> String {
    let bare = Lang::all()
        .filter(|l| l.prefix() != "/")
        .find_map(|l| url_path.strip_prefix(l.prefix()))
        .unwrap_or_else(|| url_path.trim_start_matches('/'));
    format!("{}{bare}", lang.prefix())
}

/// The first path segments of every language but the one at the root (`zh`).
pub(crate) fn language_segments() -> impl Iterator<Item = &'static str> {
    Lang::all().map(|l| l.prefix().trim_matches('/')).filter(|s| !s.is_empty())
}

/// Top-level segments seedbed's own pages use (besides the languages'): a page's slug may not
/// take one.
const RESERVED_SEGMENTS: [&str; 15] = [
    "reports",
    "proceedings",
    "stories",
    "people",
    "topics",
    "regions",
    "catalogue",
    "search",
    "page",
    "static",
    "feeds",
    "years",
    "a-z",
    "digests",
    "subscription",
];

/// Whether a page at the top of a language may not have this slug.
pub(crate) fn is_reserved_segment(slug: &str) -> bool {
    RESERVED_SEGMENTS.contains(&slug) || language_segments().any(|s| s == slug)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_by_kind() {
        assert_eq!(item(Collection::Report, Lang::Zh, "x"), "/zh/reports/x/");
        assert_eq!(item(Collection::Page, Lang::En, "about"), "/about/");
        assert_eq!(person(Lang::En, "su"), "/people/su/");
        assert_eq!(term(Lang::Zh, "topics", "credit"), "/zh/topics/credit/");
        let s = series(Lang::En, "research-report");
        assert_eq!(issue(&s, 20, 1), "/catalogue/research-report/vol-20/no-1/");
        assert_eq!(
            issue_citation(&issue(&s, 20, 1), "research-report", 20, 1, CitationFormat::Ris),
            "/catalogue/research-report/vol-20/no-1/research-report-vol-20-no-1.ris"
        );
        assert_eq!(paged("/reports/", 1), "/reports/");
        assert_eq!(paged("/reports/", 3), "/reports/page/3/");
        assert_eq!(feed("/zh/", FeedFormat::Json), "/zh/feed.json");
    }

    #[test]
    fn output_files_and_other_languages() {
        assert_eq!(output_file("/"), "index.html");
        assert_eq!(output_file("/zh/reports/"), "zh/reports/index.html");
        assert_eq!(output_file("/404.html"), "404.html");
        assert_eq!(output_file("/reports/x/x.ics"), "reports/x/x.ics");
        assert_eq!(in_language("/zh/reports/", Lang::En), "/reports/");
        assert_eq!(in_language("/reports/page/2/", Lang::Zh), "/zh/reports/page/2/");
        assert_eq!(in_language("/", Lang::Zh), "/zh/");
        assert!(language_segments().any(|s| s == "zh") && !language_segments().any(|s| s == "en"));
    }
}
