//! Input that parses but means nothing: control characters, impossible dates and events, bad
//! addresses and flags. Each is a located error (or exit 2 for flags), from `check` as from `build`.

use super::*;

/// `check` fails with exit 1 and prints what `build` prints; the messages, for a snapshot.
fn refused(files: &[(&str, &[u8])]) -> String {
    let dir = tempfile::tempdir().unwrap();
    if !files.iter().any(|(p, _)| *p == "site.yaml") {
        write(dir.path(), "site.yaml", "title: Fixture\nbase_url: https://example.org/\n");
    }
    for (path, bytes) in files {
        write(dir.path(), path, bytes);
    }
    let root = dir.path().to_str().unwrap();
    let (code, checked) = run(dir.path(), &["check", "--root", root]);
    assert_eq!(code, Some(1), "{checked}");
    let (code, built) = run(dir.path(), &["build", "--root", root]);
    assert_eq!(code, Some(1), "{built}");
    assert!(!dir.path().join("public").exists());
    let errors = |s: &str| s.lines().filter(|l| l.contains(": error: ")).map(str::to_string).collect::<Vec<_>>();
    assert_eq!(errors(&checked), errors(&built));
    built
}

const FORUM: &str = "---\ntitle: Forum\ndate: 2016-05-01\nevent:\n  name: Forum\n  start: 2016-05-02\n  end: 2016-05-01\n---\n\nText.\n";

#[test]
fn nonsense_in_content_files_is_located() {
    let cases: Vec<(&str, &[u8])> = vec![
        ("content/pages/nul.md", b"---\ntitle: Nul\n---\n\nHello \x00 world.\n"),
        ("content/pages/escape.md", b"---\ntitle: \"Bell\\a and escape\\e\"\n---\n\nText.\n"),
        ("content/proceedings/backwards.md", FORUM.as_bytes()),
        ("content/reports/year-zero.md", b"---\ntitle: Old\ndate: 0000-01-01\n---\n\nText.\n"),
        ("content/pages/search.md", b"---\ntitle: Mine\nslug: search\n---\n\nText.\n"),
        (
            "content/proceedings/session.md",
            b"---\ntitle: F\ndate: 2016-05-01\nevent: {name: F, start: 2016-05-01}\nsessions:\n  - start: 2016-05-01 10:00\n    end: 2016-05-01 09:00\n    title: \"Late\\0\"\n---\n\nText.\n",
        ),
    ];
    let mut messages = Vec::new();
    for case in &cases {
        messages.push(refused(std::slice::from_ref(case)));
    }
    insta::assert_snapshot!("nonsense_in_content", messages.join("\n"));
}

#[test]
fn an_alias_bomb_is_located_at_its_first_alias() {
    let mut yaml = String::from("title: Bomb\nextra:\n  a: &a [x, x, x, x, x, x, x, x, x]\n");
    for (name, prev) in ["b", "c", "d", "e", "f", "g", "h", "i"].iter().zip(["a", "b", "c", "d", "e", "f", "g", "h"]) {
        yaml.push_str(&format!("  {name}: &{name} [{}]\n", vec![format!("*{prev}"); 9].join(", ")));
    }
    let page = format!("---\n{yaml}---\n\nText.\n");
    let err = refused(&[("content/pages/bomb.md", page.as_bytes())]);
    insta::assert_snapshot!("alias_bomb", err.lines().take(4).collect::<Vec<_>>().join("\n"));
}

#[test]
fn nonsense_in_site_yaml_is_located() {
    let mut messages = Vec::new();
    for config in [
        &b"title: \"Centre \xff\"\nbase_url: https://example.org/\n"[..],
        b"title: \"Centre\\0\"\nbase_url: https://example.org/\n",
        b"title: Centre\nbase_url: \"javascript:alert(1)//\"\n",
        b"title: Centre\nbase_url: https://example.org/\ndigest:\n  from: \"Centre <not an address>\"\n",
    ] {
        messages.push(refused(&[("site.yaml", config), ("content/pages/a.md", b"---\ntitle: A\n---\n\nA.\n")]));
    }
    insta::assert_snapshot!("nonsense_in_site_yaml", messages.join("\n"));
}

#[test]
fn nonsense_flags_are_refused_before_anything_runs() {
    let dir = small_site();
    let root = dir.path().to_str().unwrap();
    let (code, err) = run(dir.path(), &["build", "--root", root, "--base-url", "javascript:alert(1)//"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("must be an absolute http(s) URL with a host"), "{err}");
    let list = dir.path().join("subscribers.csv");
    write(dir.path(), "subscribers.csv", "email,name,lang\na@example.org,A,en\n");
    let (code, err) = run(
        dir.path(),
        &["digest", "send", "--root", root, "--subscribers", list.to_str().unwrap(), "--dry-run", "--rate", "-1"],
    );
    assert_eq!(code, Some(2));
    assert!(err.contains("is not a rate"), "{err}");
    for title in ["", "   ", "a\u{7}b"] {
        let (code, err) = run(dir.path(), &["new", "page", title, "--root", root]);
        assert_eq!(code, Some(2), "{title:?}: {err}");
    }
    assert!(!dir.path().join("content/pages/unnamed.md").exists());
    assert_eq!(build(dir.path(), &[]).status.code(), Some(0), "the site still builds");
}
