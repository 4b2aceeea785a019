//! The client's IP address. `X-Forwarded-For` is believed only when the direct
//! peer is a trusted proxy (`TRUSTED_PROXIES`); then the right-most address that is
//! not itself a trusted proxy is the client (earlier entries can be forged).

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use ipnet::IpNet;

/// The resolved client address, stored in request extensions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Arc<Vec<IpNet>>);

impl TrustedProxies {
    pub fn new(nets: Vec<IpNet>) -> Self {
        TrustedProxies(Arc::new(nets))
    }

    fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client address of a request from `peer` with these headers.
    pub fn client_ip(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = canonical(peer);
        if !self.contains(peer) {
            return peer;
        }
        let forwarded: Vec<IpAddr> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|item| parse_forwarded_item(item.trim()))
            .collect();
        forwarded
            .iter()
            .rev()
            .copied()
            .map(canonical)
            .find(|ip| !self.contains(*ip))
            .or_else(|| forwarded.first().copied().map(canonical))
            .unwrap_or(peer)
    }
}

/// Accepts `1.2.3.4`, `1.2.3.4:5678`, `2001:db8::1` and `[2001:db8::1]:443`.
fn parse_forwarded_item(item: &str) -> Option<IpAddr> {
    item.parse::<IpAddr>()
        .ok()
        .or_else(|| item.parse::<SocketAddr>().ok().map(|s| s.ip()))
}

/// IPv4-mapped IPv6 addresses (`::ffff:1.2.3.4`) as plain IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

pub async fn resolve_client_ip(
    State(trusted): State<TrustedProxies>,
    mut request: Request,
    next: Next,
) -> Response {
    if let Some(ConnectInfo(peer)) = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .copied()
    {
        let ip = trusted.client_ip(peer.ip(), request.headers());
        request.extensions_mut().insert(ClientIp(ip));
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(xff: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", xff.parse().unwrap());
        h
    }

    #[test]
    fn untrusted_peers_cannot_forge_their_address() {
        let trusted = TrustedProxies::new(vec!["10.0.0.0/8".parse().unwrap()]);
        let peer: IpAddr = "203.0.113.9".parse().unwrap();
        assert_eq!(trusted.client_ip(peer, &headers("1.1.1.1")), peer);
        assert_eq!(
            TrustedProxies::default().client_ip(peer, &headers("1.1.1.1")),
            peer
        );
    }

    #[test]
    fn trusted_proxies_forward_the_rightmost_untrusted_address() {
        let trusted = TrustedProxies::new(vec![
            "10.0.0.0/8".parse().unwrap(),
            "127.0.0.1/32".parse().unwrap(),
        ]);
        let proxy: IpAddr = "127.0.0.1".parse().unwrap();
        // The client prepended a forged entry; the proxy appended the real one.
        let ip = trusted.client_ip(proxy, &headers("6.6.6.6, 198.51.100.7, 10.1.2.3"));
        assert_eq!(ip, "198.51.100.7".parse::<IpAddr>().unwrap());
        assert_eq!(
            trusted.client_ip(proxy, &headers("[2001:db8::1]:443")),
            "2001:db8::1".parse::<IpAddr>().unwrap()
        );
        assert_eq!(
            trusted.client_ip(proxy, &HeaderMap::new()),
            proxy,
            "no header: the proxy itself"
        );
    }

    #[test]
    fn mapped_ipv4_matches_ipv4_ranges() {
        let trusted = TrustedProxies::new(vec!["127.0.0.1/32".parse().unwrap()]);
        let mapped: IpAddr = "::ffff:127.0.0.1".parse().unwrap();
        assert_eq!(
            trusted.client_ip(mapped, &headers("192.0.2.1")),
            "192.0.2.1".parse::<IpAddr>().unwrap()
        );
    }
}
