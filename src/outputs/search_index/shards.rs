//! Cutting the postings into term shards, and the vocabulary files.
//!
//! Input: every term's flat postings, in term order. Output: shards (their terms, file name and
//! JSON) for `search/t/NAME.json`, their words' pair masks for `search/n/NAME.json` (fetched only
//! for a quoted phrase), and the vocabulary files `search/v/X.json`. Must not: let a
//! shard's boundaries or name depend on terms far from it: `serve` writes again only the shards
//! an edit touches, which works only if an edit leaves the other shards' bytes and names alone.

use super::pairs::fnv32;
use super::postings::{masks, scored, scored_len};
use super::tokens::is_han;
use std::collections::{BTreeMap, HashSet};
use std::ops::Range;

/// A term and its flat postings.
pub(super) type TermPostings<'a> = (&'a str, &'a [u32]);

/// A shard holds at least this many bytes of JSON before a term may close it…
const SHARD_MIN: usize = 8 * 1024;
/// …then each byte of a term closes the shard before it with a chance of one in this, decided by
/// the term's hash: shards average about `SHARD_MIN + SHARD_SPREAD` bytes, and a boundary
/// depends only on the terms since the last one, so boundaries after an edit fall back in step.
const SHARD_SPREAD: u64 = 12 * 1024;
/// No shard grows past this (but a single term's postings can be larger).
const SHARD_MAX: usize = 64 * 1024;

/// One shard: its terms (a range of the term list) and its file name.
pub(super) struct Shard {
    pub terms: Range<usize>,
    pub name: String,
}

/// About how many bytes of JSON a term's postings take in its term shard.
fn json_bytes((term, flat): TermPostings) -> usize {
    scored_len(term, flat) * 4 + term.len() + 6
}

/// FNV-1a: fixed and documented, so boundaries and names are the same on every machine and with
/// every compiler, and the client can compute a shard's name.
fn fnv64(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3))
}

/// A shard's file name: the 32-bit FNV-1a hash of its first term in hex (the client's
/// `shardFile` computes the same from the manifest).
pub(super) fn shard_name(first: &str) -> String {
    format!("{:08x}", fnv32(first))
}

/// The shards of terms in order. No shard starts at a term whose name an earlier shard has (the
/// shard before grows instead), so names are unique.
pub(super) fn cut(terms: &[TermPostings]) -> Vec<Shard> {
    let first_name = shard_name(terms.first().map_or("", |t| t.0));
    let mut used = HashSet::from([first_name.clone()]);
    let mut shards = vec![Shard { terms: 0..0, name: first_name }];
    let (mut size, mut previous) = (0, 0);
    for (i, &term) in terms.iter().enumerate() {
        let bytes = json_bytes(term);
        let full = size + bytes > SHARD_MAX;
        // A term that fills a shard by itself (a common word) has it to itself: a query for it,
        // or for a rarer word beside it, downloads nothing else.
        let alone = bytes >= SHARD_MIN || previous >= SHARD_MIN;
        let boundary = alone || (size >= SHARD_MIN && fnv64(term.0) % SHARD_SPREAD < bytes as u64);
        previous = bytes;
        if i > 0 && (full || boundary) {
            let name = shard_name(term.0);
            if used.insert(name.clone()) {
                shards.push(Shard { terms: i..i, name });
                size = 0;
            }
        }
        size += bytes;
        if let Some(last) = shards.last_mut() {
            last.terms.end = i + 1;
        }
    }
    shards
}

/// A term shard: `{"term":[…],…}` for terms already in order.
pub(super) fn json(terms: &[TermPostings]) -> String {
    object(terms.iter().map(|&(term, flat)| (term, scored(term, flat))))
}

/// Whether a shard of these terms has a pair file: it holds a word.
pub(super) fn has_pairs(terms: &[TermPostings]) -> bool {
    terms.iter().any(|t| !t.0.starts_with(is_han))
}

