//! The view of a person's page header (their works are a paged list, like any listing).
//!
//! Input: an author of the assembled site. Output: `PersonView`. Must not: format a URL.

use super::views::Urls;
use crate::model::Author;
use serde::Serialize;

#[derive(Serialize)]
pub(super) struct PersonView<'a> {
    pub name: &'a str,
    pub url: String,
    pub affiliation: Option<&'a str>,
    pub role: Option<&'a str>,
    pub summary: Option<&'a str>,
    pub body_html: Option<String>,
}

pub(super) fn person_view<'s>(urls: &Urls<'s>, a: &'s Author, body: &super::figure::BodyParts) -> PersonView<'s> {
    let page = a.page.map(|id| &urls.site.pages[id]);
    PersonView {
        name: &a.name,
        url: urls.author(a),
        affiliation: page.and_then(|p| p.front.affiliation.as_deref()),
        role: page.and_then(|p| p.front.role.as_deref()),
        summary: page.and_then(|p| p.front.summary.as_deref()),
        body_html: a.page.map(|id| super::figure::body_html(urls.site, body, id)),
    }
}
