//! `seedbed subscribers serve` and the subscriber database, against real servers: the service
//! in its own process on 127.0.0.1, aiosmtpd receiving the mails, SQLite in the site's folder
//! and a throw-away PostgreSQL cluster.

use crate::common::postgres::Postgres;
use crate::common::service::Service;
use crate::common::smtp::Sink;
use crate::common::*;
use crate::digest::digest;
use serde_json::Value;
use std::path::Path;
use std::time::{Duration, Instant};

pub(crate) const SERVICE_URL: &str = "https://alerts.example.org/alerts";

/// The digest fixture with the subscription service configured.
pub(crate) fn service_site() -> tempfile::TempDir {
    let dir = copy_site(&fixture("sites/digest"));
    let yaml =
        read(dir.path(), "site.yaml").replace("\ndigest:\n", &format!("\ndigest:\n  service_url: {SERVICE_URL}\n"));
    write(dir.path(), "site.yaml", yaml);
    dir
}

pub(crate) fn subscribers(root: &Path, args: &[&str]) -> std::process::Output {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_seedbed"));
    cmd.arg("subscribers").args(&args[..1]).arg("--root").arg(root).args(&args[1..]);
    cmd.output().expect("run seedbed subscribers")
}

/// `subscribers list` as (email, lang, status).
pub(crate) fn listed(root: &Path, database: &[&str]) -> Vec<(String, String, String)> {
    let out = subscribers(root, &[&["list"], database].concat());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0].to_string(), f[2].to_string(), f[3].to_string())
        })
        .collect()
}

/// The mails the sink has, once there are `n` (waits up to 15 s: they leave from a queue).
pub(crate) fn wait_for_mails(sink: &Sink, n: usize) -> Vec<Value> {
    let start = Instant::now();
    loop {
        let messages = sink.messages();
        if messages.len() >= n || start.elapsed() > Duration::from_secs(15) {
            return messages;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// The token of the service link `path` (`/confirm`, `/unsubscribe`) in `text`.
pub(crate) fn token_in(text: &str, path: &str) -> String {
    let marker = format!("{SERVICE_URL}{path}?t=");
    let at = text.find(&marker).unwrap_or_else(|| panic!("no {marker} in {text}")) + marker.len();
    text[at..].chars().take_while(char::is_ascii_hexdigit).collect()
}

pub(crate) fn header<'a>(m: &'a Value, name: &str) -> &'a str {
    m["headers"][name][0].as_str().unwrap_or_default()
}

pub(crate) fn to(m: &Value) -> String {
    header(m, "to").to_lowercase()
}

/// Subscribe, confirm from the mail, receive a digest, unsubscribe in one click from its
/// `List-Unsubscribe` header, and be skipped by the next digest.
fn whole_journey(database: &[&str]) {
    let dir = service_site();
    let root = dir.path();
    let out = build(root, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(read(root, "public/subscription/check-inbox/index.html").contains("Check your inbox"));
    assert!(read(root, "public/zh/subscription/confirmed/index.html").contains("订阅成功"));
    let form = read(root, "public/index.html");
    assert!(form.contains(&format!(r#"action="{SERVICE_URL}/subscribe""#)), "the form posts to the service");
    let sink = Sink::start(&[]);
    let service = Service::start(root, &[&["--smtp", &sink.url()], database].concat());
    let answer = service.post_form("/subscribe", "email=Reader%40Example.net&lang=zh-CN&source=%2Fzh%2F");
    assert_eq!((answer.status, answer.location()), (303, "https://example.org/zh/subscription/check-inbox/"));
    let mails = wait_for_mails(&sink, 1);
    assert_eq!(mails.len(), 1, "one confirmation mail");
    assert_eq!(to(&mails[0]), "reader@example.net");
    assert!(header(&mails[0], "subject").contains("请确认订阅"), "{}", header(&mails[0], "subject"));
    assert!(header(&mails[0], "from").starts_with("摘要测试中心"), "{}", header(&mails[0], "from"));
    let confirm = token_in(mails[0]["text"].as_str().unwrap_or_default(), "/confirm");
    assert_eq!(listed(root, database), [("Reader@Example.net".into(), "zh".into(), "pending".into())]);
    let answer = service.get(&format!("/confirm?t={confirm}"));
    assert_eq!((answer.status, answer.location()), (303, "https://example.org/zh/subscription/confirmed/"));
    assert_eq!(listed(root, database)[0].2, "subscribed");

    let out = digest(root, &["build"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = digest(root, &[&["send", "--smtp", &sink.url()], database].concat(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("1 subscribers: 1 sent"), "{}", stderr(&out));
    let mails = wait_for_mails(&sink, 2);
    let digest_mail = mails.iter().find(|m| !header(m, "list-id").is_empty()).expect("the digest arrived");
    let list_unsubscribe = header(digest_mail, "list-unsubscribe");
    assert_eq!(header(digest_mail, "list-unsubscribe-post"), "List-Unsubscribe=One-Click");
    assert!(!list_unsubscribe.to_lowercase().contains("reader"), "no address in the link: {list_unsubscribe}");
    let token = token_in(list_unsubscribe, "/unsubscribe");
    assert_eq!(token_in(digest_mail["html"].as_str().unwrap_or_default(), "/unsubscribe"), token);
    // A link scanner following the link unsubscribes no one; the one-click POST does.
    let page = service.get(&format!("/unsubscribe?t={token}"));
    assert_eq!(page.status, 200);
    assert!(page.body.contains("退订"), "{}", page.body);
    assert_eq!(listed(root, database)[0].2, "subscribed");
    let answer = service.request(
        "POST",
        &format!("/unsubscribe?t={token}"),
        &["Content-Type: application/x-www-form-urlencoded"],
        b"List-Unsubscribe=One-Click",
    );
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(listed(root, database)[0].2, "unsubscribed");

    write(root, "content/reports/next.md", "---\ntitle: Next report\ndate: 2025-11-27\nauthors: [A]\n---\nText.\n");
    let out = digest(root, &["build", "--since", "2025-11-26"], &[("SOURCE_DATE_EPOCH", "1764374400")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = digest(root, &[&["send", "--smtp", &sink.url()], database].concat(), &[]);
    assert!(stderr(&out).contains("0 subscribers"), "{}", stderr(&out));
    assert_eq!(sink.messages().len(), 2, "the next digest skips the reader who left");
}

#[test]
#[ignore = "needs aiosmtpd: run scripts/test"]
fn a_reader_subscribes_confirms_receives_and_leaves_in_one_click_with_sqlite() {
    whole_journey(&[]);
}

#[test]
#[ignore = "needs aiosmtpd and PostgreSQL: run scripts/test"]
fn a_reader_subscribes_confirms_receives_and_leaves_in_one_click_with_postgresql() {
    let pg = Postgres::start();
    whole_journey(&["--database", &pg.url()]);
    assert_eq!(pg.sql("SELECT status FROM subscribers").trim(), "unsubscribed");
}
