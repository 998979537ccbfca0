//! Which address a request comes from, for rate limits. Forwarding headers are believed only
//! when the TCP peer is a configured trusted proxy; anyone else could write anything in them.

use actix_web::http::header::HeaderMap;
use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

/// An address or a CIDR block (`127.0.0.1`, `10.0.0.0/8`, `::1`, `fd00::/8`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IpNet {
    addr: IpAddr,
    prefix: u8,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{0:?} is not an IP address or CIDR block (e.g. 127.0.0.1, ::1, 10.0.0.0/8)")]
pub struct BadNet(String);

impl FromStr for IpNet {
    type Err = BadNet;

    fn from_str(s: &str) -> Result<Self, BadNet> {
        let bad = || BadNet(s.to_string());
        let (addr, prefix) = match s.trim().split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix.parse::<u8>().map_err(|_| bad())?)),
            None => (s.trim(), None),
        };
        let addr = addr.parse::<IpAddr>().map_err(|_| bad())?.to_canonical();
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        if prefix > max {
            return Err(bad());
        }
        Ok(IpNet { addr, prefix })
    }
}

impl IpNet {
    fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(self.prefix)).unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(self.prefix)).unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// The proxies whose forwarding headers are believed; none by default.
#[derive(Clone, Debug, Default)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Parses a list of addresses and CIDR blocks.
    pub fn parse<S: AsRef<str>>(list: &[S]) -> Result<Self, BadNet> {
        list.iter().map(|s| s.as_ref().parse()).collect::<Result<_, _>>().map(TrustedProxies)
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(ip))
    }

    /// The client's address: the peer's, unless the peer is trusted; then the right-most
    /// forwarded address that is not itself a trusted proxy (proxies append what they saw, so
    /// entries left of that are the client's own claims). X-Forwarded-For wins over Forwarded.
    pub fn client_ip(&self, peer: Option<IpAddr>, headers: &HeaderMap) -> IpAddr {
        let peer = peer.map_or(IpAddr::from([0, 0, 0, 0]), |ip| ip.to_canonical());
        if !self.contains(peer) {
            return peer;
        }
        let mut hops = x_forwarded_for(headers);
        if hops.is_empty() {
            hops = forwarded_for(headers);
        }
        for hop in hops.into_iter().rev() {
            match hop {
                Some(ip) if self.contains(ip) => continue,
                Some(ip) => return ip,
                // Garbage or `unknown` from a trusted proxy: nothing better than the proxy.
                None => break,
            }
        }
        peer
    }
}

/// One forwarded address: `1.2.3.4`, `1.2.3.4:80`, `::1`, `[::1]`, `[::1]:80`.
fn hop(value: &str) -> Option<IpAddr> {
    let value = value.trim().trim_matches('"');
    let ip = value
        .parse::<IpAddr>()
        .ok()
        .or_else(|| value.parse::<SocketAddr>().ok().map(|a| a.ip()))
        .or_else(|| value.strip_prefix('[')?.strip_suffix(']')?.parse().ok())?;
    Some(ip.to_canonical())
}

fn header_values<'a>(headers: &'a HeaderMap, name: &str) -> impl Iterator<Item = &'a str> {
    headers.get_all(name).filter_map(|v| v.to_str().ok())
}

fn x_forwarded_for(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    header_values(headers, "x-forwarded-for").flat_map(|v| v.split(',')).map(hop).collect()
}

