//! `seedbed serve`: the built site over HTTP on this machine, and nothing else; rebuilt and
//! reloaded when a file changes.

use crate::common::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

pub(crate) struct Server {
    pub(crate) child: Child,
    pub(crate) port: u16,
    /// Everything the server printed after its address (read on, so it never blocks on a full pipe).
    log: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn start(root: &std::path::Path) -> Server {
    start_with(root, &[])
}

fn start_with(root: &std::path::Path, extra: &[&str]) -> Server {
    spawn(Command::new(env!("CARGO_BIN_EXE_seedbed")), root, extra)
}

/// Run `command` with `serve` and its arguments added; what it prints before its address is the
/// start of its log.
fn spawn(mut command: Command, root: &std::path::Path, extra: &[&str]) -> Server {
    let mut child = command
        .args(["serve", "--port", "0", "--root", root.to_str().expect("path")])
        .args(extra)
        .stderr(Stdio::piped())
        .spawn()
        .expect("start seedbed serve");
    let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
    let mut early = String::new();
    let port = loop {
        let Some(Ok(line)) = lines.next() else { panic!("serve stopped before printing its address:\n{early}") };
        if let Some(rest) = line.strip_prefix("Serving http://127.0.0.1:") {
            break rest.split('/').next().and_then(|p| p.parse().ok()).expect("port");
        }
        early.push_str(&(line + "\n"));
    };
    let log = std::sync::Arc::new(std::sync::Mutex::new(early));
    let sink = std::sync::Arc::clone(&log);
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            sink.lock().expect("log").push_str(&(line + "\n"));
        }
    });
    Server { child, port, log }
}

