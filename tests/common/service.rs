//! `seedbed subscribers serve` in its own process for the subscription tests, and a plain
//! HTTP/1.1 client over a TCP socket (so a test can send any Host, type or body it likes).

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};

pub struct Service {
    child: Child,
    pub port: u16,
}

impl Service {
    /// Start the service for the site at `root` with extra arguments (`--smtp`, `--database`…);
    /// returns once it listens.
    pub fn start(root: &Path, extra: &[&str]) -> Service {
        let mut child = Command::new(env!("CARGO_BIN_EXE_seedbed"))
            .args(["subscribers", "serve", "--port", "0", "--root"])
            .arg(root)
            .args(extra)
            .env("RUST_LOG", "warn")
            .stderr(Stdio::piped())
            .spawn()
            .expect("start seedbed subscribers serve");
        let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
        let mut line = String::new();
        stderr.read_line(&mut line).expect("read the service's first line");
        let port = line
            .split("http://127.0.0.1:")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("the service did not start: {line}"));
        // Keep reading its messages so it never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in stderr.lines().map_while(Result::ok) {
                eprintln!("[service] {line}");
            }
        });
        Service { child, port }
    }

    /// Kill it without warning (SIGKILL).
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// A request with the usual Host; `headers` are extra lines (`Content-Type: …`).
    pub fn request(&self, method: &str, path: &str, headers: &[&str], body: &[u8]) -> Answer {
        let host = format!("Host: 127.0.0.1:{}", self.port);
        let mut all = vec![host.as_str()];
        all.extend_from_slice(headers);
        raw(self.port, method, path, &all, body)
    }

    /// A form POST.
    pub fn post_form(&self, path: &str, form: &str) -> Answer {
        self.request("POST", path, &["Content-Type: application/x-www-form-urlencoded"], form.as_bytes())
    }

    pub fn get(&self, path: &str) -> Answer {
        self.request("GET", path, &[], b"")
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        self.kill();
    }
}

/// What came back.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn location(&self) -> &str {
        self.header("location").unwrap_or_default()
    }
}

/// One request on a new connection, exactly the header lines given.
pub fn raw(port: u16, method: &str, path: &str, headers: &[&str], body: &[u8]) -> Answer {
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect to the service");
    let mut head = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    for h in headers {
        head.push_str(h);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).expect("send");
    // The service may answer before reading an oversized body; a reset then is its answer.
    let _ = stream.write_all(body);
    let mut bytes = Vec::new();
    let _ = stream.read_to_end(&mut bytes);
    parse(&bytes)
}

fn parse(bytes: &[u8]) -> Answer {
    let text = String::from_utf8_lossy(bytes);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines.next().and_then(|l| l.split_whitespace().nth(1)).and_then(|s| s.parse().ok()).unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Answer { status, headers, body: body.to_string() }
}
