//! What every request to the service must pass before it touches the database: the Host it
//! names, the client it comes from (through a trusted proxy), and the per-client mail throttle.
//!
//! Input: request headers and the peer's address. Output: yes or no, and the client's address.
//! Must not: trust `X-Forwarded-For` from anyone but a configured proxy, or grow with the number
//! of clients (the throttle is a table of fixed size).

use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Whether `host` (a `Host` header) is one the service answers to: the host of
/// `digest.service_url` (through the proxy) or the address it listens on.
pub(super) fn host_allowed(host: &str, allowed: &[String]) -> bool {
    let host = host.trim().to_ascii_lowercase();
    allowed.contains(&host)
}

/// The hosts the service answers to: `service_url`'s (with and without its port when default)
/// and the listening address.
pub(super) fn allowed_hosts(service_url: &str, listening: std::net::SocketAddr) -> Vec<String> {
    let mut hosts = Vec::new();
    if let Ok(url) = url::Url::parse(service_url)
        && let Some(host) = url.host_str()
    {
        let host = host.to_ascii_lowercase();
        match url.port() {
            Some(port) => hosts.push(format!("{host}:{port}")),
            None => {
                hosts.push(host.clone());
                hosts.push(format!("{host}:{}", url.port_or_known_default().unwrap_or(443)));
            }
        }
    }
    hosts.push(listening.to_string());
    if listening.ip().is_loopback() {
        hosts.push(format!("localhost:{}", listening.port()));
    }
    hosts
}

/// The client's address: the peer, or, when the peer is a trusted proxy, the nearest address in
/// `X-Forwarded-For` that is not one of the proxies.
pub(super) fn client(peer: IpAddr, forwarded_for: Option<&str>, proxies: &[IpAddr]) -> IpAddr {
    if !proxies.contains(&peer) {
        return peer;
    }
    let hops = forwarded_for.unwrap_or_default().split(',').rev().map(str::trim);
    for hop in hops {
        match hop.parse::<IpAddr>() {
            Ok(ip) if proxies.contains(&ip) => continue,
            Ok(ip) => return ip,
            Err(_) => return peer,
        }
    }
    peer
}

/// The key a client is throttled by: its IPv4 address, or its IPv6 /64 (one machine can hold a
/// whole /64).
fn throttle_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => {
            let mut segments = v6.segments();
            segments[4..].fill(0);
            IpAddr::V6(segments.into())
        }
    }
}

/// Confirmation mails per client per hour, counted in a fixed table (a count-min sketch: each
/// client adds to one counter in each of `ROWS` rows, chosen by a hash with keys of its own, and
/// is held to the smallest of its counters). However many clients come, memory stays the same;
/// a collision can only make a client's share smaller, never larger. The table is emptied
/// every hour.
pub(super) struct Throttle {
    per_hour: u32,
    hashers: [std::collections::hash_map::RandomState; ROWS],
    table: Mutex<(Instant, Vec<u32>)>,
}

const HOUR: Duration = Duration::from_secs(3600);
const ROWS: usize = 4;
/// 4 × 2^18 counters (4 MiB): room for about 2.6 million mails an hour before the shares of
/// clients who share no counter begin to shrink.
const COLUMNS: usize = 1 << 18;

impl Throttle {
    /// At most `per_hour` confirmation mails for one client in an hour.
    pub(super) fn new(per_hour: u32) -> Throttle {
        Throttle {
            per_hour,
            hashers: std::array::from_fn(|_| std::collections::hash_map::RandomState::new()),
            table: Mutex::new((Instant::now(), vec![0; ROWS * COLUMNS])),
        }
    }

    /// The client's counter in each row.
    fn cells(&self, client: IpAddr) -> [usize; ROWS] {
        use std::hash::BuildHasher;
        let key = throttle_key(client);
        std::array::from_fn(|row| row * COLUMNS + (self.hashers[row].hash_one(key) as usize % COLUMNS))
    }

    /// Whether `client` may cause one more confirmation mail now (and count it).
    pub(super) fn allow(&self, client: IpAddr, now: Instant) -> bool {
        let Ok(mut table) = self.table.lock() else { return false };
        if now.duration_since(table.0) >= HOUR {
            *table = (now, vec![0; ROWS * COLUMNS]);
        }
        let cells = self.cells(client);
        if cells.iter().map(|&c| table.1[c]).min().unwrap_or(0) >= self.per_hour {
            return false;
        }
        for c in cells {
            table.1[c] = table.1[c].saturating_add(1);
        }
        true
    }

    /// Give back what `allow` counted: no mail was queued after all (the address's own limit
    /// said no).
    pub(super) fn refund(&self, client: IpAddr) {
        if let Ok(mut table) = self.table.lock() {
            for c in self.cells(client) {
                table.1[c] = table.1[c].saturating_sub(1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_for_is_read_only_from_a_trusted_proxy() {
        let proxy: IpAddr = "10.0.0.2".parse().unwrap();
        let peer: IpAddr = "203.0.113.9".parse().unwrap();
        assert_eq!(client(peer, Some("1.2.3.4"), &[proxy]), peer);
        assert_eq!(client(proxy, Some("6.6.6.6, 1.2.3.4"), &[proxy]), "1.2.3.4".parse::<IpAddr>().unwrap());
        assert_eq!(client(proxy, Some("1.2.3.4, 10.0.0.2"), &[proxy]), "1.2.3.4".parse::<IpAddr>().unwrap());
        assert_eq!(client(proxy, Some("junk"), &[proxy]), proxy);
    }

    #[test]
    fn hosts_are_the_services_and_the_listening_address() {
        let hosts = allowed_hosts("https://Alerts.Example.org/alerts", "127.0.0.1:8025".parse().unwrap());
        assert!(host_allowed("alerts.example.org", &hosts));
        assert!(host_allowed("alerts.example.org:443", &hosts));
        assert!(host_allowed("127.0.0.1:8025", &hosts));
        assert!(host_allowed("localhost:8025", &hosts));
        assert!(!host_allowed("evil.example", &hosts));
        assert!(!host_allowed("alerts.example.org.evil.example", &hosts));
    }

    #[test]
    fn a_client_gets_its_hourly_mails_and_no_more_and_an_ipv6_64_is_one_client() {
        let throttle = Throttle::new(2);
        let now = Instant::now();
        let a: IpAddr = "2001:db8::1".parse().unwrap();
        let b: IpAddr = "2001:db8::ffff".parse().unwrap();
        assert!(throttle.allow(a, now));
        assert!(throttle.allow(b, now));
        assert!(!throttle.allow(a, now));
        assert!(throttle.allow("192.0.2.1".parse().unwrap(), now));
        assert!(throttle.allow(a, now + HOUR));
    }

    #[test]
    fn two_hundred_thousand_clients_each_get_their_share_in_the_same_table() {
        let throttle = Throttle::new(10);
        let now = Instant::now();
        let client = |i: u32| IpAddr::V4(std::net::Ipv4Addr::from(0x0a00_0000 + i));
        let refused = (0..200_000u32).filter(|&i| !throttle.allow(client(i), now)).count();
        assert_eq!(refused, 0, "a client refused its first mail");
        let one: IpAddr = "192.0.2.7".parse().unwrap();
        assert_eq!((0..20).filter(|_| throttle.allow(one, now)).count(), 10);
    }
}
