//! Stage 5: the search index: static JSON under `search/` that the client module
//! (`static/search/search.mjs`) queries with no server.
//!
//! Input: the assembled `Site`. Output: `search/manifest.json` (document count, scoring constants,
//! the first term of each shard), `search/t/N.json` (term shards: postings with the BM25F
//! term weight and positions) and `search/f/N.json` (one fragment per document: what a result
//! shows). Must not: index drafts, future items or the body of abstract-only reports.
//!
//! Tokens are identical to the client's: maximal runs of letters and digits, lower-cased and
//! Snowball-English stemmed; runs of Han characters become overlapping bigrams (a lone character
//! stays a unigram).

use crate::model::{Access, OutputFile, Page, PageId, Site};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::LazyLock;

static STEMMER: LazyLock<rust_stemmers::Stemmer> =
    LazyLock::new(|| rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English));

/// BM25F: per-field weight and length normalisation, one saturation constant.
pub const FIELDS: [(&str, f64, f64); 5] =
    [("title", 3.0, 0.75), ("headings", 2.0, 0.75), ("authors", 2.0, 0.3), ("summary", 1.5, 0.75), ("body", 1.0, 0.75)];
pub const K1: f64 = 1.2;
/// Positions kept per document and term (for phrases and proximity).
const MAX_POSITIONS: usize = 24;
/// Gap between fields in the position stream, so no phrase spans two fields.
const FIELD_GAP: u32 = 16;
/// A shard is closed once its JSON passes this many bytes.
const SHARD_BYTES: usize = 24 * 1024;
/// Characters of plain text a fragment keeps for snippets.
const FRAGMENT_TEXT: usize = 1200;

fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{f900}'..='\u{faff}')
}

/// Search tokens of `text`, in order.
pub fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut han: Vec<char> = Vec::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if is_han(c) {
            flush_word(&mut word, &mut out);
            han.push(c);
        } else if c.is_alphanumeric() {
            flush_han(&mut han, &mut out);
            word.extend(c.to_lowercase());
        } else {
            flush_word(&mut word, &mut out);
            flush_han(&mut han, &mut out);
        }
    }
    out
}

fn flush_word(word: &mut String, out: &mut Vec<String>) {
    if !word.is_empty() {
        out.push(STEMMER.stem(word).into_owned());
        word.clear();
    }
}

fn flush_han(han: &mut Vec<char>, out: &mut Vec<String>) {
    match han.len() {
        0 => {}
        1 => out.push(han[0].to_string()),
        _ => out.extend(han.windows(2).map(|w| w.iter().collect::<String>())),
    }
    han.clear();
}

/// Text of the page's HTML body without tags, entities decoded.
pub fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let decoded = out.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'");
    let decoded = decoded.replace("&amp;", "&");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The five fields of a document, in `FIELDS` order.
fn fields(site: &Site, id: PageId) -> [String; 5] {
    let p: &Page = &site.pages[id];
    let headings = p.headings.iter().map(|h| h.text.as_str()).collect::<Vec<_>>().join(" ");
    let authors = site.page_authors[id].iter().map(|&a| site.authors[a].name.as_str()).collect::<Vec<_>>().join(" ");
    let body = if p.front.access == Some(Access::AbstractOnly) { String::new() } else { plain_text(&p.body_html) };
    [p.title.clone(), headings, authors, p.front.summary.clone().unwrap_or_default(), body]
}

/// One document's terms: for each term, the per-field frequencies and the first positions.
type DocTerms = BTreeMap<String, ([u32; 5], Vec<u32>)>;

fn doc_terms(fields: &[String; 5]) -> (DocTerms, [u32; 5]) {
    let mut terms: DocTerms = BTreeMap::new();
    let mut lengths = [0u32; 5];
    let mut pos = 0u32;
    for (f, text) in fields.iter().enumerate() {
        for t in tokens(text) {
            let entry = terms.entry(t).or_default();
            entry.0[f] += 1;
            if entry.1.len() < MAX_POSITIONS {
                entry.1.push(pos);
            }
            lengths[f] += 1;
            pos += 1;
        }
        pos += FIELD_GAP;
    }
    (terms, lengths)
}

