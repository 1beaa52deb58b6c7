//! Chinese search: for Chinese strings sampled from the example site and the corpus generator's
//! Chinese paragraphs, the shipped client (run in Node) finds every page containing the string
//! and ranks those pages above pages that only contain its characters; a single character finds
//! pages containing it.

use crate::common::*;
use seedbed::outputs::search_index::indexed_text;
use seedbed::text::is_han;
use std::collections::BTreeSet;
use std::path::Path;

/// `count` distinct Chinese strings of 2–6 characters taken from the texts' Han runs (a fixed
/// pseudo-random sequence, so the test is the same every run).
fn sample(texts: &[String], count: usize) -> Vec<String> {
    let runs: Vec<Vec<char>> = texts
        .iter()
        .flat_map(|t| t.split(|c: char| !is_han(c)).map(|r| r.chars().collect::<Vec<_>>()))
        .filter(|r| r.len() >= 2)
        .collect();
    assert!(!runs.is_empty(), "the texts have Chinese");
    let mut state: u64 = 0x5eed;
    let mut next = |n: usize| {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((state >> 33) as usize) % n
    };
    let mut out = BTreeSet::new();
    while out.len() < count {
        let run = &runs[next(runs.len())];
        let len = (2 + next(5)).min(run.len());
        let start = next(run.len() - len + 1);
        out.insert(run[start..start + len].iter().collect::<String>());
    }
    out.into_iter().collect()
}

/// Build `root`, sample `count` strings and check every ranking; returns how many were checked.
fn check_site(root: &Path, count: usize) -> usize {
    let built = build(root, &[]);
    assert_eq!(built.status.code(), Some(0), "{}", stderr(&built));
    // The same publishing rules as the CLI build above: today's date, no drafts or future items.
    let today = jiff::ZonedDateTime::now().date();
    let options = seedbed::assemble::BuildOptions { drafts: false, future: false, today };
    let settings = seedbed::BuildSettings { options, base_url: None };
    let site = seedbed::build_site(root, &settings).unwrap_or_else(|_| panic!("build {}", root.display())).site;
    let texts = indexed_text(&site);
    let queries = sample(&texts, count);
    // A single character (indexed only where it stands alone) finds pages through the bigrams that
    // contain it: some results, and only pages that contain it.
    let singles: Vec<String> =
        sample(&texts, count).iter().filter_map(|q| q.chars().next()).map(String::from).collect();
    for (c, ranked) in singles.iter().zip(client_rankings(&root.join("public"), &singles)) {
        assert!(!ranked.is_empty(), "{c} finds nothing");
        assert!(ranked.iter().all(|&d| texts[d].contains(c.as_str())), "{c}: a result without it");
    }
    for (q, ranked) in queries.iter().zip(client_rankings(&root.join("public"), &queries)) {
        let containing: BTreeSet<usize> = (0..texts.len()).filter(|&d| texts[d].contains(q.as_str())).collect();
        assert!(!containing.is_empty(), "{q} was sampled from the text");
        let head: BTreeSet<usize> = ranked.iter().take(containing.len()).copied().collect();
        assert_eq!(head, containing, "{q}: the pages containing it, and only they, come first");
    }
    queries.len()
}

#[test]
#[ignore = "needs Node.js and ../shared: run scripts/test"]
fn every_page_containing_a_chinese_string_is_found_and_ranked_first() {
    let example = copy_site(&repo_root());
    let mut checked = check_site(example.path(), 80);
    let corpus = tempfile::tempdir().expect("tempdir");
    let script = shared().join("bench/gen_corpus.py");
    let out = corpus.path().to_str().expect("path");
    python(&[script.to_str().expect("path"), "--pages", "300", "--seed", "5", "--out", out]);
    checked += check_site(&corpus.path().join("seedbed"), 160);
    assert!(checked >= 200, "{checked}");
}
