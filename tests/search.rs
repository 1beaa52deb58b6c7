//! The search index: written by the build, deterministic, free of unpublished text; and
//! tokenised and stemmed exactly as the shipped client does it.

use crate::common::*;
use std::collections::BTreeSet;

/// Run the shipped client's tokenizer in Node over `lines`, one token list per line.
fn client_tokens(lines: &[String]) -> Vec<String> {
    let module = repo_root().join("themes/default/static/search/search.mjs");
    let script = format!(
        "import {{ tokens }} from {:?};\nimport fs from 'node:fs';\nconst out = fs.readFileSync(0, 'utf8').split('\\n').slice(0, -1).map((l) => tokens(l).join(' '));\nprocess.stdout.write(out.join('\\n') + '\\n');\n",
        format!("file://{}", module.display())
    );
    node_lines(&script, lines)
}

/// Every distinct word of the CISI collection and of the example site.
fn vocabulary() -> Vec<String> {
    let shared = shared();
    let mut text = String::new();
    for f in ["eval/cisi/raw/CISI.ALL", "eval/cisi/raw/CISI.QRY"] {
        text.push_str(&String::from_utf8_lossy(&std::fs::read(shared.join(f)).expect("CISI in ../shared")));
    }
    for bytes in tree(&repo_root().join("content")).into_values() {
        text.push_str(&String::from_utf8_lossy(&bytes));
    }
    let words: BTreeSet<String> =
        text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
    words.into_iter().collect()
}

#[test]
#[ignore = "needs Node.js: run scripts/test"]
fn index_and_client_tokenise_and_stem_every_word_identically() {
    let words = vocabulary();
    assert!(words.len() > 12_000, "{}", words.len());
    let client = client_tokens(&words);
    let mut differences = Vec::new();
    for (word, theirs) in words.iter().zip(&client) {
        let ours = seedbed::search_index::tokens(word).join(" ");
        if &ours != theirs {
            differences.push(format!("{word}: index {ours:?}, client {theirs:?}"));
        }
    }
    assert!(
        differences.is_empty(),
        "{} differences, first: {:?}",
        differences.len(),
        &differences[..differences.len().min(10)]
    );
    let mixed = vec![
        "返乡创业 returning migrants' e-commerce in 2018年 Guizhou".to_string(),
        "乡".into(),
        "Ünïcödé ΣΑΣ".into(),
    ];
    let expected: Vec<String> = mixed.iter().map(|l| seedbed::search_index::tokens(l).join(" ")).collect();
    assert_eq!(client_tokens(&mixed), expected);
}

#[test]
fn the_index_is_written_without_unpublished_or_abstract_only_text() {
    let dir = copy_site(&repo_root());
    assert_eq!(build(dir.path(), &[]).status.code(), Some(0));
    let public = dir.path().join("public");
    let manifest: serde_json::Value = serde_json::from_str(&read(&public, "search/manifest.json")).expect("manifest");
    let docs = manifest["docs"].as_u64().expect("docs") as usize;
    assert!(docs > 15, "{docs}");
    assert!(public.join("search/search.mjs").exists() && public.join("search/stem.mjs").exists());
    let index: String =
        tree(&public.join("search")).into_values().map(|b| String::from_utf8_lossy(&b).into_owned()).collect();
    assert!(!index.contains("anonymis"), "the body of an abstract-only report is not indexed");
    assert!(!index.contains("County E-commerce Centres"), "drafts are not indexed");
    assert!(index.contains("\"返乡\""), "Chinese bigrams are indexed");
}

/// Results are built with DOM APIs: no HTML parsing of index data or of the query.
#[test]
fn the_search_client_never_parses_html() {
    let dir = repo_root().join("themes/default/static/search");
    for entry in std::fs::read_dir(&dir).expect("client folder").flatten() {
        let text = std::fs::read_to_string(entry.path()).expect("read");
        for banned in ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"] {
            assert!(!text.contains(banned), "{} uses {banned}", entry.path().display());
        }
    }
}