#[derive(Serialize)]
struct Manifest {
    version: u32,
    docs: usize,
    k1: f64,
    /// The first term of each shard, sorted: shard `i` holds terms from `shards[i]` up to `shards[i + 1]`.
    shards: Vec<String>,
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

pub fn files(site: &Site) -> Vec<OutputFile> {
    let docs: Vec<(DocTerms, [u32; 5], String)> = (0..site.pages.len())
        .into_par_iter()
        .map(|id| {
            let f = fields(site, id);
            let (terms, lengths) = doc_terms(&f);
            let text = [f[3].as_str(), f[4].as_str()].join(" ");
            (terms, lengths, text.chars().take(FRAGMENT_TEXT).collect())
        })
        .collect();
    let n = docs.len().max(1) as f64;
    let avg: Vec<f64> = (0..5).map(|f| docs.iter().map(|d| d.1[f] as f64).sum::<f64>() / n).collect();
    let mut postings: BTreeMap<&str, Vec<Vec<u32>>> = BTreeMap::new();
    for (doc, (terms, lengths, _)) in docs.iter().enumerate() {
        for (term, (tf, positions)) in terms {
            let weight = weighted_tf(tf, lengths, &avg);
            let mut row = vec![doc as u32, (weight * 1000.0).round() as u32];
            row.extend(positions);
            postings.entry(term.as_str()).or_default().push(row);
        }
    }
    let mut out = shards(postings);
    let manifest =
        Manifest { version: 1, docs: docs.len(), k1: K1, shards: out.iter().map(|(first, _)| first.clone()).collect() };
    let mut files: Vec<OutputFile> =
        out.drain(..).enumerate().map(|(i, (_, json))| OutputFile::text(format!("search/t/{i}.json"), json)).collect();
    files.push(OutputFile::text("search/manifest.json", serde_json::to_string(&manifest).unwrap_or_default()));
    files.extend(docs.iter().enumerate().map(|(doc, (_, _, text))| fragment(site, doc, text.clone())));
    files
}

/// BM25F's combined, length-normalised term frequency (the client applies idf and k1).
fn weighted_tf(tf: &[u32; 5], lengths: &[u32; 5], avg: &[f64]) -> f64 {
    FIELDS
        .iter()
        .enumerate()
        .filter(|(f, _)| tf[*f] > 0)
        .map(|(f, (_, weight, b))| {
            let norm = 1.0 - b + b * lengths[f] as f64 / avg[f].max(1.0);
            weight * tf[f] as f64 / norm
        })
        .sum()
}

/// Terms in order, cut into shards of about `SHARD_BYTES` of JSON: (first term, JSON).
fn shards(postings: BTreeMap<&str, Vec<Vec<u32>>>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut current: BTreeMap<&str, Vec<Vec<u32>>> = BTreeMap::new();
    let mut size = 0;
    for (term, rows) in postings {
        let row_bytes: usize = rows.iter().map(|r| r.len() * 5 + 4).sum::<usize>() + term.len() + 6;
        if size + row_bytes > SHARD_BYTES && !current.is_empty() {
            out.push(shard_json(std::mem::take(&mut current)));
            size = 0;
        }
        size += row_bytes;
        current.insert(term, rows);
    }
    if !current.is_empty() || out.is_empty() {
        out.push(shard_json(current));
    }
    out
}

fn shard_json(terms: BTreeMap<&str, Vec<Vec<u32>>>) -> (String, String) {
    let first = terms.keys().next().map(|t| t.to_string()).unwrap_or_default();
    (first, serde_json::to_string(&terms).unwrap_or_default())
}

fn fragment(site: &Site, doc: usize, text: String) -> OutputFile {
    let p = &site.pages[doc];
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_stem_words_and_split_han_runs_into_bigrams() {
        assert_eq!(tokens("Returning migrants' e-commerce"), ["return", "migrant", "e", "commerc"]);
        assert_eq!(tokens("返乡创业 and 乡"), ["返乡", "乡创", "创业", "and", "乡"]);
        assert_eq!(tokens("AI2018年"), ["ai2018", "年"]);
    }

    #[test]
    fn plain_text_drops_tags_and_decodes_entities() {
        assert_eq!(plain_text("<p>A &amp; B <em>&lt;c&gt;</em></p>\n<p>d</p>"), "A & B <c> d");
    }
}
