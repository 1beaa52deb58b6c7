//! Stage 5: the search index: static JSON under `search/` that the client module
//! (`static/search/search.mjs`) queries with no server.
//!
//! Input: the assembled `Site`. Output: `search/manifest.json` (document count, scoring constants,
//! the first term of each shard), `search/t/N.json` (term shards: for each term a flat array of
//! document-id deltas and quantised BM25F term weights) and `search/f/N.json` (one fragment per
//! document: what a result shows). Must not: index drafts, future items or the body of
//! abstract-only reports.
//!
//! Tokens are identical to the client's: maximal runs of letters and digits, lower-cased and
//! Snowball-English stemmed; runs of Han characters become overlapping bigrams (a lone character
//! stays a unigram).

use crate::model::{Access, OutputFile, Page, PageId, Site};
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::LazyLock;

static STEMMER: LazyLock<rust_stemmers::Stemmer> =
    LazyLock::new(|| rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English));

/// BM25F: per-field weight and length normalisation, one saturation constant.
pub const FIELDS: [(&str, f64, f64); 5] =
    [("title", 3.0, 0.75), ("headings", 2.0, 0.75), ("authors", 2.0, 0.3), ("summary", 1.5, 0.75), ("body", 1.0, 0.75)];
pub const K1: f64 = 1.2;
/// A shard is closed once its JSON passes this many bytes.
const SHARD_BYTES: usize = 24 * 1024;
/// Words in more documents than this keep only their highest-weighted postings: their idf is
/// near zero, so the rest change no ranking, and a query must not download them. Han bigrams are
/// never cut (every page containing a Chinese string must be found).
const MAX_POSTINGS: usize = 5000;
/// Term weights are stored as integers in thousandths (hundredths cost 0.003 nDCG@10 on CISI).
const WEIGHT_SCALE: f64 = 1000.0;
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
        } else if c.is_ascii_alphanumeric() {
            flush_han(&mut han, &mut out);
            word.push(c.to_ascii_lowercase());
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

thread_local! {
    /// Stems already computed on this thread: a corpus repeats a small vocabulary millions of times.
    static STEMS: std::cell::RefCell<HashMap<String, String>> = Default::default();
}

fn flush_word(word: &mut String, out: &mut Vec<String>) {
    if word.is_empty() {
        return;
    }
    let stemmed = STEMS.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(s) = cache.get(word.as_str()) {
            return s.clone();
        }
        let s = STEMMER.stem(word).into_owned();
        cache.insert(word.clone(), s.clone());
        s
    });
    out.push(stemmed);
    word.clear();
}

fn flush_han(han: &mut Vec<char>, out: &mut Vec<String>) {
    match han.len() {
        0 => {}
        1 => out.push(han[0].to_string()),
        _ => out.extend(han.windows(2).map(|w| w.iter().collect::<String>())),
    }
    han.clear();
}

/// Text of the page's HTML body without tags, entities decoded, white space collapsed.
pub fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    let mut space = false;
    while let Some(c) = rest.chars().next() {
        let (piece, len) = match c {
            '<' => (Some(' '), rest.find('>').map_or(rest.len(), |i| i + 1)),
            '&' => entity(rest),
            c if c.is_whitespace() => (Some(' '), c.len_utf8()),
            c => (Some(c), c.len_utf8()),
        };
        rest = &rest[len..];
        match piece {
            Some(' ') => space = !out.is_empty(),
            Some(c) => {
                if std::mem::take(&mut space) {
                    out.push(' ');
                }
                out.push(c);
            }
            None => {}
        }
    }
    out
}

/// The character an entity at the start of `text` stands for (the ones pulldown-cmark writes).
fn entity(text: &str) -> (Option<char>, usize) {
    for (name, c) in [("&amp;", '&'), ("&lt;", '<'), ("&gt;", '>'), ("&quot;", '"'), ("&#39;", '\'')] {
        if text.starts_with(name) {
            return (Some(c), name.len());
        }
    }
    (Some('&'), 1)
}

