//! Who is at the other end: the client's address as the failed-token limiter counts it.
//!
//! It is the socket's peer, unless that peer is a configured trusted reverse proxy: then it
//! is taken from `X-Forwarded-For`, read from the right (each proxy appends the address it
//! saw) and skipping addresses that are themselves trusted proxies. Whatever a client puts
//! in the header itself sits to the left of that and is never believed; from an untrusted
//! peer the header is ignored altogether.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;

/// One trusted block: an address and how many leading bits must match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Block {
    addr: IpAddr,
    bits: u8,
}

impl Block {
    fn parse(text: &str) -> Option<Block> {
        let (addr, bits) = match text.split_once('/') {
            Some((a, b)) => (a.parse::<IpAddr>().ok()?, Some(b.parse::<u8>().ok()?)),
            None => (text.parse::<IpAddr>().ok()?, None),
        };
        let addr = canonical(addr);
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let bits = bits.unwrap_or(max);
        (bits <= max).then_some(Block { addr, bits })
    }

    fn contains(&self, ip: IpAddr) -> bool {
        let masked = |bits: u128, width: u32| {
            let keep = u32::from(self.bits);
            if keep == 0 { 0 } else { bits >> (width - keep) }
        };
        match (self.addr, ip) {
            (IpAddr::V4(a), IpAddr::V4(b)) => {
                masked(u128::from(a.to_bits()), 32) == masked(u128::from(b.to_bits()), 32)
            }
            (IpAddr::V6(a), IpAddr::V6(b)) => masked(a.to_bits(), 128) == masked(b.to_bits(), 128),
            _ => false,
        }
    }
}

/// IPv4-mapped IPv6 addresses (`::ffff:a.b.c.d`) as the IPv4 address they are.
pub fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The address counted for `ip` by the per-address limits: IPv4 as is, IPv6 by its /64
/// (one client holds a whole /64 and could rotate through it).
pub fn counted_as(ip: IpAddr) -> IpAddr {
    match canonical(ip) {
        IpAddr::V6(v6) => IpAddr::V6(std::net::Ipv6Addr::from_bits(
            v6.to_bits() & !((1u128 << 64) - 1),
        )),
        v4 => v4,
    }
}

/// The reverse proxies whose `X-Forwarded-For` is believed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<Block>);

impl TrustedProxies {
    /// Parses addresses and CIDR blocks (`10.0.0.1`, `10.0.0.0/8`, `fd00::/8`).
    pub fn parse(list: &[String]) -> Result<TrustedProxies, String> {
        list.iter()
            .map(|t| {
                Block::parse(t.trim()).ok_or_else(|| {
                    format!("trusted_proxies: '{t}' is not an address or a CIDR block")
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(TrustedProxies)
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|b| b.contains(ip))
    }

    /// The client behind a connection from `peer` that sent `headers`.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let mut client = canonical(peer);
        if !self.contains(client) {
            return client;
        }
        // Every X-Forwarded-For header in order, as one list, read from the right.
        let hops: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect();
        for hop in hops.iter().rev() {
            let Some(ip) = parse_hop(hop) else {
                // Written by a trusted proxy yet unreadable: keep the last address known.
                break;
            };
            client = ip;
            if !self.contains(ip) {
                break;
            }
        }
        client
    }
}

/// One `X-Forwarded-For` entry: an address, optionally with a port (`[v6]:port`, `v4:port`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .map(canonical)
}

/// The client's address, resolved once per request by [`resolve`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

/// Middleware: puts the request's [`ClientAddr`] in its extensions (none for an in-process
/// request without a peer address).
pub async fn resolve(
    State(trusted): State<Arc<TrustedProxies>>,
    mut request: Request,
    next: Next,
) -> Response {
    if let Some(ConnectInfo(peer)) = request.extensions().get::<ConnectInfo<SocketAddr>>() {
        let client = trusted.client(peer.ip(), request.headers());
        request.extensions_mut().insert(ClientAddr(client));
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trusted(list: &[&str]) -> TrustedProxies {
        TrustedProxies::parse(&list.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap()
    }

    fn headers(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append("x-forwarded-for", v.parse().unwrap());
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn blocks_parse_and_match() {
        let t = trusted(&["10.0.0.0/8", "192.0.2.1", "fd00::/8"]);
        assert!(t.contains(ip("10.200.3.4")));
        assert!(!t.contains(ip("11.0.0.1")));
        assert!(t.contains(ip("192.0.2.1")));
        assert!(!t.contains(ip("192.0.2.2")));
        assert!(t.contains(ip("fd12::1")));
        assert!(!t.contains(ip("fe80::1")));
        assert!(t.contains(ip("::ffff:10.1.1.1")), "mapped IPv4 is IPv4");
        assert!(trusted(&["0.0.0.0/0"]).contains(ip("203.0.113.9")));
        for bad in ["10.0.0.0/33", "fd00::/129", "nowhere", "10.0.0.0/x", ""] {
            let e = TrustedProxies::parse(&[bad.to_string()]).unwrap_err();
            assert!(e.contains("trusted_proxies"), "{e}");
        }
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_says() {
        let t = trusted(&["10.0.0.1"]);
        let peer = ip("203.0.113.9");
        assert_eq!(t.client(peer, &headers(&["198.51.100.1"])), peer);
        assert_eq!(
            TrustedProxies::default().client(peer, &headers(&["1.2.3.4"])),
            peer
        );
    }

    #[test]
    fn behind_trusted_proxies_the_right_most_untrusted_hop_is_the_client() {
        let t = trusted(&["10.0.0.0/8"]);
        let proxy = ip("10.0.0.1");
        assert_eq!(
            t.client(proxy, &headers(&[])),
            proxy,
            "no header: the proxy"
        );
        assert_eq!(
            t.client(proxy, &headers(&["6.6.6.6, 198.51.100.1, 10.1.1.1"])),
            ip("198.51.100.1")
        );
        assert_eq!(
            t.client(proxy, &headers(&["6.6.6.6", "198.51.100.1:4711"])),
            ip("198.51.100.1"),
            "several headers are one list; a port is dropped"
        );
        assert_eq!(
            t.client(proxy, &headers(&["[2001:db8::1]:443"])),
            ip("2001:db8::1")
        );
        assert_eq!(
            t.client(proxy, &headers(&["198.51.100.1, garbage, 10.2.2.2"])),
            ip("10.2.2.2"),
            "an unreadable hop stops the walk at the last known address"
        );
        assert_eq!(
            t.client(proxy, &headers(&["10.3.3.3, 10.2.2.2"])),
            ip("10.3.3.3"),
            "all trusted: the left-most"
        );
    }
}