/// A shard's pair file: `{"word":"MASKS",…}`, two masks per posting of the term shard, in order
/// (words after it, words before it). Each mask is written as the indexes of its set bits in
/// base 32 (`0`–`9`, `a`–`v`), then a `.`: a mask has four bits set on average, which this writes
/// in five characters where its decimal number takes nine.
pub(super) fn pairs_json(terms: &[TermPostings]) -> String {
    let mut out = String::from("{");
    for (i, &(term, flat)) in terms.iter().filter(|t| !t.0.starts_with(is_han)).enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&serde_json::to_string(term).unwrap_or_default());
        out.push_str(":\"");
        for mask in masks(term, flat) {
            out.extend((0..32).filter(|bit| mask >> bit & 1 == 1).filter_map(|bit| char::from_digit(bit, 32)));
            out.push('.');
        }
        out.push('"');
    }
    out.push('}');
    out
}

fn object<'t, I: Iterator<Item = u32>>(terms: impl Iterator<Item = (&'t str, I)>) -> String {
    let mut out = String::from("{");
    let mut buf = itoa::Buffer::new();
    for (i, (term, numbers)) in terms.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&serde_json::to_string(term).unwrap_or_default());
        out.push_str(":[");
        for (k, n) in numbers.enumerate() {
            if k > 0 {
                out.push(',');
            }
            out.push_str(buf.format(n));
        }
        out.push(']');
    }
    out.push('}');
    out
}

/// The words of each vocabulary file, by file key. Words are grouped by their first character;
/// Han terms by block of 64 code points of each of their characters (key `h` + block), so the
/// client can find every bigram containing a character the reader typed alone.
pub(super) fn vocabulary<'a>(terms: &[TermPostings<'a>]) -> BTreeMap<String, Vec<(&'a str, u32)>> {
    let mut groups: BTreeMap<String, Vec<(&str, u32)>> = BTreeMap::new();
    for &(term, flat) in terms {
        for key in vocabulary_keys(term) {
            groups.entry(key).or_default().push((term, flat[0]));
        }
    }
    groups
}

/// A vocabulary file: `[["term",df],…]`.
pub(super) fn vocabulary_json(words: &[(&str, u32)]) -> String {
    serde_json::to_string(words).unwrap_or_default()
}

/// The vocabulary files a term is in.
pub(super) fn vocabulary_keys(term: &str) -> Vec<String> {
    let mut keys: Vec<String> = match term.chars().next() {
        Some(c) if is_han(c) => term.chars().map(han_vocabulary_key).collect(),
        Some(c) => vec![vocabulary_key(c)],
        None => Vec::new(),
    };
    keys.dedup();
    keys
}

/// The vocabulary file of words starting with `c`: its code point in hex (the client does the same).
fn vocabulary_key(c: char) -> String {
    format!("{:x}", c as u32)
}

