//! Stage 5: the search index: static JSON under `search/` that the client module
//! (`static/search/search.mjs`) queries with no server.
//!
//! Input: the assembled `Site`. Output: `search/manifest.json` (document count, scoring constants,
//! the first term of each shard, the vocabulary files), `search/t/NAME.json` (term shards),
//! `search/n/NAME.json` (their words' pair masks, for quoted phrases),
//! `search/v/X.json` (vocabulary by first character), `search/facets.json` (filters) and
//! `search/f/N.json` (one fragment per document: what a result shows). Must not: index drafts,
//! future items or the body of abstract-only reports.

mod blocks;
mod facets;
mod kept;
mod pairs;
mod postings;
mod shards;
mod tokens;

pub use facets::FACETS;
pub use kept::{IndexMemo, IndexUpdate};
pub use postings::{FIELD_COUNT, FIELDS, K1};
pub use tokens::tokens;

use crate::model::{Access, Emit, OutputFile, Page, Site, collected};
use rayon::prelude::*;
use serde::Serialize;
use shards::TermPostings;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};

/// Says when to give up (`None`): `serve` builds the index after reloading pages, and a newer
/// change must not wait for it.
/// Asked now and then during long work: `true` means give up, the result is no longer wanted.
pub type Stop<'a> = &'a (dyn Fn() -> bool + Sync);

/// Characters of plain text a fragment keeps for snippets.
const FRAGMENT_TEXT: usize = 1200;

/// The body's text, or nothing for an abstract-only report (its body, headings included, is not
/// published, so not indexed or shown).
fn published_body(p: &Page) -> String {
    if p.front.access == Some(Access::AbstractOnly) { String::new() } else { p.text.unpack() }
}

/// The fields of a document, in `FIELDS` order.
fn fields<'a>(site: &Site, p: &'a Page, id: usize) -> [Cow<'a, str>; FIELD_COUNT] {
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
        Cow::Owned(body),
        Cow::Owned(site.pdf_text_of[id].map(|t| site.pdf_texts[t].text.unpack()).unwrap_or_default()),
    ]
}

#[derive(Serialize)]
struct Manifest<'a> {
    version: u32,
    docs: usize,
    k1: f64,
    /// Stored weights are the BM25F term weight times this, times two, plus one when the term
    /// is in the title.
    weight_scale: f64,
    /// The first term of each shard, sorted: shard `i` holds terms from `shards[i]` up to
    /// `shards[i + 1]`, in `t/NAME.json`, NAME being the hash of its first term (`shards::shard_name`).
    shards: Vec<&'a str>,
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

/// The fields indexed for each document, in `FIELDS` order, in document order (the client's
/// document ids). For tests that check search results against the text.
pub fn indexed_fields(site: &Site) -> Vec<Vec<String>> {
    let order = document_order(site);
    order.into_iter().map(|id| fields(site, &site.pages[id], id).into_iter().map(Cow::into_owned).collect()).collect()
}

/// `indexed_fields`, each document's fields joined by line breaks.
pub fn indexed_text(site: &Site) -> Vec<String> {
    indexed_fields(site).into_iter().map(|fields| fields.join("\n")).collect()
}

/// Every file of the search index of `site`, in memory (benchmarks and tests; `emit_files`
/// is what a build uses).
pub fn files(site: &Site) -> Vec<OutputFile> {
    collected(|emit| emit_files(site, emit)).0
}

/// Make every file of the search index of `site`, handing each to `emit` as it is made: the
/// tokenised blocks are freed as they merge into postings, and no shard or fragment waits for the
/// others, so the index's memory stays near its postings alone.
pub fn emit_files(site: &Site, emit: Emit) {
    let order = document_order(site);
    let postings = merged_postings(site, &order);
    let terms: Vec<TermPostings> = postings.iter().map(|(term, flat)| (&**term, flat.as_slice())).collect();
    let shards = shards::cut(&terms);
    let made = Made { order: &order, terms: &terms, shards: &shards };
    made.emit(site, &Written::Everything, emit);
}

/// Documents tokenised at a time: each window's blocks are merged into the postings (while the
/// next window is tokenised) and freed, so memory holds the postings and two windows' blocks.
const WINDOW: usize = 2048;

/// Every term's postings, made window by window (`postings::Merge`).
fn merged_postings(site: &Site, order: &[usize]) -> Vec<(Box<str>, Vec<u32>)> {
    let lengths: Vec<[u32; FIELD_COUNT]> =
        order.par_iter().map(|&id| postings::field_lengths(&fields(site, &site.pages[id], id))).collect();
    let mut merge = postings::Merge::new(&lengths);
    let mut pending = Vec::new();
    for (w, ids) in order.chunks(WINDOW).enumerate() {
        let (blocks, ()) =
            rayon::join(|| blocks::window(site, ids, w * WINDOW), || pending.drain(..).for_each(|b| merge.add(b)));
        pending = blocks;
    }
    pending.into_iter().for_each(|b| merge.add(b));
    merge.finish()
}

