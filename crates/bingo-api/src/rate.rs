//! Rate limits: a token bucket per key (client address, player), in memory, bounded in size.
//! Time is passed in (`now`), and the handlers read it from the [`Clock`] in their state, so the
//! limits are tested, here and through HTTP, on a clock that moves only when a test says so.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Where the rate limits read the time.
#[derive(Clone, Debug, Default)]
pub enum Clock {
    /// The monotonic clock (`Instant::now`).
    #[default]
    System,
    /// A clock that stands still until [`Clock::advance`] moves it (tests).
    Manual(Arc<Mutex<Instant>>),
}

impl Clock {
    /// A manual clock, standing at the present moment.
    pub fn manual() -> Clock {
        Clock::Manual(Arc::new(Mutex::new(Instant::now())))
    }

    pub fn now(&self) -> Instant {
        match self {
            Clock::System => Instant::now(),
            Clock::Manual(at) => *at.lock().unwrap_or_else(|e| e.into_inner()),
        }
    }

    /// Moves a manual clock on by `by` (the system clock moves by itself: nothing happens).
    pub fn advance(&self, by: Duration) {
        if let Clock::Manual(at) = self {
            let mut at = at.lock().unwrap_or_else(|e| e.into_inner());
            *at += by;
        }
    }
}

/// Allows `burst` requests at once and `per_minute` on average, per key.
pub struct RateLimiter<K> {
    per_second: f64,
    burst: f64,
    buckets: Mutex<HashMap<K, (f64, Instant)>>,
}

/// More keys than this and the full buckets are forgotten (memory stays bounded).
const MAX_CLIENTS: usize = 100_000;

/// The longest `Retry-After` given (a limit of 0 per minute never refills).
const MAX_WAIT: Duration = Duration::from_secs(3600);

impl<K: Hash + Eq + Clone> RateLimiter<K> {
    pub fn new(per_minute: u32, burst: u32) -> Self {
        RateLimiter {
            per_second: f64::from(per_minute) / 60.0,
            burst: f64::from(burst.max(1)),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one request's worth for `key` now, or says how long until there is one.
    pub fn check(&self, key: &K, now: Instant) -> Result<(), Duration> {
        let Ok(mut buckets) = self.buckets.lock() else { return Ok(()) };
        if buckets.len() >= MAX_CLIENTS && !buckets.contains_key(key) {
            let (per_second, burst) = (self.per_second, self.burst);
            buckets.retain(|_, (tokens, at)| {
                *tokens + now.saturating_duration_since(*at).as_secs_f64() * per_second < burst
            });
            if buckets.len() >= MAX_CLIENTS {
                buckets.clear();
            }
        }
        let (tokens, at) = buckets.entry(key.clone()).or_insert((self.burst, now));
        *tokens = (*tokens + now.saturating_duration_since(*at).as_secs_f64() * self.per_second).min(self.burst);
        *at = now.max(*at);
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            return Ok(());
        }
        let missing = 1.0 - *tokens;
        Err(if self.per_second > 0.0 {
            Duration::try_from_secs_f64(missing / self.per_second).unwrap_or(MAX_WAIT).min(MAX_WAIT)
        } else {
            MAX_WAIT
        })
    }

    /// Gives back what [`check`](Self::check) took (the request turned out not to count).
    pub fn refund(&self, key: &K) {
        let Ok(mut buckets) = self.buckets.lock() else { return };
        if let Some((tokens, _)) = buckets.get_mut(key) {
            *tokens = (*tokens + 1.0).min(self.burst);
        }
    }
}

/// Failed admin logins: limited per client address and over all addresses together. Only
/// failures count: the budget is taken before checking and given back on success.
pub struct FailureLimit {
    per_client: RateLimiter<IpAddr>,
    global: RateLimiter<()>,
}

impl FailureLimit {
    pub fn new(per_client_per_minute: u32, global_per_minute: u32) -> Self {
        FailureLimit {
            per_client: RateLimiter::new(per_client_per_minute, (per_client_per_minute / 2).max(3)),
            global: RateLimiter::new(global_per_minute, (global_per_minute / 2).max(3)),
        }
    }

