//! Storage adapter (sqlx): SQLite as the embedded default, PostgreSQL for deployments that
//! outgrow one machine. The backend is chosen once, from the database URL; every query is
//! written once and run on either (`on_conn!`), only DDL (`migrations/`) and bulk loading
//! (`rows`) differ. No draw logic lives here.
//!
//! Writes are serialised: a SQLite write transaction starts with `BEGIN IMMEDIATE`, a
//! PostgreSQL one takes a transaction-level advisory lock first. The log's sequence numbers
//! and a batch's state move one writer at a time, which is what makes "drawn exactly once"
//! hold across processes on both databases.

pub mod annual_plans;
pub mod batches;
pub mod catalog;
pub mod cosignatures;
pub mod followups;
pub mod log;
pub mod passwords;
pub mod results;
pub mod reviews;
pub mod rows;
pub mod sessions;
pub mod snapshots;
pub mod totp;
pub mod users;

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use sqlx::{PgPool, Postgres, Sqlite, SqlitePool, Transaction};

/// The default database: a SQLite file in the current folder.
pub const DEFAULT_URL: &str = "sqlite://shuangsui.db";

/// Key of the PostgreSQL advisory lock every write transaction holds.
const WRITE_LOCK: i64 = 0x5348_5541_4e47; // "SHUANG"

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

/// A storage failure, with what was being done.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database URL '{0}': use sqlite://FILE or postgres://…")]
    Url(String),
    #[error("database: {0}")]
    Sql(#[from] sqlx::Error),
    #[error("migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A connection pool on either backend.
#[derive(Debug, Clone)]
pub enum Store {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// An open write transaction on either backend.
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// Runs `$body` with `$c` bound to the connection of `$tx` (`&mut Tx`), compiled once per
/// backend: the SQL is the same text on both (`$1` placeholders work in SQLite too).
#[macro_export]
macro_rules! on_conn {
    ($tx:expr, $c:ident => $body:expr) => {
        match $tx {
            $crate::store::Tx::Sqlite(t) => {
                let $c: &mut sqlx::SqliteConnection = &mut *t;
                $body
            }
            $crate::store::Tx::Postgres(t) => {
                let $c: &mut sqlx::PgConnection = &mut *t;
                $body
            }
        }
    };
}

/// As `on_conn!` for reads outside a transaction: `$p` is the pool.
#[macro_export]
macro_rules! on_pool {
    ($store:expr, $p:ident => $body:expr) => {
        match $store {
            $crate::store::Store::Sqlite($p) => $body,
            $crate::store::Store::Postgres($p) => $body,
        }
    };
}

/// Runs `$sql` with the bindings `$arg`… and maps every row with `$map`: `pool $store` reads
/// outside a transaction, `tx $tx` inside one.
#[macro_export]
macro_rules! fetch_rows {
    (pool $store:expr, $sql:expr, $map:expr $(, $arg:expr)*) => {
        $crate::on_pool!($store, p => sqlx::query(sqlx::AssertSqlSafe($sql))
            $(.bind($arg))*
            .fetch_all(p)
            .await?
            .into_iter()
            .map($map)
            .collect::<Result<Vec<_>, _>>()?)
    };
    (tx $tx:expr, $sql:expr, $map:expr $(, $arg:expr)*) => {
        $crate::on_conn!($tx, c => sqlx::query(sqlx::AssertSqlSafe($sql))
            $(.bind($arg))*
            .fetch_all(&mut *c)
            .await?
            .into_iter()
            .map($map)
            .collect::<Result<Vec<_>, _>>()?)
    };
}

impl Store {
    /// Opens the database at `url` (a SQLite file is created if missing, in WAL mode) and
    /// applies the embedded migrations.
    pub async fn open(url: &str) -> Result<Store> {
        let store = if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)
                .map_err(|_| StoreError::Url(url.to_string()))?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .busy_timeout(Duration::from_secs(120))
                .foreign_keys(true);
            Store::Sqlite(
                SqlitePoolOptions::new()
                    .max_connections(4)
                    // No idle reaping: sqlx 0.9.0's pool maintenance task can spin for ever
                    // (launchbadge/sqlx#3645), which the crash trials caught hanging a command
                    // at exit once in about 3,000 (docs/RELIABILITY.md).
                    .idle_timeout(None)
                    .max_lifetime(None)
                    .connect_with(options)
                    .await?,
            )
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let options =
                PgConnectOptions::from_str(url).map_err(|_| StoreError::Url(url.to_string()))?;
            Store::Postgres(
                PgPoolOptions::new()
                    .max_connections(4)
                    .idle_timeout(None)
                    .max_lifetime(None)
                    .connect_with(options)
                    .await?,
            )
        } else {
            return Err(StoreError::Url(url.to_string()));
        };
        store.migrate().await?;
        Ok(store)
    }

    async fn migrate(&self) -> Result<()> {
        match self {
            Store::Sqlite(p) => SQLITE_MIGRATIONS.run(p).await?,
            Store::Postgres(p) => POSTGRES_MIGRATIONS.run(p).await?,
        }
        Ok(())
    }

    /// Starts a write transaction; it holds the store's write lock until it ends.
    pub async fn write(&self) -> Result<Tx> {
        Ok(match self {
            Store::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Store::Postgres(p) => {
                let mut t = p.begin().await?;
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(WRITE_LOCK)
                    .execute(&mut *t)
                    .await?;
                Tx::Postgres(t)
            }
        })
    }

    /// A consistent, read-only view of the database as it is now: a pool of one connection
    /// that holds one read transaction (SQLite: a WAL read snapshot; PostgreSQL: REPEATABLE
    /// READ), so that every query through it sees the same state, whatever commits
    /// meanwhile. Close it when done.
    pub async fn snapshot(&self) -> Result<Store> {
        let view = match self {
            Store::Sqlite(p) => {
                let options = (*p.connect_options()).clone();
                let pool = SqlitePoolOptions::new()
                    .max_connections(1)
                    .idle_timeout(None)
                    .max_lifetime(None)
                    .after_connect(|c, _| {
                        Box::pin(async move {
                            use sqlx::Executor;
                            // A deferred transaction takes its snapshot at its first read.
                            c.execute("BEGIN").await?;
                            c.execute("SELECT COUNT(*) FROM log_entries").await?;
                            Ok(())
                        })
                    })
                    .connect_with(options)
                    .await?;
                Store::Sqlite(pool)
            }
            Store::Postgres(p) => {
                let options = (*p.connect_options()).clone();
                let pool = PgPoolOptions::new()
                    .max_connections(1)
                    .idle_timeout(None)
                    .max_lifetime(None)
                    .after_connect(|c, _| {
                        Box::pin(async move {
                            use sqlx::Executor;
                            c.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                                .await?;
                            c.execute("SELECT COUNT(*) FROM log_entries").await?;
                            Ok(())
                        })
                    })
                    .connect_with(options)
                    .await?;
                Store::Postgres(pool)
            }
        };
        Ok(view)
    }

    /// Closes the pool (waits for connections to finish).
    pub async fn close(&self) {
        on_pool!(self, p => p.close().await)
    }
}

impl Tx {
    pub async fn commit(self) -> Result<()> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }
}

/// The current time as stored: RFC 3339, UTC, seconds.
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
