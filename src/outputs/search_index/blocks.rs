//! Tokenising documents into `postings::Block`s, the most costly part of the index, in parallel;
//! for `serve`, keeping the blocks so that a change tokenises again only the blocks it touches.
//!
//! Input: the site and its documents in document order. Output: blocks of consecutive documents,
//! which `postings` merges the same however the documents were split (so the index is the same
//! bytes with or without a memo). Must not: reuse a block unless every document in it, at the same
//! position, has the same key.

use super::{Stop, fields, postings::Block};
use crate::model::Site;
use rayon::prelude::*;
use std::hash::{DefaultHasher, Hash, Hasher};

/// Documents per block when blocks are kept: small enough that an edit re-tokenises little.
const KEPT_BLOCK: usize = 64;

/// The blocks of the last index build, and each document's key.
#[derive(Default)]
pub(super) struct BlockMemo {
    keys: Vec<u64>,
    blocks: Vec<Block>,
}

/// Tokenise the documents `ids`, the first being document `first`, into a few blocks per thread.
pub(super) fn window(site: &Site, ids: &[usize], first: usize) -> Vec<Block> {
    let size = ids.len().div_ceil(rayon::current_num_threads() * 4).max(64);
    ids.par_chunks(size).enumerate().filter_map(|(b, ids)| one(site, ids, first + b * size, &|| false)).collect()
}

/// Blocks made again, by position; `None` where the kept block still holds.
pub(super) type Fresh = Vec<Option<Block>>;

impl BlockMemo {
    /// Tokenise the blocks whose documents' keys differ from the kept ones. The memo is not
    /// changed: `None` on `stop` leaves it as it was.
    pub(super) fn tokenise(&self, site: &Site, order: &[usize], keys: &[u64], stop: Stop) -> Option<Fresh> {
        let fresh: Option<Fresh> = order
            .par_chunks(KEPT_BLOCK)
            .enumerate()
            .map(|(b, ids)| {
                let range = b * KEPT_BLOCK..b * KEPT_BLOCK + ids.len();
                let kept = self.blocks.get(b).is_some() && self.keys.get(range.clone()) == Some(&keys[range.clone()]);
                if kept { Some(None) } else { one(site, ids, range.start, stop).map(Some) }
            })
            .collect();
        let remade = fresh.as_ref().map_or(0, |f| f.iter().filter(|b| b.is_some()).count());
        log::debug!("search: {remade} of {} blocks of documents tokenised again", order.len().div_ceil(KEPT_BLOCK));
        fresh
    }

    /// Take the blocks `tokenise` made in place of the kept ones. Gives the blocks replaced and
    /// the positions whose document key changed (sorted; positions past the end included).
    pub(super) fn commit(&mut self, keys: Vec<u64>, fresh: Fresh) -> (Vec<Block>, Vec<u32>) {
        let longest = self.keys.len().max(keys.len());
        let changed = (0..longest).filter(|&p| self.keys.get(p) != keys.get(p)).map(|p| p as u32).collect();
        let mut old = std::mem::take(&mut self.blocks).into_iter().map(Some).collect::<Vec<_>>();
        old.resize_with(old.len().max(fresh.len()), || None);
        let mut replaced = Vec::new();
        for (b, block) in fresh.into_iter().enumerate() {
            let kept = old[b].take();
            match (block, kept) {
                (Some(new), was) => {
                    replaced.extend(was);
                    self.blocks.push(new);
                }
                (None, Some(kept)) => self.blocks.push(kept),
                (None, None) => {}
            }
        }
        replaced.extend(old.into_iter().flatten());
        self.keys = keys;
        (replaced, changed)
    }

    /// The kept blocks, in document order.
    pub(super) fn blocks(&self) -> &[Block] {
        &self.blocks
    }
}

fn one(site: &Site, ids: &[usize], first: usize, stop: Stop) -> Option<Block> {
    let docs = ids.iter().map(|&id| fields(site, &site.pages[id], id)).take_while(|_| !stop());
    let block = super::postings::block(first as u32, docs);
    (block.docs() == ids.len()).then_some(block)
}

/// Each document's key, in document order: a hash of everything its postings and its fragment
/// are made from (its fields, URL, slug, kind, language and date).
pub(super) fn keys(site: &Site, order: &[usize]) -> Vec<u64> {
    order
        .par_iter()
        .map(|&id| {
            let mut hasher = DefaultHasher::new();
            let p = &site.pages[id];
            fields(site, p, id).hash(&mut hasher);
            (site.config.base_path(), &p.url_path, &p.slug, p.collection.kind(), p.lang.code(), p.date)
                .hash(&mut hasher);
            hasher.finish()
        })
        .collect()
}
