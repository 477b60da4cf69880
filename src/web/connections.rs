//! Caps on open connections: in all (the server stops accepting until one closes, so new
//! ones wait in the kernel's queue and the process never runs out of file descriptors)
//! and per client address (one more is closed at once, so one client cannot take every
//! slot). Addresses are the socket's, IPv6 counted by /64; trusted proxies are exempt
//! from the per-address cap, since all their clients share their address.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::client::{TrustedProxies, counted_as};

/// Descriptors kept for everything but connections: the database pool, the log, files.
const RESERVED_DESCRIPTORS: u64 = 64;

/// The connection caps and the connections open now.
#[derive(Debug)]
pub struct ConnectionLimits {
    total: Arc<Semaphore>,
    per_address: usize,
    exempt: Arc<TrustedProxies>,
    open: Mutex<HashMap<IpAddr, usize>>,
}

/// One admitted connection; dropping it frees its place.
#[derive(Debug)]
pub struct Admitted {
    _total: OwnedSemaphorePermit,
    counted: Option<IpAddr>,
    limits: Arc<ConnectionLimits>,
}

impl Drop for Admitted {
    fn drop(&mut self) {
        if let Some(ip) = self.counted {
            let mut open = self.limits.open();
            if let Some(n) = open.get_mut(&ip) {
                *n -= 1;
                if *n == 0 {
                    open.remove(&ip);
                }
            }
        }
    }
}

impl ConnectionLimits {
    /// At most `total` connections (at least 1), `per_address` from one address.
    pub fn new(total: usize, per_address: usize, exempt: Arc<TrustedProxies>) -> Arc<Self> {
        Arc::new(ConnectionLimits {
            total: Arc::new(Semaphore::new(total.max(1))),
            per_address: per_address.max(1),
            exempt,
            open: Mutex::new(HashMap::new()),
        })
    }

    fn open(&self) -> MutexGuard<'_, HashMap<IpAddr, usize>> {
        self.open
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Waits until fewer than the total cap are open; the permit is one place, taken.
    /// (`None` only if the semaphore were closed, which nothing does.)
    pub async fn room(&self) -> Option<OwnedSemaphorePermit> {
        self.total.clone().acquire_owned().await.ok()
    }

    /// Admits a connection from `peer` into the place `permit`, unless its address already
    /// has `per_address` open (then `None`: close it).
    pub fn admit(self: &Arc<Self>, permit: OwnedSemaphorePermit, peer: IpAddr) -> Option<Admitted> {
        let counted = if self.exempt.contains(peer) {
            None
        } else {
            let ip = counted_as(peer);
            let mut open = self.open();
            let n = open.entry(ip).or_insert(0);
            if *n >= self.per_address {
                return None;
            }
            *n += 1;
            Some(ip)
        };
        Some(Admitted {
            _total: permit,
            counted,
            limits: self.clone(),
        })
    }

    /// Connections open now from `peer`'s address.
    pub fn open_from(&self, peer: IpAddr) -> usize {
        self.open().get(&counted_as(peer)).copied().unwrap_or(0)
    }
}

/// `configured`, lowered to fit the process's open-file limit with room to spare (logged).
pub fn fit_descriptor_limit(configured: usize) -> usize {
    let Some(limit) = open_file_limit() else {
        return configured;
    };
    let room = limit.saturating_sub(RESERVED_DESCRIPTORS).max(1);
    if (configured as u64) <= room {
        return configured;
    }
    tracing::warn!(
        configured,
        open_file_limit = limit,
        lowered_to = room,
        "max_connections is above the open-file limit (ulimit -n) less {RESERVED_DESCRIPTORS}: lowered"
    );
    usize::try_from(room).unwrap_or(configured)
}

#[cfg(unix)]
fn open_file_limit() -> Option<u64> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes one rlimit struct, which we own.
    let ok = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } == 0;
    // rlim_t is u64 on Linux but not on every Unix.
    #[allow(clippy::unnecessary_cast)]
    (ok && limit.rlim_cur != libc::RLIM_INFINITY).then_some(limit.rlim_cur as u64)
}

#[cfg(not(unix))]
fn open_file_limit() -> Option<u64> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[tokio::test]
    async fn per_address_cap_and_release() {
        let trusted = TrustedProxies::parse(&["10.0.0.1".to_string()]).unwrap();
        let limits = ConnectionLimits::new(100, 2, Arc::new(trusted));
        let a = limits
            .admit(limits.room().await.unwrap(), ip("192.0.2.1"))
            .unwrap();
        let b = limits
            .admit(limits.room().await.unwrap(), ip("192.0.2.1"))
            .unwrap();
        assert!(
            limits
                .admit(limits.room().await.unwrap(), ip("192.0.2.1"))
                .is_none()
        );
        assert!(
            limits
                .admit(limits.room().await.unwrap(), ip("192.0.2.2"))
                .is_some()
        );
        // One /64 is one client.
        let _c = limits
            .admit(limits.room().await.unwrap(), ip("2001:db8::1"))
            .unwrap();
        let _d = limits
            .admit(limits.room().await.unwrap(), ip("2001:db8::2"))
            .unwrap();
        assert!(
            limits
                .admit(limits.room().await.unwrap(), ip("2001:db8::3"))
                .is_none()
        );
        // A trusted proxy is not capped per address.
        let proxied: Vec<_> = (0..5)
            .map(|_| {
                limits.admit(
                    limits.total.clone().try_acquire_owned().unwrap(),
                    ip("10.0.0.1"),
                )
            })
            .collect();
        assert!(proxied.iter().all(Option::is_some));
        drop(a);
        assert_eq!(limits.open_from(ip("192.0.2.1")), 1);
        assert!(
            limits
                .admit(limits.room().await.unwrap(), ip("192.0.2.1"))
                .is_some()
        );
        drop(b);
    }

    #[tokio::test]
    async fn the_total_cap_holds_until_a_connection_closes() {
        let limits = ConnectionLimits::new(2, 10, Arc::new(TrustedProxies::default()));
        let a = limits
            .admit(limits.room().await.unwrap(), ip("192.0.2.1"))
            .unwrap();
        let _b = limits
            .admit(limits.room().await.unwrap(), ip("192.0.2.2"))
            .unwrap();
        assert!(limits.total.clone().try_acquire_owned().is_err(), "full");
        drop(a);
        assert!(
            limits.total.clone().try_acquire_owned().is_ok(),
            "room again"
        );
    }

    #[test]
    fn the_descriptor_limit_lowers_the_cap() {
        let limit = open_file_limit();
        let fitted = fit_descriptor_limit(usize::MAX / 2);
        match limit {
            Some(l) => assert_eq!(fitted as u64, l.saturating_sub(RESERVED_DESCRIPTORS).max(1)),
            None => assert_eq!(fitted, usize::MAX / 2),
        }
        assert_eq!(fit_descriptor_limit(1), 1);
    }
}
