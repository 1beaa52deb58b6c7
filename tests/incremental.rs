//! `serve`'s incremental builds: after any sequence of edits, creates, deletes and renames, the
//! site in memory is byte-identical to a full `build_site` of the same files.

use crate::common::*;
use seedbed::pipeline::incremental::IncrementalBuild;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const SITE: &str = "title:\n  en: Fixture\n  zh: 测试\nbase_url: https://example.org/\nlanguages: [en, zh]\n\
                    items_per_page: 2\ntaxonomies: [topics, regions]\nsearch_index: true\n";

fn report(title: &str, date: &str, body: &str) -> String {
    format!(
        "---\ntitle: \"{title}\"\ndate: {date}\nauthors: [Liu Zheng]\ntopics: [Credit]\nregions: [Sichuan]\n\
         series: Research Report\nvolume: 1\nnumber: 1\nsummary: \"About {title}.\"\n---\n\n{body}\n"
    )
}

fn fixture_site() -> tempfile::TempDir {
    site(&[
        ("site.yaml", SITE),
        (
            "content/reports/a.md",
            &report("Loans", "2024-01-05", "See [the method](b.md#method).\n\n## Findings\n\nLoans help."),
        ),
        ("content/reports/a.zh.md", &report("贷款", "2024-01-05", "贷款有帮助。")),
        ("content/reports/b.md", &report("Method", "2024-02-01", "## Method\n\nWe asked people.")),
        ("content/reports/c.md", &report("Third", "2023-05-01", "Older work.")),
        ("content/reports/draft.md", "---\ntitle: Draft\ndate: 2024-03-01\ndraft: true\n---\n\nNot yet.\n"),
        (
            "content/stories/tea.md",
            "---\ntitle: Tea\ndate: 2023-06-01\nsummary: Tea hills.\nrelated: [../reports/b.md]\n---\n\nTea grows.\n",
        ),
        (
            "content/proceedings/forum.md",
            "---\ntitle: Forum\ndate: 2023-09-01\nevent:\n  name: Forum\n  start: 2023-09-01\nsessions:\n  \
             - start: 2023-09-01 09:30\n    title: Credit\n    speakers: [Liu Zheng, Wang Fang]\n---\n\nNotes.\n",
        ),
        ("content/people/liu-zheng.md", "---\ntitle: Liu Zheng\nrole: Researcher\n---\n\nLiu studies credit.\n"),
        ("content/pages/about.md", "---\ntitle: About\naliases: [/old-about/]\n---\n\nAbout us.\n"),
        ("static/site.css", "body { color: black }\n"),
    ])
}

fn settings() -> seedbed::BuildSettings {
    let today = jiff::civil::date(2025, 1, 1);
    seedbed::BuildSettings {
        options: seedbed::assemble::BuildOptions { drafts: false, future: false, today },
        base_url: None,
    }
}

/// Every file a full build makes, with static files read.
fn full_build(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let output = seedbed::build_site(root, &settings()).expect("full build");
    output
        .files
        .into_iter()
        .map(|f| {
            let bytes = match f.contents {
                seedbed::model::OutputContents::Bytes(b) => b,
                seedbed::model::OutputContents::Copy(seedbed::model::AssetSource::Embedded(b)) => b.to_vec(),
                seedbed::model::OutputContents::Copy(seedbed::model::AssetSource::File(p)) => {
                    std::fs::read(p).expect("static file")
                }
            };
            (f.path, bytes)
        })
        .collect()
}

/// The search index's own files (the search page and its scripts are not).
fn is_index(path: &str) -> bool {
    path.starts_with("search/") && path.ends_with(".json")
}

fn assert_same_as_full_build(root: &Path, build: &IncrementalBuild, step: &str) {
    assert_same_files(root, build, step, |_| true);
}

fn assert_same_files(root: &Path, build: &IncrementalBuild, step: &str, compared: impl Fn(&str) -> bool) {
    let mut full = full_build(root);
    full.retain(|p, _| compared(p));
    let mut served: BTreeMap<String, Vec<u8>> = build.files().iter().map(|(p, b)| (p.clone(), b.to_vec())).collect();
    served.retain(|p, _| compared(p));
    let differ: Vec<&String> = full
        .keys()
        .chain(served.keys())
        .filter(|p| full.get(*p) != served.get(*p))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert!(differ.is_empty(), "after {step}: {} files differ from a full build: {differ:?}", differ.len());
}

