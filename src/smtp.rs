//! One SMTP connection, reused message after message: lettre's SMTP client on a TCP socket
//! with Nagle's algorithm off.
//!
//! Input: an `smtp://` URL and messages. Output: the server's reply to each message. Must not:
//! keep a connection after an error (lettre has already sent QUIT on it), or wait on Nagle.
//! lettre's own transports (0.11.23) never set TCP_NODELAY, so every message waited about 40 ms
//! for the server's delayed ACK before its final `.` went out (22 messages a second on loopback;
//! fixed upstream in lettre PR #1159, not yet released). Here the socket is made by us with
//! TCP_NODELAY and handed to lettre's async client, which does EHLO, STARTTLS, AUTH and DATA.

use anyhow::Context;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, TlsParameters};
use lettre::transport::smtp::extension::{ClientId, Extension};
use lettre::transport::smtp::response::Response;
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TlsMode {
    None,
    StartTls,
    Implicit,
}

/// Where and how to connect.
pub struct SmtpTarget {
    host: String,
    port: u16,
    tls: TlsMode,
    credentials: Option<Credentials>,
}

/// `smtp://[user[:pass]@]host[:port][?tls=none|starttls|tls]` (default `starttls`, required, not
/// opportunistic). `password` (from `SEEDBED_SMTP_PASSWORD`) is used when the URL has a user but
/// no password. Certificates are checked against the system's roots; `SSL_CERT_FILE` names
/// another bundle.
pub fn parse_url(url: &str, password: Option<String>) -> anyhow::Result<SmtpTarget> {
    let hint = "write smtp://[user:pass@]host:port?tls=none|starttls|tls";
    let parsed = url::Url::parse(url).map_err(|e| anyhow::anyhow!("--smtp `{url}`: {e}; {hint}"))?;
    anyhow::ensure!(parsed.scheme() == "smtp", "--smtp must start with smtp://; {hint}");
    let host = parsed.host_str().ok_or_else(|| anyhow::anyhow!("--smtp `{url}` has no host; {hint}"))?;
    let host = host.trim_start_matches('[').trim_end_matches(']').to_string();
    let mut tls = TlsMode::StartTls;
    for (k, v) in parsed.query_pairs() {
        anyhow::ensure!(k == "tls", "--smtp: unknown option `{k}`; {hint}");
        tls = match v.as_ref() {
            "none" => TlsMode::None,
            "starttls" => TlsMode::StartTls,
            "tls" => TlsMode::Implicit,
            other => anyhow::bail!("--smtp: tls={other} is not one of none, starttls, tls"),
        };
    }
    let default_port = match tls {
        TlsMode::None => 25,
        TlsMode::StartTls => 587,
        TlsMode::Implicit => 465,
    };
    let credentials = if parsed.username().is_empty() {
        None
    } else {
        let user = percent_decode(parsed.username());
        let pass = match parsed.password() {
            Some(p) => percent_decode(p),
            None => password.ok_or_else(|| {
                anyhow::anyhow!("--smtp names a user: give the password in the URL or SEEDBED_SMTP_PASSWORD")
            })?,
        };
        Some(Credentials::new(user, pass))
    };
    Ok(SmtpTarget { host, port: parsed.port().unwrap_or(default_port), tls, credentials })
}

fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text).decode_utf8_lossy().into_owned()
}

/// Why a message was not accepted: the server's reply or the connection.
#[derive(Debug)]
pub enum SendError {
    /// The server's reply, or the SMTP exchange failing.
    Smtp(lettre::transport::smtp::Error),
    /// The connection.
    Io(std::io::Error),
    /// This server can never take this message: not retried.
    Unsendable(String),
}

impl SendError {
    /// The reply code, when the server answered.
    pub fn code(&self) -> Option<u16> {
        match self {
            SendError::Smtp(e) => e.status().map(u16::from),
            SendError::Io(_) | SendError::Unsendable(_) => None,
        }
    }

    /// A 5xx reply: retrying will not help.
    pub fn is_permanent(&self) -> bool {
        matches!(self, SendError::Smtp(e) if e.is_permanent()) || matches!(self, SendError::Unsendable(_))
    }
}

impl std::fmt::Display for SendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SendError::Smtp(e) => write!(f, "{e}"),
            SendError::Io(e) => write!(f, "{e}"),
            SendError::Unsendable(why) => f.write_str(why),
        }
    }
}

