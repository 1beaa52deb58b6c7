//! The view of one item's page: what every item shows, plus the part its kind adds
//! (`report`, `proceedings`, `story`). The parts are flattened into one `item` value, so a
//! template reads `item.citation` or `item.programme` whatever the kind.
//!
//! Input: the assembled site (through `Urls`) and what the output modules made for the item
//! (its citation texts). Output: serialize-only views. Must not: format a URL (`crate::urls`
//! does) or compute anything another stage owns (citations, calendars).

mod proceedings;
mod report;
mod story;

use super::views::{Link, Urls};
use crate::model::{CitationTexts, ContentDate, Heading, Lang, PageId};
use serde::Serialize;

#[derive(Serialize)]
pub(super) struct ItemView<'a> {
    pub title: &'a str,
    pub kind: &'static str,
    pub date: Option<String>,
    pub date_display: Option<String>,
    pub updated_display: Option<String>,
    pub summary: Option<&'a str>,
    /// `None` for abstract-only reports: their body is not published.
    pub body_html: Option<String>,
    pub toc: Vec<&'a Heading>,
    pub reading_minutes: usize,
    pub authors: Vec<Link>,
    pub topics: Vec<Link>,
    pub regions: Vec<Link>,
    pub related: Vec<Link>,
    pub extra: &'a serde_yaml::Value,
    #[serde(flatten)]
    pub report: report::ReportPart,
    #[serde(flatten)]
    pub proceedings: proceedings::ProceedingsPart<'a>,
    #[serde(flatten)]
    pub story: story::StoryPart,
}

/// What an item's page shows of other pages and of the site's structure, besides the item
/// itself. Keep it in step with `view` and `meta::item`: when an item and these are unchanged
/// (and so are the config and templates), so is its page, and `serve` does not render it again.
#[derive(PartialEq)]
pub(super) struct Surroundings {
    translations: Vec<(Lang, String)>,
    related: Vec<Link>,
    authors: Vec<Link>,
    /// The authors' affiliations (the page's Scholar tags and JSON-LD name them).
    affiliations: Vec<Option<String>>,
    pdf_url: Option<String>,
    pdf_bytes: Option<u64>,
    issue_previous: Option<Link>,
    issue_next: Option<Link>,
}

pub(super) fn surroundings(urls: &Urls, id: PageId) -> Surroundings {
    let site = urls.site;
    let (issue_previous, issue_next) = report::issue_neighbours(urls, id);
    Surroundings {
        translations: site.translations[id]
            .iter()
            .map(|&t| (site.pages[t].lang, site.pages[t].url_path.clone()))
            .collect(),
        related: related(urls, id),
        authors: urls.authors_of(id),
        affiliations: site.page_authors[id].iter().map(|&a| site.affiliation(a).map(str::to_string)).collect(),
        pdf_url: site.pdf_urls[id].clone(),
        pdf_bytes: site.pdf_bytes[id],
        issue_previous,
        issue_next,
    }
}

static NULL: serde_yaml::Value = serde_yaml::Value::Null;

/// The view of item `id`, with its citation texts when it is citable.
pub(super) fn view<'s>(
    urls: &Urls<'s>,
    id: PageId,
    citation: Option<&CitationTexts>,
    body: &super::figure::BodyParts,
) -> ItemView<'s> {
    let site = urls.site;
    let p = &site.pages[id];
    let f = &p.front;
    let report = report::part(urls, id, citation);
    ItemView {
        title: &p.title,
        kind: p.collection.kind(),
        date: p.date.map(ContentDate::iso),
        date_display: p.date.map(|d| p.lang.date_label(d.date())),
        updated_display: f.updated.map(|d| p.lang.date_label(d.date())),
        summary: f.summary.as_deref(),
        body_html: (!report.abstract_only).then(|| super::figure::body_html(site, body, id)),
        toc: p.headings.iter().filter(|h| h.level == 2).collect(),
        reading_minutes: p.word_count.div_ceil(220).max(1),
        authors: urls.authors_of(id),
        topics: terms(urls, id, "topics", f.topics.as_ref()),
        regions: terms(urls, id, "regions", f.regions.as_ref()),
        related: related(urls, id),
        extra: f.extra.as_ref().unwrap_or(&NULL),
        report,
        proceedings: proceedings::part(urls, id),
        story: story::part(p),
    }
}

/// Links to the terms an item lists under `taxonomy`, when the site has that taxonomy.
fn terms(urls: &Urls, id: PageId, taxonomy: &str, names: Option<&crate::model::StringList>) -> Vec<Link> {
    let p = &urls.site.pages[id];
    if !urls.site.config.taxonomies.iter().any(|x| x == taxonomy) {
        return Vec::new();
    }
    names
        .map(|l| {
            l.0.iter()
                .map(|n| Link {
                    name: n.clone(),
                    url: urls.path(&crate::urls::term(p.lang, taxonomy, &crate::text::name_slug(n))),
                })
                .collect()
        })
        .unwrap_or_default()
}

fn related(urls: &Urls, id: PageId) -> Vec<Link> {
    let site = urls.site;
    site.related[id].iter().map(|&r| Link { name: site.pages[r].title.clone(), url: urls.page(r) }).collect()
}