/// Apply a change, tell the build which paths changed, bring the index up, compare.
fn step(
    root: &Path,
    build: &mut IncrementalBuild,
    name: &str,
    paths: &[&str],
) -> seedbed::pipeline::incremental::Update {
    let changed: Vec<PathBuf> = paths.iter().map(|p| root.join(p)).collect();
    let update = build.update(Some(&changed)).unwrap_or_else(|e| panic!("after {name}: {e:?}"));
    // What the reload shows is complete before the index catches up.
    assert_same_files(root, build, &format!("{name}, before the index"), |p| !is_index(p));
    assert!(build.finish_index(&|| false).is_some());
    assert_same_as_full_build(root, build, name);
    update
}

/// A temporary copy of the fixture site (kept while the directory lives), its canonical root
/// (the watcher's paths are canonical), and its first build.
fn started() -> (tempfile::TempDir, PathBuf, IncrementalBuild) {
    let dir = fixture_site();
    let root = dir.path().canonicalize().expect("root");
    let mut build = IncrementalBuild::new(&root, &settings());
    build.update(None).expect("first build");
    assert_same_as_full_build(&root, &build, "the first build");
    (dir, root, build)
}

#[test]
fn a_body_edit_renders_only_its_page_and_matches_a_full_build() {
    let (_dir, root, mut build) = started();
    write(&root, "content/reports/c.md", report("Third", "2023-05-01", "Older work, revised."));
    let update = step(&root, &mut build, "a body edit", &["content/reports/c.md"]);
    assert_eq!((update.parsed, update.rendered.len(), update.changed), (1, 1, 1), "{update:?}");
    assert!(update.index_pending);
    write(&root, "content/people/liu-zheng.md", "---\ntitle: Liu Zheng\nrole: Researcher\n---\n\nLiu studies loans.\n");
    let update = step(&root, &mut build, "a person's body edit", &["content/people/liu-zheng.md"]);
    // Both pages of Liu's list of works are rendered again; the first shows the body.
    assert_eq!((update.rendered.len(), update.changed), (2, 1), "{update:?}");
    // Back to the first body, in one change with a front matter edit (the whole way): Liu's
    // page must not be taken for unchanged from what the first build showed.
    write(
        &root,
        "content/people/liu-zheng.md",
        "---\ntitle: Liu Zheng\nrole: Researcher\n---\n\nLiu studies credit.\n",
    );
    write(&root, "content/reports/c.md", report("Third, retitled", "2023-05-01", "Older work, revised."));
    step(
        &root,
        &mut build,
        "a body reverted beside a title edit",
        &["content/people/liu-zheng.md", "content/reports/c.md"],
    );
    write(&root, "content/reports/.c.md.tmp", "a hidden file");
    let update = step(
        &root,
        &mut build,
        "a hidden file and a save without changes",
        &["content/reports/.c.md.tmp", "content/reports/c.md"],
    );
    assert_eq!(update, seedbed::pipeline::incremental::Update::default(), "nothing to render, nothing to reload");
}

