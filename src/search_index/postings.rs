//! The inverted index: term shards and vocabulary files.
//!
//! Input: each document's fields (in `FIELDS` order). Output: JSON for `search/t/N.json` (term →
//! flat postings) and `search/v/X.json` (the words starting with one character, with their
//! document frequency, for prefix search and typo tolerance). Must not: drop any posting of a Han
//! bigram (every page containing a Chinese string must be found) or reorder documents.
//!
//! A term's postings are one flat array: document frequency, then for each document the doc-id
//! delta and the quantised BM25F term weight; Han terms also carry their positions (count, then
//! position deltas), which phrase matching needs.

use super::tokens::{each_raw_token, is_han, stem};
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeMap;

/// BM25F: per-field weight and length normalisation, one saturation constant.
pub const FIELDS: [(&str, f64, f64); 5] =
    [("title", 3.0, 0.75), ("headings", 2.0, 0.75), ("authors", 2.0, 0.3), ("summary", 1.5, 0.75), ("body", 1.0, 0.75)];
pub const K1: f64 = 1.2;
/// Term weights are stored as integers in thousandths (hundredths cost 0.003 nDCG@10 on CISI).
pub const WEIGHT_SCALE: f64 = 1000.0;
/// A shard is closed once its JSON passes this many bytes.
const SHARD_BYTES: usize = 24 * 1024;
/// Words in more documents than this keep only their highest-weighted postings: their idf is
/// near zero, so the rest change no ranking, and a query must not download them. Han bigrams are
/// never cut.
const MAX_POSTINGS: usize = 5000;

/// One posting before encoding: document, quantised weight, positions.
type Row<'a> = (u32, u32, &'a [u32]);

/// Values per posting before weighting: document, the term's frequency in the first four fields
/// (a byte each, saturating: no title holds a word 255 times), its frequency in the body.
const ROW: usize = 3;

fn pack(tf: [u32; 5]) -> [u32; 2] {
    let byte = |f: usize| tf[f].min(255);
    [byte(0) | byte(1) << 8 | byte(2) << 16 | byte(3) << 24, tf[4]]
}

fn unpack(packed: u32, body: u32) -> [u32; 5] {
    [packed & 255, packed >> 8 & 255, packed >> 16 & 255, packed >> 24, body]
}

/// The postings of a run of consecutive documents, with terms numbered within the block (blocks
/// are indexed in parallel and merged in document order).
pub struct Block {
    terms: Vec<Box<str>>,
    /// Per local term: flat rows of `ROW` values, Han terms followed by count and positions.
    rows: Vec<Vec<u32>>,
    /// Per document of the block: the length of each field in tokens.
    lengths: Vec<[u32; 5]>,
}

/// Raw token → local term. Most tokens fit in 16 bytes: keeping those inline in the table saves
/// a pointer chase per token, which is most of the indexing time on a large site.
#[derive(Default)]
struct RawTerms {
    short: HashMap<(u64, u64), u32>,
    long: HashMap<Box<str>, u32>,
}

impl RawTerms {
    /// The token's bytes, zero-padded, as two integers. A zero byte never occurs in a token, so
    /// the padding cannot make two keys equal. Built in registers: writing the bytes to memory
    /// and reading them back as words stalls the load on every token.
    #[inline]
    fn key(raw: &str) -> Option<(u64, u64)> {
        let bytes = raw.as_bytes();
        if bytes.len() > 16 {
            return None;
        }
        let word = |part: &[u8]| part.iter().rev().fold(0u64, |w, &b| w << 8 | b as u64);
        let (low, high) = bytes.split_at(bytes.len().min(8));
        Some((word(low), word(high)))
    }

    #[inline]
    fn get(&self, raw: &str) -> Option<&u32> {
        match Self::key(raw) {
            Some(key) => self.short.get(&key),
            None => self.long.get(raw),
        }
    }

    fn insert(&mut self, raw: &str, id: u32) {
        match Self::key(raw) {
            Some(key) => self.short.insert(key, id),
            None => self.long.insert(raw.into(), id),
        };
    }
}

