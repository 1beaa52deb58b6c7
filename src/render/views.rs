//! Template views: serialize-only structs built from the `Site` for one output page.
//! Lists carry summaries only (never bodies), so a listing's cost grows with its own size.

use crate::model::{Author, ContentDate, Issue, Lang, Page, PageId, Series, Site};
use serde::Serialize;

#[derive(Serialize, Clone, PartialEq, Eq)]
pub(crate) struct Link {
    pub name: String,
    pub url: String,
}

/// One item in a list: enough for a title, date, byline and summary. Shown in a list of another
/// language (fallback), its own text keeps its `lang` and a badge names the language; the date
/// and author links are the list's language's.
#[derive(Serialize)]
pub(crate) struct EntryView<'a> {
    pub title: &'a str,
    /// The item's language.
    pub lang: &'static str,
    /// Its language's own name (`English`), when the list is in another language.
    pub badge: Option<&'static str>,
    pub url: String,
    pub collection: &'static str,
    pub date: Option<String>,
    pub date_display: Option<String>,
    pub summary: Option<&'a str>,
    pub authors: Vec<Link>,
    pub issue_label: Option<String>,
    /// The language of `issue_label`, when it is not the list's (a series only named in the item's).
    pub issue_lang: Option<&'static str>,
}

#[derive(Serialize, Default)]
pub(crate) struct PaginationView {
    pub current: usize,
    pub total: usize,
    pub prev_url: Option<String>,
    pub next_url: Option<String>,
    pub pages: Vec<PageNumberView>,
}

#[derive(Serialize)]
pub(crate) struct PageNumberView {
    pub number: usize,
    pub url: String,
    pub current: bool,
}

/// URL helpers bound to one site: every URL a template sees includes the base path.
pub(crate) struct Urls<'s> {
    pub site: &'s Site,
}

impl<'s> Urls<'s> {
    pub(crate) fn path(&self, url_path: &str) -> String {
        format!("{}{url_path}", self.site.config.base_path())
    }

    pub(crate) fn page(&self, id: PageId) -> String {
        self.path(&self.site.pages[id].url_path)
    }

    pub(crate) fn author(&self, author: &Author) -> String {
        self.path(&author.url_path)
    }

    pub(crate) fn authors_of(&self, id: PageId) -> Vec<Link> {
        self.authors_in(id, self.site.pages[id].lang)
    }

    /// The authors of item `id` as a list in `lang` names and links them (their page in `lang`).
    pub(crate) fn authors_in(&self, id: PageId, lang: Lang) -> Vec<Link> {
        self.site.page_authors[id]
            .iter()
            .map(|&a| {
                let author = &self.site.authors[self.site.author_in(a, lang)];
                Link { name: author.name.clone(), url: self.author(author) }
            })
            .collect()
    }

    pub(crate) fn series(&self, series: &Series) -> String {
        self.path(&series.url_path)
    }

    pub(crate) fn issue(&self, issue: &Issue) -> String {
        self.path(&issue.url_path)
    }

    /// Item `id` as an entry of a list in `lang`.
    pub(crate) fn entry(&self, id: PageId, lang: Lang) -> EntryView<'s> {
        let p: &'s Page = &self.site.pages[id];
        let in_list = self.site.issue_label_in(id, lang);
        let issue_lang = (p.lang != lang && in_list.is_none()).then(|| p.lang.code());
        let label = self.site.issue_label(id, lang);
        EntryView {
            title: &p.title,
            lang: p.lang.code(),
            badge: (p.lang != lang).then(|| p.lang.spec().name),
            url: self.page(id),
            collection: p.collection.kind(),
            date: p.date.map(ContentDate::iso),
            date_display: p.date.map(|d| lang.date_label(d.date())),
            summary: p.front.summary.as_deref(),
            authors: self.authors_in(id, lang),
            issue_label: label,
            issue_lang,
        }
    }

    /// Page `n` (1-based) of a paginated list rooted at `first_url`.
    pub(crate) fn pager_url(&self, first_url: &str, n: usize) -> String {
        crate::urls::paged(first_url, n)
    }

    pub(crate) fn pagination(&self, first_url: &str, current: usize, total: usize) -> PaginationView {
        PaginationView {
            current,
            total,
            prev_url: (current > 1).then(|| self.pager_url(first_url, current - 1)),
            next_url: (current < total).then(|| self.pager_url(first_url, current + 1)),
            pages: (1..=total)
                .filter(|&n| n == 1 || n == total || n.abs_diff(current) <= 2)
                .map(|n| PageNumberView { number: n, url: self.pager_url(first_url, n), current: n == current })
                .collect(),
        }
    }
}
