//! Sources stay inside the site: a symbolic link out of it (or a source folder that is one) is an
//! error at its path unless `allowed_outside` names the folder; pipes and devices are never read.

use super::*;
use std::os::unix::fs::symlink;

/// A folder outside the site holding a "secret".
fn outside() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "shadow", "root:secret-hash");
    write(dir.path(), "templates/base.html", "stolen");
    write(dir.path(), "reports/x.md", REPORT);
    dir
}

/// Build and check both fail with exit 1, publish nothing, and say the same.
fn fails_in_build_and_check(site: &Path) -> String {
    let root = site.to_str().unwrap();
    let (code, built) = run(site, &["build", "--root", root]);
    assert_eq!(code, Some(1), "{built}");
    assert!(!site.join("public").exists(), "nothing may be written");
    let (code, checked) = run(site, &["check", "--root", root]);
    assert_eq!(code, Some(1), "{checked}");
    built
}

#[test]
fn a_source_folder_that_is_a_link_out_of_the_site_is_an_error_at_its_path() {
    let secret = outside();
    let mut messages = Vec::new();
    for (folder, target) in [("static", ""), ("content/reports", "reports"), ("templates", "templates")] {
        let dir = small_site();
        if folder == "content/reports" {
            std::fs::remove_dir_all(dir.path().join(folder)).unwrap();
        }
        symlink(secret.path().join(target), dir.path().join(folder)).unwrap();
        let err = fails_in_build_and_check(dir.path());
        messages.push(redacted(&err, dir.path(), Some(secret.path())));
    }
    insta::assert_snapshot!("source_folder_links_out", messages.join("\n---\n"));
}

#[test]
fn a_file_linked_from_outside_or_from_a_hidden_folder_is_an_error_and_one_from_inside_is_published() {
    let secret = outside();
    let dir = small_site();
    write(dir.path(), ".git/config", "[remote] url = https://token@example.org/");
    write(dir.path(), "notes/public.txt", "fine to publish");
    std::fs::create_dir_all(dir.path().join("static")).unwrap();
    symlink(secret.path().join("shadow"), dir.path().join("static/shadow")).unwrap();
    symlink(dir.path().join(".git/config"), dir.path().join("static/git-config")).unwrap();
    symlink(dir.path().join("notes/public.txt"), dir.path().join("static/public.txt")).unwrap();
    let err = fails_in_build_and_check(dir.path());
    insta::assert_snapshot!("file_links_out", redacted(&err, dir.path(), Some(secret.path())));
    std::fs::remove_file(dir.path().join("static/shadow")).unwrap();
    std::fs::remove_file(dir.path().join("static/git-config")).unwrap();
    assert_eq!(build(dir.path(), &[]).status.code(), Some(0));
    assert_eq!(read(dir.path(), "public/public.txt"), "fine to publish");
}

#[test]
fn allowed_outside_lets_links_into_the_named_folder_only() {
    let secret = outside();
    let shared = tempfile::tempdir().unwrap();
    write(shared.path(), "logo.svg", "<svg/>");
    let dir = small_site();
    let config =
        format!("title: Fixture\nbase_url: https://example.org/\nallowed_outside: [{}]\n", shared.path().display());
    write(dir.path(), "site.yaml", config);
    std::fs::create_dir_all(dir.path().join("static")).unwrap();
    symlink(shared.path().join("logo.svg"), dir.path().join("static/logo.svg")).unwrap();
    assert_eq!(build(dir.path(), &[]).status.code(), Some(0));
    assert_eq!(read(dir.path(), "public/logo.svg"), "<svg/>");
    symlink(secret.path().join("shadow"), dir.path().join("static/shadow")).unwrap();
    let (code, err) = run(dir.path(), &["build", "--root", dir.path().to_str().unwrap()]);
    assert_eq!(code, Some(1));
    assert!(err.contains("static/shadow:1:1: error: leads outside the site"), "{err}");
}

#[test]
fn a_theme_given_as_a_path_is_a_located_error() {
    let dir = small_site();
    write(dir.path(), "site.yaml", "title: Fixture\nbase_url: https://example.org/\ntheme: ../../../x\n");
    let err = fails_in_build_and_check(dir.path());
    insta::assert_snapshot!("theme_as_a_path", redacted(&err, dir.path(), None));
}

#[test]
fn a_theme_folder_that_links_out_of_the_site_is_an_error() {
    let secret = outside();
    let dir = small_site();
    write(dir.path(), "site.yaml", "title: Fixture\nbase_url: https://example.org/\ntheme: borrowed\n");
    std::fs::create_dir_all(dir.path().join("themes")).unwrap();
    symlink(secret.path(), dir.path().join("themes/borrowed")).unwrap();
    let err = fails_in_build_and_check(dir.path());
    assert!(err.contains("themes/borrowed:1:1: error: leads outside the site"), "{err}");
}

fn mkfifo(path: &Path) {
    let ok = std::process::Command::new("mkfifo").arg(path).status().unwrap().success();
    assert!(ok, "mkfifo");
}

#[test]
fn pipes_are_never_read() {
    let dir = small_site();
    std::fs::create_dir_all(dir.path().join("static")).unwrap();
    mkfifo(&dir.path().join("static/pipe"));
    mkfifo(&dir.path().join("content/reports/pipe.md"));
    let (code, err) = run(dir.path(), &["build", "--root", dir.path().to_str().unwrap()]);
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("static/pipe:1:1: warning: not a regular file"), "{err}");
    assert!(!dir.path().join("public/pipe").exists());
    let config = dir.path().join("site.yaml");
    std::fs::remove_file(&config).unwrap();
    mkfifo(&config);
    let (code, err) = run(dir.path(), &["build", "--root", dir.path().to_str().unwrap()]);
    assert_eq!(code, Some(2));
    assert!(err.contains("is not a regular file"), "{err}");
}

#[test]
fn site_yaml_linked_from_outside_is_refused() {
    let secret = outside();
    write(secret.path(), "site.yaml", "title: Elsewhere\nbase_url: https://example.org/\n");
    let dir = small_site();
    std::fs::remove_file(dir.path().join("site.yaml")).unwrap();
    symlink(secret.path().join("site.yaml"), dir.path().join("site.yaml")).unwrap();
    let (code, err) = run(dir.path(), &["build", "--root", dir.path().to_str().unwrap()]);
    assert_eq!(code, Some(2));
    assert!(err.contains("is not a regular file in the site's folder"), "{err}");
}

#[test]
fn serve_refuses_a_site_that_links_out_of_itself() {
    let secret = outside();
    let dir = small_site();
    symlink(secret.path(), dir.path().join("static")).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_seedbed"))
        .args(["serve", "--root", dir.path().to_str().unwrap(), "--port", "0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("static:1:1: error: leads outside the site"), "{}", stderr(&out));
}