/// GET `target` until `ok` holds for the response, for at most 2 s; the last response.
fn poll(port: u16, target: &str, ok: impl Fn(&str) -> bool) -> String {
    let started = std::time::Instant::now();
    loop {
        let response = get(port, target);
        if ok(&response) || started.elapsed() > std::time::Duration::from_secs(2) {
            return response;
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
}

fn generation(page: &str) -> u64 {
    page.split("data-generation=\"").nth(1).and_then(|r| r.split('"').next()?.parse().ok()).expect("reload script")
}

/// Send one raw request and return the whole response as text.
fn raw(port: u16, request: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream.write_all(request.as_bytes()).expect("send");
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    String::from_utf8_lossy(&response).into_owned()
}

pub(crate) fn get(port: u16, target: &str) -> String {
    raw(port, &format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"))
}

#[test]
fn serves_pages_404s_and_redirects_to_the_slash_form() {
    let dir = site(&[("content/reports/a.md", REPORT)]);
    let server = start(dir.path());
    let page = get(server.port, "/reports/a/");
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    assert!(page.contains("Content-Type: text/html; charset=utf-8") && page.contains("Body text."));
    assert!(page.contains("<link rel=\"canonical\" href=\"http://127.0.0.1:"), "links point at the local server");
    let missing = get(server.port, "/nope/");
    assert!(missing.starts_with("HTTP/1.1 404") && missing.contains("Page not found"), "{missing}");
    let moved = get(server.port, "/reports/a");
    assert!(moved.starts_with("HTTP/1.1 301") && moved.contains("Location: /reports/a/"), "{moved}");
    assert!(!dir.path().join("public").exists(), "serve writes nothing");
}

#[test]
fn hostile_requests_never_reach_files_outside_the_build() {
    let parent = tempfile::tempdir().expect("tempdir");
    let root = parent.path().join("site");
    copy_dir(site(&[("content/reports/a.md", REPORT)]).path(), &root);
    write(parent.path(), "canary.txt", "CANARY-OUTSIDE-THE-SITE");
    write(&root, "canary.txt", "CANARY-IN-THE-SITE-ROOT");
    let server = start(&root);
    let mut targets = Vec::new();
    for prefix in ["", "/", "/reports/", "/reports/a/", "/static/"] {
        for dots in ["..", "%2e%2e", "%2E%2E", ".%2e", "%2e.", "%252e%252e", "..%2f..", "..\\..", "..%5c..", "..%c0%af"]
        {
            for tail in ["canary.txt", "../canary.txt", "site.yaml", "content/reports/a.md"] {
                targets.push(format!("{prefix}{dots}/{tail}"));
            }
        }
    }
    targets.extend(
        [
            "/canary.txt",
            "/site.yaml",
            "/content/reports/a.md",
            "/%00/canary.txt",
            "/canary.txt%00.html",
            "http://127.0.0.1/../canary.txt",
            "//canary.txt",
            "/reports/a/..;/..;/canary.txt",
            "\\..\\canary.txt",
        ]
        .map(String::from),
    );
    assert!(targets.len() >= 100, "{}", targets.len());
    for target in &targets {
        let response = get(server.port, target);
        assert!(!response.contains("CANARY"), "{target} leaked:\n{response}");
        assert!(!response.starts_with("HTTP/1.1 200") || response.contains("<!DOCTYPE html>"), "{target}:\n{response}");
    }
}

#[test]
fn only_get_and_head_from_local_host_names() {
    let dir = site(&[("content/reports/a.md", REPORT)]);
    let server = start(dir.path());
    let port = server.port;
    let post = raw(
        port,
        &format!("POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"),
    );
    assert!(post.starts_with("HTTP/1.1 405"), "{post}");
    let head = raw(port, &format!("HEAD /reports/a/ HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n"));
    assert!(head.starts_with("HTTP/1.1 200") && !head.contains("Body text."), "{head}");
    let rebinding = raw(port, "GET / HTTP/1.1\r\nHost: attacker.example\r\nConnection: close\r\n\r\n");
    assert!(rebinding.starts_with("HTTP/1.1 403"), "{rebinding}");
    assert!(!get(port, "/").to_ascii_lowercase().contains("access-control-allow-origin"));
}

#[test]
fn saved_edits_new_deleted_and_renamed_files_are_served_within_two_seconds() {
    let dir = site(&[("content/reports/a.md", REPORT)]);
    let server = start(dir.path());
    let port = server.port;
    write(dir.path(), "content/reports/a.md", REPORT.replace("Body text.", "Edited in place."));
    let page = poll(port, "/reports/a/", |r| r.contains("Edited in place."));
    assert!(page.contains("Edited in place."), "{page}");
    // Saved the way vim and many editors do: a new file renamed over the old one.
    write(dir.path(), "content/reports/a.md.tmp", REPORT.replace("Body text.", "Saved by rename."));
    std::fs::rename(dir.path().join("content/reports/a.md.tmp"), dir.path().join("content/reports/a.md")).expect("mv");
    assert!(poll(port, "/reports/a/", |r| r.contains("Saved by rename.")).contains("Saved by rename."));
    write(dir.path(), "content/reports/b.md", REPORT.replace("A report", "A second report"));
    assert!(poll(port, "/reports/b/", |r| r.starts_with("HTTP/1.1 200")).contains("A second report"));
    std::fs::remove_file(dir.path().join("content/reports/b.md")).expect("rm");
    assert!(poll(port, "/reports/b/", |r| r.starts_with("HTTP/1.1 404")).starts_with("HTTP/1.1 404"));
    // Editor swap files are not edits: no rebuild.
    let before = generation(&get(port, "/reports/a/"));
    write(dir.path(), "content/reports/.a.md.swp", "swap");
    write(dir.path(), "content/reports/a.md~", "backup");
    std::thread::sleep(std::time::Duration::from_millis(600));
    assert_eq!(generation(&get(port, "/reports/a/")), before);
}

fn rebuilds(server: &Server) -> usize {
    server.log.lock().expect("log").matches("Rebuilt in").count()
}

/// Report `n`, linking to `#findings` in `target.md` (broken until it exists).
fn linking_report(n: usize, text: &str) -> String {
    REPORT.replace("Body text.", &format!("Report {n}: {text}. See [the findings](target.md#findings)."))
}

const TARGET: &str = "---\ntitle: Target\ndate: 2018-01-01\n---\n\n## Findings\n\nFound.\n";

/// After the burst, no second rebuild and no error (a half-written state would have one).
fn assert_one_rebuild(server: &Server, before: usize, page: &str, expected: &str) {
    assert!(page.contains(expected), "{page}");
    // Longer than the poller's half second, so a second rebuild would be seen.
    std::thread::sleep(std::time::Duration::from_millis(1000));
    let log = server.log.lock().expect("log").clone();
    assert_eq!(rebuilds(server), before + 1, "one burst, one rebuild:\n{log}");
    assert!(!log.contains("error"), "{log}");
}

#[test]
fn files_written_in_a_paced_burst_are_one_rebuild() {
    let dir = site(&[("content/reports/a.md", REPORT)]);
    let server = start(dir.path());
    std::thread::sleep(std::time::Duration::from_millis(300));
    let before = rebuilds(&server);
    // 40 files 8 ms apart (a checkout on a slow disk): longer than a file's own quiet time.
    for n in 0..40 {
        write(dir.path(), &format!("content/reports/r{n}.md"), linking_report(n, "new"));
        std::thread::sleep(std::time::Duration::from_millis(8));
    }
    write(dir.path(), "content/reports/target.md", TARGET);
    let page = poll(server.port, "/reports/r0/", |r| r.starts_with("HTTP/1.1 200"));
    assert_one_rebuild(&server, before, &page, "Report 0: new.");
}

#[test]
fn a_git_checkout_of_many_files_is_one_rebuild() {
    checkout_is_one_rebuild(&[]);
}

#[test]
fn with_poll_a_git_checkout_of_many_files_is_one_rebuild() {
    checkout_is_one_rebuild(&["--poll"]);
}

fn checkout_is_one_rebuild(extra: &[&str]) {
    let files: Vec<(String, String)> = (0..150)
        .map(|n| (format!("content/reports/r{n}.md"), REPORT.replace("Body text.", &format!("Report {n}."))))
        .collect();
    let dir = site(&files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect::<Vec<_>>());
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .args(["-c", "user.name=Editor", "-c", "user.email=editor@example.org"])
            .args(args)
            .current_dir(dir.path())
            .output()
            .expect("git is installed");
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    git(&["init", "-q", "-b", "main"]);
    git(&["add", "-A"]);
    git(&["commit", "-qm", "first"]);
    git(&["checkout", "-qb", "next"]);
    for n in 0..150 {
        write(dir.path(), &format!("content/reports/r{n}.md"), linking_report(n, "revised"));
    }
    write(dir.path(), "content/reports/target.md", TARGET);
    git(&["add", "-A"]);
    git(&["commit", "-qm", "revise every report, linking to a new one"]);
    git(&["checkout", "-q", "main"]);
    let server = start_with(dir.path(), extra);
    std::thread::sleep(std::time::Duration::from_millis(300));
    let before = rebuilds(&server);
    git(&["checkout", "-q", "next"]);
    let page = poll(server.port, "/reports/r149/", |r| r.contains("revised"));
    assert_one_rebuild(&server, before, &page, "Report 149: revised.");
}

#[test]
fn a_broken_file_keeps_the_last_good_build_and_shows_the_error_until_fixed() {
    let dir = site(&[("content/reports/a.md", REPORT)]);
    let server = start(dir.path());
    let port = server.port;
    write(dir.path(), "content/reports/bad.md", "---\ntitle: [unclosed\n---\n\nx\n");
    let page = poll(port, "/reports/a/", |r| r.contains("seedbed-error"));
    assert!(page.contains("id=\"seedbed-error\"") && page.contains("content/reports/bad.md:2:"), "{page}");
    assert!(page.contains("Body text."), "the last good build is still served");
    // The terminal shows it too (printed before the page changed, read by the log's own thread).
    let printed = || server.log.lock().expect("log").contains("content/reports/bad.md:2:");
    let started = std::time::Instant::now();
    while !printed() && started.elapsed() < std::time::Duration::from_secs(2) {
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    assert!(printed(), "{}", server.log.lock().expect("log"));
    std::fs::remove_file(dir.path().join("content/reports/bad.md")).expect("rm");
    let page = poll(port, "/reports/a/", |r| !r.contains("seedbed-error"));
    assert!(!page.contains("seedbed-error"), "{page}");
}

#[test]
fn the_reload_channel_wakes_on_a_change_and_refuses_foreign_origins() {
    let dir = site(&[("content/reports/a.md", REPORT)]);
    let server = start(dir.path());
    let port = server.port;
    let since = generation(&get(port, "/"));
    let waiting = std::thread::spawn(move || get(port, &format!("/__seedbed/events?since={since}")));
    std::thread::sleep(std::time::Duration::from_millis(200));
    write(dir.path(), "content/reports/a.md", REPORT.replace("Body text.", "Changed."));
    let event = waiting.join().expect("events");
    assert!(event.contains("Content-Type: text/event-stream"), "{event}");
    let data: u64 = event.split("data: ").nth(1).and_then(|d| d.trim().parse().ok()).expect("data");
    assert!(data > since);
    let foreign = raw(
        port,
        &format!(
            "GET /__seedbed/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: http://evil.example\r\nConnection: close\r\n\r\n"
        ),
    );
    assert!(foreign.starts_with("HTTP/1.1 403"), "{foreign}");
    assert!(get(port, "/__seedbed/live.js").contains("EventSource"));
}

#[test]
fn built_output_never_has_the_reload_script() {
    let dir = site(&[("content/reports/a.md", REPORT)]);
    assert_eq!(build(dir.path(), &[]).status.code(), Some(0));
    for (path, bytes) in tree(&dir.path().join("public")) {
        assert!(!String::from_utf8_lossy(&bytes).contains("__seedbed"), "{path}");
    }
}

#[test]
fn with_poll_a_second_save_in_the_same_second_and_of_the_same_size_is_found() {
    let dir = site(&[("content/reports/a.md", REPORT)]);
    let server = start_with(dir.path(), &["--poll"]);
    let path = dir.path().join("content/reports/a.md");
    // Both saves get times within one whole second, and the same size: only the nanoseconds of
    // the modification time tell them apart (notify's own poller compares whole seconds).
    let second = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_900_000_000);
    let save = |text: &str, millis: u64| {
        write(dir.path(), "content/reports/a.md", REPORT.replace("Body text.", text));
        let file = std::fs::File::options().write(true).open(&path).expect("open");
        file.set_modified(second + std::time::Duration::from_millis(millis)).expect("set the time");
    };
    save("First save.", 100);
    let page = poll(server.port, "/reports/a/", |r| r.contains("First save."));
    assert!(page.contains("First save."), "{page}");
    save("Later save.", 600);
    let page = poll(server.port, "/reports/a/", |r| r.contains("Later save."));
    assert!(page.contains("Later save."), "{page}");
}

#[test]
fn reaching_the_inotify_watch_limit_falls_back_to_polling_with_a_message() {
    // The kernel's own limit, reached for real: seedbed runs in a user namespace of its own
    // whose limit is one watch, fewer than the site's three folders (the machine's limit is left
    // alone).
    let dir = site(&[("content/reports/a.md", REPORT)]);
    let mut command = Command::new("unshare");
    command.args(["--user", "--map-root-user", "sh", "-c"]);
    command.args(["echo 1 > /proc/sys/user/max_inotify_watches && exec \"$0\" \"$@\"", env!("CARGO_BIN_EXE_seedbed")]);
    let server = spawn(command, dir.path(), &[]);
    let log = server.log.lock().expect("log").clone();
    assert!(log.contains("limit on watched files is reached") && log.contains("every half second"), "{log}");
    write(dir.path(), "content/reports/a.md", REPORT.replace("Body text.", "Found after falling back."));
    let page = poll(server.port, "/reports/a/", |r| r.contains("Found after falling back."));
    assert!(page.contains("Found after falling back."), "{page}");
}

#[test]
fn text_is_gzipped_when_the_browser_accepts_it() {
    let dir = site(&[("content/reports/a.md", REPORT)]);
    let server = start(dir.path());
    let port = server.port;
    let request = format!(
        "GET /reports/a/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept-Encoding: gzip, br\r\nConnection: close\r\n\r\n"
    );
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream.write_all(request.as_bytes()).expect("send");
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let split = response.windows(4).position(|w| w == b"\r\n\r\n").expect("head") + 4;
    let head = String::from_utf8_lossy(&response[..split]);
    assert!(head.contains("Content-Encoding: gzip") && head.contains("Vary: Accept-Encoding"), "{head}");
    let mut html = String::new();
    flate2::read::GzDecoder::new(&response[split..]).read_to_string(&mut html).expect("gunzip");
    assert!(html.contains("Body text.") && html.contains("/__seedbed/live.js"));
    assert!(!get(port, "/reports/a/").contains("Content-Encoding"), "no gzip unless asked");
}