impl From<lettre::transport::smtp::Error> for SendError {
    fn from(e: lettre::transport::smtp::Error) -> Self {
        SendError::Smtp(e)
    }
}

impl From<std::io::Error> for SendError {
    fn from(e: std::io::Error) -> Self {
        SendError::Io(e)
    }
}

/// A reusable connection to one server.
pub struct SmtpSession {
    target: SmtpTarget,
    runtime: tokio::runtime::Runtime,
    connection: Option<AsyncSmtpConnection>,
}

impl SmtpSession {
    /// Connect to `target` (not yet: on the first message).
    pub fn new(target: SmtpTarget) -> anyhow::Result<SmtpSession> {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().context("cannot start I/O")?;
        Ok(SmtpSession { target, runtime, connection: None })
    }

    /// Connect (EHLO, STARTTLS, AUTH) unless connected: what `send` does first.
    pub fn open(&mut self) -> Result<(), SendError> {
        if self.connection.as_ref().is_none_or(|c| c.has_broken()) {
            self.connection = Some(self.runtime.block_on(connect(&self.target))?);
        }
        Ok(())
    }

    /// Send one message; after any error the connection is dropped and the next send reconnects.
    pub fn send(&mut self, message: &lettre::Message) -> Result<Response, SendError> {
        self.open()?;
        let Some(connection) = self.connection.as_mut() else {
            return Err(std::io::Error::other("not connected").into());
        };
        if needs_smtputf8(message.envelope()) && !connection.server_info().supports_feature(Extension::SmtpUtfEight) {
            return Err(SendError::Unsendable(
                "the address is internationalised and the server does not offer SMTPUTF8, which it needs: \
                 send through a relay that offers it, or ask the subscriber for an ASCII address"
                    .into(),
            ));
        }
        let bytes = message.formatted();
        let result = self.runtime.block_on(async {
            match tokio::time::timeout(TIMEOUT, connection.send(message.envelope(), &bytes)).await {
                Ok(result) => result.map_err(SendError::from),
                Err(_) => Err(std::io::Error::new(std::io::ErrorKind::TimedOut, "no reply in 30 s").into()),
            }
        });
        if result.is_err() {
            self.connection = None;
        }
        result
    }

    /// Say QUIT politely.
    pub fn close(&mut self) {
        if let Some(mut c) = self.connection.take() {
            let _ = self.runtime.block_on(c.quit());
        }
    }
}

/// Whether an address of the envelope has non-ASCII characters (RFC 6531).
fn needs_smtputf8(envelope: &lettre::address::Envelope) -> bool {
    envelope.to().iter().chain(envelope.from()).any(|a: &lettre::Address| !AsRef::<str>::as_ref(a).is_ascii())
}

async fn connect(target: &SmtpTarget) -> Result<AsyncSmtpConnection, SendError> {
    let hello = ClientId::default();
    let tls = || TlsParameters::new(target.host.clone());
    let address = (target.host.as_str(), target.port);
    let mut connection = if target.tls == TlsMode::Implicit {
        // TLS from the first byte: lettre makes this socket itself (Nagle stays on here).
        AsyncSmtpConnection::connect_tokio1(address, Some(TIMEOUT), &hello, Some(tls()?), None).await?
    } else {
        let tcp = tokio::time::timeout(TIMEOUT, tokio::net::TcpStream::connect(address))
            .await
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "connect timed out"))??;
        tcp.set_nodelay(true)?;
        AsyncSmtpConnection::connect_with_transport(Box::new(tcp), &hello).await?
    };
    if target.tls == TlsMode::StartTls {
        connection.starttls(tls()?, &hello).await?;
    }
    if let Some(credentials) = &target.credentials {
        connection.auth(&[Mechanism::Plain, Mechanism::Login], credentials).await?;
    }
    Ok(connection)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_give_host_port_tls_and_login() {
        let t = parse_url("smtp://user:p%40ss@mail.example.org?tls=none", None).unwrap();
        assert_eq!((t.host.as_str(), t.port, t.tls), ("mail.example.org", 25, TlsMode::None));
        assert!(t.credentials.is_some());
        let t = parse_url("smtp://relay.example.org", None).unwrap();
        assert_eq!((t.port, t.tls), (587, TlsMode::StartTls));
        assert!(parse_url("smtp://user@relay.example.org", None).is_err());
        assert!(parse_url("smtp://relay.example.org?tls=maybe", None).is_err());
        assert!(parse_url("http://relay.example.org", None).is_err());
    }
}
