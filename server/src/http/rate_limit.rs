//! Per-client-IP rate limits (SEC-3) with `governor`: one limiter for the general
//! API, a stricter one for authentication endpoints. IPv6 clients are keyed by
//! their /64, which one subscriber usually owns entirely.

use std::net::{IpAddr, Ipv6Addr};
use std::num::NonZeroU32;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use super::client_ip::ClientIp;
use super::error::{ErrorBody, error_response};
use crate::config::RateLimit;

#[derive(Clone)]
pub struct IpRateLimiter {
    limiter: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    clock: DefaultClock,
}

impl IpRateLimiter {
    pub fn new(limit: RateLimit) -> IpRateLimiter {
        let per_second = NonZeroU32::new(limit.per_second).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(limit.burst).unwrap_or(per_second);
        let quota = Quota::per_second(per_second).allow_burst(burst);
        IpRateLimiter {
            limiter: Arc::new(RateLimiter::keyed(quota)),
            clock: DefaultClock::default(),
        }
    }

    /// `Err(seconds to wait)` when `ip` is over its limit.
    pub fn check(&self, ip: IpAddr) -> Result<(), u64> {
        self.limiter
            .check_key(&rate_key(ip))
            .map_err(|not_until| not_until.wait_time_from(self.clock.now()).as_secs().max(1))
    }

    /// Forgets clients whose buckets are full again, so memory follows active clients.
    pub fn forget_idle(&self) {
        self.limiter.retain_recent();
        self.limiter.shrink_to_fit();
    }
}

fn rate_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) if v6.to_ipv4_mapped().is_none() => {
            let s = v6.segments();
            IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
        }
        IpAddr::V6(v6) => IpAddr::V4(v6.to_ipv4_mapped().expect("checked above")),
        v4 => v4,
    }
}

pub async fn limit_by_ip(
    State(limiter): State<IpRateLimiter>,
    request: Request,
    next: Next,
) -> Response {
    let ip = request
        .extensions()
        .get::<ClientIp>()
        .map_or(IpAddr::from([0, 0, 0, 0]), |c| c.0);
    match limiter.check(ip) {
        Ok(()) => next.run(request).await,
        Err(wait) => error_response(
            StatusCode::TOO_MANY_REQUESTS,
            ErrorBody {
                code: "rate_limited".into(),
                message: "too many requests; slow down".into(),
                field: None,
                retry_after: Some(wait),
            },
        ),
    }
}

/// Reads of file content, thumbnails and metadata: a channel full of images asks
/// for many at once, so they have their own, larger allowance (the media limiter on
/// the file routes) instead of the general one.
pub fn is_media_read(request: &Request) -> bool {
    let path = request.uri().path();
    request.method() == axum::http::Method::GET
        && (path.starts_with("/files/") || path.starts_with("/api/files/"))
}

/// The general limit, for everything but media reads.
pub async fn limit_by_ip_except_media(
    State(limiter): State<IpRateLimiter>,
    request: Request,
    next: Next,
) -> Response {
    if is_media_read(&request) {
        return next.run(request).await;
    }
    limit_by_ip(State(limiter), request, next).await
}

/// The media limit, for media reads only (the rest of the file routes count
/// against the general limit).
pub async fn limit_by_ip_except_non_media(
    State(limiter): State<IpRateLimiter>,
    request: Request,
    next: Next,
) -> Response {
    if !is_media_read(&request) {
        return next.run(request).await;
    }
    limit_by_ip(State(limiter), request, next).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_then_refusal_per_key() {
        let limiter = IpRateLimiter::new(RateLimit {
            per_second: 1,
            burst: 3,
        });
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        for _ in 0..3 {
            assert!(limiter.check(a).is_ok());
        }
        assert!(
            limiter.check(a).is_err(),
            "fourth request within the burst window"
        );
        assert!(limiter.check(b).is_ok(), "another client is not affected");
    }

    #[test]
    fn ipv6_clients_share_their_slash_64() {
        let limiter = IpRateLimiter::new(RateLimit {
            per_second: 1,
            burst: 1,
        });
        assert!(limiter.check("2001:db8:1:2::1".parse().unwrap()).is_ok());
        assert!(
            limiter
                .check("2001:db8:1:2::ffff".parse().unwrap())
                .is_err()
        );
        assert!(limiter.check("2001:db8:1:3::1".parse().unwrap()).is_ok());
    }
}
