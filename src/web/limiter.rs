//! Counts failed authentications per client address and refuses clients over the limit.
//!
//! A client with `max_failures` failures within `window` of its first counted failure is
//! blocked until that window has passed; then its count starts again. Pure: the caller
//! passes the time, so tests inject `Instant`s. Memory is bounded: at most `max_tracked`
//! addresses are kept; past that, expired entries are pruned, and if too few had expired the
//! oldest eighth of the windows (those closest to their end) are dropped.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// The default bound on addresses tracked at once.
pub const MAX_TRACKED: usize = 100_000;

/// One address's failures in its current window.
#[derive(Debug, Clone, Copy)]
struct Failures {
    /// The first failure counted in this window.
    first: Instant,
    count: u32,
}

/// Failed authentications per client address.
#[derive(Debug)]
pub struct FailedAuthLimiter {
    max_failures: u32,
    window: Duration,
    max_tracked: usize,
    clients: Mutex<HashMap<IpAddr, Failures>>,
}

impl FailedAuthLimiter {
    /// Blocks a client after `max_failures` failures (at least 1) within `window`,
    /// tracking at most `MAX_TRACKED` addresses.
    pub fn new(max_failures: u32, window: Duration) -> FailedAuthLimiter {
        FailedAuthLimiter::with_bound(max_failures, window, MAX_TRACKED)
    }

    /// As `new`, tracking at most `max_tracked` addresses (at least 1).
    pub fn with_bound(
        max_failures: u32,
        window: Duration,
        max_tracked: usize,
    ) -> FailedAuthLimiter {
        FailedAuthLimiter {
            max_failures: max_failures.max(1),
            window,
            max_tracked: max_tracked.max(1),
            clients: Mutex::new(HashMap::new()),
        }
    }

    /// The map; a panic elsewhere while it was held leaves counts that are still usable.
    fn clients(&self) -> MutexGuard<'_, HashMap<IpAddr, Failures>> {
        self.clients
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The end of the window that started at `first`.
    fn window_end(&self, first: Instant) -> Option<Instant> {
        first.checked_add(self.window)
    }

    fn expired(&self, f: &Failures, now: Instant) -> bool {
        self.window_end(f.first).is_some_and(|end| now >= end)
    }

    /// If `ip` is blocked at `now`, how long until it may try again.
    pub fn is_blocked(&self, ip: IpAddr, now: Instant) -> Option<Duration> {
        let mut clients = self.clients();
        let f = *clients.get(&ip)?;
        if self.expired(&f, now) {
            clients.remove(&ip);
            return None;
        }
        if f.count < self.max_failures {
            return None;
        }
        // A window too long to add to an Instant never ends.
        Some(
            self.window_end(f.first)
                .map_or(self.window, |end| end.saturating_duration_since(now)),
        )
    }

    /// Counts a failed authentication by `ip` at `now`.
    pub fn record_failure(&self, ip: IpAddr, now: Instant) {
        let mut clients = self.clients();
        if let Some(f) = clients.get_mut(&ip) {
            if self.expired(f, now) {
                *f = Failures {
                    first: now,
                    count: 1,
                };
            } else {
                f.count = f.count.saturating_add(1);
            }
            return;
        }
        if clients.len() >= self.max_tracked {
            clients.retain(|_, f| !self.expired(f, now));
        }
        if clients.len() >= self.max_tracked {
            // Too few expired: forget the oldest eighth of the windows (those closest to
            // their end), so a flood of new addresses costs one scan per eighth, not each.
            let mut firsts: Vec<Instant> = clients.values().map(|f| f.first).collect();
            let drop = (clients.len() - self.max_tracked + 1).max(self.max_tracked / 8);
            let (_, cut, _) = firsts.select_nth_unstable(drop - 1);
            let cut = *cut;
            let mut dropped = 0;
            clients.retain(|_, f| {
                let keep = f.first > cut || dropped >= drop;
                if !keep {
                    dropped += 1;
                }
                keep
            });
        }
        clients.insert(
            ip,
            Failures {
                first: now,
                count: 1,
            },
        );
    }