/// The five fields of a document, in `FIELDS` order.
fn fields(site: &Site, id: PageId) -> [String; 5] {
    let p: &Page = &site.pages[id];
    let headings = p.headings.iter().map(|h| h.text.as_str()).collect::<Vec<_>>().join(" ");
    let authors = site.page_authors[id].iter().map(|&a| site.authors[a].name.as_str()).collect::<Vec<_>>().join(" ");
    let body = if p.front.access == Some(Access::AbstractOnly) { String::new() } else { plain_text(&p.body_html) };
    [p.title.clone(), headings, authors, p.front.summary.clone().unwrap_or_default(), body]
}

/// One document's terms with their frequency in each field, and the fields' lengths.
type DocTerms = HashMap<String, [u32; 5]>;

fn doc_terms(fields: &[String; 5]) -> (DocTerms, [u32; 5]) {
    let mut terms: DocTerms = HashMap::default();
    let mut lengths = [0u32; 5];
    for (f, text) in fields.iter().enumerate() {
        for t in tokens(text) {
            terms.entry(t).or_default()[f] += 1;
            lengths[f] += 1;
        }
    }
    (terms, lengths)
}

#[derive(Serialize)]
struct Manifest {
    version: u32,
    docs: usize,
    k1: f64,
    /// Stored weights are the BM25F term weight times this.
    weight_scale: f64,
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
    // Documents in order, so every term's postings come out sorted by document.
    let mut postings: HashMap<&str, Vec<(u32, u32)>> = HashMap::default();
    for (doc, (terms, lengths, _)) in docs.iter().enumerate() {
        for (term, tf) in terms {
            let weight = (weighted_tf(tf, lengths, &avg) * WEIGHT_SCALE).round().max(1.0) as u32;
            postings.entry(term.as_str()).or_default().push((doc as u32, weight));
        }
    }
    let postings: BTreeMap<&str, Vec<u32>> = postings.into_par_iter().map(|(t, rows)| (t, encode(t, rows))).collect();
    let mut out = shards(postings);
    let shards = out.iter().map(|(first, _)| first.clone()).collect();
    let manifest = Manifest { version: 2, docs: docs.len(), k1: K1, weight_scale: WEIGHT_SCALE, shards };
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

/// A term's postings as one flat array: document frequency, then doc-id delta, weight, doc-id
/// delta, weight, … Very common words keep only their `MAX_POSTINGS` heaviest documents (the
/// frequency stays the true one, so idf is right).
fn encode(term: &str, mut rows: Vec<(u32, u32)>) -> Vec<u32> {
    let df = rows.len() as u32;
    if rows.len() > MAX_POSTINGS && !term.chars().any(is_han) {
        rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        rows.truncate(MAX_POSTINGS);
        rows.sort_unstable();
    }
    let mut flat = Vec::with_capacity(rows.len() * 2 + 1);
    flat.push(df);
    let mut last = 0;
    for (doc, weight) in rows {
        flat.extend([doc - last, weight]);
        last = doc;
    }
    flat
}

/// Terms in order, cut into shards of about `SHARD_BYTES` of JSON: (first term, JSON).
fn shards(postings: BTreeMap<&str, Vec<u32>>) -> Vec<(String, String)> {
    let mut groups: Vec<BTreeMap<&str, Vec<u32>>> = vec![BTreeMap::new()];
    let mut size = 0;
    for (term, flat) in postings {
        let bytes = flat.len() * 4 + term.len() + 6;
        if size + bytes > SHARD_BYTES && groups.last().is_some_and(|g| !g.is_empty()) {
            groups.push(BTreeMap::new());
            size = 0;
        }
        size += bytes;
        if let Some(g) = groups.last_mut() {
            g.insert(term, flat);
        }
    }
    groups.into_par_iter().map(shard_json).collect()
}

fn shard_json(terms: BTreeMap<&str, Vec<u32>>) -> (String, String) {
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