#[test]
fn front_matter_edits_creates_deletes_and_renames_match_a_full_build() {
    let (_dir, root, mut build) = started();
    write(&root, "content/reports/b.md", report("Method, retitled", "2024-02-01", "## Method\n\nWe asked people."));
    let update = step(&root, &mut build, "a title edit", &["content/reports/b.md"]);
    assert!(update.changed > 5 && update.index_pending, "listings show the title: {update:?}");
    let pages = build.files().keys().filter(|p| p.ends_with(".html")).count();
    // Items that show nothing of b.md (c.md, the About page) are not rendered.
    assert!(update.rendered.len() < pages, "{} of {pages} pages rendered", update.rendered.len());
    write(&root, "content/reports/d.md", report("New", "2024-04-01", "Links to [loans](a.md)."));
    step(&root, &mut build, "a new report", &["content/reports/d.md"]);
    std::fs::rename(root.join("content/reports/a.zh.md"), root.join("content/reports/a2.zh.md")).expect("rename");
    step(&root, &mut build, "renaming a translation", &["content/reports/a.zh.md", "content/reports/a2.zh.md"]);
    std::fs::remove_file(root.join("content/reports/d.md")).expect("delete");
    step(&root, &mut build, "deleting a report", &["content/reports/d.md"]);
    write(&root, "content/reports/draft.md", "---\ntitle: Draft\ndate: 2024-03-01\ndraft: true\n---\n\nStill not.\n");
    step(&root, &mut build, "editing a draft", &["content/reports/draft.md"]);
    write(&root, "content/reports/draft.md", "---\ntitle: Draft\ndate: 2024-03-01\n---\n\nDone.\n");
    step(&root, &mut build, "publishing the draft", &["content/reports/draft.md"]);
    write(&root, "content/people/wang-fang.md", "---\ntitle: Wang Fang\n---\n\nWang speaks.\n");
    step(&root, &mut build, "a speaker's people page", &["content/people/wang-fang.md"]);
    write(&root, "static/site.css", "body { color: navy }\n");
    step(&root, &mut build, "a static file", &["static/site.css"]);
    write(&root, "templates/partials/subscribe.html", "<p>Subscribe by mail.</p>\n");
    step(&root, &mut build, "a template override", &["templates/partials/subscribe.html"]);
    // UI strings reach every page as values a fingerprint leaves out: they must render all.
    let strings = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/themes/default/i18n/en.yaml"))
        .expect("the default theme's strings");
    write(&root, "i18n/en.yaml", strings.replace("nav_reports: \"Reports\"", "nav_reports: \"Studies\""));
    let update = step(&root, &mut build, "a UI string", &["i18n/en.yaml"]);
    assert!(update.changed > 20, "every English page shows the menu: {update:?}");
    write(&root, "site.yaml", SITE.replace("items_per_page: 2", "items_per_page: 3"));
    step(&root, &mut build, "site.yaml", &["site.yaml"]);
    write(&root, "site.yaml", SITE.replace("search_index: true", "search_index: false"));
    step(&root, &mut build, "turning the search index off", &["site.yaml"]);
    assert!(!build.files().contains_key("search/manifest.json"));
    write(&root, "site.yaml", SITE);
    step(&root, &mut build, "turning it on again", &["site.yaml"]);
    std::fs::create_dir_all(root.join("content/stories/more")).expect("mkdir");
    write(&root, "content/stories/more/farm.md", "---\ntitle: Farm\ndate: 2022-01-01\n---\n\nFarming.\n");
    step(&root, &mut build, "a new folder", &["content/stories/more"]);
}

#[test]
fn a_title_edit_renders_only_the_pages_that_show_the_item() {
    let (_dir, root, mut build) = started();
    write(&root, "content/reports/c.md", report("Third, retitled", "2023-05-01", "Older work."));
    let update = step(&root, &mut build, "retitling the oldest report", &["content/reports/c.md"]);
    // Its page, a page relating to it, the last page of every list it is on (two per page), the
    // home page's latest reports, its catalogue issue, and the forum (a programme: always); and
    // the same lists in Chinese, where it is listed untranslated, and the Chinese page relating
    // to it. Not: the first pages of those lists, other items.
    let expected = [
        "a-z/t/index.html",
        "catalogue/research-report/vol-1/no-1/index.html",
        "index.html",
        "people/liu-zheng/page/2/index.html",
        "proceedings/forum/index.html",
        "regions/sichuan/page/2/index.html",
        "reports/a/index.html",
        "reports/c/index.html",
        "reports/page/2/index.html",
        "topics/credit/page/2/index.html",
        "years/2023/page/2/index.html",
        "zh/a-z/t/index.html",
        "zh/catalogue/research-report/vol-1/no-1/index.html",
        "zh/index.html",
        "zh/people/liu-zheng/page/2/index.html",
        "zh/regions/sichuan/page/2/index.html",
        "zh/reports/a/index.html",
        "zh/reports/page/2/index.html",
        "zh/topics/credit/page/2/index.html",
        "zh/years/2023/page/2/index.html",
    ];
    assert_eq!(update.rendered, expected);
}

