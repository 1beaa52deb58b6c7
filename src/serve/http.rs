//! The HTTP side of `seedbed serve`: hyper on a tokio runtime of two threads, with limits.
//!
//! Input: a listening socket and the current build (`Live`). Output: responses, until the process
//! is stopped. At most `MAX_CONNECTIONS` connections at once (one more is told 503 and closed),
//! request heads of at most `MAX_HEADER_BYTES`, a connection that sends no complete request head
//! for `HEADER_TIMEOUT` (slow, or idle between requests) is closed, and at most
//! `MAX_RELOAD_CHANNELS` pages wait on the reload channel. Must not: spawn a thread per
//! connection, or answer a request that `refusal` refuses.

use super::live::{self, Live};
use super::{host_allowed, origin_allowed};
use anyhow::{Context as _, Result};
use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// Connections served at once: an editor's browser opens a handful, but idle or slow ones must
/// not crowd it out before `HEADER_TIMEOUT` closes them (fewer when the system allows fewer open
/// files: `connection_limit`).
pub(super) const MAX_CONNECTIONS: usize = 4096;
/// Pages waiting for a reload at once.
pub(super) const MAX_RELOAD_CHANNELS: usize = 64;
/// The request line and headers, in bytes.
pub(super) const MAX_HEADER_BYTES: usize = 16 * 1024;
const MAX_HEADERS: usize = 64;
/// How long a connection may take to send a whole request head, or sit idle between requests.
pub(super) const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// A reload request is answered after this long at most (the page asks again).
const RELOAD_WAIT: Duration = Duration::from_secs(20);

type Answer = Response<Full<Bytes>>;

/// Listen on `addr` (port 0 picks a free one); returns the socket and the address it got.
pub fn bind(addr: SocketAddr) -> Result<(std::net::TcpListener, SocketAddr)> {
    let listener = std::net::TcpListener::bind(addr).with_context(|| format!("cannot listen on {addr}"))?;
    let bound = listener.local_addr().context("the server has no address")?;
    Ok((listener, bound))
}

/// Answer requests until the process is stopped.
pub fn run(live: &Arc<Live>, listener: std::net::TcpListener, addr: SocketAddr) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("serve")
        .enable_all()
        .build()
        .context("cannot start the server's threads")?;
    runtime.block_on(accept_loop(Arc::clone(live), listener, addr))
}

async fn accept_loop(live: Arc<Live>, listener: std::net::TcpListener, addr: SocketAddr) -> Result<()> {
    listener.set_nonblocking(true).context("cannot set up the socket")?;
    let listener = tokio::net::TcpListener::from_std(listener).context("cannot set up the socket")?;
    let connections = Arc::new(Semaphore::new(crate::listener::connection_limit(MAX_CONNECTIONS)));
    let reloads = Arc::new(Semaphore::new(MAX_RELOAD_CHANNELS));
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(e) => {
                // Out of file descriptors, say: wait a moment rather than spin.
                log::warn!("serve: cannot accept a connection: {e}");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let Ok(permit) = Arc::clone(&connections).try_acquire_owned() else {
            tokio::spawn(crate::listener::too_busy(stream));
            continue;
        };
        let (live, reloads) = (Arc::clone(&live), Arc::clone(&reloads));
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |request| {
                let (live, reloads) = (Arc::clone(&live), Arc::clone(&reloads));
                async move { Ok::<_, std::convert::Infallible>(handle(request, &live, &reloads, addr).await) }
            });
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .max_header_size(MAX_HEADER_BYTES)
                .max_headers(MAX_HEADERS)
                .title_case_headers(true)
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service);
            // A client that hangs up or breaks the protocol ends only its own connection.
            let _ = connection.await;
            drop(permit);
        });
    }
}

async fn handle<B>(request: Request<B>, live: &Live, reloads: &Arc<Semaphore>, addr: SocketAddr) -> Answer {
    if let Some((status, body)) = refusal(&request, addr) {
        return plain(status, body);
    }
    let target = request.uri().path_and_query().map_or("/", |p| p.as_str()).to_string();
    let path = target.split('?').next().unwrap_or_default();
    if path == live::EVENTS_PATH {
        let Ok(_permit) = Arc::clone(reloads).try_acquire_owned() else {
            return plain(StatusCode::SERVICE_UNAVAILABLE, "too many pages are waiting for a reload\n");
        };
        return events(live, &target).await;
    }
    if path == live::SCRIPT_PATH {
        return answer(StatusCode::OK, "text/javascript; charset=utf-8", live::SCRIPT.as_bytes().to_vec(), None, false);
    }
    let current = live.current();
    let (status, ctype, mut body) = current.site.respond(&target);
    if ctype.starts_with("text/html") {
        body = live::inject(&body, &current);
    }
    let location = (status == 301).then(|| format!("{path}/"));
    let gzip = accepts_gzip(&request) && compressible(ctype) && body.len() > 256;
    if gzip {
        body = gzipped(&body);
    }
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    answer(status, ctype, body, location, gzip)
}

