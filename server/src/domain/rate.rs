//! Per-user rate limits inside the domain (the edge limits per IP).

use uuid::Uuid;

use super::error::{Error, Result};

pub(crate) struct UserRate(governor::DefaultKeyedRateLimiter<Uuid>);

impl UserRate {
    pub(crate) fn new(quota: governor::Quota) -> UserRate {
        UserRate(governor::RateLimiter::keyed(quota))
    }

    /// `per_second` (at least 1) with bursts of `burst` (at least `per_second`).
    pub(crate) fn per_second(limit: crate::config::RateLimit) -> UserRate {
        let per_second =
            std::num::NonZeroU32::new(limit.per_second).unwrap_or(std::num::NonZeroU32::MIN);
        let burst = std::num::NonZeroU32::new(limit.burst).unwrap_or(per_second);
        UserRate::new(governor::Quota::per_second(per_second).allow_burst(burst))
    }

    /// Takes one unit of `user_id`'s allowance, or says when to come back.
    pub(crate) fn check(&self, user_id: Uuid, what: &'static str) -> Result<()> {
        use governor::clock::{Clock, DefaultClock};
        self.0.check_key(&user_id).map_err(|not_until| {
            let wait = not_until
                .wait_time_from(DefaultClock::default().now())
                .as_secs()
                .max(1);
            Error::too_many("rate_limited", what, wait)
        })
    }
}
