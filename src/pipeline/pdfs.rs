//! The PDFs stage: the text and page count of every report PDF the public may read, taken from
//! the cache (`.seedbed-cache/pdf-text/`, keyed by the PDF's bytes) or read once, on every core.
//!
//! Input: parsed pages and the theme's files. Output: `PdfText`s sorted by path for assemble,
//! and a warning for each PDF that cannot be read. Must not: read an abstract-only report's PDF.

use crate::error::SiteError;
use crate::model::{Access, Page, PdfText, ThemeFiles};
use crate::{load, parse};
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::path::Path;

/// Part of every cache key: a change to how text is read must not reuse old texts.
const RECIPE: &str = "pdf-extract-0.12 words 1MiB";

/// Every open report's PDF among the site's files, read.
pub(crate) fn texts(root: &Path, pages: &[Page], theme: &ThemeFiles) -> (Vec<PdfText>, Vec<SiteError>) {
    let started = std::time::Instant::now();
    let wanted: BTreeSet<&str> = pages
        .iter()
        .filter(|p| p.front.access != Some(Access::AbstractOnly))
        .filter_map(|p| p.front.local_pdf())
        .collect();
    if wanted.is_empty() {
        return (Vec::new(), Vec::new());
    }
    let cache = load::pdf_text_cache(root);
    let read: Vec<Result<PdfText, SiteError>> = wanted
        .into_par_iter()
        .filter_map(|path| theme.assets.binary_search_by(|a| a.out_path.as_str().cmp(path)).ok())
        .map(|i| text(&theme.assets[i], cache.as_deref()))
        .collect();
    let (texts, problems): (Vec<_>, Vec<_>) = read.into_iter().partition(Result::is_ok);
    let texts: Vec<PdfText> = texts.into_iter().flatten().collect();
    log::debug!("pdfs: {} read in {:?}", texts.len(), started.elapsed());
    (texts, problems.into_iter().filter_map(Result::err).collect())
}

/// One PDF's text: cached, else read and cached.
fn text(asset: &crate::model::Asset, cache: Option<&Path>) -> Result<PdfText, SiteError> {
    let unreadable = |why: String| {
        SiteError::warning(&asset.origin, 1, 1, format!("cannot read the text of `{}`: {why}", asset.origin)).with_hint(
            "search will not find words only in it; save it again from the program that made it (PDF/A if it can)",
        )
    };
    let bytes = load::asset_bytes(&asset.source).map_err(|e| unreadable(e.to_string()))?;
    let name = format!("{}.txt", crate::text::content_key(RECIPE, &bytes));
    if let Some((pages, text)) =
        cache.and_then(|c| load::cached_text(c, &name)).and_then(|e| parse::pdf::from_cache(&e))
    {
        return Ok(PdfText::new(&asset.out_path, pages, &text));
    }
    let (pages, text) = parse::pdf::text(&bytes).map_err(unreadable)?;
    super::keep_in_cache(cache, &name, parse::pdf::cache_entry(pages, &text).as_bytes());
    Ok(PdfText::new(&asset.out_path, pages, &text))
}
