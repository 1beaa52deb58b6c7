//! The confirmation mails waiting to go: claimed by one service instance at a time, removed
//! once the SMTP server has them.
//!
//! Input: the database. Output: claimed mails with their address and token. Must not: hand the
//! same mail to two instances at once (a claim is a conditional update that only one wins), or
//! lose a mail when an instance dies holding it (the claim lapses and another takes it; a mail
//! sent just before a crash may so be sent twice, never not at all).

use super::database::{Database, new_id, now};
use crate::model::Lang;
use sqlx::Row;

/// How long a claim holds before another instance may take the mail (a claimed batch is sent in
/// well under this; after a crash its mails wait this long).
const CLAIM_SECS: i64 = 30;
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
    /// What it says: `confirm` (a confirmation link) or `subscribed` (already subscribed).
    pub kind: String,
    /// The token the link carries.
    pub token: String,
    /// Attempts so far, this one included.
    pub attempts: i64,
}

/// Claim up to `limit` mails whose time has come: one update marks them with a claim of this
/// call's own, then they are read by it (two instances never hold the same mail: each row's
/// `claimed_until` is checked again as it is updated).
pub async fn claim(db: &Database, limit: i64) -> anyhow::Result<Vec<QueuedMail>> {
    let at = now();
    let claim = new_id()?;
    let claimed = sqlx::query(
        "UPDATE mail_queue SET claimed_by = $1, claimed_until = $2, attempts = attempts + 1 WHERE claimed_until < $3 \
         AND id IN (SELECT id FROM mail_queue WHERE claimed_until < $3 ORDER BY created_at LIMIT $4)",
    )
    .bind(claim)
    .bind(at + CLAIM_SECS)
    .bind(at)
    .bind(limit)
    .execute(&db.pool)
    .await?
    .rows_affected();
    if claimed == 0 {
        return Ok(Vec::new());
    }
    let rows = sqlx::query(
        "SELECT q.id, s.email, q.lang, q.token, q.attempts, q.kind FROM mail_queue q \
         JOIN subscribers s ON s.id = q.subscriber_id WHERE q.claimed_by = $1 ORDER BY q.created_at",
    )
    .bind(claim)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            let lang = Lang::from_code(&row.try_get::<String, _>(2)?).unwrap_or(Lang::En);
            Ok(QueuedMail {
                id: row.try_get(0)?,
                email: row.try_get(1)?,
                lang,
                token: row.try_get(3)?,
                attempts: row.try_get(4)?,
                kind: row.try_get(5)?,
            })
        })
        .collect()
}

/// The mails are with the SMTP server (or given up): forget them, in one statement.
pub async fn done(db: &Database, ids: &[i64]) -> anyhow::Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    // Ids are numbers the database made: nothing to quote.
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    sqlx::query(&format!("DELETE FROM mail_queue WHERE id IN ({list})")).execute(&db.pool).await?;
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
