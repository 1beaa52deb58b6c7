//! A real SMTP server for the digest tests: `tests/smtp/sink.py` (aiosmtpd) in its own process,
//! storing each message's bytes in a Maildir; `tests/smtp/read_maildir.py` parses them with
//! Python's `email` package. Needs the virtual environment `scripts/test` makes (or
//! `SEEDBED_SMTP_PYTHON` naming a Python with aiosmtpd).

use super::repo_root;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

pub fn smtp_python() -> PathBuf {
    std::env::var_os("SEEDBED_SMTP_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target/smtp-venv/bin/python"))
}

pub struct Sink {
    child: Child,
    pub port: u16,
    pub maildir: tempfile::TempDir,
}

impl Sink {
    /// Start the sink with extra options (`--tls-cert`, `--auth`, `--faults`…); returns once it listens.
    pub fn start(options: &[&str]) -> Sink {
        let port = std::net::TcpListener::bind("127.0.0.1:0").expect("free port").local_addr().expect("addr").port();
        let maildir = tempfile::tempdir().expect("tempdir");
        let mut child = Command::new(smtp_python())
            .arg(repo_root().join("tests/smtp/sink.py"))
            .args(["--port", &port.to_string(), "--maildir"])
            .arg(maildir.path())
            .args(options)
            .stdout(Stdio::piped())
            .spawn()
            .expect("start tests/smtp/sink.py (run scripts/test to install aiosmtpd)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("read sink");
        assert_eq!(line.trim(), "ready", "the SMTP sink did not start");
        Sink { child, port, maildir }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}?tls=none", self.port)
    }

    /// Every stored message, parsed by Python's `email` package (policy.default).
    pub fn messages(&self) -> Vec<serde_json::Value> {
        read_maildir(self.maildir.path())
    }

    /// The envelope of every stored message: (sender, recipients).
    pub fn envelopes(&self) -> Vec<serde_json::Value> {
        let text = std::fs::read_to_string(self.maildir.path().join("envelopes.jsonl")).unwrap_or_default();
        text.lines().map(|l| serde_json::from_str(l).expect("envelope json")).collect()
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn read_maildir(dir: &Path) -> Vec<serde_json::Value> {
    let out = Command::new(smtp_python())
        .arg(repo_root().join("tests/smtp/read_maildir.py"))
        .arg(dir)
        .output()
        .expect("run read_maildir.py");
    assert!(out.status.success(), "read_maildir.py: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice::<Vec<serde_json::Value>>(&out.stdout).expect("maildir json")
}

/// A test CA and a certificate for `localhost` and 127.0.0.1 signed by it, made with openssl:
/// (ca.pem, cert.pem, key.pem) in `dir`.
pub fn test_certificates(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let run = |args: &[&str]| {
        let out = Command::new("openssl").args(args).current_dir(dir).output().expect("openssl must be installed");
        assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    std::fs::write(dir.join("san.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n")
        .expect("write san.ext");
    run(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=seedbed test CA",
    ]);
    run(&["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem", "-out", "cert.csr", "-subj", "/CN=localhost"]);
    run(&[
        "x509",
        "-req",
        "-in",
        "cert.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "cert.pem",
        "-days",
        "2",
        "-extfile",
        "san.ext",
    ]);
    (dir.join("ca.pem"), dir.join("cert.pem"), dir.join("key.pem"))
}
