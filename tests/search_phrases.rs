//! Quoted English phrases: for phrases sampled from the CISI collection and the example site, the
//! shipped client (run in Node) returns every page that has the words side by side, and few that
//! only have them apart. The pages with the phrase are found from the indexed fields here, token by
//! token, as the index sees them.

use crate::common::*;
use seedbed::outputs::search_index::{indexed_fields, tokens};
use std::collections::BTreeSet;
use std::path::Path;

/// Each document's fields as text.
fn fields_of(root: &Path) -> Vec<Vec<String>> {
    let today = jiff::ZonedDateTime::now().date();
    let options = seedbed::assemble::BuildOptions { drafts: false, future: false, today };
    let settings = seedbed::BuildSettings { options, base_url: None };
    let site = seedbed::build_site(root, &settings).unwrap_or_else(|_| panic!("build {}", root.display())).site;
    indexed_fields(&site)
}

/// Does a field hold `phrase`'s tokens one after another?
fn holds(docs: &[Vec<Vec<String>>], doc: usize, phrase: &[String]) -> bool {
    docs[doc].iter().any(|field| field.windows(phrase.len()).any(|w| w == phrase))
}

/// The runs of words of a field as written, split where Chinese stands between them.
fn word_runs(field: &str) -> Vec<Vec<&str>> {
    field
        .split(seedbed::text::is_han)
        .map(|part| part.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect::<Vec<_>>())
        .filter(|run| !run.is_empty())
        .collect()
}

/// Phrases of 2–3 words as written: `count` taken from the fields as they stand, and as many made
/// of two words of one field in an order or place where they may not stand together, which only
/// the pair masks can turn away. A fixed pseudo-random sequence, so the test is the same every run.
fn sample(fields: &[Vec<String>], count: usize) -> Vec<String> {
    let mut state: u64 = 0x9a1f;
    let mut next = |n: usize| {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((state >> 33) as usize) % n.max(1)
    };
    let runs: Vec<Vec<&str>> = fields.iter().flatten().flat_map(|f| word_runs(f)).filter(|r| r.len() >= 8).collect();
    let mut out = BTreeSet::new();
    while out.len() < 2 * count {
        let run = &runs[next(runs.len())];
        if out.len() < count {
            let len = 2 + next(2);
            let start = next(run.len() - len + 1);
            out.insert(run[start..start + len].join(" "));
        } else {
            let (a, b) = (run[next(run.len())], run[next(run.len())]);
            if !a.eq_ignore_ascii_case(b) {
                out.insert(format!("{a} {b}"));
            }
        }
    }
    out.into_iter().collect()
}

/// What the client returned for the sampled phrases, by phrase length (2 or 3 words).
#[derive(Default, Debug)]
struct Tally {
    phrases: usize,
    /// Pages returned, and how many of them lack the phrase.
    returned: [usize; 2],
    wrong: [usize; 2],
    /// Pages with all the words of a phrase but not the phrase: what matching the words alone
    /// would have returned besides.
    apart: usize,
}

/// Check every sampled phrase on the site at `root`: every page with it must be returned.
fn check_site(root: &Path, count: usize, tally: &mut Tally) {
    let built = build(root, &[]);
    assert_eq!(built.status.code(), Some(0), "{}", stderr(&built));
    let fields = fields_of(root);
    let docs: Vec<Vec<Vec<String>>> = fields.iter().map(|d| d.iter().map(|f| tokens(f)).collect()).collect();
    let written = sample(&fields, count);
    let queries: Vec<String> = written.iter().map(|p| format!("\"{p}\"")).collect();
    for ((text, q), ranked) in written.iter().zip(&queries).zip(client_rankings(&root.join("public"), &queries)) {
        let phrase = tokens(text);
        let with: BTreeSet<usize> = (0..docs.len()).filter(|&d| holds(&docs, d, &phrase)).collect();
        let got: BTreeSet<usize> = ranked.into_iter().collect();
        let missing: Vec<&usize> = with.difference(&got).collect();
        assert!(missing.is_empty(), "{q}: pages with the phrase not returned: {missing:?}");
        let all_words = (0..docs.len()).filter(|&d| phrase.iter().all(|t| docs[d].iter().flatten().any(|x| x == t)));
        tally.apart += all_words.filter(|d| !with.contains(d)).count();
        let length = usize::from(phrase.len() > 2);
        tally.returned[length] += got.len();
        tally.wrong[length] += got.difference(&with).count();
        tally.phrases += 1;
    }
}

#[test]
#[ignore = "needs Node.js and ../shared: run scripts/test"]
fn a_quoted_phrase_finds_every_page_with_its_words_side_by_side_and_few_with_them_apart() {
    let cisi = tempfile::tempdir().expect("tempdir");
    let shared = shared();
    let script = shared.join("eval/to_markdown.py");
    let raw = shared.join("eval/cisi/raw");
    python(&[script.to_str().expect("path"), "cisi", raw.to_str().expect("path"), cisi.path().to_str().expect("path")]);
    let example = copy_site(&repo_root());
    let mut tally = Tally::default();
    check_site(cisi.path(), 300, &mut tally);
    check_site(example.path(), 60, &mut tally);
    eprintln!("{tally:?}");
    let Tally { phrases, returned, wrong, apart } = tally;
    assert!(phrases >= 700, "{phrases}");
    // Measured (BENCHMARKS.md, "Quoted phrases"): 98.9 % of the pages with the words apart turned
    // away; of the pages returned, 95 % of two-word phrases' and 72 % of three-word phrases' have
    // the phrase (a three-word phrase is checked pair by pair: "analysis of X" and "Y of the" pass
    // "analysis of the").
    let (wrong_all, returned_all) = (wrong[0] + wrong[1], returned[0] + returned[1]);
    assert!(wrong_all * 50 <= apart, "{wrong_all} pages without the phrase of {apart} with the words apart");
    assert!(
        wrong[0] * 100 <= returned[0] * 6,
        "two words: {} of {} returned pages lack the phrase",
        wrong[0],
        returned[0]
    );
    assert!(wrong_all * 100 <= returned_all * 8, "{wrong_all} of {returned_all} returned pages lack the phrase");
}
