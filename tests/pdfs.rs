//! Report PDFs: an open report's PDF text is searchable and its page count is on the download
//! button; an abstract-only report's PDF is neither indexed nor published; a PDF that cannot be
//! read is a warning naming it.

use crate::common::*;
use std::path::Path;

const SITE: &str = "title: Fixture\nbase_url: https://example.org/\nsearch_index: true\n";

fn report(title: &str, access: &str, pdf: &str) -> String {
    format!(
        "---\ntitle: {title}\ndate: 2018-02-15\nauthors: [Su Hongwen]\naccess: {access}\npdf: {pdf}\nsummary: About loans.\n---\n\nLoans to returnees.\n"
    )
}

fn pdf_site() -> tempfile::TempDir {
    let dir = site(&[
        ("site.yaml", SITE),
        ("content/reports/open.md", &report("Open", "open", "files/open.pdf")),
        ("content/reports/closed.md", &report("Closed", "abstract-only", "files/closed.pdf")),
        ("content/reports/broken.md", &report("Broken", "open", "files/broken.pdf")),
        ("content/reports/odd.md", &report("Odd", "open", "files/odd.pdf")),
    ]);
    // A composite font without its descendant font: the PDF reader panics on it.
    let odd = pdf_with_font("<< /Type /Font /Subtype /Type0 /BaseFont /X /Encoding /Identity-H >>", &[&["ab"]]);
    write(dir.path(), "static/files/odd.pdf", odd);
    write(dir.path(), "static/files/open.pdf", pdf(&[&["Annex: the township questionnaire"], &["Page two"]]));
    write(dir.path(), "static/files/closed.pdf", pdf(&[&["A confidential tabulation"]]));
    write(dir.path(), "static/files/broken.pdf", b"%PDF-1.4\nthis is not a PDF at all");
    dir
}

/// The report titles the shipped client finds for each query.
fn client_titles(public: &Path, queries: &[String]) -> Vec<String> {
    let module = public.join("search/search.mjs");
    let script = format!(
        "import {{ createSearch }} from {:?};\nimport fs from 'node:fs';\nconst root = {:?};\n\
         const load = async (p) => JSON.parse(await fs.promises.readFile(root + '/' + p, 'utf8'));\n\
         const c = await createSearch(load);\n\
         for (const q of fs.readFileSync(0, 'utf8').split('\\n').slice(0, -1)) {{\n\
           const found = await c.search(q);\n\
           const titles = await Promise.all(found.map(async (r) => (await c.fragment(r.doc)).title));\n\
           console.log(titles.join('|'));\n}}\n",
        format!("file://{}", module.display()),
        public.join("search").display().to_string(),
    );
    node_lines(&script, queries)
}

#[test]
fn an_open_reports_pdf_gives_its_page_count_and_an_abstract_only_one_is_not_published() {
    let dir = pdf_site();
    let out = build(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("static/files/broken.pdf") && err.contains("cannot read the text"), "{err}");
    assert!(err.contains("static/files/odd.pdf: ") || err.contains("static/files/odd.pdf:1:1"), "{err}");
    assert!(!err.contains("panicked"), "the reader's panic is a warning, not a crash message: {err}");
    let open = read(dir.path(), "public/reports/open/index.html");
    assert!(open.contains("/files/open.pdf") && open.contains(", 2 pages)"), "{open}");
    let closed = read(dir.path(), "public/reports/closed/index.html");
    assert!(!closed.contains("closed.pdf"), "no link to the withheld PDF: {closed}");
    assert!(!dir.path().join("public/files/closed.pdf").exists(), "the PDF is not published");
    assert!(dir.path().join("public/files/open.pdf").exists() && dir.path().join("public/files/broken.pdf").exists());
    let index: String = tree(&dir.path().join("public/search"))
        .into_values()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .collect();
    assert!(index.contains("questionnair"), "the open PDF's words are indexed");
    assert!(!index.contains("confidenti") && !index.contains("tabul"), "the abstract-only PDF's are not");
    let cached = std::fs::read_dir(dir.path().join(".seedbed-cache/pdf-text")).expect("cache").count();
    assert_eq!(cached, 1, "the text is kept for the next build");
    let again = build(dir.path(), &[]);
    assert_eq!(read(dir.path(), "public/reports/open/index.html"), open, "the cached text gives the same page");
    assert_eq!(again.status.code(), Some(0));
}

#[test]
#[ignore = "needs Node.js: run scripts/test"]
fn a_word_only_in_an_open_pdf_finds_its_report_through_the_shipped_client() {
    let dir = pdf_site();
    assert_eq!(build(dir.path(), &[]).status.code(), Some(0));
    let queries: Vec<String> = ["questionnaire", "confidential", "loans"].iter().map(|q| q.to_string()).collect();
    let found = client_titles(&dir.path().join("public"), &queries);
    assert_eq!(found[0], "Open", "the PDF-only word finds its report");
    assert_eq!(found[1], "", "an abstract-only PDF's words find nothing");
    assert_eq!(found[2].split('|').count(), 4, "a body word finds every report: {}", found[2]);
}
