//! What every handler shares: the application, the failed-authentication limiter, and the
//! cache of public responses.
//!
//! Public responses (pages, CSV, bundles) are made once and kept until the log grows: every
//! change to what they show is a log entry, so the log's size is their version. The size is
//! read after each change made through this server and polled every second for changes
//! made by other processes (the CLI, another server on the same database).

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use tokio::sync::OnceCell;

use super::limiter::FailedAuthLimiter;
use crate::app::{App, AppError};

/// Responses larger than this are made anew each time rather than kept.
const CACHE_MAX_BYTES: usize = 32 << 20;

#[derive(Clone)]
pub struct AppState {
    pub app: Arc<App>,
    pub limiter: Arc<FailedAuthLimiter>,
    pub cache: Arc<PublicCache>,
    /// Shown in "how to verify" commands, e.g. `https://example.gov.cn`; empty for relative.
    pub public_url: Arc<str>,
}

impl AppState {
    pub fn new(app: App, limiter: FailedAuthLimiter, public_url: &str) -> AppState {
        AppState {
            app: Arc::new(app),
            limiter: Arc::new(limiter),
            cache: Arc::new(PublicCache::default()),
            public_url: Arc::from(public_url.trim_end_matches('/')),
        }
    }

    /// Reads the log's size and drops cached responses if it grew.
    pub async fn refresh(&self) {
        match crate::store::log::latest_checkpoint(&self.app.store).await {
            Ok(head) => self.cache.set_version(head.map_or(0, |c| c.size)),
            Err(e) => tracing::warn!(error = %e, "reading the log's size"),
        }
    }

    /// Polls the log's size every `period` for as long as the server runs.
    pub fn watch_log(&self, period: Duration) -> tokio::task::JoinHandle<()> {
        let state = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(period);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                state.refresh().await;
            }
        })
    }
}

type Slot = Arc<OnceCell<Bytes>>;

/// Public responses by key (path and language), valid for one log size.
#[derive(Default)]
pub struct PublicCache {
    version: AtomicU64,
    slots: Mutex<(u64, HashMap<String, Slot>)>,
}

impl PublicCache {
    fn set_version(&self, size: u64) {
        self.version.store(size, Ordering::Release);
    }

    /// The response for `key`, made by `make` at most once per log size (concurrent requests
    /// for the same key wait for one maker).
    pub async fn get_or_make<F, Fut>(&self, key: &str, make: F) -> Result<Bytes, AppError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Bytes, AppError>>,
    {
        let version = self.version.load(Ordering::Acquire);
        let slot = {
            let mut guard = match self.slots.lock() {
                Ok(g) => g,
                Err(poisoned) => poisoned.into_inner(),
            };
            if guard.0 != version {
                *guard = (version, HashMap::new());
            }
            match guard.1.get(key) {
                Some(slot) => slot.clone(),
                None => guard.1.entry(key.to_string()).or_default().clone(),
            }
        };
        let made = slot.get_or_try_init(make).await.cloned();
        // Only successes of bounded size stay: a request for a batch that does not exist
        // (any number of made-up ids) or a bundle too large to keep leaves nothing behind.
        if made.as_ref().map_or(true, |b| b.len() > CACHE_MAX_BYTES) {
            self.forget(key);
        }
        made
    }

    fn forget(&self, key: &str) {
        let mut guard = match self.slots.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        guard.1.remove(key);
    }

    /// How many responses are kept.
    pub fn len(&self) -> usize {
        match self.slots.lock() {
            Ok(g) => g.1.len(),
            Err(poisoned) => poisoned.into_inner().1.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_response_is_made_once_per_log_size() {
        let cache = PublicCache::default();
        let made = AtomicU64::new(0);
        let make = || async {
            made.fetch_add(1, Ordering::SeqCst);
            Ok(Bytes::from_static(b"page"))
        };
        cache.get_or_make("/", make).await.unwrap();
        cache.get_or_make("/", make).await.unwrap();
        assert_eq!(made.load(Ordering::SeqCst), 1);
        cache.set_version(7);
        cache.get_or_make("/", make).await.unwrap();
        assert_eq!(made.load(Ordering::SeqCst), 2, "a grown log makes it anew");
    }

    #[tokio::test]
    async fn a_failure_is_not_kept() {
        let cache = PublicCache::default();
        let failed = cache
            .get_or_make("/x", || async { Err(AppError::NotFound("x".into())) })
            .await;
        assert!(failed.is_err());
        assert!(cache.is_empty(), "a failure leaves no entry behind");
        let ok = cache
            .get_or_make("/x", || async { Ok(Bytes::from_static(b"ok")) })
            .await
            .unwrap();
        assert_eq!(&ok[..], b"ok");
    }
}
