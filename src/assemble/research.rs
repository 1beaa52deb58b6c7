//! Research-publishing checks: which PDFs exist, which reports can be cited.

use crate::error::SiteError;
use crate::model::{Collection, Page};
use std::collections::BTreeMap;

/// A PDF's URL, and its size when the file is in the site.
pub(crate) type PdfLink = (String, Option<u64>);

/// For each page, the URL of its PDF when the file is in the site (with its size) or is an
/// http(s) URL; a `pdf:` naming a missing file is a warning, and the page then offers no download.
pub(crate) fn pdf_urls(pages: &[Page], assets: &BTreeMap<String, u64>) -> (Vec<Option<PdfLink>>, Vec<SiteError>) {
    let mut warnings = Vec::new();
    let urls = pages
        .iter()
        .map(|p| {
            let pdf = p.front.pdf.as_deref()?.trim();
            if pdf.starts_with("https://") || pdf.starts_with("http://") {
                return Some((pdf.to_string(), None));
            }
            let path = pdf.trim_start_matches('/');
            if let Some(&len) = assets.get(path) {
                return Some((crate::urls::static_file(path), Some(len)));
            }
            let at = p.positions.of("pdf");
            warnings.push(
                SiteError::warning(
                    &p.rel_path,
                    at.line,
                    at.column,
                    format!("`pdf: {pdf}` names a file that is not in the site"),
                )
                .with_hint("put the PDF under static/ (static/files/x.pdf is `pdf: files/x.pdf`), or remove `pdf:`"),
            );
            None
        })
        .collect();
    (urls, warnings)
}

/// Reports without the data a citation needs (authors, a date) still build, but get no
/// Google Scholar tags; say so, so the editor can add it.
pub(crate) fn citation_warnings(pages: &[Page]) -> Vec<SiteError> {
    pages
        .iter()
        .filter(|p| p.collection == Collection::Report && !is_citable(p))
        .map(|p| {
            let has_authors = p.front.authors.as_ref().is_some_and(|a| a.0.iter().any(|n| !n.trim().is_empty()));
            let missing = match (has_authors, p.date.is_some()) {
                (false, false) => "no authors and no date",
                (false, true) => "no authors",
                _ => "no date",
            };
            SiteError::whole_file_warning(
                &p.rel_path,
                format!("this report has {missing}, so no Google Scholar citation tags are emitted"),
            )
            .with_hint("add `authors:` (names or people slugs) and `date:`")
        })
        .collect()
}

/// A report can be cited when it has a title, at least one author and a date.
pub(crate) fn is_citable(p: &Page) -> bool {
    p.collection == Collection::Report
        && !p.title.trim().is_empty()
        && p.date.is_some()
        && p.front.authors.as_ref().is_some_and(|a| a.0.iter().any(|n| !n.trim().is_empty()))
}
