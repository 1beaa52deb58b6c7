//! Tokenising documents into `postings::Block`s, the most costly part of the index, in parallel;
//! for `serve`, keeping the blocks so that a change tokenises again only the blocks it touches.
//!
//! Input: the site and its documents in document order. Output: blocks of consecutive documents,
//! which `postings` merges the same however the documents were split (so the index is the same
//! bytes with or without a memo). Must not: reuse a block unless every document in it, at the same
//! position, has the same fields.

use super::{fields, postings::Block};
use crate::model::Site;
use rayon::prelude::*;
use std::hash::{DefaultHasher, Hash, Hasher};

/// Documents per block when blocks are kept: small enough that an edit re-tokenises little.
const KEPT_BLOCK: usize = 256;

/// The blocks of the last index build, each with a hash of each of its documents' fields.
#[derive(Default)]
pub struct BlockMemo {
    blocks: Vec<(Vec<u64>, Block)>,
}

/// Stop (`None`) as soon as `stop` says so.
type Stop<'a> = &'a (dyn Fn() -> bool + Sync);

/// Tokenise every document, several blocks per thread so uneven pages balance out.
pub fn all(site: &Site, order: &[usize], stop: Stop) -> Option<Vec<Block>> {
    let size = order.len().div_ceil(rayon::current_num_threads() * 4).max(64);
    order.par_chunks(size).enumerate().map(|(b, ids)| one(site, ids, b * size, stop)).collect()
}

/// Like `all`, taking from `memo` the blocks whose documents did not change. The memo is left
/// empty: give the blocks back with `BlockMemo::keep` once they are used.
pub fn changed(site: &Site, order: &[usize], stop: Stop, memo: &mut BlockMemo) -> Option<(Vec<Vec<u64>>, Vec<Block>)> {
    let chunks: Vec<&[usize]> = order.chunks(KEPT_BLOCK).collect();
    let keys: Vec<Vec<u64>> =
        chunks.par_iter().map(|ids| ids.iter().map(|&id| document_key(site, id)).collect()).collect();
    let mut kept: Vec<Option<Block>> = std::mem::take(&mut memo.blocks)
        .into_iter()
        .zip(&keys)
        .map(|((was, block), now)| (was == *now).then_some(block))
        .collect();
    kept.resize_with(chunks.len(), || None);
    let reused = kept.iter().filter(|b| b.is_some()).count();
    let blocks: Option<Vec<Block>> = kept
        .into_par_iter()
        .zip(chunks.par_iter())
        .enumerate()
        .map(|(b, (kept, ids))| kept.or_else(|| one(site, ids, b * KEPT_BLOCK, stop)))
        .collect();
    log::debug!("search: {reused} of {} blocks of documents unchanged", chunks.len());
    Some((keys, blocks?))
}

impl BlockMemo {
    /// Keep the blocks `changed` gave, for the next build.
    pub fn keep(&mut self, keys: Vec<Vec<u64>>, blocks: Vec<Block>) {
        self.blocks = keys.into_iter().zip(blocks).collect();
    }
}

fn one(site: &Site, ids: &[usize], first: usize, stop: Stop) -> Option<Block> {
    let docs = ids.iter().map(|&id| fields(site, &site.pages[id], id)).take_while(|_| !stop());
    let block = super::postings::block(first as u32, docs);
    (block.docs() == ids.len()).then_some(block)
}

/// A hash of everything a document's block is made from: its fields.
fn document_key(site: &Site, id: usize) -> u64 {
    let mut hasher = DefaultHasher::new();
    for field in fields(site, &site.pages[id], id) {
        field.hash(&mut hasher);
    }
    hasher.finish()
}