    /// Takes one failure's worth for `ip`, or says how long until a failure is allowed again.
    pub fn reserve(&self, ip: IpAddr, now: Instant) -> Result<(), Duration> {
        self.per_client.check(&ip, now)?;
        if let Err(wait) = self.global.check(&(), now) {
            self.per_client.refund(&ip);
            return Err(wait);
        }
        Ok(())
    }

    /// Gives back a [`reserve`](Self::reserve) (the attempt succeeded).
    pub fn refund(&self, ip: IpAddr) {
        self.per_client.refund(&ip);
        self.global.refund(&());
    }
}

/// Whole seconds for a `Retry-After` header: rounded up, at least 1.
pub fn retry_after_secs(wait: Duration) -> u64 {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    secs.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bursts_then_refuses_then_refills() {
        let limiter = RateLimiter::new(60, 3);
        let ip: IpAddr = [127, 0, 0, 9].into();
        let t0 = Instant::now();
        assert!((0..3).all(|_| limiter.check(&ip, t0).is_ok()));
        let wait = limiter.check(&ip, t0).expect_err("the burst is spent");
        assert_eq!(retry_after_secs(wait), 1, "one a second: {wait:?}");
        assert!(limiter.check(&[127, 0, 0, 10].into(), t0).is_ok(), "other clients are not affected");
        assert!(limiter.check(&ip, t0 + Duration::from_millis(500)).is_err(), "half a token is not one");
        assert!(limiter.check(&ip, t0 + Duration::from_secs(1)).is_ok(), "refilled after a second");
    }

    #[test]
    fn refund_gives_back_and_never_exceeds_the_burst() {
        let limiter = RateLimiter::new(0, 2);
        let t0 = Instant::now();
        assert!(limiter.check(&"p", t0).is_ok());
        limiter.refund(&"p");
        limiter.refund(&"p");
        assert!(limiter.check(&"p", t0).is_ok());
        assert!(limiter.check(&"p", t0).is_ok());
        assert_eq!(limiter.check(&"p", t0), Err(MAX_WAIT), "no refill at 0 per minute");
    }

    #[test]
    fn failures_are_limited_per_client_and_globally() {
        let limit = FailureLimit::new(10, 20);
        let t0 = Instant::now();
        let ip = |i: u8| IpAddr::from([10, 0, 0, i]);
        assert!((0..5).all(|_| limit.reserve(ip(1), t0).is_ok()), "per client burst 5");
        assert!(limit.reserve(ip(1), t0).is_err());
        // Successes are refunded: they never use up the budget.
        for _ in 0..100 {
            limit.reserve(ip(2), t0).expect("budget");
            limit.refund(ip(2));
        }
        // Many addresses together hit the global limit (burst 10; 5 used by ip 1).
        let spread: Vec<bool> = (3..20).map(|i| limit.reserve(ip(i), t0).is_ok()).collect();
        assert_eq!(spread.iter().filter(|ok| **ok).count(), 5, "{spread:?}");
        assert!(limit.reserve(ip(2), t0 + Duration::from_secs(3)).is_ok(), "the global budget refills");
    }

    #[test]
    fn a_manual_clock_moves_only_when_told_and_all_its_copies_with_it() {
        let clock = Clock::manual();
        let copy = clock.clone();
        let t0 = clock.now();
        assert_eq!(copy.now(), t0);
        clock.advance(Duration::from_secs(6));
        assert_eq!(copy.now(), t0 + Duration::from_secs(6));
        let system = Clock::System;
        system.advance(Duration::from_secs(3600));
        assert!(system.now() < Instant::now() + Duration::from_secs(60), "the system clock is not moved");
    }

    #[test]
    fn retry_after_rounds_up() {
        assert_eq!(retry_after_secs(Duration::ZERO), 1);
        assert_eq!(retry_after_secs(Duration::from_millis(1500)), 2);
        assert_eq!(retry_after_secs(Duration::from_secs(6)), 6);
    }
}