/// Why a request gets no answer: its method, its target, its Host, or (with one) its Origin.
fn refusal<B>(request: &Request<B>, addr: SocketAddr) -> Option<(StatusCode, &'static str)> {
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return Some((StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD\n"));
    }
    if request.uri().scheme().is_some() || request.uri().authority().is_some() {
        return Some((StatusCode::BAD_REQUEST, "ask for a path, not an address\n"));
    }
    let mut hosts = request.headers().get_all(header::HOST).iter();
    let (first, second) = (hosts.next(), hosts.next());
    if second.is_some() {
        return Some((StatusCode::BAD_REQUEST, "one Host header, please\n"));
    }
    if !first.and_then(|h| h.to_str().ok()).is_some_and(|h| host_allowed(h, addr)) {
        return Some((StatusCode::FORBIDDEN, "unknown host\n"));
    }
    let origins: Vec<&HeaderValue> = request.headers().get_all(header::ORIGIN).iter().collect();
    let foreign = |o: &&HeaderValue| !o.to_str().is_ok_and(|o| origin_allowed(o, addr));
    if origins.len() > 1 || origins.iter().any(foreign) {
        return Some((StatusCode::FORBIDDEN, "foreign origin\n"));
    }
    None
}

/// The reload channel: one server-sent event once a build newer than the page's is published
/// (or a comment after `RELOAD_WAIT`, and the browser asks again).
async fn events(live: &Live, target: &str) -> Answer {
    let since = target.split_once("since=").and_then(|(_, n)| n.split('&').next()?.parse::<u64>().ok()).unwrap_or(0);
    let generation = live.wait_past(since, RELOAD_WAIT).await;
    let body = if generation > since {
        format!("retry: 300\nid: {generation}\ndata: {generation}\n\n")
    } else {
        "retry: 300\n: no change\n\n".to_string()
    };
    answer(StatusCode::OK, "text/event-stream; charset=utf-8", body.into_bytes(), None, false)
}

fn plain(status: StatusCode, body: &'static str) -> Answer {
    answer(status, "text/plain; charset=utf-8", body.as_bytes().to_vec(), None, false)
}

fn answer(status: StatusCode, ctype: &str, body: Vec<u8>, location: Option<String>, gzip: bool) -> Answer {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    let fixed = [
        (header::CONTENT_TYPE, ctype),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::CACHE_CONTROL, "no-store"),
    ];
    for (name, value) in fixed {
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(name, value);
        }
    }
    if gzip {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    }
    if let Some(value) = location.and_then(|l| HeaderValue::from_str(&l).ok()) {
        headers.insert(header::LOCATION, value);
    }
    response
}

fn accepts_gzip<B>(request: &Request<B>) -> bool {
    request
        .headers()
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.split(',').any(|e| e.trim().starts_with("gzip")))
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

/// Serve `site` alone on a free port until the test ends (for unit tests of the limits).
#[cfg(test)]
pub(crate) fn start_for_test(site: super::ServedSite) -> SocketAddr {
    let (listener, addr) = bind("127.0.0.1:0".parse().expect("address")).expect("bind");
    let live = Arc::new(Live::new(site));
    std::thread::spawn(move || run(&live, listener, addr));
    addr
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::net::TcpStream;

    fn site() -> SocketAddr {
        let mut files = crate::pipeline::incremental::Files::new();
        files.insert("index.html".into(), Arc::new(crate::model::Packed::pack("<html><body>home</body></html>")));
        start_for_test(crate::serve::ServedSite::new(files))
    }

    fn exchange(addr: SocketAddr, request: &[u8]) -> String {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
        let _ = stream.write_all(request);
        let mut out = Vec::new();
        let _ = stream.read_to_end(&mut out);
        String::from_utf8_lossy(&out).into_owned()
    }

    #[test]
    fn two_host_headers_and_a_foreign_port_in_origin_are_refused() {
        let addr = site();
        let port = addr.port();
        let twice =
            format!("GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nHost: evil.example\r\nConnection: close\r\n\r\n");
        assert!(exchange(addr, twice.as_bytes()).starts_with("HTTP/1.1 400"));
        let other_port = format!(
            "GET /__seedbed/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: http://localhost:{}\r\nConnection: close\r\n\r\n",
            port.wrapping_add(1)
        );
        assert!(exchange(addr, other_port.as_bytes()).starts_with("HTTP/1.1 403"));
        let ok = format!("GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
        assert!(exchange(addr, ok.as_bytes()).contains("home"));
    }

    #[test]
    fn a_request_head_over_the_limit_is_refused_without_being_kept() {
        let addr = site();
        let big = format!(
            "GET / HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nX-Padding: {}\r\nConnection: close\r\n\r\n",
            addr.port(),
            "a".repeat(MAX_HEADER_BYTES * 4)
        );
        assert!(exchange(addr, big.as_bytes()).starts_with("HTTP/1.1 431"));
    }
}
