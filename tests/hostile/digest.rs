//! `digest send` against hostile and careless lists and runs: two runs at once mail nobody twice,
//! one bad subscriber never stops the others, broken CSV is located.

use super::*;
use crate::common::smtp::Sink;
use crate::digest::{built_fixture, digest, subscribers_csv};
use std::process::{Command, Stdio};
use std::time::Duration;

fn send_command(root: &Path, smtp: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_seedbed"));
    let list = root.join("subscribers.csv");
    cmd.args(["digest", "send", "--root", root.to_str().unwrap(), "--subscribers", list.to_str().unwrap()]);
    cmd.args(["--smtp", smtp]).env("CI", "1");
    cmd
}

fn delivered_to(sink: &Sink) -> std::collections::BTreeMap<String, usize> {
    let mut counts = std::collections::BTreeMap::new();
    for envelope in sink.envelopes() {
        for rcpt in envelope["rcpt"].as_array().unwrap() {
            *counts.entry(rcpt.as_str().unwrap().to_lowercase()).or_insert(0) += 1;
        }
    }
    counts
}

#[test]
#[ignore = "needs aiosmtpd: run scripts/test"]
fn two_sends_at_once_mail_each_subscriber_once() {
    let dir = built_fixture();
    write(dir.path(), "subscribers.csv", subscribers_csv(200));
    let sink = Sink::start(&["--delay-ms", "20"]);
    let first = send_command(dir.path(), &sink.url()).stderr(Stdio::piped()).spawn().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let second = send_command(dir.path(), &sink.url()).output().unwrap();
    let first = first.wait_with_output().unwrap();
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    assert_eq!(second.status.code(), Some(2), "{}", stderr(&second));
    let said = redacted(&stderr(&second), dir.path(), None);
    insta::assert_snapshot!("digest_send_already_running", said);
    let counts = delivered_to(&sink);
    assert_eq!(counts.len(), 200);
    assert!(counts.values().all(|&n| n == 1), "someone was mailed twice");
    // A third run finds everyone served.
    let third = send_command(dir.path(), &sink.url()).output().unwrap();
    assert!(stderr(&third).contains("0 by this run"), "{}", stderr(&third));
    assert_eq!(sink.envelopes().len(), 200);
}

#[test]
#[ignore = "needs aiosmtpd: run scripts/test"]
fn a_killed_runs_lock_is_free_for_the_next_run() {
    let dir = built_fixture();
    write(dir.path(), "subscribers.csv", subscribers_csv(100));
    let sink = Sink::start(&["--delay-ms", "20"]);
    let mut child = send_command(dir.path(), &sink.url()).stderr(Stdio::null()).spawn().unwrap();
    std::thread::sleep(Duration::from_millis(600));
    child.kill().unwrap();
    child.wait().unwrap();
    let after = send_command(dir.path(), &sink.url()).output().unwrap();
    assert_eq!(after.status.code(), Some(0), "{}", stderr(&after));
    let counts = delivered_to(&sink);
    assert_eq!(counts.len(), 100);
    assert!(counts.values().filter(|&&n| n > 1).count() <= 1, "only the message in flight may repeat");
}

#[test]
#[ignore = "needs aiosmtpd: run scripts/test"]
fn an_address_no_message_can_be_made_for_is_failed_with_its_line_and_the_rest_are_sent() {
    let dir = built_fixture();
    let mut csv = subscribers_csv(4);
    csv.insert_str("email,name,lang\n".len(), "t@[127.0.0.1],Literal,en\n");
    write(dir.path(), "subscribers.csv", csv);
    let sink = Sink::start(&[]);
    let out = send_command(dir.path(), &sink.url()).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("subscribers.csv:2: `t@[127.0.0.1]` is addressed to an IP address"), "{err}");
    assert!(err.contains("4 subscribers: 4 sent"), "{err}");
    assert_eq!(delivered_to(&sink).len(), 4);
}

#[test]
#[ignore = "needs aiosmtpd: run scripts/test"]
fn an_internationalised_address_fails_at_once_without_smtputf8_and_is_sent_with_it() {
    for (options, sent, failed) in [(&[][..], 2, 1), (&["--smtputf8"][..], 3, 0)] {
        let dir = built_fixture();
        write(
            dir.path(),
            "subscribers.csv",
            "email,name,lang\na@example.net,A,en\n用户@例子.广告,User,zh\nb@example.net,B,en\n",
        );
        let sink = Sink::start(options);
        let started = std::time::Instant::now();
        let out = send_command(dir.path(), &sink.url()).output().unwrap();
        assert!(started.elapsed() < Duration::from_secs(10), "no retries for what can never be sent");
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let summary = format!("3 subscribers: {sent} sent ({sent} by this run), {failed} failed, 0 deferred");
        assert!(stderr(&out).contains(&summary), "{options:?}: {}", stderr(&out));
        assert_eq!(delivered_to(&sink).len(), sent);
        if failed > 0 {
            let status = digest(dir.path(), &["status"], &[]);
            assert!(stderr(&status).contains("does not offer SMTPUTF8"), "{}", stderr(&status));
        }
    }
}

#[test]
fn a_list_with_a_quote_never_closed_stops_before_anything_is_sent() {
    let dir = built_fixture();
    let outbox = dir.path().join("outbox");
    let list = "email,name,lang\r\na@example.net,A,en\r\nb@example.net,\"B,en\r\nc@example.net,C,en\r\n";
    write(dir.path(), "subscribers.csv", list);
    let subs = dir.path().join("subscribers.csv");
    let out = digest(
        dir.path(),
        &["send", "--subscribers", subs.to_str().unwrap(), "--outbox", outbox.to_str().unwrap()],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    insta::assert_snapshot!("subscribers_quote_never_closed", redacted(&stderr(&out), dir.path(), None));
    assert!(!outbox.exists());
}