/// RFC 7239: `Forwarded: for=192.0.2.60;proto=http, for="[2001:db8::1]:4711"`.
fn forwarded_for(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    header_values(headers, "forwarded")
        .flat_map(|v| v.split(','))
        .filter_map(|element| {
            element.split(';').find_map(|pair| {
                let (key, value) = pair.split_once('=')?;
                key.trim().eq_ignore_ascii_case("for").then(|| hop(value))
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::{HeaderName, HeaderValue};

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(HeaderName::from_static(name), HeaderValue::from_static(value));
        }
        map
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap_or_else(|_| panic!("{s}"))
    }

    fn local() -> TrustedProxies {
        TrustedProxies::parse(&["127.0.0.1", "::1", "10.0.0.0/8"]).expect("valid")
    }

    #[test]
    fn parses_addresses_and_blocks() {
        let nets = TrustedProxies::parse(&["192.168.1.0/24", "fd00::/8", "::1", "0.0.0.0/0"]).expect("valid");
        assert!(nets.contains(ip("192.168.1.77")));
        assert!(nets.contains(ip("fd12::1")));
        assert!(nets.contains(ip("::ffff:8.8.8.8")), "mapped IPv4 counts as IPv4");
        assert!(TrustedProxies::parse(&["fd00::/8"]).expect("valid").contains(ip("fdff::1")));
        assert!(!TrustedProxies::parse(&["fd00::/8"]).expect("valid").contains(ip("fe00::1")));
        for bad in ["", "localhost", "1.2.3.4/33", "::1/129", "1.2.3.4/x", "1.2.3"] {
            assert!(TrustedProxies::parse(&[bad]).is_err(), "{bad:?}");
        }
        assert!(TrustedProxies::default().is_empty_for_tests());
    }

    impl TrustedProxies {
        fn is_empty_for_tests(&self) -> bool {
            self.0.is_empty()
        }
    }

    #[test]
    fn untrusted_peers_headers_are_ignored() {
        let h = headers(&[("x-forwarded-for", "1.1.1.1"), ("forwarded", "for=2.2.2.2")]);
        assert_eq!(TrustedProxies::default().client_ip(Some(ip("127.0.0.1")), &h), ip("127.0.0.1"));
        assert_eq!(local().client_ip(Some(ip("8.8.8.8")), &h), ip("8.8.8.8"));
        assert_eq!(local().client_ip(None, &h), ip("0.0.0.0"));
    }

    #[test]
    fn trusted_peer_gives_the_right_most_untrusted_hop() {
        let peer = Some(ip("127.0.0.1"));
        // The client wrote 6.6.6.6 itself; Caddy appended what it saw.
        let h = headers(&[("x-forwarded-for", "6.6.6.6, 203.0.113.5")]);
        assert_eq!(local().client_ip(peer, &h), ip("203.0.113.5"));
        // Through two trusted proxies.
        let h = headers(&[("x-forwarded-for", "6.6.6.6, 203.0.113.5, 10.1.2.3")]);
        assert_eq!(local().client_ip(peer, &h), ip("203.0.113.5"));
        // Several header lines are one list, in order.
        let h = headers(&[("x-forwarded-for", "6.6.6.6"), ("x-forwarded-for", "2001:db8::7")]);
        assert_eq!(local().client_ip(Some(ip("::1")), &h), ip("2001:db8::7"));
        // Ports and brackets.
        let h = headers(&[("x-forwarded-for", "[2001:db8::8]:4711")]);
        assert_eq!(local().client_ip(peer, &h), ip("2001:db8::8"));
        // A mapped IPv4 peer is the IPv4 address.
        let h = headers(&[("x-forwarded-for", "198.51.100.1:5000")]);
        assert_eq!(local().client_ip(Some(ip("::ffff:127.0.0.1")), &h), ip("198.51.100.1"));
    }

    #[test]
    fn forwarded_header_when_no_x_forwarded_for() {
        let peer = Some(ip("127.0.0.1"));
        let h = headers(&[("forwarded", "for=6.6.6.6, for=\"[2001:db8::1]:4711\";proto=https")]);
        assert_eq!(local().client_ip(peer, &h), ip("2001:db8::1"));
        let h = headers(&[("forwarded", "proto=http;For=192.0.2.60;by=10.0.0.1")]);
        assert_eq!(local().client_ip(peer, &h), ip("192.0.2.60"));
        let h = headers(&[("forwarded", "for=192.0.2.60"), ("x-forwarded-for", "198.51.100.2")]);
        assert_eq!(local().client_ip(peer, &h), ip("198.51.100.2"), "X-Forwarded-For wins");
    }

    #[test]
    fn garbage_or_only_proxies_falls_back_to_the_peer() {
        let peer = Some(ip("127.0.0.1"));
        for value in ["", "unknown", "1.2.3.4, not-an-ip", "10.0.0.1, 127.0.0.1", ",,,"] {
            let mut h = HeaderMap::new();
            h.insert(HeaderName::from_static("x-forwarded-for"), HeaderValue::from_str(value).expect("header"));
            assert_eq!(local().client_ip(peer, &h), ip("127.0.0.1"), "{value:?}");
        }
        let h = headers(&[("forwarded", "for=unknown")]);
        assert_eq!(local().client_ip(peer, &h), ip("127.0.0.1"));
        assert_eq!(local().client_ip(peer, &HeaderMap::new()), ip("127.0.0.1"));
    }
}