/// Index documents `first..` (each given as its five fields).
pub fn block<S: AsRef<str>>(first: u32, docs: impl Iterator<Item = [S; 5]>) -> Block {
    let mut block = Block { terms: Vec::new(), rows: Vec::new(), lengths: Vec::new() };
    // Raw (unstemmed) token → local term, and term → local term: each distinct word is stemmed once.
    let mut by_raw = RawTerms::default();
    let mut by_term: HashMap<Box<str>, u32> = HashMap::default();
    let mut tf: Vec<[u32; 5]> = Vec::new();
    let mut positions: Vec<Vec<u32>> = Vec::new();
    let mut touched: Vec<u32> = Vec::new();
    for (doc, fields) in (first..).zip(docs) {
        let mut lengths = [0u32; 5];
        // Token positions run on across fields, with a gap between fields so no phrase spans two.
        let mut position = 0u32;
        #[allow(clippy::explicit_counter_loop)] // the closure advances it too
        for (f, text) in fields.iter().enumerate() {
            each_raw_token(text.as_ref(), |raw, han| {
                let id = match by_raw.get(raw) {
                    Some(&id) => id,
                    None => {
                        let term: Box<str> = if han { raw.into() } else { stem(raw).into() };
                        let next = block.terms.len() as u32;
                        let id = *by_term.entry(term.clone()).or_insert(next);
                        if id == next {
                            block.terms.push(term);
                            block.rows.push(Vec::new());
                            tf.push([0; 5]);
                            positions.push(Vec::new());
                        }
                        by_raw.insert(raw, id);
                        id
                    }
                };
                let i = id as usize;
                if tf[i] == [0; 5] {
                    touched.push(id);
                }
                tf[i][f] += 1;
                if han {
                    positions[i].push(position);
                }
                lengths[f] += 1;
                position += 1;
            });
            position += 1;
        }
        for id in touched.drain(..) {
            let i = id as usize;
            let row = &mut block.rows[i];
            row.push(doc);
            row.extend(pack(std::mem::take(&mut tf[i])));
            if block.terms[i].starts_with(is_han) {
                row.push(positions[i].len() as u32);
                row.append(&mut positions[i]);
            }
        }
        block.lengths.push(lengths);
    }
    block
}

impl Block {
    /// How many documents it holds.
    pub fn docs(&self) -> usize {
        self.lengths.len()
    }
}

/// Flat postings of every term, in term order, from the blocks in document order; `None` once
/// `stop` says so.
pub fn postings<'b>(blocks: &'b [Block], stop: &(dyn Fn() -> bool + Sync)) -> Option<Vec<(&'b str, Vec<u32>)>> {
    let lengths: Vec<[u32; 5]> = blocks.iter().flat_map(|b| b.lengths.iter().copied()).collect();
    let n = lengths.len().max(1) as f64;
    let avg: Vec<f64> = (0..5).map(|f| lengths.iter().map(|l| l[f] as f64).sum::<f64>() / n).collect();
    // Per document and field: the field's weight over its BM25F length normalisation, so a
    // posting's weight is five multiplications (the client applies idf and k1).
    let factors: Vec<[f64; 5]> = lengths
        .iter()
        .map(|l| {
            std::array::from_fn(|f| {
                let (_, weight, b) = FIELDS[f];
                weight / (1.0 - b + b * l[f] as f64 / avg[f].max(1.0))
            })
        })
        .collect();
    let mut terms: BTreeMap<&str, Vec<(usize, usize)>> = BTreeMap::new();
    for (b, block) in blocks.iter().enumerate() {
        for (i, term) in block.terms.iter().enumerate() {
            terms.entry(term).or_default().push((b, i));
        }
    }
    let terms: Vec<(&str, Vec<(usize, usize)>)> = terms.into_iter().collect();
    terms
        .into_par_iter()
        .map(|(term, parts)| (!stop()).then(|| (term, merge(term, &parts, blocks, &factors))))
        .collect()
}

