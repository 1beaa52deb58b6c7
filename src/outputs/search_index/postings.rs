//! The inverted index: each term's postings.
//!
//! Input: each document's fields (in `FIELDS` order). Output: term → flat postings, in term order
//! (`shards` cuts them into files). Must not: drop any posting of a Han bigram (every page
//! containing a Chinese string must be found) or reorder documents.
//!
//! A term's postings are one flat array: document frequency, then for each document the doc-id
//! delta and the quantised BM25F term weight; Han terms also carry their positions (count, then
//! position deltas) and words their pair masks (`pairs`), which phrase matching needs.

use super::pairs;
use super::tokens::{each_raw_token, is_han, stem};
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeMap;

/// BM25F: per-field weight and length normalisation, one saturation constant.
/// The last, a report's PDF, weighs least: a word only there still finds the report, below one
/// that says it in its page.
pub const FIELDS: [(&str, f64, f64); FIELD_COUNT] = [
    ("title", 3.0, 0.75),
    ("headings", 2.0, 0.75),
    ("authors", 2.0, 0.3),
    ("summary", 1.5, 0.75),
    ("body", 1.0, 0.75),
    ("pdf", 0.5, 0.75),
];
/// How many fields a document has.
pub const FIELD_COUNT: usize = 6;
/// BM25's term-frequency saturation.
pub const K1: f64 = 1.2;
/// Term weights are stored as integers in thousandths (hundredths cost 0.003 nDCG@10 on CISI).
pub(super) const WEIGHT_SCALE: f64 = 1000.0;
/// Words in more documents than this keep only their highest-weighted postings: their idf is
/// near zero, so the rest change no ranking, and a query must not download them. Han bigrams are
/// never cut.
const MAX_POSTINGS: usize = 5000;

/// One posting before encoding: document, quantised weight, pair masks (words), positions (Han).
type Row<'a> = (u32, u32, pairs::Masks, &'a [u32]);

/// Values per posting before weighting: document, the term's frequency in the first four fields
/// (a byte each, saturating: no title holds a word 255 times), its frequency in the body (24
/// bits) and in the PDF (a byte: BM25 saturates long before 255), and the two pair masks.
const ROW: usize = 5;

fn pack(tf: [u32; FIELD_COUNT]) -> [u32; 2] {
    let byte = |f: usize| tf[f].min(255);
    [byte(0) | byte(1) << 8 | byte(2) << 16 | byte(3) << 24, tf[4].min(0xff_ffff) | byte(5) << 24]
}

fn unpack(packed: u32, rest: u32) -> [u32; FIELD_COUNT] {
    [packed & 255, packed >> 8 & 255, packed >> 16 & 255, packed >> 24, rest & 0xff_ffff, rest >> 24]
}

