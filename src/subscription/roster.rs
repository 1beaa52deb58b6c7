//! What editors and `digest send` do with the subscribers: import the CSV list of old, list,
//! export a person's data, remove or erase, read the recipients of a digest, record bounces.
//!
//! Input: the database and checked rows. Output: counts and rows. Must not: subscribe again an
//! address that unsubscribed or was suppressed (an import never overrides an opt-out).

use super::database::{Database, new_id, now};
use super::register::{consent, mark_unsubscribed, store_token};
use super::tokens::Purpose;
use crate::address::{Subscriber, key};
use crate::model::Lang;
use serde::Serialize;
use sqlx::Row;

/// Hard bounces on this many digests suppress an address.
pub const BOUNCES_TO_SUPPRESS: i64 = 2;

/// What an import did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Imported {
    /// New subscribers.
    pub added: usize,
    /// Already there (name and language updated when subscribed).
    pub kept: usize,
    /// Left as they were because they unsubscribed or were suppressed.
    pub opted_out: usize,
    /// Unsubscribed rows (from `unsubscribed.csv`) recorded.
    pub unsubscribed: usize,
}

/// One subscriber as listed and exported.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Listed {
    /// The address.
    pub email: String,
    /// The name, or empty.
    pub name: String,
    /// The language code of their digest.
    pub lang: String,
    /// pending, subscribed, unsubscribed or suppressed.
    pub status: String,
    /// When the row was made (Unix seconds).
    pub created_at: i64,
    /// When it last changed (Unix seconds).
    pub updated_at: i64,
}

/// A consent record, exported.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ConsentRecord {
    /// requested, confirmed, imported, unsubscribed or language.
    pub action: String,
    /// When (Unix seconds).
    pub at: i64,
    /// The page or file it came from.
    pub source: String,
    /// The language code of their digest.
    pub lang: String,
    /// The client address of the request, when made through the service.
    pub client: String,
}

/// Everything kept about one person (a data request).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PersonData {
    /// The subscriber row.
    #[serde(flatten)]
    pub subscriber: Listed,
    /// Consent records, oldest first.
    pub consents: Vec<ConsentRecord>,
    /// Hard bounces: digest, when, the server's reply.
    pub bounces: Vec<(String, i64, String)>,
}

/// Import checked subscribers (consent "imported" from `source`) and unsubscribed addresses.
pub async fn import(
    db: &Database,
    subscribers: &[Subscriber],
    unsubscribed: &[String],
    source: &str,
) -> anyhow::Result<Imported> {
    let mut done = Imported::default();
    let mut tx = db.pool.begin().await?;
    let at = now();
    for s in subscribers {
        let email = s.email.to_string();
        let existing = sqlx::query("SELECT id, status FROM subscribers WHERE email_key = $1")
            .bind(key(&email))
            .fetch_optional(&mut *tx)
            .await?;
        match existing {
            Some(row) => {
                let (id, status): (i64, String) = (row.try_get(0)?, row.try_get(1)?);
                if status == "unsubscribed" || status == "suppressed" {
                    done.opted_out += 1;
                    continue;
                }
                sqlx::query(
                    "UPDATE subscribers SET name = $2, lang = $3, status = 'subscribed', updated_at = $4 WHERE id = $1",
                )
                .bind(id)
                .bind(&s.name)
                .bind(s.lang.code())
                .bind(at)
                .execute(&mut *tx)
                .await?;
                done.kept += 1;
            }
            None => {
                let id = insert(&mut tx, &email, &s.name, s.lang, "subscribed").await?;
                consent(&mut tx, id, "imported", (source, s.lang, "")).await?;
                done.added += 1;
            }
        }
    }
    for email in unsubscribed {
        let changed = sqlx::query("UPDATE subscribers SET status = 'unsubscribed', updated_at = $2 WHERE email_key = $1 AND status <> 'unsubscribed'")
            .bind(key(email))
            .bind(at)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if changed == 0 && find(&mut tx, email).await?.is_none() {
            let id = insert(&mut tx, email, "", Lang::En, "unsubscribed").await?;
            consent(&mut tx, id, "unsubscribed", (source, Lang::En, "")).await?;
        }
        done.unsubscribed += 1;
    }
    tx.commit().await?;
    Ok(done)
}

