//! The subscriber database: open it (SQLite in the site's folder by default, or PostgreSQL),
//! bring its schema up to date, and hand out the pool.
//!
//! Input: a database URL. Output: a `Database` whose schema is the newest of `migrations/`.
//! Must not: hold a statement that only one of the two databases understands (every query of
//! `subscription` runs unchanged on both).

use anyhow::Context;
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor};
use std::path::Path;

/// The schema, embedded: one set of migrations for both databases.
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// The file of the embedded database, in the site's folder.
pub const SQLITE_FILE: &str = "subscribers.sqlite";

/// An open subscriber database.
#[derive(Clone, Debug)]
pub struct Database {
    pub(super) pool: AnyPool,
}

/// The database `--database` names, else `SEEDBED_DATABASE`, else `subscribers.sqlite` in `root`.
pub fn url(root: &Path, given: Option<&str>) -> String {
    given
        .map(str::to_string)
        .or_else(|| std::env::var("SEEDBED_DATABASE").ok().filter(|u| !u.is_empty()))
        .unwrap_or_else(|| format!("sqlite://{}?mode=rwc", root.join(SQLITE_FILE).display()))
}

/// The URL without its password, for messages.
pub fn shown(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_string(),
    }
}

impl Database {
    /// Open the database at `url` and apply the migrations it lacks.
    pub async fn open(url: &str) -> anyhow::Result<Database> {
        install_default_drivers();
        let sqlite = url.starts_with("sqlite:");
        let pool = AnyPoolOptions::new()
            // SQLite takes one writer at a time: a second connection would only wait on its lock.
            .max_connections(if sqlite { 1 } else { 16 })
            // A database that is down answers readers with a 503 in two seconds rather than
            // holding them: they, or the proxy, can try again.
            .acquire_timeout(std::time::Duration::from_secs(2))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if sqlite {
                        // WAL: readers do not block the writer. FULL: a commit is on the disk
                        // before the reader is told their subscription is stored.
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA synchronous = FULL").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        conn.execute("PRAGMA busy_timeout = 5000").await?;
                    }
                    Ok(())
                })
            })
            .connect(url)
            .await
            .with_context(|| format!("cannot open the subscriber database {}", shown(url)))?;
        MIGRATOR
            .run(&pool)
            .await
            .with_context(|| format!("cannot bring the subscriber database {} up to date", shown(url)))?;
        Ok(Database { pool })
    }

    /// Close the pool, waiting for its connections (SQLite checkpoints its WAL on the last close).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Seconds since 1970, the database's clock.
pub(super) fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

/// A random id for a new row (positive, so both databases sort it the same).
pub(super) fn new_id() -> anyhow::Result<i64> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness from the system: {e}"))?;
    Ok(i64::from_le_bytes(bytes) & i64::MAX)
}
