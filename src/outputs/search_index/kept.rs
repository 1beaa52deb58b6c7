//! For `serve`: what the last index build made, so that after a change only the shards,
//! vocabulary files and fragments it touches are made again.
//!
//! Input: the site, and what the last call kept. Output: the index's files that may differ from
//! the last call's (every file the first time, or when every weight moved) and the paths of all
//! of them. Must not: give bytes other than `files` gives for the same site (tests compare the
//! two after every kind of edit).

use super::postings::{self, Block};
use super::shards::{self, TermPostings};
use super::{Made, Stop, Written, blocks, document_order};
use crate::model::{OutputFile, Site};
use std::collections::{BTreeMap, HashMap, HashSet};

/// The blocks of tokenised documents and the last build's postings and shards.
#[derive(Default)]
pub struct IndexMemo {
    blocks: blocks::BlockMemo,
    last: Option<Last>,
}

/// Every term's flat postings, in term order.
type Postings = BTreeMap<Box<str>, Vec<u32>>;

/// Postings and shards as the last build made them.
struct Last {
    docs: usize,
    averages: [u64; super::FIELD_COUNT],
    postings: Postings,
    /// By file name: the shard's first and last term.
    shards: HashMap<String, (Box<str>, Box<str>)>,
}

/// What one update of the index gives.
pub struct IndexUpdate {
    /// The files that may have changed since the last update.
    pub files: Vec<OutputFile>,
    /// The paths of all of the index's files, sorted.
    pub paths: Vec<String>,
}

/// A change touching more than a quarter of all terms is made the whole way: as fast, and the
/// same bytes.
const WHOLE_WAY_SHARE: usize = 4;

/// What changed since the last build, when only some terms' postings did.
struct Step {
    /// Terms whose postings were made again, sorted.
    touched: Vec<Box<str>>,
    /// Vocabulary files holding a term whose document frequency changed.
    vocabulary: HashSet<String>,
    /// Documents whose key changed, sorted.
    docs: Vec<u32>,
    shards: HashMap<String, (Box<str>, Box<str>)>,
}

impl IndexMemo {
    /// The index of `site`; `None` once `stop` says so (what was kept stays usable).
    pub fn update(&mut self, site: &Site, stop: Stop) -> Option<IndexUpdate> {
        let started = std::time::Instant::now();
        let order = document_order(site);
        let keys = blocks::keys(site, &order);
        let fresh = self.blocks.tokenise(site, &order, &keys, stop)?;
        let (replaced, changed_docs) = self.blocks.commit(keys, fresh);
        log::debug!("search: tokenised in {:?}", started.elapsed());
        let blocks = self.blocks.blocks();
        let averages = postings::averages(blocks);
        let (postings, step) = match self.last.take() {
            Some(last) if last.averages == averages && last.docs == order.len() => {
                partly(last, blocks, &replaced, changed_docs, stop)?
            }
            _ => (whole(blocks, stop)?, None),
        };
        log::debug!("search: postings of {} terms at {:?}", postings.len(), started.elapsed());
        let terms: Vec<TermPostings> = postings.iter().map(|(term, flat)| (&**term, flat.as_slice())).collect();
        let cut = shards::cut(&terms);
        let bounds = |s: &shards::Shard| (Box::from(terms[s.terms.start].0), Box::from(terms[s.terms.end - 1].0));
        let kept_shards: HashMap<String, (Box<str>, Box<str>)> =
            cut.iter().filter(|s| !s.terms.is_empty()).map(|s| (s.name.clone(), bounds(s))).collect();
        let made = Made { order: &order, terms: &terms, shards: &cut };
        let (files, paths) = match &step {
            None => made.files(site, &Written::Everything),
            Some(step) => {
                let remade: Vec<bool> = cut.iter().map(|s| step.remakes(&s.name, kept_shards.get(&s.name))).collect();
                let written = Written::Only { shards: &remade, vocabulary: &step.vocabulary, fragments: &step.docs };
                made.files(site, &written)
            }
        };
        drop(terms);
        log::debug!("search: {} of {} files made at {:?}", files.len(), paths.len(), started.elapsed());
        self.last = Some(Last { docs: order.len(), averages, postings, shards: kept_shards });
        Some(IndexUpdate { files, paths })
    }

    /// The files of the last update are not served (the build failed, or has no index): the
    /// next update makes every file. The tokenised documents are still good.
    pub fn forget_files(&mut self) {
        self.last = None;
    }
}

/// Every term's postings.
fn whole(blocks: &[Block], stop: Stop) -> Option<Postings> {
    let postings = postings::postings(blocks, stop)?;
    Some(postings.into_iter().map(|(term, flat)| (Box::from(term), flat)).collect())
}

/// The last postings with those of the changed documents' terms made again, or every term's
/// when too many changed.
fn partly(
    mut last: Last,
    blocks: &[Block],
    replaced: &[Block],
    docs: Vec<u32>,
    stop: Stop,
) -> Option<(Postings, Option<Step>)> {
    let touched = touched_terms(replaced, blocks, &docs);
    if touched.len() * WHOLE_WAY_SHARE > last.postings.len() {
        return Some((whole(blocks, stop)?, None));
    }
    let factors = postings::factors(blocks, &last.averages);
    let wanted: Vec<&str> = touched.iter().map(|t| &**t).collect();
    let mut vocabulary = HashSet::new();
    for (term, flat) in touched.iter().zip(postings::postings_of(blocks, &wanted, &factors)) {
        let df = |flat: Option<&Vec<u32>>| flat.map(|f| f[0]);
        if df(last.postings.get(term)) != df(flat.as_ref()) {
            vocabulary.extend(shards::vocabulary_keys(term));
        }
        match flat {
            Some(flat) => last.postings.insert(term.clone(), flat),
            None => last.postings.remove(term),
        };
    }
    Some((last.postings, Some(Step { touched, vocabulary, docs, shards: last.shards })))
}

/// The terms of `docs` before (in the blocks replaced) and now, sorted.
fn touched_terms(replaced: &[Block], blocks: &[Block], docs: &[u32]) -> Vec<Box<str>> {
    let holds = |b: &&Block| docs.iter().any(|d| b.doc_range().contains(d));
    let mut terms: Vec<Box<str>> =
        replaced.iter().chain(blocks).filter(holds).flat_map(|b| b.terms_of(docs)).map(Box::from).collect();
    terms.sort_unstable();
    terms.dedup();
    terms
}

impl Step {
    /// Whether shard `name` (now from `bounds.0` to `bounds.1`) must be made again: it is new,
    /// its bounds moved, or it holds a term whose postings changed (or that is gone).
    fn remakes(&self, name: &str, bounds: Option<&(Box<str>, Box<str>)>) -> bool {
        let Some((first, last)) = bounds else { return true };
        if self.shards.get(name) != Some(&(first.clone(), last.clone())) {
            return true;
        }
        let at = self.touched.partition_point(|t| t < first);
        self.touched.get(at).is_some_and(|t| t <= last)
    }
}
