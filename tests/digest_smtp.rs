//! `seedbed digest send` against a real SMTP server (aiosmtpd, `tests/smtp/sink.py`): delivery
//! and message format, STARTTLS with AUTH, runs killed with SIGKILL, server faults, hostile data.

use crate::common::smtp::{Sink, test_certificates};
use crate::common::*;
use crate::digest::{built_fixture, digest, subscribers_csv};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Output;

fn send(root: &Path, csv: &str, smtp: &str, env: &[(&str, &str)]) -> Output {
    write(root, "subscribers.csv", csv);
    let subs = root.join("subscribers.csv");
    digest(root, &["send", "--subscribers", subs.to_str().unwrap(), "--smtp", smtp], env)
}

fn header<'a>(m: &'a Value, name: &str) -> &'a str {
    m["headers"][name][0].as_str().unwrap_or_else(|| panic!("no {name} header in {}", m["raw_head"]))
}

/// Messages by their To address (as the parsed header shows it).
fn by_recipient(messages: &[Value]) -> BTreeMap<String, Vec<&Value>> {
    let mut map: BTreeMap<String, Vec<&Value>> = BTreeMap::new();
    for m in messages {
        let to = header(m, "to");
        let address = to.rsplit('<').next().unwrap_or(to).trim_end_matches('>').to_lowercase();
        map.entry(address).or_default().push(m);
    }
    map
}

#[test]
#[ignore = "needs aiosmtpd: run scripts/test"]
fn example_site_digest_reaches_twenty_subscribers_once_each_well_formed() {
    let dir = copy_site(&repo_root());
    let yaml = read(dir.path(), "site.yaml")
        .replace("\ndigest:\n", "\ndigest:\n  unsubscribe_url: https://example.org/unsubscribe\n");
    write(dir.path(), "site.yaml", yaml);
    let out = digest(dir.path(), &["build", "--since", "2018-01-01"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let record: Value = serde_json::from_str(&read(dir.path(), "digests/2025-11-28/items.json")).expect("record");
    let sink = Sink::start(&[]);
    let secret = [("SEEDBED_UNSUBSCRIBE_SECRET", "test-secret")];
    let out = send(dir.path(), &subscribers_csv(20), &sink.url(), &secret);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("20 subscribers: 20 sent (20 by this run), 0 failed, 0 deferred"),
        "{}",
        stderr(&out)
    );
    let messages = sink.messages();
    assert_eq!(messages.len(), 20);
    let mut ids = BTreeSet::new();
    for m in &messages {
        assert_eq!(m["defects"], serde_json::json!([]), "{}", m["raw_head"]);
        assert_eq!(m["parts"], serde_json::json!(["multipart/alternative", "text/plain", "text/html"]));
        for name in
            ["from", "to", "subject", "date", "message-id", "list-id", "list-unsubscribe", "list-unsubscribe-post"]
        {
            assert_eq!(m["headers"][name].as_array().map(Vec::len), Some(1), "{name} in {}", m["raw_head"]);
        }
        ids.insert(header(m, "message-id").to_string());
        let chinese = header(m, "to").contains("订阅者");
        let lang = if chinese { "zh" } else { "en" };
        assert_eq!(header(m, "subject"), record["subjects"][lang].as_str().expect("subject"));
        assert_eq!(header(m, "list-unsubscribe-post"), "List-Unsubscribe=One-Click");
        let unsubscribe = header(m, "list-unsubscribe");
        assert!(unsubscribe.starts_with("<mailto:") && unsubscribe.contains("<https://example.org/unsubscribe?s="));
        let text = m["text"].as_str().expect("text part");
        let html = m["html"].as_str().expect("html part");
        assert!(!text.contains("SEEDBED-SUBSCRIBER-TOKEN") && !html.contains("SEEDBED-SUBSCRIBER-TOKEN"));
        let token = unsubscribe.split("?s=").nth(1).expect("token").trim_end_matches('>');
        assert!(text.contains(token) && html.contains(token), "visible unsubscribe link in both parts");
        assert!(text.contains(if chinese {
            "农民工返乡创业创新助力乡村振兴"
        } else {
            "Migrant Workers Returning Home"
        }));
    }
    assert_eq!(ids.len(), 20, "one Message-ID per subscriber");
    assert!(sink.envelopes().iter().all(|e| e["rcpt"].as_array().map(Vec::len) == Some(1)));
    // A second send delivers nothing.
    let out = send(dir.path(), &subscribers_csv(20), &sink.url(), &secret);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("20 sent (0 by this run)"), "{}", stderr(&out));
    assert_eq!(sink.messages().len(), 20);
}

