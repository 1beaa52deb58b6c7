//! Stage 5: feeds. Atom 1.0 and RSS 2.0 for the whole site, each collection and each topic, in
//! each language; JSON Feed 1.1 for the whole site.
//!
//! Input: the assembled `Site`. Output: `OutputFile`s (`atom.xml`, `rss.xml`, `feed.json` beside
//! the page they follow). Must not: read the clock (every date comes from content), or let a
//! character that XML forbids into a feed.

use crate::model::{Collection, Lang, OutputFile, PageId, Site};
use crate::text::xml_safe;
use crate::urls::{self, FeedFormat};
use serde::Serialize;

/// How many items a feed carries: the newest.
pub(crate) const FEED_ITEMS: usize = 20;

/// One feed before it is written in any format.
struct FeedSpec {
    lang: Lang,
    title: String,
    /// URL path of the page the feed follows, which is also the folder the files go in.
    page_path: String,
    items: Vec<PageId>,
}

/// Every feed of the site; `label` gives the UI string for a key in a language (feed titles).
pub(crate) fn all(site: &Site, label: &dyn Fn(Lang, &str) -> String) -> Vec<OutputFile> {
    let mut files = Vec::new();
    for spec in specs(site, label) {
        let file = |format| urls::output_file(&urls::feed(&spec.page_path, format));
        files.push(OutputFile::text(file(FeedFormat::Atom), atom(site, &spec)));
        files.push(OutputFile::text(file(FeedFormat::Rss), rss(site, &spec)));
        if spec.page_path == urls::home(spec.lang) {
            files.push(OutputFile::text(file(FeedFormat::Json), json_feed(site, &spec)));
        }
    }
    files
}

fn specs(site: &Site, label: &dyn Fn(Lang, &str) -> String) -> Vec<FeedSpec> {
    let mut specs = Vec::new();
    for &lang in &site.config.languages {
        let dated: Vec<PageId> = site.listed(lang).iter().copied().take(FEED_ITEMS).collect();
        let site_title = site.config.title.get(lang).to_string();
        specs.push(FeedSpec { lang, title: site_title.clone(), page_path: urls::home(lang), items: dated });
        for c in [Collection::Report, Collection::Proceedings, Collection::Story] {
            let ids = site.collection(c, lang);
            specs.push(FeedSpec {
                lang,
                title: format!("{site_title}: {}", label(lang, &format!("title_{}", c.dir()))),
                page_path: urls::listing(c, lang),
                items: ids.iter().copied().take(FEED_ITEMS).collect(),
            });
        }
        for tax in site.taxonomies.iter().filter(|t| t.lang == lang && t.name == "topics") {
            for term in &tax.terms {
                specs.push(FeedSpec {
                    lang,
                    title: format!("{site_title}: {}", term.name),
                    page_path: term.url_path.clone(),
                    items: term.pages.iter().copied().take(FEED_ITEMS).collect(),
                });
            }
        }
    }
    specs
}

/// RFC 3339 time of an item's date at midnight (or its time) in the site's time zone.
fn rfc3339(site: &Site, date: crate::model::ContentDate) -> String {
    match date.0.in_tz(&site.config.timezone) {
        Ok(z) => z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
        Err(_) => format!("{}Z", date.0.strftime("%Y-%m-%dT%H:%M:%S")),
    }
}

fn rfc2822(site: &Site, date: crate::model::ContentDate) -> String {
    date.0
        .in_tz(&site.config.timezone)
        .ok()
        .and_then(|z| jiff::fmt::rfc2822::to_string(&z).ok())
        .unwrap_or_else(|| date.0.strftime("%a, %d %b %Y %H:%M:%S +0000").to_string())
}

/// The newest item date in the feed, so a feed changes only when its content does.
fn updated(site: &Site, spec: &FeedSpec) -> Option<crate::model::ContentDate> {
    spec.items.iter().filter_map(|&i| site.pages[i].date).max()
}

