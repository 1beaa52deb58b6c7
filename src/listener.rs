//! Accepting connections, for both of seedbed's servers (`serve` and `subscribers serve`): how
//! many at once the process can hold, and the answer to one too many.
//!
//! Input: the wanted cap; a connection over it. Output: the cap the open-file limit allows; a
//! 503 written to the extra connection. Must not: wait on a client (the 503 gets one second).

use std::time::Duration;

/// How many connections to serve at once: `max`, or fewer when the process may not open that
/// many files (after raising its own limit as far as the system lets it), keeping some for the
/// rest of its work (a build and a watcher, a database and a mail server).
pub(crate) fn connection_limit(max: usize) -> usize {
    const KEEP: u64 = 128;
    let wanted = max as u64 + KEEP;
    #[cfg(unix)]
    {
        use rustix::process::{Resource, getrlimit, setrlimit};
        let mut limit = getrlimit(Resource::Nofile);
        if limit.current.is_some_and(|c| c < wanted) {
            limit.current = Some(limit.maximum.map_or(wanted, |m| m.min(wanted)));
            let _ = setrlimit(Resource::Nofile, limit);
        }
        let current = getrlimit(Resource::Nofile).current.unwrap_or(wanted);
        (current.saturating_sub(KEEP).max(16) as usize).min(max)
    }
    #[cfg(not(unix))]
    {
        max
    }
}

/// One connection too many: say so and close it.
pub(crate) async fn too_busy(mut stream: tokio::net::TcpStream) {
    use tokio::io::AsyncWriteExt;
    let reply = b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nRetry-After: 1\r\nConnection: close\r\n\r\n";
    let _ = tokio::time::timeout(Duration::from_secs(1), stream.write_all(reply)).await;
}
