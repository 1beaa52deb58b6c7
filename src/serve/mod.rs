//! `seedbed serve`: build the site in memory, serve it on the local machine, rebuild on changes.
//!
//! Input: a build's files (from `incremental`), kept current by `live`. Output: HTTP responses
//! (`http`: hyper on a small tokio runtime, with limits on connections, header size, idle time
//! and reload channels). Every request is treated as hostile: only GET and HEAD, exactly one Host
//! header naming this machine (against DNS rebinding), the reload channel only for pages of this
//! server (`Origin`, host and port), and paths are looked up in the built files by exact name, so
//! no request can reach the disk outside the build.
//! Must not: write to the site's folder.

mod http;
pub mod live;
mod poll;

pub use http::{bind, run};

use crate::pipeline::incremental::Files;
use std::net::{IpAddr, SocketAddr};

/// The built site as the server sees it: URL path (without the leading `/`) → bytes.
pub struct ServedSite {
    files: Files,
}

impl ServedSite {
    /// Serve these files.
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
        let body = self
            .files
            .get(&crate::urls::output_file(crate::urls::NOT_FOUND))
            .map_or_else(|| b"not found\n".to_vec(), |b| b.to_vec());
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
    let decoded = crate::text::percent_decode_strict(path)?;
    let bad_segment = decoded.split('/').any(|s| s == ".." || s == ".");
    if bad_segment || decoded.contains('\\') || decoded.chars().any(char::is_control) {
        return None;
    }
    Some(crate::urls::output_file(&decoded))
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

/// Origins this server's pages have: `http://` and a Host it answers to, on its own port.
pub fn origin_allowed(origin: &str, addr: SocketAddr) -> bool {
    let Some(host) = origin.strip_prefix("http://") else { return false };
    let port = match host.rsplit_once(':') {
        Some((_, port)) if !host.ends_with(']') => port.parse::<u16>().ok(),
        _ => Some(80),
    };
    port == Some(addr.port()) && host_allowed(host, addr)
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
    fn origins_must_name_this_server_and_its_port() {
        let addr: SocketAddr = "127.0.0.1:1111".parse().unwrap();
        for ok in ["http://127.0.0.1:1111", "http://localhost:1111", "http://[::1]:1111"] {
            assert!(origin_allowed(ok, addr), "{ok}");
        }
        for bad in
            ["http://localhost:2222", "http://localhost", "https://localhost:1111", "http://evil:1111", "null", ""]
        {
            assert!(!origin_allowed(bad, addr), "{bad}");
        }
        let on_80: SocketAddr = "127.0.0.1:80".parse().unwrap();
        assert!(origin_allowed("http://localhost", on_80));
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