async fn find(tx: &mut sqlx::Transaction<'_, sqlx::Any>, email: &str) -> anyhow::Result<Option<i64>> {
    let row = sqlx::query("SELECT id FROM subscribers WHERE email_key = $1")
        .bind(key(email))
        .fetch_optional(&mut **tx)
        .await?;
    Ok(match row {
        Some(r) => Some(r.try_get(0)?),
        None => None,
    })
}

async fn insert(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    email: &str,
    name: &str,
    lang: Lang,
    status: &str,
) -> anyhow::Result<i64> {
    let id = new_id()?;
    sqlx::query(
        "INSERT INTO subscribers (id, email, email_key, name, lang, status, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
    )
    .bind(id)
    .bind(email)
    .bind(key(email))
    .bind(name)
    .bind(lang.code())
    .bind(status)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

const LISTED: &str = "SELECT email, name, lang, status, created_at, updated_at FROM subscribers";

fn listed(row: &sqlx::any::AnyRow) -> anyhow::Result<Listed> {
    Ok(Listed {
        email: row.try_get(0)?,
        name: row.try_get(1)?,
        lang: row.try_get(2)?,
        status: row.try_get(3)?,
        created_at: row.try_get(4)?,
        updated_at: row.try_get(5)?,
    })
}

/// Every subscriber (of `status`, when given), by address.
pub async fn list(db: &Database, status: Option<&str>) -> anyhow::Result<Vec<Listed>> {
    let rows = match status {
        Some(s) => {
            sqlx::query(&format!("{LISTED} WHERE status = $1 ORDER BY email_key")).bind(s).fetch_all(&db.pool).await?
        }
        None => sqlx::query(&format!("{LISTED} ORDER BY email_key")).fetch_all(&db.pool).await?,
    };
    rows.iter().map(listed).collect()
}

/// Everything kept about `email`, or `None` when it is not there.
pub async fn person(db: &Database, email: &str) -> anyhow::Result<Option<PersonData>> {
    let row = sqlx::query(&format!("{LISTED} WHERE email_key = $1")).bind(key(email)).fetch_optional(&db.pool).await?;
    let Some(row) = row else { return Ok(None) };
    let subscriber = listed(&row)?;
    let consents = sqlx::query(
        "SELECT c.action, c.at, c.source, c.lang, c.client FROM consents c JOIN subscribers s ON s.id = c.subscriber_id \
         WHERE s.email_key = $1 ORDER BY c.at, c.action",
    )
    .bind(key(email))
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| {
        Ok(ConsentRecord {
            action: r.try_get(0)?,
            at: r.try_get(1)?,
            source: r.try_get(2)?,
            lang: r.try_get(3)?,
            client: r.try_get(4)?,
        })
    })
    .collect::<anyhow::Result<Vec<_>>>()?;
    let bounces = sqlx::query(
        "SELECT b.digest, b.at, b.reply FROM bounces b JOIN subscribers s ON s.id = b.subscriber_id \
         WHERE s.email_key = $1 ORDER BY b.digest",
    )
    .bind(key(email))
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
    .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(Some(PersonData { subscriber, consents, bounces }))
}

