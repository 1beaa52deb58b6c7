//! `seedbed serve`: build the site in memory, serve it on the local machine, rebuild on changes.
//!
//! Input: a build's files (from `incremental`), kept current by `live`. Output: HTTP responses. Every request
//! is treated as hostile: only GET and HEAD, only the Host names of this machine (against DNS
//! rebinding), the reload channel only for pages of this server (`Origin`), and paths are looked
//! up in the built files by exact name, so no request can reach the disk outside the build.
//! Must not: write to the site's folder.

pub mod live;
mod poll;

use crate::incremental::Files;
use anyhow::{Context as _, Result};
use std::net::{IpAddr, SocketAddr};

/// The built site as the server sees it: URL path (without the leading `/`) → bytes.
pub struct ServedSite {
    files: Files,
}

impl ServedSite {
    pub fn new(files: Files) -> ServedSite {
        ServedSite { files }
    }

    /// Status, content type and body for a GET of `target` (the request line's path and query).
    pub fn respond(&self, target: &str) -> (u16, &'static str, Vec<u8>) {
        match served_path(target) {
            Some(path) => match self.files.get(&path) {
                Some(body) => (200, content_type(&path), body.to_vec()),
                None if self.files.contains_key(&format!("{path}/index.html")) => (301, "text/plain", Vec::new()),
                None => self.not_found(),
            },
            None => (400, "text/plain; charset=utf-8", b"bad request\n".to_vec()),
        }
    }

    fn not_found(&self) -> (u16, &'static str, Vec<u8>) {
        let body = self.files.get("404.html").map_or_else(|| b"not found\n".to_vec(), |b| b.to_vec());
        (404, "text/html; charset=utf-8", body)
    }
}

/// The file a request target names, or `None` for anything that is not a plain absolute path:
/// absolute-form targets, `..` or `.` segments, backslashes and control characters, before or
/// after percent-decoding (decoded once; a `%` left after decoding is kept literally, so double
/// encoding cannot smuggle a `..` in).
pub fn served_path(target: &str) -> Option<String> {
    let path = target.split(['?', '#']).next()?;
    if !path.starts_with('/') || path.starts_with("//") {
        return None;
    }
    let decoded = percent_decode(path)?;
    let bad_segment = decoded.split('/').any(|s| s == ".." || s == ".");
    if bad_segment || decoded.contains('\\') || decoded.chars().any(char::is_control) {
        return None;
    }
    let rel = decoded.trim_start_matches('/');
    Some(if rel.is_empty() || rel.ends_with('/') { format!("{rel}index.html") } else { rel.to_string() })
}

fn percent_decode(path: &str) -> Option<String> {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "ics" => "text/calendar; charset=utf-8",
        "bib" => "application/x-bibtex; charset=utf-8",
        "ris" => "application/x-research-info-systems",
        "pdf" => "application/pdf",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "svg" => "image/svg+xml",
        "webp" => "image/webp",
        _ => "application/octet-stream",
    }
}

/// Host header values this server answers to: loopback names and the address it is bound to.
pub fn host_allowed(host: &str, addr: SocketAddr) -> bool {
    let name = match host.rsplit_once(':') {
        Some((h, port)) if !h.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) && !host.ends_with(']') => h,
        _ => host,
    };
    let name = name.trim_start_matches('[').trim_end_matches(']');
    matches!(name, "localhost" | "127.0.0.1" | "::1") || name.parse::<IpAddr>().is_ok_and(|ip| ip == addr.ip())
}

/// Listen on `addr` (port 0 picks a free one); returns the server and the address it got.
pub fn bind(addr: SocketAddr) -> Result<(tiny_http::Server, SocketAddr)> {
    let server = tiny_http::Server::http(addr).map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e}"))?;
    let bound = server.server_addr().to_ip().context("the server is not on an IP address")?;
    Ok((server, bound))
}

/// Answer requests until the process is stopped. Reload requests wait on their own thread.
pub fn run(live: &std::sync::Arc<live::Live>, server: &tiny_http::Server, addr: SocketAddr) {
    for request in server.incoming_requests() {
        let path = request.url().split('?').next().unwrap_or_default().to_string();
        if path == live::EVENTS_PATH && refusal(&request, addr).is_none() {
            let live = std::sync::Arc::clone(live);
            std::thread::spawn(move || events(&live, request));
            continue;
        }
        let (status, ctype, mut body, location) = answer(live, &request, addr);
        let gzip = accepts_gzip(&request) && compressible(ctype) && body.len() > 256;
        if gzip {
            body = gzipped(&body);
        }
        respond(request, (status, ctype, body), location, gzip);
    }
}

fn accepts_gzip(request: &tiny_http::Request) -> bool {
    request
        .headers()
        .iter()
        .any(|h| h.field.equiv("Accept-Encoding") && h.value.as_str().split(',').any(|e| e.trim().starts_with("gzip")))
}

fn compressible(ctype: &str) -> bool {
    ctype.starts_with("text/") || ctype.starts_with("application/json") || ctype.contains("xml")
}