#[test]
#[ignore = "needs aiosmtpd and openssl: run scripts/test"]
fn starttls_and_auth_are_used_and_a_wrong_login_sends_nothing() {
    let certs = tempfile::tempdir().expect("tempdir");
    let (ca, cert, key) = test_certificates(certs.path());
    let sink = Sink::start(&[
        "--tls-cert",
        cert.to_str().unwrap(),
        "--tls-key",
        key.to_str().unwrap(),
        "--auth",
        "editor:pa55",
    ]);
    let dir = built_fixture();
    let ca_env = ("SSL_CERT_FILE", ca.to_str().unwrap());
    let url = format!("smtp://editor@localhost:{}?tls=starttls", sink.port);
    let out = send(dir.path(), &subscribers_csv(3), &url, &[ca_env, ("SEEDBED_SMTP_PASSWORD", "wrong")]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("cannot reach the SMTP server"), "{}", stderr(&out));
    // Plain text to a server that requires STARTTLS: stopped, nobody marked failed.
    let plain = format!("smtp://editor:pa55@127.0.0.1:{}?tls=none", sink.port);
    let out = send(dir.path(), &subscribers_csv(3), &plain, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(sink.messages().is_empty());
    let out = send(dir.path(), &subscribers_csv(3), &url, &[ca_env, ("SEEDBED_SMTP_PASSWORD", "pa55")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("3 subscribers: 3 sent (3 by this run), 0 failed"), "{}", stderr(&out));
    assert_eq!(sink.messages().len(), 3);
}

#[test]
#[ignore = "needs aiosmtpd: run scripts/test"]
fn server_faults_are_retried_recorded_or_deferred() {
    let dir = built_fixture();
    let faults = serde_json::json!({
        "a@example.net": ["421 4.3.2 Busy, try again", "451 4.7.1 Later"],
        "b@example.net": ["550 5.1.1 No such user"],
        "c@example.net": ["drop"],
        "d@example.net": ["451 4.3.0 one", "451 4.3.0 two", "451 4.3.0 three"],
    });
    write(dir.path(), "faults.json", faults.to_string());
    let sink = Sink::start(&["--faults", dir.path().join("faults.json").to_str().unwrap()]);
    let csv = "email,name,lang\na@example.net,A,en\nb@example.net,B,en\nc@example.net,C,en\nd@example.net,D,en\ne@example.net,E,zh\n";
    let out = send(dir.path(), csv, &sink.url(), &[]);
    assert_eq!(out.status.code(), Some(3), "deferred messages exit 3: {}", stderr(&out));
    assert!(stderr(&out).contains("5 subscribers: 3 sent (3 by this run), 1 failed, 1 deferred"), "{}", stderr(&out));
    let got: BTreeSet<String> = by_recipient(&sink.messages()).into_keys().collect();
    assert_eq!(got, ["a@example.net", "c@example.net", "e@example.net"].map(String::from).into());
    let status = digest(dir.path(), &["status"], &[]);
    assert!(stderr(&status).contains("2025-11-28: 4 items; 3 sent, 1 failed, 1 deferred"), "{}", stderr(&status));
    assert!(stderr(&status).contains("failed: b@example.net: permanent error (550): 5.1.1 No such user"));
    // The next run retries the deferred one only; the 550 stays failed and is not retried.
    let out = send(dir.path(), csv, &sink.url(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("5 subscribers: 4 sent (1 by this run), 1 failed, 0 deferred"), "{}", stderr(&out));
    let messages = sink.messages();
    let got = by_recipient(&messages);
    assert!(!got.contains_key("b@example.net"));
    assert!(got.values().all(|v| v.len() == 1));
}

#[test]
#[ignore = "needs aiosmtpd: run scripts/test"]
fn hostile_titles_and_names_add_no_header_and_break_nothing() {
    let dir = built_fixture();
    let long = "Very long title ".repeat(640);
    write(
        dir.path(),
        "content/stories/evil.md",
        // A NUL (`\\0`) would be refused where it is written (hostile::nonsense); line breaks pass.
        "---\ntitle: \"Evil\\r\\nBcc: victim@example.com\\r\\n\\r\\n<script>alert(1)</script>\"\ndate: 2025-11-26\n---\n\nx\n",
    );
    write(dir.path(), "content/stories/long.md", format!("---\ntitle: \"{long}\"\ndate: 2025-11-25\n---\n\nx\n"));
    let out = digest(dir.path(), &["build"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let sink = Sink::start(&[]);
    let csv = "email,name,lang\n\
               a@example.net,\"Ann\r\nBcc: victim@example.com\",en\n\
               b@example.net,\"Bo\0b\",zh\n\
               c@example.net,\"=?utf-8?q?x?= Cc: victim@example.com\",en\n\
               \"d@example.net\r\nBcc: victim@example.com\",D,en\n";
    let out = send(dir.path(), csv, &sink.url(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let messages = sink.messages();
    assert_eq!(messages.len(), 3);
    let allowed = [
        "from",
        "to",
        "subject",
        "date",
        "message-id",
        "mime-version",
        "content-type",
        "list-id",
        "list-unsubscribe",
        "content-transfer-encoding",
    ];
    for m in &messages {
        assert_eq!(m["defects"], serde_json::json!([]));
        for name in m["header_names"].as_array().expect("names") {
            assert!(allowed.contains(&name.as_str().unwrap_or("")), "unexpected header {name}: {}", m["raw_head"]);
        }
        let text = m["text"].as_str().expect("text");
        assert!(text.contains(&long.trim_end().to_string()));
        assert!(!text.contains('\0') && !text.contains("\r\nBcc"));
        assert!(!m["html"].as_str().expect("html").contains("<script>"));
    }
    for e in sink.envelopes() {
        assert_eq!(e["rcpt"].as_array().map(Vec::len), Some(1));
        assert!(!e["rcpt"].to_string().contains("victim"));
    }
}

/// A tiny deterministic generator, so a failing trial can be replayed.
fn next(seed: &mut u64) -> u64 {
    *seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    *seed >> 33
}

#[test]
#[ignore = "needs aiosmtpd: run scripts/test"]
fn runs_killed_at_random_points_lose_no_one_and_repeat_only_what_was_in_flight() {
    let csv = subscribers_csv(200);
    // How long a whole run takes here, so the kills land inside one.
    let (span_ms, _probe) = {
        let dir = built_fixture();
        let sink = Sink::start(&[]);
        let started = std::time::Instant::now();
        assert_eq!(send(dir.path(), &csv, &sink.url(), &[]).status.code(), Some(0));
        (started.elapsed().as_millis() as u64, sink)
    };
    let mut seed = 20261128;
    let (mut kills, mut in_flight_total, mut duplicates_total) = (0, 0, 0);
    for trial in 0..20 {
        let dir = built_fixture();
        let sink = Sink::start(&[]);
        write(dir.path(), "subscribers.csv", &csv);
        let subs = dir.path().join("subscribers.csv");
        let mut in_flight_trial = 0;
        let args = ["digest", "send", "--root", dir.path().to_str().unwrap(), "--subscribers", subs.to_str().unwrap()];
        for _ in 0..(1 + next(&mut seed) % 3) {
            let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_seedbed"))
                .args(args)
                .args(["--smtp", &sink.url()])
                .env("SOURCE_DATE_EPOCH", crate::digest::TODAY)
                .env("CI", "1")
                .stderr(std::process::Stdio::null())
                .spawn()
                .expect("spawn");
            std::thread::sleep(std::time::Duration::from_millis(next(&mut seed) % span_ms.max(1)));
            child.kill().expect("SIGKILL");
            child.wait().expect("wait");
            kills += 1;
            let ledger = std::fs::read_to_string(dir.path().join("digests/2025-11-28/ledger")).unwrap_or_default();
            let in_flight = ledger_in_flight(&ledger);
            assert!(in_flight <= 1, "trial {trial}: {in_flight} messages in flight at once");
            in_flight_trial += in_flight;
        }
        let out = send(dir.path(), &csv, &sink.url(), &[]);
        assert_eq!(out.status.code(), Some(0), "trial {trial}: {}", stderr(&out));
        let messages = sink.messages();
        let got = by_recipient(&messages);
        assert_eq!(got.len(), 200, "trial {trial}: everyone has the digest");
        for (to, copies) in &got {
            let ids: BTreeSet<&str> = copies.iter().map(|m| header(m, "message-id")).collect();
            assert_eq!(ids.len(), 1, "trial {trial}: copies to {to} carry one Message-ID");
        }
        let duplicates = messages.len() - 200;
        assert!(duplicates <= in_flight_trial, "trial {trial}: {duplicates} duplicates, {in_flight_trial} in flight");
        duplicates_total += duplicates;
        in_flight_total += in_flight_trial;
    }
    assert!(kills >= 20);
    eprintln!("{kills} kills: {in_flight_total} messages in flight, {duplicates_total} delivered twice");
}

/// Recipients whose last ledger line is `sending`.
fn ledger_in_flight(ledger: &str) -> usize {
    let mut last: BTreeMap<&str, &str> = BTreeMap::new();
    for line in ledger.lines() {
        let mut parts = line.split('\t');
        if let (Some(state), Some(key)) = (parts.next(), parts.next()) {
            last.insert(key, state);
        }
    }
    last.values().filter(|s| **s == "sending").count()
}
