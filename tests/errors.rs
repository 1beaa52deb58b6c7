//! Bad input: every case gets an exact, located message, exit code 1, and leaves the
//! previous output folder byte-for-byte as it was.

use crate::common::*;
use std::path::Path;

/// Put a "previous build" in place, run the failing build, and check nothing changed.
fn failing_build(root: &Path) -> String {
    write(root, "public/.seedbed-output", "made by seedbed");
    write(root, "public/index.html", "previous build");
    write(root, "public/reports/old/index.html", "an older page");
    let before = tree(&root.join("public"));
    let out = build(root, &[]);
    assert_eq!(out.status.code(), Some(1), "exit code; stderr:\n{}", stderr(&out));
    assert_eq!(tree(&root.join("public")), before, "the previous output must be untouched");
    let leftovers: Vec<_> = std::fs::read_dir(root)
        .expect("read root")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".public"))
        .collect();
    assert!(leftovers.is_empty(), "no staging folder may be left behind");
    stderr(&out)
}

macro_rules! error_case {
    ($name:ident) => {
        #[test]
        fn $name() {
            let dir = copy_site(&fixture(concat!("errors/", stringify!($name))));
            let message = failing_build(dir.path());
            insta::assert_snapshot!(stringify!($name), message);
        }
    };
}

error_case!(unclosed_front_matter);
error_case!(missing_image);
error_case!(svg_with_script);
error_case!(translation_contradicts_original);
// Unknown keys, a wrong type and the links of files that parsed, all in one run; a link to the
// file that did not parse is not called missing.
error_case!(every_problem_in_one_run);
error_case!(invalid_yaml);
error_case!(tab_indentation);
error_case!(duplicate_keys);
error_case!(wrong_type_date);
error_case!(wrong_type_authors);
error_case!(missing_required);
error_case!(null_title);
// A misspelt `tilte:` is one error that names `title`, not also "missing required field `title`".
error_case!(unknown_field);
error_case!(invalid_slug);
error_case!(invalid_utf8);
error_case!(broken_link);
error_case!(broken_anchor);
error_case!(duplicate_urls);
error_case!(unknown_template_variable);
error_case!(unknown_config_key);
error_case!(many_errors_sorted);

#[test]
fn oversized_front_matter_is_refused_before_parsing() {
    // Nested flow mappings are where serde_yaml goes quadratic; the cap must stop them unparsed.
    let nested = format!("title: x\ndate: 2018-02-15\nextra: {}{}\n", "{a: ".repeat(20_000), "}".repeat(20_000));
    let dir = site(&[("content/reports/huge.md", &format!("---\n{nested}---\n\nBody.\n"))]);
    let message = failing_build(dir.path());
    assert_eq!(
        message,
        "content/reports/huge.md:1:1: error: front matter is larger than 64 KiB\n  = hint: move long text into the body of the file\nBuild failed: 1 error (nothing was written)\n"
    );
}

#[test]
fn link_to_a_draft_names_the_reason() {
    let dir = site(&[
        ("content/reports/a.md", "---\ntitle: A\ndate: 2018-02-15\n---\n\nSee [b](b.md).\n"),
        ("content/reports/b.md", "---\ntitle: B\ndate: 2018-02-15\ndraft: true\n---\n\nB.\n"),
    ]);
    let message = failing_build(dir.path());
    assert!(
        message.starts_with(
            "content/reports/a.md:6:5: error: link to `content/reports/b.md`, which is a draft and not published"
        ),
        "{message}"
    );
    assert_eq!(build(dir.path(), &["--drafts"]).status.code(), Some(0));
}

#[test]
fn check_reports_the_same_errors_and_writes_nothing() {
    let dir = copy_site(&fixture("errors/unknown_field"));
    let out = seedbed(&["check", "--root", dir.path().to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("content/reports/typo.md:2:1: error: unknown field `tilte`"));
    assert!(!dir.path().join("public").exists());
}

#[cfg(unix)]
#[test]
fn a_symlink_out_of_the_site_is_an_error_and_nothing_is_published() {
    let outside = tempfile::tempdir().expect("tempdir");
    write(outside.path(), "secret.md", "---\ntitle: Secret\ndate: 2018-02-15\n---\n\nSECRET-CANARY\n");
    let dir = site(&[("content/reports/a.md", REPORT)]);
    std::os::unix::fs::symlink(outside.path().join("secret.md"), dir.path().join("content/reports/secret.md"))
        .expect("symlink");
    let out = build(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("content/reports/secret.md:1:1: error: leads outside the site"), "{}", stderr(&out));
    assert!(!dir.path().join("public").exists());
}

/// Every fixture, and every prefix of every content file in them, goes through the whole
/// pipeline without a panic: bad input is reported, never crashes.
#[test]
fn no_fixture_or_truncation_of_one_panics() {
    let mut roots: Vec<std::path::PathBuf> = Vec::new();
    for group in ["errors", "sites"] {
        for entry in std::fs::read_dir(fixture(group)).expect("fixtures").flatten() {
            roots.push(entry.path());
        }
    }
    roots.push(repo_root());
    roots.sort();
    let settings = settings();
    let mut builds = 0;
    for root in &roots {
        let _ = seedbed::build_site(root, &settings);
        builds += 1;
        let copy = copy_site(root);
        let files: Vec<_> = tree(&copy.path().join("content")).into_iter().collect();
        for (rel, bytes) in files.iter().take(12) {
            let path = copy.path().join("content").join(rel);
            let step = (bytes.len() / 40).max(1);
            for cut in (0..bytes.len()).step_by(step) {
                std::fs::write(&path, &bytes[..cut]).expect("truncate");
                let _ = seedbed::build_site(copy.path(), &settings);
                builds += 1;
            }
            std::fs::write(&path, bytes).expect("restore");
        }
    }
    assert!(builds > 500, "only {builds} builds ran");
}

fn settings() -> seedbed::BuildSettings {
    let today = "2026-01-01".parse().expect("date");
    seedbed::BuildSettings {
        options: seedbed::assemble::BuildOptions { drafts: false, future: false, today },
        base_url: None,
    }
}
// Unknown embeds and arguments, a missing dataset or column, a value that is no number, a broken
// CSV, an embed inside a line and a bad note kind: all located, in one run.
error_case!(embed_problems);