fn gzipped(body: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    // Writing to memory does not fail; should it, the body goes out as it was.
    match encoder.write_all(body).and_then(|()| encoder.finish()) {
        Ok(compressed) => compressed,
        Err(_) => body.to_vec(),
    }
}

fn respond(
    request: tiny_http::Request,
    (status, ctype, body): (u16, &str, Vec<u8>),
    location: Option<String>,
    gzip: bool,
) {
    let mut response = tiny_http::Response::from_data(body).with_status_code(status);
    let headers = [("Content-Type", ctype), ("X-Content-Type-Options", "nosniff"), ("Cache-Control", "no-store")];
    let encoding = [("Content-Encoding", "gzip"), ("Vary", "Accept-Encoding")];
    for (name, value) in headers.into_iter().chain(encoding.into_iter().filter(|_| gzip)) {
        if let Ok(h) = tiny_http::Header::from_bytes(name, value) {
            response.add_header(h);
        }
    }
    if let Some(h) = location.and_then(|l| tiny_http::Header::from_bytes("Location", l).ok()) {
        response.add_header(h);
    }
    // A client that hangs up early is not the server's problem.
    let _ = request.respond(response);
}

const TEXT: &str = "text/plain; charset=utf-8";

/// Why a request gets no answer: its method, its Host, or (with one) its Origin.
fn refusal(request: &tiny_http::Request, addr: SocketAddr) -> Option<(u16, &'static [u8])> {
    if !matches!(request.method(), tiny_http::Method::Get | tiny_http::Method::Head) {
        return Some((405, b"only GET and HEAD\n"));
    }
    let header =
        |name: &'static str| request.headers().iter().find(|h| h.field.equiv(name)).map(|h| h.value.to_string());
    if !header("Host").is_some_and(|h| host_allowed(&h, addr)) {
        return Some((403, b"unknown host\n"));
    }
    let foreign = |origin: &str| !origin.strip_prefix("http://").is_some_and(|h| host_allowed(h, addr));
    if header("Origin").is_some_and(|o| foreign(&o)) {
        return Some((403, b"foreign origin\n"));
    }
    None
}

fn answer(
    live: &live::Live,
    request: &tiny_http::Request,
    addr: SocketAddr,
) -> (u16, &'static str, Vec<u8>, Option<String>) {
    if let Some((status, body)) = refusal(request, addr) {
        return (status, TEXT, body.to_vec(), None);
    }
    if request.url().split('?').next() == Some(live::SCRIPT_PATH) {
        return (200, "text/javascript; charset=utf-8", live::SCRIPT.as_bytes().to_vec(), None);
    }
    let current = live.current();
    let (status, ctype, mut body) = current.site.respond(request.url());
    if ctype.starts_with("text/html") {
        body = live::inject(&body, &current);
    }
    let location = (status == 301).then(|| format!("{}/", request.url().split('?').next().unwrap_or("/")));
    (status, ctype, body, location)
}

/// The reload channel: one server-sent event once a build newer than the page's is published
/// (or a comment after 20 s, and the browser asks again).
fn events(live: &live::Live, request: tiny_http::Request) {
    let since =
        request.url().split_once("since=").and_then(|(_, n)| n.split('&').next()?.parse::<u64>().ok()).unwrap_or(0);
    let generation = live.wait_past(since, std::time::Duration::from_secs(20));
    let body = if generation > since {
        format!("retry: 300\nid: {generation}\ndata: {generation}\n\n")
    } else {
        "retry: 300\n: no change\n\n".to_string()
    };
    respond(request, (200, "text/event-stream; charset=utf-8", body.into_bytes()), None, false);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_targets_map_to_files_or_are_refused() {
        assert_eq!(served_path("/").as_deref(), Some("index.html"));
        assert_eq!(served_path("/reports/x/?q=1").as_deref(), Some("reports/x/index.html"));
        assert_eq!(served_path("/zh/%E4%B8%AD.html").as_deref(), Some("zh/中.html"));
        assert_eq!(served_path("/%252e%252e/secret").as_deref(), Some("%2e%2e/secret"));
        for bad in [
            "../etc/passwd",
            "/../x",
            "/a/../../x",
            "/%2e%2e/x",
            "/%2E%2E/x",
            "/a%2f..%2fb",
            "/a\\..\\b",
            "/a%5c..%5cb",
            "/a%00b",
            "http://evil/x",
            "//evil/x",
            "/a/./b",
            "/%zz",
        ] {
            assert_eq!(served_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn only_local_host_names_are_answered() {
        let addr: SocketAddr = "127.0.0.1:1111".parse().unwrap();
        for ok in ["localhost", "localhost:1111", "127.0.0.1:1111", "[::1]:1111", "[::1]"] {
            assert!(host_allowed(ok, addr), "{ok}");
        }
        for bad in ["evil.example", "evil.example:1111", "127.0.0.1.evil.example", "localhost.evil", ""] {
            assert!(!host_allowed(bad, addr), "{bad}");
        }
    }
}
