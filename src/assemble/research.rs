//! Research-publishing checks: which PDFs exist and which the public may fetch, which reports
//! can be cited.

use crate::error::SiteError;
use crate::model::{Access, Collection, Page, PdfText};
use std::collections::{BTreeMap, BTreeSet};

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
            // An abstract-only report's own PDF is not published: its page offers a request.
            if is_withheld(p) {
                return None;
            }
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

/// Whether `page` is an abstract-only report naming a PDF among the site's files.
fn is_withheld(page: &Page) -> bool {
    page.front.access == Some(Access::AbstractOnly) && page.front.local_pdf().is_some()
}

/// The site's files that only abstract-only reports name as their PDF: left out of the output.
pub(crate) fn withheld_pdfs(pages: &[Page]) -> BTreeSet<String> {
    let public: BTreeSet<&str> = pages.iter().filter(|p| !is_withheld(p)).filter_map(|p| p.front.local_pdf()).collect();
    pages
        .iter()
        .filter(|p| is_withheld(p))
        .filter_map(|p| p.front.local_pdf())
        .filter(|p| !public.contains(p))
        .map(str::to_string)
        .collect()
}

/// By page: the index in `texts` of its PDF's text, when the public may read the PDF.
pub(crate) fn pdf_texts_of(pages: &[Page], texts: &[PdfText]) -> Vec<Option<usize>> {
    pages
        .iter()
        .map(|p| {
            let pdf = p.front.local_pdf().filter(|_| p.front.access != Some(Access::AbstractOnly))?;
            texts.binary_search_by(|t| t.path.as_str().cmp(pdf)).ok()
        })
        .collect()
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
