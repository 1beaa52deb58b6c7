//! `serve` under load it did not ask for: idle and slow connections, many reload channels,
//! huge request heads. The process keeps a fixed number of threads and bounded memory, and a
//! real request is still answered.

use super::*;
use crate::serve::{get, start};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// A field of `/proc/PID/status`, as a number (threads, or kB).
fn status(pid: u32, field: &str) -> usize {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let line = text.lines().find(|l| l.starts_with(field)).unwrap_or_default();
    line.split_whitespace().nth(1).and_then(|n| n.parse().ok()).unwrap_or(0)
}

/// Let this test process open a few thousand sockets.
fn more_open_files() {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let mut limit = getrlimit(Resource::Nofile);
    limit.current = limit.maximum.map(|m| m.min(8192)).or(Some(8192));
    let _ = setrlimit(Resource::Nofile, limit);
}

#[test]
fn a_thousand_idle_connections_add_no_threads_and_keep_no_one_out() {
    more_open_files();
    let dir = small_site();
    let server = start(dir.path());
    let pid = server.child.id();
    assert!(get(server.port, "/").starts_with("HTTP/1.1 200"));
    let before = status(pid, "Threads:");
    let idle: Vec<TcpStream> = (0..1000).map(|_| TcpStream::connect(("127.0.0.1", server.port)).unwrap()).collect();
    let started = Instant::now();
    let page = get(server.port, "/reports/a/");
    assert!(page.starts_with("HTTP/1.1 200"), "{}", &page[..page.len().min(200)]);
    assert!(started.elapsed() < Duration::from_secs(2), "answered after {:?}", started.elapsed());
    let during = status(pid, "Threads:");
    drop(idle);
    for _ in 0..1000 {
        drop(TcpStream::connect(("127.0.0.1", server.port)).unwrap());
    }
    std::thread::sleep(Duration::from_millis(300));
    let after = status(pid, "Threads:");
    assert!(
        during <= before + 2 && after <= before + 2,
        "threads: {before} before, {during} with 1,000 open, {after} after"
    );
}

#[test]
fn reload_channels_beyond_the_limit_are_refused_and_add_no_threads() {
    more_open_files();
    let dir = small_site();
    let server = start(dir.path());
    let (pid, port) = (server.child.id(), server.port);
    let before = status(pid, "Threads:");
    let request =
        format!("GET /__seedbed/events?since=999999 HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    let mut waiting: Vec<TcpStream> = Vec::new();
    for _ in 0..300 {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        waiting.push(stream);
    }
    std::thread::sleep(Duration::from_millis(500));
    let mut refused = 0;
    for stream in &mut waiting {
        stream.set_read_timeout(Some(Duration::from_millis(50))).unwrap();
        let mut head = [0u8; 12];
        if stream.read_exact(&mut head).is_ok() && head.starts_with(b"HTTP/1.1 503") {
            refused += 1;
        }
    }
    assert_eq!(refused, 300 - 64, "the first 64 wait, the rest are told to come back");
    assert!(status(pid, "Threads:") <= before + 2);
    assert!(get(port, "/").starts_with("HTTP/1.1 200"));
}

#[test]
fn a_huge_request_head_is_refused_early_and_costs_no_memory() {
    let dir = small_site();
    let server = start(dir.path());
    let (pid, port) = (server.child.id(), server.port);
    assert!(get(port, "/").starts_with("HTTP/1.1 200"));
    let peak_before = status(pid, "VmHWM:");
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let _ = stream.write_all(format!("GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Big: ").as_bytes());
    let chunk = vec![b'a'; 1 << 20];
    for _ in 0..200 {
        if stream.write_all(&chunk).is_err() {
            break;
        }
    }
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 431"), "{answer}");
    let grown_kb = status(pid, "VmHWM:").saturating_sub(peak_before);
    assert!(grown_kb < 20 * 1024, "the server's peak memory grew by {grown_kb} kB");
}
