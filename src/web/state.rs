//! What every handler shares: the application, the failed-authentication limiter, and the
//! caches of public responses and of the batch page model they are made from.
//!
//! Public responses (pages, CSV, bundles) are made once and kept until the log grows or a
//! witness cosigns further (the pages show how far); so is
//! each published batch's `BatchPage`, from which its pages in both languages, its CSV and
//! its JSON are made (one bundle re-made per batch, not one per response). Every
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
use crate::pages::model::BatchPage;

/// Responses larger than this are made anew each time rather than kept.
const CACHE_MAX_BYTES: usize = 32 << 20;

#[derive(Clone)]
pub struct AppState {
    pub app: Arc<App>,
    pub limiter: Arc<FailedAuthLimiter>,
    pub cache: Arc<PublicCache<Bytes>>,
    /// Published batches' page models, by id and China's date (deadlines move with it).
    pub batch_pages: Arc<PublicCache<Arc<BatchPage>>>,
    /// The public log kept in memory: its tree (`/log/tile/…`) and its index of batches.
    pub public_log: Arc<crate::app::public_log::PublicLog>,
    /// The witnesses each new checkpoint is sent to, if any, and the quorum
    /// `/log/checkpoint` waits for.
    pub witnessing: Option<Arc<crate::app::witnessing::Witnessing>>,
    pub witness_quorum: usize,
    /// Shown in "how to verify" commands, e.g. `https://example.gov.cn`; empty for relative.
    pub public_url: Arc<str>,
    /// How long console sessions last.
    pub sessions: crate::app::sign_in::Rules,
    /// The corps' name on printed notices (`Settings::organisation`); empty: none.
    pub organisation: Arc<str>,
}

impl AppState {
    pub fn new(app: App, limiter: FailedAuthLimiter, public_url: &str) -> AppState {
        AppState {
            app: Arc::new(app),
            limiter: Arc::new(limiter),
            cache: Arc::new(PublicCache::default()),
            batch_pages: Arc::new(PublicCache::default()),
            public_log: Arc::new(Default::default()),
            witnessing: None,
            witness_quorum: 0,
            public_url: Arc::from(public_url.trim_end_matches('/')),
            sessions: crate::app::sign_in::Rules::default(),
            organisation: Arc::from(""),
        }
    }

    /// The same state, console sessions lasting as `rules` say.
    pub fn with_sessions(mut self, rules: crate::app::sign_in::Rules) -> AppState {
        self.sessions = rules;
        self
    }

    /// The same state, printing `name` at the head of notices.
    pub fn with_organisation(mut self, name: &str) -> AppState {
        self.organisation = Arc::from(name.trim());
        self
    }

    /// The corps' name for printed notices, if the settings give one.
    pub fn issuer(&self) -> Option<&str> {
        Some(&*self.organisation).filter(|n| !n.is_empty())
    }

    /// Whether cookies are marked Secure: the site is served over TLS (its public address
    /// is https).
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// The same state, sending each new checkpoint to these witnesses.
    pub fn with_witnesses(
        mut self,
        witnessing: crate::app::witnessing::Witnessing,
        quorum: usize,
    ) -> AppState {
        self.witnessing = Some(Arc::new(witnessing));
        self.witness_quorum = quorum;
        self
    }

    /// Runs a witnessing round every `period` for as long as the server runs (nothing
    /// without witnesses).
    pub fn witness_every(&self, period: Duration) -> Option<tokio::task::JoinHandle<()>> {
        let witnessing = self.witnessing.clone()?;
        let state = self.clone();
        Some(tokio::spawn(async move {
            let mut tick = tokio::time::interval(period);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                if let Err(e) = witnessing.round(&state.app, &state.public_log).await {
                    tracing::warn!(error = %e, "witnessing");
                }
            }
        }))
    }

    /// Reads the log's size and how far its witnesses cosigned (the pages show both), and
    /// drops cached responses if either changed.
    pub async fn refresh(&self) {
        let read = async {
            let head = crate::store::log::latest_checkpoint(&self.app.store).await?;
            let cosigned = crate::store::cosignatures::latest(&self.app.store).await?;
            Ok::<_, crate::store::StoreError>((head.map_or(0, |c| c.size), cosigned))
        };
        match read.await {
            Ok((size, cosigned)) => {
                let version = version_of(size, &cosigned);
                self.cache.set_version(version);
                self.batch_pages.set_version(version);
            }
            Err(e) => tracing::warn!(error = %e, "reading the log's size"),
        }
    }

    /// The page model of published batch `id` as of China's `today`, made once per log size.
    pub async fn batch_page(
        &self,
        id: &str,
        today: chrono::NaiveDate,
    ) -> Result<Arc<BatchPage>, AppError> {
        self.batch_pages
            .get_or_make(&format!("{id}:{today}"), || async {
                let mut page =
                    crate::app::public::batch_page(&self.app, &self.public_log, id, today).await?;
                page.site_url = self.public_url.to_string();
                Ok(Arc::new(page))
            })
            .await
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

/// The version of the public responses: the log's size and each witness's cosigned size,
/// hashed together (any change to either changes it).
fn version_of(size: u64, cosigned: &[(String, u64)]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    (size, cosigned).hash(&mut h);
    h.finish()
}

/// What a cache keeps: a value made successfully, unless too large to keep.
pub trait Keep {
    fn worth_keeping(&self) -> bool;
}

impl Keep for Bytes {
    fn worth_keeping(&self) -> bool {
        self.len() <= CACHE_MAX_BYTES
    }
}

impl Keep for Arc<BatchPage> {
    /// A page model holds the sample, not the population: always small enough.
    fn worth_keeping(&self) -> bool {
        true
    }
}

type Slot<T> = Arc<OnceCell<T>>;

/// Values by key (path and language, or batch and date), valid for one log size.
pub struct PublicCache<T> {
    version: AtomicU64,
    slots: Mutex<(u64, HashMap<String, Slot<T>>)>,
}

impl<T> Default for PublicCache<T> {
    fn default() -> Self {
        PublicCache {
            version: AtomicU64::new(0),
            slots: Mutex::new((0, HashMap::new())),
        }
    }
}

impl<T: Clone + Keep> PublicCache<T> {
    fn set_version(&self, size: u64) {
        self.version.store(size, Ordering::Release);
    }

    /// The response for `key`, made by `make` at most once per log size (concurrent requests
    /// for the same key wait for one maker).
    pub async fn get_or_make<F, Fut>(&self, key: &str, make: F) -> Result<T, AppError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, AppError>>,
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
        if !made.as_ref().is_ok_and(Keep::worth_keeping) {
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
        let cache = PublicCache::<Bytes>::default();
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
        let cache = PublicCache::<Bytes>::default();
        let failed = cache
            .get_or_make("/x", || async {
                Err(AppError::NotFound(crate::domain::Message::same("x")))
            })
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