/// Unsubscribe `email` (kept, so an import cannot add it again), or with `erase` delete every
/// row about it. Whether it was there.
pub async fn remove(db: &Database, email: &str, erase: bool) -> anyhow::Result<bool> {
    let mut tx = db.pool.begin().await?;
    let Some(id) = find(&mut tx, email).await? else { return Ok(false) };
    if erase {
        // Children first: a database without cascading deletes still erases everything.
        for table in ["consents", "tokens", "mail_queue", "bounces"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE subscriber_id = $1")).bind(id).execute(&mut *tx).await?;
        }
        sqlx::query("DELETE FROM subscribers WHERE id = $1").bind(id).execute(&mut *tx).await?;
    } else {
        mark_unsubscribed(&mut tx, id, ("removed by an editor", Lang::En, "")).await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// A digest's recipient from the database.
#[derive(Debug, Clone)]
pub struct Recipient {
    /// The row id.
    pub id: i64,
    /// The subscriber row.
    pub subscriber: Subscriber,
}

/// The subscribed readers, by address; rows whose address no longer parses are skipped.
pub async fn recipients(db: &Database) -> anyhow::Result<Vec<Recipient>> {
    // Read a page at a time: the database's rows cost several times the recipients made of them.
    const PAGE: i64 = 5000;
    let mut out = Vec::new();
    let mut after = String::new();
    loop {
        let rows = sqlx::query(
            "SELECT id, email, name, lang, email_key FROM subscribers WHERE status = 'subscribed' AND email_key > $1 \
             ORDER BY email_key LIMIT $2",
        )
        .bind(&after)
        .bind(PAGE)
        .fetch_all(&db.pool)
        .await?;
        for row in &rows {
            let email: String = row.try_get(1)?;
            let Ok(address) = email.parse() else {
                log::warn!("the subscriber database holds `{email}`, which is not an address: skipped");
                continue;
            };
            let lang = Lang::from_code(&row.try_get::<String, _>(3)?).unwrap_or(Lang::En);
            let line = out.len() as u64 + 1;
            let subscriber = Subscriber { email: address, name: row.try_get(2)?, lang, line };
            out.push(Recipient { id: row.try_get(0)?, subscriber });
        }
        match rows.last() {
            Some(last) if rows.len() as i64 == PAGE => after = last.try_get(4)?,
            _ => return Ok(out),
        }
    }
}

/// Whether the reader is still subscribed (an unsubscribe may arrive while a digest goes out).
pub async fn still_subscribed(db: &Database, id: i64) -> anyhow::Result<bool> {
    let row = sqlx::query("SELECT status FROM subscribers WHERE id = $1").bind(id).fetch_optional(&db.pool).await?;
    Ok(match row {
        Some(r) => r.try_get::<String, _>(0)? == "subscribed",
        None => false,
    })
}

/// Keep (hashed) the unsubscribe token of one digest to `id`.
pub async fn keep_unsubscribe_token(db: &Database, id: i64, token: &str) -> anyhow::Result<()> {
    let mut tx = db.pool.begin().await?;
    store_token(&mut tx, id, token, Purpose::Unsubscribe, now()).await?;
    tx.commit().await?;
    Ok(())
}

/// Record a hard bounce of `digest`; whether the address is now suppressed.
pub async fn hard_bounce(db: &Database, id: i64, digest: &str, reply: &str) -> anyhow::Result<bool> {
    let mut tx = db.pool.begin().await?;
    sqlx::query(
        "INSERT INTO bounces (subscriber_id, digest, at, reply) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
    )
    .bind(id)
    .bind(digest)
    .bind(now())
    .bind(reply)
    .execute(&mut *tx)
    .await?;
    let count: i64 = sqlx::query("SELECT COUNT(*) FROM bounces WHERE subscriber_id = $1")
        .bind(id)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
    let suppress = count >= BOUNCES_TO_SUPPRESS;
    if suppress {
        sqlx::query(
            "UPDATE subscribers SET status = 'suppressed', updated_at = $2 WHERE id = $1 AND status = 'subscribed'",
        )
        .bind(id)
        .bind(now())
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(suppress)
}

/// How many subscribers are in each state.
pub async fn counts(db: &Database) -> anyhow::Result<Vec<(String, i64)>> {
    sqlx::query("SELECT status, COUNT(*) FROM subscribers GROUP BY status ORDER BY status")
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect()
}

/// Whether a permanent refusal is of the address (not the message): reply code 550, 551 or 553,
/// or an enhanced status 5.1.x (bad address) or 5.2.1 (mailbox disabled) in its text.
pub fn is_hard_bounce(code: u16, text: &str) -> bool {
    let enhanced = |w: &str| w.starts_with("5.1.") || w.starts_with("5.2.1");
    matches!(code, 550 | 551 | 553) || text.split_whitespace().any(enhanced)
}

#[cfg(test)]
mod tests {
    #[test]
    fn hard_bounces_are_refusals_of_the_address() {
        assert!(super::is_hard_bounce(550, "5.1.1 no such user"));
        assert!(super::is_hard_bounce(554, "5.1.2 bad destination"));
        assert!(!super::is_hard_bounce(554, "5.7.1 message refused as spam"));
        assert!(!super::is_hard_bounce(552, "5.2.2 mailbox full"));
    }
}
