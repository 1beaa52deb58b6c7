//! What the subscription service refuses and hides: enumeration, bad tokens, bodies that are
//! not small forms, foreign hosts and origins, mail-bombing, header injection, robots; and what
//! editors do to the list (import, export, erase), and hard bounces suppressing an address.

use crate::common::service::Service;
use crate::common::smtp::Sink;
use crate::common::*;
use crate::digest::digest;
use crate::subscription::{listed, service_site, subscribers, token_in};
use std::path::Path;
use std::time::{Duration, Instant};

/// The `.eml` files in `dir` once the mailer has been quiet for a second (at most 10 s).
fn settled_outbox(dir: &Path) -> Vec<String> {
    let start = Instant::now();
    let mut last = (usize::MAX, Instant::now());
    loop {
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .map(|r| r.filter_map(|e| e.ok()).map(|e| e.path().to_string_lossy().into_owned()).collect())
            .unwrap_or_default();
        files.sort();
        if files.len() != last.0 {
            last = (files.len(), Instant::now());
        } else if last.1.elapsed() > Duration::from_millis(1200) || start.elapsed() > Duration::from_secs(10) {
            return files;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// An outbox mail parsed by Python's `email` (bodies may be base64).
fn mail(path: &str) -> serde_json::Value {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("new")).expect("maildir");
    std::fs::copy(path, dir.path().join("new/1.eml")).expect("copy");
    smtp::read_maildir(dir.path()).remove(0)
}

/// Its decoded text.
fn mail_text(path: &str) -> String {
    mail(path)["text"].as_str().unwrap_or_default().to_string()
}

fn started(extra: &[&str]) -> (tempfile::TempDir, Service, std::path::PathBuf) {
    let dir = service_site();
    let outbox = dir.path().join("outbox");
    let service = Service::start(dir.path(), &[&["--outbox", outbox.to_str().expect("utf-8")], extra].concat());
    (dir, service, outbox)
}

/// Run SQL on the site's SQLite database with Python's sqlite3 (the service may be running).
fn sqlite(root: &Path, sql: &str) -> String {
    let script = "import sqlite3,sys\nc=sqlite3.connect(sys.argv[1])\nr=c.execute(sys.argv[2]).fetchall()\nc.commit()\nprint('\\n'.join('|'.join(map(str,x)) for x in r))";
    let out = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(root.join("subscribers.sqlite"))
        .arg(sql)
        .output()
        .expect("python3");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn the_answer_is_the_same_for_a_new_a_pending_and_a_subscribed_address() {
    let (dir, service, outbox) = started(&[]);
    let root = dir.path();
    write(root, "list.csv", "email,name,lang\nsubscribed@example.net,S,en\n");
    assert_eq!(subscribers(root, &["import", root.join("list.csv").to_str().unwrap()]).status.code(), Some(0));
    service.post_form("/subscribe", "email=pending%40example.net&lang=en");
    let answers: Vec<_> = ["new", "pending", "subscribed"]
        .iter()
        .map(|who| service.post_form("/subscribe", &format!("email={who}%40example.net&lang=en")))
        .collect();
    for a in &answers {
        assert_eq!(
            (a.status, a.location(), a.body.as_str()),
            (303, "https://example.org/subscription/check-inbox/", "")
        );
        assert_eq!(a.headers.len(), answers[0].headers.len(), "{a:?}");
    }
    // Each request did the same work: one consent record, committed.
    let requested = sqlite(
        root,
        "SELECT s.email, COUNT(*) FROM consents c JOIN subscribers s ON s.id = c.subscriber_id WHERE c.action = 'requested' GROUP BY s.email ORDER BY s.email",
    );
    assert_eq!(requested, "new@example.net|1\npending@example.net|2\nsubscribed@example.net|1");
    assert_eq!(
        listed(root, &[]).iter().map(|l| l.2.as_str()).collect::<Vec<_>>(),
        ["pending", "pending", "subscribed"]
    );
    // And the same work after it: a mail each (the pending address had its own a moment ago),
    // the subscribed one saying so, with a link to its unsubscribe page.
    let texts: Vec<String> = settled_outbox(&outbox).iter().map(|m| mail_text(m)).collect();
    assert_eq!(texts.len(), 3);
    let note = texts.iter().find(|t| t.contains("It already receives it")).expect("a note to the subscribed address");
    assert_eq!(token_in(note, "/unsubscribe").len(), 64);
}

#[test]
fn tampered_expired_and_replayed_tokens_lead_to_the_page_that_offers_to_start_again() {
    let (dir, service, outbox) = started(&[]);
    let root = dir.path();
    service.post_form("/subscribe", "email=a%40example.net&lang=zh");
    service.post_form("/subscribe", "email=b%40example.net&lang=en");
    let mails = settled_outbox(&outbox);
    assert_eq!(mails.len(), 2);
    // The token mailed to a@ first, to b@ second.
    let mut by_address: Vec<(String, String)> = mails
        .iter()
        .map(|m| mail(m))
        .map(|m| (m["headers"]["to"][0].to_string(), token_in(m["text"].as_str().unwrap_or_default(), "/confirm")))
        .collect();
    by_address.sort();
    let tokens: Vec<String> = by_address.into_iter().map(|(_, t)| t).collect();
    let expired = "https://example.org/subscription/link-expired/";
    let mut tampered = tokens[0].clone();
    let last = if tampered.ends_with('0') { "1" } else { "0" };
    tampered.replace_range(63.., last);
    for bad in [tampered.as_str(), "", "zz", "%27%20OR%201%3D1", &tokens[0].to_uppercase()] {
        let a = service.get(&format!("/confirm?t={bad}"));
        assert_eq!((a.status, a.location()), (303, expired), "token {bad}");
    }
    sqlite(root, "UPDATE tokens SET expires_at = 0");
    for t in &tokens {
        let a = service.get(&format!("/confirm?t={t}"));
        assert!(a.location().ends_with("/subscription/link-expired/"), "an expired token: {a:?}");
    }
    sqlite(root, "UPDATE tokens SET expires_at = 9999999999");
    let a = service.get(&format!("/confirm?t={}", tokens[0]));
    assert!(a.location().ends_with("/subscription/confirmed/"), "{a:?}");
    let out = subscribers(root, &["remove", "a@example.net"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let replayed = service.get(&format!("/confirm?t={}", tokens[0]));
    assert!(replayed.location().ends_with("/zh/subscription/link-expired/"), "{replayed:?}");
    assert_eq!(listed(root, &[])[0].2, "unsubscribed", "a replayed confirmation does not subscribe again");
    let unknown = service.request(
        "POST",
        &format!("/unsubscribe?t={tampered}"),
        &["Content-Type: application/x-www-form-urlencoded"],
        b"List-Unsubscribe=One-Click",
    );
    assert_eq!(unknown.status, 404);
}

#[test]
fn bodies_that_are_not_small_forms_foreign_hosts_and_other_sites_are_refused() {
    let (dir, service, _) = started(&[]);
    let form = "Content-Type: application/x-www-form-urlencoded";
    let big = format!("email=a%40example.net&lang=en&source={}", "x".repeat(10_000));
    assert_eq!(service.request("POST", "/subscribe", &[form], big.as_bytes()).status, 413);
    let json =
        service.request("POST", "/subscribe", &["Content-Type: application/json"], br#"{"email":"a@example.net"}"#);
    assert_eq!(json.status, 415);
    let multipart = service.request("POST", "/subscribe", &["Content-Type: multipart/form-data; boundary=x"], b"--x--");
    assert_eq!(multipart.status, 415);
    let foreign = crate::common::service::raw(
        service.port,
        "POST",
        "/subscribe",
        &["Host: evil.example", form],
        b"email=a%40example.net",
    );
    assert_eq!(foreign.status, 421);
    let proxied = crate::common::service::raw(
        service.port,
        "POST",
        "/subscribe",
        &["Host: alerts.example.org", form],
        b"email=p%40example.net",
    );
    assert_eq!(proxied.status, 303, "the service's public host is answered");
    let cross =
        service.request("POST", "/subscribe", &[form, "Origin: https://evil.example"], b"email=a%40example.net");
    assert_eq!(cross.status, 403);
    let own = service.request("POST", "/subscribe", &[form, "Origin: https://example.org"], b"email=o%40example.net");
    assert_eq!(own.status, 303);
    let preflight = service.request(
        "OPTIONS",
        "/subscribe",
        &["Origin: https://evil.example", "Access-Control-Request-Method: POST"],
        b"",
    );
    assert_eq!(preflight.status, 405);
    assert!(preflight.headers.iter().all(|(n, _)| !n.starts_with("access-control-")), "no CORS: {preflight:?}");
    assert_eq!(service.get("/subscribe").status, 405);
    let stored: Vec<String> = listed(dir.path(), &[]).into_iter().map(|l| l.0).collect();
    assert_eq!(stored, ["o@example.net", "p@example.net"], "only the accepted requests were stored");
}

#[test]
fn a_victims_address_gets_one_mail_however_often_it_is_sent_and_a_client_only_its_share() {
    let (_dir, service, outbox) = started(&["--mails-per-client", "5", "--trusted-proxy", "127.0.0.1"]);
    for _ in 0..20 {
        assert_eq!(service.post_form("/subscribe", "email=victim%40example.net&lang=en").status, 303);
    }
    for i in 0..10 {
        service.post_form("/subscribe", &format!("email=other{i}%40example.net&lang=en"));
    }
    assert_eq!(
        settled_outbox(&outbox).len(),
        5,
        "one mail to the victim, four more and then the client's hour is used"
    );
    // Behind the proxy, each client has its own share.
    for i in 0..3 {
        let header = format!("X-Forwarded-For: 198.51.100.{i}");
        let form = "Content-Type: application/x-www-form-urlencoded";
        let body = format!("email=proxied{i}%40example.net");
        assert_eq!(service.request("POST", "/subscribe", &[form, &header], body.as_bytes()).status, 303);
    }
    assert_eq!(settled_outbox(&outbox).len(), 8);
}

#[test]
fn header_injection_through_the_form_stores_and_sends_nothing_odd() {
    let (dir, service, outbox) = started(&[]);
    let injected = service.post_form("/subscribe", "email=a%40example.net%0d%0aBcc%3a%20x%40evil.example&lang=en");
    assert_eq!(injected.status, 400);
    let lang = service.post_form("/subscribe", "email=b%40example.net&lang=zh%0d%0aX-Evil%3a%20yes");
    assert_eq!(lang.status, 303);
    let honeypot =
        service.post_form("/subscribe", "email=robot%40example.net&lang=en&website=http%3a%2f%2fspam.example");
    assert_eq!((honeypot.status, honeypot.location()), (303, "https://example.org/subscription/check-inbox/"));
    assert_eq!(listed(dir.path(), &[]), [("b@example.net".into(), "en".into(), "pending".into())]);
    let mails = settled_outbox(&outbox);
    assert_eq!(mails.len(), 1);
    let raw = std::fs::read_to_string(&mails[0]).expect("mail");
    assert!(!raw.contains("X-Evil") && !raw.contains("evil.example"), "{raw}");
}

#[test]
fn an_import_never_overrides_an_opt_out_and_an_erasure_leaves_nothing() {
    let dir = service_site();
    let root = dir.path();
    write(
        root,
        "lists/subscribers.csv",
        "email,name,lang\nann@example.net,Ann,en\nbo@example.net,Bo,zh-CN\ngone@example.net,,en\n",
    );
    write(root, "lists/unsubscribed.csv", "email\ngone@example.net\n");
    let csv = root.join("lists/subscribers.csv");
    let out = subscribers(root, &["import", csv.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("3 added"), "{}", stderr(&out));
    let out = subscribers(root, &["import", csv.to_str().unwrap()]);
    assert!(stderr(&out).contains("0 added, 2 already there, 1 left out"), "{}", stderr(&out));
    let statuses: Vec<String> = listed(root, &[]).into_iter().map(|l| format!("{} {} {}", l.0, l.1, l.2)).collect();
    assert_eq!(
        statuses,
        ["ann@example.net en subscribed", "bo@example.net zh subscribed", "gone@example.net en unsubscribed"]
    );
    let out = subscribers(root, &["export", "--email", "ANN@example.net"]);
    let data: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(data[0]["name"], "Ann");
    assert_eq!(data[0]["consents"][0]["action"], "imported");
    assert_eq!(data[0]["consents"][0]["source"], "import of subscribers.csv");
    let out = subscribers(root, &["remove", "--erase", "ann@example.net"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let left = sqlite(
        root,
        "SELECT (SELECT COUNT(*) FROM subscribers WHERE email_key = 'ann@example.net'), (SELECT COUNT(*) FROM consents), (SELECT COUNT(*) FROM subscribers)",
    );
    assert_eq!(left, "0|2|2", "Ann's rows and consents are gone, the others stay");
    let out = subscribers(root, &["remove", "nobody@example.net"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("is not in the subscriber database"), "{}", stderr(&out));
}

#[test]
#[ignore = "needs aiosmtpd: run scripts/test"]
fn an_address_refused_for_good_on_two_digests_is_suppressed() {
    let dir = service_site();
    let root = dir.path();
    write(root, "list.csv", "email,name,lang\nok@example.net,,en\ngone@example.net,,en\n");
    assert_eq!(subscribers(root, &["import", root.join("list.csv").to_str().unwrap()]).status.code(), Some(0));
    let faults = serde_json::json!({"gone@example.net": ["550 5.1.1 no such user", "550 5.1.1 no such user"]});
    write(root, "faults.json", faults.to_string());
    let sink = Sink::start(&["--faults", root.join("faults.json").to_str().unwrap()]);
    let days = [("1764288000", None), ("1764374400", Some("2025-11-27"))];
    for (n, (day, since)) in days.iter().enumerate() {
        if n == 1 {
            write(root, "content/reports/next.md", "---\ntitle: Next\ndate: 2025-11-28\nauthors: [A]\n---\nText.\n");
        }
        let mut args = vec!["build"];
        args.extend(since.iter().flat_map(|s| ["--since", *s]));
        let out = digest(root, &args, &[("SOURCE_DATE_EPOCH", day)]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let out = digest(root, &["send", "--smtp", &sink.url()], &[]);
        assert!(stderr(&out).contains("1 sent (1 by this run), 1 failed"), "{}", stderr(&out));
        let suppressed = stderr(&out).contains("1 addresses refused a second digest");
        assert_eq!(suppressed, n == 1, "{}", stderr(&out));
    }
    let out = digest(root, &["status"], &[]);
    assert!(stderr(&out).contains("1 subscribed, 1 suppressed"), "{}", stderr(&out));
    assert!(stderr(&out).contains("suppressed after hard bounces on 2 digests: gone@example.net"), "{}", stderr(&out));
}

#[test]
fn a_csv_list_is_refused_once_the_digests_link_the_service_and_no_database_is_a_clear_error() {
    let dir = service_site();
    let root = dir.path();
    let out = digest(root, &["build"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let outbox = root.join("outbox");
    let out = digest(root, &["send", "--outbox", outbox.to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no subscribers: give --subscribers FILE, or import a list once"),
        "{}",
        stderr(&out)
    );
    write(root, "list.csv", "email,name,lang\na@example.net,,en\n");
    let list = root.join("list.csv");
    let out =
        digest(root, &["send", "--subscribers", list.to_str().unwrap(), "--outbox", outbox.to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("seedbed subscribers import FILE"), "{}", stderr(&out));
    assert!(!outbox.exists(), "nothing was sent");
}

#[test]
fn a_client_that_sends_half_a_request_is_closed_and_does_not_keep_others_out() {
    use std::io::{Read, Write};
    let (_dir, service, _) = started(&[]);
    let mut slow = std::net::TcpStream::connect(("127.0.0.1", service.port)).expect("connect");
    slow.write_all(b"POST /subscribe HTTP/1.1\r\nHost: 127.0.0.1\r\n").expect("write");
    // Others are answered meanwhile.
    assert_eq!(service.post_form("/subscribe", "email=a%40example.net").status, 303);
    slow.set_read_timeout(Some(Duration::from_secs(15))).expect("timeout");
    let start = Instant::now();
    let mut rest = Vec::new();
    let _ = slow.read_to_end(&mut rest);
    let waited = start.elapsed();
    assert!(waited < Duration::from_secs(14), "the service kept a half-sent request open for {waited:?}");
}
