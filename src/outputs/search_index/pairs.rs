//! Which words follow which: what lets a quoted English phrase match only where its words stand
//! side by side.
//!
//! Input: a word term (stemmed). Output: the bits it sets in the pair masks of its neighbours'
//! postings. Each posting of a word carries two 32-bit masks: the first has one bit set for every
//! word that follows it somewhere in the document (in the same field), the second one bit for
//! every word before it. Words are given their bits by the 32-bit FNV-1a hash of their UTF-8
//! bytes, which the client (`search.mjs`) computes the same. Must not: give a word bits the
//! client cannot compute from the word alone.
//!
//! Why masks and not positions (as Han bigrams have): a word's positions cost as many numbers as
//! it occurs, and the common words occur most (at 100,000 pages they would not fit in the memory
//! a build may take); masks are two numbers per posting, and a page holding both words apart
//! passes only when both masks collide. They cannot tell apart two words that each stand beside
//! dozens of others ("of the"); measured in BENCHMARKS.md, "Quoted phrases".

/// 32-bit FNV-1a, as the client's `fnv32` computes it (pair bits here, shard names in `shards`).
pub(super) fn fnv32(text: &str) -> u32 {
    text.bytes().fold(0x811c_9dc5u32, |h, b| (h ^ b as u32).wrapping_mul(0x0100_0193))
}

/// A word's masks in one document: `[words after it, words before it]`.
pub(super) type Masks = [u32; 2];

/// The bits `term` sets: `(as_next, as_previous)`. `as_next` goes into the first mask of the word
/// before it, `as_previous` into the second mask of the word after it. Distinct bits of the hash
/// choose the two, so a false match needs two independent collisions.
pub(super) fn bits(term: &str) -> (u32, u32) {
    let hash = fnv32(term);
    (1 << (hash & 31), 1 << (hash >> 5 & 31))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_match_the_clients() {
        // As `pairBits` in search.mjs gives: fnv32("fund") = 0x0b7e434e, fnv32("返乡") = 0x604c8cce.
        assert_eq!(fnv32("fund"), 0x0b7e_434e);
        assert_eq!(bits("fund"), (1 << 14, 1 << 26));
        assert_eq!(fnv32("返乡"), 0x604c_8cce);
    }
}