#[test]
fn an_index_left_behind_for_a_newer_change_catches_up_after_it() {
    let (_dir, root, mut build) = started();
    let index = |build: &IncrementalBuild| -> BTreeMap<String, Vec<u8>> {
        build.files().iter().filter(|(p, _)| is_index(p)).map(|(p, b)| (p.clone(), b.to_vec())).collect()
    };
    let last_index = index(&build);
    write(&root, "content/reports/c.md", report("Third", "2023-05-01", "Older work on tea."));
    build.update(Some(&[root.join("content/reports/c.md")])).expect("a body edit");
    // A newer change is waiting from the start, or turns up while documents are tokenised.
    assert_eq!(build.finish_index(&|| true), None);
    let calls = std::sync::atomic::AtomicUsize::new(0);
    assert_eq!(build.finish_index(&|| calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst) >= 3), None);
    assert!(index(&build) == last_index, "the last index is served until one is finished");
    assert_same_files(&root, &build, "an interrupted index", |p| !is_index(p));
    // The change that interrupted it may be no change at all (a hidden file): the index still lags.
    write(&root, "content/reports/.c.md.swp", "swap");
    let update = build.update(Some(&[root.join("content/reports/.c.md.swp")])).expect("a hidden file");
    assert!(update.index_pending && update.changed == 0, "{update:?}");
    assert!(build.finish_index(&|| false).is_some());
    assert_same_as_full_build(&root, &build, "the index caught up after no change");
    write(&root, "content/reports/b.md", report("Method, retitled", "2024-02-01", "## Method\n\nWe asked people."));
    step(&root, &mut build, "the newer change", &["content/reports/b.md"]);
}

#[test]
fn an_index_over_many_blocks_of_documents_matches_a_full_build_after_edits() {
    // 600 reports: the search index keeps its documents in blocks of 256; an edit tokenises one
    // block again and reuses the others.
    let dir = fixture_site();
    let root = dir.path().canonicalize().expect("root");
    for n in 0..600 {
        let date = format!("20{:02}-{:02}-{:02}", 10 + n % 14, 1 + n % 12, 1 + n % 28);
        write(&root, &format!("content/reports/r{n}.md"), report(&format!("Report {n}"), &date, &format!("Text {n}.")));
    }
    let mut build = IncrementalBuild::new(&root, &settings());
    build.update(None).expect("first build");
    write(&root, "content/reports/r7.md", report("Report 7", "2017-08-08", "Text 7, now about tea."));
    step(&root, &mut build, "a body edit (the index catches up with its blocks)", &["content/reports/r7.md"]);
    write(&root, "content/reports/r300.md", report("Report 300 on tea", "2012-01-05", "Text 300."));
    step(&root, &mut build, "a body edit after it", &["content/reports/r300.md"]);
    write(&root, "content/reports/r301.md", report("Report 301", "2012-02-06", "Text 301 about loans."));
    std::fs::remove_file(root.join("content/reports/r5.md")).expect("rm");
    step(&root, &mut build, "a deleted report (documents move)", &["content/reports/r301.md", "content/reports/r5.md"]);
}

#[test]
fn a_short_body_edit_changes_only_the_index_shards_holding_its_terms() {
    // 800 reports of 80 words each from a vocabulary of 10,000: dozens of shards. Editing a
    // short report changes the postings of its few terms; the shards holding none of them must
    // keep their names and bytes (BM25F averages are rounded, shard boundaries follow terms).
    let dir = fixture_site();
    let root = dir.path().canonicalize().expect("root");
    let syllables = ["ka", "lo", "mi", "ne", "pu", "ra", "si", "to", "vu", "ze"];
    let word = |n: usize| (0..4).map(|k| syllables[n / 10usize.pow(k) % 10]).collect::<String>();
    let mut sequence = Sequence(7);
    for n in 0..800 {
        let body: Vec<String> = (0..80).map(|_| word(sequence.below(10_000))).collect();
        let date = format!("20{:02}-{:02}-{:02}", 10 + n % 14, 1 + n % 12, 1 + n % 28);
        write(&root, &format!("content/reports/r{n}.md"), report(&format!("Report {n}"), &date, &body.join(" ")));
    }
    write(&root, "content/reports/short.md", report("Short", "2015-03-03", "Tea, tea and tea."));
    let mut build = IncrementalBuild::new(&root, &settings());
    build.update(None).expect("first build");
    let shards = |build: &IncrementalBuild| -> BTreeMap<String, Vec<u8>> {
        build.files().iter().filter(|(p, _)| p.starts_with("search/t/")).map(|(p, b)| (p.clone(), b.to_vec())).collect()
    };
    let before = shards(&build);
    // A new word near the start of the alphabet (a term before most shards), one word fewer.
    write(&root, "content/reports/short.md", report("Short", "2015-03-03", "Aardvark kalomine."));
    step(&root, &mut build, "a short body edit", &["content/reports/short.md"]);
    let after = shards(&build);
    let changed: Vec<&String> = after.keys().filter(|path| before.get(*path) != after.get(*path)).collect();
    assert!(before.len() >= 30, "{} shards", before.len());
    // Only the body's terms (tea, and; aardvark, kalomin) change postings: the body's length
    // changed, the other fields did not. Exactly the shards holding one of them change.
    let holds = |bytes: &[u8]| {
        let shard: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(bytes).expect("shard");
        ["tea", "and", "aardvark", "kalomin"].iter().any(|t| shard.contains_key(*t))
    };
    let expected: Vec<&String> = after.iter().filter(|(_, bytes)| holds(bytes)).map(|(path, _)| path).collect();
    assert_eq!(changed, expected, "of {} shards", after.len());
}

