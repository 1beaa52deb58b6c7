//! `seedbed digest` without a mail server: selection, snapshots of the parts, the outbox, the
//! subscriber checks and the command's messages.

use crate::common::*;
use std::path::Path;
use std::process::{Command, Output};

/// 2025-11-28, the fixture's "today".
pub const TODAY: &str = "1764288000";

/// Run `seedbed digest ARGS` in `root` with today fixed.
pub fn digest(root: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_seedbed"));
    cmd.arg("digest").args(&args[..1]).arg("--root").arg(root).args(&args[1..]);
    cmd.env("SOURCE_DATE_EPOCH", TODAY).env("CI", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run seedbed digest")
}

/// The fixture site with its first digest built.
pub fn built_fixture() -> tempfile::TempDir {
    let dir = copy_site(&fixture("sites/digest"));
    let out = digest(dir.path(), &["build"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    dir
}

pub fn subscribers_csv(n: usize) -> String {
    let mut csv = String::from("email,name,lang\n");
    for i in 0..n {
        let (name, lang) = if i % 3 == 0 { (format!("订阅者{i}"), "zh") } else { (format!("Reader {i}"), "en") };
        csv.push_str(&format!("reader{i}@example.net,{name},{lang}\n"));
    }
    csv
}

fn items(root: &Path, id: &str) -> serde_json::Value {
    serde_json::from_str(&read(root, &format!("digests/{id}/items.json"))).expect("items.json")
}

fn item_ids(record: &serde_json::Value) -> Vec<String> {
    record["items"].as_array().expect("items").iter().map(|i| i["id"].as_str().unwrap_or("").to_string()).collect()
}

#[test]
fn first_digest_covers_the_window_grouped_by_issue_then_collection() {
    let dir = built_fixture();
    let record = items(dir.path(), "2025-11-28");
    // The newest issue first (Vol. 28, No. 3, then No. 2), then proceedings, then stories; the old,
    // draft and future reports are left out.
    assert_eq!(
        item_ids(&record),
        ["reports/county-loans", "reports/training-results", "proceedings/forum-2025", "stories/tea-hills"]
    );
    assert_eq!(record["since"], "2025-10-29");
    assert_eq!(record["subjects"]["zh"], "摘要测试中心：最新目录 4 项（2025年11月28日）");
}

#[test]
fn parts_snapshots() {
    let dir = built_fixture();
    for name in ["digest.en.txt", "digest.zh.txt", "digest.en.html", "digest.zh.html"] {
        insta::assert_snapshot!(name, read(dir.path(), &format!("digests/2025-11-28/{name}")));
    }
}

#[test]
fn the_same_site_gives_the_same_digest_bytes() {
    let a = built_fixture();
    let b = built_fixture();
    assert_eq!(tree(&a.path().join("digests")), tree(&b.path().join("digests")));
}

#[test]
fn a_sent_item_is_never_sent_again_even_after_an_edit() {
    let dir = built_fixture();
    let subs = dir.path().join("subscribers.csv");
    std::fs::write(&subs, subscribers_csv(3)).expect("write");
    let outbox = dir.path().join("outbox");
    let send = |dir: &Path| {
        digest(dir, &["send", "--subscribers", subs.to_str().unwrap(), "--outbox", outbox.to_str().unwrap()], &[])
    };
    let out = send(dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(std::fs::read_dir(&outbox).expect("outbox").count(), 3);
    // Nothing new: no digest, exit 0.
    let out = digest(dir.path(), &["build"], &[]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stderr(&out).contains("Nothing new since 2025-10-29"), "{}", stderr(&out));
    // A retitled old item and a new one: only the new one goes out.
    let story = dir.path().join("content/stories/tea-hills.md");
    let text = std::fs::read_to_string(&story).expect("read").replace("Back to the Tea Hills", "Tea Hills, Revisited");
    std::fs::write(&story, text).expect("write");
    write(dir.path(), "content/stories/new-shop.md", "---\ntitle: \"A New Shop\"\ndate: 2025-11-27\n---\n\nShop.\n");
    let out = digest(dir.path(), &["build"], &[]);
    assert!(stderr(&out).contains("Made digest 2025-11-28-2: 1 item"), "{}", stderr(&out));
    assert_eq!(item_ids(&items(dir.path(), "2025-11-28-2")), ["stories/new-shop"]);
    // A re-run of the finished send writes nothing more.
    let out = send(dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(std::fs::read_dir(&outbox).expect("outbox").count(), 6);
    let out = send(dir.path());
    assert!(stderr(&out).contains("3 sent (0 by this run), 0 failed, 0 deferred"), "{}", stderr(&out));
    assert_eq!(std::fs::read_dir(&outbox).expect("outbox").count(), 6);
}

#[test]
fn an_unsent_digest_is_replaced_by_the_next_build() {
    let dir = built_fixture();
    write(dir.path(), "content/stories/new-shop.md", "---\ntitle: \"A New Shop\"\ndate: 2025-11-27\n---\n\nShop.\n");
    let out = digest(dir.path(), &["build"], &[]);
    assert!(stderr(&out).contains("Replaced digest 2025-11-28, which had not been sent."), "{}", stderr(&out));
    assert_eq!(item_ids(&items(dir.path(), "2025-11-28")).len(), 5);
}

#[test]
fn bad_subscriber_rows_are_reported_by_line_and_the_rest_still_get_it() {
    let dir = built_fixture();
    let csv = "email,name,lang\nok@example.net,Ann,en\nOK@Example.net,Dup,en\nnot an address,X,en\n\
               evil@example.net,\"Eve\r\nBcc: victim@example.com\",zh\n";
    write(dir.path(), "subs/list.csv", csv);
    write(dir.path(), "subs/unsubscribed.csv", "email\ngone@example.net\n");
    write(dir.path(), "subs/list2.csv", "email\ngone@example.net\n");
    let outbox = dir.path().join("outbox");
    let list = dir.path().join("subs/list.csv");
    let out = digest(
        dir.path(),
        &["send", "--subscribers", list.to_str().unwrap(), "--outbox", outbox.to_str().unwrap()],
        &[],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("list.csv:3: `OK@Example.net` is already on line 2"), "{err}");
    assert!(err.contains("list.csv:4: `not an address` contains a space"), "{err}");
    assert!(err.contains("list.csv:5: the name contains a control character"), "{err}");
    assert!(err.contains("2 subscribers: 2 sent"), "{err}");
    let emls: Vec<String> = std::fs::read_dir(&outbox)
        .expect("outbox")
        .map(|e| std::fs::read_to_string(e.expect("entry").path()).expect("eml"))
        .collect();
    assert!(emls.iter().all(|m| !m.contains("\nBcc:") && !m.contains("victim@")), "header injected");
    // The suppression list beside the subscriber list is honoured.
    let suppressed = dir.path().join("subs/list2.csv");
    let out = digest(dir.path(), &["send", "--subscribers", suppressed.to_str().unwrap(), "--dry-run"], &[]);
    assert!(stderr(&out).contains("0 subscribers"), "{}", stderr(&out));
}

#[test]
fn send_without_a_digest_or_with_a_bad_list_exits_2_and_says_why() {
    let dir = copy_site(&fixture("sites/digest"));
    write(dir.path(), "subs.csv", "email\na@example.net\n");
    let subs = dir.path().join("subs.csv");
    let out = digest(dir.path(), &["send", "--subscribers", subs.to_str().unwrap(), "--dry-run"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no digest to send: run `seedbed digest build` first"), "{}", stderr(&out));
    let dir = built_fixture();
    write(dir.path(), "subs.csv", "name,lang\nAnn,en\n");
    let subs = dir.path().join("subs.csv");
    let out = digest(dir.path(), &["send", "--subscribers", subs.to_str().unwrap(), "--dry-run"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("the first line must be the header `email,name,lang`"), "{}", stderr(&out));
    let out = digest(dir.path(), &["send", "--subscribers", subs.to_str().unwrap(), "--smtp", "http://x"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--smtp must start with smtp://"), "{}", stderr(&out));
}

#[test]
fn subscribe_box_posts_to_the_endpoint_or_offers_a_mailto_without_javascript() {
    let dir = copy_site(&fixture("sites/digest"));
    let out = build(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for page in ["public/index.html", "public/zh/index.html", "public/catalogue/index.html"] {
        let html = read(dir.path(), page);
        assert!(html.contains(r#"href="mailto:digest@example.org?subject=Subscribe%20("#), "{page}");
        assert!(html.contains(r#"href="/atom.xml""#) || html.contains(r#"href="/zh/atom.xml""#), "{page}");
    }
    let yaml = read(dir.path(), "site.yaml") + "  subscribe_endpoint: https://lists.example.org/subscribe\n";
    write(dir.path(), "site.yaml", yaml);
    let out = build(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let html = read(dir.path(), "public/zh/index.html");
    assert!(
        html.contains(r#"<form class="subscribe-form" method="post" action="https://lists.example.org/subscribe">"#)
    );
    assert!(html.contains(r#"type="email" name="email" required"#));
    assert!(html.contains(r#"<option value="zh" selected>"#), "the page's language is preselected");
    // An endpoint that is not https is refused with its place in site.yaml.
    write(dir.path(), "site.yaml", read(dir.path(), "site.yaml").replace("https://lists", "http://lists"));
    let out = build(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("site.yaml:10:3: error: `digest.subscribe_endpoint` must be an https URL"),
        "{}",
        stderr(&out)
    );
}

/// Each message of `outbox`: its decoded From, text part and HTML part (Python's e-mail parser).
fn sent_messages(outbox: &Path) -> Vec<serde_json::Value> {
    let script = "import sys, json, email, email.policy, pathlib\n\
                  out = []\n\
                  for f in sorted(pathlib.Path(sys.argv[1]).iterdir()):\n\
                  \x20   m = email.message_from_bytes(f.read_bytes(), policy=email.policy.default)\n\
                  \x20   text = m.get_body(('plain',)).get_content(); html = m.get_body(('html',)).get_content()\n\
                  \x20   out.append({'from': str(m['From']), 'to': str(m['To']), 'text': text, 'html': html})\n\
                  print(json.dumps(out))\n";
    let out = std::process::Command::new("python3")
        .args(["-c", script, outbox.to_str().expect("path")])
        .output()
        .expect("python3");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("json")
}

#[test]
fn each_reader_is_greeted_by_name_in_their_language_from_the_site_named_in_it() {
    let dir = built_fixture();
    write(dir.path(), "subs.csv", "email,name,lang\nann@example.net,Ann & <Co>,en\nli@example.net,,zh-CN\n");
    let outbox = dir.path().join("outbox");
    let list = dir.path().join("subs.csv");
    let out = digest(
        dir.path(),
        &["send", "--subscribers", list.to_str().unwrap(), "--outbox", outbox.to_str().unwrap()],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let messages = sent_messages(&outbox);
    let to = |who: &str| messages.iter().find(|m| m["to"].as_str().is_some_and(|t| t.contains(who))).expect(who);
    let (ann, li) = (to("ann@"), to("li@"));
    assert!(ann["text"].as_str().is_some_and(|t| t.contains("Dear Ann & <Co>,")), "{}", ann["text"]);
    assert!(ann["html"].as_str().is_some_and(|h| h.contains("Dear Ann &amp; &lt;Co&gt;,")), "escaped in HTML");
    assert_eq!(ann["from"], "Digest Fixture Centre <digest@example.org>");
    assert!(li["text"].as_str().is_some_and(|t| t.contains("读者您好：")), "{}", li["text"]);
    assert_eq!(li["from"], "摘要测试中心 <digest@example.org>", "the site's name in Chinese");
    assert!(!messages.iter().any(|m| m["text"].as_str().unwrap_or("").contains("SEEDBED-")), "every slot filled");
}

#[test]
fn each_digest_is_a_page_of_the_site_without_anything_personal() {
    let dir = copy_site(&fixture("sites/digest"));
    let yaml = read(dir.path(), "site.yaml") + "  unsubscribe_url: https://lists.example.org/unsubscribe\n";
    write(dir.path(), "site.yaml", yaml);
    let out = digest(dir.path(), &["build"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let part = read(dir.path(), "digests/2025-11-28/digest.zh.txt");
    assert!(part.contains("在浏览器中查看：https://example.org/zh/digests/2025-11-28/"), "{part}");
    let built = build(dir.path(), &[]);
    assert_eq!(built.status.code(), Some(0), "{}", stderr(&built));
    for (path, greeting) in [
        ("public/digests/2025-11-28/index.html", "Dear reader,"),
        ("public/zh/digests/2025-11-28/index.html", "读者您好："),
    ] {
        let page = read(dir.path(), path);
        assert!(
            page.contains(greeting) && (page.contains("County Loans") || page.contains("县域返乡创业贷款")),
            "{page}"
        );
        assert!(!page.contains("SEEDBED-"), "no slot left: {page}");
        assert!(page.contains("href=\"mailto:digest@example.org?subject=unsubscribe\""), "{page}");
        assert!(!page.contains("lists.example.org/unsubscribe"), "no token link");
    }
}
