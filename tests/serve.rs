//! `seedbed serve`: the built site over HTTP on this machine, and nothing else.

use crate::common::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(root: &std::path::Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_seedbed"))
        .args(["serve", "--port", "0", "--root", root.to_str().expect("path")])
        .stderr(Stdio::piped())
        .spawn()
        .expect("start seedbed serve");
    let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
    let port = loop {
        let line = lines.next().expect("serve printed its address").expect("read stderr");
        if let Some(rest) = line.strip_prefix("Serving http://127.0.0.1:") {
            break rest.split('/').next().and_then(|p| p.parse().ok()).expect("port");
        }
    };
    Server { child, port }
}

/// Send one raw request and return the whole response as text.
fn raw(port: u16, request: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream.write_all(request.as_bytes()).expect("send");
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    String::from_utf8_lossy(&response).into_owned()
}

fn get(port: u16, target: &str) -> String {
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