/// The vocabulary file of Han terms containing `c`.
fn han_vocabulary_key(c: char) -> String {
    format!("h{:x}", c as u32 >> 6)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(n: usize, postings: usize) -> (Vec<String>, Vec<u32>) {
        ((0..n).map(|i| format!("term{i:05}")).collect(), vec![1; postings])
    }

    #[test]
    fn shards_stay_within_their_bounds() {
        let (words, flat) = terms(5000, 40);
        let list: Vec<TermPostings> = words.iter().map(|w| (w.as_str(), &flat[..])).collect();
        let shards = cut(&list);
        assert_eq!(shards.first().map(|s| s.terms.start), Some(0));
        assert_eq!(shards.last().map(|s| s.terms.end), Some(5000));
        assert!(shards.windows(2).all(|w| w[0].terms.end == w[1].terms.start), "contiguous");
        let sizes: Vec<usize> =
            shards.iter().map(|s| list[s.terms.clone()].iter().map(|&t| json_bytes(t)).sum()).collect();
        assert!(sizes[..sizes.len() - 1].iter().all(|&b| (SHARD_MIN..=SHARD_MAX).contains(&b)), "{sizes:?}");
        let mean = sizes.iter().sum::<usize>() / sizes.len();
        assert!((12 * 1024..36 * 1024).contains(&mean), "mean {mean}");
    }

    #[test]
    fn growing_one_terms_postings_moves_no_shard_far_from_it() {
        let (words, flat) = terms(5000, 40);
        let big = vec![1; 400];
        let list: Vec<TermPostings> = words.iter().map(|w| (w.as_str(), &flat[..])).collect();
        let mut grown = list.clone();
        grown[1000].1 = &big;
        let (before, after) = (cut(&list), cut(&grown));
        let key = |s: &Shard| (s.terms.clone(), s.name.clone());
        let before: HashSet<_> = before.iter().map(key).collect();
        let moved = after.iter().filter(|s| !before.contains(&key(s))).count();
        assert!(moved <= 3, "{moved} of {} shards differ", after.len());
    }

    #[test]
    fn a_common_word_has_a_shard_to_itself() {
        // A word's row is four values, two of them in the term shard.
        let (small, big) = (vec![1; 10], vec![1; SHARD_MIN / 2 + 1]);
        let list: Vec<TermPostings> =
            [("east", &small[..]), ("easy", &big[..]), ("eat", &small[..]), ("eaten", &small[..])].into();
        let starts: Vec<&str> = cut(&list).iter().map(|s| list[s.terms.start].0).collect();
        assert_eq!(starts, ["east", "easy", "eat"]);
    }

    #[test]
    fn a_words_pair_masks_go_to_the_pair_file_and_the_rest_to_the_term_shard() {
        let (word, han) = ([2, 0, 10, 7, 8, 3, 20, 9, 1], [1, 4, 30, 2, 5, 1]);
        let list: Vec<TermPostings> = [("fund", &word[..]), ("返乡", &han[..])].into();
        assert_eq!(json(&list), r#"{"fund":[2,0,10,3,20],"返乡":[1,4,30,2,5,1]}"#);
        assert_eq!(pairs_json(&list), r#"{"fund":"012.3.03.0."}"#);
        let high = [1, 0, 1, 1 << 31 | 1 << 10, 0];
        assert_eq!(pairs_json(&[("x", &high[..])]), r#"{"x":"av.."}"#);
        assert!(has_pairs(&list) && !has_pairs(&list[1..]));
    }

    #[test]
    fn no_shard_starts_at_a_term_whose_name_is_taken() {
        // "costarring" and "liquid" have the same 32-bit FNV-1a hash.
        assert_eq!(shard_name("costarring"), shard_name("liquid"));
        let big = vec![1; SHARD_MAX / 4];
        let list: Vec<TermPostings> = ["costarring", "liquid", "zebra"].iter().map(|t| (*t, &big[..])).collect();
        let shards = cut(&list);
        let starts: Vec<&str> = shards.iter().map(|s| list[s.terms.start].0).collect();
        assert_eq!(starts, ["costarring", "zebra"]);
    }

    #[test]
    fn shard_names_match_the_clients() {
        assert_eq!(shard_name(""), "811c9dc5");
        assert_eq!(shard_name("a"), "e40c292c");
        // As `shardFile` in search.mjs gives (UTF-8 bytes).
        assert_eq!(shard_name("返乡"), "604c8cce");
    }

    #[test]
    fn vocabulary_groups_words_by_first_character_and_han_terms_by_each_character() {
        let flat = [1u32, 0, 5];
        let list: Vec<TermPostings> = ["ant", "appl", "bee", "茶", "返乡"].iter().map(|t| (*t, &flat[..])).collect();
        let files: BTreeMap<String, String> =
            vocabulary(&list).into_iter().map(|(k, words)| (k, vocabulary_json(&words))).collect();
        // 返 U+8FD4 and 乡 U+4E61 fall in different blocks of 64: the bigram is in both files.
        assert_eq!(files["61"], r#"[["ant",1],["appl",1]]"#);
        assert_eq!(files["62"], r#"[["bee",1]]"#);
        assert_eq!(
            (files["h139"].as_str(), files["h23f"].as_str(), files["h20c"].as_str()),
            (r#"[["返乡",1]]"#, r#"[["返乡",1]]"#, r#"[["茶",1]]"#)
        );
        let keys: Vec<&str> = files.keys().map(String::as_str).collect();
        assert_eq!(keys, ["61", "62", "h139", "h20c", "h23f"]);
    }
}
