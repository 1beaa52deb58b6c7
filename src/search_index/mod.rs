//! Stage 5: the search index: static JSON under `search/` that the client module
//! (`static/search/search.mjs`) queries with no server.
//!
//! Input: the assembled `Site`. Output: `search/manifest.json` (document count, scoring constants,
//! the first term of each shard, the vocabulary files), `search/t/N.json` (term shards),
//! `search/v/X.json` (vocabulary by first character), `search/facets.json` (filters) and
//! `search/f/N.json` (one fragment per document: what a result shows). Must not: index drafts,
//! future items or the body of abstract-only reports.

mod blocks;
mod facets;
mod postings;
mod tokens;

pub use blocks::BlockMemo;
pub use facets::FACETS;
pub use postings::{FIELDS, K1};
pub use tokens::{is_han, tokens};

use crate::model::{Access, OutputFile, Page, Site};
use rayon::prelude::*;
use serde::Serialize;
use std::borrow::Cow;

/// Characters of plain text a fragment keeps for snippets.
const FRAGMENT_TEXT: usize = 1200;

/// The body's text, or nothing for an abstract-only report (its body, headings included, is not
/// published, so not indexed or shown).
fn published_body(p: &Page) -> &str {
    if p.front.access == Some(Access::AbstractOnly) { "" } else { p.text.as_str() }
}

/// The five fields of a document, in `FIELDS` order.
fn fields<'a>(site: &Site, p: &'a Page, id: usize) -> [Cow<'a, str>; 5] {
    let body = published_body(p);
    let headings: Vec<&str> = if p.front.access == Some(Access::AbstractOnly) {
        Vec::new()
    } else {
        p.headings.iter().map(|h| h.text.as_str()).collect()
    };
    let authors = site.page_authors[id].iter().map(|&a| site.authors[a].name.as_str()).collect::<Vec<_>>().join(" ");
    let summary = p.front.summary.as_deref().unwrap_or_default();
    [
        Cow::Borrowed(p.title.as_str()),
        Cow::Owned(headings.join(" ")),
        Cow::Owned(authors),
        Cow::Borrowed(summary),
        Cow::Borrowed(body),
    ]
}

#[derive(Serialize)]
struct Manifest<'a> {
    version: u32,
    docs: usize,
    k1: f64,
    /// Stored weights are the BM25F term weight times this.
    weight_scale: f64,
    /// The first term of each shard, sorted: shard `i` holds terms from `shards[i]` up to `shards[i + 1]`.
    shards: Vec<String>,
    /// Keys of the vocabulary files that exist (`v/KEY.json`).
    vocabulary: Vec<&'a str>,
}

#[derive(Serialize)]
struct Fragment<'a> {
    url: String,
    slug: &'a str,
    title: &'a str,
    collection: &'static str,
    lang: &'static str,
    date: Option<String>,
    text: String,
}

/// Page ids in document order: by collection, language, newest first, then URL. Grouping keeps
/// the collection, language and year filters to a few runs each.
fn document_order(site: &Site) -> Vec<usize> {
    let mut order: Vec<usize> = (0..site.pages.len()).collect();
    order.sort_by(|&a, &b| {
        let (p, q) = (&site.pages[a], &site.pages[b]);
        (p.collection, p.lang, std::cmp::Reverse(p.date), &p.url_path).cmp(&(
            q.collection,
            q.lang,
            std::cmp::Reverse(q.date),
            &q.url_path,
        ))
    });
    order
}

/// The text indexed for each document, in document order (the client's document ids): the
/// fields joined by line breaks. For tests that check search results against the text.
pub fn indexed_text(site: &Site) -> Vec<String> {
    document_order(site).into_iter().map(|id| fields(site, &site.pages[id], id).join("\n")).collect()
}

pub fn files(site: &Site) -> Vec<OutputFile> {
    files_unless(site, &|| false, None).unwrap_or_default()
}

/// Like `files`, but gives up (`None`) as soon as it sees `stop` say so (`serve` builds the
/// index after reloading pages, and a newer change must not wait for it); with `memo`, only
/// the blocks of documents that changed since the last call are tokenised again.
pub fn files_unless(
    site: &Site,
    stop: &(dyn Fn() -> bool + Sync),
    memo: Option<&mut blocks::BlockMemo>,
) -> Option<Vec<OutputFile>> {
    let started = std::time::Instant::now();
    let order = document_order(site);
    let Some(memo) = memo else {
        let blocks = blocks::all(site, &order, stop)?;
        return from_blocks(site, &order, &blocks, stop, started);
    };
    let (keys, blocks) = blocks::changed(site, &order, stop, memo)?;
    let files = from_blocks(site, &order, &blocks, stop, started);
    memo.keep(keys, blocks);
    files
}

/// The index's files from its documents' blocks.
fn from_blocks(
    site: &Site,
    order: &[usize],
    blocks: &[postings::Block],
    stop: &(dyn Fn() -> bool + Sync),
    started: std::time::Instant,
) -> Option<Vec<OutputFile>> {
    log::debug!("search: tokenised {} documents in {:?}", order.len(), started.elapsed());
    let postings = postings::postings(blocks, stop)?;
    log::debug!("search: postings of {} terms at {:?}", postings.len(), started.elapsed());
    let (shards, vocabulary) = rayon::join(|| postings::shards(&postings), || postings::vocabulary(&postings));
    log::debug!("search: {} shards at {:?}", shards.len(), started.elapsed());
    let manifest = Manifest {
        version: 3,
        docs: order.len(),
        k1: postings::K1,
        weight_scale: postings::WEIGHT_SCALE,
        shards: shards.iter().map(|(first, _)| first.clone()).collect(),
        vocabulary: vocabulary.iter().map(|(key, _)| key.as_str()).collect(),
    };
    let mut files = vec![
        OutputFile::text("search/manifest.json", serde_json::to_string(&manifest).unwrap_or_default()),
        OutputFile::text(
            "search/facets.json",
            facets::json(&order.iter().map(|&id| &site.pages[id]).collect::<Vec<_>>()),
        ),
    ];
    files.extend(vocabulary.into_iter().map(|(key, json)| OutputFile::text(format!("search/v/{key}.json"), json)));
    files.extend(
        shards.into_iter().enumerate().map(|(i, (_, json))| OutputFile::text(format!("search/t/{i}.json"), json)),
    );
    log::debug!("search: manifest, facets, vocabulary at {:?}", started.elapsed());
    let fragments: Option<Vec<OutputFile>> = order
        .par_iter()
        .enumerate()
        .map(|(doc, &id)| (!stop()).then(|| fragment(site, &site.pages[id], doc)))
        .collect();
    files.extend(fragments?);
    Some(files)
}

fn fragment(site: &Site, p: &Page, doc: usize) -> OutputFile {
    let summary = p.front.summary.as_deref().unwrap_or_default();
    let body = published_body(p);
    let gap = if summary.is_empty() || body.is_empty() { "" } else { " " };
    let text: String = summary.chars().chain(gap.chars()).chain(body.chars()).take(FRAGMENT_TEXT).collect();
    let f = Fragment {
        url: format!("{}{}", site.config.base_path(), p.url_path),
        slug: &p.slug,
        title: &p.title,
        collection: p.collection.kind(),
        lang: p.lang.code(),
        date: p.date.map(|d| d.date().to_string()),
        text,
    };
    OutputFile::text(format!("search/f/{doc}.json"), serde_json::to_string(&f).unwrap_or_default())
}