/// The postings of a run of consecutive documents, with terms numbered within the block (blocks
/// are indexed in parallel and merged in document order).
pub(super) struct Block {
    /// Its first document.
    first: u32,
    terms: Vec<Box<str>>,
    /// Per local term: flat rows of `ROW` values, a Han term's each followed by count and positions.
    rows: Vec<Vec<u32>>,
    /// Per document of the block: the length of each field in tokens.
    lengths: Vec<[u32; FIELD_COUNT]>,
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
pub(super) fn block<S: AsRef<str>>(first: u32, docs: impl Iterator<Item = [S; FIELD_COUNT]>) -> Block {
    let mut block = Block { first, terms: Vec::new(), rows: Vec::new(), lengths: Vec::new() };
    // Raw (unstemmed) token → local term, and term → local term: each distinct word is stemmed once.
    let mut by_raw = RawTerms::default();
    let mut by_term: HashMap<Box<str>, u32> = HashMap::default();
    let mut tf: Vec<[u32; FIELD_COUNT]> = Vec::new();
    let mut positions: Vec<Vec<u32>> = Vec::new();
    // Per local term: the bits it sets in its neighbours' masks, and its mask in this document.
    let mut pair_bits: Vec<(u32, u32)> = Vec::new();
    let mut masks: Vec<pairs::Masks> = Vec::new();
    let mut touched: Vec<u32> = Vec::new();
    for (doc, fields) in (first..).zip(docs) {
        let mut lengths = [0u32; FIELD_COUNT];
        // Token positions run on across fields, with a gap between fields so no phrase spans two.
        let mut position = 0u32;
        #[allow(clippy::explicit_counter_loop)] // the closure advances it too
        for (f, text) in fields.iter().enumerate() {
            // The word just before, if the token before was a word of this field.
            let mut previous: Option<usize> = None;
            each_raw_token(text.as_ref(), |raw, han| {
                let id = match by_raw.get(raw) {
                    Some(&id) => id,
                    None => {
                        let term: Box<str> = if han { raw.into() } else { stem(raw).into() };
                        let next = block.terms.len() as u32;
                        let id = *by_term.entry(term.clone()).or_insert(next);
                        if id == next {
                            pair_bits.push(if han { (0, 0) } else { pairs::bits(&term) });
                            block.terms.push(term);
                            block.rows.push(Vec::new());
                            tf.push([0; FIELD_COUNT]);
                            positions.push(Vec::new());
                            masks.push([0, 0]);
                        }
                        by_raw.insert(raw, id);
                        id
                    }
                };
                let i = id as usize;
                if tf[i] == [0; FIELD_COUNT] {
                    touched.push(id);
                }
                tf[i][f] += 1;
                if han {
                    positions[i].push(position);
                    previous = None;
                } else {
                    if let Some(p) = previous {
                        masks[p][0] |= pair_bits[i].0;
                        masks[i][1] |= pair_bits[p].1;
                    }
                    previous = Some(i);
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
            row.extend(std::mem::take(&mut masks[i]));
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
    pub(super) fn docs(&self) -> usize {
        self.lengths.len()
    }

    /// Its documents.
    pub(super) fn doc_range(&self) -> std::ops::Range<u32> {
        self.first..self.first + self.lengths.len() as u32
    }

    /// The terms that occur in any of `docs` (sorted document ids).
    pub(super) fn terms_of<'b>(&'b self, docs: &'b [u32]) -> impl Iterator<Item = &'b str> + 'b {
        self.terms
            .iter()
            .zip(&self.rows)
            .filter(|(term, flat)| {
                let han = term.starts_with(is_han);
                let mut k = 0;
                while k < flat.len() {
                    if docs.binary_search(&flat[k]).is_ok() {
                        return true;
                    }
                    k += ROW;
                    if han {
                        k += 1 + flat[k] as usize;
                    }
                }
                false
            })
            .map(|(term, _)| &**term)
    }
}

/// Per field, the average length in tokens, rounded to a step of 1/256 octave (0.27 %). Ranking
/// cannot tell (CISI figures move by 0.0001 at most; a step of 1/64 octave cost 0.004 nDCG@10),
/// and an edit to one document of a large site then almost never moves an average: only the
/// postings of that document's own terms change weight, so `serve` writes only their shards.
pub(super) fn averages(blocks: &[Block]) -> [u64; FIELD_COUNT] {
    averages_of(blocks.iter().flat_map(|b| &b.lengths))
}

/// `averages` of the documents' field lengths.
fn averages_of<'l>(lengths: impl Iterator<Item = &'l [u32; FIELD_COUNT]> + Clone) -> [u64; FIELD_COUNT] {
    let n = lengths.clone().count().max(1) as f64;
    std::array::from_fn(|f| {
        let sum: u64 = lengths.clone().map(|l| l[f] as u64).sum();
        let average = (sum as f64 / n).max(1.0);
        ((average.log2() * 256.0).round() / 256.0).exp2().to_bits()
    })
}

/// Per document and field: the field's weight over its BM25F length normalisation, so a
/// posting's weight is five multiplications (the client applies idf and k1).
pub(super) fn factors(blocks: &[Block], averages: &[u64; FIELD_COUNT]) -> Vec<[f64; FIELD_COUNT]> {
    factors_of(blocks.iter().flat_map(|b| &b.lengths), averages)
}

fn factors_of<'l>(
    lengths: impl Iterator<Item = &'l [u32; FIELD_COUNT]>,
    averages: &[u64; FIELD_COUNT],
) -> Vec<[f64; FIELD_COUNT]> {
    lengths
        .map(|l| {
            std::array::from_fn(|f| {
                let (_, weight, b) = FIELDS[f];
                weight / (1.0 - b + b * l[f] as f64 / f64::from_bits(averages[f]))
            })
        })
        .collect()
}

/// A document's field lengths in tokens, as its block would count them.
pub(super) fn field_lengths<S: AsRef<str>>(fields: &[S; FIELD_COUNT]) -> [u32; FIELD_COUNT] {
    std::array::from_fn(|f| {
        let mut n = 0;
        each_raw_token(fields[f].as_ref(), |_, _| n += 1);
        n
    })
}

/// The postings of every term made block by block, as `postings` makes them from all the blocks
/// at once: each block is weighted and merged in as it comes (in document order) and then freed,
/// and a common word keeps only its heaviest rows along the way. The weights need every document's
/// field lengths first (`field_lengths`). For `build`, which so holds no more than the postings;
/// `serve` keeps its blocks.
pub(super) struct Merge {
    factors: Vec<[f64; FIELD_COUNT]>,
    /// A word's rows are cut back to its `cap` heaviest once it has twice as many.
    cap: usize,
    terms: HashMap<Box<str>, MergedTerm>,
}

#[derive(Default)]
struct MergedTerm {
    /// Documents with the term (its rows may have been cut back).
    df: u32,
    /// `(doc, weight, masks…)` per row of a word.
    flat: Vec<u32>,
    /// A Han term's postings as they will be encoded, as LEB128 bytes: `(doc delta, weight,
    /// count, position deltas…)` per row. They are most of the postings at 100,000 pages, and
    /// their numbers are small: as bytes they take a third of the memory.
    packed: Vec<u8>,
    /// The last document in `packed`.
    last: u32,
}

impl Merge {
    /// A merge for documents of these field lengths (in document order).
    pub(super) fn new(lengths: &[[u32; FIELD_COUNT]]) -> Merge {
        Merge::with_cap(lengths, MAX_POSTINGS)
    }

    fn with_cap(lengths: &[[u32; FIELD_COUNT]], cap: usize) -> Merge {
        let factors = factors_of(lengths.iter(), &averages_of(lengths.iter()));
        Merge { factors, cap, terms: HashMap::default() }
    }

    /// Merge the next block (blocks must come in document order).
    pub(super) fn add(&mut self, block: Block) {
        let limit = WORD_ROW * (self.cap + self.cap / 2 + 1);
        for (term, flat) in block.terms.into_iter().zip(block.rows) {
            let han = term.starts_with(is_han);
            let merged = self.terms.entry(term).or_default();
            let mut k = 0;
            while k < flat.len() {
                let (doc, tf, masks) = (flat[k], unpack(flat[k + 1], flat[k + 2]), [flat[k + 3], flat[k + 4]]);
                let weight = stored_weight(&tf, &self.factors[doc as usize]);
                merged.df += 1;
                k += ROW;
                if han {
                    let count = flat[k] as usize;
                    merged.push_han_row(doc, weight, &flat[k + 1..k + 1 + count]);
                    k += 1 + count;
                } else {
                    push_word_row(&mut merged.flat, [doc, weight, masks[0], masks[1]], limit, self.cap);
                }
            }
        }
    }

    /// Every term's encoded postings, in term order.
    pub(super) fn finish(self) -> Vec<(Box<str>, Vec<u32>)> {
        let cap = self.cap;
        let mut terms: Vec<(Box<str>, MergedTerm)> = self.terms.into_iter().collect();
        terms.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        terms
            .into_par_iter()
            .map(|(term, merged)| {
                let flat = if term.starts_with(is_han) {
                    merged.unpacked()
                } else {
                    encode_capped(false, merged.df, rows_of(&merged.flat), cap)
                };
                (term, flat)
            })
            .collect()
    }
}

impl MergedTerm {
    fn push_han_row(&mut self, doc: u32, weight: u32, positions: &[u32]) {
        let mut push = |n: u32| leb128(&mut self.packed, n);
        push(doc - self.last);
        push(weight);
        push(positions.len() as u32);
        let mut at = 0;
        for &p in positions {
            push(p - at);
            at = p;
        }
        self.last = doc;
    }

    /// A Han term's encoded postings: its document frequency, then what `packed` holds.
    fn unpacked(self) -> Vec<u32> {
        // Each number ends at a byte without the high bit.
        let mut flat = Vec::with_capacity(1 + self.packed.iter().filter(|&&b| b < 0x80).count());
        flat.push(self.df);
        let mut n = 0u32;
        let mut shift = 0;
        for b in self.packed {
            n |= u32::from(b & 0x7f) << shift;
            shift += 7;
            if b < 0x80 {
                flat.push(n);
                (n, shift) = (0, 0);
            }
        }
        flat
    }
}

/// `n` as LEB128: seven bits a byte, the high bit set on every byte but the last.
fn leb128(out: &mut Vec<u8>, mut n: u32) {
    while n >= 0x80 {
        out.push(n as u8 | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// Values per merged row of a word: document, weight, pair masks.
const WORD_ROW: usize = 4;

/// Add a row to a word's merged rows. Once they reach `limit` values they are cut back to the
/// `cap` heaviest (of equal weights, the first): rows cut here would be cut at the end too, `cap`
/// rows before them already outweigh them. They never take more room than `limit` values: the
/// common words grow together, and doubling each one's room would cost a hundred megabytes at
/// 100,000 pages.
fn push_word_row(flat: &mut Vec<u32>, row: [u32; WORD_ROW], limit: usize, cap: usize) {
    if flat.len() == flat.capacity() {
        let room = (flat.capacity() * 2).max(4 * WORD_ROW).min(limit);
        flat.reserve_exact(room - flat.len());
    }
    flat.extend(row);
    if flat.len() >= limit {
        let mut rows = rows_of(flat);
        keep_heaviest(&mut rows, cap);
        let mut kept = Vec::with_capacity(limit);
        kept.extend(rows.iter().flat_map(|&(doc, weight, [after, before], _)| [doc, weight, after, before]));
        *flat = kept;
    }
}

/// The rows of a word's merged postings.
fn rows_of(flat: &[u32]) -> Vec<Row<'_>> {
    flat.chunks_exact(WORD_ROW).map(|r| (r[0], r[1], [r[2], r[3]], &[][..])).collect()
}

/// Flat postings of every term, in term order, from the blocks in document order; `None` once
/// `stop` says so.
pub(super) fn postings<'b>(blocks: &'b [Block], stop: super::Stop) -> Option<Vec<(&'b str, Vec<u32>)>> {
    let factors = factors(blocks, &averages(blocks));
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

/// The postings of `terms` alone, as `postings` makes them (`None`: no document has the term).
pub(super) fn postings_of(blocks: &[Block], terms: &[&str], factors: &[[f64; FIELD_COUNT]]) -> Vec<Option<Vec<u32>>> {
    let wanted: HashMap<&str, usize> = terms.iter().enumerate().map(|(k, &t)| (t, k)).collect();
    let mut parts: Vec<Vec<(usize, usize)>> = vec![Vec::new(); terms.len()];
    for (b, block) in blocks.iter().enumerate() {
        for (i, term) in block.terms.iter().enumerate() {
            if let Some(&k) = wanted.get(&**term) {
                parts[k].push((b, i));
            }
        }
    }
    terms
        .par_iter()
        .zip(parts)
        .map(|(term, parts)| (!parts.is_empty()).then(|| merge(term, &parts, blocks, factors)))
        .collect()
}

/// One term's postings from every block that has it, weighted and encoded.
fn merge(term: &str, parts: &[(usize, usize)], blocks: &[Block], factors: &[[f64; FIELD_COUNT]]) -> Vec<u32> {
    let han = term.starts_with(is_han);
    let mut rows: Vec<Row> = Vec::with_capacity(parts.iter().map(|&(b, i)| blocks[b].rows[i].len() / ROW).sum());
    for &(b, i) in parts {
        let flat = &blocks[b].rows[i];
        let mut k = 0;
        while k < flat.len() {
            let (doc, masks) = (flat[k], [flat[k + 3], flat[k + 4]]);
            let tf = unpack(flat[k + 1], flat[k + 2]);
            k += ROW;
            let mut pos: &[u32] = &[];
            if han {
                let count = flat[k] as usize;
                pos = &flat[k + 1..k + 1 + count];
                k += 1 + count;
            }
            rows.push((doc, stored_weight(&tf, &factors[doc as usize]), masks, pos));
        }
    }
    encode(han, rows)
}

/// A posting's stored weight: the BM25F term weight over every field (in thousandths, at least
/// one), doubled, plus one when the term is in the title, which the client boosts for a word
/// being typed (a report titled "Guarantee Funds" above a page that only mentions guarantees).
fn stored_weight(tf: &[u32; FIELD_COUNT], factors: &[f64; FIELD_COUNT]) -> u32 {
    let weight: f64 = (0..FIELD_COUNT).map(|j| f64::from(tf[j]) * factors[j]).sum();
    ((weight * WEIGHT_SCALE).round().max(1.0) as u32) << 1 | u32::from(tf[0] > 0)
}

/// Keep the `n` heaviest rows (of equal weights, the first), in the order they were. Linear: the
/// weight of the n-th heaviest is found by selection, not by sorting every row.
fn keep_heaviest(rows: &mut Vec<Row>, n: usize) {
    let mut weights: Vec<u32> = rows.iter().map(|r| r.1).collect();
    let (_, &mut threshold, _) = weights.select_nth_unstable_by(n - 1, |a, b| b.cmp(a));
    let mut ties = n - rows.iter().filter(|r| r.1 > threshold).count();
    rows.retain(|r| {
        let tie = r.1 == threshold && ties > 0;
        ties -= usize::from(tie);
        r.1 > threshold || tie
    });
}

/// The values of encoded postings that a term shard holds: a word's without its pair masks.
pub(super) fn scored<'f>(term: &str, flat: &'f [u32]) -> impl Iterator<Item = u32> + 'f {
    let word = !term.starts_with(is_han);
    flat.iter().enumerate().filter(move |&(k, _)| !word || k == 0 || (k - 1) % WORD_ROW < 2).map(|(_, &v)| v)
}

/// How many values `scored` gives.
pub(super) fn scored_len(term: &str, flat: &[u32]) -> usize {
    if term.starts_with(is_han) { flat.len() } else { 1 + flat.len().saturating_sub(1) / WORD_ROW * 2 }
}

/// A word's pair masks, two per posting (none for a Han term).
pub(super) fn masks<'f>(term: &str, flat: &'f [u32]) -> impl Iterator<Item = u32> + 'f {
    let word = !term.starts_with(is_han);
    flat.iter().enumerate().filter(move |&(k, _)| word && k > 0 && (k - 1) % WORD_ROW >= 2).map(|(_, &v)| v)
}

/// Very common words keep only their `MAX_POSTINGS` heaviest documents (the frequency stays the
/// true one, so idf is right).
fn encode(han: bool, rows: Vec<Row>) -> Vec<u32> {
    encode_capped(han, rows.len() as u32, rows, MAX_POSTINGS)
}

/// `encode` for a term in `df` documents, of which `rows` may hold only the heaviest.
fn encode_capped(han: bool, df: u32, mut rows: Vec<Row>, cap: usize) -> Vec<u32> {
    if rows.len() > cap && !han {
        keep_heaviest(&mut rows, cap);
    }
    let values: usize = rows.iter().map(|r| if han { 3 + r.3.len() } else { WORD_ROW }).sum();
    let mut flat = Vec::with_capacity(1 + values);
    flat.push(df);
    let mut last = 0;
    for (doc, weight, masks, positions) in rows {
        flat.extend([doc - last, weight]);
        last = doc;
        if !han {
            flat.extend(masks);
        } else {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn fields<'a>(title: &'a str, body: &'a str) -> [&'a str; FIELD_COUNT] {
        [title, "", "", "", body, ""]
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
        assert_eq!(p["x"].len(), 5, "df, doc, weight, pair masks");
    }

    #[test]
    fn blocks_merge_in_document_order_with_words_stemmed() {
        let one = block(0, [fields("Migrants", ""), fields("x", "")].into_iter());
        let two = block(2, [fields("migrant", "")].into_iter());
        let blocks = [one, two];
        let p = index(&blocks);
        assert_eq!((p["migrant"][0], p["migrant"][1], p["migrant"][5]), (2, 0, 2), "docs 0 and 2");
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
    fn merging_block_by_block_gives_the_postings_of_all_blocks_at_once() {
        // Weights vary with the body's length, so cutting back keeps rows by weight, not order.
        let bodies: Vec<String> =
            (0..40).map(|i| format!("{} 返乡创业 loans{}", "the ".repeat(1 + i % 7), i % 3)).collect();
        let docs: Vec<[&str; FIELD_COUNT]> = bodies.iter().map(|b| fields("Returning migrants", b)).collect();
        let blocks =
            || (0..docs.len()).step_by(6).map(|d| block(d as u32, docs[d..(d + 6).min(docs.len())].iter().copied()));
        let all: Vec<Block> = blocks().collect();
        let cap = 5;
        let whole: Vec<(String, Vec<u32>)> = postings(&all, &|| false)
            .unwrap_or_default()
            .into_iter()
            .map(|(term, flat)| {
                if term.starts_with(is_han) {
                    return (term.to_string(), flat);
                }
                let (mut doc, mut rows) = (0, Vec::new());
                for row in flat[1..].chunks(WORD_ROW) {
                    doc += row[0];
                    rows.push((doc, row[1], [row[2], row[3]], &[][..]));
                }
                (term.to_string(), encode_capped(false, flat[0], rows, cap))
            })
            .collect();
        let lengths: Vec<[u32; FIELD_COUNT]> = docs.iter().map(field_lengths).collect();
        let mut merge = Merge::with_cap(&lengths, cap);
        blocks().for_each(|b| merge.add(b));
        let merged: Vec<(String, Vec<u32>)> = merge.finish().into_iter().map(|(t, f)| (t.into(), f)).collect();
        assert_eq!(merged, whole);
        assert!(
            merged.iter().any(|(t, f)| t == "the" && f[0] == 40 && f.len() == 1 + WORD_ROW * cap),
            "the word is cut back"
        );
    }

    #[test]
    fn a_few_more_words_in_one_of_many_documents_move_no_average() {
        let averages_with = |extra: usize| {
            let long = "word ".repeat(64 + extra);
            let short = "word ".repeat(64);
            averages(&[block(0, (0..1000).map(|i| fields("title", if i == 0 { &long } else { &short })))])
        };
        assert_eq!(averages_with(10), averages_with(0), "64.01 rounds to 64");
        assert_ne!(averages_with(640), averages_with(0), "64.64 does not");
    }

    #[test]
    fn a_words_mask_holds_the_words_beside_it_in_the_same_field() {
        let blocks = [block(0, [["guarantee funds", "", "", "", "funds. Loan 返乡 fund", ""]].into_iter())];
        let p = index(&blocks);
        let mask = |term: &str| [p[term][3], p[term][4]];
        let (fund_next, fund_previous) = pairs::bits("fund");
        let (_, guarante_previous) = pairs::bits("guarante");
        let (loan_next, _) = pairs::bits("loan");
        // Punctuation does not part words; a field's end and a Han run do.
        assert_eq!(mask("guarante"), [fund_next, 0]);
        assert_eq!(mask("fund"), [loan_next, guarante_previous]);
        assert_eq!(mask("loan"), [0, fund_previous]);
    }

    #[test]
    fn the_heaviest_rows_are_kept_in_order_with_the_first_of_equal_weights() {
        let mut rows: Vec<Row> =
            [5, 1, 7, 5, 5, 9, 1].iter().enumerate().map(|(d, &w)| (d as u32, w, [0, 0], &[][..])).collect();
        keep_heaviest(&mut rows, 4);
        assert_eq!(rows.iter().map(|r| (r.0, r.1)).collect::<Vec<_>>(), [(0, 5), (2, 7), (3, 5), (5, 9)]);
    }

    #[test]
    fn field_frequencies_survive_packing() {
        let [first, rest] = pack([1, 2, 3, 300, 70_000, 400]);
        assert_eq!(unpack(first, rest), [1, 2, 3, 255, 70_000, 255]);
        let [first, rest] = pack([0, 0, 0, 0, 1 << 25, 7]);
        assert_eq!(unpack(first, rest), [0, 0, 0, 0, 0xff_ffff, 7], "the body's count saturates, the PDF's stays");
    }

    #[test]
    fn common_words_are_capped_but_keep_their_document_frequency() {
        let blocks = [block(0, (0..MAX_POSTINGS + 3).map(|_| fields("the", "")))];
        let p = index(&blocks);
        assert_eq!(p["the"][0] as usize, MAX_POSTINGS + 3);
        assert_eq!(p["the"].len(), 1 + WORD_ROW * MAX_POSTINGS);
    }
}