    /// How many addresses are tracked now.
    pub fn tracked(&self) -> usize {
        self.clients().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{Ipv4Addr, Ipv6Addr};

    const WINDOW: Duration = Duration::from_secs(60);

    fn ip(n: u32) -> IpAddr {
        IpAddr::V4(Ipv4Addr::from(0x0a00_0000 + n))
    }

    #[test]
    fn blocked_after_max_failures_not_before() {
        let limiter = FailedAuthLimiter::new(3, WINDOW);
        let t0 = Instant::now();
        assert_eq!(limiter.is_blocked(ip(1), t0), None);
        limiter.record_failure(ip(1), t0);
        limiter.record_failure(ip(1), t0 + Duration::from_secs(10));
        assert_eq!(
            limiter.is_blocked(ip(1), t0 + Duration::from_secs(11)),
            None
        );
        limiter.record_failure(ip(1), t0 + Duration::from_secs(20));
        assert_eq!(
            limiter.is_blocked(ip(1), t0 + Duration::from_secs(21)),
            Some(Duration::from_secs(39)),
            "blocked until the window since the first failure has passed"
        );
    }

    #[test]
    fn unblocked_after_the_window() {
        let limiter = FailedAuthLimiter::new(2, WINDOW);
        let t0 = Instant::now();
        limiter.record_failure(ip(1), t0);
        limiter.record_failure(ip(1), t0 + Duration::from_secs(1));
        let just_before = t0 + WINDOW - Duration::from_millis(1);
        assert_eq!(
            limiter.is_blocked(ip(1), just_before),
            Some(Duration::from_millis(1))
        );
        assert_eq!(limiter.is_blocked(ip(1), t0 + WINDOW), None);
        // The count starts again: one more failure does not block.
        limiter.record_failure(ip(1), t0 + WINDOW);
        assert_eq!(limiter.is_blocked(ip(1), t0 + WINDOW), None);
        limiter.record_failure(ip(1), t0 + WINDOW + Duration::from_secs(1));
        assert!(
            limiter
                .is_blocked(ip(1), t0 + WINDOW + Duration::from_secs(2))
                .is_some()
        );
    }

    #[test]
    fn failures_spread_wider_than_the_window_do_not_block() {
        let limiter = FailedAuthLimiter::new(2, WINDOW);
        let t0 = Instant::now();
        limiter.record_failure(ip(1), t0);
        limiter.record_failure(ip(1), t0 + WINDOW + Duration::from_secs(1));
        assert_eq!(
            limiter.is_blocked(ip(1), t0 + WINDOW + Duration::from_secs(2)),
            None
        );
    }

    #[test]
    fn other_addresses_are_unaffected() {
        let limiter = FailedAuthLimiter::new(1, WINDOW);
        let t0 = Instant::now();
        let v6 = IpAddr::V6(Ipv6Addr::LOCALHOST);
        limiter.record_failure(ip(1), t0);
        assert!(limiter.is_blocked(ip(1), t0).is_some());
        assert_eq!(limiter.is_blocked(ip(2), t0), None);
        assert_eq!(limiter.is_blocked(v6, t0), None);
        limiter.record_failure(v6, t0);
        assert!(limiter.is_blocked(v6, t0).is_some());
        assert_eq!(limiter.is_blocked(ip(2), t0), None);
    }

    #[test]
    fn memory_bound_holds() {
        let limiter = FailedAuthLimiter::with_bound(2, WINDOW, 1000);
        let t0 = Instant::now();
        // Far more addresses than the bound, none expired: the oldest windows are dropped.
        for n in 0..5000 {
            limiter.record_failure(ip(n), t0 + Duration::from_millis(u64::from(n)));
            assert!(limiter.tracked() <= 1000, "{} after {n}", limiter.tracked());
        }
        assert!(limiter.tracked() > 1000 - 1000 / 8, "{}", limiter.tracked());
        // The newest are still counted, the oldest forgotten.
        limiter.record_failure(ip(4999), t0 + Duration::from_secs(6));
        assert!(
            limiter
                .is_blocked(ip(4999), t0 + Duration::from_secs(6))
                .is_some()
        );
        limiter.record_failure(ip(0), t0 + Duration::from_secs(6));
        assert_eq!(limiter.is_blocked(ip(0), t0 + Duration::from_secs(6)), None);
    }

    #[test]
    fn expired_entries_are_pruned_first() {
        let limiter = FailedAuthLimiter::with_bound(1, WINDOW, 100);
        let t0 = Instant::now();
        let later = t0 + Duration::from_secs(50);
        for n in 0..50 {
            limiter.record_failure(ip(n), t0);
            limiter.record_failure(ip(100 + n), later);
        }
        assert_eq!(limiter.tracked(), 100);
        // At the bound, a new address prunes the 50 expired entries and nothing else.
        let now = t0 + WINDOW + Duration::from_secs(1);
        limiter.record_failure(ip(1000), now);
        assert_eq!(limiter.tracked(), 51);
        for n in 0..50 {
            assert!(limiter.is_blocked(ip(100 + n), now).is_some(), "{n}");
        }
        // Once every window has passed, one more address leaves only itself.
        for n in 0..49 {
            limiter.record_failure(ip(2000 + n), now);
        }
        assert_eq!(limiter.tracked(), 100);
        limiter.record_failure(ip(3000), now + WINDOW);
        assert_eq!(limiter.tracked(), 1);
    }

    #[test]
    fn the_default_bound_is_100_000() {
        let limiter = FailedAuthLimiter::new(5, WINDOW);
        let t0 = Instant::now();
        for n in 0..100_000 {
            limiter.record_failure(ip(n), t0);
        }
        assert_eq!(limiter.tracked(), MAX_TRACKED);
        limiter.record_failure(ip(100_000), t0);
        assert!(limiter.tracked() <= MAX_TRACKED);
        assert!(
            limiter.tracked() < MAX_TRACKED,
            "one more address makes room"
        );
    }
}
