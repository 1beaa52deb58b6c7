//! Sites written by the shared tools must build as they are: the benchmark corpus generator
//! and the CISI search-evaluation converter (both in ../shared, beside this repository).

use crate::common::*;

#[test]
fn the_generated_benchmark_corpus_builds() {
    let out = tempfile::tempdir().expect("tempdir");
    let script = shared().join("bench/gen_corpus.py");
    python(&[
        script.to_str().expect("path"),
        "--pages",
        "60",
        "--seed",
        "7",
        "--out",
        out.path().to_str().expect("path"),
    ]);
    let root = out.path().join("seedbed");
    let built = build(&root, &[]);
    assert_eq!(built.status.code(), Some(0), "{}", stderr(&built));
    assert!(root.join("public/catalogue/index.html").exists());
    let reports = std::fs::read_dir(root.join("public/reports")).expect("reports").count();
    assert!(reports > 10, "{reports}");
}

#[test]
fn the_converted_cisi_collection_builds() {
    let out = tempfile::tempdir().expect("tempdir");
    let shared = shared();
    let script = shared.join("eval/to_markdown.py");
    let raw = shared.join("eval/cisi/raw");
    python(&[script.to_str().expect("path"), "cisi", raw.to_str().expect("path"), out.path().to_str().expect("path")]);
    let built = build(out.path(), &[]);
    assert_eq!(built.status.code(), Some(0), "{}", stderr(&built));
    assert!(out.path().join("public/cisi-0001/index.html").exists());
    assert!(out.path().join("public/cisi-1460/index.html").exists());
}
