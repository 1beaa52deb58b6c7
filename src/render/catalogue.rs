//! Views of the catalogue: a series and its issues, an issue with its reports and citation files.
//!
//! Input: the catalogue of the assembled site. Output: serialize-only views. Must not: format a
//! URL (`crate::urls` does) or decide what is citable (assemble did).

use super::views::{EntryView, Link, Urls};
use crate::model::{Issue, Series};
use crate::urls::CitationFormat;
use serde::Serialize;

#[derive(Serialize)]
pub(super) struct IssueView<'a> {
    pub label: String,
    pub url: String,
    /// Citation files of the issue's citable reports, when it has any.
    pub bib_url: Option<String>,
    pub ris_url: Option<String>,
    pub volume: u32,
    pub number: u32,
    pub year: i16,
    pub count: usize,
    pub entries: Vec<EntryView<'a>>,
}

pub(super) fn issue_view<'s>(urls: &Urls<'s>, s: &Series, i: &Issue, limit: usize) -> IssueView<'s> {
    let label = s.lang.issue_label(&s.name, i.volume, i.number, Some(i.year));
    let citable = i.pages.iter().any(|&id| urls.site.citable[id]);
    let file = |format| urls.path(&crate::urls::issue_citation(&i.url_path, &s.slug, i.volume, i.number, format));
    IssueView {
        label,
        url: urls.issue(i),
        bib_url: citable.then(|| file(CitationFormat::Bibtex)),
        ris_url: citable.then(|| file(CitationFormat::Ris)),
        volume: i.volume,
        number: i.number,
        year: i.year,
        count: i.pages.len(),
        entries: i.pages.iter().take(limit).map(|&id| urls.entry(id, s.lang)).collect(),
    }
}

pub(super) fn issue_link(urls: &Urls, s: &Series, i: &Issue) -> Link {
    let v = issue_view(urls, s, i, 0);
    Link { name: v.label, url: v.url }
}

#[derive(Serialize)]
pub(super) struct SeriesView<'a> {
    pub name: &'a str,
    /// The language of `name`, when it is not the page's (a series only untranslated reports are in).
    pub lang: Option<&'static str>,
    pub url: String,
    pub issues: Vec<IssueView<'a>>,
}

pub(super) fn series_view<'s>(urls: &Urls<'s>, s: &'s Series) -> SeriesView<'s> {
    SeriesView {
        name: &s.name,
        lang: (s.name_lang != s.lang).then(|| s.name_lang.code()),
        url: urls.series(s),
        issues: s.issues.iter().map(|i| issue_view(urls, s, i, 0)).collect(),
    }
}