fn atom(site: &Site, spec: &FeedSpec) -> String {
    use atom_syndication::{Entry, Feed, FixedDateTime, Person, Text};
    let time = |d| FixedDateTime::parse_from_rfc3339(&rfc3339(site, d)).unwrap_or_default();
    let page_url = site.config.permalink(&spec.page_path);
    let mut feed = Feed::default();
    feed.set_title(Text::plain(xml_safe(&spec.title)));
    feed.set_id(page_url.clone());
    feed.set_lang(Some(spec.lang.code().to_string()));
    feed.set_updated(updated(site, spec).map(time).unwrap_or_default());
    feed.set_links(vec![
        link(&page_url, "alternate"),
        link(&site.config.permalink(&urls::feed(&spec.page_path, FeedFormat::Atom)), "self"),
    ]);
    let entries = spec.items.iter().map(|&id| {
        let p = &site.pages[id];
        let url = site.config.permalink(&p.url_path);
        let mut e = Entry::default();
        // An untranslated item in another language's feed says which language its text is in.
        let own = |text: &str| Text {
            lang: (p.lang != spec.lang).then(|| p.lang.code().into()),
            ..Text::plain(xml_safe(text))
        };
        e.set_title(own(&p.title));
        e.set_id(url.clone());
        e.set_links(vec![link(&url, "alternate")]);
        e.set_updated(p.front.updated.or(p.date).map(time).unwrap_or_default());
        e.set_published(p.date.map(time));
        e.set_summary(p.front.summary.as_deref().map(own));
        let authors = site.page_authors[id]
            .iter()
            .map(|&a| Person { name: xml_safe(&site.authors[a].name), ..Default::default() });
        e.set_authors(authors.collect::<Vec<_>>());
        e
    });
    feed.set_entries(entries.collect::<Vec<_>>());
    feed.to_string()
}

fn link(href: &str, rel: &str) -> atom_syndication::Link {
    atom_syndication::Link { href: href.to_string(), rel: rel.to_string(), ..Default::default() }
}

fn rss(site: &Site, spec: &FeedSpec) -> String {
    let page_url = site.config.permalink(&spec.page_path);
    let items: Vec<rss::Item> = spec
        .items
        .iter()
        .map(|&id| {
            let p = &site.pages[id];
            let url = site.config.permalink(&p.url_path);
            rss::Item {
                title: Some(xml_safe(&p.title)),
                link: Some(url.clone()),
                description: p.front.summary.as_deref().map(xml_safe),
                guid: Some(rss::Guid { value: url, permalink: true }),
                pub_date: p.date.map(|d| rfc2822(site, d)),
                // RSS has no language per item: Dublin Core's says an untranslated item's.
                dublin_core_ext: (p.lang != spec.lang).then(|| rss::extension::dublincore::DublinCoreExtension {
                    languages: vec![p.lang.code().to_string()],
                    ..Default::default()
                }),
                ..Default::default()
            }
        })
        .collect();
    let channel = rss::Channel {
        title: xml_safe(&spec.title),
        link: page_url,
        description: xml_safe(site.config.description.get(spec.lang)),
        language: Some(spec.lang.code().to_string()),
        last_build_date: updated(site, spec).map(|d| rfc2822(site, d)),
        namespaces: items
            .iter()
            .any(|i| i.dublin_core_ext.is_some())
            .then(|| ("dc".to_string(), rss::extension::dublincore::NAMESPACE.to_string()))
            .into_iter()
            .collect(),
        items,
        ..Default::default()
    };
    channel.to_string()
}

#[derive(Serialize)]
struct JsonFeed<'a> {
    version: &'static str,
    title: &'a str,
    home_page_url: String,
    feed_url: String,
    language: &'static str,
    items: Vec<JsonItem>,
}

#[derive(Serialize)]
struct JsonItem {
    id: String,
    url: String,
    title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<String>,
    content_text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    date_published: Option<String>,
    /// An untranslated item's own language, in another language's feed.
    #[serde(skip_serializing_if = "Option::is_none")]
    language: Option<&'static str>,
    authors: Vec<JsonAuthor>,
}

#[derive(Serialize)]
struct JsonAuthor {
    name: String,
}

fn json_feed(site: &Site, spec: &FeedSpec) -> String {
    let items = spec.items.iter().map(|&id| {
        let p = &site.pages[id];
        let url = site.config.permalink(&p.url_path);
        let summary = p.front.summary.clone();
        JsonItem {
            id: url.clone(),
            url,
            title: p.title.clone(),
            content_text: summary
                .clone()
                .unwrap_or_else(|| p.date.map(|d| p.lang.date_label(d.date())).unwrap_or_default()),
            summary,
            date_published: p.date.map(|d| rfc3339(site, d)),
            language: (p.lang != spec.lang).then(|| p.lang.code()),
            authors: site.page_authors[id].iter().map(|&a| JsonAuthor { name: site.authors[a].name.clone() }).collect(),
        }
    });
    let feed = JsonFeed {
        version: "https://jsonfeed.org/version/1.1",
        title: &spec.title,
        home_page_url: site.config.permalink(&spec.page_path),
        feed_url: site.config.permalink(&urls::feed(&spec.page_path, FeedFormat::Json)),
        language: spec.lang.code(),
        items: items.collect(),
    };
    serde_json::to_string_pretty(&feed).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_safe_drops_only_forbidden_characters() {
        assert_eq!(xml_safe("a\u{0}b\u{1b}c\td\u{fffe}é中"), "abc\td\u{e9}中");
    }
}
