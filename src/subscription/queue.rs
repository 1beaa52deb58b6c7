//! The confirmation mails waiting to go: claimed by one service instance at a time, removed
//! once the SMTP server has them.
//!
//! Input: the database. Output: claimed mails with their address and token. Must not: hand the
//! same mail to two instances at once (a claim is a conditional update that only one wins), or
//! lose a mail when an instance dies holding it (the claim lapses and another takes it).

use super::database::{Database, now};
use crate::model::Lang;
use sqlx::Row;

/// How long a claim holds before another instance may take the mail.
const CLAIM_SECS: i64 = 120;
/// Attempts before a mail is given up (the reader can ask again).
pub const MAX_ATTEMPTS: i64 = 5;

/// A confirmation mail to send.
#[derive(Debug, Clone)]
pub struct QueuedMail {
    /// Its row.
    pub id: i64,
    /// Where it goes.
    pub email: String,
    /// The reader's language.
    pub lang: Lang,
    /// The confirmation token the link carries.
    pub token: String,
    /// Attempts so far, this one included.
    pub attempts: i64,
}

/// Claim up to `limit` mails whose time has come.
pub async fn claim(db: &Database, limit: i64) -> anyhow::Result<Vec<QueuedMail>> {
    let at = now();
    let rows = sqlx::query(
        "SELECT q.id, s.email, q.lang, q.token, q.attempts, q.claimed_until FROM mail_queue q \
         JOIN subscribers s ON s.id = q.subscriber_id WHERE q.claimed_until < $1 ORDER BY q.created_at LIMIT $2",
    )
    .bind(at)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    let mut claimed = Vec::new();
    for row in rows {
        let (id, before): (i64, i64) = (row.try_get(0)?, row.try_get(5)?);
        let won = sqlx::query(
            "UPDATE mail_queue SET claimed_until = $2, attempts = attempts + 1 WHERE id = $1 AND claimed_until = $3",
        )
        .bind(id)
        .bind(at + CLAIM_SECS)
        .bind(before)
        .execute(&db.pool)
        .await?
        .rows_affected()
            == 1;
        if won {
            let lang = Lang::from_code(&row.try_get::<String, _>(2)?).unwrap_or(Lang::En);
            let attempts = row.try_get::<i64, _>(4)? + 1;
            claimed.push(QueuedMail { id, email: row.try_get(1)?, lang, token: row.try_get(3)?, attempts });
        }
    }
    Ok(claimed)
}

/// The mail is with the SMTP server (or given up): forget it.
pub async fn done(db: &Database, id: i64) -> anyhow::Result<()> {
    sqlx::query("DELETE FROM mail_queue WHERE id = $1").bind(id).execute(&db.pool).await?;
    Ok(())
}

/// Try the mail again in `secs` seconds.
pub async fn later(db: &Database, id: i64, secs: i64) -> anyhow::Result<()> {
    sqlx::query("UPDATE mail_queue SET claimed_until = $2 WHERE id = $1")
        .bind(id)
        .bind(now() + secs)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Mails waiting, for `digest status` and the tests.
pub async fn waiting(db: &Database) -> anyhow::Result<i64> {
    Ok(sqlx::query("SELECT COUNT(*) FROM mail_queue").fetch_one(&db.pool).await?.try_get(0)?)
}
