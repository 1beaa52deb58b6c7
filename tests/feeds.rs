//! Feeds: Atom, RSS and JSON Feed per language; dates from content; hostile text stays text.

use crate::common::*;
use std::path::Path;
use std::process::Command;

fn built(fixture_path: &Path) -> tempfile::TempDir {
    let dir = copy_site(fixture_path);
    let out = build(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    dir
}

fn feed_files(public: &Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = walkdir::WalkDir::new(public)
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .map(|e| e.into_path())
        .filter(|p| p.file_name().is_some_and(|n| n == "atom.xml" || n == "rss.xml"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_language_collection_and_topic_has_feeds() {
    let dir = built(&repo_root());
    let public = dir.path().join("public");
    for path in [
        "atom.xml",
        "rss.xml",
        "feed.json",
        "zh/atom.xml",
        "zh/feed.json",
        "reports/atom.xml",
        "proceedings/rss.xml",
        "stories/atom.xml",
        "topics/microfinance/atom.xml",
        "topics/microfinance/rss.xml",
    ] {
        assert!(public.join(path).exists(), "{path}");
    }
    let atom = read(&public, "atom.xml");
    assert!(atom.contains("<updated>2018-05-10T00:00:00+08:00</updated>"), "feed date comes from the newest item");
    let first = atom.find("labour-data-platforms").expect("newest report");
    let older = atom.find("returning-migrants-rural-revitalization").expect("older report");
    assert!(first < older, "newest first");
    assert!(!atom.contains("county-e-commerce"), "drafts are not in feeds");
    let json: serde_json::Value = serde_json::from_str(&read(&public, "feed.json")).expect("JSON Feed parses");
    assert_eq!(json["version"], "https://jsonfeed.org/version/1.1");
    assert!(json["items"].as_array().is_some_and(|items| !items.is_empty() && items.len() <= 20));
}

/// Control characters never reach a feed: they are refused where they are written (the hostile
/// suite, `nonsense_in_content_files_is_located`).
#[test]
fn hostile_titles_are_escaped() {
    let dir = built(&fixture("sites/payloads"));
    let public = dir.path().join("public");
    let atom = read(&public, "atom.xml");
    assert!(atom.contains("<title>Loans &amp; &lt;script&gt;alert(‘t’)&lt;/script&gt; ]]&gt; end</title>"), "{atom}");
    assert!(!atom.contains("<script"));
    let rss = read(&public, "rss.xml");
    assert!(!rss.contains("<script") || rss.contains("<![CDATA["), "{rss}");
    let json: serde_json::Value = serde_json::from_str(&read(&public, "feed.json")).expect("JSON Feed parses");
    assert_eq!(json["items"][0]["title"], "Loans & <script>alert(‘t’)</script> ]]> end");
}

/// Every feed of the example site and of the payload fixture passes two real validators.
#[test]
#[ignore = "needs python3-feedparser and xmllint: run scripts/test"]
fn feeds_pass_feedparser_and_xmllint() {
    for site in [repo_root(), fixture("sites/payloads")] {
        let dir = built(&site);
        let files = feed_files(&dir.path().join("public"));
        assert!(files.len() >= 8, "{files:?}");
        let out = Command::new("xmllint").arg("--noout").args(&files).output().expect("xmllint must be installed");
        assert!(out.status.success(), "xmllint: {}", String::from_utf8_lossy(&out.stderr));
        let script = "import sys, feedparser\nbad = []\nfor f in sys.argv[1:]:\n    d = feedparser.parse(f)\n    if d.bozo or not d.entries and 'topics' in f:\n        bad.append((f, repr(d.get('bozo_exception'))))\nprint(bad)\nsys.exit(1 if bad else 0)\n";
        let out = Command::new("python3").arg("-c").arg(script).args(&files).output().expect("python3");
        assert!(
            out.status.success(),
            "feedparser: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
