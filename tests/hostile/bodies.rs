//! Bodies built to cost far more than their size: refused where the budget runs out, or handled
//! in time that grows with the body (memory figures: HARDENING.md).

use super::*;

#[test]
fn a_megabyte_of_brackets_is_a_located_error_not_hundreds_of_megabytes() {
    let body = format!("---\ntitle: Brackets\n---\n\nIntro.\n\n{}\n", "[".repeat(1_000_000));
    let dir = site(&[("content/pages/brackets.md", &body)]);
    let r = dir.path().to_str().unwrap();
    let (code, checked) = run(dir.path(), &["check", "--root", r]);
    assert_eq!(code, Some(1));
    let (code, built) = run(dir.path(), &["build", "--root", r]);
    assert_eq!(code, Some(1));
    assert_eq!(checked.lines().next(), built.lines().next());
    let first = built.lines().next().unwrap_or_default().to_string();
    insta::assert_snapshot!("dense_body", first);
}

#[test]
fn twenty_thousand_links_on_one_line_are_located_in_linear_time() {
    // Every link's line and column is found from the last one's: this took 95 s when each was
    // counted from the start of the body.
    let links = "[a](missing.md) words between the links to keep the density of ordinary prose here ".repeat(20_000);
    let dir = site(&[("content/pages/links.md", &format!("---\ntitle: Links\n---\n\n{links}\n"))]);
    let started = std::time::Instant::now();
    let (code, err) = run(dir.path(), &["check", "--root", dir.path().to_str().unwrap()]);
    assert_eq!(code, Some(1));
    assert!(started.elapsed() < std::time::Duration::from_secs(60), "took {:?}", started.elapsed());
    let last = "content/pages/links.md:5:1659918: error: link to `content/pages/missing.md`";
    assert!(err.contains(last), "{}", &err[err.len().saturating_sub(600)..]);
}

#[test]
fn forty_thousand_identical_headings_get_their_ids_in_linear_time() {
    // Each heading's id was found by trying `same-1`, `same-2`… from the start: 58,000 of them
    // did not finish in 60 s.
    let body = "## Same\n".repeat(40_000);
    let dir = site(&[("content/pages/same.md", &format!("---\ntitle: Same\n---\n\n{body}"))]);
    let started = std::time::Instant::now();
    assert_eq!(build(dir.path(), &[]).status.code(), Some(0));
    assert!(started.elapsed() < std::time::Duration::from_secs(60), "took {:?}", started.elapsed());
    let page = read(dir.path(), "public/same/index.html");
    assert!(page.contains("id=\"same-39999\"") && !page.contains("id=\"same-40000\""));
}
