//! What a report's page adds: its catalogue issue and neighbours, access and the full-text
//! request, its PDF, versions and corrections, and its citation.
//!
//! Input: the site (through `Urls`) and the report's citation texts. Output: `ReportPart`.
//! Must not: format a citation (`outputs::cite` did) or a URL.

use super::super::views::{Link, Urls};
use crate::model::{Access, CitationTexts, Issue, Lang, PageId, Revision};
use crate::urls::CitationFormat;
use serde::Serialize;

#[derive(Serialize, Default)]
pub(crate) struct ReportPart {
    pub issue_label: Option<String>,
    pub issue_url: Option<String>,
    pub abstract_only: bool,
    /// How many pages the PDF has, when it could be read.
    pub pdf_pages: Option<u32>,
    pub full_text_request_url: Option<String>,
    pub pdf_url: Option<String>,
    /// "2.3 MB", for a PDF in the site.
    pub pdf_size: Option<String>,
    pub doi: Option<String>,
    pub doi_url: Option<String>,
    pub report_number: Option<String>,
    pub versions: Vec<RevisionView>,
    pub corrections: Vec<RevisionView>,
    pub citation: Option<CitationView>,
    /// The items before and after this one in its catalogue issue.
    pub issue_previous: Option<Link>,
    pub issue_next: Option<Link>,
}

#[derive(Serialize)]
pub(crate) struct RevisionView {
    pub date_display: String,
    pub note: String,
}

#[derive(Serialize)]
pub(crate) struct CitationView {
    pub apa: String,
    pub chicago: String,
    pub gbt7714: String,
    pub bib_url: String,
    pub ris_url: String,
}

pub(super) fn part(urls: &Urls, id: PageId, citation: Option<&CitationTexts>) -> ReportPart {
    let site = urls.site;
    let p = &site.pages[id];
    let f = &p.front;
    let abstract_only = f.access == Some(Access::AbstractOnly);
    let issue = issue_of(urls, id);
    let (issue_previous, issue_next) = issue.map_or((None, None), |i| neighbours(urls, i, id));
    ReportPart {
        issue_label: site.issue_label(id, p.lang),
        issue_url: issue.map(|issue| urls.issue(issue)),
        abstract_only,
        full_text_request_url: abstract_only.then(|| request_url(site, &p.title)).flatten(),
        pdf_url: site.pdf_urls[id].as_ref().map(|u| if u.starts_with('/') { urls.path(u) } else { u.clone() }),
        pdf_size: site.pdf_bytes[id].map(crate::text::file_size),
        pdf_pages: site.pdf_pages(id),
        doi: f.bare_doi().map(str::to_string),
        doi_url: f.bare_doi().map(crate::urls::doi),
        report_number: f.report_number.clone(),
        versions: revisions(f.versions.as_deref(), p.lang),
        corrections: revisions(f.corrections.as_deref(), p.lang),
        citation: citation.map(|texts| citation_view(urls, id, texts)),
        issue_previous,
        issue_next,
    }
}

fn citation_view(urls: &Urls, id: PageId, texts: &CitationTexts) -> CitationView {
    let p = &urls.site.pages[id];
    let file = |format| urls.path(&crate::urls::item_citation(&p.url_path, &p.slug, format));
    CitationView {
        apa: texts.apa.clone(),
        chicago: texts.chicago.clone(),
        gbt7714: texts.gbt7714.clone(),
        bib_url: file(CitationFormat::Bibtex),
        ris_url: file(CitationFormat::Ris),
    }
}

/// The catalogue issue a report is in.
fn issue_of<'s>(urls: &Urls<'s>, id: PageId) -> Option<&'s Issue> {
    let p = &urls.site.pages[id];
    let slug = crate::text::name_slug(p.front.series.as_ref()?);
    let series = urls.site.catalogue.iter().find(|s| s.lang == p.lang && s.slug == slug)?;
    series.issues.iter().find(|i| Some(i.volume) == p.front.volume && Some(i.number) == p.front.number)
}

/// The items before and after report `id` in its catalogue issue, when it is in one.
pub(super) fn issue_neighbours(urls: &Urls, id: PageId) -> (Option<Link>, Option<Link>) {
    issue_of(urls, id).map_or((None, None), |issue| neighbours(urls, issue, id))
}

/// The items before and after `id` in `issue` (issues list newest first).
fn neighbours(urls: &Urls, issue: &Issue, id: PageId) -> (Option<Link>, Option<Link>) {
    let Some(at) = issue.pages.iter().position(|&x| x == id) else { return (None, None) };
    let link = |step: isize| {
        let other = *issue.pages.get(at.checked_add_signed(step)?)?;
        Some(Link { name: urls.site.pages[other].title.clone(), url: urls.page(other) })
    };
    (link(-1), link(1))
}

fn revisions(list: Option<&[Revision]>, lang: Lang) -> Vec<RevisionView> {
    list.unwrap_or_default()
        .iter()
        .map(|r| RevisionView { date_display: lang.date_label(r.date.date()), note: r.note.clone() })
        .collect()
}

/// Where to ask for the full text: a form URL, or a mailto with the title in the subject.
fn request_url(site: &crate::model::Site, title: &str) -> Option<String> {
    let req = site.config.full_text_request.as_ref()?;
    req.url.clone().or_else(|| {
        req.email.as_ref().map(|e| {
            format!(
                "mailto:{e}?subject={}",
                crate::text::percent_encode_component(&format!("Full text request: {title}"))
            )
        })
    })
}