/// One term's postings from every block that has it, weighted and encoded.
fn merge(term: &str, parts: &[(usize, usize)], blocks: &[Block], factors: &[[f64; 5]]) -> Vec<u32> {
    let han = term.starts_with(is_han);
    let mut rows: Vec<Row> = Vec::with_capacity(parts.iter().map(|&(b, i)| blocks[b].rows[i].len() / ROW).sum());
    for &(b, i) in parts {
        let flat = &blocks[b].rows[i];
        let mut k = 0;
        while k < flat.len() {
            let doc = flat[k];
            let tf = unpack(flat[k + 1], flat[k + 2]);
            k += ROW;
            let mut pos: &[u32] = &[];
            if han {
                let count = flat[k] as usize;
                pos = &flat[k + 1..k + 1 + count];
                k += 1 + count;
            }
            let f = &factors[doc as usize];
            let weight: f64 = (0..5).map(|j| tf[j] as f64 * f[j]).sum();
            rows.push((doc, (weight * WEIGHT_SCALE).round().max(1.0) as u32, pos));
        }
    }
    encode(han, rows)
}

/// Very common words keep only their `MAX_POSTINGS` heaviest documents (the frequency stays the
/// true one, so idf is right).
fn encode(han: bool, mut rows: Vec<Row>) -> Vec<u32> {
    let df = rows.len() as u32;
    if rows.len() > MAX_POSTINGS && !han {
        rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        rows.truncate(MAX_POSTINGS);
        rows.sort_unstable_by_key(|r| r.0);
    }
    let mut flat = Vec::with_capacity(rows.len() * 2 + 1);
    flat.push(df);
    let mut last = 0;
    for (doc, weight, positions) in rows {
        flat.extend([doc - last, weight]);
        last = doc;
        if han {
            flat.push(positions.len() as u32);
            let mut at = 0;
            for &p in positions {
                flat.push(p - at);
                at = p;
            }
        }
    }
    flat
}

/// Terms in order, cut into shards of about `SHARD_BYTES` of JSON: (first term, JSON).
pub fn shards(postings: &[(&str, Vec<u32>)]) -> Vec<(String, String)> {
    let mut groups: Vec<Vec<(&str, &Vec<u32>)>> = vec![Vec::new()];
    let mut size = 0;
    for &(term, ref flat) in postings {
        let bytes = flat.len() * 4 + term.len() + 6;
        if size + bytes > SHARD_BYTES && groups.last().is_some_and(|g| !g.is_empty()) {
            groups.push(Vec::new());
            size = 0;
        }
        size += bytes;
        if let Some(g) = groups.last_mut() {
            g.push((term, flat));
        }
    }
    groups.into_par_iter().map(|g| (g[0].0.to_string(), object_json(&g))).collect()
}

/// `{"term":[…],…}` for terms already in order.
fn object_json(terms: &[(&str, &Vec<u32>)]) -> String {
    let mut out = String::with_capacity(terms.iter().map(|(t, f)| t.len() + f.len() * 4 + 6).sum());
    out.push('{');
    for (i, (term, flat)) in terms.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&serde_json::to_string(term).unwrap_or_default());
        out.push_str(":[");
        push_numbers(&mut out, flat);
        out.push(']');
    }
    out.push('}');
    out
}

pub fn push_numbers(out: &mut String, numbers: &[u32]) {
    let mut buf = itoa::Buffer::new();
    for (i, n) in numbers.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(buf.format(*n));
    }
}

/// Vocabulary files: (file key, `[["term",df],…]`). Words are grouped by their first character;
/// Han terms by block of 64 code points of each of their characters (key `h` + block), so the
/// client can find every bigram containing a character the reader typed alone.
pub fn vocabulary(postings: &[(&str, Vec<u32>)]) -> Vec<(String, String)> {
    let mut groups: BTreeMap<String, Vec<(&str, u32)>> = BTreeMap::new();
    for &(term, ref flat) in postings {
        let mut keys: Vec<String> = match term.chars().next() {
            Some(c) if is_han(c) => term.chars().map(han_vocabulary_key).collect(),
            Some(c) => vec![vocabulary_key(c)],
            None => continue,
        };
        keys.dedup();
        for key in keys {
            groups.entry(key).or_default().push((term, flat[0]));
        }
    }
    groups.into_iter().map(|(key, words)| (key, serde_json::to_string(&words).unwrap_or_default())).collect()
}