#[test]
fn a_broken_body_keeps_the_last_good_files_until_fixed() {
    let (_dir, root, mut build) = started();
    let good = build.files().clone();
    let b = "content/reports/b.md";
    write(&root, b, report("Method", "2024-02-01", "## Approach\n\nWe asked people."));
    let error = build.update(Some(&[root.join(b)])).expect_err("a.md links to b.md#method");
    assert!(format!("{error:?}").contains("#method"), "{error:?}");
    assert!(build.files() == &good, "a failed build changes nothing served");
    write(&root, "content/reports/c.md", report("Third", "2023-05-01", "Links to [nowhere](missing.md)."));
    assert!(build.update(Some(&[root.join("content/reports/c.md")])).is_err());
    write(&root, b, report("Method", "2024-02-01", "## Method\n\nWe asked people again."));
    write(&root, "content/reports/c.md", report("Third", "2023-05-01", "Older work."));
    step(&root, &mut build, "fixing both", &[b, "content/reports/c.md"]);
    write(&root, "site.yaml", "title: [unclosed\n");
    assert!(build.update(Some(&[root.join("site.yaml")])).is_err(), "a broken site.yaml fails");
    write(&root, b, report("Method", "2024-02-01", "## Method\n\nA body edit while site.yaml is broken."));
    assert!(build.update(Some(&[root.join(b)])).is_err(), "and keeps failing until fixed");
    write(&root, "site.yaml", SITE);
    step(&root, &mut build, "fixing site.yaml", &["site.yaml"]);
}

/// A small deterministic generator (no randomness crate needed for a test sequence).
struct Sequence(u64);

