//! Search filters: which documents have each value of each facet.
//!
//! Input: the pages in document order. Output: `search/facets.json`, for each facet (collection,
//! language, year, topic, region, series) its values in order and, per value, the documents that
//! have it as runs (gap from the end of the previous run, run length, …). Documents are ordered
//! by collection, language and date, so the first three facets are a few runs each. Must not:
//! depend on anything but the pages (the client counts results per value with it).

use crate::model::Page;
use std::collections::{BTreeMap, BTreeSet};

/// The facets the search page filters by, in order.
pub const FACETS: [&str; 6] = ["collection", "lang", "year", "topic", "region", "series"];

/// The values of every facet for one page, in `FACETS` order.
fn values(p: &Page) -> [Vec<String>; 6] {
    let year = p.date.map(|d| d.date().year().to_string());
    let mut regions: BTreeSet<String> = p.front.regions.iter().flat_map(|r| r.0.iter().cloned()).collect();
    regions.extend(p.front.region.as_ref().map(|r| r.province.clone()));
    [
        vec![p.collection.kind().to_string()],
        vec![p.lang.code().to_string()],
        year.into_iter().collect(),
        p.front.topics.iter().flat_map(|t| t.0.iter().cloned()).collect(),
        regions.into_iter().collect(),
        p.front.series.iter().cloned().collect(),
    ]
}

/// `facets.json` for the pages in document order.
pub(super) fn json(pages: &[&Page]) -> String {
    let mut facets: Vec<BTreeMap<String, Vec<u32>>> = vec![BTreeMap::new(); FACETS.len()];
    for (doc, p) in pages.iter().enumerate() {
        for (f, vals) in values(p).into_iter().enumerate() {
            for v in vals {
                facets[f].entry(v).or_default().push(doc as u32);
            }
        }
    }
    let mut out = serde_json::Map::new();
    for (name, values) in FACETS.iter().zip(facets) {
        let names: Vec<&String> = values.keys().collect();
        let docs: Vec<Vec<u32>> = values.values().map(|d| runs(d)).collect();
        out.insert(name.to_string(), serde_json::json!({ "values": names, "docs": docs }));
    }
    serde_json::to_string(&out).unwrap_or_default()
}

/// Sorted, distinct document ids as runs: gap since the end of the previous run, run length, …
fn runs(docs: &[u32]) -> Vec<u32> {
    let mut out: Vec<u32> = Vec::new();
    let mut end = 0;
    for &d in docs {
        match out.last_mut() {
            Some(len) if d == end => *len += 1,
            _ => out.extend([d - end, 1]),
        }
        end = d + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_join_consecutive_documents() {
        assert_eq!(runs(&[0, 1, 2, 5, 7, 8]), [0, 3, 2, 1, 1, 2]);
        assert_eq!(runs(&[3]), [3, 1]);
        assert!(runs(&[]).is_empty());
    }
}