/// The vocabulary file of words starting with `c`: its code point in hex (the client does the same).
pub fn vocabulary_key(c: char) -> String {
    format!("{:x}", c as u32)
}

/// The vocabulary file of Han terms containing `c`.
fn han_vocabulary_key(c: char) -> String {
    format!("h{:x}", c as u32 >> 6)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields<'a>(title: &'a str, body: &'a str) -> [&'a str; 5] {
        [title, "", "", "", body]
    }

    fn index(docs: &[Block]) -> BTreeMap<&str, Vec<u32>> {
        postings(docs, &|| false).into_iter().flatten().collect()
    }

    #[test]
    fn han_postings_carry_positions_and_words_do_not() {
        let blocks = [block(0, [fields("返乡创业", "x")].into_iter()), block(1, [fields("", "创业 返乡")].into_iter())];
        let p = index(&blocks);
        let positions = |flat: &[u32]| [flat[3], flat[4], flat[7], flat[8]];
        // Doc 0: title at 0. Doc 1: four empty fields, each followed by a gap, then 创业 at 4, 返乡 at 5.
        assert_eq!((p["返乡"][0], p["返乡"][5], positions(&p["返乡"])), (2, 1, [1, 0, 1, 5]));
        assert_eq!(p["乡创"].len(), 5, "one document, one position");
        assert_eq!(p["x"].len(), 3, "df, doc, weight");
    }

    #[test]
    fn blocks_merge_in_document_order_with_words_stemmed() {
        let one = block(0, [fields("Migrants", ""), fields("x", "")].into_iter());
        let two = block(2, [fields("migrant", "")].into_iter());
        let blocks = [one, two];
        let p = index(&blocks);
        assert_eq!((p["migrant"][0], p["migrant"][1], p["migrant"][3]), (2, 0, 2), "docs 0 and 2");
    }

    #[test]
    fn postings_do_not_depend_on_how_documents_are_split_into_blocks() {
        let docs =
            [fields("Returning migrants", "返乡创业 loans"), fields("x", "migrant 创业"), fields("返乡", "Loans")];
        let whole = [block(0, docs.iter().copied())];
        let split = [block(0, docs[..1].iter().copied()), block(1, docs[1..].iter().copied())];
        assert_eq!(postings(&whole, &|| false), postings(&split, &|| false));
    }

    #[test]
    fn field_frequencies_survive_packing() {
        assert_eq!(unpack(pack([1, 2, 3, 300, 70_000])[0], 70_000), [1, 2, 3, 255, 70_000]);
    }

    #[test]
    fn common_words_are_capped_but_keep_their_document_frequency() {
        let blocks = [block(0, (0..MAX_POSTINGS + 3).map(|_| fields("the", "")))];
        let p = index(&blocks);
        assert_eq!(p["the"][0] as usize, MAX_POSTINGS + 3);
        assert_eq!(p["the"].len(), 1 + 2 * MAX_POSTINGS);
    }

    #[test]
    fn vocabulary_groups_words_by_first_character_and_han_terms_by_each_character() {
        let blocks = [block(0, [fields("apple ant 返乡 茶", "bee")].into_iter())];
        let v = vocabulary(&postings(&blocks, &|| false).expect("not stopped"));
        // 返 U+8FD4 and 乡 U+4E61 fall in different blocks of 64: the bigram is in both files.
        let files: BTreeMap<&str, &str> = v.iter().map(|(k, j)| (k.as_str(), j.as_str())).collect();
        assert_eq!(files["61"], r#"[["ant",1],["appl",1]]"#);
        assert_eq!(files["62"], r#"[["bee",1]]"#);
        assert_eq!(
            (files["h139"], files["h23f"], files["h20c"]),
            (r#"[["返乡",1]]"#, r#"[["返乡",1]]"#, r#"[["茶",1]]"#)
        );
        let keys: Vec<&str> = files.into_keys().collect();
        assert_eq!(keys, ["61", "62", "h139", "h20c", "h23f"]);
    }
}