impl Sequence {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

#[test]
fn forty_mixed_changes_in_a_row_match_a_full_build_after_each() {
    let (_dir, root, mut build) = started();
    // The translation takes its date from a.md, which the changes below move.
    write(&root, "content/reports/a.zh.md", "---\ntitle: 贷款\n---\n\n贷款有帮助。\n");
    step(&root, &mut build, "a translation taking its original's keys", &["content/reports/a.zh.md"]);
    let mut sequence = Sequence(20261128);
    let names = ["a", "b", "c", "e", "f", "g"];
    for n in 0..40 {
        let name = names[sequence.below(names.len())];
        let rel = format!("content/reports/{name}.md");
        let exists = root.join(&rel).exists();
        let (what, paths) = match sequence.below(5) {
            0 | 1 => {
                let body = format!("## Method\n\nBody {n}.\n\nSee [loans](a.md) and [b](b.md#method).");
                let date = if exists { "2024-02-01" } else { "2021-01-01" };
                write(&root, &rel, report(&format!("Title {name}"), date, &body));
                ("write", vec![rel])
            }
            2 => {
                write(
                    &root,
                    &rel,
                    report(&format!("Title {name} {n}"), &format!("2020-01-{:02}", n % 28 + 1), "## Method\n\nText."),
                );
                ("retitle", vec![rel])
            }
            3 if exists && name != "a" && name != "b" => {
                std::fs::remove_file(root.join(&rel)).expect("delete");
                ("delete", vec![rel])
            }
            _ if exists && name != "a" && name != "b" => {
                let to = format!("content/reports/{name}-{n}.md");
                std::fs::rename(root.join(&rel), root.join(&to)).expect("rename");
                ("rename", vec![rel, to])
            }
            _ => continue,
        };
        let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
        step(&root, &mut build, &format!("change {n} ({what} {paths:?})"), &paths);
    }
}

#[test]
fn an_image_added_replaced_and_kept_through_a_body_edit_matches_a_full_build() {
    let (_dir, root, mut build) = started();
    let chart = |width, height| crate::images::png(width, height);
    write(&root, "content/reports/c/chart.png", chart(1000, 500));
    write(&root, "content/reports/c.md", report("Third", "2023-05-01", "![Use rate](chart.png \"Figure 1\")"));
    step(&root, &mut build, "an image added", &["content/reports/c/chart.png", "content/reports/c.md"]);
    let page = |build: &IncrementalBuild| {
        String::from_utf8_lossy(&build.files()["reports/c/index.html"].to_vec()).into_owned()
    };
    assert!(page(&build).contains("width=\"1000\" height=\"500\""), "{}", page(&build));
    write(&root, "content/reports/c/chart.png", chart(600, 400));
    step(&root, &mut build, "the image replaced", &["content/reports/c/chart.png"]);
    assert!(page(&build).contains("width=\"600\" height=\"400\""), "{}", page(&build));
    write(
        &root,
        "content/reports/c.md",
        report("Third", "2023-05-01", "Revised.\n\n![Use rate](chart.png \"Figure 1\")"),
    );
    let update = step(&root, &mut build, "a body edit beside the image", &["content/reports/c.md"]);
    assert_eq!(update.rendered, ["reports/c/index.html"], "only the page itself");
}

#[test]
fn a_translation_taking_its_originals_keys_matches_a_full_build_through_edits_of_both() {
    let (_dir, root, mut build) = started();
    write(&root, "content/reports/b.zh.md", "---\ntitle: 方法\n---\n\n## Method\n\n我们问了人们。\n");
    step(&root, &mut build, "a translation with only a title", &["content/reports/b.zh.md"]);
    write(&root, "content/reports/b.zh.md", "---\ntitle: 方法\n---\n\n## Method\n\n我们问了很多人。\n");
    let update = step(&root, &mut build, "its body edited", &["content/reports/b.zh.md"]);
    assert_eq!(update.rendered, ["zh/reports/b/index.html"], "only its own page");
    write(&root, "content/reports/b.md", report("Method", "2024-02-02", "## Method\n\nWe asked people."));
    step(&root, &mut build, "the original's date changed", &["content/reports/b.md"]);
    let zh = String::from_utf8_lossy(&build.files()["zh/reports/b/index.html"].to_vec()).into_owned();
    assert!(zh.contains("2024年2月2日"), "{zh}");
}

#[test]
fn a_data_file_edit_redraws_the_chart_that_shows_it_as_a_full_build_would() {
    let (_dir, root, mut build) = started();
    write(&root, "data/rates.csv", "year,rate\n2015,1\n2016,2\n");
    let chart = "{{< chart data=\"rates.csv\" x=\"year\" y=\"rate\" caption=\"Rates\" >}}";
    write(&root, "content/reports/c.md", report("Third", "2023-05-01", &format!("Older work.\n\n{chart}\n")));
    step(&root, &mut build, "a chart and its data added", &["data/rates.csv", "content/reports/c.md"]);
    let before = build.files().get("reports/c/index.html").map(|b| b.to_vec()).unwrap_or_default();
    assert!(String::from_utf8_lossy(&before).contains("<title>2016, rate: 2</title>"));
    write(&root, "data/rates.csv", "year,rate\n2015,1\n2016,7\n");
    step(&root, &mut build, "the data edited", &["data/rates.csv"]);
    let after = build.files().get("reports/c/index.html").map(|b| b.to_vec()).unwrap_or_default();
    assert!(String::from_utf8_lossy(&after).contains("<title>2016, rate: 7</title>"), "the chart shows the new data");
}