/// Which of the index's files to make; the others are as the last build left them.
enum Written<'a> {
    Everything,
    Only {
        /// By shard.
        shards: &'a [bool],
        vocabulary: &'a HashSet<String>,
        /// Documents, sorted.
        fragments: &'a [u32],
    },
}

/// An index's postings, cut into shards.
struct Made<'a> {
    order: &'a [usize],
    terms: &'a [TermPostings<'a>],
    shards: &'a [shards::Shard],
}

impl Made<'_> {
    /// The files `written` names, and the paths of all the index's files (sorted).
    fn files(&self, site: &Site, written: &Written) -> (Vec<OutputFile>, Vec<String>) {
        collected(|emit| self.emit(site, written, emit))
    }

    /// Hand each file `written` names to `emit` as it is made; gives the paths of all the index's
    /// files (sorted).
    fn emit(&self, site: &Site, written: &Written, emit: Emit) -> Vec<String> {
        let started = std::time::Instant::now();
        let (facets, vocabulary) = rayon::join(
            || self.facets(site),
            || {
                let vocabulary = shards::vocabulary(self.terms);
                self.emit_shards(written, emit);
                vocabulary
            },
        );
        emit(self.manifest(&vocabulary));
        emit(facets);
        vocabulary.iter().filter(|(key, _)| written.vocabulary(key)).for_each(|(key, words)| {
            emit(OutputFile::text(format!("search/v/{key}.json"), shards::vocabulary_json(words)))
        });
        log::debug!("search: manifest, facets, vocabulary, shards in {:?}", started.elapsed());
        let fragment_of = |doc: usize| emit(fragment(site, &site.pages[self.order[doc]], doc));
        match written {
            Written::Everything => (0..self.order.len()).into_par_iter().for_each(fragment_of),
            Written::Only { fragments, .. } => {
                fragments.par_iter().map(|&d| d as usize).filter(|&d| d < self.order.len()).for_each(fragment_of)
            }
        }
        let mut paths: Vec<String> = ["search/manifest.json", "search/facets.json"].map(String::from).into();
        paths.extend(vocabulary.keys().map(|key| format!("search/v/{key}.json")));
        paths.extend(self.shards.iter().map(|s| format!("search/t/{}.json", s.name)));
        paths.extend(
            self.shards
                .iter()
                .filter(|s| shards::has_pairs(&self.terms[s.terms.clone()]))
                .map(|s| format!("search/n/{}.json", s.name)),
        );
        paths.extend((0..self.order.len()).map(|doc| format!("search/f/{doc}.json")));
        paths.sort_unstable();
        paths
    }

    /// The shards `written` names, each to `emit` as it is made.
    fn emit_shards(&self, written: &Written, emit: Emit) {
        let shards: Vec<&shards::Shard> =
            self.shards.iter().enumerate().filter(|&(i, _)| written.shard(i)).map(|(_, s)| s).collect();
        shards.into_par_iter().for_each(|s| {
            let terms = &self.terms[s.terms.clone()];
            emit(OutputFile::text(format!("search/t/{}.json", s.name), shards::json(terms)));
            if shards::has_pairs(terms) {
                emit(OutputFile::text(format!("search/n/{}.json", s.name), shards::pairs_json(terms)));
            }
        });
    }

    fn manifest(&self, vocabulary: &BTreeMap<String, Vec<(&str, u32)>>) -> OutputFile {
        let manifest = Manifest {
            version: 5,
            docs: self.order.len(),
            k1: postings::K1,
            weight_scale: postings::WEIGHT_SCALE,
            shards: self.shards.iter().map(|s| self.terms.get(s.terms.start).map_or("", |t| t.0)).collect(),
            vocabulary: vocabulary.keys().map(String::as_str).collect(),
        };
        OutputFile::text("search/manifest.json", serde_json::to_string(&manifest).unwrap_or_default())
    }

    fn facets(&self, site: &Site) -> OutputFile {
        let pages: Vec<&Page> = self.order.iter().map(|&id| &site.pages[id]).collect();
        OutputFile::text("search/facets.json", facets::json(&pages))
    }
}

impl Written<'_> {
    fn shard(&self, i: usize) -> bool {
        match self {
            Written::Everything => true,
            Written::Only { shards, .. } => shards.get(i).copied().unwrap_or(true),
        }
    }

    fn vocabulary(&self, key: &str) -> bool {
        match self {
            Written::Everything => true,
            Written::Only { vocabulary, .. } => vocabulary.contains(key),
        }
    }
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
