//! Application functions: what the corps, officers and auditors do, over storage and the
//! log. The CLI (and the HTTP API) are thin adapters over these; the draw itself is the
//! pure core (`commitment`, `bundle`), called unchanged.
//!
//! Every change is one write transaction that also appends its log entry and signs a
//! checkpoint of the new head: either all of it lands or none of it.

pub mod annual;
pub mod batch;
pub mod ceremony;
pub mod checklists;
pub mod codes;
pub mod crosscheck;
pub mod deadline;
pub mod directory;
pub mod dispatch;
pub mod draw;
pub mod export;
pub mod followups;
pub mod journal;
pub mod log;
pub mod public;
pub mod public_log;
pub mod results;
pub mod reviews;
pub mod sign_in;
pub mod stats;
pub mod tasks;
pub mod totp;
pub mod users;
pub mod witnessing;

use std::path::Path;

use crate::calendar::Calendar;
use crate::domain::Message;
use crate::domain::publication::PublicationRules;
use crate::domain::result_code::CodeBook;
use crate::import::ImportErrors;
use crate::ledger::{LogKey, VerifierKey};
use crate::store::{Store, StoreError};

/// Settings kept in the database's `meta` table.
pub const META_ORIGIN: &str = "log_origin";
pub const META_VERIFIER: &str = "log_verifier_key";

/// Why an application function refused or failed. `Invalid`, `Import`, `Refused` and
/// `Forbidden` are the user's to fix (exit 1); the others are the environment's (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    Invalid(Message),
    #[error("{0}")]
    NotFound(Message),
    /// Refused by the rules (drawn already, wrong state…); the attempt is logged.
    #[error("{0}")]
    Refused(Message),
    /// The caller may not do this (an officer recording for a target not in their team).
    #[error("{0}")]
    Forbidden(Message),
    #[error("{0}")]
    Import(ImportErrors),
    #[error("{0}")]
    Setup(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        AppError::Store(StoreError::Sql(e))
    }
}

impl AppError {
    /// The stable machine code of the error, the same in the API's error body and in the
    /// CLI's message: `invalid`, `import_rejected`, `not_found`, `refused`, `forbidden`, or
    /// `internal` (the environment's failure).
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Invalid(_) => "invalid",
            AppError::Import(_) => "import_rejected",
            AppError::NotFound(_) => "not_found",
            AppError::Refused(_) => "refused",
            AppError::Forbidden(_) => "forbidden",
            AppError::Setup(_) | AppError::Store(_) => "internal",
        }
    }
}

pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// An open store with what writing to it needs: the log's key and origin, the calendars,
/// the result categories and the publication time limits.
pub struct App {
    pub store: Store,
    key: Option<LogKey>,
    pub origin: String,
    pub verifier: VerifierKey,
    pub calendar: Calendar,
    pub codes: CodeBook,
    /// Publication time limits per sector.
    pub publication: PublicationRules,
}

impl App {
    /// Opens an initialised store. `key_file` is needed to write (it signs checkpoints);
    /// readers and `log verify` may go without.
    pub async fn open(url: &str, key_file: Option<&Path>) -> Result<App> {
        let store = Store::open(url).await?;
        let (origin, verifier) = match (
            crate::store::log::meta(&store, META_ORIGIN).await?,
            crate::store::log::meta(&store, META_VERIFIER).await?,
        ) {
            (Some(o), Some(v)) => (o, v),
            _ => {
                return Err(AppError::Setup(format!(
                    "{url}: not initialised (the meta table has no {META_ORIGIN} and {META_VERIFIER}): run `shuangsui init` first"
                )));
            }
        };
        let verifier = VerifierKey::parse(&verifier)
            .map_err(|e| AppError::Setup(format!("the log key stored in meta: {e}")))?;
        let key = match key_file {
            Some(path) if path.exists() => {
                let key = journal::read_key(path)?;
                if key.verifier().to_string() != verifier.to_string() {
                    return Err(AppError::Setup(format!(
                        "{}: this key is not the log key of {url} ({verifier})",
                        path.display()
                    )));
                }
                Some(key)
            }
            _ => None,
        };
        Ok(App {
            store,
            key,
            origin,
            verifier,
            calendar: Calendar::shipped(),
            codes: CodeBook::shipped(),
            publication: PublicationRules::shipped(),
        })
    }

    /// The signing key, or why there is none.
    fn key(&self) -> Result<&LogKey> {
        self.key.as_ref().ok_or_else(|| {
            AppError::Setup(
                "the log's key file is missing: changes are signed (use --key, or run from the folder where `init` wrote it)"
                    .into(),
            )
        })
    }
}

/// Creates (or checks) the store at `url`: applies the migrations, writes a new signing key
/// to `key_file` (mode 0600, never over an existing file) unless the store already has a
/// key, and logs the log's own start. Returns the verifier key and whether it was new.
pub async fn init(url: &str, key_file: &Path, origin: &str) -> Result<(String, bool)> {
    let store = Store::open(url).await?;
    if let Some(existing) = crate::store::log::meta(&store, META_VERIFIER).await? {
        return Ok((existing, false));
    }
    let key = if key_file.exists() {
        journal::read_key(key_file)?
    } else {
        let key = LogKey::generate(origin).map_err(|e| AppError::Setup(format!("key: {e}")))?;
        journal::write_key(key_file, &key)?;
        key
    };
    let verifier = key.verifier().to_string();
    let mut tx = store.write().await?;
    crate::store::log::set_meta(&mut tx, META_ORIGIN, origin).await?;
    crate::store::log::set_meta(&mut tx, META_VERIFIER, &verifier).await?;
    let event = serde_json::json!({ "origin": origin, "verifier_key": verifier });
    journal::append(&mut tx, &key, origin, "log.init", &event).await?;
    tx.commit().await?;
    store.close().await;
    Ok((verifier, true))
}
